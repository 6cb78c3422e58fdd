/* isms gap: what each control and clause still lacks, readiness per theme and overall. */
#include <string.h>

#include "cli/cli.h"
#include "report/json.h"
#include "util/json.h"

/* The command that closes a missing item of the gap analysis, by the item's code; a control's
 * evidence is added for that control. */
static const struct { const char *code, *command; int control; } fixes[] = {
    {"check_failing", "isms check status", 0},
    {"no_evidence", "isms evidence add FILE --controls", 1},
    {"no_context", "isms org set --context", 0},
    {"no_parties", "isms org party add", 0},
    {"no_scope_statement", "isms org set --scope", 0},
    {"no_scope_items", "isms org scope add", 0},
    {"no_policy", "isms policy approve", 0},
    {"method_not_reviewed", "isms risk method set", 0},
    {"soa_never_approved", "isms soa approve", 0},
    {"soa_changed", "isms soa approve", 0},
    {"no_objectives", "isms objective add", 0},
    {"objectives_not_measured", "isms objective measure", 0},
    {"no_people", "isms person add", 0},
    {"documents_unapproved", "isms policy approve", 0},
    {"no_monitoring", "isms check run, isms evidence add", 0},
    {"no_audit", "isms audit plan, isms audit complete", 0},
    {"no_review", "isms review pack, isms review record", 0},
};

/* One missing item under its clause or control, with the command that closes it when there is one. */
static void print_missing(const char *what, const char *code, const char *ctl)
{
    printf("%21s- %s", "", what);
    for (size_t i = 0; code && i < sizeof fixes / sizeof *fixes; i++)
        if (!strcmp(code, fixes[i].code)) {
            const char *arg = fixes[i].control ? (ctl ? ctl : "...") : NULL;
            printf(" (%s%s%s)", fixes[i].command, arg ? " " : "", arg ? arg : "");
            break;
        }
    putchar('\n');
}

static int gap_run(cli_ctx *c)
{
    const char *json = NULL, *all = NULL;
    cli_opt opts[] = {{"json", 0, &json}, {"all", 0, &all}, {NULL, 0, NULL}};
    if (cli_parse(c, opts, NULL, 0, NULL))
        return EXIT_USAGE;
    ws *w;
    int rc = cli_open(c, 0, &w);
    if (rc)
        return rc;
    isms_err err = {0};
    soa_entry e[CATALOG_NCONTROLS];
    gap_facts f;
    org o;
    if (store_org_get(w, c->a, &o, &err) || store_soa_load(w, c->a, e, &err) || store_gap_facts(w, c->a, e, &f, &err))
        return cli_abort(w, &err);
    ws_close(w);
    gap_report r;
    gap_analyze(e, CATALOG_NCONTROLS, &f, c->a, &r);
    if (json) {
        jw j;
        jw_init_file(&j, stdout, 1);
        json_gap(&j, o.name, &r);
        jw_end(&j);
        return r.ready == r.total && r.clauses_met == r.clauses_tracked ? EXIT_OK : EXIT_PROBLEMS;
    }
    printf("Gap analysis for %s\n\nReadiness: %.1f%% of Annex A controls ready (%d of %d); clauses tracked here: %.1f%% "
           "met (%d of %d)\n\n",
           o.name, r.readiness, r.ready, r.total, r.clause_readiness, r.clauses_met, r.clauses_tracked);
    printf("  %-15s %7s %6s %6s %9s %9s %12s %10s\n", "THEME", "READY", "OF", "%", "EXCLUDED", "UNDECIDED",
           "IMPLEMENTED", "EVIDENCED");
    for (int t = 0; t < 4; t++) {
        const gap_theme *th = &r.themes[t];
        char bar[21];
        int fill = (int)(th->readiness / 5 + 0.5);
        for (int k = 0; k < 20; k++)
            bar[k] = k < fill ? '#' : '.';
        bar[20] = '\0';
        printf("  %-15s %7d %6d %5.1f%% %9d %9d %12d %10d  %s\n", th->theme, th->ready, th->total, th->readiness,
               th->excluded, th->undecided, th->implemented, th->evidenced, bar);
    }
    printf("\nClauses 4-10:\n");
    for (size_t i = 0; i < r.nclauses; i++) {
        const gap_clause *g = &r.clauses[i];
        if (!strcmp(g->state, "not_tracked") && !all)
            continue;
        printf("  %-6s %-11s %s\n", g->clause->id,
               !strcmp(g->state, "met") ? "met" : !strcmp(g->state, "gap") ? "GAP" : "not tracked",
               g->clause->title);
        for (int k = 0; k < g->nmissing; k++)
            print_missing(g->missing[k], g->codes[k], NULL);
    }
    if (!all)
        printf("  (clauses isms does not track yet are hidden; --all lists them)\n");
    printf("\nControls with gaps:\n");
    int shown = 0;
    for (size_t i = 0; i < r.ncontrols; i++) {
        const gap_control *g = &r.controls[i];
        if (g->ready)
            continue;
        shown++;
        printf("  %-7s %-10s %-60s %s\n", g->entry->ctl->id, g->state, cli_cut(c, g->entry->ctl->title, 60),
               evidence_status_name(g->evidence));
        for (int k = 0; k < g->nmissing; k++)
            print_missing(g->missing[k], g->codes[k], g->entry->ctl->id);
    }
    if (!shown)
        printf("  none: every control is implemented or justifiably excluded\n");
    return shown || r.clauses_met < r.clauses_tracked ? EXIT_PROBLEMS : EXIT_OK;
}

const cli_cmd cmds_gap[] = {
    {NULL, gap_run, "[--json] [--all]",
     "Per control and per clause, what is missing (no decision, applicable but not implemented, no owner,\n"
     "no linked risk or reason, unjustified exclusion), and readiness per theme and overall.\n"
     "Exit 1 while gaps remain."},
    {NULL, NULL, NULL, NULL},
};
