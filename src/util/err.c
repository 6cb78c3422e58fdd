#include "util/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int err_set(isms_err *e, int code, const char *fmt, ...)
{
    if (e) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(e->msg, sizeof e->msg, fmt, ap);
        va_end(ap);
        e->code = code;
        e->field[0] = '\0';
    }
    return code;
}

int err_field(isms_err *e, int code, const char *field, const char *fmt, ...)
{
    if (e) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(e->msg, sizeof e->msg, fmt, ap);
        va_end(ap);
        e->code = code;
        snprintf(e->field, sizeof e->field, "%s", field ? field : "");
    }
    return code;
}

int err_at(isms_err *e, const char *field)
{
    if (!e)
        return ISMS_OK;
    snprintf(e->field, sizeof e->field, "%s", field ? field : "");
    return e->code;
}

void err_clear(isms_err *e)
{
    if (e) {
        e->code = ISMS_OK;
        e->msg[0] = '\0';
        e->field[0] = '\0';
    }
}

const char *err_name(int code)
{
    switch (code) {
    case ISMS_OK: return "ok";
    case ISMS_EINVAL: return "invalid";
    case ISMS_ENOTFOUND: return "not_found";
    case ISMS_ECONFLICT: return "conflict";
    case ISMS_EIO: return "io";
    case ISMS_EDB: return "database";
    case ISMS_ENOMEM: return "too_large";
    case ISMS_EVERSION: return "version";
    }
    return "error";
}
