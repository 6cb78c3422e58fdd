/* The certification cycle, Stage 1 readiness, the calendar, the audit report and evidence
 * package, the control catalog and the crosswalks in the JSON API (cycle_api.c) and the browser
 * (cycle_pages.c). Both call the library the CLI calls (isms cert, calendar, readiness, report,
 * control, map), so rules and messages are the CLI's. */
#ifndef ISMS_WEB_CYCLE_H
#define ISMS_WEB_CYCLE_H

#include "report/package.h"
#include "web/web.h"

int api_cert_get(web_req *rq, web_resp *rs);
int api_cert_update(web_req *rq, web_resp *rs);
int api_milestone_update(web_req *rq, web_resp *rs);
int api_readiness(web_req *rq, web_resp *rs);
int api_calendar(web_req *rq, web_resp *rs);
int api_report_audit(web_req *rq, web_resp *rs);
int api_report_package(web_req *rq, web_resp *rs);
int api_package_verify(web_req *rq, web_resp *rs);
int api_controls_list(web_req *rq, web_resp *rs);
int api_control_show(web_req *rq, web_resp *rs);
int api_clauses_list(web_req *rq, web_resp *rs);
int api_clause_show(web_req *rq, web_resp *rs);
int api_crosswalk(web_req *rq, web_resp *rs);
int api_soc2_readiness(web_req *rq, web_resp *rs);

/* The form-facing cores of the writes: one transaction each, recorded in the audit log; on
 * refusal a JSON error is in rs and -1 is returned. */
int cycle_cert_apply(web_req *rq, web_resp *rs, const cert_rec *c);
int cycle_milestone_apply(web_req *rq, web_resp *rs, const char *key, const char *due, const char *note);
/* Verify the uploaded package (the multipart "file" part) as `isms report verify` does; a file
 * that is no package is an error naming the upload, not the temporary file. */
int cycle_package_check(web_req *rq, package_problem **pp, size_t *n, size_t *nfiles, isms_err *err);

int page_certification(web_req *rq, web_resp *rs);
int form_cert_set(web_req *rq, web_resp *rs);
int form_milestone_set(web_req *rq, web_resp *rs);
int form_package_verify(web_req *rq, web_resp *rs);
int page_readiness(web_req *rq, web_resp *rs);
int page_controls(web_req *rq, web_resp *rs);
int page_crosswalk(web_req *rq, web_resp *rs);

/* The route table's entries (listed in routes.c). Answers that depend on today's date (states,
 * freshness, generated files) are not cached; the catalog and crosswalks are. */
#define CYCLE_ROUTES                                                                                               \
    {"GET", "/certification", PERM_READ, ROUTE_PAGE, page_certification, NULL},                                    \
    {"POST", "/certification", PERM_WRITE, ROUTE_PAGE, form_cert_set, NULL},                                       \
    {"POST", "/certification/milestones", PERM_WRITE, ROUTE_PAGE, form_milestone_set, NULL},                       \
    {"POST", "/certification/package-verification", PERM_READ, ROUTE_PAGE | ROUTE_UPLOAD, form_package_verify,     \
     NULL},                                                                                                        \
    {"GET", "/readiness", PERM_READ, ROUTE_PAGE, page_readiness, NULL},                                            \
    {"GET", "/controls", PERM_READ, ROUTE_PAGE, page_controls, NULL},                                              \
    {"GET", "/crosswalk", PERM_READ, ROUTE_PAGE, page_crosswalk, NULL},                                            \
    {"GET", "/api/v1/certification", PERM_READ, ROUTE_API, api_cert_get,                                           \
     "The certification cycle: certificate, derived audit dates and the roadmap with each milestone's state"},     \
    {"PUT", "/api/v1/certification", PERM_WRITE, ROUTE_API, api_cert_update,                                       \
     "Record body, number, stage1_date, stage2_date or issued_on (dates validated as the CLI does)"},              \
    {"PUT", "/api/v1/certification/milestones/:id", PERM_WRITE, ROUTE_API, api_milestone_update,                   \
     "Plan a roadmap milestone: due_date and note"},                                                               \
    {"GET", "/api/v1/readiness", PERM_READ, ROUTE_API, api_readiness, "Stage 1 readiness: requirements and blockers"}, \
    {"GET", "/api/v1/calendar.ics", PERM_READ, ROUTE_API, api_calendar, "Every ISMS date as an iCalendar file"},  \
    {"GET", "/api/v1/reports/audit", PERM_READ, ROUTE_API, api_report_audit,                                       \
     "Download the audit report (format=html or pdf)"},                                                            \
    {"GET", "/api/v1/reports/package", PERM_READ, ROUTE_API, api_report_package,                                   \
     "Download the evidence package (zip with manifest.json; refused while evidence is missing or tampered)"},     \
    {"POST", "/api/v1/reports/package-verification", PERM_READ, ROUTE_API | ROUTE_UPLOAD | ROUTE_ANSWERS, api_package_verify,      \
     "Verify an evidence package: multipart/form-data with file"},                                                 \
    {"GET", "/api/v1/controls", PERM_READ, ROUTE_API | ROUTE_CACHE | DEP_NONE, api_controls_list,                  \
     "The 93 Annex A controls (theme, limit, offset)"},                                                            \
    {"GET", "/api/v1/controls/:id", PERM_READ, ROUTE_API | ROUTE_CACHE | DEP_NONE, api_control_show,               \
     "A control with its guidance (2022 or 2013 id; a clause id answers the clause)"},                                                             \
    {"GET", "/api/v1/clauses", PERM_READ, ROUTE_API | ROUTE_CACHE | DEP_NONE, api_clauses_list, "Clauses 4-10"},   \
    {"GET", "/api/v1/clauses/:id", PERM_READ, ROUTE_API | ROUTE_CACHE | DEP_NONE, api_clause_show,                 \
     "A clause with its guidance"},                                                                                \
    {"GET", "/api/v1/crosswalk", PERM_READ, ROUTE_API | ROUTE_CACHE | DEP_NONE, api_crosswalk,                     \
     "Map an id between ISO 27001:2013, ISO 27001:2022 and SOC 2 (from, to, id)"},                                 \
    {"GET", "/api/v1/soc2-readiness", PERM_READ, ROUTE_API, api_soc2_readiness,                                    \
     "Per SOC 2 criterion, which mapped ISO controls and clauses the evidence covers"}

#endif
