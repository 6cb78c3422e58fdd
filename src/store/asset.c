/* The asset inventory (A.5.9, A.5.12). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "store/internal.h"
#include "util/json.h"
#include "util/text.h"

const char *const asset_types[] = {"information", "software", "hardware", "service", "cloud",
                                   "network",     "people",   "facility", NULL};
const char *const asset_classifications[] = {"public", "internal", "confidential", "restricted", NULL};

static int in_list(const char *const *list, const char *v)
{
    for (; *list; list++)
        if (v && !strcmp(*list, v))
            return 1;
    return 0;
}

void asset_normalize(asset *x, arena *a)
{
    x->name = text_trim(a, x->name);
    x->owner = text_trim(a, x->owner);
    x->type = text_trim(a, x->type);
    x->classification = text_trim(a, x->classification);
    text_optional(a, &x->description);
}

int asset_validate(const asset *x, isms_err *err)
{
    if (text_blank(x->name))
        return err_set(err, ISMS_EINVAL, "name: an asset needs a name");
    if (strlen(x->name) > 200)
        return err_set(err, ISMS_EINVAL, "name: longer than 200 characters");
    if (text_blank(x->type))
        return err_set(err, ISMS_EINVAL,
                       "type: an asset needs a type (information, software, hardware, service, cloud, network, "
                       "people, facility)");
    if (!in_list(asset_types, x->type))
        return err_set(err, ISMS_EINVAL,
                       "type: '%s' is not an asset type (information, software, hardware, service, cloud, "
                       "network, people, facility)",
                       x->type ? x->type : "");
    if (text_blank(x->owner))
        return err_set(err, ISMS_EINVAL, "owner: every asset needs an owner (A.5.9)");
    if (text_blank(x->classification))
        return err_set(err, ISMS_EINVAL,
                       "classification: an asset needs a classification (public, internal, confidential, restricted)");
    if (!in_list(asset_classifications, x->classification))
        return err_set(err, ISMS_EINVAL,
                       "classification: '%s' is not a classification (public, internal, confidential, restricted)",
                       x->classification ? x->classification : "");
    const struct { const char *n; int v; } cia[] = {
        {"confidentiality", x->confidentiality}, {"integrity", x->integrity}, {"availability", x->availability}};
    for (int i = 0; i < 3; i++)
        if (cia[i].v < 0 || cia[i].v > 3)
            return err_set(err, ISMS_EINVAL, "%s: %d is out of range (1 low, 2 medium, 3 high)", cia[i].n, cia[i].v);
    return ISMS_OK;
}

static void asset_json(jw *j, const asset *x)
{
    jw_obj(j);
    jw_kint(j, "id", x->id);
    jw_kstr(j, "name", x->name);
    jw_kstr(j, "type", x->type);
    jw_kstr(j, "owner", x->owner);
    jw_kstr(j, "classification", x->classification);
    jw_kint(j, "confidentiality", x->confidentiality);
    jw_kint(j, "integrity", x->integrity);
    jw_kint(j, "availability", x->availability);
    jw_kstr(j, "description", x->description);
    jw_obj_end(j);
}

static char *asset_text(const asset *x)
{
    buf b;
    buf_init(&b, 1 << 20);
    jw j;
    jw_init_buf(&j, &b);
    asset_json(&j, x);
    return b.data; /* caller frees */
}

static int asset_insert(ws *w, const asset *x, int64_t *id, isms_err *err);

static void bind_cia(sqlite3_stmt *st, int i, int v)
{
    if (v)
        sqlite3_bind_int(st, i, v);
    else
        sqlite3_bind_null(st, i);
}

int store_asset_insert(ws *w, const asset *in, int64_t *id, isms_err *err)
{
    arena ta;
    arena_init(&ta);
    asset n = *in;
    asset_normalize(&n, &ta);
    int rc = asset_insert(w, &n, id, err);
    arena_free(&ta);
    return rc;
}

static int asset_insert(ws *w, const asset *x, int64_t *id, isms_err *err)
{
    int rc = asset_validate(x, err);
    if (rc)
        return rc;
    sqlite3_stmt *st;
    char now[32];
    store_now(now);
    if ((rc = st_prepare(w,
                         "INSERT INTO asset(name, type, owner, classification, confidentiality, integrity, "
                         "availability, description, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
                         &st, err)))
        return rc;
    st_text(st, 1, x->name);
    st_text(st, 2, x->type);
    st_text(st, 3, x->owner);
    st_text(st, 4, x->classification);
    bind_cia(st, 5, x->confidentiality);
    bind_cia(st, 6, x->integrity);
    bind_cia(st, 7, x->availability);
    st_text(st, 8, x->description);
    st_text(st, 9, now);
    st_text(st, 10, now);
    rc = sqlite3_step(st);
    st_release(w, st);
    if ((rc & 0xff) == SQLITE_CONSTRAINT)
        return err_set(err, ISMS_ECONFLICT, "name: an asset named '%s' already exists", x->name);
    if (rc != SQLITE_DONE)
        return st_error(w, rc, "adding an asset", err);
    asset y = *x;
    y.id = sqlite3_last_insert_rowid(w->db);
    if (id)
        *id = y.id;
    char ids[24];
    snprintf(ids, sizeof ids, "%lld", (long long)y.id);
    char *after = asset_text(&y);
    rc = store_audit(w, "create", "asset", ids, NULL, after, err);
    free(after);
    return rc;
}

static void asset_row(sqlite3_stmt *st, asset *x)
{
    x->id = sqlite3_column_int64(st, 0);
    x->name = (const char *)sqlite3_column_text(st, 1);
    x->type = (const char *)sqlite3_column_text(st, 2);
    x->owner = (const char *)sqlite3_column_text(st, 3);
    x->classification = (const char *)sqlite3_column_text(st, 4);
    x->confidentiality = sqlite3_column_int(st, 5);
    x->integrity = sqlite3_column_int(st, 6);
    x->availability = sqlite3_column_int(st, 7);
    x->description = (const char *)sqlite3_column_text(st, 8);
    x->created_at = (const char *)sqlite3_column_text(st, 9);
    x->updated_at = (const char *)sqlite3_column_text(st, 10);
    x->nrisks = sqlite3_column_int64(st, 11);
}

#define ASSET_COLS                                                                                       \
    "a.id, a.name, a.type, a.owner, a.classification, a.confidentiality, a.integrity, a.availability, " \
    "a.description, a.created_at, a.updated_at, (SELECT count(*) FROM risk r WHERE r.asset_id = a.id)"

int store_asset_get(ws *w, const char *id_or_name, arena *a, asset *x, isms_err *err)
{
    sqlite3_stmt *st;
    int rc;
    char *end;
    long long id = id_or_name ? strtoll(id_or_name, &end, 10) : 0;
    int by_id = id_or_name && *id_or_name && *end == '\0';
    if ((rc = st_prepare(w,
                         by_id ? "SELECT " ASSET_COLS " FROM asset a WHERE a.id = ?"
                               : "SELECT " ASSET_COLS " FROM asset a WHERE a.name = ?",
                         &st, err)))
        return rc;
    if (by_id)
        sqlite3_bind_int64(st, 1, id);
    else
        st_text(st, 1, id_or_name);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        asset_row(st, x);
        x->name = arena_strdup(a, x->name);
        x->type = arena_strdup(a, x->type);
        x->owner = arena_strdup(a, x->owner);
        x->classification = arena_strdup(a, x->classification);
        x->description = arena_strdup(a, x->description);
        x->created_at = arena_strdup(a, x->created_at);
        x->updated_at = arena_strdup(a, x->updated_at);
    }
    st_release(w, st);
    if (rc == SQLITE_DONE)
        return err_set(err, ISMS_ENOTFOUND, "no asset '%s' (give its id or exact name)",
                       id_or_name ? id_or_name : "");
    return rc == SQLITE_ROW ? ISMS_OK : st_error(w, rc, "reading an asset", err);
}

int store_asset_update(ws *w, const asset *in, isms_err *err)
{
    arena a;
    arena_init(&a);
    asset n = *in, *x = &n;
    asset_normalize(x, &a);
    int rc = asset_validate(x, err);
    if (rc) {
        arena_free(&a);
        return rc;
    }
    asset before;
    char ids[24];
    snprintf(ids, sizeof ids, "%lld", (long long)x->id);
    if ((rc = store_asset_get(w, ids, &a, &before, err))) {
        arena_free(&a);
        return rc;
    }
    sqlite3_stmt *st;
    char now[32];
    store_now(now);
    if ((rc = st_prepare(w,
                         "UPDATE asset SET name=?, type=?, owner=?, classification=?, confidentiality=?, "
                         "integrity=?, availability=?, description=?, updated_at=? WHERE id=?",
                         &st, err))) {
        arena_free(&a);
        return rc;
    }
    st_text(st, 1, x->name);
    st_text(st, 2, x->type);
    st_text(st, 3, x->owner);
    st_text(st, 4, x->classification);
    bind_cia(st, 5, x->confidentiality);
    bind_cia(st, 6, x->integrity);
    bind_cia(st, 7, x->availability);
    st_text(st, 8, x->description);
    st_text(st, 9, now);
    sqlite3_bind_int64(st, 10, x->id);
    rc = sqlite3_step(st);
    st_release(w, st);
    if ((rc & 0xff) == SQLITE_CONSTRAINT)
        rc = err_set(err, ISMS_ECONFLICT, "name: an asset named '%s' already exists", x->name);
    else if (rc != SQLITE_DONE)
        rc = st_error(w, rc, "updating an asset", err);
    else {
        char *b = asset_text(&before), *af = asset_text(x);
        rc = store_audit(w, "update", "asset", ids, b, af, err);
        free(b);
        free(af);
    }
    arena_free(&a);
    return rc;
}

int store_asset_delete(ws *w, int64_t id, isms_err *err)
{
    arena a;
    arena_init(&a);
    asset before;
    char ids[24];
    snprintf(ids, sizeof ids, "%lld", (long long)id);
    int rc = store_asset_get(w, ids, &a, &before, err);
    if (rc == ISMS_OK && before.nrisks > 0)
        rc = err_set(err, ISMS_ECONFLICT,
                     "asset %lld '%s' is referenced by %ld risk(s): move or delete those risks first",
                     (long long)id, before.name, before.nrisks);
    sqlite3_stmt *st = NULL;
    if (rc == ISMS_OK && (rc = st_prepare(w, "DELETE FROM asset WHERE id = ?", &st, err)) == ISMS_OK) {
        sqlite3_bind_int64(st, 1, id);
        int s = sqlite3_step(st);
        st_release(w, st);
        if (s != SQLITE_DONE)
            rc = st_error(w, s, "deleting an asset", err);
        else {
            char *b = asset_text(&before);
            rc = store_audit(w, "delete", "asset", ids, b, NULL, err);
            free(b);
        }
    }
    arena_free(&a);
    return rc;
}

int store_asset_each(ws *w, int (*cb)(const asset *, void *), void *ctx, isms_err *err)
{
    sqlite3_stmt *st;
    int rc;
    /* Count risks per asset in one grouped pass rather than one sub-query per row. */
    if ((rc = st_prepare(w,
                         "SELECT a.id, a.name, a.type, a.owner, a.classification, a.confidentiality, "
                         "a.integrity, a.availability, a.description, a.created_at, a.updated_at, "
                         "coalesce(rc.n, 0) FROM asset a LEFT JOIN "
                         "(SELECT asset_id, count(*) AS n FROM risk GROUP BY asset_id) rc ON rc.asset_id = a.id "
                         "ORDER BY a.id",
                         &st, err)))
        return rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        asset x;
        asset_row(st, &x);
        if (cb(&x, ctx))
            break;
    }
    st_release(w, st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? ISMS_OK : st_error(w, rc, "listing assets", err);
}

static const char asset_where[] = " WHERE (?1 IS NULL OR a.type = ?1) AND (?2 IS NULL OR a.owner = ?2) "
                                  "AND (?3 IS NULL OR a.classification = ?3) "
                                  "AND (?4 IS NULL OR instr(lower(a.name), lower(?4)) > 0)";

static void bind_asset_filters(sqlite3_stmt *st, const page_query *pq)
{
    st_text(st, 1, pq->type);
    st_text(st, 2, pq->owner);
    st_text(st, 3, pq->classification);
    st_text(st, 4, pq->q);
}

int store_asset_count(ws *w, const page_query *pq, long *total, isms_err *err)
{
    int rc = 0;
    if (!pq->type && !pq->owner && !pq->classification && !pq->q) {
        *total = st_tally(w, "assets", err, &rc); /* unfiltered: the count the triggers keep */
        return rc;
    }
    char sql[1024];
    sqlite3_stmt *st;
    snprintf(sql, sizeof sql, "SELECT count(*) FROM asset a%s", asset_where);
    if ((rc = st_prepare(w, sql, &st, err)))
        return rc;
    bind_asset_filters(st, pq);
    *total = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    st_release(w, st);
    return ISMS_OK;
}

int store_asset_page(ws *w, const page_query *pq, int (*cb)(const asset *, void *), void *ctx, long *total,
                     page_mark *pm, isms_err *err)
{
    int rc, began;
    if (total && (rc = store_asset_count(w, pq, total, err)))
        return rc;
    char sql[1024];
    sqlite3_stmt *st;
    snprintf(sql, sizeof sql, "SELECT " ASSET_COLS " FROM asset a%s ORDER BY a.id LIMIT ?5 OFFSET ?6", asset_where);
    if ((rc = st_prepare(w, sql, &st, err)))
        return rc;
    bind_asset_filters(st, pq);
    sqlite3_bind_int64(st, 5, pq->limit);
    sqlite3_bind_int64(st, 6, pq->offset);
    if (pm && (rc = st_read_begin(w, &began, err))) {
        st_release(w, st);
        return rc;
    }
    long rows = 0;
    int64_t last = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        asset x;
        asset_row(st, &x);
        rows++;
        last = x.id;
        if (cb(&x, ctx))
            break;
    }
    st_release(w, st);
    rc = rc == SQLITE_ROW || rc == SQLITE_DONE ? ISMS_OK : st_error(w, rc, "listing assets", err);
    if (pm) {
        /* a full page shows the rows up to its last; a short one also whatever is added after it */
        pm->upto = rows == pq->limit ? last : INT64_MAX;
        if (rc == ISMS_OK)
            rc = store_page_mark(w, PAGE_ASSETS, pm->upto, &pm->mark, err);
        st_read_end(w, began);
    }
    return rc;
}
