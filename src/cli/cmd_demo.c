/* isms demo: create the demo workspace. */
#include "cli/cli.h"
#include "store/demo.h"

static int demo_run(cli_ctx *c)
{
    if (cli_parse(c, NULL, NULL, 0, NULL))
        return EXIT_USAGE;
    ws *w;
    int rc = cli_open(c, 1, &w);
    if (rc)
        return rc;
    isms_err err = {0};
    if (ws_begin(w, &err) || store_org_create(w, "Brightline Analytics Ltd", &err) || demo_populate(w, &err))
        return cli_abort(w, &err);
    if ((rc = cli_finish(w, &err)))
        return rc;
    printf("Created the demo workspace %s (Brightline Analytics Ltd, a 150-person SaaS company).\n", c->db_path);
    return EXIT_OK;
}

const cli_cmd cmds_demo[] = {
    {NULL, demo_run, "",
     "Create a demo workspace at --db PATH (or $ISMS_DB, ./isms.db): a 150-person SaaS company with scope,\n"
     "interested parties, assets, risks with treatments and SoA decisions, part-way to certification.\n"
     "Refused when the workspace already holds an organization."},
    {NULL, NULL, NULL, NULL},
};
