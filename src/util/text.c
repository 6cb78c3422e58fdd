/* Trimming and blank checks of text values (see text.h for what counts as white space). */
#include "util/text.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

size_t text_space_len(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    if (!p || !*p)
        return 0;
    if (*p == ' ' || (*p >= '\t' && *p <= '\r'))
        return 1;
    if (p[0] == 0xC2 && p[1] == 0xA0) /* U+00A0 no-break space */
        return 2;
    if (p[0] == 0xE1 && p[1] == 0x9A && p[2] == 0x80) /* U+1680 ogham space mark */
        return 3;
    if (p[0] == 0xE2 && p[1] == 0x80 && ((p[2] >= 0x80 && p[2] <= 0x8B) || p[2] == 0xA8 || p[2] == 0xA9 || p[2] == 0xAF))
        return 3; /* U+2000-U+200B, U+2028, U+2029, U+202F */
    if (p[0] == 0xE2 && p[1] == 0x81 && p[2] == 0x9F) /* U+205F */
        return 3;
    if (p[0] == 0xE3 && p[1] == 0x80 && p[2] == 0x80) /* U+3000 ideographic space */
        return 3;
    if (p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF) /* U+FEFF byte order mark */
        return 3;
    return 0;
}

/* The length of the white space character that ends at s + n (0 when none does). */
static size_t space_before(const char *s, size_t n)
{
    for (size_t k = 1; k <= 3 && k <= n; k++)
        if (text_space_len(s + n - k) == k)
            return k;
    return 0;
}

int text_blank(const char *s)
{
    if (!s)
        return 1;
    size_t k;
    while ((k = text_space_len(s)))
        s += k;
    return *s == '\0';
}

const char *text_trim(arena *a, const char *s)
{
    if (!s)
        return NULL;
    size_t k;
    while ((k = text_space_len(s)))
        s += k;
    size_t n = strlen(s);
    size_t end = n;
    while (end && (k = space_before(s, end)))
        end -= k;
    return end == n ? s : arena_strndup(a, s, end);
}

int text_required(arena *a, const char **s, isms_err *err, const char *field, const char *fmt, ...)
{
    *s = text_trim(a, *s);
    if (*s && **s)
        return ISMS_OK;
    char msg[sizeof err->msg];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return err_field(err, ISMS_EINVAL, field, "%s", msg);
}

void text_optional(arena *a, const char **s)
{
    *s = text_trim(a, *s);
    if (*s && !**s)
        *s = NULL;
}
