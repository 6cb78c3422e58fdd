/* isms audit, isms action: the internal audit programme and plans, checklists, findings (9.2),
 * corrective actions and their effectiveness checks (10.2). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "app/usecases.h"
#include "cli/cli.h"
#include "report/lifecycle.h"
#include "util/json.h"

static int parse_id(cli_ctx *c, const char *what, const char *s, int64_t *out)
{
    long v;
    if (cli_int(c, what, s, 1, 0x7fffffffL, &v))
        return EXIT_USAGE;
    *out = v;
    return 0;
}

static int audit_programme(cli_ctx *c)
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
    lifecycle_programme p;
    if (lifecycle_programme_build(w, c->a, &p, &err))
        return cli_abort(w, &err);
    ws_close(w);
    const char *start = p.cycle_start;
    programme_item *it = p.items;
    size_t n = p.n;
    if (json) {
        jw j;
        jw_init_file(&j, stdout, 1);
        lifecycle_programme_json(&j, &p);
        jw_end(&j);
        return EXIT_OK;
    }
    printf("Internal audit programme (9.2.2), three-year cycle from %s\n", start);
    printf("Every clause 4-10 each year; controls treating risks above appetite each year (*);\n"
           "every other applicable control once in the cycle.\n");
    for (int y = 0; y < 3; y++) {
        printf("\nYear %d (from %s): %zu item(s), %zu audited\n", y + 1, p.year_from[y], p.planned[y], p.audited[y]);
        int col = 0;
        for (size_t k = 0; k < n; k++) {
            if (!((it[k].years >> y) & 1))
                continue;
            col += printf("  %s%s%s", (it[k].covered >> y) & 1 ? "[x]" : "[ ]", it[k].ref, it[k].high_risk ? "*" : "");
            if (col > 90) {
                printf("\n");
                col = 0;
            }
        }
        if (col)
            printf("\n");
    }
    printf("\n%zu of %zu item(s) audited so far in this cycle.\n", p.items_audited, n);
    return EXIT_OK;
}

static int audit_plan(cli_ctx *c)
{
    audit_rec x = {0};
    const char *year = NULL;
    cli_opt opts[] = {{"title", 1, &x.title},     {"scope", 1, &x.scope},   {"year", 1, &year},
                      {"criteria", 1, &x.criteria}, {"auditor", 1, &x.auditor}, {"start", 1, &x.start_date},
                      {"end", 1, &x.end_date},     {NULL, 0, NULL}};
    if (cli_parse(c, opts, NULL, 0, NULL))
        return EXIT_USAGE;
    if (!x.scope == !year)
        return cli_usage_error(c, "give the scope: --scope \"4-10,A.5.15,...\" or --year 1|2|3 (the programme's year)");
    app_audit_plan_in in = {x.title, x.scope, x.criteria, x.auditor, x.start_date, x.end_date, {year != NULL, 0}};
    if (year && cli_int(c, "--year", year, 1, 3, &in.year.v))
        return EXIT_USAGE;
    json_t *r;
    int rc = cli_call(c, "audit_plan", &in, &r);
    if (rc)
        return rc;
    printf("Planned internal audit %lld: %s, %s to %s, auditor %s\n", (long long)json_integer_value(json_object_get(r, "id")),
           json_string_value(json_object_get(r, "title")), json_string_value(json_object_get(r, "start_date")),
           json_string_value(json_object_get(r, "end_date")), json_string_value(json_object_get(r, "auditor")));
    json_decref(r);
    return EXIT_OK;
}

static int audit_list(cli_ctx *c)
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
    audit_rec *au;
    size_t n;
    if (store_audit_list(w, c->a, &au, &n, &err))
        return cli_abort(w, &err);
    ws_close(w);
    if (json) {
        jw j;
        jw_init_file(&j, stdout, 1);
        jw_arr(&j);
        for (size_t i = 0; i < n; i++)
            lifecycle_audit_json(&j, &au[i]);
        jw_arr_end(&j);
        jw_end(&j);
        return EXIT_OK;
    }
    if (!n)
        printf("No internal audits yet (isms audit plan --year 1 --auditor NAME --start DATE).\n");
    for (size_t i = 0; i < n; i++)
        printf("%4lld  %-9s %s..%s  %-20s %ld finding(s)  %s\n", (long long)au[i].id, au[i].status, au[i].start_date,
               au[i].end_date, cli_cut(c, au[i].auditor, 20), au[i].findings, au[i].title);
    return EXIT_OK;
}

static void print_list(const char *label, const char *items)
{
    if (!items || !*items)
        return;
    printf("    %s\n", label);
    for (const char *p = items; *p;) {
        const char *e = strstr(p, " | ");
        size_t l = e ? (size_t)(e - p) : strlen(p);
        printf("      - %.*s\n", (int)l, p);
        p += l + (e ? 3 : 0);
    }
}

static int audit_checklist(cli_ctx *c)
{
    const char *pos[1] = {0}, *json = NULL;
    int np = 0;
    cli_opt opts[] = {{"json", 0, &json}, {NULL, 0, NULL}};
    if (cli_parse(c, opts, pos, 1, &np))
        return EXIT_USAGE;
    int64_t id;
    if (np != 1)
        return cli_usage_error(c, "expected `checklist AUDIT_ID`");
    if (parse_id(c, "audit id", pos[0], &id))
        return EXIT_USAGE;
    ws *w;
    int rc = cli_open(c, 0, &w);
    if (rc)
        return rc;
    isms_err err = {0};
    audit_rec x;
    lifecycle_check *it;
    size_t n;
    if (store_audit_get(w, id, c->a, &x, &err) || lifecycle_checklist(w, &x, c->a, &it, &n, &err))
        return cli_abort(w, &err);
    ws_close(w);
    if (json) {
        jw j;
        jw_init_file(&j, stdout, 1);
        lifecycle_checklist_json(&j, &x, it, n);
        jw_end(&j);
        return EXIT_OK;
    }
    printf("Checklist for internal audit %lld: %s\nAuditor %s, %s to %s\nCriteria: %s\n", (long long)x.id, x.title,
           x.auditor, x.start_date, x.end_date, x.criteria);
    for (size_t i = 0; i < n; i++) {
        printf("\n%s %s\n  Q: %s\n", it[i].ref, it[i].title, it[i].question);
        if (it[i].se)
            printf("    SoA: %s, owner %s\n", soa_status_name(it[i].se->status), it[i].se->owner ? it[i].se->owner : "-");
        print_list("Verify:", it[i].g->implement);
        print_list("Evidence to sample:", it[i].g->evidence);
        print_list("Common findings to probe:", it[i].g->findings);
        if (!it[i].se)
            continue;
        printf("    Evidence on file:\n");
        for (size_t e = 0; e < it[i].nev; e++) {
            const evidence *ev = &it[i].ev[e];
            printf("      - evidence %lld: %s (%s, collected %.10s, valid until %s, sha256 %.12s)\n", (long long)ev->id,
                   ev->filename, ev->kind, ev->collected_at, ev->valid_until, ev->sha256);
        }
        if (!it[i].nev)
            printf("      (none)\n");
    }
    return EXIT_OK;
}

static int audit_show(cli_ctx *c)
{
    const char *pos[1] = {0}, *json = NULL;
    int np = 0;
    cli_opt opts[] = {{"json", 0, &json}, {NULL, 0, NULL}};
    if (cli_parse(c, opts, pos, 1, &np))
        return EXIT_USAGE;
    int64_t id;
    if (np != 1)
        return cli_usage_error(c, "expected `show AUDIT_ID`");
    if (parse_id(c, "audit id", pos[0], &id))
        return EXIT_USAGE;
    ws *w;
    int rc = cli_open(c, 0, &w);
    if (rc)
        return rc;
    isms_err err = {0};
    audit_rec x;
    finding_rec *f;
    size_t nf;
    if (store_audit_get(w, id, c->a, &x, &err) || store_finding_list(w, id, c->a, &f, &nf, &err))
        return cli_abort(w, &err);
    ws_close(w);
    if (json) {
        jw j;
        jw_init_file(&j, stdout, 1);
        jw_obj(&j);
        jw_key(&j, "audit");
        lifecycle_audit_json(&j, &x);
        jw_key(&j, "findings");
        jw_arr(&j);
        for (size_t i = 0; i < nf; i++)
            lifecycle_finding_json(&j, &f[i], 0, 1);
        jw_arr_end(&j);
        jw_obj_end(&j);
        jw_end(&j);
        return EXIT_OK;
    }
    printf("Internal audit %lld: %s\n  status    %s%s%s\n  auditor   %s\n  dates     %s to %s\n  criteria  %s\n"
           "  scope     %s\n",
           (long long)x.id, x.title, x.status, x.completed_on ? " on " : "", x.completed_on ? x.completed_on : "",
           x.auditor, x.start_date, x.end_date, x.criteria, x.scope);
    if (x.summary)
        printf("  results   %s\n", x.summary);
    printf("\nFindings:\n");
    if (!nf)
        printf("  (none)\n");
    for (size_t i = 0; i < nf; i++)
        printf("  %4lld  %-28s %-8s %s%s\n", (long long)f[i].id, cycle_finding_type_label(f[i].type), f[i].ref,
               f[i].description,
               cycle_finding_is_nc(f[i].type) && !f[i].actions ? "  [needs a corrective action]" : "");
    return EXIT_OK;
}

static int audit_finding(cli_ctx *c)
{
    const char *pos[1] = {0};
    int np = 0;
    finding_rec f = {0};
    cli_opt opts[] = {{"type", 1, &f.type},
                      {"ref", 1, &f.ref},
                      {"description", 1, &f.description},
                      {"evidence", 1, &f.evidence},
                      {NULL, 0, NULL}};
    if (cli_parse(c, opts, pos, 1, &np))
        return EXIT_USAGE;
    if (np != 1 || !f.type || !f.ref || !f.description)
        return cli_usage_error(c, "expected `finding AUDIT_ID --type major|minor|observation|improvement --ref CLAUSE|CONTROL "
                                  "--description TEXT [--evidence TEXT]`");
    if (parse_id(c, "audit id", pos[0], &f.audit_id))
        return EXIT_USAGE;
    app_finding_add_in in = {{1, (long)f.audit_id}, f.type, f.ref, f.description, f.evidence};
    json_t *r;
    int rc = cli_call(c, "finding_add", &in, &r);
    if (rc)
        return rc;
    f.id = (int64_t)json_integer_value(json_object_get(r, "id"));
    json_decref(r);
    printf("Recorded finding %lld (%s)%s\n", (long long)f.id, cycle_finding_type_label(f.type),
           cycle_finding_is_nc(f.type) ? arena_sprintf(c->a, ": add its corrective action with `isms action add --finding %lld`",
                                                       (long long)f.id)
                                       : "");
    return EXIT_OK;
}

static int audit_findings(cli_ctx *c)
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
    finding_rec *f;
    size_t n;
    if (store_finding_list(w, 0, c->a, &f, &n, &err))
        return cli_abort(w, &err);
    ws_close(w);
    if (json) {
        jw j;
        jw_init_file(&j, stdout, 1);
        jw_arr(&j);
        for (size_t i = 0; i < n; i++)
            lifecycle_finding_json(&j, &f[i], 1, 0);
        jw_arr_end(&j);
        jw_end(&j);
        return EXIT_OK;
    }
    if (!n)
        printf("No findings recorded.\n");
    for (size_t i = 0; i < n; i++)
        printf("%4lld  audit %-4lld %-28s %-8s %ld/%ld action(s) closed  %s\n", (long long)f[i].id,
               (long long)f[i].audit_id, cycle_finding_type_label(f[i].type), f[i].ref, f[i].actions_closed,
               f[i].actions, cli_cut(c, f[i].description, 60));
    return EXIT_OK;
}

static int audit_complete(cli_ctx *c)
{
    const char *pos[1] = {0}, *summary = NULL, *on = NULL;
    int np = 0;
    cli_opt opts[] = {{"summary", 1, &summary}, {"date", 1, &on}, {NULL, 0, NULL}};
    if (cli_parse(c, opts, pos, 1, &np))
        return EXIT_USAGE;
    int64_t id;
    if (np != 1 || !summary)
        return cli_usage_error(c, "expected `complete AUDIT_ID --summary TEXT [--date DATE]`");
    if (parse_id(c, "audit id", pos[0], &id))
        return EXIT_USAGE;
    app_audit_complete_in in = {{1, (long)id}, summary, on};
    json_t *r;
    int rc = cli_call(c, "audit_complete", &in, &r);
    json_decref(r);
    return rc;
}

const cli_cmd cmds_audit[] = {
    {"programme", audit_programme, "[--json]",
     "The three-year internal audit programme: every clause 4-10 each year, controls that treat risks\n"
     "above appetite each year, every other applicable control once; and what completed audits covered."},
    {"plan", audit_plan, "--auditor NAME --start DATE [--end DATE] (--scope LIST | --year 1|2|3) [--title T] [--criteria T]",
     "Plan an internal audit. --scope takes clauses and controls (\"4-10\", \"annex-a\", \"9.2,A.5.15\");\n"
     "--year takes that year of the programme. Refused when the auditor owns a control in scope."},
    {"list", audit_list, "[--json]", "Internal audits with their status and number of findings."},
    {"show", audit_show, "ID [--json]", "An audit with its scope, results and findings."},
    {"checklist", audit_checklist, "ID [--json]",
     "The audit's checklist: per clause and control a question, what to verify, the evidence to\n"
     "sample, common findings, and the evidence on file."},
    {"finding", audit_finding, "AUDIT_ID --type major|minor|observation|improvement --ref ID --description T [--evidence T]",
     "Record a finding against a clause or control. Major and minor nonconformities need a corrective\n"
     "action (isms action add)."},
    {"findings", audit_findings, "[--json]", "Every finding with its corrective actions."},
    {"complete", audit_complete, "ID --summary TEXT [--date DATE]", "Record the audit as completed with its results."},
    {NULL, NULL, NULL, NULL},
};

static int action_add(cli_ctx *c)
{
    action_rec x = {0};
    const char *finding = NULL, *review = NULL;
    cli_opt opts[] = {{"finding", 1, &finding}, {"review", 1, &review},   {"root-cause", 1, &x.root_cause},
                      {"actions", 1, &x.description}, {"owner", 1, &x.owner}, {"due", 1, &x.due_date},
                      {NULL, 0, NULL}};
    if (cli_parse(c, opts, NULL, 0, NULL))
        return EXIT_USAGE;
    if (!finding == !review || !x.description || !x.owner || !x.due_date)
        return cli_usage_error(c, "expected `add --finding ID|--review ID --actions TEXT --owner NAME --due DATE "
                                  "[--root-cause TEXT]`");
    if ((finding && parse_id(c, "finding id", finding, &x.finding_id)) ||
        (review && parse_id(c, "review id", review, &x.review_id)))
        return EXIT_USAGE;
    app_action_add_in in = {{x.finding_id != 0, (long)x.finding_id}, {x.review_id != 0, (long)x.review_id},
                            x.description, x.root_cause, x.owner, x.due_date};
    json_t *r;
    int rc = cli_call(c, "action_add", &in, &r);
    if (rc)
        return rc;
    x.id = (int64_t)json_integer_value(json_object_get(r, "id"));
    json_decref(r);
    printf("Added action %lld, due %s, owner %s\n", (long long)x.id, x.due_date, x.owner);
    return EXIT_OK;
}

static int action_show(cli_ctx *c)
{
    const char *pos[1] = {0}, *json = NULL;
    int np = 0;
    cli_opt opts[] = {{"json", 0, &json}, {NULL, 0, NULL}};
    if (cli_parse(c, opts, pos, 1, &np))
        return EXIT_USAGE;
    if (np != 1)
        return cli_usage_error(c, "give the action id");
    int64_t id;
    if (parse_id(c, "action id", pos[0], &id))
        return EXIT_USAGE;
    app_id_in in = {{1, (long)id}};
    json_t *r;
    int rc = cli_call(c, "action_get", &in, &r);
    if (rc)
        return rc;
    if (json) {
        char *s = json_dumps(r, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        printf("%s\n", s ? s : "{}");
        free(s);
    } else {
        json_t *v;
        const char *k;
        printf("Action %lld\n", (long long)id);
        json_object_foreach(r, k, v)
        {
            if (json_is_string(v))
                printf("  %-16s %s\n", k, json_string_value(v));
            else if (json_is_integer(v) && strcmp(k, "id"))
                printf("  %-16s %lld\n", k, (long long)json_integer_value(v));
            else if (json_is_boolean(v))
                printf("  %-16s %s\n", k, json_is_true(v) ? "yes" : "no");
        }
    }
    json_decref(r);
    return EXIT_OK;
}

static int action_list(cli_ctx *c)
{
    const char *json = NULL, *open_only = NULL;
    cli_opt opts[] = {{"json", 0, &json}, {"open", 0, &open_only}, {NULL, 0, NULL}};
    if (cli_parse(c, opts, NULL, 0, NULL))
        return EXIT_USAGE;
    ws *w;
    int rc = cli_open(c, 0, &w);
    if (rc)
        return rc;
    isms_err err = {0};
    action_rec *x;
    size_t n;
    if (store_action_list(w, open_only != NULL, c->a, &x, &n, &err))
        return cli_abort(w, &err);
    ws_close(w);
    char today[11];
    store_today(today);
    long overdue = 0;
    for (size_t i = 0; i < n; i++)
        overdue += cycle_action_overdue(&x[i], today);
    if (json) {
        jw j;
        jw_init_file(&j, stdout, 1);
        jw_arr(&j);
        for (size_t i = 0; i < n; i++)
            lifecycle_action_json(&j, &x[i], today);
        jw_arr_end(&j);
        jw_end(&j);
        return overdue ? EXIT_PROBLEMS : EXIT_OK;
    }
    if (!n)
        printf("No actions.\n");
    for (size_t i = 0; i < n; i++) {
        int late = cycle_action_overdue(&x[i], today);
        printf("%4lld  %-11s due %s%s  %-16s %s  %s\n", (long long)x[i].id, x[i].status, x[i].due_date,
               late ? " OVERDUE" : "", cli_cut(c, x[i].owner, 16),
               x[i].finding_id ? arena_sprintf(c->a, "finding %lld (%s %s)", (long long)x[i].finding_id,
                                               x[i].finding_type, x[i].ref)
                               : arena_sprintf(c->a, "review %lld", (long long)x[i].review_id),
               cli_cut(c, x[i].description, 50));
    }
    if (overdue)
        printf("\n%ld action(s) overdue.\n", overdue);
    return overdue ? EXIT_PROBLEMS : EXIT_OK;
}

static int action_done(cli_ctx *c)
{
    const char *pos[1] = {0}, *on = NULL;
    int np = 0;
    cli_opt opts[] = {{"date", 1, &on}, {NULL, 0, NULL}};
    if (cli_parse(c, opts, pos, 1, &np))
        return EXIT_USAGE;
    int64_t id;
    if (np != 1)
        return cli_usage_error(c, "expected `done ACTION_ID [--date DATE]`");
    if (parse_id(c, "action id", pos[0], &id))
        return EXIT_USAGE;
    app_action_step_in in = {.id = {1, (long)id}, .on = on};
    json_t *r;
    int rc = cli_call(c, "action_done", &in, &r);
    json_decref(r);
    return rc;
}

static int action_verify(cli_ctx *c)
{
    const char *pos[1] = {0}, *on = NULL, *effective = NULL, *note = NULL, *by = NULL;
    int np = 0;
    cli_opt opts[] = {{"effective", 1, &effective}, {"note", 1, &note}, {"by", 1, &by}, {"date", 1, &on},
                      {NULL, 0, NULL}};
    if (cli_parse(c, opts, pos, 1, &np))
        return EXIT_USAGE;
    int64_t id;
    if (np != 1 || !effective || !note || !by)
        return cli_usage_error(c, "expected `verify ACTION_ID --effective yes|no --note TEXT --by NAME [--date DATE]`");
    if (strcmp(effective, "yes") && strcmp(effective, "no"))
        return cli_usage_error(c, "--effective is yes or no, not '%s'", effective);
    if (parse_id(c, "action id", pos[0], &id))
        return EXIT_USAGE;
    app_action_step_in in = {{1, (long)id}, {1, !strcmp(effective, "yes")}, note, by, on};
    json_t *r;
    int rc = cli_call(c, "action_verify", &in, &r);
    json_decref(r);
    return rc;
}

const cli_cmd cmds_action[] = {
    {"add", action_add, "--finding ID|--review ID --actions TEXT --owner NAME --due DATE [--root-cause TEXT]",
     "Add a corrective action for a finding (nonconformities need --root-cause, 10.2 b) or an action\n"
     "decided by a management review (9.3.3)."},
    {"list", action_list, "[--open] [--json]", "Actions by due date; exit 1 while any is overdue."},
    {"show", action_show, "ID [--json]", "One action with its finding, owner, due date, status and effectiveness check."},
    {"done", action_done, "ID [--date DATE]",
     "The owner reports the action implemented. Review actions close; corrective actions then need\n"
     "their effectiveness checked (isms action verify)."},
    {"verify", action_verify, "ID --effective yes|no --note TEXT --by NAME [--date DATE]",
     "Record the effectiveness check (10.2 d): yes closes the action, no sends it back to its owner."},
    {NULL, NULL, NULL, NULL},
};
