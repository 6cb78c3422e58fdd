/* CloudTrail scanner. A jansson tree per record would cost more than reading the file, so this is
 * a hand-written pull parser over a bounded buffer: it validates the whole JSON grammar but only
 * keeps (as pointers into the buffer) the few fields the rules read. When a record straddles the
 * end of the buffer, the partial record is moved to the front, more is read and the record is
 * parsed again from its start: records are small next to the 1 MiB reads, so this is rare. */
#include "collect/cloudtrail.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "util/arena.h"

enum { P_OK, P_MORE, P_ERR };
enum { CT_MAX_DEPTH = 512, CT_MAX_NAMES = 8, CT_TIME = 40, CT_SEEN_MAX = 1 << 19 };

const char *const cloudtrail_rules[] = {
    "root_account_usage",   "console_login_without_mfa", "console_login_failures",
    "cloudtrail_tampering", "iam_policy_change",         "root_access_key_created",
    "security_group_open_to_world", NULL,
};
enum { R_ROOT, R_NOMFA, R_LOGINFAIL, R_TAMPER, R_IAM, R_ROOTKEY, R_SGOPEN, R_N };

typedef struct ct_str {
    const char *p; /* NULL: absent */
    size_t n;
} ct_str;

/* The fields the rules read; every ct_str points into the read buffer or the scratch area. */
typedef struct ct_rec {
    ct_str time, source, name, etype, region, ip, id, error;
    ct_str ui_type, ui_arn, ui_user, ui_invoked;
    ct_str login, mfa;
    ct_str rp; /* requestParameters object, re-walked only for the events that need it */
    int federated;
    int has_name;
} ct_rec;

typedef struct ct_parse {
    const char *end;
    char *scratch; /* decoded strings that had escapes */
    size_t scratch_len, scratch_cap;
    const char *err, *errpos;
    int world; /* requestParameters walk: a cidrIp/cidrIpv6 open to the world was seen */
    unsigned char stack[CT_MAX_DEPTH];
} ct_parse;

typedef struct ct_agg {
    int rule;
    char *principal, *ip, *region;
    char first[CT_TIME], last[CT_TIME];
    char *names[CT_MAX_NAMES];
    int nnames, more_names;
    uint64_t count;
} ct_agg;

typedef struct ct_table {
    uint64_t *keys;
    uint32_t *vals;
    size_t n, sz;
} ct_table;

struct cloudtrail_scan {
    cloudtrail_opts o;
    char *buf;
    size_t bufsz;
    char *scratch;
    size_t scratch_cap;
    unsigned char *zin;
    arena a;
    uint64_t events;
    ct_agg *aggs;
    size_t naggs, aggcap;
    ct_table tab;  /* aggregation key hash -> index in aggs */
    ct_table seen; /* eventID hashes of matched events, for duplicate deliveries */
    cloudtrail_finding *out;
};

/* ---------- JSON scanning ---------- */

static int perr(ct_parse *x, const char *p, const char *msg)
{
    x->err = msg;
    x->errpos = p;
    return P_ERR;
}

static inline int is_ws(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

static inline int skip_ws(ct_parse *x, const char **pp)
{
    const char *p = *pp;
    while (p < x->end && is_ws(*p))
        p++;
    *pp = p;
    return p < x->end ? P_OK : P_MORE;
}

/* First byte that ends the plain run of a string: '"', '\\' or a control character. */
static inline const char *find_special(const char *s, const char *end)
{
    const unsigned char *p = (const unsigned char *)s, *e = (const unsigned char *)end;
#ifdef __SSE2__
    const __m128i q = _mm_set1_epi8('"'), bs = _mm_set1_epi8('\\'), lim = _mm_set1_epi8(0x1f);
    while (e - p >= 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
        __m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, q), _mm_cmpeq_epi8(v, bs)),
                                 _mm_cmpeq_epi8(_mm_min_epu8(v, lim), v));
        int mask = _mm_movemask_epi8(m);
        if (mask)
            return (const char *)p + __builtin_ctz((unsigned)mask);
        p += 16;
    }
#endif
    while (p < e && *p != '"' && *p != '\\' && *p >= 0x20)
        p++;
    return (const char *)p;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = (char)(c | 0x20);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* The \uXXXX escape at p (6 bytes available) into *v; -1 if malformed. */
static int hex4(const char *p, unsigned *v)
{
    int a = hexval(p[2]), b = hexval(p[3]), c = hexval(p[4]), d = hexval(p[5]);
    if (p[0] != '\\' || p[1] != 'u' || (a | b | c | d) < 0)
        return -1;
    *v = (unsigned)a << 12 | (unsigned)b << 8 | (unsigned)c << 4 | (unsigned)d;
    return 0;
}

/* Could the n (< 6) available bytes at p be the start of a \uXXXX escape? */
static int maybe_uescape(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (i == 0 ? p[i] != '\\' : i == 1 ? p[i] != 'u' : hexval(p[i]) < 0)
            return 0;
    return 1;
}

static size_t utf8_put(char *o, unsigned cp)
{
    static const unsigned char lead[] = {0, 0, 0xc0, 0xe0, 0xf0};
    size_t n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    for (size_t i = n - 1; i > 0; i--, cp >>= 6)
        o[i] = (char)(0x80 | (cp & 0x3f));
    o[0] = (char)(lead[n] | cp);
    return n;
}

/* A string with escapes: validate them and, when out is wanted, decode into the scratch area.
 * \u0000 and lone surrogates become U+FFFD so decoded values never hold a NUL. */
static int str_slow(ct_parse *x, const char **pp, ct_str *out, const char *p)
{
    const char *seg = *pp, *end = x->end;
    char *o = out ? x->scratch + x->scratch_len : NULL;
    char *olim = x->scratch + x->scratch_cap;
    for (;;) {
        if (o) {
            size_t n = (size_t)(p - seg);
            if (n + 4 > (size_t)(olim - o))
                return perr(x, p, "record too large to decode");
            memcpy(o, seg, n);
            o += n;
        }
        if (*p == '"') {
            if (out) {
                out->p = x->scratch + x->scratch_len;
                out->n = (size_t)(o - out->p);
                x->scratch_len += out->n;
            }
            *pp = p + 1;
            return P_OK;
        }
        if ((unsigned char)*p < 0x20)
            return perr(x, p, "control character inside a string");
        if (end - p < 2)
            return P_MORE;
        unsigned cp = 0;
        switch (p[1]) {
        case '"': case '\\': case '/': cp = (unsigned char)p[1]; break;
        case 'b': cp = '\b'; break;
        case 'f': cp = '\f'; break;
        case 'n': cp = '\n'; break;
        case 'r': cp = '\r'; break;
        case 't': cp = '\t'; break;
        case 'u':
            if (end - p < 6)
                return maybe_uescape(p, (size_t)(end - p)) ? P_MORE : perr(x, p, "bad \\u escape");
            if (hex4(p, &cp) != 0)
                return perr(x, p, "bad \\u escape");
            break;
        default:
            return perr(x, p, "invalid escape in a string");
        }
        p += p[1] == 'u' ? 6 : 2;
        if (cp >= 0xd800 && cp <= 0xdbff) {
            unsigned lo;
            if (end - p < 6 && maybe_uescape(p, (size_t)(end - p)))
                return P_MORE;
            if (end - p >= 6 && hex4(p, &lo) == 0 && lo >= 0xdc00 && lo <= 0xdfff) {
                cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                p += 6;
            } else {
                cp = 0xfffd;
            }
        } else if ((cp >= 0xdc00 && cp <= 0xdfff) || cp == 0) {
            cp = 0xfffd;
        }
        if (o)
            o += utf8_put(o, cp);
        seg = p;
        p = find_special(p, end);
        if (p == end)
            return P_MORE;
    }
}

/* *pp is just past the opening quote; on success it is past the closing one. out may be NULL. */
static inline int str_scan(ct_parse *x, const char **pp, ct_str *out)
{
    const char *p = find_special(*pp, x->end);
    if (p == x->end)
        return P_MORE;
    if (*p == '"') {
        if (out) {
            out->p = *pp;
            out->n = (size_t)(p - *pp);
        }
        *pp = p + 1;
        return P_OK;
    }
    return str_slow(x, pp, out, p);
}

/* One or more digits. Reaching the end of the data is P_MORE: the number may go on. */
static int digits(ct_parse *x, const char **pp)
{
    const char *p = *pp;
    while (p < x->end && *p >= '0' && *p <= '9')
        p++;
    if (p == x->end)
        return P_MORE;
    if (p == *pp)
        return perr(x, p, "bad number");
    *pp = p;
    return P_OK;
}

static int number(ct_parse *x, const char **pp)
{
    const char *p = *pp + (**pp == '-');
    int rc;
    if (p == x->end)
        return P_MORE;
    if (*p == '0') /* no leading zeros: what follows "0" must be '.', 'e' or a delimiter */
        p++;
    else if ((rc = digits(x, &p)) != P_OK)
        return rc;
    if (p < x->end && *p == '.') {
        p++;
        if ((rc = digits(x, &p)) != P_OK)
            return rc;
    }
    if (p < x->end && (*p == 'e' || *p == 'E')) {
        p++;
        if (p < x->end && (*p == '+' || *p == '-'))
            p++;
        if ((rc = digits(x, &p)) != P_OK)
            return rc;
    }
    if (p == x->end)
        return P_MORE;
    *pp = p;
    return P_OK;
}

static int literal(ct_parse *x, const char **pp, const char *word, size_t n)
{
    size_t have = (size_t)(x->end - *pp);
    if (memcmp(*pp, word, have < n ? have : n) != 0)
        return perr(x, *pp, "invalid literal");
    if (have < n)
        return P_MORE;
    *pp += n;
    return P_OK;
}

/* Skip (and validate) one value at *pp, nesting handled with an explicit stack so hostile input
 * cannot exhaust the C stack. */
static int skip_value(ct_parse *x, const char **pp)
{
    const char *p = *pp;
    int depth = 0, rc;
#define WS()                                                                                       \
    do {                                                                                           \
        if ((rc = skip_ws(x, &p)) != P_OK)                                                         \
            return rc;                                                                             \
    } while (0)
value:
    switch (*p) {
    case '"':
        p++;
        if ((rc = str_scan(x, &p, NULL)) != P_OK)
            return rc;
        break;
    case '{':
    case '[':
        if (depth == CT_MAX_DEPTH)
            return perr(x, p, "nesting too deep");
        x->stack[depth++] = (unsigned char)*p;
        p++;
        WS();
        if (*p == (x->stack[depth - 1] == '{' ? '}' : ']')) {
            p++;
            depth--;
            break;
        }
        if (x->stack[depth - 1] == '[')
            goto value;
    key:
        if (*p != '"')
            return perr(x, p, "expected a key string");
        p++;
        if ((rc = str_scan(x, &p, NULL)) != P_OK)
            return rc;
        WS();
        if (*p != ':')
            return perr(x, p, "expected ':' after a key");
        p++;
        WS();
        goto value;
    case 't': if ((rc = literal(x, &p, "true", 4)) != P_OK) return rc; break;
    case 'f': if ((rc = literal(x, &p, "false", 5)) != P_OK) return rc; break;
    case 'n': if ((rc = literal(x, &p, "null", 4)) != P_OK) return rc; break;
    default:
        if (*p != '-' && !(*p >= '0' && *p <= '9'))
            return perr(x, p, "unexpected character");
        if ((rc = number(x, &p)) != P_OK)
            return rc;
    }
    /* after a value */
    while (depth > 0) {
        WS();
        unsigned char top = x->stack[depth - 1];
        if (*p == ',') {
            p++;
            WS();
            if (top == '{')
                goto key;
            goto value;
        }
        if (*p != (top == '{' ? '}' : ']'))
            return perr(x, p, top == '{' ? "expected ',' or '}'" : "expected ',' or ']'");
        p++;
        depth--;
    }
    *pp = p;
    return P_OK;
#undef WS
}

typedef int (*ct_field_fn)(ct_parse *x, const char **pp, ct_str key, void *ctx);

/* Walk the object at *pp ('{'), calling fn for each member with *pp on its value; fn must
 * consume the value. */
static int parse_object(ct_parse *x, const char **pp, ct_field_fn fn, void *ctx)
{
    const char *p = *pp + 1;
    int rc;
#define WS()                                                                                       \
    do {                                                                                           \
        if ((rc = skip_ws(x, &p)) != P_OK)                                                         \
            return rc;                                                                             \
    } while (0)
    WS();
    if (*p == '}') {
        *pp = p + 1;
        return P_OK;
    }
    for (;;) {
        if (*p != '"')
            return perr(x, p, "expected a key string");
        p++;
        ct_str k;
        if ((rc = str_scan(x, &p, &k)) != P_OK)
            return rc;
        WS();
        if (*p != ':')
            return perr(x, p, "expected ':' after a key");
        p++;
        WS();
        if ((rc = fn(x, &p, k, ctx)) != P_OK)
            return rc;
        WS();
        if (*p == ',') {
            p++;
            WS();
            continue;
        }
        if (*p != '}')
            return perr(x, p, "expected ',' or '}'");
        *pp = p + 1;
        return P_OK;
    }
#undef WS
}

#define KEQ(k, lit) ((k).n == sizeof(lit) - 1 && memcmp((k).p, lit, sizeof(lit) - 1) == 0)

static int streq(ct_str s, const char *lit)
{
    size_t n = strlen(lit);
    return s.p && s.n == n && memcmp(s.p, lit, n) == 0;
}

/* A string member into *dst; any other type is skipped and leaves *dst alone. */
static int str_field(ct_parse *x, const char **pp, ct_str *dst)
{
    if (**pp != '"')
        return skip_value(x, pp);
    ++*pp;
    return str_scan(x, pp, dst);
}

static int count_field(ct_parse *x, const char **pp, ct_str k, void *ctx)
{
    ++*(int *)ctx;
    return skip_value(x, pp);
}

/* sessionContext: a non-empty sessionIssuer or webIdFederationData means the caller holds
 * temporary credentials from a role or an identity provider, i.e. a federated session. */
static int session_field(ct_parse *x, const char **pp, ct_str k, void *ctx)
{
    ct_rec *r = ctx;
    if ((KEQ(k, "sessionIssuer") || KEQ(k, "webIdFederationData")) && **pp == '{') {
        int n = 0;
        int rc = parse_object(x, pp, count_field, &n);
        if (n > 0)
            r->federated = 1;
        return rc;
    }
    return skip_value(x, pp);
}

static int identity_field(ct_parse *x, const char **pp, ct_str k, void *ctx)
{
    ct_rec *r = ctx;
    if (KEQ(k, "type"))
        return str_field(x, pp, &r->ui_type);
    if (KEQ(k, "arn"))
        return str_field(x, pp, &r->ui_arn);
    if (KEQ(k, "userName"))
        return str_field(x, pp, &r->ui_user);
    if (KEQ(k, "invokedBy"))
        return str_field(x, pp, &r->ui_invoked);
    if (KEQ(k, "sessionContext") && **pp == '{')
        return parse_object(x, pp, session_field, r);
    return skip_value(x, pp);
}

static int response_field(ct_parse *x, const char **pp, ct_str k, void *ctx)
{
    return KEQ(k, "ConsoleLogin") ? str_field(x, pp, &((ct_rec *)ctx)->login) : skip_value(x, pp);
}

static int extra_field(ct_parse *x, const char **pp, ct_str k, void *ctx)
{
    return KEQ(k, "MFAUsed") ? str_field(x, pp, &((ct_rec *)ctx)->mfa) : skip_value(x, pp);
}

static int record_field(ct_parse *x, const char **pp, ct_str k, void *ctx)
{
    ct_rec *r = ctx;
    ct_str *dst = NULL;
    switch (k.n) {
    case 7:
        if (KEQ(k, "eventID"))
            dst = &r->id;
        break;
    case 9:
        if (KEQ(k, "eventTime"))
            dst = &r->time;
        else if (KEQ(k, "eventName")) {
            r->has_name = 1;
            dst = &r->name;
        } else if (KEQ(k, "eventType"))
            dst = &r->etype;
        else if (KEQ(k, "awsRegion"))
            dst = &r->region;
        else if (KEQ(k, "errorCode"))
            dst = &r->error;
        break;
    case 11:
        if (KEQ(k, "eventSource"))
            dst = &r->source;
        break;
    case 12:
        if (KEQ(k, "userIdentity") && **pp == '{')
            return parse_object(x, pp, identity_field, r);
        break;
    case 15:
        if (KEQ(k, "sourceIPAddress"))
            dst = &r->ip;
        break;
    case 16:
        if (KEQ(k, "responseElements") && **pp == '{')
            return parse_object(x, pp, response_field, r);
        break;
    case 17:
        if (KEQ(k, "requestParameters") && **pp == '{') {
            const char *start = *pp;
            int rc = skip_value(x, pp);
            r->rp.p = start;
            r->rp.n = (size_t)(*pp - start);
            return rc;
        }
        break;
    case 19:
        if (KEQ(k, "additionalEventData") && **pp == '{')
            return parse_object(x, pp, extra_field, r);
        break;
    }
    return dst ? str_field(x, pp, dst) : skip_value(x, pp);
}

/* Any depth of requestParameters: real logs put cidrIp under ipPermissions.items[].ipRanges
 * and, for the older single-rule form, at the top. */
static int cidr_value(ct_parse *x, const char **pp, int depth);

static int cidr_field(ct_parse *x, const char **pp, ct_str k, void *ctx)
{
    if ((KEQ(k, "cidrIp") || KEQ(k, "cidrIpv6")) && **pp == '"') {
        ct_str v = {0};
        ++*pp;
        int rc = str_scan(x, pp, &v);
        if (streq(v, "0.0.0.0/0") || streq(v, "::/0"))
            x->world = 1;
        return rc;
    }
    return cidr_value(x, pp, *(int *)ctx + 1);
}

static int cidr_value(ct_parse *x, const char **pp, int depth)
{
    if (depth > CT_MAX_DEPTH)
        return perr(x, *pp, "nesting too deep");
    if (**pp == '{')
        return parse_object(x, pp, cidr_field, &depth);
    if (**pp != '[')
        return skip_value(x, pp);
    const char *p = *pp + 1;
    int rc;
    if ((rc = skip_ws(x, &p)) != P_OK)
        return rc;
    if (*p != ']') {
        for (;;) {
            if ((rc = cidr_value(x, &p, depth + 1)) != P_OK || (rc = skip_ws(x, &p)) != P_OK)
                return rc;
            if (*p == ']')
                break;
            if (*p != ',')
                return perr(x, p, "expected ',' or ']'");
            p++;
            if ((rc = skip_ws(x, &p)) != P_OK)
                return rc;
        }
    }
    *pp = p + 1;
    return P_OK;
}

static int username_field(ct_parse *x, const char **pp, ct_str k, void *ctx)
{
    return KEQ(k, "userName") ? str_field(x, pp, ctx) : skip_value(x, pp);
}

/* Re-walk the requestParameters span (already validated) with another set of handlers. */
static int rp_walk(ct_parse *x, const ct_rec *r, ct_field_fn fn, void *ctx)
{
    if (!r->rp.p)
        return P_ERR;
    const char *p = r->rp.p, *end = x->end;
    x->end = r->rp.p + r->rp.n;
    int rc = parse_object(x, &p, fn, ctx);
    x->end = end;
    return rc;
}

/* ---------- rules and aggregation ---------- */

static uint64_t hash_bytes(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 0x100000001b3ULL;
    return h;
}

static uint64_t hash_mix(uint64_t h)
{
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    return h ? h : 1;
}

static int nonempty(ct_str s) { return s.p && s.n > 0; }

static int ends_with(ct_str s, const char *lit)
{
    size_t n = strlen(lit);
    return s.p && s.n >= n && memcmp(s.p + s.n - n, lit, n) == 0;
}

static int cstr_eq(const char *c, ct_str s)
{
    if (!s.p)
        return c == NULL;
    return c && strncmp(c, s.p, s.n) == 0 && c[s.n] == '\0';
}

static int is_policy_change(ct_str name)
{
    static const char *const names[] = {
        "PutUserPolicy", "PutGroupPolicy", "PutRolePolicy", "DeleteUserPolicy",
        "DeleteGroupPolicy", "DeleteRolePolicy", "AttachUserPolicy", "AttachGroupPolicy",
        "AttachRolePolicy", "DetachUserPolicy", "DetachGroupPolicy", "DetachRolePolicy",
        "CreatePolicy", "DeletePolicy", "CreatePolicyVersion", "DeletePolicyVersion",
        "SetDefaultPolicyVersion", "UpdateAssumeRolePolicy", "PutUserPermissionsBoundary",
        "PutRolePermissionsBoundary", "DeleteUserPermissionsBoundary",
        "DeleteRolePermissionsBoundary", NULL,
    };
    for (const char *const *n = names; *n; n++)
        if (streq(name, *n))
            return 1;
    return 0;
}

/* Open addressing over non-zero 64-bit hashes; vals, when used, run parallel to keys. */
static int table_reserve(ct_table *t, int with_vals)
{
    if ((t->n + 1) * 2 <= t->sz)
        return 0;
    size_t nsz = t->sz ? t->sz * 2 : 256;
    uint64_t *k = calloc(nsz, sizeof *k);
    uint32_t *v = with_vals ? calloc(nsz, sizeof *v) : NULL;
    if (!k || (with_vals && !v)) {
        free(k);
        free(v);
        return -1;
    }
    for (size_t j = 0; j < t->sz; j++) {
        size_t i = t->keys[j] & (nsz - 1);
        if (!t->keys[j])
            continue;
        while (k[i])
            i = (i + 1) & (nsz - 1);
        k[i] = t->keys[j];
        if (v)
            v[i] = t->vals[j];
    }
    free(t->keys);
    free(t->vals);
    t->keys = k;
    t->vals = v;
    t->sz = nsz;
    return 0;
}

/* The slot holding h (and accepted by same, when given), else the empty slot to put it in. */
static size_t table_slot(const ct_table *t, uint64_t h, int (*same)(const void *, uint32_t),
                         const void *ctx)
{
    size_t i = h & (t->sz - 1);
    while (t->keys[i] && (t->keys[i] != h || (same && !same(ctx, t->vals[i]))))
        i = (i + 1) & (t->sz - 1);
    return i;
}

/* True the first time an eventID is seen: CloudTrail may deliver an event twice and exports
 * overlap, so a matched event is counted once. Only matched events are remembered, and at most
 * CT_SEEN_MAX of them (a 64-bit hash each), so memory stays bounded. */
static int seen_first(cloudtrail_scan *s, ct_str id)
{
    uint64_t h = hash_mix(hash_bytes(0xcbf29ce484222325ULL, id.p, id.n));
    int can_add = s->seen.n < CT_SEEN_MAX && table_reserve(&s->seen, 0) == 0;
    if (!s->seen.sz)
        return 1;
    size_t i = table_slot(&s->seen, h, NULL, NULL);
    if (s->seen.keys[i])
        return 0;
    if (can_add) {
        s->seen.keys[i] = h;
        s->seen.n++;
    }
    return 1;
}

typedef struct agg_key {
    const cloudtrail_scan *s;
    int rule;
    ct_str who, ip, region;
} agg_key;

static int agg_same(const void *ctx, uint32_t idx)
{
    const agg_key *k = ctx;
    const ct_agg *c = &k->s->aggs[idx];
    return c->rule == k->rule && cstr_eq(c->principal, k->who) && cstr_eq(c->ip, k->ip) &&
           cstr_eq(c->region, k->region);
}

static void agg_add(cloudtrail_scan *s, int rule, const ct_rec *r)
{
    agg_key k = {s, rule, r->ui_arn, r->ip, r->region};
    if (!nonempty(k.who))
        k.who = nonempty(r->ui_user) ? r->ui_user : r->ui_type;
    if (!nonempty(k.who))
        k.who = (ct_str){"unknown", 7};
    uint64_t h = hash_bytes(0xcbf29ce484222325ULL, &rule, sizeof rule);
    const ct_str parts[3] = {k.who, r->ip, r->region};
    for (int i = 0; i < 3; i++) { /* then a separator that also tells absent from empty */
        h = hash_bytes(h, parts[i].p ? parts[i].p : "", parts[i].n);
        h = hash_bytes(h, parts[i].p ? "\1" : "\2", 1);
    }
    h = hash_mix(h);
    if (table_reserve(&s->tab, 1) != 0)
        return;
    size_t slot = table_slot(&s->tab, h, agg_same, &k);
    if (!s->tab.keys[slot]) {
        if (s->naggs == s->aggcap) {
            size_t ncap = s->aggcap ? s->aggcap * 2 : 64;
            ct_agg *a = realloc(s->aggs, ncap * sizeof *a);
            if (!a)
                return;
            s->aggs = a;
            s->aggcap = ncap;
        }
        ct_agg *g = &s->aggs[s->naggs];
        memset(g, 0, sizeof *g);
        g->rule = rule;
        g->principal = arena_strndup(&s->a, k.who.p, k.who.n);
        g->ip = r->ip.p ? arena_strndup(&s->a, r->ip.p, r->ip.n) : NULL;
        g->region = r->region.p ? arena_strndup(&s->a, r->region.p, r->region.n) : NULL;
        s->tab.keys[slot] = h;
        s->tab.vals[slot] = (uint32_t)s->naggs++;
        s->tab.n++;
    }
    ct_agg *g = &s->aggs[s->tab.vals[slot]];
    g->count++;
    if (nonempty(r->time)) {
        char t[CT_TIME];
        size_t n = r->time.n < CT_TIME - 1 ? r->time.n : CT_TIME - 1;
        memcpy(t, r->time.p, n);
        t[n] = '\0';
        if (!g->first[0] || strcmp(t, g->first) < 0)
            memcpy(g->first, t, sizeof t);
        if (!g->last[0] || strcmp(t, g->last) > 0)
            memcpy(g->last, t, sizeof t);
    }
    if (nonempty(r->name)) {
        for (int i = 0; i < g->nnames; i++)
            if (cstr_eq(g->names[i], r->name))
                return;
        if (g->nnames < CT_MAX_NAMES)
            g->names[g->nnames++] = arena_strndup(&s->a, r->name.p, r->name.n);
        else
            g->more_names = 1;
    }
}

static void evaluate(cloudtrail_scan *s, ct_parse *x, const ct_rec *r)
{
    unsigned hits = 0;
    int root = streq(r->ui_type, "Root");
    int failed = nonempty(r->error);
    /* AWS acting on root's behalf (invokedBy, service events, a service as the caller) is not
     * someone using the root credentials. */
    if (root && !nonempty(r->ui_invoked) && !streq(r->etype, "AwsServiceEvent") &&
        !ends_with(r->ip, ".amazonaws.com"))
        hits |= 1u << R_ROOT;
    if (streq(r->name, "ConsoleLogin")) {
        /* Federated users authenticate (and do MFA) at their identity provider, so MFAUsed "No"
         * says nothing about them. */
        int fed = r->federated || streq(r->ui_type, "SAMLUser") ||
                  streq(r->ui_type, "WebIdentityUser") || streq(r->ui_type, "AssumedRole") ||
                  streq(r->ui_type, "FederatedUser");
        if (streq(r->login, "Success") && streq(r->mfa, "No") && !fed)
            hits |= 1u << R_NOMFA;
        if (streq(r->login, "Failure"))
            hits |= 1u << R_LOGINFAIL;
    }
    /* Failed attempts to stop the trail are reported too: they show intent. */
    if (streq(r->source, "cloudtrail.amazonaws.com") &&
        (streq(r->name, "StopLogging") || streq(r->name, "DeleteTrail") ||
         streq(r->name, "UpdateTrail")))
        hits |= 1u << R_TAMPER;
    if (!failed && streq(r->source, "iam.amazonaws.com") && is_policy_change(r->name))
        hits |= 1u << R_IAM;
    if (root && !failed && streq(r->name, "CreateAccessKey")) {
        /* With requestParameters.userName root creates a key for an IAM user, not for itself. */
        ct_str user = {0};
        if (!r->rp.p || (rp_walk(x, r, username_field, &user) == P_OK && !nonempty(user)))
            hits |= 1u << R_ROOTKEY;
    }
    if (!failed && streq(r->name, "AuthorizeSecurityGroupIngress") && r->rp.p) {
        x->world = 0;
        int depth = 0;
        if (rp_walk(x, r, cidr_field, &depth) == P_OK && x->world)
            hits |= 1u << R_SGOPEN;
    }
    if (!hits || (nonempty(r->id) && !seen_first(s, r->id)))
        return;
    for (int rule = 0; rule < R_N; rule++)
        if (hits & (1u << rule))
            agg_add(s, rule, r);
}

/* ---------- input: plain or gzip, from a file or memory ---------- */

enum { CT_ZIN = 256 * 1024 };

typedef struct ct_src {
    int fd; /* -1: memory */
    const unsigned char *mem;
    size_t mem_len, mem_off, chunk;
    unsigned char peek[2];
    size_t npeek;
    int gz, zinit, zend, raw_eof, members;
    z_stream z;
    unsigned char *zin;
    uint64_t raw_bytes, out_bytes;
} ct_src;

static int raw_read(ct_src *c, void *dst, size_t n, size_t *got, isms_err *e)
{
    if (n > c->chunk)
        n = c->chunk;
    if (c->fd < 0) {
        if (n > c->mem_len - c->mem_off)
            n = c->mem_len - c->mem_off;
        memcpy(dst, c->mem + c->mem_off, n);
        c->mem_off += n;
        *got = n;
    } else {
        ssize_t r;
        do
            r = read(c->fd, dst, n);
        while (r < 0 && errno == EINTR);
        if (r < 0)
            return err_set(e, ISMS_EIO, "read failed: %s", strerror(errno));
        *got = (size_t)r;
    }
    c->raw_bytes += *got;
    return ISMS_OK;
}

/* Look at the first two bytes: gzip is recognised by its magic, whatever the file is named. */
static int src_start(ct_src *c, isms_err *e)
{
    while (c->npeek < 2) {
        size_t got;
        int rc = raw_read(c, c->peek + c->npeek, 2 - c->npeek, &got, e);
        if (rc)
            return rc;
        if (!got)
            break;
        c->npeek += got;
    }
    if (c->npeek < 2 || c->peek[0] != 0x1f || c->peek[1] != 0x8b)
        return ISMS_OK;
    c->gz = 1;
    memcpy(c->zin, c->peek, 2);
    c->z.next_in = c->zin;
    c->z.avail_in = 2;
    c->npeek = 0;
    if (inflateInit2(&c->z, 16 + MAX_WBITS) != Z_OK)
        return err_set(e, ISMS_ENOMEM, "cannot start gzip decompression");
    c->zinit = 1;
    return ISMS_OK;
}

/* Up to n decompressed bytes into dst; *got == 0 only at a clean end of input. */
static int src_read(ct_src *c, char *dst, size_t n, size_t *got, isms_err *e)
{
    *got = 0;
    if (!c->gz) {
        if (c->npeek) {
            size_t k = n < c->npeek ? n : c->npeek;
            memcpy(dst, c->peek, k);
            memmove(c->peek, c->peek + k, c->npeek - k);
            c->npeek -= k;
            *got = k;
            return ISMS_OK;
        }
        return raw_read(c, dst, n, got, e);
    }
    for (;;) {
        if (c->z.avail_in == 0 && !c->raw_eof) {
            size_t g;
            int rc = raw_read(c, c->zin, CT_ZIN, &g, e);
            if (rc)
                return rc;
            c->raw_eof = g == 0;
            c->z.next_in = c->zin;
            c->z.avail_in = (uInt)g;
        }
        if (c->zend) {
            if (c->z.avail_in == 0) {
                if (c->raw_eof)
                    return ISMS_OK;
                continue;
            }
            /* Concatenated gzip members are one stream (gzip -c a b > c). */
            inflateReset(&c->z);
            c->zend = 0;
            c->members++;
        }
        if (c->z.avail_in == 0 && c->raw_eof)
            return err_set(e, ISMS_EINVAL, "truncated gzip data (unexpected end of file)");
        c->z.next_out = (unsigned char *)dst;
        c->z.avail_out = (uInt)n;
        int zr = inflate(&c->z, Z_NO_FLUSH);
        *got = n - c->z.avail_out;
        if (zr == Z_STREAM_END) {
            c->zend = 1;
        } else if (zr == Z_MEM_ERROR) {
            return err_set(e, ISMS_ENOMEM, "out of memory in gzip decompression");
        } else if (zr != Z_OK && zr != Z_BUF_ERROR) {
            if (c->members > 0 && c->z.total_out == 0)
                return err_set(e, ISMS_EINVAL, "data after the end of the gzip stream");
            return err_set(e, ISMS_EINVAL, "corrupt gzip data: %s", c->z.msg ? c->z.msg : "error");
        }
        if (*got)
            return ISMS_OK;
    }
}

/* ---------- the Records walk ---------- */

enum {
    ST_BEGIN, ST_FIRST_KEY, ST_KEY, ST_AFTER_MEMBER, ST_FIRST_REC, ST_REC, ST_AFTER_REC, ST_DONE
};

/* A top-level member: its key, and either the opening '[' of Records or the whole value. */
static int member_unit(ct_parse *x, const char **pp, int *is_records)
{
    const char *p = *pp + 1;
    ct_str k;
    int rc;
    if ((rc = str_scan(x, &p, &k)) != P_OK || (rc = skip_ws(x, &p)) != P_OK)
        return rc;
    if (*p != ':')
        return perr(x, p, "expected ':' after a key");
    p++;
    if ((rc = skip_ws(x, &p)) != P_OK)
        return rc;
    if (KEQ(k, "Records")) {
        if (*p != '[')
            return perr(x, p, "not a CloudTrail log: \"Records\" is not an array");
        *is_records = 1;
        *pp = p + 1;
        return P_OK;
    }
    rc = skip_value(x, &p);
    *pp = p;
    return rc;
}

static int fill(cloudtrail_scan *s, ct_src *c, size_t *len, int *eof, isms_err *e)
{
    size_t got;
    int rc = src_read(c, s->buf + *len, s->bufsz - *len, &got, e);
    if (rc)
        return rc;
    *eof = got == 0;
    *len += got;
    c->out_bytes += got;
    if (s->o.max_bytes && c->out_bytes > s->o.max_bytes)
        return err_set(e, ISMS_EINVAL, "the log expands to more than %llu MiB; scan it with `isms logs scan`",
                       (unsigned long long)(s->o.max_bytes >> 20));
    if (s->o.progress)
        s->o.progress(s->o.progress_ud, c->raw_bytes);
    return ISMS_OK;
}

static int cap_err(cloudtrail_scan *s, isms_err *e, uint64_t rec)
{
    size_t cap = s->o.record_cap;
    char what[64];
    if (cap % ((size_t)1 << 20) == 0)
        snprintf(what, sizeof what, "%zu MiB", cap >> 20);
    else
        snprintf(what, sizeof what, "%zu bytes", cap);
    if (rec)
        return err_set(e, ISMS_EINVAL, "record %llu is larger than the %s limit",
                       (unsigned long long)rec, what);
    return err_set(e, ISMS_EINVAL, "a top-level value is larger than the %s limit", what);
}

static int scan_source(cloudtrail_scan *s, ct_src *c, isms_err *e)
{
    char *buf = s->buf;
    size_t len = 0, pos = 0;
    uint64_t base = 0, nrec = 0, named = 0;
    int eof = 0, state = ST_BEGIN, saw = 0, rc;
    ct_parse x = {.scratch = s->scratch, .scratch_cap = s->scratch_cap};
    if ((rc = src_start(c, e)) != ISMS_OK)
        return rc;
    for (;;) {
        while (pos < len && is_ws(buf[pos]))
            pos++;
        if (pos == len) {
            if (eof)
                break;
            base += len;
            len = pos = 0;
            if ((rc = fill(s, c, &len, &eof, e)) != ISMS_OK)
                return rc;
            continue;
        }
        char ch = buf[pos];
        unsigned long long at = (unsigned long long)(base + pos);
        switch (state) {
        case ST_BEGIN:
            if (ch != '{')
                return err_set(e, ISMS_EINVAL, "not a CloudTrail log: not a JSON object");
            pos++;
            state = ST_FIRST_KEY;
            continue;
        case ST_FIRST_KEY:
            if (ch == '}') {
                pos++;
                state = ST_DONE;
                continue;
            }
            /* fallthrough */
        case ST_KEY:
            if (ch != '"')
                return err_set(e, ISMS_EINVAL, "invalid JSON at byte %llu: expected a key", at);
            break;
        case ST_AFTER_MEMBER:
            if (ch != ',' && ch != '}')
                return err_set(e, ISMS_EINVAL, "invalid JSON at byte %llu: expected ',' or '}'",
                               at);
            state = ch == ',' ? ST_KEY : ST_DONE;
            pos++;
            continue;
        case ST_FIRST_REC:
            if (ch == ']') {
                pos++;
                state = ST_AFTER_MEMBER;
                continue;
            }
            /* fallthrough */
        case ST_REC:
            if (ch != '{')
                return err_set(e, ISMS_EINVAL,
                               "not a CloudTrail log: record %llu is not a JSON object",
                               (unsigned long long)nrec + 1);
            break;
        case ST_AFTER_REC:
            if (ch != ',' && ch != ']')
                return err_set(e, ISMS_EINVAL,
                               "invalid JSON at byte %llu: expected ',' or ']' after record %llu",
                               at,
                               (unsigned long long)nrec);
            state = ch == ',' ? ST_REC : ST_AFTER_MEMBER;
            pos++;
            continue;
        default:
            return err_set(e, ISMS_EINVAL,
                           "invalid JSON at byte %llu: data after the end of the log", at);
        }
        /* A unit (record or top-level member) starts at pos; parse it whole, reading more and
         * starting over when it runs past the data in the buffer. */
        int in_rec = state == ST_FIRST_REC || state == ST_REC;
        for (;;) {
            const char *p = buf + pos;
            ct_rec r;
            int is_records = 0;
            memset(&r, 0, sizeof r);
            x.end = buf + len;
            x.scratch_len = 0;
            rc = in_rec ? parse_object(&x, &p, record_field, &r) : member_unit(&x, &p, &is_records);
            if (rc == P_OK) {
                if ((size_t)(p - (buf + pos)) > s->o.record_cap)
                    return cap_err(s, e, in_rec ? nrec + 1 : 0);
                if (in_rec) {
                    nrec++;
                    named += r.has_name;
                    s->events++;
                    evaluate(s, &x, &r);
                    state = ST_AFTER_REC;
                } else {
                    saw |= is_records;
                    state = is_records ? ST_FIRST_REC : ST_AFTER_MEMBER;
                }
                pos = (size_t)(p - buf);
                break;
            }
            if (rc == P_ERR) {
                unsigned long long off = (unsigned long long)(base + (size_t)(x.errpos - buf));
                if (!strncmp(x.err, "not a CloudTrail", 16))
                    return err_set(e, ISMS_EINVAL, "%s", x.err);
                if (in_rec)
                    return err_set(e, ISMS_EINVAL, "invalid JSON at byte %llu (record %llu): %s",
                                   off,
                                   (unsigned long long)nrec + 1, x.err);
                return err_set(e, ISMS_EINVAL, "invalid JSON at byte %llu: %s", off, x.err);
            }
            if (eof) {
                if (in_rec)
                    return err_set(e, ISMS_EINVAL, "truncated: the file ends inside record %llu",
                                   (unsigned long long)nrec + 1);
                return err_set(e, ISMS_EINVAL, "truncated: unexpected end of file");
            }
            if (len - pos >= s->o.record_cap)
                return cap_err(s, e, in_rec ? nrec + 1 : 0);
            memmove(buf, buf + pos, len - pos);
            base += pos;
            len -= pos;
            pos = 0;
            if ((rc = fill(s, c, &len, &eof, e)) != ISMS_OK)
                return rc;
        }
    }
    if (state == ST_BEGIN)
        return err_set(e, ISMS_EINVAL, "empty file");
    if (state != ST_DONE)
        return err_set(e, ISMS_EINVAL, "truncated: unexpected end of file after %llu records",
                       (unsigned long long)nrec);
    if (!saw)
        return err_set(e, ISMS_EINVAL, "not a CloudTrail log: no \"Records\" array");
    if (nrec && !named)
        return err_set(e, ISMS_EINVAL, "not a CloudTrail log: no record has an eventName");
    return ISMS_OK;
}

static int scan_with(cloudtrail_scan *s, ct_src *c, isms_err *e)
{
    c->chunk = s->o.read_size;
    c->zin = s->zin;
    int rc = scan_source(s, c, e);
    if (c->zinit)
        inflateEnd(&c->z);
    return rc;
}

int cloudtrail_scan_file(cloudtrail_scan *s, const char *path, isms_err *e)
{
    err_clear(e);
    ct_src c = {0};
    c.fd = open(path, O_RDONLY | O_CLOEXEC);
    if (c.fd < 0)
        return err_set(e, errno == ENOENT ? ISMS_ENOTFOUND : ISMS_EIO, "cannot open: %s",
                       strerror(errno));
    struct stat st;
    if (fstat(c.fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        close(c.fd);
        return err_set(e, ISMS_EINVAL, "is a directory");
    }
#ifdef POSIX_FADV_SEQUENTIAL
    posix_fadvise(c.fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
    int rc = scan_with(s, &c, e);
    close(c.fd);
    return rc;
}

int cloudtrail_scan_mem(cloudtrail_scan *s, const void *data, size_t len, isms_err *e)
{
    err_clear(e);
    ct_src c = {0};
    c.fd = -1;
    c.mem = data;
    c.mem_len = len;
    return scan_with(s, &c, e);
}

/* ---------- scanner lifetime and results ---------- */

cloudtrail_scan *cloudtrail_scan_new(const cloudtrail_opts *opts)
{
    cloudtrail_scan *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    if (opts)
        s->o = *opts;
    if (!s->o.record_cap)
        s->o.record_cap = CLOUDTRAIL_RECORD_CAP;
    if (!s->o.read_size)
        s->o.read_size = CLOUDTRAIL_READ_SIZE;
    s->bufsz = s->o.record_cap + s->o.read_size;
    s->scratch_cap = 2 * s->o.record_cap + 64;
    s->buf = malloc(s->bufsz);
    s->scratch = malloc(s->scratch_cap);
    s->zin = malloc(CT_ZIN);
    arena_init(&s->a);
    if (!s->buf || !s->scratch || !s->zin) {
        cloudtrail_scan_free(s);
        return NULL;
    }
    return s;
}

uint64_t cloudtrail_scan_events(const cloudtrail_scan *s) { return s->events; }

static int finding_cmp(const void *pa, const void *pb)
{
    const ct_agg *a = *(const ct_agg *const *)pa, *b = *(const ct_agg *const *)pb;
    int c;
    if (a->rule != b->rule)
        return a->rule < b->rule ? -1 : 1;
    if (a->count != b->count)
        return a->count > b->count ? -1 : 1;
    if ((c = strcmp(a->principal, b->principal)) != 0)
        return c;
    if ((c = strcmp(a->ip ? a->ip : "", b->ip ? b->ip : "")) != 0)
        return c;
    if ((c = strcmp(a->region ? a->region : "", b->region ? b->region : "")) != 0)
        return c;
    return strcmp(a->first, b->first);
}

size_t cloudtrail_scan_findings(cloudtrail_scan *s, const cloudtrail_finding **out)
{
    free(s->out);
    s->out = NULL;
    *out = NULL;
    if (!s->naggs)
        return 0;
    ct_agg **order = malloc(s->naggs * sizeof *order);
    s->out = calloc(s->naggs, sizeof *s->out);
    if (!order || !s->out) {
        free(order);
        return 0;
    }
    for (size_t i = 0; i < s->naggs; i++)
        order[i] = &s->aggs[i];
    qsort(order, s->naggs, sizeof *order, finding_cmp);
    for (size_t i = 0; i < s->naggs; i++) {
        const ct_agg *g = order[i];
        cloudtrail_finding *f = &s->out[i];
        f->rule = cloudtrail_rules[g->rule];
        f->principal = g->principal;
        f->source_ip = g->ip;
        f->region = g->region;
        f->first_seen = g->first[0] ? g->first : NULL;
        f->last_seen = g->last[0] ? g->last : NULL;
        f->count = g->count;
        size_t n = 8;
        for (int j = 0; j < g->nnames; j++)
            n += strlen(g->names[j]) + 1;
        char *names = arena_alloc(&s->a, n);
        for (int j = 0; j < g->nnames; j++) {
            if (j)
                strcat(names, ",");
            strcat(names, g->names[j]);
        }
        if (g->more_names)
            strcat(names, ",...");
        f->event_name = names;
    }
    free(order);
    *out = s->out;
    return s->naggs;
}

void cloudtrail_scan_free(cloudtrail_scan *s)
{
    if (!s)
        return;
    free(s->buf);
    free(s->scratch);
    free(s->zin);
    free(s->aggs);
    free(s->tab.keys);
    free(s->tab.vals);
    free(s->seen.keys);
    free(s->out);
    arena_free(&s->a);
    free(s);
}

/* ---------- file lists ---------- */

static int files_push(cloudtrail_files *f, const char *path, uint64_t size, isms_err *e)
{
    if (f->n == f->cap) {
        size_t ncap = f->cap ? f->cap * 2 : 64;
        char **p = realloc(f->paths, ncap * sizeof *p);
        if (!p)
            return err_set(e, ISMS_ENOMEM, "out of memory listing files");
        f->paths = p;
        f->cap = ncap;
    }
    if (!(f->paths[f->n] = strdup(path)))
        return err_set(e, ISMS_ENOMEM, "out of memory listing files");
    f->n++;
    f->bytes += size;
    return ISMS_OK;
}

static int has_log_ext(const char *name)
{
    size_t n = strlen(name);
    return (n > 5 && !strcasecmp(name + n - 5, ".json")) ||
           (n > 8 && !strcasecmp(name + n - 8, ".json.gz"));
}

static int not_dots(const struct dirent *d)
{
    return strcmp(d->d_name, ".") != 0 && strcmp(d->d_name, "..") != 0;
}

/* Sorted, so a scan reads files in the same order everywhere. A directory that cannot be opened
 * is listed itself, so the scan reports it as a failed file. */
static int walk(const char *dir, cloudtrail_files *f, isms_err *e, int depth)
{
    struct dirent **names;
    int n = depth < 64 ? scandir(dir, &names, not_dots, alphasort) : -1;
    if (n < 0)
        return files_push(f, dir, 0, e);
    int rc = ISMS_OK;
    for (int i = 0; i < n; i++) {
        const char *name = names[i]->d_name;
        size_t plen = strlen(dir) + strlen(name) + 2;
        char *path = rc == ISMS_OK ? malloc(plen) : NULL;
        struct stat st;
        if (rc == ISMS_OK && !path)
            rc = err_set(e, ISMS_ENOMEM, "out of memory listing files");
        if (path) {
            snprintf(path, plen, "%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", name);
            /* lstat: a symlinked directory could make a loop; symlinked files are followed */
            int ok = lstat(path, &st) == 0;
            if (ok && S_ISDIR(st.st_mode))
                rc = walk(path, f, e, depth + 1);
            else if (ok && has_log_ext(name) && (S_ISREG(st.st_mode) || (S_ISLNK(st.st_mode) &&
                                                 stat(path, &st) == 0 && S_ISREG(st.st_mode))))
                rc = files_push(f, path, (uint64_t)st.st_size, e);
        }
        free(path);
        free(names[i]);
    }
    free(names);
    return rc;
}

int cloudtrail_list_files(const char *path, cloudtrail_files *f, isms_err *e)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return err_set(e, errno == ENOENT || errno == ENOTDIR ? ISMS_ENOTFOUND : ISMS_EIO,
                       "%s: %s", path, strerror(errno));
    if (S_ISDIR(st.st_mode))
        return walk(path, f, e, 0);
    return files_push(f, path, (uint64_t)st.st_size, e);
}

void cloudtrail_files_free(cloudtrail_files *f)
{
    for (size_t i = 0; i < f->n; i++)
        free(f->paths[i]);
    free(f->paths);
    memset(f, 0, sizeof *f);
}
