/* The audit programme with coverage, planning by programme year, checklists, reviews with their
 * frozen input pack, and the shared JSON shapes of the audit lifecycle. */
#include <stdio.h>
#include <string.h>

#include "report/json.h"
#include "report/lifecycle.h"
#include "report/review_pack.h"

/* The programme's cycle starts at the certificate's issue; before certification, at the first
 * internal audit (or today): year y is [start + y-1 years, start + y years). */
static const char *cycle_start(ws *w, arena *a, const audit_rec *au, size_t n, isms_err *err)
{
    cert_rec cr;
    int found;
    if (store_cert_get(w, a, &cr, &found, err))
        return NULL;
    if (cr.issued_on)
        return cr.issued_on;
    char *t = arena_alloc(a, 11);
    store_today(t);
    return n && strcmp(au[0].start_date, t) < 0 ? au[0].start_date : t;
}

static int cycle_year(const char *start, const char *date)
{
    for (int y = 1; y <= 3; y++) {
        char end[11];
        if (cycle_date_add(start, y, 0, 0, end))
            return 0;
        if (strcmp(date, start) >= 0 && strcmp(date, end) < 0)
            return y;
    }
    return 0;
}

int lifecycle_programme_build(ws *w, arena *a, lifecycle_programme *p, isms_err *err)
{
    memset(p, 0, sizeof *p);
    int applicable[CATALOG_NCONTROLS], high[CATALOG_NCONTROLS];
    audit_rec *au;
    size_t na;
    int rc;
    if ((rc = store_audit_programme_inputs(w, applicable, high, err)) || (rc = store_audit_list(w, a, &au, &na, err)))
        return rc;
    if (!(p->cycle_start = cycle_start(w, a, au, na, err)))
        return err->code ? err->code : ISMS_EDB;
    cycle_programme(applicable, high, a, &p->items, &p->n);
    for (size_t i = 0; i < na; i++) {
        if (strcmp(au[i].status, "completed"))
            continue;
        int y = cycle_year(p->cycle_start, au[i].start_date);
        if (!y)
            continue;
        char ref[32];
        for (const char *s = au[i].scope; cycle_list_next(&s, ref, sizeof ref);)
            for (size_t k = 0; k < p->n; k++)
                if (!strcmp(p->items[k].ref, ref))
                    p->items[k].covered |= 1 << (y - 1);
    }
    for (size_t k = 0; k < p->n; k++) {
        for (int y = 0; y < 3; y++) {
            p->planned[y] += (p->items[k].years >> y) & 1;
            p->audited[y] += ((p->items[k].years & p->items[k].covered) >> y) & 1;
        }
        p->items_audited += p->items[k].covered != 0;
    }
    for (int y = 0; y < 3; y++)
        cycle_date_add(p->cycle_start, y, 0, 0, p->year_from[y]);
    return ISMS_OK;
}

void lifecycle_programme_json(jw *j, const lifecycle_programme *p)
{
    jw_obj(j);
    jw_kstr(j, "cycle_start", p->cycle_start);
    jw_kint(j, "items", (int64_t)p->n);
    jw_kint(j, "items_audited", (int64_t)p->items_audited);
    jw_key(j, "years");
    jw_arr(j);
    for (int y = 0; y < 3; y++) {
        jw_obj(j);
        jw_kint(j, "year", y + 1);
        jw_kstr(j, "from", p->year_from[y]);
        jw_kint(j, "planned", (int64_t)p->planned[y]);
        jw_kint(j, "audited", (int64_t)p->audited[y]);
        jw_key(j, "items");
        jw_arr(j);
        for (size_t k = 0; k < p->n; k++) {
            const programme_item *it = &p->items[k];
            if (!((it->years >> y) & 1))
                continue;
            jw_obj(j);
            jw_kstr(j, "ref", it->ref);
            jw_kstr(j, "title", it->title);
            jw_kbool(j, "high_risk", it->high_risk);
            jw_kbool(j, "audited", (it->covered >> y) & 1);
            jw_obj_end(j);
        }
        jw_arr_end(j);
        jw_obj_end(j);
    }
    jw_arr_end(j);
    jw_obj_end(j);
}

int lifecycle_plan(ws *w, audit_rec *x, int year, arena *a, isms_err *err)
{
    if ((x->scope != NULL) == (year != 0))
        return err_set(err, ISMS_EINVAL,
                       "give the scope (\"4-10,A.5.15,...\") or the programme's year (1, 2 or 3), not both");
    if (year && (year < 1 || year > 3))
        return err_set(err, ISMS_EINVAL, "the programme year is 1, 2 or 3, not %d", year);
    if (!x->criteria)
        x->criteria = "ISO/IEC 27001:2022 clauses 4-10, the Statement of Applicability and the ISMS policies";
    if (!x->end_date)
        x->end_date = x->start_date;
    if (!x->title && !year)
        x->title = "Internal audit";
    if (year) {
        int applicable[CATALOG_NCONTROLS], high[CATALOG_NCONTROLS];
        int rc = store_audit_programme_inputs(w, applicable, high, err);
        if (rc)
            return rc;
        programme_item *it;
        size_t n;
        cycle_programme(applicable, high, a, &it, &n);
        size_t len = 1;
        for (size_t k = 0; k < n; k++)
            len += strlen(it[k].ref) + 1;
        char *s = arena_alloc(a, len);
        s[0] = '\0';
        for (size_t k = 0; k < n; k++)
            if ((it[k].years >> (year - 1)) & 1) {
                if (*s)
                    strcat(s, ",");
                strcat(s, it[k].ref);
            }
        x->scope = s;
        if (!x->title)
            x->title = arena_sprintf(a, "Internal audit, programme year %d", year);
    }
    return store_audit_plan(w, x, a, err);
}

/* s cut to `width` characters with an ellipsis, as the CLI shows long text in one line. */
static const char *cut(arena *a, const char *s, int width)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + strlen(s), *at = NULL;
    int chars = 0;
    while (p < end) {
        if (chars == width - 1)
            at = p;
        chars++;
        p += *p < 0x80 ? 1 : *p >= 0xF0 ? 4 : *p >= 0xE0 ? 3 : *p >= 0xC0 ? 2 : 1;
    }
    if (chars <= width)
        return s;
    return arena_sprintf(a, "%.*s\xE2\x80\xA6", (int)(at - (const unsigned char *)s), s);
}

typedef struct ev_acc {
    arena *a;
    evidence *ev;
    size_t n;
} ev_acc;

static int ev_keep(const evidence *e, void *ctx)
{
    ev_acc *c = ctx;
    evidence *d = &c->ev[c->n++];
    *d = (evidence){.id = e->id, .size = e->size};
    d->sha256 = arena_strdup(c->a, e->sha256 ? e->sha256 : "");
    d->filename = arena_strdup(c->a, e->filename ? e->filename : "");
    d->kind = arena_strdup(c->a, e->kind ? e->kind : "");
    d->collected_at = arena_strdup(c->a, e->collected_at ? e->collected_at : "");
    d->valid_until = arena_strdup(c->a, e->valid_until ? e->valid_until : "");
    d->description = e->description ? arena_strdup(c->a, e->description) : NULL;
    return c->n >= 10;
}

int lifecycle_checklist(ws *w, const audit_rec *x, arena *a, lifecycle_check **out, size_t *n, isms_err *err)
{
    soa_entry *soa = arena_alloc(a, CATALOG_NCONTROLS * sizeof *soa);
    int rc = store_soa_load(w, a, soa, err);
    if (rc)
        return rc;
    size_t cap = 1;
    for (const char *p = x->scope; *p; p++)
        cap += *p == ',';
    lifecycle_check *c = arena_alloc(a, cap * sizeof *c);
    size_t k = 0;
    char ref[32];
    for (const char *p = x->scope; k < cap && cycle_list_next(&p, ref, sizeof ref);) {
        const catalog_clause *cl = catalog_clause_find(ref);
        const catalog_control *co = cl ? NULL : catalog_control_find(ref);
        if (!cl && !co)
            continue;
        lifecycle_check *it = &c[k++];
        memset(it, 0, sizeof *it);
        it->ref = arena_strdup(a, ref);
        it->g = cl ? &cl->g : &co->g;
        it->title = cl ? cl->title : co->title;
        it->se = co ? &soa[catalog_control_index(co->id)] : NULL;
        it->question =
            cl ? arena_sprintf(a, "How does the organization meet clause %s (%s), and which records show it?", ref,
                               it->title)
               : arena_sprintf(a, "Is %s (%s) implemented as the SoA states%s%s, and does it work in practice?", ref,
                               it->title, it->se->implementation ? ": " : "",
                               it->se->implementation ? cut(a, it->se->implementation, 120) : "");
        if (co) {
            ev_acc acc = {a, arena_alloc(a, 10 * sizeof(evidence)), 0};
            if ((rc = store_evidence_each(w, co->id, ev_keep, &acc, err)))
                return rc;
            it->ev = acc.ev;
            it->nev = acc.n;
        }
    }
    *out = c;
    *n = k;
    return ISMS_OK;
}

void lifecycle_checklist_json(jw *j, const audit_rec *x, const lifecycle_check *c, size_t n)
{
    jw_obj(j);
    jw_kint(j, "audit", x->id);
    jw_kstr(j, "title", x->title);
    jw_key(j, "items");
    jw_arr(j);
    for (size_t i = 0; i < n; i++) {
        jw_obj(j);
        jw_kstr(j, "ref", c[i].ref);
        jw_kstr(j, "title", c[i].title);
        jw_kstr(j, "question", c[i].question);
        jw_kstr(j, "purpose", c[i].g->purpose);
        jw_kstr(j, "verify", c[i].g->implement);
        jw_kstr(j, "evidence_to_sample", c[i].g->evidence);
        jw_kstr(j, "common_findings", c[i].g->findings);
        if (c[i].se) {
            jw_kstr(j, "soa_status", soa_status_name(c[i].se->status));
            jw_kstr(j, "owner", c[i].se->owner);
            jw_key(j, "evidence");
            jw_arr(j);
            for (size_t e = 0; e < c[i].nev; e++) {
                const evidence *ev = &c[i].ev[e];
                jw_obj(j);
                jw_kint(j, "id", ev->id);
                jw_kstr(j, "file", ev->filename);
                jw_kstr(j, "kind", ev->kind);
                jw_kstr(j, "collected_at", ev->collected_at);
                jw_kstr(j, "valid_until", ev->valid_until);
                jw_kstr(j, "sha256", ev->sha256);
                jw_obj_end(j);
            }
            jw_arr_end(j);
        }
        jw_obj_end(j);
    }
    jw_arr_end(j);
    jw_obj_end(j);
}

int lifecycle_review_record(ws *w, review_rec *r, arena *a, isms_err *err)
{
    review_pack p;
    int rc = review_pack_build(w, a, &p, err);
    if (rc)
        return rc;
    buf b;
    buf_init(&b, 64 << 20);
    review_pack_json(&p, &b);
    r->pack = b.data ? arena_strdup(a, b.data) : "{}";
    buf_free(&b);
    return store_review_record(w, r, err);
}

void lifecycle_audit_json(jw *j, const audit_rec *x)
{
    jw_obj(j);
    jw_kint(j, "id", x->id);
    jw_kstr(j, "title", x->title);
    jw_kstr(j, "status", x->status);
    jw_kstr(j, "auditor", x->auditor);
    jw_kstr(j, "start_date", x->start_date);
    jw_kstr(j, "end_date", x->end_date);
    jw_kstr(j, "completed_on", x->completed_on);
    jw_kstr(j, "criteria", x->criteria);
    jw_kstr(j, "summary", x->summary);
    jw_key(j, "scope");
    json_id_list(j, x->scope);
    jw_kint(j, "findings", x->findings);
    jw_obj_end(j);
}

void lifecycle_finding_json(jw *j, const finding_rec *f, int with_audit, int with_evidence)
{
    jw_obj(j);
    jw_kint(j, "id", f->id);
    if (with_audit)
        jw_kint(j, "audit", f->audit_id);
    jw_kstr(j, "type", f->type);
    jw_kstr(j, "ref", f->ref);
    jw_kstr(j, "description", f->description);
    if (with_evidence)
        jw_kstr(j, "evidence", f->evidence);
    jw_kint(j, "actions", f->actions);
    jw_kint(j, "actions_closed", f->actions_closed);
    jw_obj_end(j);
}

void lifecycle_action_json(jw *j, const action_rec *x, const char *today)
{
    jw_obj(j);
    jw_kint(j, "id", x->id);
    jw_kstr(j, "source", x->finding_id ? "finding" : "review");
    if (x->finding_id) {
        jw_kint(j, "finding", x->finding_id);
        jw_kstr(j, "finding_type", x->finding_type);
        jw_kstr(j, "ref", x->ref);
    } else
        jw_kint(j, "review", x->review_id);
    jw_kstr(j, "actions", x->description);
    jw_kstr(j, "root_cause", x->root_cause);
    jw_kstr(j, "owner", x->owner);
    jw_kstr(j, "due_date", x->due_date);
    jw_kstr(j, "status", x->status);
    jw_kbool(j, "overdue", cycle_action_overdue(x, today));
    jw_kstr(j, "implemented_on", x->implemented_on);
    jw_kstr(j, "effectiveness", x->effectiveness);
    jw_kstr(j, "verified_by", x->verified_by);
    jw_kstr(j, "closed_on", x->closed_on);
    jw_obj_end(j);
}

void lifecycle_review_json(jw *j, const review_rec *r, int with_pack)
{
    jw_obj(j);
    jw_kint(j, "id", r->id);
    jw_kstr(j, "held_on", r->held_on);
    jw_kstr(j, "attendees", r->attendees);
    jw_kstr(j, "decisions", r->decisions);
    jw_kstr(j, "improvements", r->improvements);
    jw_kstr(j, "changes", r->changes);
    jw_kstr(j, "resources", r->resources);
    if (with_pack) {
        jw_kstr(j, "created_at", r->created_at);
        jw_key(j, "pack");
        jw_raw(j, r->pack && *r->pack ? r->pack : "{}", r->pack && *r->pack ? strlen(r->pack) : 2);
    }
    jw_obj_end(j);
}

void lifecycle_feedback_json(jw *j, const feedback_rec *f)
{
    jw_obj(j);
    jw_kint(j, "id", f->id);
    jw_kstr(j, "party", f->party);
    jw_kstr(j, "received_on", f->received_on);
    jw_kstr(j, "summary", f->summary);
    jw_obj_end(j);
}
