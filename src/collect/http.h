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
    void *heap;                /* body from http_request_take: the caller's, freed by http_response_free */
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
    size_t max_body;           /* one answer; default 64 MiB */
    int stop_after_timeout;    /* a timeout is not retried, and every later request fails at once */
    char stopped[320];         /* with stop_after_timeout: "HOST did not answer within N ms", or "" */
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

/* As http_request, but out->body is malloc'd rather than in the arena: the caller releases it
 * with http_response_free as soon as it is read, so a paged listing holds one page at a time. */
int http_request_take(http_client *c, const char *method, const char *url, const http_header *headers,
                      size_t nheaders, const char *body, size_t body_len, arena *a, http_response *out,
                      isms_err *err);
/* Release the body of an http_request_take answer (no-op for http_request's; safe twice). */
void http_response_free(http_response *r);

/* The paging links or tokens a listing has followed, to stop a cycle (A -> B -> A) at once. */
typedef struct http_pages {
    arena *a;
    char **keys;
    unsigned long long *hashes;
    size_t n, cap;  /* cap: slots of the open-addressing table, a power of two */
    size_t *page;   /* 1-based page that each slot's key led to */
} http_pages;

/* Start an empty set whose keys live in a. */
void http_pages_init(http_pages *p, arena *a);
/* Record that key (a next URL or page token) leads to page number page; returns 0 when it is
 * new, else the page it led to before (a paging cycle). */
size_t http_pages_seen(http_pages *p, const char *key, size_t page);
/* Size texts for messages: "64 MiB", "512 KiB", "1000 bytes". */
const char *http_size_text(arena *a, size_t n);

/* Write "host[:port]" of url into out, without user info, path or query (which may carry
 * secrets): what error messages name. */
void http_url_host(const char *url, char *out, size_t n);
/* Whether url has the scheme, host and port of base and a path under base's path: check a
 * server-supplied URL (a paging link) before sending credentials to it. */
int http_same_origin(const char *base, const char *url);
/* Percent-encode s as one URL path segment or query value (RFC 3986 unreserved kept). */
char *http_escape(arena *a, const char *s);

#endif
