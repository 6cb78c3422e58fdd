/* The people, supplier, incident and objective registers in the browser: a list with problem
 * badges, and forms to add, edit, delete and add child records. Forms become the same changes the
 * JSON API makes (registers_api.c), so the rules and messages are the CLI's. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "web/api.h"
#include "web/registers.h"


static const char *const intro[REG_NKINDS] = {
    [REG_PERSON] = "Screening, terms and NDA, security awareness training and leavers (A.6.1-A.6.6, clauses 7.2, 7.3).",
    [REG_SUPPLIER] = "Suppliers with access to information or critical to the service (A.5.19-A.5.22).",
    [REG_INCIDENT] = "Information security incidents with their timeline and lessons learned (A.5.24-A.5.28, A.6.8).",
    [REG_OBJECTIVE] = "Information security objectives, how they are measured and whether they are on track (6.2).",
};

/* Columns of each register's table besides id, problems and actions. */
static const char *const cols[REG_NKINDS][6] = {
    [REG_PERSON] = {"name", "email", "department", "end_date", "@last_training", NULL},
    [REG_SUPPLIER] = {"name", "risk_rating", "data_access", "security_clauses", "next_review", NULL},
    [REG_INCIDENT] = {"title", "severity", "status", "detected_at", "@events", NULL},
    [REG_OBJECTIVE] = {"objective", "@target", "@latest", "@track", "owner", NULL},
};

static int writer(web_req *rq) { return web_role_allows(rq->u.role, PERM_WRITE); }

static void csrf_field(web_req *rq, web_resp *rs)
{
    web_html(rs, "<input type=\"hidden\" name=\"csrf\" value=\"%s\">", rq->csrf ? rq->csrf : "");
}

static const char *col_head(int k, const char *c)
{
    if (c[0] != '@')
        return reg_kinds[k].fields[reg_field_index(k, c)].label;
    return !strcmp(c, "@last_training") ? "Last training" : !strcmp(c, "@events") ? "Events"
         : !strcmp(c, "@target") ? "Target" : !strcmp(c, "@latest") ? "Latest" : "Track";
}

static const char *col_value(web_req *rq, int k, const reg_rec *r, const char *c)
{
    if (c[0] != '@')
        return reg_get(k, r, c);
    if (!strcmp(c, "@last_training") || !strcmp(c, "@events") || !strcmp(c, "@latest"))
        return r->d[0];
    if (!strcmp(c, "@target")) {
        const char *unit = reg_get(k, r, "unit");
        return arena_sprintf(rq->a, "%s %s%s%s", !strcmp(reg_get(k, r, "direction"), "at_most") ? "≤" : "≥",
                             reg_get(k, r, "target"), unit ? " " : "", unit ? unit : "");
    }
    return reg_track_name(reg_objective_track(r));
}

typedef struct rows_ctx {
    web_req *rq;
    web_resp *rs;
    int k, only_problems;
    long shown, with_problems;
    char today[11];
} rows_ctx;

static int row(const reg_rec *r, void *p)
{
    rows_ctx *c = p;
    const char *probs[8];
    int n = reg_problems(c->k, r, c->today, c->rq->a, probs, 8);
    c->with_problems += n > 0;
    if (c->only_problems && !n)
        return 0;
    c->shown++;
    web_html(c->rs, "<tr><td><a href=\"/%s/%lld\">%lld</a></td>", reg_kinds[c->k].path, (long long)r->id,
             (long long)r->id);
    for (const char *const *col = cols[c->k]; *col; col++) {
        const char *v = col_value(c->rq, c->k, r, *col);
        web_html(c->rs, "<td>%s</td>", v ? v : "–");
    }
    web_raw(c->rs, "<td>");
    for (int i = 0; i < n; i++)
        web_html(c->rs, "<span class=\"badge high\">%s</span> ", probs[i]);
    if (!n)
        web_raw(c->rs, "<span class=\"muted\">none</span>");
    web_raw(c->rs, "</td><td>");
    if (writer(c->rq)) {
        web_html(c->rs, "<form method=\"post\" action=\"/%s/%lld/delete\" class=\"inline\">", reg_kinds[c->k].path,
                 (long long)r->id);
        csrf_field(c->rq, c->rs);
        web_raw(c->rs, "<button type=\"submit\" class=\"small\">Delete</button></form>");
    }
    web_raw(c->rs, "</td></tr>");
    return 0;
}

/* Inputs for every field of kind k, filled from r when given; with for_edit nothing is required
 * and blanks mean unchanged. */
static void field_inputs(web_resp *rs, int k, int for_edit, const reg_rec *r)
{
    const reg_kind *K = &reg_kinds[k];
    for (int i = 0; i < K->nfields; i++) {
        const reg_field *f = &K->fields[i];
        const char *req = f->required && !f->def && !for_edit ? " required" : "";
        web_html(rs, "<label>%s ", f->label);
        if (f->type == RF_ENUM || f->type == RF_YESNO) {
            web_html(rs, "<select name=\"%s\">", f->name);
            if (for_edit || !f->required)
                web_raw(rs, "<option value=\"\"></option>");
            static const char *const yesno[] = {"no", "yes", NULL};
            const char *cur = r && r->v[i] ? r->v[i] : !for_edit ? f->def : NULL;
            for (const char *const *c = f->type == RF_YESNO ? yesno : f->choices; *c; c++)
                web_html(rs, "<option%s>%s</option>", cur && !strcmp(cur, *c) ? " selected" : "", *c);
            web_raw(rs, "</select>");
        } else if (f->type == RF_NOTE) {
            web_html(rs, "<textarea name=\"%s\" maxlength=\"%d\"%s>%s</textarea>", f->name, f->max, req,
                     r && r->v[i] ? r->v[i] : "");
        } else {
            const char *type = f->type == RF_DATE ? "date" : f->type == RF_EMAIL ? "email" : "text";
            web_html(rs, "<input name=\"%s\" type=\"%s\" maxlength=\"%d\" value=\"%s\"%s>", f->name, type, f->max,
                     r && r->v[i] ? r->v[i] : "", req);
        }
        web_raw(rs, "</label>");
    }
}

static void forms(web_req *rq, web_resp *rs, int k)
{
    const reg_kind *K = &reg_kinds[k];
    if (!writer(rq))
        return;
    web_html(rs, "<details><summary>Add</summary><form method=\"post\" action=\"/%s\" class=\"edit\">", K->path);
    csrf_field(rq, rs);
    field_inputs(rs, k, 0, NULL);
    web_raw(rs, "<button type=\"submit\">Add</button></form></details>");
    web_html(rs, "<details><summary>Edit</summary><form method=\"post\" action=\"/%s/edit\" class=\"edit\">"
                 "<p class=\"muted\">Fields left blank keep their value.</p>",
             K->path);
    csrf_field(rq, rs);
    web_raw(rs, "<label>ID <input name=\"id\" required></label>");
    field_inputs(rs, k, 1, NULL);
    web_raw(rs, "<button type=\"submit\">Save</button></form></details>");
    if (K->child >= 0) {
        const reg_kind *C = &reg_kinds[K->child];
        web_html(rs, "<details><summary>Add to %s</summary><form method=\"post\" action=\"/%s/%s\" class=\"edit\">",
                 C->title, K->path, C->path);
        csrf_field(rq, rs);
        web_html(rs, "<label>%s ID <input name=\"id\" required></label>", K->entity);
        field_inputs(rs, K->child, 0, NULL);
        web_raw(rs, "<button type=\"submit\">Add</button></form></details>");
    }
}

int page_reg_list(web_req *rq, web_resp *rs)
{
    int k = api_reg_kind(rq);
    const reg_kind *K = &reg_kinds[k];
    const char *pr = web_query(rq, "problems");
    rows_ctx c = {.rq = rq, .rs = rs, .k = k, .only_problems = pr && *pr && strcmp(pr, "0")};
    store_today(c.today);
    page_head(rq, rs, K->title, arena_sprintf(rq->a, "/%s", K->path));
    web_html(rs, "<h1>%s</h1><p class=\"sub\">%s</p>", K->title, intro[k]);
    forms(rq, rs, k);
    web_html(rs, "<p class=\"filters\"><a href=\"/%s\">all</a> · <a href=\"/%s?problems=1\">only with problems</a></p>",
             K->path, K->path);
    web_html(rs, "<table id=\"%s\"><thead><tr><th>ID</th>", K->path);
    for (const char *const *col = cols[k]; *col; col++)
        web_html(rs, "<th>%s</th>", col_head(k, *col));
    web_raw(rs, "<th>Problems</th><th></th></tr></thead><tbody>");
    isms_err err = {0};
    int rc = store_reg_each(rq->w, k, NULL, 0, web_query(rq, "q"), 0, row, &c, &err);
    web_raw(rs, "</tbody></table>");
    if (rc)
        web_html(rs, "<p class=\"error\">%s</p>", err.msg);
    web_html(rs, "<p class=\"muted\" id=\"summary\">%ld shown; %ld with problems</p>", c.shown, c.with_problems);
    page_foot(rs);
    return 0;
}

typedef struct kids_ctx {
    web_resp *rs;
    int k;
    long n;
} kids_ctx;

static int kid_row(const reg_rec *r, void *p)
{
    kids_ctx *c = p;
    c->n++;
    web_raw(c->rs, "<tr>");
    for (int i = 0; i < reg_kinds[c->k].nfields; i++)
        web_html(c->rs, "<td>%s</td>", r->v[i] ? r->v[i] : "–");
    web_raw(c->rs, "</tr>");
    return 0;
}

int page_reg_show(web_req *rq, web_resp *rs)
{
    int k = api_reg_kind(rq);
    const reg_kind *K = &reg_kinds[k];
    reg_rec r;
    isms_err err = {0};
    char today[11];
    store_today(today);
    if (store_reg_get(rq->w, k, rq->params[0], rq->a, &r, &err)) {
        rs->status = err.code == ISMS_ENOTFOUND ? 404 : 500;
        page_head(rq, rs, K->title, "");
        web_html(rs, "<h1>%s</h1><p class=\"error\">%s</p>", K->title, err.msg);
        page_foot(rs);
        return 0;
    }
    page_head(rq, rs, r.v[K->label], arena_sprintf(rq->a, "/%s", K->path));
    web_html(rs, "<p class=\"sub\"><a href=\"/%s\">%s</a></p><h1>%s</h1>", K->path, K->title, r.v[K->label]);
    const char *probs[8];
    int n = reg_problems(k, &r, today, rq->a, probs, 8);
    web_raw(rs, "<ul id=\"problems\">");
    for (int i = 0; i < n; i++)
        web_html(rs, "<li><span class=\"badge high\">%s</span></li>", probs[i]);
    web_raw(rs, "</ul><table class=\"fields\"><tbody>");
    for (int i = 0; i < K->nfields; i++)
        web_html(rs, "<tr><th>%s</th><td>%s</td></tr>", K->fields[i].label, r.v[i] ? r.v[i] : "–");
    if (k == REG_OBJECTIVE)
        web_html(rs, "<tr><th>Track</th><td>%s</td></tr>", reg_track_name(reg_objective_track(&r)));
    web_raw(rs, "</tbody></table>");
    if (K->child >= 0) {
        const reg_kind *C = &reg_kinds[K->child];
        web_html(rs, "<h2>%s</h2><table id=\"%s\"><thead><tr>", C->title, C->path);
        for (int i = 0; i < C->nfields; i++)
            web_html(rs, "<th>%s</th>", C->fields[i].label);
        web_raw(rs, "</tr></thead><tbody>");
        kids_ctx kc = {rs, K->child, 0};
        if (store_reg_each(rq->w, K->child, NULL, 0, NULL, r.id, kid_row, &kc, &err))
            web_html(rs, "<tr><td class=\"error\">%s</td></tr>", err.msg);
        web_raw(rs, "</tbody></table>");
        if (writer(rq)) {
            web_html(rs, "<details><summary>Add</summary><form method=\"post\" action=\"/%s/%s\" class=\"edit\">",
                     K->path, C->path);
            csrf_field(rq, rs);
            web_html(rs, "<input type=\"hidden\" name=\"id\" value=\"%lld\">", (long long)r.id);
            field_inputs(rs, K->child, 0, NULL);
            web_raw(rs, "<button type=\"submit\">Add</button></form></details>");
        }
    }
    if (writer(rq)) {
        web_html(rs, "<h2>Edit</h2><form method=\"post\" action=\"/%s/edit\" class=\"edit\">", K->path);
        csrf_field(rq, rs);
        web_html(rs, "<input type=\"hidden\" name=\"id\" value=\"%lld\"><input type=\"hidden\" name=\"replace\" value=\"1\">",
                 (long long)r.id);
        field_inputs(rs, k, 1, &r);
        web_raw(rs, "<button type=\"submit\">Save</button></form>");
    }
    page_foot(rs);
    return 0;
}

/* --- forms --- */

/* The message of a JSON error written by an API core. */
/* The form's fields of kind k as a JSON object; blanks are left out, or with `replace` (a form
 * showing every current value) they clear the field. */
static json_t *form_object(web_req *rq, int k, int replace)
{
    json_t *o = json_object();
    for (int i = 0; i < reg_kinds[k].nfields; i++) {
        const char *v = web_form(rq, reg_kinds[k].fields[i].name);
        if (v && *v)
            json_object_set_new(o, reg_kinds[k].fields[i].name, json_string(v));
        else if (v && replace)
            json_object_set_new(o, reg_kinds[k].fields[i].name, json_null());
    }
    return o;
}

enum { FORM_CREATE, FORM_EDIT, FORM_DELETE, FORM_CHILD };

static int run(web_req *rq, web_resp *rs, int what)
{
    int k = api_reg_kind(rq);
    const reg_kind *K = &reg_kinds[k];
    web_resp tmp = {.status = 200};
    buf_init(&tmp.body, 1 << 16);
    int rc = 0;
    reg_rec r = {0};
    isms_err err = {0};
    json_t *o = NULL;
    const char *ref = what == FORM_DELETE ? rq->params[0] : web_form(rq, "id");
    if (what != FORM_CREATE && store_reg_get(rq->w, k, ref, rq->a, &r, &err)) {
        web_json_fail(&tmp, &err);
        rc = -1;
    } else if (what == FORM_DELETE) {
        rc = api_reg_delete_id(rq, &tmp, k, r.id);
    } else if (what == FORM_CHILD) {
        reg_rec kid = {.parent_id = r.id};
        o = form_object(rq, K->child, 0);
        rc = api_reg_apply(rq, &tmp, K->child, &kid, o, 1);
    } else {
        o = form_object(rq, k, what == FORM_EDIT && web_form(rq, "replace"));
        rc = api_reg_apply(rq, &tmp, k, &r, o, what == FORM_CREATE);
    }
    json_decref(o);
    if (rc) {
        rs->status = tmp.status >= 400 ? tmp.status : 422;
        page_head(rq, rs, K->title, "");
        web_html(rs, "<h1>%s</h1><p class=\"error\" role=\"alert\" id=\"form-error\">%s</p>"
                     "<p>Go back, correct the value and submit again.</p>",
                 K->title, web_error_text(rq, &tmp));
        page_foot(rs);
    } else {
        /* back to the record after changing it, to the list after adding or deleting one */
        if (what == FORM_EDIT || what == FORM_CHILD)
            web_redirect(rs, arena_sprintf(rq->a, "/%s/%lld", K->path, (long long)r.id));
        else
            web_redirect(rs, arena_sprintf(rq->a, "/%s", K->path));
    }
    buf_free(&tmp.body);
    return 0;
}

int form_reg_create(web_req *rq, web_resp *rs) { return run(rq, rs, FORM_CREATE); }
int form_reg_edit(web_req *rq, web_resp *rs) { return run(rq, rs, FORM_EDIT); }
int form_reg_delete(web_req *rq, web_resp *rs) { return run(rq, rs, FORM_DELETE); }
int form_reg_child(web_req *rq, web_resp *rs) { return run(rq, rs, FORM_CHILD); }
