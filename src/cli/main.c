/* isms — entry point: global options, then dispatch through the family and command tables. */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"

static const cli_family families[] = {
    {"init", "create a workspace for an organization", cmds_init},
    {"org", "organization, scope and interested parties (clause 4)", cmds_org},
    {"control", "the Annex A catalog and guidance per control or clause", cmds_control},
    {"ask", "answer a question from the built-in guidance: ids, evidence, how to, findings", cmds_ask},
    {"asset", "asset inventory (A.5.9, A.5.12)", cmds_asset},
    {"risk", "risk assessment and treatment (6.1.2, 6.1.3, 8.2, 8.3)", cmds_risk},
    {"person", "people: screening, terms, training, leavers (A.6.1-A.6.6, 7.2, 7.3)", cmds_person},
    {"supplier", "suppliers: data access, risk, contract clauses, reviews (A.5.19-A.5.22)", cmds_supplier},
    {"incident", "incidents: timeline, breaches, lessons learned (A.5.24-A.5.28, A.6.8)", cmds_incident},
    {"objective", "information security objectives and their measurements (6.2)", cmds_objective},
    {"soa", "Statement of Applicability (6.1.3 d)", cmds_soa},
    {"policy", "policies: generate, approve, acknowledge, export; gap analysis of existing documents", cmds_policy},
    {"evidence", "evidence files linked to controls, with freshness and integrity", cmds_evidence},
    {"check", "automated checks of AWS, GitHub, Google Workspace and this host", cmds_check},
    {"monitor", "continuous monitoring: checks on a schedule, history, webhook alerts", cmds_monitor},
    {"gap", "gap analysis and readiness per control, clause and theme", cmds_gap},
    {"serve", "the web app and JSON API", cmds_serve},
    {"mcp", "the MCP server for AI assistants, on stdio", cmds_mcp},
    {"user", "users of the web app and API: roles, passwords, two-factor authentication", cmds_user},
    {"token", "API tokens", cmds_token},
    {"log", "the hash-chained audit log of every change", cmds_log},
    {"logs", "scan CloudTrail logs for security findings", cmds_logs},
    {"map", "crosswalks: ISO 27001:2013 and SOC 2 to ISO 27001:2022, SOC 2 readiness", cmds_map},
    {"cert", "certification cycle: stage 1 and 2, certificate, surveillance, roadmap", cmds_cert},
    {"calendar", "every ISMS date as an iCalendar (.ics) file", cmds_calendar},
    {"audit", "internal audit programme, plans, checklists and findings (9.2)", cmds_audit},
    {"action", "corrective actions and their effectiveness checks (10.2), review actions", cmds_action},
    {"review", "management review: input pack, meeting results, feedback (9.3)", cmds_review},
    {"readiness", "Stage 1 readiness: mandatory documented information and blockers", cmds_readiness},
    {"report", "audit report (HTML/PDF) and the verifiable evidence package for the auditor", cmds_report},
    {"demo", "create a demo workspace of a 150-person SaaS company", cmds_demo},
    {NULL, NULL, NULL},
};

static void usage_all(FILE *f)
{
    fprintf(f, "usage: isms [--db PATH] COMMAND [ARGS] [--json] [--help]\n\ncommands:\n");
    for (const cli_family *fam = families; fam->name; fam++)
        fprintf(f, "  %-10s %s\n", fam->name, fam->summary);
    fprintf(f, "\nThe workspace is --db PATH (or --db=PATH), else $ISMS_DB, else ./isms.db.\n"
               "--db, --json and --help may stand anywhere on the line; `--` ends the options.\n"
               "Exit codes: 0 ok, 1 a check found problems, 2 usage or input error.\n"
               "`isms COMMAND --help` describes a command.\n");
}

static void usage_family(FILE *f, const cli_family *fam)
{
    for (const cli_cmd *c = fam->cmds; c->run; c++) {
        if (c->name)
            fprintf(f, "usage: isms %s %s %s\n", fam->name, c->name, c->usage);
        else
            fprintf(f, "usage: isms %s %s\n", fam->name, c->usage);
    }
}

static int wants_help(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--"))
            return 0;
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
            return 1;
    }
    return 0;
}

static int run_cmd(const cli_family *fam, const cli_cmd *cmd, cli_ctx *ctx)
{
    if (wants_help(ctx->argc, ctx->argv)) {
        printf("usage: isms %s%s%s %s\n\n%s\n", fam->name, cmd->name ? " " : "",
               cmd->name ? cmd->name : "", cmd->usage, cmd->help);
        return EXIT_OK;
    }
    return cmd->run(ctx);
}

/* `isms help [COMMAND]`: the list of commands, or the usage of one family. */
static int run_help(const char *name)
{
    if (!name) {
        usage_all(stdout);
        return EXIT_OK;
    }
    for (const cli_family *fam = families; fam->name; fam++)
        if (!strcmp(fam->name, name)) {
            usage_family(stdout, fam);
            return EXIT_OK;
        }
    fprintf(stderr, "isms: no command '%s'\n", name);
    return EXIT_USAGE;
}

static const cli_family *find_family(const char *name)
{
    for (const cli_family *f = families; f->name; f++)
        if (!strcmp(f->name, name))
            return f;
    return NULL;
}

static const cli_cmd *find_cmd(const cli_family *fam, const char *name)
{
    for (const cli_cmd *c = fam->cmds; c->run; c++)
        if (!strcmp(c->name, name))
            return c;
    return NULL;
}

/* Reads the words naming the command (family, subcommand) and the options among them, then runs
 * it. Global options may stand anywhere: --db here and, after the command's name, in cli_parse;
 * --json and --help met before the name are handed to the command as if typed after it. */
static int dispatch(cli_ctx *ctx, int argc, char **argv)
{
    static char end_of_options[] = "--";
    char **early = arena_alloc(ctx->a, (size_t)argc * sizeof *early);
    int nearly = 0, ended = 0, want_help = 0;
    const cli_family *fam = NULL;
    const cli_cmd *cmd = NULL;
    int i = 1;
    for (; i < argc && !cmd; i++) {
        const char *arg = argv[i];
        if (!ended && arg[0] == '-' && arg[1] != '\0') {
            int taken = 0;
            if (!strcmp(arg, "--")) {
                ended = 1;
            } else if (cli_take_global(ctx, argc, argv, &i, &taken)) {
                return EXIT_USAGE;
            } else if (taken) {
                continue;
            } else if (!fam && !strcmp(arg, "--version")) {
                printf("isms %s\n", ISMS_VERSION);
                return EXIT_OK;
            } else if (!strcmp(arg, "--json")) {
                early[nearly++] = argv[i];
            } else if (!strcmp(arg, "--help") || !strcmp(arg, "-h")) {
                want_help = 1;
                early[nearly++] = argv[i];
            } else {
                cli_usage_error(ctx, "unknown option '%s'", arg);
                return EXIT_USAGE;
            }
            continue;
        }
        if (!fam) {
            if (!strcmp(arg, "help"))
                return run_help(i + 1 < argc ? argv[i + 1] : NULL);
            fam = find_family(arg);
            if (!fam) {
                fprintf(stderr, "isms: no command '%s' (try `isms help`)\n", arg);
                return EXIT_USAGE;
            }
            ctx->name = fam->name;
            if (!fam->cmds[0].name)
                cmd = &fam->cmds[0];  /* a family that is a single command: its own arguments follow */
        } else {
            cmd = find_cmd(fam, arg);
            if (!cmd) {
                fprintf(stderr, "isms %s: no subcommand '%s'\n", fam->name, arg);
                usage_family(stderr, fam);
                return EXIT_USAGE;
            }
            ctx->name = arena_sprintf(ctx->a, "%s %s", fam->name, cmd->name);
        }
    }
    if (!cmd) {
        /* No command named: with --help that is the help asked for, else a usage error. */
        if (fam)
            usage_family(want_help ? stdout : stderr, fam);
        else
            usage_all(want_help ? stdout : stderr);
        return want_help ? EXIT_OK : EXIT_USAGE;
    }

    /* The command's arguments: its name, the options met before it, then the rest of the line. */
    char **args = arena_alloc(ctx->a, (size_t)(argc + 2) * sizeof *args);
    int n = 0;
    args[n++] = argv[i - 1];
    for (int k = 0; k < nearly; k++)
        args[n++] = early[k];
    if (ended)
        args[n++] = end_of_options;
    for (; i < argc; i++)
        args[n++] = argv[i];
    ctx->argc = n;
    ctx->argv = args;
    return run_cmd(fam, cmd, ctx);
}

int main(int argc, char **argv)
{
    cli_ctx ctx = {0};
    const char *env_db = getenv("ISMS_DB");
    ctx.db_path = env_db && *env_db ? env_db : "isms.db";
    const char *who = getenv("ISMS_USER");
    if (!who || !*who)
        who = getenv("USER");
    ctx.actor = who && *who ? who : "cli";

    arena a;
    arena_init(&a);
    ctx.a = &a;
    int rc = dispatch(&ctx, argc, argv);
    if (fflush(stdout) != 0 && rc == EXIT_OK) {
        fprintf(stderr, "isms: writing output failed\n");
        rc = EXIT_USAGE;
    }
    arena_free(&a);
    return rc;
}
