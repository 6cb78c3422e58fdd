/* Gap analysis: what each control and clause still lacks, and readiness per theme and overall. */
#ifndef ISMS_GAP_H
#define ISMS_GAP_H

#include <stddef.h>

#include "core/evidence.h"
#include "core/soa.h"
#include "util/arena.h"

#define GAP_MAX_MISSING 8

/* Facts about the workspace that the clauses depend on, counted by the store. */
typedef struct gap_facts {
    int has_context;            /* internal/external issues recorded (4.1) */
    int has_scope_statement;    /* 4.3 */
    long scope_in, scope_out;
    long parties, parties_without_requirements;
    int method_confirmed;       /* the methodology was reviewed and saved (6.1.2) */
    long assets, assets_without_owner;
    long risks, risks_without_owner, risks_untreated, risks_awaiting_acceptance, risks_overdue,
        risks_without_due_date;
    int soa_versions;           /* approved versions */
    int soa_changed_since_approval;
    int ev_fresh[CATALOG_NCONTROLS];   /* per control, catalog order: evidence within its window */
    int ev_stale[CATALOG_NCONTROLS];   /* and evidence past it */
    int check_failing[CATALOG_NCONTROLS]; /* the latest run of a check supporting it failed */
    long audits_completed_12m;  /* internal audits completed in the last 12 months (9.2) */
    long reviews_held_12m;      /* management reviews held in the last 12 months (9.3) */
    long ncs_open;              /* major/minor nonconformities whose corrective action is not closed */
    long majors_open;
    long ncs_without_action;    /* nonconformities with no corrective action at all (10.2) */
    long actions_overdue;       /* open corrective and review actions past their due date */
    int policy_approved;        /* an approved information security policy in force (5.2) */
    long documents_approved, documents_overdue; /* documented information the ISMS decided it needs (7.5.1 b) */
    long documents_unapproved;                  /* generated policies never approved */
    long objectives, objectives_measured;        /* 6.2 */
    long people, people_trained;                 /* 7.2 competence records */
    long risks_not_reviewed;    /* not reviewed in the last 12 months (8.2) */
    long monitoring_recent;     /* check runs and evidence collected in the last 90 days (9.1) */
} gap_facts;

typedef struct gap_control {
    const soa_entry *entry;
    int ready;                 /* justifiably excluded, or implemented, documented and evidenced */
    evidence_status evidence;  /* passing | stale | no_evidence | not_applicable (failing comes from checks) */
    const char *state;         /* "ready" | "gap" | "undecided" | "excluded" */
    const char *missing[GAP_MAX_MISSING];
    const char *codes[GAP_MAX_MISSING];  /* stable code of each missing item: soa_validate's codes,
                                            not_implemented, check_failing, evidence_expired, no_evidence */
    int nmissing;
} gap_control;

typedef struct gap_clause {
    const catalog_clause *clause;
    const char *state;         /* "met" | "gap" | "not_tracked" */
    const char *missing[GAP_MAX_MISSING];
    const char *codes[GAP_MAX_MISSING];  /* stable code of each missing item (no_parties, ...) */
    int nmissing;
} gap_clause;

typedef struct gap_theme {
    const char *theme;
    int total, ready, applicable, excluded, undecided, implemented, evidenced;
    double readiness;          /* percent of controls ready */
} gap_theme;

typedef struct gap_report {
    gap_control *controls;
    size_t ncontrols;
    gap_clause *clauses;
    size_t nclauses;
    gap_theme themes[4];
    int ready, total;
    double readiness;          /* percent of the 93 controls ready */
    int clauses_met, clauses_tracked;
    double clause_readiness;   /* percent of tracked clauses met */
} gap_report;

/* Compute the gap analysis over the SoA entries (catalog order) and the workspace facts. */
void gap_analyze(const soa_entry *entries, size_t n, const gap_facts *f, arena *a, gap_report *out);

/* One thing that keeps the ISMS from being ready: a missing item of a clause or a control. The
 * gap analysis, Stage 1 readiness and their JSON all list exactly these. */
typedef struct gap_blocker {
    const char *ref;      /* clause ("4.2") or control ("A.5.9") */
    const char *code;     /* the missing item's code */
    const char *message;
    int is_control;
} gap_blocker;
/* Every blocker of a report, clauses first then controls in catalog order; returns the count. */
size_t gap_blockers(const gap_report *r, arena *a, gap_blocker **out);
/* Whether code is one of soa_validate's codes (a weakness of the SoA itself). */
int gap_code_is_soa(const char *code);

#endif
