/* The JSON API under /api/v1/: the same validation and messages as the CLI, errors as
 * {"error": {"code", "message"}} with the right 4xx status. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/catalog.h"
#include "report/json.h"
#include "web/api.h"

/* --- helpers --- */

static int id_param(web_req *rq, web_resp *rs, int64_t *id)
{
    const char *p = rq->params[0];
    if (p && (p[0] == 'R' || p[0] == 'r'))
        p++;
    char *end;
    long long v = p ? strtoll(p, &end, 10) : 0;
    if (!p || !*p || *end || v <= 0) {
        web_json_error(rs, 404, "not_found", "no such id '%s'", rq->params[0] ? rq->params[0] : "");
        return -1;
    }
    *id = v;
    return 0;
}

/* --- assets --- */

typedef struct list_ctx {
    jw *j;
    const risk_method *m;
    char today[11];
} list_ctx;

static int asset_cb(const asset *x, void *p)
{
    json_asset(((list_ctx *)p)->j, x);
    return 0;
}

/* A filter of a page's key: absent and given apart, a value by its length. */
static void key_field(buf *b, const char *v)
{
    if (v)
        buf_printf(b, "=%zu:%s", strlen(v), v);
    else
        buf_puts(b, "-");
}

/* The items of a list page, written into j by fill (with the page's mark). They are kept as a part
 * of the answer while the rows they show are unchanged (store_page_mark) and deps are: a change
 * elsewhere in the register, such as a row added at its end, costs the page only its new total. */
static int page_items(web_req *rq, const char *what, int kind, int deps, const page_query *pq,
                      int (*fill)(web_req *, const page_query *, jw *, void *, page_mark *, isms_err *), void *ctx,
                      jw *j, isms_err *err)
{
    buf key;
    buf_init(&key, 16384);
    buf_printf(&key, "part:%s", what);
    const char *fields[] = {pq->type, pq->owner, pq->classification, pq->treatment, pq->q};
    for (size_t i = 0; i < sizeof fields / sizeof *fields; i++)
        key_field(&key, fields[i]);
    buf_printf(&key, ":%lld:%ld:%ld", (long long)pq->asset_id, pq->limit, pq->offset);
    int64_t gen = -1, upto, mark, now;
    const char *data;
    size_t len;
    web_cache_blob *b = NULL;
    if (key.data && web_cache_generation(rq->w, &gen) == 0 &&
        (b = web_cache_take_part(key.data, gen, &upto, &mark, &data, &len))) {
        int same = store_page_mark(rq->w, kind, upto, &now, err) == ISMS_OK && now == mark;
        if (same)
            jw_raw(j, data, len);
        web_cache_release(b);
        if (same) {
            buf_free(&key);
            return ISMS_OK;
        }
    }
    buf part;
    buf_init(&part, 64u << 20);
    jw pj;
    jw_init_buf(&pj, &part);
    jw_arr(&pj);
    page_mark pm;
    int rc = fill(rq, pq, &pj, ctx, &pm, err);
    jw_arr_end(&pj);
    if (rc == ISMS_OK && !pj.err) {
        jw_raw(j, part.data, part.len);
        if (key.data)
            web_cache_put_part(key.data, deps, gen, pm.upto, pm.mark, part.data, part.len);
    } else if (rc == ISMS_OK) {
        rc = err_set(err, ISMS_ENOMEM, "the page is too large");
    }
    buf_free(&part);
    buf_free(&key);
    return rc;
}

static int asset_items(web_req *rq, const page_query *pq, jw *j, void *ctx, page_mark *pm, isms_err *err)
{
    (void)ctx;
    list_ctx l = {.j = j};
    return store_asset_page(rq->w, pq, asset_cb, &l, NULL, pm, err);
}

int api_assets_list(web_req *rq, web_resp *rs)
{
    page_query pq = {0};
    if (api_page_params(rq, rs, &pq))
        return 0;
    pq.type = web_query(rq, "type");
    pq.owner = web_query(rq, "owner");
    pq.classification = web_query(rq, "classification");
    pq.q = web_query(rq, "q");
    long total;
    isms_err err = {0};
    if (store_asset_count(rq->w, &pq, &total, &err)) {
        web_json_fail(rs, &err);
        return 0;
    }
    jw *j = web_json_begin(rq, rs, 200);
    jw_obj(j);
    jw_key(j, "items");
    /* what an asset shows is all in its rows and their risk counts: the page's mark */
    if (page_items(rq, "assets", PAGE_ASSETS, DEP_NONE, &pq, asset_items, NULL, j, &err)) {
        web_json_fail(rs, &err);
        return 0;
    }
    jw_kint(j, "total", total);
    jw_kint(j, "limit", pq.limit);
    jw_kint(j, "offset", pq.offset);
    jw_obj_end(j);
    return 0;
}

int api_asset_get(web_req *rq, web_resp *rs)
{
    asset x;
    isms_err err = {0};
    if (store_asset_get(rq->w, rq->params[0], rq->a, &x, &err)) {
        web_json_fail(rs, &err);
        return 0;
    }
    json_asset(web_json_begin(rq, rs, 200), &x);
    return 0;
}

/* Add (create) or change asset x from a JSON object; the answer is the asset as it now stands
 * and x->id its id. */
int api_asset_apply(web_req *rq, web_resp *rs, asset *x, json_t *o, int create)
{
    json_t *a = create ? json_incref(o) : api_with_key(o, "id", json_sprintf("%lld", (long long)x->id));
    int rc = api_usecase(rq, rs, create ? "asset_add" : "asset_update", a, create ? 201 : 200);
    json_decref(a);
    if (rc)
        return -1;
    json_t *r = json_loadb(rs->body.data ? rs->body.data : "{}", rs->body.len, 0, NULL);
    x->id = (int64_t)json_integer_value(json_object_get(r, "id"));
    json_decref(r);
    return 0;
}

int api_asset_create(web_req *rq, web_resp *rs)
{
    json_t *o = api_body_object(rq, rs);
    if (!o)
        return 0;
    asset x = {0};
    api_asset_apply(rq, rs, &x, o, 1);
    json_decref(o);
    return 0;
}

int api_asset_update(web_req *rq, web_resp *rs)
{
    json_t *o = api_body_object(rq, rs);
    json_t *id = o ? json_string(rq->params[0]) : NULL;
    if (o && !id)
        web_json_error(rs, 404, "not_found", "no such asset");
    json_t *a = id ? api_with_key(o, "id", id) : NULL;
    if (a)
        api_usecase(rq, rs, "asset_update", a, 200);
    json_decref(a);
    json_decref(o);
    return 0;
}

int api_asset_delete_id(web_req *rq, web_resp *rs, int64_t id)
{
    json_t *a = json_pack("{ss}", "id", arena_sprintf(rq->a, "%lld", (long long)id));
    int rc = api_usecase(rq, rs, "asset_delete", a, 200);
    json_decref(a);
    return rc;
}

int api_asset_delete(web_req *rq, web_resp *rs)
{
    json_t *id = json_string(rq->params[0]);
    if (!id) {
        web_json_error(rs, 404, "not_found", "no such asset");
        return 0;
    }
    json_t *a = json_pack("{so}", "id", id);
    if (!api_usecase(rq, rs, "asset_delete", a, 200)) {
        rs->status = 204;
        buf_reset(&rs->body);
    }
    json_decref(a);
    return 0;
}

/* --- risks --- */

static int risk_cb(const risk *r, void *p)
{
    list_ctx *l = p;
    json_risk(l->j, l->m, r, l->today);
    return 0;
}

static int risk_items(web_req *rq, const page_query *pq, jw *j, void *ctx, page_mark *pm, isms_err *err)
{
    list_ctx l = {.j = j, .m = ctx};
    store_today(l.today);
    return store_risk_page(rq->w, pq, risk_cb, &l, NULL, pm, err);
}

int api_risks_list(web_req *rq, web_resp *rs)
{
    page_query pq = {0};
    if (api_page_params(rq, rs, &pq))
        return 0;
    pq.owner = web_query(rq, "owner");
    pq.treatment = web_query(rq, "treatment");
    pq.q = web_query(rq, "q");
    const char *aid = web_query(rq, "asset_id");
    if (aid) {
        char *end;
        pq.asset_id = strtoll(aid, &end, 10);
        if (!*aid || *end || pq.asset_id <= 0) {
            web_json_error(rs, 400, "bad_parameter", "asset_id must be an asset id");
            return 0;
        }
    }
    risk_method m;
    isms_err err = {0};
    if (store_method_get(rq->w, &m, NULL, &err)) {
        web_json_fail(rs, &err);
        return 0;
    }
    long total;
    if (store_risk_count(rq->w, &pq, &total, &err)) {
        web_json_fail(rs, &err);
        return 0;
    }
    jw *j = web_json_begin(rq, rs, 200);
    jw_obj(j);
    jw_key(j, "items");
    /* beyond its rows and controls (the page's mark), a risk shows its asset's name, its level under
     * the method and its plan's status today */
    if (page_items(rq, "risks", PAGE_RISKS, DEP_ASSET_NAME | DEP_METHOD | DEP_TODAY, &pq, risk_items, &m, j, &err)) {
        web_json_fail(rs, &err);
        return 0;
    }
    jw_kint(j, "total", total);
    jw_kint(j, "limit", pq.limit);
    jw_kint(j, "offset", pq.offset);
    jw_obj_end(j);
    return 0;
}

static void risk_answer(web_req *rq, web_resp *rs, int64_t id, int status)
{
    risk r;
    risk_method m;
    isms_err err = {0};
    char today[11];
    store_today(today);
    if (store_method_get(rq->w, &m, NULL, &err) || store_risk_get(rq->w, id, rq->a, &r, &err)) {
        web_json_fail(rs, &err);
        return;
    }
    json_risk(web_json_begin(rq, rs, status), &m, &r, today);
}

int api_risk_get(web_req *rq, web_resp *rs)
{
    int64_t id;
    if (!id_param(rq, rs, &id))
        risk_answer(rq, rs, id, 200);
    return 0;
}

/* Create (id 0) or reassess a risk; the answer is the risk as it now stands. */
int api_risk_apply(web_req *rq, web_resp *rs, int64_t id, json_t *o, int64_t *out_id)
{
    json_t *a = id ? api_with_key(o, "id", json_integer(id)) : json_incref(o);
    int rc = api_usecase(rq, rs, id ? "risk_update" : "risk_add", a, id ? 200 : 201);
    json_decref(a);
    if (rc)
        return -1;
    json_t *r = json_loadb(rs->body.data ? rs->body.data : "{}", rs->body.len, 0, NULL);
    *out_id = (int64_t)json_integer_value(json_object_get(r, "id"));
    json_decref(r);
    return 0;
}

int api_risk_create(web_req *rq, web_resp *rs)
{
    json_t *o = api_body_object(rq, rs);
    if (!o)
        return 0;
    int64_t id;
    api_risk_apply(rq, rs, 0, o, &id);
    json_decref(o);
    return 0;
}

int api_risk_update(web_req *rq, web_resp *rs)
{
    int64_t id;
    if (id_param(rq, rs, &id))
        return 0;
    json_t *o = api_body_object(rq, rs);
    if (!o)
        return 0;
    int64_t out;
    api_risk_apply(rq, rs, id, o, &out);
    json_decref(o);
    return 0;
}

int api_risk_delete_id(web_req *rq, web_resp *rs, int64_t id)
{
    json_t *a = json_pack("{sI}", "id", (json_int_t)id);
    int rc = api_usecase(rq, rs, "risk_delete", a, 200);
    json_decref(a);
    return rc;
}

int api_risk_delete(web_req *rq, web_resp *rs)
{
    int64_t id;
    if (!id_param(rq, rs, &id) && !api_risk_delete_id(rq, rs, id)) {
        rs->status = 204;
        buf_reset(&rs->body);
    }
    return 0;
}

int api_risk_treat(web_req *rq, web_resp *rs)
{
    int64_t id;
    if (id_param(rq, rs, &id))
        return 0;
    json_t *o = api_body_object(rq, rs);
    if (!o)
        return 0;
    api_risk_treat_apply(rq, rs, id, o);
    json_decref(o);
    return 0;
}

/* Over the recorded treatment: a member left out (or null) keeps its value. */
int api_risk_treat_apply(web_req *rq, web_resp *rs, int64_t id, json_t *o)
{
    json_t *a = api_with_key(o, "id", json_integer(id));
    int rc = api_usecase(rq, rs, "risk_treat", a, 200);
    json_decref(a);
    return rc;
}

int api_risk_accept_apply(web_req *rq, web_resp *rs, int64_t id, const char *by)
{
    json_t *a = json_pack("{sIss?}", "id", (json_int_t)id, "by", by);
    int rc = api_usecase(rq, rs, "risk_accept", a, 200);
    json_decref(a);
    return rc;
}

int api_risk_accept(web_req *rq, web_resp *rs)
{
    int64_t id;
    if (id_param(rq, rs, &id))
        return 0;
    json_t *o = api_body_object(rq, rs);
    if (!o)
        return 0;
    json_t *a = api_with_key(o, "id", json_integer(id));
    api_usecase(rq, rs, "risk_accept", a, 200);
    json_decref(a);
    json_decref(o);
    return 0;
}

/* --- SoA --- */

int api_soa_list(web_req *rq, web_resp *rs)
{
    const char *theme = web_query(rq, "theme"), *status = web_query(rq, "status"), *app = web_query(rq, "applicable");
    int want_status = -2, want_app = -2;
    if (status && (want_status = soa_status_parse(status)) < 0) {
        web_json_error(rs, 400, "bad_parameter", "status must be not_started, planned, partial or implemented");
        return 0;
    }
    if (app) {
        want_app = !strcmp(app, "yes") || !strcmp(app, "true") ? SOA_APPLICABLE
                 : !strcmp(app, "no") || !strcmp(app, "false") ? SOA_EXCLUDED
                 : !strcmp(app, "undecided") ? SOA_UNDECIDED : -3;
        if (want_app == -3) {
            web_json_error(rs, 400, "bad_parameter", "applicable must be yes, no or undecided");
            return 0;
        }
    }
    soa_entry *e = arena_alloc(rq->a, CATALOG_NCONTROLS * sizeof *e);
    isms_err err = {0};
    if (store_soa_load(rq->w, rq->a, e, &err)) {
        web_json_fail(rs, &err);
        return 0;
    }
    jw *j = web_json_begin(rq, rs, 200);
    jw_obj(j);
    jw_key(j, "items");
    jw_arr(j);
    int n = 0;
    for (int i = 0; i < CATALOG_NCONTROLS; i++) {
        if ((theme && strcasecmp(theme, e[i].ctl->theme)) || (want_app != -2 && soa_effective_applicable(&e[i]) != want_app) ||
            (want_status != -2 && (int)e[i].status != want_status))
            continue;
        json_soa_entry(j, rq->a, &e[i]);
        n++;
    }
    jw_arr_end(j);
    jw_kint(j, "total", n);
    jw_obj_end(j);
    return 0;
}

int api_soa_get(web_req *rq, web_resp *rs)
{
    int i = catalog_control_index(rq->params[0]);
    if (i < 0) {
        web_json_error(rs, 404, "not_found", "unknown control id '%s'", rq->params[0]);
        return 0;
    }
    soa_entry *e = arena_alloc(rq->a, CATALOG_NCONTROLS * sizeof *e);
    isms_err err = {0};
    if (store_soa_load(rq->w, rq->a, e, &err)) {
        web_json_fail(rs, &err);
        return 0;
    }
    json_soa_entry(web_json_begin(rq, rs, 200), rq->a, &e[i]);
    return 0;
}

/* Record an SoA decision: the same fields and rules as `isms soa set` and the control's page. */
int api_soa_update(web_req *rq, web_resp *rs)
{
    json_t *control = json_string(rq->params[0]);
    if (!control) {
        web_json_error(rs, 404, "not_found", "unknown control id");
        return 0;
    }
    json_t *o = api_body_object(rq, rs);
    if (!o) {
        json_decref(control);
        return 0;
    }
    json_t *a = api_with_key(o, "control", control);
    api_usecase(rq, rs, "soa_decide", a, 200);
    json_decref(a);
    json_decref(o);
    return 0;
}

int api_soa_validation(web_req *rq, web_resp *rs)
{
    soa_entry *e = arena_alloc(rq->a, CATALOG_NCONTROLS * sizeof *e);
    isms_err err = {0};
    if (store_soa_load(rq->w, rq->a, e, &err)) {
        web_json_fail(rs, &err);
        return 0;
    }
    soa_issue *is;
    size_t n = soa_validate(e, CATALOG_NCONTROLS, rq->a, &is);
    json_soa_validation(web_json_begin(rq, rs, 200), is, n);
    return 0;
}

typedef struct approve_op {
    const char *by, *note;
    int version;
} approve_op;

static int do_approve(web_req *rq, void *p, isms_err *err)
{
    approve_op *a = p;
    return store_soa_approve(rq->w, a->by, a->note, &a->version, err);
}

int api_soa_versions(web_req *rq, web_resp *rs)
{
    soa_version *v;
    size_t n;
    int nv, changed;
    isms_err err = {0};
    if (store_soa_versions(rq->w, rq->a, &v, &n, &err) || store_soa_changed(rq->w, rq->a, &nv, &changed, &err)) {
        web_json_fail(rs, &err);
        return 0;
    }
    jw *j = web_json_begin(rq, rs, 200);
    jw_obj(j);
    jw_kbool(j, "changed_since_last_approval", changed);
    jw_key(j, "items");
    jw_arr(j);
    for (size_t i = 0; i < n; i++) {
        jw_obj(j);
        jw_kint(j, "version", v[i].version);
        jw_kstr(j, "approved_by", v[i].approved_by);
        jw_kstr(j, "approved_at", v[i].approved_at);
        jw_kstr(j, "note", v[i].note);
        jw_kstr(j, "digest", v[i].digest);
        jw_obj_end(j);
    }
    jw_arr_end(j);
    jw_obj_end(j);
    return 0;
}

int api_soa_approve(web_req *rq, web_resp *rs)
{
    json_t *o = api_body_object(rq, rs);
    if (!o)
        return 0;
    approve_op a = {0};
    if (!api_jstr(rs, o, "by", &a.by) && !api_jstr(rs, o, "note", &a.note) && !api_in_tx(rq, rs, do_approve, &a)) {
        jw *j = web_json_begin(rq, rs, 201);
        jw_obj(j);
        jw_kint(j, "version", a.version);
        jw_kstr(j, "approved_by", a.by);
        jw_obj_end(j);
    }
    json_decref(o);
    return 0;
}

