/* The policy library and the document gap analysis in the JSON API (policies_api.c, policies_gap.c)
 * and the browser (policies.c): templates, the profile, generated and edited drafts, approval,
 * acknowledgments and their status, downloads, and uploaded documents checked for gaps. The
 * changes are the policy use cases the CLI runs too, so the rules and messages are the same. */
#ifndef ISMS_WEB_POLICIES_H
#define ISMS_WEB_POLICIES_H

#include <jansson.h>

#include "core/docgap.h"
#include "web/web.h"

/* --- shared by the API and the forms --- */

/* Run the use case `usecase` (src/app/uc_policy.c) on args (taken) for a form: 0 with its answer
 * in *answer (json_decref it), or the HTTP status of the refusal with its message in *error. */
int policy_web_run(web_req *rq, const char *usecase, json_t *args, json_t **answer, const char **error);
/* The arguments of a use case on the route's policy: the members of o (NULL: none) and its name;
 * NULL when the name is not text. */
json_t *policy_web_args(web_req *rq, json_t *o);
/* Save the non-NULL profile fields in one transaction; fills err on refusal. */
int policy_web_profile_set(web_req *rq, const policy_profile *changes, isms_err *err);
/* The expected staff named by `source`: NULL or "users" (enabled users, as the CLI) or "people"
 * (the people register's current staff); *label says which for people. */
int policy_web_staff(web_req *rq, const char *source, const char ***staff, size_t *n, const char **label,
                     isms_err *err);
/* Send policy d (of the workspace's organization) as a download in format f. */
int policy_web_send(web_req *rq, web_resp *rs, const policy_doc *d, int f, isms_err *err);
/* The ?version=N of a request: 0 when absent; ISMS_EINVAL when not a number from 1. */
int policy_web_version(web_req *rq, int *version, isms_err *err);
/* Analyse the uploaded file parts (field "files" or "file") for the topics in topic_list (NULL or
 * "" for the documents' own), through a private temporary directory that is always removed. */
int policy_web_gap(web_req *rq, const char *topic_list, docgap_report *r, isms_err *err);

/* --- the API --- */
int api_policy_templates(web_req *rq, web_resp *rs);
int api_policy_profile_get(web_req *rq, web_resp *rs);
int api_policy_profile_put(web_req *rq, web_resp *rs);
int api_policies_list(web_req *rq, web_resp *rs);
int api_policies_generate(web_req *rq, web_resp *rs);
int api_policy_get(web_req *rq, web_resp *rs);
int api_policy_versions(web_req *rq, web_resp *rs);
int api_policy_update(web_req *rq, web_resp *rs);
int api_policy_approve(web_req *rq, web_resp *rs);
int api_policy_ack(web_req *rq, web_resp *rs);
int api_policy_status(web_req *rq, web_resp *rs);
int api_policy_export(web_req *rq, web_resp *rs);
int api_policy_gap(web_req *rq, web_resp *rs);

/* --- the pages --- */
/* The library: every policy, the generate form and the profile form. */
int page_policies(web_req *rq, web_resp *rs);
/* One policy: its text as HTML, versions, acknowledgments, downloads and the forms. */
int page_policy(web_req *rq, web_resp *rs);
int form_policy_generate(web_req *rq, web_resp *rs);
int form_policy_profile(web_req *rq, web_resp *rs);
int form_policy_edit(web_req *rq, web_resp *rs);
int form_policy_approve(web_req *rq, web_resp *rs);
int form_policy_ack(web_req *rq, web_resp *rs);
/* The gap analysis upload form, and the report of the uploaded documents. */
int page_policy_gap(web_req *rq, web_resp *rs);
int form_policy_gap(web_req *rq, web_resp *rs);

/* The route table's entries (listed in routes.c); /policies/gap before /policies/:id. */
#define POLICY_ROUTES                                                                                              \
    {"GET", "/policies", PERM_READ, ROUTE_PAGE, page_policies, NULL},                                              \
    {"POST", "/policies/generate", PERM_WRITE, ROUTE_PAGE, form_policy_generate, NULL},                            \
    {"POST", "/policies/profile", PERM_WRITE, ROUTE_PAGE, form_policy_profile, NULL},                              \
    {"GET", "/policies/gap", PERM_READ, ROUTE_PAGE, page_policy_gap, NULL},                                        \
    {"POST", "/policies/gap", PERM_READ, ROUTE_PAGE | ROUTE_UPLOAD, form_policy_gap, NULL},                        \
    {"GET", "/policies/:id", PERM_READ, ROUTE_PAGE, page_policy, NULL},                                            \
    {"POST", "/policies/:id/edit", PERM_WRITE, ROUTE_PAGE, form_policy_edit, NULL},                                \
    {"POST", "/policies/:id/approve", PERM_WRITE, ROUTE_PAGE, form_policy_approve, NULL},                          \
    {"POST", "/policies/:id/ack", PERM_WRITE, ROUTE_PAGE, form_policy_ack, NULL},                                  \
    {"GET", "/api/v1/policy-templates", PERM_READ, ROUTE_API | ROUTE_CACHE, api_policy_templates,                  \
     "The policy library: each template's name, title, controls and clauses"},                                     \
    {"GET", "/api/v1/policy-profile", PERM_READ, ROUTE_API | ROUTE_CACHE, api_policy_profile_get,                  \
     "The profile that fills the policy templates"},                                                               \
    {"PUT", "/api/v1/policy-profile", PERM_WRITE, ROUTE_API, api_policy_profile_put,                               \
     "Change profile fields (security_lead, policy_owner, approver, it_lead, hr_lead, review_months, tools, "      \
     "work_model)"},                                                                                               \
    {"GET", "/api/v1/policies", PERM_READ, ROUTE_API | ROUTE_CACHE, api_policies_list,                             \
     "List policies at their latest version (limit, offset, status)"},                                             \
    {"POST", "/api/v1/policies", PERM_WRITE, ROUTE_API, api_policies_generate,                                     \
     "Generate drafts from templates: {\"names\": [...]} or {\"all\": true}, \"force\""},                          \
    {"GET", "/api/v1/policies/:id", PERM_READ, ROUTE_API | ROUTE_CACHE, api_policy_get,                            \
     "A policy with its Markdown text (version)"},                                                                 \
    {"PUT", "/api/v1/policies/:id", PERM_WRITE, ROUTE_API, api_policy_update,                                      \
     "Replace the draft text ({\"body\": Markdown}); an approved policy gets a new draft version"},                \
    {"GET", "/api/v1/policies/:id/versions", PERM_READ, ROUTE_API | ROUTE_CACHE, api_policy_versions,              \
     "Every version of a policy, newest first"},                                                                   \
    {"POST", "/api/v1/policies/:id/approval", PERM_WRITE, ROUTE_API, api_policy_approve,                           \
     "Approve the latest draft ({\"by\"}); recorded as policy evidence"},                                          \
    {"POST", "/api/v1/policies/:id/acknowledgments", PERM_WRITE, ROUTE_API | ROUTE_CREATES | ROUTE_ANSWERS, api_policy_ack,                        \
     "Record that a person ({\"person\"}) acknowledged the approved version"},                                     \
    {"GET", "/api/v1/policies/:id/status", PERM_READ, ROUTE_API, api_policy_status,                                \
     "Who has not acknowledged the approved version, and whether its review is overdue (staff=users|people)"},     \
    {"GET", "/api/v1/policy-status", PERM_READ, ROUTE_API, api_policy_status,                                      \
     "Acknowledgment and review status of every policy (staff=users|people)"},                                     \
    {"GET", "/api/v1/policies/:id/export", PERM_READ, ROUTE_API, api_policy_export,                                \
     "Download a policy (format=md|html|pdf, version)"},                                                           \
    {"POST", "/api/v1/policy-gap", PERM_READ, ROUTE_API | ROUTE_UPLOAD | ROUTE_ANSWERS, api_policy_gap,                           \
     "Document gap analysis: multipart/form-data with one or more files (MD, TXT, HTML, DOCX, PDF) and topic"}

#endif
