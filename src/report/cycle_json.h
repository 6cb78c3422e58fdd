/* The JSON shapes of the certification cycle, Stage 1 readiness, the control catalog, the
 * crosswalks and package verification, shared by the CLI's --json output and the web API. */
#ifndef ISMS_REPORT_CYCLE_JSON_H
#define ISMS_REPORT_CYCLE_JSON_H

#include "core/crosswalk.h"
#include "core/cycle.h"
#include "report/package.h"
#include "store/store.h"
#include "util/json.h"

/* The certificate with its derived dates, and the roadmap with each milestone's state on today. */
void json_certification(jw *j, const cert_rec *cr, const milestone_rec *ms, size_t nm, const char *today);
/* One roadmap milestone with its state on today. */
void json_milestone(jw *j, const milestone_rec *m, const char *today);
/* {ready, blockers, requirements: [{ref, title, ok, detail}], gaps: [{ref, code, message}]}; the
 * gaps (those of the gap analysis r, left out when NULL) are what blocks the requirements. */
void json_readiness(jw *j, const readiness_item *it, size_t n, size_t blockers, const gap_report *r);
/* A control or a clause in a list: id, (theme,) title. */
void json_control_brief(jw *j, const catalog_control *ctl);
void json_clause_brief(jw *j, const catalog_clause *cl);
/* A control (ctl) or a clause (cl) with its guidance: purpose, implement, evidence, findings. */
void json_catalog_entry(jw *j, const catalog_control *ctl, const catalog_clause *cl);
/* The answer of one crosswalk question, shaped by its direction. */
void json_crosswalk(jw *j, const crosswalk_answer *x);
/* Per SOC 2 criterion the ISO targets the evidence covers, with totals and the crosswalk's source. */
void json_soc2_readiness(jw *j, const crosswalk_readiness *r, size_t n);
/* {intact, files, problems: [{path, problem}]}. */
void json_package_verification(jw *j, const package_problem *pp, size_t n, size_t nfiles);

/* SOC 2 readiness of the workspace on today: the SoA, the gap analysis and the evidence read
 * and judged per criterion (an arena array in *out). */
int report_soc2_readiness(ws *w, arena *a, crosswalk_readiness **out, size_t *n, isms_err *err);

#endif
