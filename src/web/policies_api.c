/* The JSON API of the policy library: templates, profile, list and generate, one policy with its
 * versions, edit, approval, acknowledgments, status and download. The changes run the CLI's store
 * functions in one transaction each, so they are validated and audited as in the CLI. */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "report/json.h"
#include "report/policy_doc.h"
#include "web/api.h"
#include "web/policies.h"

/* --- the changes --- */

int policy_web_status(const isms_err *err)
{
    return err->code == ISMS_ENOTFOUND ? 404 : err->code == ISMS_ECONFLICT ? 409 : err->code == ISMS_ENOMEM ? 413
         : err->code == ISMS_EINVAL ? 422 : err->code == ISMS_EDB ? 503 : 500;
}

/* Run fn in one transaction, rolled back when it fails. */
static int in_tx(web_req *rq, int (*fn)(web_req *, void *, isms_err *), void *ctx, isms_err *err)
{
    if (ws_begin(rq->w, err) || fn(rq, ctx, err) || ws_commit(rq->w, err)) {
        ws_rollback(rq->w);
        return err->code ? err->code : ISMS_EIO;
    }
    return ISMS_OK;
}

typedef struct gen_ctx {
    const policy_template *todo;
    size_t n;
    int force;
    policy_gen_result *out;
} gen_ctx;

static int do_generate(web_req *rq, void *p, isms_err *err)
{
    gen_ctx *g = p;
    return store_policy_generate(rq->w, g->todo, g->n, g->force, rq->a, g->out, err);
}

int policy_web_generate(web_req *rq, const char *const *names, size_t n, int all, int force, policy_gen_result **out,
                        size_t *nout, isms_err *err)
{
    if (!all && !n)
        return err_set(err, ISMS_EINVAL, "name a template (see the policy templates) or choose all");
    if (all && n)
        return err_set(err, ISMS_EINVAL, "give template names or all, not both");
    policy_template *lib, *todo;
    size_t nlib, ntodo = 0;
    int rc = policy_library(rq->a, &lib, &nlib, err);
    if (rc)
        return rc;
    if (all) {
        todo = lib;
        ntodo = nlib;
    } else {
        todo = arena_alloc(rq->a, sizeof *todo * n);
        for (size_t i = 0; i < n; i++)
            if (policy_template_find(rq->a, names[i], &todo[ntodo++], err))
                return err->code = ISMS_EINVAL; /* a wrong name in the body is an invalid value, not a missing page */
    }
    gen_ctx g = {todo, ntodo, force, arena_alloc(rq->a, sizeof *g.out * (ntodo ? ntodo : 1))};
    if ((rc = in_tx(rq, do_generate, &g, err)))
        return rc;
    *out = g.out;
    *nout = ntodo;
    return ISMS_OK;
}

static int do_profile(web_req *rq, void *p, isms_err *err) { return store_policy_profile_set(rq->w, p, err); }

int policy_web_profile_set(web_req *rq, const policy_profile *changes, isms_err *err)
{
    return in_tx(rq, do_profile, (void *)changes, err);
}

typedef struct edit_ctx {
    const char *name, *body;
    policy_doc *d;
    int *version;
} edit_ctx;

static int do_edit(web_req *rq, void *p, isms_err *err)
{
    edit_ctx *e = p;
    return store_policy_edit(rq->w, e->name, e->body, rq->a, e->d, e->version, err);
}

int policy_web_edit(web_req *rq, const char *name, const char *body, policy_doc *d, int *version, isms_err *err)
{
    if (!body)
        return err_set(err, ISMS_EINVAL, "body: give the new Markdown text of the policy");
    edit_ctx e = {name, body, d, version};
    return in_tx(rq, do_edit, &e, err);
}

typedef struct approve_ctx {
    const char *name, *by;
    policy_doc *d;
} approve_ctx;

static int do_approve(web_req *rq, void *p, isms_err *err)
{
    approve_ctx *c = p;
    return store_policy_approve(rq->w, c->name, c->by, rq->a, c->d, err);
}

int policy_web_approve(web_req *rq, const char *name, const char *by, policy_doc *d, isms_err *err)
{
    if (!by || !*by)
        return err_field(err, ISMS_EINVAL, "by", "by: say who approves the policy");
    if (strlen(by) > 200)
        return err_field(err, ISMS_EINVAL, "by", "by: longer than 200 characters");
    approve_ctx c = {name, by, d};
    return in_tx(rq, do_approve, &c, err);
}

typedef struct ack_ctx {
    const char *name, *person;
    int *already;
} ack_ctx;

static int do_ack(web_req *rq, void *p, isms_err *err)
{
    ack_ctx *c = p;
    return store_policy_ack(rq->w, c->name, c->person, c->already, err);
}

int policy_web_ack(web_req *rq, const char *name, const char *person, int *already, isms_err *err)
{
    if (!person || !*person)
        return err_field(err, ISMS_EINVAL, "person", "person: name who acknowledges the policy");
    ack_ctx c = {name, person, already};
    return in_tx(rq, do_ack, &c, err);
}

int policy_web_staff(web_req *rq, const char *source, const char ***staff, size_t *n, const char **label,
                     isms_err *err)
{
    if (!source || !strcmp(source, "users")) {
        *label = "the workspace's users";
        return store_policy_staff_users(rq->w, rq->a, staff, n, err);
    }
    if (!strcmp(source, "people")) {
        char today[11];
        store_today(today);
        *label = "the people register's current staff";
        return store_policy_staff_people(rq->w, today, rq->a, staff, n, err);
    }
    return err_set(err, ISMS_EINVAL, "staff must be users or people, not '%.40s'", source);
}

int policy_web_version(web_req *rq, int *version, isms_err *err)
{
    const char *v = web_query(rq, "version");
    *version = 0;
    if (!v)
        return ISMS_OK;
    char *end;
    long n = strtol(v, &end, 10);
    if (!*v || *end || n < 1 || n > 1000000 || strspn(v, "0123456789") != strlen(v))
        return err_set(err, ISMS_EINVAL, "version must be a whole number from 1 to 1000000");
    *version = (int)n;
    return ISMS_OK;
}

/* A download name from the policy's name: letters, digits, '-' and '_' kept, the rest '_'. */
static const char *download_name(web_req *rq, const policy_doc *d, const char *ext)
{
    char *o = arena_sprintf(rq->a, "%s-v%d.%s", d->name, d->version, ext);
    for (char *p = o; *p && p < o + strlen(o) - strlen(ext) - 1; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '-' ||
              *p == '_'))
            *p = '_';
    return o;
}

int policy_web_send(web_req *rq, web_resp *rs, const policy_doc *d, int f, isms_err *err)
{
    static const char *const ext[] = {"md", "html", "pdf"};
    static const char *const ctype[] = {"text/markdown; charset=utf-8", "text/html; charset=utf-8", "application/pdf"};
    org o;
    int rc = store_org_get(rq->w, rq->a, &o, err);
    if (rc)
        return rc;
    if (f == POLICY_MD) {
        buf_reset(&rs->body);
        buf_append(&rs->body, d->body, strlen(d->body));
    } else {
        /* the renderers write files: a private directory, removed before the answer is sent */
        char dir[WEB_TMPDIR_MAX];
        if ((rc = web_tmpdir_make(dir, err)))
            return rc;
        const char *path = arena_sprintf(rq->a, "%s/doc.%s", dir, ext[f]);
        rc = policy_export(d, o.name, (policy_format)f, path, err);
        int fd = rc ? -1 : open(path, O_RDONLY | O_CLOEXEC);
        struct stat sb;
        if (!rc && (fd < 0 || fstat(fd, &sb)))
            rc = err_set(err, ISMS_EIO, "cannot read the exported document: %s", strerror(errno));
        web_tmpdir_remove(dir);
        if (rc) {
            if (fd >= 0)
                close(fd);
            return rc;
        }
        rs->file_fd = fd;
        rs->file_size = (long long)sb.st_size;
    }
    rs->status = 200;
    rs->ctype = ctype[f];
    rs->filename = download_name(rq, d, ext[f]);
    return ISMS_OK;
}

/* --- the API --- */

/* Refuse a member of o that is not in keys (422 naming it); members a GET answers but a client
 * cannot set (read_only) are ignored, so a document read can be sent back changed. */
static int only_keys(web_resp *rs, json_t *o, const char *const *keys, const char *const *read_only, const char *what)
{
    const char *key;
    json_t *v;
    json_object_foreach(o, key, v)
    {
        int known = 0;
        for (const char *const *k = keys; *k && !known; k++)
            known = !strcmp(*k, key);
        for (const char *const *k = read_only; k && *k && !known; k++)
            known = !strcmp(*k, key);
        if (!known) {
            web_json_error(rs, 422, "invalid", "%.60s: not a field of %s", key, what);
            return -1;
        }
    }
    return 0;
}

int api_policy_templates(web_req *rq, web_resp *rs)
{
    isms_err err = {0};
    policy_template *t;
    size_t n;
    if (policy_library(rq->a, &t, &n, &err)) {
        web_json_fail(rs, &err);
        return 0;
    }
    jw *j = web_json_begin(rq, rs, 200);
    jw_obj(j);
    jw_key(j, "items");
    jw_arr(j);
    for (size_t i = 0; i < n; i++) {
        jw_obj(j);
        jw_kstr(j, "name", t[i].name);
        jw_kstr(j, "title", t[i].title);
        jw_kstr(j, "controls", t[i].controls);
        jw_kstr(j, "clauses", t[i].clauses);
        jw_obj_end(j);
    }
    jw_arr_end(j);
    jw_kint(j, "total", (int64_t)n);
    jw_obj_end(j);
    return 0;
}

static void profile_answer(web_req *rq, web_resp *rs, int status)
{
    isms_err err = {0};
    policy_profile p;
    if (store_policy_profile_get(rq->w, rq->a, &p, &err)) {
        web_json_fail(rs, &err);
        return;
    }
    policy_profile d = p;
    policy_profile_defaults(&d);
    jw *j = web_json_begin(rq, rs, status);
    jw_obj(j);
    jw_kstr(j, "security_lead", p.security_lead);
    jw_kstr(j, "policy_owner", p.policy_owner);
    jw_kstr(j, "approver", p.approver);
    jw_kstr(j, "it_lead", p.it_lead);
    jw_kstr(j, "hr_lead", p.hr_lead);
    jw_kint(j, "review_months", d.review_months);
    jw_kstr(j, "tools", d.tools);
    jw_kstr(j, "work_model", d.work_model);
    jw_obj_end(j);
}

int api_policy_profile_get(web_req *rq, web_resp *rs)
{
    profile_answer(rq, rs, 200);
    return 0;
}

int api_policy_profile_put(web_req *rq, web_resp *rs)
{
    json_t *o = api_body_object(rq, rs);
    if (!o)
        return 0;
    static const char *const keys[] = {"security_lead", "policy_owner", "approver", "it_lead", "hr_lead",
                                       "review_months", "tools", "work_model", NULL};
    if (only_keys(rs, o, keys, NULL, "the policy profile")) {
        json_decref(o);
        return 0;
    }
    policy_profile ch = {0};
    int months = 0;
    if (api_jstr(rs, o, "security_lead", &ch.security_lead) || api_jstr(rs, o, "policy_owner", &ch.policy_owner) ||
        api_jstr(rs, o, "approver", &ch.approver) || api_jstr(rs, o, "it_lead", &ch.it_lead) ||
        api_jstr(rs, o, "hr_lead", &ch.hr_lead) || api_jstr(rs, o, "tools", &ch.tools) ||
        api_jstr(rs, o, "work_model", &ch.work_model) || api_jint(rs, o, "review_months", &months)) {
        json_decref(o);
        return 0;
    }
    if (json_object_get(o, "review_months") && !json_is_null(json_object_get(o, "review_months")) &&
        (months < 1 || months > 36)) {
        web_json_error(rs, 422, "invalid", "review-months: %d is out of range (1 to 36 months)", months);
        json_decref(o);
        return 0;
    }
    ch.review_months = months;
    isms_err err = {0};
    if (policy_web_profile_set(rq, &ch, &err))
        web_json_fail(rs, &err);
    else
        profile_answer(rq, rs, 200);
    json_decref(o);
    return 0;
}

int api_policies_list(web_req *rq, web_resp *rs)
{
    page_query pq = {0};
    if (api_page_params(rq, rs, &pq))
        return 0;
    const char *status = web_query(rq, "status");
    if (status && strcmp(status, "draft") && strcmp(status, "approved") && strcmp(status, "superseded")) {
        web_json_error(rs, 400, "bad_parameter", "status must be draft, approved or superseded");
        return 0;
    }
    isms_err err = {0};
    policy_doc *d;
    size_t n;
    if (store_policy_list(rq->w, rq->a, &d, &n, &err)) {
        web_json_fail(rs, &err);
        return 0;
    }
    jw *j = web_json_begin(rq, rs, 200);
    jw_obj(j);
    jw_key(j, "items");
    jw_arr(j);
    long seen = 0;
    for (size_t i = 0; i < n; i++) {
        if (status && strcmp(d[i].status, status))
            continue;
        if (seen >= pq.offset && seen < pq.offset + pq.limit)
            json_policy_doc(j, &d[i], 0);
        seen++;
    }
    jw_arr_end(j);
    jw_kint(j, "total", seen);
    jw_kint(j, "limit", pq.limit);
    jw_kint(j, "offset", pq.offset);
    jw_obj_end(j);
    return 0;
}

int api_policies_generate(web_req *rq, web_resp *rs)
{
    json_t *o = api_body_object(rq, rs);
    if (!o)
        return 0;
    json_t *names = json_object_get(o, "names"), *all = json_object_get(o, "all"), *force = json_object_get(o, "force");
    size_t n = 0;
    const char **v = NULL;
    static const char *const keys[] = {"names", "all", "force", NULL};
    if (only_keys(rs, o, keys, NULL, "a generate request")) {
        json_decref(o);
        return 0;
    }
    if ((names && !json_is_array(names)) || (all && !json_is_boolean(all)) || (force && !json_is_boolean(force))) {
        web_json_error(rs, 422, "invalid", "names must be an array of template names; all and force true or false");
        json_decref(o);
        return 0;
    }
    if (names) {
        n = json_array_size(names);
        if (n > 256) {
            web_json_error(rs, 422, "invalid", "names: at most 256 templates at once");
            json_decref(o);
            return 0;
        }
        v = arena_alloc(rq->a, sizeof *v * (n ? n : 1));
        for (size_t i = 0; i < n; i++) {
            v[i] = json_string_value(json_array_get(names, i));
            if (!v[i]) {
                web_json_error(rs, 422, "invalid", "names: each template name must be a string");
                json_decref(o);
                return 0;
            }
        }
    }
    isms_err err = {0};
    policy_gen_result *res;
    size_t nres;
    if (policy_web_generate(rq, v, n, json_is_true(all), json_is_true(force), &res, &nres, &err)) {
        web_json_fail(rs, &err);
        json_decref(o);
        return 0;
    }
    json_decref(o);
    jw *j = web_json_begin(rq, rs, 201);
    int made = 0;
    jw_obj(j);
    jw_key(j, "items");
    jw_arr(j);
    for (size_t i = 0; i < nres; i++) {
        jw_obj(j);
        jw_kstr(j, "name", res[i].name);
        jw_kstr(j, "title", res[i].title);
        jw_kstr(j, "result", res[i].made ? "generated" : "skipped");
        jw_kint(j, "version", res[i].version);
        jw_kstr(j, "status", res[i].status);
        jw_obj_end(j);
        made += res[i].made;
    }
    jw_arr_end(j);
    jw_kint(j, "generated", made);
    jw_kint(j, "skipped", (int64_t)nres - made);
    jw_obj_end(j);
    return 0;
}

/* The policy of :id at ?version, or -1 with the error answered. */
static int load(web_req *rq, web_resp *rs, int version, policy_doc *d)
{
    isms_err err = {0};
    if (store_policy_get(rq->w, rq->params[0], version, rq->a, d, &err)) {
        web_json_fail(rs, &err);
        return -1;
    }
    return 0;
}

static int version_param(web_req *rq, web_resp *rs, int *version)
{
    isms_err err = {0};
    if (policy_web_version(rq, version, &err)) {
        web_json_error(rs, 400, "bad_parameter", "%s", err.msg);
        return -1;
    }
    return 0;
}

int api_policy_get(web_req *rq, web_resp *rs)
{
    int version;
    policy_doc d;
    if (!version_param(rq, rs, &version) && !load(rq, rs, version, &d))
        json_policy_doc(web_json_begin(rq, rs, 200), &d, 1);
    return 0;
}

int api_policy_versions(web_req *rq, web_resp *rs)
{
    policy_doc d;
    if (load(rq, rs, 0, &d))
        return 0;
    jw *j = web_json_begin(rq, rs, 200);
    jw_obj(j);
    jw_key(j, "items");
    jw_arr(j);
    for (int v = d.latest_version; v >= 1; v--) {
        policy_doc x;
        isms_err err = {0};
        if (store_policy_get(rq->w, d.name, v, rq->a, &x, &err) == ISMS_OK)
            json_policy_doc(j, &x, 0);
    }
    jw_arr_end(j);
    jw_obj_end(j);
    return 0;
}

int api_policy_update(web_req *rq, web_resp *rs)
{
    json_t *o = api_body_object(rq, rs);
    if (!o)
        return 0;
    const char *body = NULL;
    policy_doc before, after;
    int version;
    isms_err err = {0};
    static const char *const keys[] = {"body", NULL};
    static const char *const answered[] = {"name", "title", "version", "status", "latest_version", "approved_version",
                                           "approved_by", "approved_at", "next_review", "current_next_review",
                                           "acknowledgments", "controls", "clauses", "created_at", "created_by",
                                           "evidence_id", NULL};
    if (only_keys(rs, o, keys, answered, "a policy") || api_jstr(rs, o, "body", &body)) {
        json_decref(o);
        return 0;
    }
    if (policy_web_edit(rq, rq->params[0], body, &before, &version, &err) ||
        store_policy_get(rq->w, rq->params[0], version, rq->a, &after, &err))
        web_json_fail(rs, &err);
    else
        json_policy_doc(web_json_begin(rq, rs, 200), &after, 1);
    json_decref(o);
    return 0;
}

int api_policy_approve(web_req *rq, web_resp *rs)
{
    json_t *o = api_body_object(rq, rs);
    if (!o)
        return 0;
    const char *by = NULL;
    policy_doc d;
    isms_err err = {0};
    static const char *const keys[] = {"by", NULL};
    if (!only_keys(rs, o, keys, NULL, "an approval") && !api_jstr(rs, o, "by", &by)) {
        if (policy_web_approve(rq, rq->params[0], by, &d, &err))
            web_json_fail(rs, &err);
        else
            json_policy_doc(web_json_begin(rq, rs, 200), &d, 0);
    }
    json_decref(o);
    return 0;
}

int api_policy_ack(web_req *rq, web_resp *rs)
{
    json_t *o = api_body_object(rq, rs);
    if (!o)
        return 0;
    const char *person = NULL;
    int already = 0;
    isms_err err = {0};
    policy_doc d;
    static const char *const keys[] = {"person", NULL};
    if (!only_keys(rs, o, keys, NULL, "an acknowledgment") && !api_jstr(rs, o, "person", &person)) {
        if (policy_web_ack(rq, rq->params[0], person, &already, &err) ||
            store_policy_get(rq->w, rq->params[0], 0, rq->a, &d, &err)) {
            web_json_fail(rs, &err);
        } else {
            /* a repeated acknowledgment changes nothing: 200 rather than 201 */
            jw *j = web_json_begin(rq, rs, already ? 200 : 201);
            jw_obj(j);
            jw_kstr(j, "policy", d.name);
            jw_kint(j, "version", d.approved_version);
            jw_kstr(j, "person", person);
            jw_kbool(j, "already", already);
            jw_kint(j, "acknowledgments", d.acks);
            jw_obj_end(j);
        }
    }
    json_decref(o);
    return 0;
}

int api_policy_status(web_req *rq, web_resp *rs)
{
    const char **staff, *label;
    size_t nstaff, n;
    isms_err err = {0};
    if (policy_web_staff(rq, web_query(rq, "staff"), &staff, &nstaff, &label, &err)) {
        if (err.code == ISMS_EINVAL)
            web_json_error(rs, 400, "bad_parameter", "%s", err.msg);
        else
            web_json_fail(rs, &err);
        return 0;
    }
    char today[11];
    store_today(today);
    policy_ack_status *st;
    int problems;
    if (store_policy_status(rq->w, rq->params[0], staff, nstaff, today, rq->a, &st, &n, &problems, &err)) {
        web_json_fail(rs, &err);
        return 0;
    }
    json_policy_status(web_json_begin(rq, rs, 200), today, nstaff, st, n, problems);
    return 0;
}

int api_policy_export(web_req *rq, web_resp *rs)
{
    const char *fs = web_query(rq, "format");
    int f = policy_format_parse(fs ? fs : "md"), version;
    if (f < 0) {
        web_json_error(rs, 400, "bad_parameter", "format must be md, html or pdf");
        return 0;
    }
    policy_doc d;
    isms_err err = {0};
    if (version_param(rq, rs, &version) || load(rq, rs, version, &d))
        return 0;
    if (policy_web_send(rq, rs, &d, f, &err))
        web_json_fail(rs, &err);
    return 0;
}
