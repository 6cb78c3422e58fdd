#include "core/risk.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

static const char *const default_likelihood[] = {"Rare", "Unlikely", "Possible", "Likely", "Almost certain"};
static const char *const default_impact[] = {"Negligible", "Minor", "Moderate", "Major", "Severe"};

void risk_method_default(risk_method *m)
{
    memset(m, 0, sizeof *m);
    m->likelihood_levels = 5;
    m->impact_levels = 5;
    m->low_max = 4;
    m->medium_max = 9;
    m->high_max = 16;
    m->appetite = 8;
    for (int i = 0; i < 5; i++) {
        snprintf(m->likelihood_labels[i], sizeof m->likelihood_labels[i], "%s", default_likelihood[i]);
        snprintf(m->impact_labels[i], sizeof m->impact_labels[i], "%s", default_impact[i]);
    }
}

int risk_method_validate(const risk_method *m, isms_err *err)
{
    if (m->likelihood_levels < 3 || m->likelihood_levels > 5)
        return err_set(err, ISMS_EINVAL, "likelihood scale must have 3 to 5 levels, not %d",
                       m->likelihood_levels);
    if (m->impact_levels < 3 || m->impact_levels > 5)
        return err_set(err, ISMS_EINVAL, "impact scale must have 3 to 5 levels, not %d", m->impact_levels);
    int max = m->likelihood_levels * m->impact_levels;
    if (!(1 <= m->low_max && m->low_max < m->medium_max && m->medium_max < m->high_max &&
          m->high_max <= max))
        return err_set(err, ISMS_EINVAL,
                       "level bands must rise within 1..%d: low <= %d, medium <= %d, high <= %d is not valid",
                       max, m->low_max, m->medium_max, m->high_max);
    if (m->appetite < 1 || m->appetite >= max)
        return err_set(err, ISMS_EINVAL, "risk appetite must be a score from 1 to %d, not %d", max - 1,
                       m->appetite);
    return ISMS_OK;
}

int risk_score(int likelihood, int impact) { return likelihood * impact; }

const char *risk_level(const risk_method *m, int score)
{
    if (score <= m->low_max)
        return "low";
    if (score <= m->medium_max)
        return "medium";
    if (score <= m->high_max)
        return "high";
    return "critical";
}

int risk_check_value(const risk_method *m, const char *what, int v, isms_err *err)
{
    int max = !strcmp(what, "impact") || !strcmp(what, "residual impact") ? m->impact_levels
                                                                          : m->likelihood_levels;
    if (v < 1 || v > max)
        return err_set(err, ISMS_EINVAL, "%s %d is out of range: the methodology's scale is 1 to %d",
                       what, v, max);
    return ISMS_OK;
}

static const char *const option_names[] = {"untreated", "mitigate", "accept", "transfer", "avoid"};

int risk_option_parse(const char *s)
{
    for (int i = 1; s && i < 5; i++)
        if (!strcasecmp(s, option_names[i]))
            return i;
    if (s && (!strcasecmp(s, "reduce") || !strcasecmp(s, "modify")))
        return RISK_MITIGATE;
    if (s && (!strcasecmp(s, "retain") || !strcasecmp(s, "share")))
        return !strcasecmp(s, "retain") ? RISK_ACCEPT : RISK_TRANSFER;
    return -1;
}

const char *risk_option_name(risk_option o)
{
    return (unsigned)o < 5 ? option_names[o] : "untreated";
}

int risk_residual_score(const risk *r)
{
    if (r->residual_likelihood > 0 && r->residual_impact > 0)
        return risk_score(r->residual_likelihood, r->residual_impact);
    return risk_score(r->likelihood, r->impact);
}

int risk_needs_acceptance(const risk_method *m, const risk *r)
{
    return r->option != RISK_UNTREATED && r->option != RISK_AVOID &&
           risk_residual_score(r) > m->appetite;
}

int risk_date_valid(const char *s)
{
    int y, mo, d;
    char tail;
    if (!s || strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%c", &y, &mo, &d, &tail) != 3)
        return 0;
    if (s[4] != '-' || s[7] != '-' || y < 1970 || y > 9999 || mo < 1 || mo > 12 || d < 1)
        return 0;
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return d <= mdays[mo - 1] + (mo == 2 && leap);
}

int risk_treatment_validate(const risk_method *m, const risk *r, isms_err *err)
{
    if (r->option == RISK_UNTREATED)
        return err_field(err, ISMS_EINVAL, "option", "a treatment needs an option: mitigate, accept, transfer or avoid");
    if (r->option == RISK_MITIGATE && (!r->controls || !*r->controls))
        return err_field(err, ISMS_EINVAL, "controls",
                         "risk %lld: mitigation needs the Annex A controls that reduce it (like A.8.5)", (long long)r->id);
    int has_rl = r->residual_likelihood > 0, has_ri = r->residual_impact > 0;
    if (has_rl != has_ri)
        return err_field(err, ISMS_EINVAL, has_rl ? "residual_impact" : "residual_likelihood",
                         "give both the residual likelihood and the residual impact, or neither");
    if (has_rl) {
        int rc = risk_check_value(m, "residual likelihood", r->residual_likelihood, err);
        if (rc)
            return rc;
        if ((rc = risk_check_value(m, "residual impact", r->residual_impact, err)))
            return rc;
        if (risk_score(r->residual_likelihood, r->residual_impact) > risk_score(r->likelihood, r->impact))
            return err_set(err, ISMS_EINVAL,
                           "residual score %d is above the inherent score %d: a treatment cannot raise a risk",
                           risk_score(r->residual_likelihood, r->residual_impact),
                           risk_score(r->likelihood, r->impact));
    }
    if (r->due_date && *r->due_date && !risk_date_valid(r->due_date))
        return err_set(err, ISMS_EINVAL, "due date '%s' is not a date (YYYY-MM-DD)", r->due_date);
    return ISMS_OK;
}

const char *risk_plan_status(const risk_method *m, const risk *r, const char *today)
{
    if (r->option == RISK_UNTREATED)
        return "untreated";
    if (risk_needs_acceptance(m, r) && !(r->accepted_by && *r->accepted_by))
        return "awaiting acceptance";
    if (r->done || r->option == RISK_ACCEPT)
        return r->option == RISK_ACCEPT ? "accepted" : "done";
    if (r->due_date && *r->due_date && today && strcmp(r->due_date, today) < 0)
        return "overdue";
    return "open";
}
