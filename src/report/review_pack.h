/* The management review input pack (9.3.2), filled from live workspace data. */
#ifndef ISMS_REVIEW_PACK_H
#define ISMS_REVIEW_PACK_H

#include <stdio.h>

#include "store/store.h"
#include "util/buf.h"

typedef struct review_pack {
    const char *org, *generated_on, *since;   /* since: the last review's date, NULL before the first */
    /* a) actions from previous reviews */
    action_rec *prev_actions;
    size_t nprev_actions;
    /* b) c) changes in issues, scope and interested parties since the last review */
    const char *context;
    long context_changes, scope_changes, party_changes;
    party *parties;
    size_t nparties;
    /* d) performance: nonconformities and actions, monitoring, audits, objectives */
    long nc_major, nc_minor, observations, improvements, ncs_open, actions_open, actions_overdue;
    long checks_pass, checks_fail, checks_error;
    int ctl_passing, ctl_failing, ctl_stale, ctl_no_evidence, ctl_not_applicable;
    double readiness;
    audit_rec *audits;
    size_t naudits;
    long objectives, objectives_measured, objectives_off_track;
    /* e) feedback from interested parties */
    feedback_rec *feedback;
    size_t nfeedback;
    /* f) risk assessment results and treatment status */
    long risks, by_level[4], above_appetite, awaiting_acceptance, treat_open, treat_overdue, treat_done;
    /* g) opportunities for improvement */
    finding_rec *opportunities;
    size_t nopportunities;
} review_pack;

/* Gather the pack as of today. */
int review_pack_build(ws *w, arena *a, review_pack *p, isms_err *err);
/* The pack as JSON (stored with the review record) and as Markdown for the meeting. */
int review_pack_json(const review_pack *p, buf *out);
void review_pack_markdown(const review_pack *p, FILE *f);

#endif
