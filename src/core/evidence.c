#include "core/evidence.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/risk.h"

static const evidence_kind kinds[] = {
    {"access_review", "User access review", 92},
    {"vulnerability_scan", "Vulnerability scan report", 31},
    {"config_snapshot", "Configuration export or screenshot", 31},
    {"backup_test", "Backup restore test", 366},
    {"pentest", "Penetration test report", 366},
    {"training_record", "Awareness training completion", 366},
    {"policy", "Approved policy or procedure", 366},
    {"risk_assessment", "Risk assessment record", 366},
    {"supplier_review", "Supplier security review", 366},
    {"bcp_test", "Business continuity / DR exercise", 366},
    {"meeting_minutes", "Meeting minutes or decision record", 366},
    {"incident_record", "Incident or post-incident review", 366},
    {"contract", "Signed contract or agreement", 1096},
    {"check_result", "Automated check result", 8},
    {"other", "Other evidence", 366},
    {NULL, NULL, 0},
};

const evidence_kind *evidence_kinds(void) { return kinds; }

const evidence_kind *evidence_kind_find(const char *id)
{
    for (const evidence_kind *k = kinds; id && k->id; k++)
        if (!strcmp(k->id, id))
            return k;
    return NULL;
}

const char *evidence_status_name(evidence_status s)
{
    switch (s) {
    case EV_NOT_APPLICABLE: return "not_applicable";
    case EV_NO_EVIDENCE: return "no_evidence";
    case EV_STALE: return "stale";
    case EV_FAILING: return "failing";
    case EV_PASSING: return "passing";
    }
    return "no_evidence";
}

int evidence_valid_until(const evidence_kind *kind, const char *collected, char out[11], isms_err *err)
{
    if (!risk_date_valid(collected))
        return err_set(err, ISMS_EINVAL, "'%s' is not a date (YYYY-MM-DD)", collected ? collected : "");
    struct tm tm = {0};
    sscanf(collected, "%4d-%2d-%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday);
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    tm.tm_mday += kind->fresh_days;
    tm.tm_hour = 12; /* away from midnight so timegm's day arithmetic is exact */
    time_t t = timegm(&tm);
    struct tm o;
    gmtime_r(&t, &o);
    strftime(out, 11, "%Y-%m-%d", &o);
    return ISMS_OK;
}

int evidence_is_fresh(const char *valid_until, const char *today)
{
    return valid_until && today && strcmp(valid_until, today) >= 0;
}

evidence_status evidence_control_status(int applicable, int fresh, int stale, int failing)
{
    if (applicable == 0)
        return EV_NOT_APPLICABLE;
    if (failing)
        return EV_FAILING;
    if (fresh)
        return EV_PASSING;
    if (stale)
        return EV_STALE;
    return EV_NO_EVIDENCE;
}
