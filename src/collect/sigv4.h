/* AWS Signature Version 4 request signing (Authorization header and presigned URL), for the AWS
 * collectors. Pure computation: no I/O, no clock; every output string lives in the caller's arena. */
#ifndef ISMS_SIGV4_H
#define ISMS_SIGV4_H

#include <stddef.h>
#include <time.h>

#include "util/arena.h"
#include "util/err.h"

/* Input caps: anything larger is refused with ISMS_ENOMEM before it is copied. */
#define SIGV4_MAX_PATH 8192          /* bytes of request path */
#define SIGV4_MAX_QUERY 32768        /* bytes of query string */
#define SIGV4_MAX_URL (SIGV4_MAX_PATH + SIGV4_MAX_QUERY + 1024)
#define SIGV4_MAX_HEADERS 64         /* request headers passed in */
#define SIGV4_MAX_HEADER_BYTES 65536 /* sum of their names and values */
#define SIGV4_MAX_TOKEN 8192         /* session token */
#define SIGV4_MAX_KEY 128            /* access key id, secret key */
#define SIGV4_MAX_NAME 64            /* region, service */
#define SIGV4_MAX_EXPIRES 604800     /* presigned URLs live at most 7 days */
#define SIGV4_MAX_ADDED 5            /* headers a signing can ask the caller to add */

typedef struct sigv4_header {
    const char *name;
    const char *value;
} sigv4_header;

typedef struct sigv4_request {
    const char *method;          /* "GET" */
    const char *path;            /* as on the request line, "/" or "/example space/"; NULL or "" is "/" */
    const char *query;           /* without '?', NULL or "" for none */
    const sigv4_header *headers; /* as sent: duplicates allowed, values untrimmed, must include Host */
    size_t nheaders;
    const void *body;            /* may be NULL when body_len is 0 */
    size_t body_len;
} sigv4_request;

typedef struct sigv4_creds {
    const char *access_key;
    const char *secret_key;
    const char *session_token;   /* NULL or "" for long-term credentials */
} sigv4_creds;

typedef struct sigv4_params {
    const char *region;          /* "us-east-1" */
    const char *service;         /* "iam", "s3", ... */
    time_t when;                 /* signing time, UTC seconds since the epoch */
    int normalize_path;          /* remove ".", ".." and empty segments: 1 for every service but s3 */
    int path_is_encoded;         /* path is percent-encoded URL form and is decoded before the single
                                  * encoding s3 wants; 0 encodes path bytes as they are, which double-
                                  * encodes a URL path as every other service wants */
    int sign_body;               /* add and sign x-amz-content-sha256 (s3); header signing only */
    int omit_session_token_from_signature; /* send the token but leave it out of the signature */
    const char *payload_hash;    /* NULL: SHA-256 hex of the body; else used as is ("UNSIGNED-PAYLOAD") */
    long expires;                /* sigv4_presign only: X-Amz-Expires, 1..SIGV4_MAX_EXPIRES seconds */
} sigv4_params;

typedef struct sigv4_result {
    const char *amz_date;          /* "20150830T123600Z" */
    const char *credential_scope;  /* "20150830/us-east-1/service/aws4_request" */
    const char *payload_hash;      /* last line of the canonical request */
    const char *signed_headers;    /* "host;x-amz-date" */
    const char *canonical_request;
    const char *string_to_sign;
    const char *signature;         /* 64 lowercase hex digits */
    const char *authorization;     /* header signing: the Authorization value; presign: NULL */
    const char *query;             /* presign: the request's query plus the X-Amz-* parameters, to
                                    * follow '?'; header signing: NULL */
    sigv4_header headers[SIGV4_MAX_ADDED]; /* header signing: what to add to the request as sent */
    size_t nheaders;
} sigv4_result;

/* Sign req with an Authorization header; fills out (strings in a) with the canonical request,
 * string to sign, signature and the headers to add (X-Amz-Date, token, content hash, Authorization). */
int sigv4_sign(const sigv4_request *req, const sigv4_creds *c, const sigv4_params *p,
               sigv4_result *out, arena *a, isms_err *err);

/* Presign req with query parameters valid p->expires seconds; out->query is the new query string. */
int sigv4_presign(const sigv4_request *req, const sigv4_creds *c, const sigv4_params *p,
                  sigv4_result *out, arena *a, isms_err *err);

/* Sign a request to an http(s) URL (percent-encoded as given to libcurl; spaces as %20, '+' is a
 * literal plus) the way service expects: out->headers are to be added, Host too unless given. */
int sigv4_sign_url(const char *method, const char *url, const sigv4_header *headers, size_t nheaders,
                   const void *body, size_t body_len, const sigv4_creds *c, const char *region,
                   const char *service, time_t when, sigv4_result *out, arena *a, isms_err *err);

#endif
