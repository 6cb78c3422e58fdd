/* The certification cycle, the implementation roadmap, management reviews, interested parties'
 * feedback, and the calendar of every dated ISMS event. */
#include <stdio.h>
#include <string.h>

#include "core/cycle.h"
#include "core/risk.h"
#include "store/internal.h"
#include "util/text.h"

#define TEXT_MAX 20000

int store_cert_get(ws *w, arena *a, cert_rec *c, int *found, isms_err *err)
{
    memset(c, 0, sizeof *c);
    *found = 0;
    sqlite3_stmt *st;
    int rc = st_prepare(w, "SELECT body, number, stage1_date, stage2_date, issued_on, updated_at FROM cert WHERE id = 1",
                        &st, err);
    if (rc)
        return rc;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *c = (cert_rec){st_col(st, 0, a), st_col(st, 1, a), st_col(st, 2, a), st_col(st, 3, a), st_col(st, 4, a),
                        st_col(st, 5, a)};
        *found = 1;
    }
    st_release(w, st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? ISMS_OK : st_error(w, rc, "reading the certification", err);
}

int store_cert_set(ws *w, const cert_rec *c, isms_err *err)
{
    const char *dates[] = {c->stage1_date, c->stage2_date, c->issued_on};
    const char *names[] = {"stage 1 date", "stage 2 date", "issue date"};
    for (int i = 0; i < 3; i++)
        if (dates[i] && !risk_date_valid(dates[i]))
            return err_set(err, ISMS_EINVAL, "%s '%s' is not a date (YYYY-MM-DD)", names[i], dates[i]);
    if ((c->body && strlen(c->body) > 200) || (c->number && strlen(c->number) > 200))
        return err_set(err, ISMS_EINVAL, "the certification body and number are at most 200 characters");
    arena a;
    arena_init(&a);
    cert_rec cur;
    int found, rc = store_cert_get(w, &a, &cur, &found, err);
    const char *s1 = c->stage1_date ? c->stage1_date : cur.stage1_date;
    const char *s2 = c->stage2_date ? c->stage2_date : cur.stage2_date;
    const char *is = c->issued_on ? c->issued_on : cur.issued_on;
    if (!rc && s1 && s2 && strcmp(s2, s1) < 0)
        rc = err_set(err, ISMS_EINVAL, "the stage 2 audit (%s) cannot come before stage 1 (%s)", s2, s1);
    if (!rc && s2 && is && strcmp(is, s2) < 0)
        rc = err_set(err, ISMS_EINVAL, "the certificate (%s) cannot be issued before the stage 2 audit (%s)", is, s2);
    char *before = found ? st_row_json(w, "cert", "id", "1", &a) : NULL;
    sqlite3_stmt *st;
    if (!rc && !(rc = st_prepare(w,
                                 "INSERT INTO cert(id, body, number, stage1_date, stage2_date, issued_on, updated_at) "
                                 "VALUES (1,?1,?2,?3,?4,?5,?6) ON CONFLICT(id) DO UPDATE SET "
                                 "body = coalesce(?1, body), number = coalesce(?2, number), "
                                 "stage1_date = coalesce(?3, stage1_date), stage2_date = coalesce(?4, stage2_date), "
                                 "issued_on = coalesce(?5, issued_on), updated_at = ?6",
                                 &st, err))) {
        char now[32];
        store_now(now);
        const char *v[] = {c->body, c->number, c->stage1_date, c->stage2_date, c->issued_on, now};
        for (int i = 0; i < 6; i++)
            st_text(st, i + 1, v[i]);
        int s = sqlite3_step(st);
        st_release(w, st);
        rc = s == SQLITE_DONE ? st_audit_row(w, found ? "update" : "create", "cert", "id", "1", before, &a, err)
                              : st_error(w, s, "recording the certification", err);
    }
    arena_free(&a);
    return rc;
}

int store_milestone_set(ws *w, const char *key, const char *due_date, const char *note, isms_err *err)
{
    const milestone_def *m;
    if (cycle_milestone_lookup(key, &m, err))
        return err->code;
    arena a;
    arena_init(&a);
    char *before = st_row_json(w, "milestone", "key", key, &a);
    /* A change names what it changes: no due date keeps the planned one (a new milestone needs one). */
    if (!due_date) {
        sqlite3_stmt *q;
        int qrc = st_prepare(w, "SELECT due_date FROM milestone WHERE key = ?", &q, err);
        if (qrc) {
            arena_free(&a);
            return qrc;
        }
        st_text(q, 1, key);
        if (sqlite3_step(q) == SQLITE_ROW)
            due_date = st_col(q, 0, &a);
        st_release(w, q);
    }
    if (!due_date) {
        arena_free(&a);
        return err_set(err, ISMS_EINVAL, "milestone %s is not planned yet: give its due date (YYYY-MM-DD)", key);
    }
    if (due_date && !risk_date_valid(due_date)) {
        arena_free(&a);
        return err_set(err, ISMS_EINVAL, "due date '%s' is not a date (YYYY-MM-DD)", due_date);
    }
    note = text_trim(&a, note);
    if (note && strlen(note) > TEXT_MAX) {
        arena_free(&a);
        return err_set(err, ISMS_EINVAL, "the note is longer than %d characters", TEXT_MAX);
    }
    char now[32];
    store_now(now);
    sqlite3_stmt *st;
    int rc = st_prepare(w,
                        "INSERT INTO milestone(key, due_date, note, updated_at) VALUES (?1,?2,?3,?4) "
                        "ON CONFLICT(key) DO UPDATE SET due_date = ?2, "
                        "note = CASE WHEN ?3 IS NULL THEN note WHEN ?3 = '' THEN NULL ELSE ?3 END, updated_at = ?4",
                        &st, err);
    if (!rc) {
        st_text(st, 1, key);
        st_text(st, 2, due_date);
        st_text(st, 3, note);
        st_text(st, 4, now);
        int s = sqlite3_step(st);
        st_release(w, st);
        rc = s == SQLITE_DONE ? st_audit_row(w, before ? "update" : "create", "milestone", "key", key, before, &a, err)
                              : st_error(w, s, "setting the milestone", err);
    }
    arena_free(&a);
    return rc;
}

int store_milestone_list(ws *w, arena *a, milestone_rec **out, size_t *n, isms_err *err)
{
    size_t nm;
    const milestone_def *defs = cycle_milestones(&nm);
    milestone_rec *arr = arena_alloc(a, nm * sizeof *arr);
    char today[11];
    store_today(today);
    /* Completion is read off the workspace, so the roadmap cannot claim what the records do not show. */
    static const char *const done_sql[] = {
        "SELECT substr(updated_at, 1, 10) FROM org WHERE length(trim(coalesce(scope,''))) > 0 "
        "AND EXISTS (SELECT 1 FROM scope_item WHERE in_scope = 1)",
        "SELECT substr(max(updated_at), 1, 10) FROM risk HAVING count(*) > 0 AND sum(option IS NULL) = 0",
        "SELECT substr(max(approved_at), 1, 10) FROM soa_version HAVING count(*) > 0",
        "SELECT substr(max(updated_at), 1, 10) FROM soa WHERE applicable = 1 HAVING count(*) > 0 AND "
        "sum(coalesce(status, '') <> 'implemented') = 0",
        "SELECT min(completed_on) FROM audit WHERE status = 'completed' HAVING count(*) > 0",
        "SELECT min(held_on) FROM review HAVING count(*) > 0",
        "SELECT stage1_date FROM cert WHERE stage1_date <= ?",
        "SELECT stage2_date FROM cert WHERE stage2_date <= ?",
    };
    int rc = 0;
    for (size_t i = 0; i < nm; i++) {
        arr[i] = (milestone_rec){defs[i].key, defs[i].title, defs[i].clause, NULL, NULL, NULL};
        sqlite3_stmt *st;
        if ((rc = st_prepare(w, done_sql[i], &st, err)))
            return rc;
        if (sqlite3_bind_parameter_count(st))
            st_text(st, 1, today);
        int s = sqlite3_step(st);
        if (s == SQLITE_ROW)
            arr[i].done_on = st_col(st, 0, a);
        st_release(w, st);
        if (s != SQLITE_ROW && s != SQLITE_DONE)
            return st_error(w, s, "reading the roadmap", err);
    }
    sqlite3_stmt *st;
    if ((rc = st_prepare(w, "SELECT key, due_date, note FROM milestone", &st, err)))
        return rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *key = (const char *)sqlite3_column_text(st, 0);
        for (size_t i = 0; i < nm; i++)
            if (!strcmp(arr[i].key, key)) {
                arr[i].due_date = st_col(st, 1, a);
                arr[i].note = st_col(st, 2, a);
            }
    }
    st_release(w, st);
    *out = arr;
    *n = nm;
    return rc == SQLITE_DONE ? ISMS_OK : st_error(w, rc, "reading the roadmap", err);
}

static int review_record(ws *w, review_rec *r, isms_err *err);

int store_review_record(ws *w, review_rec *in, isms_err *err)
{
    /* Texts are stored trimmed; blank attendees or decisions are none. */
    arena a;
    arena_init(&a);
    review_rec r = *in;
    r.attendees = text_trim(&a, r.attendees);
    r.decisions = text_trim(&a, r.decisions);
    text_optional(&a, &r.improvements);
    text_optional(&a, &r.changes);
    text_optional(&a, &r.resources);
    int rc = review_record(w, &r, err);
    in->id = r.id;
    arena_free(&a);
    return rc;
}

static int review_record(ws *w, review_rec *r, isms_err *err)
{
    if (!r->held_on || !risk_date_valid(r->held_on))
        return err_field(err, ISMS_EINVAL, "held_on", "review date '%s' is not a date (YYYY-MM-DD)",
                         r->held_on ? r->held_on : "");
    char today[11];
    store_today(today);
    if (strcmp(r->held_on, today) > 0)
        return err_field(err, ISMS_EINVAL, "held_on",
                         "the review date %s is in the future: record a review once it is held", r->held_on);
    if (!r->attendees || !*r->attendees)
        return err_field(err, ISMS_EINVAL, "attendees", "attendees is required: top management must take part (9.3.1)");
    if (!r->decisions || !*r->decisions)
        return err_field(err, ISMS_EINVAL, "decisions",
                         "decisions is required: the results must include decisions on improvement and changes (9.3.3)");
    const char *t[] = {r->attendees, r->decisions, r->improvements, r->changes, r->resources};
    for (int i = 0; i < 5; i++)
        if (t[i] && strlen(t[i]) > TEXT_MAX)
            return err_set(err, ISMS_EINVAL, "a review text is longer than %d characters", TEXT_MAX);
    char now[32];
    store_now(now);
    sqlite3_stmt *st;
    int rc = st_prepare(w,
                        "INSERT INTO review(held_on, attendees, decisions, improvements, changes, resources, pack, "
                        "created_at) VALUES (?,?,?,?,?,?,?,?)",
                        &st, err);
    if (rc)
        return rc;
    const char *v[] = {r->held_on, r->attendees, r->decisions, r->improvements, r->changes, r->resources,
                       r->pack ? r->pack : "{}", now};
    for (int i = 0; i < 8; i++)
        st_text(st, i + 1, v[i]);
    int s = sqlite3_step(st);
    st_release(w, st);
    if (s != SQLITE_DONE)
        return st_error(w, s, "recording the management review", err);
    r->id = sqlite3_last_insert_rowid(w->db);
    arena a;
    arena_init(&a);
    rc = st_audit_row(w, "create", "review", "id", arena_sprintf(&a, "%lld", (long long)r->id), NULL, &a, err);
    arena_free(&a);
    return rc;
}

#define REVIEW_COLS "SELECT id, held_on, attendees, decisions, improvements, changes, resources, pack, created_at FROM review "

static void review_row(sqlite3_stmt *st, arena *a, review_rec *r)
{
    *r = (review_rec){sqlite3_column_int64(st, 0), st_col(st, 1, a), st_col(st, 2, a), st_col(st, 3, a),
                      st_col(st, 4, a), st_col(st, 5, a), st_col(st, 6, a), st_col(st, 7, a), st_col(st, 8, a)};
}

int store_review_get(ws *w, int64_t id, arena *a, review_rec *out, isms_err *err)
{
    sqlite3_stmt *st;
    int rc = st_prepare(w, REVIEW_COLS "WHERE id = ?", &st, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, id);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        review_row(st, a, out);
    st_release(w, st);
    if (rc == SQLITE_DONE)
        return err_set(err, ISMS_ENOTFOUND, "no management review with id %lld", (long long)id);
    return rc == SQLITE_ROW ? ISMS_OK : st_error(w, rc, "reading the review", err);
}

int store_review_list(ws *w, arena *a, review_rec **out, size_t *n, isms_err *err)
{
    sqlite3_stmt *st;
    int rc = st_prepare(w, REVIEW_COLS "ORDER BY held_on, id", &st, err);
    if (rc)
        return rc;
    size_t cap = 8, k = 0;
    review_rec *arr = arena_alloc(a, cap * sizeof *arr);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (k == cap) {
            review_rec *na = arena_alloc(a, cap * 2 * sizeof *na);
            memcpy(na, arr, k * sizeof *na);
            arr = na;
            cap *= 2;
        }
        review_row(st, a, &arr[k++]);
    }
    st_release(w, st);
    *out = arr;
    *n = k;
    return rc == SQLITE_DONE ? ISMS_OK : st_error(w, rc, "reading reviews", err);
}

static int feedback_add(ws *w, feedback_rec *f, isms_err *err);

int store_feedback_add(ws *w, feedback_rec *in, isms_err *err)
{
    arena a;
    arena_init(&a);
    feedback_rec f = *in;
    f.party = text_trim(&a, f.party);
    f.summary = text_trim(&a, f.summary);
    int rc = feedback_add(w, &f, err);
    in->id = f.id;
    arena_free(&a);
    return rc;
}

static int feedback_add(ws *w, feedback_rec *f, isms_err *err)
{
    if (!f->party || !*f->party || strlen(f->party) > 200)
        return err_field(err, ISMS_EINVAL, "party", "party is required: who gave the feedback (at most 200 characters)");
    if (!f->summary || !*f->summary || strlen(f->summary) > TEXT_MAX)
        return err_field(err, ISMS_EINVAL, "summary", "summary is required: what the feedback says (at most %d characters)",
                         TEXT_MAX);
    if (!f->received_on || !risk_date_valid(f->received_on))
        return err_field(err, ISMS_EINVAL, "received_on", "date '%s' is not a date (YYYY-MM-DD)",
                         f->received_on ? f->received_on : "");
    char now[32];
    store_now(now);
    sqlite3_stmt *st;
    int rc = st_prepare(w, "INSERT INTO feedback(party, received_on, summary, created_at) VALUES (?,?,?,?)", &st, err);
    if (rc)
        return rc;
    st_text(st, 1, f->party);
    st_text(st, 2, f->received_on);
    st_text(st, 3, f->summary);
    st_text(st, 4, now);
    int s = sqlite3_step(st);
    st_release(w, st);
    if (s != SQLITE_DONE)
        return st_error(w, s, "recording feedback", err);
    f->id = sqlite3_last_insert_rowid(w->db);
    arena a;
    arena_init(&a);
    rc = st_audit_row(w, "create", "feedback", "id", arena_sprintf(&a, "%lld", (long long)f->id), NULL, &a, err);
    arena_free(&a);
    return rc;
}

int store_feedback_list(ws *w, const char *since, arena *a, feedback_rec **out, size_t *n, isms_err *err)
{
    sqlite3_stmt *st;
    int rc = st_prepare(w,
                        "SELECT id, party, received_on, summary FROM feedback WHERE ?1 IS NULL OR received_on >= ?1 "
                        "ORDER BY received_on DESC, id DESC",
                        &st, err);
    if (rc)
        return rc;
    st_text(st, 1, since);
    size_t cap = 8, k = 0;
    feedback_rec *arr = arena_alloc(a, cap * sizeof *arr);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (k == cap) {
            feedback_rec *na = arena_alloc(a, cap * 2 * sizeof *na);
            memcpy(na, arr, k * sizeof *na);
            arr = na;
            cap *= 2;
        }
        arr[k++] = (feedback_rec){sqlite3_column_int64(st, 0), st_col(st, 1, a), st_col(st, 2, a), st_col(st, 3, a)};
    }
    st_release(w, st);
    *out = arr;
    *n = k;
    return rc == SQLITE_DONE ? ISMS_OK : st_error(w, rc, "reading feedback", err);
}

typedef struct cal_acc {
    cal_event *ev;
    size_t n, cap;
    arena *a;
} cal_acc;

static void cal_push(cal_acc *c, const char *uid, const char *date, const char *end, const char *summary,
                     const char *desc, const char *category)
{
    if (!date || !risk_date_valid(date))
        return;
    if (c->n == c->cap) {
        size_t nc = c->cap ? c->cap * 2 : 64;
        cal_event *ne = arena_alloc(c->a, nc * sizeof *ne);
        if (c->n)
            memcpy(ne, c->ev, c->n * sizeof *ne);
        c->ev = ne;
        c->cap = nc;
    }
    c->ev[c->n++] = (cal_event){uid, date, end && risk_date_valid(end) ? end : NULL, summary, desc, category};
}

/* Rows of (uid suffix, date, end date, summary, description) from one query. */
static int cal_query(ws *w, cal_acc *c, const char *prefix, const char *category, const char *sql, isms_err *err)
{
    sqlite3_stmt *st;
    int rc = st_prepare(w, sql, &st, err);
    if (rc)
        return rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        cal_push(c, arena_sprintf(c->a, "%s-%s", prefix, (const char *)sqlite3_column_text(st, 0)),
                 st_col(st, 1, c->a), st_col(st, 2, c->a), st_col(st, 3, c->a), st_col(st, 4, c->a), category);
    st_release(w, st);
    return rc == SQLITE_DONE ? ISMS_OK : st_error(w, rc, "reading the calendar", err);
}

int store_calendar_events(ws *w, arena *a, cal_event **out, size_t *n, isms_err *err)
{
    cal_acc c = {NULL, 0, 0, a};
    cert_rec cert;
    int found, rc = store_cert_get(w, a, &cert, &found, err);
    if (rc)
        return rc;
    const char *body = cert.body ? cert.body : "the certification body";
    cal_push(&c, "cert-stage1", cert.stage1_date, NULL, "Stage 1 audit (documentation review)",
             arena_sprintf(a, "ISO/IEC 27001 stage 1 audit by %s", body), "certification");
    cal_push(&c, "cert-stage2", cert.stage2_date, NULL, "Stage 2 audit (certification audit)",
             arena_sprintf(a, "ISO/IEC 27001 stage 2 audit by %s", body), "certification");
    if (cert.issued_on) {
        cert_dates d;
        if (!cycle_cert_dates(cert.issued_on, &d, err)) {
            const char *num = cert.number ? cert.number : "";
            cal_push(&c, "cert-surveillance1", arena_strdup(a, d.surveillance1_by), NULL, "First surveillance audit due",
                     arena_sprintf(a, "Surveillance audit of certificate %s, due within 12 months of issue", num),
                     "certification");
            cal_push(&c, "cert-surveillance2", arena_strdup(a, d.surveillance2_by), NULL, "Second surveillance audit due",
                     arena_sprintf(a, "Surveillance audit of certificate %s, due within 24 months of issue", num),
                     "certification");
            cal_push(&c, "cert-recertification", arena_strdup(a, d.recert_by), NULL, "Recertification audit due",
                     arena_sprintf(a, "Recertification audit before certificate %s expires on %s", num, d.expires_on),
                     "certification");
            cal_push(&c, "cert-expiry", arena_strdup(a, d.expires_on), NULL, "Certificate expires",
                     arena_sprintf(a, "Certificate %s issued %s by %s expires", num, cert.issued_on, body),
                     "certification");
        }
    }
    milestone_rec *ms;
    size_t nm;
    if ((rc = store_milestone_list(w, a, &ms, &nm, err)))
        return rc;
    for (size_t i = 0; i < nm; i++)
        if (ms[i].due_date)
            cal_push(&c, arena_sprintf(a, "milestone-%s", ms[i].key), ms[i].due_date, NULL,
                     arena_sprintf(a, "Milestone: %s", ms[i].title),
                     ms[i].done_on ? arena_sprintf(a, "Done on %s", ms[i].done_on) : "Roadmap milestone", "roadmap");
    if ((rc = cal_query(w, &c, "audit", "internal-audit",
                        "SELECT id, start_date, end_date, 'Internal audit: ' || title, "
                        "'Auditor: ' || auditor || '. Criteria: ' || criteria || '. Scope: ' || scope FROM audit",
                        err)) ||
        (rc = cal_query(w, &c, "review", "management-review",
                        "SELECT id, held_on, NULL, 'Management review held', 'Attendees: ' || attendees FROM review",
                        err)) ||
        (rc = cal_query(w, &c, "review-next", "management-review",
                        "SELECT 'due', date(max(held_on), '+12 months'), NULL, 'Next management review due', "
                        "'Twelve months after the last review (' || max(held_on) || ')' FROM review HAVING count(*) > 0",
                        err)) ||
        (rc = cal_query(w, &c, "action", "action",
                        "SELECT id, due_date, NULL, CASE WHEN finding_id IS NULL THEN 'Review action due: ' "
                        "ELSE 'Corrective action due: ' END || substr(description, 1, 80), "
                        "'Owner: ' || owner || '. Status: ' || status FROM action WHERE status <> 'closed'",
                        err)) ||
        (rc = cal_query(w, &c, "treatment", "risk-treatment",
                        "SELECT id, due_date, NULL, 'Risk treatment due: R' || id || ' ' || title, "
                        "'Owner: ' || coalesce(treatment_owner, owner) || '. Plan: ' || coalesce(plan, '') "
                        "FROM risk WHERE done = 0 AND due_date IS NOT NULL",
                        err)) ||
        (rc = cal_query(w, &c, "policy-review", "policy-review",
                        "SELECT p.name || '-v' || v.version, v.next_review, NULL, 'Policy review due: ' || p.title, "
                        "'Version ' || v.version || ' approved by ' || v.approved_by || ' on ' || "
                        "substr(v.approved_at, 1, 10) FROM policy_version v JOIN policy p ON p.id = v.policy_id "
                        "WHERE v.status = 'approved' AND v.next_review IS NOT NULL",
                        err)) ||
        (rc = cal_query(w, &c, "supplier-review", "supplier-review",
                        "SELECT id, next_review, NULL, 'Supplier review due: ' || name, "
                        "'Owner: ' || owner || '. Risk rating: ' || risk_rating FROM supplier WHERE next_review IS NOT NULL",
                        err)) ||
        (rc = cal_query(w, &c, "evidence", "evidence-expiry",
                        "SELECT id, valid_until, NULL, 'Evidence expires: ' || filename, "
                        "description || ' (' || kind || ')' FROM evidence "
                        "WHERE id IN (SELECT max(id) FROM evidence GROUP BY kind, filename)",
                        err)))
        return rc;
    *out = c.ev;
    *n = c.n;
    return ISMS_OK;
}
