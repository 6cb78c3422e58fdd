/* Server-rendered HTML pages: dashboard, SoA with its edit form, control detail, registers, gap
 * analysis, organization and exports. No JavaScript needed; every form carries the CSRF token. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "core/catalog.h"
#include "report/export.h"
#include "web/api.h"

extern const char web_css[];
void forms_soa_approve(web_req *rq, web_resp *rs);

void page_head(web_req *rq, web_resp *rs, const char *title, const char *active)
{
    rs->ctype = "text/html; charset=utf-8";
    web_html(rs,
             "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
             "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
             "<title>%s — isms</title><link rel=\"stylesheet\" href=\"/static/app.css\"></head><body>"
             "<header><a class=\"brand\" href=\"/\">isms</a><nav>",
             title);
    /* The working registers first, then the audit side, then the organization. */
    static const char *const nav[][2] = {{"/", "Dashboard"}, {"/soa", "Statement of Applicability"},
                                         {"/risks", "Risks"}, {"/assets", "Assets"}, {"/evidence", "Evidence"},
                                         {"/policies", "Policies"}, {"/people", "People"}, {"/suppliers", "Suppliers"},
                                         {"/incidents", "Incidents"}, {"/objectives", "Objectives"},
                                         {"/checks", "Checks"}, {"/gap", "Gap analysis"}, {"/readiness", "Readiness"},
                                         {"/audits", "Audits"}, {"/certification", "Certification"},
                                         {"/org", "Organization"}, {"/settings", "Settings"},
                                         {"/audit-log", "Audit log"}, {"/users", "Users"}};
    for (size_t i = 0; i < sizeof nav / sizeof *nav; i++) {
        if ((!strcmp(nav[i][0], "/audit-log") && !web_role_allows(rq->u.role, PERM_AUDIT)) ||
            (!strcmp(nav[i][0], "/users") && !web_role_allows(rq->u.role, PERM_ADMIN)))
            continue;
        /* The marker is markup, not text: it goes in the format, where %s would escape it. */
        if (active && !strcmp(active, nav[i][0]))
            web_html(rs, "<a href=\"%s\" class=\"on\" aria-current=\"page\">%s</a>", nav[i][0], nav[i][1]);
        else
            web_html(rs, "<a href=\"%s\">%s</a>", nav[i][0], nav[i][1]);
    }
    web_html(rs, "</nav><form class=\"ask\" method=\"get\" action=\"/ask\" role=\"search\"><input name=\"q\" "
                 "type=\"search\" id=\"ask-box\" placeholder=\"Ask isms…\" aria-label=\"Ask isms\"></form>"
                 "<form class=\"who\" method=\"post\" action=\"/logout\"><span><a href=\"/account\" id=\"account-link\">%s</a>"
                 " · %s</span>", rq->u.name, rq->u.role);
    if (rq->csrf)
        web_html(rs, "<input type=\"hidden\" name=\"csrf\" value=\"%s\">", rq->csrf);
    web_raw(rs, "<button type=\"submit\">Log out</button></form></header><main>");
}

void page_foot(web_resp *rs) { web_raw(rs, "</main></body></html>"); }
#define head page_head
#define foot page_foot

static int can_write(web_req *rq) { return web_role_allows(rq->u.role, PERM_WRITE); }

static void fail_page(web_req *rq, web_resp *rs, const isms_err *err)
{
    rs->status = err->code == ISMS_ENOTFOUND ? 404 : 500;
    buf_reset(&rs->body);
    head(rq, rs, "Error", "");
    web_html(rs, "<h1>Something went wrong</h1><p class=\"error\">%s</p>", err->msg);
    foot(rs);
}

static const char *level_class(const char *level) { return level; }

/* The 5x5 heat map of inherent risk as inline SVG: counts per likelihood x impact cell. */
static void heat_map(web_resp *rs, const risk_method *m, long cells[6][6])
{
    int L = m->likelihood_levels, I = m->impact_levels, cw = 64, ch = 44, ox = 40, oy = 10;
    web_html(rs, "<svg class=\"heat\" role=\"img\" aria-label=\"Risk heat map\" viewBox=\"0 0 %d %d\" width=\"%d\">",
             ox + I * cw + 10, oy + L * ch + 40, ox + I * cw + 10);
    for (int l = L; l >= 1; l--)
        for (int i = 1; i <= I; i++) {
            int x = ox + (i - 1) * cw, y = oy + (L - l) * ch;
            const char *lvl = risk_level(m, risk_score(l, i));
            web_html(rs, "<rect class=\"%s\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"><title>likelihood %d, impact %d: %ld risk(s)</title></rect>",
                     lvl, x, y, cw - 2, ch - 2, l, i, cells[l][i]);
            if (cells[l][i])
                web_html(rs, "<text x=\"%d\" y=\"%d\">%ld</text>", x + cw / 2 - 1, y + ch / 2 + 4, cells[l][i]);
        }
    for (int l = 1; l <= L; l++)
        web_html(rs, "<text class=\"axis\" x=\"%d\" y=\"%d\">%d</text>", ox - 14, oy + (L - l) * ch + ch / 2 + 4, l);
    for (int i = 1; i <= I; i++)
        web_html(rs, "<text class=\"axis\" x=\"%d\" y=\"%d\">%d</text>", ox + (i - 1) * cw + cw / 2 - 4, oy + L * ch + 14, i);
    web_html(rs, "<text class=\"axis\" x=\"%d\" y=\"%d\">impact →</text><text class=\"axis\" x=\"8\" y=\"%d\">L</text></svg>",
             ox + I * cw / 2 - 20, oy + L * ch + 32, oy + 12);
}

typedef struct due_ctx {
    web_resp *rs;
    const risk_method *m;
    const char *today;
    int n;
} due_ctx;

static int due_row(const risk *r, void *p)
{
    due_ctx *d = p;
    d->n++;
    web_html(d->rs, "<tr><td><a href=\"/risks?q=%s\">R%lld</a></td><td>%s</td><td>%s</td><td class=\"%s\">%s</td></tr>",
             r->title, (long long)r->id, r->title, r->due_date,
             strcmp(r->due_date, d->today) < 0 ? "overdue" : "", risk_plan_status(d->m, r, d->today));
    return 0;
}

/* The dashboard's content, the same for everyone, rendered into rs (cached by the caller). */
static int dashboard_body(web_req *rq, web_resp *rs)
{
    soa_entry *e = arena_alloc(rq->a, CATALOG_NCONTROLS * sizeof *e);
    gap_facts *f = arena_alloc(rq->a, sizeof *f);
    org o;
    risk_method m;
    long cells[6][6];
    isms_err err = {0};
    if (store_org_get(rq->w, rq->a, &o, &err) || store_soa_load(rq->w, rq->a, e, &err) ||
        store_gap_facts(rq->w, rq->a, e, f, &err) || store_method_get(rq->w, &m, NULL, &err) ||
        store_risk_matrix(rq->w, cells, &err)) {
        web_html(rs, "<p class=\"error\">%s</p>", err.msg);
        return -1;
    }
    gap_report r;
    gap_analyze(e, CATALOG_NCONTROLS, f, rq->a, &r);
    web_html(rs, "<h1>%s</h1><section class=\"cards\"><div class=\"card big\"><div class=\"num\" id=\"readiness\">%.1f%%</div>"
                 "<div>of Annex A controls ready (%d of %d)</div></div>",
             o.name, r.readiness, r.ready, r.total);
    web_html(rs, "<div class=\"card\"><div class=\"num\">%.1f%%</div><div>of tracked clauses met (%d of %d)</div></div>",
             r.clause_readiness, r.clauses_met, r.clauses_tracked);
    web_html(rs, "<div class=\"card\"><div class=\"num\">%ld</div><div>risks, %ld untreated, %ld overdue</div></div>",
             f->risks, f->risks_untreated, f->risks_overdue);
    /* Stage 1 readiness from the same gap analysis: the blockers `isms readiness` lists. */
    readiness_facts rf = {f, &r};
    readiness_item *ri;
    size_t blockers;
    readiness_evaluate(&rf, rq->a, &ri, &blockers);
    web_html(rs, "<div class=\"card\"><div class=\"num\" id=\"stage1-blockers\">%s</div><div><a href=\"/readiness\">%s</a>"
                 "</div></div></section>",
             arena_sprintf(rq->a, "%zu", blockers),
             blockers ? "Stage 1 blocker(s)" : "Stage 1 blockers: ready for the audit");
    web_raw(rs, "<section class=\"grid\"><div><h2>Readiness by theme</h2><table class=\"themes\">");
    for (int t = 0; t < 4; t++)
        web_html(rs, "<tr><th>%s</th><td><meter min=\"0\" max=\"100\" value=\"%.1f\"></meter></td><td>%.1f%%</td>"
                     "<td>%d/%d ready</td></tr>",
                 r.themes[t].theme, r.themes[t].readiness, r.themes[t].readiness, r.themes[t].ready, r.themes[t].total);
    web_raw(rs, "</table></div><div><h2>Inherent risk heat map</h2>");
    heat_map(rs, &m, cells);
    web_raw(rs, "</div></section><section class=\"grid\"><div><h2>Controls needing attention</h2><ul class=\"attention\">");
    int shown = 0;
    for (size_t i = 0; i < r.ncontrols && shown < 12; i++) {
        const gap_control *g = &r.controls[i];
        if (g->ready || !strcmp(g->state, "undecided"))
            continue;
        shown++;
        web_html(rs, "<li><a href=\"/soa/%s\">%s</a> %s — <span class=\"muted\">%s</span></li>", g->entry->ctl->id,
                 g->entry->ctl->id, g->entry->ctl->title, g->nmissing ? g->missing[0] : "");
    }
    if (!shown)
        web_raw(rs, "<li>None: every decided control is ready.</li>");
    int undecided = r.themes[0].undecided + r.themes[1].undecided + r.themes[2].undecided + r.themes[3].undecided;
    if (undecided)
        web_html(rs, "<li><a href=\"/soa?applicable=undecided\">%d control(s) without an SoA decision</a></li>", undecided);
    char today[11], until[11];
    store_today(today);
    snprintf(until, sizeof until, "%.4s-12-31", today); /* this calendar year, overdue included */
    web_raw(rs, "</ul></div><div><h2>Due and overdue treatments</h2><table><thead><tr><th>Risk</th><th>Title</th>"
                "<th>Due</th><th>Status</th></tr></thead><tbody>");
    due_ctx d = {rs, &m, today, 0};
    if (store_risk_due(rq->w, until, 10, due_row, &d, &err) == ISMS_OK && !d.n)
        web_raw(rs, "<tr><td colspan=\"4\">Nothing due this year.</td></tr>");
    web_raw(rs, "</tbody></table></div></section>");
    /* Nonconformities and review decisions (10.2, 9.3.3): an overdue action is a Stage 1 blocker. */
    action_rec *ac;
    size_t nac;
    if (store_action_list(rq->w, 1, rq->a, &ac, &nac, &err) == ISMS_OK) {
        web_html(rs, "<section><h2>Open actions (%ld overdue)</h2><table id=\"actions\"><thead><tr><th>Action</th>"
                     "<th>Follows</th><th>Owner</th><th>Due</th><th>Status</th></tr></thead><tbody>",
                 f->actions_overdue);
        for (size_t i = 0; i < nac && i < 10; i++) {
            int late = !strcmp(ac[i].status, "open") && strcmp(ac[i].due_date, today) < 0;
            web_html(rs, "<tr><td>%s</td><td>%s</td><td>%s</td><td class=\"%s\">%s</td><td>%s</td></tr>",
                     ac[i].description,
                     ac[i].finding_id ? arena_sprintf(rq->a, "finding %lld (%s %s)", (long long)ac[i].finding_id,
                                                      ac[i].finding_type, ac[i].ref)
                                      : arena_sprintf(rq->a, "management review %lld", (long long)ac[i].review_id),
                     ac[i].owner, late ? "overdue" : "", ac[i].due_date, late ? "overdue" : ac[i].status);
        }
        if (!nac)
            web_raw(rs, "<tr><td colspan=\"5\">No open corrective or review actions.</td></tr>");
        web_raw(rs, "</tbody></table></section>");
    }
    return 0;
}

int page_dashboard(web_req *rq, web_resp *rs)
{
    head(rq, rs, "Dashboard", "/");
    /* The body is the same for every user: keep it until something it shows changes (the gap
     * analysis's facts, the heat map, due treatments and open actions all are in DEP_GAP). */
    int64_t gen;
    char key[32];
    store_today(key);
    memmove(key + 10, ":dashboard", 11);
    if (web_cache_generation(rq->w, &gen) || !web_cache_get(key, gen, &rs->body, NULL)) {
        web_resp part = {.status = 200};
        buf_init(&part.body, 4u << 20);
        if (dashboard_body(rq, &part) == 0 && gen >= 0)
            web_cache_put_deps(key, DEP_GAP, gen, part.body.data, part.body.len, NULL);
        buf_append(&rs->body, part.body.data, part.body.len);
        buf_free(&part.body);
    }
    foot(rs);
    return 0;
}

static const char *sel(const char *a, const char *b) { return a && b && !strcasecmp(a, b) ? " selected" : ""; }

int page_soa(web_req *rq, web_resp *rs)
{
    const char *theme = web_query(rq, "theme"), *status = web_query(rq, "status"), *app = web_query(rq, "applicable");
    soa_entry *e = arena_alloc(rq->a, CATALOG_NCONTROLS * sizeof *e);
    isms_err err = {0};
    if (store_soa_load(rq->w, rq->a, e, &err)) {
        fail_page(rq, rs, &err);
        return 0;
    }
    head(rq, rs, "Statement of Applicability", "/soa");
    web_raw(rs, "<h1>Statement of Applicability</h1><form class=\"filters\" method=\"get\" action=\"/soa\">"
                "<label>Theme <select name=\"theme\"><option value=\"\">all</option>");
    for (const char *const *t = catalog_themes(); *t; t++)
        web_html(rs, "<option%s>%s</option>", sel(theme, *t), *t);
    web_raw(rs, "</select></label><label>Applicable <select name=\"applicable\"><option value=\"\">all</option>");
    static const char *const apps[] = {"yes", "no", "undecided"};
    for (int i = 0; i < 3; i++)
        web_html(rs, "<option%s>%s</option>", sel(app, apps[i]), apps[i]);
    web_raw(rs, "</select></label><label>Status <select name=\"status\"><option value=\"\">all</option>");
    static const char *const sts[] = {"not_started", "planned", "partial", "implemented"};
    for (int i = 0; i < 4; i++)
        web_html(rs, "<option%s>%s</option>", sel(status, sts[i]), sts[i]);
    web_raw(rs, "</select></label><button type=\"submit\">Filter</button></form>"
                "<p class=\"exports\">Download: <a href=\"/export/soa.xlsx\">XLSX</a> · <a href=\"/export/soa.csv\">CSV</a> · "
                "<a href=\"/export/soa.html\">HTML</a></p>");
    forms_soa_approve(rq, rs);
    web_raw(rs, ""
                "<table class=\"soa\" id=\"soa\"><thead><tr><th>Control</th><th>Theme</th><th>Title</th><th>Applicable</th>"
                "<th>Reasons</th><th>Status</th><th>Justification / implementation</th></tr></thead><tbody>");
    int want_status = status && *status ? soa_status_parse(status) : -2;
    for (int i = 0; i < CATALOG_NCONTROLS; i++) {
        int a = soa_effective_applicable(&e[i]);
        const char *atext = a == SOA_APPLICABLE ? "yes" : a == SOA_EXCLUDED ? "no" : "undecided";
        if ((theme && *theme && strcasecmp(theme, e[i].ctl->theme)) || (app && *app && strcmp(app, atext)) ||
            (want_status != -2 && (int)e[i].status != want_status))
            continue;
        web_html(rs, "<tr data-control=\"%s\"><td><a href=\"/soa/%s\">%s</a></td><td>%s</td><td>%s</td><td class=\"app-%s\">%s</td>"
                     "<td>%s</td><td>%s</td><td>%s</td></tr>",
                 e[i].ctl->id, e[i].ctl->id, e[i].ctl->id, e[i].ctl->theme, e[i].ctl->title, atext, atext,
                 soa_reasons_text(rq->a, &e[i]), e[i].status ? soa_status_name(e[i].status) : "",
                 a == SOA_EXCLUDED ? (e[i].justification ? e[i].justification : "")
                                   : (e[i].implementation ? e[i].implementation : ""));
    }
    web_raw(rs, "</tbody></table>");
    foot(rs);
    return 0;
}

static void guidance_list(web_resp *rs, const char *label, const char *text)
{
    web_html(rs, "<h3>%s</h3><ul>", label);
    for (const char *p = text; p && *p;) {
        const char *bar = strstr(p, " | ");
        size_t len = bar ? (size_t)(bar - p) : strlen(p);
        char item[1024];
        snprintf(item, sizeof item, "%.*s", (int)(len < 1023 ? len : 1023), p);
        web_html(rs, "<li>%s</li>", item);
        p = bar ? bar + 3 : NULL;
    }
    web_raw(rs, "</ul>");
}

static void control_page(web_req *rq, web_resp *rs, int idx, const soa_entry *x, const char *error)
{
    const catalog_control *c = x->ctl;
    head(rq, rs, c->id, "/soa");
    int a = soa_effective_applicable(x);
    web_html(rs, "<p><a href=\"/soa\">← Statement of Applicability</a></p><h1>%s %s</h1><p class=\"muted\">%s control</p>",
             c->id, c->title, c->theme);
    if (error)
        web_html(rs, "<p class=\"error\" role=\"alert\" id=\"form-error\">%s</p>", error);
    web_html(rs, "<section class=\"grid\"><div><h2>Decision</h2><dl><dt>Applicable</dt><dd>%s</dd><dt>Reasons</dt><dd>%s</dd>"
                 "<dt>Linked risks</dt><dd>%s</dd><dt>Status</dt><dd>%s</dd><dt>Owner</dt><dd>%s</dd></dl>",
             a == SOA_APPLICABLE ? "yes" : a == SOA_EXCLUDED ? "no" : "undecided", soa_reasons_text(rq->a, x),
             *x->risks ? x->risks : "none", x->status ? soa_status_name(x->status) : "-", x->owner ? x->owner : "-");
    if (can_write(rq)) {
        web_html(rs, "<form method=\"post\" action=\"/soa/%s\" class=\"edit\" id=\"soa-form\">"
                     "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
                     "<label>Applicable <select name=\"applicable\"><option value=\"\"%s>undecided</option>"
                     "<option value=\"yes\"%s>yes</option><option value=\"no\"%s>no</option></select></label>",
                 c->id, rq->csrf ? rq->csrf : "", x->applicable == SOA_UNDECIDED ? " selected" : "",
                 x->applicable == SOA_APPLICABLE ? " selected" : "", x->applicable == SOA_EXCLUDED ? " selected" : "");
        web_html(rs, "<label>Justification <textarea name=\"justification\" rows=\"3\">%s</textarea></label>",
                 x->justification ? x->justification : "");
        web_raw(rs, "<label>Status <select name=\"status\"><option value=\"\">-</option>");
        static const char *const sts[] = {"not_started", "planned", "partial", "implemented"};
        for (int i = 0; i < 4; i++)
            web_html(rs, "<option%s>%s</option>", (int)x->status == i + 1 ? " selected" : "", sts[i]);
        web_html(rs, "</select></label><label>How it is implemented <textarea name=\"implementation\" rows=\"3\">%s</textarea></label>"
                     "<label>Owner <input name=\"owner\" value=\"%s\"></label>"
                     "<fieldset><legend>Reasons for inclusion</legend>"
                     "<input type=\"hidden\" name=\"reasons_given\" value=\"1\">"
                     "<label class=\"inline\"><input type=\"checkbox\" name=\"legal\" value=\"1\"%s> legal</label>"
                     "<label class=\"inline\"><input type=\"checkbox\" name=\"contractual\" value=\"1\"%s> contractual</label>"
                     "<label class=\"inline\"><input type=\"checkbox\" name=\"business\" value=\"1\"%s> business</label></fieldset>"
                     "<button type=\"submit\">Save decision</button></form>",
                 x->implementation ? x->implementation : "", x->owner ? x->owner : "",
                 x->reasons & SOA_REASON_LEGAL ? " checked" : "", x->reasons & SOA_REASON_CONTRACTUAL ? " checked" : "",
                 x->reasons & SOA_REASON_BUSINESS ? " checked" : "");
    }
    web_html(rs, "</div><div><h2>Guidance</h2><p>%s</p>", c->g.purpose);
    guidance_list(rs, "How to implement it", c->g.implement);
    guidance_list(rs, "Evidence an auditor accepts", c->g.evidence);
    guidance_list(rs, "Common audit findings", c->g.findings);
    web_raw(rs, "</div></section>");
    (void)idx;
    foot(rs);
}

int page_control(web_req *rq, web_resp *rs)
{
    int i = catalog_control_index(rq->params[0]);
    if (i < 0) {
        isms_err err = {.code = ISMS_ENOTFOUND, .msg = "no such control"};
        fail_page(rq, rs, &err);
        return 0;
    }
    soa_entry *e = arena_alloc(rq->a, CATALOG_NCONTROLS * sizeof *e);
    isms_err err = {0};
    if (store_soa_load(rq->w, rq->a, e, &err)) {
        fail_page(rq, rs, &err);
        return 0;
    }
    control_page(rq, rs, i, &e[i], NULL);
    return 0;
}

int page_control_save(web_req *rq, web_resp *rs)
{
    int i = catalog_control_index(rq->params[0]);
    soa_entry *e = arena_alloc(rq->a, CATALOG_NCONTROLS * sizeof *e);
    isms_err err = {0};
    if (i < 0 || store_soa_load(rq->w, rq->a, e, &err)) {
        if (i < 0)
            err = (isms_err){.code = ISMS_ENOTFOUND, .msg = "no such control"};
        fail_page(rq, rs, &err);
        return 0;
    }
    /* The form becomes the same JSON change the API takes, so both enforce the same rules. A
     * field the form does not post keeps its value; one posted empty clears it. */
    json_t *o = json_object();
    const char *app = web_form(rq, "applicable"), *st = web_form(rq, "status");
    if (app)
        json_object_set_new(o, "applicable", !*app ? json_null() : json_boolean(!strcmp(app, "yes")));
    if (st && *st)
        json_object_set_new(o, "status", json_string(st));
    /* Unticked boxes are not posted: the hidden reasons_given says the form carried them. */
    if (web_form(rq, "reasons_given")) {
        json_t *reasons = json_array();
        static const char *const rn[] = {"legal", "contractual", "business"};
        for (int k = 0; k < 3; k++)
            if (web_form(rq, rn[k]))
                json_array_append_new(reasons, json_string(rn[k]));
        json_object_set_new(o, "reasons", reasons);
    }
    soa_entry x = e[i];
    static const char *const texts[] = {"justification", "implementation", "owner"};
    const char **shown[] = {&x.justification, &x.implementation, &x.owner};
    for (int k = 0; k < 3; k++) {
        const char *v = web_form(rq, texts[k]);
        if (v) {
            json_t *sv = json_string(v); /* NULL for bytes that are not UTF-8: then nothing */
            json_object_set_new(o, texts[k], sv ? sv : json_string(""));
            *shown[k] = *v ? v : NULL; /* shown again as typed if the change is refused */
        }
    }
    json_object_set_new(o, "control", json_string(e[i].ctl->id));
    web_resp tmp = {.status = 200};
    buf_init(&tmp.body, 1 << 16);
    int rc = api_usecase(rq, &tmp, "soa_decide", o, 0);
    json_decref(o);
    if (rc) {
        /* Show the refusal on the form, with what the user typed. */
        rs->status = 422;
        control_page(rq, rs, i, &x, web_error_text(rq, &tmp));
    } else {
        web_redirect(rs, arena_sprintf(rq->a, "/soa/%s", e[i].ctl->id));
    }
    buf_free(&tmp.body);
    return 0;
}

void forms_asset_add(web_req *rq, web_resp *rs);
void forms_asset_delete_button(web_req *rq, web_resp *rs, long long id);
void forms_risk_add(web_req *rq, web_resp *rs);
void forms_risk_actions(web_req *rq, web_resp *rs);
void forms_org(web_req *rq, web_resp *rs, const org *o);
void forms_asset_edit(web_req *rq, web_resp *rs);
void forms_risk_edit(web_req *rq, web_resp *rs);

typedef struct rows_ctx {
    web_req *rq;
    web_resp *rs;
    const risk_method *m;
    char today[11];
} rows_ctx;

static int asset_row(const asset *x, void *p)
{
    rows_ctx *c = p;
    web_html(c->rs, "<tr><td>%lld</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%d/%d/%d</td><td>%ld</td><td>",
             (long long)x->id, x->name, x->type, x->owner, x->classification, x->confidentiality, x->integrity,
             x->availability, x->nrisks);
    forms_asset_delete_button(c->rq, c->rs, (long long)x->id);
    web_raw(c->rs, "</td></tr>");
    return 0;
}

static void pager(web_resp *rs, const char *base, const page_query *pq, long total)
{
    web_html(rs, "<p class=\"pager\">%ld–%ld of %ld", total ? pq->offset + 1 : 0,
             pq->offset + pq->limit < total ? pq->offset + pq->limit : total, total);
    if (pq->offset > 0)
        web_html(rs, " · <a href=\"%s?offset=%ld\">previous</a>", base,
                 pq->offset - pq->limit > 0 ? pq->offset - pq->limit : 0);
    if (pq->offset + pq->limit < total)
        web_html(rs, " · <a href=\"%s?offset=%ld\">next</a>", base, pq->offset + pq->limit);
    web_raw(rs, "</p>");
}

static long offset_param(web_req *rq)
{
    const char *o = web_query(rq, "offset");
    long v = o ? strtol(o, NULL, 10) : 0;
    return v < 0 || v > 1000000000L ? 0 : v;
}

int page_assets(web_req *rq, web_resp *rs)
{
    page_query pq = {.limit = 100, .offset = offset_param(rq), .q = web_query(rq, "q")};
    head(rq, rs, "Assets", "/assets");
    web_raw(rs, "<h1>Asset inventory</h1>");
    const char *imported = web_query(rq, "imported");
    if (imported && *imported && strspn(imported, "0123456789") == strlen(imported) && strlen(imported) < 10)
        web_html(rs, "<p class=\"notice\" role=\"status\" id=\"imported\">Imported %s asset(s).</p>", imported);
    if (can_write(rq))
        web_raw(rs, "<p><a href=\"/assets/import\">Import assets from a CSV file</a></p>");
    forms_asset_add(rq, rs);
    forms_asset_edit(rq, rs);
    web_raw(rs, "<table id=\"assets\"><thead><tr><th>ID</th><th>Name</th><th>Type</th><th>Owner</th>"
                "<th>Classification</th><th>C/I/A</th><th>Risks</th><th></th></tr></thead><tbody>");
    rows_ctx c = {.rq = rq, .rs = rs};
    long total = 0;
    isms_err err = {0};
    store_asset_page(rq->w, &pq, asset_row, &c, &total, NULL, &err);
    web_raw(rs, "</tbody></table>");
    pager(rs, "/assets", &pq, total);
    foot(rs);
    return 0;
}

static int risk_row(const risk *r, void *p)
{
    rows_ctx *c = p;
    int s = risk_score(r->likelihood, r->impact), rs2 = risk_residual_score(r);
    web_html(c->rs, "<tr><td>R%lld</td><td>%s</td><td>%s</td><td>%s</td><td class=\"%s\">%d %s</td><td>%s</td>"
                    "<td>%s</td><td class=\"%s\">%d %s</td><td>%s</td><td>%s</td></tr>",
             (long long)r->id, r->title, r->asset ? r->asset : "", r->owner, level_class(risk_level(c->m, s)), s,
             risk_level(c->m, s), r->option ? risk_option_name(r->option) : "untreated", r->controls,
             level_class(risk_level(c->m, rs2)), rs2, risk_level(c->m, rs2), r->due_date ? r->due_date : "",
             risk_plan_status(c->m, r, c->today));
    return 0;
}

int page_risks(web_req *rq, web_resp *rs)
{
    risk_method m;
    isms_err err = {0};
    if (store_method_get(rq->w, &m, NULL, &err)) {
        fail_page(rq, rs, &err);
        return 0;
    }
    page_query pq = {.limit = 100, .offset = offset_param(rq), .q = web_query(rq, "q")};
    head(rq, rs, "Risks", "/risks");
    web_raw(rs, "<h1>Risk register and treatment plan</h1><p class=\"exports\">Download: <a href=\"/export/risks.xlsx\">XLSX</a>"
                " · <a href=\"/export/risks.csv\">CSV</a></p>");
    forms_risk_add(rq, rs);
    forms_risk_edit(rq, rs);
    forms_risk_actions(rq, rs);
    web_raw(rs, "<table id=\"risks\"><thead><tr><th>ID</th><th>Risk</th><th>Asset</th>"
                "<th>Owner</th><th>Inherent</th><th>Treatment</th><th>Controls</th><th>Residual</th><th>Due</th>"
                "<th>Status</th></tr></thead><tbody>");
    rows_ctx c = {.rq = rq, .rs = rs, .m = &m};
    store_today(c.today);
    long total = 0;
    store_risk_page(rq->w, &pq, risk_row, &c, &total, NULL, &err);
    web_raw(rs, "</tbody></table>");
    pager(rs, "/risks", &pq, total);
    foot(rs);
    return 0;
}

int page_gap(web_req *rq, web_resp *rs)
{
    soa_entry *e = arena_alloc(rq->a, CATALOG_NCONTROLS * sizeof *e);
    gap_facts *f = arena_alloc(rq->a, sizeof *f);
    isms_err err = {0};
    if (store_soa_load(rq->w, rq->a, e, &err) || store_gap_facts(rq->w, rq->a, e, f, &err)) {
        fail_page(rq, rs, &err);
        return 0;
    }
    gap_report r;
    gap_analyze(e, CATALOG_NCONTROLS, f, rq->a, &r);
    head(rq, rs, "Gap analysis", "/gap");
    web_html(rs, "<h1>Gap analysis</h1><p>%.1f%% of controls ready; %d of %d tracked clauses met.</p><h2>Clauses</h2><table>"
                 "<thead><tr><th>Clause</th><th>Title</th><th>State</th><th>Missing</th></tr></thead><tbody>",
             r.readiness, r.clauses_met, r.clauses_tracked);
    for (size_t i = 0; i < r.nclauses; i++) {
        const gap_clause *g = &r.clauses[i];
        web_html(rs, "<tr><td>%s</td><td>%s</td><td class=\"st-%s\">%s</td><td>", g->clause->id, g->clause->title, g->state,
                 g->state);
        for (int k = 0; k < g->nmissing; k++)
            web_html(rs, "%s<br>", g->missing[k]);
        web_raw(rs, "</td></tr>");
    }
    web_raw(rs, "</tbody></table><h2>Controls</h2><table><thead><tr><th>Control</th><th>Title</th><th>State</th>"
                "<th>Evidence</th><th>Missing</th></tr></thead><tbody>");
    for (size_t i = 0; i < r.ncontrols; i++) {
        const gap_control *g = &r.controls[i];
        web_html(rs, "<tr><td><a href=\"/soa/%s\">%s</a></td><td>%s</td><td class=\"st-%s\">%s</td><td>%s</td><td>",
                 g->entry->ctl->id, g->entry->ctl->id, g->entry->ctl->title, g->state, g->state,
                 evidence_status_name(g->evidence));
        for (int k = 0; k < g->nmissing; k++)
            web_html(rs, "%s<br>", g->missing[k]);
        web_raw(rs, "</td></tr>");
    }
    web_raw(rs, "</tbody></table>");
    foot(rs);
    return 0;
}

int page_org(web_req *rq, web_resp *rs)
{
    org o;
    scope_item *items;
    party *parties;
    size_t ni, np;
    isms_err err = {0};
    if (store_org_get(rq->w, rq->a, &o, &err) || store_scope_list(rq->w, rq->a, &items, &ni, &err) ||
        store_party_list(rq->w, rq->a, &parties, &np, &err)) {
        fail_page(rq, rs, &err);
        return 0;
    }
    head(rq, rs, "Organization", "/org");
    web_html(rs, "<h1>%s</h1><h2>Scope (4.3)</h2><p>%s</p><h2>Context (4.1)</h2><p>%s</p>", o.name,
             o.scope ? o.scope : "not recorded", o.context ? o.context : "not recorded");
    forms_org(rq, rs, &o);
    int w = can_write(rq);
    web_html(rs, "<h2>Scope register</h2><table id=\"scope\"><thead><tr><th>Kind</th><th>Name</th><th>In scope</th>"
                 "<th>Note</th>%s</tr></thead><tbody>", w ? "<th></th>" : "");
    for (size_t i = 0; i < ni; i++) {
        web_html(rs, "<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td>", items[i].kind, items[i].name,
                 items[i].in_scope ? "yes" : "no", items[i].note ? items[i].note : "");
        if (w)
            web_html(rs, "<td><form method=\"post\" action=\"/org/scope/%lld/delete\"><input type=\"hidden\" "
                         "name=\"csrf\" value=\"%s\"><button type=\"submit\">Remove</button></form></td>",
                     (long long)items[i].id, rq->csrf ? rq->csrf : "");
        web_raw(rs, "</tr>");
    }
    web_html(rs, "</tbody></table><h2>Interested parties (4.2)</h2><table id=\"parties\"><thead><tr><th>Party</th>"
                 "<th>Requirements</th>%s</tr></thead><tbody>", w ? "<th></th>" : "");
    for (size_t i = 0; i < np; i++) {
        web_html(rs, "<tr><td>%s</td><td>%s</td>", parties[i].name, parties[i].requirements ? parties[i].requirements : "");
        if (w)
            web_html(rs, "<td><form method=\"post\" action=\"/org/parties/%lld/delete\"><input type=\"hidden\" "
                         "name=\"csrf\" value=\"%s\"><button type=\"submit\">Remove</button></form></td>",
                     (long long)parties[i].id, rq->csrf ? rq->csrf : "");
        web_raw(rs, "</tr>");
    }
    web_raw(rs, "</tbody></table>");
    foot(rs);
    return 0;
}

/* /export/soa.xlsx and friends: the CLI's exporters, written to a temp file and sent. */
int page_export(web_req *rq, web_resp *rs)
{
    const char *what = rq->params[0];
    const char *dot = strrchr(what, '.');
    int f = dot ? export_format_parse(dot + 1) : -1;
    int soa = dot && (size_t)(dot - what) == 3 && !strncmp(what, "soa", 3);
    int risks = dot && (size_t)(dot - what) == 5 && !strncmp(what, "risks", 5);
    if (f < 0 || (!soa && !risks) || (risks && f == EXPORT_HTML)) {
        rs->status = 404;
        web_raw(rs, "no such export");
        return 0;
    }
    char tmpl[] = "/tmp/isms-export-XXXXXX";
    int fd = mkstemp(tmpl);
    if (fd < 0) {
        rs->status = 500;
        return 0;
    }
    close(fd);
    isms_err err = {0};
    org o;
    char now[32];
    store_now(now);
    int rc = store_org_get(rq->w, rq->a, &o, &err);
    export_meta meta = {rc ? "" : o.name, soa ? "live SoA" : "risk register and treatment plan", now};
    if (!rc && soa) {
        soa_entry *e = arena_alloc(rq->a, CATALOG_NCONTROLS * sizeof *e);
        rc = store_soa_load(rq->w, rq->a, e, &err) || export_soa(e, CATALOG_NCONTROLS, &meta, (export_format)f, tmpl, &err);
    } else if (!rc) {
        risk_method m;
        rc = store_method_get(rq->w, &m, NULL, &err) ||
             export_risks(rq->w, &m, &meta, (export_format)f, tmpl, NULL, NULL, &err);
    }
    FILE *in = rc ? NULL : fopen(tmpl, "rb");
    if (!in) {
        unlink(tmpl);
        fail_page(rq, rs, &err);
        return 0;
    }
    buf_reset(&rs->body);
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, in)) > 0)
        buf_append(&rs->body, chunk, n);
    fclose(in);
    unlink(tmpl);
    rs->ctype = f == EXPORT_XLSX ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
              : f == EXPORT_CSV ? "text/csv; charset=utf-8" : "text/html; charset=utf-8";
    rs->filename = what;
    return 0;
}

int page_css(web_req *rq, web_resp *rs)
{
    (void)rq;
    rs->ctype = "text/css; charset=utf-8";
    web_raw(rs, web_css);
    return 0;
}

int page_icon(web_req *rq, web_resp *rs)
{
    (void)rq;
    rs->ctype = "image/svg+xml";
    web_raw(rs, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 16 16\"><rect width=\"16\" height=\"16\" "
                "rx=\"3\" fill=\"#1f5fbf\"/><path d=\"M4 8.5l2.5 2.5L12 5.5\" stroke=\"#fff\" stroke-width=\"2\" "
                "fill=\"none\"/></svg>");
    return 0;
}
