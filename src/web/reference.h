/* The rest of the CLI in the browser and the API (reference.c, import.c): the asset CSV import,
 * the threat and vulnerability library, the risk methodology, the treatment plan, the evidence
 * types and the integrity check of every stored evidence file. */
#ifndef ISMS_WEB_REFERENCE_H
#define ISMS_WEB_REFERENCE_H

#include "web/web.h"

int api_risk_library(web_req *rq, web_resp *rs);
int api_risk_method_get(web_req *rq, web_resp *rs);
/* Change the methodology (admin, as on the settings page); unknown or non-integer members are refused. */
int api_risk_method_put(web_req *rq, web_resp *rs);
/* The treatment plan (6.1.3 e): treated risks with their plan status, paged. */
int api_risk_plan(web_req *rq, web_resp *rs);
int api_evidence_types(web_req *rq, web_resp *rs);
/* Re-hash every stored evidence file: ok, missing or tampered, as `isms evidence verify`. */
int api_evidence_verification(web_req *rq, web_resp *rs);
/* import.c: assets from an uploaded CSV, all rows or none. */
int api_asset_import(web_req *rq, web_resp *rs);
int page_asset_import(web_req *rq, web_resp *rs);
int form_asset_import(web_req *rq, web_resp *rs);

#define REFERENCE_ROUTES                                                                                           \
    {"GET", "/assets/import", PERM_WRITE, ROUTE_PAGE, page_asset_import, NULL},                                    \
    {"POST", "/assets/import", PERM_WRITE, ROUTE_PAGE | ROUTE_UPLOAD, form_asset_import, NULL},                    \
    {"POST", "/api/v1/asset-import", PERM_WRITE, ROUTE_API | ROUTE_UPLOAD, api_asset_import,                       \
     "Import assets from a CSV file (multipart field file); every row or none, problems by line and column"},       \
    {"GET", "/api/v1/risk-library", PERM_READ, ROUTE_API | ROUTE_CACHE | DEP_NONE, api_risk_library,               \
     "The threat and vulnerability library with the controls that answer each threat"},                           \
    {"GET", "/api/v1/risk-method", PERM_READ, ROUTE_API | ROUTE_CACHE | DEP_METHOD, api_risk_method_get,           \
     "The risk assessment methodology (6.1.2): scales, level thresholds, appetite"},                               \
    {"PUT", "/api/v1/risk-method", PERM_ADMIN, ROUTE_API, api_risk_method_put, "Change the risk methodology"},      \
    {"GET", "/api/v1/risk-plan", PERM_READ, ROUTE_API, api_risk_plan,                                              \
     "The risk treatment plan (6.1.3 e): treated risks with their plan status (limit, offset)"},                   \
    {"GET", "/api/v1/evidence-types", PERM_READ, ROUTE_API | ROUTE_CACHE | DEP_NONE, api_evidence_types,           \
     "Evidence types and how long each stays fresh"},                                                              \
    {"GET", "/api/v1/evidence-verification", PERM_READ, ROUTE_API, api_evidence_verification,                      \
     "Re-hash every stored evidence file: ok, missing or tampered"}

#endif
