/* JSON API handlers for the gap analysis, organization, evidence, audit log and users. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "core/catalog.h"
#include "report/json.h"
#include "web/api.h"

/* --- gap, organization, evidence, audit log, users --- */

int api_gap(web_req *rq, web_resp *rs)
{
    soa_entry *e = arena_alloc(rq->a, CATALOG_NCONTROLS * sizeof *e);
    gap_facts *f = arena_alloc(rq->a, sizeof *f);
    org o;
    isms_err err = {0};
    if (store_org_get(rq->w, rq->a, &o, &err) || store_soa_load(rq->w, rq->a, e, &err) ||
        store_gap_facts(rq->w, rq->a, e, f, &err)) {
        web_json_fail(rs, &err);
        return 0;
    }
    gap_report r;
    gap_analyze(e, CATALOG_NCONTROLS, f, rq->a, &r);
    json_gap(web_json_begin(rq, rs, 200), o.name, &r);
    return 0;
}

int api_org_get(web_req *rq, web_resp *rs)
{
    api_usecase(rq, rs, "org_get", NULL, 200);
    return 0;
}

/* The form's and the API's change of the organization: the use case's rules and answer. */
int api_org_apply(web_req *rq, web_resp *rs, const char *name, const char *scope, const char *context)
{
    json_t *a = json_pack("{s:s?, s:s?, s:s?}", "name", name, "scope", scope, "context", context);
    int rc = a ? api_usecase(rq, rs, "org_update", a, 200) : -1;
    if (!a)
        web_json_error(rs, 400, "bad_request", "the organization's fields must be UTF-8 text");
    json_decref(a);
    return rc;
}

int api_org_update(web_req *rq, web_resp *rs)
{
    json_t *o = api_body_object(rq, rs);
    if (!o)
        return 0;
    api_usecase(rq, rs, "org_update", o, 200);
    json_decref(o);
    return 0;
}

typedef struct ev_ctx {
    jw *j;
    char today[11];
} ev_ctx;

static int ev_cb(const evidence *e, void *p)
{
    ev_ctx *c = p;
    json_evidence(c->j, e, c->today);
    return 0;
}

int api_evidence_list(web_req *rq, web_resp *rs)
{
    const char *control = web_query(rq, "control");
    const catalog_control *ctl = NULL;
    if (control && !(ctl = catalog_control_find(control))) {
        web_json_error(rs, 400, "bad_parameter", "unknown control id '%s'", control);
        return 0;
    }
    jw *j = web_json_begin(rq, rs, 200);
    ev_ctx c = {.j = j};
    store_today(c.today);
    isms_err err = {0};
    jw_obj(j);
    jw_key(j, "items");
    jw_arr(j);
    if (store_evidence_each(rq->w, ctl ? ctl->id : NULL, ev_cb, &c, &err)) {
        web_json_fail(rs, &err);
        return 0;
    }
    jw_arr_end(j);
    jw_obj_end(j);
    return 0;
}

typedef struct log_ctx {
    jw *j;
    long skip, left;
} log_ctx;

static int log_cb(const audit_entry *e, void *p)
{
    log_ctx *l = p;
    if (l->skip > 0) {
        l->skip--;
        return 0;
    }
    if (l->left-- <= 0)
        return 1;
    jw *j = l->j;
    jw_obj(j);
    jw_kint(j, "seq", e->seq);
    jw_kstr(j, "at", e->at);
    jw_kstr(j, "actor", e->actor);
    jw_kstr(j, "action", e->action);
    jw_kstr(j, "entity", e->entity);
    jw_kstr(j, "entity_id", e->entity_id);
    jw_kstr(j, "before", e->before);
    jw_kstr(j, "after", e->after);
    jw_kstr(j, "hash", e->hash);
    jw_obj_end(j);
    return 0;
}

int api_audit_log(web_req *rq, web_resp *rs)
{
    page_query pq = {0};
    if (api_page_params(rq, rs, &pq))
        return 0;
    jw *j = web_json_begin(rq, rs, 200);
    log_ctx l = {.j = j, .skip = pq.offset, .left = pq.limit};
    isms_err err = {0};
    jw_obj(j);
    jw_key(j, "items");
    jw_arr(j);
    if (store_audit_each(rq->w, log_cb, &l, &err)) {
        web_json_fail(rs, &err);
        return 0;
    }
    jw_arr_end(j);
    jw_kint(j, "limit", pq.limit);
    jw_kint(j, "offset", pq.offset);
    jw_obj_end(j);
    return 0;
}

int api_audit_verify(web_req *rq, web_resp *rs)
{
    int64_t bad, count;
    isms_err err = {0};
    if (store_audit_verify(rq->w, &bad, &count, &err) && !bad) {
        web_json_fail(rs, &err);
        return 0;
    }
    jw *j = web_json_begin(rq, rs, 200);
    jw_obj(j);
    jw_kbool(j, "intact", bad == 0);
    jw_kint(j, "entries", count);
    if (bad) {
        jw_kint(j, "first_bad_entry", bad);
        jw_kstr(j, "problem", err.msg);
    }
    jw_obj_end(j);
    return 0;
}

int api_users_list(web_req *rq, web_resp *rs)
{
    user *u;
    size_t n;
    isms_err err = {0};
    if (store_user_list(rq->w, rq->a, &u, &n, &err)) {
        web_json_fail(rs, &err);
        return 0;
    }
    jw *j = web_json_begin(rq, rs, 200);
    jw_obj(j);
    jw_key(j, "items");
    jw_arr(j);
    for (size_t i = 0; i < n; i++) {
        jw_obj(j);
        jw_kint(j, "id", u[i].id);
        jw_kstr(j, "name", u[i].name);
        jw_kstr(j, "role", u[i].role);
        jw_kbool(j, "mfa", u[i].mfa_enabled);
        jw_kbool(j, "disabled", u[i].disabled);
        jw_obj_end(j);
    }
    jw_arr_end(j);
    jw_obj_end(j);
    return 0;
}

int api_me(web_req *rq, web_resp *rs)
{
    jw *j = web_json_begin(rq, rs, 200);
    jw_obj(j);
    jw_kstr(j, "name", rq->u.name);
    jw_kstr(j, "role", rq->u.role);
    jw_kbool(j, "mfa", rq->u.mfa_enabled);
    jw_kstr(j, "auth", rq->via_token ? "token" : "session");
    if (rq->csrf)
        jw_kstr(j, "csrf", rq->csrf);
    jw_obj_end(j);
    return 0;
}
