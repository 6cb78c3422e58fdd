/* The risk register and treatment plan (6.1.2, 6.1.3, 8.2, 8.3). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/catalog.h"
#include "store/internal.h"
#include "util/json.h"
#include "util/text.h"

static void risk_json(jw *j, const risk *r)
{
    jw_obj(j);
    jw_kint(j, "id", r->id);
    jw_kstr(j, "title", r->title);
    if (r->asset_id)
        jw_kint(j, "asset_id", r->asset_id);
    jw_kstr(j, "threat", r->threat);
    jw_kstr(j, "vulnerability", r->vulnerability);
    jw_kint(j, "likelihood", r->likelihood);
    jw_kint(j, "impact", r->impact);
    jw_kstr(j, "owner", r->owner);
    jw_kstr(j, "treatment", r->option ? risk_option_name(r->option) : NULL);
    jw_kstr(j, "controls", r->controls);
    if (r->residual_likelihood) {
        jw_kint(j, "residual_likelihood", r->residual_likelihood);
        jw_kint(j, "residual_impact", r->residual_impact);
    }
    jw_kstr(j, "treatment_owner", r->treatment_owner);
    jw_kstr(j, "due_date", r->due_date);
    jw_kstr(j, "plan", r->treatment_plan);
    jw_kbool(j, "done", r->done);
    jw_kstr(j, "accepted_by", r->accepted_by);
    jw_obj_end(j);
}

static char *risk_text(const risk *r)
{
    buf b;
    buf_init(&b, 1 << 20);
    jw j;
    jw_init_buf(&j, &b);
    risk_json(&j, r);
    return b.data;
}

static int risk_audit(ws *w, const char *action, const risk *before, const risk *after, isms_err *err)
{
    char ids[24];
    snprintf(ids, sizeof ids, "%lld", (long long)(after ? after->id : before->id));
    char *b = before ? risk_text(before) : NULL, *a = after ? risk_text(after) : NULL;
    int rc = store_audit(w, action, "risk", ids, b, a, err);
    free(b);
    free(a);
    return rc;
}

/* Trim the assessment's text (into a) and validate it: a blank title, threat, vulnerability or
 * owner is missing. */
static int risk_assess_validate(ws *w, const risk_method *m, risk *r, arena *a, isms_err *err)
{
    int rc;
    if ((rc = text_required(a, &r->title, err, "title", "a risk needs a title")) ||
        (rc = text_required(a, &r->threat, err, "threat", "a risk needs a threat")) ||
        (rc = text_required(a, &r->vulnerability, err, "vulnerability", "a risk needs a vulnerability")) ||
        (rc = text_required(a, &r->owner, err, "owner",
                            "every risk needs an owner who is accountable for it (6.1.2 c)")))
        return rc;
    if ((rc = risk_check_value(m, "likelihood", r->likelihood, err)) ||
        (rc = risk_check_value(m, "impact", r->impact, err)))
        return rc;
    (void)w;
    return ISMS_OK;
}

static int risk_insert(ws *w, const risk_method *m, risk *r, int64_t *id, arena *a, isms_err *err);

int store_risk_insert(ws *w, const risk_method *m, const risk *in, int64_t *id, isms_err *err)
{
    arena a;
    arena_init(&a);
    risk n = *in;
    int rc = risk_insert(w, m, &n, id, &a, err);
    arena_free(&a);
    return rc;
}

static int risk_insert(ws *w, const risk_method *m, risk *r, int64_t *id, arena *a, isms_err *err)
{
    int rc = risk_assess_validate(w, m, r, a, err);
    if (rc)
        return rc;
    sqlite3_stmt *st;
    char now[32];
    store_now(now);
    if ((rc = st_prepare(w,
                         "INSERT INTO risk(title, asset_id, threat, vulnerability, likelihood, impact, owner, "
                         "created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?)",
                         &st, err)))
        return rc;
    st_text(st, 1, r->title);
    if (r->asset_id)
        sqlite3_bind_int64(st, 2, r->asset_id);
    else
        sqlite3_bind_null(st, 2);
    st_text(st, 3, r->threat);
    st_text(st, 4, r->vulnerability);
    sqlite3_bind_int(st, 5, r->likelihood);
    sqlite3_bind_int(st, 6, r->impact);
    st_text(st, 7, r->owner);
    st_text(st, 8, now);
    st_text(st, 9, now);
    rc = sqlite3_step(st);
    st_release(w, st);
    if (rc != SQLITE_DONE)
        return st_error(w, rc, "adding a risk", err);
    risk y = *r;
    y.id = sqlite3_last_insert_rowid(w->db);
    y.controls = "";
    if (id)
        *id = y.id;
    return risk_audit(w, "create", NULL, &y, err);
}

#define RISK_COLS                                                                                     \
    "r.id, r.title, r.asset_id, a.name, r.threat, r.vulnerability, r.likelihood, r.impact, r.owner, " \
    "r.option, r.residual_likelihood, r.residual_impact, r.treatment_owner, r.due_date, r.plan, "     \
    "r.done, r.accepted_by, r.accepted_at, r.created_at, r.updated_at, "

static void risk_row(sqlite3_stmt *st, risk *r, char *ctlbuf, size_t ctlsz)
{
    memset(r, 0, sizeof *r);
    r->id = sqlite3_column_int64(st, 0);
    r->title = (const char *)sqlite3_column_text(st, 1);
    r->asset_id = sqlite3_column_int64(st, 2);
    r->asset = (const char *)sqlite3_column_text(st, 3);
    r->threat = (const char *)sqlite3_column_text(st, 4);
    r->vulnerability = (const char *)sqlite3_column_text(st, 5);
    r->likelihood = sqlite3_column_int(st, 6);
    r->impact = sqlite3_column_int(st, 7);
    r->owner = (const char *)sqlite3_column_text(st, 8);
    int opt = risk_option_parse((const char *)sqlite3_column_text(st, 9));
    r->option = opt < 0 ? RISK_UNTREATED : (risk_option)opt;
    r->residual_likelihood = sqlite3_column_int(st, 10);
    r->residual_impact = sqlite3_column_int(st, 11);
    r->treatment_owner = (const char *)sqlite3_column_text(st, 12);
    r->due_date = (const char *)sqlite3_column_text(st, 13);
    r->treatment_plan = (const char *)sqlite3_column_text(st, 14);
    r->done = sqlite3_column_int(st, 15);
    r->accepted_by = (const char *)sqlite3_column_text(st, 16);
    r->accepted_at = (const char *)sqlite3_column_text(st, 17);
    r->created_at = (const char *)sqlite3_column_text(st, 18);
    r->updated_at = (const char *)sqlite3_column_text(st, 19);
    const char *ctl = (const char *)sqlite3_column_text(st, 20);
    /* Links are stored one per row; show them in catalog order. */
    if (!ctl || catalog_controls_normalize(ctl, ctlbuf, ctlsz, NULL) != ISMS_OK)
        ctlbuf[0] = '\0';
    r->controls = ctlbuf;
}

static void risk_copy(arena *a, risk *r)
{
    r->title = arena_strdup(a, r->title);
    r->asset = arena_strdup(a, r->asset);
    r->threat = arena_strdup(a, r->threat);
    r->vulnerability = arena_strdup(a, r->vulnerability);
    r->owner = arena_strdup(a, r->owner);
    r->treatment_owner = arena_strdup(a, r->treatment_owner);
    r->due_date = arena_strdup(a, r->due_date);
    r->treatment_plan = arena_strdup(a, r->treatment_plan);
    r->accepted_by = arena_strdup(a, r->accepted_by);
    r->accepted_at = arena_strdup(a, r->accepted_at);
    r->created_at = arena_strdup(a, r->created_at);
    r->updated_at = arena_strdup(a, r->updated_at);
    r->controls = arena_strdup(a, r->controls);
}

int store_risk_get(ws *w, int64_t id, arena *a, risk *r, isms_err *err)
{
    sqlite3_stmt *st;
    int rc;
    char ctl[1024];
    if ((rc = st_prepare(w,
                         "SELECT " RISK_COLS
                         "(SELECT group_concat(control_id) FROM risk_control c WHERE c.risk_id = r.id) "
                         "FROM risk r LEFT JOIN asset a ON a.id = r.asset_id WHERE r.id = ?",
                         &st, err)))
        return rc;
    sqlite3_bind_int64(st, 1, id);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        risk_row(st, r, ctl, sizeof ctl);
        risk_copy(a, r);
    }
    st_release(w, st);
    if (rc == SQLITE_DONE)
        return err_set(err, ISMS_ENOTFOUND, "no risk with id %lld", (long long)id);
    return rc == SQLITE_ROW ? ISMS_OK : st_error(w, rc, "reading a risk", err);
}

int store_risk_each(ws *w, int (*cb)(const risk *, void *), void *ctx, isms_err *err)
{
    sqlite3_stmt *st;
    int rc;
    char ctl[1024];
    /* One grouped pass over the links, merged by risk id, instead of a sub-query per row. */
    if ((rc = st_prepare(w,
                         "SELECT " RISK_COLS "l.ids FROM risk r LEFT JOIN asset a ON a.id = r.asset_id "
                         "LEFT JOIN (SELECT risk_id, group_concat(control_id) AS ids FROM risk_control "
                         "GROUP BY risk_id) l ON l.risk_id = r.id ORDER BY r.id",
                         &st, err)))
        return rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        risk r;
        risk_row(st, &r, ctl, sizeof ctl);
        if (cb(&r, ctx))
            break;
    }
    st_release(w, st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? ISMS_OK : st_error(w, rc, "listing risks", err);
}

int store_risk_update(ws *w, const risk_method *m, const risk *in, isms_err *err)
{
    arena a;
    arena_init(&a);
    risk before, n = *in, *r = &n;
    int rc = store_risk_get(w, r->id, &a, &before, err);
    if (rc == ISMS_OK)
        rc = risk_assess_validate(w, m, r, &a, err);
    if (rc == ISMS_OK && before.residual_likelihood &&
        risk_score(before.residual_likelihood, before.residual_impact) > risk_score(r->likelihood, r->impact))
        rc = err_set(err, ISMS_EINVAL,
                     "the new inherent score %d is below the residual score %d of the treatment: "
                     "re-assess the treatment first",
                     risk_score(r->likelihood, r->impact),
                     risk_score(before.residual_likelihood, before.residual_impact));
    sqlite3_stmt *st;
    if (rc == ISMS_OK &&
        (rc = st_prepare(w,
                         "UPDATE risk SET title=?, asset_id=?, threat=?, vulnerability=?, likelihood=?, "
                         "impact=?, owner=?, updated_at=?, "
                         /* a new owner has not accepted anything yet */
                         "accepted_by = CASE WHEN owner = ?7 THEN accepted_by END, "
                         "accepted_at = CASE WHEN owner = ?7 THEN accepted_at END WHERE id=?",
                         &st, err)) == ISMS_OK) {
        char now[32];
        store_now(now);
        st_text(st, 1, r->title);
        if (r->asset_id)
            sqlite3_bind_int64(st, 2, r->asset_id);
        else
            sqlite3_bind_null(st, 2);
        st_text(st, 3, r->threat);
        st_text(st, 4, r->vulnerability);
        sqlite3_bind_int(st, 5, r->likelihood);
        sqlite3_bind_int(st, 6, r->impact);
        st_text(st, 7, r->owner);
        st_text(st, 8, now);
        sqlite3_bind_int64(st, 9, r->id);
        int s = sqlite3_step(st);
        st_release(w, st);
        if (s != SQLITE_DONE)
            rc = st_error(w, s, "updating a risk", err);
        else {
            risk after;
            rc = store_risk_get(w, r->id, &a, &after, err);
            if (rc == ISMS_OK)
                rc = risk_audit(w, "update", &before, &after, err);
        }
    }
    arena_free(&a);
    return rc;
}

/* Refuse controls that the SoA excludes, naming them. */
static int check_not_excluded(ws *w, const char *controls, isms_err *err)
{
    sqlite3_stmt *st;
    int rc;
    if ((rc = st_prepare(w,
                         "SELECT group_concat(control_id, ', ') FROM soa WHERE applicable = 0 AND "
                         "instr(',' || ?1 || ',', ',' || control_id || ',') > 0",
                         &st, err)))
        return rc;
    st_text(st, 1, controls);
    rc = sqlite3_step(st);
    const char *bad = rc == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 0) : NULL;
    if (bad)
        rc = err_field(err, ISMS_ECONFLICT, "controls",
                       "%s %s excluded in the Statement of Applicability: a control that treats a risk must be "
                       "applicable; mark it applicable in the SoA first",
                       bad, strchr(bad, ',') ? "are" : "is");
    else
        rc = ISMS_OK;
    st_release(w, st);
    return rc;
}

int store_risk_treat(ws *w, const risk_method *m, const risk *r, isms_err *err)
{
    arena a;
    arena_init(&a);
    risk before;
    char controls[1024];
    int rc = store_risk_get(w, r->id, &a, &before, err);
    if (rc == ISMS_OK)
        rc = catalog_controls_normalize(r->controls, controls, sizeof controls, err);
    risk t = before;
    if (rc == ISMS_OK) {
        t.option = r->option;
        t.controls = controls;
        t.residual_likelihood = r->residual_likelihood;
        t.residual_impact = r->residual_impact;
        t.treatment_owner = r->treatment_owner;
        t.due_date = r->due_date;
        t.treatment_plan = r->treatment_plan;
        text_optional(&a, &t.treatment_owner);
        text_optional(&a, &t.due_date);
        text_optional(&a, &t.treatment_plan);
        t.done = r->done;
        rc = risk_treatment_validate(m, &t, err);
    }
    if (rc == ISMS_OK)
        rc = check_not_excluded(w, controls, err);
    sqlite3_stmt *st = NULL;
    char now[32];
    store_now(now);
    if (rc == ISMS_OK &&
        (rc = st_prepare(w,
                         "UPDATE risk SET option=?, residual_likelihood=?, residual_impact=?, treatment_owner=?, "
                         "due_date=?, plan=?, done=?, accepted_by=NULL, accepted_at=NULL, updated_at=? WHERE id=?",
                         &st, err)) == ISMS_OK) {
        st_text(st, 1, risk_option_name(t.option));
        if (t.residual_likelihood) {
            sqlite3_bind_int(st, 2, t.residual_likelihood);
            sqlite3_bind_int(st, 3, t.residual_impact);
        }
        st_text(st, 4, t.treatment_owner);
        st_text(st, 5, t.due_date && *t.due_date ? t.due_date : NULL);
        st_text(st, 6, t.treatment_plan);
        sqlite3_bind_int(st, 7, t.done ? 1 : 0);
        st_text(st, 8, now);
        sqlite3_bind_int64(st, 9, t.id);
        int s = sqlite3_step(st);
        st_release(w, st);
        if (s != SQLITE_DONE)
            rc = st_error(w, s, "recording the treatment", err);
    }
    if (rc == ISMS_OK && (rc = st_prepare(w, "DELETE FROM risk_control WHERE risk_id = ?", &st, err)) == ISMS_OK) {
        sqlite3_bind_int64(st, 1, t.id);
        int s = sqlite3_step(st);
        st_release(w, st);
        if (s != SQLITE_DONE)
            rc = st_error(w, s, "linking controls", err);
    }
    /* Link each control and derive its applicability: a control that treats a risk is applicable. */
    for (char *p = controls; rc == ISMS_OK && *p;) {
        char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        char id[16];
        snprintf(id, sizeof id, "%.*s", (int)len, p);
        p += len + (comma ? 1 : 0);
        if ((rc = st_prepare(w, "INSERT INTO risk_control(risk_id, control_id) VALUES (?, ?)", &st, err)))
            break;
        sqlite3_bind_int64(st, 1, t.id);
        st_text(st, 2, id);
        int s = sqlite3_step(st);
        st_release(w, st);
        if (s != SQLITE_DONE) {
            rc = st_error(w, s, "linking controls", err);
            break;
        }
        if ((rc = st_prepare(w,
                             "INSERT INTO soa(control_id, applicable, updated_at) VALUES (?1, 1, ?2) "
                             "ON CONFLICT(control_id) DO UPDATE SET applicable = 1, updated_at = ?2 "
                             "WHERE applicable IS NULL",
                             &st, err)))
            break;
        st_text(st, 1, id);
        st_text(st, 2, now);
        s = sqlite3_step(st);
        st_release(w, st);
        if (s != SQLITE_DONE)
            rc = st_error(w, s, "updating the SoA", err);
    }
    if (rc == ISMS_OK) {
        t.accepted_by = t.accepted_at = NULL;
        rc = risk_audit(w, "treat", &before, &t, err);
    }
    arena_free(&a);
    return rc;
}

int store_risk_accept(ws *w, const risk_method *m, int64_t id, const char *by, isms_err *err)
{
    arena a;
    arena_init(&a);
    risk before;
    by = text_trim(&a, by);
    int rc = store_risk_get(w, id, &a, &before, err);
    if (rc == ISMS_OK && before.option == RISK_UNTREATED)
        rc = err_set(err, ISMS_EINVAL, "risk %lld has no treatment yet: decide its treatment first",
                     (long long)id);
    if (rc == ISMS_OK && (!by || strcmp(by, before.owner)))
        rc = err_set(err, ISMS_EINVAL,
                     "only the risk owner (%s) can accept the residual risk of risk %lld, not '%s' (6.1.3 f)",
                     before.owner, (long long)id, by ? by : "");
    sqlite3_stmt *st;
    if (rc == ISMS_OK &&
        (rc = st_prepare(w, "UPDATE risk SET accepted_by = ?, accepted_at = ?, updated_at = ?2 WHERE id = ?",
                         &st, err)) == ISMS_OK) {
        char now[32];
        store_now(now);
        st_text(st, 1, by);
        st_text(st, 2, now);
        sqlite3_bind_int64(st, 3, id);
        int s = sqlite3_step(st);
        st_release(w, st);
        if (s != SQLITE_DONE)
            rc = st_error(w, s, "recording the acceptance", err);
        else {
            risk after = before;
            after.accepted_by = by;
            after.accepted_at = now;
            rc = risk_audit(w, "accept", &before, &after, err);
        }
    }
    (void)m;
    arena_free(&a);
    return rc;
}

int store_risk_delete(ws *w, int64_t id, isms_err *err)
{
    arena a;
    arena_init(&a);
    risk before;
    int rc = store_risk_get(w, id, &a, &before, err);
    sqlite3_stmt *st;
    if (rc == ISMS_OK && (rc = st_prepare(w, "DELETE FROM risk WHERE id = ?", &st, err)) == ISMS_OK) {
        sqlite3_bind_int64(st, 1, id);
        int s = sqlite3_step(st);
        st_release(w, st);
        rc = s == SQLITE_DONE ? risk_audit(w, "delete", &before, NULL, err) : st_error(w, s, "deleting a risk", err);
    }
    arena_free(&a);
    return rc;
}

static const char risk_where[] =
    " WHERE (?1 IS NULL OR r.owner = ?1) AND (?2 IS NULL OR coalesce(r.option, 'untreated') = ?2) "
    "AND (?3 = 0 OR r.asset_id = ?3) AND (?4 IS NULL OR instr(lower(r.title), lower(?4)) > 0)";

static void bind_risk_filters(sqlite3_stmt *st, const page_query *pq)
{
    st_text(st, 1, pq->owner);
    st_text(st, 2, pq->treatment);
    sqlite3_bind_int64(st, 3, pq->asset_id);
    st_text(st, 4, pq->q);
}

int store_risk_count(ws *w, const page_query *pq, long *total, isms_err *err)
{
    int rc = 0;
    if (!pq->owner && !pq->treatment && !pq->asset_id && !pq->q) {
        *total = st_tally(w, "risks", err, &rc); /* unfiltered: the count the triggers keep */
        return rc;
    }
    char sql[1400];
    sqlite3_stmt *st;
    snprintf(sql, sizeof sql, "SELECT count(*) FROM risk r%s", risk_where);
    if ((rc = st_prepare(w, sql, &st, err)))
        return rc;
    bind_risk_filters(st, pq);
    *total = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    st_release(w, st);
    return ISMS_OK;
}

int store_risk_page(ws *w, const page_query *pq, int (*cb)(const risk *, void *), void *ctx, long *total,
                    page_mark *pm, isms_err *err)
{
    int rc, began;
    if (total && (rc = store_risk_count(w, pq, total, err)))
        return rc;
    char sql[1400];
    sqlite3_stmt *st;
    snprintf(sql, sizeof sql,
             "SELECT " RISK_COLS "(SELECT group_concat(control_id) FROM risk_control c WHERE c.risk_id = r.id) "
             "FROM risk r LEFT JOIN asset a ON a.id = r.asset_id%s ORDER BY r.id LIMIT ?5 OFFSET ?6",
             risk_where);
    if ((rc = st_prepare(w, sql, &st, err)))
        return rc;
    bind_risk_filters(st, pq);
    sqlite3_bind_int64(st, 5, pq->limit);
    sqlite3_bind_int64(st, 6, pq->offset);
    if (pm && (rc = st_read_begin(w, &began, err))) {
        st_release(w, st);
        return rc;
    }
    char ctl[1024];
    long rows = 0;
    int64_t last = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        risk r;
        risk_row(st, &r, ctl, sizeof ctl);
        rows++;
        last = r.id;
        if (cb(&r, ctx))
            break;
    }
    st_release(w, st);
    rc = rc == SQLITE_ROW || rc == SQLITE_DONE ? ISMS_OK : st_error(w, rc, "listing risks", err);
    if (pm) {
        /* a full page shows the rows up to its last; a short one also whatever is added after it */
        pm->upto = rows == pq->limit ? last : INT64_MAX;
        if (rc == ISMS_OK)
            rc = store_page_mark(w, PAGE_RISKS, pm->upto, &pm->mark, err);
        st_read_end(w, began);
    }
    return rc;
}

static int matrix_cell(sqlite3_value *k, long n, void *ctx)
{
    long(*m)[6] = ctx;
    sqlite3_int64 cell = sqlite3_value_int64(k); /* likelihood * 10 + impact (schema 10 in ws.c) */
    if (cell / 10 >= 1 && cell / 10 <= 5 && cell % 10 >= 1 && cell % 10 <= 5)
        m[cell / 10][cell % 10] += n;
    return 0;
}

int store_risk_matrix(ws *w, long m[6][6], isms_err *err)
{
    memset(m, 0, sizeof(long) * 36);
    return st_tally_each(w, "risk_cell", matrix_cell, m, err);
}

int store_risk_due(ws *w, const char *until, int limit, int (*cb)(const risk *, void *), void *ctx, isms_err *err)
{
    sqlite3_stmt *st;
    int rc = st_prepare(w,
                        "SELECT " RISK_COLS "(SELECT group_concat(control_id) FROM risk_control c WHERE c.risk_id = r.id) "
                        "FROM risk r LEFT JOIN asset a ON a.id = r.asset_id WHERE r.done = 0 AND r.option IS NOT NULL "
                        "AND r.option <> 'accept' AND r.due_date IS NOT NULL AND r.due_date <= ? "
                        "ORDER BY r.due_date, r.id LIMIT ?",
                        &st, err);
    if (rc)
        return rc;
    st_text(st, 1, until);
    sqlite3_bind_int(st, 2, limit);
    char ctl[1024];
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        risk r;
        risk_row(st, &r, ctl, sizeof ctl);
        if (cb(&r, ctx))
            break;
    }
    st_release(w, st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? ISMS_OK : st_error(w, rc, "listing due treatments", err);
}
