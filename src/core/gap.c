#include "core/gap.h"

#include <string.h>

static void miss(const char **arr, int *n, const char *what)
{
    if (*n < GAP_MAX_MISSING)
        arr[(*n)++] = what;
}

static void analyze_control(const soa_entry *e, int fresh, int stale, int failing, arena *a, gap_control *g)
{
    memset(g, 0, sizeof *g);
    g->entry = e;
    int app = soa_effective_applicable(e);
    g->evidence = evidence_control_status(app == SOA_EXCLUDED ? 0 : 1, fresh, stale, failing);
    const char *why;
    if (app == SOA_UNDECIDED) {
        g->state = "undecided";
        miss(g->missing, &g->nmissing, "no applicability decision");
        return;
    }
    if (app == SOA_EXCLUDED) {
        if (e->nrisks > 0)
            miss(g->missing, &g->nmissing, arena_sprintf(a, "excluded but treats risk(s) %s", e->risks));
        if (soa_justification_weak(e->justification, &why))
            miss(g->missing, &g->nmissing, "exclusion not justified");
        g->ready = g->nmissing == 0;
        g->state = g->ready ? "excluded" : "gap";
        return;
    }
    if (e->applicable == SOA_UNDECIDED)
        miss(g->missing, &g->nmissing, "decision not recorded (applicable through risk treatment)");
    if (e->nrisks == 0 && e->reasons == 0 && !(e->justification && *e->justification))
        miss(g->missing, &g->nmissing, "no linked risk or reason for inclusion");
    if (e->status != SOA_IMPLEMENTED)
        miss(g->missing, &g->nmissing,
             arena_sprintf(a, "applicable but not implemented (%s)",
                           e->status == SOA_STATUS_NONE ? "no status" : soa_status_name(e->status)));
    if (!e->implementation || !*e->implementation)
        miss(g->missing, &g->nmissing, "no implementation description");
    if (!e->owner || !*e->owner)
        miss(g->missing, &g->nmissing, "no owner");
    if (g->evidence == EV_FAILING)
        miss(g->missing, &g->nmissing, "an automated check supporting it fails (isms check status)");
    else if (g->evidence == EV_STALE)
        miss(g->missing, &g->nmissing, "evidence expired: collect it again");
    else if (g->evidence == EV_NO_EVIDENCE)
        miss(g->missing, &g->nmissing, "no evidence (isms evidence add FILE --controls ...)");
    g->ready = g->nmissing == 0;
    g->state = g->ready ? "ready" : "gap";
}

/* What a clause still needs, from the facts the workspace holds; NULL state means not tracked. */
static void analyze_clause(const catalog_clause *c, const gap_facts *f, const gap_report *r, arena *a,
                           gap_clause *g)
{
    memset(g, 0, sizeof *g);
    g->clause = c;
    const char *id = c->id;
    const char **m = g->missing;
    int *n = &g->nmissing;
    int tracked = 1;
    if (!strcmp(id, "4.1")) {
        if (!f->has_context)
            miss(m, n, "internal and external issues not recorded (isms org set --context)");
    } else if (!strcmp(id, "4.2")) {
        if (!f->parties)
            miss(m, n, "no interested parties recorded");
        else if (f->parties_without_requirements)
            miss(m, n, arena_sprintf(a, "%ld interested part%s without requirements",
                                     f->parties_without_requirements,
                                     f->parties_without_requirements == 1 ? "y" : "ies"));
    } else if (!strcmp(id, "4.3")) {
        if (!f->has_scope_statement)
            miss(m, n, "no scope statement");
        if (!f->scope_in)
            miss(m, n, "no in-scope units, locations or systems");
    } else if (!strcmp(id, "6.1.2") || !strcmp(id, "8.2")) {
        if (!strcmp(id, "6.1.2") && !f->method_confirmed)
            miss(m, n, "risk methodology not reviewed (isms risk method set)");
        if (!f->assets)
            miss(m, n, "no assets in the inventory");
        if (!f->risks)
            miss(m, n, "no risks assessed");
        if (f->risks_without_owner)
            miss(m, n, arena_sprintf(a, "%ld risk(s) without an owner", f->risks_without_owner));
    } else if (!strcmp(id, "6.1.3")) {
        if (f->risks_untreated)
            miss(m, n, arena_sprintf(a, "%ld risk(s) without a treatment decision", f->risks_untreated));
        int undecided = 0;
        for (size_t i = 0; i < r->ncontrols; i++)
            undecided += !strcmp(r->controls[i].state, "undecided");
        if (undecided)
            miss(m, n, arena_sprintf(a, "%d control(s) without an SoA decision", undecided));
        if (!f->soa_versions)
            miss(m, n, "Statement of Applicability never approved (isms soa approve)");
        else if (f->soa_changed_since_approval)
            miss(m, n, "SoA changed since its last approval");
        if (f->risks_awaiting_acceptance)
            miss(m, n, arena_sprintf(a, "%ld residual risk(s) above appetite not accepted by their owner",
                                     f->risks_awaiting_acceptance));
    } else if (!strcmp(id, "8.3")) {
        if (!f->risks)
            miss(m, n, "no risk treatment plan");
        if (f->risks_overdue)
            miss(m, n, arena_sprintf(a, "%ld treatment(s) overdue", f->risks_overdue));
        if (f->risks_without_due_date)
            miss(m, n, arena_sprintf(a, "%ld treatment(s) without a due date", f->risks_without_due_date));
    } else if (!strcmp(id, "9.2.1") || !strcmp(id, "9.2.2")) {
        if (!f->audits_completed_12m)
            miss(m, n, "no internal audit completed in the last 12 months (isms audit plan, isms audit complete)");
    } else if (!strcmp(id, "9.3.2") || !strcmp(id, "9.3.3")) {
        if (!f->reviews_held_12m)
            miss(m, n, "no management review held in the last 12 months (isms review pack, isms review record)");
    } else if (!strcmp(id, "10.2")) {
        if (f->ncs_without_action)
            miss(m, n, arena_sprintf(a, "%ld nonconformit%s without a corrective action", f->ncs_without_action,
                                     f->ncs_without_action == 1 ? "y" : "ies"));
        if (f->actions_overdue)
            miss(m, n, arena_sprintf(a, "%ld action(s) overdue", f->actions_overdue));
        if (f->majors_open)
            miss(m, n, arena_sprintf(a, "%ld major nonconformit%s open", f->majors_open,
                                     f->majors_open == 1 ? "y" : "ies"));
        /* With no audit and no findings, nothing shows the process works yet. */
        if (!f->audits_completed_12m && !f->ncs_open && !f->ncs_without_action)
            miss(m, n, "no nonconformity handled yet: no internal audit completed in the last 12 months");
    } else if (!strcmp(id, "6.1")) {
        tracked = 0; /* its sub-clauses carry the detail */
    } else {
        tracked = 0;
    }
    g->state = !tracked ? "not_tracked" : g->nmissing ? "gap" : "met";
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
