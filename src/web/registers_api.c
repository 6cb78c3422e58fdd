/* The JSON API of the people, supplier, incident and objective registers: list with paging and
 * filters, get, create, update, delete, and the child records (training, events, measurements).
 * Validation and messages are the core's, as in the CLI. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "web/api.h"
#include "web/registers.h"

int api_reg_kind(const web_req *rq)
{
    const char *p = rq->path;
    if (!strncmp(p, "/api/v1/", 8))
        p += 8;
    else if (*p == '/')
        p++;
    char seg[32];
    size_t n = strcspn(p, "/");
    if (n >= sizeof seg)
        return -1;
    memcpy(seg, p, n);
    seg[n] = '\0';
    return reg_kind_by_path(seg);
}

/* Members every answer carries but a client cannot set; sent back unchanged they are ignored. */
static int read_only(int k, const char *key)
{
    static const char *const ro[] = {"id", "problems", "created_at", "updated_at", "last_training", "trained",
                                     "latest_value", "latest_date", "track", "events", NULL};
    for (const char *const *p = ro; *p; p++)
        if (!strcmp(*p, key))
            return 1;
    const reg_kind *K = &reg_kinds[k];
    return (K->parent_col && !strcmp(key, K->parent_col)) ||
           (K->child >= 0 && !strcmp(key, reg_kinds[K->child].path));
}

/* Set r's fields from o: strings, null to clear, booleans for yes/no, numbers for numbers. */
static int rec_from_json(web_req *rq, web_resp *rs, int k, json_t *o, reg_rec *r)
{
    const reg_kind *K = &reg_kinds[k];
    const char *key;
    json_t *v;
    json_object_foreach(o, key, v)
    {
        int i = reg_field_index(k, key);
        if (i < 0) {
            if (read_only(k, key))
                continue;
            web_json_error(rs, 422, "invalid", "%.60s: not a field of %s", key, K->path);
            return -1;
        }
        const reg_field *f = &K->fields[i];
        if (json_is_null(v))
            r->v[i] = NULL;
        else if (json_is_string(v))
            r->v[i] = arena_strdup(rq->a, json_string_value(v));
        else if (json_is_boolean(v) && f->type == RF_YESNO)
            r->v[i] = json_is_true(v) ? "yes" : "no";
        else if (json_is_number(v) && f->type == RF_NUMBER)
            r->v[i] = arena_sprintf(rq->a, "%.15g", json_number_value(v));
        else {
            web_json_error(rs, 422, "invalid", "%s: must be %s", key,
                           f->type == RF_YESNO ? "true, false, \"yes\" or \"no\""
                           : f->type == RF_NUMBER ? "a number" : "a string");
            return -1;
        }
    }
    return 0;
}

typedef struct apply_ctx {
    int k, create;
    reg_rec *r;
} apply_ctx;

static int do_apply(web_req *rq, void *p, isms_err *err)
{
    apply_ctx *c = p;
    return c->create ? store_reg_insert(rq->w, c->k, c->r, err) : store_reg_update(rq->w, c->k, c->r, err);
}

int api_reg_apply(web_req *rq, web_resp *rs, int k, reg_rec *r, json_t *o, int create)
{
    if (rec_from_json(rq, rs, k, o, r))
        return -1;
    if (create)
        reg_defaults(k, r);
    apply_ctx c = {k, create, r};
    return api_in_tx(rq, rs, do_apply, &c);
}

typedef struct del_ctx {
    int k;
    int64_t id;
} del_ctx;

static int do_delete(web_req *rq, void *p, isms_err *err)
{
    del_ctx *d = p;
    return store_reg_delete(rq->w, d->k, d->id, err);
}

int api_reg_delete_id(web_req *rq, web_resp *rs, int k, int64_t id)
{
    del_ctx d = {k, id};
    return api_in_tx(rq, rs, do_delete, &d);
}

/* --- reads --- */

typedef struct list_ctx {
    web_req *rq;
    jw *j;
    int k, only_problems;
    long seen, offset, limit;
    char today[11];
} list_ctx;

static int list_one(const reg_rec *r, void *p)
{
    list_ctx *l = p;
    if (l->only_problems) {
        const char *probs[1];
        if (!reg_problems(l->k, r, l->today, l->rq->a, probs, 1))
            return 0;
    }
    if (l->seen >= l->offset && l->seen < l->offset + l->limit)
        reg_json(l->j, l->k, r, l->today, l->rq->a);
    l->seen++;
    return 0;
}

int api_reg_list(web_req *rq, web_resp *rs)
{
    int k = api_reg_kind(rq);
    const reg_kind *K = &reg_kinds[k];
    page_query pq = {0};
    if (api_page_params(rq, rs, &pq))
        return 0;
    reg_filter filters[REG_MAXF];
    int nf = 0;
    for (int i = 0; i < K->nfields; i++) {
        const reg_field *f = &K->fields[i];
        const char *v = f->type == RF_ENUM || f->type == RF_YESNO ? web_query(rq, f->name) : NULL;
        if (!v)
            continue;
        if (f->type == RF_YESNO && (!strcmp(v, "true") || !strcmp(v, "false")))
            v = !strcmp(v, "true") ? "yes" : "no";
        if (!reg_filter_valid(k, i, v)) {
            web_json_error(rs, 400, "bad_parameter", "%s: '%.40s' is not a value of this field", f->name, v);
            return 0;
        }
        filters[nf++] = (reg_filter){f->name, v};
    }
    const char *pr = web_query(rq, "problems");
    if (pr && strcmp(pr, "true") && strcmp(pr, "false") && strcmp(pr, "1") && strcmp(pr, "0")) {
        web_json_error(rs, 400, "bad_parameter", "problems must be true or false");
        return 0;
    }
    list_ctx l = {.rq = rq, .k = k, .only_problems = pr && (!strcmp(pr, "true") || !strcmp(pr, "1")),
                  .offset = pq.offset, .limit = pq.limit};
    store_today(l.today);
    jw *j = web_json_begin(rq, rs, 200);
    l.j = j;
    isms_err err = {0};
    jw_obj(j);
    jw_key(j, "items");
    jw_arr(j);
    if (store_reg_each(rq->w, k, filters, nf, web_query(rq, "q"), 0, list_one, &l, &err)) {
        web_json_fail(rs, &err);
        return 0;
    }
    jw_arr_end(j);
    jw_kint(j, "total", l.seen);
    jw_kint(j, "limit", pq.limit);
    jw_kint(j, "offset", pq.offset);
    jw_obj_end(j);
    return 0;
}

typedef struct kids_ctx {
    jw *j;
    int k;
} kids_ctx;

static int kid_one(const reg_rec *r, void *p)
{
    kids_ctx *c = p;
    reg_json(c->j, c->k, r, NULL, NULL);
    return 0;
}

/* The record with today's problems and its child records under the child path's name. */
static int write_record(web_req *rq, web_resp *rs, int k, int64_t id, int status)
{
    const reg_kind *K = &reg_kinds[k];
    char ids[24], today[11];
    snprintf(ids, sizeof ids, "%lld", (long long)id);
    store_today(today);
    reg_rec r;
    isms_err err = {0};
    if (store_reg_get(rq->w, k, ids, rq->a, &r, &err)) {
        web_json_fail(rs, &err);
        return -1;
    }
    buf b;
    buf_init(&b, 1 << 20);
    jw jb;
    jw_init_buf(&jb, &b);
    reg_json(&jb, k, &r, today, rq->a);
    jw *j = web_json_begin(rq, rs, status);
    (void)j;
    if (b.len)
        b.len--; /* reopen the object to add the children */
    buf_append(&rs->body, b.data, b.len);
    buf_free(&b);
    if (K->child >= 0) {
        buf_printf(&rs->body, ",\"%s\":", reg_kinds[K->child].path);
        jw jk;
        jw_init_buf(&jk, &rs->body);
        kids_ctx c = {&jk, K->child};
        jw_arr(&jk);
        if (store_reg_each(rq->w, K->child, NULL, 0, NULL, id, kid_one, &c, &err)) {
            web_json_fail(rs, &err);
            return -1;
        }
        jw_arr_end(&jk);
    }
    buf_putc(&rs->body, '}');
    return 0;
}

/* The record named by :id (a number, or the register's unique field), or -1 with a 404 written. */
static int load(web_req *rq, web_resp *rs, int k, reg_rec *r)
{
    isms_err err = {0};
    if (store_reg_get(rq->w, k, rq->params[0], rq->a, r, &err)) {
        web_json_fail(rs, &err);
        return -1;
    }
    return 0;
}

int api_reg_get(web_req *rq, web_resp *rs)
{
    int k = api_reg_kind(rq);
    reg_rec r;
    if (!load(rq, rs, k, &r))
        write_record(rq, rs, k, r.id, 200);
    return 0;
}

int api_reg_create(web_req *rq, web_resp *rs)
{
    int k = api_reg_kind(rq);
    json_t *o = api_body_object(rq, rs);
    if (!o)
        return 0;
    reg_rec r = {0};
    if (!api_reg_apply(rq, rs, k, &r, o, 1))
        write_record(rq, rs, k, r.id, 201);
    json_decref(o);
    return 0;
}

int api_reg_update(web_req *rq, web_resp *rs)
{
    int k = api_reg_kind(rq);
    json_t *o = api_body_object(rq, rs);
    if (!o)
        return 0;
    reg_rec r;
    if (!load(rq, rs, k, &r) && !api_reg_apply(rq, rs, k, &r, o, 0))
        write_record(rq, rs, k, r.id, 200);
    json_decref(o);
    return 0;
}

int api_reg_delete(web_req *rq, web_resp *rs)
{
    int k = api_reg_kind(rq);
    reg_rec r;
    if (!load(rq, rs, k, &r) && !api_reg_delete_id(rq, rs, k, r.id))
        rs->status = 204;
    return 0;
}

int api_reg_children(web_req *rq, web_resp *rs)
{
    int k = api_reg_kind(rq);
    reg_rec r;
    if (load(rq, rs, k, &r))
        return 0;
    jw *j = web_json_begin(rq, rs, 200);
    kids_ctx c = {j, reg_kinds[k].child};
    isms_err err = {0};
    jw_obj(j);
    jw_key(j, "items");
    jw_arr(j);
    if (store_reg_each(rq->w, c.k, NULL, 0, NULL, r.id, kid_one, &c, &err)) {
        web_json_fail(rs, &err);
        return 0;
    }
    jw_arr_end(j);
    jw_obj_end(j);
    return 0;
}

int api_reg_child_create(web_req *rq, web_resp *rs)
{
    int k = api_reg_kind(rq);
    json_t *o = api_body_object(rq, rs);
    if (!o)
        return 0;
    reg_rec parent, r = {0};
    if (!load(rq, rs, k, &parent)) {
        r.parent_id = parent.id;
        if (!api_reg_apply(rq, rs, reg_kinds[k].child, &r, o, 1)) {
            jw *j = web_json_begin(rq, rs, 201);
            reg_json(j, reg_kinds[k].child, &r, NULL, NULL);
        }
    }
    json_decref(o);
    return 0;
}
