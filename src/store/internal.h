/* Shared pieces of the store's files; not part of the public interface. */
#ifndef ISMS_STORE_INTERNAL_H
#define ISMS_STORE_INTERNAL_H

#include <sqlite3.h>
#include <stdint.h>

#include "store/anchor.h"
#include "store/store.h"

/* Every statement stays prepared for the connection's life, up to this many (the least recently
 * used is replaced): parsing and planning a statement again, with the triggers it fires, costs
 * more than running it. */
#define WS_STMT_CACHE 96

struct ws {
    sqlite3 *db;
    char *path;
    char actor[128];
    struct ws_stmt {
        sqlite3_stmt *st; /* NULL: a free slot */
        uint32_t hash;    /* of its text */
        int in_use;       /* handed out and not yet given back with st_release */
        unsigned long used;
    } stmts[WS_STMT_CACHE];
    unsigned long stmt_clock;
    /* The audit log's anchor: the signing key (read at each commit that appends entries) and
     * the entries the open transaction appended, whose head is signed once it commits. */
    anchor_key key;
    anchor_seen seen;    /* the checkpoint last verified or signed here */
    int64_t txn_first_seq, txn_last_seq; /* 0: no entry appended yet */
    char txn_base_hash[65], txn_last_hash[65];
    int anchor_disabled; /* benchmarks only: measure the write path without checkpoints */
    struct ws_gate *gate; /* the writers' turn of this workspace file in this process */
    int gate_held;
    char warning[1200];  /* what the last commit could not do after saving (see ws_warning) */
    struct soa_memo *soa_memo; /* the SoA as last read, while its counters stand (soa.c) */
};

/* Free the connection's kept SoA (at close). */
void soa_memo_free(ws *w);

/* Prepare sql, or take the connection's prepared statement of the same text; give it back with
 * st_release, never sqlite3_finalize. A statement already handed out (the same query run inside
 * its own loop) or one beyond the cache is a fresh one, which st_release finalizes. On failure
 * fill err with the SQLite message. */
int st_prepare(ws *w, const char *sql, sqlite3_stmt **st, isms_err *err);
/* Give back a statement of st_prepare: reset (ending its read) for the next use, or finalized. */
void st_release(ws *w, sqlite3_stmt *st);
/* Map a SQLite result code to an isms error with a human message about `what`. */
int st_error(ws *w, int rc, const char *what, isms_err *err);
/* Bind a string or NULL. */
void st_text(sqlite3_stmt *st, int i, const char *s);
/* Copy a column into the arena (NULL stays NULL). */
const char *st_col(sqlite3_stmt *st, int i, arena *a);
/* The row `table`.id as a JSON object (every column), for audit-log before/after values; NULL when absent. */
char *st_row_json(ws *w, const char *table, const char *key_col, const char *key, arena *a);
/* Record an audit entry with the row's state before (NULL for creates) and after. */
int st_audit_row(ws *w, const char *action, const char *table, const char *key_col, const char *key,
                 const char *before, arena *a, isms_err *err);
/* The first column of a one-row query, binding arg to every parameter; after a failure (*rc set)
 * it does nothing, so a run of counts can be checked once at the end. The statement stays
 * prepared (st_prepare), as the gap analysis runs these at every change. */
long st_count(ws *w, const char *sql, const char *arg, isms_err *err, int *rc);
/* Run one statement with no result rows. */
int st_exec(ws *w, const char *sql, isms_err *err);

/* Ids per range of the change counters by range (generation_range, schema 10): 1 << 7. */
#define PAGE_RANGE_BITS 7
#define ST_STR_(x) #x
#define ST_STR(x) ST_STR_(x)
#define PAGE_RANGE_BITS_SQL ST_STR(PAGE_RANGE_BITS)

/* tally.c: the triggers' tallies (see schema 10 in ws.c). Like st_count, they do nothing after a
 * failure (*rc set). A scalar count (k = ''); a histogram's count of keys below a text key or above
 * an integer one; a histogram's rows in key order (cb returns an error code to stop with it). */
long st_tally(ws *w, const char *name, isms_err *err, int *rc);
long st_tally_below(ws *w, const char *name, const char *key, isms_err *err, int *rc);
long st_tally_above(ws *w, const char *name, int64_t key, isms_err *err, int *rc);
int st_tally_each(ws *w, const char *name, int (*cb)(sqlite3_value *k, long n, void *ctx), void *ctx, isms_err *err);
/* A read transaction around reads that must see one snapshot (a page and its mark), unless one is
 * open already; st_read_end ends what st_read_begin began. */
int st_read_begin(ws *w, int *began, isms_err *err);
void st_read_end(ws *w, int began);

#endif
