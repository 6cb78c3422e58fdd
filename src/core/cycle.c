/* Certification cycle dates, the internal audit programme, finding rules and Stage 1 readiness. */
#include "core/cycle.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "core/risk.h"

static int days_in_month(int y, int m)
{
    static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return d[m - 1];
}

int cycle_date_add(const char *date, int years, int months, int days, char out[11])
{
    int y, m, d;
    if (!date || !risk_date_valid(date) || sscanf(date, "%4d-%2d-%2d", &y, &m, &d) != 3)
        return ISMS_EINVAL;
    int total = (y + years) * 12 + (m - 1) + months;
    y = total / 12;
    m = total % 12 + 1;
    if (d > days_in_month(y, m))
        d = days_in_month(y, m);
    /* Days are added one month-length at a time: no time zones, no time_t range limits. */
    while (days > 0) {
        int left = days_in_month(y, m) - d;
        if (days <= left) {
            d += days;
            days = 0;
        } else {
            days -= left + 1;
            d = 1;
            if (++m > 12) {
                m = 1;
                y++;
            }
        }
    }
    while (days < 0) {
        if (-days < d) {
            d += days;
            days = 0;
        } else {
            days += d;
            if (--m < 1) {
                m = 12;
                y--;
            }
            d = days_in_month(y, m);
        }
    }
    if (y < 1 || y > 9999)
        return ISMS_EINVAL;
    snprintf(out, 11, "%04d-%02d-%02d", y, m, d);
    return ISMS_OK;
}

int cycle_cert_dates(const char *issued_on, cert_dates *out, isms_err *err)
{
    memset(out, 0, sizeof *out);
    char anniv3[11];
    if (cycle_date_add(issued_on, 3, 0, 0, anniv3) || cycle_date_add(anniv3, 0, 0, -1, out->expires_on) ||
        cycle_date_add(issued_on, 1, 0, 0, out->surveillance1_by) ||
        cycle_date_add(issued_on, 2, 0, 0, out->surveillance2_by) ||
        /* Three months leave time for the certification body's decision before expiry. */
        cycle_date_add(out->expires_on, 0, -3, 0, out->recert_by))
        return err_set(err, ISMS_EINVAL, "issue date '%s' is not a date (YYYY-MM-DD)", issued_on ? issued_on : "");
    return ISMS_OK;
}

static const milestone_def milestones[] = {
    {"scope", "ISMS scope defined and approved", "4.3"},
    {"risk_assessment", "Risk assessment completed and risks treated", "6.1.2"},
    {"soa", "Statement of Applicability approved", "6.1.3"},
    {"controls", "Applicable controls implemented", "8.1"},
    {"internal_audit", "Internal audit completed", "9.2"},
    {"management_review", "Management review held", "9.3"},
    {"stage1", "Stage 1 audit (documentation review)", NULL},
    {"stage2", "Stage 2 audit (certification audit)", NULL},
};

const milestone_def *cycle_milestones(size_t *n)
{
    *n = sizeof milestones / sizeof *milestones;
    return milestones;
}

const milestone_def *cycle_milestone_find(const char *key)
{
    for (size_t i = 0; i < sizeof milestones / sizeof *milestones; i++)
        if (key && !strcmp(milestones[i].key, key))
            return &milestones[i];
    return NULL;
}

int cycle_milestone_lookup(const char *key, const milestone_def **out, isms_err *err)
{
    if ((*out = cycle_milestone_find(key)))
        return ISMS_OK;
    char list[256] = "";
    for (size_t i = 0; i < sizeof milestones / sizeof *milestones; i++)
        snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", i ? ", " : "", milestones[i].key);
    return err_set(err, ISMS_EINVAL, "no milestone '%s': the roadmap's milestones are %s", key ? key : "", list);
}

const char *cycle_milestone_state(const char *done_on, const char *due_date, const char *today)
{
    if (done_on)
        return "done";
    if (!due_date)
        return "unplanned";
    return strcmp(due_date, today) < 0 ? "OVERDUE" : "open";
}

int cycle_finding_type_valid(const char *type)
{
    return type && (!strcmp(type, "major") || !strcmp(type, "minor") || !strcmp(type, "observation") ||
                    !strcmp(type, "improvement"));
}

int cycle_finding_is_nc(const char *type)
{
    return type && (!strcmp(type, "major") || !strcmp(type, "minor"));
}

const char *cycle_finding_type_label(const char *type)
{
    if (!type)
        return "";
    if (!strcmp(type, "major"))
        return "major nonconformity";
    if (!strcmp(type, "minor"))
        return "minor nonconformity";
    if (!strcmp(type, "observation"))
        return "observation";
    if (!strcmp(type, "improvement"))
        return "opportunity for improvement";
    return type;
}

int cycle_ref_normalize(const char *ref, char *out, size_t outsz, isms_err *err)
{
    while (ref && isspace((unsigned char)*ref))
        ref++;
    size_t len = ref ? strlen(ref) : 0;
    while (len && isspace((unsigned char)ref[len - 1]))
        len--;
    char tmp[32];
    if (!len || len >= sizeof tmp)
        return err_set(err, ISMS_EINVAL, "'%.*s' is not a clause (4.1 .. 10.2) or an Annex A control (A.5.1 .. A.8.34)",
                       (int)(len > 40 ? 40 : len), ref ? ref : "");
    memcpy(tmp, ref, len);
    tmp[len] = '\0';
    if (catalog_clause_find(tmp)) {
        snprintf(out, outsz, "%s", tmp);
        return ISMS_OK;
    }
    const char *p = tmp;
    if ((p[0] == 'A' || p[0] == 'a') && p[1] == '.')
        p += 2;
    char id[40];
    snprintf(id, sizeof id, "A.%s", p);
    const catalog_control *c = catalog_control_find(id);
    if (!c)
        return err_set(err, ISMS_EINVAL, "'%s' is not a clause (4.1 .. 10.2) or an Annex A control (A.5.1 .. A.8.34)",
                       tmp);
    snprintf(out, outsz, "%s", c->id);
    return ISMS_OK;
}

int cycle_list_next(const char **p, char *out, size_t outsz)
{
    if (!*p || !**p)
        return 0;
    const char *comma = strchr(*p, ',');
    size_t len = comma ? (size_t)(comma - *p) : strlen(*p);
    snprintf(out, outsz, "%.*s", (int)(len < outsz ? len : outsz - 1), *p);
    *p = comma ? comma + 1 : *p + len;
    return 1;
}

/* A clause is audited through its leaves: "6.1" through 6.1.1-6.1.3, "9.2" through 9.2.1-9.2.2. */
static int clause_is_leaf(const catalog_clause *cl, size_t n, size_t i)
{
    size_t len = strlen(cl[i].id);
    for (size_t j = 0; j < n; j++)
        if (j != i && !strncmp(cl[j].id, cl[i].id, len) && cl[j].id[len] == '.')
            return 0;
    return 1;
}

typedef struct scope_acc {
    const char **items;
    size_t n, cap;
    arena *a;
} scope_acc;

static void scope_push(scope_acc *s, const char *ref)
{
    for (size_t i = 0; i < s->n; i++)
        if (!strcmp(s->items[i], ref))
            return;
    if (s->n == s->cap) {
        size_t nc = s->cap ? s->cap * 2 : 32;
        const char **ni = arena_alloc(s->a, nc * sizeof *ni);
        if (s->n)
            memcpy(ni, s->items, s->n * sizeof *ni);
        s->items = ni;
        s->cap = nc;
    }
    s->items[s->n++] = ref;
}

int cycle_scope_parse(const char *list, const int *applicable, arena *a, const char ***out, size_t *n,
                      isms_err *err)
{
    scope_acc s = {NULL, 0, 0, a};
    size_t ncl, nco;
    const catalog_clause *cl = catalog_clauses(&ncl);
    const catalog_control *co = catalog_controls(&nco);
    const char *p = list ? list : "";
    while (*p) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        char tok[48];
        if (len >= sizeof tok)
            return err_set(err, ISMS_EINVAL, "scope item '%.40s...' is too long", p);
        memcpy(tok, p, len);
        tok[len] = '\0';
        char *t = tok;
        while (isspace((unsigned char)*t))
            t++;
        for (char *e = t + strlen(t); e > t && isspace((unsigned char)e[-1]);)
            *--e = '\0';
        if (!strcmp(t, "4-10") || !strcasecmp(t, "clauses")) {
            for (size_t i = 0; i < ncl; i++)
                if (clause_is_leaf(cl, ncl, i))
                    scope_push(&s, cl[i].id);
        } else if (!strcasecmp(t, "annex-a")) {
            for (size_t i = 0; i < nco; i++)
                if (!applicable || applicable[i])
                    scope_push(&s, co[i].id);
        } else if (*t) {
            char id[32];
            int rc = cycle_ref_normalize(t, id, sizeof id, err);
            if (rc)
                return rc;
            const catalog_clause *c = catalog_clause_find(id);
            scope_push(&s, c ? c->id : catalog_control_find(id)->id);
        }
        p += len + (comma ? 1 : 0);
    }
    if (!s.n)
        return err_set(err, ISMS_EINVAL, "the audit scope is empty: name clauses and controls, e.g. \"4-10,A.5.15\"");
    *out = s.items;
    *n = s.n;
    return ISMS_OK;
}

void cycle_programme(const int *applicable, const int *high_risk, arena *a, programme_item **out, size_t *n)
{
    size_t ncl, nco;
    const catalog_clause *cl = catalog_clauses(&ncl);
    const catalog_control *co = catalog_controls(&nco);
    programme_item *items = arena_alloc(a, (ncl + nco) * sizeof *items);
    size_t k = 0;
    for (size_t i = 0; i < ncl; i++)
        if (clause_is_leaf(cl, ncl, i))
            items[k++] = (programme_item){cl[i].id, cl[i].title, 0, 0, 7, 0};
    /* Spread the other controls over the three years in catalog order, so each year samples
     * every theme and the load is even. */
    int slot = 0;
    for (size_t i = 0; i < nco; i++) {
        if (applicable && !applicable[i])
            continue;
        int hr = high_risk && high_risk[i];
        items[k++] = (programme_item){co[i].id, co[i].title, 1, hr, hr ? 7 : 1 << (slot++ % 3), 0};
    }
    *out = items;
    *n = k;
}

static void item(readiness_item *it, size_t *k, const char *ref, const char *title, int ok, const char *detail)
{
    it[*k] = (readiness_item){ref, title, ok, detail};
    (*k)++;
}

size_t readiness_evaluate(const readiness_facts *f, arena *a, readiness_item **out, size_t *blockers)
{
    const gap_facts *g = f->g;
    readiness_item *it = arena_alloc(a, 24 * sizeof *it);
    size_t k = 0;
    item(it, &k, "4.3", "Scope of the ISMS", g->has_scope_statement && g->scope_in > 0,
         !g->has_scope_statement ? "no scope statement (isms org set --scope)"
         : !g->scope_in         ? "no in-scope units, locations or systems (isms org scope add)"
                                : arena_sprintf(a, "scope statement and %ld in-scope item(s)", g->scope_in));
    item(it, &k, "5.2", "Information security policy", f->policy_approved,
         f->policy_approved ? "an approved information security policy is in force"
                            : "no approved, current information security policy (A.5.1 evidence or isms policy approve)");
    item(it, &k, "6.1.2", "Risk assessment process", g->method_confirmed,
         g->method_confirmed ? "risk methodology and acceptance criteria recorded"
                             : "risk methodology not reviewed and saved (isms risk method set)");
    const char *treat = g->risks_untreated
                            ? arena_sprintf(a, "%ld risk(s) without a treatment decision", g->risks_untreated)
                        : g->risks_awaiting_acceptance
                            ? arena_sprintf(a, "%ld residual risk(s) above appetite not accepted by their owner",
                                            g->risks_awaiting_acceptance)
                            : NULL;
    item(it, &k, "6.1.3", "Risk treatment process", g->risks > 0 && !treat,
         !g->risks ? "no risks assessed" : treat ? treat : "every risk has a treatment decision");
    const char *soa = !g->soa_versions ? "the Statement of Applicability has never been approved (isms soa approve)"
                      : g->soa_changed_since_approval ? "the SoA changed since its last approval (isms soa approve)"
                      : f->soa_undecided ? arena_sprintf(a, "%d control(s) without a decision", f->soa_undecided)
                      : f->soa_issues ? arena_sprintf(a, "%d SoA weakness(es), e.g. unjustified exclusions (isms soa validate)",
                                                      f->soa_issues)
                                      : NULL;
    item(it, &k, "6.1.3 d", "Statement of Applicability", !soa,
         soa ? soa : arena_sprintf(a, "approved version %d, every exclusion justified", g->soa_versions));
    const char *plan = !g->risks ? "no risk treatment plan"
                       : g->risks_untreated ? arena_sprintf(a, "%ld risk(s) missing from the plan: no treatment decided",
                                                            g->risks_untreated)
                       : g->risks_overdue ? arena_sprintf(a, "%ld treatment(s) overdue", g->risks_overdue)
                       : g->risks_without_due_date
                           ? arena_sprintf(a, "%ld treatment(s) without a due date", g->risks_without_due_date)
                           : NULL;
    item(it, &k, "6.1.3 e", "Risk treatment plan", !plan, plan ? plan : "every treatment has an owner and a due date");
    item(it, &k, "6.2", "Information security objectives", f->objectives > 0 && f->objectives_measured == f->objectives,
         !f->objectives ? "no security objectives with measures and targets (isms objective add)"
         : f->objectives_measured < f->objectives
             ? arena_sprintf(a, "%ld of %ld objective(s) never measured (isms objective measure)",
                             f->objectives - f->objectives_measured, f->objectives)
             : arena_sprintf(a, "%ld objective(s), all measured", f->objectives));
    item(it, &k, "7.2", "Competence records", f->people > 0 && f->people_trained == f->people,
         !f->people ? "no people register with competence and training records (isms person add)"
         : f->people_trained < f->people
             ? arena_sprintf(a, "%ld of %ld person(s) without security training in the last 12 months",
                             f->people - f->people_trained, f->people)
             : arena_sprintf(a, "%ld person(s), all trained in the last 12 months", f->people));
    item(it, &k, "7.5.1 b", "Documented information the ISMS needs",
         f->documents_approved > 0 && !f->documents_overdue && !f->documents_unapproved,
         !f->documents_approved ? "no approved policies or procedures"
         : f->documents_overdue ? arena_sprintf(a, "%ld document(s) past their review date", f->documents_overdue)
         : f->documents_unapproved
             ? arena_sprintf(a, "%ld policy draft(s) never approved (isms policy approve)", f->documents_unapproved)
                                : arena_sprintf(a, "%ld approved document(s), all within their review date",
                                                f->documents_approved));
    item(it, &k, "8.1", "Operational planning and control", !f->applicable_without_owner && g->risks > 0,
         f->applicable_without_owner
             ? arena_sprintf(a, "%d applicable control(s) without an implementation status or owner",
                             f->applicable_without_owner)
             : !g->risks ? "no risk treatment to plan" : "every applicable control has a status and an owner");
    item(it, &k, "8.2", "Risk assessment results", g->risks > 0 && !f->risks_not_reviewed,
         !g->risks ? "no risk assessment results"
         : f->risks_not_reviewed
             ? arena_sprintf(a, "%ld risk(s) not reviewed in the last 12 months", f->risks_not_reviewed)
             : arena_sprintf(a, "%ld risk(s) assessed in the last 12 months", g->risks));
    item(it, &k, "8.3", "Risk treatment results", g->risks > 0 && !g->risks_overdue && !g->risks_untreated,
         !g->risks ? "no risk treatment results"
         : g->risks_untreated || g->risks_overdue
             ? arena_sprintf(a, "%ld untreated, %ld overdue", g->risks_untreated, g->risks_overdue)
             : "treatments decided and on schedule");
    item(it, &k, "9.1", "Monitoring and measurement results", f->monitoring_recent > 0,
         f->monitoring_recent ? arena_sprintf(a, "%ld check run(s) or evidence item(s) in the last 90 days", f->monitoring_recent)
                              : "no monitoring results in the last 90 days (isms check run, isms evidence add)");
    item(it, &k, "9.2", "Internal audit programme and results", g->audits_completed_12m > 0,
         g->audits_completed_12m
             ? arena_sprintf(a, "%ld internal audit(s) completed in the last 12 months", g->audits_completed_12m)
             : "no internal audit completed in the cycle (isms audit plan, isms audit complete)");
    item(it, &k, "9.3", "Management review results", g->reviews_held_12m > 0,
         g->reviews_held_12m ? arena_sprintf(a, "%ld management review(s) held in the last 12 months", g->reviews_held_12m)
                             : "no management review held in the cycle (isms review pack, isms review record)");
    const char *nc = g->ncs_without_action
                         ? arena_sprintf(a, "%ld nonconformit%s without a corrective action", g->ncs_without_action,
                                         g->ncs_without_action == 1 ? "y" : "ies")
                     : g->majors_open ? arena_sprintf(a, "%ld major nonconformit%s not closed", g->majors_open,
                                                      g->majors_open == 1 ? "y" : "ies")
                     : g->actions_overdue ? arena_sprintf(a, "%ld action(s) overdue", g->actions_overdue)
                                          : NULL;
    item(it, &k, "10.2", "Nonconformities and corrective actions", !nc,
         nc ? nc
            : g->ncs_open ? arena_sprintf(a, "%ld nonconformit%s with corrective actions on schedule", g->ncs_open,
                                          g->ncs_open == 1 ? "y" : "ies")
                          : "no open nonconformities");
    size_t bad = 0;
    for (size_t i = 0; i < k; i++)
        bad += !it[i].ok;
    *blockers = bad;
    *out = it;
    return k;
}
