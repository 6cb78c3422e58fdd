/* The facts Stage 1 readiness is judged on beyond the registers' counts: policies, documents,
 * objectives, competence, risk reviews and monitoring. They are gap facts too, so `isms gap` and
 * `isms readiness` judge the same workspace the same way. */
#include <stdio.h>
#include <string.h>

#include "core/cycle.h"
#include "core/soa.h"
#include "store/internal.h"

int store_stage1_facts(ws *w, const char *today, gap_facts *f, isms_err *err)
{
    char year_ago[11], quarter_ago[11];
    if (cycle_date_add(today, -1, 0, 0, year_ago) || cycle_date_add(today, 0, 0, -90, quarter_ago))
        return err_set(err, ISMS_EINVAL, "today '%s' is not a date", today);
    int rc = 0;
    /* risks by the day of their last change (a tally the triggers keep) */
    f->risks_not_reviewed = st_tally_below(w, "risk_changed", year_ago, err, &rc);
    f->monitoring_recent =
        st_count(w,
                 "SELECT (SELECT count(*) FROM check_run WHERE substr(ran_at, 1, 10) >= ?1) + "
                 "(SELECT count(*) FROM evidence WHERE substr(collected_at, 1, 10) >= ?1 "
                 "AND kind NOT IN ('policy', 'contract', 'meeting_minutes'))",
                 quarter_ago, err, &rc);
    /* An approved policy is evidence of kind "policy" (uploaded, or recorded when a generated
     * policy is approved) still within its review date. */
    f->policy_approved = st_count(w,
                                  "SELECT count(*) FROM evidence e JOIN evidence_control c ON c.evidence_id = e.id "
                                  "WHERE c.control_id = 'A.5.1' AND e.kind = 'policy' AND e.valid_until >= ?",
                                  today, err, &rc) > 0;
    f->documents_approved = st_count(w,
                                     "SELECT count(DISTINCT filename) FROM evidence WHERE kind = 'policy' "
                                     "AND valid_until >= ?",
                                     today, err, &rc);
    f->documents_overdue = st_count(w,
                                    "SELECT count(*) FROM (SELECT filename, max(valid_until) AS v FROM evidence "
                                    "WHERE kind = 'policy' GROUP BY filename) WHERE v < ?",
                                    today, err, &rc);
    f->documents_unapproved = st_count(w,
                                       "SELECT count(*) FROM policy p WHERE NOT EXISTS (SELECT 1 FROM policy_version v "
                                       "WHERE v.policy_id = p.id AND v.status IN ('approved','superseded'))",
                                       NULL, err, &rc);
    register_summary rs;
    if (rc || (rc = store_register_summary(w, today, &rs, err)))
        return rc;
    f->objectives = rs.objectives;
    f->objectives_measured = rs.objectives_measured;
    f->people = rs.people;
    f->people_trained = rs.people_trained;
    return ISMS_OK;
}

int store_readiness_facts(ws *w, arena *a, readiness_facts *f, gap_facts *g, isms_err *err)
{
    memset(f, 0, sizeof *f);
    soa_entry *e = arena_alloc(a, CATALOG_NCONTROLS * sizeof *e);
    int rc = store_soa_load(w, a, e, err);
    if (rc || (rc = store_gap_facts(w, a, e, g, err)))
        return rc;
    f->g = g;
    gap_report *r = arena_alloc(a, sizeof *r);
    gap_analyze(e, CATALOG_NCONTROLS, g, a, r);
    f->r = r;
    return ISMS_OK;
}
