/* The JSON API of internal audits, findings, actions, management reviews and feedback: reads with
 * paging and filters, and writes through the changes in audits_change.c. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/lifecycle.h"
#include "report/review_pack.h"
#include "web/api.h"
#include "web/audits.h"

int audits_id(const char *s, int64_t *id)
{
    if (!s || !*s || strlen(s) > 10)
        return 0;
    for (const char *p = s; *p; p++)
        if (*p < '0' || *p > '9')
            return 0;
    long long v = strtoll(s, NULL, 10);
    if (v < 1 || v > 0x7fffffffLL)
        return 0;
    *id = v;
    return 1;
}

static const char *today(web_req *rq)
{
    char *t = arena_alloc(rq->a, 11);
    store_today(t);
    return t;
}

/* --- request helpers --- */

/* A positive whole-number member (an id); absent leaves *out alone. */
static int json_id(web_resp *rs, json_t *o, const char *k, int64_t *out)
{
    json_t *v = json_object_get(o, k);
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > 0x7fffffff) {
        web_json_error(rs, 422, "invalid", "%s: must be an id (a whole number from 1)", k);
        return -1;
    }
    *out = json_integer_value(v);
    return 0;
}

/* The path's id, or -1 with a 404 naming what was not found. */
static int path_id(web_req *rq, web_resp *rs, const char *what, int64_t *id)
{
    if (audits_id(rq->params[0], id))
        return 0;
    web_json_error(rs, 404, "not_found", "no %s with id '%.40s'", what, rq->params[0] ? rq->params[0] : "");
    return -1;
}

/* A true/false query filter; absent gives -1. */
static int bool_param(web_req *rq, web_resp *rs, const char *name, int *out)
{
    const char *v = web_query(rq, name);
    *out = -1;
    if (!v)
        return 0;
    if (!strcmp(v, "true") || !strcmp(v, "1"))
        *out = 1;
    else if (!strcmp(v, "false") || !strcmp(v, "0"))
        *out = 0;
    else {
        web_json_error(rs, 400, "bad_parameter", "%s must be true or false", name);
        return -1;
    }
    return 0;
}

static void list_end(jw *j, long total, const page_query *pq)
{
    jw_arr_end(j);
    jw_kint(j, "total", total);
    jw_kint(j, "limit", pq->limit);
    jw_kint(j, "offset", pq->offset);
    jw_obj_end(j);
}

#define IN_PAGE(pq, k) ((long)(k) >= (pq).offset && (long)(k) < (pq).offset + (pq).limit)

/* --- audits --- */

int api_audit_programme(web_req *rq, web_resp *rs)
{
    lifecycle_programme p;
    isms_err err = {0};
    if (lifecycle_programme_build(rq->w, rq->a, &p, &err))
        web_json_fail(rs, &err);
    else
        lifecycle_programme_json(web_json_begin(rq, rs, 200), &p);
    return 0;
}

int api_audits_list(web_req *rq, web_resp *rs)
{
    page_query pq = {0};
    if (api_page_params(rq, rs, &pq))
        return 0;
    const char *status = web_query(rq, "status");
    if (status && strcmp(status, "planned") && strcmp(status, "completed")) {
        web_json_error(rs, 400, "bad_parameter", "status is planned or completed, not '%.40s'", status);
        return 0;
    }
    audit_rec *au;
    size_t n;
    isms_err err = {0};
    if (store_audit_list(rq->w, rq->a, &au, &n, &err)) {
        web_json_fail(rs, &err);
        return 0;
    }
    jw *j = web_json_begin(rq, rs, 200);
    jw_obj(j);
    jw_key(j, "items");
    jw_arr(j);
    long seen = 0;
    for (size_t i = 0; i < n; i++) {
        if (status && strcmp(au[i].status, status))
            continue;
        if (IN_PAGE(pq, seen))
            lifecycle_audit_json(j, &au[i]);
        seen++;
    }
    list_end(j, seen, &pq);
    return 0;
}

/* The audit with its findings, as `isms audit show --json`. */
static void write_audit(web_req *rq, web_resp *rs, int64_t id, int status)
{
    audit_rec x;
    finding_rec *f;
    size_t nf;
    isms_err err = {0};
    if (store_audit_get(rq->w, id, rq->a, &x, &err) || store_finding_list(rq->w, id, rq->a, &f, &nf, &err)) {
        web_json_fail(rs, &err);
        return;
    }
    jw *j = web_json_begin(rq, rs, status);
    jw_obj(j);
    jw_key(j, "audit");
    lifecycle_audit_json(j, &x);
    jw_key(j, "findings");
    jw_arr(j);
    for (size_t i = 0; i < nf; i++)
        lifecycle_finding_json(j, &f[i], 0, 1);
    jw_arr_end(j);
    jw_obj_end(j);
}

int api_audit_plan(web_req *rq, web_resp *rs)
{
    static const char *const keys[] = {"auditor", "start", "end", "start_date", "end_date", "scope", "year",
                                       "title", "criteria", NULL};
    json_t *o = api_body_object(rq, rs);
    if (!o)
        return 0;
    audit_rec x = {0};
    int year = 0;
    isms_err err = {0};
    json_t *scope = json_object_get(o, "scope");
    if (api_only_members(rs, o, keys, "this request") || api_jstr(rs, o, "auditor", &x.auditor) || api_jstr(rs, o, "start_date", &x.start_date) ||
        api_jstr(rs, o, "start", &x.start_date) || api_jstr(rs, o, "end_date", &x.end_date) ||
        api_jstr(rs, o, "end", &x.end_date) || api_jstr(rs, o, "title", &x.title) ||
        api_jstr(rs, o, "criteria", &x.criteria) || api_jint(rs, o, "year", &year))
        goto out;
    if (json_is_array(scope)) {
        /* the list `GET /audits/:id` answers with, sent back */
        buf b;
        buf_init(&b, 64 << 10);
        size_t i;
        json_t *v;
        json_array_foreach(scope, i, v)
        {
            if (!json_is_string(v)) {
                buf_free(&b);
                web_json_error(rs, 422, "invalid", "scope: must be a string or a list of strings");
                goto out;
            }
            buf_printf(&b, "%s%s", i ? "," : "", json_string_value(v));
        }
        x.scope = arena_strdup(rq->a, b.data ? b.data : "");
        buf_free(&b);
    } else if (api_jstr(rs, o, "scope", &x.scope))
        goto out;
    if (audits_plan(rq, &x, year, &err))
        web_json_fail(rs, &err);
    else
        write_audit(rq, rs, x.id, 201);
out:
    json_decref(o);
    return 0;
}

int api_audit_get(web_req *rq, web_resp *rs)
{
    int64_t id;
    if (!path_id(rq, rs, "internal audit", &id))
        write_audit(rq, rs, id, 200);
    return 0;
}

int api_audit_checklist(web_req *rq, web_resp *rs)
{
    int64_t id;
    if (path_id(rq, rs, "internal audit", &id))
        return 0;
    audit_rec x;
    lifecycle_check *c;
    size_t n;
    isms_err err = {0};
    if (store_audit_get(rq->w, id, rq->a, &x, &err) || lifecycle_checklist(rq->w, &x, rq->a, &c, &n, &err))
        web_json_fail(rs, &err);
    else
        lifecycle_checklist_json(web_json_begin(rq, rs, 200), &x, c, n);
    return 0;
}

int api_audit_findings(web_req *rq, web_resp *rs)
{
    int64_t id;
    if (path_id(rq, rs, "internal audit", &id))
        return 0;
    audit_rec x;
    finding_rec *f;
    size_t n;
    isms_err err = {0};
    if (store_audit_get(rq->w, id, rq->a, &x, &err) || store_finding_list(rq->w, id, rq->a, &f, &n, &err)) {
        web_json_fail(rs, &err);
        return 0;
    }
    jw *j = web_json_begin(rq, rs, 200);
    jw_obj(j);
    jw_key(j, "items");
    jw_arr(j);
    for (size_t i = 0; i < n; i++)
        lifecycle_finding_json(j, &f[i], 1, 1);
    jw_arr_end(j);
    jw_obj_end(j);
    return 0;
}

/* The finding with this id (of any audit), as the list of every finding shows it. */
static void write_finding(web_req *rq, web_resp *rs, int64_t audit_id, int64_t id, int status)
{
    finding_rec *f;
    size_t n;
    isms_err err = {0};
    if (store_finding_list(rq->w, audit_id, rq->a, &f, &n, &err)) {
        web_json_fail(rs, &err);
        return;
    }
    for (size_t i = 0; i < n; i++)
        if (f[i].id == id) {
            lifecycle_finding_json(web_json_begin(rq, rs, status), &f[i], 1, 1);
            return;
        }
    web_json_error(rs, 404, "not_found", "no finding with id %lld (isms audit findings)", (long long)id);
}

int api_audit_finding_add(web_req *rq, web_resp *rs)
{
    static const char *const keys[] = {"type", "ref", "description", "evidence", NULL};
    int64_t id;
    if (path_id(rq, rs, "internal audit", &id))
        return 0;
    json_t *o = api_body_object(rq, rs);
    if (!o)
        return 0;
    finding_rec f = {.audit_id = id};
    isms_err err = {0};
    if (!api_only_members(rs, o, keys, "this request") && !api_jstr(rs, o, "type", &f.type) && !api_jstr(rs, o, "ref", &f.ref) &&
        !api_jstr(rs, o, "description", &f.description) && !api_jstr(rs, o, "evidence", &f.evidence)) {
        if (audits_finding_add(rq, &f, &err))
            web_json_fail(rs, &err);
        else
            write_finding(rq, rs, id, f.id, 201);
    }
    json_decref(o);
    return 0;
}

int api_audit_complete(web_req *rq, web_resp *rs)
{
    static const char *const keys[] = {"summary", "date", NULL};
    int64_t id;
    if (path_id(rq, rs, "internal audit", &id))
        return 0;
    json_t *o = api_body_object(rq, rs);
    if (!o)
        return 0;
    const char *summary = NULL, *on = NULL;
    isms_err err = {0};
    if (!api_only_members(rs, o, keys, "this request") && !api_jstr(rs, o, "summary", &summary) && !api_jstr(rs, o, "date", &on)) {
        if (audits_complete(rq, id, summary, on, &err))
            web_json_fail(rs, &err);
        else
            write_audit(rq, rs, id, 200);
    }
    json_decref(o);
    return 0;
}

int api_findings_list(web_req *rq, web_resp *rs)
{
    page_query pq = {0};
    int open;
    if (api_page_params(rq, rs, &pq) || bool_param(rq, rs, "open", &open))
        return 0;
    const char *type = web_query(rq, "type"), *audit = web_query(rq, "audit");
    if (type && !cycle_finding_type_valid(type)) {
        web_json_error(rs, 400, "bad_parameter", "type is major, minor, observation or improvement, not '%.40s'", type);
        return 0;
    }
    int64_t audit_id = 0;
    if (audit && !audits_id(audit, &audit_id)) {
        web_json_error(rs, 400, "bad_parameter", "audit must be an audit id, not '%.40s'", audit);
        return 0;
    }
    finding_rec *f;
    size_t n;
    isms_err err = {0};
    if (store_finding_list(rq->w, audit_id, rq->a, &f, &n, &err)) {
        web_json_fail(rs, &err);
        return 0;
    }
    jw *j = web_json_begin(rq, rs, 200);
    jw_obj(j);
    jw_key(j, "items");
    jw_arr(j);
    long seen = 0;
    for (size_t i = 0; i < n; i++) {
        if ((type && strcmp(f[i].type, type)) || (open >= 0 && cycle_finding_open(&f[i]) != open))
            continue;
        if (IN_PAGE(pq, seen))
            lifecycle_finding_json(j, &f[i], 1, 1);
        seen++;
    }
    list_end(j, seen, &pq);
    return 0;
}

/* --- actions --- */

int api_actions_list(web_req *rq, web_resp *rs)
{
    page_query pq = {0};
    int open, overdue;
    if (api_page_params(rq, rs, &pq) || bool_param(rq, rs, "open", &open) || bool_param(rq, rs, "overdue", &overdue))
        return 0;
    const char *source = web_query(rq, "source");
    if (source && strcmp(source, "finding") && strcmp(source, "review")) {
        web_json_error(rs, 400, "bad_parameter", "source is finding or review, not '%.40s'", source);
        return 0;
    }
    action_rec *x;
    size_t n;
    isms_err err = {0};
    if (store_action_list(rq->w, open == 1, rq->a, &x, &n, &err)) {
        web_json_fail(rs, &err);
        return 0;
    }
    const char *t = today(rq);
    jw *j = web_json_begin(rq, rs, 200);
    jw_obj(j);
    jw_key(j, "items");
    jw_arr(j);
    long seen = 0, late = 0;
    for (size_t i = 0; i < n; i++) {
        int od = cycle_action_overdue(&x[i], t);
        if ((open == 0 && strcmp(x[i].status, "closed")) || (overdue >= 0 && od != overdue) ||
            (source && strcmp(source, x[i].finding_id ? "finding" : "review")))
            continue;
        late += od;
        if (IN_PAGE(pq, seen))
            lifecycle_action_json(j, &x[i], t);
        seen++;
    }
    jw_arr_end(j);
    jw_kint(j, "overdue", late);
    jw_kint(j, "total", seen);
    jw_kint(j, "limit", pq.limit);
    jw_kint(j, "offset", pq.offset);
    jw_obj_end(j);
    return 0;
}

static void write_action(web_req *rq, web_resp *rs, int64_t id, int status)
{
    action_rec x;
    isms_err err = {0};
    if (audits_action_get(rq, id, &x, &err))
        web_json_fail(rs, &err);
    else
        lifecycle_action_json(web_json_begin(rq, rs, status), &x, today(rq));
}

int api_action_add(web_req *rq, web_resp *rs)
{
    static const char *const keys[] = {"finding", "review", "actions", "owner", "due", "due_date", "root_cause", NULL};
    json_t *o = api_body_object(rq, rs);
    if (!o)
        return 0;
    action_rec x = {0};
    isms_err err = {0};
    if (!api_only_members(rs, o, keys, "this request") && !json_id(rs, o, "finding", &x.finding_id) && !json_id(rs, o, "review", &x.review_id) &&
        !api_jstr(rs, o, "actions", &x.description) && !api_jstr(rs, o, "owner", &x.owner) &&
        !api_jstr(rs, o, "due_date", &x.due_date) && !api_jstr(rs, o, "due", &x.due_date) &&
        !api_jstr(rs, o, "root_cause", &x.root_cause)) {
        if (audits_action_add(rq, &x, &err))
            web_json_fail(rs, &err);
        else
            write_action(rq, rs, x.id, 201);
    }
    json_decref(o);
    return 0;
}

int api_action_get(web_req *rq, web_resp *rs)
{
    int64_t id;
    if (!path_id(rq, rs, "action", &id))
        write_action(rq, rs, id, 200);
    return 0;
}

/* An optional JSON body: none (or an empty one) is an empty object. */
static json_t *optional_body(web_req *rq, web_resp *rs)
{
    return rq->body->len ? api_body_object(rq, rs) : json_object();
}

int api_action_done(web_req *rq, web_resp *rs)
{
    static const char *const keys[] = {"date", NULL};
    int64_t id;
    if (path_id(rq, rs, "action", &id))
        return 0;
    json_t *o = optional_body(rq, rs);
    if (!o)
        return 0;
    const char *on = NULL;
    isms_err err = {0};
    if (!api_only_members(rs, o, keys, "this request") && !api_jstr(rs, o, "date", &on)) {
        if (audits_action_done(rq, id, on, &err))
            web_json_fail(rs, &err);
        else
            write_action(rq, rs, id, 200);
    }
    json_decref(o);
    return 0;
}

int api_action_verify(web_req *rq, web_resp *rs)
{
    static const char *const keys[] = {"effective", "note", "by", "date", NULL};
    int64_t id;
    if (path_id(rq, rs, "action", &id))
        return 0;
    json_t *o = api_body_object(rq, rs);
    if (!o)
        return 0;
    const char *effective = NULL, *note = NULL, *by = NULL, *on = NULL;
    json_t *e = json_object_get(o, "effective");
    if (json_is_boolean(e))
        effective = json_is_true(e) ? "yes" : "no";
    isms_err err = {0};
    if (!api_only_members(rs, o, keys, "this request") && (json_is_boolean(e) || !api_jstr(rs, o, "effective", &effective)) &&
        !api_jstr(rs, o, "note", &note) && !api_jstr(rs, o, "by", &by) && !api_jstr(rs, o, "date", &on)) {
        if (audits_action_verify(rq, id, effective, note, by, on, &err))
            web_json_fail(rs, &err);
        else
            write_action(rq, rs, id, 200);
    }
    json_decref(o);
    return 0;
}

/* --- reviews and feedback --- */

int api_reviews_list(web_req *rq, web_resp *rs)
{
    page_query pq = {0};
    if (api_page_params(rq, rs, &pq))
        return 0;
    review_rec *r;
    size_t n;
    isms_err err = {0};
    if (store_review_list(rq->w, rq->a, &r, &n, &err)) {
        web_json_fail(rs, &err);
        return 0;
    }
    jw *j = web_json_begin(rq, rs, 200);
    jw_obj(j);
    jw_key(j, "items");
    jw_arr(j);
    for (size_t i = 0; i < n; i++)
        if (IN_PAGE(pq, i))
            lifecycle_review_json(j, &r[i], 0);
    list_end(j, (long)n, &pq);
    return 0;
}

/* The review's record with the input pack it considered (stored JSON, written by us). */
static void write_review(web_req *rq, web_resp *rs, int64_t id, int status)
{
    review_rec r;
    isms_err err = {0};
    if (store_review_get(rq->w, id, rq->a, &r, &err))
        web_json_fail(rs, &err);
    else
        lifecycle_review_json(web_json_begin(rq, rs, status), &r, 1);
}

int api_review_record(web_req *rq, web_resp *rs)
{
    static const char *const keys[] = {"date", "held_on", "attendees", "decisions", "improvements", "changes",
                                       "resources", NULL};
    json_t *o = api_body_object(rq, rs);
    if (!o)
        return 0;
    review_rec r = {0};
    isms_err err = {0};
    if (!api_only_members(rs, o, keys, "this request") && !api_jstr(rs, o, "held_on", &r.held_on) && !api_jstr(rs, o, "date", &r.held_on) &&
        !api_jstr(rs, o, "attendees", &r.attendees) && !api_jstr(rs, o, "decisions", &r.decisions) &&
        !api_jstr(rs, o, "improvements", &r.improvements) && !api_jstr(rs, o, "changes", &r.changes) &&
        !api_jstr(rs, o, "resources", &r.resources)) {
        if (audits_review_record(rq, &r, &err))
            web_json_fail(rs, &err);
        else
            write_review(rq, rs, r.id, 201);
    }
    json_decref(o);
    return 0;
}

int api_review_get(web_req *rq, web_resp *rs)
{
    int64_t id;
    if (!path_id(rq, rs, "management review", &id))
        write_review(rq, rs, id, 200);
    return 0;
}

int api_review_pack(web_req *rq, web_resp *rs)
{
    const char *format = web_query(rq, "format");
    if (format && strcmp(format, "json") && strcmp(format, "md")) {
        web_json_error(rs, 400, "bad_parameter", "format is json or md, not '%.40s'", format);
        return 0;
    }
    isms_err err = {0};
    if (format && !strcmp(format, "md")) {
        buf md;
        buf_init(&md, 64 << 20);
        if (audits_pack_markdown(rq, &md, &err))
            web_json_fail(rs, &err);
        else {
            buf_append(&rs->body, md.data ? md.data : "", md.len);
            rs->status = 200;
            rs->ctype = "text/markdown; charset=utf-8";
            rs->filename = arena_sprintf(rq->a, "review-pack-%s.md", today(rq));
        }
        buf_free(&md);
        return 0;
    }
    review_pack p;
    if (review_pack_build(rq->w, rq->a, &p, &err)) {
        web_json_fail(rs, &err);
        return 0;
    }
    web_json_begin(rq, rs, 200);
    review_pack_json(&p, &rs->body);
    return 0;
}

int api_feedback_list(web_req *rq, web_resp *rs)
{
    page_query pq = {0};
    if (api_page_params(rq, rs, &pq))
        return 0;
    const char *since = web_query(rq, "since");
    char check[11];
    if (since && (strlen(since) != 10 || cycle_date_add(since, 0, 0, 0, check))) {
        web_json_error(rs, 400, "bad_parameter", "since '%.40s' is not a date (YYYY-MM-DD)", since);
        return 0;
    }
    feedback_rec *f;
    size_t n;
    isms_err err = {0};
    if (store_feedback_list(rq->w, since, rq->a, &f, &n, &err)) {
        web_json_fail(rs, &err);
        return 0;
    }
    jw *j = web_json_begin(rq, rs, 200);
    jw_obj(j);
    jw_key(j, "items");
    jw_arr(j);
    for (size_t i = 0; i < n; i++)
        if (IN_PAGE(pq, i))
            lifecycle_feedback_json(j, &f[i]);
    list_end(j, (long)n, &pq);
    return 0;
}

int api_feedback_add(web_req *rq, web_resp *rs)
{
    static const char *const keys[] = {"party", "summary", "date", "received_on", NULL};
    json_t *o = api_body_object(rq, rs);
    if (!o)
        return 0;
    feedback_rec f = {0};
    isms_err err = {0};
    if (!api_only_members(rs, o, keys, "this request") && !api_jstr(rs, o, "party", &f.party) && !api_jstr(rs, o, "summary", &f.summary) &&
        !api_jstr(rs, o, "received_on", &f.received_on) && !api_jstr(rs, o, "date", &f.received_on)) {
        if (audits_feedback_add(rq, &f, &err))
            web_json_fail(rs, &err);
        else
            lifecycle_feedback_json(web_json_begin(rq, rs, 201), &f);
    }
    json_decref(o);
    return 0;
}
