/* Evidence rules: kinds of evidence and their freshness windows, and a control's status from
 * its evidence. Pure logic, no I/O. */
#ifndef ISMS_EVIDENCE_H
#define ISMS_EVIDENCE_H

#include <stddef.h>

#include "util/err.h"

typedef struct evidence_kind {
    const char *id;        /* "access_review" */
    const char *name;      /* "Access review" */
    int fresh_days;        /* how long it stays valid after collection */
} evidence_kind;

/* Control status derived from evidence (and later from automated checks). */
typedef enum evidence_status {
    EV_NOT_APPLICABLE = 0, EV_NO_EVIDENCE, EV_STALE, EV_FAILING, EV_PASSING
} evidence_status;

/* All kinds, NULL-id terminated. */
const evidence_kind *evidence_kinds(void);
const evidence_kind *evidence_kind_find(const char *id);
const char *evidence_status_name(evidence_status s);
/* Valid-until date of evidence of `kind` collected on `collected` (YYYY-MM-DD) into out[11]. */
int evidence_valid_until(const evidence_kind *kind, const char *collected, char out[11], isms_err *err);
/* Fresh on `today` when valid_until >= today. */
int evidence_is_fresh(const char *valid_until, const char *today);
/* A control's status: not applicable when excluded; failing when a check fails; passing when any
 * fresh evidence or passing check exists; stale when only expired evidence; else no evidence. */
evidence_status evidence_control_status(int applicable, int fresh, int stale, int failing);

#endif
