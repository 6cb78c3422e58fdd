/* isms mcp: the Model Context Protocol server on stdio, for AI assistants. */
#include <signal.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "mcp/mcp.h"

static int mcp_run(cli_ctx *c)
{
    const char *role = NULL;
    cli_opt opts[] = {{"role", 1, &role}, {NULL, 0, NULL}};
    if (cli_parse(c, opts, NULL, 0, NULL))
        return EXIT_USAGE;
    if (role && strcmp(role, "viewer") && strcmp(role, "editor"))
        return cli_usage_error(c, "--role must be viewer (read only) or editor (read and change), not '%s'", role);
    /* a client that goes away mid-answer ends the server with an error, not a signal */
    signal(SIGPIPE, SIG_IGN);
    mcp_opts o = {
        .db_path = c->db_path,
        .editor = role && !strcmp(role, "editor"),
        .version = ISMS_VERSION,
        .in = stdin,
        .out = stdout,
        .log = stderr,
    };
    isms_err err = {0};
    if (mcp_serve(&o, &err))
        return cli_fail(&err);
    return EXIT_OK;
}

const cli_cmd cmds_mcp[] = {
    {NULL, mcp_run, "[--role viewer|editor]",
     "Serve the workspace to an AI assistant (Claude Desktop, Cursor, VS Code) over the Model Context\n"
     "Protocol on stdin/stdout. Its tools read the SoA, gap, readiness, risks, assets, controls with\n"
     "guidance, evidence, checks, policies and audits; with --role editor also add, treat and accept\n"
     "risks, decide controls, add evidence, findings and actions. The default role, viewer, lists and\n"
     "runs only the read tools. Every change is in the audit log with the actor \"mcp\"."},
    {NULL, NULL, NULL, NULL},
};
