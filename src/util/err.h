/* Error codes and the error struct every fallible function fills (like sqlite's rc + errmsg). */
#ifndef ISMS_ERR_H
#define ISMS_ERR_H

enum isms_rc {
    ISMS_OK = 0,
    ISMS_EINVAL,    /* bad input from the user: a value, a file, an id */
    ISMS_ENOTFOUND, /* the named record does not exist */
    ISMS_ECONFLICT, /* refused because of other records (duplicate, linked risk, ...) */
    ISMS_EIO,       /* file system */
    ISMS_EDB,       /* database error, locked or read-only workspace */
    ISMS_ENOMEM,    /* out of memory or over a size cap */
    ISMS_EVERSION,  /* workspace written by a newer isms */
};

typedef struct isms_err {
    int code;
    char msg[1024];
    char field[64]; /* the input field the error concerns ("attendees"), "" when none */
} isms_err;

/* Fill e (if non-NULL) with code and a printf-style message; returns code. */
int err_set(isms_err *e, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Like err_set, and name the input field the error concerns (a front end renders it as a flag,
 * a JSON member or a marked form field). */
int err_field(isms_err *e, int code, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Name the input field an error already filled concerns; returns its code. */
int err_at(isms_err *e, const char *field);
/* Clear e to ISMS_OK with an empty message. */
void err_clear(isms_err *e);
/* Short stable name of a code ("invalid", "not_found", ...), used by JSON errors. */
const char *err_name(int code);

#endif
