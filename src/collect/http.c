/* The collectors' HTTP client on libcurl. Retries 429, 503, rate limits and transport failures
 * with backoff, honouring Retry-After; caps the body; never follows redirects (a redirect could
 * carry the Authorization header to another host); never puts request headers (which carry
 * credentials) or URL paths and queries into an error message. */
#include "collect/http.h"

#include <curl/curl.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "util/buf.h"

/* curl_global_init is not thread-safe and the monitor starts clients from two threads. */
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

void http_url_host(const char *url, char *out, size_t n)
{
    const char *p = url ? strstr(url, "://") : NULL;
    p = p ? p + 3 : url ? url : "";
    size_t len = strcspn(p, "/?#");
    const char *at = memchr(p, '@', len);
    if (at) {
        len -= (size_t)(at + 1 - p);
        p = at + 1;
    }
    snprintf(out, n, "%.*s", (int)len, p);
}

/* Length of "scheme://authority" at the start of url, 0 when it has none. */
static size_t origin_len(const char *url)
{
    const char *p = strstr(url, "://");
    if (!p)
        return 0;
    p += 3;
    return (size_t)(p - url) + strcspn(p, "/?#");
}

int http_same_origin(const char *base, const char *url)
{
    if (!base || !url)
        return 0;
    size_t ob = origin_len(base), ou = origin_len(url);
    if (!ob || ob != ou || strncasecmp(base, url, ob))
        return 0;
    /* The path must sit under base's path ("/api/v3" allows "/api/v3/orgs", not "/api/v30"). */
    const char *bp = base + ob, *up = url + ou;
    size_t bl = strcspn(bp, "?#");
    while (bl && bp[bl - 1] == '/')
        bl--;
    if (strncmp(bp, up, bl))
        return 0;
    char next = up[bl];
    return next == '\0' || next == '/' || next == '?' || next == '#';
}

char *http_escape(arena *a, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = strlen(s);
    char *out = arena_alloc(a, n * 3 + 1), *o = out;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-' ||
            *p == '.' || *p == '_' || *p == '~') {
            *o++ = (char)*p;
        } else {
            *o++ = '%';
            *o++ = hex[*p >> 4];
            *o++ = hex[*p & 15];
        }
    }
    *o = '\0';
    return out;
}

/* Per-attempt transfer state: the body so far and the headers of the final response. */
typedef struct xfer {
    buf body;
    int too_big;
    arena *a;
    const char *url;
    const char *ctype, *link_next;
    long retry_after_ms;
    long rl_remaining;
    long long rl_reset;
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

/* A Link target made absolute against the request URL; NULL for forms we do not resolve. */
static const char *link_resolve(arena *a, const char *req, const char *t, size_t n)
{
    if ((n >= 7 && !strncasecmp(t, "http://", 7)) || (n >= 8 && !strncasecmp(t, "https://", 8)))
        return arena_strndup(a, t, n);
    if (n && t[0] == '/' && (n < 2 || t[1] != '/'))
        return arena_sprintf(a, "%.*s%.*s", (int)origin_len(req), req, (int)n, t);
    if (n && t[0] == '?')
        return arena_sprintf(a, "%.*s%.*s", (int)strcspn(req, "?#"), req, (int)n, t);
    return NULL;
}

/* Whether the space-separated rel value v (n bytes) holds "next". */
static int rel_has_next(const char *v, size_t n)
{
    size_t i = 0;
    while (i < n) {
        while (i < n && v[i] == ' ')
            i++;
        size_t s = i;
        while (i < n && v[i] != ' ')
            i++;
        if (i - s == 4 && !strncasecmp(v + s, "next", 4))
            return 1;
    }
    return 0;
}

/* The rel="next" URL of a Link header value (RFC 8288: `<url>; rel="next", <url>; rel="last"`). */
static const char *link_next(arena *a, const char *req, const char *v, size_t n)
{
    const char *p = v, *end = v + n;
    while (p < end) {
        while (p < end && (*p == ' ' || *p == '\t' || *p == ','))
            p++;
        if (p >= end || *p != '<')
            return NULL;
        const char *gt = memchr(p, '>', (size_t)(end - p));
        if (!gt)
            return NULL;
        const char *target = p + 1;
        size_t tlen = (size_t)(gt - target);
        p = gt + 1;
        int next = 0;
        /* Parameters up to the comma that ends this link value. */
        while (p < end && *p != ',') {
            while (p < end && (*p == ';' || *p == ' ' || *p == '\t'))
                p++;
            const char *name = p;
            while (p < end && *p != '=' && *p != ';' && *p != ',')
                p++;
            size_t nlen = (size_t)(p - name);
            while (nlen && (name[nlen - 1] == ' ' || name[nlen - 1] == '\t'))
                nlen--;
            const char *val = p;
            size_t vlen = 0;
            if (p < end && *p == '=') {
                p++;
                while (p < end && (*p == ' ' || *p == '\t'))
                    p++;
                if (p < end && *p == '"') {
                    val = ++p;
                    while (p < end && *p != '"')
                        p++;
                    vlen = (size_t)(p - val);
                    if (p < end)
                        p++;
                } else {
                    val = p;
                    while (p < end && *p != ';' && *p != ',' && *p != ' ')
                        p++;
                    vlen = (size_t)(p - val);
                }
            }
            if (nlen == 3 && !strncasecmp(name, "rel", 3) && rel_has_next(val, vlen))
                next = 1;
            while (p < end && *p != ';' && *p != ',')
                p++;
        }
        if (next)
            return link_resolve(a, req, target, tlen);
    }
    return NULL;
}

/* Milliseconds to wait for a Retry-After value: delta-seconds or an HTTP-date; -1 if invalid. */
static long retry_after_ms(const char *v)
{
    char *e;
    errno = 0;
    long secs = strtol(v, &e, 10);
    if (e != v && !*e && secs >= 0 && !errno)
        return secs > 86400 ? 86400000L : secs * 1000;
    time_t when = curl_getdate(v, NULL);
    if (when <= 0)
        return -1;
    double d = difftime(when, time(NULL));
    return d <= 0 ? 0 : d > 86400 ? 86400000L : (long)d * 1000;
}

static size_t on_header(char *p, size_t size, size_t n, void *ud)
{
    xfer *x = ud;
    size_t len = size * n;
    while (len && (p[len - 1] == '\r' || p[len - 1] == '\n'))
        len--;
    if (len >= 5 && !strncmp(p, "HTTP/", 5)) {
        /* A new response (after a 100 Continue): keep only the final one's headers. */
        x->ctype = x->link_next = NULL;
        x->retry_after_ms = x->rl_remaining = -1;
        x->rl_reset = 0;
        return size * n;
    }
    const char *colon = memchr(p, ':', len);
    if (!colon)
        return size * n;
    size_t klen = (size_t)(colon - p);
    const char *v = colon + 1;
    while (v < p + len && (*v == ' ' || *v == '\t'))
        v++;
    size_t vlen = (size_t)(p + len - v);
    while (vlen && (v[vlen - 1] == ' ' || v[vlen - 1] == '\t'))
        vlen--;
    char tmp[64];
    snprintf(tmp, sizeof tmp, "%.*s", (int)(vlen < 63 ? vlen : 63), v);
    if (klen == 12 && !strncasecmp(p, "Content-Type", 12)) {
        x->ctype = arena_strndup(x->a, v, vlen);
    } else if (klen == 4 && !strncasecmp(p, "Link", 4)) {
        const char *next = link_next(x->a, x->url, v, vlen);
        if (next)
            x->link_next = next;
    } else if (klen == 11 && !strncasecmp(p, "Retry-After", 11)) {
        x->retry_after_ms = retry_after_ms(tmp);
    } else if (klen == 21 && !strncasecmp(p, "X-RateLimit-Remaining", 21)) {
        char *e;
        long r = strtol(tmp, &e, 10);
        if (e != tmp && r >= 0)
            x->rl_remaining = r;
    } else if (klen == 17 && !strncasecmp(p, "X-RateLimit-Reset", 17)) {
        x->rl_reset = strtoll(tmp, NULL, 10);
    }
    return size * n;
}

static void sleep_ms(long ms)
{
    if (ms <= 0)
        return;
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

const char *http_size_text(arena *a, size_t n)
{
    if (n >= (1u << 20) && n % (1u << 20) == 0)
        return arena_sprintf(a, "%zu MiB", n >> 20);
    if (n >= 1024 && n % 1024 == 0)
        return arena_sprintf(a, "%zu KiB", n >> 10);
    return arena_sprintf(a, "%zu bytes", n);
}

/* Header lines for curl, refusing CR/LF, which would let a value smuggle extra headers. */
static int add_headers(struct curl_slist **hl, const http_header *h, size_t n, arena *a, const char *host,
                       isms_err *err)
{
    for (size_t i = 0; i < n; i++) {
        if (!h[i].name || !h[i].value || strpbrk(h[i].name, "\r\n:") || strpbrk(h[i].value, "\r\n"))
            return err_set(err, ISMS_EINVAL, "%s: refusing a request header with a line break or no value (%s)",
                           host, h[i].name && !strpbrk(h[i].name, "\r\n") ? h[i].name : "?");
        struct curl_slist *nl = curl_slist_append(*hl, arena_sprintf(a, "%s: %s", h[i].name, h[i].value));
        if (!nl)
            return err_set(err, ISMS_ENOMEM, "out of memory building the request to %s", host);
        *hl = nl;
    }
    return ISMS_OK;
}

static void set_options(http_client *c, CURL *h, const char *method, const char *url, struct curl_slist *hl,
                        const char *body, size_t body_len, xfer *x)
{
    curl_easy_reset(h); /* options only: the connection cache stays, so keep-alive reuse works */
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hl);
    curl_easy_setopt(h, CURLOPT_USERAGENT, c->user_agent);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, c->timeout_ms);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, c->timeout_ms < 10000 ? c->timeout_ms : 10000L);
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, ""); /* the body cap then applies to decoded bytes */
    curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)c->max_body);
#if LIBCURL_VERSION_NUM >= 0x075500
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
#else
    curl_easy_setopt(h, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
    curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, x);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, x);
    if (body) {
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_len);
    } else if (!strcmp(method, "HEAD")) {
        curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
    }
}

/* How long to wait before retrying this outcome, or -1 when it is final. */
static long retry_wait(http_client *c, CURLcode cc, long status, const xfer *x, long backoff)
{
    if (cc != CURLE_OK) {
        int transient = cc == CURLE_OPERATION_TIMEDOUT || cc == CURLE_COULDNT_CONNECT || cc == CURLE_GOT_NOTHING ||
                        cc == CURLE_RECV_ERROR || cc == CURLE_SEND_ERROR || cc == CURLE_PARTIAL_FILE;
        return !transient ? -1 : backoff > c->max_wait_ms ? c->max_wait_ms : backoff;
    }
    if (status != 429 && status != 503 && status != 403)
        return -1;
    long w = -1;
    if (x->retry_after_ms >= 0) {
        w = x->retry_after_ms;
    } else if (status != 503 && x->rl_remaining == 0 && x->rl_reset > 0) {
        /* Out of quota until the reset: worth waiting only when that is soon. */
        double d = difftime((time_t)x->rl_reset, time(NULL));
        w = d <= 0 ? 0 : d > 86400 ? 86400000L : (long)d * 1000 + 1000;
        if (w > c->max_wait_ms)
            return -1;
    } else if (status != 403) {
        w = backoff; /* a 403 without rate-limit signs is a refusal, not a reason to retry */
    }
    return w < 0 ? -1 : w > c->max_wait_ms ? c->max_wait_ms : w;
}

/* One request with retries; the final body stays in body (the caller frees it). */
static int http_send(http_client *c, const char *method, const char *url, const http_header *headers,
                     size_t nheaders, const char *body, size_t body_len, arena *a, http_response *out, buf *got,
                     isms_err *err)
{
    memset(out, 0, sizeof *out);
    buf_init(got, c->max_body);
    out->retry_after_ms = out->ratelimit_remaining = -1;
    char host[256];
    http_url_host(url, host, sizeof host);
    if (!url || (strncasecmp(url, "http://", 7) && strncasecmp(url, "https://", 8))) {
        /* Only the scheme is named: the rest of a URL can carry a token. */
        const char *colon = url ? strchr(url, ':') : NULL;
        int slen = colon && colon > url && colon - url < 16 ? (int)(colon - url) : 0;
        if (slen)
            return err_set(err, ISMS_EINVAL, "only http and https URLs are fetched, not %.*s:", slen, url);
        return err_set(err, ISMS_EINVAL, "only http and https URLs are fetched, not this one");
    }
    if (!c->curl)
        return err_set(err, ISMS_EINVAL, "%s: the HTTP client is not initialised", host);
    if (!method || !*method || strpbrk(method, " \r\n"))
        return err_set(err, ISMS_EINVAL, "%s: invalid HTTP method", host);
    if (c->stopped[0])
        return err_set(err, ISMS_EIO, "%s earlier in this run; not asked again", c->stopped);
    CURL *h = c->curl;
    long backoff = c->backoff_ms > 0 ? c->backoff_ms : 1;
    for (int attempt = 0;; attempt++) {
        xfer x = {.a = a, .url = url, .retry_after_ms = -1, .rl_remaining = -1};
        buf_init(&x.body, c->max_body);
        struct curl_slist *hl = NULL;
        int rc = add_headers(&hl, headers, nheaders, a, host, err);
        if (!rc && c->sign) {
            http_header *extra = NULL;
            size_t nextra = 0;
            rc = c->sign(c->sign_ctx, method, url, headers, nheaders, body, body_len, a, &extra, &nextra, err);
            if (!rc)
                rc = add_headers(&hl, extra, nextra, a, host, err);
        }
        if (rc) {
            curl_slist_free_all(hl);
            buf_free(&x.body);
            out->attempts = attempt;
            return rc;
        }
        set_options(c, h, method, url, hl, body, body_len, &x);
        CURLcode cc = curl_easy_perform(h);
        curl_slist_free_all(hl);
        long status = 0;
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
        out->attempts = attempt + 1;
        if (x.too_big || cc == CURLE_FILESIZE_EXCEEDED) {
            buf_free(&x.body);
            return err_set(err, ISMS_ENOMEM, "%s: the answer is larger than the %s one answer may hold; transfer aborted",
                           host, http_size_text(a, c->max_body));
        }
        /* A host that let one request time out is not waited on again (stop_after_timeout). */
        int give_up = cc == CURLE_OPERATION_TIMEDOUT && c->stop_after_timeout;
        long w = give_up ? -1 : retry_wait(c, cc, status, &x, backoff);
        if (w >= 0 && attempt < c->max_retries) {
            buf_free(&x.body);
            sleep_ms(w);
            if (backoff < c->max_wait_ms)
                backoff *= 2;
            continue;
        }
        const char *tries = attempt ? arena_sprintf(a, " (after %d attempts)", attempt + 1) : "";
        if (cc == CURLE_OPERATION_TIMEDOUT) {
            buf_free(&x.body);
            if (give_up)
                snprintf(c->stopped, sizeof c->stopped, "%s did not answer within %ld ms", host, c->timeout_ms);
            return err_set(err, ISMS_EIO, "%s: timeout: no complete response within %ld ms%s%s", host, c->timeout_ms,
                           tries, give_up ? "; not asked again in this run" : "");
        }
        if (cc != CURLE_OK) {
            buf_free(&x.body);
            return err_set(err, ISMS_EIO, "%s: %s%s", host, curl_easy_strerror(cc), tries);
        }
        out->status = status;
        out->len = x.body.len;
        out->content_type = x.ctype;
        out->link_next = x.link_next;
        out->retry_after_ms = x.retry_after_ms;
        out->ratelimit_remaining = x.rl_remaining;
        out->ratelimit_reset = x.rl_reset;
        *got = x.body;
        return ISMS_OK;
    }
}

int http_request(http_client *c, const char *method, const char *url, const http_header *headers, size_t nheaders,
                 const char *body, size_t body_len, arena *a, http_response *out, isms_err *err)
{
    buf got;
    int rc = http_send(c, method, url, headers, nheaders, body, body_len, a, out, &got, err);
    if (!rc)
        out->body = arena_strndup(a, got.data ? got.data : "", got.len);
    buf_free(&got);
    return rc;
}

int http_request_take(http_client *c, const char *method, const char *url, const http_header *headers,
                      size_t nheaders, const char *body, size_t body_len, arena *a, http_response *out,
                      isms_err *err)
{
    buf got;
    int rc = http_send(c, method, url, headers, nheaders, body, body_len, a, out, &got, err);
    if (rc) {
        buf_free(&got);
        return rc;
    }
    if (!got.data && !(got.data = calloc(1, 1))) /* an empty body is still a string of its own */
        return err_set(err, ISMS_ENOMEM, "out of memory");
    out->body = got.data;
    out->heap = got.data;
    return ISMS_OK;
}

void http_response_free(http_response *r)
{
    if (r->heap) {
        free(r->heap);
        if (r->body == r->heap)
            r->body = NULL;
        r->heap = NULL;
        r->len = 0;
    }
}

/* FNV-1a, 64 bits: enough to tell paging keys apart, each hit confirmed by strcmp. */
static unsigned long long key_hash(const char *s)
{
    unsigned long long h = 1469598103934665603ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

void http_pages_init(http_pages *p, arena *a)
{
    memset(p, 0, sizeof *p);
    p->a = a;
}

static void pages_grow(http_pages *p)
{
    size_t cap = p->cap ? p->cap * 2 : 64;
    char **keys = arena_alloc(p->a, cap * sizeof *keys);
    unsigned long long *hashes = arena_alloc(p->a, cap * sizeof *hashes);
    size_t *page = arena_alloc(p->a, cap * sizeof *page);
    for (size_t i = 0; i < p->cap; i++) {
        if (!p->keys[i])
            continue;
        size_t j = (size_t)p->hashes[i] & (cap - 1);
        while (keys[j])
            j = (j + 1) & (cap - 1);
        keys[j] = p->keys[i];
        hashes[j] = p->hashes[i];
        page[j] = p->page[i];
    }
    p->keys = keys;
    p->hashes = hashes;
    p->page = page;
    p->cap = cap;
}

size_t http_pages_seen(http_pages *p, const char *key, size_t page)
{
    if ((p->n + 1) * 2 > p->cap)
        pages_grow(p);
    unsigned long long h = key_hash(key);
    size_t j = (size_t)h & (p->cap - 1);
    for (; p->keys[j]; j = (j + 1) & (p->cap - 1))
        if (p->hashes[j] == h && !strcmp(p->keys[j], key))
            return p->page[j];
    p->keys[j] = arena_strdup(p->a, key);
    p->hashes[j] = h;
    p->page[j] = page;
    p->n++;
    return 0;
}
