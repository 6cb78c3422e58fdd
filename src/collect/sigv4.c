#include "collect/sigv4.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/buf.h"

#define ALGORITHM "AWS4-HMAC-SHA256"
/* The input caps bound every string built here far below this; it only stops a logic error. */
#define BUILD_MAX (1024 * 1024)

typedef struct span {
    const char *p;
    size_t n;
} span;

typedef struct hdr {
    const char *lname; /* lowercased name */
    const char *value; /* canonical value: trimmed, whitespace runs collapsed */
    size_t idx;        /* position in the request, so duplicates keep their order after sorting */
} hdr;

typedef struct qparam {
    const char *k, *v; /* both already in canonical encoding */
} qparam;

/* Everything one signing needs; bufs are freed by sign_core whatever happens. */
typedef struct ctx {
    const sigv4_request *req;
    const sigv4_creds *c;
    const sigv4_params *p;
    int presign;
    arena *a;
    isms_err *err;
    buf cr, tmp;
    char date[17], day[9];
    const char *token; /* NULL when the credentials have none */
    hdr *h;
    size_t nh;
} ctx;

static int is_alnum(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static int is_unreserved(unsigned char c)
{
    return is_alnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

static int is_tchar(unsigned char c)
{
    return is_alnum(c) || (c && strchr("!#$%&'*+-.^_`|~", c));
}

static int is_visible(unsigned char c) { return c > 0x20 && c < 0x7f; }

static char to_lower(char c) { return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c; }

static int hex_val(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static void to_hex(const unsigned char *d, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[d[i] >> 4];
        out[2 * i + 1] = digits[d[i] & 15];
    }
    out[2 * n] = '\0';
}

/* RFC 3986 encoding as SigV4 defines it: only unreserved bytes stay, hex digits upper case. */
static int pct_encode(buf *b, const char *s, size_t n, int keep_slash)
{
    static const char digits[] = "0123456789ABCDEF";
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (is_unreserved(c) || (keep_slash && c == '/')) {
            if (buf_putc(b, (char)c) != 0)
                return -1;
        } else {
            char e[3] = {'%', digits[c >> 4], digits[c & 15]};
            if (buf_append(b, e, 3) != 0)
                return -1;
        }
    }
    return 0;
}

/* Decode %XX into the arena; -1 on a malformed escape, because the server would not agree with any
 * guess about what it means. The result may hold NUL bytes, hence the span. */
static int pct_decode(arena *a, const char *s, size_t n, span *out)
{
    char *d = arena_alloc(a, n + 1);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] != '%') {
            d[k++] = s[i];
            continue;
        }
        if (n - i < 3 || hex_val((unsigned char)s[i + 1]) < 0 || hex_val((unsigned char)s[i + 2]) < 0)
            return -1;
        d[k++] = (char)(hex_val((unsigned char)s[i + 1]) * 16 + hex_val((unsigned char)s[i + 2]));
        i += 2;
    }
    out->p = d;
    out->n = k;
    return 0;
}

/* Arena copy of a buffer's contents (an untouched buffer has no data yet). */
static const char *take(ctx *x, const buf *b)
{
    return arena_strndup(x->a, b->data ? b->data : "", b->len);
}

static int too_big(ctx *x)
{
    return err_set(x->err, ISMS_ENOMEM, "sigv4: canonical request would exceed %d bytes", BUILD_MAX);
}

static int sha256_hex(const void *d, size_t n, char out[65])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (!EVP_Digest(d ? d : "", n, md, &len, EVP_sha256(), NULL) || len != 32)
        return -1;
    to_hex(md, 32, out);
    return 0;
}

static int hmac256(const void *key, size_t keylen, const void *d, size_t n, unsigned char out[32])
{
    unsigned int len = 0;
    if (!HMAC(EVP_sha256(), key, (int)keylen, d, n, out, &len) || len != 32)
        return -1;
    return 0;
}

/* ---- validation ---- */

static int check_scope_part(const char *what, const char *s, isms_err *err)
{
    if (!s || !*s)
        return err_set(err, ISMS_EINVAL, "sigv4: %s is empty", what);
    size_t n = strnlen(s, SIGV4_MAX_NAME + 1);
    if (n > SIGV4_MAX_NAME)
        return err_set(err, ISMS_ENOMEM, "sigv4: %s is longer than %d bytes", what, SIGV4_MAX_NAME);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        /* '/' or spaces would break the credential scope, which is '/'-separated. */
        if (!is_alnum(c) && c != '-' && c != '_' && c != '.')
            return err_set(err, ISMS_EINVAL,
                           "sigv4: %s \"%s\" may hold only letters, digits, '-', '_' and '.'", what, s);
    }
    return ISMS_OK;
}

static int check_creds(const sigv4_creds *c, isms_err *err, const char **token)
{
    if (!c)
        return err_set(err, ISMS_EINVAL, "sigv4: no credentials");
    if (!c->access_key || !*c->access_key)
        return err_set(err, ISMS_EINVAL, "sigv4: access key id is empty");
    if (!c->secret_key || !*c->secret_key)
        return err_set(err, ISMS_EINVAL, "sigv4: secret access key is empty");
    size_t n = strnlen(c->access_key, SIGV4_MAX_KEY + 1);
    if (n > SIGV4_MAX_KEY)
        return err_set(err, ISMS_ENOMEM, "sigv4: access key id is longer than %d bytes", SIGV4_MAX_KEY);
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)c->access_key[i];
        /* '/' and ',' delimit the Credential field of the Authorization header. */
        if (!is_visible(ch) || ch == '/' || ch == ',')
            return err_set(err, ISMS_EINVAL, "sigv4: access key id has an invalid character at byte %zu",
                           i + 1);
    }
    if (strnlen(c->secret_key, SIGV4_MAX_KEY + 1) > SIGV4_MAX_KEY)
        return err_set(err, ISMS_ENOMEM, "sigv4: secret access key is longer than %d bytes", SIGV4_MAX_KEY);
    *token = NULL;
    if (c->session_token && *c->session_token) {
        n = strnlen(c->session_token, SIGV4_MAX_TOKEN + 1);
        if (n > SIGV4_MAX_TOKEN)
            return err_set(err, ISMS_ENOMEM, "sigv4: session token is longer than %d bytes", SIGV4_MAX_TOKEN);
        for (size_t i = 0; i < n; i++)
            if (!is_visible((unsigned char)c->session_token[i]))
                return err_set(err, ISMS_EINVAL, "sigv4: session token has an invalid character at byte %zu",
                               i + 1);
        *token = c->session_token;
    }
    return ISMS_OK;
}

static int check_request(const sigv4_request *r, isms_err *err)
{
    if (!r->method || !*r->method)
        return err_set(err, ISMS_EINVAL, "sigv4: request method is empty");
    size_t n = strnlen(r->method, 33);
    if (n > 32)
        return err_set(err, ISMS_EINVAL, "sigv4: request method is longer than 32 bytes");
    for (size_t i = 0; i < n; i++)
        if (!is_tchar((unsigned char)r->method[i]))
            return err_set(err, ISMS_EINVAL, "sigv4: request method \"%s\" is not an HTTP token", r->method);
    if (r->path && *r->path) {
        n = strnlen(r->path, SIGV4_MAX_PATH + 1);
        if (n > SIGV4_MAX_PATH)
            return err_set(err, ISMS_ENOMEM, "sigv4: request path is longer than %d bytes", SIGV4_MAX_PATH);
        if (r->path[0] != '/')
            return err_set(err, ISMS_EINVAL, "sigv4: request path must start with '/'");
        for (size_t i = 0; i < n; i++) {
            unsigned char c = (unsigned char)r->path[i];
            if (c < 0x20 || c == 0x7f)
                return err_set(err, ISMS_EINVAL, "sigv4: request path has a control character at byte %zu",
                               i + 1);
        }
    }
    if (r->query && strnlen(r->query, SIGV4_MAX_QUERY + 1) > SIGV4_MAX_QUERY)
        return err_set(err, ISMS_ENOMEM, "sigv4: query string is longer than %d bytes", SIGV4_MAX_QUERY);
    if (r->nheaders > SIGV4_MAX_HEADERS)
        return err_set(err, ISMS_ENOMEM, "sigv4: %zu headers, more than the %d accepted", r->nheaders,
                       SIGV4_MAX_HEADERS);
    if (r->nheaders && !r->headers)
        return err_set(err, ISMS_EINVAL, "sigv4: %zu headers announced but none given", r->nheaders);
    if (r->body_len && !r->body)
        return err_set(err, ISMS_EINVAL, "sigv4: body length %zu with no body", r->body_len);
    size_t total = 0;
    for (size_t i = 0; i < r->nheaders; i++) {
        const sigv4_header *h = &r->headers[i];
        if (!h->name || !*h->name)
            return err_set(err, ISMS_EINVAL, "sigv4: header %zu has no name", i + 1);
        if (!h->value)
            return err_set(err, ISMS_EINVAL, "sigv4: header %zu has no value", i + 1);
        size_t nn = strnlen(h->name, SIGV4_MAX_HEADER_BYTES + 1);
        size_t vn = strnlen(h->value, SIGV4_MAX_HEADER_BYTES + 1);
        total += nn + vn;
        if (total > SIGV4_MAX_HEADER_BYTES)
            return err_set(err, ISMS_ENOMEM, "sigv4: headers exceed %d bytes", SIGV4_MAX_HEADER_BYTES);
        for (size_t k = 0; k < nn; k++)
            if (!is_tchar((unsigned char)h->name[k]))
                return err_set(err, ISMS_EINVAL, "sigv4: header %zu name has an invalid character at byte %zu",
                               i + 1, k + 1);
        /* The signer owns these: a second copy would make the server see two conflicting values. */
        static const char *const owned[] = {"authorization", "x-amz-date", "x-amz-content-sha256",
                                            "x-amz-security-token"};
        for (size_t k = 0; k < sizeof owned / sizeof owned[0]; k++)
            if (!strcasecmp(h->name, owned[k]))
                return err_set(err, ISMS_EINVAL,
                               "sigv4: request already carries %s; the signer sets it", h->name);
    }
    return ISMS_OK;
}

static int check_params(const sigv4_params *p, int presign, isms_err *err)
{
    if (!p)
        return err_set(err, ISMS_EINVAL, "sigv4: no signing parameters");
    int rc = check_scope_part("region", p->region, err);
    if (rc == ISMS_OK)
        rc = check_scope_part("service", p->service, err);
    if (rc != ISMS_OK)
        return rc;
    if (p->payload_hash) {
        size_t n = strnlen(p->payload_hash, 129);
        if (n == 0 || n > 128)
            return err_set(err, ISMS_EINVAL, "sigv4: payload hash must be 1 to 128 bytes");
        for (size_t i = 0; i < n; i++)
            if (!is_visible((unsigned char)p->payload_hash[i]))
                return err_set(err, ISMS_EINVAL, "sigv4: payload hash has an invalid character at byte %zu",
                               i + 1);
    }
    if (presign && (p->expires < 1 || p->expires > SIGV4_MAX_EXPIRES))
        return err_set(err, ISMS_EINVAL, "sigv4: presigned URL lifetime %ld s is outside 1..%d", p->expires,
                       SIGV4_MAX_EXPIRES);
    return ISMS_OK;
}

static int format_time(ctx *x)
{
    struct tm tm;
    time_t t = x->p->when;
    /* SigV4 dates are exactly four-digit years; anything else cannot be formatted as AWS expects. */
    if (t < 0 || !gmtime_r(&t, &tm) || tm.tm_year + 1900 > 9999)
        return err_set(x->err, ISMS_EINVAL, "sigv4: signing time %lld is outside 1970..9999",
                       (long long)t);
    if (strftime(x->date, sizeof x->date, "%Y%m%dT%H%M%SZ", &tm) != 16)
        return err_set(x->err, ISMS_EINVAL, "sigv4: cannot format signing time %lld", (long long)t);
    memcpy(x->day, x->date, 8);
    x->day[8] = '\0';
    return ISMS_OK;
}

/* ---- canonical parts ---- */

static int canonical_uri(ctx *x)
{
    const char *path = x->req->path && *x->req->path ? x->req->path : "/";
    span p = {path, strlen(path)};
    if (x->p->path_is_encoded && pct_decode(x->a, p.p, p.n, &p) != 0)
        return err_set(x->err, ISMS_EINVAL, "sigv4: request path has a malformed %%-escape");
    if (!x->p->normalize_path)
        return pct_encode(&x->cr, p.p, p.n, 1) == 0 ? ISMS_OK : too_big(x);

    size_t max = 1;
    for (size_t i = 0; i < p.n; i++)
        max += p.p[i] == '/';
    span *seg = arena_alloc(x->a, max * sizeof *seg);
    size_t ns = 0, start = 0;
    for (size_t i = 0; i <= p.n; i++) {
        if (i < p.n && p.p[i] != '/')
            continue;
        span s = {p.p + start, i - start};
        start = i + 1;
        if (s.n == 0 || (s.n == 1 && s.p[0] == '.'))
            continue;
        if (s.n == 2 && s.p[0] == '.' && s.p[1] == '.') {
            if (ns)
                ns--;
        } else {
            seg[ns++] = s;
        }
    }
    /* Like the AWS SDKs, keep a trailing slash only when the request had one. */
    int trailing = p.n > 0 && p.p[p.n - 1] == '/';
    if (buf_putc(&x->cr, '/') != 0)
        return too_big(x);
    for (size_t i = 0; i < ns; i++) {
        if (pct_encode(&x->cr, seg[i].p, seg[i].n, 0) != 0)
            return too_big(x);
        if ((i + 1 < ns || trailing) && buf_putc(&x->cr, '/') != 0)
            return too_big(x);
    }
    return ISMS_OK;
}

/* Canonical value: trimmed, every run of whitespace (an obs-fold line break included) one space. */
static int canonical_value(ctx *x, const char *name, const char *v)
{
    size_t n = strlen(v);
    int started = 0, space = 0;
    buf_reset(&x->tmp);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)v[i];
        if (c == '\r' && i + 1 < n && v[i + 1] == '\n')
            c = (unsigned char)v[++i];
        if (c == '\r' || c == '\n') {
            /* Only a folded continuation line is legal; anything else would inject a header. */
            if (c == '\r' || i + 1 >= n || (v[i + 1] != ' ' && v[i + 1] != '\t'))
                return err_set(x->err, ISMS_EINVAL,
                               "sigv4: header %s has a line break that is not a folded continuation", name);
            space = started;
            continue;
        }
        if (c == ' ' || c == '\t') {
            space = started;
            continue;
        }
        if (c < 0x20 || c == 0x7f)
            return err_set(x->err, ISMS_EINVAL, "sigv4: header %s has a control character", name);
        if ((space && buf_putc(&x->tmp, ' ') != 0) || buf_putc(&x->tmp, (char)c) != 0)
            return too_big(x);
        space = 0;
        started = 1;
    }
    return ISMS_OK;
}

static int hdr_cmp(const void *l, const void *r)
{
    const hdr *a = l, *b = r;
    int c = strcmp(a->lname, b->lname);
    if (c)
        return c;
    return a->idx < b->idx ? -1 : a->idx > b->idx;
}

/* Headers that proxies and HTTP libraries add or rewrite on the way, so signing them would break the
 * signature (the AWS SDKs skip the same ones). */
static int unsigned_header(const char *lname)
{
    static const char *const skip[] = {"expect", "user-agent", "x-amzn-trace-id", "connection", "upgrade"};
    for (size_t i = 0; i < sizeof skip / sizeof skip[0]; i++)
        if (!strcmp(lname, skip[i]))
            return 1;
    return 0;
}

static void add_hdr(ctx *x, const char *lname, const char *value)
{
    x->h[x->nh].lname = lname;
    x->h[x->nh].value = value;
    x->h[x->nh].idx = x->nh;
    x->nh++;
}

/* Sorted canonical header list; returns the signed-headers string through *signed_out. */
static int build_headers(ctx *x, const char *payload_hash, const char **signed_out)
{
    const sigv4_request *r = x->req;
    int have_host = 0;
    x->h = arena_alloc(x->a, (r->nheaders + 3) * sizeof *x->h);
    x->nh = 0;
    for (size_t i = 0; i < r->nheaders; i++) {
        char *lname = arena_strdup(x->a, r->headers[i].name);
        for (char *s = lname; *s; s++)
            *s = to_lower(*s);
        if (unsigned_header(lname))
            continue;
        have_host |= !strcmp(lname, "host");
        int rc = canonical_value(x, r->headers[i].name, r->headers[i].value);
        if (rc != ISMS_OK)
            return rc;
        add_hdr(x, lname, take(x, &x->tmp));
    }
    if (!have_host)
        return err_set(x->err, ISMS_EINVAL, "sigv4: request has no Host header, which must be signed");
    if (!x->presign) {
        add_hdr(x, "x-amz-date", x->date);
        if (x->token && !x->p->omit_session_token_from_signature)
            add_hdr(x, "x-amz-security-token", x->token);
        if (x->p->sign_body)
            add_hdr(x, "x-amz-content-sha256", payload_hash);
    }
    qsort(x->h, x->nh, sizeof *x->h, hdr_cmp);

    buf_reset(&x->tmp);
    for (size_t i = 0; i < x->nh; i++) {
        if (i && !strcmp(x->h[i].lname, x->h[i - 1].lname))
            continue;
        if ((i && buf_putc(&x->tmp, ';') != 0) || buf_puts(&x->tmp, x->h[i].lname) != 0)
            return too_big(x);
    }
    *signed_out = take(x, &x->tmp);
    return ISMS_OK;
}

static int write_headers(ctx *x)
{
    for (size_t i = 0; i < x->nh; i++) {
        int again = i && !strcmp(x->h[i].lname, x->h[i - 1].lname);
        int rc = again ? buf_putc(&x->cr, ',')
                       : ((i ? buf_putc(&x->cr, '\n') : 0) || buf_puts(&x->cr, x->h[i].lname) ||
                          buf_putc(&x->cr, ':'));
        if (rc != 0 || buf_puts(&x->cr, x->h[i].value) != 0)
            return too_big(x);
    }
    return buf_putc(&x->cr, '\n') == 0 ? ISMS_OK : too_big(x);
}

static const char *encoded(ctx *x, const char *s, size_t n)
{
    buf_reset(&x->tmp);
    if (pct_encode(&x->tmp, s, n, 0) != 0)
        return NULL;
    return take(x, &x->tmp);
}

static int qparam_cmp(const void *l, const void *r)
{
    const qparam *a = l, *b = r;
    int c = strcmp(a->k, b->k);
    return c ? c : strcmp(a->v, b->v);
}

/* The presign parameters, encoded, in the order the AWS SDKs append them to the URL. */
enum { QP_ALG, QP_CRED, QP_DATE, QP_SIGNED, QP_EXPIRES, QP_TOKEN, QP_N };

static int canonical_query(ctx *x, const char *signed_headers, const char *scope, qparam *auth)
{
    const char *q = x->req->query ? x->req->query : "";
    size_t n = strlen(q), max = QP_N + 1;
    for (size_t i = 0; i < n; i++)
        max += q[i] == '&';
    qparam *qp = arena_alloc(x->a, max * sizeof *qp);
    size_t nq = 0, start = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i < n && q[i] != '&')
            continue;
        span piece = {q + start, i - start};
        start = i + 1;
        if (piece.n == 0)
            continue;
        const char *eq = memchr(piece.p, '=', piece.n);
        size_t kn = eq ? (size_t)(eq - piece.p) : piece.n;
        span k, v;
        if (pct_decode(x->a, piece.p, kn, &k) != 0 ||
            pct_decode(x->a, eq ? eq + 1 : "", eq ? piece.n - kn - 1 : 0, &v) != 0)
            return err_set(x->err, ISMS_EINVAL, "sigv4: query string has a malformed %%-escape");
        if (x->presign && k.n > 6 && !strncasecmp(k.p, "X-Amz-", 6)) {
            static const char *const owned[] = {"X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date",
                                                "X-Amz-Expires", "X-Amz-SignedHeaders",
                                                "X-Amz-Security-Token", "X-Amz-Signature"};
            for (size_t o = 0; o < sizeof owned / sizeof owned[0]; o++)
                if (k.n == strlen(owned[o]) && !strncasecmp(k.p, owned[o], k.n))
                    return err_set(x->err, ISMS_EINVAL,
                                   "sigv4: query already has %s; presigning sets it", owned[o]);
        }
        qp[nq].k = encoded(x, k.p, k.n);
        qp[nq].v = encoded(x, v.p, v.n);
        if (!qp[nq].k || !qp[nq].v)
            return too_big(x);
        nq++;
    }
    if (x->presign) {
        const char *cred = arena_sprintf(x->a, "%s/%s", x->c->access_key, scope);
        const char *expires = arena_sprintf(x->a, "%ld", x->p->expires);
        auth[QP_ALG] = (qparam){"X-Amz-Algorithm", ALGORITHM};
        auth[QP_CRED] = (qparam){"X-Amz-Credential", encoded(x, cred, strlen(cred))};
        auth[QP_DATE] = (qparam){"X-Amz-Date", x->date};
        auth[QP_SIGNED] = (qparam){"X-Amz-SignedHeaders", encoded(x, signed_headers, strlen(signed_headers))};
        auth[QP_EXPIRES] = (qparam){"X-Amz-Expires", expires};
        auth[QP_TOKEN] = (qparam){"X-Amz-Security-Token", x->token ? encoded(x, x->token, strlen(x->token)) : NULL};
        if (!auth[QP_CRED].v || !auth[QP_SIGNED].v || (x->token && !auth[QP_TOKEN].v))
            return too_big(x);
        for (int i = 0; i < QP_N; i++)
            if (auth[i].v && (i != QP_TOKEN || !x->p->omit_session_token_from_signature))
                qp[nq++] = auth[i];
    }
    qsort(qp, nq, sizeof *qp, qparam_cmp);
    for (size_t i = 0; i < nq; i++) {
        if ((i && buf_putc(&x->cr, '&') != 0) || buf_puts(&x->cr, qp[i].k) != 0 ||
            buf_putc(&x->cr, '=') != 0 || buf_puts(&x->cr, qp[i].v) != 0)
            return too_big(x);
    }
    return ISMS_OK;
}

/* kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, day), region), service), "aws4_request"). */
static int compute_signature(ctx *x, const char *sts, char sig_hex[65])
{
    size_t sn = strlen(x->c->secret_key);
    unsigned char key[4 + SIGV4_MAX_KEY], k1[32], k2[32], k3[32], k4[32], sig[32];
    memcpy(key, "AWS4", 4);
    memcpy(key + 4, x->c->secret_key, sn);
    int ok = hmac256(key, 4 + sn, x->day, 8, k1) == 0 &&
             hmac256(k1, 32, x->p->region, strlen(x->p->region), k2) == 0 &&
             hmac256(k2, 32, x->p->service, strlen(x->p->service), k3) == 0 &&
             hmac256(k3, 32, "aws4_request", 12, k4) == 0 && hmac256(k4, 32, sts, strlen(sts), sig) == 0;
    /* The derived keys are valid for a whole day; do not leave them on the stack. */
    OPENSSL_cleanse(key, sizeof key);
    OPENSSL_cleanse(k1, sizeof k1);
    OPENSSL_cleanse(k2, sizeof k2);
    OPENSSL_cleanse(k3, sizeof k3);
    OPENSSL_cleanse(k4, sizeof k4);
    if (!ok)
        return err_set(x->err, ISMS_ENOMEM, "sigv4: OpenSSL HMAC-SHA256 failed");
    to_hex(sig, 32, sig_hex);
    return ISMS_OK;
}

static int build(ctx *x, sigv4_result *out)
{
    int rc = format_time(x);
    if (rc != ISMS_OK)
        return rc;
    char body_hash[65];
    const char *payload = x->p->payload_hash;
    if (!payload) {
        if (sha256_hex(x->req->body, x->req->body_len, body_hash) != 0)
            return err_set(x->err, ISMS_ENOMEM, "sigv4: OpenSSL SHA-256 failed");
        payload = body_hash;
    }
    payload = arena_strdup(x->a, payload);
    const char *scope = arena_sprintf(x->a, "%s/%s/%s/aws4_request", x->day, x->p->region, x->p->service);
    const char *signed_headers = "";
    qparam auth[QP_N] = {{NULL, NULL}};
    if ((rc = build_headers(x, payload, &signed_headers)) != ISMS_OK)
        return rc;

    if (buf_puts(&x->cr, x->req->method) != 0 || buf_putc(&x->cr, '\n') != 0)
        return too_big(x);
    if ((rc = canonical_uri(x)) != ISMS_OK)
        return rc;
    if (buf_putc(&x->cr, '\n') != 0)
        return too_big(x);
    if ((rc = canonical_query(x, signed_headers, scope, auth)) != ISMS_OK)
        return rc;
    if (buf_putc(&x->cr, '\n') != 0)
        return too_big(x);
    if ((rc = write_headers(x)) != ISMS_OK)
        return rc;
    if (buf_printf(&x->cr, "\n%s\n%s", signed_headers, payload) != 0)
        return too_big(x);

    char cr_hash[65], sig[65];
    if (sha256_hex(x->cr.data, x->cr.len, cr_hash) != 0)
        return err_set(x->err, ISMS_ENOMEM, "sigv4: OpenSSL SHA-256 failed");
    const char *sts = arena_sprintf(x->a, ALGORITHM "\n%s\n%s\n%s", x->date, scope, cr_hash);
    if ((rc = compute_signature(x, sts, sig)) != ISMS_OK)
        return rc;

    out->amz_date = arena_strdup(x->a, x->date);
    out->credential_scope = scope;
    out->payload_hash = payload;
    out->signed_headers = signed_headers;
    out->canonical_request = take(x, &x->cr);
    out->string_to_sign = sts;
    out->signature = arena_strdup(x->a, sig);
    if (x->presign) {
        buf_reset(&x->tmp);
        const char *q = x->req->query ? x->req->query : "";
        if (buf_puts(&x->tmp, q) != 0)
            return too_big(x);
        for (int i = 0; i < QP_N; i++)
            if (auth[i].v && buf_printf(&x->tmp, "%s%s=%s", x->tmp.len ? "&" : "", auth[i].k, auth[i].v) != 0)
                return too_big(x);
        if (buf_printf(&x->tmp, "&X-Amz-Signature=%s", sig) != 0)
            return too_big(x);
        out->query = take(x, &x->tmp);
        return ISMS_OK;
    }
    out->authorization = arena_sprintf(x->a, ALGORITHM " Credential=%s/%s, SignedHeaders=%s, Signature=%s",
                                       x->c->access_key, scope, signed_headers, sig);
    out->headers[out->nheaders++] = (sigv4_header){"X-Amz-Date", out->amz_date};
    if (x->token)
        out->headers[out->nheaders++] = (sigv4_header){"X-Amz-Security-Token", arena_strdup(x->a, x->token)};
    if (x->p->sign_body)
        out->headers[out->nheaders++] = (sigv4_header){"x-amz-content-sha256", payload};
    out->headers[out->nheaders++] = (sigv4_header){"Authorization", out->authorization};
    return ISMS_OK;
}

static int sign_core(const sigv4_request *req, const sigv4_creds *c, const sigv4_params *p, int presign,
                     sigv4_result *out, arena *a, isms_err *err)
{
    err_clear(err);
    if (!out || !a)
        return err_set(err, ISMS_EINVAL, "sigv4: no result or arena to write to");
    memset(out, 0, sizeof *out);
    if (!req)
        return err_set(err, ISMS_EINVAL, "sigv4: no request");
    ctx x = {.req = req, .c = c, .p = p, .presign = presign, .a = a, .err = err};
    int rc = check_params(p, presign, err);
    if (rc == ISMS_OK)
        rc = check_creds(c, err, &x.token);
    if (rc == ISMS_OK)
        rc = check_request(req, err);
    if (rc != ISMS_OK)
        return rc;
    buf_init(&x.cr, BUILD_MAX);
    buf_init(&x.tmp, BUILD_MAX);
    rc = build(&x, out);
    buf_free(&x.cr);
    buf_free(&x.tmp);
    if (rc != ISMS_OK)
        memset(out, 0, sizeof *out);
    return rc;
}

int sigv4_sign(const sigv4_request *req, const sigv4_creds *c, const sigv4_params *p, sigv4_result *out,
               arena *a, isms_err *err)
{
    return sign_core(req, c, p, 0, out, a, err);
}

int sigv4_presign(const sigv4_request *req, const sigv4_creds *c, const sigv4_params *p, sigv4_result *out,
                  arena *a, isms_err *err)
{
    return sign_core(req, c, p, 1, out, a, err);
}

int sigv4_sign_url(const char *method, const char *url, const sigv4_header *headers, size_t nheaders,
                   const void *body, size_t body_len, const sigv4_creds *c, const char *region,
                   const char *service, time_t when, sigv4_result *out, arena *a, isms_err *err)
{
    err_clear(err);
    if (!out || !a)
        return err_set(err, ISMS_EINVAL, "sigv4: no result or arena to write to");
    memset(out, 0, sizeof *out);
    if (!url || !*url)
        return err_set(err, ISMS_EINVAL, "sigv4: URL is empty");
    size_t n = strnlen(url, SIGV4_MAX_URL + 1);
    if (n > SIGV4_MAX_URL)
        return err_set(err, ISMS_ENOMEM, "sigv4: URL is longer than %d bytes", SIGV4_MAX_URL);
    for (size_t i = 0; i < n; i++)
        if (!is_visible((unsigned char)url[i]))
            return err_set(err, ISMS_EINVAL,
                           "sigv4: URL has a space, control or non-ASCII byte at %zu; percent-encode it", i + 1);
    const char *port;
    size_t skip;
    if (!strncasecmp(url, "https://", 8)) {
        port = ":443";
        skip = 8;
    } else if (!strncasecmp(url, "http://", 7)) {
        port = ":80";
        skip = 7;
    } else {
        return err_set(err, ISMS_EINVAL, "sigv4: URL must start with https:// or http://");
    }
    const char *host = url + skip;
    size_t hn = strcspn(host, "/?#");
    if (hn == 0)
        return err_set(err, ISMS_EINVAL, "sigv4: URL has no host");
    if (memchr(host, '@', hn))
        return err_set(err, ISMS_EINVAL, "sigv4: URL must not carry user information");
    /* libcurl leaves the default port out of Host; sign what it will send. */
    size_t pn = strlen(port);
    if (hn > pn && !strncmp(host + hn - pn, port, pn))
        hn -= pn;
    const char *rest = host + strcspn(host, "/?#");
    size_t path_n = strcspn(rest, "?#");
    const char *path = path_n ? arena_strndup(a, rest, path_n) : "/";
    const char *query = "";
    if (rest[path_n] == '?')
        query = arena_strndup(a, rest + path_n + 1, strcspn(rest + path_n + 1, "#"));

    if (nheaders > SIGV4_MAX_HEADERS)
        return err_set(err, ISMS_ENOMEM, "sigv4: %zu headers, more than the %d accepted", nheaders,
                       SIGV4_MAX_HEADERS);
    if (nheaders && !headers)
        return err_set(err, ISMS_EINVAL, "sigv4: %zu headers announced but none given", nheaders);
    int have_host = 0;
    for (size_t i = 0; i < nheaders; i++)
        have_host |= headers[i].name && !strcasecmp(headers[i].name, "host");
    sigv4_header *all = arena_alloc(a, (nheaders + 1) * sizeof *all);
    if (nheaders)
        memcpy(all, headers, nheaders * sizeof *all);
    const char *host_value = arena_strndup(a, host, hn);
    if (!have_host)
        all[nheaders] = (sigv4_header){"Host", host_value};

    int s3 = service && !strcmp(service, "s3");
    sigv4_request req = {.method = method, .path = path, .query = query, .headers = all,
                         .nheaders = nheaders + !have_host, .body = body, .body_len = body_len};
    /* S3 signs the path as sent (decoded, encoded once, not normalized) and wants the body hash
     * in a header; every other service signs the normalized, doubly encoded path. */
    sigv4_params p = {.region = region, .service = service, .when = when, .normalize_path = !s3,
                      .path_is_encoded = s3, .sign_body = s3};
    int rc = sigv4_sign(&req, c, &p, out, a, err);
    if (rc != ISMS_OK || have_host)
        return rc;
    memmove(out->headers + 1, out->headers, out->nheaders * sizeof out->headers[0]);
    out->headers[0] = (sigv4_header){"Host", host_value};
    out->nheaders++;
    return ISMS_OK;
}
