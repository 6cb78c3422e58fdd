/* The internal audit, corrective action and management review lifecycle (9.2, 9.3, 10.2) as the
 * CLI (isms audit, action, review) and the web app both present it: the programme with what
 * completed audits covered, planning by programme year, checklists, recording a review with its
 * frozen input pack, and the JSON shapes of audits, findings, actions and reviews. */
#ifndef ISMS_REPORT_LIFECYCLE_H
#define ISMS_REPORT_LIFECYCLE_H

#include "core/cycle.h"
#include "store/store.h"
#include "util/json.h"

/* The three-year programme as of today with the coverage of completed audits. */
typedef struct lifecycle_programme {
    const char *cycle_start;        /* the certificate's issue, else the first audit's start, else today */
    programme_item *items;
    size_t n;
    char year_from[3][11];          /* first day of each cycle year */
    size_t planned[3], audited[3];  /* items planned / audited per cycle year */
    size_t items_audited;           /* items audited in any year of the cycle */
} lifecycle_programme;
/* Build the programme from the SoA, the risks, the certificate and the completed audits. */
int lifecycle_programme_build(ws *w, arena *a, lifecycle_programme *out, isms_err *err);
void lifecycle_programme_json(jw *j, const lifecycle_programme *p);

/* Plan an audit inside the caller's transaction. year 1..3 takes that programme year's items as
 * the scope (x->scope must then be NULL), year 0 takes x->scope; criteria, end date and title get
 * their defaults. Refusals are the store's (dates, independence of the auditor). Fills x->id. */
int lifecycle_plan(ws *w, audit_rec *x, int year, arena *a, isms_err *err);

/* One checklist item: a clause or control of the audit's scope with the question to ask, the
 * guidance (what to verify, evidence to sample, common findings) and, for a control, its SoA
 * entry and up to ten pieces of evidence on file. */
typedef struct lifecycle_check {
    const char *ref, *title, *question;
    const catalog_guidance *g;
    const soa_entry *se;            /* NULL for a clause */
    evidence *ev;
    size_t nev;
} lifecycle_check;
int lifecycle_checklist(ws *w, const audit_rec *x, arena *a, lifecycle_check **out, size_t *n, isms_err *err);
void lifecycle_checklist_json(jw *j, const audit_rec *x, const lifecycle_check *c, size_t n);

/* Record a held review inside the caller's transaction, freezing today's input pack with it so
 * what the meeting considered stays provable. Fills r->id and r->pack. */
int lifecycle_review_record(ws *w, review_rec *r, arena *a, isms_err *err);

/* The JSON shapes shared by the CLI's --json output and the web API. */
void lifecycle_audit_json(jw *j, const audit_rec *x);
/* with_audit adds the audit's id, with_evidence the evidence text. */
void lifecycle_finding_json(jw *j, const finding_rec *f, int with_audit, int with_evidence);
void lifecycle_action_json(jw *j, const action_rec *x, const char *today);
/* A review with its results; with_pack adds when it was recorded and the input pack it considered. */
void lifecycle_review_json(jw *j, const review_rec *r, int with_pack);
void lifecycle_feedback_json(jw *j, const feedback_rec *f);

#endif
