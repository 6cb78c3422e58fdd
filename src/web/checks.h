/* Automated checks, monitoring alerts, CloudTrail log scans and API tokens in the JSON API
 * (checks_api.c, tokens.c) and the browser (checks.c, tokens.c). The logic is the library's, as
 * in `isms check`, `isms monitor alerts`, `isms logs scan` and `isms token`. */
#ifndef ISMS_WEB_CHECKS_H
#define ISMS_WEB_CHECKS_H

#include "collect/cloudtrail.h"
#include "web/web.h"

int api_checks_list(web_req *rq, web_resp *rs);
int api_check_runs_create(web_req *rq, web_resp *rs);
int api_check_history(web_req *rq, web_resp *rs);
int api_monitor_alerts(web_req *rq, web_resp *rs);
int api_log_scans_create(web_req *rq, web_resp *rs);
int api_user_tokens_list(web_req *rq, web_resp *rs);
int api_user_tokens_create(web_req *rq, web_resp *rs);
int api_token_revoke(web_req *rq, web_resp *rs);

/* Run the checks named by names (sources or ids; none: every configured source) with the server
 * process's configuration, each recorded in its own transaction; the JSON answer of `isms check
 * run --json` (plus the sources skipped) goes to j and the number run to *ran. Returns the number
 * that did not pass, or -1 with err set (ISMS_EINVAL for an unknown name). */
int checks_run(web_req *rq, const char *const *names, int nnames, jw *j, int *ran, isms_err *err);

/* A scan of the request's uploaded CloudTrail files (multipart field "file", one or more). */
typedef struct checks_log_result {
    cloudtrail_scan *scan;       /* free with cloudtrail_scan_free */
    size_t nfiles, nfailed;
    cloudtrail_failed *failed;   /* file names are the uploaded names */
} checks_log_result;
/* Scan the uploaded files through a private temporary directory that is always removed; refuses
 * missing or badly named files, and answers ISMS_EINVAL when no file could be read at all. */
int checks_log_scan(web_req *rq, checks_log_result *out, isms_err *err);

int page_checks(web_req *rq, web_resp *rs);
/* One check: what it checks, its runs and since when it fails. */
int page_check_history(web_req *rq, web_resp *rs);
int form_check_run(web_req *rq, web_resp *rs);
int page_logs(web_req *rq, web_resp *rs);
int form_log_scan(web_req *rq, web_resp *rs);
/* The API token section of the /users page: tokens, the create and revoke forms. */
void page_users_tokens(web_req *rq, web_resp *rs);
int form_token_create(web_req *rq, web_resp *rs);
int form_token_revoke(web_req *rq, web_resp *rs);

/* The route table's entries (listed in routes.c). */
#define CHECKS_ROUTES                                                                                              \
    {"GET", "/checks", PERM_READ, ROUTE_PAGE, page_checks, NULL},                                                  \
    {"POST", "/checks/runs", PERM_WRITE, ROUTE_PAGE, form_check_run, NULL},                                        \
    {"GET", "/checks/:id", PERM_READ, ROUTE_PAGE, page_check_history, NULL},                                       \
    {"GET", "/logs", PERM_READ, ROUTE_PAGE, page_logs, NULL},                                                      \
    {"POST", "/logs", PERM_READ, ROUTE_PAGE | ROUTE_UPLOAD, form_log_scan, NULL},                                  \
    {"POST", "/users/tokens", PERM_ADMIN, ROUTE_PAGE, form_token_create, NULL},                                    \
    {"POST", "/users/tokens/revocation", PERM_ADMIN, ROUTE_PAGE, form_token_revoke, NULL},                         \
    {"GET", "/api/v1/checks", PERM_READ, ROUTE_API | ROUTE_CACHE | DEP_CHECK, api_checks_list,                     \
     "Automated checks with their controls and latest result (limit, offset, source, status)"},                   \
    {"POST", "/api/v1/check-runs", PERM_WRITE, ROUTE_API, api_check_runs_create,                                   \
     "Run checks now, as `isms check run`: {\"sources\":[...]} and/or {\"ids\":[...]}; none named runs every "    \
     "configured source"},                                                                                         \
    {"GET", "/api/v1/checks/:id/history", PERM_READ, ROUTE_API | ROUTE_CACHE | DEP_CHECK, api_check_history,       \
     "Past results of a check, newest first, and since when it fails (limit)"},                                   \
    {"GET", "/api/v1/monitor-alerts", PERM_READ, ROUTE_API, api_monitor_alerts,                                    \
     "The monitoring alert outbox: sent, pending and why (limit, offset)"},                                       \
    {"POST", "/api/v1/log-scans", PERM_READ, ROUTE_API | ROUTE_UPLOAD | ROUTE_ANSWERS, api_log_scans_create,                       \
     "Scan CloudTrail logs (multipart/form-data: one or more file parts, .json or .json.gz) as `isms logs scan`"}, \
    {"GET", "/api/v1/users/:id/tokens", PERM_ADMIN, ROUTE_API, api_user_tokens_list, "A user's API tokens"},        \
    {"POST", "/api/v1/users/:id/tokens", PERM_ADMIN, ROUTE_API | ROUTE_CREATES, api_user_tokens_create,                            \
     "Create an API token for a user ({\"label\"}); the token is answered once"},                                 \
    {"DELETE", "/api/v1/tokens/:id", PERM_ADMIN, ROUTE_API, api_token_revoke, "Revoke an API token"}

#endif
