/* Command tables of each family, one file per family (cmd_<family>.c). */
#ifndef ISMS_COMMANDS_H
#define ISMS_COMMANDS_H

#include "cli/cli.h"

#define ISMS_VERSION "0.1.0"

extern const cli_cmd cmds_init[];
extern const cli_cmd cmds_org[];
extern const cli_cmd cmds_control[];
extern const cli_cmd cmds_ask[];
extern const cli_cmd cmds_asset[];
extern const cli_cmd cmds_risk[];
extern const cli_cmd cmds_soa[];
extern const cli_cmd cmds_gap[];
extern const cli_cmd cmds_evidence[];
extern const cli_cmd cmds_check[];
extern const cli_cmd cmds_monitor[];
extern const cli_cmd cmds_log[];
extern const cli_cmd cmds_user[];
extern const cli_cmd cmds_serve[];
extern const cli_cmd cmds_mcp[];
extern const cli_cmd cmds_token[];
extern const cli_cmd cmds_demo[];
extern const cli_cmd cmds_logs[];
extern const cli_cmd cmds_map[];
extern const cli_cmd cmds_cert[];
extern const cli_cmd cmds_calendar[];
extern const cli_cmd cmds_audit[];
extern const cli_cmd cmds_action[];
extern const cli_cmd cmds_review[];
extern const cli_cmd cmds_readiness[];
extern const cli_cmd cmds_report[];
extern const cli_cmd cmds_person[];
extern const cli_cmd cmds_supplier[];
extern const cli_cmd cmds_incident[];
extern const cli_cmd cmds_objective[];
extern const cli_cmd cmds_policy[];
int cli_policy_gap(cli_ctx *c);
#define POLICY_GAP_USAGE "FILE... [--topic ID[,ID...]] [--json]"
extern const char POLICY_GAP_HELP[];
int cli_soa_import_2013(cli_ctx *c);

#endif
