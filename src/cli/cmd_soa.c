/* isms soa: the Statement of Applicability (6.1.3 d). */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "app/usecases.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "report/export.h"
#include "report/json.h"
#include "util/json.h"

static const char *applicable_text(int a)
{
    return a == SOA_APPLICABLE ? "yes" : a == SOA_EXCLUDED ? "no" : "-";
}

/* Load either the live SoA or an approved version. */
static int load_entries(cli_ctx *c, ws *w, const char *version, soa_entry *out, isms_err *err)
{
    if (!version)
        return store_soa_load(w, c->a, out, err);
    long v;
    char *end;
    v = strtol(version, &end, 10);
    if (!*version || *end || v < 1 || v > 1000000)
        return err_set(err, ISMS_EINVAL, "--version: '%s' is not a version number", version);
    return store_soa_load_version(w, (int)v, c->a, out, err);
}

static int soa_list(cli_ctx *c)
{
    const char *json = NULL, *theme = NULL, *status = NULL, *applic = NULL, *version = NULL;
    cli_opt opts[] = {{"json", 0, &json}, {"theme", 1, &theme}, {"status", 1, &status},
                      {"applicable", 1, &applic}, {"version", 1, &version}, {NULL, 0, NULL}};
    if (cli_parse(c, opts, NULL, 0, NULL))
        return EXIT_USAGE;
    int want_status = -2, want_app = -2;
    if (status && (want_status = soa_status_parse(status)) < 0) {
        if (!strcasecmp(status, "none"))
            want_status = SOA_STATUS_NONE;
        else
            return cli_usage_error(c, "--status must be not_started, planned, partial or implemented");
    }
    if (applic) {
        if (!strcasecmp(applic, "yes")) want_app = SOA_APPLICABLE;
        else if (!strcasecmp(applic, "no")) want_app = SOA_EXCLUDED;
        else if (!strcasecmp(applic, "undecided")) want_app = SOA_UNDECIDED;
        else return cli_usage_error(c, "--applicable must be yes, no or undecided");
    }
    if (theme) {
        int ok = 0;
        for (const char *const *t = catalog_themes(); *t; t++)
            if (!strcasecmp(*t, theme)) {
                theme = *t;
                ok = 1;
            }
        if (!ok)
            return cli_usage_error(c, "--theme must be Organizational, People, Physical or Technological");
    }
    ws *w;
    int rc = cli_open(c, 0, &w);
    if (rc)
        return rc;
    isms_err err = {0};
    soa_entry e[CATALOG_NCONTROLS];
    if (load_entries(c, w, version, e, &err))
        return cli_abort(w, &err);
    ws_close(w);
    jw j;
    if (json) {
        jw_init_file(&j, stdout, 1);
        jw_arr(&j);
    } else {
        printf("%-7s %-14s %-44s %-4s %-22s %-12s %s\n", "ID", "THEME", "TITLE", "APP", "REASONS", "STATUS",
               "JUSTIFICATION");
    }
    for (int i = 0; i < CATALOG_NCONTROLS; i++) {
        int a = soa_effective_applicable(&e[i]);
        if ((theme && strcmp(theme, e[i].ctl->theme)) || (want_app != -2 && a != want_app) ||
            (want_status != -2 && (int)e[i].status != want_status))
            continue;
        if (json) {
            json_soa_entry(&j, c->a, &e[i]);
            continue;
        }
        printf("%-7s %-14s %-44s %-4s %-22s %-12s %s\n", e[i].ctl->id, e[i].ctl->theme, cli_cut(c, e[i].ctl->title, 44),
               applicable_text(a), cli_cut(c, soa_reasons_text(c->a, &e[i]), 22),
               e[i].status ? soa_status_name(e[i].status) : "-", cli_cut(c, e[i].justification, 60));
    }
    if (json) {
        jw_arr_end(&j);
        jw_end(&j);
    }
    return EXIT_OK;
}

static void print_steps(const char *label, const char *text)
{
    printf("\n%s\n", label);
    const char *p = text;
    while (p && *p) {
        const char *bar = strstr(p, " | ");
        size_t len = bar ? (size_t)(bar - p) : strlen(p);
        printf("  - %.*s\n", (int)len, p);
        p = bar ? bar + 3 : NULL;
    }
}

static int soa_show(cli_ctx *c)
{
    const char *json = NULL, *pos[1];
    int np = 0;
    cli_opt opts[] = {{"json", 0, &json}, {NULL, 0, NULL}};
    if (cli_parse(c, opts, pos, 1, &np))
        return EXIT_USAGE;
    if (np != 1)
        return cli_usage_error(c, "give a control id like A.5.15");
    int idx = catalog_control_index(pos[0]);
    if (idx < 0) {
        fprintf(stderr, "isms: unknown control id '%s' (Annex A 2022 ids look like A.5.15 or A.8.24)\n", pos[0]);
        return EXIT_USAGE;
    }
    ws *w;
    int rc = cli_open(c, 0, &w);
    if (rc)
        return rc;
    isms_err err = {0};
    soa_entry e[CATALOG_NCONTROLS];
    if (store_soa_load(w, c->a, e, &err))
        return cli_abort(w, &err);
    ws_close(w);
    const soa_entry *x = &e[idx];
    if (json) {
        jw j;
        jw_init_file(&j, stdout, 1);
        json_soa_entry(&j, c->a, x);
        jw_end(&j);
        return EXIT_OK;
    }
    int a = soa_effective_applicable(x);
    printf("%s %s (%s)\n  applicable:     %s%s\n  reasons:        %s\n  linked risks:   %s\n  justification:  %s\n"
           "  status:         %s\n  implementation: %s\n  owner:          %s\n",
           x->ctl->id, x->ctl->title, x->ctl->theme, applicable_text(a),
           x->applicable == SOA_UNDECIDED && a == SOA_APPLICABLE ? " (derived from risk treatment)" : "",
           soa_reasons_text(c->a, x), *x->risks ? x->risks : "-", x->justification ? x->justification : "-",
           x->status ? soa_status_name(x->status) : "-", x->implementation ? x->implementation : "-",
           x->owner ? x->owner : "-");
    printf("\nPurpose: %s\n", x->ctl->g.purpose);
    print_steps("How to implement it:", x->ctl->g.implement);
    print_steps("Evidence an auditor accepts:", x->ctl->g.evidence);
    print_steps("Common audit findings:", x->ctl->g.findings);
    return EXIT_OK;
}

static int soa_set(cli_ctx *c)
{
    app_soa_decide_in in = {0};
    const char *applic = NULL, *pos[1];
    int np = 0;
    cli_opt opts[] = {{"applicable", 1, &applic}, {"justification", 1, &in.justification}, {"status", 1, &in.status},
                      {"implementation", 1, &in.implementation}, {"owner", 1, &in.owner}, {"reasons", 1, &in.reasons},
                      {NULL, 0, NULL}};
    if (cli_parse(c, opts, pos, 1, &np))
        return EXIT_USAGE;
    if (np != 1)
        return cli_usage_error(c, "give a control id like A.5.15");
    isms_err err = {0};
    if (catalog_init(&err) || !catalog_control_find(pos[0])) {
        fprintf(stderr, "isms: unknown control id '%s' (Annex A 2022 ids look like A.5.15 or A.8.24)\n", pos[0]);
        return EXIT_USAGE;
    }
    in.control = pos[0];
    if (!applic && !in.justification && !in.status && !in.implementation && !in.owner && !in.reasons)
        return cli_usage_error(c, "nothing to change: give --applicable, --justification, --status, --implementation, "
                                  "--owner or --reasons");
    if (applic) {
        if (!strcasecmp(applic, "yes") || !strcasecmp(applic, "true")) in.applicable = (app_int){1, 1};
        else if (!strcasecmp(applic, "no") || !strcasecmp(applic, "false")) in.applicable = (app_int){1, 0};
        else return cli_usage_error(c, "--applicable must be yes or no, not '%s'", applic);
    }
    if (in.status && soa_status_parse(in.status) < 0)
        return cli_usage_error(c, "--status must be not_started, planned, partial or implemented, not '%s'", in.status);
    int rbits;
    if (in.reasons && soa_reasons_parse(in.reasons, &rbits, &err))
        return cli_fail(&err);
    json_t *r;
    int rc = cli_call(c, "soa_decide", &in, &r);
    json_decref(r);
    return rc;
}

static int soa_validate_cmd(cli_ctx *c)
{
    const char *json = NULL;
    cli_opt opts[] = {{"json", 0, &json}, {NULL, 0, NULL}};
    if (cli_parse(c, opts, NULL, 0, NULL))
        return EXIT_USAGE;
    ws *w;
    int rc = cli_open(c, 0, &w);
    if (rc)
        return rc;
    isms_err err = {0};
    soa_entry e[CATALOG_NCONTROLS];
    if (store_soa_load(w, c->a, e, &err))
        return cli_abort(w, &err);
    ws_close(w);
    soa_issue *is;
    size_t n = soa_validate(e, CATALOG_NCONTROLS, c->a, &is);
    if (json) {
        jw j;
        jw_init_file(&j, stdout, 1);
        json_soa_validation(&j, is, n);
        jw_end(&j);
    } else if (!n) {
        printf("The Statement of Applicability has no weaknesses left.\n");
    } else {
        for (size_t i = 0; i < n; i++)
            printf("%-7s %-24s %s\n", is[i].control, is[i].code, is[i].message);
        printf("\n%zu weakness(es) in the Statement of Applicability.\n", n);
    }
    return n ? EXIT_PROBLEMS : EXIT_OK;
}

static int soa_approve(cli_ctx *c)
{
    const char *by = NULL, *note = NULL;
    cli_opt opts[] = {{"by", 1, &by}, {"note", 1, &note}, {NULL, 0, NULL}};
    if (cli_parse(c, opts, NULL, 0, NULL))
        return EXIT_USAGE;
    if (!by || !*by)
        return cli_usage_error(c, "--by NAME is required: who approves this SoA");
    ws *w;
    int rc = cli_open(c, 0, &w);
    if (rc)
        return rc;
    isms_err err = {0};
    int v;
    if (ws_begin(w, &err) || store_soa_approve(w, by, note, &v, &err))
        return cli_abort(w, &err);
    if ((rc = cli_finish(w, &err)))
        return rc;
    printf("Approved SoA version %d (by %s). Later changes start version %d.\n", v, by, v + 1);
    return EXIT_OK;
}

static int soa_versions(cli_ctx *c)
{
    const char *json = NULL;
    cli_opt opts[] = {{"json", 0, &json}, {NULL, 0, NULL}};
    if (cli_parse(c, opts, NULL, 0, NULL))
        return EXIT_USAGE;
    ws *w;
    int rc = cli_open(c, 0, &w);
    if (rc)
        return rc;
    isms_err err = {0};
    soa_version *v;
    size_t n;
    int nv, changed;
    if (store_soa_versions(w, c->a, &v, &n, &err) || store_soa_changed(w, c->a, &nv, &changed, &err))
        return cli_abort(w, &err);
    ws_close(w);
    if (json) {
        jw j;
        jw_init_file(&j, stdout, 1);
        jw_obj(&j);
        jw_kbool(&j, "changed_since_last_approval", changed);
        jw_key(&j, "versions");
        jw_arr(&j);
        for (size_t i = 0; i < n; i++) {
            jw_obj(&j);
            jw_kint(&j, "version", v[i].version);
            jw_kstr(&j, "approved_by", v[i].approved_by);
            jw_kstr(&j, "approved_at", v[i].approved_at);
            jw_kstr(&j, "note", v[i].note);
            jw_kstr(&j, "digest", v[i].digest);
            jw_obj_end(&j);
        }
        jw_arr_end(&j);
        jw_obj_end(&j);
        jw_end(&j);
        return EXIT_OK;
    }
    if (!n)
        printf("No approved version yet (isms soa approve --by NAME).\n");
    for (size_t i = 0; i < n; i++)
        printf("version %d  approved by %s at %s  sha256 %.16s…%s%s\n", v[i].version, v[i].approved_by,
               v[i].approved_at, v[i].digest, v[i].note ? "  " : "", v[i].note ? v[i].note : "");
    if (n)
        printf(changed ? "The SoA has changed since version %d: the draft is version %d.\n"
                       : "The SoA is unchanged since version %d.\n",
               (int)n, (int)n + 1);
    return EXIT_OK;
}

static int soa_export(cli_ctx *c)
{
    const char *fmt = NULL, *outp = NULL, *version = NULL;
    cli_opt opts[] = {{"format", 1, &fmt}, {"o", 1, &outp}, {"output", 1, &outp}, {"version", 1, &version},
                      {NULL, 0, NULL}};
    if (cli_parse(c, opts, NULL, 0, NULL))
        return EXIT_USAGE;
    int f = export_format_parse(fmt);
    if (f < 0)
        return cli_usage_error(c, "--format must be csv, xlsx or html");
    if (!outp)
        return cli_usage_error(c, "-o FILE is required");
    ws *w;
    int rc = cli_open(c, 0, &w);
    if (rc)
        return rc;
    isms_err err = {0};
    soa_entry e[CATALOG_NCONTROLS];
    org o;
    soa_version *v;
    size_t n;
    int nv, changed;
    if (store_org_get(w, c->a, &o, &err) || load_entries(c, w, version, e, &err) ||
        store_soa_versions(w, c->a, &v, &n, &err) || store_soa_changed(w, c->a, &nv, &changed, &err))
        return cli_abort(w, &err);
    ws_close(w);
    const char *label;
    if (version) {
        long vv = strtol(version, NULL, 10);
        label = arena_sprintf(c->a, "version %ld approved by %s on %.10s", vv, v[vv - 1].approved_by,
                              v[vv - 1].approved_at);
    } else if (n && !changed) {
        label = arena_sprintf(c->a, "version %d approved by %s on %.10s", v[n - 1].version, v[n - 1].approved_by,
                              v[n - 1].approved_at);
    } else {
        label = n ? arena_sprintf(c->a, "draft of version %d (changed since version %d was approved)", (int)n + 1, (int)n)
                  : "draft, not yet approved";
    }
    char now[32];
    store_now(now);
    export_meta meta = {o.name, label, now};
    if (export_soa(e, CATALOG_NCONTROLS, &meta, (export_format)f, outp, &err))
        return cli_fail(&err);
    fprintf(stderr, "wrote %s (%s)\n", outp, label);
    return EXIT_OK;
}

const cli_cmd cmds_soa[] = {
    {"list", soa_list, "[--json] [--theme T] [--status S] [--applicable yes|no|undecided] [--version N]",
     "The 93 Annex A controls with applicability, reasons, status and justification.\n"
     "--version N shows an approved, frozen version."},
    {"show", soa_show, "ID [--json]", "One control's SoA entry with our guidance: purpose, how to implement,\n"
                                      "the evidence an auditor accepts and common findings."},
    {"set", soa_set,
     "ID [--applicable yes|no] [--justification TEXT] [--status not_started|planned|partial|implemented] "
     "[--implementation TEXT] [--owner O] [--reasons legal,contractual,business]",
     "Record a decision. A control that treats a risk cannot be excluded. An exclusion needs a\n"
     "justification specific to the organization: empty, N/A, \"not relevant\" and the like are refused."},
    {"validate", soa_validate_cmd, "[--json]",
     "Every weakness left: undecided controls, unjustified exclusions, applicable controls with no\n"
     "reason, status, implementation description or owner. Exit 1 while any remain."},
    {"approve", soa_approve, "--by NAME [--note TEXT]",
     "Freeze the current SoA as the next numbered version. Refused while controls are undecided or\n"
     "exclusions unjustified."},
    {"versions", soa_versions, "[--json]", "Approved versions, and whether the SoA changed since the last one."},
    {"import-2013", cli_soa_import_2013, "FILE.csv [--json]",
     "Migrate a 2013-style SoA to the 2022 controls in one transaction, all or nothing. Columns by header:\n"
     "control and applicable (yes/no) required; justification, status, implementation, owner optional.\n"
     "When several 2013 controls feed one 2022 control: applicable if any is, excluded only if all are,\n"
     "the least implemented status wins. Lists the new 2022 controls that still need a decision."},
    {"export", soa_export, "--format csv|xlsx|html -o FILE [--version N]",
     "Write the SoA for the auditor: one row per control."},
    {NULL, NULL, NULL, NULL},
};
