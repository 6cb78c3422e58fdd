/* The JSON shapes of the registers, shared by the CLI's --json output and the web API. */
#ifndef ISMS_REPORT_JSON_H
#define ISMS_REPORT_JSON_H

#include "core/ask.h"
#include "store/store.h"
#include "util/json.h"

void json_asset(jw *j, const asset *x);
/* A risk with its scores and levels under m, and its plan status on `today`. */
void json_risk(jw *j, const risk_method *m, const risk *r, const char *today);
/* An SoA entry with its derived applicability and reasons. */
void json_soa_entry(jw *j, arena *a, const soa_entry *e);
/* A comma-separated id list as a JSON array. */
void json_id_list(jw *j, const char *list);
/* The members of an answer from the guidance (inside an object the caller opens and closes):
 * the question, the ids it named, the 2013 ids mapped, its intent and the ranked passages, each
 * with link(p, ctx) as its "link" when link is given. */
typedef const char *(*json_link_fn)(const ask_passage *p, void *ctx);
void json_ask_members(jw *j, const char *question, const ask_result *r, json_link_fn link, void *ctx);
/* The organization with its scope statement, context, scope register (4.3) and interested parties (4.2). */
void json_org(jw *j, const org *o, const scope_item *items, size_t ni, const party *parties, size_t np);
/* The SoA's weaknesses: {"valid", "count", "issues": [{"control", "code", "message"}]}. */
void json_soa_validation(jw *j, const soa_issue *is, size_t n);
/* An evidence item with who collected it and its freshness on `today`. */
void json_evidence(jw *j, const evidence *e, const char *today);
/* An alert of the monitoring outbox: what was queued, sent, or why it is still pending. */
void json_alert(jw *j, const alert *al);
/* An API token's owner, prefix, label and state (never the token). */
void json_api_token(jw *j, const api_token *t);
/* The gap analysis report. */
void json_gap(jw *j, const char *org_name, const gap_report *r);
/* "gaps": every blocker of the report as {ref, code, message}, clauses first then controls (the
 * order of gap_blockers); `isms gap` and `isms readiness` both write it. */
void json_gap_blockers(jw *j, const gap_report *r);
/* A policy at the version read: status, approval, review dates, acknowledgments; the Markdown
 * text too when with_body. */
void json_policy_doc(jw *j, const policy_doc *d, int with_body);
/* A template of the policy library: its name, title, controls and clauses. */
void json_policy_template(jw *j, const policy_template *t);
/* Who has acknowledged each policy's approved version against nstaff expected people on today. */
void json_policy_status(jw *j, const char *today, size_t nstaff, const policy_ack_status *s, size_t n,
                        int problems);
/* The document gap analysis: files, topics, requirements with evidence, controls, summary. */
struct docgap_report;
void json_policy_gap(jw *j, const struct docgap_report *r, arena *a);

#endif
