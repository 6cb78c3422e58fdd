/* The certification cycle (ISO/IEC 17021-1 timing), the internal audit programme (9.2.2), audit
 * finding and action rules (10.2) and Stage 1 readiness: pure logic over facts from the store. */
#ifndef ISMS_CYCLE_H
#define ISMS_CYCLE_H

#include <stddef.h>
#include <stdint.h>

#include "core/catalog.h"
#include "core/gap.h"
#include "util/arena.h"
#include "util/err.h"

/* date + years/months/days into out ("YYYY-MM-DD"); month ends clamp (Jan 31 + 1 month = Feb 28).
 * Returns ISMS_EINVAL when date is not a real calendar date. */
int cycle_date_add(const char *date, int years, int months, int days, char out[11]);

/* Dates that follow from the certificate's issue date: it expires three years later (the day
 * before the anniversary), surveillance audits fall within the first and second years, and the
 * recertification audit must be done early enough for a decision before expiry. */
typedef struct cert_dates {
    char expires_on[11], surveillance1_by[11], surveillance2_by[11], recert_by[11];
} cert_dates;
int cycle_cert_dates(const char *issued_on, cert_dates *out, isms_err *err);

/* The implementation roadmap: fixed milestones in order. */
typedef struct milestone_def {
    const char *key, *title, *clause;
} milestone_def;
const milestone_def *cycle_milestones(size_t *n);
const milestone_def *cycle_milestone_find(const char *key);
/* The milestone named key, or ISMS_EINVAL with a message listing the roadmap's milestones. */
int cycle_milestone_lookup(const char *key, const milestone_def **out, isms_err *err);
/* A milestone's state on today: "done", "unplanned" (no due date), "OVERDUE" or "open". */
const char *cycle_milestone_state(const char *done_on, const char *due_date, const char *today);

/* Finding types: major / minor nonconformity, observation, opportunity for improvement. */
int cycle_finding_type_valid(const char *type);
/* Major and minor nonconformities need a corrective action (10.2); the others do not. */
int cycle_finding_is_nc(const char *type);
const char *cycle_finding_type_label(const char *type);

/* A reference a finding or audit scope may name: a clause ("9.2") or an Annex A control in any
 * common form ("A.5.15", "5.15"); canonical form into out. */
int cycle_ref_normalize(const char *ref, char *out, size_t outsz, isms_err *err);
/* Iterate a stored comma-separated id list: copies the next id into out and advances *p;
 * 0 at the end. */
int cycle_list_next(const char **p, char *out, size_t outsz);
/* Split and normalize a comma-separated scope; "4-10" adds every clause, "annex-a" every
 * applicable control (applicable: per control in catalog order, or NULL for all). */
int cycle_scope_parse(const char *list, const int *applicable, arena *a, const char ***out, size_t *n,
                      isms_err *err);

/* The three-year internal audit programme: every leaf clause of 4-10 every year, every
 * applicable control at least once, controls treating high risks every year. */
typedef struct programme_item {
    const char *ref, *title;
    int is_control, high_risk;
    int years;     /* bit y-1 set: planned in cycle year y (1..3) */
    int covered;   /* bit y-1 set: audited by a completed audit in cycle year y */
} programme_item;
/* applicable and high_risk are per control in catalog order. */
void cycle_programme(const int *applicable, const int *high_risk, arena *a, programme_item **out, size_t *n);

/* Stage 1 readiness: the mandatory documented information and the usual Stage 1 blockers. It is
 * judged on the gap analysis: every blocker the gap analysis finds (gap_blockers) blocks one of
 * the readiness requirements, so `isms readiness` is ready exactly when `isms gap` finds no gap. */
typedef struct readiness_facts {
    const gap_facts *g;
    const gap_report *r;            /* the gap analysis over g and the SoA */
} readiness_facts;
typedef struct readiness_item {
    const char *ref, *title;
    int ok;
    const char *detail;   /* what is missing, or what was found */
} readiness_item;
/* Evaluate every requirement; returns the number of items, *blockers the number not ok. A gap
 * blocker no requirement claims makes an item "Other gaps" so that none is ever dropped. */
size_t readiness_evaluate(const readiness_facts *f, arena *a, readiness_item **out, size_t *blockers);

/* --- the records of the audit cycle, as the store reads them and the front ends show them --- */

typedef struct cert_rec {
    const char *body, *number, *stage1_date, *stage2_date, *issued_on, *updated_at;
} cert_rec;
typedef struct milestone_rec {
    const char *key, *title, *clause, *due_date, *note;
    const char *done_on;   /* derived from the workspace (e.g. the SoA's approval date), NULL while open */
} milestone_rec;
typedef struct audit_rec {
    int64_t id;
    const char *title, *scope, *criteria, *auditor, *start_date, *end_date, *status, *completed_on, *summary;
    long findings;
} audit_rec;
typedef struct finding_rec {
    int64_t id, audit_id;
    const char *type, *ref, *description, *evidence, *created_at;
    long actions, actions_closed;
} finding_rec;
typedef struct action_rec {
    int64_t id, finding_id, review_id;   /* exactly one of finding_id (corrective) and review_id (9.3 output) */
    const char *description, *root_cause, *owner, *due_date, *status, *implemented_on, *effectiveness,
        *verified_by, *closed_on, *finding_type, *ref;
} action_rec;
typedef struct review_rec {
    int64_t id;
    const char *held_on, *attendees, *decisions, *improvements, *changes, *resources, *pack, *created_at;
} review_rec;
typedef struct feedback_rec {
    int64_t id;
    const char *party, *received_on, *summary;
} feedback_rec;

/* An action is overdue on today while it is open past its due date. */
int cycle_action_overdue(const action_rec *x, const char *today);
/* A finding is open while it is a nonconformity without a corrective action, or with one not closed. */
int cycle_finding_open(const finding_rec *f);

/* The corrective-action state machine (10.2): an action is open, then implemented (a corrective
 * one awaits its effectiveness check) or closed (a review action, or an effective correction); a
 * check that finds it not effective sends it back open to its owner. */
typedef enum cycle_action_event {
    CYCLE_ACTION_DONE,          /* the owner reports it implemented */
    CYCLE_ACTION_EFFECTIVE,     /* the effectiveness check found it effective */
    CYCLE_ACTION_NOT_EFFECTIVE, /* ... or not */
} cycle_action_event;
/* The status action id (now in status; corrective: it answers a finding, else a review) moves to
 * on ev into *next, or the reason it cannot (ISMS_ECONFLICT for the wrong state, ISMS_EINVAL for a
 * check of a review action). */
int cycle_action_step(int64_t id, const char *status, int corrective, cycle_action_event ev, const char **next,
                      isms_err *err);
/* Independence (9.2.2 c): auditor must own none of the n scope items; owners[i] is item i's owner
 * (NULL for none). ISMS_OK, or ISMS_ECONFLICT naming the first item the auditor owns. */
int cycle_auditor_independent(const char *auditor, const char *const *items, const char *const *owners, size_t n,
                              isms_err *err);

#endif
