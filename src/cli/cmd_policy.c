/* isms policy: the policy library, versioned policy documents, approval and acknowledgment. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "app/usecases.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "report/json.h"
#include "report/policy_doc.h"
#include "util/json.h"

static int policy_templates(cli_ctx *c)
{
    const char *json = NULL;
    cli_opt opts[] = {{"json", 0, &json}, {NULL, 0, NULL}};
    if (cli_parse(c, opts, NULL, 0, NULL))
        return EXIT_USAGE;
    isms_err err = {0};
    policy_template *t;
    size_t n;
    if (policy_library(c->a, &t, &n, &err))
        return cli_fail(&err);
    if (json) {
        jw j;
        jw_init_file(&j, stdout, 1);
        jw_arr(&j);
        for (size_t i = 0; i < n; i++)
            json_policy_template(&j, &t[i]);
        jw_arr_end(&j);
        jw_end(&j);
        return EXIT_OK;
    }
    printf("%-22s %-52s %s\n", "NAME", "TITLE", "CONTROLS / CLAUSES");
    for (size_t i = 0; i < n; i++)
        printf("%-22s %-52s %s%s%s\n", t[i].name, cli_cut(c, t[i].title, 52), t[i].controls,
               *t[i].clauses ? " / clauses " : "", t[i].clauses);
    return EXIT_OK;
}

static void profile_print(const policy_profile *p, int json)
{
    policy_profile d = *p;
    policy_profile_defaults(&d);
    if (json) {
        jw j;
        jw_init_file(&j, stdout, 1);
        jw_obj(&j);
        jw_kstr(&j, "security_lead", p->security_lead);
        jw_kstr(&j, "policy_owner", p->policy_owner);
        jw_kstr(&j, "approver", p->approver);
        jw_kstr(&j, "it_lead", p->it_lead);
        jw_kstr(&j, "hr_lead", p->hr_lead);
        jw_kint(&j, "review_months", d.review_months);
        jw_kstr(&j, "tools", d.tools);
        jw_kstr(&j, "work_model", d.work_model);
        jw_obj_end(&j);
        jw_end(&j);
        return;
    }
    printf("Policy profile (fills the templates; the name and scope come from `isms org`):\n"
           "  security lead:  %s\n  policy owner:   %s\n  approver:       %s\n  IT lead:        %s\n"
           "  HR lead:        %s\n  review every:   %d months\n  tools:          %s\n  working model:  %s\n",
           d.security_lead, d.policy_owner, d.approver, d.it_lead, d.hr_lead, d.review_months,
           *d.tools ? d.tools : "(none)", d.work_model);
}

static int policy_profile_cmd(cli_ctx *c)
{
    const char *json = NULL, *sec = NULL, *owner = NULL, *appr = NULL, *it = NULL, *hr = NULL, *months = NULL,
               *tools = NULL, *work = NULL, *pos[1];
    int np = 0;
    cli_opt opts[] = {{"json", 0, &json},          {"security-lead", 1, &sec}, {"policy-owner", 1, &owner},
                      {"approver", 1, &appr},      {"it-lead", 1, &it},        {"hr-lead", 1, &hr},
                      {"review-months", 1, &months}, {"tools", 1, &tools},     {"work-model", 1, &work},
                      {NULL, 0, NULL}};
    if (cli_parse(c, opts, pos, 1, &np))
        return EXIT_USAGE;
    int setting = sec || owner || appr || it || hr || months || tools || work;
    if (np && strcmp(pos[0], "show") && strcmp(pos[0], "set"))
        return cli_usage_error(c, "expected 'show' or 'set', not '%s'", pos[0]);
    if (np && !strcmp(pos[0], "set") && !setting)
        return cli_usage_error(c, "give at least one of --security-lead, --policy-owner, --approver, --it-lead, "
                                  "--hr-lead, --review-months, --tools, --work-model");
    policy_profile ch = {0};
    long m = 0;
    if (months && cli_int(c, "--review-months", months, 1, 36, &m))
        return EXIT_USAGE;
    ch.security_lead = sec;
    ch.policy_owner = owner;
    ch.approver = appr;
    ch.it_lead = it;
    ch.hr_lead = hr;
    ch.review_months = (int)m;
    ch.tools = tools;
    ch.work_model = work;
    ws *w;
    int rc = cli_open(c, 0, &w);
    if (rc)
        return rc;
    isms_err err = {0};
    if (setting) {
        if (ws_begin(w, &err) || store_policy_profile_set(w, &ch, &err))
            return cli_abort(w, &err);
        if ((rc = cli_finish(w, &err)))
            return rc;
        if ((rc = cli_open(c, 0, &w)))
            return rc;
    }
    policy_profile p;
    if (store_policy_profile_get(w, c->a, &p, &err))
        return cli_abort(w, &err);
    ws_close(w);
    profile_print(&p, json != NULL);
    return EXIT_OK;
}

/* An answer's member as text or a number ("" and 0 when absent). */
static const char *jstr(json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "";
}

static long long jint(json_t *o, const char *k) { return (long long)json_integer_value(json_object_get(o, k)); }

/* A JSON answer as the command's --json output. */
static void print_json(json_t *o)
{
    char *s = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    printf("%s\n", s ? s : "null");
    free(s);
}

static int policy_generate(cli_ctx *c)
{
    const char *all = NULL, *force = NULL, *pos[65] = {0};
    int np = 0;
    cli_opt opts[] = {{"all", 0, &all}, {"force", 0, &force}, {NULL, 0, NULL}};
    if (cli_parse(c, opts, pos, 64, &np))
        return EXIT_USAGE;
    if (!all && !np)
        return cli_usage_error(c, "name a template (see `isms policy templates`) or give --all");
    if (all && np)
        return cli_usage_error(c, "give template names or --all, not both");
    app_policy_generate_in in = {pos, {1, all != NULL}, {1, force != NULL}};
    json_t *r;
    int rc = cli_call(c, "policy_generate", &in, &r);
    if (rc)
        return rc;
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(r, "items"), i, x)
    {
        if (strcmp(jstr(x, "result"), "generated"))
            printf("%-22s exists (version %lld, %s); --force makes a new draft from the template\n", jstr(x, "name"),
                   jint(x, "version"), jstr(x, "status"));
        else
            printf("%-22s draft version %lld: %s\n", jstr(x, "name"), jint(x, "version"), jstr(x, "title"));
    }
    printf("%lld draft(s) generated, %lld skipped. Review them (isms policy show NAME), then isms policy approve "
           "NAME --by WHO.\n",
           jint(r, "generated"), jint(r, "skipped"));
    json_decref(r);
    return EXIT_OK;
}

static int policy_list(cli_ctx *c)
{
    const char *json = NULL;
    cli_opt opts[] = {{"json", 0, &json}, {NULL, 0, NULL}};
    if (cli_parse(c, opts, NULL, 0, NULL))
        return EXIT_USAGE;
    app_policy_list_in in = {NULL, {1, 500}, {0, 0}};
    json_t *r;
    int rc = cli_call(c, "policy_list", &in, &r);
    if (rc)
        return rc;
    json_t *items = json_object_get(r, "items"), *x;
    size_t i;
    if (json) {
        print_json(items);
        json_decref(r);
        return EXIT_OK;
    }
    printf("%-22s %-40s %7s %-10s %8s %-11s %s\n", "NAME", "TITLE", "LATEST", "STATUS", "APPROVED", "NEXT REVIEW",
           "ACKS");
    json_array_foreach(items, i, x)
    {
        char av[24] = "-";
        if (jint(x, "approved_version"))
            snprintf(av, sizeof av, "v%lld", jint(x, "approved_version"));
        const char *due = jstr(x, "current_next_review");
        printf("%-22s %-40s %6s%lld %-10s %8s %-11s %lld\n", jstr(x, "name"), cli_cut(c, jstr(x, "title"), 40), "v",
               jint(x, "version"), jstr(x, "status"), av, *due ? due : "-", jint(x, "acknowledgments"));
    }
    if (!json_array_size(items))
        printf("(no policies: isms policy generate --all)\n");
    json_decref(r);
    return EXIT_OK;
}

static int parse_version(cli_ctx *c, const char *s, int *out)
{
    long v = 0;
    if (s && cli_int(c, "--version", s, 1, 1000000, &v))
        return EXIT_USAGE;
    *out = (int)v;
    return 0;
}

static int policy_show(cli_ctx *c)
{
    const char *json = NULL, *ver = NULL, *pos[1];
    int np = 0, version;
    cli_opt opts[] = {{"json", 0, &json}, {"version", 1, &ver}, {NULL, 0, NULL}};
    if (cli_parse(c, opts, pos, 1, &np) || parse_version(c, ver, &version))
        return EXIT_USAGE;
    if (np != 1)
        return cli_usage_error(c, "name the policy (see `isms policy list`)");
    app_policy_get_in in = {pos[0], {version != 0, version}};
    json_t *d;
    int rc = cli_call(c, "policy_get", &in, &d);
    if (rc)
        return rc;
    if (json) {
        print_json(d);
        json_decref(d);
        return EXIT_OK;
    }
    printf("%s (%s), version %lld of %lld: %s\n", jstr(d, "title"), jstr(d, "name"), jint(d, "version"),
           jint(d, "latest_version"), jstr(d, "status"));
    if (*jstr(d, "approved_by"))
        printf("approved by %s on %s; next review %s\n", jstr(d, "approved_by"), jstr(d, "approved_at"),
               jstr(d, "next_review"));
    printf("controls: %s%s%s\n\n%s", jstr(d, "controls"), *jstr(d, "clauses") ? "; clauses: " : "", jstr(d, "clauses"),
           jstr(d, "body"));
    json_decref(d);
    return EXIT_OK;
}

/* Read a whole regular file of at most max bytes into the arena; prints errors. */
static int read_small_file(cli_ctx *c, const char *path, long max, char **out, size_t *len)
{
    struct stat sb;
    if (stat(path, &sb) != 0) {
        fprintf(stderr, "isms: cannot read %s: %s\n", path, strerror(errno));
        return EXIT_USAGE;
    }
    if (!S_ISREG(sb.st_mode)) {
        fprintf(stderr, "isms: %s is not a regular file\n", path);
        return EXIT_USAGE;
    }
    if (sb.st_size > max) {
        fprintf(stderr, "isms: %s is %lld bytes; the limit is %ld KiB\n", path, (long long)sb.st_size, max >> 10);
        return EXIT_USAGE;
    }
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "isms: cannot open %s: %s\n", path, strerror(errno));
        return EXIT_USAGE;
    }
    char *b = arena_alloc(c->a, (size_t)sb.st_size + 1);
    size_t n = fread(b, 1, (size_t)sb.st_size, f);
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        fprintf(stderr, "isms: reading %s failed\n", path);
        return EXIT_USAGE;
    }
    b[n] = '\0';
    *out = b;
    *len = n;
    return 0;
}

static int policy_edit(cli_ctx *c)
{
    const char *file = NULL, *pos[1];
    int np = 0;
    cli_opt opts[] = {{"file", 1, &file}, {NULL, 0, NULL}};
    if (cli_parse(c, opts, pos, 1, &np))
        return EXIT_USAGE;
    if (np != 1 || !file)
        return cli_usage_error(c, "give the policy name and --file F with the new Markdown text");
    char *body;
    size_t len;
    if (read_small_file(c, file, POLICY_MAX_BYTES, &body, &len))
        return EXIT_USAGE;
    if (memchr(body, '\0', len)) { /* the text would end at the first one */
        fprintf(stderr, "isms: %s holds NUL bytes: it is not a text file\n", file);
        return EXIT_USAGE;
    }
    app_policy_edit_in in = {pos[0], body};
    json_t *d;
    int rc = cli_call(c, "policy_edit", &in, &d);
    if (rc)
        return rc;
    printf("%s: draft version %lld saved%s\n", jstr(d, "name"), jint(d, "version"),
           jint(d, "approved_version") ? " (the approved version stays in force until this one is approved)" : "");
    json_decref(d);
    return EXIT_OK;
}

static int policy_approve(cli_ctx *c)
{
    const char *by = NULL, *pos[1];
    int np = 0;
    cli_opt opts[] = {{"by", 1, &by}, {NULL, 0, NULL}};
    if (cli_parse(c, opts, pos, 1, &np))
        return EXIT_USAGE;
    if (np != 1 || !by || !*by)
        return cli_usage_error(c, "give the policy name and --by WHO approves it");
    app_policy_approve_in in = {pos[0], by};
    json_t *d;
    int rc = cli_call(c, "policy_approve", &in, &d);
    if (rc)
        return rc;
    printf("%s version %lld approved by %s on %s; next review %s; recorded as evidence %lld for %s\n", jstr(d, "name"),
           jint(d, "version"), jstr(d, "approved_by"), jstr(d, "approved_at"), jstr(d, "next_review"),
           jint(d, "evidence_id"), jstr(d, "controls"));
    json_decref(d);
    return EXIT_OK;
}

static int policy_ack(cli_ctx *c)
{
    const char *person = NULL, *pos[1];
    int np = 0;
    cli_opt opts[] = {{"person", 1, &person}, {NULL, 0, NULL}};
    if (cli_parse(c, opts, pos, 1, &np))
        return EXIT_USAGE;
    if (np != 1 || !person || !*person)
        return cli_usage_error(c, "give the policy name and --person WHO acknowledges it");
    app_policy_ack_in in = {pos[0], person};
    json_t *r;
    int rc = cli_call(c, "policy_acknowledge", &in, &r);
    if (rc)
        return rc;
    printf(json_is_true(json_object_get(r, "already")) ? "%s had already acknowledged %s\n" : "%s acknowledged %s\n",
           jstr(r, "person"), jstr(r, "policy"));
    json_decref(r);
    return EXIT_OK;
}

/* Expected staff: the file's names (one a line, # comments) or the workspace's enabled users. */
static int staff_list(cli_ctx *c, ws *w, const char *file, const char ***out, size_t *n)
{
    isms_err err = {0};
    if (!file)
        return store_policy_staff_users(w, c->a, out, n, &err) ? cli_fail(&err) : 0;
    char *text;
    size_t len;
    if (read_small_file(c, file, POLICY_STAFF_MAX_BYTES, &text, &len))
        return EXIT_USAGE;
    if (policy_staff_parse(text, len, c->a, out, n, &err)) {
        fprintf(stderr, "isms: %s: %s\n", file, err.msg);
        return EXIT_USAGE;
    }
    return 0;
}

static int policy_status(cli_ctx *c)
{
    const char *json = NULL, *staff_file = NULL, *pos[1];
    int np = 0;
    cli_opt opts[] = {{"json", 0, &json}, {"staff", 1, &staff_file}, {NULL, 0, NULL}};
    if (cli_parse(c, opts, pos, 1, &np))
        return EXIT_USAGE;
    ws *w;
    int rc = cli_open(c, 0, &w);
    if (rc)
        return rc;
    isms_err err = {0};
    const char **staff = NULL;
    size_t nstaff = 0, n;
    if ((rc = staff_list(c, w, staff_file, &staff, &nstaff))) {
        ws_close(w);
        return rc;
    }
    char today[11];
    store_today(today);
    policy_ack_status *st;
    int problems;
    if (store_policy_status(w, np ? pos[0] : NULL, staff, nstaff, today, c->a, &st, &n, &problems, &err))
        return cli_abort(w, &err);
    ws_close(w);
    if (json) {
        jw j;
        jw_init_file(&j, stdout, 1);
        json_policy_status(&j, today, nstaff, st, n, problems);
        jw_end(&j);
        return problems ? EXIT_PROBLEMS : EXIT_OK;
    }
    printf("%zu staff expected (%s)\n", nstaff, staff_file ? staff_file : "the workspace's users");
    for (size_t i = 0; i < n; i++) {
        const policy_doc *d = &st[i].d;
        if (!d->approved_version) {
            printf("%-22s no approved version yet (draft v%d)\n", d->name, d->version);
            continue;
        }
        printf("%-22s v%d  next review %s%s  acknowledged %zu of %zu\n", d->name, d->approved_version,
               d->current_next_review, st[i].review_overdue ? " (OVERDUE)" : "", nstaff - st[i].nmissing, nstaff);
        for (size_t k = 0; k < st[i].nmissing; k++)
            printf("    missing: %s\n", st[i].missing[k]);
    }
    if (problems)
        printf("%d polic%s with missing acknowledgments or an overdue review\n", problems, problems == 1 ? "y" : "ies");
    return problems ? EXIT_PROBLEMS : EXIT_OK;
}

static int policy_export_cmd(cli_ctx *c)
{
    const char *fmt = NULL, *outp = NULL, *ver = NULL, *pos[1];
    int np = 0, version;
    cli_opt opts[] = {{"format", 1, &fmt}, {"o", 1, &outp}, {"output", 1, &outp}, {"version", 1, &ver},
                      {NULL, 0, NULL}};
    if (cli_parse(c, opts, pos, 1, &np) || parse_version(c, ver, &version))
        return EXIT_USAGE;
    if (np != 1)
        return cli_usage_error(c, "name the policy to export");
    int f = policy_format_parse(fmt);
    if (f < 0)
        return cli_usage_error(c, "--format must be md, html or pdf");
    if (!outp || !*outp)
        return cli_usage_error(c, "-o FILE is required");
    ws *w;
    int rc = cli_open(c, 0, &w);
    if (rc)
        return rc;
    isms_err err = {0};
    policy_doc d;
    org o;
    if (store_policy_get(w, pos[0], version, c->a, &d, &err) || store_org_get(w, c->a, &o, &err))
        return cli_abort(w, &err);
    ws_close(w);
    if (policy_export(&d, o.name, (policy_format)f, outp, &err))
        return cli_fail(&err);
    printf("wrote %s (%s version %d, %s)\n", outp, d.name, d.version, d.status);
    return EXIT_OK;
}

const cli_cmd cmds_policy[] = {
    {"templates", policy_templates, "[--json]",
     "List the policy library: each template's name, title and the Annex A controls and clauses it addresses."},
    {"profile", policy_profile_cmd,
     "[show|set] [--security-lead NAME] [--policy-owner NAME] [--approver NAME] [--it-lead NAME] [--hr-lead NAME]\n"
     "      [--review-months 1-36] [--tools LIST] [--work-model office|remote|hybrid] [--json]",
     "Show or change what fills the templates besides the organization's name and scope (isms org set).\n"
     "Tools (comma-separated): aws, azure, gcp, github, gitlab, gworkspace, m365, okta, slack, jira.\n"
     "Unset roles read as role titles (\"the Information Security Lead\"); reviews default to 12 months."},
    {"generate", policy_generate, "NAME...|--all [--force]",
     "Create draft policies from the templates and the profile. Existing policies are left alone unless\n"
     "--force, which saves a new draft from the template (an approved version stays in force until approval)."},
    {"list", policy_list, "[--json]", "List policies with their latest version, status, approved version, next review and acknowledgments."},
    {"show", policy_show, "NAME [--version N] [--json]", "Show a policy's Markdown text and approval details (latest version by default)."},
    {"edit", policy_edit, "NAME --file F",
     "Replace the draft text with the Markdown file F (at most 1 MiB of UTF-8). Editing an approved policy\n"
     "starts a new draft version; the approved one stays in force until the draft is approved."},
    {"approve", policy_approve, "NAME --by WHO",
     "Approve the latest draft: approved by/on, next review after the profile's cadence, the previous approved\n"
     "version superseded, and the document recorded as policy evidence for its controls until the next review."},
    {"ack", policy_ack, "NAME --person WHO", "Record that WHO has read and accepted the current approved version."},
    {"status", policy_status, "[NAME] [--staff FILE] [--json]",
     "Who has not acknowledged the current approved version, and which reviews are overdue. Expected staff:\n"
     "--staff FILE (one name per line, # comments) or else the workspace's enabled users.\n"
     "Exit 1 when someone is missing or a review is overdue."},
    {"export", policy_export_cmd, "NAME --format md|html|pdf -o FILE [--version N]",
     "Write a policy as Markdown (as stored), standalone HTML with a print stylesheet, or PDF. HTML and PDF\n"
     "start with a document control block: version, status, approval, next review, controls."},
    {"gap", cli_policy_gap, POLICY_GAP_USAGE, POLICY_GAP_HELP},
    {NULL, NULL, NULL, NULL},
};
