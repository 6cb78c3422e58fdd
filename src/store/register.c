/* Storage of the people, supplier, incident and objective registers and their child records.
 * The SQL is built from the field tables of core/register.c and the sub-queries below (never from input); every value is bound. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/internal.h"
#include "util/buf.h"
#include "util/json.h"
#include "util/text.h"

/* What each register shows beside its own fields, as sub-queries over the row alias x, read into
 * reg_rec.d: a person's latest training and its expiry, an incident's number of events, an
 * objective's latest measurement and its date. */
static const char *const derived[REG_NKINDS][2] = {
    [REG_PERSON] = {"(SELECT max(t.completed) FROM person_training t WHERE t.person_id = x.id)",
                    "(SELECT t.expires FROM person_training t WHERE t.person_id = x.id "
                    "ORDER BY t.completed DESC, t.id DESC LIMIT 1)"},
    [REG_INCIDENT] = {"(SELECT count(*) FROM incident_event e WHERE e.incident_id = x.id)", NULL},
    [REG_OBJECTIVE] = {"(SELECT m.value FROM objective_measurement m WHERE m.objective_id = x.id "
                       "ORDER BY m.date DESC, m.id DESC LIMIT 1)",
                       "(SELECT max(m.date) FROM objective_measurement m WHERE m.objective_id = x.id)"},
};

/* "SELECT x.id, parent, fields..., created_at, updated_at, derived0, derived1 FROM table x" */
static void select_sql(int k, buf *b)
{
    const reg_kind *K = &reg_kinds[k];
    buf_printf(b, "SELECT x.id, %s%s", K->parent_col ? "x." : "0", K->parent_col ? K->parent_col : "");
    for (int i = 0; i < K->nfields; i++)
        buf_printf(b, ", x.%s", K->fields[i].name);
    const char *const *dv = derived[K - reg_kinds];
    buf_printf(b, ", x.created_at, x.updated_at, %s, %s FROM %s x", dv[0] ? dv[0] : "NULL", dv[1] ? dv[1] : "NULL",
               K->table);
}

/* Read a row; with a, copy the strings there (else they live until the next step). */
static void read_row(int k, sqlite3_stmt *st, arena *a, reg_rec *r)
{
    const reg_kind *K = &reg_kinds[k];
    memset(r, 0, sizeof *r);
    r->id = sqlite3_column_int64(st, 0);
    r->parent_id = sqlite3_column_int64(st, 1);
    int c = 2;
    for (int i = 0; i < K->nfields; i++, c++)
        r->v[i] = a ? st_col(st, c, a) : (const char *)sqlite3_column_text(st, c);
    const char **rest[] = {&r->created_at, &r->updated_at, &r->d[0], &r->d[1]};
    for (int i = 0; i < 4; i++, c++)
        *rest[i] = a ? st_col(st, c, a) : (const char *)sqlite3_column_text(st, c);
}

/* The record as audit text (with the children of a deleted parent in `children`). */
static char *rec_text(int k, const reg_rec *r, const char *children)
{
    buf b;
    buf_init(&b, 1 << 22);
    jw j;
    jw_init_buf(&j, &b);
    reg_json(&j, k, r, NULL, NULL);
    if (children && b.len) { /* splice "children": [...] into the closing brace */
        b.len--;
        b.data[b.len] = '\0';
        buf_printf(&b, ",\"%s\":%s}", reg_kinds[reg_kinds[k].child].path, children);
    }
    return b.data;
}

static int audit(ws *w, const char *action, int k, const reg_rec *before, const reg_rec *after, const char *children,
                 isms_err *err)
{
    char ids[24];
    snprintf(ids, sizeof ids, "%lld", (long long)(after ? after->id : before->id));
    char *b = before ? rec_text(k, before, children) : NULL, *af = after ? rec_text(k, after, NULL) : NULL;
    int rc = store_audit(w, action, reg_kinds[k].entity, ids, b, af, err);
    free(b);
    free(af);
    return rc;
}

static int conflict(int k, const reg_rec *r, isms_err *err)
{
    const reg_kind *K = &reg_kinds[k];
    if (K->key < 0)
        return err_set(err, ISMS_ECONFLICT, "this %s conflicts with another record", K->entity);
    return err_set(err, ISMS_ECONFLICT, "%s: a %s with %s '%s' already exists", K->fields[K->key].name, K->entity,
                   K->fields[K->key].name, r->v[K->key] ? r->v[K->key] : "");
}

static int parent_exists(ws *w, int k, int64_t parent_id, isms_err *err)
{
    const reg_kind *P = &reg_kinds[reg_kinds[k].parent];
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT 1 FROM %s WHERE id = ?", P->table);
    sqlite3_stmt *st;
    int rc = st_prepare(w, sql, &st, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, parent_id);
    int s = sqlite3_step(st);
    st_release(w, st);
    if (s == SQLITE_DONE)
        return err_set(err, ISMS_ENOTFOUND, "no %s with id %lld", P->entity, (long long)parent_id);
    return s == SQLITE_ROW ? ISMS_OK : st_error(w, s, "reading a register", err);
}

static int reg_insert(ws *w, int k, reg_rec *r, isms_err *err);

int store_reg_insert(ws *w, int k, reg_rec *in, isms_err *err)
{
    /* Values are stored trimmed; the copy keeps the caller's strings as they were. */
    arena a;
    arena_init(&a);
    reg_rec n = *in;
    reg_normalize(k, &n, &a);
    int rc = reg_insert(w, k, &n, err);
    in->id = n.id;
    arena_free(&a);
    return rc;
}

static int reg_insert(ws *w, int k, reg_rec *r, isms_err *err)
{
    const reg_kind *K = &reg_kinds[k];
    int rc = reg_validate(k, r, err);
    if (rc || (K->parent >= 0 && (rc = parent_exists(w, k, r->parent_id, err))))
        return rc;
    char now[32];
    store_now(now);
    buf sql;
    buf_init(&sql, 4096);
    buf_printf(&sql, "INSERT INTO %s(%s%s", K->table, K->parent_col ? K->parent_col : "", K->parent_col ? ", " : "");
    for (int i = 0; i < K->nfields; i++)
        buf_printf(&sql, "%s, ", K->fields[i].name);
    buf_puts(&sql, "created_at, updated_at) VALUES (");
    int n = K->nfields + 2 + (K->parent_col != NULL);
    for (int i = 0; i < n; i++)
        buf_puts(&sql, i ? ",?" : "?");
    buf_puts(&sql, ")");
    sqlite3_stmt *st;
    rc = st_prepare(w, sql.data, &st, err);
    buf_free(&sql);
    if (rc)
        return rc;
    int c = 1;
    if (K->parent_col)
        sqlite3_bind_int64(st, c++, r->parent_id);
    for (int i = 0; i < K->nfields; i++)
        st_text(st, c++, r->v[i] && *r->v[i] ? r->v[i] : NULL);
    st_text(st, c++, now);
    st_text(st, c++, now);
    int s = sqlite3_step(st);
    st_release(w, st);
    if ((s & 0xff) == SQLITE_CONSTRAINT)
        return conflict(k, r, err);
    if (s != SQLITE_DONE)
        return st_error(w, s, "adding a record", err);
    r->id = sqlite3_last_insert_rowid(w->db);
    r->created_at = r->updated_at = NULL;
    return audit(w, "create", k, NULL, r, NULL, err);
}

int store_reg_update(ws *w, int k, const reg_rec *in, isms_err *err)
{
    const reg_kind *K = &reg_kinds[k];
    arena a;
    arena_init(&a);
    reg_rec n = *in, *r = &n;
    reg_normalize(k, r, &a);
    int rc = reg_validate(k, r, err);
    if (rc) {
        arena_free(&a);
        return rc;
    }
    reg_rec before;
    char ids[24];
    snprintf(ids, sizeof ids, "%lld", (long long)r->id);
    if ((rc = store_reg_get(w, k, ids, &a, &before, err))) {
        arena_free(&a);
        return rc;
    }
    char now[32];
    store_now(now);
    buf sql;
    buf_init(&sql, 4096);
    buf_printf(&sql, "UPDATE %s SET ", K->table);
    for (int i = 0; i < K->nfields; i++)
        buf_printf(&sql, "%s = ?, ", K->fields[i].name);
    buf_puts(&sql, "updated_at = ? WHERE id = ?");
    sqlite3_stmt *st;
    rc = st_prepare(w, sql.data, &st, err);
    buf_free(&sql);
    if (!rc) {
        int c = 1;
        for (int i = 0; i < K->nfields; i++)
            st_text(st, c++, r->v[i] && *r->v[i] ? r->v[i] : NULL);
        st_text(st, c++, now);
        sqlite3_bind_int64(st, c, r->id);
        int s = sqlite3_step(st);
        st_release(w, st);
        if ((s & 0xff) == SQLITE_CONSTRAINT)
            rc = conflict(k, r, err);
        else if (s != SQLITE_DONE)
            rc = st_error(w, s, "updating a record", err);
        else {
            reg_rec after = *r;
            after.parent_id = before.parent_id;
            after.created_at = after.updated_at = NULL;
            before.created_at = before.updated_at = NULL;
            before.d[0] = before.d[1] = after.d[0] = after.d[1] = NULL;
            rc = audit(w, "update", k, &before, &after, NULL, err);
        }
    }
    arena_free(&a);
    return rc;
}

typedef struct child_ctx {
    jw j;
    int k;
} child_ctx;

static int child_json(const reg_rec *r, void *p)
{
    child_ctx *c = p;
    reg_json(&c->j, c->k, r, NULL, NULL);
    return 0;
}

static int delete_where(ws *w, const char *sql, int64_t id, isms_err *err)
{
    sqlite3_stmt *st;
    int rc = st_prepare(w, sql, &st, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, id);
    int s = sqlite3_step(st);
    st_release(w, st);
    return s == SQLITE_DONE ? ISMS_OK : st_error(w, s, "deleting a record", err);
}

int store_reg_delete(ws *w, int k, int64_t id, isms_err *err)
{
    const reg_kind *K = &reg_kinds[k];
    arena a;
    arena_init(&a);
    reg_rec before;
    char ids[24], sql[160];
    snprintf(ids, sizeof ids, "%lld", (long long)id);
    int rc = store_reg_get(w, k, ids, &a, &before, err);
    buf kids;
    buf_init(&kids, 1 << 22);
    if (!rc && K->child >= 0) {
        child_ctx c = {.k = K->child};
        jw_init_buf(&c.j, &kids);
        jw_arr(&c.j);
        rc = store_reg_each(w, K->child, NULL, 0, NULL, id, child_json, &c, err);
        jw_arr_end(&c.j);
        if (!rc) {
            snprintf(sql, sizeof sql, "DELETE FROM %s WHERE %s = ?", reg_kinds[K->child].table,
                     reg_kinds[K->child].parent_col);
            rc = delete_where(w, sql, id, err);
        }
    }
    if (!rc) {
        snprintf(sql, sizeof sql, "DELETE FROM %s WHERE id = ?", K->table);
        if (!(rc = delete_where(w, sql, id, err))) {
            before.created_at = before.updated_at = NULL;
            rc = audit(w, "delete", k, &before, NULL, K->child >= 0 ? kids.data : NULL, err);
        }
    }
    buf_free(&kids);
    arena_free(&a);
    return rc;
}

int store_reg_get(ws *w, int k, const char *ref, arena *a, reg_rec *r, isms_err *err)
{
    const reg_kind *K = &reg_kinds[k];
    char *end;
    long long id = ref ? strtoll(ref, &end, 10) : 0;
    int by_id = ref && *ref && *end == '\0' && id > 0;
    if (!by_id && (K->key < 0 || !ref || !*ref))
        return err_set(err, ISMS_ENOTFOUND, "no %s '%.80s' (give its id)", K->entity, ref ? ref : "");
    buf sql;
    buf_init(&sql, 4096);
    select_sql(k, &sql);
    buf_printf(&sql, " WHERE x.%s = ?", by_id ? "id" : K->fields[K->key].name);
    sqlite3_stmt *st;
    int rc = st_prepare(w, sql.data, &st, err);
    buf_free(&sql);
    if (rc)
        return rc;
    if (by_id)
        sqlite3_bind_int64(st, 1, id);
    else
        st_text(st, 1, ref);
    int s = sqlite3_step(st);
    if (s == SQLITE_ROW)
        read_row(k, st, a, r);
    st_release(w, st);
    if (s == SQLITE_DONE)
        return err_set(err, ISMS_ENOTFOUND, "no %s '%.80s' (give its id%s%s)", K->entity, ref,
                       K->key >= 0 ? " or " : "", K->key >= 0 ? K->fields[K->key].name : "");
    return s == SQLITE_ROW ? ISMS_OK : st_error(w, s, "reading a record", err);
}

/* The unfiltered listing of each register, built once: the gap analysis reads every register
 * at each change, and a statement of a fixed text stays prepared (st_cached). */
static char *plain_sql[REG_NKINDS];
static pthread_once_t plain_once = PTHREAD_ONCE_INIT;
static void plain_build(void)
{
    for (int k = 0; k < REG_NKINDS; k++) {
        buf b;
        buf_init(&b, 8192);
        select_sql(k, &b);
        buf_puts(&b, " ORDER BY x.id, x.id");
        plain_sql[k] = reg_kinds[k].parent_col ? NULL : b.data; /* child records order by date */
        if (!plain_sql[k])
            buf_free(&b);
    }
}

int store_reg_each(ws *w, int k, const reg_filter *filters, int nfilters, const char *q, int64_t parent_id,
                   int (*cb)(const reg_rec *, void *), void *ctx, isms_err *err)
{
    const reg_kind *K = &reg_kinds[k];
    pthread_once(&plain_once, plain_build);
    if (!nfilters && !q && !parent_id && plain_sql[k]) {
        sqlite3_stmt *st;
        int rc = st_prepare(w, plain_sql[k], &st, err);
        if (rc)
            return rc;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            reg_rec r;
            read_row(k, st, NULL, &r);
            if (cb(&r, ctx))
                break;
        }
        st_release(w, st);
        return rc == SQLITE_ROW || rc == SQLITE_DONE ? ISMS_OK : st_error(w, rc, "listing a register", err);
    }
    buf sql;
    buf_init(&sql, 8192);
    select_sql(k, &sql);
    buf_puts(&sql, " WHERE 1");
    for (int i = 0; i < nfilters; i++) {
        int f = reg_field_index(k, filters[i].field);
        if (f < 0) {
            buf_free(&sql);
            return err_set(err, ISMS_EINVAL, "%.60s: not a field of the %s register", filters[i].field, K->entity);
        }
        buf_printf(&sql, " AND x.%s = ?", K->fields[f].name);
    }
    if (q)
        buf_printf(&sql, " AND instr(lower(x.%s), lower(?)) > 0", K->fields[K->label].name);
    if (K->parent_col && parent_id)
        buf_printf(&sql, " AND x.%s = ?", K->parent_col);
    /* child records read as a timeline: by their first date */
    const char *order = "id";
    for (int i = 0; K->parent_col && i < K->nfields; i++)
        if (K->fields[i].type == RF_DATE || K->fields[i].type == RF_TIME) {
            order = K->fields[i].name;
            break;
        }
    buf_printf(&sql, " ORDER BY x.%s, x.id", order);
    sqlite3_stmt *st;
    int rc = st_prepare(w, sql.data, &st, err);
    buf_free(&sql);
    if (rc)
        return rc;
    int c = 1;
    for (int i = 0; i < nfilters; i++)
        st_text(st, c++, filters[i].value);
    if (q)
        st_text(st, c++, q);
    if (K->parent_col && parent_id)
        sqlite3_bind_int64(st, c++, parent_id);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        reg_rec r;
        read_row(k, st, NULL, &r);
        if (cb(&r, ctx))
            break;
    }
    st_release(w, st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? ISMS_OK : st_error(w, rc, "listing a register", err);
}

/* --- the summary for readiness checks --- */

typedef struct sum_ctx {
    register_summary *s;
    const char *today;
    arena a;
    int k;
} sum_ctx;

static int has_problem(sum_ctx *c, const reg_rec *r, const char *needle)
{
    const char *p[8];
    int n = reg_problems(c->k, r, c->today, &c->a, p, 8);
    for (int i = 0; i < n; i++)
        if (!needle || strstr(p[i], needle))
            return 1;
    return 0;
}

static int sum_one(const reg_rec *r, void *p)
{
    sum_ctx *c = p;
    register_summary *s = c->s;
    int k = c->k;
    switch (k) {
    case REG_PERSON: {
        const char *end = reg_get(k, r, "end_date");
        int leaver = end && strcmp(end, c->today) <= 0;
        if (leaver) {
            s->leavers++;
            s->leavers_access_open += has_problem(c, r, "access");
        } else {
            s->people++;
            s->people_trained += reg_person_trained(r, c->today);
            s->people_missing_screening_or_terms += !reg_get(k, r, "screening_completed") || !reg_get(k, r, "terms_signed");
        }
        s->people_with_problems += has_problem(c, r, NULL);
        break;
    }
    case REG_SUPPLIER:
        s->suppliers++;
        s->suppliers_review_overdue += has_problem(c, r, "review overdue");
        s->suppliers_high_risk_no_clauses += has_problem(c, r, "without security clauses");
        s->suppliers_with_problems += has_problem(c, r, NULL);
        break;
    case REG_INCIDENT: {
        const char *st = reg_get(k, r, "status");
        s->incidents++;
        s->incidents_open += st && (!strcmp(st, "open") || !strcmp(st, "contained"));
        s->incidents_closed_no_lessons += st && !strcmp(st, "closed") && !reg_get(k, r, "lessons_learned");
        s->incidents_with_problems += has_problem(c, r, NULL);
        break;
    }
    case REG_OBJECTIVE: {
        int track = reg_objective_track(r);
        s->objectives++;
        s->objectives_measured += track != REG_NOT_MEASURED;
        s->objectives_off_track += track == REG_OFF_TRACK;
        s->objectives_with_problems += has_problem(c, r, NULL);
        break;
    }
    }
    arena_free(&c->a);
    return 0;
}

int store_register_summary(ws *w, const char *today, register_summary *out, isms_err *err)
{
    memset(out, 0, sizeof *out);
    if (!reg_date_valid(today))
        return err_set(err, ISMS_EINVAL, "today: '%.40s' is not a date (YYYY-MM-DD)", today ? today : "");
    static const int kinds[] = {REG_PERSON, REG_SUPPLIER, REG_INCIDENT, REG_OBJECTIVE};
    sum_ctx c = {.s = out, .today = today};
    arena_init(&c.a);
    int rc = ISMS_OK;
    for (int i = 0; i < 4 && !rc; i++) {
        c.k = kinds[i];
        rc = store_reg_each(w, kinds[i], NULL, 0, NULL, 0, sum_one, &c, err);
    }
    arena_free(&c.a);
    return rc;
}
