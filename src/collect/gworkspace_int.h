/* Private to src/collect/gworkspace*.c: the signed-in client and the sign-in helpers the checks use. */
#ifndef ISMS_COLLECT_GWORKSPACE_INT_H
#define ISMS_COLLECT_GWORKSPACE_INT_H

#include <stddef.h>

#include "collect/gworkspace.h"
#include "collect/http.h"

#define GWS_DEFAULT_API "https://admin.googleapis.com"

typedef struct gws {
    check_ctx *ctx;        /* the check being run: its evidence, budget and progress */
    arena *a;              /* what the client allocates: the session's when shared */
    http_client http;
    gws_key key;
    const char *admin, *api, *api_host, *token_host;
    const char *jwt, *token; /* secrets: scrubbed from anything a server echoes */
    http_header hdr[2];
} gws;

/* The sign-in's helpers the users list and the checks use (described in gworkspace_auth.c). */
char *gws_scrub(gws *g, const char *s, size_t len, size_t *outlen);
const char *gws_said(gws *g, const char *s);
void gws_close(gws *g);
void gws_gone(gws *g);
int gws_acquire(check_ctx *ctx, gws *own, gws **out, isms_err *err);

#endif
