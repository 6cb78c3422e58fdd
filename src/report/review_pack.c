/* Management review input pack: every 9.3.2 input from the workspace's own records. */
#include "report/review_pack.h"

#include <string.h>

#include "core/evidence.h"
#include "core/gap.h"
#include "core/risk.h"
#include "util/json.h"

typedef struct log_ctx {
    const char *since;
    long context, scope, party;
} log_ctx;

static int log_cb(const audit_entry *e, void *ctx)
{
    log_ctx *x = ctx;
    if (x->since && strcmp(e->at, x->since) < 0)
        return 0;
    if (!strcmp(e->entity, "org"))
        x->context++;
    else if (!strcmp(e->entity, "scope_item"))
        x->scope++;
    else if (!strcmp(e->entity, "party"))
        x->party++;
    return 0;
}

typedef struct risk_ctx {
    review_pack *p;
    const risk_method *m;
    const char *today;
} risk_ctx;

static int risk_cb(const risk *r, void *ctx)
{
    risk_ctx *x = ctx;
    review_pack *p = x->p;
    p->risks++;
    const char *lv = risk_level(x->m, risk_score(r->likelihood, r->impact));
    static const char *const levels[] = {"low", "medium", "high", "critical"};
    for (int i = 0; i < 4; i++)
        if (!strcmp(lv, levels[i]))
            p->by_level[i]++;
    if (risk_score(r->likelihood, r->impact) > x->m->appetite)
        p->above_appetite++;
    if (risk_needs_acceptance(x->m, r) && !r->accepted_by)
        p->awaiting_acceptance++;
    if (r->option == RISK_MITIGATE || r->option == RISK_TRANSFER || r->option == RISK_AVOID) {
        if (r->done)
            p->treat_done++;
        else {
            p->treat_open++;
            if (r->due_date && strcmp(r->due_date, x->today) < 0)
                p->treat_overdue++;
        }
    }
    return 0;
}

int review_pack_build(ws *w, arena *a, review_pack *p, isms_err *err)
{
    memset(p, 0, sizeof *p);
    char *today = arena_alloc(a, 11);
    store_today(today);
    p->generated_on = today;
    org o;
    review_rec *rv;
    size_t nrv;
    int rc;
    if ((rc = store_org_get(w, a, &o, err)) || (rc = store_review_list(w, a, &rv, &nrv, err)))
        return rc;
    p->org = o.name;
    p->context = o.context;
    p->since = nrv ? rv[nrv - 1].held_on : NULL;

    action_rec *acts;
    size_t nacts;
    if ((rc = store_action_list(w, 0, a, &acts, &nacts, err)))
        return rc;
    p->prev_actions = arena_alloc(a, (nacts ? nacts : 1) * sizeof *p->prev_actions);
    for (size_t i = 0; i < nacts; i++) {
        if (acts[i].review_id)
            p->prev_actions[p->nprev_actions++] = acts[i];
        if (strcmp(acts[i].status, "closed")) {
            p->actions_open++;
            p->actions_overdue += !strcmp(acts[i].status, "open") && strcmp(acts[i].due_date, today) < 0;
        }
    }

    log_ctx lc = {p->since, 0, 0, 0};
    if ((rc = store_audit_each(w, log_cb, &lc, err)) || (rc = store_party_list(w, a, &p->parties, &p->nparties, err)))
        return rc;
    p->context_changes = lc.context;
    p->scope_changes = lc.scope;
    p->party_changes = lc.party;

    finding_rec *f;
    size_t nf;
    if ((rc = store_finding_list(w, 0, a, &f, &nf, err)))
        return rc;
    p->opportunities = arena_alloc(a, (nf ? nf : 1) * sizeof *p->opportunities);
    for (size_t i = 0; i < nf; i++) {
        if (!strcmp(f[i].type, "major"))
            p->nc_major++;
        else if (!strcmp(f[i].type, "minor"))
            p->nc_minor++;
        else {
            if (!strcmp(f[i].type, "observation"))
                p->observations++;
            else
                p->improvements++;
            if (!p->since || strcmp(f[i].created_at, p->since) >= 0)
                p->opportunities[p->nopportunities++] = f[i];
        }
        if ((!strcmp(f[i].type, "major") || !strcmp(f[i].type, "minor")) && f[i].actions_closed < f[i].actions)
            p->ncs_open++;
    }

    audit_rec *au;
    size_t na;
    if ((rc = store_audit_list(w, a, &au, &na, err)))
        return rc;
    p->audits = arena_alloc(a, (na ? na : 1) * sizeof *p->audits);
    for (size_t i = 0; i < na; i++)
        if (!strcmp(au[i].status, "completed") && (!p->since || strcmp(au[i].completed_on, p->since) >= 0))
            p->audits[p->naudits++] = au[i];

    check_run *runs;
    size_t nruns;
    if ((rc = store_check_latest(w, a, &runs, &nruns, err)))
        return rc;
    for (size_t i = 0; i < nruns; i++) {
        if (!strcmp(runs[i].status, "pass"))
            p->checks_pass++;
        else if (!strcmp(runs[i].status, "fail"))
            p->checks_fail++;
        else
            p->checks_error++;
    }
    soa_entry *e = arena_alloc(a, CATALOG_NCONTROLS * sizeof *e);
    gap_facts *gf = arena_alloc(a, sizeof *gf);
    if ((rc = store_soa_load(w, a, e, err)) || (rc = store_gap_facts(w, a, e, gf, err)))
        return rc;
    gap_report gr;
    gap_analyze(e, CATALOG_NCONTROLS, gf, a, &gr);
    p->readiness = gr.readiness;
    for (size_t i = 0; i < gr.ncontrols; i++) {
        switch (gr.controls[i].evidence) {
        case EV_PASSING: p->ctl_passing++; break;
        case EV_FAILING: p->ctl_failing++; break;
        case EV_STALE: p->ctl_stale++; break;
        case EV_NO_EVIDENCE: p->ctl_no_evidence++; break;
        default: p->ctl_not_applicable++; break;
        }
    }
    register_summary rs;
    if ((rc = store_register_summary(w, today, &rs, err)))
        return rc;
    p->objectives = rs.objectives;
    p->objectives_measured = rs.objectives_measured;
    p->objectives_off_track = rs.objectives_off_track;

    if ((rc = store_feedback_list(w, p->since, a, &p->feedback, &p->nfeedback, err)))
        return rc;

    risk_method m;
    if ((rc = store_method_get(w, &m, NULL, err)))
        return rc;
    risk_ctx rcx = {p, &m, today};
    return store_risk_each(w, risk_cb, &rcx, err);
}

int review_pack_json(const review_pack *p, buf *out)
{
    jw j;
    jw_init_buf(&j, out);
    jw_obj(&j);
    jw_kstr(&j, "organization", p->org);
    jw_kstr(&j, "generated_on", p->generated_on);
    jw_kstr(&j, "since_last_review", p->since);
    jw_key(&j, "a_previous_actions");
    jw_arr(&j);
    for (size_t i = 0; i < p->nprev_actions; i++) {
        const action_rec *x = &p->prev_actions[i];
        jw_obj(&j);
        jw_kint(&j, "id", x->id);
        jw_kint(&j, "review", x->review_id);
        jw_kstr(&j, "actions", x->description);
        jw_kstr(&j, "owner", x->owner);
        jw_kstr(&j, "due_date", x->due_date);
        jw_kstr(&j, "status", x->status);
        jw_obj_end(&j);
    }
    jw_arr_end(&j);
    jw_key(&j, "b_changes_in_issues");
    jw_obj(&j);
    jw_kstr(&j, "context", p->context);
    jw_kint(&j, "context_changes", p->context_changes);
    jw_kint(&j, "scope_changes", p->scope_changes);
    jw_obj_end(&j);
    jw_key(&j, "c_interested_parties");
    jw_obj(&j);
    jw_kint(&j, "changes", p->party_changes);
    jw_key(&j, "parties");
    jw_arr(&j);
    for (size_t i = 0; i < p->nparties; i++) {
        jw_obj(&j);
        jw_kstr(&j, "name", p->parties[i].name);
        jw_kstr(&j, "requirements", p->parties[i].requirements);
        jw_obj_end(&j);
    }
    jw_arr_end(&j);
    jw_obj_end(&j);
    jw_key(&j, "d_performance");
    jw_obj(&j);
    jw_key(&j, "nonconformities");
    jw_obj(&j);
    jw_kint(&j, "major", p->nc_major);
    jw_kint(&j, "minor", p->nc_minor);
    jw_kint(&j, "open", p->ncs_open);
    jw_kint(&j, "actions_open", p->actions_open);
    jw_kint(&j, "actions_overdue", p->actions_overdue);
    jw_obj_end(&j);
    jw_key(&j, "monitoring");
    jw_obj(&j);
    jw_kint(&j, "checks_passing", p->checks_pass);
    jw_kint(&j, "checks_failing", p->checks_fail);
    jw_kint(&j, "checks_error", p->checks_error);
    jw_kint(&j, "controls_passing", p->ctl_passing);
    jw_kint(&j, "controls_failing", p->ctl_failing);
    jw_kint(&j, "controls_stale", p->ctl_stale);
    jw_kint(&j, "controls_no_evidence", p->ctl_no_evidence);
    jw_key(&j, "readiness_percent");
    jw_double(&j, p->readiness);
    jw_obj_end(&j);
    jw_key(&j, "audits");
    jw_arr(&j);
    for (size_t i = 0; i < p->naudits; i++) {
        jw_obj(&j);
        jw_kint(&j, "id", p->audits[i].id);
        jw_kstr(&j, "title", p->audits[i].title);
        jw_kstr(&j, "completed_on", p->audits[i].completed_on);
        jw_kint(&j, "findings", p->audits[i].findings);
        jw_kstr(&j, "summary", p->audits[i].summary);
        jw_obj_end(&j);
    }
    jw_arr_end(&j);
    jw_key(&j, "objectives");
    if (p->objectives < 0)
        jw_null(&j);
    else {
        jw_obj(&j);
        jw_kint(&j, "total", p->objectives);
        jw_kint(&j, "measured", p->objectives_measured);
        jw_kint(&j, "off_track", p->objectives_off_track);
        jw_obj_end(&j);
    }
    jw_obj_end(&j);
    jw_key(&j, "e_feedback");
    jw_arr(&j);
    for (size_t i = 0; i < p->nfeedback; i++) {
        jw_obj(&j);
        jw_kstr(&j, "party", p->feedback[i].party);
        jw_kstr(&j, "received_on", p->feedback[i].received_on);
        jw_kstr(&j, "summary", p->feedback[i].summary);
        jw_obj_end(&j);
    }
    jw_arr_end(&j);
    jw_key(&j, "f_risks");
    jw_obj(&j);
    jw_kint(&j, "total", p->risks);
    jw_kint(&j, "low", p->by_level[0]);
    jw_kint(&j, "medium", p->by_level[1]);
    jw_kint(&j, "high", p->by_level[2]);
    jw_kint(&j, "critical", p->by_level[3]);
    jw_kint(&j, "above_appetite", p->above_appetite);
    jw_kint(&j, "awaiting_acceptance", p->awaiting_acceptance);
    jw_kint(&j, "treatments_open", p->treat_open);
    jw_kint(&j, "treatments_overdue", p->treat_overdue);
    jw_kint(&j, "treatments_done", p->treat_done);
    jw_obj_end(&j);
    jw_key(&j, "g_opportunities");
    jw_arr(&j);
    for (size_t i = 0; i < p->nopportunities; i++) {
        jw_obj(&j);
        jw_kint(&j, "finding", p->opportunities[i].id);
        jw_kstr(&j, "type", p->opportunities[i].type);
        jw_kstr(&j, "ref", p->opportunities[i].ref);
        jw_kstr(&j, "description", p->opportunities[i].description);
        jw_obj_end(&j);
    }
    jw_arr_end(&j);
    jw_obj_end(&j);
    return out->data ? 0 : -1;
}

void review_pack_markdown(const review_pack *p, FILE *f)
{
    fprintf(f, "# Management review input pack — %s\n\n", p->org);
    fprintf(f, "Generated %s from the ISMS records; covers the period %s%s.\n\n", p->generated_on,
            p->since ? "since the last review on " : "since the ISMS began", p->since ? p->since : "");
    fprintf(f, "## a) Status of actions from previous management reviews\n\n");
    if (!p->nprev_actions)
        fprintf(f, "No actions from previous reviews.\n");
    for (size_t i = 0; i < p->nprev_actions; i++)
        fprintf(f, "- Action %lld (review %lld): %s — owner %s, due %s, **%s**\n", (long long)p->prev_actions[i].id,
                (long long)p->prev_actions[i].review_id, p->prev_actions[i].description, p->prev_actions[i].owner,
                p->prev_actions[i].due_date, p->prev_actions[i].status);
    fprintf(f, "\n## b) Changes in external and internal issues\n\n");
    fprintf(f, "- Context: %s\n- %ld change(s) to the context and %ld to the scope register in the period.\n",
            p->context && *p->context ? p->context : "(not recorded)", p->context_changes, p->scope_changes);
    fprintf(f, "\n## c) Changes in needs and expectations of interested parties\n\n");
    fprintf(f, "%ld change(s) to the interested parties in the period.\n\n", p->party_changes);
    for (size_t i = 0; i < p->nparties; i++)
        fprintf(f, "- %s: %s\n", p->parties[i].name,
                p->parties[i].requirements ? p->parties[i].requirements : "(no requirements recorded)");
    fprintf(f, "\n## d) Information security performance\n\n");
    fprintf(f, "### Nonconformities and corrective actions\n\n");
    fprintf(f, "- %ld major and %ld minor nonconformities recorded; %ld still open.\n", p->nc_major, p->nc_minor,
            p->ncs_open);
    fprintf(f, "- %ld action(s) open, %ld overdue.\n", p->actions_open, p->actions_overdue);
    fprintf(f, "\n### Monitoring and measurement results\n\n");
    fprintf(f, "- Automated checks (latest run each): %ld passing, %ld failing, %ld in error.\n", p->checks_pass,
            p->checks_fail, p->checks_error);
    fprintf(f, "- Controls: %d passing, %d failing, %d with stale evidence, %d without evidence, %d not applicable.\n",
            p->ctl_passing, p->ctl_failing, p->ctl_stale, p->ctl_no_evidence, p->ctl_not_applicable);
    fprintf(f, "- Readiness: %.0f%% of the 93 controls ready.\n", p->readiness);
    fprintf(f, "\n### Audit results\n\n");
    if (!p->naudits)
        fprintf(f, "No internal audit completed in the period.\n");
    for (size_t i = 0; i < p->naudits; i++)
        fprintf(f, "- Audit %lld, %s, completed %s: %ld finding(s). %s\n", (long long)p->audits[i].id,
                p->audits[i].title, p->audits[i].completed_on, p->audits[i].findings,
                p->audits[i].summary ? p->audits[i].summary : "");
    fprintf(f, "\n### Fulfilment of information security objectives\n\n");
    if (p->objectives < 0)
        fprintf(f, "No objectives register.\n");
    else
        fprintf(f, "- %ld objective(s), %ld measured, %ld off track.\n", p->objectives, p->objectives_measured,
                p->objectives_off_track);
    fprintf(f, "\n## e) Feedback from interested parties\n\n");
    if (!p->nfeedback)
        fprintf(f, "No feedback from interested parties recorded in the period.\n");
    for (size_t i = 0; i < p->nfeedback; i++)
        fprintf(f, "- %s, %s: %s\n", p->feedback[i].received_on, p->feedback[i].party, p->feedback[i].summary);
    fprintf(f, "\n## f) Results of risk assessment and status of the risk treatment plan\n\n");
    fprintf(f, "- %ld risk(s): %ld critical, %ld high, %ld medium, %ld low; %ld above appetite.\n", p->risks,
            p->by_level[3], p->by_level[2], p->by_level[1], p->by_level[0], p->above_appetite);
    fprintf(f, "- Treatments: %ld done, %ld open, %ld overdue; %ld residual risk(s) awaiting acceptance.\n",
            p->treat_done, p->treat_open, p->treat_overdue, p->awaiting_acceptance);
    fprintf(f, "\n## g) Opportunities for continual improvement\n\n");
    if (!p->nopportunities)
        fprintf(f, "No observations or opportunities for improvement recorded in the period.\n");
    for (size_t i = 0; i < p->nopportunities; i++)
        fprintf(f, "- Finding %lld (%s, %s): %s\n", (long long)p->opportunities[i].id, p->opportunities[i].type,
                p->opportunities[i].ref, p->opportunities[i].description);
    fprintf(f, "\n## Results (9.3.3) — to be recorded\n\n"
               "Decisions related to continual improvement opportunities, any needs for changes to the ISMS,\n"
               "resources, and the actions decided; record the meeting with its date, attendees and decisions.\n");
}
