/* The collectors' HTTP client on libcurl. Retries 429, 503 and transport timeouts with backoff,
 * honouring Retry-After; caps the body; never follows redirects; never puts request headers
 * (which carry credentials) into an error message. */
#include "collect/http.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "util/buf.h"

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static int curl_ok;

static void curl_start(void) { curl_ok = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK; }

int http_init(http_client *c, isms_err *err)
{
    memset(c, 0, sizeof *c);
    pthread_once(&curl_once, curl_start);
    if (!curl_ok)
        return err_set(err, ISMS_EIO, "cannot initialise libcurl");
    c->curl = curl_easy_init();
    if (!c->curl)
        return err_set(err, ISMS_ENOMEM, "cannot create an HTTP client");
    c->timeout_ms = 15000;
    c->max_retries = 4;
    c->backoff_ms = 500;
    c->max_wait_ms = 30000;
    c->max_body = 64u << 20;
    c->user_agent = "isms/0.1";
    const char *b = getenv("ISMS_HTTP_BACKOFF_MS");
    if (b && atol(b) > 0)
        c->backoff_ms = atol(b);
    return ISMS_OK;
}

void http_cleanup(http_client *c)
{
    if (c->curl)
        curl_easy_cleanup(c->curl);
    c->curl = NULL;
}

typedef struct xfer {
    buf body;
    int too_big;
    arena *a;
    const char *ctype, *link_next;
    long retry_after_ms;
} xfer;

static size_t on_body(char *p, size_t size, size_t n, void *ud)
{
    xfer *x = ud;
    if (buf_append(&x->body, p, size * n)) {
        x->too_big = 1;
        return 0; /* aborts the transfer */
    }
    return size * n;
}

/* The rel="next" URL of a Link header value, or NULL. */
static const char *link_next(arena *a, const char *v, size_t n)
{
    const char *end = v + n;
    while (v < end) {
        const char *lt = memchr(v, '<', (size_t)(end - v));
        if (!lt)
            return NULL;
        const char *gt = memchr(lt, '>', (size_t)(end - lt));
        if (!gt)
            return NULL;
        const char *comma = gt;
        int in_quotes = 0;
        while (comma < end && (in_quotes || *comma != ','))
            in_quotes ^= *comma++ == '"';
        for (const char *p = gt; p + 10 <= comma; p++)
            if (!strncasecmp(p, "rel=\"next\"", 10) || !strncasecmp(p, "rel=next", 8))
                return arena_strndup(a, lt + 1, (size_t)(gt - lt - 1));
        v = comma + 1;
    }
    return NULL;
}

static size_t on_header(char *p, size_t size, size_t n, void *ud)
{
    xfer *x = ud;
    size_t len = size * n;
    while (len && (p[len - 1] == '\r' || p[len - 1] == '\n'))
        len--;
    const char *colon = memchr(p, ':', len);
    if (!colon)
        return size * n;
    size_t klen = (size_t)(colon - p);
    const char *v = colon + 1;
    while (v < p + len && (*v == ' ' || *v == '\t'))
        v++;
    size_t vlen = (size_t)(p + len - v);
    if (klen == 12 && !strncasecmp(p, "Content-Type", 12))
        x->ctype = arena_strndup(x->a, v, vlen);
    else if (klen == 4 && !strncasecmp(p, "Link", 4)) {
        const char *next = link_next(x->a, v, vlen);
        if (next)
            x->link_next = next;
    } else if (klen == 11 && !strncasecmp(p, "Retry-After", 11)) {
        char tmp[64];
        snprintf(tmp, sizeof tmp, "%.*s", (int)(vlen < 63 ? vlen : 63), v);
        char *e;
        long secs = strtol(tmp, &e, 10);
        if (e != tmp && !*e && secs >= 0) {
            x->retry_after_ms = secs * 1000;
        } else {
            /* The HTTP-date form: wait until then. */
            time_t when = curl_getdate(tmp, NULL);
            if (when > 0) {
                long d = (long)(when - time(NULL));
                x->retry_after_ms = d > 0 ? d * 1000 : 0;
            }
        }
    }
    return size * n;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0)
        ;
}

/* The host part of url, for messages: never the path or query, which may carry tokens. */
static void url_host(const char *url, char *out, size_t n)
{
    const char *p = strstr(url, "://");
    p = p ? p + 3 : url;
    size_t len = strcspn(p, "/?#");
    const char *at = memchr(p, '@', len);
    if (at) {
        len -= (size_t)(at + 1 - p);
        p = at + 1;
    }
    snprintf(out, n, "%.*s", (int)len, p);
}

int http_request(http_client *c, const char *method, const char *url, const http_header *headers, size_t nheaders,
                 const char *body, size_t body_len, arena *a, http_response *out, isms_err *err)
{
    memset(out, 0, sizeof *out);
    char host[256];
    url_host(url ? url : "", host, sizeof host);
    if (!url || (strncmp(url, "http://", 7) && strncmp(url, "https://", 8)))
        return err_set(err, ISMS_EINVAL, "only http and https URLs are fetched, not '%.60s'", url ? url : "");
    CURL *h = c->curl;
    long wait_ms = c->backoff_ms;
    for (int attempt = 0;; attempt++) {
        xfer x = {.a = a, .retry_after_ms = -1};
        buf_init(&x.body, c->max_body);
        struct curl_slist *hl = NULL;
        for (size_t i = 0; i < nheaders; i++)
            hl = curl_slist_append(hl, arena_sprintf(a, "%s: %s", headers[i].name, headers[i].value));
        if (c->sign) {
            http_header *extra = NULL;
            size_t nextra = 0;
            int rc = c->sign(c->sign_ctx, method, url, headers, nheaders, body, body_len, a, &extra, &nextra, err);
            if (rc) {
                curl_slist_free_all(hl);
                buf_free(&x.body);
                return rc;
            }
            for (size_t i = 0; i < nextra; i++)
                hl = curl_slist_append(hl, arena_sprintf(a, "%s: %s", extra[i].name, extra[i].value));
        }
        curl_easy_reset(h);
        curl_easy_setopt(h, CURLOPT_URL, url);
        curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
        curl_easy_setopt(h, CURLOPT_HTTPHEADER, hl);
        curl_easy_setopt(h, CURLOPT_USERAGENT, c->user_agent);
        curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, c->timeout_ms);
        curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, c->timeout_ms < 10000 ? c->timeout_ms : 10000L);
        curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
        curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
#if LIBCURL_VERSION_NUM >= 0x075500
        curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
#else
        curl_easy_setopt(h, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
        curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
        curl_easy_setopt(h, CURLOPT_WRITEDATA, &x);
        curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
        curl_easy_setopt(h, CURLOPT_HEADERDATA, &x);
        if (body) {
            curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
            curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_len);
        } else if (!strcmp(method, "HEAD")) {
            curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
        }
        CURLcode cc = curl_easy_perform(h);
        curl_slist_free_all(hl);
        long status = 0;
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
        out->attempts = attempt + 1;
        if (x.too_big) {
            buf_free(&x.body);
            return err_set(err, ISMS_ENOMEM, "%s: the response is larger than %zu MiB", host, c->max_body >> 20);
        }
        int transient = cc == CURLE_OPERATION_TIMEDOUT || cc == CURLE_COULDNT_CONNECT || cc == CURLE_GOT_NOTHING ||
                        cc == CURLE_RECV_ERROR || cc == CURLE_SEND_ERROR ||
                        (cc == CURLE_OK && (status == 429 || status == 503));
        if (transient && attempt < c->max_retries) {
            long w = x.retry_after_ms >= 0 ? x.retry_after_ms : wait_ms;
            if (w > c->max_wait_ms)
                w = c->max_wait_ms;
            buf_free(&x.body);
            sleep_ms(w);
            wait_ms *= 2;
            continue;
        }
        if (cc != CURLE_OK) {
            buf_free(&x.body);
            return err_set(err, ISMS_EIO, "%s: %s%s", host, curl_easy_strerror(cc),
                           attempt ? arena_sprintf(a, " (after %d attempts)", attempt + 1) : "");
        }
        out->status = status;
        out->len = x.body.len;
        out->body = arena_strndup(a, x.body.data ? x.body.data : "", x.body.len);
        out->content_type = x.ctype;
        out->link_next = x.link_next;
        buf_free(&x.body);
        return ISMS_OK;
    }
}
