/* isms cert, isms calendar: the certification cycle, the implementation roadmap, and every ISMS
 * date as an iCalendar file. */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "app/usecases.h"
#include "cli/cli.h"
#include "core/cycle.h"
#include "report/ics.h"
#include "report/cycle_json.h"
#include "util/json.h"

static int cert_show(cli_ctx *c)
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
    cert_rec cr;
    int found;
    milestone_rec *ms;
    size_t nm;
    if (store_cert_get(w, c->a, &cr, &found, &err) || store_milestone_list(w, c->a, &ms, &nm, &err))
        return cli_abort(w, &err);
    ws_close(w);
    char today[11];
    store_today(today);
    cert_dates d;
    int have_dates = cr.issued_on && !cycle_cert_dates(cr.issued_on, &d, &err);
    if (json) {
        jw j;
        jw_init_file(&j, stdout, 1);
        json_certification(&j, &cr, ms, nm, today);
        jw_end(&j);
        return EXIT_OK;
    }
    printf("Certification\n");
    if (!found)
        printf("  nothing recorded yet (isms cert set --stage1 DATE --stage2 DATE --body NAME)\n");
    else {
        printf("  body              %s\n", cr.body ? cr.body : "-");
        printf("  stage 1 audit     %s\n", cr.stage1_date ? cr.stage1_date : "-");
        printf("  stage 2 audit     %s\n", cr.stage2_date ? cr.stage2_date : "-");
        printf("  certificate       %s issued %s\n", cr.number ? cr.number : "-", cr.issued_on ? cr.issued_on : "-");
        if (have_dates) {
            printf("  surveillance 1    by %s\n", d.surveillance1_by);
            printf("  surveillance 2    by %s\n", d.surveillance2_by);
            printf("  recertification   by %s\n", d.recert_by);
            printf("  expires           %s%s\n", d.expires_on, strcmp(d.expires_on, today) < 0 ? "  (EXPIRED)" : "");
        }
    }
    printf("\nImplementation roadmap\n");
    for (size_t i = 0; i < nm; i++)
        printf("  %-18s %-9s due %-10s %s%s%s\n", ms[i].key, cycle_milestone_state(ms[i].done_on, ms[i].due_date, today),
               ms[i].due_date ? ms[i].due_date : "-", ms[i].title, ms[i].done_on ? ", done " : "",
               ms[i].done_on ? ms[i].done_on : "");
    return EXIT_OK;
}

static int cert_set(cli_ctx *c)
{
    cert_rec cr = {0};
    cli_opt opts[] = {{"body", 1, &cr.body},       {"number", 1, &cr.number}, {"stage1", 1, &cr.stage1_date},
                      {"stage2", 1, &cr.stage2_date}, {"issued", 1, &cr.issued_on}, {NULL, 0, NULL}};
    if (cli_parse(c, opts, NULL, 0, NULL))
        return EXIT_USAGE;
    if (!cr.body && !cr.number && !cr.stage1_date && !cr.stage2_date && !cr.issued_on)
        return cli_usage_error(c, "give at least one of --body, --number, --stage1, --stage2, --issued");
    app_cert_set_in in = {cr.body, cr.number, cr.stage1_date, cr.stage2_date, cr.issued_on};
    json_t *r;
    int rc = cli_call(c, "cert_set", &in, &r);
    json_decref(r);
    return rc;
}

static int cert_milestone(cli_ctx *c)
{
    const char *pos[1] = {0}, *due = NULL, *note = NULL;
    int np = 0;
    cli_opt opts[] = {{"due", 1, &due}, {"note", 1, &note}, {NULL, 0, NULL}};
    if (cli_parse(c, opts, pos, 1, &np))
        return EXIT_USAGE;
    if (np != 1 || (!due && !note))
        return cli_usage_error(c, "expected `milestone KEY [--due YYYY-MM-DD] [--note TEXT]`");
    app_milestone_set_in in = {pos[0], due, note};
    json_t *r;
    int rc = cli_call(c, "milestone_set", &in, &r);
    json_decref(r);
    return rc;
}

const cli_cmd cmds_cert[] = {
    {"show", cert_show, "[--json]",
     "The certification cycle: stage 1 and 2 audits, the certificate, the surveillance audits due in\n"
     "years 2 and 3, the recertification audit before expiry, and the implementation roadmap. A\n"
     "milestone is done when the workspace shows it (scope set, risks treated, SoA approved, controls\n"
     "implemented, internal audit completed, review held, audit dates passed)."},
    {"set", cert_set, "[--body NAME] [--number N] [--stage1 DATE] [--stage2 DATE] [--issued DATE]",
     "Record the certification body, the audit dates and the certificate. A certificate is valid for\n"
     "three years from its issue date."},
    {"milestone", cert_milestone, "KEY [--due DATE] [--note TEXT]",
     "Plan a roadmap milestone: scope, risk_assessment, soa, controls, internal_audit,\n"
     "management_review, stage1, stage2."},
    {NULL, NULL, NULL, NULL},
};

static int calendar_run(cli_ctx *c)
{
    const char *outp = NULL;
    cli_opt opts[] = {{"o", 1, &outp}, {"output", 1, &outp}, {NULL, 0, NULL}};
    if (cli_parse(c, opts, NULL, 0, NULL))
        return EXIT_USAGE;
    ws *w;
    int rc = cli_open(c, 0, &w);
    if (rc)
        return rc;
    isms_err err = {0};
    org o;
    cal_event *ev;
    size_t n;
    if (store_org_get(w, c->a, &o, &err) || store_calendar_events(w, c->a, &ev, &n, &err))
        return cli_abort(w, &err);
    ws_close(w);
    char now[32], stamp[17];
    store_now(now);
    /* 2026-11-30T12:00:00Z -> 20261130T120000Z */
    snprintf(stamp, sizeof stamp, "%.4s%.2s%.2sT%.2s%.2s%.2sZ", now, now + 5, now + 8, now + 11, now + 14, now + 17);
    const char *name = arena_sprintf(c->a, "%s ISMS", o.name);
    if (!outp || !strcmp(outp, "-")) {
        ics_write_stream(stdout, name, ev, n, stamp);
        return EXIT_OK;
    }
    if (ics_write(outp, name, ev, n, stamp, &err))
        return cli_fail(&err);
    fprintf(stderr, "Wrote %zu event(s) to %s\n", n, outp);
    return EXIT_OK;
}

const cli_cmd cmds_calendar[] = {
    {NULL, calendar_run, "[-o FILE.ics]",
     "Export every ISMS date as an iCalendar file (standard output without -o): certification audits,\n"
     "surveillance and recertification, certificate expiry, roadmap milestones, internal audits,\n"
     "management reviews, action and risk treatment due dates, evidence expiry."},
    {NULL, NULL, NULL, NULL},
};
