#include "report/cycle_json.h"
#include "report/json.h"

#include <string.h>

void json_milestone(jw *j, const milestone_rec *m, const char *today)
{
    jw_obj(j);
    jw_kstr(j, "key", m->key);
    jw_kstr(j, "title", m->title);
    jw_kstr(j, "clause", m->clause);
    jw_kstr(j, "due_date", m->due_date);
    jw_kstr(j, "done_on", m->done_on);
    jw_kstr(j, "state", cycle_milestone_state(m->done_on, m->due_date, today));
    jw_kstr(j, "note", m->note);
    jw_obj_end(j);
}

void json_certification(jw *j, const cert_rec *cr, const milestone_rec *ms, size_t nm, const char *today)
{
    cert_dates d;
    isms_err err = {0};
    int have_dates = cr->issued_on && !cycle_cert_dates(cr->issued_on, &d, &err);
    jw_obj(j);
    jw_key(j, "certification");
    jw_obj(j);
    jw_kstr(j, "body", cr->body);
    jw_kstr(j, "number", cr->number);
    jw_kstr(j, "stage1_date", cr->stage1_date);
    jw_kstr(j, "stage2_date", cr->stage2_date);
    jw_kstr(j, "issued_on", cr->issued_on);
    jw_kstr(j, "expires_on", have_dates ? d.expires_on : NULL);
    jw_kstr(j, "surveillance1_by", have_dates ? d.surveillance1_by : NULL);
    jw_kstr(j, "surveillance2_by", have_dates ? d.surveillance2_by : NULL);
    jw_kstr(j, "recertification_by", have_dates ? d.recert_by : NULL);
    jw_obj_end(j);
    jw_key(j, "roadmap");
    jw_arr(j);
    for (size_t i = 0; i < nm; i++)
        json_milestone(j, &ms[i], today);
    jw_arr_end(j);
    jw_obj_end(j);
}

void json_readiness(jw *j, const readiness_item *it, size_t n, size_t blockers, const gap_report *r)
{
    jw_obj(j);
    jw_kbool(j, "ready", blockers == 0);
    jw_kint(j, "blockers", (int64_t)blockers);
    jw_key(j, "requirements");
    jw_arr(j);
    for (size_t i = 0; i < n; i++) {
        jw_obj(j);
        jw_kstr(j, "ref", it[i].ref);
        jw_kstr(j, "title", it[i].title);
        jw_kbool(j, "ok", it[i].ok);
        jw_kstr(j, "detail", it[i].detail);
        jw_obj_end(j);
    }
    jw_arr_end(j);
    if (r)
        json_gap_blockers(j, r);
    jw_obj_end(j);
}

void json_control_brief(jw *j, const catalog_control *ctl)
{
    jw_obj(j);
    jw_kstr(j, "id", ctl->id);
    jw_kstr(j, "theme", ctl->theme);
    jw_kstr(j, "title", ctl->title);
    jw_obj_end(j);
}

void json_clause_brief(jw *j, const catalog_clause *cl)
{
    jw_obj(j);
    jw_kstr(j, "id", cl->id);
    jw_kstr(j, "title", cl->title);
    jw_obj_end(j);
}

void json_catalog_entry(jw *j, const catalog_control *ctl, const catalog_clause *cl)
{
    const catalog_guidance *g = ctl ? &ctl->g : &cl->g;
    jw_obj(j);
    jw_kstr(j, "id", ctl ? ctl->id : cl->id);
    jw_kstr(j, "kind", ctl ? "control" : "clause");
    if (ctl)
        jw_kstr(j, "theme", ctl->theme);
    jw_kstr(j, "title", ctl ? ctl->title : cl->title);
    jw_kstr(j, "purpose", g->purpose);
    jw_kstr(j, "implement", g->implement);
    jw_kstr(j, "evidence", g->evidence);
    jw_kstr(j, "findings", g->findings);
    jw_obj_end(j);
}

static void target_json(jw *j, const crosswalk_target *t)
{
    jw_obj(j);
    jw_kstr(j, "id", t->id);
    jw_kstr(j, "kind", t->ctl ? "control" : "clause");
    jw_kstr(j, "title", t->ctl ? t->ctl->title : t->clause->title);
    jw_obj_end(j);
}

void json_crosswalk(jw *j, const crosswalk_answer *x)
{
    jw_obj(j);
    jw_kstr(j, "from", crosswalk_framework_name(x->from));
    if (x->from == CROSSWALK_FW_2013) {
        jw_kstr(j, "id", crosswalk_2013_id(x->i2013));
        jw_kstr(j, "to", crosswalk_framework_name(x->to));
        jw_key(j, "controls");
        jw_arr(j);
        for (size_t k = 0; k < x->n2022; k++)
            json_control_brief(j, x->to2022[k]);
        jw_arr_end(j);
    } else if (x->from == CROSSWALK_FW_SOC2) {
        jw_kstr(j, "id", x->soc2->id);
        jw_kstr(j, "series", x->soc2->series);
        jw_kstr(j, "to", crosswalk_framework_name(x->to));
        jw_key(j, "targets");
        jw_arr(j);
        for (size_t k = 0; k < x->soc2->ntargets; k++)
            target_json(j, &x->soc2->targets[k]);
        jw_arr_end(j);
        jw_kstr(j, "source", crosswalk_soc2_source);
    } else if (x->to == CROSSWALK_FW_2013) {
        jw_kstr(j, "id", x->ctl->id);
        jw_kstr(j, "title", x->ctl->title);
        jw_kstr(j, "to", crosswalk_framework_name(x->to));
        jw_kbool(j, "new_in_2022", x->n2013 == 0);
        jw_key(j, "controls");
        jw_arr(j);
        for (size_t k = 0; k < x->n2013; k++) {
            jw_obj(j);
            jw_kstr(j, "id", crosswalk_2013_id(x->from2013[k]));
            jw_obj_end(j);
        }
        jw_arr_end(j);
    } else {
        jw_key(j, "target");
        target_json(j, &x->target);
        jw_kstr(j, "to", crosswalk_framework_name(x->to));
        jw_key(j, "criteria");
        jw_arr(j);
        for (size_t k = 0; k < x->ncriteria; k++) {
            jw_obj(j);
            jw_kstr(j, "id", x->criteria[k]->id);
            jw_kstr(j, "series", x->criteria[k]->series);
            jw_obj_end(j);
        }
        jw_arr_end(j);
        jw_kstr(j, "source", crosswalk_soc2_source);
    }
    jw_obj_end(j);
}

void json_soc2_readiness(jw *j, const crosswalk_readiness *r, size_t n)
{
    int count[3] = {0};
    size_t targets = 0, covered = 0;
    for (size_t i = 0; i < n; i++) {
        count[r[i].state]++;
        targets += r[i].crit->ntargets;
        covered += r[i].ncovered;
    }
    jw_obj(j);
    jw_kstr(j, "source", crosswalk_soc2_source);
    jw_key(j, "criteria");
    jw_arr(j);
    for (size_t i = 0; i < n; i++) {
        jw_obj(j);
        jw_kstr(j, "id", r[i].crit->id);
        jw_kstr(j, "series", r[i].crit->series);
        jw_kstr(j, "state", crosswalk_state_name(r[i].state));
        jw_kint(j, "covered", (int64_t)r[i].ncovered);
        jw_kint(j, "total", (int64_t)r[i].crit->ntargets);
        jw_key(j, "targets");
        jw_arr(j);
        for (size_t k = 0; k < r[i].crit->ntargets; k++) {
            const crosswalk_cover *cv = &r[i].targets[k];
            jw_obj(j);
            jw_kstr(j, "id", cv->target->id);
            jw_kstr(j, "kind", cv->target->ctl ? "control" : "clause");
            jw_kbool(j, "covered", cv->covered);
            jw_kstr(j, "missing", cv->covered ? NULL : cv->why);
            jw_obj_end(j);
        }
        jw_arr_end(j);
        jw_obj_end(j);
    }
    jw_arr_end(j);
    jw_key(j, "totals");
    jw_obj(j);
    jw_kint(j, "criteria", (int64_t)n);
    jw_kint(j, "covered", count[CROSSWALK_COVERED]);
    jw_kint(j, "partial", count[CROSSWALK_PARTIAL]);
    jw_kint(j, "not_covered", count[CROSSWALK_NOT_COVERED]);
    jw_kint(j, "targets", (int64_t)targets);
    jw_kint(j, "targets_covered", (int64_t)covered);
    jw_obj_end(j);
    jw_obj_end(j);
}

void json_package_verification(jw *j, const package_problem *pp, size_t n, size_t nfiles)
{
    jw_obj(j);
    jw_kbool(j, "intact", n == 0);
    jw_kint(j, "files", (int64_t)nfiles);
    jw_key(j, "problems");
    jw_arr(j);
    for (size_t i = 0; i < n; i++) {
        jw_obj(j);
        jw_kstr(j, "path", pp[i].path);
        jw_kstr(j, "problem", pp[i].message);
        jw_obj_end(j);
    }
    jw_arr_end(j);
    jw_obj_end(j);
}

int report_soc2_readiness(ws *w, arena *a, crosswalk_readiness **out, size_t *n, isms_err *err)
{
    int rc = crosswalk_init(err);
    if (rc)
        return rc;
    soa_entry *e = arena_alloc(a, CATALOG_NCONTROLS * sizeof *e);
    gap_facts *f = arena_alloc(a, sizeof *f);
    /* The facts carry store_evidence_counts (fresh and stale on today) and store_check_failing. */
    if ((rc = store_soa_load(w, a, e, err)) || (rc = store_gap_facts(w, a, e, f, err)))
        return rc;
    gap_report gr;
    gap_analyze(e, CATALOG_NCONTROLS, f, a, &gr);
    *n = crosswalk_soc2_readiness(e, f->ev_fresh, f->ev_stale, f->check_failing, &gr, a, out);
    return ISMS_OK;
}
