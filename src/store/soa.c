/* Statement of Applicability storage, versions, and the facts the gap analysis reads. */
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/internal.h"
#include "util/text.h"
#include "util/json.h"

static void entry_defaults(soa_entry *out)
{
    size_t n;
    const catalog_control *c = catalog_controls(&n);
    for (size_t i = 0; i < n; i++) {
        memset(&out[i], 0, sizeof out[i]);
        out[i].ctl = &c[i];
        out[i].applicable = SOA_UNDECIDED;
        out[i].risks = "";
    }
}

/* The SoA as last read on this connection, kept while the change counters of the SoA and of
 * the risk links stand: the gap analysis and dashboard recompute at every change of an asset or
 * risk, which leaves these alone. Its digest is kept once computed. */
struct soa_memo {
    int valid, has_digest;
    int64_t gen_soa, gen_links;
    arena a;
    soa_entry e[CATALOG_NCONTROLS];
    char digest[65];
};

void soa_memo_free(ws *w)
{
    if (w->soa_memo) {
        arena_free(&w->soa_memo->a);
        free(w->soa_memo);
        w->soa_memo = NULL;
    }
}

/* The two counters, or -1 when they cannot be read (then nothing is kept). Not inside a write
 * transaction: what it changed is not committed, and a rollback would leave the counters where
 * a later, different change could reach them again. */
static int memo_gens(ws *w, int64_t *soa, int64_t *links)
{
    if (sqlite3_txn_state(w->db, NULL) == SQLITE_TXN_WRITE)
        return -1;
    sqlite3_stmt *st;
    isms_err e = {0};
    if (st_prepare(w, "SELECT name, n FROM generation WHERE name IN ('soa', 'risk_control')", &st, &e))
        return -1;
    int seen = 0, s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(st, 0);
        int is_soa = name && !strcmp(name, "soa");
        *(is_soa ? soa : links) = sqlite3_column_int64(st, 1);
        seen |= is_soa ? 1 : 2;
    }
    st_release(w, st);
    return s == SQLITE_DONE && seen == 3 ? 0 : -1;
}

static const char *dup_or_null(arena *a, const char *s) { return s ? arena_strdup(a, s) : NULL; }

static void entries_copy(arena *a, const soa_entry *from, soa_entry *to)
{
    for (int i = 0; i < CATALOG_NCONTROLS; i++) {
        to[i] = from[i];
        to[i].justification = dup_or_null(a, from[i].justification);
        to[i].implementation = dup_or_null(a, from[i].implementation);
        to[i].owner = dup_or_null(a, from[i].owner);
        to[i].risks = dup_or_null(a, from[i].risks);
        to[i].updated_at = dup_or_null(a, from[i].updated_at);
    }
}

static int soa_read(ws *w, arena *a, soa_entry *out, isms_err *err);

int store_soa_load(ws *w, arena *a, soa_entry *out, isms_err *err)
{
    int64_t gs, gl;
    /* The counters are read before the rows: a change between the two makes the next load read
     * again, never keeps older rows under newer counters. */
    if (memo_gens(w, &gs, &gl)) {
        return soa_read(w, a, out, err);
    }
    struct soa_memo *m = w->soa_memo;
    if (!m || !m->valid || m->gen_soa != gs || m->gen_links != gl) {
        if (!m && !(m = w->soa_memo = calloc(1, sizeof *m)))
            return soa_read(w, a, out, err);
        arena_free(&m->a);
        arena_init(&m->a);
        m->valid = m->has_digest = 0;
        int rc = soa_read(w, &m->a, m->e, err);
        if (rc)
            return rc;
        m->valid = 1;
        m->gen_soa = gs;
        m->gen_links = gl;
    }
    entries_copy(a, m->e, out);
    return ISMS_OK;
}

static int soa_read(ws *w, arena *a, soa_entry *out, isms_err *err)
{
    entry_defaults(out);
    sqlite3_stmt *st;
    int rc;
    if ((rc = st_prepare(w,
                         "SELECT control_id, applicable, reasons, justification, status, implementation, owner, "
                         "updated_at FROM soa",
                         &st, err)))
        return rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int i = catalog_control_index((const char *)sqlite3_column_text(st, 0));
        if (i < 0)
            continue;
        soa_entry *e = &out[i];
        e->applicable = sqlite3_column_type(st, 1) == SQLITE_NULL ? SOA_UNDECIDED : sqlite3_column_int(st, 1);
        e->reasons = sqlite3_column_int(st, 2);
        e->justification = st_col(st, 3, a);
        int s = soa_status_parse((const char *)sqlite3_column_text(st, 4));
        e->status = s < 0 ? SOA_STATUS_NONE : (soa_status)s;
        e->implementation = st_col(st, 5, a);
        e->owner = st_col(st, 6, a);
        e->updated_at = st_col(st, 7, a);
    }
    st_release(w, st);
    if (rc != SQLITE_DONE)
        return st_error(w, rc, "reading the SoA", err);
    /* The risks each control treats, lowest ids first; capped so a control linked to 100,000
     * risks still lists readably. Their number and first ids are kept by triggers (schema 10). */
    if ((rc = st_prepare(w, "SELECT control_id, n, first FROM control_risks WHERE n > 0", &st, err)))
        return rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int i = catalog_control_index((const char *)sqlite3_column_text(st, 0));
        if (i < 0)
            continue;
        out[i].nrisks += sqlite3_column_int(st, 1);
        const char *first = (const char *)sqlite3_column_text(st, 2);
        out[i].risks = out[i].nrisks > 20 ? arena_sprintf(a, "%s,...", first ? first : "") : st_col(st, 2, a);
    }
    st_release(w, st);
    return rc == SQLITE_DONE ? ISMS_OK : st_error(w, rc, "reading risk links", err);
}

static void entry_json(jw *j, const soa_entry *e)
{
    jw_obj(j);
    jw_kstr(j, "control", e->ctl->id);
    if (e->applicable == SOA_UNDECIDED)
        jw_kstr(j, "applicable", NULL);
    else
        jw_kbool(j, "applicable", e->applicable);
    jw_kint(j, "reasons", e->reasons);
    jw_kstr(j, "justification", e->justification);
    jw_kstr(j, "status", e->status ? soa_status_name(e->status) : NULL);
    jw_kstr(j, "implementation", e->implementation);
    jw_kstr(j, "owner", e->owner);
    jw_obj_end(j);
}

static char *entry_text(const soa_entry *e)
{
    buf b;
    buf_init(&b, 1 << 20);
    jw j;
    jw_init_buf(&j, &b);
    entry_json(&j, e);
    return b.data;
}

int store_soa_save(ws *w, const soa_entry *in, isms_err *err)
{
    /* Texts are stored trimmed; a blank one is no text at all. */
    arena a;
    arena_init(&a);
    soa_entry x = *in, *e = &x;
    text_optional(&a, &x.justification);
    text_optional(&a, &x.implementation);
    text_optional(&a, &x.owner);
    int rc = soa_entry_check(e, err);
    if (rc) {
        arena_free(&a);
        return rc;
    }
    soa_entry *all = arena_alloc(&a, CATALOG_NCONTROLS * sizeof *all);
    if ((rc = store_soa_load(w, &a, all, err))) {
        arena_free(&a);
        return rc;
    }
    int i = catalog_control_index(e->ctl->id);
    soa_entry before = all[i];
    /* Re-check against the links as stored now, not as the caller saw them. */
    soa_entry now_e = *e;
    now_e.nrisks = before.nrisks;
    now_e.risks = before.risks;
    if ((rc = soa_entry_check(&now_e, err))) {
        arena_free(&a);
        return rc;
    }
    sqlite3_stmt *st;
    char now[32];
    store_now(now);
    if ((rc = st_prepare(w,
                         "INSERT OR REPLACE INTO soa(control_id, applicable, reasons, justification, status, "
                         "implementation, owner, updated_at) VALUES (?,?,?,?,?,?,?,?)",
                         &st, err))) {
        arena_free(&a);
        return rc;
    }
    st_text(st, 1, e->ctl->id);
    if (e->applicable == SOA_UNDECIDED)
        sqlite3_bind_null(st, 2);
    else
        sqlite3_bind_int(st, 2, e->applicable);
    sqlite3_bind_int(st, 3, e->reasons);
    st_text(st, 4, e->justification);
    st_text(st, 5, e->status ? soa_status_name(e->status) : NULL);
    st_text(st, 6, e->implementation);
    st_text(st, 7, e->owner);
    st_text(st, 8, now);
    int s = sqlite3_step(st);
    st_release(w, st);
    if (s != SQLITE_DONE)
        rc = st_error(w, s, "saving the SoA entry", err);
    else {
        char *b = entry_text(&before), *af = entry_text(e);
        rc = store_audit(w, "update", "soa", e->ctl->id, b, af, err);
        free(b);
        free(af);
    }
    arena_free(&a);
    return rc;
}

/* SHA-256 over a canonical text of the entries: equal digests mean an unchanged SoA. */
static void soa_digest(const soa_entry *e, size_t n, char out[65])
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
    buf b;
    buf_init(&b, 1 << 20);
    jw j;
    for (size_t i = 0; i < n; i++) {
        buf_reset(&b);
        jw_init_buf(&j, &b);
        entry_json(&j, &e[i]);
        buf_puts(&b, e[i].risks ? e[i].risks : "");
        buf_putc(&b, '\n');
        EVP_DigestUpdate(ctx, b.data, b.len);
    }
    buf_free(&b);
    unsigned char md[32];
    EVP_DigestFinal_ex(ctx, md, NULL);
    EVP_MD_CTX_free(ctx);
    for (int i = 0; i < 32; i++)
        snprintf(out + 2 * i, 3, "%02x", md[i]);
}

static int latest_version(ws *w, int *version, char digest[65], isms_err *err)
{
    sqlite3_stmt *st;
    int rc;
    *version = 0;
    digest[0] = '\0';
    if ((rc = st_prepare(w, "SELECT version, digest FROM soa_version ORDER BY version DESC LIMIT 1", &st, err)))
        return rc;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *version = sqlite3_column_int(st, 0);
        snprintf(digest, 65, "%s", (const char *)sqlite3_column_text(st, 1));
    }
    st_release(w, st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? ISMS_OK : st_error(w, rc, "reading SoA versions", err);
}

static int same_text(const char *x, const char *y) { return x == y || (x && y && !strcmp(x, y)); }

/* Whether two loads of the SoA hold the same entries, in everything the digest covers. */
static int entries_equal(const soa_entry *x, const soa_entry *y)
{
    for (int i = 0; i < CATALOG_NCONTROLS; i++)
        if (x[i].ctl != y[i].ctl || x[i].applicable != y[i].applicable || x[i].reasons != y[i].reasons ||
            x[i].status != y[i].status || !same_text(x[i].justification, y[i].justification) ||
            !same_text(x[i].implementation, y[i].implementation) || !same_text(x[i].owner, y[i].owner) ||
            !same_text(x[i].risks, y[i].risks))
            return 0;
    return 1;
}

/* Whether the SoA as loaded (all) differs from the latest approved version. */
static int soa_changed(ws *w, const soa_entry *all, int *versions, int *changed, isms_err *err)
{
    char last[65], cur[65];
    int rc = latest_version(w, versions, last, err);
    if (rc)
        return rc;
    struct soa_memo *m = w->soa_memo;
    if (m && m->valid && m->has_digest && entries_equal(all, m->e))
        memcpy(cur, m->digest, sizeof cur);
    else {
        soa_digest(all, CATALOG_NCONTROLS, cur);
        if (m && m->valid && entries_equal(all, m->e)) {
            memcpy(m->digest, cur, sizeof m->digest);
            m->has_digest = 1;
        }
    }
    *changed = *versions == 0 || strcmp(cur, last) != 0;
    return ISMS_OK;
}

int store_soa_changed(ws *w, arena *a, int *versions, int *changed, isms_err *err)
{
    soa_entry *all = arena_alloc(a, CATALOG_NCONTROLS * sizeof *all);
    int rc = store_soa_load(w, a, all, err);
    return rc ? rc : soa_changed(w, all, versions, changed, err);
}

int store_soa_approve(ws *w, const char *by, const char *note, int *version, isms_err *err)
{
    arena a;
    arena_init(&a);
    text_optional(&a, &note);
    if (text_required(&a, &by, err, "by", "name who approves the SoA")) {
        arena_free(&a);
        return ISMS_EINVAL;
    }
    soa_entry *all = arena_alloc(&a, CATALOG_NCONTROLS * sizeof *all);
    char last[65], cur[65];
    int v, rc = store_soa_load(w, &a, all, err);
    if (rc == ISMS_OK)
        rc = latest_version(w, &v, last, err);
    if (rc == ISMS_OK) {
        soa_digest(all, CATALOG_NCONTROLS, cur);
        if (v && !strcmp(cur, last))
            rc = err_set(err, ISMS_ECONFLICT, "the SoA has not changed since version %d was approved", v);
    }
    /* What `isms soa validate` calls a weakness blocks the approval: undecided controls,
     * unjustified exclusions, and applicable controls without a reason, status, implementation
     * text or owner. An approved SoA that an auditor would reject is no approval. */
    soa_issue *issues;
    size_t nissues = rc ? 0 : soa_validate(all, CATALOG_NCONTROLS, &a, &issues);
    if (rc == ISMS_OK && nissues)
        rc = err_set(err, ISMS_EINVAL,
                     "the SoA cannot be approved while %zu weakness(es) remain (first: %s %s: %s); its "
                     "validation lists them all",
                     nissues, issues[0].control, issues[0].code, issues[0].message);
    char now[32];
    store_now(now);
    sqlite3_stmt *st;
    if (rc == ISMS_OK &&
        (rc = st_prepare(w, "INSERT INTO soa_version(version, approved_by, approved_at, note, digest) VALUES (?,?,?,?,?)",
                         &st, err)) == ISMS_OK) {
        sqlite3_bind_int(st, 1, v + 1);
        st_text(st, 2, by);
        st_text(st, 3, now);
        st_text(st, 4, note);
        st_text(st, 5, cur);
        int s = sqlite3_step(st);
        st_release(w, st);
        if (s != SQLITE_DONE)
            rc = st_error(w, s, "approving the SoA", err);
    }
    if (rc == ISMS_OK &&
        (rc = st_prepare(w,
                         "INSERT INTO soa_version_entry(version, control_id, applicable, reasons, risks, "
                         "justification, status, implementation, owner) VALUES (?,?,?,?,?,?,?,?,?)",
                         &st, err)) == ISMS_OK) {
        for (size_t i = 0; i < CATALOG_NCONTROLS && rc == ISMS_OK; i++) {
            const soa_entry *e = &all[i];
            sqlite3_reset(st);
            sqlite3_bind_int(st, 1, v + 1);
            st_text(st, 2, e->ctl->id);
            int app = soa_effective_applicable(e);
            if (app == SOA_UNDECIDED)
                sqlite3_bind_null(st, 3);
            else
                sqlite3_bind_int(st, 3, app);
            sqlite3_bind_int(st, 4, e->reasons);
            st_text(st, 5, e->risks);
            st_text(st, 6, e->justification);
            st_text(st, 7, e->status ? soa_status_name(e->status) : NULL);
            st_text(st, 8, e->implementation);
            st_text(st, 9, e->owner);
            int s = sqlite3_step(st);
            if (s != SQLITE_DONE)
                rc = st_error(w, s, "freezing the SoA version", err);
        }
        st_release(w, st);
    }
    if (rc == ISMS_OK) {
        char vs[16], after[256];
        snprintf(vs, sizeof vs, "%d", v + 1);
        snprintf(after, sizeof after, "{\"version\":%d,\"digest\":\"%s\"}", v + 1, cur);
        rc = store_audit(w, "approve", "soa_version", vs, NULL, after, err);
        *version = v + 1;
    }
    arena_free(&a);
    return rc;
}

int store_soa_versions(ws *w, arena *a, soa_version **out, size_t *n, isms_err *err)
{
    sqlite3_stmt *st;
    int rc;
    size_t cap = 8, cnt = 0;
    soa_version *arr = arena_alloc(a, cap * sizeof *arr);
    if ((rc = st_prepare(w, "SELECT version, approved_by, approved_at, note, digest FROM soa_version ORDER BY version",
                         &st, err)))
        return rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (cnt == cap) {
            soa_version *na = arena_alloc(a, cap * 2 * sizeof *na);
            memcpy(na, arr, cnt * sizeof *na);
            arr = na;
            cap *= 2;
        }
        arr[cnt++] = (soa_version){sqlite3_column_int(st, 0), st_col(st, 1, a), st_col(st, 2, a),
                                   st_col(st, 3, a), st_col(st, 4, a)};
    }
    st_release(w, st);
    *out = arr;
    *n = cnt;
    return rc == SQLITE_DONE ? ISMS_OK : st_error(w, rc, "reading SoA versions", err);
}

int store_soa_load_version(ws *w, int version, arena *a, soa_entry *out, isms_err *err)
{
    entry_defaults(out);
    sqlite3_stmt *st;
    int rc, rows = 0;
    if ((rc = st_prepare(w,
                         "SELECT control_id, applicable, reasons, risks, justification, status, implementation, "
                         "owner FROM soa_version_entry WHERE version = ?",
                         &st, err)))
        return rc;
    sqlite3_bind_int(st, 1, version);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int i = catalog_control_index((const char *)sqlite3_column_text(st, 0));
        if (i < 0)
            continue;
        rows++;
        soa_entry *e = &out[i];
        e->applicable = sqlite3_column_type(st, 1) == SQLITE_NULL ? SOA_UNDECIDED : sqlite3_column_int(st, 1);
        e->reasons = sqlite3_column_int(st, 2);
        e->risks = st_col(st, 3, a);
        e->nrisks = e->risks && *e->risks ? 1 : 0;
        for (const char *p = e->risks; p && *p; p++)
            e->nrisks += *p == ',';
        e->justification = st_col(st, 4, a);
        int s = soa_status_parse((const char *)sqlite3_column_text(st, 5));
        e->status = s < 0 ? SOA_STATUS_NONE : (soa_status)s;
        e->implementation = st_col(st, 6, a);
        e->owner = st_col(st, 7, a);
    }
    st_release(w, st);
    if (rc != SQLITE_DONE)
        return st_error(w, rc, "reading an SoA version", err);
    if (!rows)
        return err_set(err, ISMS_ENOTFOUND, "no approved SoA version %d", version);
    return ISMS_OK;
}

int store_gap_facts(ws *w, arena *a, const soa_entry *soa, gap_facts *f, isms_err *err)
{
    memset(f, 0, sizeof *f);
    char today[11];
    store_today(today);
    risk_method m;
    int rc = store_method_get(w, &m, &f->method_confirmed, err);
    if (rc)
        return rc;
    /* A stored value of only white space (saved before values were trimmed) counts as missing. */
    f->has_context = st_count(w, "SELECT count(*) FROM org WHERE NOT " TEXT_SQL_BLANK("context"), NULL, err, &rc) > 0;
    f->has_scope_statement = st_count(w, "SELECT count(*) FROM org WHERE NOT " TEXT_SQL_BLANK("scope"), NULL, err, &rc) > 0;
    f->scope_in = st_count(w, "SELECT count(*) FROM scope_item WHERE in_scope = 1", NULL, err, &rc);
    f->scope_out = st_count(w, "SELECT count(*) FROM scope_item WHERE in_scope = 0", NULL, err, &rc);
    f->parties = st_count(w, "SELECT count(*) FROM party", NULL, err, &rc);
    f->parties_without_requirements =
        st_count(w, "SELECT count(*) FROM party WHERE " TEXT_SQL_BLANK("requirements"), NULL, err, &rc);
    /* The registers' counts are tallies the triggers keep (schema 10 in ws.c), with the same
     * conditions: a few rows read, however many assets and risks there are. */
    f->assets = st_tally(w, "assets", err, &rc);
    f->assets_without_owner = st_tally(w, "assets_without_owner", err, &rc);
    f->risks = st_tally(w, "risks", err, &rc);
    f->risks_without_owner = st_tally(w, "risks_without_owner", err, &rc);
    f->risks_untreated = st_tally(w, "risks_untreated", err, &rc);
    /* treated but not avoided, not accepted, residual score above the appetite */
    f->risks_awaiting_acceptance = st_tally_above(w, "risk_unaccepted_score", m.appetite, err, &rc);
    /* open mitigate/transfer/avoid treatments by due date */
    f->risks_overdue = st_tally_below(w, "risk_due", today, err, &rc);
    f->risks_without_due_date = st_tally(w, "risks_without_due_date", err, &rc);
    if (rc || (rc = store_evidence_counts(w, today, f->ev_fresh, f->ev_stale, err)) ||
        (rc = store_check_failing(w, f->check_failing, err)) || (rc = store_lifecycle_facts(w, today, f, err)) ||
        (rc = store_stage1_facts(w, today, f, err)))
        return rc;
    if (soa)
        return soa_changed(w, soa, &f->soa_versions, &f->soa_changed_since_approval, err);
    return store_soa_changed(w, a, &f->soa_versions, &f->soa_changed_since_approval, err);
}
