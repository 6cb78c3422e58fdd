#include "core/gap.h"

#include <string.h>

#include "util/text.h"

static void miss(const char **arr, const char **codes, int *n, const char *code, const char *what)
{
    if (*n < GAP_MAX_MISSING) {
        codes[*n] = code;
        arr[(*n)++] = what;
    }
}

int gap_code_is_soa(const char *code)
{
    static const char *const soa_codes[] = {"undecided", "excluded_but_treats_risk", "weak_justification",
                                            "no_reason", "no_status", "no_implementation", "no_owner", NULL};
    for (const char *const *c = soa_codes; *c; c++)
        if (!strcmp(*c, code))
            return 1;
    return 0;
}

/* The gap analysis' wording of a weakness soa_entry_validate found. */
static const char *soa_issue_text(const soa_entry *e, const soa_issue *is, arena *a)
{
    const char *c = is->code;
    if (!strcmp(c, "undecided"))
        return e->applicable == SOA_UNDECIDED && soa_effective_applicable(e) == SOA_APPLICABLE
                   ? "decision not recorded (applicable through risk treatment)"
                   : "no applicability decision";
    if (!strcmp(c, "excluded_but_treats_risk"))
        return arena_sprintf(a, "excluded but treats risk(s) %s", e->risks);
    if (!strcmp(c, "weak_justification"))
        return "exclusion not justified";
    if (!strcmp(c, "no_reason"))
        return "no linked risk or reason for inclusion";
    if (!strcmp(c, "no_status"))
        return "applicable but not implemented (no status)";
    if (!strcmp(c, "no_implementation"))
        return "no implementation description";
    if (!strcmp(c, "no_owner"))
        return "no owner";
    return is->message;
}

static void analyze_control(const soa_entry *e, int fresh, int stale, int failing, arena *a, gap_control *g)
{
    memset(g, 0, sizeof *g);
    g->entry = e;
    int app = soa_effective_applicable(e);
    g->evidence = evidence_control_status(app == SOA_EXCLUDED ? 0 : 1, fresh, stale, failing);
    /* The SoA's own weaknesses come from the same check `isms soa validate` makes. */
    soa_issue is[SOA_ENTRY_MAX_ISSUES];
    size_t nis = soa_entry_validate(e, a, is);
    for (size_t i = 0; i < nis; i++)
        miss(g->missing, g->codes, &g->nmissing, is[i].code, soa_issue_text(e, &is[i], a));
    if (app == SOA_UNDECIDED) {
        g->state = "undecided";
        return;
    }
    if (app == SOA_EXCLUDED) {
        g->ready = g->nmissing == 0;
        g->state = g->ready ? "excluded" : "gap";
        return;
    }
    if (e->status != SOA_IMPLEMENTED && e->status != SOA_STATUS_NONE)
        miss(g->missing, g->codes, &g->nmissing, "not_implemented",
             arena_sprintf(a, "applicable but not implemented (%s)", soa_status_name(e->status)));
    if (g->evidence == EV_FAILING)
        miss(g->missing, g->codes, &g->nmissing, "check_failing",
             "an automated check supporting it fails");
    else if (g->evidence == EV_STALE)
        miss(g->missing, g->codes, &g->nmissing, "evidence_expired", "evidence expired: collect it again");
    else if (g->evidence == EV_NO_EVIDENCE)
        miss(g->missing, g->codes, &g->nmissing, "no_evidence", "no evidence attached");
    g->ready = g->nmissing == 0;
    g->state = g->ready ? "ready" : "gap";
}

/* Applicable controls (decided or derived) without an implementation status or an owner (8.1). */
static int controls_without_owner(const gap_report *r)
{
    int n = 0;
    for (size_t i = 0; i < r->ncontrols; i++) {
        const soa_entry *e = r->controls[i].entry;
        if (e->applicable != SOA_UNDECIDED && soa_effective_applicable(e) == SOA_APPLICABLE &&
            (e->status == SOA_STATUS_NONE || text_blank(e->owner)))
            n++;
    }
    return n;
}

/* What a clause still needs, from the facts the workspace holds; NULL state means not tracked. */
static void analyze_clause(const catalog_clause *c, const gap_facts *f, const gap_report *r, arena *a,
                           gap_clause *g)
{
    memset(g, 0, sizeof *g);
    g->clause = c;
    const char *id = c->id;
    const char **m = g->missing, **k = g->codes;
    int *n = &g->nmissing;
    int tracked = 1;
    if (!strcmp(id, "4.1")) {
        if (!f->has_context)
            miss(m, k, n, "no_context", "internal and external issues not recorded");
    } else if (!strcmp(id, "4.2")) {
        if (!f->parties)
            miss(m, k, n, "no_parties", "no interested parties recorded");
        else if (f->parties_without_requirements)
            miss(m, k, n, "parties_without_requirements",
                 arena_sprintf(a, "%ld interested part%s without requirements", f->parties_without_requirements,
                               f->parties_without_requirements == 1 ? "y" : "ies"));
    } else if (!strcmp(id, "4.3")) {
        if (!f->has_scope_statement)
            miss(m, k, n, "no_scope_statement", "no scope statement recorded");
        if (!f->scope_in)
            miss(m, k, n, "no_scope_items", "no in-scope units, locations or systems recorded");
    } else if (!strcmp(id, "5.2")) {
        if (!f->policy_approved)
            miss(m, k, n, "no_policy",
                 "no approved, current information security policy, nor A.5.1 evidence of one");
    } else if (!strcmp(id, "6.1.2") || !strcmp(id, "8.2")) {
        if (!strcmp(id, "6.1.2") && !f->method_confirmed)
            miss(m, k, n, "method_not_reviewed", "risk methodology not reviewed and saved");
        if (!f->assets)
            miss(m, k, n, "no_assets", "no assets in the inventory");
        if (f->assets_without_owner)
            miss(m, k, n, "assets_without_owner",
                 arena_sprintf(a, "%ld asset(s) without an owner (A.5.9)", f->assets_without_owner));
        if (!f->risks)
            miss(m, k, n, "no_risks", "no risks assessed");
        if (f->risks_without_owner)
            miss(m, k, n, "risks_without_owner", arena_sprintf(a, "%ld risk(s) without an owner", f->risks_without_owner));
        if (!strcmp(id, "8.2") && f->risks_not_reviewed)
            miss(m, k, n, "risks_not_reviewed",
                 arena_sprintf(a, "%ld risk(s) not reviewed in the last 12 months", f->risks_not_reviewed));
    } else if (!strcmp(id, "6.1.3")) {
        if (!f->risks)
            miss(m, k, n, "no_risks", "no risks assessed");
        if (f->risks_untreated)
            miss(m, k, n, "risks_untreated", arena_sprintf(a, "%ld risk(s) without a treatment decision", f->risks_untreated));
        int undecided = 0;
        for (size_t i = 0; i < r->ncontrols; i++)
            undecided += !strcmp(r->controls[i].state, "undecided");
        if (undecided)
            miss(m, k, n, "soa_undecided", arena_sprintf(a, "%d control(s) without an SoA decision", undecided));
        if (!f->soa_versions)
            miss(m, k, n, "soa_never_approved", "Statement of Applicability never approved");
        else if (f->soa_changed_since_approval)
            miss(m, k, n, "soa_changed", "SoA changed since its last approval");
        if (f->risks_awaiting_acceptance)
            miss(m, k, n, "risks_awaiting_acceptance",
                 arena_sprintf(a, "%ld residual risk(s) above appetite not accepted by their owner",
                               f->risks_awaiting_acceptance));
    } else if (!strcmp(id, "6.2")) {
        if (!f->objectives)
            miss(m, k, n, "no_objectives", "no security objectives with measures and targets");
        else if (f->objectives_measured < f->objectives)
            miss(m, k, n, "objectives_not_measured",
                 arena_sprintf(a, "%ld of %ld objective(s) never measured",
                               f->objectives - f->objectives_measured, f->objectives));
    } else if (!strcmp(id, "7.2")) {
        if (!f->people)
            miss(m, k, n, "no_people", "no people register with competence and training records");
        else if (f->people_trained < f->people)
            miss(m, k, n, "people_not_trained",
                 arena_sprintf(a, "%ld of %ld person(s) without security training in the last 12 months",
                               f->people - f->people_trained, f->people));
    } else if (!strcmp(id, "7.5.1")) {
        if (!f->documents_approved)
            miss(m, k, n, "no_documents", "no approved policies or procedures");
        if (f->documents_overdue)
            miss(m, k, n, "documents_overdue", arena_sprintf(a, "%ld document(s) past their review date", f->documents_overdue));
        if (f->documents_unapproved)
            miss(m, k, n, "documents_unapproved",
                 arena_sprintf(a, "%ld policy draft(s) never approved", f->documents_unapproved));
    } else if (!strcmp(id, "8.1")) {
        int without = controls_without_owner(r);
        if (without)
            miss(m, k, n, "controls_without_owner",
                 arena_sprintf(a, "%d applicable control(s) without an implementation status or owner", without));
        if (!f->risks)
            miss(m, k, n, "no_treatment", "no risk treatment to plan");
    } else if (!strcmp(id, "8.3")) {
        if (!f->risks)
            miss(m, k, n, "no_plan", "no risk treatment plan");
        if (f->risks_untreated)
            miss(m, k, n, "risks_untreated",
                 arena_sprintf(a, "%ld risk(s) missing from the plan: no treatment decided", f->risks_untreated));
        if (f->risks_overdue)
            miss(m, k, n, "treatments_overdue", arena_sprintf(a, "%ld treatment(s) overdue", f->risks_overdue));
        if (f->risks_without_due_date)
            miss(m, k, n, "treatments_without_due_date",
                 arena_sprintf(a, "%ld treatment(s) without a due date", f->risks_without_due_date));
    } else if (!strcmp(id, "9.1")) {
        if (!f->monitoring_recent)
            miss(m, k, n, "no_monitoring", "no monitoring results (check runs or evidence) in the last 90 days");
    } else if (!strcmp(id, "9.2.1") || !strcmp(id, "9.2.2")) {
        if (!f->audits_completed_12m)
            miss(m, k, n, "no_audit",
                 "no internal audit completed in the last 12 months");
    } else if (!strcmp(id, "9.3.2") || !strcmp(id, "9.3.3")) {
        if (!f->reviews_held_12m)
            miss(m, k, n, "no_review",
                 "no management review held in the last 12 months");
    } else if (!strcmp(id, "10.2")) {
        if (f->ncs_without_action)
            miss(m, k, n, "ncs_without_action",
                 arena_sprintf(a, "%ld nonconformit%s without a corrective action", f->ncs_without_action,
                               f->ncs_without_action == 1 ? "y" : "ies"));
        if (f->majors_open)
            miss(m, k, n, "majors_open",
                 arena_sprintf(a, "%ld major nonconformit%s open", f->majors_open, f->majors_open == 1 ? "y" : "ies"));
        if (f->actions_overdue)
            miss(m, k, n, "actions_overdue", arena_sprintf(a, "%ld action(s) overdue", f->actions_overdue));
        /* With no audit and no findings, nothing shows the process works yet. */
        if (!f->audits_completed_12m && !f->ncs_open && !f->ncs_without_action)
            miss(m, k, n, "no_nc_handled", "no nonconformity handled yet: no internal audit completed in the last 12 months");
    } else {
        tracked = 0; /* e.g. 6.1: its sub-clauses carry the detail */
    }
    g->state = !tracked ? "not_tracked" : g->nmissing ? "gap" : "met";
}

size_t gap_blockers(const gap_report *r, arena *a, gap_blocker **out)
{
    size_t n = 0;
    for (size_t i = 0; i < r->nclauses; i++)
        n += (size_t)r->clauses[i].nmissing;
    for (size_t i = 0; i < r->ncontrols; i++)
        n += (size_t)r->controls[i].nmissing;
    gap_blocker *b = arena_alloc(a, (n ? n : 1) * sizeof *b);
    size_t k = 0;
    for (size_t i = 0; i < r->nclauses; i++)
        for (int j = 0; j < r->clauses[i].nmissing; j++)
            b[k++] = (gap_blocker){r->clauses[i].clause->id, r->clauses[i].codes[j], r->clauses[i].missing[j], 0};
    for (size_t i = 0; i < r->ncontrols; i++)
        for (int j = 0; j < r->controls[i].nmissing; j++)
            b[k++] = (gap_blocker){r->controls[i].entry->ctl->id, r->controls[i].codes[j], r->controls[i].missing[j], 1};
    *out = b;
    return k;
}

void gap_analyze(const soa_entry *entries, size_t n, const gap_facts *f, arena *a, gap_report *out)
{
    memset(out, 0, sizeof *out);
    out->controls = arena_alloc(a, (n ? n : 1) * sizeof *out->controls);
    out->ncontrols = n;
    const char *const *themes = catalog_themes();
    for (int t = 0; t < 4; t++)
        out->themes[t].theme = themes[t];
    for (size_t i = 0; i < n; i++) {
        gap_control *g = &out->controls[i];
        analyze_control(&entries[i], i < CATALOG_NCONTROLS ? f->ev_fresh[i] : 0,
                        i < CATALOG_NCONTROLS ? f->ev_stale[i] : 0,
                        i < CATALOG_NCONTROLS ? f->check_failing[i] : 0, a, g);
        int t = 0;
        while (t < 4 && strcmp(themes[t], entries[i].ctl->theme))
            t++;
        if (t == 4)
            continue;
        gap_theme *th = &out->themes[t];
        th->total++;
        th->ready += g->ready;
        int app = soa_effective_applicable(&entries[i]);
        th->applicable += app == SOA_APPLICABLE;
        th->excluded += app == SOA_EXCLUDED;
        th->undecided += app == SOA_UNDECIDED;
        th->implemented += app == SOA_APPLICABLE && entries[i].status == SOA_IMPLEMENTED;
        th->evidenced += app == SOA_APPLICABLE && g->evidence == EV_PASSING;
        out->ready += g->ready;
        out->total++;
    }
    for (int t = 0; t < 4; t++)
        out->themes[t].readiness =
            out->themes[t].total ? 100.0 * out->themes[t].ready / out->themes[t].total : 0;
    out->readiness = out->total ? 100.0 * out->ready / out->total : 0;

    size_t nc;
    const catalog_clause *cl = catalog_clauses(&nc);
    out->clauses = arena_alloc(a, (nc ? nc : 1) * sizeof *out->clauses);
    out->nclauses = nc;
    for (size_t i = 0; i < nc; i++) {
        analyze_clause(&cl[i], f, out, a, &out->clauses[i]);
        if (strcmp(out->clauses[i].state, "not_tracked")) {
            out->clauses_tracked++;
            out->clauses_met += !strcmp(out->clauses[i].state, "met");
        }
    }
    out->clause_readiness = out->clauses_tracked ? 100.0 * out->clauses_met / out->clauses_tracked : 0;
}
