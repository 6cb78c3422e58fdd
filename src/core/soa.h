/* Statement of Applicability rules (6.1.3 d): derivation from risk treatment, exclusion
 * justifications, validation. Pure logic on plain structs. */
#ifndef ISMS_SOA_H
#define ISMS_SOA_H

#include <stddef.h>

#include "core/catalog.h"
#include "util/arena.h"
#include "util/err.h"

typedef enum soa_status {
    SOA_STATUS_NONE = 0, SOA_NOT_STARTED, SOA_PLANNED, SOA_PARTIAL, SOA_IMPLEMENTED
} soa_status;

enum { SOA_UNDECIDED = -1, SOA_EXCLUDED = 0, SOA_APPLICABLE = 1 };

/* Reasons for inclusion besides linked risks. */
enum { SOA_REASON_LEGAL = 1, SOA_REASON_CONTRACTUAL = 2, SOA_REASON_BUSINESS = 4 };

typedef struct soa_entry {
    const catalog_control *ctl;
    int applicable;            /* SOA_UNDECIDED, SOA_EXCLUDED or SOA_APPLICABLE */
    int reasons;               /* SOA_REASON_* bits */
    const char *justification; /* why included, or why excluded */
    soa_status status;
    const char *implementation;/* how it is implemented */
    const char *owner;
    const char *risks;         /* derived: ids of risks whose treatment uses it, "3,7" or "" */
    int nrisks;
    const char *updated_at;
} soa_entry;

typedef struct soa_issue {
    const char *control;       /* "A.5.1" */
    const char *code;          /* stable: undecided, weak_justification, excluded_but_treats_risk,
                                  no_reason, no_implementation, no_owner, no_status */
    const char *message;
} soa_issue;

/* Parse "not_started" | "not started" | "planned" | "partial" | "partially" | "implemented". -1 if unknown. */
int soa_status_parse(const char *s);
const char *soa_status_name(soa_status s);
/* Parse "legal,contractual,business" into SOA_REASON_* bits; fails naming an unknown reason. */
int soa_reasons_parse(const char *s, int *out, isms_err *err);
/* Write reasons (including "risk" when nrisks > 0) as "risk,legal" into an arena string. */
const char *soa_reasons_text(arena *a, const soa_entry *e);
/* Is this exclusion justification too weak for an auditor? Sets *why to the explanation. */
int soa_justification_weak(const char *text, const char **why);
/* Check a proposed entry before it is stored: an exclusion of a control that treats risks is
 * refused naming them; an exclusion needs a real justification. */
int soa_entry_check(const soa_entry *e, isms_err *err);
/* The most weaknesses one entry can have. */
#define SOA_ENTRY_MAX_ISSUES 6
/* The weaknesses of one entry into out (room for SOA_ENTRY_MAX_ISSUES); returns how many. A blank
 * (white space only) justification, implementation or owner counts as missing. The gap analysis
 * and readiness use this too, so every weakness here is a gap and a Stage 1 blocker. */
size_t soa_entry_validate(const soa_entry *e, arena *a, soa_issue *out);
/* Every weakness left in the SoA; returns the count and an arena array in *out. */
size_t soa_validate(const soa_entry *entries, size_t n, arena *a, soa_issue **out);
/* The applicability the SoA shows: the decision, else applicable when a risk treatment uses it. */
int soa_effective_applicable(const soa_entry *e);

#endif
