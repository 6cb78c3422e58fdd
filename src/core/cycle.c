/* Certification cycle dates, the internal audit programme, finding rules and Stage 1 readiness. */
#include "core/cycle.h"
#include "util/buf.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

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

/* A Stage 1 requirement and the gap blockers that block it: those of one clause, optionally only
 * some codes, and optionally controls (their SoA weaknesses or the rest). */
typedef struct readiness_def {
    const char *ref, *title, *clause, *codes; /* codes: "a,b" or NULL for every code of the clause */
    const char *clause2;                      /* a second clause, every code (9.2.1 and 9.2.2) */
    int controls;                             /* 1: SoA weaknesses of controls, 2: the other control gaps */
} readiness_def;

static const readiness_def readiness_defs[] = {
    {"4.1", "Context of the organization", "4.1", NULL, NULL, 0},
    {"4.2", "Interested parties", "4.2", NULL, NULL, 0},
    {"4.3", "Scope of the ISMS", "4.3", NULL, NULL, 0},
    {"5.2", "Information security policy", "5.2", NULL, NULL, 0},
    {"6.1.2", "Risk assessment process", "6.1.2", NULL, NULL, 0},
    {"6.1.3", "Risk treatment process", "6.1.3", "no_risks,risks_untreated,risks_awaiting_acceptance", NULL, 0},
    {"6.1.3 d", "Statement of Applicability", "6.1.3", "soa_undecided,soa_never_approved,soa_changed", NULL, 1},
    {"6.1.3 e", "Risk treatment plan", "8.3", "no_plan,risks_untreated,treatments_overdue,treatments_without_due_date",
     NULL, 0},
    {"6.2", "Information security objectives", "6.2", NULL, NULL, 0},
    {"7.2", "Competence records", "7.2", NULL, NULL, 0},
    {"7.5.1 b", "Documented information the ISMS needs", "7.5.1", NULL, NULL, 0},
    {"8.1", "Operational planning and control", "8.1", NULL, NULL, 0},
    {"8.2", "Risk assessment results", "8.2", NULL, NULL, 0},
    {"8.3", "Risk treatment results", "8.3", "no_plan,risks_untreated,treatments_overdue", NULL, 0},
    {"9.1", "Monitoring and measurement results", "9.1", NULL, NULL, 0},
    {"9.2", "Internal audit programme and results", "9.2.1", NULL, "9.2.2", 0},
    {"9.3", "Management review results", "9.3.2", NULL, "9.3.3", 0},
    {"10.2", "Nonconformities and corrective actions", "10.2", NULL, NULL, 0},
    {"Annex A", "Controls implemented and evidenced", NULL, NULL, NULL, 2},
};
#define NDEFS (sizeof readiness_defs / sizeof *readiness_defs)

static int code_in(const char *list, const char *code)
{
    size_t n = strlen(code);
    for (const char *p = list; p && *p;) {
        const char *e = strchr(p, ',');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len == n && !strncmp(p, code, n))
            return 1;
        p = e ? e + 1 : NULL;
    }
    return 0;
}

static int def_claims(const readiness_def *d, const gap_blocker *b)
{
    if (b->is_control)
        return d->controls == 1 ? gap_code_is_soa(b->code) : d->controls == 2 ? !gap_code_is_soa(b->code) : 0;
    if (d->clause2 && !strcmp(d->clause2, b->ref))
        return 1;
    return d->clause && !strcmp(d->clause, b->ref) && (!d->codes || code_in(d->codes, b->code));
}

/* What an item says when nothing blocks it: what was found. */
static const char *ok_detail(const char *ref, const gap_facts *g, const gap_report *r, arena *a)
{
    if (!strcmp(ref, "4.1"))
        return "internal and external issues recorded";
    if (!strcmp(ref, "4.2"))
        return arena_sprintf(a, "%ld interested part%s with requirements", g->parties, g->parties == 1 ? "y" : "ies");
    if (!strcmp(ref, "4.3"))
        return arena_sprintf(a, "scope statement and %ld in-scope item(s)", g->scope_in);
    if (!strcmp(ref, "5.2"))
        return "an approved information security policy is in force";
    if (!strcmp(ref, "6.1.2"))
        return "risk methodology and acceptance criteria recorded";
    if (!strcmp(ref, "6.1.3"))
        return "every risk has a treatment decision";
    if (!strcmp(ref, "6.1.3 d"))
        return arena_sprintf(a, "approved version %d, every exclusion justified", g->soa_versions);
    if (!strcmp(ref, "6.1.3 e"))
        return "every treatment has an owner and a due date";
    if (!strcmp(ref, "6.2"))
        return arena_sprintf(a, "%ld objective(s), all measured", g->objectives);
    if (!strcmp(ref, "7.2"))
        return arena_sprintf(a, "%ld person(s), all trained in the last 12 months", g->people);
    if (!strcmp(ref, "7.5.1 b"))
        return arena_sprintf(a, "%ld approved document(s), all within their review date", g->documents_approved);
    if (!strcmp(ref, "8.1"))
        return "every applicable control has a status and an owner";
    if (!strcmp(ref, "8.2"))
        return arena_sprintf(a, "%ld risk(s) assessed in the last 12 months", g->risks);
    if (!strcmp(ref, "8.3"))
        return "treatments decided and on schedule";
    if (!strcmp(ref, "9.1"))
        return arena_sprintf(a, "%ld check run(s) or evidence item(s) in the last 90 days", g->monitoring_recent);
    if (!strcmp(ref, "9.2"))
        return arena_sprintf(a, "%ld internal audit(s) completed in the last 12 months", g->audits_completed_12m);
    if (!strcmp(ref, "9.3"))
        return arena_sprintf(a, "%ld management review(s) held in the last 12 months", g->reviews_held_12m);
    if (!strcmp(ref, "10.2"))
        return g->ncs_open ? arena_sprintf(a, "%ld nonconformit%s with corrective actions on schedule", g->ncs_open,
                                           g->ncs_open == 1 ? "y" : "ies")
                           : "no open nonconformities";
    if (!strcmp(ref, "Annex A"))
        return r->ready == r->total
                   ? "every control implemented and evidenced, or justifiably excluded"
                   : "no decided control lacks implementation or evidence (SoA weaknesses: see 6.1.3 d)";
    return "no gap";
}

/* The detail of a blocked item: its clause messages, then its controls summed up with the first. */
static const char *blocked_detail(const gap_blocker *b, const int *mine, size_t nb, int soa, arena *a)
{
    buf out;
    buf_init(&out, 1 << 16);
    const gap_blocker *first_ctl = NULL;
    int nctl = 0;
    const char *last_ctl = "", *last_msg = "";
    for (size_t i = 0; i < nb; i++) {
        if (!mine[i])
            continue;
        if (!b[i].is_control) {
            if (strcmp(last_msg, b[i].message)) /* 9.2.1 and 9.2.2 say the same */
                buf_printf(&out, "%s%s", out.len ? "; " : "", b[i].message);
            last_msg = b[i].message;
            continue;
        }
        if (!first_ctl)
            first_ctl = &b[i];
        if (strcmp(last_ctl, b[i].ref))
            nctl++;
        last_ctl = b[i].ref;
    }
    if (first_ctl)
        buf_printf(&out, "%s%d control(s) %s, e.g. %s: %s%s", out.len ? "; " : "", nctl,
                   soa ? "with SoA weaknesses" : "not implemented and evidenced", first_ctl->ref, first_ctl->message,
                   soa ? " (see the SoA validation)" : " (see the gap analysis)");
    const char *s = arena_strdup(a, out.data ? out.data : "");
    buf_free(&out);
    return s;
}

size_t readiness_evaluate(const readiness_facts *f, arena *a, readiness_item **out, size_t *blockers)
{
    gap_blocker *b;
    size_t nb = gap_blockers(f->r, a, &b);
    int *claimed = arena_alloc(a, (nb ? nb : 1) * sizeof *claimed);
    int *mine = arena_alloc(a, (nb ? nb : 1) * sizeof *mine);
    readiness_item *it = arena_alloc(a, (NDEFS + 1) * sizeof *it);
    size_t k = 0;
    for (size_t d = 0; d < NDEFS; d++) {
        const readiness_def *def = &readiness_defs[d];
        int any = 0;
        for (size_t i = 0; i < nb; i++) {
            mine[i] = def_claims(def, &b[i]);
            any |= mine[i];
            claimed[i] |= mine[i];
        }
        it[k++] = (readiness_item){def->ref, def->title, !any,
                                   any ? blocked_detail(b, mine, nb, def->controls == 1, a)
                                       : ok_detail(def->ref, f->g, f->r, a)};
    }
    /* A gap no requirement above names still blocks: readiness never says less than the gap analysis. */
    int rest = 0;
    for (size_t i = 0; i < nb; i++)
        rest |= (mine[i] = !claimed[i]);
    if (rest)
        it[k++] = (readiness_item){"other", "Other gaps of the gap analysis", 0, blocked_detail(b, mine, nb, 0, a)};
    size_t bad = 0;
    for (size_t i = 0; i < k; i++)
        bad += !it[i].ok;
    *blockers = bad;
    *out = it;
    return k;
}

int cycle_action_overdue(const action_rec *x, const char *today)
{
    return x->status && x->due_date && !strcmp(x->status, "open") && strcmp(x->due_date, today) < 0;
}

int cycle_finding_open(const finding_rec *f)
{
    return cycle_finding_is_nc(f->type) && (!f->actions || f->actions_closed < f->actions);
}

int cycle_action_step(int64_t id, const char *status, int corrective, cycle_action_event ev, const char **next,
                      isms_err *err)
{
    if (ev == CYCLE_ACTION_DONE) {
        if (strcmp(status, "open"))
            return err_set(err, ISMS_ECONFLICT, "action %lld is already %s", (long long)id, status);
        *next = corrective ? "implemented" : "closed";
        return ISMS_OK;
    }
    if (!corrective)
        return err_set(err, ISMS_EINVAL, "action %lld follows a management review: it closes when implemented",
                       (long long)id);
    if (!strcmp(status, "closed"))
        return err_set(err, ISMS_ECONFLICT,
                       "action %lld is closed: its effectiveness was already checked and found effective "
                       "(a new problem needs a new finding or action)",
                       (long long)id);
    if (strcmp(status, "implemented"))
        return err_set(err, ISMS_ECONFLICT, "action %lld is %s: its effectiveness can be checked once it is implemented",
                       (long long)id, status);
    /* not effective: the nonconformity stays open and the action goes back to its owner */
    *next = ev == CYCLE_ACTION_EFFECTIVE ? "closed" : "open";
    return ISMS_OK;
}

/* a and b equal once trimmed, ignoring case */
static int same_person(const char *a, const char *b)
{
    while (isspace((unsigned char)*a))
        a++;
    while (isspace((unsigned char)*b))
        b++;
    size_t na = strlen(a), nb = strlen(b);
    while (na && isspace((unsigned char)a[na - 1]))
        na--;
    while (nb && isspace((unsigned char)b[nb - 1]))
        nb--;
    return na == nb && !strncasecmp(a, b, na);
}

int cycle_auditor_independent(const char *auditor, const char *const *items, const char *const *owners, size_t n,
                              isms_err *err)
{
    for (size_t i = 0; i < n; i++)
        if (owners[i] && auditor && same_person(owners[i], auditor))
            return err_field(err, ISMS_ECONFLICT, "auditor",
                             "%s owns %s, which is in the audit scope: auditors must not audit their own work "
                             "(choose another auditor or leave %s out of the scope)",
                             auditor, items[i], items[i]);
    return ISMS_OK;
}
