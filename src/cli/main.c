/* isms — entry point: global options, then dispatch through the family and command tables. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
    fprintf(f, "\nThe workspace is --db PATH, else $ISMS_DB, else ./isms.db.\n"
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

int main(int argc, char **argv)
{
    cli_ctx ctx = {0};
    const char *env_db = getenv("ISMS_DB");
    ctx.db_path = env_db && *env_db ? env_db : "isms.db";
    const char *who = getenv("ISMS_USER");
    if (!who || !*who)
        who = getenv("USER");
    ctx.actor = who && *who ? who : "cli";

    int i = 1;
    while (i < argc && argv[i][0] == '-') {
        if (!strcmp(argv[i], "--db") && i + 1 < argc) {
            ctx.db_path = argv[i + 1];
            i += 2;
        } else if (!strncmp(argv[i], "--db=", 5)) {
            ctx.db_path = argv[i] + 5;
            i++;
        } else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            usage_all(stdout);
            return EXIT_OK;
        } else if (!strcmp(argv[i], "--version")) {
            printf("isms %s\n", ISMS_VERSION);
            return EXIT_OK;
        } else {
            fprintf(stderr, "isms: unknown option '%s'\n", argv[i]);
            usage_all(stderr);
            return EXIT_USAGE;
        }
    }
    if (i >= argc) {
        usage_all(stderr);
        return EXIT_USAGE;
    }
    if (!strcmp(argv[i], "help")) {
        if (i + 1 >= argc) {
            usage_all(stdout);
            return EXIT_OK;
        }
        i++;
        for (const cli_family *fam = families; fam->name; fam++)
            if (!strcmp(fam->name, argv[i])) {
                usage_family(stdout, fam);
                return EXIT_OK;
            }
        fprintf(stderr, "isms: no command '%s'\n", argv[i]);
        return EXIT_USAGE;
    }

    const cli_family *fam = NULL;
    for (const cli_family *f = families; f->name; f++)
        if (!strcmp(f->name, argv[i]))
            fam = f;
    if (!fam) {
        fprintf(stderr, "isms: no command '%s' (try `isms help`)\n", argv[i]);
        return EXIT_USAGE;
    }

    arena a;
    arena_init(&a);
    ctx.a = &a;
    int rc;
    if (!fam->cmds[0].name) {
        /* A family that is a single command: its own arguments follow. */
        ctx.argc = argc - i;
        ctx.argv = argv + i;
        rc = run_cmd(fam, &fam->cmds[0], &ctx);
    } else if (i + 1 >= argc || !strcmp(argv[i + 1], "--help") || !strcmp(argv[i + 1], "-h")) {
        usage_family(i + 1 >= argc ? stderr : stdout, fam);
        rc = i + 1 >= argc ? EXIT_USAGE : EXIT_OK;
    } else {
        const cli_cmd *cmd = NULL;
        for (const cli_cmd *c = fam->cmds; c->run; c++)
            if (!strcmp(c->name, argv[i + 1]))
                cmd = c;
        if (!cmd) {
            fprintf(stderr, "isms %s: no subcommand '%s'\n", fam->name, argv[i + 1]);
            usage_family(stderr, fam);
            rc = EXIT_USAGE;
        } else {
            ctx.argc = argc - i - 1;
            ctx.argv = argv + i + 1;
            rc = run_cmd(fam, cmd, &ctx);
        }
    }
    if (fflush(stdout) != 0 && rc == EXIT_OK) {
        fprintf(stderr, "isms: writing output failed\n");
        rc = EXIT_USAGE;
    }
    arena_free(&a);
    return rc;
}
