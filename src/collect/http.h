/* HTTP client for the collectors, on libcurl: timeouts, a response size cap, retries with
 * backoff on 429/503/timeouts honouring Retry-After, and the Link rel="next" of paged APIs. */
#ifndef ISMS_HTTP_H
#define ISMS_HTTP_H

#include <stddef.h>

#include "util/arena.h"
#include "util/err.h"

typedef struct http_header {
    const char *name, *value;
} http_header;

typedef struct http_response {
    long status;               /* final HTTP status after retries */
    char *body;                /* NUL-terminated, in the arena */
    size_t len;
    const char *content_type;  /* or NULL */
    const char *link_next;     /* absolute URL of rel="next" from the Link header, or NULL */
    int attempts;              /* how many requests were sent */
    long retry_after_ms;       /* Retry-After of the final response in ms, or -1 when absent */
    long ratelimit_remaining;  /* X-RateLimit-Remaining of the final response, or -1 when absent */
    long long ratelimit_reset; /* X-RateLimit-Reset (Unix seconds) of the final response, or 0 */
} http_response;

/* Called before every attempt (including retries) to add headers that depend on the moment of
 * sending, e.g. an AWS SigV4 signature. Returns ISMS_OK or an error. */
typedef int (*http_sign_fn)(void *ctx, const char *method, const char *url, const http_header *headers,
                            size_t nheaders, const char *body, size_t body_len, arena *a,
                            http_header **extra, size_t *nextra, isms_err *err);

typedef struct http_client {
    void *curl;                /* CURL* */
    long timeout_ms;           /* whole request; default 15000 */
    int max_retries;           /* default 4 */
    long backoff_ms;           /* first backoff when no Retry-After; doubles each time; default 500 */
    long max_wait_ms;          /* cap on any single wait, Retry-After included; default 30000 */
    size_t max_body;           /* default 64 MiB */
    const char *user_agent;    /* default "isms/VERSION" */
    http_sign_fn sign;         /* optional */
    void *sign_ctx;
} http_client;

/* Prepare a client with defaults; $ISMS_HTTP_BACKOFF_MS overrides backoff_ms (tests). */
int http_init(http_client *c, isms_err *err);
void http_cleanup(http_client *c);
/* Send one request, retrying 429, 503 and timeouts; any other status is returned as is. A
 * transport failure after the retries is an error naming the host and what failed.
 * Rate limits are retried too: a 403 with Retry-After (GitHub's secondary limit), and a 403/429
 * with X-RateLimit-Remaining: 0 when its X-RateLimit-Reset is within max_wait_ms. */
int http_request(http_client *c, const char *method, const char *url, const http_header *headers,
                 size_t nheaders, const char *body, size_t body_len, arena *a, http_response *out, isms_err *err);

/* Write "host[:port]" of url into out, without user info, path or query (which may carry
 * secrets): what error messages name. */
void http_url_host(const char *url, char *out, size_t n);
/* Whether url has the scheme, host and port of base and a path under base's path: check a
 * server-supplied URL (a paging link) before sending credentials to it. */
int http_same_origin(const char *base, const char *url);
/* Percent-encode s as one URL path segment or query value (RFC 3986 unreserved kept). */
char *http_escape(arena *a, const char *s);

#endif
