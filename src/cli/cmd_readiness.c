/* isms readiness: is the ISMS ready for the Stage 1 audit? Exit 1 with the blockers, 0 when ready. */
#include <stdio.h>

#include "cli/cli.h"
#include "report/cycle_json.h"
#include "util/json.h"

static int readiness_run(cli_ctx *c)
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
    readiness_facts f;
    gap_facts *g = arena_alloc(c->a, sizeof *g);
    if (store_readiness_facts(w, c->a, &f, g, &err))
        return cli_abort(w, &err);
    ws_close(w);
    readiness_item *it;
    size_t blockers, n = readiness_evaluate(&f, c->a, &it, &blockers);
    if (json) {
        jw j;
        jw_init_file(&j, stdout, 1);
        json_readiness(&j, it, n, blockers, f.r);
        jw_end(&j);
        return blockers ? EXIT_PROBLEMS : EXIT_OK;
    }
    printf("Stage 1 readiness: mandatory documented information of ISO/IEC 27001:2022\n\n");
    for (size_t i = 0; i < n; i++)
        printf("  %s  %-8s %-40s %s\n", it[i].ok ? "ok     " : "BLOCKER", it[i].ref, it[i].title, it[i].detail);
    if (blockers)
        printf("\nNot ready for Stage 1: %zu blocker(s). `isms gap` lists each gap with the command that closes it;\n"
               "`isms soa validate` lists the SoA's weaknesses.\n",
               blockers);
    else
        printf("\nReady for the Stage 1 audit.\n");
    return blockers ? EXIT_PROBLEMS : EXIT_OK;
}

const cli_cmd cmds_readiness[] = {
    {NULL, readiness_run, "[--json]",
     "Check the mandatory documented information (scope 4.3, policy 5.2, risk processes 6.1.2/6.1.3,\n"
     "SoA, treatment plan, objectives 6.2, competence 7.2, documents 7.5.1 b, operational planning 8.1,\n"
     "risk results 8.2/8.3, monitoring 9.1, internal audit 9.2, management review 9.3, corrective\n"
     "actions 10.2), context 4.1, interested parties 4.2, the controls' implementation and evidence, and\n"
     "the usual Stage 1 blockers. Judged on the gap analysis: ready exactly when `isms gap` finds no gap;\n"
     "--json lists the same gaps. Exit 1 with the list of blockers, 0 when ready."},
    {NULL, NULL, NULL, NULL},
};
