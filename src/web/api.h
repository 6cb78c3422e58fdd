/* JSON API handlers (api.c) and HTML page handlers (pages.c), wired in routes.c. */
#ifndef ISMS_WEB_API_H
#define ISMS_WEB_API_H

#include <jansson.h>

#include "web/web.h"

/* Shared by the API files (api_util.c): paging parameters, the JSON object body, typed members,
 * and running a change in one transaction; each writes the JSON error itself and returns non-zero. */
int api_page_params(web_req *rq, web_resp *rs, page_query *pq);
json_t *api_body_object(web_req *rq, web_resp *rs);
int api_jstr(web_resp *rs, json_t *o, const char *k, const char **out);
int api_jint(web_resp *rs, json_t *o, const char *k, int *out);
/* Refuse (422, naming it) a member not in the NULL-terminated known list, so a misspelt field is
 * not silently ignored; what names the resource in the message ("a user"). */
int api_only_members(web_resp *rs, json_t *o, const char *const *known, const char *what);
/* The message of the JSON error a refused change wrote into tmp, for a page to show (copied
 * into the request's arena). */
const char *web_error_text(web_req *rq, const web_resp *tmp);
/* Run the use case `name` (src/app) on the JSON object args (NULL: none) as the request's user:
 * with status > 0 its answer is the response, with 0 it is only checked; an error is answered
 * as JSON naming the field. Returns 0, or -1 with the error in rs. */
int api_usecase(web_req *rq, web_resp *rs, const char *name, json_t *args, int status);
/* Run the use case `name` on an input struct the caller filled (src/app/usecases.h), its answer
 * parsed into *answer when answer is not NULL (json_decref it). Returns ISMS_OK or err's code. */
int api_call(web_req *rq, const char *name, const void *in, json_t **answer, isms_err *err);
/* A copy of the object o (NULL: an empty one) with member key set to v (taken), for the arguments
 * of a use case on the route's record; o stays the caller's. */
json_t *api_with_key(json_t *o, const char *key, json_t *v);
int api_in_tx(web_req *rq, web_resp *rs, int (*fn)(web_req *, void *, isms_err *), void *ctx);

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
/* The form-facing cores of the API writes: apply a change in one transaction, writing a JSON
 * error into rs and returning -1 when refused. */
int api_asset_apply(web_req *rq, web_resp *rs, asset *x, json_t *o, int create);
int api_asset_delete_id(web_req *rq, web_resp *rs, int64_t id);
int api_risk_apply(web_req *rq, web_resp *rs, int64_t id, json_t *o, int64_t *out_id);
int api_risk_treat_apply(web_req *rq, web_resp *rs, int64_t id, json_t *o);
int api_risk_accept_apply(web_req *rq, web_resp *rs, int64_t id, const char *by);
int api_risk_delete_id(web_req *rq, web_resp *rs, int64_t id);
int api_org_apply(web_req *rq, web_resp *rs, const char *name, const char *scope, const char *context);
int api_gap(web_req *rq, web_resp *rs);
int api_org_get(web_req *rq, web_resp *rs);
int api_org_update(web_req *rq, web_resp *rs);
int api_evidence_list(web_req *rq, web_resp *rs);
int api_evidence_get(web_req *rq, web_resp *rs);
/* upload.c: evidence upload (multipart) and download */
int api_evidence_upload(web_req *rq, web_resp *rs);
int api_evidence_file(web_req *rq, web_resp *rs);
int form_evidence_upload(web_req *rq, web_resp *rs);
/* Whether an uploaded file's name is a plain name: no path, no control characters, at most 255 bytes. */
int upload_filename_ok(const char *name, isms_err *err);
/* account.c: the logged-in user's password and two-factor authentication */
int page_account(web_req *rq, web_resp *rs);
int form_account_password(web_req *rq, web_resp *rs);
int form_account_mfa(web_req *rq, web_resp *rs);
/* search.c: Ask isms, the guidance search */
int page_ask(web_req *rq, web_resp *rs);
int api_ask(web_req *rq, web_resp *rs);
int api_audit_log(web_req *rq, web_resp *rs);
int api_audit_verify(web_req *rq, web_resp *rs);
int api_users_list(web_req *rq, web_resp *rs);
int api_me(web_req *rq, web_resp *rs);
int api_openapi(web_req *rq, web_resp *rs);

/* pages.c: every page's header with the navigation (active: the nav entry to mark) and footer. */
void page_head(web_req *rq, web_resp *rs, const char *title, const char *active);
void page_foot(web_resp *rs);
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
int page_users(web_req *rq, web_resp *rs);
int page_audit_log(web_req *rq, web_resp *rs);
int form_asset_create(web_req *rq, web_resp *rs);
int form_asset_edit(web_req *rq, web_resp *rs);
int form_risk_edit(web_req *rq, web_resp *rs);
int page_evidence(web_req *rq, web_resp *rs);
int form_asset_delete(web_req *rq, web_resp *rs);
int form_risk_create(web_req *rq, web_resp *rs);
int form_risk_treat_any(web_req *rq, web_resp *rs);
int form_risk_accept_any(web_req *rq, web_resp *rs);
int form_risk_delete_any(web_req *rq, web_resp *rs);
int form_org(web_req *rq, web_resp *rs);
int form_scope_add(web_req *rq, web_resp *rs);
int form_party_add(web_req *rq, web_resp *rs);
int form_user_add(web_req *rq, web_resp *rs);
int form_soa_approve(web_req *rq, web_resp *rs);
int form_user_admin(web_req *rq, web_resp *rs);
int form_method(web_req *rq, web_resp *rs);
int page_settings(web_req *rq, web_resp *rs);
int page_icon(web_req *rq, web_resp *rs);

#endif
