/* Required and optional text values: the one place that trims a value and decides whether it is
 * blank. A value of only white space is no value: not an owner, not a justification, not a note.
 * White space here is ASCII space, tab, newline, carriage return, vertical tab and form feed, and
 * the Unicode spaces U+00A0, U+1680, U+2000-U+200B, U+2028, U+2029, U+202F, U+205F, U+3000 and
 * U+FEFF (UTF-8). */
#ifndef ISMS_TEXT_H
#define ISMS_TEXT_H

#include <stddef.h>

#include "util/arena.h"
#include "util/err.h"

/* Whether s is NULL, empty or only white space. */
int text_blank(const char *s);
/* The length of the white space character at s (0 when *s is not one). */
size_t text_space_len(const char *s);
/* s without leading and trailing white space: a pointer into s when nothing trails, else a copy
 * in a. NULL stays NULL; a blank s gives "". */
const char *text_trim(arena *a, const char *s);
/* Trim *s in place (see text_trim) and refuse a blank value with ISMS_EINVAL, the input field it
 * is (NULL for none) and the printf-style message: the check every create and edit path makes of
 * a required text value. */
int text_required(arena *a, const char **s, isms_err *err, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* Trim *s in place; a blank optional value becomes NULL (absent). */
void text_optional(arena *a, const char **s);
/* SQL characters for trim(X, Y) that match text_blank's white space, for counting stored values
 * (including ones saved before values were trimmed) as missing: length(trim(x, TEXT_SQL_SPACE)). */
#define TEXT_SQL_SPACE                                                                                      \
    "char(32,9,10,11,12,13,160,5760,8192,8193,8194,8195,8196,8197,8198,8199,8200,8201,8202,8203,8232,8233," \
    "8239,8287,12288,65279)"
/* A SQL expression that is true when column c is NULL or blank. */
#define TEXT_SQL_BLANK(c) "(length(trim(coalesce(" c ", ''), " TEXT_SQL_SPACE ")) = 0)"

#endif
