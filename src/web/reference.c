/* Reference data and checks in the JSON API, as the CLI gives them: the threat and vulnerability
 * library, the risk methodology, the treatment plan, the evidence types and the evidence
 * integrity check. */
#include <jansson.h>
#include <string.h>

#include "core/catalog.h"
#include "core/evidence.h"
#include "report/json.h"
#include "web/api.h"
#include "web/reference.h"

int api_risk_library(web_req *rq, web_resp *rs)
{
    size_t nt, nv;
    const catalog_threat *t = catalog_threats(&nt);
    const catalog_vuln *v = catalog_vulns(&nv);
    jw *j = web_json_begin(rq, rs, 200);
    jw_obj(j);
    jw_key(j, "threats");
    jw_arr(j);
    for (size_t i = 0; i < nt; i++) {
        jw_obj(j);
        jw_kstr(j, "id", t[i].id);
        jw_kstr(j, "category", t[i].category);
        jw_kstr(j, "name", t[i].name);
        jw_kstr(j, "description", t[i].description);
        jw_key(j, "controls");
        json_id_list(j, t[i].controls);
        jw_obj_end(j);
    }
    jw_arr_end(j);
    jw_key(j, "vulnerabilities");
    jw_arr(j);
    for (size_t i = 0; i < nv; i++) {
        jw_obj(j);
        jw_kstr(j, "id", v[i].id);
        jw_kstr(j, "name", v[i].name);
        jw_kstr(j, "description", v[i].description);
        jw_key(j, "controls");
        json_id_list(j, v[i].controls);
        jw_obj_end(j);
    }
    jw_arr_end(j);
    jw_obj_end(j);
    return 0;
}

static void method_json(jw *j, const risk_method *m, int reviewed)
{
    jw_obj(j);
    jw_kint(j, "likelihood_levels", m->likelihood_levels);
    jw_kint(j, "impact_levels", m->impact_levels);
    jw_kint(j, "low_max", m->low_max);
    jw_kint(j, "medium_max", m->medium_max);
    jw_kint(j, "high_max", m->high_max);
    jw_kint(j, "appetite", m->appetite);
    jw_kbool(j, "reviewed", reviewed);
    jw_key(j, "likelihood_labels");
    jw_arr(j);
    for (int i = 0; i < m->likelihood_levels; i++)
        jw_str(j, m->likelihood_labels[i]);
    jw_arr_end(j);
    jw_key(j, "impact_labels");
    jw_arr(j);
    for (int i = 0; i < m->impact_levels; i++)
        jw_str(j, m->impact_labels[i]);
    jw_arr_end(j);
    jw_obj_end(j);
}

int api_risk_method_get(web_req *rq, web_resp *rs)
{
    risk_method m;
    int reviewed;
    isms_err err = {0};
    if (store_method_get(rq->w, &m, &reviewed, &err)) {
        web_json_fail(rs, &err);
        return 0;
    }
    method_json(web_json_begin(rq, rs, 200), &m, reviewed);
    return 0;
}

static int do_method(web_req *rq, void *ctx, isms_err *err) { return store_method_set(rq->w, ctx, err); }

/* Labels from a JSON array of up to RISK_MAX_LEVELS short strings. */
static int labels_from(web_resp *rs, json_t *o, const char *k, char out[][32])
{
    json_t *a = json_object_get(o, k);
    if (!a)
        return 0;
    if (!json_is_array(a) || json_array_size(a) > RISK_MAX_LEVELS) {
        web_json_error(rs, 422, "invalid", "%s: must be an array of at most %d labels", k, RISK_MAX_LEVELS);
        return -1;
    }
    for (size_t i = 0; i < json_array_size(a); i++) {
        const char *s = json_string_value(json_array_get(a, i));
        if (!s || !*s || strlen(s) >= 32) {
            web_json_error(rs, 422, "invalid", "%s: label %zu must be text of 1 to 31 characters", k, i + 1);
            return -1;
        }
        snprintf(out[i], 32, "%s", s);
    }
    return 0;
}

int api_risk_method_put(web_req *rq, web_resp *rs)
{
    json_t *o = api_body_object(rq, rs);
    if (!o)
        return 0;
    risk_method m;
    isms_err err = {0};
    static const char *const known[] = {"likelihood_levels", "impact_levels", "low_max", "medium_max", "high_max",
                                        "appetite", "likelihood_labels", "impact_labels", "reviewed", NULL};
    if (api_only_members(rs, o, known, "the risk methodology")) {
        json_decref(o);
        return 0;
    }
    if (store_method_get(rq->w, &m, NULL, &err)) {
        json_decref(o);
        web_json_fail(rs, &err);
        return 0;
    }
    int old_l = m.likelihood_levels, old_i = m.impact_levels;
    if (api_jint(rs, o, "likelihood_levels", &m.likelihood_levels) || api_jint(rs, o, "impact_levels", &m.impact_levels) ||
        api_jint(rs, o, "low_max", &m.low_max) || api_jint(rs, o, "medium_max", &m.medium_max) ||
        api_jint(rs, o, "high_max", &m.high_max) || api_jint(rs, o, "appetite", &m.appetite)) {
        json_decref(o);
        return 0;
    }
    /* A changed scale without new labels gets neutral ones, as in the CLI. */
    if (m.likelihood_levels != old_l)
        for (int i = 0; i < RISK_MAX_LEVELS; i++)
            snprintf(m.likelihood_labels[i], 32, "Level %d", i + 1);
    if (m.impact_levels != old_i)
        for (int i = 0; i < RISK_MAX_LEVELS; i++)
            snprintf(m.impact_labels[i], 32, "Level %d", i + 1);
    if (labels_from(rs, o, "likelihood_labels", m.likelihood_labels) ||
        labels_from(rs, o, "impact_labels", m.impact_labels)) {
        json_decref(o);
        return 0;
    }
    json_decref(o);
    if (risk_method_validate(&m, &err)) {
        web_json_fail(rs, &err);
        return 0;
    }
    if (api_in_tx(rq, rs, do_method, &m))
        return 0;
    method_json(web_json_begin(rq, rs, 200), &m, 1);
    return 0;
}

typedef struct plan_ctx {
    jw *j;
    const risk_method *m;
    char today[11];
    long seen, offset, limit;
} plan_ctx;

static int plan_one(const risk *r, void *p)
{
    plan_ctx *c = p;
    if (r->option == RISK_UNTREATED)
        return 0; /* the plan lists treatments; untreated risks are in the register */
    if (c->seen >= c->offset && c->seen < c->offset + c->limit)
        json_risk(c->j, c->m, r, c->today);
    c->seen++;
    return 0;
}

int api_risk_plan(web_req *rq, web_resp *rs)
{
    page_query pq = {0};
    if (api_page_params(rq, rs, &pq))
        return 0;
    risk_method m;
    isms_err err = {0};
    if (store_method_get(rq->w, &m, NULL, &err)) {
        web_json_fail(rs, &err);
        return 0;
    }
    jw *j = web_json_begin(rq, rs, 200);
    plan_ctx c = {.j = j, .m = &m, .offset = pq.offset, .limit = pq.limit};
    store_today(c.today);
    jw_obj(j);
    jw_kstr(j, "as_of", c.today);
    jw_key(j, "items");
    jw_arr(j);
    if (store_risk_each(rq->w, plan_one, &c, &err)) {
        web_json_fail(rs, &err);
        return 0;
    }
    jw_arr_end(j);
    jw_kint(j, "total", c.seen);
    jw_kint(j, "limit", pq.limit);
    jw_kint(j, "offset", pq.offset);
    jw_obj_end(j);
    return 0;
}

int api_evidence_types(web_req *rq, web_resp *rs)
{
    jw *j = web_json_begin(rq, rs, 200);
    jw_arr(j);
    for (const evidence_kind *k = evidence_kinds(); k->id; k++) {
        jw_obj(j);
        jw_kstr(j, "id", k->id);
        jw_kstr(j, "name", k->name);
        jw_kint(j, "fresh_days", k->fresh_days);
        jw_obj_end(j);
    }
    jw_arr_end(j);
    return 0;
}

typedef struct verify_ctx {
    web_req *rq;
    jw *j;
    long ok, bad;
    isms_err *err;
    int rc;
} verify_ctx;

static int verify_one(const evidence *e, void *p)
{
    verify_ctx *v = p;
    int state;
    isms_err msg = {0};
    if ((v->rc = store_evidence_verify_file(v->rq->w, e, &state, &msg))) {
        *v->err = msg;
        return 1;
    }
    state == EVIDENCE_OK ? v->ok++ : v->bad++;
    jw_obj(v->j);
    jw_kint(v->j, "id", e->id);
    jw_kstr(v->j, "filename", e->filename);
    jw_kstr(v->j, "sha256", e->sha256);
    jw_kstr(v->j, "state", state == EVIDENCE_OK ? "ok" : state == EVIDENCE_MISSING ? "missing" : "tampered");
    if (state != EVIDENCE_OK)
        jw_kstr(v->j, "problem", msg.msg);
    jw_obj_end(v->j);
    return 0;
}

int api_evidence_verification(web_req *rq, web_resp *rs)
{
    isms_err err = {0};
    jw *j = web_json_begin(rq, rs, 200);
    verify_ctx v = {.rq = rq, .j = j, .err = &err};
    jw_obj(j);
    jw_key(j, "files");
    jw_arr(j);
    if (store_evidence_each(rq->w, NULL, verify_one, &v, &err) || v.rc) {
        web_json_fail(rs, &err);
        return 0;
    }
    jw_arr_end(j);
    jw_kint(j, "ok", v.ok);
    jw_kint(j, "bad", v.bad);
    jw_obj_end(j);
    return 0;
}
