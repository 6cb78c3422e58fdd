/* The CloudTrail scanner's JSON layer, private to src/collect/cloudtrail*.c. A jansson tree per
 * record would cost more than reading the file, so this is a hand-written pull parser over a
 * bounded buffer: it validates the whole JSON grammar but only keeps (as pointers into the buffer)
 * the strings its caller asks for. Every function returns CTJ_OK, CTJ_MORE (the data in the
 * buffer ends before the value does: read more and parse the unit again from its start) or
 * CTJ_ERR (x->err and x->errpos say what and where). The helpers every record goes through are
 * static inline here, so the rules' field handlers (cloudtrail.c) get them inlined. */
#ifndef ISMS_COLLECT_CLOUDTRAIL_JSON_H
#define ISMS_COLLECT_CLOUDTRAIL_JSON_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "util/err.h"

enum { CTJ_OK, CTJ_MORE, CTJ_ERR };
enum { CTJ_MAX_DEPTH = 512 };

typedef struct ct_str {
    const char *p; /* NULL: absent */
    size_t n;
} ct_str;

typedef struct ctj_parse {
    const char *end;
    char *scratch; /* decoded strings that had escapes */
    size_t scratch_len, scratch_cap;
    const char *err, *errpos;
    int world; /* for the rules' requestParameters walk: a cidrIp open to the world was seen */
    unsigned char stack[CTJ_MAX_DEPTH];
} ctj_parse;

/* Called by ctj_object for each member with *pp on its value; must consume the value. */
typedef int (*ctj_field_fn)(ctj_parse *x, const char **pp, ct_str key, void *ctx);

#define CTJ_KEQ(k, lit) ((k).n == sizeof(lit) - 1 && memcmp((k).p, lit, sizeof(lit) - 1) == 0)

/* Record msg at p as the error; returns CTJ_ERR. */
int ctj_err(ctj_parse *x, const char *p, const char *msg);
/* The rest of a string from p, its first escape: validate and, when out is wanted, decode into
 * the scratch area (\u0000 and lone surrogates become U+FFFD, so decoded values hold no NUL). */
int ctj_str_slow(ctj_parse *x, const char **pp, ct_str *out, const char *p);
/* Skip (and validate) one value at *pp, nesting handled with an explicit stack so hostile input
 * cannot exhaust the C stack. */
int ctj_skip_value(ctj_parse *x, const char **pp);
/* Walk the object at *pp ('{'), calling fn for each member. */
int ctj_object(ctj_parse *x, const char **pp, ctj_field_fn fn, void *ctx);

static inline int ctj_is_ws(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

static inline int ctj_skip_ws(ctj_parse *x, const char **pp)
{
    const char *p = *pp;
    while (p < x->end && ctj_is_ws(*p))
        p++;
    *pp = p;
    return p < x->end ? CTJ_OK : CTJ_MORE;
}

/* First byte that ends the plain run of a string: '"', '\\' or a control character. */
static inline const char *ctj_find_special(const char *s, const char *end)
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

/* A string: *pp is just past the opening quote; on success it is past the closing one. out may
 * be NULL (validate only). */
static inline int ctj_str(ctj_parse *x, const char **pp, ct_str *out)
{
    const char *p = ctj_find_special(*pp, x->end);
    if (p == x->end)
        return CTJ_MORE;
    if (*p == '"') {
        if (out) {
            out->p = *pp;
            out->n = (size_t)(p - *pp);
        }
        *pp = p + 1;
        return CTJ_OK;
    }
    return ctj_str_slow(x, pp, out, p);
}

/* A string member into *dst; any other type is skipped and leaves *dst alone. */
static inline int ctj_str_field(ctj_parse *x, const char **pp, ct_str *dst)
{
    if (**pp != '"')
        return ctj_skip_value(x, pp);
    ++*pp;
    return ctj_str(x, pp, dst);
}

static inline int ctj_streq(ct_str s, const char *lit)
{
    size_t n = strlen(lit);
    return s.p && s.n == n && memcmp(s.p, lit, n) == 0;
}

/* ---- the walk of a log: {"Records":[{...},...], other members skipped} ---- */

/* Where the log's bytes come from: the whole document in memory (doc), or reads into the
 * caller's window buf of bufsz bytes (which must exceed record_cap). */
typedef struct ctj_input {
    const char *doc;
    size_t doc_len;
    char *buf;
    size_t bufsz;
    /* Up to n more bytes into dst; *got == 0 only at the end of the log. */
    int (*fill)(void *ud, char *dst, size_t n, size_t *got, isms_err *e);
    void *fill_ud;
} ctj_input;

/* What the walk does with each element of "Records". */
typedef struct ctj_sink {
    /* Parse the record object at *pp (its '{'), keeping what is needed, as ctj_object does. */
    int (*parse)(void *ud, ctj_parse *x, const char **pp);
    /* The record parsed within the size cap: count it; returns whether it had an eventName.
     * x still describes the buffer the record lies in. */
    int (*record)(void *ud, ctj_parse *x);
    void *ud;
} ctj_sink;

/* Walk one log, calling the sink for each record in order. A unit (a record, or a top-level
 * member) is parsed in at most its first record_cap + 1 bytes, whatever the reads, so an error
 * is the same for the whole document in memory as for reads of any size. scratch (scratch_cap
 * >= 2 * record_cap) holds decoded strings. On error fills e ("invalid JSON at byte N ...",
 * "truncated: ...", "not a CloudTrail log: ...", "record N is larger than the ... limit") and
 * returns its code; the records before it were given to the sink. */
int ctj_records(const ctj_input *in, const ctj_sink *sink, char *scratch, size_t scratch_cap, size_t record_cap,
                isms_err *e);

#endif
