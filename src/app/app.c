/* The use-case dispatcher: sessions, binding JSON input to a use case's fields, the transaction
 * around a change and the schema of its input. */
#include "app/app.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "app/internal.h"
#include "app/usecases.h"
#include "core/catalog.h"

int app_open(const char *path, const char *actor, int access, app **out, isms_err *err)
{
    *out = NULL;
    if (catalog_init(err))
        return err->code;
    app *p = calloc(1, sizeof *p);
    if (!p)
        return err_set(err, ISMS_ENOMEM, "out of memory");
    int rc = ws_open(path, 0, &p->w, err);
    if (rc) {
        free(p);
        return rc;
    }
    snprintf(p->actor, sizeof p->actor, "%s", actor && *actor ? actor : "unknown");
    ws_set_actor(p->w, p->actor);
    p->access = access;
    arena_init(&p->a);
    *out = p;
    return ISMS_OK;
}

int app_attach(ws *w, int access, app **out, isms_err *err)
{
    *out = calloc(1, sizeof **out);
    if (!*out)
        return err_set(err, ISMS_ENOMEM, "out of memory");
    (*out)->w = w;
    (*out)->access = access;
    (*out)->borrowed = 1;
    arena_init(&(*out)->a);
    return ISMS_OK;
}

void app_close(app *p)
{
    if (!p)
        return;
    if (!p->borrowed)
        ws_close(p->w);
    arena_free(&p->a);
    free(p);
}

arena *app_arena(app *p) { return &p->a; }

const char *app_today(app *p)
{
    store_today(p->today);
    return p->today;
}

void app_done(app *p) { arena_free(&p->a); }

const char *app_warning(app *p) { return ws_warning(p->w); }

const app_field app_no_fields[] = {AFIELD_END};

void app_page_query(page_query *pq, const char *q, const char *owner, app_int limit, app_int offset)
{
    memset(pq, 0, sizeof *pq);
    pq->q = q && *q ? q : NULL;
    pq->owner = owner && *owner ? owner : NULL;
    pq->limit = limit.given ? limit.v : 50;
    pq->offset = offset.given ? offset.v : 0;
}

void app_page_end(jw *j, const page_query *pq, long total)
{
    jw_arr_end(j);
    jw_kint(j, "total", total);
    jw_kint(j, "limit", pq->limit);
    jw_kint(j, "offset", pq->offset);
    jw_obj_end(j);
}

void app_items_begin(jw *j)
{
    jw_obj(j);
    jw_key(j, "items");
    jw_arr(j);
}

void app_items_end(jw *j, int64_t total)
{
    jw_arr_end(j);
    jw_kint(j, "total", total);
    jw_obj_end(j);
}

const app_usecase *app_usecase_at(size_t i)
{
    static const app_usecase *const groups[] = {app_uc_read, app_uc_org, app_uc_asset, app_uc_risk,
                                                app_uc_soa,  app_uc_cycle, app_uc_policy};
    for (size_t g = 0; g < sizeof groups / sizeof *groups; g++)
        for (const app_usecase *u = groups[g]; u->name; u++)
            if (i-- == 0)
                return u;
    return NULL;
}

const app_usecase *app_usecase_find(const char *name)
{
    const app_usecase *u;
    for (size_t i = 0; name && (u = app_usecase_at(i)); i++)
        if (!strcmp(u->name, name))
            return u;
    return NULL;
}

/* --- binding --- */

static const char *type_words(app_ftype t)
{
    switch (t) {
    case AF_INT: return "a whole number";
    case AF_BOOL: return "true or false";
    case AF_IDS: return "a list of ids";
    case AF_LIST: return "a list of strings";
    case AF_DATE: return "a date (YYYY-MM-DD)";
    default: return "text";
    }
}

static const char *trimmed(arena *a, const char *s)
{
    while (*s && isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1]))
        n--;
    return arena_strndup(a, s, n);
}

static int valid_date(const char *s)
{
    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return 0;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && !isdigit((unsigned char)s[i]))
            return 0;
    int m = (s[5] - '0') * 10 + (s[6] - '0'), d = (s[8] - '0') * 10 + (s[9] - '0');
    return m >= 1 && m <= 12 && d >= 1 && d <= 31;
}

static int bind_one(app *p, const app_field *f, json_t *v, void *in, isms_err *err)
{
    char *slot = (char *)in + f->off;
    if (f->type == AF_INT || f->type == AF_BOOL || f->type == AF_OPTBOOL) {
        app_int *iv = (app_int *)slot;
        if (f->type != AF_INT) {
            if (!json_is_boolean(v))
                return err_field(err, ISMS_EINVAL, f->name, "%s must be true or false", f->name);
            *iv = (app_int){1, json_is_true(v)};
            return ISMS_OK;
        }
        if (!json_is_integer(v))
            return err_field(err, ISMS_EINVAL, f->name, "%s must be a whole number", f->name);
        json_int_t n = json_integer_value(v);
        if (n < f->lo || n > f->hi)
            return err_field(err, ISMS_EINVAL, f->name, "%s must be from %ld to %ld, not %lld", f->name, f->lo, f->hi,
                             (long long)n);
        *iv = (app_int){1, (long)n};
        return ISMS_OK;
    }
    if (f->type == AF_LIST) {
        if (!json_is_array(v))
            return err_field(err, ISMS_EINVAL, f->name, "%s must be %s", f->name, type_words(f->type));
        size_t n = json_array_size(v), i;
        if (n > (size_t)f->hi)
            return err_field(err, ISMS_EINVAL, f->name, "%s holds %zu entries; at most %ld at once", f->name, n, f->hi);
        const char **list = arena_alloc(&p->a, (n + 1) * sizeof *list);
        if (!list)
            return err_set(err, ISMS_ENOMEM, "out of memory");
        json_t *x;
        json_array_foreach(v, i, x)
        {
            if (!json_is_string(x))
                return err_field(err, ISMS_EINVAL, f->name, "%s must be %s", f->name, type_words(f->type));
            list[i] = trimmed(&p->a, json_string_value(x));
            if (strlen(list[i]) > 1000)
                return err_field(err, ISMS_EINVAL, f->name, "%s entry %zu is longer than 1000 characters", f->name, i + 1);
        }
        list[n] = NULL;
        *(const char *const **)slot = list;
        return ISMS_OK;
    }
    const char **sv = (const char **)slot;
    if (f->type == AF_IDS && json_is_array(v)) {
        buf b;
        buf_init(&b, 64 * 1024);
        size_t i;
        json_t *x;
        json_array_foreach(v, i, x)
        {
            if (!json_is_string(x)) {
                buf_free(&b);
                return err_field(err, ISMS_EINVAL, f->name, "%s must be a list of ids (strings)", f->name);
            }
            buf_printf(&b, "%s%s", i ? "," : "", json_string_value(x));
        }
        int over = b.full;
        *sv = over ? NULL : arena_strdup(&p->a, b.data ? b.data : "");
        buf_free(&b);
        if (over)
            return err_field(err, ISMS_ENOMEM, f->name, "%s is too long", f->name);
        return ISMS_OK;
    }
    if (f->type == AF_STR && json_is_integer(v)) {
        /* a record named by its id or its name may be given its id as a number */
        *sv = arena_sprintf(&p->a, "%lld", (long long)json_integer_value(v));
        return ISMS_OK;
    }
    if (!json_is_string(v))
        return err_field(err, ISMS_EINVAL, f->name, "%s must be %s", f->name, type_words(f->type));
    /* a document is kept as written: its leading spaces and last newline are part of it */
    const char *s = f->type == AF_DOC ? arena_strndup(&p->a, json_string_value(v), json_string_length(v))
                                      : trimmed(&p->a, json_string_value(v));
    size_t max = f->type == AF_DOC ? (size_t)f->hi : f->type == AF_TEXT ? 100000 : 1000;
    if (!s)
        return err_set(err, ISMS_ENOMEM, "out of memory");
    if (strlen(s) > max)
        return err_field(err, ISMS_EINVAL, f->name, "%s is longer than %zu characters", f->name, max);
    if (f->type == AF_STR && strpbrk(s, "\r\n"))
        return err_field(err, ISMS_EINVAL, f->name, "%s must be one line", f->name);
    if (f->type == AF_DATE && *s && !valid_date(s))
        return err_field(err, ISMS_EINVAL, f->name, "%s '%.40s' is not a date (YYYY-MM-DD)", f->name, s);
    if (f->type == AF_ENUM && *s) {
        const char *const *c = f->choices;
        while (*c && strcmp(*c, s))
            c++;
        if (!*c) {
            char list[256] = "";
            for (c = f->choices; *c; c++)
                snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", c == f->choices ? "" : ", ", *c);
            return err_field(err, ISMS_EINVAL, f->name, "%s must be one of %s, not '%.40s'", f->name, list, s);
        }
    }
    *sv = s;
    return ISMS_OK;
}

int app_bind(app *p, const app_usecase *u, json_t *args, void *in, isms_err *err)
{
    memset(in, 0, u->in_size);
    if (args && !json_is_object(args))
        return err_set(err, ISMS_EINVAL, "the arguments must be a JSON object");
    const char *k;
    json_t *v;
    if (args)
        json_object_foreach(args, k, v)
        {
            const app_field *f = u->fields;
            while (f->name && strcmp(f->name, k))
                f++;
            if (!f->name)
                return err_field(err, ISMS_EINVAL, k, "unknown field '%.60s' for %s", k, u->title);
            if (json_is_null(v) && f->type == AF_OPTBOOL) {
                *(app_int *)((char *)in + f->off) = (app_int){1, -1};
                continue;
            }
            if (json_is_null(v))
                continue;
            int rc = bind_one(p, f, v, in, err);
            if (rc)
                return rc;
        }
    for (const app_field *f = u->fields; f->name; f++) {
        if (!f->required)
            continue;
        const char *slot = (const char *)in + f->off;
        int given = f->type == AF_INT || f->type == AF_BOOL || f->type == AF_OPTBOOL ? ((const app_int *)slot)->given
                    : f->type == AF_LIST ? *(const char *const *const *)slot && **(const char *const *const *)slot
                                         : *(const char *const *)slot && **(const char *const *)slot;
        if (!given)
            return err_field(err, ISMS_EINVAL, f->name, "%s is required: %s", f->name, f->help);
    }
    return ISMS_OK;
}

int app_run(app *p, const app_usecase *u, const void *in, jw *out, isms_err *err)
{
    err_clear(err);
    if (u->access == APP_WRITE && p->access != APP_WRITE)
        return err_set(err, ISMS_ECONFLICT, "%s changes the ISMS, and this session may only read", u->title);
    int rc = u->access == APP_WRITE ? ws_begin(p->w, err) : ISMS_OK;
    if (!rc)
        rc = u->run(p, in, out, err);
    if (!rc && out->err)
        rc = err_set(err, ISMS_ENOMEM, "the answer is larger than the %zu bytes an answer may hold",
                     out->b ? out->b->max : (size_t)0);
    if (u->access == APP_WRITE) {
        if (rc)
            ws_rollback(p->w);
        else
            rc = ws_commit(p->w, err);
    }
    return rc;
}

/* --- the input's JSON Schema --- */

void app_schema(jw *j, const app_usecase *u)
{
    jw_obj(j);
    jw_kstr(j, "type", "object");
    jw_key(j, "properties");
    jw_obj(j);
    for (const app_field *f = u->fields; f->name; f++) {
        jw_key(j, f->name);
        jw_obj(j);
        switch (f->type) {
        case AF_INT:
            jw_kstr(j, "type", "integer");
            jw_kint(j, "minimum", f->lo);
            jw_kint(j, "maximum", f->hi);
            break;
        case AF_BOOL: jw_kstr(j, "type", "boolean"); break;
        case AF_OPTBOOL:
            jw_key(j, "type");
            jw_arr(j);
            jw_str(j, "boolean");
            jw_str(j, "null");
            jw_arr_end(j);
            break;
        case AF_IDS:
        case AF_LIST:
            jw_kstr(j, "type", "array");
            jw_key(j, "items");
            jw_obj(j);
            jw_kstr(j, "type", "string");
            jw_obj_end(j);
            if (f->type == AF_LIST)
                jw_kint(j, "maxItems", f->hi);
            break;
        case AF_ENUM:
            jw_kstr(j, "type", "string");
            jw_key(j, "enum");
            jw_arr(j);
            for (const char *const *c = f->choices; *c; c++)
                jw_str(j, *c);
            jw_arr_end(j);
            break;
        case AF_DATE:
            jw_kstr(j, "type", "string");
            jw_kstr(j, "format", "date");
            break;
        default:
            jw_kstr(j, "type", "string");
            if (f->required)
                jw_kint(j, "minLength", 1);
            jw_kint(j, "maxLength", f->type == AF_DOC ? f->hi : f->type == AF_TEXT ? 100000 : 1000);
        }
        jw_kstr(j, "description", f->help);
        jw_obj_end(j);
    }
    jw_obj_end(j);
    jw_key(j, "required");
    jw_arr(j);
    for (const app_field *f = u->fields; f->name; f++)
        if (f->required)
            jw_str(j, f->name);
    jw_arr_end(j);
    jw_kbool(j, "additionalProperties", 0);
    jw_obj_end(j);
}

int app_call(app *p, const char *name, const void *in, jw *out, isms_err *err)
{
    const app_usecase *u = app_usecase_find(name);
    if (!u)
        return err_set(err, ISMS_ENOTFOUND, "no use case named '%s'", name);
    return app_run(p, u, in, out, err);
}
