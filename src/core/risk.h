/* Risk methodology, scoring and treatment rules (6.1.2, 6.1.3, 8.2, 8.3). Pure logic, no I/O. */
#ifndef ISMS_RISK_H
#define ISMS_RISK_H

#include <stdint.h>

#include "util/err.h"

#define RISK_MAX_LEVELS 5

/* The organization's methodology: scales, the level bands of the L x I matrix, the appetite. */
typedef struct risk_method {
    int likelihood_levels;   /* 3..5 */
    int impact_levels;       /* 3..5 */
    int low_max;             /* scores <= low_max are low */
    int medium_max;          /* <= medium_max medium */
    int high_max;            /* <= high_max high, above critical */
    int appetite;            /* highest residual score accepted without a risk-owner sign-off */
    char likelihood_labels[RISK_MAX_LEVELS][32];
    char impact_labels[RISK_MAX_LEVELS][32];
} risk_method;

typedef enum risk_option { RISK_UNTREATED = 0, RISK_MITIGATE, RISK_ACCEPT, RISK_TRANSFER, RISK_AVOID } risk_option;

typedef struct risk {
    int64_t id;
    const char *title;
    int64_t asset_id;          /* 0 when the risk is not tied to one asset */
    const char *asset;         /* asset name, for display */
    const char *threat, *vulnerability, *owner;
    int likelihood, impact;
    risk_option option;
    const char *controls;      /* "A.5.15,A.8.5" canonical, or "" */
    int residual_likelihood, residual_impact;  /* 0 when not assessed */
    const char *treatment_owner, *due_date;    /* due date YYYY-MM-DD or NULL */
    const char *treatment_plan;                /* what will be done */
    int done;                                  /* the planned treatment is complete */
    const char *accepted_by, *accepted_at;     /* risk owner's acceptance of the residual risk */
    const char *created_at, *updated_at;
} risk;

/* The default methodology: 5 x 5, bands 1-4 low, 5-9 medium, 10-16 high, 20-25 critical, appetite 8. */
void risk_method_default(risk_method *m);
/* Check scales 3..5, bands increasing inside 1..L*I, appetite in range; fills err naming the value. */
int risk_method_validate(const risk_method *m, isms_err *err);
/* Inherent or residual score: likelihood x impact. */
int risk_score(int likelihood, int impact);
/* "low" | "medium" | "high" | "critical" for a score under the methodology. */
const char *risk_level(const risk_method *m, int score);
/* Check a likelihood or impact value against the scale; what is "likelihood" or "impact". */
int risk_check_value(const risk_method *m, const char *what, int v, isms_err *err);
/* Parse "mitigate" etc.; returns -1 when unknown. */
int risk_option_parse(const char *s);
const char *risk_option_name(risk_option o);
/* Residual score: the residual assessment when made, else the inherent score. */
int risk_residual_score(const risk *r);
/* True when the residual score is above the appetite, so the risk owner must accept it. */
int risk_needs_acceptance(const risk_method *m, const risk *r);
/* Validate a treatment before it is stored: option, controls for mitigate, residual <= inherent
 * and within the scales, due date format. */
int risk_treatment_validate(const risk_method *m, const risk *r, isms_err *err);
/* Validate a date "YYYY-MM-DD" (a real calendar date). */
int risk_date_valid(const char *s);
/* Plan status of a risk on day `today` (YYYY-MM-DD): "untreated", "overdue", "awaiting acceptance",
 * "open", "accepted", "done". */
const char *risk_plan_status(const risk_method *m, const risk *r, const char *today);

#endif
