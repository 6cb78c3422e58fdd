/* The alert outbox: monitoring queues alerts here; a delivery loop sends them and records attempts. */
#include <stdio.h>
#include <string.h>

#include "store/internal.h"

int store_alert_queue(ws *w, const char *key, const char *kind, const char *payload, int *queued, isms_err *err)
{
    sqlite3_stmt *st;
    char now[32];
    store_now(now);
    int rc = st_prepare(w,
                        "INSERT OR IGNORE INTO alert(key, kind, payload, created_at, next_attempt_at) VALUES (?,?,?,?,?4)",
                        &st, err);
    if (rc)
        return rc;
    st_text(st, 1, key);
    st_text(st, 2, kind);
    st_text(st, 3, payload);
    st_text(st, 4, now);
    int s = sqlite3_step(st);
    st_release(w, st);
    if (s != SQLITE_DONE)
        return st_error(w, s, "queueing an alert", err);
    *queued = sqlite3_changes(w->db) > 0;
    return ISMS_OK;
}

static int collect(ws *w, sqlite3_stmt *st, arena *a, alert **out, size_t *n, isms_err *err)
{
    size_t cap = 16, cnt = 0;
    alert *arr = arena_alloc(a, cap * sizeof *arr);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (cnt == cap) {
            alert *na = arena_alloc(a, cap * 2 * sizeof *na);
            memcpy(na, arr, cnt * sizeof *na);
            arr = na;
            cap *= 2;
        }
        arr[cnt++] = (alert){sqlite3_column_int64(st, 0), st_col(st, 1, a), st_col(st, 2, a), st_col(st, 3, a),
                             st_col(st, 4, a), st_col(st, 5, a), st_col(st, 6, a), st_col(st, 7, a),
                             sqlite3_column_int(st, 8)};
    }
    st_release(w, st);
    *out = arr;
    *n = cnt;
    return rc == SQLITE_DONE ? ISMS_OK : st_error(w, rc, "reading alerts", err);
}

#define ALERT_COLS "id, key, kind, payload, created_at, next_attempt_at, delivered_at, last_error, attempts"

int store_alert_due(ws *w, const char *now, int limit, arena *a, alert **out, size_t *n, isms_err *err)
{
    sqlite3_stmt *st;
    int rc = st_prepare(w,
                        "SELECT " ALERT_COLS " FROM alert WHERE delivered_at IS NULL AND next_attempt_at <= ? "
                        "ORDER BY id LIMIT ?",
                        &st, err);
    if (rc)
        return rc;
    st_text(st, 1, now);
    sqlite3_bind_int(st, 2, limit);
    return collect(w, st, a, out, n, err);
}

int store_alert_list(ws *w, int limit, arena *a, alert **out, size_t *n, isms_err *err)
{
    sqlite3_stmt *st;
    int rc = st_prepare(w, "SELECT " ALERT_COLS " FROM alert ORDER BY id DESC LIMIT ?", &st, err);
    if (rc)
        return rc;
    sqlite3_bind_int(st, 1, limit);
    return collect(w, st, a, out, n, err);
}

static int update(ws *w, const char *sql, int64_t id, const char *a1, const char *a2, isms_err *err)
{
    sqlite3_stmt *st;
    int rc = st_prepare(w, sql, &st, err);
    if (rc)
        return rc;
    st_text(st, 1, a1);
    if (a2)
        st_text(st, 2, a2);
    sqlite3_bind_int64(st, a2 ? 3 : 2, id);
    int s = sqlite3_step(st);
    st_release(w, st);
    return s == SQLITE_DONE ? ISMS_OK : st_error(w, s, "updating an alert", err);
}

int store_alert_delivered(ws *w, int64_t id, const char *at, isms_err *err)
{
    return update(w, "UPDATE alert SET delivered_at = ?, attempts = attempts + 1, last_error = NULL WHERE id = ?", id,
                  at, NULL, err);
}

int store_alert_failed(ws *w, int64_t id, const char *error, const char *next_attempt_at, isms_err *err)
{
    return update(w, "UPDATE alert SET last_error = ?, next_attempt_at = ?, attempts = attempts + 1 WHERE id = ?", id,
                  error, next_attempt_at, err);
}

int store_evidence_expired(ws *w, const char *today, int (*cb)(const evidence *, void *), void *ctx, isms_err *err)
{
    sqlite3_stmt *st;
    int rc = st_prepare(w,
                        "SELECT e.id, e.filename, e.valid_until, (SELECT group_concat(control_id) FROM evidence_control c "
                        "WHERE c.evidence_id = e.id) FROM evidence e WHERE e.valid_until < ? ORDER BY e.id",
                        &st, err);
    if (rc)
        return rc;
    st_text(st, 1, today);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        evidence ev = {0};
        ev.id = sqlite3_column_int64(st, 0);
        ev.filename = (const char *)sqlite3_column_text(st, 1);
        ev.valid_until = (const char *)sqlite3_column_text(st, 2);
        ev.controls = (const char *)sqlite3_column_text(st, 3);
        if (cb(&ev, ctx))
            break;
    }
    st_release(w, st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? ISMS_OK : st_error(w, rc, "reading expired evidence", err);
}
