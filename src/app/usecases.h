/* The input of each use case, for a front end that fills it directly instead of binding JSON
 * (the CLI from its options). Text members are NULL when not given; app_int members say whether
 * they were. */
#ifndef ISMS_APP_USECASES_H
#define ISMS_APP_USECASES_H

#include "app/app.h"

/* The input of a use case on one record named by its number or its name. */
typedef struct app_ref_in {
    const char *id;
} app_ref_in;

/* An asset to add, or the changes to asset id (its number or name). */
typedef struct app_asset_in {
    const char *id, *name, *type, *owner, *classification, *description;
    app_int confidentiality, integrity, availability;
} app_asset_in;

typedef struct app_risk_add_in {
    const char *title, *asset, *threat, *vulnerability, *owner;
    app_int likelihood, impact;
} app_risk_add_in;

typedef struct app_risk_update_in {
    app_int id;
    const char *title, *asset, *threat, *vulnerability, *owner;
    app_int likelihood, impact;
} app_risk_update_in;

typedef struct app_risk_treat_in {
    app_int id;
    const char *option, *controls, *treatment_owner, *due_date, *plan;
    app_int residual_likelihood, residual_impact, done;
} app_risk_treat_in;

typedef struct app_risk_accept_in {
    app_int id;
    const char *by;
} app_risk_accept_in;

typedef struct app_soa_decide_in {
    const char *control, *justification, *reasons, *status, *implementation, *owner;
    app_int applicable;
} app_soa_decide_in;

/* Policies to list: those at a status, a page at a time. */
typedef struct app_policy_list_in {
    const char *status;
    app_int limit, offset;
} app_policy_list_in;

/* Drafts to generate: the named templates (NULL-terminated) or all of them. */
typedef struct app_policy_generate_in {
    const char *const *names;
    app_int all, force;
} app_policy_generate_in;

/* A policy by name at a version (the newest when not given). */
typedef struct app_policy_get_in {
    const char *name;
    app_int version;
} app_policy_get_in;

/* The new Markdown text of policy name. */
typedef struct app_policy_edit_in {
    const char *name, *body;
} app_policy_edit_in;

/* Who approves policy name. */
typedef struct app_policy_approve_in {
    const char *name, *by;
} app_policy_approve_in;

/* Who has read and accepted policy name. */
typedef struct app_policy_ack_in {
    const char *name, *person;
} app_policy_ack_in;

/* The input of a use case that reads or changes one record by its number. */
typedef struct app_id_in {
    app_int id;
} app_id_in;

/* A file to keep as evidence for controls (a list of ids with commas). */
typedef struct app_evidence_add_in {
    const char *path, *description, *controls, *type, *collected, *valid_until;
} app_evidence_add_in;

/* An internal audit to plan: a scope of clauses and controls, or a year (1 to 3) of the programme. */
typedef struct app_audit_plan_in {
    const char *title, *scope, *criteria, *auditor, *start_date, *end_date;
    app_int year;
} app_audit_plan_in;

typedef struct app_audit_complete_in {
    app_int id;
    const char *summary, *on;
} app_audit_complete_in;

typedef struct app_finding_add_in {
    app_int audit_id;
    const char *type, *ref, *description, *evidence;
} app_finding_add_in;

typedef struct app_action_add_in {
    app_int finding, review;
    const char *actions, *root_cause, *owner, *due_date;
} app_action_add_in;

/* An action reported implemented (done) or its effectiveness checked (verify). */
typedef struct app_action_step_in {
    app_int id, effective;
    const char *note, *by, *on;
} app_action_step_in;

typedef struct app_review_record_in {
    const char *held_on, *attendees, *decisions, *improvements, *changes, *resources;
} app_review_record_in;

typedef struct app_feedback_add_in {
    const char *party, *received_on, *summary;
} app_feedback_add_in;

typedef struct app_org_update_in {
    const char *name, *scope, *context;
} app_org_update_in;

/* A scope item (kind unit, location or system; in_scope 0 for one explicitly out) or an
 * interested party with its requirements. */
typedef struct app_scope_add_in {
    const char *kind, *name, *note;
    app_int in_scope;
} app_scope_add_in;
typedef struct app_party_add_in {
    const char *name, *requirements;
} app_party_add_in;

/* The certification record: the body, the certificate's number and the audit and issue dates. */
typedef struct app_cert_set_in {
    const char *body, *number, *stage1_date, *stage2_date, *issued_on;
} app_cert_set_in;
/* A roadmap milestone's plan (key: scope, risk_assessment, soa, ...). */
typedef struct app_milestone_set_in {
    const char *key, *due_date, *note;
} app_milestone_set_in;

/* Look a use case up by name and run it on in; for front ends holding an input struct. */
int app_call(app *p, const char *name, const void *in, jw *out, isms_err *err);

#endif
