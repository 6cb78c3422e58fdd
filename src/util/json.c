#include "util/json.h"

#include <inttypes.h>
#include <string.h>

void jw_init_file(jw *w, FILE *f, int pretty)
{
    memset(w, 0, sizeof *w);
    w->f = f;
    w->pretty = pretty;
}

void jw_init_buf(jw *w, buf *b)
{
    memset(w, 0, sizeof *w);
    w->b = b;
}

static void out(jw *w, const char *s, size_t n)
{
    if (w->f)
        fwrite(s, 1, n, w->f);
    else if (buf_append(w->b, s, n) != 0)
        w->err = 1;
}

static void outs(jw *w, const char *s) { out(w, s, strlen(s)); }

static void indent(jw *w)
{
    if (!w->pretty)
        return;
    out(w, "\n", 1);
    for (int i = 0; i < w->depth; i++)
        out(w, "  ", 2);
}

/* Called before every value or key at the current depth. */
static void sep(jw *w)
{
    if (w->depth > 0 && w->depth < 64) {
        if (w->need_comma[w->depth])
            out(w, ",", 1);
        w->need_comma[w->depth] = 1;
        indent(w);
    }
}

static void value_start(jw *w)
{
    if (w->after_key)
        w->after_key = 0;
    else
        sep(w);
}

static void open_(jw *w, char c)
{
    value_start(w);
    out(w, &c, 1);
    w->depth++;
    if (w->depth < 64)
        w->need_comma[w->depth] = 0;
}

static void close_(jw *w, char c)
{
    int had = w->depth < 64 && w->need_comma[w->depth];
    w->depth--;
    if (had)
        indent(w);
    out(w, &c, 1);
}

void jw_obj(jw *w) { open_(w, '{'); }
void jw_obj_end(jw *w) { close_(w, '}'); }
void jw_arr(jw *w) { open_(w, '['); }
void jw_arr_end(jw *w) { close_(w, ']'); }

/* Length of a valid UTF-8 sequence at p (1..4), or 0 when invalid. */
static int utf8_len(const unsigned char *p)
{
    if (p[0] < 0x80)
        return 1;
    if (p[0] >= 0xC2 && p[0] <= 0xDF)
        return (p[1] & 0xC0) == 0x80 ? 2 : 0;
    if (p[0] >= 0xE0 && p[0] <= 0xEF) {
        if ((p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80)
            return 0;
        if (p[0] == 0xE0 && p[1] < 0xA0)
            return 0;
        if (p[0] == 0xED && p[1] >= 0xA0)
            return 0; /* surrogates */
        return 3;
    }
    if (p[0] >= 0xF0 && p[0] <= 0xF4) {
        if ((p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80 || (p[3] & 0xC0) != 0x80)
            return 0;
        if ((p[0] == 0xF0 && p[1] < 0x90) || (p[0] == 0xF4 && p[1] >= 0x90))
            return 0;
        return 4;
    }
    return 0;
}

static void write_string(jw *w, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    out(w, "\"", 1);
    const unsigned char *run = p;
    while (*p) {
        unsigned char c = *p;
        const char *esc = NULL;
        char ubuf[8];
        int adv = 1;
        if (c == '"')
            esc = "\\\"";
        else if (c == '\\')
            esc = "\\\\";
        else if (c == '\n')
            esc = "\\n";
        else if (c == '\r')
            esc = "\\r";
        else if (c == '\t')
            esc = "\\t";
        else if (c < 0x20 || c == 0x7f) {
            snprintf(ubuf, sizeof ubuf, "\\u%04x", c);
            esc = ubuf;
        } else if (c >= 0x80) {
            adv = utf8_len(p);
            if (!adv) {
                esc = "\xEF\xBF\xBD";
                adv = 1;
            }
        }
        if (esc) {
            out(w, (const char *)run, (size_t)(p - run));
            outs(w, esc);
            p += adv;
            run = p;
        } else {
            p += adv;
        }
    }
    out(w, (const char *)run, (size_t)(p - run));
    out(w, "\"", 1);
}

void jw_key(jw *w, const char *k)
{
    sep(w);
    write_string(w, k);
    out(w, w->pretty ? ": " : ":", w->pretty ? 2 : 1);
    w->after_key = 1;
}

void jw_str(jw *w, const char *s)
{
    value_start(w);
    if (s)
        write_string(w, s);
    else
        outs(w, "null");
}

void jw_int(jw *w, int64_t v)
{
    char tmp[32];
    value_start(w);
    snprintf(tmp, sizeof tmp, "%" PRId64, v);
    outs(w, tmp);
}

void jw_double(jw *w, double v)
{
    char tmp[64];
    value_start(w);
    snprintf(tmp, sizeof tmp, "%.1f", v);
    outs(w, tmp);
}

void jw_num(jw *w, double v)
{
    char tmp[64];
    value_start(w);
    snprintf(tmp, sizeof tmp, "%.15g", v);
    outs(w, tmp);
}

void jw_bool(jw *w, int v)
{
    value_start(w);
    outs(w, v ? "true" : "false");
}

void jw_null(jw *w)
{
    value_start(w);
    outs(w, "null");
}

void jw_raw(jw *w, const char *json, size_t len)
{
    value_start(w);
    out(w, json, len);
}

void jw_kstr(jw *w, const char *k, const char *v) { jw_key(w, k); jw_str(w, v); }
void jw_kint(jw *w, const char *k, int64_t v) { jw_key(w, k); jw_int(w, v); }
void jw_kbool(jw *w, const char *k, int v) { jw_key(w, k); jw_bool(w, v); }

void jw_end(jw *w)
{
    if (w->f)
        fputc('\n', w->f);
}
