#include "store/kb.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/catalog.h"

/* One control or clause: the rowid of its passage of kind k is entry * ASK_NKINDS + k, so a hit
 * maps back to the catalog without storing the text twice (the FTS table is contentless). */
typedef struct kb_entry {
    const char *id, *title, *theme;
    const catalog_guidance *g;
    int is_clause;
} kb_entry;

struct kb {
    sqlite3 *db;
    sqlite3_stmt *search;
    kb_entry *e;
    size_t ne;
};

static int db_fail(kb *k, const char *what, isms_err *err)
{
    return err_set(err, ISMS_EDB, "knowledge base: %s: %s", what, sqlite3_errmsg(k->db));
}

static const char *guidance_text(const catalog_guidance *g, int kind)
{
    switch (kind) {
    case ASK_PURPOSE: return g->purpose;
    case ASK_IMPLEMENT: return g->implement;
    case ASK_EVIDENCE: return g->evidence;
    default: return g->findings;
    }
}

static int build(kb *k, isms_err *err)
{
    /* Contentless (content=''): the text stays in the catalog; FTS5 keeps only what BM25 needs. */
    if (sqlite3_exec(k->db,
                     "CREATE VIRTUAL TABLE p USING fts5(id, title, body, content='', "
                     "tokenize='porter unicode61');"
                     "BEGIN;",
                     NULL, NULL, NULL) != SQLITE_OK)
        return db_fail(k, "creating the index (is FTS5 compiled into SQLite?)", err);
    sqlite3_stmt *ins;
    if (sqlite3_prepare_v2(k->db, "INSERT INTO p(rowid, id, title, body) VALUES (?, ?, ?, ?)", -1, &ins, NULL) !=
        SQLITE_OK)
        return db_fail(k, "preparing", err);
    char tag[96];
    for (size_t i = 0; i < k->ne; i++) {
        const kb_entry *e = &k->e[i];
        /* the id column carries the theme too, so "physical" leans to Physical controls */
        snprintf(tag, sizeof tag, "%s %s", e->id, e->theme);
        for (int kind = 0; kind < ASK_NKINDS; kind++) {
            const char *text = guidance_text(e->g, kind);
            if (!text || !*text)
                continue;
            sqlite3_bind_int64(ins, 1, (sqlite3_int64)(i * ASK_NKINDS + (size_t)kind));
            sqlite3_bind_text(ins, 2, tag, -1, SQLITE_STATIC);
            sqlite3_bind_text(ins, 3, e->title, -1, SQLITE_STATIC);
            sqlite3_bind_text(ins, 4, text, -1, SQLITE_STATIC);
            if (sqlite3_step(ins) != SQLITE_DONE) {
                sqlite3_finalize(ins);
                return db_fail(k, "indexing", err);
            }
            sqlite3_reset(ins);
        }
    }
    sqlite3_finalize(ins);
    if (sqlite3_exec(k->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
        return db_fail(k, "indexing", err);
    /* bm25() is lower for better matches; the boost multiplies, so it keeps the sign right. */
    char sql[320];
    snprintf(sql, sizeof sql,
             "SELECT rowid, bm25(p, %.2f, %.2f, %.2f) * (CASE WHEN rowid %% %d = ?2 THEN %.2f ELSE 1.0 END) AS s "
             "FROM p WHERE p MATCH ?1 ORDER BY s, rowid LIMIT 400",
             KB_WEIGHT_ID, KB_WEIGHT_TITLE, KB_WEIGHT_BODY, ASK_NKINDS, KB_INTENT_BOOST);
    if (sqlite3_prepare_v2(k->db, sql, -1, &k->search, NULL) != SQLITE_OK)
        return db_fail(k, "preparing the search", err);
    return ISMS_OK;
}

int kb_open(kb **out, isms_err *err)
{
    *out = NULL;
    if (catalog_init(err))
        return err ? err->code : ISMS_EINVAL;
    size_t nc, ncl;
    const catalog_control *c = catalog_controls(&nc);
    const catalog_clause *cl = catalog_clauses(&ncl);
    kb *k = calloc(1, sizeof *k);
    if (!k || !(k->e = calloc(nc + ncl, sizeof *k->e))) {
        free(k);
        return err_set(err, ISMS_ENOMEM, "out of memory building the knowledge base");
    }
    for (size_t i = 0; i < nc; i++)
        k->e[k->ne++] = (kb_entry){c[i].id, c[i].title, c[i].theme, &c[i].g, 0};
    for (size_t i = 0; i < ncl; i++)
        k->e[k->ne++] = (kb_entry){cl[i].id, cl[i].title, "clause", &cl[i].g, 1};
    if (sqlite3_open_v2(":memory:", &k->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
        kb_close(k);
        return err_set(err, ISMS_EDB, "knowledge base: cannot open an in-memory database");
    }
    int rc = build(k, err);
    if (rc) {
        kb_close(k);
        return rc;
    }
    *out = k;
    return ISMS_OK;
}

void kb_close(kb *k)
{
    if (!k)
        return;
    sqlite3_finalize(k->search);
    sqlite3_close(k->db);
    free(k->e);
    free(k);
}

size_t kb_count(const kb *k)
{
    size_t n = 0;
    for (size_t i = 0; i < k->ne; i++)
        for (int kind = 0; kind < ASK_NKINDS; kind++) {
            const char *t = guidance_text(k->e[i].g, kind);
            n += t && *t;
        }
    return n;
}

static ask_passage passage(const kb_entry *e, int kind, double score, int by_id)
{
    return (ask_passage){e->id, ask_kind_name(kind), e->title, guidance_text(e->g, kind), score, by_id};
}

static int listed(const ask_ref *refs, size_t n, const char *id)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(refs[i].id, id))
            return 1;
    return 0;
}

int kb_search(kb *k, const char *expr, int intent, const ask_ref *skip, size_t nskip, ask_passage *out,
              size_t max, size_t *n, isms_err *err)
{
    *n = 0;
    if (!expr || !*expr || !max)
        return ISMS_OK;
    sqlite3_stmt *st = k->search;
    sqlite3_reset(st);
    sqlite3_bind_text(st, 1, expr, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 2, intent);
    unsigned char *seen = calloc(k->ne, 1);
    if (!seen)
        return err_set(err, ISMS_ENOMEM, "out of memory searching");
    int rc = SQLITE_DONE;
    while (*n < max && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        sqlite3_int64 row = sqlite3_column_int64(st, 0);
        size_t ei = (size_t)(row / ASK_NKINDS);
        if (row < 0 || ei >= k->ne || seen[ei])
            continue;
        seen[ei] = 1;
        const kb_entry *e = &k->e[ei];
        if (listed(skip, nskip, e->id))
            continue;
        out[(*n)++] = passage(e, (int)(row % ASK_NKINDS), -sqlite3_column_double(st, 1), 0);
    }
    free(seen);
    if (*n < max && rc != SQLITE_DONE) {
        sqlite3_reset(st);
        return db_fail(k, "searching", err);
    }
    sqlite3_reset(st);
    return ISMS_OK;
}

static const kb_entry *entry_of(const kb *k, const ask_ref *r)
{
    for (size_t i = 0; i < k->ne; i++)
        if (k->e[i].is_clause == r->is_clause && !strcmp(k->e[i].id, r->id))
            return &k->e[i];
    return NULL;
}

int kb_ask(kb *k, const char *question, size_t limit, arena *a, ask_result *r, isms_err *err)
{
    memset(r, 0, sizeof *r);
    r->match = "";
    if (limit < 1 || limit > ASK_MAX_PASSAGES)
        return err_set(err, ISMS_EINVAL, "the number of passages must be 1 to %d", ASK_MAX_PASSAGES);
    char *q = arena_alloc(a, ASK_MAX_QUESTION + 1);
    int rc = ask_question_clean(question, q, err);
    if (rc)
        return rc;
    r->nids = ask_find_ids(q, r->ids, ASK_MAX_IDS);
    r->intent = ask_intent(q);

    /* the ids named: first the kind asked for, for each id, then their other kinds */
    int first = r->intent >= 0 ? r->intent : ASK_PURPOSE;
    for (int round = 0; round < 2; round++)
        for (size_t i = 0; i < r->nids; i++) {
            const kb_entry *e = entry_of(k, &r->ids[i]);
            for (int kind = 0; e && kind < ASK_NKINDS; kind++) {
                if ((round == 0) != (kind == first) || r->npassages >= limit)
                    continue;
                const char *t = guidance_text(e->g, kind);
                if (t && *t)
                    r->passages[r->npassages++] = passage(e, kind, 0, 1);
            }
        }

    /* then related passages of other ids: for the question's words and, when it names ids, the
     * words of their titles, so "A.9.4.2" alone still finds what relates to secure authentication */
    size_t qlen = strlen(q), tlen = qlen + 1;
    for (size_t i = 0; i < r->nids; i++) {
        const kb_entry *e = entry_of(k, &r->ids[i]);
        tlen += e ? strlen(e->title) + 1 : 0;
    }
    char *text = arena_alloc(a, tlen + 1);
    memcpy(text, q, qlen);
    size_t o = qlen;
    for (size_t i = 0; i < r->nids; i++) {
        const kb_entry *e = entry_of(k, &r->ids[i]);
        if (e)
            o += (size_t)sprintf(text + o, " %s", e->title);
    }
    size_t esz = ASK_MAX_TERMS * 140 + 1;
    char *expr = arena_alloc(a, esz);
    if (ask_match_expr(text, expr, esz) < 0)
        expr[0] = '\0';
    r->match = expr;
    size_t got = 0;
    rc = kb_search(k, expr, r->intent, r->ids, r->nids, r->passages + r->npassages, limit - r->npassages,
                   &got, err);
    r->npassages += got;
    return rc;
}
