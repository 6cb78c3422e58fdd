/* Editing the registers in the browser: assets, risks (assessment, treatment, acceptance),
 * organization and scope, users (admin) and the audit log (auditor). Forms become the same
 * changes the JSON API makes, so the rules and messages are the CLI's. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/catalog.h"
#include "web/api.h"
#include "web/checks.h"


/* The message of a JSON error written by an API core. */
static void csrf_field(web_req *rq, web_resp *rs)
{
    web_html(rs, "<input type=\"hidden\" name=\"csrf\" value=\"%s\">", rq->csrf ? rq->csrf : "");
}

static int writer(web_req *rq) { return web_role_allows(rq->u.role, PERM_WRITE); }

/* Put a form field into o as a string, or as an integer when numeric is set; empty fields are left out. */
static void put(web_req *rq, json_t *o, const char *field, int numeric)
{
    const char *v = web_form(rq, field);
    if (!v || !*v)
        return;
    if (numeric) {
        char *end;
        long n = strtol(v, &end, 10);
        json_object_set_new(o, field, *end ? json_string(v) : json_integer(n));
    } else {
        json_object_set_new(o, field, json_string(v));
    }
}

/* Run an API core with a scratch response; on refusal show the message on page `back`. */
typedef int (*core_fn)(web_req *rq, web_resp *tmp, void *ctx);

static int run_form(web_req *rq, web_resp *rs, core_fn fn, void *ctx, const char *ok, const char *title)
{
    web_resp tmp = {.status = 200};
    buf_init(&tmp.body, 1 << 16);
    if (fn(rq, &tmp, ctx)) {
        rs->status = tmp.status >= 400 ? tmp.status : 422;
        page_head(rq, rs, title, "");
        web_html(rs, "<h1>%s</h1><p class=\"error\" role=\"alert\" id=\"form-error\">%s</p>"
                     "<p>Go back, correct the value and submit again.</p>",
                 title, web_error_text(rq, &tmp));
        page_foot(rs);
    } else {
        web_redirect(rs, ok);
    }
    buf_free(&tmp.body);
    return 0;
}

/* --- assets --- */

static int asset_create_core(web_req *rq, web_resp *tmp, void *ctx)
{
    (void)ctx;
    json_t *o = json_object();
    static const char *const f[] = {"name", "type", "owner", "classification", "description"};
    for (int i = 0; i < 5; i++)
        put(rq, o, f[i], 0);
    put(rq, o, "confidentiality", 1);
    put(rq, o, "integrity", 1);
    put(rq, o, "availability", 1);
    asset x = {0};
    int rc = api_asset_apply(rq, tmp, &x, o, 1);
    json_decref(o);
    return rc;
}

int form_asset_create(web_req *rq, web_resp *rs)
{
    return run_form(rq, rs, asset_create_core, NULL, "/assets", "Add an asset");
}

static int asset_delete_core(web_req *rq, web_resp *tmp, void *ctx)
{
    (void)ctx;
    asset x;
    isms_err err = {0};
    if (store_asset_get(rq->w, rq->params[0], rq->a, &x, &err)) {
        web_json_fail(tmp, &err);
        return -1;
    }
    return api_asset_delete_id(rq, tmp, x.id);
}

int form_asset_delete(web_req *rq, web_resp *rs)
{
    return run_form(rq, rs, asset_delete_core, NULL, "/assets", "Delete an asset");
}

void forms_asset_add(web_req *rq, web_resp *rs)
{
    if (!writer(rq))
        return;
    web_raw(rs, "<details><summary>Add an asset</summary><form method=\"post\" action=\"/assets\" class=\"edit\">");
    csrf_field(rq, rs);
    web_raw(rs, "<label>Name <input name=\"name\" required></label>"
                "<label>Type <select name=\"type\"><option>information</option><option>software</option>"
                "<option>hardware</option><option>service</option><option>cloud</option><option>network</option>"
                "<option>people</option><option>facility</option></select></label>"
                "<label>Owner <input name=\"owner\" required></label>"
                "<label>Classification <select name=\"classification\"><option>public</option><option selected>internal</option>"
                "<option>confidential</option><option>restricted</option></select></label>"
                "<label>Confidentiality <input name=\"confidentiality\" type=\"number\" min=\"1\" max=\"3\" value=\"2\"></label>"
                "<label>Integrity <input name=\"integrity\" type=\"number\" min=\"1\" max=\"3\" value=\"2\"></label>"
                "<label>Availability <input name=\"availability\" type=\"number\" min=\"1\" max=\"3\" value=\"2\"></label>"
                "<label>Description <input name=\"description\"></label><button type=\"submit\">Add asset</button>"
                "</form></details>");
}

void forms_asset_delete_button(web_req *rq, web_resp *rs, long long id)
{
    if (!writer(rq))
        return;
    web_html(rs, "<form method=\"post\" action=\"/assets/%lld/delete\" class=\"inline\">", id);
    csrf_field(rq, rs);
    web_raw(rs, "<button type=\"submit\" class=\"small\">Delete</button></form>");
}

/* --- risks --- */

static int risk_create_core(web_req *rq, web_resp *tmp, void *ctx)
{
    json_t *o = json_object();
    static const char *const f[] = {"title", "asset", "threat", "vulnerability", "owner"};
    for (int i = 0; i < 5; i++)
        put(rq, o, f[i], 0);
    put(rq, o, "likelihood", 1);
    put(rq, o, "impact", 1);
    int rc = api_risk_apply(rq, tmp, 0, o, (int64_t *)ctx);
    json_decref(o);
    return rc;
}

int form_risk_create(web_req *rq, web_resp *rs)
{
    int64_t id = 0;
    return run_form(rq, rs, risk_create_core, &id, "/risks", "Add a risk");
}

static int64_t risk_id(web_req *rq)
{
    const char *p = rq->params[0];
    if (p && (*p == 'R' || *p == 'r'))
        p++;
    char *end;
    long long v = p ? strtoll(p, &end, 10) : 0;
    return p && *p && !*end && v > 0 ? v : 0;
}

static int risk_treat_core(web_req *rq, web_resp *tmp, void *ctx)
{
    (void)ctx;
    json_t *o = json_object();
    static const char *const f[] = {"option", "controls", "treatment_owner", "due_date", "plan"};
    for (int i = 0; i < 5; i++)
        put(rq, o, f[i], 0);
    put(rq, o, "residual_likelihood", 1);
    put(rq, o, "residual_impact", 1);
    /* done: "yes" or "no" changes it; blank (or left out) keeps it, as the other fields do. */
    const char *done = web_form(rq, "done");
    if (done && (!strcmp(done, "yes") || !strcmp(done, "1")))
        json_object_set_new(o, "done", json_true());
    else if (done && !strcmp(done, "no"))
        json_object_set_new(o, "done", json_false());
    int64_t id = risk_id(rq);
    int rc = id ? api_risk_treat_apply(rq, tmp, id, o) : -1;
    if (!id)
        web_json_error(tmp, 404, "not_found", "no such risk");
    json_decref(o);
    return rc;
}

int form_risk_treat(web_req *rq, web_resp *rs)
{
    return run_form(rq, rs, risk_treat_core, NULL, "/risks", "Record a treatment");
}

static int risk_accept_core(web_req *rq, web_resp *tmp, void *ctx)
{
    (void)ctx;
    int64_t id = risk_id(rq);
    if (!id) {
        web_json_error(tmp, 404, "not_found", "no such risk");
        return -1;
    }
    return api_risk_accept_apply(rq, tmp, id, web_form(rq, "by"));
}

int form_risk_accept(web_req *rq, web_resp *rs)
{
    return run_form(rq, rs, risk_accept_core, NULL, "/risks", "Accept a residual risk");
}

static int risk_delete_core(web_req *rq, web_resp *tmp, void *ctx)
{
    (void)ctx;
    int64_t id = risk_id(rq);
    if (!id) {
        web_json_error(tmp, 404, "not_found", "no such risk");
        return -1;
    }
    return api_risk_delete_id(rq, tmp, id);
}

int form_risk_delete(web_req *rq, web_resp *rs)
{
    return run_form(rq, rs, risk_delete_core, NULL, "/risks", "Delete a risk");
}

void forms_risk_add(web_req *rq, web_resp *rs)
{
    if (!writer(rq))
        return;
    web_raw(rs, "<details><summary>Add a risk</summary><form method=\"post\" action=\"/risks\" class=\"edit\">");
    csrf_field(rq, rs);
    web_raw(rs, "<label>Title <input name=\"title\" required></label><label>Asset (id or name) <input name=\"asset\"></label>"
                "<label>Threat (text or library id, e.g. T01) <input name=\"threat\" required></label>"
                "<label>Vulnerability (text or library id, e.g. V01) <input name=\"vulnerability\" required></label>"
                "<label>Likelihood <input name=\"likelihood\" type=\"number\" min=\"1\" max=\"5\" required></label>"
                "<label>Impact <input name=\"impact\" type=\"number\" min=\"1\" max=\"5\" required></label>"
                "<label>Owner <input name=\"owner\" required></label><button type=\"submit\">Add risk</button></form></details>");
}

/* The per-risk action forms shown under the register. */
void forms_risk_actions(web_req *rq, web_resp *rs)
{
    if (!writer(rq))
        return;
    web_raw(rs, "<details><summary>Treat, accept or delete a risk</summary><form method=\"post\" class=\"edit\" "
                "action=\"/risks/treatment\" id=\"treat-form\">");
    csrf_field(rq, rs);
    web_raw(rs, "<label>Risk id <input name=\"id\" required placeholder=\"R12\"></label>"
                "<p class=\"muted\">On a risk already treated, fields left blank keep their value.</p>"
                "<label>Option <select name=\"option\"><option value=\"\">unchanged (a new treatment: choose)</option>"
                "<option>mitigate</option><option>accept</option>"
                "<option>transfer</option><option>avoid</option></select></label>"
                "<label>Controls <input name=\"controls\" placeholder=\"A.8.5,A.5.17\"></label>"
                "<label>Residual likelihood <input name=\"residual_likelihood\" type=\"number\" min=\"1\" max=\"5\"></label>"
                "<label>Residual impact <input name=\"residual_impact\" type=\"number\" min=\"1\" max=\"5\"></label>"
                "<label>Treatment owner <input name=\"treatment_owner\"></label>"
                "<label>Due date <input name=\"due_date\" type=\"date\"></label><label>Plan <input name=\"plan\"></label>"
                "<label>Done <select name=\"done\"><option value=\"\">unchanged</option><option value=\"yes\">yes</option>"
                "<option value=\"no\">no</option></select></label>"
                "<button type=\"submit\">Record treatment</button></form>"
                "<form method=\"post\" class=\"edit\" action=\"/risks/acceptance\">");
    csrf_field(rq, rs);
    web_raw(rs, "<label>Risk id <input name=\"id\" required></label><label>Accepted by (the risk owner) <input name=\"by\" "
                "required></label><button type=\"submit\">Record acceptance</button></form>"
                "<form method=\"post\" class=\"edit\" action=\"/risks/deletion\">");
    csrf_field(rq, rs);
    web_raw(rs, "<label>Risk id <input name=\"id\" required></label><button type=\"submit\">Delete risk</button></form>"
                "</details>");
}

/* The action forms name the risk in a field; route them through the per-id cores. */
static int with_form_id(web_req *rq, web_resp *rs, int (*fn)(web_req *, web_resp *))
{
    rq->params[0] = web_form(rq, "id");
    return fn(rq, rs);
}
int form_risk_treat_any(web_req *rq, web_resp *rs) { return with_form_id(rq, rs, form_risk_treat); }
int form_risk_accept_any(web_req *rq, web_resp *rs) { return with_form_id(rq, rs, form_risk_accept); }
int form_risk_delete_any(web_req *rq, web_resp *rs) { return with_form_id(rq, rs, form_risk_delete); }

/* --- organization --- */

static int org_core(web_req *rq, web_resp *tmp, void *ctx)
{
    (void)ctx;
    return api_org_apply(rq, tmp, web_form(rq, "name"), web_form(rq, "scope"), web_form(rq, "context"));
}

int form_org(web_req *rq, web_resp *rs) { return run_form(rq, rs, org_core, NULL, "/org", "Organization"); }

typedef struct scope_ctx {
    int party;
} scope_ctx;

static int do_scope(web_req *rq, void *ctx, isms_err *err)
{
    int64_t id;
    if (((scope_ctx *)ctx)->party) {
        party p = {0, web_form(rq, "name"), web_form(rq, "requirements")};
        return store_party_add(rq->w, &p, &id, err);
    }
    const char *kind = web_form(rq, "kind");
    scope_item it = {0, kind ? kind : "", web_form(rq, "name"), !web_form(rq, "out"), web_form(rq, "note")};
    return store_scope_add(rq->w, &it, &id, err);
}

static int scope_core(web_req *rq, web_resp *tmp, void *ctx) { return api_in_tx(rq, tmp, do_scope, ctx); }

int form_scope_add(web_req *rq, web_resp *rs)
{
    scope_ctx c = {0};
    return run_form(rq, rs, scope_core, &c, "/org", "Scope");
}

int form_party_add(web_req *rq, web_resp *rs)
{
    scope_ctx c = {1};
    return run_form(rq, rs, scope_core, &c, "/org", "Interested parties");
}

void forms_org(web_req *rq, web_resp *rs, const org *o)
{
    if (!writer(rq))
        return;
    web_raw(rs, "<details><summary>Edit the organization, scope and context</summary>"
                "<form method=\"post\" action=\"/org\" class=\"edit\">");
    csrf_field(rq, rs);
    web_html(rs, "<label>Name <input name=\"name\" value=\"%s\"></label>"
                 "<label>Scope statement (4.3) <textarea name=\"scope\" rows=\"3\">%s</textarea></label>"
                 "<label>Internal and external issues (4.1) <textarea name=\"context\" rows=\"3\">%s</textarea></label>"
                 "<button type=\"submit\">Save</button></form>",
             o->name, o->scope ? o->scope : "", o->context ? o->context : "");
    web_raw(rs, "<form method=\"post\" action=\"/org/scope\" class=\"edit\">");
    csrf_field(rq, rs);
    web_raw(rs, "<label>Kind <select name=\"kind\"><option>unit</option><option>location</option><option>system</option>"
                "</select></label><label>Name <input name=\"name\" required></label><label>Note <input name=\"note\"></label>"
                "<label class=\"inline\"><input type=\"checkbox\" name=\"out\" value=\"1\"> out of scope</label>"
                "<button type=\"submit\">Add to the scope register</button></form>"
                "<form method=\"post\" action=\"/org/parties\" class=\"edit\">");
    csrf_field(rq, rs);
    web_raw(rs, "<label>Interested party <input name=\"name\" required></label><label>Requirements <input "
                "name=\"requirements\"></label><button type=\"submit\">Add interested party</button></form></details>");
}

void forms_user_admin(web_req *rq, web_resp *rs);

/* --- users (admin) --- */

typedef struct user_ctx {
    char password[USER_PASSWORD_GENERATED + 1];
} user_ctx;

static int do_user_add(web_req *rq, void *ctx, isms_err *err)
{
    int64_t id;
    return store_user_add(rq->w, web_form(rq, "name"), web_form(rq, "role"), ((user_ctx *)ctx)->password, &id, err);
}

static int user_add_core(web_req *rq, web_resp *tmp, void *ctx)
{
    user_ctx *u = ctx;
    isms_err err = {0};
    if (user_password_generate(u->password, &err)) {
        web_json_fail(tmp, &err);
        return -1;
    }
    return api_in_tx(rq, tmp, do_user_add, u);
}

int form_user_add(web_req *rq, web_resp *rs)
{
    user_ctx u = {0};
    web_resp tmp = {.status = 200};
    buf_init(&tmp.body, 1 << 16);
    int rc = user_add_core(rq, &tmp, &u);
    page_head(rq, rs, "Users", "/users");
    if (rc) {
        rs->status = tmp.status;
        web_html(rs, "<p class=\"error\" role=\"alert\" id=\"form-error\">%s</p>", web_error_text(rq, &tmp));
    } else {
        web_html(rs, "<h1>User %s created</h1><p>Give them this password, shown once: <code id=\"new-password\">%s</code></p>",
                 web_form(rq, "name"), u.password);
    }
    web_raw(rs, "<p><a href=\"/users\">Back to users</a></p>");
    page_foot(rs);
    buf_free(&tmp.body);
    return 0;
}

int page_users(web_req *rq, web_resp *rs)
{
    user *u;
    size_t n;
    isms_err err = {0};
    page_head(rq, rs, "Users", "/users");
    web_raw(rs, "<h1>Users</h1><table><thead><tr><th>Name</th><th>Role</th><th>Two-factor</th><th>State</th></tr></thead><tbody>");
    if (store_user_list(rq->w, rq->a, &u, &n, &err) == ISMS_OK)
        for (size_t i = 0; i < n; i++)
            web_html(rs, "<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>", u[i].name, u[i].role,
                     u[i].mfa_enabled ? "on" : "off", u[i].disabled ? "disabled" : "active");
    web_raw(rs, "</tbody></table><h2>Add a user</h2><form method=\"post\" action=\"/users\" class=\"edit\">");
    csrf_field(rq, rs);
    web_raw(rs, "<label>Name <input name=\"name\" required></label><label>Role <select name=\"role\"><option>viewer</option>"
                "<option>editor</option><option>auditor</option><option>admin</option></select></label>"
                "<button type=\"submit\">Add user</button></form>"
                "<p class=\"muted\">Two-factor authentication is set up with <code>isms user mfa enable</code>.</p>");
    forms_user_admin(rq, rs);
    page_users_tokens(rq, rs);
    page_foot(rs);
    return 0;
}

/* --- the audit log (auditor, admin) --- */

typedef struct log_ctx {
    web_resp *rs;
    int64_t from, to;
} log_ctx;

static int log_row(const audit_entry *e, void *p)
{
    log_ctx *l = p;
    if (e->seq < l->from)
        return 0;
    if (e->seq > l->to)
        return 1;
    web_html(l->rs, "<tr><td>%lld</td><td>%s</td><td>%s</td><td>%s</td><td>%s %s</td><td><code>%s</code></td><td><code>%s</code></td></tr>",
             (long long)e->seq, e->at, e->actor, e->action, e->entity, e->entity_id ? e->entity_id : "",
             e->before ? e->before : "", e->after ? e->after : "");
    return 0;
}

int page_audit_log(web_req *rq, web_resp *rs)
{
    int64_t bad, count;
    isms_err err = {0};
    store_audit_verify(rq->w, &bad, &count, &err);
    const char *o = web_query(rq, "from");
    long long from = o ? atoll(o) : 1;
    if (from < 1)
        from = 1;
    page_head(rq, rs, "Audit log", "/audit-log");
    web_html(rs, "<h1>Audit log</h1><p id=\"chain\" class=\"%s\">%s</p>", bad ? "error" : "muted",
             bad ? err.msg : "Every entry is intact: each carries the hash of the one before.");
    web_raw(rs, "<table><thead><tr><th>#</th><th>When</th><th>Who</th><th>Action</th><th>What</th><th>Before</th>"
                "<th>After</th></tr></thead><tbody>");
    log_ctx l = {rs, from, from + 199};
    store_audit_each(rq->w, log_row, &l, &err);
    web_raw(rs, "</tbody></table>");
    if (from + 200 <= count)
        web_html(rs, "<p class=\"pager\"><a href=\"/audit-log?from=%lld\">next</a></p>", from + 200);
    page_foot(rs);
    return 0;
}

/* --- editing one asset or one risk's assessment --- */

static int asset_edit_core(web_req *rq, web_resp *tmp, void *ctx)
{
    (void)ctx;
    asset x;
    isms_err err = {0};
    if (store_asset_get(rq->w, web_form(rq, "id"), rq->a, &x, &err)) {
        web_json_fail(tmp, &err);
        return -1;
    }
    json_t *o = json_object();
    static const char *const f[] = {"name", "type", "owner", "classification", "description"};
    for (int i = 0; i < 5; i++)
        put(rq, o, f[i], 0);
    put(rq, o, "confidentiality", 1);
    put(rq, o, "integrity", 1);
    put(rq, o, "availability", 1);
    int rc = api_asset_apply(rq, tmp, &x, o, 0);
    json_decref(o);
    return rc;
}

int form_asset_edit(web_req *rq, web_resp *rs)
{
    return run_form(rq, rs, asset_edit_core, NULL, "/assets", "Edit an asset");
}

static int risk_edit_core(web_req *rq, web_resp *tmp, void *ctx)
{
    (void)ctx;
    rq->params[0] = web_form(rq, "id");
    int64_t id = risk_id(rq), out;
    if (!id) {
        web_json_error(tmp, 404, "not_found", "no such risk");
        return -1;
    }
    json_t *o = json_object();
    static const char *const f[] = {"title", "asset", "threat", "vulnerability", "owner"};
    for (int i = 0; i < 5; i++)
        put(rq, o, f[i], 0);
    put(rq, o, "likelihood", 1);
    put(rq, o, "impact", 1);
    int rc = api_risk_apply(rq, tmp, id, o, &out);
    json_decref(o);
    return rc;
}

int form_risk_edit(web_req *rq, web_resp *rs)
{
    return run_form(rq, rs, risk_edit_core, NULL, "/risks", "Edit a risk");
}

void forms_asset_edit(web_req *rq, web_resp *rs)
{
    if (!writer(rq))
        return;
    web_raw(rs, "<details><summary>Edit an asset</summary><form method=\"post\" action=\"/assets/edit\" class=\"edit\">");
    csrf_field(rq, rs);
    web_raw(rs, "<label>Asset id or name <input name=\"id\" required></label>"
                "<p class=\"muted\">Only the fields you fill in change.</p>"
                "<label>Name <input name=\"name\"></label><label>Owner <input name=\"owner\"></label>"
                "<label>Type <select name=\"type\"><option value=\"\">unchanged</option><option>information</option>"
                "<option>software</option><option>hardware</option><option>service</option><option>cloud</option>"
                "<option>network</option><option>people</option><option>facility</option></select></label>"
                "<label>Classification <select name=\"classification\"><option value=\"\">unchanged</option>"
                "<option>public</option><option>internal</option><option>confidential</option><option>restricted</option>"
                "</select></label><label>Confidentiality <input name=\"confidentiality\" type=\"number\" min=\"1\" max=\"3\"></label>"
                "<label>Integrity <input name=\"integrity\" type=\"number\" min=\"1\" max=\"3\"></label>"
                "<label>Availability <input name=\"availability\" type=\"number\" min=\"1\" max=\"3\"></label>"
                "<label>Description <input name=\"description\"></label><button type=\"submit\">Save asset</button>"
                "</form></details>");
}

void forms_risk_edit(web_req *rq, web_resp *rs)
{
    if (!writer(rq))
        return;
    web_raw(rs, "<details><summary>Re-assess a risk</summary><form method=\"post\" action=\"/risks/assessment\" class=\"edit\">");
    csrf_field(rq, rs);
    web_raw(rs, "<label>Risk id <input name=\"id\" required placeholder=\"R12\"></label>"
                "<p class=\"muted\">Only the fields you fill in change.</p>"
                "<label>Title <input name=\"title\"></label><label>Asset (id or name, or none) <input name=\"asset\"></label>"
                "<label>Threat <input name=\"threat\"></label><label>Vulnerability <input name=\"vulnerability\"></label>"
                "<label>Likelihood <input name=\"likelihood\" type=\"number\" min=\"1\" max=\"5\"></label>"
                "<label>Impact <input name=\"impact\" type=\"number\" min=\"1\" max=\"5\"></label>"
                "<label>Owner <input name=\"owner\"></label><button type=\"submit\">Save assessment</button></form></details>");
}

/* --- SoA approval, user administration, the risk methodology --- */

static int do_approve(web_req *rq, void *ctx, isms_err *err)
{
    int v;
    (void)ctx;
    return store_soa_approve(rq->w, web_form(rq, "by"), web_form(rq, "note"), &v, err);
}

static int approve_core(web_req *rq, web_resp *tmp, void *ctx) { return api_in_tx(rq, tmp, do_approve, ctx); }

int form_soa_approve(web_req *rq, web_resp *rs)
{
    return run_form(rq, rs, approve_core, NULL, "/soa", "Approve the Statement of Applicability");
}

void forms_soa_approve(web_req *rq, web_resp *rs)
{
    if (!writer(rq))
        return;
    web_raw(rs, "<details><summary>Approve this Statement of Applicability as the next version</summary>"
                "<form method=\"post\" action=\"/soa/approval\" class=\"edit\" id=\"approve-form\">");
    csrf_field(rq, rs);
    web_raw(rs, "<label>Approved by <input name=\"by\" required placeholder=\"name and role of the approver\"></label>"
                "<label>Note <input name=\"note\"></label><button type=\"submit\">Approve</button></form></details>");
}

typedef struct user_op {
    int what; /* 0 role, 1 disable, 2 enable */
} user_op;

static int do_user_admin(web_req *rq, void *ctx, isms_err *err)
{
    const user_op *op = ctx;
    const char *name = web_form(rq, "name");
    return op->what == 0 ? store_user_set_role(rq->w, name, web_form(rq, "role"), err)
                         : store_user_disable(rq->w, name, op->what == 1, err);
}

static int user_admin_core(web_req *rq, web_resp *tmp, void *ctx)
{
    user_op *op = ctx;
    const char *name = web_form(rq, "name");
    if (!name || !*name || !strcmp(name, rq->u.name)) {
        /* An admin locking themselves out is a mistake no one means to make. */
        web_json_error(tmp, 422, "invalid", "name another user than yourself");
        return -1;
    }
    return api_in_tx(rq, tmp, do_user_admin, op);
}

int form_user_admin(web_req *rq, web_resp *rs)
{
    const char *action = web_form(rq, "action");
    user_op op = {action && !strcmp(action, "disable") ? 1 : action && !strcmp(action, "enable") ? 2 : 0};
    return run_form(rq, rs, user_admin_core, &op, "/users", "Users");
}

void forms_user_admin(web_req *rq, web_resp *rs)
{
    web_raw(rs, "<h2>Change a user</h2><form method=\"post\" action=\"/users/change\" class=\"edit\">");
    csrf_field(rq, rs);
    web_raw(rs, "<label>User <input name=\"name\" required></label><label>Action <select name=\"action\">"
                "<option value=\"role\">set role</option><option value=\"disable\">disable</option>"
                "<option value=\"enable\">enable</option></select></label><label>Role <select name=\"role\">"
                "<option>viewer</option><option>editor</option><option>auditor</option><option>admin</option></select>"
                "</label><button type=\"submit\">Apply</button></form>"
                "<h2>Reset a password or two-factor</h2><form method=\"post\" action=\"/users/reset\" class=\"edit\" "
                "id=\"reset-form\">");
    csrf_field(rq, rs);
    web_raw(rs, "<label>User <input name=\"name\" required></label><label>Action <select name=\"action\">"
                "<option value=\"password\">reset the password (a new one is shown once)</option>"
                "<option value=\"mfa_off\">turn off two-factor (a lost device)</option></select></label>"
                "<button type=\"submit\">Reset</button></form>");
}

static int do_method(web_req *rq, void *ctx, isms_err *err) { return store_method_set(rq->w, ctx, err); }

static int method_core(web_req *rq, web_resp *tmp, void *ctx)
{
    (void)ctx;
    isms_err err = {0};
    risk_method m;
    if (store_method_get(rq->w, &m, NULL, &err)) {
        web_json_fail(tmp, &err);
        return -1;
    }
    static const char *const f[] = {"likelihood_levels", "impact_levels", "low_max", "medium_max", "high_max", "appetite"};
    int *dst[] = {&m.likelihood_levels, &m.impact_levels, &m.low_max, &m.medium_max, &m.high_max, &m.appetite};
    for (int i = 0; i < 6; i++) {
        const char *v = web_form(rq, f[i]);
        if (!v || !*v)
            continue;
        char *end;
        long n = strtol(v, &end, 10);
        if (*end || n < 1 || n > 25) {
            web_json_error(tmp, 422, "invalid", "%s: '%s' is not a whole number from 1 to 25", f[i], v);
            return -1;
        }
        *dst[i] = (int)n;
    }
    return api_in_tx(rq, tmp, do_method, &m);
}

int form_method(web_req *rq, web_resp *rs)
{
    return run_form(rq, rs, method_core, NULL, "/settings", "Risk methodology");
}

int page_settings(web_req *rq, web_resp *rs)
{
    risk_method m;
    int confirmed;
    isms_err err = {0};
    page_head(rq, rs, "Settings", "/settings");
    if (store_method_get(rq->w, &m, &confirmed, &err)) {
        web_html(rs, "<p class=\"error\">%s</p>", err.msg);
        page_foot(rs);
        return 0;
    }
    web_html(rs, "<h1>Risk methodology</h1><p>%s</p><table id=\"method\"><tr><th>Likelihood levels</th><td>%d</td></tr>"
                 "<tr><th>Impact levels</th><td>%d</td></tr><tr><th>Low up to</th><td>%d</td></tr>"
                 "<tr><th>Medium up to</th><td>%d</td></tr><tr><th>High up to</th><td>%d</td></tr>"
                 "<tr><th>Risk appetite (highest residual score accepted without sign-off)</th><td>%d</td></tr></table>",
             confirmed ? "Reviewed and saved." : "Defaults, not yet reviewed (6.1.2 asks for a defined methodology).",
             m.likelihood_levels, m.impact_levels, m.low_max, m.medium_max, m.high_max, m.appetite);
    if (web_role_allows(rq->u.role, PERM_ADMIN)) {
        web_raw(rs, "<h2>Change it</h2><form method=\"post\" action=\"/settings/method\" class=\"edit\">");
        csrf_field(rq, rs);
        web_html(rs, "<label>Likelihood levels (3-5) <input name=\"likelihood_levels\" type=\"number\" value=\"%d\"></label>"
                     "<label>Impact levels (3-5) <input name=\"impact_levels\" type=\"number\" value=\"%d\"></label>"
                     "<label>Low up to <input name=\"low_max\" type=\"number\" value=\"%d\"></label>"
                     "<label>Medium up to <input name=\"medium_max\" type=\"number\" value=\"%d\"></label>"
                     "<label>High up to <input name=\"high_max\" type=\"number\" value=\"%d\"></label>"
                     "<label>Appetite <input name=\"appetite\" type=\"number\" value=\"%d\"></label>"
                     "<button type=\"submit\">Save methodology</button></form>",
                 m.likelihood_levels, m.impact_levels, m.low_max, m.medium_max, m.high_max, m.appetite);
    }
    page_foot(rs);
    return 0;
}
