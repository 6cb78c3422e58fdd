/* Google Workspace checks over the Admin SDK Directory API (users.list): 2-Step Verification
 * enrolment and enforcement, administrators' 2SV, the number of super admins, suspended or
 * archived accounts that keep admin rights, and dormant accounts. A service account with
 * domain-wide delegation signs an RS256 JWT (OpenSSL) to act as an administrator. Configuration
 * comes from the environment: GOOGLE_APPLICATION_CREDENTIALS (the key file, mode 600),
 * ISMS_GWORKSPACE_ADMIN and optionally ISMS_GOOGLE_API_URL. */
#ifndef ISMS_COLLECT_GWORKSPACE_H
#define ISMS_COLLECT_GWORKSPACE_H

#include "collect/check.h"

/* The only scope asked for: reading users is all the checks need. */
#define GWS_SCOPE "https://www.googleapis.com/auth/admin.directory.user.readonly"

/* The Google Workspace checks, in a stable order, terminated by an all-NULL entry. */
extern const check_def checks_gworkspace[];

/* What the Google Workspace source needs (environment, delegation), for help texts and the README. */
extern const char gworkspace_checks_source[];

/* A loaded service-account key. The private key exists only as the OpenSSL object. */
typedef struct gws_key {
    const char *path;          /* the key file, for messages */
    const char *client_email;  /* in the arena */
    const char *key_id;        /* private_key_id, the JWT "kid" */
    const char *token_uri;
    void *pkey;                /* EVP_PKEY *; released by gws_key_free */
} gws_key;

/* Read a service-account key JSON file. Refused when group or others have any access to it
 * (the private key must be the owner's alone: chmod 600). */
int gws_key_load(arena *a, const char *path, gws_key *k, isms_err *err);
/* Release the private key of k (safe on a zeroed or already freed key). */
void gws_key_free(gws_key *k);
/* The RS256-signed JWT assertion for the token endpoint: iss client_email, scope GWS_SCOPE, aud
 * token_uri, sub the user to act as, issued at now (Unix seconds) and valid for an hour. */
int gws_jwt(arena *a, const gws_key *k, const char *sub, long long now, char **jwt, isms_err *err);

#endif
