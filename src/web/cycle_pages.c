/* The certification cycle, Stage 1 readiness, the control catalog and the crosswalks in the
 * browser. Forms become the same changes the JSON API makes (cycle_api.c), so the rules and
 * messages are the CLI's; downloads link to the API, which a session may call. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/catalog.h"
#include "core/crosswalk.h"
#include "core/cycle.h"
#include "report/cycle_json.h"
#include "web/api.h"
#include "web/cycle.h"


static int writer(web_req *rq) { return web_role_allows(rq->u.role, PERM_WRITE); }

static void csrf_field(web_req *rq, web_resp *rs)
{
    web_html(rs, "<input type=\"hidden\" name=\"csrf\" value=\"%s\">", rq->csrf ? rq->csrf : "");
}

static const char *or_dash(const char *s) { return s && *s ? s : "–"; }
static const char *or_empty(const char *s) { return s ? s : ""; }

/* The message of a JSON error written by an API core. */
/* --- /certification --- */

/* What the page shows besides the stored data: a refused form with the user's input, or the
 * result of a package verification. */
typedef struct cert_view {
    const char *error;
    const cert_rec *input;                 /* the refused certification form */
    const char *ms_key, *ms_due, *ms_note; /* the refused milestone form */
    int verified;
    const char *package_name;
    package_problem *pp;
    size_t np, nfiles;
} cert_view;

static void cert_form(web_req *rq, web_resp *rs, const cert_rec *cr, const cert_view *v)
{
    const cert_rec *in = v->input ? v->input : cr;
    web_html(rs, "<details%s><summary>Record the audits and the certificate</summary>"
                 "<form method=\"post\" action=\"/certification\" class=\"edit\" id=\"cert-form\">",
             v->input ? " open" : "");
    csrf_field(rq, rs);
    web_html(rs, "<p class=\"muted\">Fields left blank keep their value. Stage 2 cannot come before stage 1, nor the "
                 "certificate before stage 2.</p>"
                 "<label>Certification body <input name=\"body\" maxlength=\"200\" value=\"%s\"></label>"
                 "<label>Stage 1 audit <input name=\"stage1_date\" type=\"date\" value=\"%s\"></label>"
                 "<label>Stage 2 audit <input name=\"stage2_date\" type=\"date\" value=\"%s\"></label>"
                 "<label>Certificate number <input name=\"number\" maxlength=\"200\" value=\"%s\"></label>"
                 "<label>Issued on <input name=\"issued_on\" type=\"date\" value=\"%s\"></label>"
                 "<button type=\"submit\">Save</button></form></details>",
             or_empty(in->body), or_empty(in->stage1_date), or_empty(in->stage2_date), or_empty(in->number),
             or_empty(in->issued_on));
}

static void roadmap(web_req *rq, web_resp *rs, const milestone_rec *ms, size_t nm, const cert_view *v)
{
    char today[11];
    store_today(today);
    web_raw(rs, "<h2>Implementation roadmap</h2><p class=\"muted\">A milestone is done when the workspace shows it "
                "(scope set, risks treated, SoA approved, controls implemented, internal audit completed, review "
                "held, audit dates passed).</p><table id=\"roadmap\"><thead><tr><th>Milestone</th><th>Clause</th>"
                "<th>State</th><th>Due</th><th>Done</th><th>Note</th>");
    if (writer(rq))
        web_raw(rs, "<th>Plan</th>");
    web_raw(rs, "</tr></thead><tbody>");
    for (size_t i = 0; i < nm; i++) {
        const char *state = cycle_milestone_state(ms[i].done_on, ms[i].due_date, today);
        const char *cls = !strcmp(state, "done") ? "st-met" : !strcmp(state, "OVERDUE") ? "overdue" : "";
        web_html(rs, "<tr id=\"ms-%s\"><td>%s</td><td>%s</td><td class=\"%s\">%s</td><td>%s</td><td>%s</td><td>%s</td>",
                 ms[i].key, ms[i].title, ms[i].clause, cls, !strcmp(state, "OVERDUE") ? "overdue" : state,
                 or_dash(ms[i].due_date), or_dash(ms[i].done_on), or_dash(ms[i].note));
        if (writer(rq)) {
            int refused = v->ms_key && !strcmp(v->ms_key, ms[i].key);
            web_raw(rs, "<td><form method=\"post\" action=\"/certification/milestones\" class=\"inline\">");
            csrf_field(rq, rs);
            web_html(rs, "<input type=\"hidden\" name=\"key\" value=\"%s\">"
                         "<input name=\"due_date\" type=\"date\" required aria-label=\"Due date of %s\" value=\"%s\">"
                         "<input name=\"note\" maxlength=\"2000\" placeholder=\"note\" aria-label=\"Note on %s\" value=\"%s\">"
                         "<button type=\"submit\" class=\"small\">Plan</button></form></td>",
                     ms[i].key, ms[i].title, refused ? or_empty(v->ms_due) : or_empty(ms[i].due_date), ms[i].title,
                     refused ? or_empty(v->ms_note) : or_empty(ms[i].note));
        }
        web_raw(rs, "</tr>");
    }
    web_raw(rs, "</tbody></table>");
}

static void verification(web_req *rq, web_resp *rs, const cert_view *v)
{
    web_raw(rs, "<h2>Verify an evidence package</h2><p class=\"muted\">Checks the archive digest (any changed byte "
                "fails), the manifest, every file's SHA-256 and size, and that nothing was added — as "
                "<code>isms report verify</code> does.</p><form method=\"post\" action=\"/certification/package-verification\" "
                "enctype=\"multipart/form-data\" class=\"edit\" id=\"verify-form\">");
    csrf_field(rq, rs);
    web_raw(rs, "<label>Package (.zip) <input type=\"file\" name=\"file\" accept=\".zip\" required></label>"
                "<button type=\"submit\">Verify</button></form>");
    if (!v->verified)
        return;
    if (!v->np)
        web_html(rs, "<p class=\"notice st-met\" role=\"status\" id=\"verification\">%s is intact: the archive digest and "
                     "all %s file(s) match the manifest.</p>",
                 v->package_name, arena_sprintf(rq->a, "%zu", v->nfiles));
    else {
        web_html(rs, "<div id=\"verification\"><p class=\"error\" role=\"alert\">%s has been changed: %s problem(s).</p><ul>",
                 v->package_name, arena_sprintf(rq->a, "%zu", v->np));
        for (size_t i = 0; i < v->np; i++)
            web_html(rs, "<li><code>%s</code> %s</li>", or_empty(v->pp[i].path), v->pp[i].message);
        web_raw(rs, "</ul></div>");
    }
}

static void cert_page(web_req *rq, web_resp *rs, const cert_view *v)
{
    cert_rec cr;
    int found;
    milestone_rec *ms;
    size_t nm;
    isms_err err = {0};
    page_head(rq, rs, "Certification", "/certification");
    web_raw(rs, "<h1>Certification</h1><p class=\"sub\">The certification audits, the certificate's three-year cycle "
                "(ISO/IEC 17021-1) and the roadmap to Stage 2.</p>");
    if (v->error)
        web_html(rs, "<p class=\"error\" role=\"alert\" id=\"form-error\">%s</p>", v->error);
    else if (web_query(rq, "saved"))
        web_raw(rs, "<p class=\"notice\" role=\"status\" id=\"saved\">Saved.</p>");
    if (store_cert_get(rq->w, rq->a, &cr, &found, &err) || store_milestone_list(rq->w, rq->a, &ms, &nm, &err)) {
        web_html(rs, "<p class=\"error\">%s</p>", err.msg);
        page_foot(rs);
        return;
    }
    char today[11];
    store_today(today);
    cert_dates d;
    int have_dates = cr.issued_on && !cycle_cert_dates(cr.issued_on, &d, &err);
    web_raw(rs, "<section class=\"grid\"><div><h2>Certificate</h2>");
    if (!found)
        web_raw(rs, "<p class=\"muted\" id=\"cert-empty\">Nothing recorded yet: record the certification body and the "
                    "stage 1 and 2 audit dates.</p>");
    web_html(rs, "<table class=\"fields\" id=\"cert\"><tbody><tr><th>Certification body</th><td>%s</td></tr>"
                 "<tr><th>Stage 1 audit</th><td>%s</td></tr><tr><th>Stage 2 audit</th><td>%s</td></tr>"
                 "<tr><th>Certificate</th><td>%s</td></tr><tr><th>Issued</th><td>%s</td></tr>",
             or_dash(cr.body), or_dash(cr.stage1_date), or_dash(cr.stage2_date), or_dash(cr.number), or_dash(cr.issued_on));
    if (have_dates) {
        int expired = strcmp(d.expires_on, today) < 0;
        web_html(rs, "<tr><th>Surveillance audit 1</th><td>by %s</td></tr><tr><th>Surveillance audit 2</th><td>by %s</td></tr>"
                     "<tr><th>Recertification audit</th><td>by %s</td></tr><tr><th>Expires</th><td class=\"%s\">%s%s</td></tr>",
                 d.surveillance1_by, d.surveillance2_by, d.recert_by, expired ? "overdue" : "", d.expires_on,
                 expired ? " (expired)" : "");
    }
    web_raw(rs, "</tbody></table>");
    if (writer(rq))
        cert_form(rq, rs, &cr, v);
    web_raw(rs, "</div><div><h2>For the auditor</h2><ul id=\"downloads\">"
                "<li><a href=\"/api/v1/reports/audit?format=pdf\">Audit report (PDF)</a> · "
                "<a href=\"/api/v1/reports/audit?format=html\">HTML</a>: scope, mandatory documents, the SoA with "
                "control status and evidence hashes, risks, audits, findings, reviews</li>"
                "<li><a href=\"/api/v1/reports/package\">Evidence package (zip)</a>: the report, the SoA, the registers "
                "and every evidence file with a manifest of SHA-256 hashes</li>"
                "<li><a href=\"/api/v1/calendar.ics\">Calendar (.ics)</a>: audits, reviews, due dates and evidence "
                "expiry for your calendar</li></ul><p><a href=\"/readiness\">Stage 1 readiness</a> · "
                "<a href=\"/controls\">Control catalog and guidance</a> · "
                "<a href=\"/crosswalk\">Crosswalks and SOC 2 readiness</a></p></div></section>");
    roadmap(rq, rs, ms, nm, v);
    verification(rq, rs, v);
    page_foot(rs);
}

int page_certification(web_req *rq, web_resp *rs)
{
    cert_view v = {0};
    cert_page(rq, rs, &v);
    return 0;
}

/* A blank field keeps the stored value, as an option left out of `isms cert set` does. */
static const char *field(web_req *rq, const char *name)
{
    const char *v = web_form(rq, name);
    return v && *v ? v : NULL;
}

int form_cert_set(web_req *rq, web_resp *rs)
{
    cert_rec c = {.body = field(rq, "body"), .number = field(rq, "number"), .stage1_date = field(rq, "stage1_date"),
                  .stage2_date = field(rq, "stage2_date"), .issued_on = field(rq, "issued_on")};
    web_resp tmp = {.status = 200};
    buf_init(&tmp.body, 1 << 16);
    if (cycle_cert_apply(rq, &tmp, &c)) {
        cert_view v = {.error = web_error_text(rq, &tmp), .input = &c};
        rs->status = tmp.status >= 400 ? tmp.status : 422;
        cert_page(rq, rs, &v);
    } else {
        web_redirect(rs, "/certification?saved=1");
    }
    buf_free(&tmp.body);
    return 0;
}

int form_milestone_set(web_req *rq, web_resp *rs)
{
    const char *key = web_form(rq, "key"), *due = field(rq, "due_date"), *note = field(rq, "note");
    web_resp tmp = {.status = 200};
    buf_init(&tmp.body, 1 << 16);
    if (cycle_milestone_apply(rq, &tmp, key ? key : "", due, note)) {
        cert_view v = {.error = web_error_text(rq, &tmp), .ms_key = key, .ms_due = due, .ms_note = note};
        rs->status = tmp.status >= 400 ? tmp.status : 422;
        cert_page(rq, rs, &v);
    } else {
        web_redirect(rs, "/certification?saved=1#roadmap");
    }
    buf_free(&tmp.body);
    return 0;
}

int form_package_verify(web_req *rq, web_resp *rs)
{
    cert_view v = {0};
    isms_err err = {0};
    if (rq->upload_error) {
        rs->status = rq->upload_error->code == ISMS_ENOMEM ? 413 : 400;
        v.error = rq->upload_error->msg;
    } else if (cycle_package_check(rq, &v.pp, &v.np, &v.nfiles, &err)) {
        rs->status = err.code == ISMS_EINVAL ? 422 : 500;
        v.error = err.msg;
    } else {
        v.verified = 1;
        v.package_name = "the package";
        for (size_t i = 0; i < rq->nfiles; i++)
            if (*rq->files[i].filename)
                v.package_name = rq->files[i].filename;
    }
    cert_page(rq, rs, &v);
    return 0;
}

/* --- /readiness --- */

/* Where a requirement is fixed in the web app. */
static const char *fix_link(const char *ref, const char **label)
{
    static const char *const fixes[][3] = {
        {"4.1", "/org", "Organization and scope"},      {"4.2", "/org", "Interested parties"},
        {"Annex A", "/gap", "Gap analysis"},            {"other", "/gap", "Gap analysis"},
        {"4.3", "/org", "Organization and scope"},      {"5.2", "/evidence?control=A.5.1", "Policy evidence"},
        {"6.1.2", "/settings", "Risk method"},          {"6.1.3 d", "/soa", "Statement of Applicability"},
        {"6.1.3", "/risks", "Risks"},                   {"6.2", "/objectives", "Objectives"},
        {"7.2", "/people", "People"},                   {"7.5.1 b", "/evidence", "Evidence"},
        {"8.1", "/soa", "Statement of Applicability"},  {"8.2", "/risks", "Risks"},
        {"8.3", "/risks", "Risks"},                     {"9.1", "/evidence", "Evidence"},
        {"10.2", "/", "Open actions on the dashboard"},
    };
    for (size_t i = 0; i < sizeof fixes / sizeof *fixes; i++)
        if (!strcmp(ref, fixes[i][0]) || (!strcmp(fixes[i][0], "6.1.3") && !strcmp(ref, "6.1.3 e"))) {
            *label = fixes[i][2];
            return fixes[i][1];
        }
    *label = NULL;
    return NULL;
}

int page_readiness(web_req *rq, web_resp *rs)
{
    page_head(rq, rs, "Readiness", "/readiness");
    web_raw(rs, "<h1>Stage 1 readiness</h1><p class=\"sub\">The mandatory documented information of ISO/IEC "
                "27001:2022 and the usual Stage 1 blockers, judged on the workspace today.</p>");
    readiness_facts f;
    gap_facts *g = arena_alloc(rq->a, sizeof *g);
    isms_err err = {0};
    if (store_readiness_facts(rq->w, rq->a, &f, g, &err)) {
        web_html(rs, "<p class=\"error\">%s</p>", err.msg);
        page_foot(rs);
        return 0;
    }
    readiness_item *it;
    size_t blockers, n = readiness_evaluate(&f, rq->a, &it, &blockers);
    if (blockers)
        web_html(rs, "<p class=\"error\" id=\"readiness-summary\">Not ready for Stage 1: %s blocker(s).</p>",
                 arena_sprintf(rq->a, "%zu", blockers));
    else
        web_raw(rs, "<p class=\"notice st-met\" id=\"readiness-summary\">Ready for the Stage 1 audit.</p>");
    web_raw(rs, "<table id=\"requirements\"><thead><tr><th></th><th>Clause</th><th>Requirement</th><th>Found</th>"
                "<th>Where to fix it</th></tr></thead><tbody>");
    for (size_t i = 0; i < n; i++) {
        const char *label, *href = fix_link(it[i].ref, &label);
        char clause[16];
        snprintf(clause, sizeof clause, "%.*s", (int)strcspn(it[i].ref, " "), it[i].ref);
        web_html(rs, "<tr class=\"%s\"><td class=\"%s\">%s</td><td>%s</td><td>%s</td><td>%s</td><td>",
                 it[i].ok ? "ok" : "blocker", it[i].ok ? "st-met" : "st-gap", it[i].ok ? "ok" : "blocker", it[i].ref,
                 it[i].title, it[i].detail);
        if (href)
            web_html(rs, "<a href=\"%s\">%s</a> · ", href, label);
        web_html(rs, "<a href=\"/controls#clause-%s\">guidance</a></td></tr>", clause);
    }
    /* The gaps themselves: the same list `isms gap` and `isms readiness --json` give. */
    gap_blocker *gb;
    size_t ngb = gap_blockers(f.r, rq->a, &gb);
    web_html(rs, "</tbody></table><details id=\"gap-blockers\"%s><summary>Every gap behind the blockers (%s)</summary>"
                 "<table><thead><tr><th>Clause or control</th><th>Code</th><th>What is missing</th></tr></thead><tbody>",
             ngb && ngb <= 20 ? " open" : "", arena_sprintf(rq->a, "%zu", ngb));
    for (size_t i = 0; i < ngb; i++)
        web_html(rs, "<tr><td>%s</td><td><code>%s</code></td><td>%s</td></tr>", gb[i].ref, gb[i].code, gb[i].message);
    if (!ngb)
        web_raw(rs, "<tr><td colspan=\"3\">None: the gap analysis finds nothing missing.</td></tr>");
    web_raw(rs, "</tbody></table></details>");
    web_raw(rs, "<p class=\"muted\">Internal audits (9.2), management reviews (9.3) and corrective "
                "actions (10.2) are recorded with <code>isms audit</code>, <code>isms review</code> and "
                "<code>isms action</code>. <a href=\"/certification\">Certification and roadmap</a>.</p>");
    page_foot(rs);
    return 0;
}

/* --- /controls --- */

static void guidance_list(web_resp *rs, const char *label, const char *text)
{
    web_html(rs, "<h4>%s</h4><ul>", label);
    for (const char *p = text; p && *p;) {
        const char *bar = strstr(p, " | ");
        size_t len = bar ? (size_t)(bar - p) : strlen(p);
        char item[1024];
        snprintf(item, sizeof item, "%.*s", (int)(len < sizeof item ? len : sizeof item - 1), p);
        web_html(rs, "<li>%s</li>", item);
        p = bar ? bar + 3 : NULL;
    }
    web_raw(rs, "</ul>");
}

int page_controls(web_req *rq, web_resp *rs)
{
    const char *theme = web_query(rq, "theme");
    page_head(rq, rs, "Control catalog", "");
    web_raw(rs, "<h1>Control catalog</h1><p class=\"sub\">The 93 Annex A controls of ISO/IEC 27001:2022 and clauses "
                "4–10 with guidance: purpose, how to implement, the evidence an auditor accepts, common findings.</p>"
                "<p class=\"filters\" id=\"themes\"><a href=\"/controls\">all</a>");
    for (const char *const *t = catalog_themes(); *t; t++)
        web_html(rs, " · <a href=\"/controls?theme=%s\">%s</a>", *t, *t);
    web_raw(rs, " · <a href=\"/crosswalk\">crosswalks</a></p><h2>Annex A controls</h2><table id=\"controls\"><thead>"
                "<tr><th>Control</th><th>Theme</th><th>Title</th></tr></thead><tbody>");
    size_t n, nc;
    const catalog_control *ctl = catalog_controls(&n);
    int shown = 0;
    for (size_t i = 0; i < n; i++) {
        if (theme && *theme && strcasecmp(theme, ctl[i].theme))
            continue;
        shown++;
        web_html(rs, "<tr><td><a href=\"/soa/%s\">%s</a></td><td>%s</td><td>%s</td></tr>", ctl[i].id, ctl[i].id,
                 ctl[i].theme, ctl[i].title);
    }
    if (!shown)
        web_html(rs, "<tr><td colspan=\"3\">No theme '%s': the themes are Organizational, People, Physical and "
                     "Technological.</td></tr>", theme);
    web_raw(rs, "</tbody></table><p class=\"muted\">Each control's guidance is on its SoA page.</p>"
                "<h2>Clauses 4–10</h2><div id=\"clauses\">");
    const catalog_clause *cl = catalog_clauses(&nc);
    for (size_t i = 0; i < nc; i++) {
        web_html(rs, "<details id=\"clause-%s\"><summary><strong>%s</strong> %s</summary>", cl[i].id, cl[i].id,
                 cl[i].title);
        if (cl[i].g.purpose)
            web_html(rs, "<p>%s</p>", cl[i].g.purpose);
        guidance_list(rs, "How to implement it", cl[i].g.implement);
        guidance_list(rs, "Evidence an auditor accepts", cl[i].g.evidence);
        guidance_list(rs, "Common audit findings", cl[i].g.findings);
        web_raw(rs, "</details>");
    }
    web_raw(rs, "</div>");
    page_foot(rs);
    return 0;
}

/* --- /crosswalk --- */

static void fw_select(web_resp *rs, const char *name, const char *label, const char *cur)
{
    static const char *const fws[] = {"", "iso27001:2013", "iso27001:2022", "soc2"};
    web_html(rs, "<label>%s <select name=\"%s\">", label, name);
    for (int i = 0; i < 4; i++)
        web_html(rs, "<option value=\"%s\"%s>%s</option>", fws[i],
                 crosswalk_framework(cur) == crosswalk_framework(fws[i]) && (cur || !i) ? " selected" : "",
                 i ? crosswalk_framework_title(i) : "—");
    web_raw(rs, "</select></label>");
}

static void answer_html(web_req *rq, web_resp *rs, const crosswalk_answer *x)
{
    web_raw(rs, "<div id=\"crosswalk-result\">");
    if (x->from == CROSSWALK_FW_2013) {
        web_html(rs, "<p>ISO/IEC 27001:2013 %s maps to ISO/IEC 27001:2022:</p><ul>", crosswalk_2013_id(x->i2013));
        for (size_t k = 0; k < x->n2022; k++)
            web_html(rs, "<li><a href=\"/soa/%s\">%s</a> %s (%s)</li>", x->to2022[k]->id, x->to2022[k]->id,
                     x->to2022[k]->title, x->to2022[k]->theme);
    } else if (x->from == CROSSWALK_FW_SOC2) {
        web_html(rs, "<p>SOC 2 %s (%s) maps to ISO/IEC 27001:2022:</p><ul>", x->soc2->id, x->soc2->series);
        for (size_t k = 0; k < x->soc2->ntargets; k++) {
            const crosswalk_target *t = &x->soc2->targets[k];
            web_html(rs, "<li><a href=\"%s\">%s</a> %s %s</li>",
                     t->ctl ? arena_sprintf(rq->a, "/soa/%s", t->id) : arena_sprintf(rq->a, "/controls#clause-%s", t->id),
                     t->id, t->ctl ? "control" : "clause", t->ctl ? t->ctl->title : t->clause->title);
        }
    } else if (x->to == CROSSWALK_FW_2013) {
        if (!x->n2013)
            web_html(rs, "<p>ISO/IEC 27001:2022 %s %s is new in 2022: no 2013 control maps to it.</p><ul>", x->ctl->id,
                     x->ctl->title);
        else
            web_html(rs, "<p>ISO/IEC 27001:2022 %s %s comes from ISO/IEC 27001:2013:</p><ul>", x->ctl->id, x->ctl->title);
        for (size_t k = 0; k < x->n2013; k++)
            web_html(rs, "<li>%s</li>", crosswalk_2013_id(x->from2013[k]));
    } else {
        const crosswalk_target *t = &x->target;
        web_html(rs, "<p>ISO/IEC 27001:2022 %s %s %s %s</p><ul>", t->ctl ? "control" : "clause", t->id,
                 t->ctl ? t->ctl->title : t->clause->title,
                 x->ncriteria ? "maps to SOC 2:" : "— no SOC 2 criterion in the crosswalk maps to it.");
        for (size_t k = 0; k < x->ncriteria; k++)
            web_html(rs, "<li>%s %s</li>", x->criteria[k]->id, x->criteria[k]->series);
    }
    web_raw(rs, "</ul></div>");
}

static void soc2_table(web_req *rq, web_resp *rs)
{
    crosswalk_readiness *r;
    size_t n;
    isms_err err = {0};
    web_raw(rs, "<h2>SOC 2 readiness from the ISO evidence</h2><p class=\"muted\">A control counts when applicable, "
                "implemented, with fresh evidence and no failing check; a clause when the gap analysis finds it met.</p>");
    if (report_soc2_readiness(rq->w, rq->a, &r, &n, &err)) {
        web_html(rs, "<p class=\"error\">%s</p>", err.msg);
        return;
    }
    int count[3] = {0};
    for (size_t i = 0; i < n; i++)
        count[r[i].state]++;
    web_html(rs, "<p id=\"soc2-totals\">%s criteria: %s covered, %s partial, %s not covered.</p>",
             arena_sprintf(rq->a, "%zu", n), arena_sprintf(rq->a, "%d", count[CROSSWALK_COVERED]),
             arena_sprintf(rq->a, "%d", count[CROSSWALK_PARTIAL]), arena_sprintf(rq->a, "%d", count[CROSSWALK_NOT_COVERED]));
    web_raw(rs, "<table id=\"soc2\"><thead><tr><th>Criterion</th><th>Series</th><th>State</th><th>Covered</th>"
                "<th>Missing</th></tr></thead><tbody>");
    for (size_t i = 0; i < n; i++) {
        const char *st = r[i].state == CROSSWALK_NOT_COVERED ? "not covered" : crosswalk_state_name(r[i].state);
        web_html(rs, "<tr><td>%s</td><td>%s</td><td class=\"%s\">%s</td><td>%s of %s</td><td>", r[i].crit->id,
                 r[i].crit->series, r[i].state == CROSSWALK_COVERED ? "st-met" : "st-gap", st,
                 arena_sprintf(rq->a, "%zu", r[i].ncovered), arena_sprintf(rq->a, "%zu", r[i].crit->ntargets));
        for (size_t k = 0; k < r[i].crit->ntargets; k++)
            if (!r[i].targets[k].covered)
                web_html(rs, "<div><strong>%s</strong> <span class=\"muted\">%s</span></div>", r[i].targets[k].target->id,
                         r[i].targets[k].why);
        web_raw(rs, "</td></tr>");
    }
    web_html(rs, "</tbody></table><p class=\"muted\">%s</p>", crosswalk_soc2_source);
}

int page_crosswalk(web_req *rq, web_resp *rs)
{
    const char *from = web_query(rq, "from"), *to = web_query(rq, "to"), *id = web_query(rq, "id");
    if (from && !*from)
        from = NULL;
    if (to && !*to)
        to = NULL;
    crosswalk_answer x;
    isms_err err = {0};
    int asked = id && *id, rc = asked ? crosswalk_lookup(from, to, id, &x, &err) : 0;
    if (rc)
        rs->status = err.code == ISMS_ENOTFOUND ? 404 : 422;
    page_head(rq, rs, "Crosswalks", "");
    web_raw(rs, "<h1>Crosswalks</h1><p class=\"sub\">ISO/IEC 27001:2013 ↔ 2022 and SOC 2 ↔ ISO/IEC 27001:2022, "
                "as <code>isms map</code> answers.</p><form method=\"get\" action=\"/crosswalk\" class=\"edit\" "
                "id=\"crosswalk-form\">");
    fw_select(rs, "from", "From", from);
    fw_select(rs, "to", "To", to);
    web_html(rs, "<label>ID <input name=\"id\" placeholder=\"A.9.4.2, CC6.1, A.5.15\" value=\"%s\" required></label>"
                 "<button type=\"submit\">Map</button></form><p class=\"muted\">From ISO 27001:2013 A.9.4.2 gives its 2022 "
                 "controls; from SOC 2 CC6.1 its ISO controls and clauses; from 2022 to 2013 or to SOC 2 the reverse.</p>",
             or_empty(id));
    if (rc)
        web_html(rs, "<p class=\"error\" role=\"alert\" id=\"form-error\">%s</p>", err.msg);
    else if (asked)
        answer_html(rq, rs, &x);
    soc2_table(rq, rs);
    page_foot(rs);
    return 0;
}
