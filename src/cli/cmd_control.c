/* isms control: the Annex A catalog and our guidance per control and clause. */
#include <string.h>
#include <strings.h>

#include "cli/cli.h"
#include "core/catalog.h"
#include "report/cycle_json.h"
#include "util/json.h"

static int control_list(cli_ctx *c)
{
    const char *json = NULL, *theme = NULL;
    cli_opt opts[] = {{"json", 0, &json}, {"theme", 1, &theme}, {NULL, 0, NULL}};
    if (cli_parse(c, opts, NULL, 0, NULL))
        return EXIT_USAGE;
    isms_err err = {0};
    if (catalog_init(&err))
        return cli_fail(&err);
    size_t n, nc;
    const catalog_control *ctl = catalog_controls(&n);
    const catalog_clause *cl = catalog_clauses(&nc);
    jw j;
    if (json) {
        jw_init_file(&j, stdout, 1);
        jw_obj(&j);
        jw_key(&j, "controls");
        jw_arr(&j);
    }
    for (size_t i = 0; i < n; i++) {
        if (theme && strcasecmp(theme, ctl[i].theme))
            continue;
        if (json) {
            json_control_brief(&j, &ctl[i]);
        } else {
            printf("%-7s %-14s %s\n", ctl[i].id, ctl[i].theme, ctl[i].title);
        }
    }
    if (json) {
        jw_arr_end(&j);
        jw_key(&j, "clauses");
        jw_arr(&j);
        for (size_t i = 0; i < nc && !theme; i++) {
            json_clause_brief(&j, &cl[i]);
        }
        jw_arr_end(&j);
        jw_obj_end(&j);
        jw_end(&j);
    } else if (!theme) {
        printf("\nClauses:\n");
        for (size_t i = 0; i < nc; i++)
            printf("%-7s %s\n", cl[i].id, cl[i].title);
    }
    return EXIT_OK;
}

static void print_list(const char *label, const char *text)
{
    printf("\n%s\n", label);
    for (const char *p = text; p && *p;) {
        const char *bar = strstr(p, " | ");
        size_t len = bar ? (size_t)(bar - p) : strlen(p);
        printf("  - %.*s\n", (int)len, p);
        p = bar ? bar + 3 : NULL;
    }
}

static int control_show(cli_ctx *c)
{
    const char *json = NULL, *pos[1];
    int np = 0;
    cli_opt opts[] = {{"json", 0, &json}, {NULL, 0, NULL}};
    if (cli_parse(c, opts, pos, 1, &np))
        return EXIT_USAGE;
    if (np != 1)
        return cli_usage_error(c, "give a control id (A.5.15) or a clause (6.1.2)");
    isms_err err = {0};
    if (catalog_init(&err))
        return cli_fail(&err);
    const catalog_control *ctl;
    const catalog_clause *cl;
    const char *mapped[4];
    size_t nm;
    if (catalog_resolve(pos[0], &ctl, &cl, mapped, 4, &nm, &err))
        return cli_fail(&err);
    if (nm > 1) {
        printf("%s (ISO 27001:2013) maps to:", pos[0]);
        for (size_t i = 0; i < nm; i++)
            printf(" %s", mapped[i]);
        printf("\n");
        return EXIT_OK;
    }
    const catalog_guidance *g = ctl ? &ctl->g : &cl->g;
    if (json) {
        jw j;
        jw_init_file(&j, stdout, 1);
        json_catalog_entry(&j, ctl, cl);
        jw_end(&j);
        return EXIT_OK;
    }
    if (nm == 1)
        printf("(%s in ISO 27001:2013 is %s in 2022)\n", pos[0], ctl->id);
    if (ctl)
        printf("%s %s (%s control)\n", ctl->id, ctl->title, ctl->theme);
    else
        printf("Clause %s %s\n", cl->id, cl->title);
    printf("\nPurpose: %s\n", g->purpose);
    print_list("How to implement it:", g->implement);
    print_list("Evidence an auditor accepts:", g->evidence);
    print_list("Common audit findings:", g->findings);
    return EXIT_OK;
}

const cli_cmd cmds_control[] = {
    {"list", control_list, "[--theme T] [--json]", "The 93 Annex A controls of ISO/IEC 27001:2022 and clauses 4-10."},
    {"show", control_show, "ID [--json]",
     "Guidance for a control (A.5.23; a 2013 id like A.9.4.2 is mapped to 2022) or a clause (6.1.2):\n"
     "purpose, how to implement it, the evidence an auditor accepts, common findings."},
    {NULL, NULL, NULL, NULL},
};
