/* The JSON API of the policy library: templates, profile, list and generate, one policy with its
 * versions, edit, approval, acknowledgments, status and download. Generating, editing, approving
 * and acknowledging are the policy use cases (src/app/uc_policy.c), as in the CLI and the MCP
 * server; the profile is saved with the CLI's store function in one transaction. */
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

/* Run fn in one transaction, rolled back when it fails. */
static int in_tx(web_req *rq, int (*fn)(web_req *, void *, isms_err *), void *ctx, isms_err *err)
{
    if (ws_begin(rq->w, err) || fn(rq, ctx, err) || ws_commit(rq->w, err)) {
        ws_rollback(rq->w);
        return err->code ? err->code : ISMS_EIO;
    }
    return ISMS_OK;
}

static int do_profile(web_req *rq, void *p, isms_err *err) { return store_policy_profile_set(rq->w, p, err); }

int policy_web_profile_set(web_req *rq, const policy_profile *changes, isms_err *err)
{
    return in_tx(rq, do_profile, (void *)changes, err);
}

int policy_web_run(web_req *rq, const char *usecase, json_t *args, json_t **answer, const char **error)
{
    web_resp tmp = {.status = 200};
    buf_init(&tmp.body, 64u << 20);
    int rc = api_usecase(rq, &tmp, usecase, args, 200), status = rc ? tmp.status : 0;
    json_decref(args);
    *answer = rc ? NULL : json_loadb(tmp.body.data ? tmp.body.data : "{}", tmp.body.len, 0, NULL);
    *error = rc ? web_error_text(rq, &tmp) : NULL;
    if (!rc && !*answer) {
        status = 500;
        *error = "the answer could not be read";
    }
    buf_free(&tmp.body);
    return status;
}

json_t *policy_web_args(web_req *rq, json_t *o)
{
    json_t *name = json_string(rq->params[0]);
    return name ? api_with_key(o, "name", name) : NULL;
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
    api_usecase(rq, rs, "policy_templates", NULL, 200);
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
    json_t *a = json_pack("{sIsI}", "limit", (json_int_t)pq.limit, "offset", (json_int_t)pq.offset);
    if (status)
        json_object_set_new(a, "status", json_string(status));
    api_usecase(rq, rs, "policy_list", a, 200);
    json_decref(a);
    return 0;
}

int api_policies_generate(web_req *rq, web_resp *rs)
{
    json_t *o = api_body_object(rq, rs);
    if (o)
        api_usecase(rq, rs, "policy_generate", o, 201);
    json_decref(o);
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

/* Run use case name on the route's policy with the members of o (NULL: none) and answer with status. */
static int on_policy(web_req *rq, web_resp *rs, const char *name, json_t *o, int status)
{
    json_t *a = policy_web_args(rq, o);
    int rc = a ? api_usecase(rq, rs, name, a, status) : -1;
    if (!a)
        web_json_error(rs, 404, "not_found", "no such policy");
    json_decref(a);
    return rc;
}

int api_policy_get(web_req *rq, web_resp *rs)
{
    int version;
    if (version_param(rq, rs, &version))
        return 0;
    json_t *o = version ? json_pack("{si}", "version", version) : NULL;
    on_policy(rq, rs, "policy_get", o, 200);
    json_decref(o);
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
    static const char *const keys[] = {"body", NULL};
    static const char *const answered[] = {"name", "title", "version", "status", "latest_version", "approved_version",
                                           "approved_by", "approved_at", "next_review", "current_next_review",
                                           "acknowledgments", "controls", "clauses", "created_at", "created_by",
                                           "evidence_id", NULL};
    if (!only_keys(rs, o, keys, answered, "a policy")) {
        /* what a read answers besides the text is the policy's own: only the text is changed */
        json_t *body = json_object_get(o, "body"), *a = body ? json_pack("{sO}", "body", body) : NULL;
        on_policy(rq, rs, "policy_edit", a, 200);
        json_decref(a);
    }
    json_decref(o);
    return 0;
}

int api_policy_approve(web_req *rq, web_resp *rs)
{
    json_t *o = api_body_object(rq, rs);
    if (o)
        on_policy(rq, rs, "policy_approve", o, 200);
    json_decref(o);
    return 0;
}

int api_policy_ack(web_req *rq, web_resp *rs)
{
    json_t *o = api_body_object(rq, rs);
    if (o && !on_policy(rq, rs, "policy_acknowledge", o, 201)) {
        /* a repeated acknowledgment changes nothing: 200 rather than 201 */
        json_t *r = json_loadb(rs->body.data ? rs->body.data : "{}", rs->body.len, 0, NULL);
        if (json_is_true(json_object_get(r, "already")))
            rs->status = 200;
        json_decref(r);
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
