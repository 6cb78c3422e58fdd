/* Internal audits, their findings, and corrective and review actions (9.2, 10.2). */
#include <stdio.h>
#include <string.h>

#include "core/cycle.h"
#include "core/risk.h"
#include "store/internal.h"
#include "util/json.h"
#include "util/text.h"

#define TEXT_MAX 20000

char *st_row_json(ws *w, const char *table, const char *key_col, const char *key, arena *a)
{
    sqlite3_stmt *st;
    isms_err e = {0};
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT * FROM %s WHERE %s = ?", table, key_col); /* our constants */
    if (st_prepare(w, sql, &st, &e))
        return NULL;
    st_text(st, 1, key);
    char *out = NULL;
    if (sqlite3_step(st) == SQLITE_ROW) {
        buf b;
        buf_init(&b, 4 << 20);
        jw j;
        jw_init_buf(&j, &b);
        jw_obj(&j);
        for (int i = 0; i < sqlite3_column_count(st); i++) {
            const char *name = sqlite3_column_name(st, i);
            switch (sqlite3_column_type(st, i)) {
            case SQLITE_NULL: jw_key(&j, name); jw_null(&j); break;
            case SQLITE_INTEGER: jw_kint(&j, name, sqlite3_column_int64(st, i)); break;
            default: jw_kstr(&j, name, (const char *)sqlite3_column_text(st, i)); break;
            }
        }
        jw_obj_end(&j);
        out = b.data ? arena_strdup(a, b.data) : NULL;
        buf_free(&b);
    }
    st_release(w, st);
    return out;
}

int st_audit_row(ws *w, const char *action, const char *table, const char *key_col, const char *key,
                 const char *before, arena *a, isms_err *err)
{
    const char *after = strcmp(action, "delete") ? st_row_json(w, table, key_col, key, a) : NULL;
    return store_audit(w, action, table, key, before, after, err);
}

/* Trim *s (into a) and refuse it when blank or over the cap: the input field `field`, which the
 * message calls `what`. */
static int need_text(arena *a, const char *field, const char *what, const char **s, isms_err *err)
{
    int rc = text_required(a, s, err, field, "%s is required", what);
    if (rc)
        return rc;
    if (strlen(*s) > TEXT_MAX)
        return err_field(err, ISMS_EINVAL, field, "%s is longer than %d characters", what, TEXT_MAX);
    return ISMS_OK;
}

static int need_date(const char *field, const char *what, const char *s, isms_err *err)
{
    if (!s || !risk_date_valid(s))
        return err_field(err, ISMS_EINVAL, field, "%s '%s' is not a date (YYYY-MM-DD)", what, s ? s : "");
    return ISMS_OK;
}

static const char *idstr(arena *a, int64_t id)
{
    return arena_sprintf(a, "%lld", (long long)id);
}

/* Applicable flags per control, for "annex-a" in a scope. */
static int applicable_flags(ws *w, int *flags, isms_err *err)
{
    size_t n;
    const catalog_control *co = catalog_controls(&n);
    for (size_t i = 0; i < n; i++)
        flags[i] = 1;
    sqlite3_stmt *st;
    int rc = st_prepare(w, "SELECT control_id FROM soa WHERE applicable = 0", &st, err);
    if (rc)
        return rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int i = catalog_control_index((const char *)sqlite3_column_text(st, 0));
        if (i >= 0)
            flags[i] = 0;
    }
    st_release(w, st);
    (void)co;
    return rc == SQLITE_DONE ? ISMS_OK : st_error(w, rc, "reading the SoA", err);
}

int store_audit_plan(ws *w, audit_rec *x, arena *ar, isms_err *err)
{
    int rc;
    if ((rc = need_text(ar, "title", "the audit title", &x->title, err)) ||
        (rc = need_text(ar, "criteria", "the audit criteria", &x->criteria, err)) ||
        (rc = need_text(ar, "auditor", "the auditor", &x->auditor, err)) ||
        (rc = need_date("start_date", "start date", x->start_date, err)) ||
        (rc = need_date("end_date", "end date", x->end_date, err)))
        return rc;
    if (strcmp(x->end_date, x->start_date) < 0)
        return err_set(err, ISMS_EINVAL, "the audit ends (%s) before it starts (%s)", x->end_date, x->start_date);
    int flags[CATALOG_NCONTROLS];
    const char **items;
    size_t n;
    if ((rc = applicable_flags(w, flags, err)) || (rc = cycle_scope_parse(x->scope, flags, ar, &items, &n, err)))
        return rc;
    /* Independence (9.2.2 c) is core's rule; the store reads who owns each control in scope. */
    sqlite3_stmt *st;
    if ((rc = st_prepare(w, "SELECT owner FROM soa WHERE control_id = ?", &st, err)))
        return rc;
    const char **owners = arena_alloc(ar, (n ? n : 1) * sizeof *owners);
    size_t len = 0;
    for (size_t i = 0; i < n; i++) {
        len += strlen(items[i]) + 1;
        owners[i] = NULL;
        if (items[i][0] != 'A')
            continue;
        sqlite3_reset(st);
        st_text(st, 1, items[i]);
        if (sqlite3_step(st) == SQLITE_ROW)
            owners[i] = st_col(st, 0, ar);
    }
    st_release(w, st);
    if ((rc = cycle_auditor_independent(x->auditor, items, owners, n, err)))
        return rc;
    char *scope = arena_alloc(ar, len + 1);
    scope[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        if (i)
            strcat(scope, ",");
        strcat(scope, items[i]);
    }
    x->scope = scope;
    char now[32];
    store_now(now);
    if ((rc = st_prepare(w,
                         "INSERT INTO audit(title, scope, criteria, auditor, start_date, end_date, status, created_at,"
                         " updated_at) VALUES (?,?,?,?,?,?,'planned',?,?)",
                         &st, err)))
        return rc;
    const char *v[] = {x->title, x->scope, x->criteria, x->auditor, x->start_date, x->end_date, now, now};
    for (int i = 0; i < 8; i++)
        st_text(st, i + 1, v[i]);
    rc = sqlite3_step(st);
    st_release(w, st);
    if (rc != SQLITE_DONE)
        return st_error(w, rc, "planning the audit", err);
    x->id = sqlite3_last_insert_rowid(w->db);
    x->status = "planned";
    return st_audit_row(w, "create", "audit", "id", idstr(ar, x->id), NULL, ar, err);
}

static void audit_row(sqlite3_stmt *st, arena *a, audit_rec *x)
{
    *x = (audit_rec){sqlite3_column_int64(st, 0), st_col(st, 1, a), st_col(st, 2, a), st_col(st, 3, a),
                     st_col(st, 4, a), st_col(st, 5, a), st_col(st, 6, a), st_col(st, 7, a), st_col(st, 8, a),
                     st_col(st, 9, a), (long)sqlite3_column_int64(st, 10)};
}

#define AUDIT_COLS                                                                                             \
    "SELECT id, title, scope, criteria, auditor, start_date, end_date, status, completed_on, summary, "        \
    "(SELECT count(*) FROM finding f WHERE f.audit_id = audit.id) FROM audit "

int store_audit_get(ws *w, int64_t id, arena *a, audit_rec *out, isms_err *err)
{
    sqlite3_stmt *st;
    int rc = st_prepare(w, AUDIT_COLS "WHERE id = ?", &st, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, id);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        audit_row(st, a, out);
    st_release(w, st);
    if (rc == SQLITE_DONE)
        return err_set(err, ISMS_ENOTFOUND, "no internal audit with id %lld", (long long)id);
    return rc == SQLITE_ROW ? ISMS_OK : st_error(w, rc, "reading the audit", err);
}

int store_audit_list(ws *w, arena *a, audit_rec **out, size_t *n, isms_err *err)
{
    sqlite3_stmt *st;
    int rc = st_prepare(w, AUDIT_COLS "ORDER BY start_date, id", &st, err);
    if (rc)
        return rc;
    size_t cap = 8, k = 0;
    audit_rec *arr = arena_alloc(a, cap * sizeof *arr);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (k == cap) {
            audit_rec *na = arena_alloc(a, cap * 2 * sizeof *na);
            memcpy(na, arr, k * sizeof *na);
            arr = na;
            cap *= 2;
        }
        audit_row(st, a, &arr[k++]);
    }
    st_release(w, st);
    *out = arr;
    *n = k;
    return rc == SQLITE_DONE ? ISMS_OK : st_error(w, rc, "reading audits", err);
}

int store_audit_complete(ws *w, int64_t id, const char *summary, const char *on, isms_err *err)
{
    arena a;
    arena_init(&a);
    audit_rec x;
    int rc = store_audit_get(w, id, &a, &x, err);
    if (!rc)
        rc = need_text(&a, "summary", "a summary of the audit results", &summary, err);
    if (!rc)
        rc = need_date("date", "completion date", on, err);
    if (!rc && !strcmp(x.status, "completed"))
        rc = err_set(err, ISMS_ECONFLICT, "audit %lld was already completed on %s", (long long)id, x.completed_on);
    if (!rc && strcmp(on, x.start_date) < 0)
        rc = err_set(err, ISMS_EINVAL, "audit %lld cannot be completed on %s, before it starts (%s)", (long long)id, on,
                     x.start_date);
    const char *key = idstr(&a, id);
    char *before = rc ? NULL : st_row_json(w, "audit", "id", key, &a);
    sqlite3_stmt *st;
    if (!rc && !(rc = st_prepare(w,
                                 "UPDATE audit SET status = 'completed', completed_on = ?, summary = ?, updated_at = ? "
                                 "WHERE id = ?",
                                 &st, err))) {
        char now[32];
        store_now(now);
        st_text(st, 1, on);
        st_text(st, 2, summary);
        st_text(st, 3, now);
        sqlite3_bind_int64(st, 4, id);
        int s = sqlite3_step(st);
        st_release(w, st);
        rc = s == SQLITE_DONE ? st_audit_row(w, "update", "audit", "id", key, before, &a, err)
                              : st_error(w, s, "completing the audit", err);
    }
    arena_free(&a);
    return rc;
}

static int finding_add(ws *w, finding_rec *f, isms_err *err);

int store_finding_add(ws *w, finding_rec *in, isms_err *err)
{
    arena a;
    arena_init(&a);
    finding_rec f = *in;
    text_optional(&a, &f.evidence);
    int rc = need_text(&a, "description", "the finding's description", &f.description, err);
    if (!rc)
        rc = finding_add(w, &f, err);
    in->id = f.id;
    in->ref = f.ref;
    arena_free(&a);
    return rc;
}

static int finding_add(ws *w, finding_rec *f, isms_err *err)
{
    int rc;
    if (!cycle_finding_type_valid(f->type))
        return err_set(err, ISMS_EINVAL, "finding type '%s' is not major, minor, observation or improvement",
                       f->type ? f->type : "");
    if (f->evidence && strlen(f->evidence) > TEXT_MAX)
        return err_set(err, ISMS_EINVAL, "the evidence text is longer than %d characters", TEXT_MAX);
    char ref[32];
    if ((rc = cycle_ref_normalize(f->ref, ref, sizeof ref, err)))
        return rc;
    arena a;
    arena_init(&a);
    audit_rec x;
    if ((rc = store_audit_get(w, f->audit_id, &a, &x, err))) {
        arena_free(&a);
        return rc;
    }
    if (!strcmp(x.status, "completed")) {
        arena_free(&a);
        return err_set(err, ISMS_ECONFLICT,
                       "audit %lld is completed: its findings are closed records (plan a follow-up audit)",
                       (long long)f->audit_id);
    }
    char now[32];
    store_now(now);
    sqlite3_stmt *st;
    if (!(rc = st_prepare(w,
                          "INSERT INTO finding(audit_id, type, ref, description, evidence, created_at) "
                          "VALUES (?,?,?,?,?,?)",
                          &st, err))) {
        sqlite3_bind_int64(st, 1, f->audit_id);
        st_text(st, 2, f->type);
        st_text(st, 3, ref);
        st_text(st, 4, f->description);
        st_text(st, 5, f->evidence);
        st_text(st, 6, now);
        int s = sqlite3_step(st);
        st_release(w, st);
        if (s != SQLITE_DONE)
            rc = st_error(w, s, "recording the finding", err);
        else {
            f->id = sqlite3_last_insert_rowid(w->db);
            f->ref = NULL;
            rc = st_audit_row(w, "create", "finding", "id", idstr(&a, f->id), NULL, &a, err);
        }
    }
    arena_free(&a);
    return rc;
}

int store_finding_list(ws *w, int64_t audit_id, arena *a, finding_rec **out, size_t *n, isms_err *err)
{
    sqlite3_stmt *st;
    int rc = st_prepare(w,
                        "SELECT id, audit_id, type, ref, description, evidence, created_at, "
                        "(SELECT count(*) FROM action x WHERE x.finding_id = finding.id), "
                        "(SELECT count(*) FROM action x WHERE x.finding_id = finding.id AND x.status = 'closed') "
                        "FROM finding WHERE ?1 = 0 OR audit_id = ?1 ORDER BY id",
                        &st, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, audit_id);
    size_t cap = 8, k = 0;
    finding_rec *arr = arena_alloc(a, cap * sizeof *arr);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (k == cap) {
            finding_rec *na = arena_alloc(a, cap * 2 * sizeof *na);
            memcpy(na, arr, k * sizeof *na);
            arr = na;
            cap *= 2;
        }
        arr[k++] = (finding_rec){sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1), st_col(st, 2, a),
                                 st_col(st, 3, a), st_col(st, 4, a), st_col(st, 5, a), st_col(st, 6, a),
                                 (long)sqlite3_column_int64(st, 7), (long)sqlite3_column_int64(st, 8)};
    }
    st_release(w, st);
    *out = arr;
    *n = k;
    return rc == SQLITE_DONE ? ISMS_OK : st_error(w, rc, "reading findings", err);
}

static int action_add(ws *w, action_rec *x, isms_err *err);

int store_action_add(ws *w, action_rec *in, isms_err *err)
{
    /* Texts are stored trimmed; a blank root cause is no root cause. */
    arena a;
    arena_init(&a);
    action_rec x = *in;
    text_optional(&a, &x.root_cause);
    int rc = need_text(&a, "actions", "the actions to take", &x.description, err);
    if (!rc)
        rc = need_text(&a, "owner", "the owner", &x.owner, err);
    if (!rc)
        rc = action_add(w, &x, err);
    in->id = x.id;
    arena_free(&a);
    return rc;
}

static int action_add(ws *w, action_rec *x, isms_err *err)
{
    int rc;
    if ((rc = need_date("due_date", "due date", x->due_date, err)))
        return rc;
    if ((x->finding_id > 0) == (x->review_id > 0))
        return err_field(err, ISMS_EINVAL, "finding", "an action follows either a finding or a management review");
    if (x->root_cause && strlen(x->root_cause) > TEXT_MAX)
        return err_set(err, ISMS_EINVAL, "the root cause is longer than %d characters", TEXT_MAX);
    sqlite3_stmt *st;
    if (x->finding_id > 0) {
        if ((rc = st_prepare(w, "SELECT type FROM finding WHERE id = ?", &st, err)))
            return rc;
        sqlite3_bind_int64(st, 1, x->finding_id);
        int s = sqlite3_step(st);
        int nc = s == SQLITE_ROW && cycle_finding_is_nc((const char *)sqlite3_column_text(st, 0));
        st_release(w, st);
        if (s != SQLITE_ROW)
            return err_field(err, ISMS_ENOTFOUND, "finding", "no finding with id %lld", (long long)x->finding_id);
        /* 10.2 b: a nonconformity's action must rest on its cause, not only on the symptom. */
        if (nc && text_blank(x->root_cause))
            return err_field(err, ISMS_EINVAL, "root_cause",
                             "finding %lld is a nonconformity: its corrective action needs a root cause (10.2 b)",
                             (long long)x->finding_id);
    } else {
        if ((rc = st_prepare(w, "SELECT 1 FROM review WHERE id = ?", &st, err)))
            return rc;
        sqlite3_bind_int64(st, 1, x->review_id);
        int s = sqlite3_step(st);
        st_release(w, st);
        if (s != SQLITE_ROW)
            return err_field(err, ISMS_ENOTFOUND, "review", "no management review with id %lld",
                             (long long)x->review_id);
    }
    char now[32];
    store_now(now);
    if ((rc = st_prepare(w,
                         "INSERT INTO action(finding_id, review_id, description, root_cause, owner, due_date, status,"
                         " created_at, updated_at) VALUES (?,?,?,?,?,?,'open',?,?)",
                         &st, err)))
        return rc;
    if (x->finding_id > 0)
        sqlite3_bind_int64(st, 1, x->finding_id);
    if (x->review_id > 0)
        sqlite3_bind_int64(st, 2, x->review_id);
    st_text(st, 3, x->description);
    st_text(st, 4, x->root_cause);
    st_text(st, 5, x->owner);
    st_text(st, 6, x->due_date);
    st_text(st, 7, now);
    st_text(st, 8, now);
    int s = sqlite3_step(st);
    st_release(w, st);
    if (s != SQLITE_DONE)
        return st_error(w, s, "adding the action", err);
    x->id = sqlite3_last_insert_rowid(w->db);
    arena a;
    arena_init(&a);
    rc = st_audit_row(w, "create", "action", "id", idstr(&a, x->id), NULL, &a, err);
    arena_free(&a);
    return rc;
}

static int action_state(ws *w, int64_t id, char status[16], int *corrective, char due[11], isms_err *err)
{
    sqlite3_stmt *st;
    int rc = st_prepare(w, "SELECT status, finding_id IS NOT NULL, due_date FROM action WHERE id = ?", &st, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, id);
    int s = sqlite3_step(st);
    if (s == SQLITE_ROW) {
        snprintf(status, 16, "%s", (const char *)sqlite3_column_text(st, 0));
        *corrective = sqlite3_column_int(st, 1);
        snprintf(due, 11, "%s", (const char *)sqlite3_column_text(st, 2));
    }
    st_release(w, st);
    if (s == SQLITE_DONE)
        return err_set(err, ISMS_ENOTFOUND, "no action with id %lld", (long long)id);
    return s == SQLITE_ROW ? ISMS_OK : st_error(w, s, "reading the action", err);
}

static int action_update(ws *w, int64_t id, const char *sql, const char *const *vals, int nvals, isms_err *err)
{
    arena a;
    arena_init(&a);
    const char *key = idstr(&a, id);
    char *before = st_row_json(w, "action", "id", key, &a);
    sqlite3_stmt *st;
    int rc = st_prepare(w, sql, &st, err);
    if (!rc) {
        for (int i = 0; i < nvals; i++)
            st_text(st, i + 1, vals[i]);
        sqlite3_bind_int64(st, nvals + 1, id);
        int s = sqlite3_step(st);
        st_release(w, st);
        rc = s == SQLITE_DONE ? st_audit_row(w, "update", "action", "id", key, before, &a, err)
                              : st_error(w, s, "updating the action", err);
    }
    arena_free(&a);
    return rc;
}

int store_action_implemented(ws *w, int64_t id, const char *on, isms_err *err)
{
    char status[16], due[11], now[32];
    int corrective, rc;
    if ((rc = need_date("date", "date", on, err)) || (rc = action_state(w, id, status, &corrective, due, err)))
        return rc;
    const char *next;
    if ((rc = cycle_action_step(id, status, corrective, CYCLE_ACTION_DONE, &next, err)))
        return rc;
    store_now(now);
    const char *vals[] = {next, on, strcmp(next, "closed") ? NULL : on, now};
    return action_update(w, id,
                         "UPDATE action SET status = ?, implemented_on = ?, closed_on = ?, updated_at = ? WHERE id = ?",
                         vals, 4, err);
}

static int action_verify(ws *w, int64_t id, int effective, const char *note, const char *by, const char *on,
                         isms_err *err);

int store_action_verify(ws *w, int64_t id, int effective, const char *note, const char *by, const char *on,
                        isms_err *err)
{
    arena a;
    arena_init(&a);
    int rc = need_date("date", "date", on, err);
    if (!rc)
        rc = need_text(&a, "note", "a note describing the effectiveness check", &note, err);
    if (!rc)
        rc = need_text(&a, "by", "the name of who checked it", &by, err);
    if (!rc)
        rc = action_verify(w, id, effective, note, by, on, err);
    arena_free(&a);
    return rc;
}

static int action_verify(ws *w, int64_t id, int effective, const char *note, const char *by, const char *on,
                         isms_err *err)
{
    char status[16], due[11], now[32];
    int corrective, rc;
    if ((rc = action_state(w, id, status, &corrective, due, err)))
        return rc;
    const char *next;
    if ((rc = cycle_action_step(id, status, corrective,
                                effective ? CYCLE_ACTION_EFFECTIVE : CYCLE_ACTION_NOT_EFFECTIVE, &next, err)))
        return rc;
    store_now(now);
    if (effective) {
        const char *vals[] = {note, by, on, now};
        return action_update(w, id,
                             "UPDATE action SET status = 'closed', effectiveness = ?, verified_by = ?, closed_on = ?,"
                             " updated_at = ? WHERE id = ?",
                             vals, 4, err);
    }
    /* Not effective: the nonconformity stays open and the action goes back to its owner. */
    const char *vals[] = {note, by, now};
    return action_update(w, id,
                         "UPDATE action SET status = 'open', implemented_on = NULL, effectiveness = 'not effective: ' || ?,"
                         " verified_by = ?, updated_at = ? WHERE id = ?",
                         vals, 3, err);
}

int store_action_list(ws *w, int open_only, arena *a, action_rec **out, size_t *n, isms_err *err)
{
    sqlite3_stmt *st;
    int rc = st_prepare(w,
                        "SELECT x.id, coalesce(x.finding_id, 0), coalesce(x.review_id, 0), x.description, x.root_cause,"
                        " x.owner, x.due_date, x.status, x.implemented_on, x.effectiveness, x.verified_by, x.closed_on,"
                        " f.type, f.ref FROM action x LEFT JOIN finding f ON f.id = x.finding_id"
                        " WHERE ?1 = 0 OR x.status <> 'closed' ORDER BY x.due_date, x.id",
                        &st, err);
    if (rc)
        return rc;
    sqlite3_bind_int(st, 1, open_only);
    size_t cap = 8, k = 0;
    action_rec *arr = arena_alloc(a, cap * sizeof *arr);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (k == cap) {
            action_rec *na = arena_alloc(a, cap * 2 * sizeof *na);
            memcpy(na, arr, k * sizeof *na);
            arr = na;
            cap *= 2;
        }
        arr[k++] = (action_rec){sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1), sqlite3_column_int64(st, 2),
                                st_col(st, 3, a), st_col(st, 4, a), st_col(st, 5, a), st_col(st, 6, a),
                                st_col(st, 7, a), st_col(st, 8, a), st_col(st, 9, a), st_col(st, 10, a),
                                st_col(st, 11, a), st_col(st, 12, a), st_col(st, 13, a)};
    }
    st_release(w, st);
    *out = arr;
    *n = k;
    return rc == SQLITE_DONE ? ISMS_OK : st_error(w, rc, "reading actions", err);
}

int store_action_get(ws *w, int64_t id, arena *a, action_rec *out, isms_err *err)
{
    sqlite3_stmt *st;
    int rc = st_prepare(w,
                        "SELECT x.id, coalesce(x.finding_id, 0), coalesce(x.review_id, 0), x.description, x.root_cause,"
                        " x.owner, x.due_date, x.status, x.implemented_on, x.effectiveness, x.verified_by, x.closed_on,"
                        " f.type, f.ref FROM action x LEFT JOIN finding f ON f.id = x.finding_id WHERE x.id = ?1",
                        &st, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, id);
    if ((rc = sqlite3_step(st)) == SQLITE_ROW)
        *out = (action_rec){sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1), sqlite3_column_int64(st, 2),
                            st_col(st, 3, a), st_col(st, 4, a), st_col(st, 5, a), st_col(st, 6, a),
                            st_col(st, 7, a), st_col(st, 8, a), st_col(st, 9, a), st_col(st, 10, a),
                            st_col(st, 11, a), st_col(st, 12, a), st_col(st, 13, a)};
    st_release(w, st);
    if (rc == SQLITE_DONE)
        return err_field(err, ISMS_ENOTFOUND, "id", "no action with id %lld", (long long)id);
    return rc == SQLITE_ROW ? ISMS_OK : st_error(w, rc, "reading an action", err);
}

int store_audit_programme_inputs(ws *w, int *applicable, int *high_risk, isms_err *err)
{
    int rc = applicable_flags(w, applicable, err);
    if (rc)
        return rc;
    memset(high_risk, 0, CATALOG_NCONTROLS * sizeof *high_risk);
    risk_method m;
    if ((rc = store_method_get(w, &m, NULL, err)))
        return rc;
    sqlite3_stmt *st;
    if ((rc = st_prepare(w,
                         "SELECT DISTINCT rc.control_id FROM risk_control rc JOIN risk r ON r.id = rc.risk_id "
                         "WHERE r.likelihood * r.impact > ?",
                         &st, err)))
        return rc;
    sqlite3_bind_int(st, 1, m.appetite);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int i = catalog_control_index((const char *)sqlite3_column_text(st, 0));
        if (i >= 0)
            high_risk[i] = 1;
    }
    st_release(w, st);
    return rc == SQLITE_DONE ? ISMS_OK : st_error(w, rc, "reading risks for the audit programme", err);
}

int store_lifecycle_facts(ws *w, const char *today, gap_facts *f, isms_err *err)
{
    char year_ago[11];
    if (cycle_date_add(today, -1, 0, 0, year_ago))
        return err_set(err, ISMS_EINVAL, "today '%s' is not a date", today);
    int rc = 0;
    f->audits_completed_12m =
        st_count(w, "SELECT count(*) FROM audit WHERE status = 'completed' AND completed_on > ?", year_ago, err, &rc);
    f->reviews_held_12m = st_count(w, "SELECT count(*) FROM review WHERE held_on > ?", year_ago, err, &rc);
    f->ncs_without_action = st_count(w,
                                   "SELECT count(*) FROM finding f WHERE type IN ('major','minor') AND NOT EXISTS "
                                   "(SELECT 1 FROM action x WHERE x.finding_id = f.id)",
                                   NULL, err, &rc);
    f->ncs_open = st_count(w,
                         "SELECT count(*) FROM finding f WHERE type IN ('major','minor') AND EXISTS "
                         "(SELECT 1 FROM action x WHERE x.finding_id = f.id AND x.status <> 'closed')",
                         NULL, err, &rc);
    f->majors_open = st_count(w,
                            "SELECT count(*) FROM finding f WHERE type = 'major' AND (NOT EXISTS "
                            "(SELECT 1 FROM action x WHERE x.finding_id = f.id) OR EXISTS "
                            "(SELECT 1 FROM action x WHERE x.finding_id = f.id AND x.status <> 'closed'))",
                            NULL, err, &rc);
    f->actions_overdue =
        st_count(w, "SELECT count(*) FROM action WHERE status = 'open' AND due_date < ?", today, err, &rc);
    return rc;
}
