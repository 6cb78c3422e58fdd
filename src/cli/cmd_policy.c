/* isms policy: the command table of the policy family; each command lives in its own file. */
#include "cli/cli.h"
#include "cli/commands.h"

const cli_cmd cmds_policy[] = {
    {"gap", cli_policy_gap, POLICY_GAP_USAGE, POLICY_GAP_HELP},
    {NULL, NULL, NULL, NULL},
};
