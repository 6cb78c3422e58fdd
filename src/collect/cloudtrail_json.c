/* The CloudTrail scanner's JSON layer: strings, numbers, literals, skipping and walking values, and
 * the walk of a log's top level that hands each record of "Records" to the rules. When a record
 * straddles the end of the buffer, the partial record is moved to the front, more is read and the
 * record is parsed again from its start: records are small next to the 1 MiB reads, so this is
 * rare. */
#include "collect/cloudtrail_json.h"

#include <stdio.h>

int ctj_err(ctj_parse *x, const char *p, const char *msg)
{
    x->err = msg;
    x->errpos = p;
    return CTJ_ERR;
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

int ctj_str_slow(ctj_parse *x, const char **pp, ct_str *out, const char *p)
{
    const char *seg = *pp, *end = x->end;
    char *o = out ? x->scratch + x->scratch_len : NULL;
    char *olim = x->scratch + x->scratch_cap;
    for (;;) {
        if (o) {
            size_t n = (size_t)(p - seg);
            if (n + 4 > (size_t)(olim - o))
                return ctj_err(x, p, "record too large to decode");
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
            return CTJ_OK;
        }
        if ((unsigned char)*p < 0x20)
            return ctj_err(x, p, "control character inside a string");
        if (end - p < 2)
            return CTJ_MORE;
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
                return maybe_uescape(p, (size_t)(end - p)) ? CTJ_MORE : ctj_err(x, p, "bad \\u escape");
            if (hex4(p, &cp) != 0)
                return ctj_err(x, p, "bad \\u escape");
            break;
        default:
            return ctj_err(x, p, "invalid escape in a string");
        }
        p += p[1] == 'u' ? 6 : 2;
        if (cp >= 0xd800 && cp <= 0xdbff) {
            unsigned lo;
            if (end - p < 6 && maybe_uescape(p, (size_t)(end - p)))
                return CTJ_MORE;
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
        p = ctj_find_special(p, end);
        if (p == end)
            return CTJ_MORE;
    }
}

/* One or more digits. Reaching the end of the data is CTJ_MORE: the number may go on. */
static int digits(ctj_parse *x, const char **pp)
{
    const char *p = *pp;
    while (p < x->end && *p >= '0' && *p <= '9')
        p++;
    if (p == x->end)
        return CTJ_MORE;
    if (p == *pp)
        return ctj_err(x, p, "bad number");
    *pp = p;
    return CTJ_OK;
}

static int number(ctj_parse *x, const char **pp)
{
    const char *p = *pp + (**pp == '-');
    int rc;
    if (p == x->end)
        return CTJ_MORE;
    if (*p == '0') /* no leading zeros: what follows "0" must be '.', 'e' or a delimiter */
        p++;
    else if ((rc = digits(x, &p)) != CTJ_OK)
        return rc;
    if (p < x->end && *p == '.') {
        p++;
        if ((rc = digits(x, &p)) != CTJ_OK)
            return rc;
    }
    if (p < x->end && (*p == 'e' || *p == 'E')) {
        p++;
        if (p < x->end && (*p == '+' || *p == '-'))
            p++;
        if ((rc = digits(x, &p)) != CTJ_OK)
            return rc;
    }
    if (p == x->end)
        return CTJ_MORE;
    *pp = p;
    return CTJ_OK;
}

static int literal(ctj_parse *x, const char **pp, const char *word, size_t n)
{
    size_t have = (size_t)(x->end - *pp);
    if (memcmp(*pp, word, have < n ? have : n) != 0)
        return ctj_err(x, *pp, "invalid literal");
    if (have < n)
        return CTJ_MORE;
    *pp += n;
    return CTJ_OK;
}

int ctj_skip_value(ctj_parse *x, const char **pp)
{
    const char *p = *pp;
    int depth = 0, rc;
#define WS()                                                                                       \
    do {                                                                                           \
        if ((rc = ctj_skip_ws(x, &p)) != CTJ_OK)                                                         \
            return rc;                                                                             \
    } while (0)
value:
    switch (*p) {
    case '"':
        p++;
        if ((rc = ctj_str(x, &p, NULL)) != CTJ_OK)
            return rc;
        break;
    case '{':
    case '[':
        if (depth == CTJ_MAX_DEPTH)
            return ctj_err(x, p, "nesting too deep");
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
            return ctj_err(x, p, "expected a key string");
        p++;
        if ((rc = ctj_str(x, &p, NULL)) != CTJ_OK)
            return rc;
        WS();
        if (*p != ':')
            return ctj_err(x, p, "expected ':' after a key");
        p++;
        WS();
        goto value;
    case 't': if ((rc = literal(x, &p, "true", 4)) != CTJ_OK) return rc; break;
    case 'f': if ((rc = literal(x, &p, "false", 5)) != CTJ_OK) return rc; break;
    case 'n': if ((rc = literal(x, &p, "null", 4)) != CTJ_OK) return rc; break;
    default:
        if (*p != '-' && !(*p >= '0' && *p <= '9'))
            return ctj_err(x, p, "unexpected character");
        if ((rc = number(x, &p)) != CTJ_OK)
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
            return ctj_err(x, p, top == '{' ? "expected ',' or '}'" : "expected ',' or ']'");
        p++;
        depth--;
    }
    *pp = p;
    return CTJ_OK;
#undef WS
}


int ctj_object(ctj_parse *x, const char **pp, ctj_field_fn fn, void *ctx)
{
    const char *p = *pp + 1;
    int rc;
#define WS()                                                                                       \
    do {                                                                                           \
        if ((rc = ctj_skip_ws(x, &p)) != CTJ_OK)                                                         \
            return rc;                                                                             \
    } while (0)
    WS();
    if (*p == '}') {
        *pp = p + 1;
        return CTJ_OK;
    }
    for (;;) {
        if (*p != '"')
            return ctj_err(x, p, "expected a key string");
        p++;
        ct_str k;
        if ((rc = ctj_str(x, &p, &k)) != CTJ_OK)
            return rc;
        WS();
        if (*p != ':')
            return ctj_err(x, p, "expected ':' after a key");
        p++;
        WS();
        if ((rc = fn(x, &p, k, ctx)) != CTJ_OK)
            return rc;
        WS();
        if (*p == ',') {
            p++;
            WS();
            continue;
        }
        if (*p != '}')
            return ctj_err(x, p, "expected ',' or '}'");
        *pp = p + 1;
        return CTJ_OK;
    }
#undef WS
}


/* ---------- the Records walk ---------- */

enum {
    ST_BEGIN, ST_FIRST_KEY, ST_KEY, ST_AFTER_MEMBER, ST_FIRST_REC, ST_REC, ST_AFTER_REC, ST_DONE
};

/* A top-level member: its key, and either the opening '[' of Records or the whole value. */
static int member_unit(ctj_parse *x, const char **pp, int *is_records)
{
    const char *p = *pp + 1;
    ct_str k;
    int rc;
    if ((rc = ctj_str(x, &p, &k)) != CTJ_OK || (rc = ctj_skip_ws(x, &p)) != CTJ_OK)
        return rc;
    if (*p != ':')
        return ctj_err(x, p, "expected ':' after a key");
    p++;
    if ((rc = ctj_skip_ws(x, &p)) != CTJ_OK)
        return rc;
    if (CTJ_KEQ(k, "Records")) {
        if (*p != '[')
            return ctj_err(x, p, "not a CloudTrail log: \"Records\" is not an array");
        *is_records = 1;
        *pp = p + 1;
        return CTJ_OK;
    }
    rc = ctj_skip_value(x, &p);
    *pp = p;
    return rc;
}

static int fill(const ctj_input *in, size_t *len, int *eof, isms_err *e)
{
    size_t got;
    int rc = in->fill(in->fill_ud, in->buf + *len, in->bufsz - *len, &got, e);
    if (rc)
        return rc;
    *eof = got == 0;
    *len += got;
    return ISMS_OK;
}

static int cap_err(size_t cap, isms_err *e, uint64_t rec)
{
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

int ctj_records(const ctj_input *in, const ctj_sink *sink, char *scratch, size_t scratch_cap, size_t record_cap,
                isms_err *e)
{
    /* A document in memory is one buffer already at its end; else buf is the read window. */
    const char *buf = in->doc ? in->doc : in->buf;
    size_t len = in->doc ? in->doc_len : 0, pos = 0;
    uint64_t base = 0, nrec = 0, named = 0;
    int eof = in->doc != NULL, state = ST_BEGIN, saw = 0, rc;
    ctj_parse x = {.scratch = scratch, .scratch_cap = scratch_cap};
    for (;;) {
        while (pos < len && ctj_is_ws(buf[pos]))
            pos++;
        if (pos == len) {
            if (eof)
                break;
            base += len;
            len = pos = 0;
            if ((rc = fill(in, &len, &eof, e)) != ISMS_OK)
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
         * starting over when it runs past the data in the buffer. Only its first record_cap + 1
         * bytes are looked at: enough to tell that it is over the cap. */
        int in_rec = state == ST_FIRST_REC || state == ST_REC;
        for (;;) {
            const char *p = buf + pos;
            int is_records = 0;
            x.end = buf + (len - pos > record_cap + 1 ? pos + record_cap + 1 : len);
            x.scratch_len = 0;
            rc = in_rec ? sink->parse(sink->ud, &x, &p) : member_unit(&x, &p, &is_records);
            if (rc == CTJ_OK) {
                if ((size_t)(p - (buf + pos)) > record_cap)
                    return cap_err(record_cap, e, in_rec ? nrec + 1 : 0);
                if (in_rec) {
                    nrec++;
                    named += (uint64_t)sink->record(sink->ud, &x);
                    state = ST_AFTER_REC;
                } else {
                    saw |= is_records;
                    state = is_records ? ST_FIRST_REC : ST_AFTER_MEMBER;
                }
                pos = (size_t)(p - buf);
                break;
            }
            if (rc == CTJ_ERR) {
                unsigned long long off = (unsigned long long)(base + (size_t)(x.errpos - buf));
                if (!strncmp(x.err, "not a CloudTrail", 16))
                    return err_set(e, ISMS_EINVAL, "%s", x.err);
                if (in_rec)
                    return err_set(e, ISMS_EINVAL, "invalid JSON at byte %llu (record %llu): %s",
                                   off,
                                   (unsigned long long)nrec + 1, x.err);
                return err_set(e, ISMS_EINVAL, "invalid JSON at byte %llu: %s", off, x.err);
            }
            if (len - pos > record_cap)
                return cap_err(record_cap, e, in_rec ? nrec + 1 : 0);
            if (eof) {
                if (in_rec)
                    return err_set(e, ISMS_EINVAL, "truncated: the file ends inside record %llu",
                                   (unsigned long long)nrec + 1);
                return err_set(e, ISMS_EINVAL, "truncated: unexpected end of file");
            }
            memmove(in->buf, buf + pos, len - pos);
            base += pos;
            len -= pos;
            pos = 0;
            if ((rc = fill(in, &len, &eof, e)) != ISMS_OK)
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

