/* The policy library in the browser: the list with the generate and profile forms, and one policy
 * with its text rendered as HTML, its versions, who has acknowledged it, downloads and the forms to
 * edit, approve and acknowledge it. Forms make the same changes as the API: the policy use cases. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/policy_doc.h"
#include "web/api.h"
#include "web/policies.h"


static int writer(web_req *rq) { return web_role_allows(rq->u.role, PERM_WRITE); }

static void csrf_field(web_req *rq, web_resp *rs)
{
    web_html(rs, "<input type=\"hidden\" name=\"csrf\" value=\"%s\">", rq->csrf ? rq->csrf : "");
}

/* s percent-encoded for a path segment or query value (only unreserved characters kept). */
static const char *url_part(web_req *rq, const char *s)
{
    size_t n = strlen(s);
    char *o = arena_alloc(rq->a, 3 * n + 1), *p = o;
    for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
        if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || *c == '-' ||
            *c == '_' || *c == '.' || *c == '~')
            *p++ = (char)*c;
        else
            p += sprintf(p, "%%%02X", *c);
    }
    *p = '\0';
    return o;
}

static void error_box(web_resp *rs, const char *error)
{
    if (error)
        web_html(rs, "<p class=\"error\" role=\"alert\" id=\"form-error\">%s</p>", error);
}

/* --- the library --- */

static void profile_form(web_req *rq, web_resp *rs, int refused)
{
    policy_profile p = {0};
    isms_err err = {0};
    if (refused) { /* the user's input, kept */
        p.security_lead = web_form(rq, "security_lead");
        p.policy_owner = web_form(rq, "policy_owner");
        p.approver = web_form(rq, "approver");
        p.it_lead = web_form(rq, "it_lead");
        p.hr_lead = web_form(rq, "hr_lead");
        p.tools = web_form(rq, "tools");
        p.work_model = web_form(rq, "work_model");
    } else {
        store_policy_profile_get(rq->w, rq->a, &p, &err);
    }
    policy_profile d = p;
    policy_profile_defaults(&d);
    const char *months = refused ? web_form(rq, "review_months") : arena_sprintf(rq->a, "%d", d.review_months);
    web_html(rs, "<details%s><summary>Profile (fills the templates)</summary><form class=\"edit\" id=\"profile-form\" "
                 "method=\"post\" action=\"/policies/profile\">",
             refused ? " open" : "");
    csrf_field(rq, rs);
    static const char *const roles[][2] = {{"security_lead", "Security lead"}, {"policy_owner", "Policy owner"},
                                           {"approver", "Approver"}, {"it_lead", "IT lead"}, {"hr_lead", "HR lead"}};
    const char *vals[] = {p.security_lead, p.policy_owner, p.approver, p.it_lead, p.hr_lead};
    for (int i = 0; i < 5; i++)
        web_html(rs, "<label>%s <input name=\"%s\" value=\"%s\" maxlength=\"200\"></label>", roles[i][1], roles[i][0],
                 vals[i] ? vals[i] : "");
    web_html(rs, "<label>Review every (months, 1-36) <input name=\"review_months\" type=\"number\" min=\"1\" max=\"36\" "
                 "value=\"%s\"></label><label>Tools (comma-separated: ",
             months ? months : "");
    for (int i = 0; policy_tools[i]; i++)
        web_html(rs, "%s%s", i ? ", " : "", policy_tools[i]);
    web_html(rs, ") <input name=\"tools\" value=\"%s\"></label><label>Working model <select name=\"work_model\">",
             p.tools ? p.tools : "");
    for (int i = 0; policy_work_models[i]; i++)
        web_html(rs, "<option%s>%s</option>", !strcmp(d.work_model, policy_work_models[i]) ? " selected" : "",
                 policy_work_models[i]);
    web_raw(rs, "</select></label><p class=\"muted\">Blank roles read as role titles; the organization's name and scope "
                "come from the Organization page.</p><button type=\"submit\">Save profile</button></form></details>");
}

static void generate_form(web_req *rq, web_resp *rs, int refused)
{
    isms_err err = {0};
    policy_template *t;
    size_t n;
    if (policy_library(rq->a, &t, &n, &err)) {
        error_box(rs, err.msg);
        return;
    }
    web_html(rs, "<details%s><summary>Generate policies from the library</summary><form class=\"edit\" "
                 "id=\"generate-form\" method=\"post\" action=\"/policies/generate\">",
             refused ? " open" : "");
    csrf_field(rq, rs);
    web_raw(rs, "<fieldset><legend>Templates</legend>");
    for (size_t i = 0; i < n; i++) {
        int on = 0;
        for (size_t k = 0; refused && k < rq->nform; k++)
            on |= !strcmp(rq->form[k].name, "template") && !strcmp(rq->form[k].value, t[i].name);
        web_html(rs, "<label class=\"inline\"><input type=\"checkbox\" name=\"template\" value=\"%s\"%s> %s "
                     "<span class=\"muted\">(%s%s%s)</span></label>",
                 t[i].name, on ? " checked" : "", t[i].title, t[i].controls, *t[i].clauses ? "; " : "", t[i].clauses);
    }
    web_raw(rs, "</fieldset><label class=\"inline\"><input type=\"checkbox\" name=\"all\" value=\"1\"> all templates"
                "</label><label class=\"inline\"><input type=\"checkbox\" name=\"force\" value=\"1\"> replace existing "
                "ones with a new draft from the template</label><button type=\"submit\">Generate drafts</button>"
                "</form></details>");
}

static void library_page(web_req *rq, web_resp *rs, const char *error, int refused_form)
{
    page_head(rq, rs, "Policies", "/policies");
    web_raw(rs, "<h1>Policies</h1><p class=\"muted\">The information security policy and topic-specific policies "
                "(clause 5.2, A.5.1): drafts from the library, approval, review and acknowledgment. "
                "<a href=\"/policies/gap\" id=\"gap-link\">Check your existing documents for gaps</a>.</p>");
    error_box(rs, error);
    const char *gen = web_query(rq, "generated");
    if (gen && !error && strspn(gen, "0123456789") == strlen(gen) && strlen(gen) < 6)
        web_html(rs, "<p class=\"notice\" role=\"status\" id=\"generate-ok\">%s draft(s) generated.</p>", gen);
    if (web_query(rq, "profile") && !error)
        web_raw(rs, "<p class=\"notice\" role=\"status\" id=\"profile-ok\">Profile saved.</p>");
    if (writer(rq)) {
        generate_form(rq, rs, refused_form == 1);
        profile_form(rq, rs, refused_form == 2);
    }
    isms_err err = {0};
    policy_doc *d;
    size_t n;
    if (store_policy_list(rq->w, rq->a, &d, &n, &err)) {
        error_box(rs, err.msg);
        page_foot(rs);
        return;
    }
    char today[11];
    store_today(today);
    web_raw(rs, "<table id=\"policies\"><thead><tr><th>Policy</th><th>Title</th><th>Latest</th><th>Status</th>"
                "<th>Approved</th><th>Next review</th><th>Acknowledgments</th><th>Controls</th></tr></thead><tbody>");
    for (size_t i = 0; i < n; i++) {
        const char *due = d[i].current_next_review;
        web_html(rs, "<tr><td><a href=\"/policies/%s\">%s</a></td><td>%s</td><td>v%d</td><td>%s</td><td>%s</td>"
                     "<td class=\"%s\">%s</td><td>%ld</td><td>%s</td></tr>",
                 url_part(rq, d[i].name), d[i].name, d[i].title, d[i].version, d[i].status,
                 d[i].approved_version ? arena_sprintf(rq->a, "v%d", d[i].approved_version) : "–",
                 due && strcmp(due, today) < 0 ? "overdue" : "", due ? due : "–", d[i].acks, d[i].controls);
    }
    web_raw(rs, "</tbody></table>");
    if (!n)
        web_raw(rs, "<p class=\"muted\" id=\"no-policies\">No policies yet: generate them from the library above, "
                    "or with <code>isms policy generate --all</code>.</p>");
    page_foot(rs);
}

int page_policies(web_req *rq, web_resp *rs)
{
    library_page(rq, rs, NULL, 0);
    return 0;
}

int form_policy_generate(web_req *rq, web_resp *rs)
{
    json_t *names = json_array();
    for (size_t k = 0; k < rq->nform; k++)
        if (!strcmp(rq->form[k].name, "template") && *rq->form[k].value)
            json_array_append_new(names, json_string(rq->form[k].value));
    const char *all = web_form(rq, "all"), *force = web_form(rq, "force"), *error;
    json_t *r;
    int status = policy_web_run(rq, "policy_generate",
                                json_pack("{sosbsb}", "names", names, "all", all && *all, "force", force && *force),
                                &r, &error);
    if (status) {
        rs->status = status;
        library_page(rq, rs, error, 1);
        return 0;
    }
    web_redirect(rs, arena_sprintf(rq->a, "/policies?generated=%lld",
                                   (long long)json_integer_value(json_object_get(r, "generated"))));
    json_decref(r);
    return 0;
}

int form_policy_profile(web_req *rq, web_resp *rs)
{
    policy_profile ch = {0};
    /* blank fields leave the profile as it is, as options left out do in the CLI */
    const char *f[] = {"security_lead", "policy_owner", "approver", "it_lead", "hr_lead", "tools", "work_model"};
    const char **dst[] = {&ch.security_lead, &ch.policy_owner, &ch.approver, &ch.it_lead, &ch.hr_lead, &ch.tools,
                          &ch.work_model};
    for (int i = 0; i < 7; i++) {
        const char *v = web_form(rq, f[i]);
        *dst[i] = v && *v ? v : NULL;
    }
    const char *m = web_form(rq, "review_months");
    isms_err err = {0};
    if (m && *m) {
        char *end;
        long v = strtol(m, &end, 10);
        if (*end || v < 1 || v > 36)
            err_set(&err, ISMS_EINVAL, "review-months: '%.20s' is out of range (1 to 36 months)", m);
        ch.review_months = (int)v;
    }
    if (err.code || policy_web_profile_set(rq, &ch, &err)) {
        rs->status = web_err_status(&err);
        library_page(rq, rs, err.msg, 2);
        return 0;
    }
    web_redirect(rs, "/policies?profile=saved");
    return 0;
}

/* --- one policy --- */

enum { REFUSED_NONE, REFUSED_EDIT, REFUSED_APPROVE, REFUSED_ACK };

static void versions_table(web_req *rq, web_resp *rs, const policy_doc *d)
{
    web_raw(rs, "<h2>Versions</h2><table id=\"versions\"><thead><tr><th>Version</th><th>Status</th><th>Created</th>"
                "<th>By</th><th>Approved by</th><th>Approved on</th><th>Next review</th></tr></thead><tbody>");
    for (int v = d->latest_version; v >= 1; v--) {
        policy_doc x;
        isms_err err = {0};
        if (store_policy_get(rq->w, d->name, v, rq->a, &x, &err))
            continue;
        web_html(rs, "<tr%s><td><a href=\"/policies/%s?version=%d\">v%d</a></td><td>%s</td><td>%s</td><td>%s</td>"
                     "<td>%s</td><td>%s</td><td>%s</td></tr>",
                 v == d->version ? " class=\"on\"" : "", url_part(rq, d->name), v, v, x.status, x.created_at,
                 x.created_by ? x.created_by : "–", x.approved_by ? x.approved_by : "–",
                 x.approved_at ? x.approved_at : "–", x.next_review ? x.next_review : "–");
    }
    web_raw(rs, "</tbody></table>");
}

static void acks_section(web_req *rq, web_resp *rs, const policy_doc *d)
{
    const char *source = web_query(rq, "staff"), **staff, *label;
    size_t nstaff, n;
    isms_err err = {0};
    char today[11];
    store_today(today);
    policy_ack_status *st;
    int problems;
    web_raw(rs, "<h2>Acknowledgments</h2>");
    if (policy_web_staff(rq, source, &staff, &nstaff, &label, &err) ||
        store_policy_status(rq->w, d->name, staff, nstaff, today, rq->a, &st, &n, &problems, &err)) {
        error_box(rs, err.msg);
        return;
    }
    if (!d->approved_version) {
        web_raw(rs, "<p class=\"muted\" id=\"ack-status\">No approved version yet: nobody can acknowledge it.</p>");
        return;
    }
    web_html(rs, "<p id=\"ack-status\">Version %d: acknowledged by %zu of %zu expected (%s; <a href=\"/policies/%s?staff=%s\">"
                 "compare with %s</a>).%s</p>",
             d->approved_version, nstaff - st->nmissing, nstaff, label, url_part(rq, d->name),
             source && !strcmp(source, "people") ? "users" : "people",
             source && !strcmp(source, "people") ? "the workspace's users" : "the people register",
             st->review_overdue ? " The review is overdue." : "");
    if (st->nmissing) {
        web_raw(rs, "<p>Not yet acknowledged:</p><ul id=\"ack-missing\">");
        for (size_t k = 0; k < st->nmissing; k++)
            web_html(rs, "<li>%s</li>", st->missing[k]);
        web_raw(rs, "</ul>");
    }
    const char **ackers;
    size_t nack;
    if (!store_policy_ackers(rq->w, d->id, d->approved_version, rq->a, &ackers, &nack, &err) && nack) {
        web_raw(rs, "<p>Acknowledged by:</p><ul id=\"ack-done\">");
        for (size_t k = 0; k < nack; k++)
            web_html(rs, "<li>%s</li>", ackers[k]);
        web_raw(rs, "</ul>");
    }
}

static void policy_forms(web_req *rq, web_resp *rs, const policy_doc *latest, int refused)
{
    const char *name = url_part(rq, latest->name);
    web_html(rs, "<h2>Edit</h2><form class=\"edit\" id=\"edit-form\" method=\"post\" action=\"/policies/%s/edit\">",
             name);
    csrf_field(rq, rs);
    const char *body = refused == REFUSED_EDIT && web_form(rq, "body") ? web_form(rq, "body") : latest->body;
    web_html(rs, "<label>Markdown text (version %d, %s%s) <textarea name=\"body\" rows=\"24\">%s</textarea></label>"
                 "<button type=\"submit\">Save draft</button></form>",
             latest->version, latest->status,
             strcmp(latest->status, "draft") ? "; saving starts a new draft, the approved version stays in force" : "",
             body);
    if (!strcmp(latest->status, "draft")) {
        policy_profile p;
        isms_err err = {0};
        const char *by = refused == REFUSED_APPROVE ? web_form(rq, "by") : NULL;
        if (!by && !store_policy_profile_get(rq->w, rq->a, &p, &err))
            by = p.approver;
        web_html(rs, "<h2>Approve</h2><form class=\"edit\" id=\"approve-form\" method=\"post\" "
                     "action=\"/policies/%s/approve\">",
                 name);
        csrf_field(rq, rs);
        web_html(rs, "<label>Approved by <input name=\"by\" value=\"%s\" required maxlength=\"200\"></label>"
                     "<button type=\"submit\">Approve version %d</button></form>",
                 by ? by : "", latest->version);
    }
    if (latest->approved_version) {
        const char *person = refused == REFUSED_ACK ? web_form(rq, "person") : rq->u.name;
        web_html(rs, "<h2>Acknowledge</h2><form class=\"edit\" id=\"ack-form\" method=\"post\" "
                     "action=\"/policies/%s/ack\">",
                 name);
        csrf_field(rq, rs);
        web_html(rs, "<label>Person who has read and accepted version %d <input name=\"person\" value=\"%s\" required "
                     "maxlength=\"200\"></label><button type=\"submit\">Record acknowledgment</button></form>",
                 latest->approved_version, person ? person : "");
    }
}

static void policy_page(web_req *rq, web_resp *rs, const char *error, int refused)
{
    isms_err err = {0};
    int version = 0;
    policy_doc d, latest;
    if ((!refused && policy_web_version(rq, &version, &err)) ||
        store_policy_get(rq->w, rq->params[0], version, rq->a, &d, &err) ||
        store_policy_get(rq->w, rq->params[0], 0, rq->a, &latest, &err)) {
        rs->status = err.code == ISMS_ENOTFOUND ? 404 : err.code == ISMS_EINVAL ? 400 : 500;
        page_head(rq, rs, "Policy", "/policies");
        web_html(rs, "<p class=\"sub\"><a href=\"/policies\">Policies</a></p><h1>Policy</h1><p class=\"error\">%s</p>",
                 err.msg);
        page_foot(rs);
        return;
    }
    const char *name = url_part(rq, d.name);
    page_head(rq, rs, d.title, "/policies");
    web_html(rs, "<p class=\"sub\"><a href=\"/policies\">Policies</a></p><h1>%s</h1>", d.title);
    error_box(rs, error);
    const char *done = error ? NULL : web_query(rq, "done");
    if (done && (!strcmp(done, "saved") || !strcmp(done, "approved") || !strcmp(done, "acknowledged") ||
                 !strcmp(done, "already")))
        web_html(rs, "<p class=\"notice\" role=\"status\" id=\"done\">%s</p>",
                 !strcmp(done, "saved") ? "Draft saved."
                 : !strcmp(done, "approved") ? "Approved, and recorded as policy evidence for its controls."
                 : !strcmp(done, "already") ? "That person had already acknowledged this version."
                                            : "Acknowledgment recorded.");
    web_html(rs, "<table class=\"fields\" id=\"policy-meta\"><tbody><tr><th>Name</th><td>%s</td></tr>"
                 "<tr><th>Version</th><td>%d of %d: %s</td></tr><tr><th>Approved version in force</th><td>%s</td></tr>"
                 "<tr><th>Approved by</th><td>%s</td></tr><tr><th>Next review</th><td>%s</td></tr>"
                 "<tr><th>Controls</th><td>%s</td></tr><tr><th>Clauses</th><td>%s</td></tr></tbody></table>",
             d.name, d.version, d.latest_version, d.status,
             d.approved_version ? arena_sprintf(rq->a, "v%d", d.approved_version) : "none yet",
             d.approved_by ? arena_sprintf(rq->a, "%s on %s", d.approved_by, d.approved_at) : "–",
             d.next_review ? d.next_review : d.current_next_review ? d.current_next_review : "–", d.controls,
             *d.clauses ? d.clauses : "–");
    web_raw(rs, "<p id=\"downloads\">Download: ");
    static const char *const fmts[][2] = {{"md", "Markdown"}, {"html", "HTML"}, {"pdf", "PDF"}};
    for (int i = 0; i < 3; i++)
        web_html(rs, "%s<a href=\"/api/v1/policies/%s/export?format=%s&amp;version=%d\" download>%s</a>", i ? " · " : "",
                 name, fmts[i][0], d.version, fmts[i][1]);
    web_raw(rs, "</p><article class=\"policy\" id=\"policy-text\">");
    policy_md_html(&rs->body, d.body);
    web_raw(rs, "</article>");
    versions_table(rq, rs, &d);
    acks_section(rq, rs, &latest);
    if (writer(rq))
        policy_forms(rq, rs, &latest, refused);
    page_foot(rs);
}

int page_policy(web_req *rq, web_resp *rs)
{
    policy_page(rq, rs, NULL, REFUSED_NONE);
    return 0;
}

/* Run a policy use case for the form of what on the page's policy with the form's field (NULL:
 * left out): the page again with the refusal, or on to the page saying done (already when the
 * answer says so). */
static int form_change(web_req *rq, web_resp *rs, const char *usecase, const char *field, json_t *value, int what,
                       const char *done)
{
    json_t *o = json_object();
    if (value)
        json_object_set_new(o, field, value);
    json_t *r = NULL, *args = policy_web_args(rq, o);
    const char *error = "no such policy";
    int status = args ? policy_web_run(rq, usecase, args, &r, &error) : 404;
    json_decref(o);
    if (status) {
        rs->status = status;
        policy_page(rq, rs, error, what);
        return 0;
    }
    if (json_is_true(json_object_get(r, "already")))
        done = "already";
    json_decref(r);
    web_redirect(rs, arena_sprintf(rq->a, "/policies/%s?done=%s", url_part(rq, rq->params[0]), done));
    return 0;
}

/* A form's text as a JSON string: NULL when the field was not sent. */
static json_t *form_text(web_req *rq, const char *name)
{
    const char *v = web_form(rq, name);
    return v ? json_string(v) : NULL;
}

int form_policy_edit(web_req *rq, web_resp *rs)
{
    const char *body = web_form(rq, "body");
    /* browsers send textarea lines ending in CRLF: store the Markdown as the CLI would read it */
    json_t *text = NULL;
    if (body) {
        char *b = arena_strdup(rq->a, body), *o = b;
        for (const char *p = body; *p; p++)
            if (!(*p == '\r' && p[1] == '\n'))
                *o++ = *p;
        *o = '\0';
        /* unchecked: text that is not UTF-8 is refused by the policy's rules, naming its line */
        text = json_string_nocheck(b);
    }
    return form_change(rq, rs, "policy_edit", "body", text, REFUSED_EDIT, "saved");
}

int form_policy_approve(web_req *rq, web_resp *rs)
{
    return form_change(rq, rs, "policy_approve", "by", form_text(rq, "by"), REFUSED_APPROVE, "approved");
}

int form_policy_ack(web_req *rq, web_resp *rs)
{
    return form_change(rq, rs, "policy_acknowledge", "person", form_text(rq, "person"), REFUSED_ACK, "acknowledged");
}
