/* Internal audits in the browser: the programme's coverage per year, the audits, planning one,
 * and one audit with its checklist, findings and completion. A refused form shows the page again
 * with the library's message and the user's input. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/lifecycle.h"
#include "web/api.h"
#include "web/audits.h"


static int writer(web_req *rq) { return web_role_allows(rq->u.role, PERM_WRITE); }

void audits_csrf(web_req *rq, web_resp *rs)
{
    web_html(rs, "<input type=\"hidden\" name=\"csrf\" value=\"%s\">", rq->csrf ? rq->csrf : "");
}

const char *audits_value(web_req *rq, const char *name)
{
    const char *v = web_form(rq, name);
    return v ? v : "";
}

void audits_refusal(web_resp *rs, const isms_err *err)
{
    if (!err)
        return;
    rs->status = web_err_status(err);
    web_html(rs, "<p class=\"error\" role=\"alert\" id=\"form-error\">%s</p>", err->msg);
}

void audits_steps(web_resp *rs, const char *label, const char *steps)
{
    if (!steps || !*steps)
        return;
    web_html(rs, "<p><strong>%s</strong></p><ul>", label);
    for (const char *p = steps; *p;) {
        const char *e = strstr(p, " | ");
        size_t l = e ? (size_t)(e - p) : strlen(p);
        char item[2048];
        snprintf(item, sizeof item, "%.*s", (int)(l < sizeof item - 1 ? l : sizeof item - 1), p);
        web_html(rs, "<li>%s</li>", item);
        p += l + (e ? 3 : 0);
    }
    web_raw(rs, "</ul>");
}

/* Links between the lifecycle's pages. */
static void subnav(web_resp *rs)
{
    web_raw(rs, "<p class=\"filters\"><a href=\"/audits\">Internal audits</a> · <a href=\"/actions\">Actions</a> · "
                "<a href=\"/reviews\">Management reviews</a> · <a href=\"/reviews/pack\">Review input pack</a></p>");
}

/* A stored comma-separated list shown with spaces so it wraps. */
static const char *spaced(web_req *rq, const char *list)
{
    if (!list)
        return "";
    size_t commas = 0;
    for (const char *p = list; *p; p++)
        commas += *p == ',';
    char *out = arena_alloc(rq->a, strlen(list) + commas + 1), *o = out;
    for (const char *p = list; *p; p++) {
        *o++ = *p;
        if (*p == ',')
            *o++ = ' ';
    }
    *o = '\0';
    return out;
}

static void programme_section(web_req *rq, web_resp *rs)
{
    lifecycle_programme p;
    isms_err err = {0};
    if (lifecycle_programme_build(rq->w, rq->a, &p, &err)) {
        web_html(rs, "<p class=\"error\">%s</p>", err.msg);
        return;
    }
    web_html(rs, "<h2>Programme</h2><p class=\"muted\">Three-year cycle from %s: every clause 4-10 each year, "
                 "controls treating risks above appetite each year (*), every other applicable control once. "
                 "%ld of %ld item(s) audited so far.</p>",
             p.cycle_start, (long)p.items_audited, (long)p.n);
    web_raw(rs, "<table id=\"programme\"><thead><tr><th>Year</th><th>From</th><th>Planned</th><th>Audited</th>"
                "<th>Coverage</th><th>Items</th></tr></thead><tbody>");
    for (int y = 0; y < 3; y++) {
        double pct = p.planned[y] ? 100.0 * (double)p.audited[y] / (double)p.planned[y] : 0;
        web_html(rs, "<tr><td>%d</td><td>%s</td><td>%ld</td><td>%ld</td><td><meter min=\"0\" max=\"100\" "
                     "value=\"%.1f\"></meter> %.1f%%</td><td><details><summary>show</summary>",
                 y + 1, p.year_from[y], (long)p.planned[y], (long)p.audited[y], pct, pct);
        for (size_t k = 0; k < p.n; k++) {
            const programme_item *it = &p.items[k];
            if ((it->years >> y) & 1)
                web_html(rs, "<span class=\"%s\" title=\"%s\">%s%s%s</span> ", (it->covered >> y) & 1 ? "st-met" : "",
                         it->title, (it->covered >> y) & 1 ? "✓" : "", it->ref, it->high_risk ? "*" : "");
        }
        web_raw(rs, "</details></td></tr>");
    }
    web_raw(rs, "</tbody></table>");
}

static void plan_form(web_req *rq, web_resp *rs)
{
    web_raw(rs, "<h2>Plan an audit</h2><form method=\"post\" action=\"/audits\" class=\"edit\" id=\"plan-form\">");
    audits_csrf(rq, rs);
    const char *year = audits_value(rq, "year");
    web_html(rs, "<label>Title <input name=\"title\" maxlength=\"500\" value=\"%s\" placeholder=\"Internal audit\"></label>"
                 "<label>Auditor <input name=\"auditor\" maxlength=\"200\" required value=\"%s\"></label>"
                 "<label>Start <input name=\"start\" type=\"date\" required value=\"%s\"></label>"
                 "<label>End <input name=\"end\" type=\"date\" value=\"%s\"></label>",
             audits_value(rq, "title"), audits_value(rq, "auditor"), audits_value(rq, "start"), audits_value(rq, "end"));
    web_raw(rs, "<label>Programme year <select name=\"year\"><option value=\"\">none: the scope below</option>");
    for (int y = 1; y <= 3; y++)
        web_html(rs, "<option value=\"%d\"%s>year %d</option>", y, year[0] - '0' == y && !year[1] ? " selected" : "", y);
    web_html(rs, "</select></label><label>Scope <input name=\"scope\" maxlength=\"2000\" value=\"%s\" "
                 "placeholder=\"4-10, annex-a, 9.2, A.5.15\"></label>"
                 "<label>Criteria <textarea name=\"criteria\" maxlength=\"20000\" placeholder=\"ISO/IEC 27001:2022 "
                 "clauses 4-10, the Statement of Applicability and the ISMS policies\">%s</textarea></label>"
                 "<p class=\"muted\">Give a programme year or a scope. The auditor must not own a control in scope.</p>"
                 "<button type=\"submit\">Plan</button></form>",
             audits_value(rq, "scope"), audits_value(rq, "criteria"));
}

static int render_audits(web_req *rq, web_resp *rs, const isms_err *refused)
{
    page_head(rq, rs, "Internal audits", "/audits");
    web_raw(rs, "<h1>Internal audits</h1><p class=\"sub\">The internal audit programme and its audits (9.2), "
                "their findings and corrective actions (10.2), and management reviews (9.3).</p>");
    subnav(rs);
    audits_refusal(rs, refused);
    programme_section(rq, rs);
    audit_rec *au;
    size_t n;
    isms_err err = {0};
    web_raw(rs, "<h2>Audits</h2><table id=\"audits\"><thead><tr><th>ID</th><th>Title</th><th>Status</th><th>Auditor</th>"
                "<th>Dates</th><th>Findings</th></tr></thead><tbody>");
    if (store_audit_list(rq->w, rq->a, &au, &n, &err))
        web_html(rs, "<tr><td colspan=\"6\" class=\"error\">%s</td></tr>", err.msg);
    else if (!n)
        web_raw(rs, "<tr><td colspan=\"6\">No internal audits yet.</td></tr>");
    for (size_t i = 0; !err.code && i < n; i++)
        web_html(rs, "<tr><td><a href=\"/audits/%lld\">%lld</a></td><td><a href=\"/audits/%lld\">%s</a></td><td>%s</td>"
                     "<td>%s</td><td>%s to %s</td><td>%ld</td></tr>",
                 (long long)au[i].id, (long long)au[i].id, (long long)au[i].id, au[i].title, au[i].status,
                 au[i].auditor, au[i].start_date, au[i].end_date, au[i].findings);
    web_raw(rs, "</tbody></table>");
    if (writer(rq))
        plan_form(rq, rs);
    page_foot(rs);
    return 0;
}

int page_audits(web_req *rq, web_resp *rs) { return render_audits(rq, rs, NULL); }

/* An optional form field: blank is absent. */
static const char *opt(web_req *rq, const char *name)
{
    const char *v = web_form(rq, name);
    return v && *v ? v : NULL;
}

int form_audit_plan(web_req *rq, web_resp *rs)
{
    audit_rec x = {.title = opt(rq, "title"), .auditor = opt(rq, "auditor"), .start_date = opt(rq, "start"),
                   .end_date = opt(rq, "end"), .scope = opt(rq, "scope"), .criteria = opt(rq, "criteria")};
    const char *y = opt(rq, "year");
    int year = 0;
    isms_err err = {0};
    if (y && (strlen(y) != 1 || y[0] < '1' || y[0] > '3'))
        err_set(&err, ISMS_EINVAL, "the programme year is 1, 2 or 3, not '%.20s'", y);
    else if (y)
        year = y[0] - '0';
    if (err.code || audits_plan(rq, &x, year, &err))
        return render_audits(rq, rs, &err);
    web_redirect(rs, arena_sprintf(rq->a, "/audits/%lld", (long long)x.id));
    return 0;
}

/* --- one audit --- */

static void not_found(web_req *rq, web_resp *rs, const char *title, const isms_err *err)
{
    rs->status = web_err_status(err);
    page_head(rq, rs, title, "/audits");
    web_html(rs, "<h1>%s</h1><p class=\"error\">%s</p><p><a href=\"/audits\">All internal audits</a></p>", title,
             err->msg);
    page_foot(rs);
}

static void checklist_section(web_req *rq, web_resp *rs, const audit_rec *x)
{
    lifecycle_check *c;
    size_t n;
    isms_err err = {0};
    web_raw(rs, "<h2>Checklist</h2>");
    if (lifecycle_checklist(rq->w, x, rq->a, &c, &n, &err)) {
        web_html(rs, "<p class=\"error\">%s</p>", err.msg);
        return;
    }
    web_raw(rs, "<div id=\"checklist\">");
    for (size_t i = 0; i < n; i++) {
        web_html(rs, "<details class=\"check\"><summary><strong>%s</strong> %s</summary><p class=\"question\">%s</p>",
                 c[i].ref, c[i].title, c[i].question);
        if (c[i].se)
            web_html(rs, "<p class=\"muted\">SoA: %s, owner %s</p>", soa_status_name(c[i].se->status),
                     c[i].se->owner ? c[i].se->owner : "–");
        audits_steps(rs, "Verify", c[i].g->implement);
        audits_steps(rs, "Evidence to sample", c[i].g->evidence);
        audits_steps(rs, "Common findings to probe", c[i].g->findings);
        if (c[i].se) {
            web_raw(rs, "<p><strong>Evidence on file</strong></p><ul class=\"evidence\">");
            for (size_t e = 0; e < c[i].nev; e++) {
                const evidence *ev = &c[i].ev[e];
                web_html(rs, "<li><a href=\"/api/v1/evidence/%lld/file\">%s</a> (%s, collected %s, valid until %s, "
                             "sha256 %s)</li>",
                         (long long)ev->id, ev->filename, ev->kind, arena_sprintf(rq->a, "%.10s", ev->collected_at),
                         ev->valid_until, arena_sprintf(rq->a, "%.12s", ev->sha256));
            }
            if (!c[i].nev)
                web_raw(rs, "<li class=\"muted\">none</li>");
            web_raw(rs, "</ul>");
        }
        web_raw(rs, "</details>");
    }
    web_raw(rs, "</div>");
}

static void findings_section(web_req *rq, web_resp *rs, const audit_rec *x)
{
    finding_rec *f;
    size_t n;
    isms_err err = {0};
    web_raw(rs, "<h2>Findings</h2><table id=\"findings\"><thead><tr><th>ID</th><th>Type</th><th>Ref</th>"
                "<th>Description</th><th>Evidence</th><th>Actions closed</th></tr></thead><tbody>");
    if (store_finding_list(rq->w, x->id, rq->a, &f, &n, &err))
        web_html(rs, "<tr><td colspan=\"6\" class=\"error\">%s</td></tr>", err.msg);
    else if (!n)
        web_raw(rs, "<tr><td colspan=\"6\">No findings.</td></tr>");
    for (size_t i = 0; !err.code && i < n; i++) {
        web_html(rs, "<tr><td>%lld</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%ld of %ld", (long long)f[i].id,
                 cycle_finding_type_label(f[i].type), f[i].ref, f[i].description, f[i].evidence ? f[i].evidence : "–",
                 f[i].actions_closed, f[i].actions);
        if (cycle_finding_is_nc(f[i].type) && !f[i].actions)
            web_raw(rs, " <span class=\"badge high\">needs a corrective action</span>");
        if (writer(rq))
            web_html(rs, " <a href=\"/actions?finding=%lld#add-action\">add action</a>", (long long)f[i].id);
        web_raw(rs, "</td></tr>");
    }
    web_raw(rs, "</tbody></table>");
}

static int render_audit(web_req *rq, web_resp *rs, int64_t id, const isms_err *refused)
{
    audit_rec x;
    isms_err err = {0};
    if (store_audit_get(rq->w, id, rq->a, &x, &err)) {
        not_found(rq, rs, "Internal audit", &err);
        return 0;
    }
    page_head(rq, rs, x.title, "/audits");
    web_html(rs, "<p class=\"sub\"><a href=\"/audits\">Internal audits</a></p><h1>%s</h1>", x.title);
    audits_refusal(rs, refused);
    web_html(rs, "<table class=\"fields\" id=\"audit\"><tbody><tr><th>Status</th><td id=\"status\">%s%s%s</td></tr>"
                 "<tr><th>Auditor</th><td>%s</td></tr><tr><th>Dates</th><td>%s to %s</td></tr>"
                 "<tr><th>Criteria</th><td>%s</td></tr><tr><th>Scope</th><td id=\"scope\">%s</td></tr>",
             x.status, x.completed_on ? " on " : "", x.completed_on ? x.completed_on : "", x.auditor, x.start_date,
             x.end_date, x.criteria, spaced(rq, x.scope));
    if (x.summary)
        web_html(rs, "<tr><th>Results</th><td id=\"summary\">%s</td></tr>", x.summary);
    web_raw(rs, "</tbody></table>");
    findings_section(rq, rs, &x);
    int open = strcmp(x.status, "completed") != 0;
    if (writer(rq) && open) {
        web_html(rs, "<h2>Add a finding</h2><form method=\"post\" action=\"/audits/%lld/findings\" class=\"edit\" "
                     "id=\"finding-form\">",
                 (long long)x.id);
        audits_csrf(rq, rs);
        const char *type = audits_value(rq, "type");
        static const char *const types[] = {"major", "minor", "observation", "improvement"};
        web_raw(rs, "<label>Type <select name=\"type\" required>");
        for (int i = 0; i < 4; i++)
            web_html(rs, "<option value=\"%s\"%s>%s</option>", types[i], !strcmp(type, types[i]) ? " selected" : "",
                     cycle_finding_type_label(types[i]));
        web_html(rs, "</select></label><label>Clause or control <input name=\"ref\" maxlength=\"31\" required "
                     "value=\"%s\" placeholder=\"A.5.23 or 9.2\"></label>"
                     "<label>Description <textarea name=\"description\" maxlength=\"20000\" required>%s</textarea></label>"
                     "<label>Evidence <textarea name=\"evidence\" maxlength=\"20000\">%s</textarea></label>"
                     "<button type=\"submit\">Record finding</button></form>",
                 audits_value(rq, "ref"), audits_value(rq, "description"), audits_value(rq, "evidence"));
        web_html(rs, "<h2>Complete the audit</h2><form method=\"post\" action=\"/audits/%lld/completion\" class=\"edit\" "
                     "id=\"complete-form\">",
                 (long long)x.id);
        audits_csrf(rq, rs);
        web_html(rs, "<label>Summary of the results <textarea name=\"summary\" maxlength=\"20000\" required>%s</textarea>"
                     "</label><label>Date <input name=\"date\" type=\"date\" value=\"%s\"></label>"
                     "<p class=\"muted\">Blank date: today. Completed audits take no more findings.</p>"
                     "<button type=\"submit\">Complete</button></form>",
                 audits_value(rq, "summary"), audits_value(rq, "date"));
    }
    checklist_section(rq, rs, &x);
    page_foot(rs);
    return 0;
}

int page_audit(web_req *rq, web_resp *rs)
{
    int64_t id;
    if (!audits_id(rq->params[0], &id)) {
        isms_err err = {0};
        err_set(&err, ISMS_ENOTFOUND, "no internal audit with id '%.40s' (isms audit list)", rq->params[0]);
        not_found(rq, rs, "Internal audit", &err);
        return 0;
    }
    return render_audit(rq, rs, id, NULL);
}

/* The audit of a form's path, or a 404 page written. */
static int form_audit_id(web_req *rq, web_resp *rs, int64_t *id)
{
    if (audits_id(rq->params[0], id))
        return 0;
    page_audit(rq, rs);
    return -1;
}

int form_audit_finding(web_req *rq, web_resp *rs)
{
    int64_t id;
    if (form_audit_id(rq, rs, &id))
        return 0;
    finding_rec f = {.audit_id = id, .type = opt(rq, "type"), .ref = opt(rq, "ref"),
                     .description = opt(rq, "description"), .evidence = opt(rq, "evidence")};
    isms_err err = {0};
    if (audits_finding_add(rq, &f, &err))
        return render_audit(rq, rs, id, &err);
    web_redirect(rs, arena_sprintf(rq->a, "/audits/%lld#findings", (long long)id));
    return 0;
}

int form_audit_complete(web_req *rq, web_resp *rs)
{
    int64_t id;
    if (form_audit_id(rq, rs, &id))
        return 0;
    isms_err err = {0};
    if (audits_complete(rq, id, opt(rq, "summary"), opt(rq, "date"), &err))
        return render_audit(rq, rs, id, &err);
    web_redirect(rs, arena_sprintf(rq->a, "/audits/%lld", (long long)id));
    return 0;
}
