/* isms init, isms org: the organization, its scope and interested parties (clause 4). */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "app/usecases.h"
#include "cli/cli.h"
#include "report/json.h"
#include "util/json.h"

static int init_run(cli_ctx *c)
{
    const char *name = NULL, *scope = NULL;
    cli_opt opts[] = {{"org", 1, &name}, {"scope", 1, &scope}, {NULL, 0, NULL}};
    if (cli_parse(c, opts, NULL, 0, NULL))
        return EXIT_USAGE;
    if (!name || !*name)
        return cli_usage_error(c, "--org NAME is required");
    ws *w;
    int rc = cli_open(c, 1, &w);
    if (rc)
        return rc;
    isms_err err = {0};
    if (ws_begin(w, &err) || store_org_create(w, name, &err) ||
        (scope && store_org_update(w, NULL, scope, NULL, &err)))
        return cli_abort(w, &err);
    if ((rc = cli_finish(w, &err)))
        return rc;
    printf("Created workspace %s for %s.\n"
           "Next: describe the scope (isms org set --scope ...), add assets (isms asset add/import),\n"
           "assess risks (isms risk add), then decide the Statement of Applicability (isms soa set).\n",
           c->db_path, name);
    return EXIT_OK;
}

const cli_cmd cmds_init[] = {
    {NULL, init_run, "--org NAME [--scope TEXT]",
     "Create the workspace file (--db, $ISMS_DB or ./isms.db) for the organization NAME.\n"
     "Refused when the workspace already holds an organization."},
    {NULL, NULL, NULL, NULL},
};

static int org_show(cli_ctx *c)
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
    org o;
    scope_item *items;
    party *parties;
    size_t ni, np;
    if (store_org_get(w, c->a, &o, &err) || store_scope_list(w, c->a, &items, &ni, &err) ||
        store_party_list(w, c->a, &parties, &np, &err))
        return cli_abort(w, &err);
    ws_close(w);
    if (json) {
        jw j;
        jw_init_file(&j, stdout, 1);
        json_org(&j, &o, items, ni, parties, np);
        jw_end(&j);
        return EXIT_OK;
    }
    printf("Organization: %s\n\nScope statement (4.3):\n  %s\n\nContext, internal and external issues (4.1):\n  %s\n",
           o.name, o.scope && *o.scope ? o.scope : "(none: isms org set --scope TEXT)",
           o.context && *o.context ? o.context : "(none: isms org set --context TEXT)");
    printf("\nScope register:\n");
    if (!ni)
        printf("  (empty: isms org scope add --kind unit|location|system --name N [--out])\n");
    for (size_t i = 0; i < ni; i++)
        printf("  %3lld  %-12s %-9s %s%s%s\n", (long long)items[i].id, items[i].in_scope ? "in scope" : "OUT of scope",
               items[i].kind, items[i].name, items[i].note ? "  — " : "", items[i].note ? items[i].note : "");
    printf("\nInterested parties (4.2):\n");
    if (!np)
        printf("  (none: isms org party add --name N --requirements TEXT)\n");
    for (size_t i = 0; i < np; i++)
        printf("  %3lld  %s: %s\n", (long long)parties[i].id, parties[i].name,
               parties[i].requirements && *parties[i].requirements ? parties[i].requirements : "(no requirements)");
    return EXIT_OK;
}

static int org_set(cli_ctx *c)
{
    const char *name = NULL, *scope = NULL, *context = NULL;
    cli_opt opts[] = {{"name", 1, &name}, {"scope", 1, &scope}, {"context", 1, &context}, {NULL, 0, NULL}};
    if (cli_parse(c, opts, NULL, 0, NULL))
        return EXIT_USAGE;
    if (!name && !scope && !context)
        return cli_usage_error(c, "give at least one of --name, --scope, --context");
    if (name && !*name)
        return cli_usage_error(c, "--name cannot be empty");
    app_org_update_in in = {name, scope, context};
    json_t *r;
    int rc = cli_call(c, "org_update", &in, &r);
    json_decref(r);
    return rc;
}

static int org_scope(cli_ctx *c)
{
    const char *pos[2] = {0};
    int np = 0;
    const char *kind = NULL, *name = NULL, *out = NULL, *note = NULL;
    cli_opt opts[] = {{"kind", 1, &kind}, {"name", 1, &name}, {"out", 0, &out}, {"note", 1, &note}, {NULL, 0, NULL}};
    if (cli_parse(c, opts, pos, 2, &np))
        return EXIT_USAGE;
    if (np < 1 || (strcmp(pos[0], "add") && strcmp(pos[0], "rm")))
        return cli_usage_error(c, "expected `scope add --kind K --name N [--out] [--note T]` or `scope rm ID`");
    json_t *r;
    int rc;
    if (!strcmp(pos[0], "add")) {
        if (!kind || !name)
            return cli_usage_error(c, "scope add needs --kind unit|location|system and --name");
        app_scope_add_in in = {kind, name, note, {1, !out}};
        if ((rc = cli_call(c, "scope_add", &in, &r)))
            return rc;
        long long id = (long long)json_integer_value(json_object_get(r, "id"));
        printf("%lld\n", id);
    } else {
        long id;
        if (np < 2 || cli_int(c, "scope id", pos[1], 1, 1L << 40, &id))
            return np < 2 ? cli_usage_error(c, "scope rm needs an id") : EXIT_USAGE;
        app_id_in in = {{1, id}};
        if ((rc = cli_call(c, "scope_remove", &in, &r)))
            return rc;
    }
    json_decref(r);
    return EXIT_OK;
}

static int org_party(cli_ctx *c)
{
    const char *pos[2] = {0};
    int np = 0;
    const char *name = NULL, *req = NULL;
    cli_opt opts[] = {{"name", 1, &name}, {"requirements", 1, &req}, {NULL, 0, NULL}};
    if (cli_parse(c, opts, pos, 2, &np))
        return EXIT_USAGE;
    if (np < 1 || (strcmp(pos[0], "add") && strcmp(pos[0], "rm")))
        return cli_usage_error(c, "expected `party add --name N --requirements TEXT` or `party rm ID`");
    json_t *r;
    int rc;
    if (!strcmp(pos[0], "add")) {
        app_party_add_in in = {name, req};
        if ((rc = cli_call(c, "party_add", &in, &r)))
            return rc;
        long long id = (long long)json_integer_value(json_object_get(r, "id"));
        printf("%lld\n", id);
    } else {
        long id;
        if (np < 2 || cli_int(c, "party id", pos[1], 1, 1L << 40, &id))
            return np < 2 ? cli_usage_error(c, "party rm needs an id") : EXIT_USAGE;
        app_id_in in = {{1, id}};
        if ((rc = cli_call(c, "party_remove", &in, &r)))
            return rc;
    }
    json_decref(r);
    return EXIT_OK;
}

const cli_cmd cmds_org[] = {
    {"show", org_show, "[--json]", "Show the organization, its scope statement, scope register and interested parties."},
    {"set", org_set, "[--name N] [--scope TEXT] [--context TEXT]",
     "Set the name, the scope statement (4.3) or the internal and external issues (4.1)."},
    {"scope", org_scope, "add --kind unit|location|system --name N [--out] [--note TEXT] | rm ID",
     "Record what is in scope (or, with --out, explicitly out of scope) of the ISMS."},
    {"party", org_party, "add --name N --requirements TEXT | rm ID",
     "Record an interested party and its information security requirements (4.2)."},
    {NULL, NULL, NULL, NULL},
};
