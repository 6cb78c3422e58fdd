/* The route table — data, like the CLI's command tables — and the OpenAPI document generated
 * from it, so the document lists exactly the routes the server has. */
#include <string.h>

#include "web/api.h"
#include "web/audits.h"
#include "web/checks.h"
#include "web/cycle.h"
#include "web/org.h"
#include "web/policies.h"
#include "web/reference.h"
#include "web/registers.h"
#include "web/users.h"

static int login(web_req *rq, web_resp *rs) { return web_login(rq, rs); }
static int logout(web_req *rq, web_resp *rs) { return web_logout(rq, rs); }

/* A ROUTE_CACHE route names what its answer is computed from (DEP_ bits, web.h); one naming
 * nothing depends on everything. */
const web_route web_routes[] = {
    {"GET", "/static/app.css", PERM_PUBLIC, ROUTE_PAGE, page_css, NULL},
    {"GET", "/favicon.ico", PERM_PUBLIC, ROUTE_PAGE, page_icon, NULL},
    {"GET", "/login", PERM_PUBLIC, ROUTE_PAGE, login, NULL},
    {"POST", "/login", PERM_PUBLIC, ROUTE_PAGE, login, NULL},
    {"POST", "/logout", PERM_READ, ROUTE_PAGE, logout, NULL},
    {"GET", "/", PERM_READ, ROUTE_PAGE, page_dashboard, NULL},
    {"GET", "/soa", PERM_READ, ROUTE_PAGE, page_soa, NULL},
    {"GET", "/soa/:id", PERM_READ, ROUTE_PAGE, page_control, NULL},
    {"POST", "/soa/approval", PERM_WRITE, ROUTE_PAGE, form_soa_approve, NULL}, /* before /soa/:id */
    {"POST", "/soa/:id", PERM_WRITE, ROUTE_PAGE, page_control_save, NULL},
    {"GET", "/assets", PERM_READ, ROUTE_PAGE, page_assets, NULL},
    {"GET", "/risks", PERM_READ, ROUTE_PAGE, page_risks, NULL},
    {"GET", "/gap", PERM_READ, ROUTE_PAGE, page_gap, NULL},
    {"GET", "/org", PERM_READ, ROUTE_PAGE, page_org, NULL},
    {"GET", "/export/:file", PERM_READ, ROUTE_PAGE, page_export, NULL},
    {"POST", "/assets", PERM_WRITE, ROUTE_PAGE, form_asset_create, NULL},
    {"POST", "/assets/edit", PERM_WRITE, ROUTE_PAGE, form_asset_edit, NULL},
    {"POST", "/assets/:id/delete", PERM_WRITE, ROUTE_PAGE, form_asset_delete, NULL},
    {"POST", "/risks/assessment", PERM_WRITE, ROUTE_PAGE, form_risk_edit, NULL},
    {"GET", "/evidence", PERM_READ, ROUTE_PAGE, page_evidence, NULL},
    {"POST", "/evidence", PERM_WRITE, ROUTE_PAGE | ROUTE_UPLOAD, form_evidence_upload, NULL},
    {"GET", "/account", PERM_READ, ROUTE_PAGE, page_account, NULL},
    {"POST", "/account/password", PERM_READ, ROUTE_PAGE, form_account_password, NULL},
    {"POST", "/account/mfa", PERM_READ, ROUTE_PAGE, form_account_mfa, NULL},
    {"GET", "/ask", PERM_READ, ROUTE_PAGE, page_ask, NULL},
    {"POST", "/risks", PERM_WRITE, ROUTE_PAGE, form_risk_create, NULL},
    {"POST", "/risks/treatment", PERM_WRITE, ROUTE_PAGE, form_risk_treat_any, NULL},
    {"POST", "/risks/acceptance", PERM_WRITE, ROUTE_PAGE, form_risk_accept_any, NULL},
    {"POST", "/risks/deletion", PERM_WRITE, ROUTE_PAGE, form_risk_delete_any, NULL},
    {"POST", "/org", PERM_WRITE, ROUTE_PAGE, form_org, NULL},
    {"POST", "/org/scope", PERM_WRITE, ROUTE_PAGE, form_scope_add, NULL},
    {"POST", "/org/parties", PERM_WRITE, ROUTE_PAGE, form_party_add, NULL},
    {"GET", "/settings", PERM_READ, ROUTE_PAGE, page_settings, NULL},
    {"POST", "/settings/method", PERM_ADMIN, ROUTE_PAGE, form_method, NULL},
    {"POST", "/users/change", PERM_ADMIN, ROUTE_PAGE, form_user_admin, NULL},
    {"GET", "/users", PERM_ADMIN, ROUTE_PAGE, page_users, NULL},
    {"POST", "/users", PERM_ADMIN, ROUTE_PAGE, form_user_add, NULL},
    {"GET", "/audit-log", PERM_AUDIT, ROUTE_PAGE, page_audit_log, NULL},

    {"GET", "/api/v1/openapi.json", PERM_PUBLIC, ROUTE_API | ROUTE_CACHE | DEP_NONE, api_openapi, "This OpenAPI document"},
    {"GET", "/api/v1/me", PERM_READ, ROUTE_API, api_me, "The authenticated user"},
    {"GET", "/api/v1/org", PERM_READ, ROUTE_API | ROUTE_CACHE | DEP_ORG, api_org_get, "Organization, scope and interested parties"},
    {"PUT", "/api/v1/org", PERM_WRITE, ROUTE_API, api_org_update, "Update name, scope statement or context"},
    {"GET", "/api/v1/assets", PERM_READ, ROUTE_API | ROUTE_CACHE | DEP_ASSET_VIEW, api_assets_list, "List assets (limit, offset, type, owner, classification, q)"},
    {"POST", "/api/v1/assets", PERM_WRITE, ROUTE_API, api_asset_create, "Create an asset"},
    {"GET", "/api/v1/assets/:id", PERM_READ, ROUTE_API | ROUTE_CACHE | DEP_ASSET_VIEW, api_asset_get, "Get an asset by id or name"},
    {"PUT", "/api/v1/assets/:id", PERM_WRITE, ROUTE_API, api_asset_update, "Update an asset"},
    {"DELETE", "/api/v1/assets/:id", PERM_WRITE, ROUTE_API, api_asset_delete, "Delete an asset (refused while risks use it)"},
    {"GET", "/api/v1/risks", PERM_READ, ROUTE_API | ROUTE_CACHE | DEP_RISK_VIEW, api_risks_list, "List risks (limit, offset, owner, treatment, asset_id, q)"},
    {"POST", "/api/v1/risks", PERM_WRITE, ROUTE_API, api_risk_create, "Create a risk"},
    {"GET", "/api/v1/risks/:id", PERM_READ, ROUTE_API | ROUTE_CACHE | DEP_RISK_VIEW, api_risk_get, "Get a risk"},
    {"PUT", "/api/v1/risks/:id", PERM_WRITE, ROUTE_API, api_risk_update, "Update a risk's assessment"},
    {"DELETE", "/api/v1/risks/:id", PERM_WRITE, ROUTE_API, api_risk_delete, "Delete a risk"},
    {"POST", "/api/v1/risks/:id/treatment", PERM_WRITE, ROUTE_API, api_risk_treat, "Record a treatment"},
    {"POST", "/api/v1/risks/:id/acceptance", PERM_WRITE, ROUTE_API, api_risk_accept, "The owner accepts the residual risk"},
    {"GET", "/api/v1/soa", PERM_READ, ROUTE_API | ROUTE_CACHE | DEP_SOA_VIEW, api_soa_list, "The Statement of Applicability (theme, status, applicable)"},
    {"GET", "/api/v1/soa/:id", PERM_READ, ROUTE_API | ROUTE_CACHE | DEP_SOA_VIEW, api_soa_get, "One SoA entry"},
    {"PUT", "/api/v1/soa/:id", PERM_WRITE, ROUTE_API, api_soa_update, "Record an SoA decision (validated as the CLI does)"},
    {"GET", "/api/v1/soa-validation", PERM_READ, ROUTE_API | ROUTE_CACHE | DEP_SOA_VIEW, api_soa_validation, "Every weakness left in the SoA"},
    {"GET", "/api/v1/soa-versions", PERM_READ, ROUTE_API | ROUTE_CACHE | DEP_SOA_VIEW, api_soa_versions, "Approved SoA versions"},
    {"POST", "/api/v1/soa-versions", PERM_WRITE, ROUTE_API, api_soa_approve, "Approve the SoA as the next version"},
    {"GET", "/api/v1/gap", PERM_READ, ROUTE_API | ROUTE_CACHE | DEP_GAP, api_gap, "Gap analysis and readiness"},
    {"GET", "/api/v1/evidence", PERM_READ, ROUTE_API | ROUTE_CACHE | DEP_EVIDENCE | DEP_TODAY, api_evidence_list, "Evidence (control)"},
    {"POST", "/api/v1/evidence", PERM_WRITE, ROUTE_API | ROUTE_UPLOAD, api_evidence_upload,
     "Upload evidence: multipart/form-data with file (at most 25 MiB), controls, type, description, collected"},
    {"GET", "/api/v1/evidence/:id", PERM_READ, ROUTE_API | ROUTE_CACHE | DEP_EVIDENCE | DEP_TODAY, api_evidence_get, "One evidence item"},
    {"GET", "/api/v1/evidence/:id/file", PERM_READ, ROUTE_API, api_evidence_file, "Download an evidence file"},
    {"GET", "/api/v1/ask", PERM_READ, ROUTE_API | ROUTE_CACHE | DEP_NONE, api_ask, "Ranked guidance passages for a question (q, limit)"},
    {"GET", "/api/v1/audit-log", PERM_AUDIT, ROUTE_API | ROUTE_CACHE | DEP_AUDIT_LOG, api_audit_log, "The audit log (limit, offset)"},
    {"GET", "/api/v1/audit-log/verification", PERM_AUDIT, ROUTE_API, api_audit_verify, "Verify the audit log's hash chain"},
    {"GET", "/api/v1/users", PERM_ADMIN, ROUTE_API, api_users_list, "Users and roles"},
    REGISTER_ROUTES,
    REFERENCE_ROUTES,
    ORG_ROUTES,
    USER_ROUTES,
    CYCLE_ROUTES,
    CHECKS_ROUTES,
    AUDIT_ROUTES,
    POLICY_ROUTES,
    {NULL, NULL, 0, 0, NULL, NULL},
};

static const char *perm_text(int perm)
{
    switch (perm) {
    case PERM_READ: return "any role";
    case PERM_WRITE: return "editor or admin";
    case PERM_AUDIT: return "auditor or admin";
    case PERM_ADMIN: return "admin";
    }
    return "public";
}

/* The multipart request body of an upload route: evidence takes its metadata, the policy gap
 * analysis several files and a topic, the other uploads the file alone. */
static void openapi_upload_body(jw *j, const char *pattern)
{
    static const char *const ev_fields[][2] = {{"file", "binary"}, {"controls", NULL}, {"type", NULL},
                                               {"description", NULL}, {"collected", "date"}};
    static const char *const gap_fields[][2] = {{"files", "binary"}, {"topic", NULL}};
    int gap = !strcmp(pattern, "/api/v1/policy-gap"), ev = !strcmp(pattern, "/api/v1/evidence");
    const char *const(*fields)[2] = gap ? gap_fields : ev_fields;
    size_t nfields = gap ? 2 : ev ? sizeof ev_fields / sizeof *ev_fields : 1;
    jw_key(j, "requestBody");
    jw_obj(j);
    jw_kbool(j, "required", 1);
    jw_key(j, "content");
    jw_obj(j);
    jw_key(j, "multipart/form-data");
    jw_obj(j);
    jw_key(j, "schema");
    jw_obj(j);
    jw_kstr(j, "type", "object");
    jw_key(j, "required");
    jw_arr(j);
    jw_str(j, gap ? "files" : "file");
    if (ev) {
        jw_str(j, "controls");
        jw_str(j, "description");
    }
    jw_arr_end(j);
    jw_key(j, "properties");
    jw_obj(j);
    for (size_t i = 0; i < nfields; i++) {
        jw_key(j, fields[i][0]);
        jw_obj(j);
        jw_kstr(j, "type", "string");
        if (fields[i][1])
            jw_kstr(j, "format", fields[i][1]);
        jw_obj_end(j);
    }
    jw_obj_end(j);
    jw_obj_end(j);
    jw_obj_end(j);
    jw_obj_end(j);
    jw_obj_end(j);
}

int api_openapi(web_req *rq, web_resp *rs)
{
    jw *j = web_json_begin(rq, rs, 200);
    jw_obj(j);
    jw_kstr(j, "openapi", "3.0.3");
    jw_key(j, "info");
    jw_obj(j);
    jw_kstr(j, "title", "isms API");
    jw_kstr(j, "version", "1");
    jw_kstr(j, "description", "ISO/IEC 27001:2022 management system. Authenticate with `Authorization: Bearer "
                              "isms_...` (isms token create). Errors are {\"error\": {\"code\", \"message\", "
                              "\"field\"}}, \"field\" naming the request member at fault when there is one.");
    jw_obj_end(j);
    jw_key(j, "components");
    jw_obj(j);
    jw_key(j, "securitySchemes");
    jw_obj(j);
    jw_key(j, "token");
    jw_obj(j);
    jw_kstr(j, "type", "http");
    jw_kstr(j, "scheme", "bearer");
    jw_obj_end(j);
    jw_obj_end(j);
    jw_obj_end(j);
    jw_key(j, "paths");
    jw_obj(j);
    /* Group the API routes by path, converting ":id" to "{id}". */
    for (const web_route *r = web_routes; r->pattern; r++) {
        if (!(r->flags & ROUTE_API))
            continue;
        int first = 1;
        for (const web_route *q = web_routes; q < r; q++)
            if ((q->flags & ROUTE_API) && !strcmp(q->pattern, r->pattern))
                first = 0;
        if (!first)
            continue;
        buf path;
        buf_init(&path, 512);
        for (const char *p = r->pattern; *p; p++) {
            if (*p == ':') {
                const char *e = strchr(p, '/');
                size_t len = e ? (size_t)(e - p - 1) : strlen(p + 1);
                buf_printf(&path, "{%.*s}", (int)len, p + 1);
                p += len;
            } else
                buf_putc(&path, *p);
        }
        jw_key(j, path.data);
        jw_obj(j);
        for (const web_route *q = r; q->pattern; q++) {
            if (!(q->flags & ROUTE_API) || strcmp(q->pattern, r->pattern))
                continue;
            char m[8];
            size_t k = 0;
            for (; q->method[k] && k < sizeof m - 1; k++)
                m[k] = (char)(q->method[k] | 0x20);
            m[k] = '\0';
            jw_key(j, m);
            jw_obj(j);
            jw_kstr(j, "summary", q->summary);
            jw_kstr(j, "description", arena_sprintf(rq->a, "Role: %s.", perm_text(q->perm)));
            if (strchr(q->pattern, ':')) {
                jw_key(j, "parameters");
                jw_arr(j);
                jw_obj(j);
                jw_kstr(j, "name", "id");
                jw_kstr(j, "in", "path");
                jw_kbool(j, "required", 1);
                jw_key(j, "schema");
                jw_obj(j);
                jw_kstr(j, "type", "string");
                jw_obj_end(j);
                jw_obj_end(j);
                jw_arr_end(j);
            }
            if (q->flags & ROUTE_UPLOAD)
                openapi_upload_body(j, q->pattern);
            if (q->perm != PERM_PUBLIC) {
                jw_key(j, "security");
                jw_arr(j);
                jw_obj(j);
                jw_key(j, "token");
                jw_arr(j);
                jw_arr_end(j);
                jw_obj_end(j);
                jw_arr_end(j);
            }
            jw_key(j, "responses");
            jw_obj(j);
            int flags = q->flags & (ROUTE_CREATES | ROUTE_ANSWERS);
            if (!flags)
                flags = !strcmp(q->method, "POST") && !strchr(q->pattern + 8, ':') ? ROUTE_CREATES
                        : !strcmp(q->method, "DELETE")                            ? 0
                                                                                  : ROUTE_ANSWERS;
            if (flags & ROUTE_ANSWERS) {
                jw_key(j, "200");
                jw_obj(j);
                jw_kstr(j, "description", "success");
                jw_obj_end(j);
            }
            if (flags & ROUTE_CREATES) {
                jw_key(j, "201");
                jw_obj(j);
                jw_kstr(j, "description", "created");
                jw_obj_end(j);
            }
            if (!flags) {
                jw_key(j, "204");
                jw_obj(j);
                jw_kstr(j, "description", "done; no content");
                jw_obj_end(j);
            }
            static const char *const errs[][2] = {{"400", "malformed request"}, {"401", "not authenticated"},
                                                  {"403", "role not allowed"}, {"404", "not found"},
                                                  {"409", "conflicts with other records"}, {"422", "invalid value"}};
            for (size_t e = q->perm == PERM_PUBLIC ? 3 : 0; e < 6; e++) {
                jw_key(j, errs[e][0]);
                jw_obj(j);
                jw_kstr(j, "description", errs[e][1]);
                jw_obj_end(j);
            }
            jw_obj_end(j);
            jw_obj_end(j);
        }
        jw_obj_end(j);
        buf_free(&path);
    }
    jw_obj_end(j);
    jw_obj_end(j);
    return 0;
}
