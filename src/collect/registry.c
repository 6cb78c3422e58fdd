/* The registry of every check, source by source, and what the checks of one run share. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collect/check.h"

extern const check_def checks_aws[], checks_github[], checks_gworkspace[], checks_host[];

/* Each source's table; a source is added here when its collector lands. */
static const check_def *const sources[] = {checks_aws, checks_github, checks_gworkspace, checks_host, NULL};

/* What a source needs from the environment before it can run at all. */
static const struct {
    const char *source;
    const char *vars[3];
} needs[] = {
    {"github", {"GITHUB_TOKEN", "ISMS_GITHUB_ORG", NULL}},
    {"aws", {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", NULL}},
    {"gworkspace", {"GOOGLE_APPLICATION_CREDENTIALS", "ISMS_GWORKSPACE_ADMIN", NULL}},
};

int check_source_configured(const char *source, const char *(*get)(const char *))
{
    for (size_t i = 0; i < sizeof needs / sizeof *needs; i++) {
        if (strcmp(needs[i].source, source))
            continue;
        for (const char *const *v = needs[i].vars; *v; v++) {
            const char *val = get(*v);
            if (!val || !*val)
                return 0;
        }
    }
    return 1; /* sources that need nothing (this host) are always configured */
}

static check_def all[256];
static size_t nall;

const check_def *check_registry(size_t *n)
{
    if (!nall)
        for (size_t s = 0; s < sizeof sources / sizeof *sources && sources[s]; s++)
            for (const check_def *d = sources[s]; d->id && nall < sizeof all / sizeof *all; d++)
                all[nall++] = *d;
    *n = nall;
    return all;
}

const check_def *check_find(const char *id)
{
    size_t n;
    const check_def *d = check_registry(&n);
    for (size_t i = 0; id && i < n; i++)
        if (!strcmp(d[i].id, id))
            return &d[i];
    return NULL;
}

const char *check_status_name(check_status s)
{
    return s == CHECK_PASS ? "pass" : s == CHECK_FAIL ? "fail" : "error";
}

/* ---- sessions ---- */

#define SESSION_SLOTS 32

struct check_session {
    arena a;
    size_t n;
    struct {
        const char *name;
        check_shared shared;
    } slots[SESSION_SLOTS];
    size_t ngone;
    struct {
        const char *source, *why;
    } gone[8];
};

check_session *check_session_new(void)
{
    check_session *s = calloc(1, sizeof *s);
    if (s)
        arena_init(&s->a);
    return s;
}

void check_session_free(check_session *s)
{
    if (!s)
        return;
    /* Newest first: a cache made from a client goes before the client. */
    for (size_t i = s->n; i-- > 0;)
        if (s->slots[i].shared.data && s->slots[i].shared.release)
            s->slots[i].shared.release(s->slots[i].shared.data);
    arena_free(&s->a);
    free(s);
}

check_shared *check_shared_slot(check_ctx *ctx, const char *name)
{
    check_session *s = ctx ? ctx->session : NULL;
    if (!s)
        return NULL;
    for (size_t i = 0; i < s->n; i++)
        if (!strcmp(s->slots[i].name, name))
            return &s->slots[i].shared;
    if (s->n == SESSION_SLOTS)
        return NULL; /* more shared things than any source has: the rest is simply not shared */
    s->slots[s->n].name = arena_strdup(&s->a, name);
    s->slots[s->n].shared = (check_shared){0};
    return &s->slots[s->n++].shared;
}

arena *check_shared_arena(check_ctx *ctx) { return ctx->session ? &ctx->session->a : ctx->a; }

void check_source_give_up(check_ctx *ctx, const char *source, const char *why)
{
    check_session *s = ctx->session;
    if (!s || s->ngone == sizeof s->gone / sizeof *s->gone)
        return;
    for (size_t i = 0; i < s->ngone; i++)
        if (!strcmp(s->gone[i].source, source))
            return;
    s->gone[s->ngone].source = arena_strdup(&s->a, source);
    s->gone[s->ngone++].why = arena_strdup(&s->a, why);
}

int check_source_gone(check_ctx *ctx, const char *source, isms_err *err)
{
    check_session *s = ctx->session;
    for (size_t i = 0; s && i < s->ngone; i++)
        if (!strcmp(s->gone[i].source, source))
            return err_set(err, ISMS_EIO, "not run: %s did not answer earlier in this run (%s)", source,
                           s->gone[i].why);
    return ISMS_OK;
}

int check_hold(check_ctx *ctx, size_t n, const char *what, isms_err *err)
{
    size_t max = ctx->max_held ? ctx->max_held : CHECK_MAX_HELD;
    if (n > max || ctx->held > max - n) {
        const char *lim = max % (1u << 20) == 0 ? arena_sprintf(ctx->a, "%zu MiB", max >> 20)
                                                : arena_sprintf(ctx->a, "%zu bytes", max);
        return err_set(err, ISMS_ENOMEM, "the answers to %s exceed the %s a check may hold", what, lim);
    }
    ctx->held += n;
    return ISMS_OK;
}

typedef struct read_once {
    int rc;
    isms_err err;
    void *value;
    void (*release)(void *value);
    char *raw;  /* the evidence the read appended (malloc'd) */
    size_t raw_len;
} read_once;

static void read_once_free(void *data)
{
    read_once *o = data;
    if (o->value && o->release)
        o->release(o->value);
    free(o->raw);
    free(o);
}

int check_read_once(check_ctx *ctx, const char *name, const char *op, check_read_fn read, void *ud,
                    void (*release)(void *value), void **value, isms_err *err)
{
    check_shared *slot = check_shared_slot(ctx, name);
    read_once *o = slot ? slot->data : NULL;
    *value = NULL;
    if (o) {
        int rc = check_hold(ctx, o->raw_len, op, err);
        if (!rc && ctx->raw && o->raw_len && buf_append(ctx->raw, o->raw, o->raw_len))
            rc = err_set(err, ISMS_ENOMEM, "the answers to %s exceed the evidence a check may keep", op);
        if (rc)
            return rc;
        if (o->rc) {
            *err = o->err;
            return o->rc;
        }
        *value = o->value;
        return ISMS_OK;
    }
    size_t mark = ctx->raw ? ctx->raw->len : 0;
    int rc = read(ud, value, err);
    if (!slot)
        return rc; /* not shared: the caller owns the value */
    if (!(o = calloc(1, sizeof *o))) {
        if (!rc && *value && release)
            release(*value);
        *value = NULL;
        return rc ? rc : err_set(err, ISMS_ENOMEM, "out of memory");
    }
    o->rc = rc;
    if (rc)
        o->err = *err;
    o->value = rc ? NULL : *value;
    o->release = release;
    size_t n = ctx->raw ? ctx->raw->len - mark : 0;
    if (n && (o->raw = malloc(n)) != NULL) {
        memcpy(o->raw, ctx->raw->data + mark, n);
        o->raw_len = n;
    }
    slot->data = o;
    slot->release = read_once_free;
    return rc;
}

void check_note(check_ctx *ctx, const char *fmt, ...)
{
    if (!ctx->note)
        return;
    char what[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    ctx->note(ctx->note_ud, what);
}
