/* The AWS client the checks share: configuration as the AWS CLI reads it, the three wire
 * protocols, SigV4 on every attempt (a retry signed with the first attempt's time could fall out
 * of AWS's 15-minute window), throttling retries and raw-response capture. Secrets never reach
 * ctx->raw or an error message: error bodies are kept only as code and message (S3's
 * SignatureDoesNotMatch body echoes the canonical request, session token included), and every
 * text taken from a response is scrubbed of the secret key and token before it is kept. */
#include "collect/aws.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <libxml/parser.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

struct aws_owned {
    struct aws_owned *next;
    char *body;  /* the answer as received (malloc'd) */
    xmlDoc *doc;
    json_t *json;
};

/* Longest AWS error message kept: enough for "User: arn:... is not authorized to perform: ...". */
#define AWS_MAX_MESSAGE 400
/* Credential report generation: poll at most this long before giving up. */
#define AWS_REPORT_MAX_WAIT_MS 120000L
#define AWS_REPORT_MAX_POLL_MS 5000L

static pthread_once_t xml_once = PTHREAD_ONCE_INIT;
static void xml_start(void) { xmlInitParser(); }

static const char *env(check_ctx *ctx, const char *name)
{
    const char *v = ctx->getenv ? ctx->getenv(name) : getenv(name);
    return v && *v ? v : NULL;
}

static void sleep_ms(long ms)
{
    if (ms <= 0)
        return;
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

/* Region names end up in host names: only the characters real regions use. */
static int valid_region(const char *r)
{
    size_t n = strlen(r);
    if (!n || n > 32)
        return 0;
    for (const char *p = r; *p; p++)
        if (!(islower((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '-'))
            return 0;
    return 1;
}

/* An endpoint override: http(s), no spaces, query or fragment; trailing '/' removed. */
static int check_endpoint(aws_client *cl, const char *var, const char *v, const char **out, isms_err *err)
{
    *out = NULL;
    if (!v)
        return ISMS_OK;
    if ((strncasecmp(v, "http://", 7) && strncasecmp(v, "https://", 8)) || strpbrk(v, " \t\r\n?#"))
        return err_set(err, ISMS_EINVAL, "%s must be an http:// or https:// base URL without query", var);
    size_t n = strlen(v);
    while (n && v[n - 1] == '/')
        n--;
    *out = arena_strndup(cl->a, v, n);
    return ISMS_OK;
}

int aws_open(aws_client *cl, check_ctx *ctx, isms_err *err)
{
    memset(cl, 0, sizeof *cl);
    cl->ctx = ctx;
    cl->a = ctx->a;
    const char *ak = env(ctx, "AWS_ACCESS_KEY_ID"), *sk = env(ctx, "AWS_SECRET_ACCESS_KEY");
    if (!ak || !sk)
        return err_set(err, ISMS_EINVAL,
                       "no AWS credentials: %s not set; set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and "
                       "AWS_SESSION_TOKEN for temporary credentials) as for the AWS CLI",
                       !ak && !sk ? "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are"
                       : !ak      ? "AWS_ACCESS_KEY_ID is"
                                  : "AWS_SECRET_ACCESS_KEY is");
    cl->creds.access_key = ak;
    cl->creds.secret_key = sk;
    cl->creds.session_token = env(ctx, "AWS_SESSION_TOKEN");
    const char *region = env(ctx, "AWS_REGION");
    if (!region)
        region = env(ctx, "AWS_DEFAULT_REGION");
    if (!region)
        region = "us-east-1";
    if (!valid_region(region))
        return err_set(err, ISMS_EINVAL, "AWS_REGION '%.40s' is not a region name like eu-west-1", region);
    cl->region = region;
    int rc = check_endpoint(cl, "AWS_ENDPOINT_URL", env(ctx, "AWS_ENDPOINT_URL"), &cl->endpoint, err);
    if (rc)
        return rc;
    if ((rc = http_init(&cl->http, err)))
        return rc;
    cl->http.timeout_ms = ctx->timeout_ms > 0 ? ctx->timeout_ms : 15000;
    cl->http.max_retries = ctx->max_retries > 0 ? ctx->max_retries : ctx->max_retries < 0 ? 0 : 4;
    cl->http.max_body = CHECK_MAX_ANSWER;
    /* A stalled endpoint costs one timeout, not one per attempt, request and check. */
    cl->http.stop_after_timeout = 1;
    pthread_once(&xml_once, xml_start);
    return ISMS_OK;
}

static void owned_free(struct aws_owned *o)
{
    if (o->doc)
        xmlFreeDoc(o->doc);
    if (o->json)
        json_decref(o->json);
    free(o->body);
    o->doc = NULL;
    o->json = NULL;
    o->body = NULL;
}

void aws_close(aws_client *cl)
{
    for (struct aws_owned *o = cl->owned; o; o = o->next)
        owned_free(o);
    cl->owned = NULL;
    http_cleanup(&cl->http);
}

void aws_reply_free(aws_client *cl, aws_reply *r)
{
    (void)cl;
    if (r->own)
        owned_free(r->own);
    r->own = NULL;
    r->body = NULL;
    r->len = 0;
    r->root = NULL;
    r->json = NULL;
}

static void session_client_free(void *data)
{
    aws_close(data);
    free(data);
}

int aws_acquire(check_ctx *ctx, aws_client **out, isms_err *err)
{
    *out = NULL;
    int rc = check_source_gone(ctx, "AWS", err);
    if (rc)
        return rc;
    check_shared *slot = check_shared_slot(ctx, "aws");
    if (slot && slot->data) {
        aws_client *cl = slot->data;
        cl->ctx = ctx;
        *out = cl;
        return ISMS_OK;
    }
    aws_client *cl = calloc(1, sizeof *cl);
    if (!cl)
        return err_set(err, ISMS_ENOMEM, "out of memory");
    if ((rc = aws_open(cl, ctx, err))) {
        aws_close(cl);
        free(cl);
        return rc;
    }
    if (slot) {
        /* What the shared client allocates must outlive this check. */
        cl->a = check_shared_arena(ctx);
        cl->region = arena_strdup(cl->a, cl->region);
        cl->endpoint = arena_strdup(cl->a, cl->endpoint);
        cl->shared = 1;
        slot->data = cl;
        slot->release = session_client_free;
    }
    *out = cl;
    return ISMS_OK;
}

void aws_done(aws_client *cl)
{
    if (!cl)
        return;
    if (cl->shared) {
        /* The next check's answers are its own: this one's documents go now. */
        for (struct aws_owned *o = cl->owned; o; o = o->next)
            owned_free(o);
        cl->owned = NULL;
        return;
    }
    aws_close(cl);
    free(cl);
}

/* ---- secrets ---- */

static const char *find_bytes(const char *h, size_t hn, const char *n, size_t nn)
{
    for (size_t i = 0; nn && i + nn <= hn; i++) {
        const char *p = memchr(h + i, n[0], hn - nn + 1 - i);
        if (!p)
            return NULL;
        i = (size_t)(p - h);
        if (!memcmp(p, n, nn))
            return p;
    }
    return NULL;
}

/* s with every occurrence of the secret key and session token replaced: AWS never echoes them,
 * but a misbehaving endpoint (AWS_ENDPOINT_URL points anywhere) could. Short "secrets" are test
 * dummies that would match ordinary text, so only 8+ bytes are scrubbed. */
static const char *scrub(aws_client *cl, const char *s, size_t n, size_t *outn)
{
    const char *secrets[2] = {cl->creds.secret_key, cl->creds.session_token};
    for (int k = 0; k < 2; k++) {
        const char *sec = secrets[k];
        size_t sn = sec ? strlen(sec) : 0;
        if (sn < 8 || !find_bytes(s, n, sec, sn))
            continue;
        buf b;
        buf_init(&b, (size_t)-1);
        const char *p = s, *end = s + n, *hit;
        while ((hit = find_bytes(p, (size_t)(end - p), sec, sn)) != NULL) {
            buf_append(&b, p, (size_t)(hit - p));
            buf_puts(&b, "[REDACTED]");
            p = hit + sn;
        }
        buf_append(&b, p, (size_t)(end - p));
        char *copy = arena_strndup(cl->a, b.data ? b.data : "", b.len);
        n = b.len;
        buf_free(&b);
        s = copy;
    }
    if (outn)
        *outn = n;
    return s;
}

static const char *scrub_str(aws_client *cl, const char *s)
{
    return s ? scrub(cl, s, strlen(s), NULL) : NULL;
}

/* Keep a response as evidence: a labelled section per call (only the final answer of a call),
 * counted against what the check may hold; op names the operation in the error. */
static int keep_raw(aws_client *cl, const char *op, const char *label, long status, const char *body, size_t len,
                    isms_err *err)
{
    buf *raw = cl->ctx->raw;
    int rc = check_hold(cl->ctx, len, op, err);
    if (rc || !raw)
        return rc;
    size_t n;
    const char *clean = scrub(cl, body, len, &n);
    size_t mark = raw->len;
    if (buf_printf(raw, "### %s (HTTP %ld)\n", label, status) || buf_append(raw, clean, n) ||
        buf_puts(raw, n && clean[n - 1] == '\n' ? "\n" : "\n\n")) {
        raw->len = mark;
        if (raw->data)
            raw->data[mark] = '\0';
        return err_set(err, ISMS_ENOMEM, "the answers to %s exceed the evidence a check may keep", op);
    }
    return ISMS_OK;
}

/* ---- XML and base64 ---- */

xmlDoc *aws_xml_parse(const char *body, size_t len)
{
    pthread_once(&xml_once, xml_start);
    if (!body || !len || len > INT_MAX)
        return NULL;
    /* No XML_PARSE_NOENT or DTDLOAD: entities stay unexpanded, nothing is fetched; NOERROR keeps
     * libxml2 from printing to stderr. */
    xmlDoc *d = xmlReadMemory(body, (int)len, NULL, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (!d)
        return NULL;
    /* AWS never sends a DTD; one here could only carry entity tricks, so refuse it. */
    if (d->intSubset || d->extSubset || !xmlDocGetRootElement(d)) {
        xmlFreeDoc(d);
        return NULL;
    }
    return d;
}

xmlNode *aws_xml_child(xmlNode *n, const char *name)
{
    for (xmlNode *c = n ? n->children : NULL; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && !strcmp((const char *)c->name, name))
            return c;
    return NULL;
}

xmlNode *aws_xml_path(xmlNode *n, const char *path)
{
    char step[128];
    while (n && *path) {
        size_t len = strcspn(path, "/");
        if (len >= sizeof step)
            return NULL;
        memcpy(step, path, len);
        step[len] = '\0';
        n = aws_xml_child(n, step);
        path += len + (path[len] == '/');
    }
    return n;
}

const char *aws_xml_text(arena *a, xmlNode *n)
{
    if (!n)
        return NULL;
    xmlChar *t = xmlNodeGetContent(n);
    const char *s = t ? (const char *)t : "";
    while (isspace((unsigned char)*s))
        s++;
    size_t len = strlen(s);
    while (len && isspace((unsigned char)s[len - 1]))
        len--;
    char *out = arena_strndup(a, s, len);
    xmlFree(t);
    return out;
}

static int b64val(int c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

char *aws_base64_decode(arena *a, const char *in, size_t inlen, size_t *outlen)
{
    char *out = arena_alloc(a, inlen / 4 * 3 + 4), *o = out;
    unsigned acc = 0;
    int bits = 0, pad = 0;
    for (size_t i = 0; i < inlen; i++) {
        int c = (unsigned char)in[i];
        if (isspace(c))
            continue;
        if (c == '=') {
            pad++;
            continue;
        }
        int v = b64val(c);
        if (v < 0 || pad)
            return NULL;
        acc = (acc << 6) | (unsigned)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            *o++ = (char)((acc >> bits) & 0xff);
        }
    }
    if (pad > 2 || bits >= 6)
        return NULL;
    *o = '\0';
    if (outlen)
        *outlen = (size_t)(o - out);
    return out;
}

int aws_is_throttle(const char *code)
{
    /* The throttling codes the AWS SDKs retry (botocore's list). */
    static const char *const codes[] = {
        "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
        "TooManyRequestsException", "ProvisionedThroughputExceededException", "TransactionInProgressException",
        "RequestLimitExceeded", "BandwidthLimitExceeded", "LimitExceededException", "RequestThrottled",
        "SlowDown", "PriorRequestNotComplete", "EC2ThrottledException", NULL};
    for (int i = 0; code && codes[i]; i++)
        if (!strcmp(code, codes[i]))
            return 1;
    return 0;
}

/* ---- requests ---- */

typedef struct sign_ctx {
    const sigv4_creds *creds;
    const char *region, *service;
} sign_ctx;

/* Signs each attempt at its own time; http.c adds what this returns to the request. */
static int sign_cb(void *ud, const char *method, const char *url, const http_header *headers, size_t nheaders,
                   const char *body, size_t body_len, arena *a, http_header **extra, size_t *nextra, isms_err *err)
{
    sign_ctx *s = ud;
    sigv4_header *h = arena_alloc(a, (nheaders + 1) * sizeof *h);
    for (size_t i = 0; i < nheaders; i++)
        h[i] = (sigv4_header){headers[i].name, headers[i].value};
    sigv4_result res;
    int rc = sigv4_sign_url(method, url, h, nheaders, body, body_len, s->creds, s->region, s->service, time(NULL),
                            &res, a, err);
    if (rc)
        return rc;
    http_header *x = arena_alloc(a, (res.nheaders + 1) * sizeof *x);
    for (size_t i = 0; i < res.nheaders; i++)
        x[i] = (http_header){res.headers[i].name, res.headers[i].value};
    *extra = x;
    *nextra = res.nheaders;
    return ISMS_OK;
}

typedef struct aws_call {
    const char *service, *region; /* what the request is signed for */
    const char *method, *url;
    http_header headers[2];
    size_t nheaders;
    const char *body;
    size_t body_len;
    const char *label;            /* "iam GetAccountSummary": raw sections and errors */
    int xml;                      /* XML protocols (IAM, S3); else JSON 1.1 */
    const char *ok_codes;
} aws_call;

static int in_list(const char *list, const char *code)
{
    size_t n = code ? strlen(code) : 0;
    for (const char *p = list; n && p && *p;) {
        size_t len = strcspn(p, ",");
        if (len == n && !strncmp(p, code, n))
            return 1;
        p += len + (p[len] == ',');
    }
    return 0;
}

static struct aws_owned *own(aws_client *cl, char *body)
{
    struct aws_owned *o = arena_alloc(cl->a, sizeof *o);
    o->body = body;
    o->next = cl->owned;
    cl->owned = o;
    return o;
}

/* The error code and message of an AWS error body, in either protocol. */
static void error_of(aws_client *cl, const aws_call *c, aws_reply *r)
{
    if (c->xml) {
        /* IAM: <ErrorResponse><Error><Code>; S3: <Error><Code>. */
        xmlDoc *d = aws_xml_parse(r->body, r->len);
        if (!d)
            return;
        xmlNode *e = xmlDocGetRootElement(d);
        if (!strcmp((const char *)e->name, "ErrorResponse"))
            e = aws_xml_child(e, "Error");
        r->code = aws_xml_text(cl->a, aws_xml_child(e, "Code"));
        r->message = aws_xml_text(cl->a, aws_xml_child(e, "Message"));
        xmlFreeDoc(d);
    } else {
        json_t *j = json_loadb(r->body, r->len, 0, NULL);
        if (!j)
            return;
        const char *t = json_string_value(json_object_get(j, "__type"));
        if (!t)
            t = json_string_value(json_object_get(j, "code"));
        if (t) {
            /* "com.amazonaws.kms#NotFoundException" or "ThrottlingException:http://..." */
            const char *hash = strrchr(t, '#');
            t = hash ? hash + 1 : t;
            r->code = arena_strndup(cl->a, t, strcspn(t, ":"));
        }
        const char *m = json_string_value(json_object_get(j, "message"));
        if (!m)
            m = json_string_value(json_object_get(j, "Message"));
        r->message = arena_strdup(cl->a, m);
        json_decref(j);
    }
    if (r->code && !*r->code)
        r->code = NULL;
    if (r->message && strlen(r->message) > AWS_MAX_MESSAGE)
        r->message = arena_sprintf(cl->a, "%.*s...", AWS_MAX_MESSAGE, r->message);
    r->code = scrub_str(cl, r->code);
    r->message = scrub_str(cl, r->message);
}

/* "s3 GetBucketEncryption" of the label "s3 GetBucketEncryption logs": what a message names. */
static const char *op_of(aws_client *cl, const char *label)
{
    size_t n = strcspn(label, " ");
    n += label[n] == ' ' ? 1 + strcspn(label + n + 1, " ") : 0;
    return arena_strndup(cl->a, label, n);
}

static int aws_send(aws_client *cl, const aws_call *c, aws_reply *r, isms_err *err)
{
    sign_ctx s = {&cl->creds, c->region, c->service};
    cl->http.sign = sign_cb;
    cl->http.sign_ctx = &s;
    long backoff = cl->http.backoff_ms > 0 ? cl->http.backoff_ms : 1;
    const char *op = op_of(cl, c->label);
    int rc = ISMS_OK;
    check_note(cl->ctx, "%s", c->label);
    for (int attempt = 0;; attempt++) {
        memset(r, 0, sizeof *r);
        http_response hr;
        isms_err herr = {0};
        rc = http_request_take(&cl->http, c->method, c->url, c->headers, c->nheaders, c->body, c->body_len, cl->a,
                               &hr, &herr);
        if (rc) {
            rc = err_set(err, rc, "%s: %s", c->label, scrub_str(cl, herr.msg));
            if (cl->http.stopped[0])
                check_source_give_up(cl->ctx, "AWS", arena_sprintf(cl->a, "%s: %s", c->label, cl->http.stopped));
            break;
        }
        /* The body belongs to the reply from here on: aws_reply_free or aws_close frees it. */
        r->own = own(cl, hr.heap);
        r->status = hr.status;
        r->body = hr.body;
        r->len = hr.len;
        if (hr.status >= 200 && hr.status < 300) {
            if ((rc = keep_raw(cl, op, c->label, hr.status, hr.body, hr.len, err)))
                break;
            if (c->xml) {
                xmlDoc *d = aws_xml_parse(hr.body, hr.len);
                if (!d) {
                    rc = err_set(err, ISMS_EIO, "%s: the answer (HTTP %ld) is not well-formed XML", c->label, hr.status);
                    break;
                }
                r->own->doc = d;
                r->root = xmlDocGetRootElement(d);
            } else {
                json_t *j = json_loadb(hr.body, hr.len, 0, NULL);
                if (!j || !json_is_object(j)) {
                    json_decref(j);
                    rc = err_set(err, ISMS_EIO, "%s: the answer (HTTP %ld) is not a JSON object", c->label, hr.status);
                    break;
                }
                r->own->json = j;
                r->json = j;
            }
            break;
        }
        error_of(cl, c, r);
        /* http.c already retried 429 and 503; AWS also throttles with 400 (Throttling,
         * ThrottlingException) and the SDKs retry 500/502/504, so those are retried here. */
        int again = (aws_is_throttle(r->code) && hr.status != 429 && hr.status != 503) || hr.status == 500 ||
                    hr.status == 502 || hr.status == 504;
        if (again && attempt < cl->http.max_retries) {
            aws_reply_free(cl, r);
            long w = hr.retry_after_ms >= 0 ? hr.retry_after_ms : backoff;
            sleep_ms(w > cl->http.max_wait_ms ? cl->http.max_wait_ms : w);
            if (backoff < cl->http.max_wait_ms)
                backoff *= 2;
            continue;
        }
        /* Error bodies are kept as code and message only: see the top of this file. */
        const char *summary = arena_sprintf(cl->a, "%s: %s\n", r->code ? r->code : "(no error code)",
                                            r->message ? r->message : "");
        const char *code = r->code, *message = r->message;
        long status = r->status;
        aws_reply_free(cl, r);
        r->code = code;
        r->message = message;
        r->status = status;
        if ((rc = keep_raw(cl, op, c->label, hr.status, summary, strlen(summary), err)))
            break;
        if (r->code && in_list(c->ok_codes, r->code))
            break;
        rc = err_set(err, ISMS_EIO, "%s: HTTP %ld%s%s%s%s%s", c->label, hr.status, r->code ? " " : "",
                     r->code ? r->code : "", r->message ? ": " : "", r->message ? r->message : "",
                     attempt ? arena_sprintf(cl->a, " (after %d attempts)", attempt + 1) : "");
        break;
    }
    if (rc && r->own)
        aws_reply_free(cl, r);
    cl->http.sign = NULL;
    cl->http.sign_ctx = NULL;
    return rc;
}

/* The base URL for service: AWS_ENDPOINT_URL_<SERVICE>, AWS_ENDPOINT_URL, or NULL for AWS. */
static int endpoint_for(aws_client *cl, const char *service, const char **out, isms_err *err)
{
    char var[64];
    snprintf(var, sizeof var, "AWS_ENDPOINT_URL_%s", service);
    for (char *p = var; *p; p++)
        *p = (char)toupper((unsigned char)*p);
    int rc = check_endpoint(cl, var, env(cl->ctx, var), out, err);
    if (!rc && !*out)
        *out = cl->endpoint;
    return rc;
}

int aws_iam(aws_client *cl, const char *action, const char *params, const char *ok_codes, aws_reply *r,
            isms_err *err)
{
    const char *base;
    int rc = endpoint_for(cl, "iam", &base, err);
    if (rc)
        return rc;
    /* IAM is global: one endpoint, always signed for us-east-1. */
    aws_call c = {.service = "iam", .region = "us-east-1", .method = "POST", .xml = 1, .ok_codes = ok_codes};
    c.url = base ? arena_sprintf(cl->a, "%s/", base) : "https://iam.amazonaws.com/";
    c.headers[0] = (http_header){"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"};
    c.nheaders = 1;
    c.body = arena_sprintf(cl->a, "Action=%s&Version=2010-05-08%s%s", action, params ? "&" : "", params ? params : "");
    c.body_len = strlen(c.body);
    c.label = arena_sprintf(cl->a, "iam %s", action);
    return aws_send(cl, &c, r, err);
}

int aws_s3_get(aws_client *cl, const char *bucket, const char *query, const char *region, const char *label,
               const char *ok_codes, aws_reply *r, isms_err *err)
{
    const char *base;
    int rc = endpoint_for(cl, "s3", &base, err);
    if (rc)
        return rc;
    if (!region)
        region = cl->region;
    if (!valid_region(region))
        return err_set(err, ISMS_EINVAL, "%s: '%.40s' is not a region name", label, region);
    const char *q = query && *query ? arena_sprintf(cl->a, "?%s", query) : "";
    aws_call c = {.service = "s3", .region = region, .method = "GET", .xml = 1, .ok_codes = ok_codes, .label = label};
    /* GetBucketLocation answers for any bucket on the global endpoint, signed for us-east-1. */
    int global = bucket && query && !strcmp(query, "location");
    if (global)
        c.region = "us-east-1";
    const char *b = bucket ? http_escape(cl->a, bucket) : NULL;
    if (base) {
        /* A custom endpoint gets path-style requests: no wildcard DNS needed. */
        c.url = b ? arena_sprintf(cl->a, "%s/%s%s", base, b, q) : arena_sprintf(cl->a, "%s/%s", base, q);
    } else {
        const char *host = global ? "s3.amazonaws.com" : arena_sprintf(cl->a, "s3.%s.amazonaws.com", region);
        if (!b)
            c.url = arena_sprintf(cl->a, "https://%s/%s", host, q);
        else if (strchr(bucket, '.'))
            /* Dotted names break the TLS wildcard of virtual-hosted style, as the SDKs know. */
            c.url = arena_sprintf(cl->a, "https://%s/%s%s", host, b, q);
        else
            c.url = arena_sprintf(cl->a, "https://%s.%s/%s", b, host, q);
    }
    return aws_send(cl, &c, r, err);
}

int aws_json(aws_client *cl, const char *service, const char *target, const char *body, const char *ok_codes,
             aws_reply *r, isms_err *err)
{
    const char *base;
    int rc = endpoint_for(cl, service, &base, err);
    if (rc)
        return rc;
    aws_call c = {.service = service, .region = cl->region, .method = "POST", .ok_codes = ok_codes};
    c.url = base ? arena_sprintf(cl->a, "%s/", base) : arena_sprintf(cl->a, "https://%s.%s.amazonaws.com/", service,
                                                                      cl->region);
    c.headers[0] = (http_header){"Content-Type", "application/x-amz-json-1.1"};
    c.headers[1] = (http_header){"X-Amz-Target", target};
    c.nheaders = 2;
    c.body = body;
    c.body_len = strlen(body);
    const char *dot = strrchr(target, '.');
    c.label = arena_sprintf(cl->a, "%s %s", service, dot ? dot + 1 : target);
    return aws_send(cl, &c, r, err);
}

/* The <ActionResult> element of an IAM answer. */
static xmlNode *iam_result(aws_reply *r, const char *action)
{
    char name[96];
    snprintf(name, sizeof name, "%sResult", action);
    return aws_xml_child(r->root, name);
}

int aws_credential_report(aws_client *cl, const char **csv, size_t *len, isms_err *err)
{
    long wait = cl->http.backoff_ms > 0 ? cl->http.backoff_ms : 500, waited = 0;
    aws_reply r = {0};
    int rc;
    for (;;) {
        if ((rc = aws_iam(cl, "GenerateCredentialReport", NULL, NULL, &r, err)))
            return rc;
        xmlNode *gen = iam_result(&r, "GenerateCredentialReport");
        const char *state = aws_xml_text(cl->a, aws_xml_child(gen, "State"));
        aws_reply_free(cl, &r);
        if (!gen)
            return err_set(err, ISMS_EIO, "iam GenerateCredentialReport: the answer has no "
                                          "GenerateCredentialReportResult element");
        if (!state)
            return err_set(err, ISMS_EIO, "iam GenerateCredentialReport: the answer has no State element");
        if (strcmp(state, "STARTED") && strcmp(state, "INPROGRESS") && strcmp(state, "COMPLETE"))
            return err_set(err, ISMS_EIO, "iam GenerateCredentialReport: unexpected state '%.40s'", state);
        if (!strcmp(state, "COMPLETE")) {
            /* A report another client started can still be in progress here: poll on. */
            if ((rc = aws_iam(cl, "GetCredentialReport", NULL, "ReportInProgress,ReportNotPresent", &r, err)))
                return rc;
            if (!r.code)
                break;
            state = r.code;
        }
        if (waited >= AWS_REPORT_MAX_WAIT_MS)
            return err_set(err, ISMS_EIO, "iam GenerateCredentialReport: no complete report after %ld s (%s)",
                           waited / 1000, state);
        sleep_ms(wait);
        waited += wait;
        wait = wait * 2 > AWS_REPORT_MAX_POLL_MS ? AWS_REPORT_MAX_POLL_MS : wait * 2;
    }
    xmlNode *res = iam_result(&r, "GetCredentialReport");
    const char *fmt = aws_xml_text(cl->a, aws_xml_child(res, "ReportFormat"));
    xmlNode *cnode = aws_xml_child(res, "Content");
    long status = r.status;
    rc = ISMS_OK;
    if (!res)
        rc = err_set(err, ISMS_EIO, "iam GetCredentialReport: the answer has no GetCredentialReportResult element");
    else if (!cnode)
        rc = err_set(err, ISMS_EIO, "iam GetCredentialReport: the answer has no Content element");
    else if (fmt && strcmp(fmt, "text/csv"))
        rc = err_set(err, ISMS_EIO, "iam GetCredentialReport: report format '%.40s', expected text/csv", fmt);
    char *out = NULL;
    if (!rc) {
        /* Decoded straight from the document's text: no second copy of the base64. */
        xmlChar *content = xmlNodeGetContent(cnode);
        const char *ctext = content ? (const char *)content : "";
        out = aws_base64_decode(cl->a, ctext, strlen(ctext), len);
        xmlFree(content);
        if (!out)
            rc = err_set(err, ISMS_EIO, "iam GetCredentialReport: Content is not valid base64");
    }
    aws_reply_free(cl, &r);
    /* The decoded CSV too, so the evidence can be read without decoding it. */
    if (!rc)
        rc = keep_raw(cl, "iam GetCredentialReport", "iam GetCredentialReport, Content decoded", status, out, *len,
                      err);
    if (!rc)
        *csv = out;
    return rc;
}
