/* JSON API handlers (api.c) and HTML page handlers (pages.c), wired in routes.c. */
#ifndef ISMS_WEB_API_H
#define ISMS_WEB_API_H

#include <jansson.h>

#include "web/web.h"

int api_assets_list(web_req *rq, web_resp *rs);
int api_asset_get(web_req *rq, web_resp *rs);
int api_asset_create(web_req *rq, web_resp *rs);
int api_asset_update(web_req *rq, web_resp *rs);
int api_asset_delete(web_req *rq, web_resp *rs);
int api_risks_list(web_req *rq, web_resp *rs);
int api_risk_get(web_req *rq, web_resp *rs);
int api_risk_create(web_req *rq, web_resp *rs);
int api_risk_update(web_req *rq, web_resp *rs);
int api_risk_delete(web_req *rq, web_resp *rs);
int api_risk_treat(web_req *rq, web_resp *rs);
int api_risk_accept(web_req *rq, web_resp *rs);
int api_soa_list(web_req *rq, web_resp *rs);
int api_soa_get(web_req *rq, web_resp *rs);
int api_soa_update(web_req *rq, web_resp *rs);
int api_soa_validation(web_req *rq, web_resp *rs);
int api_soa_versions(web_req *rq, web_resp *rs);
int api_soa_approve(web_req *rq, web_resp *rs);
/* Apply a JSON object of SoA fields to x and save it in a transaction; answers errors itself. */
int api_soa_apply(web_req *rq, web_resp *rs, soa_entry *x, json_t *o);
int api_gap(web_req *rq, web_resp *rs);
int api_org_get(web_req *rq, web_resp *rs);
int api_org_update(web_req *rq, web_resp *rs);
int api_evidence_list(web_req *rq, web_resp *rs);
int api_audit_log(web_req *rq, web_resp *rs);
int api_audit_verify(web_req *rq, web_resp *rs);
int api_users_list(web_req *rq, web_resp *rs);
int api_me(web_req *rq, web_resp *rs);
int api_openapi(web_req *rq, web_resp *rs);

int page_dashboard(web_req *rq, web_resp *rs);
int page_soa(web_req *rq, web_resp *rs);
int page_control(web_req *rq, web_resp *rs);
int page_control_save(web_req *rq, web_resp *rs);
int page_assets(web_req *rq, web_resp *rs);
int page_risks(web_req *rq, web_resp *rs);
int page_gap(web_req *rq, web_resp *rs);
int page_org(web_req *rq, web_resp *rs);
int page_export(web_req *rq, web_resp *rs);
int page_css(web_req *rq, web_resp *rs);
int page_icon(web_req *rq, web_resp *rs);

#endif
