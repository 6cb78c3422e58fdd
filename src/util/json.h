/* Streaming JSON writer to a FILE or a capped buffer: flat memory for 100,000-row listings. */
#ifndef ISMS_JSON_H
#define ISMS_JSON_H

#include <stdint.h>
#include <stdio.h>

#include "util/buf.h"

typedef struct jw {
    FILE *f;
    buf *b;
    int depth;
    int pretty;
    int err;                   /* set when the buffer cap was hit */
    int after_key;             /* a key was written; the next value needs no separator */
    unsigned char need_comma[64];
} jw;

/* Write to a stream; pretty adds newlines and two-space indents. */
void jw_init_file(jw *w, FILE *f, int pretty);
/* Write to a buffer (compact). */
void jw_init_buf(jw *w, buf *b);
void jw_obj(jw *w);
void jw_obj_end(jw *w);
void jw_arr(jw *w);
void jw_arr_end(jw *w);
/* An object key; the next value call is its value. */
void jw_key(jw *w, const char *k);
/* A string value (NULL writes null); invalid UTF-8 bytes become U+FFFD. */
void jw_str(jw *w, const char *s);
void jw_int(jw *w, int64_t v);
void jw_double(jw *w, double v);
/* A number with up to 15 significant digits and no forced decimals (95, 99.95). */
void jw_num(jw *w, double v);
void jw_bool(jw *w, int v);
void jw_null(jw *w);
/* A value already written as JSON (by another writer), inserted as it is. */
void jw_raw(jw *w, const char *json, size_t len);
/* key + value shorthands */
void jw_kstr(jw *w, const char *k, const char *v);
void jw_kint(jw *w, const char *k, int64_t v);
void jw_kbool(jw *w, const char *k, int v);
/* End the document (newline when writing to a stream). */
void jw_end(jw *w);

#endif
