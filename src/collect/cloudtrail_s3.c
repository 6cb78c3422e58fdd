/* CloudTrail logs straight from S3: `isms logs scan s3://BUCKET/PREFIX`. This thread lists the
 * prefix (ListObjectsV2, 1000 keys a page, following continuation tokens) and hands each log key
 * to the worker pool as soon as its page arrives, so listing and fetching overlap; each worker
 * fetches objects (GetObject) on its own connection and streams them through its scanner, a
 * small gzip object read whole for libdeflate. Every request is signed with SigV4 and the AWS
 * credentials the checks use (aws_open: AWS_ACCESS_KEY_ID, ..., AWS_REGION, AWS_ENDPOINT_URL and
 * AWS_ENDPOINT_URL_S3 for another endpoint, then addressed path-style). Slow-downs (503 SlowDown,
 * 429, throttling codes) and 500/502/504 are retried with backoff before any byte of the body is
 * used; a bucket in another region than the one configured is followed once, as the SDKs do.
 * Error bodies are read for their code and message only, and scrubbed of the secret key and
 * token, like aws.c's. */
#include <ctype.h>
#include <curl/curl.h>
#include <errno.h>
#include <libxml/tree.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "collect/aws.h"
#include "collect/cloudtrail_pool.h"
#include "collect/http.h"
#include "collect/sigv4.h"
#include "util/buf.h"

enum {
    S3_BODY_BUF = 256 * 1024,    /* body bytes held between curl and the scanner */
    S3_ERR_MAX = 64 * 1024,      /* error body kept for its code and message */
    S3_LIST_MAX = 16 << 20,      /* a ListObjectsV2 page (1000 keys are ~300 KB) */
    S3_LIST_AHEAD = 5000,        /* keys listed ahead of the merge: the lister waits beyond */
    S3_MAX_ATTEMPTS = 5,
};

/* What every request needs; set up by cloudtrail_scan_s3 and read-only after. */
typedef struct s3_ctx {
    sigv4_creds creds;
    char region[64];
    const char *endpoint; /* path-style base URL, or NULL for AWS */
    const char *bucket, *prefix;
    long backoff_ms;
    int max_attempts;
    struct s3_conn *conns; /* one per worker */
} s3_ctx;

/* One connection: a curl handle driven through a multi handle, so the body can be pulled by the
 * scanner as it needs it rather than pushed into memory. */
typedef struct s3_conn {
    http_client http; /* its CURL handle, and curl's global set-up done once */
    CURLM *multi;
    int ready;
} s3_conn;

/* One response being read. */
typedef struct s3_resp {
    s3_conn *c;
    struct curl_slist *hl;
    long status;
    int headers_done, done, paused, attached;
    CURLcode cc;
    char *body; /* received, not yet taken: S3_BODY_BUF, more if curl hands over more at once */
    size_t len, off, cap;
    buf err; /* non-2xx body */
    char bucket_region[64];
    long retry_after_ms;
    uint64_t taken;
    char curl_err[CURL_ERROR_SIZE];
} s3_resp;

static void sleep_ms(long ms)
{
    if (ms <= 0)
        return;
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

/* ---------- URLs ---------- */

/* Percent-encode s for a URL path (keep_slash) or a query value. */
static char *url_encode(arena *a, const char *s, size_t n, int keep_slash)
{
    static const char hex[] = "0123456789ABCDEF";
    char *out = arena_alloc(a, n * 3 + 1), *o = out;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || (keep_slash && c == '/')) {
            *o++ = (char)c;
        } else {
            *o++ = '%';
            *o++ = hex[c >> 4];
            *o++ = hex[c & 15];
        }
    }
    *o = '\0';
    return out;
}

/* Decode %XX (what ListObjectsV2 sends with encoding-type=url); NULL when malformed. */
static char *url_decode(arena *a, const char *s)
{
    size_t n = strlen(s);
    char *out = arena_alloc(a, n + 1), *o = out;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '%') {
            if (i + 2 >= n || !isxdigit((unsigned char)s[i + 1]) || !isxdigit((unsigned char)s[i + 2]))
                return NULL;
            char h[3] = {s[i + 1], s[i + 2], 0};
            *o++ = (char)strtol(h, NULL, 16);
            i += 2;
        } else {
            *o++ = s[i] == '+' ? ' ' : s[i];
        }
    }
    *o = '\0';
    return out;
}

/* The URL of key in the bucket (key NULL: the bucket itself) with query (may be ""). */
static const char *s3_url(const s3_ctx *x, arena *a, const char *region, const char *key, const char *query)
{
    const char *k = key ? url_encode(a, key, strlen(key), 1) : "";
    const char *q = *query ? "?" : "";
    if (x->endpoint)
        return arena_sprintf(a, "%s/%s/%s%s%s", x->endpoint, x->bucket, k, q, query);
    if (strchr(x->bucket, '.')) /* dotted names break the TLS wildcard of virtual-hosted style */
        return arena_sprintf(a, "https://s3.%s.amazonaws.com/%s/%s%s%s", region, x->bucket, k, q, query);
    return arena_sprintf(a, "https://%s.s3.%s.amazonaws.com/%s%s%s", x->bucket, region, k, q, query);
}

/* ---------- one request, its body pulled ---------- */

static size_t on_header(char *p, size_t size, size_t n, void *ud)
{
    s3_resp *r = ud;
    size_t len = size * n;
    if (len >= 5 && !strncmp(p, "HTTP/", 5)) {
        r->bucket_region[0] = '\0';
        r->retry_after_ms = -1;
        return len;
    }
    if (len <= 2 && (p[0] == '\r' || p[0] == '\n')) {
        long st = 0;
        curl_easy_getinfo(r->c->http.curl, CURLINFO_RESPONSE_CODE, &st);
        if (st >= 200) { /* not a 1xx interim answer */
            r->status = st;
            r->headers_done = 1;
        }
        return len;
    }
    while (len && (p[len - 1] == '\r' || p[len - 1] == '\n'))
        len--;
    const char *colon = memchr(p, ':', len);
    if (!colon)
        return size * n;
    size_t klen = (size_t)(colon - p);
    const char *v = colon + 1;
    while (v < p + len && (*v == ' ' || *v == '\t'))
        v++;
    int vlen = (int)(p + len - v);
    if (klen == 19 && !strncasecmp(p, "x-amz-bucket-region", 19))
        snprintf(r->bucket_region, sizeof r->bucket_region, "%.*s", vlen < 63 ? vlen : 63, v);
    else if (klen == 11 && !strncasecmp(p, "Retry-After", 11)) {
        char tmp[32];
        snprintf(tmp, sizeof tmp, "%.*s", vlen < 31 ? vlen : 31, v);
        char *end;
        long s = strtol(tmp, &end, 10);
        r->retry_after_ms = end != tmp && !*end && s >= 0 ? (s > 60 ? 60000 : s * 1000) : -1;
    }
    return size * n;
}

static size_t on_body(char *p, size_t size, size_t n, void *ud)
{
    s3_resp *r = ud;
    size_t len = size * n;
    if (!r->headers_done || r->status < 200 || r->status >= 300) {
        buf_append(&r->err, p, len < S3_ERR_MAX - r->err.len ? len : 0); /* the start is enough */
        return len;
    }
    if (r->off == r->len)
        r->off = r->len = 0;
    if (!r->len && len > r->cap) {
        char *b = realloc(r->body, len);
        if (!b)
            return 0; /* aborts the transfer: "the transfer broke" */
        r->body = b;
        r->cap = len;
    }
    if (r->cap - r->len < len) {
        r->paused = 1;
        return CURL_WRITEFUNC_PAUSE; /* delivered again once the scanner has taken what is here */
    }
    memcpy(r->body + r->len, p, len);
    r->len += len;
    return len;
}

/* Let curl move: unpause when there is room, run, and wait for the socket when nothing came. */
static void drive(s3_resp *r)
{
    if (r->paused && r->off == r->len) {
        r->off = r->len = 0;
        r->paused = 0;
        curl_easy_pause(r->c->http.curl, CURLPAUSE_CONT); /* may call on_body right away */
    }
    int running = 0;
    size_t before = r->len;
    curl_multi_perform(r->c->multi, &running);
    CURLMsg *m;
    int left;
    while ((m = curl_multi_info_read(r->c->multi, &left)) != NULL)
        if (m->msg == CURLMSG_DONE) {
            r->done = 1;
            r->cc = m->data.result;
        }
    if (!r->done && r->len == before && !r->paused)
        curl_multi_poll(r->c->multi, NULL, 0, 1000, NULL);
}

static void resp_close(s3_resp *r)
{
    if (r->attached)
        curl_multi_remove_handle(r->c->multi, r->c->http.curl);
    r->attached = 0;
    curl_slist_free_all(r->hl);
    r->hl = NULL;
    buf_free(&r->err);
    free(r->body);
    r->body = NULL;
}

static int conn_ready(s3_conn *c, isms_err *e)
{
    if (c->ready)
        return ISMS_OK;
    int rc = http_init(&c->http, e);
    if (rc)
        return rc;
    if (!(c->multi = curl_multi_init())) {
        http_cleanup(&c->http);
        return err_set(e, ISMS_ENOMEM, "cannot create an HTTP client");
    }
    c->ready = 1;
    return ISMS_OK;
}

static void conn_close(s3_conn *c)
{
    if (!c->ready)
        return;
    curl_multi_cleanup(c->multi);
    http_cleanup(&c->http);
    c->ready = 0;
}

/* Send a signed GET and read up to the end of the headers (a non-2xx answer: to its end). */
static int resp_open(const s3_ctx *x, s3_conn *c, const char *url, const char *region, s3_resp *r, arena *a,
                     isms_err *e)
{
    memset(r, 0, sizeof *r);
    r->c = c;
    r->retry_after_ms = -1;
    buf_init(&r->err, S3_ERR_MAX);
    if (!(r->body = malloc(S3_BODY_BUF)))
        return err_set(e, ISMS_ENOMEM, "out of memory");
    r->cap = S3_BODY_BUF;
    sigv4_result sig;
    isms_err se = {0};
    if (sigv4_sign_url("GET", url, NULL, 0, NULL, 0, &x->creds, region, "s3", time(NULL), &sig, a, &se))
        return err_set(e, se.code, "%s", se.msg);
    for (size_t i = 0; i < sig.nheaders; i++) {
        struct curl_slist *l = curl_slist_append(r->hl, arena_sprintf(a, "%s: %s", sig.headers[i].name,
                                                                     sig.headers[i].value));
        if (!l)
            return err_set(e, ISMS_ENOMEM, "out of memory");
        r->hl = l;
    }
    CURL *h = c->http.curl;
    curl_easy_reset(h); /* options only: the connection stays for the next request */
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, r->hl);
    curl_easy_setopt(h, CURLOPT_USERAGENT, c->http.user_agent);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
    /* no overall timeout (an object can be large); a stalled transfer is dropped */
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, 30L);
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_HTTP_CONTENT_DECODING, 0L); /* CloudTrail's Content-Encoding: gzip stays */
    curl_easy_setopt(h, CURLOPT_BUFFERSIZE, 128L * 1024);
#if LIBCURL_VERSION_NUM >= 0x075500
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
#else
    curl_easy_setopt(h, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, r);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, r);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, r->curl_err);
    if (curl_multi_add_handle(c->multi, h) != CURLM_OK)
        return err_set(e, ISMS_EIO, "cannot start the request");
    r->attached = 1;
    while (!r->done && !r->headers_done)
        drive(r);
    if (r->headers_done && (r->status < 200 || r->status >= 300))
        while (!r->done)
            drive(r);
    return ISMS_OK;
}

/* Up to n body bytes; *got == 0 at the end. */
static int resp_read(s3_resp *r, void *dst, size_t n, size_t *got, const char *label, isms_err *e)
{
    while (r->off == r->len) {
        if (r->done) {
            *got = 0;
            if (r->cc != CURLE_OK)
                return err_set(e, ISMS_EIO, "%s: the transfer broke after %llu bytes: %s", label,
                               (unsigned long long)r->taken, r->curl_err[0] ? r->curl_err : curl_easy_strerror(r->cc));
            return ISMS_OK;
        }
        drive(r);
    }
    size_t k = r->len - r->off < n ? r->len - r->off : n;
    memcpy(dst, r->body + r->off, k);
    r->off += k;
    r->taken += k;
    *got = k;
    return ISMS_OK;
}

/* s with the secret key and session token blanked out: an endpoint could echo them. */
static const char *scrub(const s3_ctx *x, arena *a, const char *s)
{
    const char *secrets[2] = {x->creds.secret_key, x->creds.session_token};
    for (int k = 0; s && k < 2; k++) {
        size_t sn = secrets[k] ? strlen(secrets[k]) : 0;
        const char *hit;
        while (sn >= 8 && (hit = strstr(s, secrets[k])) != NULL)
            s = arena_sprintf(a, "%.*s[REDACTED]%s", (int)(hit - s), s, hit + sn);
    }
    return s;
}

typedef struct s3_error {
    const char *code, *message, *region; /* region: from AuthorizationHeaderMalformed or Endpoint */
} s3_error;

static void error_of(const s3_ctx *x, s3_resp *r, arena *a, s3_error *out)
{
    memset(out, 0, sizeof *out);
    xmlDoc *d = r->err.len ? aws_xml_parse(r->err.data, r->err.len) : NULL;
    if (d) {
        xmlNode *root = xmlDocGetRootElement(d);
        if (!strcmp((const char *)root->name, "Error")) {
            out->code = aws_xml_text(a, aws_xml_child(root, "Code"));
            out->message = aws_xml_text(a, aws_xml_child(root, "Message"));
            out->region = aws_xml_text(a, aws_xml_child(root, "Region"));
            const char *ep = aws_xml_text(a, aws_xml_child(root, "Endpoint"));
            /* PermanentRedirect: Endpoint BUCKET.s3.REGION.amazonaws.com (or s3-REGION) */
            const char *s3 = ep ? strstr(ep, "s3.") : NULL;
            if (!s3 && ep)
                s3 = strstr(ep, "s3-");
            if (!out->region && s3 && strstr(s3 + 3, ".amazonaws.com"))
                out->region = arena_strndup(a, s3 + 3, (size_t)(strstr(s3 + 3, ".amazonaws.com") - (s3 + 3)));
        }
        xmlFreeDoc(d);
    }
    if (r->bucket_region[0])
        out->region = arena_strdup(a, r->bucket_region);
    if (out->code && !*out->code)
        out->code = NULL;
    if (out->message && strlen(out->message) > 400)
        out->message = arena_sprintf(a, "%.400s...", out->message);
    out->code = scrub(x, a, out->code);
    out->message = scrub(x, a, out->message);
}

static int valid_region(const char *r)
{
    size_t n = r ? strlen(r) : 0;
    if (!n || n > 32)
        return 0;
    for (const char *p = r; *p; p++)
        if (!(islower((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '-'))
            return 0;
    return 1;
}

/* GET key (NULL: the bucket, with query) until a 2xx answer is open in r, retrying slow-downs
 * and server errors; *region may be corrected once when S3 says the bucket is elsewhere.
 * label names the operation in errors ("ListObjectsV2", "GetObject"). */
static int s3_get(const s3_ctx *x, s3_conn *c, char *region, size_t region_cap, const char *key, const char *query,
                  const char *label, s3_resp *r, arena *a, isms_err *e)
{
    int rc = conn_ready(c, e);
    if (rc)
        return rc;
    long backoff = x->backoff_ms;
    int moved = 0;
    for (int attempt = 1;; attempt++) {
        const char *url = s3_url(x, a, region, key, query);
        if ((rc = resp_open(x, c, url, region, r, a, e)) != ISMS_OK) {
            resp_close(r);
            return rc;
        }
        const char *tries = attempt > 1 ? arena_sprintf(a, " (after %d attempts)", attempt) : "";
        if (r->headers_done && r->status >= 200 && r->status < 300)
            return ISMS_OK;
        char host[256];
        http_url_host(url, host, sizeof host);
        if (!r->headers_done) { /* no answer: connection refused, reset, timeout */
            const char *why = r->curl_err[0] ? arena_strdup(a, r->curl_err) : curl_easy_strerror(r->cc);
            resp_close(r);
            if (attempt < x->max_attempts) {
                sleep_ms(backoff);
                backoff *= 2;
                continue;
            }
            return err_set(e, ISMS_EIO, "%s: %s%s%s%s", label, r->curl_err[0] ? "" : host, r->curl_err[0] ? "" : ": ",
                           why, tries);
        }
        s3_error se;
        error_of(x, r, a, &se);
        long status = r->status, wait = r->retry_after_ms >= 0 ? r->retry_after_ms : backoff;
        resp_close(r);
        if (!moved && se.region && valid_region(se.region) && strcmp(se.region, region) &&
            (status == 301 || (status == 400 && se.code && !strcmp(se.code, "AuthorizationHeaderMalformed")))) {
            snprintf(region, region_cap, "%s", se.region); /* the bucket lives in another region */
            moved = 1;
            attempt--;
            continue;
        }
        int again = status == 500 || status == 502 || status == 503 || status == 504 || status == 429 ||
                    aws_is_throttle(se.code);
        if (again && attempt < x->max_attempts) {
            sleep_ms(wait > 30000 ? 30000 : wait);
            backoff *= 2;
            continue;
        }
        return err_set(e, ISMS_EIO, "%s: HTTP %ld%s%s%s%s%s", label, status, se.code ? " " : "",
                       se.code ? se.code : "", se.message ? ": " : "", se.message ? se.message : "", tries);
    }
}

/* ---------- objects, in the workers ---------- */

typedef struct s3_object {
    s3_resp r;
    const char *label;
} s3_object;

static int object_pull(void *ud, void *dst, size_t n, size_t *got, isms_err *e)
{
    s3_object *o = ud;
    return resp_read(&o->r, dst, n, got, o->label, e);
}

static int scan_object(void *ud, int worker, cloudtrail_scan *s, const char *name, uint64_t size, isms_err *e)
{
    s3_ctx *x = ud;
    const char *key = name + strlen("s3://") + strlen(x->bucket) + 1;
    arena a;
    arena_init(&a);
    char region[64];
    snprintf(region, sizeof region, "%s", x->region);
    s3_object o = {.label = "GetObject"};
    int rc = s3_get(x, &x->conns[worker], region, sizeof region, key, "", o.label, &o.r, &a, e);
    if (rc == ISMS_OK) {
        rc = ct_scan_pull(s, object_pull, &o, size, e);
        resp_close(&o.r);
    }
    arena_free(&a);
    return rc;
}

/* ---------- listing, in this thread ---------- */

static int has_log_ext(const char *key)
{
    size_t n = strlen(key);
    return (n > 5 && !strcasecmp(key + n - 5, ".json")) || (n > 8 && !strcasecmp(key + n - 8, ".json.gz"));
}

/* Logs only: CloudTrail-Digest files (hourly signatures of the logs, also .json.gz) are not. */
static int is_log_key(const char *key) { return has_log_ext(key) && !strstr(key, "/CloudTrail-Digest/"); }

/* Read a whole 2xx body (a listing page) into b. */
static int read_all(s3_resp *r, buf *b, const char *label, isms_err *e)
{
    char tmp[16384];
    for (;;) {
        size_t got;
        int rc = resp_read(r, tmp, sizeof tmp, &got, label, e);
        if (rc)
            return rc;
        if (!got)
            return ISMS_OK;
        if (buf_append(b, tmp, got))
            return err_set(e, ISMS_ENOMEM, "%s: the answer is larger than %d MiB", label, S3_LIST_MAX >> 20);
    }
}

typedef struct s3_list {
    size_t keys, logs; /* keys listed, of them logs */
    int pages;
    /* the log keys of the last page, as s3:// URLs, and their sizes (in a) */
    const char **names;
    uint64_t *sizes;
    size_t n, cap;
    arena a;
} s3_list;

static int list_add(s3_list *l, const char *name, uint64_t size)
{
    if (l->n == l->cap) {
        size_t ncap = l->cap ? l->cap * 2 : 1024;
        const char **nn = arena_alloc(&l->a, ncap * sizeof *nn);
        uint64_t *ns = arena_alloc(&l->a, ncap * sizeof *ns);
        if (l->n) {
            memcpy(nn, l->names, l->n * sizeof *nn);
            memcpy(ns, l->sizes, l->n * sizeof *ns);
        }
        l->names = nn;
        l->sizes = ns;
        l->cap = ncap;
    }
    l->names[l->n] = name;
    l->sizes[l->n++] = size;
    return 0;
}

/* One ListObjectsV2 page: its log keys into l (replacing the last page's); *token set to the
 * next page's token, NULL after the last page. */
static int list_page(s3_ctx *x, s3_conn *c, char **token, s3_list *l, isms_err *e)
{
    arena_free(&l->a);
    arena_init(&l->a);
    l->names = NULL;
    l->sizes = NULL;
    l->n = l->cap = 0;
    arena *a = &l->a;
    const char *q = arena_sprintf(a, "list-type=2&encoding-type=url&prefix=%s%s%s",
                                  url_encode(a, x->prefix, strlen(x->prefix), 0), *token ? "&continuation-token=" : "",
                                  *token ? url_encode(a, *token, strlen(*token), 0) : "");
    const char *label = l->pages ? arena_sprintf(a, "ListObjectsV2 (page %d, after %zu keys)", l->pages + 1, l->keys)
                                 : "ListObjectsV2";
    s3_resp r;
    buf body;
    buf_init(&body, S3_LIST_MAX);
    /* Only the first page may learn that the bucket is in another region: the workers, started
     * after it, read x->region. */
    char region[sizeof x->region];
    snprintf(region, sizeof region, "%s", x->region);
    int rc = s3_get(x, c, region, sizeof region, NULL, q, label, &r, a, e);
    if (!l->pages)
        snprintf(x->region, sizeof x->region, "%s", region);
    if (rc == ISMS_OK) {
        rc = read_all(&r, &body, label, e);
        resp_close(&r);
    }
    free(*token);
    *token = NULL;
    xmlDoc *d = rc == ISMS_OK ? aws_xml_parse(body.data, body.len) : NULL;
    xmlNode *root = d ? xmlDocGetRootElement(d) : NULL;
    if (rc == ISMS_OK && (!root || strcmp((const char *)root->name, "ListBucketResult")))
        rc = err_set(e, ISMS_EIO, "%s: the answer is not a ListBucketResult document", label);
    if (rc == ISMS_OK) {
        const char *enc = aws_xml_text(a, aws_xml_child(root, "EncodingType"));
        int url = enc && !strcmp(enc, "url");
        for (xmlNode *n = root->children; n && rc == ISMS_OK; n = n->next) {
            if (n->type != XML_ELEMENT_NODE || strcmp((const char *)n->name, "Contents"))
                continue;
            const char *key = aws_xml_text(a, aws_xml_child(n, "Key"));
            const char *size = aws_xml_text(a, aws_xml_child(n, "Size"));
            if (key && url)
                key = url_decode(a, key);
            if (!key || !*key) {
                rc = err_set(e, ISMS_EIO, "%s: an entry has no usable Key", label);
                break;
            }
            l->keys++;
            if (!is_log_key(key))
                continue;
            char *end;
            errno = 0;
            unsigned long long sz = size ? strtoull(size, &end, 10) : 0;
            uint64_t hint = size && *size && !*end && !errno ? (uint64_t)sz : UINT64_MAX;
            list_add(l, arena_sprintf(a, "s3://%s/%s", x->bucket, key), hint);
            l->logs++;
        }
        const char *trunc = aws_xml_text(a, aws_xml_child(root, "IsTruncated"));
        const char *next = aws_xml_text(a, aws_xml_child(root, "NextContinuationToken"));
        if (rc == ISMS_OK && trunc && !strcmp(trunc, "true")) {
            if (!next || !*next)
                rc = err_set(e, ISMS_EIO, "%s: the listing is truncated but has no NextContinuationToken", label);
            else if (!(*token = strdup(next)))
                rc = err_set(e, ISMS_ENOMEM, "out of memory");
        }
    }
    l->pages++;
    if (d)
        xmlFreeDoc(d);
    buf_free(&body);
    return rc;
}

/* ---------- the scan ---------- */

int cloudtrail_s3_parse(const char *url, const char **bucket, const char **prefix, arena *a, isms_err *e)
{
    if (strncmp(url, "s3://", 5))
        return err_set(e, ISMS_EINVAL, "%s: not an s3://BUCKET/PREFIX URL", url);
    const char *b = url + 5;
    size_t bn = strcspn(b, "/");
    int ok = bn >= 3 && bn <= 255;
    for (size_t i = 0; ok && i < bn; i++)
        ok = isalnum((unsigned char)b[i]) || b[i] == '.' || b[i] == '-' || b[i] == '_';
    if (!ok)
        return err_set(e, ISMS_EINVAL, "%s: '%.*s' is not an S3 bucket name", url, (int)(bn < 64 ? bn : 64), b);
    for (const char *p = b + bn; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            return err_set(e, ISMS_EINVAL, "%s: the prefix has a control character", url);
    *bucket = arena_strndup(a, b, bn);
    *prefix = arena_strdup(a, b[bn] ? b + bn + 1 : "");
    return ISMS_OK;
}

/* AWS_ENDPOINT_URL_S3, checked as aws.c checks AWS_ENDPOINT_URL. */
static int endpoint_s3(const char *(*get)(const char *), arena *a, const char **out, isms_err *e)
{
    const char *v = get("AWS_ENDPOINT_URL_S3");
    if (!v || !*v)
        return ISMS_OK;
    if ((strncasecmp(v, "http://", 7) && strncasecmp(v, "https://", 8)) || strpbrk(v, " \t\r\n?#"))
        return err_set(e, ISMS_EINVAL, "AWS_ENDPOINT_URL_S3 must be an http:// or https:// base URL without query");
    size_t n = strlen(v);
    while (n && v[n - 1] == '/')
        n--;
    *out = arena_strndup(a, v, n);
    return ISMS_OK;
}

static const char *real_getenv(const char *name) { return getenv(name); }

/* The listing, page after page, each page's logs handed to the pool (started with the first
 * page, once the bucket's region is known). */
static int list_all(s3_ctx *x, int jobs, const cloudtrail_s3_opts *o, cloudtrail_scan *s, ct_pool **pool,
                    s3_list *l, isms_err *e)
{
    s3_conn lister = {0};
    char *token = NULL;
    int rc;
    do {
        if ((rc = list_page(x, &lister, &token, l, e)) != ISMS_OK && !*pool)
            break;
        if (!*pool && l->n) {
            if (!(*pool = ct_pool_start(s, jobs, scan_object, x, o->after_object, o->ud))) {
                rc = err_set(e, ISMS_ENOMEM, "cannot start the workers");
                break;
            }
            ct_pool_backlog(*pool, S3_LIST_AHEAD);
        }
        for (size_t i = 0; i < l->n; i++)
            if (ct_pool_add(*pool, l->names[i], l->sizes[i]) != 0) {
                rc = err_set(e, ISMS_ENOMEM, "out of memory listing");
                break;
            }
    } while (rc == ISMS_OK && token);
    free(token);
    conn_close(&lister);
    arena_free(&l->a);
    return rc;
}

int cloudtrail_scan_s3(cloudtrail_scan *s, const char *url, const cloudtrail_s3_opts *opts, arena *a,
                       cloudtrail_failed **failed, size_t *nfailed, size_t *nlogs, isms_err *e)
{
    cloudtrail_s3_opts o = opts ? *opts : (cloudtrail_s3_opts){0};
    if (!o.getenv)
        o.getenv = real_getenv;
    int jobs = o.jobs > 0 ? o.jobs : CLOUDTRAIL_S3_JOBS;
    *failed = NULL;
    *nfailed = *nlogs = 0;
    s3_ctx x = {.max_attempts = S3_MAX_ATTEMPTS};
    int rc = cloudtrail_s3_parse(url, &x.bucket, &x.prefix, a, e);
    if (rc)
        return rc;
    /* the credentials, region and endpoint exactly as the AWS checks read them */
    check_ctx cc = {.a = a, .getenv = o.getenv};
    aws_client cl;
    isms_err ae = {0};
    rc = aws_open(&cl, &cc, &ae);
    x.creds = cl.creds;
    snprintf(x.region, sizeof x.region, "%s", cl.region ? cl.region : "");
    x.endpoint = cl.endpoint;
    x.backoff_ms = cl.http.backoff_ms > 0 ? cl.http.backoff_ms : 500;
    aws_close(&cl);
    if (rc)
        return err_set(e, rc, "%s: %s", url, ae.msg);
    if ((rc = endpoint_s3(o.getenv, a, &x.endpoint, &ae)) != ISMS_OK)
        return err_set(e, rc, "%s: %s", url, ae.msg);
    if (!(x.conns = calloc((size_t)jobs, sizeof *x.conns)))
        return err_set(e, ISMS_ENOMEM, "out of memory");

    ct_pool *p = NULL;
    s3_list l = {0};
    isms_err le = {0};
    rc = list_all(&x, jobs, &o, s, &p, &l, &le);
    size_t nf = p ? ct_pool_finish(p, a, failed, nlogs) : 0;
    for (int i = 0; i < jobs; i++)
        conn_close(&x.conns[i]);
    free(x.conns);
    *nfailed = nf;
    if (rc != ISMS_OK && !p) /* nothing listed: the bucket or the access is wrong */
        return err_set(e, rc, "s3://%s/%s: %s", x.bucket, x.prefix, le.msg);
    if (rc != ISMS_OK) {
        /* a later page failed: what was listed is scanned, the listing is reported as failed */
        cloudtrail_failed *all = arena_alloc(a, (nf + 1) * sizeof *all);
        if (nf)
            memcpy(all, *failed, nf * sizeof *all);
        all[nf] = (cloudtrail_failed){arena_sprintf(a, "s3://%s/%s", x.bucket, x.prefix), arena_strdup(a, le.msg), 0};
        *failed = all;
        *nfailed = nf + 1;
    }
    if (!p && rc == ISMS_OK)
        return err_set(e, ISMS_ENOTFOUND, "no CloudTrail logs (*.json, *.json.gz) under s3://%s/%s (%zu other key%s)",
                       x.bucket, x.prefix, l.keys, l.keys == 1 ? "" : "s");
    return ISMS_OK;
}
