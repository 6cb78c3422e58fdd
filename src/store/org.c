/* Organization, scope, interested parties and the risk methodology (clause 4, 6.1.2). */
#include <stdio.h>
#include <string.h>

#include "store/internal.h"
#include "util/json.h"
#include "util/text.h"

int store_org_get(ws *w, arena *a, org *o, isms_err *err)
{
    sqlite3_stmt *st;
    int rc;
    memset(o, 0, sizeof *o);
    if ((rc = st_prepare(w, "SELECT name, scope, context, created_at FROM org WHERE id = 1", &st, err)))
        return rc;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        o->name = st_col(st, 0, a);
        o->scope = st_col(st, 1, a);
        o->context = st_col(st, 2, a);
        o->created_at = st_col(st, 3, a);
    }
    st_release(w, st);
    if (rc == SQLITE_DONE)
        return err_set(err, ISMS_ENOTFOUND,
                       "the workspace %s has no organization: initialise it with the organization's name", w->path);
    return rc == SQLITE_ROW ? ISMS_OK : st_error(w, rc, "reading the organization", err);
}

static int audit_org(ws *w, const char *action, const char *name, const char *scope, const char *context,
                     isms_err *err)
{
    buf b;
    buf_init(&b, 1 << 20);
    jw j;
    jw_init_buf(&j, &b);
    jw_obj(&j);
    if (name) jw_kstr(&j, "name", name);
    if (scope) jw_kstr(&j, "scope", scope);
    if (context) jw_kstr(&j, "context", context);
    jw_obj_end(&j);
    int rc = store_audit(w, action, "org", "1", NULL, b.data, err);
    buf_free(&b);
    return rc;
}

static int org_create(ws *w, const char *name, isms_err *err);

int store_org_create(ws *w, const char *name, isms_err *err)
{
    arena a;
    arena_init(&a);
    int rc = text_required(&a, &name, err, "name", "the organization needs a name");
    if (rc) {
        arena_free(&a);
        return rc;
    }
    rc = org_create(w, name, err);
    arena_free(&a);
    return rc;
}

static int org_create(ws *w, const char *name, isms_err *err)
{
    sqlite3_stmt *st;
    int rc;
    char now[32];
    store_now(now);
    if ((rc = st_prepare(w, "INSERT INTO org(id, name, created_at, updated_at) VALUES (1, ?, ?, ?)", &st, err)))
        return rc;
    st_text(st, 1, name);
    st_text(st, 2, now);
    st_text(st, 3, now);
    rc = sqlite3_step(st);
    st_release(w, st);
    if ((rc & 0xff) == SQLITE_CONSTRAINT)
        return err_set(err, ISMS_ECONFLICT, "the workspace %s is already initialised", w->path);
    if (rc != SQLITE_DONE)
        return st_error(w, rc, "creating the organization", err);
    return audit_org(w, "create", name, NULL, NULL, err);
}

static int org_update(ws *w, const char *name, const char *scope, const char *context, isms_err *err);

int store_org_update(ws *w, const char *name, const char *scope, const char *context, isms_err *err)
{
    arena a;
    arena_init(&a);
    int rc = name ? text_required(&a, &name, err, "name", "the organization's name cannot be blank") : ISMS_OK;
    scope = text_trim(&a, scope);
    context = text_trim(&a, context);
    if (!rc)
        rc = org_update(w, name, scope, context, err);
    arena_free(&a);
    return rc;
}

static int org_update(ws *w, const char *name, const char *scope, const char *context, isms_err *err)
{
    sqlite3_stmt *st;
    int rc;
    char now[32];
    store_now(now);
    /* NULL keeps a field, "" (a blank value, trimmed) clears it */
    if ((rc = st_prepare(w,
                         "UPDATE org SET name = coalesce(?1, name), "
                         "scope = CASE WHEN ?2 IS NULL THEN scope WHEN ?2 = '' THEN NULL ELSE ?2 END, "
                         "context = CASE WHEN ?3 IS NULL THEN context WHEN ?3 = '' THEN NULL ELSE ?3 END, "
                         "updated_at = ?4 WHERE id = 1",
                         &st, err)))
        return rc;
    st_text(st, 1, name);
    st_text(st, 2, scope);
    st_text(st, 3, context);
    st_text(st, 4, now);
    rc = sqlite3_step(st);
    st_release(w, st);
    if (rc != SQLITE_DONE)
        return st_error(w, rc, "updating the organization", err);
    if (sqlite3_changes(w->db) == 0)
        return err_set(err, ISMS_ENOTFOUND,
                       "the workspace has no organization: initialise it with the organization's name");
    return audit_org(w, "update", name, scope, context, err);
}

static int scope_add(ws *w, const scope_item *s, int64_t *id, isms_err *err);

int store_scope_add(ws *w, const scope_item *in, int64_t *id, isms_err *err)
{
    arena a;
    arena_init(&a);
    scope_item s = *in;
    s.kind = text_trim(&a, s.kind ? s.kind : "");
    text_optional(&a, &s.note);
    int rc = text_required(&a, &s.name, err, "name", "a scope item needs a name");
    if (!rc)
        rc = scope_add(w, &s, id, err);
    arena_free(&a);
    return rc;
}

static int scope_add(ws *w, const scope_item *s, int64_t *id, isms_err *err)
{
    sqlite3_stmt *st;
    int rc;
    if (strcmp(s->kind, "unit") && strcmp(s->kind, "location") && strcmp(s->kind, "system"))
        return err_field(err, ISMS_EINVAL, "kind", "kind must be one of unit, location, system, not '%.40s'", s->kind);
    if ((rc = st_prepare(w, "INSERT INTO scope_item(kind, name, in_scope, note) VALUES (?,?,?,?)", &st, err)))
        return rc;
    st_text(st, 1, s->kind);
    st_text(st, 2, s->name);
    sqlite3_bind_int(st, 3, s->in_scope ? 1 : 0);
    st_text(st, 4, s->note);
    rc = sqlite3_step(st);
    st_release(w, st);
    if ((rc & 0xff) == SQLITE_CONSTRAINT)
        return err_set(err, ISMS_ECONFLICT, "the %s '%s' is already in the scope register", s->kind, s->name);
    if (rc != SQLITE_DONE)
        return st_error(w, rc, "adding a scope item", err);
    *id = sqlite3_last_insert_rowid(w->db);
    buf b;
    buf_init(&b, 1 << 20);
    jw j;
    jw_init_buf(&j, &b);
    jw_obj(&j);
    jw_kstr(&j, "kind", s->kind);
    jw_kstr(&j, "name", s->name);
    jw_kbool(&j, "in_scope", s->in_scope);
    jw_kstr(&j, "note", s->note);
    jw_obj_end(&j);
    char ids[24];
    snprintf(ids, sizeof ids, "%lld", (long long)*id);
    rc = store_audit(w, "create", "scope_item", ids, NULL, b.data, err);
    buf_free(&b);
    return rc;
}

static int delete_by_id(ws *w, const char *table, const char *what, int64_t id, isms_err *err)
{
    sqlite3_stmt *st;
    int rc;
    char sql[96];
    snprintf(sql, sizeof sql, "DELETE FROM %s WHERE id = ?", table); /* table is a constant of ours */
    char ids[24];
    snprintf(ids, sizeof ids, "%lld", (long long)id);
    arena a;
    arena_init(&a);
    char *before = st_row_json(w, table, "id", ids, &a); /* the audit log keeps what was removed */
    if ((rc = st_prepare(w, sql, &st, err))) {
        arena_free(&a);
        return rc;
    }
    sqlite3_bind_int64(st, 1, id);
    rc = sqlite3_step(st);
    st_release(w, st);
    if (rc != SQLITE_DONE)
        rc = st_error(w, rc, what, err);
    else if (sqlite3_changes(w->db) == 0)
        rc = err_set(err, ISMS_ENOTFOUND, "%s: no %s with id %lld", what, table, (long long)id);
    else
        rc = store_audit(w, "delete", table, ids, before, NULL, err);
    arena_free(&a);
    return rc;
}

int store_scope_remove(ws *w, int64_t id, isms_err *err)
{
    return delete_by_id(w, "scope_item", "removing a scope item", id, err);
}

int store_scope_list(ws *w, arena *a, scope_item **out, size_t *n, isms_err *err)
{
    sqlite3_stmt *st;
    int rc;
    size_t cap = 16, cnt = 0;
    scope_item *arr = arena_alloc(a, cap * sizeof *arr);
    if ((rc = st_prepare(w, "SELECT id, kind, name, in_scope, note FROM scope_item ORDER BY in_scope DESC, kind, name",
                         &st, err)))
        return rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (cnt == cap) {
            scope_item *na = arena_alloc(a, cap * 2 * sizeof *na);
            memcpy(na, arr, cnt * sizeof *na);
            arr = na;
            cap *= 2;
        }
        arr[cnt++] = (scope_item){sqlite3_column_int64(st, 0), st_col(st, 1, a), st_col(st, 2, a),
                                  sqlite3_column_int(st, 3), st_col(st, 4, a)};
    }
    st_release(w, st);
    *out = arr;
    *n = cnt;
    return rc == SQLITE_DONE ? ISMS_OK : st_error(w, rc, "reading the scope", err);
}

static int party_add(ws *w, const party *p, int64_t *id, isms_err *err);

int store_party_add(ws *w, const party *in, int64_t *id, isms_err *err)
{
    arena a;
    arena_init(&a);
    party p = *in;
    text_optional(&a, &p.requirements);
    int rc = text_required(&a, &p.name, err, "name", "an interested party needs a name");
    if (!rc)
        rc = party_add(w, &p, id, err);
    arena_free(&a);
    return rc;
}

static int party_add(ws *w, const party *p, int64_t *id, isms_err *err)
{
    sqlite3_stmt *st;
    int rc;
    if ((rc = st_prepare(w, "INSERT INTO party(name, requirements) VALUES (?,?)", &st, err)))
        return rc;
    st_text(st, 1, p->name);
    st_text(st, 2, p->requirements);
    rc = sqlite3_step(st);
    st_release(w, st);
    if ((rc & 0xff) == SQLITE_CONSTRAINT)
        return err_set(err, ISMS_ECONFLICT, "the interested party '%s' is already recorded", p->name);
    if (rc != SQLITE_DONE)
        return st_error(w, rc, "adding an interested party", err);
    *id = sqlite3_last_insert_rowid(w->db);
    buf b;
    buf_init(&b, 1 << 20);
    jw j;
    jw_init_buf(&j, &b);
    jw_obj(&j);
    jw_kstr(&j, "name", p->name);
    jw_kstr(&j, "requirements", p->requirements);
    jw_obj_end(&j);
    char ids[24];
    snprintf(ids, sizeof ids, "%lld", (long long)*id);
    rc = store_audit(w, "create", "party", ids, NULL, b.data, err);
    buf_free(&b);
    return rc;
}

int store_party_remove(ws *w, int64_t id, isms_err *err)
{
    return delete_by_id(w, "party", "removing an interested party", id, err);
}

int store_party_list(ws *w, arena *a, party **out, size_t *n, isms_err *err)
{
    sqlite3_stmt *st;
    int rc;
    size_t cap = 16, cnt = 0;
    party *arr = arena_alloc(a, cap * sizeof *arr);
    if ((rc = st_prepare(w, "SELECT id, name, requirements FROM party ORDER BY name", &st, err)))
        return rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (cnt == cap) {
            party *na = arena_alloc(a, cap * 2 * sizeof *na);
            memcpy(na, arr, cnt * sizeof *na);
            arr = na;
            cap *= 2;
        }
        arr[cnt++] = (party){sqlite3_column_int64(st, 0), st_col(st, 1, a), st_col(st, 2, a)};
    }
    st_release(w, st);
    *out = arr;
    *n = cnt;
    return rc == SQLITE_DONE ? ISMS_OK : st_error(w, rc, "reading interested parties", err);
}

/* Labels are stored '|'-separated. */
static void labels_join(char labels[][32], int n, char *out, size_t outsz)
{
    size_t off = 0;
    out[0] = '\0';
    for (int i = 0; i < n; i++)
        off += (size_t)snprintf(out + off, off < outsz ? outsz - off : 0, "%s%s", i ? "|" : "", labels[i]);
}

static void labels_split(const char *s, char labels[][32], int n)
{
    for (int i = 0; i < n; i++) {
        const char *bar = s ? strchr(s, '|') : NULL;
        size_t len = s ? (bar ? (size_t)(bar - s) : strlen(s)) : 0;
        snprintf(labels[i], 32, "%.*s", (int)(len > 31 ? 31 : len), s ? s : "");
        s = bar ? bar + 1 : NULL;
    }
}

int store_method_get(ws *w, risk_method *m, int *confirmed, isms_err *err)
{
    sqlite3_stmt *st;
    int rc;
    risk_method_default(m);
    if (confirmed)
        *confirmed = 0;
    if ((rc = st_prepare(w,
                         "SELECT likelihood_levels, impact_levels, low_max, medium_max, high_max, appetite, "
                         "likelihood_labels, impact_labels FROM method WHERE id = 1",
                         &st, err)))
        return rc;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        m->likelihood_levels = sqlite3_column_int(st, 0);
        m->impact_levels = sqlite3_column_int(st, 1);
        m->low_max = sqlite3_column_int(st, 2);
        m->medium_max = sqlite3_column_int(st, 3);
        m->high_max = sqlite3_column_int(st, 4);
        m->appetite = sqlite3_column_int(st, 5);
        labels_split((const char *)sqlite3_column_text(st, 6), m->likelihood_labels, m->likelihood_levels);
        labels_split((const char *)sqlite3_column_text(st, 7), m->impact_labels, m->impact_levels);
        if (confirmed)
            *confirmed = 1;
    }
    st_release(w, st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? ISMS_OK : st_error(w, rc, "reading the methodology", err);
}

int store_method_set(ws *w, const risk_method *m, isms_err *err)
{
    int rc = risk_method_validate(m, err);
    if (rc)
        return rc;
    sqlite3_stmt *st;
    if ((rc = st_prepare(w,
                         "SELECT count(*) FROM risk WHERE likelihood > ?1 OR impact > ?2 "
                         "OR residual_likelihood > ?1 OR residual_impact > ?2",
                         &st, err)))
        return rc;
    sqlite3_bind_int(st, 1, m->likelihood_levels);
    sqlite3_bind_int(st, 2, m->impact_levels);
    long outside = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    st_release(w, st);
    if (outside)
        return err_set(err, ISMS_ECONFLICT,
                       "%ld risk(s) are rated above the new %dx%d scales: re-rate them before shrinking the scales",
                       outside, m->likelihood_levels, m->impact_levels);
    char ll[200], il[200], now[32];
    labels_join((char(*)[32])m->likelihood_labels, m->likelihood_levels, ll, sizeof ll);
    labels_join((char(*)[32])m->impact_labels, m->impact_levels, il, sizeof il);
    store_now(now);
    if ((rc = st_prepare(w,
                         "INSERT OR REPLACE INTO method(id, likelihood_levels, impact_levels, low_max, medium_max, "
                         "high_max, appetite, likelihood_labels, impact_labels, updated_at) "
                         "VALUES (1,?,?,?,?,?,?,?,?,?)",
                         &st, err)))
        return rc;
    sqlite3_bind_int(st, 1, m->likelihood_levels);
    sqlite3_bind_int(st, 2, m->impact_levels);
    sqlite3_bind_int(st, 3, m->low_max);
    sqlite3_bind_int(st, 4, m->medium_max);
    sqlite3_bind_int(st, 5, m->high_max);
    sqlite3_bind_int(st, 6, m->appetite);
    st_text(st, 7, ll);
    st_text(st, 8, il);
    st_text(st, 9, now);
    rc = sqlite3_step(st);
    st_release(w, st);
    if (rc != SQLITE_DONE)
        return st_error(w, rc, "saving the methodology", err);
    buf b;
    buf_init(&b, 1 << 16);
    jw j;
    jw_init_buf(&j, &b);
    jw_obj(&j);
    jw_kint(&j, "likelihood_levels", m->likelihood_levels);
    jw_kint(&j, "impact_levels", m->impact_levels);
    jw_kint(&j, "low_max", m->low_max);
    jw_kint(&j, "medium_max", m->medium_max);
    jw_kint(&j, "high_max", m->high_max);
    jw_kint(&j, "appetite", m->appetite);
    jw_kstr(&j, "likelihood_labels", ll);
    jw_kstr(&j, "impact_labels", il);
    jw_obj_end(&j);
    rc = store_audit(w, "update", "method", "1", NULL, b.data, err);
    buf_free(&b);
    return rc;
}
