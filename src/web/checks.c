/* The automated checks in the browser: every check by source with its latest result, a "run now"
 * form per source for editors, one check's history, the monitoring alert outbox, and the
 * CloudTrail log scan page. The runs and scans are the API's (checks_api.c), so results and
 * messages are the CLI's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collect/check_run.h"
#include "web/api.h"
#include "web/checks.h"


static const char *env_get(const char *name) { return getenv(name); }

static void csrf_field(web_req *rq, web_resp *rs)
{
    web_html(rs, "<input type=\"hidden\" name=\"csrf\" value=\"%s\">", rq->csrf ? rq->csrf : "");
}

/* The class and word of a result's badge. */
static const char *badge_class(const char *status)
{
    return !status ? "st-none" : !strcmp(status, "pass") ? "st-met" : "st-gap";
}

static const char *badge_text(const char *status)
{
    return !status ? "never run" : !strcmp(status, "pass") ? "pass" : !strcmp(status, "fail") ? "FAIL" : "ERROR";
}

/* Cut s to fit size bytes without splitting a UTF-8 sequence. */
static void copy_cut(char *out, size_t size, const char *s, size_t len)
{
    if (len >= size) {
        len = size - 1;
        while (len && ((unsigned char)s[len] & 0xc0) == 0x80)
            len--;
    }
    memcpy(out, s, len);
    out[len] = '\0';
}

/* Details are one finding per line: shown as a list. */
static void details_list(web_resp *rs, const char *details)
{
    if (!details || !*details)
        return;
    web_raw(rs, "<ul class=\"details\">");
    for (const char *p = details; p && *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        if (len) {
            char line[512];
            copy_cut(line, sizeof line, p, len);
            web_html(rs, "<li>%s</li>", line);
        }
        p = nl ? nl + 1 : NULL;
    }
    web_raw(rs, "</ul>");
}

static void alerts_section(web_req *rq, web_resp *rs)
{
    alert *al;
    size_t n = 0;
    isms_err err = {0};
    web_raw(rs, "<h2 id=\"alerts\">Monitoring alerts</h2><p class=\"muted\"><code>isms monitor run --webhook URL</code> "
                "sends these when a check starts failing, recovers, or evidence goes stale.</p>");
    if (store_alert_list(rq->w, 50, rq->a, &al, &n, &err) || !n) {
        web_raw(rs, "<p id=\"no-alerts\">No alerts yet.</p>");
        return;
    }
    web_raw(rs, "<table id=\"alert-list\"><thead><tr><th>#</th><th>Queued</th><th>Kind</th><th>State</th><th>Attempts</th>"
                "<th>Last error</th><th>Alert</th></tr></thead><tbody>");
    for (size_t i = 0; i < n; i++) {
        char payload[400];
        copy_cut(payload, sizeof payload, al[i].payload ? al[i].payload : "", al[i].payload ? strlen(al[i].payload) : 0);
        web_html(rs, "<tr><td>%lld</td><td>%s</td><td>%s</td><td class=\"%s\">%s</td><td>%d</td><td>%s</td>"
                     "<td><code>%s</code></td></tr>",
                 (long long)al[i].id, al[i].created_at, al[i].kind, al[i].delivered_at ? "st-met" : "overdue",
                 al[i].delivered_at ? "delivered" : "pending", al[i].attempts, al[i].last_error ? al[i].last_error : "",
                 payload);
    }
    web_raw(rs, "</tbody></table>");
}

/* The checks page; error (a refused run) is shown above the checks. */
static void checks_page(web_req *rq, web_resp *rs, const char *error)
{
    size_t n, nr = 0;
    const check_def *d = check_registry(&n);
    check_run *runs = NULL;
    isms_err err = {0};
    if (store_check_latest(rq->w, rq->a, &runs, &nr, &err))
        nr = 0;
    const char *ran = web_query(rq, "ran"), *failed = web_query(rq, "failed");
    page_head(rq, rs, "Automated checks", "/checks");
    web_raw(rs, "<h1>Automated checks</h1><p>Each run is recorded with the raw responses kept as evidence for the "
                "check's controls. Also: <a href=\"/logs\" id=\"logs-link\">scan CloudTrail logs</a> · "
                "<a href=\"#alerts\">monitoring alerts</a>.</p>");
    if (error)
        web_html(rs, "<p class=\"error\" role=\"alert\" id=\"form-error\">%s</p>", error);
    else if (ran && failed && strspn(ran, "0123456789") == strlen(ran) && strspn(failed, "0123456789") == strlen(failed) &&
             strlen(ran) < 6 && strlen(failed) < 6)
        web_html(rs, "<p class=\"notice\" role=\"status\" id=\"run-ok\">%s check(s) run, %s failed or could not run.</p>",
                 ran, failed);
    int writer = web_role_allows(rq->u.role, PERM_WRITE);
    for (size_t i = 0; i < n; i++) {
        if (!i || strcmp(d[i].source, d[i - 1].source)) {
            int configured = check_source_configured(d[i].source, env_get);
            if (i)
                web_raw(rs, "</tbody></table>");
            web_html(rs, "<h2 id=\"source-%s\">%s <small class=\"muted\">%s</small></h2>", d[i].source, d[i].source,
                     configured ? "configured" : "not configured on this server (see the README)");
            if (writer) {
                web_html(rs, "<form method=\"post\" action=\"/checks/runs\" class=\"inline run-form\" id=\"run-%s\">",
                         d[i].source);
                csrf_field(rq, rs);
                web_html(rs, "<input type=\"hidden\" name=\"source\" value=\"%s\"><button type=\"submit\">Run %s checks "
                             "now</button></form>",
                         d[i].source, d[i].source);
            }
            web_html(rs, "<table class=\"checks\" id=\"checks-%s\"><thead><tr><th>Check</th><th>What it checks</th>"
                         "<th>Controls</th><th>Last result</th><th>When</th><th>Details</th></tr></thead><tbody>",
                     d[i].source);
        }
        const check_run *last = NULL;
        for (size_t k = 0; k < nr; k++)
            if (!strcmp(runs[k].check_id, d[i].id))
                last = &runs[k];
        web_html(rs, "<tr id=\"check-%s\"><td><a href=\"/checks/%s\">%s</a></td><td>%s</td><td>%s</td>"
                     "<td class=\"%s\">%s</td><td>%s</td><td>%s",
                 d[i].id, d[i].id, d[i].id, d[i].title, d[i].controls, badge_class(last ? last->status : NULL),
                 badge_text(last ? last->status : NULL), last ? last->ran_at : "", last ? last->summary : "");
        if (last && strcmp(last->status, "pass"))
            details_list(rs, last->details);
        web_raw(rs, "</td></tr>");
    }
    if (n)
        web_raw(rs, "</tbody></table>");
    alerts_section(rq, rs);
    page_foot(rs);
}

int page_checks(web_req *rq, web_resp *rs)
{
    checks_page(rq, rs, NULL);
    return 0;
}

int form_check_run(web_req *rq, web_resp *rs)
{
    const char *names[2];
    int nn = 0;
    const char *source = web_form(rq, "source"), *id = web_form(rq, "id");
    if (source && *source)
        names[nn++] = source;
    if (id && *id)
        names[nn++] = id;
    buf out;
    buf_init(&out, 16u << 20);
    jw j;
    jw_init_buf(&j, &out);
    isms_err err = {0};
    int ran = 0, bad = checks_run(rq, names, nn, &j, &ran, &err);
    buf_free(&out);
    if (bad < 0) {
        rs->status = err.code == ISMS_EINVAL ? 422 : 500;
        checks_page(rq, rs, err.msg);
        return 0;
    }
    /* Back where the form was: one check's page, or the list. */
    const check_def *one = nn == 1 && id && *id ? check_find(id) : NULL;
    web_redirect(rs, one ? arena_sprintf(rq->a, "/checks/%s?ran=%d&failed=%d", one->id, ran, bad)
                         : arena_sprintf(rq->a, "/checks?ran=%d&failed=%d", ran, bad));
    return 0;
}

int page_check_history(web_req *rq, web_resp *rs)
{
    const check_def *d = check_find(rq->params[0]);
    isms_err err = {0};
    check_run *runs = NULL;
    size_t n = 0;
    if (!d || store_check_history(rq->w, d->id, 100, rq->a, &runs, &n, &err)) {
        rs->status = d ? 500 : 404;
        page_head(rq, rs, "Check", "/checks");
        web_html(rs, "<h1>No such check</h1><p class=\"error\" role=\"alert\">%s</p><p><a href=\"/checks\">All checks</a></p>",
                 d ? err.msg : arena_sprintf(rq->a, "no check '%.100s' (see `isms check list`)", rq->params[0]));
        page_foot(rs);
        return 0;
    }
    const char *since = check_failing_since(runs, n);
    page_head(rq, rs, d->id, "/checks");
    web_html(rs, "<p><a href=\"/checks\">All checks</a></p><h1>%s</h1><p>%s</p><p>Source: %s · controls: %s · "
                 "runs every %d minutes under <code>isms monitor run</code></p>",
             d->id, d->title, d->source, d->controls, d->interval_s / 60);
    const char *ran = web_query(rq, "ran"), *failed = web_query(rq, "failed");
    if (ran && failed && !strcmp(ran, "1") && (!strcmp(failed, "0") || !strcmp(failed, "1")))
        web_html(rs, "<p class=\"notice\" role=\"status\" id=\"run-ok\">Run: %s.</p>",
                 !strcmp(failed, "0") ? "it passes" : "it fails or could not run");
    if (since)
        web_html(rs, "<p class=\"error\" id=\"failing-since\">Failing since %s.</p>", since);
    if (web_role_allows(rq->u.role, PERM_WRITE)) {
        web_raw(rs, "<form method=\"post\" action=\"/checks/runs\" class=\"inline\" id=\"run-one\">");
        csrf_field(rq, rs);
        web_html(rs, "<input type=\"hidden\" name=\"id\" value=\"%s\"><button type=\"submit\">Run this check now</button>"
                     "</form>",
                 d->id);
    }
    if (!n) {
        web_html(rs, "<p id=\"never-run\">Never run: <code>isms check run %s</code>.</p>", d->id);
        page_foot(rs);
        return 0;
    }
    web_raw(rs, "<table id=\"history\"><thead><tr><th>When</th><th>Result</th><th>Summary</th><th>Evidence</th></tr>"
                "</thead><tbody>");
    for (size_t i = 0; i < n; i++) {
        web_html(rs, "<tr><td>%s</td><td class=\"%s\">%s</td><td>%s", runs[i].ran_at, badge_class(runs[i].status),
                 badge_text(runs[i].status), runs[i].summary);
        details_list(rs, runs[i].details);
        if (runs[i].evidence_id)
            web_html(rs, "</td><td><a href=\"/api/v1/evidence/%lld/file\">evidence %lld</a></td></tr>",
                     (long long)runs[i].evidence_id, (long long)runs[i].evidence_id);
        else
            web_raw(rs, "</td><td></td></tr>");
    }
    web_raw(rs, "</tbody></table>");
    page_foot(rs);
    return 0;
}

/* --- CloudTrail logs --- */

static void logs_page(web_req *rq, web_resp *rs, const char *error, const checks_log_result *r)
{
    page_head(rq, rs, "CloudTrail logs", "/checks");
    web_raw(rs, "<p><a href=\"/checks\">Automated checks</a></p><h1>Scan CloudTrail logs</h1><p>Security findings in "
                "CloudTrail log files, evidence for logging and monitoring (A.8.15, A.8.16) and access control (A.5.15, "
                "A.8.2, A.8.5). Nothing is stored: the files are scanned and removed, as "
                "<code>isms logs scan FILE...</code> does.</p>");
    if (error)
        web_html(rs, "<p class=\"error\" role=\"alert\" id=\"form-error\">%s</p>", error);
    web_html(rs, "<form class=\"edit\" id=\"scan-form\" method=\"post\" action=\"/logs\" enctype=\"multipart/form-data\">"
                 "<input type=\"hidden\" name=\"csrf\" value=\"%s\"><label>CloudTrail files (.json or .json.gz, at most "
                 "25 MiB in all) <input type=\"file\" name=\"file\" multiple required></label>"
                 "<button type=\"submit\">Scan</button></form>",
             rq->csrf ? rq->csrf : "");
    web_raw(rs, "<p class=\"muted\">Rules:");
    for (const char *const *p = cloudtrail_rules; *p; p++)
        web_html(rs, " <code>%s</code>", *p);
    web_raw(rs, "</p>");
    if (!r) {
        page_foot(rs);
        return;
    }
    const cloudtrail_finding *f;
    size_t nf = cloudtrail_scan_findings(r->scan, &f);
    web_html(rs, "<h2 id=\"scan-result\">%s</h2>",
             arena_sprintf(rq->a, "%zu file(s), %llu events, %zu finding(s)", r->nfiles,
                           (unsigned long long)cloudtrail_scan_events(r->scan), nf));
    if (r->nfailed) {
        web_raw(rs, "<ul id=\"files-failed\" class=\"error\">");
        for (size_t i = 0; i < r->nfailed; i++)
            web_html(rs, "<li>%s: %s</li>", r->failed[i].file, r->failed[i].error);
        web_raw(rs, "</ul>");
    }
    if (!nf) {
        web_raw(rs, "<p id=\"no-findings\">No findings.</p>");
        page_foot(rs);
        return;
    }
    web_raw(rs, "<table id=\"findings\"><thead><tr><th>Rule</th><th>Count</th><th>Principal</th><th>Source</th>"
                "<th>Region</th><th>First seen</th><th>Last seen</th><th>Events</th></tr></thead><tbody>");
    for (size_t i = 0; i < nf; i++)
        web_html(rs, "<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>",
                 f[i].rule, arena_sprintf(rq->a, "%llu", (unsigned long long)f[i].count), f[i].principal,
                 f[i].source_ip ? f[i].source_ip : "-", f[i].region ? f[i].region : "-",
                 f[i].first_seen ? f[i].first_seen : "-", f[i].last_seen ? f[i].last_seen : "-",
                 f[i].event_name ? f[i].event_name : "-");
    web_raw(rs, "</tbody></table>");
    page_foot(rs);
}

int page_logs(web_req *rq, web_resp *rs)
{
    logs_page(rq, rs, NULL, NULL);
    return 0;
}

int form_log_scan(web_req *rq, web_resp *rs)
{
    if (rq->upload_error) {
        rs->status = rq->upload_error->code == ISMS_ENOMEM ? 413 : 400;
        logs_page(rq, rs, rq->upload_error->msg, NULL);
        return 0;
    }
    checks_log_result r;
    isms_err err = {0};
    if (checks_log_scan(rq, &r, &err)) {
        rs->status = err.code == ISMS_EINVAL ? 422 : err.code == ISMS_ENOMEM ? 413 : 500;
        logs_page(rq, rs, err.msg, NULL);
        return 0;
    }
    logs_page(rq, rs, NULL, &r);
    cloudtrail_scan_free(r.scan);
    return 0;
}
