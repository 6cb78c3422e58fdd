/* Automated check runs: results in SQLite, raw responses as evidence files. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/catalog.h"
#include "store/internal.h"

int store_check_record(ws *w, check_run *run, const char *raw, size_t raw_len, arena *a, isms_err *err)
{
    int rc;
    run->evidence_id = 0;
    if (raw && raw_len) {
        /* Write the payload into the store's own directory so the add is a rename on one filesystem. */
        const char *dir = store_evidence_dir(w, a);
        if (mkdir(dir, 0750) != 0 && errno != EEXIST)
            return err_set(err, ISMS_EIO, "cannot create %s: %s", dir, strerror(errno));
        char *tmp = arena_sprintf(a, "%s/.check-XXXXXX", dir);
        int fd = mkstemp(tmp);
        if (fd < 0)
            return err_set(err, ISMS_EIO, "cannot write into %s: %s", dir, strerror(errno));
        size_t off = 0;
        while (off < raw_len) {
            ssize_t n = write(fd, raw + off, raw_len - off);
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0) {
                close(fd);
                unlink(tmp);
                return err_set(err, ISMS_EIO, "writing check evidence: %s", strerror(errno));
            }
            off += (size_t)n;
        }
        close(fd);
        char today[11];
        store_today(today);
        evidence ev = {0};
        ev.kind = "check_result";
        ev.controls = run->controls;
        ev.collected_at = today;
        ev.collected_by = "automated check";
        ev.source = arena_sprintf(a, "check:%s", run->check_id);
        ev.description = arena_sprintf(a, "%s: %s — %s", run->check_id, run->status, run->summary);
        ev.name = arena_sprintf(a, "%s-%s.json", run->check_id, run->ran_at);
        rc = store_evidence_add(w, tmp, &ev, 256LL << 20, a, err);
        unlink(tmp);
        if (rc)
            return rc;
        run->evidence_id = ev.id;
    }
    sqlite3_stmt *st;
    if ((rc = st_prepare(w,
                         "INSERT INTO check_run(check_id, status, summary, details, controls, ran_at, evidence_id) "
                         "VALUES (?,?,?,?,?,?,?)",
                         &st, err)))
        return rc;
    st_text(st, 1, run->check_id);
    st_text(st, 2, run->status);
    st_text(st, 3, run->summary);
    st_text(st, 4, run->details);
    st_text(st, 5, run->controls);
    st_text(st, 6, run->ran_at);
    if (run->evidence_id)
        sqlite3_bind_int64(st, 7, run->evidence_id);
    int s = sqlite3_step(st);
    st_release(w, st);
    if (s != SQLITE_DONE)
        return st_error(w, s, "recording the check run", err);
    run->id = sqlite3_last_insert_rowid(w->db);
    char ids[24], after[512];
    snprintf(ids, sizeof ids, "%lld", (long long)run->id);
    snprintf(after, sizeof after, "{\"check\":\"%s\",\"status\":\"%s\",\"evidence_id\":%lld}", run->check_id,
             run->status, (long long)run->evidence_id);
    return store_audit(w, "run", "check", ids, NULL, after, err);
}

static int collect_runs(ws *w, sqlite3_stmt *st, arena *a, check_run **out, size_t *n, isms_err *err)
{
    size_t cap = 16, cnt = 0;
    check_run *arr = arena_alloc(a, cap * sizeof *arr);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (cnt == cap) {
            check_run *na = arena_alloc(a, cap * 2 * sizeof *na);
            memcpy(na, arr, cnt * sizeof *na);
            arr = na;
            cap *= 2;
        }
        arr[cnt++] = (check_run){sqlite3_column_int64(st, 0), st_col(st, 1, a), st_col(st, 2, a), st_col(st, 3, a),
                                 st_col(st, 4, a), st_col(st, 5, a), st_col(st, 6, a), sqlite3_column_int64(st, 7)};
    }
    st_release(w, st);
    *out = arr;
    *n = cnt;
    return rc == SQLITE_DONE ? ISMS_OK : st_error(w, rc, "reading check runs", err);
}

#define RUN_COLS "id, check_id, status, summary, details, controls, ran_at, coalesce(evidence_id, 0)"

int store_check_latest(ws *w, arena *a, check_run **out, size_t *n, isms_err *err)
{
    sqlite3_stmt *st;
    int rc = st_prepare(w,
                        "SELECT " RUN_COLS " FROM check_run WHERE id IN (SELECT max(id) FROM check_run GROUP BY check_id) "
                        "ORDER BY check_id",
                        &st, err);
    return rc ? rc : collect_runs(w, st, a, out, n, err);
}

int store_check_history(ws *w, const char *check_id, int limit, arena *a, check_run **out, size_t *n, isms_err *err)
{
    sqlite3_stmt *st;
    int rc = st_prepare(w, "SELECT " RUN_COLS " FROM check_run WHERE check_id = ? ORDER BY id DESC LIMIT ?", &st, err);
    if (rc)
        return rc;
    st_text(st, 1, check_id);
    sqlite3_bind_int(st, 2, limit);
    return collect_runs(w, st, a, out, n, err);
}

int store_check_failing(ws *w, int *failing, isms_err *err)
{
    memset(failing, 0, CATALOG_NCONTROLS * sizeof *failing);
    sqlite3_stmt *st;
    int rc = st_prepare(w,
                        "SELECT controls FROM check_run WHERE status <> 'pass' AND id IN "
                        "(SELECT max(id) FROM check_run GROUP BY check_id)",
                        &st, err);
    if (rc)
        return rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *p = (const char *)sqlite3_column_text(st, 0);
        while (p && *p) {
            const char *comma = strchr(p, ',');
            size_t len = comma ? (size_t)(comma - p) : strlen(p);
            char id[16];
            snprintf(id, sizeof id, "%.*s", (int)(len < 15 ? len : 15), p);
            int i = catalog_control_index(id);
            if (i >= 0)
                failing[i] = 1;
            p = comma ? comma + 1 : NULL;
        }
    }
    st_release(w, st);
    return rc == SQLITE_DONE ? ISMS_OK : st_error(w, rc, "reading check runs", err);
}
