/* The change counters and tallies the schema's triggers keep (schema 10, see ws.c): what the
 * response cache and the gap analysis read instead of passes over the registers. */
#include <stdint.h>
#include <string.h>

#include "store/internal.h"

const char *const store_gen_names[STORE_NGEN] = {
    [GEN_ORG] = "org",         [GEN_METHOD] = "method",         [GEN_ASSET] = "asset",
    [GEN_ASSET_NAME] = "asset_name", [GEN_RISK] = "risk",       [GEN_RISK_ASSET] = "risk_asset",
    [GEN_RISK_CONTROL] = "risk_control", [GEN_SOA] = "soa",     [GEN_EVIDENCE] = "evidence",
    [GEN_CHECK] = "check",     [GEN_LIFECYCLE] = "lifecycle",   [GEN_REGISTER] = "register",
    [GEN_POLICY] = "policy",   [GEN_USER] = "user",             [GEN_ALERT] = "alert",
    [GEN_AUDIT_LOG] = "audit_log",
};

int store_generations(ws *w, int64_t out[STORE_NGEN], isms_err *err)
{
    sqlite3_stmt *st;
    int rc = st_prepare(w, "SELECT name, n FROM generation", &st, err);
    if (rc)
        return rc;
    int seen = 0, s;
    memset(out, 0, STORE_NGEN * sizeof *out);
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(st, 0);
        for (int i = 0; i < STORE_NGEN; i++)
            if (name && !strcmp(name, store_gen_names[i])) {
                out[i] = sqlite3_column_int64(st, 1);
                seen |= 1 << i;
            }
    }
    st_release(w, st);
    if (s != SQLITE_DONE)
        return st_error(w, s, "reading the change counters", err);
    /* A missing counter would hide changes: refuse rather than let an answer be kept. */
    if (seen != (1 << STORE_NGEN) - 1)
        return err_set(err, ISMS_EDB, "the workspace's change counters are incomplete");
    return ISMS_OK;
}

/* Step st, a one-number query, after binding name to ?1 (and the caller's ?2); release it. */
static long tally_value(ws *w, sqlite3_stmt *st, const char *name, isms_err *err, int *rc)
{
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    long v = 0;
    int s = sqlite3_step(st);
    if (s == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    else
        *rc = st_error(w, s, "reading a tally", err);
    st_release(w, st);
    return v;
}

long st_tally(ws *w, const char *name, isms_err *err, int *rc)
{
    sqlite3_stmt *st;
    if (*rc || (*rc = st_prepare(w, "SELECT coalesce(sum(n), 0) FROM tally WHERE name = ?1 AND k = ''", &st, err)))
        return 0;
    return tally_value(w, st, name, err, rc);
}

long st_tally_below(ws *w, const char *name, const char *key, isms_err *err, int *rc)
{
    sqlite3_stmt *st;
    if (*rc || (*rc = st_prepare(w, "SELECT coalesce(sum(n), 0) FROM tally WHERE name = ?1 AND k < ?2", &st, err)))
        return 0;
    st_text(st, 2, key);
    return tally_value(w, st, name, err, rc);
}

long st_tally_above(ws *w, const char *name, int64_t key, isms_err *err, int *rc)
{
    sqlite3_stmt *st;
    if (*rc || (*rc = st_prepare(w, "SELECT coalesce(sum(n), 0) FROM tally WHERE name = ?1 AND k > ?2", &st, err)))
        return 0;
    sqlite3_bind_int64(st, 2, key);
    return tally_value(w, st, name, err, rc);
}

int st_tally_each(ws *w, const char *name, int (*cb)(sqlite3_value *k, long n, void *ctx), void *ctx, isms_err *err)
{
    sqlite3_stmt *st;
    int rc = st_prepare(w, "SELECT k, n FROM tally WHERE name = ?1 AND n <> 0 ORDER BY k", &st, err);
    if (rc)
        return rc;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW && !(rc = cb(sqlite3_column_value(st, 0), sqlite3_column_int64(st, 1), ctx)))
        ;
    st_release(w, st);
    if (rc)
        return rc;
    return s == SQLITE_ROW || s == SQLITE_DONE ? ISMS_OK : st_error(w, s, "reading a tally", err);
}

int store_page_mark(ws *w, int kind, int64_t upto, int64_t *mark, isms_err *err)
{
    sqlite3_stmt *st;
    int rc = st_prepare(w, "SELECT coalesce(sum(n), 0) FROM generation_range WHERE kind = ?1 AND bucket <= ?2", &st, err);
    if (rc)
        return rc;
    sqlite3_bind_text(st, 1, kind == PAGE_RISKS ? "risk" : "asset", -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, upto == INT64_MAX ? INT64_MAX : upto >> PAGE_RANGE_BITS);
    int s = sqlite3_step(st);
    *mark = s == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    st_release(w, st);
    return s == SQLITE_ROW ? ISMS_OK : st_error(w, s, "reading the change counters", err);
}

int st_read_begin(ws *w, int *began, isms_err *err)
{
    *began = sqlite3_get_autocommit(w->db);
    return *began ? st_exec(w, "BEGIN", err) : ISMS_OK;
}

void st_read_end(ws *w, int began)
{
    if (began && !sqlite3_get_autocommit(w->db))
        sqlite3_exec(w->db, "COMMIT", NULL, NULL, NULL);
}
