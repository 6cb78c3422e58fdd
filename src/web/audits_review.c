/* Corrective and review actions, management reviews, feedback and the review input pack in the
 * browser. The forms make the same changes as the API (audits_api.c) with the library's rules. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/lifecycle.h"
#include "report/review_pack.h"
#include "web/api.h"
#include "web/audits.h"


static int writer(web_req *rq) { return web_role_allows(rq->u.role, PERM_WRITE); }

static const char *opt(web_req *rq, const char *name)
{
    const char *v = web_form(rq, name);
    return v && *v ? v : NULL;
}

/* The value for an input: the submitted one, else the query's (a link's preset), else "". */
static const char *preset(web_req *rq, const char *name)
{
    const char *v = web_form(rq, name);
    if (!v)
        v = web_query(rq, name);
    return v ? v : "";
}

static void subnav(web_resp *rs)
{
    web_raw(rs, "<p class=\"filters\"><a href=\"/audits\">Internal audits</a> · <a href=\"/actions\">Actions</a> · "
                "<a href=\"/reviews\">Management reviews</a> · <a href=\"/reviews/pack\">Review input pack</a></p>");
}

static void error_page(web_req *rq, web_resp *rs, const char *title, const char *back, const isms_err *err)
{
    rs->status = web_err_status(err);
    page_head(rq, rs, title, "/audits");
    web_html(rs, "<h1>%s</h1><p class=\"error\">%s</p><p><a href=\"%s\">Back</a></p>", title, err->msg, back);
    page_foot(rs);
}

/* --- actions --- */

static void action_forms(web_req *rq, web_resp *rs, const action_rec *x)
{
    if (!writer(rq))
        return;
    if (!strcmp(x->status, "open")) {
        web_html(rs, "<form method=\"post\" action=\"/actions/%lld/done\" class=\"inline\">", (long long)x->id);
        audits_csrf(rq, rs);
        web_raw(rs, "<input name=\"date\" type=\"date\" aria-label=\"Implemented on (blank: today)\">"
                    "<button type=\"submit\" class=\"small\">Mark done</button></form>");
    } else if (!strcmp(x->status, "implemented")) {
        web_html(rs, "<form method=\"post\" action=\"/actions/%lld/verification\" class=\"inline verify\">",
                 (long long)x->id);
        audits_csrf(rq, rs);
        web_raw(rs, "<select name=\"effective\" aria-label=\"Effective\"><option value=\"yes\">effective</option>"
                    "<option value=\"no\">not effective</option></select>"
                    "<input name=\"note\" required placeholder=\"How it was checked\" aria-label=\"Note\" maxlength=\"20000\">"
                    "<input name=\"by\" required placeholder=\"Checked by\" aria-label=\"Checked by\" maxlength=\"200\">"
                    "<button type=\"submit\" class=\"small\">Verify</button></form>");
    }
}

static int render_actions(web_req *rq, web_resp *rs, const isms_err *refused)
{
    const char *o = web_query(rq, "open");
    int open_only = o && *o && strcmp(o, "0");
    char today[11];
    store_today(today);
    action_rec *x;
    size_t n;
    isms_err err = {0};
    page_head(rq, rs, "Actions", "/audits");
    web_raw(rs, "<h1>Actions</h1><p class=\"sub\">Corrective actions for nonconformities with their effectiveness "
                "check (10.2), and the actions management reviews decided (9.3.3).</p>");
    subnav(rs);
    audits_refusal(rs, refused);
    int rc = store_action_list(rq->w, open_only, rq->a, &x, &n, &err);
    long late = 0;
    for (size_t i = 0; !rc && i < n; i++)
        late += cycle_action_overdue(&x[i], today);
    web_html(rs, "<p class=\"filters\"><a href=\"/actions\">all</a> · <a href=\"/actions?open=1\">open only</a> · "
                 "<span id=\"overdue-count\">%ld overdue</span></p>",
             late);
    web_raw(rs, "<table id=\"actions\"><thead><tr><th>ID</th><th>Follows</th><th>Actions</th><th>Root cause</th>"
                "<th>Owner</th><th>Due</th><th>Status</th><th>Effectiveness</th><th></th></tr></thead><tbody>");
    if (rc)
        web_html(rs, "<tr><td colspan=\"9\" class=\"error\">%s</td></tr>", err.msg);
    else if (!n)
        web_raw(rs, "<tr><td colspan=\"9\">No actions.</td></tr>");
    for (size_t i = 0; !rc && i < n; i++) {
        int od = cycle_action_overdue(&x[i], today);
        web_html(rs, "<tr id=\"action-%lld\"", (long long)x[i].id);
        web_raw(rs, od ? " class=\"overdue\">" : ">");
        web_html(rs, "<td>%lld</td><td>", (long long)x[i].id);
        if (x[i].finding_id)
            web_html(rs, "finding %lld (%s %s)", (long long)x[i].finding_id, x[i].finding_type, x[i].ref);
        else
            web_html(rs, "<a href=\"/reviews/%lld\">management review %lld</a>", (long long)x[i].review_id,
                     (long long)x[i].review_id);
        web_html(rs, "</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s", x[i].description,
                 x[i].root_cause ? x[i].root_cause : "–", x[i].owner, x[i].due_date, x[i].status);
        if (od)
            web_raw(rs, " <span class=\"badge high\">overdue</span>");
        web_html(rs, "</td><td>%s%s%s</td><td>", x[i].effectiveness ? x[i].effectiveness : "",
                 x[i].verified_by ? " — " : "", x[i].verified_by ? x[i].verified_by : "");
        action_forms(rq, rs, &x[i]);
        web_raw(rs, "</td></tr>");
    }
    web_raw(rs, "</tbody></table>");
    if (writer(rq)) {
        web_raw(rs, "<h2 id=\"add-action\">Add an action</h2><form method=\"post\" action=\"/actions\" class=\"edit\" "
                    "id=\"action-form\"><p class=\"muted\">For a finding (a nonconformity needs its root cause) or for "
                    "a management review: give one of the two.</p>");
        audits_csrf(rq, rs);
        web_html(rs, "<label>Finding ID <input name=\"finding\" inputmode=\"numeric\" value=\"%s\"></label>"
                     "<label>Review ID <input name=\"review\" inputmode=\"numeric\" value=\"%s\"></label>"
                     "<label>Actions <textarea name=\"actions\" maxlength=\"20000\" required>%s</textarea></label>"
                     "<label>Root cause <textarea name=\"root_cause\" maxlength=\"20000\">%s</textarea></label>"
                     "<label>Owner <input name=\"owner\" maxlength=\"200\" required value=\"%s\"></label>"
                     "<label>Due <input name=\"due\" type=\"date\" required value=\"%s\"></label>"
                     "<button type=\"submit\">Add action</button></form>",
                 preset(rq, "finding"), preset(rq, "review"), audits_value(rq, "actions"),
                 audits_value(rq, "root_cause"), audits_value(rq, "owner"), audits_value(rq, "due"));
    }
    page_foot(rs);
    return 0;
}

int page_actions(web_req *rq, web_resp *rs) { return render_actions(rq, rs, NULL); }

/* An id field of a form: blank is 0; anything but a whole number is refused. */
static int form_id(web_req *rq, const char *name, int64_t *id, isms_err *err)
{
    const char *v = opt(rq, name);
    *id = 0;
    if (v && !audits_id(v, id))
        return err_set(err, ISMS_EINVAL, "the %s id '%.40s' is not a whole number from 1", name, v);
    return ISMS_OK;
}

int form_action_add(web_req *rq, web_resp *rs)
{
    action_rec x = {.description = opt(rq, "actions"), .root_cause = opt(rq, "root_cause"), .owner = opt(rq, "owner"),
                    .due_date = opt(rq, "due")};
    isms_err err = {0};
    if (form_id(rq, "finding", &x.finding_id, &err) || form_id(rq, "review", &x.review_id, &err) ||
        audits_action_add(rq, &x, &err))
        return render_actions(rq, rs, &err);
    web_redirect(rs, arena_sprintf(rq->a, "/actions#action-%lld", (long long)x.id));
    return 0;
}

static int action_change(web_req *rq, web_resp *rs, int verify)
{
    int64_t id;
    isms_err err = {0};
    if (!audits_id(rq->params[0], &id))
        err_set(&err, ISMS_ENOTFOUND, "no action with id '%.40s' (isms action list)", rq->params[0]);
    else if (verify)
        audits_action_verify(rq, id, opt(rq, "effective"), opt(rq, "note"), opt(rq, "by"), opt(rq, "date"), &err);
    else
        audits_action_done(rq, id, opt(rq, "date"), &err);
    if (err.code)
        return render_actions(rq, rs, &err);
    web_redirect(rs, arena_sprintf(rq->a, "/actions#action-%lld", (long long)id));
    return 0;
}

int form_action_done(web_req *rq, web_resp *rs) { return action_change(rq, rs, 0); }
int form_action_verify(web_req *rq, web_resp *rs) { return action_change(rq, rs, 1); }

/* --- reviews and feedback --- */

/* s cut to about n bytes, never inside a UTF-8 character. */
static const char *clip(web_req *rq, const char *s, int n)
{
    if (!s || (int)strlen(s) <= n)
        return s ? s : "";
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    return arena_sprintf(rq->a, "%.*s…", n, s);
}

static int render_reviews(web_req *rq, web_resp *rs, const isms_err *refused)
{
    review_rec *r;
    feedback_rec *f;
    size_t n, nf;
    isms_err err = {0};
    page_head(rq, rs, "Management reviews", "/audits");
    web_raw(rs, "<h1>Management reviews</h1><p class=\"sub\">Top management reviews the ISMS (9.3) on the input pack "
                "(9.3.2 a-g); each review is stored with the pack it considered.</p>");
    subnav(rs);
    audits_refusal(rs, refused);
    web_raw(rs, "<p><a href=\"/reviews/pack\" id=\"pack-link\">View today's input pack</a> · "
                "<a href=\"/reviews/pack.md\" id=\"pack-download\">download it as Markdown</a></p>");
    web_raw(rs, "<table id=\"reviews\"><thead><tr><th>ID</th><th>Held</th><th>Attendees</th><th>Decisions</th></tr>"
                "</thead><tbody>");
    if (store_review_list(rq->w, rq->a, &r, &n, &err))
        web_html(rs, "<tr><td colspan=\"4\" class=\"error\">%s</td></tr>", err.msg);
    else if (!n)
        web_raw(rs, "<tr><td colspan=\"4\">No management review recorded.</td></tr>");
    for (size_t i = 0; !err.code && i < n; i++)
        web_html(rs, "<tr><td><a href=\"/reviews/%lld\">%lld</a></td><td>%s</td><td>%s</td><td>%s</td></tr>",
                 (long long)r[i].id, (long long)r[i].id, r[i].held_on, r[i].attendees, clip(rq, r[i].decisions, 200));
    web_raw(rs, "</tbody></table>");
    if (writer(rq)) {
        web_raw(rs, "<h2>Record a review</h2><form method=\"post\" action=\"/reviews\" class=\"edit\" id=\"review-form\">");
        audits_csrf(rq, rs);
        web_html(rs, "<label>Held on <input name=\"held_on\" type=\"date\" value=\"%s\"></label>"
                     "<label>Attendees <input name=\"attendees\" maxlength=\"20000\" required value=\"%s\"></label>"
                     "<label>Decisions <textarea name=\"decisions\" maxlength=\"20000\" required>%s</textarea></label>"
                     "<label>Improvements <textarea name=\"improvements\" maxlength=\"20000\">%s</textarea></label>"
                     "<label>Changes to the ISMS <textarea name=\"changes\" maxlength=\"20000\">%s</textarea></label>"
                     "<label>Resources <textarea name=\"resources\" maxlength=\"20000\">%s</textarea></label>"
                     "<p class=\"muted\">Blank date: today. Today's input pack is stored with the record.</p>"
                     "<button type=\"submit\">Record review</button></form>",
                 audits_value(rq, "held_on"), audits_value(rq, "attendees"), audits_value(rq, "decisions"),
                 audits_value(rq, "improvements"), audits_value(rq, "changes"), audits_value(rq, "resources"));
    }
    web_raw(rs, "<h2>Feedback from interested parties</h2><table id=\"feedback\"><thead><tr><th>Received</th>"
                "<th>Party</th><th>Summary</th></tr></thead><tbody>");
    err = (isms_err){0};
    if (store_feedback_list(rq->w, NULL, rq->a, &f, &nf, &err))
        web_html(rs, "<tr><td colspan=\"3\" class=\"error\">%s</td></tr>", err.msg);
    else if (!nf)
        web_raw(rs, "<tr><td colspan=\"3\">No feedback recorded.</td></tr>");
    for (size_t i = 0; !err.code && i < nf; i++)
        web_html(rs, "<tr><td>%s</td><td>%s</td><td>%s</td></tr>", f[i].received_on, f[i].party, f[i].summary);
    web_raw(rs, "</tbody></table>");
    if (writer(rq)) {
        web_raw(rs, "<form method=\"post\" action=\"/reviews/feedback\" class=\"edit\" id=\"feedback-form\">");
        audits_csrf(rq, rs);
        web_html(rs, "<label>Party <input name=\"party\" maxlength=\"200\" required value=\"%s\"></label>"
                     "<label>Summary <textarea name=\"summary\" maxlength=\"20000\" required>%s</textarea></label>"
                     "<label>Received on <input name=\"received_on\" type=\"date\" value=\"%s\"></label>"
                     "<button type=\"submit\">Record feedback</button></form>",
                 audits_value(rq, "party"), audits_value(rq, "summary"), audits_value(rq, "received_on"));
    }
    page_foot(rs);
    return 0;
}

int page_reviews(web_req *rq, web_resp *rs) { return render_reviews(rq, rs, NULL); }

int form_review_record(web_req *rq, web_resp *rs)
{
    review_rec r = {.held_on = opt(rq, "held_on"), .attendees = opt(rq, "attendees"), .decisions = opt(rq, "decisions"),
                    .improvements = opt(rq, "improvements"), .changes = opt(rq, "changes"),
                    .resources = opt(rq, "resources")};
    isms_err err = {0};
    if (audits_review_record(rq, &r, &err))
        return render_reviews(rq, rs, &err);
    web_redirect(rs, arena_sprintf(rq->a, "/reviews/%lld", (long long)r.id));
    return 0;
}

int form_feedback_add(web_req *rq, web_resp *rs)
{
    feedback_rec f = {.party = opt(rq, "party"), .summary = opt(rq, "summary"), .received_on = opt(rq, "received_on")};
    isms_err err = {0};
    if (audits_feedback_add(rq, &f, &err))
        return render_reviews(rq, rs, &err);
    web_redirect(rs, "/reviews#feedback");
    return 0;
}

/* A stored pack (JSON we wrote) as nested tables: what the meeting considered, as it was. */
static void json_html(web_req *rq, web_resp *rs, json_t *v, int depth)
{
    if (depth > 8)
        return;
    if (json_is_object(v)) {
        web_raw(rs, "<table class=\"fields\"><tbody>");
        const char *k;
        json_t *x;
        json_object_foreach(v, k, x)
        {
            web_html(rs, "<tr><th>%s</th><td>", k);
            json_html(rq, rs, x, depth + 1);
            web_raw(rs, "</td></tr>");
        }
        web_raw(rs, "</tbody></table>");
    } else if (json_is_array(v)) {
        if (!json_array_size(v))
            web_raw(rs, "<span class=\"muted\">none</span>");
        web_raw(rs, "<ul>");
        size_t i;
        json_t *x;
        json_array_foreach(v, i, x)
        {
            web_raw(rs, "<li>");
            json_html(rq, rs, x, depth + 1);
            web_raw(rs, "</li>");
        }
        web_raw(rs, "</ul>");
    } else if (json_is_string(v))
        web_html(rs, "%s", json_string_value(v));
    else if (json_is_integer(v))
        web_html(rs, "%lld", (long long)json_integer_value(v));
    else if (json_is_real(v))
        web_html(rs, "%.1f", json_real_value(v));
    else if (json_is_boolean(v))
        web_raw(rs, json_is_true(v) ? "yes" : "no");
    else
        web_raw(rs, "–");
}

int page_review(web_req *rq, web_resp *rs)
{
    int64_t id;
    review_rec r;
    isms_err err = {0};
    if (!audits_id(rq->params[0], &id))
        err_set(&err, ISMS_ENOTFOUND, "no management review with id '%.40s' (isms review list)", rq->params[0]);
    if (err.code || store_review_get(rq->w, id, rq->a, &r, &err)) {
        error_page(rq, rs, "Management review", "/reviews", &err);
        return 0;
    }
    page_head(rq, rs, "Management review", "/audits");
    web_html(rs, "<p class=\"sub\"><a href=\"/reviews\">Management reviews</a></p><h1>Management review %lld, held %s</h1>",
             (long long)r.id, r.held_on);
    web_html(rs, "<table class=\"fields\" id=\"review\"><tbody><tr><th>Attendees</th><td>%s</td></tr>"
                 "<tr><th>Decisions</th><td>%s</td></tr><tr><th>Improvements</th><td>%s</td></tr>"
                 "<tr><th>Changes to the ISMS</th><td>%s</td></tr><tr><th>Resources</th><td>%s</td></tr></tbody></table>",
             r.attendees, r.decisions, r.improvements ? r.improvements : "–", r.changes ? r.changes : "–",
             r.resources ? r.resources : "–");
    action_rec *x;
    size_t n;
    web_raw(rs, "<h2>Actions decided</h2><ul id=\"review-actions\">");
    if (store_action_list(rq->w, 0, rq->a, &x, &n, &err) == ISMS_OK) {
        size_t shown = 0;
        for (size_t i = 0; i < n; i++)
            if (x[i].review_id == r.id) {
                shown++;
                web_html(rs, "<li><a href=\"/actions#action-%lld\">%s</a> — %s, due %s, %s</li>", (long long)x[i].id,
                         x[i].description, x[i].owner, x[i].due_date, x[i].status);
            }
        if (!shown)
            web_raw(rs, "<li class=\"muted\">none yet</li>");
    }
    web_raw(rs, "</ul>");
    if (writer(rq))
        web_html(rs, "<p><a href=\"/actions?review=%lld#add-action\">Add an action decided by this review</a></p>",
                 (long long)r.id);
    web_raw(rs, "<h2>Input pack considered</h2><div id=\"stored-pack\">");
    json_error_t je;
    json_t *pack = json_loads(r.pack ? r.pack : "{}", 0, &je);
    if (pack)
        json_html(rq, rs, pack, 0);
    else
        web_raw(rs, "<p class=\"error\">The stored pack cannot be read.</p>");
    json_decref(pack);
    web_raw(rs, "</div>");
    page_foot(rs);
    return 0;
}

/* --- the input pack --- */

int page_review_pack(web_req *rq, web_resp *rs)
{
    review_pack p;
    isms_err err = {0};
    if (review_pack_build(rq->w, rq->a, &p, &err)) {
        error_page(rq, rs, "Review input pack", "/reviews", &err);
        return 0;
    }
    page_head(rq, rs, "Review input pack", "/audits");
    web_html(rs, "<p class=\"sub\"><a href=\"/reviews\">Management reviews</a></p><h1>Management review input pack — "
                 "%s</h1><p class=\"muted\">Generated %s from the ISMS records; covers the period %s%s. "
                 "<a href=\"/reviews/pack.md\" id=\"pack-download\">Download as Markdown</a></p>",
             p.org, p.generated_on, p.since ? "since the last review on " : "since the ISMS began", p.since ? p.since : "");
    web_raw(rs, "<section id=\"pack-a\"><h2>a) Status of actions from previous management reviews</h2><ul>");
    if (!p.nprev_actions)
        web_raw(rs, "<li>No actions from previous reviews.</li>");
    for (size_t i = 0; i < p.nprev_actions; i++)
        web_html(rs, "<li>Action %lld (review %lld): %s — owner %s, due %s, <strong>%s</strong></li>",
                 (long long)p.prev_actions[i].id, (long long)p.prev_actions[i].review_id, p.prev_actions[i].description,
                 p.prev_actions[i].owner, p.prev_actions[i].due_date, p.prev_actions[i].status);
    web_html(rs, "</ul></section><section id=\"pack-b\"><h2>b) Changes in external and internal issues</h2><ul>"
                 "<li>Context: %s</li><li>%ld change(s) to the context and %ld to the scope register in the period.</li>"
                 "</ul></section>",
             p.context && *p.context ? p.context : "(not recorded)", p.context_changes, p.scope_changes);
    web_html(rs, "<section id=\"pack-c\"><h2>c) Changes in needs and expectations of interested parties</h2>"
                 "<p>%ld change(s) to the interested parties in the period.</p><ul>",
             p.party_changes);
    for (size_t i = 0; i < p.nparties; i++)
        web_html(rs, "<li>%s: %s</li>", p.parties[i].name,
                 p.parties[i].requirements ? p.parties[i].requirements : "(no requirements recorded)");
    web_html(rs, "</ul></section><section id=\"pack-d\"><h2>d) Information security performance</h2>"
                 "<h3>Nonconformities and corrective actions</h3><ul><li>%ld major and %ld minor nonconformities "
                 "recorded; %ld still open.</li><li>%ld action(s) open, %ld overdue.</li></ul>",
             p.nc_major, p.nc_minor, p.ncs_open, p.actions_open, p.actions_overdue);
    web_html(rs, "<h3>Monitoring and measurement results</h3><ul><li>Automated checks (latest run each): %ld passing, "
                 "%ld failing, %ld in error.</li><li>Controls: %d passing, %d failing, %d with stale evidence, %d without "
                 "evidence, %d not applicable.</li><li>Readiness: %.1f%% of the 93 controls ready.</li></ul>",
             p.checks_pass, p.checks_fail, p.checks_error, p.ctl_passing, p.ctl_failing, p.ctl_stale, p.ctl_no_evidence,
             p.ctl_not_applicable, p.readiness);
    web_raw(rs, "<h3>Audit results</h3><ul>");
    if (!p.naudits)
        web_raw(rs, "<li>No internal audit completed in the period.</li>");
    for (size_t i = 0; i < p.naudits; i++)
        web_html(rs, "<li><a href=\"/audits/%lld\">Audit %lld</a>, %s, completed %s: %ld finding(s). %s</li>",
                 (long long)p.audits[i].id, (long long)p.audits[i].id, p.audits[i].title, p.audits[i].completed_on,
                 p.audits[i].findings, p.audits[i].summary ? p.audits[i].summary : "");
    web_raw(rs, "</ul><h3>Fulfilment of information security objectives</h3>");
    if (p.objectives < 0)
        web_raw(rs, "<p>No objectives register.</p>");
    else
        web_html(rs, "<ul><li>%ld objective(s), %ld measured, %ld off track.</li></ul>", p.objectives,
                 p.objectives_measured, p.objectives_off_track);
    web_raw(rs, "</section><section id=\"pack-e\"><h2>e) Feedback from interested parties</h2><ul>");
    if (!p.nfeedback)
        web_raw(rs, "<li>No feedback recorded in the period.</li>");
    for (size_t i = 0; i < p.nfeedback; i++)
        web_html(rs, "<li>%s, %s: %s</li>", p.feedback[i].received_on, p.feedback[i].party, p.feedback[i].summary);
    web_html(rs, "</ul></section><section id=\"pack-f\"><h2>f) Results of risk assessment and status of the risk "
                 "treatment plan</h2><ul><li>%ld risk(s): %ld critical, %ld high, %ld medium, %ld low; %ld above "
                 "appetite.</li><li>Treatments: %ld done, %ld open, %ld overdue; %ld residual risk(s) awaiting "
                 "acceptance.</li></ul></section>",
             p.risks, p.by_level[3], p.by_level[2], p.by_level[1], p.by_level[0], p.above_appetite, p.treat_done,
             p.treat_open, p.treat_overdue, p.awaiting_acceptance);
    web_raw(rs, "<section id=\"pack-g\"><h2>g) Opportunities for continual improvement</h2><ul>");
    if (!p.nopportunities)
        web_raw(rs, "<li>No observations or opportunities for improvement recorded in the period.</li>");
    for (size_t i = 0; i < p.nopportunities; i++)
        web_html(rs, "<li>Finding %lld (%s, %s): %s</li>", (long long)p.opportunities[i].id, p.opportunities[i].type,
                 p.opportunities[i].ref, p.opportunities[i].description);
    web_raw(rs, "</ul></section>");
    if (writer(rq))
        web_raw(rs, "<p><a href=\"/reviews#review-form\">Record the review's results (9.3.3)</a></p>");
    page_foot(rs);
    return 0;
}

int page_review_pack_md(web_req *rq, web_resp *rs)
{
    isms_err err = {0};
    buf md;
    buf_init(&md, 64 << 20);
    if (audits_pack_markdown(rq, &md, &err))
        error_page(rq, rs, "Review input pack", "/reviews", &err);
    else {
        char today[11];
        store_today(today);
        buf_reset(&rs->body);
        buf_append(&rs->body, md.data ? md.data : "", md.len);
        rs->ctype = "text/markdown; charset=utf-8";
        rs->filename = arena_sprintf(rq->a, "review-pack-%s.md", today);
    }
    buf_free(&md);
    return 0;
}
