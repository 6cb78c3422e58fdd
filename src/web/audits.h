/* Internal audits (9.2), corrective and review actions (10.2) and management reviews (9.3) in the
 * JSON API (audits_api.c) and the browser (audits.c: audits; audits_review.c: actions, reviews and
 * the input pack); both change the workspace through audits_change.c. The rules and messages are
 * the library's, as in `isms audit|action|review`. */
#ifndef ISMS_WEB_AUDITS_H
#define ISMS_WEB_AUDITS_H

#include "web/web.h"

/* A path id: a whole number from 1 (else 0 is returned and nothing is looked up). */
int audits_id(const char *s, int64_t *id);
/* The action with this id, or ISMS_ENOTFOUND with the CLI's message. */
int audits_action_get(web_req *rq, int64_t id, action_rec *out, isms_err *err);

/* The changes both front ends make, each through its use case: one transaction, rolled back when
 * refused (err says why). Dates left NULL mean today, as in the CLI. */
int audits_plan(web_req *rq, audit_rec *x, int year, isms_err *err);
int audits_finding_add(web_req *rq, finding_rec *f, isms_err *err);
int audits_complete(web_req *rq, int64_t id, const char *summary, const char *on, isms_err *err);
int audits_action_add(web_req *rq, action_rec *x, isms_err *err);
int audits_action_done(web_req *rq, int64_t id, const char *on, isms_err *err);
/* effective: "yes" or "no" (anything else is refused as the CLI refuses it). */
int audits_action_verify(web_req *rq, int64_t id, const char *effective, const char *note, const char *by,
                         const char *on, isms_err *err);
int audits_review_record(web_req *rq, review_rec *r, isms_err *err);
int audits_feedback_add(web_req *rq, feedback_rec *f, isms_err *err);
/* The input pack as Markdown, the same text `isms review pack` prints, into out. */
int audits_pack_markdown(web_req *rq, buf *out, isms_err *err);

/* Page helpers shared by audits.c and audits_review.c: the CSRF field, a submitted field's value
 * (to keep the user's input in a refused form; "" on a GET), and the refusal shown above the
 * forms with its status set on rs. */
void audits_csrf(web_req *rq, web_resp *rs);
const char *audits_value(web_req *rq, const char *name);
void audits_refusal(web_resp *rs, const isms_err *err);
/* Text with " | " separated steps as a list. */
void audits_steps(web_resp *rs, const char *label, const char *steps);

int api_audit_programme(web_req *rq, web_resp *rs);
int api_audits_list(web_req *rq, web_resp *rs);
int api_audit_plan(web_req *rq, web_resp *rs);
int api_audit_get(web_req *rq, web_resp *rs);
int api_audit_checklist(web_req *rq, web_resp *rs);
int api_audit_findings(web_req *rq, web_resp *rs);
int api_audit_finding_add(web_req *rq, web_resp *rs);
int api_audit_complete(web_req *rq, web_resp *rs);
int api_findings_list(web_req *rq, web_resp *rs);
int api_actions_list(web_req *rq, web_resp *rs);
int api_action_add(web_req *rq, web_resp *rs);
int api_action_get(web_req *rq, web_resp *rs);
int api_action_done(web_req *rq, web_resp *rs);
int api_action_verify(web_req *rq, web_resp *rs);
int api_reviews_list(web_req *rq, web_resp *rs);
int api_review_record(web_req *rq, web_resp *rs);
int api_review_get(web_req *rq, web_resp *rs);
int api_review_pack(web_req *rq, web_resp *rs);
int api_feedback_list(web_req *rq, web_resp *rs);
int api_feedback_add(web_req *rq, web_resp *rs);

/* The programme's coverage per year, the audits and the form to plan one. */
int page_audits(web_req *rq, web_resp *rs);
/* One audit: scope, checklist with evidence on file, findings, and the forms to add a finding
 * and complete it. */
int page_audit(web_req *rq, web_resp *rs);
int form_audit_plan(web_req *rq, web_resp *rs);
int form_audit_finding(web_req *rq, web_resp *rs);
int form_audit_complete(web_req *rq, web_resp *rs);
/* Open and closed actions, overdue ones marked, with the forms to add, report done and verify. */
int page_actions(web_req *rq, web_resp *rs);
int form_action_add(web_req *rq, web_resp *rs);
int form_action_done(web_req *rq, web_resp *rs);
int form_action_verify(web_req *rq, web_resp *rs);
/* Reviews held, feedback received, and the forms to record either. */
int page_reviews(web_req *rq, web_resp *rs);
int page_review(web_req *rq, web_resp *rs);
int form_review_record(web_req *rq, web_resp *rs);
int form_feedback_add(web_req *rq, web_resp *rs);
/* The input pack (9.3.2 a-g) as a page, and as the Markdown download. */
int page_review_pack(web_req *rq, web_resp *rs);
int page_review_pack_md(web_req *rq, web_resp *rs);

/* The route table's entries (listed in routes.c). Today's date decides overdue actions, the
 * programme's cycle and the pack, so those reads are not cached. */
#define AUDIT_ROUTES                                                                                               \
    {"GET", "/audits", PERM_READ, ROUTE_PAGE, page_audits, NULL},                                                  \
    {"POST", "/audits", PERM_WRITE, ROUTE_PAGE, form_audit_plan, NULL},                                            \
    {"GET", "/audits/:id", PERM_READ, ROUTE_PAGE, page_audit, NULL},                                               \
    {"POST", "/audits/:id/findings", PERM_WRITE, ROUTE_PAGE, form_audit_finding, NULL},                            \
    {"POST", "/audits/:id/completion", PERM_WRITE, ROUTE_PAGE, form_audit_complete, NULL},                         \
    {"GET", "/actions", PERM_READ, ROUTE_PAGE, page_actions, NULL},                                                \
    {"POST", "/actions", PERM_WRITE, ROUTE_PAGE, form_action_add, NULL},                                           \
    {"POST", "/actions/:id/done", PERM_WRITE, ROUTE_PAGE, form_action_done, NULL},                                 \
    {"POST", "/actions/:id/verification", PERM_WRITE, ROUTE_PAGE, form_action_verify, NULL},                       \
    {"GET", "/reviews", PERM_READ, ROUTE_PAGE, page_reviews, NULL},                                                \
    {"POST", "/reviews", PERM_WRITE, ROUTE_PAGE, form_review_record, NULL},                                        \
    {"POST", "/reviews/feedback", PERM_WRITE, ROUTE_PAGE, form_feedback_add, NULL},                                \
    {"GET", "/reviews/pack", PERM_READ, ROUTE_PAGE, page_review_pack, NULL},                                       \
    {"GET", "/reviews/pack.md", PERM_READ, ROUTE_PAGE, page_review_pack_md, NULL},                                 \
    {"GET", "/reviews/:id", PERM_READ, ROUTE_PAGE, page_review, NULL},                                             \
    {"GET", "/api/v1/audit-programme", PERM_READ, ROUTE_API, api_audit_programme,                                  \
     "The three-year internal audit programme (9.2.2) and what completed audits covered"},                         \
    {"GET", "/api/v1/audits", PERM_READ, ROUTE_API | ROUTE_CACHE | DEP_LIFECYCLE, api_audits_list,                 \
     "Internal audits (limit, offset, status)"},                                                                   \
    {"POST", "/api/v1/audits", PERM_WRITE, ROUTE_API, api_audit_plan,                                              \
     "Plan an internal audit: auditor, start, end, scope or year, title, criteria; refused when the auditor "     \
     "owns a control in scope"},                                                                                   \
    {"GET", "/api/v1/audits/:id", PERM_READ, ROUTE_API | ROUTE_CACHE, api_audit_get,                               \
     "An internal audit with its findings"},                                                                       \
    {"GET", "/api/v1/audits/:id/checklist", PERM_READ, ROUTE_API | ROUTE_CACHE, api_audit_checklist,               \
     "The audit's checklist: questions, what to verify, evidence to sample and evidence on file"},                 \
    {"GET", "/api/v1/audits/:id/findings", PERM_READ, ROUTE_API | ROUTE_CACHE, api_audit_findings,                 \
     "The audit's findings"},                                                                                      \
    {"POST", "/api/v1/audits/:id/findings", PERM_WRITE, ROUTE_API | ROUTE_CREATES, api_audit_finding_add,                          \
     "Record a finding: type (major, minor, observation, improvement), ref, description, evidence"},               \
    {"POST", "/api/v1/audits/:id/completion", PERM_WRITE, ROUTE_API, api_audit_complete,                           \
     "Record the audit as completed: summary, date"},                                                              \
    {"GET", "/api/v1/findings", PERM_READ, ROUTE_API | ROUTE_CACHE | DEP_LIFECYCLE, api_findings_list,             \
     "Every finding (limit, offset, type, audit, open=true: nonconformities not yet closed)"},                     \
    {"GET", "/api/v1/actions", PERM_READ, ROUTE_API, api_actions_list,                                             \
     "Corrective and review actions by due date (limit, offset, open=true, overdue=true, source)"},                \
    {"POST", "/api/v1/actions", PERM_WRITE, ROUTE_API, api_action_add,                                             \
     "Add an action: finding or review, actions, owner, due, root_cause (needed for a nonconformity)"},            \
    {"GET", "/api/v1/actions/:id", PERM_READ, ROUTE_API, api_action_get, "One action"},                            \
    {"POST", "/api/v1/actions/:id/done", PERM_WRITE, ROUTE_API, api_action_done,                                   \
     "The owner reports the action implemented (date)"},                                                           \
    {"POST", "/api/v1/actions/:id/verification", PERM_WRITE, ROUTE_API, api_action_verify,                         \
     "Record the effectiveness check (10.2 d): effective yes or no, note, by, date"},                              \
    {"GET", "/api/v1/reviews", PERM_READ, ROUTE_API | ROUTE_CACHE, api_reviews_list,                               \
     "Management reviews held (limit, offset)"},                                                                   \
    {"POST", "/api/v1/reviews", PERM_WRITE, ROUTE_API, api_review_record,                                          \
     "Record a held review (9.3.3): date, attendees, decisions, improvements, changes, resources; today's "        \
     "input pack is stored with it"},                                                                              \
    {"GET", "/api/v1/reviews/:id", PERM_READ, ROUTE_API | ROUTE_CACHE, api_review_get,                             \
     "One management review with the input pack it considered"},                                                  \
    {"GET", "/api/v1/review-pack", PERM_READ, ROUTE_API, api_review_pack,                                          \
     "The management review input pack (9.3.2 a-g) as of today; format=md downloads the Markdown"},                \
    {"GET", "/api/v1/feedback", PERM_READ, ROUTE_API | ROUTE_CACHE | DEP_LIFECYCLE, api_feedback_list,             \
     "Feedback from interested parties, newest first (limit, offset, since)"},                                     \
    {"POST", "/api/v1/feedback", PERM_WRITE, ROUTE_API, api_feedback_add,                                          \
     "Record feedback from an interested party: party, summary, date"}

#endif
