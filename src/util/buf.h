/* Growable byte buffer with a hard size cap, so hostile input cannot grow it without bound. */
#ifndef ISMS_BUF_H
#define ISMS_BUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct buf {
    char *data;   /* always NUL-terminated when non-NULL */
    size_t len, cap, max;
    int full;     /* an append was refused (cap or memory) since the last reset: the content is cut */
} buf;

/* Start an empty buffer that refuses to grow past max bytes. */
void buf_init(buf *b, size_t max);
/* Append n bytes; returns 0, or -1 when the cap would be exceeded (buffer unchanged). */
int buf_append(buf *b, const void *p, size_t n);
int buf_puts(buf *b, const char *s);
int buf_putc(buf *b, char c);
int buf_printf(buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Empty the buffer, keeping its memory; clears full. */
void buf_reset(buf *b);
void buf_free(buf *b);

#endif
