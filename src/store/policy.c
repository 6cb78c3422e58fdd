/* Policy documents: versions, approval (recorded as evidence), acknowledgments, and the profile. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/internal.h"
#include "util/text.h"
#include "util/buf.h"
#include "util/json.h"

static const char *const profile_keys[] = {"security_lead", "policy_owner", "approver", "it_lead", "hr_lead",
                                           "review_months", "tools", "work_model", NULL};

int store_policy_profile_get(ws *w, arena *a, policy_profile *p, isms_err *err)
{
    memset(p, 0, sizeof *p);
    sqlite3_stmt *st;
    int rc = st_prepare(w, "SELECT key, value FROM policy_profile", &st, err);
    if (rc)
        return rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *k = (const char *)sqlite3_column_text(st, 0);
        const char *v = st_col(st, 1, a);
        if (!strcmp(k, "security_lead")) p->security_lead = v;
        else if (!strcmp(k, "policy_owner")) p->policy_owner = v;
        else if (!strcmp(k, "approver")) p->approver = v;
        else if (!strcmp(k, "it_lead")) p->it_lead = v;
        else if (!strcmp(k, "hr_lead")) p->hr_lead = v;
        else if (!strcmp(k, "review_months")) p->review_months = atoi(v);
        else if (!strcmp(k, "tools")) p->tools = v;
        else if (!strcmp(k, "work_model")) p->work_model = v;
    }
    st_release(w, st);
    return rc == SQLITE_DONE ? ISMS_OK : st_error(w, rc, "reading the policy profile", err);
}

static char *profile_json(const policy_profile *p)
{
    buf b;
    buf_init(&b, 1 << 16);
    jw j;
    jw_init_buf(&j, &b);
    jw_obj(&j);
    const char *vals[] = {p->security_lead, p->policy_owner, p->approver, p->it_lead, p->hr_lead};
    for (int i = 0; i < 5; i++)
        if (vals[i])
            jw_kstr(&j, profile_keys[i], vals[i]);
    if (p->review_months)
        jw_kint(&j, "review_months", p->review_months);
    if (p->tools)
        jw_kstr(&j, "tools", p->tools);
    if (p->work_model)
        jw_kstr(&j, "work_model", p->work_model);
    jw_obj_end(&j);
    return b.data;
}

int store_policy_profile_set(ws *w, const policy_profile *c, isms_err *err)
{
    arena a;
    arena_init(&a);
    policy_profile before, after;
    int rc = store_policy_profile_get(w, &a, &before, err);
    if (rc)
        goto out;
    after = before;
    if (c->security_lead) after.security_lead = c->security_lead;
    if (c->policy_owner) after.policy_owner = c->policy_owner;
    if (c->approver) after.approver = c->approver;
    if (c->it_lead) after.it_lead = c->it_lead;
    if (c->hr_lead) after.hr_lead = c->hr_lead;
    if (c->review_months) after.review_months = c->review_months;
    if (c->tools) after.tools = c->tools;
    if (c->work_model) after.work_model = c->work_model;
    policy_profile check = after;
    if (!check.review_months)
        check.review_months = 12;
    const char *tools = NULL;
    if ((rc = policy_profile_validate(&check, &a, &tools, err)))
        goto out;
    if (after.tools)
        after.tools = tools;
    char months[16];
    snprintf(months, sizeof months, "%d", after.review_months);
    const char *vals[] = {after.security_lead, after.policy_owner, after.approver, after.it_lead, after.hr_lead,
                          after.review_months ? months : NULL, after.tools, after.work_model};
    for (int i = 0; profile_keys[i]; i++) {
        if (!vals[i])
            continue;
        sqlite3_stmt *st;
        if ((rc = st_prepare(w, "INSERT OR REPLACE INTO policy_profile(key, value) VALUES (?, ?)", &st, err)))
            goto out;
        st_text(st, 1, profile_keys[i]);
        st_text(st, 2, vals[i]);
        int s = sqlite3_step(st);
        st_release(w, st);
        if (s != SQLITE_DONE) {
            rc = st_error(w, s, "saving the policy profile", err);
            goto out;
        }
    }
    char *bj = profile_json(&before), *aj = profile_json(&after);
    rc = store_audit(w, "update", "policy_profile", NULL, bj, aj, err);
    free(bj);
    free(aj);
out:
    arena_free(&a);
    return rc;
}

static char *version_json(const char *name, int version, const char *status, const char *body_sha_or_len,
                          const char *by, const char *at, const char *next_review, int64_t evidence_id)
{
    buf b;
    buf_init(&b, 1 << 16);
    jw j;
    jw_init_buf(&j, &b);
    jw_obj(&j);
    jw_kstr(&j, "policy", name);
    jw_kint(&j, "version", version);
    jw_kstr(&j, "status", status);
    if (body_sha_or_len)
        jw_kstr(&j, "body", body_sha_or_len);
    if (by)
        jw_kstr(&j, "approved_by", by);
    if (at)
        jw_kstr(&j, "approved_at", at);
    if (next_review)
        jw_kstr(&j, "next_review", next_review);
    if (evidence_id)
        jw_kint(&j, "evidence_id", evidence_id);
    jw_obj_end(&j);
    return b.data;
}

/* The audit log records a digest of the body rather than the body itself: bodies are long and the
 * versions table keeps every one of them. */
static const char *body_digest(const char *body, char out[80])
{
    unsigned long h = 5381;
    for (const char *p = body; *p; p++)
        h = h * 33 + (unsigned char)*p;
    snprintf(out, 80, "%zu bytes, djb2 %08lx", strlen(body), h & 0xffffffffUL);
    return out;
}

#define DOC_COLS                                                                                           \
    "p.id, p.name, p.title, p.controls, p.clauses, v.version, v.status, v.body, v.created_at, v.created_by, " \
    "v.approved_by, v.approved_at, v.next_review, v.evidence_id, "                                         \
    "(SELECT max(version) FROM policy_version x WHERE x.policy_id = p.id), "                                \
    "(SELECT max(version) FROM policy_version x WHERE x.policy_id = p.id AND x.status = 'approved'), "      \
    "(SELECT next_review FROM policy_version x WHERE x.policy_id = p.id AND x.status = 'approved'), "        \
    "(SELECT count(*) FROM policy_ack k WHERE k.policy_id = p.id AND k.version = "                          \
    "  (SELECT max(version) FROM policy_version x WHERE x.policy_id = p.id AND x.status = 'approved'))"

static void doc_row(sqlite3_stmt *st, arena *a, policy_doc *d)
{
    d->id = sqlite3_column_int64(st, 0);
    d->name = st_col(st, 1, a);
    d->title = st_col(st, 2, a);
    d->controls = st_col(st, 3, a);
    d->clauses = st_col(st, 4, a);
    d->version = sqlite3_column_int(st, 5);
    d->status = st_col(st, 6, a);
    d->body = st_col(st, 7, a);
    d->created_at = st_col(st, 8, a);
    d->created_by = st_col(st, 9, a);
    d->approved_by = st_col(st, 10, a);
    d->approved_at = st_col(st, 11, a);
    d->next_review = st_col(st, 12, a);
    d->evidence_id = sqlite3_column_int64(st, 13);
    d->latest_version = sqlite3_column_int(st, 14);
    d->approved_version = sqlite3_column_int(st, 15);
    d->current_next_review = st_col(st, 16, a);
    d->acks = sqlite3_column_int(st, 17);
}

int store_policy_get(ws *w, const char *name, int version, arena *a, policy_doc *d, isms_err *err)
{
    sqlite3_stmt *st;
    int rc = st_prepare(w,
                        "SELECT " DOC_COLS " FROM policy p JOIN policy_version v ON v.policy_id = p.id "
                        "WHERE p.name = ? AND v.version = CASE WHEN ? > 0 THEN ? ELSE "
                        "(SELECT max(version) FROM policy_version x WHERE x.policy_id = p.id) END",
                        &st, err);
    if (rc)
        return rc;
    st_text(st, 1, name);
    sqlite3_bind_int(st, 2, version);
    sqlite3_bind_int(st, 3, version);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        doc_row(st, a, d);
    st_release(w, st);
    if (rc == SQLITE_DONE) {
        if (version > 0 && store_policy_get(w, name, 0, a, d, NULL) == ISMS_OK)
            return err_set(err, ISMS_ENOTFOUND, "policy '%s' has no version %d (latest is %d)", name, version,
                           d->latest_version);
        return err_set(err, ISMS_ENOTFOUND, "no policy '%s' in this workspace", name ? name : "");
    }
    return rc == SQLITE_ROW ? ISMS_OK : st_error(w, rc, "reading a policy", err);
}

int store_policy_list(ws *w, arena *a, policy_doc **out, size_t *n, isms_err *err)
{
    sqlite3_stmt *st;
    int rc = st_prepare(w,
                        "SELECT " DOC_COLS " FROM policy p JOIN policy_version v ON v.policy_id = p.id "
                        "WHERE v.version = (SELECT max(version) FROM policy_version x WHERE x.policy_id = p.id) "
                        "ORDER BY p.name",
                        &st, err);
    if (rc)
        return rc;
    size_t cap = 16, cnt = 0;
    policy_doc *arr = arena_alloc(a, cap * sizeof *arr);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (cnt == cap) {
            policy_doc *na = arena_alloc(a, cap * 2 * sizeof *na);
            memcpy(na, arr, cnt * sizeof *na);
            arr = na;
            cap *= 2;
        }
        doc_row(st, a, &arr[cnt++]);
    }
    st_release(w, st);
    *out = arr;
    *n = cnt;
    return rc == SQLITE_DONE ? ISMS_OK : st_error(w, rc, "listing policies", err);
}

static int exec_bind(ws *w, const char *sql, const char *what, isms_err *err, int n, const char **texts,
                     const int64_t *ints)
{
    sqlite3_stmt *st;
    int rc = st_prepare(w, sql, &st, err);
    if (rc)
        return rc;
    for (int i = 0; i < n; i++) {
        if (texts[i])
            st_text(st, i + 1, texts[i]);
        else
            sqlite3_bind_int64(st, i + 1, ints[i]);
    }
    rc = sqlite3_step(st);
    st_release(w, st);
    return rc == SQLITE_DONE ? ISMS_OK : st_error(w, rc, what, err);
}

int store_policy_save_draft(ws *w, const policy_template *meta, const char *body, int *version, isms_err *err)
{
    int rc = policy_body_validate(body, strlen(body), err);
    if (rc)
        return rc;
    arena a;
    arena_init(&a);
    char now[32], dg[80];
    store_now(now);
    policy_doc d;
    isms_err e = {0};
    rc = store_policy_get(w, meta->name, 0, &a, &d, &e);
    if (rc == ISMS_ENOTFOUND) {
        const char *t[] = {meta->name, meta->title, meta->controls, meta->clauses ? meta->clauses : "", now};
        if ((rc = exec_bind(w, "INSERT INTO policy(name, title, controls, clauses, created_at) VALUES (?,?,?,?,?)",
                            "adding a policy", err, 5, t, NULL)))
            goto out;
        d.id = sqlite3_last_insert_rowid(w->db);
        d.latest_version = 0;
        d.status = "approved"; /* so that a new version is added below */
    } else if (rc) {
        rc = err_set(err, rc, "%s", e.msg);
        goto out;
    }
    char *before = NULL, *after;
    if (!strcmp(d.status, "draft")) {
        *version = d.latest_version;
        const char *t[] = {body, NULL, NULL};
        int64_t i[] = {0, d.id, d.latest_version};
        if ((rc = exec_bind(w, "UPDATE policy_version SET body = ? WHERE policy_id = ? AND version = ?",
                            "updating a policy draft", err, 3, t, i)))
            goto out;
        before = version_json(meta->name, *version, "draft", body_digest(d.body, dg), NULL, NULL, NULL, 0);
    } else {
        *version = d.latest_version + 1;
        const char *t[] = {NULL, NULL, body, now, w->actor};
        int64_t i[] = {d.id, *version, 0, 0, 0};
        if ((rc = exec_bind(w,
                            "INSERT INTO policy_version(policy_id, version, status, body, created_at, created_by) "
                            "VALUES (?, ?, 'draft', ?, ?, ?)",
                            "adding a policy version", err, 5, t, i)))
            goto out;
    }
    after = version_json(meta->name, *version, "draft", body_digest(body, dg), NULL, NULL, NULL, 0);
    rc = store_audit(w, before ? "update" : "create", "policy", meta->name, before, after, err);
    free(before);
    free(after);
out:
    arena_free(&a);
    return rc;
}

/* The approved document as kept in the evidence store: a control block, then the Markdown body. */
static int write_evidence_file(ws *w, const policy_doc *d, const char *by, const char *at, const char *next,
                               arena *a, const char **path, isms_err *err)
{
    const char *dir = store_evidence_dir(w, a);
    if (mkdir(dir, 0750) != 0 && errno != EEXIST)
        return err_set(err, ISMS_EIO, "cannot create %s: %s", dir, strerror(errno));
    char *tmp = arena_sprintf(a, "%s/.policy-XXXXXX", dir);
    int fd = mkstemp(tmp);
    if (fd < 0)
        return err_set(err, ISMS_EIO, "cannot write into %s: %s", dir, strerror(errno));
    FILE *f = fdopen(fd, "w");
    if (!f) {
        close(fd);
        unlink(tmp);
        return err_set(err, ISMS_EIO, "cannot write into %s: %s", dir, strerror(errno));
    }
    fprintf(f,
            "<!-- %s, version %d, approved by %s on %s, next review %s; controls %s%s%s -->\n\n%s",
            d->title, d->version, by, at, next, d->controls, *d->clauses ? "; clauses " : "", d->clauses, d->body);
    if (fclose(f) != 0) {
        unlink(tmp);
        return err_set(err, ISMS_EIO, "writing policy evidence: %s", strerror(errno));
    }
    *path = tmp;
    return ISMS_OK;
}

int store_policy_approve(ws *w, const char *name, const char *by, arena *a, policy_doc *d, isms_err *err)
{
    if (text_required(a, &by, err, "by", "name who approves the policy"))
        return ISMS_EINVAL;
    if (strlen(by) > 200)
        return err_field(err, ISMS_EINVAL, "by", "the approver's name is longer than 200 characters");
    int rc = store_policy_get(w, name, 0, a, d, err);
    if (rc)
        return rc;
    if (strcmp(d->status, "draft"))
        return err_set(err, ISMS_ECONFLICT,
                       "policy '%s' version %d is already approved; edit its text to start a new draft", name,
                       d->version);
    policy_profile prof;
    if ((rc = store_policy_profile_get(w, a, &prof, err)))
        return rc;
    policy_profile_defaults(&prof);
    char today[11], next[11];
    store_today(today);
    if ((rc = policy_add_months(today, prof.review_months, next, err)))
        return rc;
    const char *tmp = NULL;
    if ((rc = write_evidence_file(w, d, by, today, next, a, &tmp, err)))
        return rc;
    evidence ev = {0};
    ev.kind = "policy";
    ev.controls = d->controls;
    ev.collected_at = today;
    ev.collected_by = by;
    ev.valid_until = next;
    ev.source = arena_sprintf(a, "policy:%s", d->name);
    ev.description = arena_sprintf(a, "%s, version %d, approved by %s", d->title, d->version, by);
    ev.name = arena_sprintf(a, "%s-v%d.md", d->name, d->version);
    rc = store_evidence_add(w, tmp, &ev, POLICY_MAX_BYTES * 2, a, err);
    unlink(tmp);
    if (rc)
        return rc;
    char dg[80];
    char *before = version_json(d->name, d->version, "draft", body_digest(d->body, dg), NULL, NULL, NULL, 0);
    int prev = d->approved_version;
    if (prev) {
        int64_t i[] = {d->id, prev};
        const char *t[] = {NULL, NULL};
        if ((rc = exec_bind(w, "UPDATE policy_version SET status = 'superseded' WHERE policy_id = ? AND version = ?",
                            "superseding a policy version", err, 2, t, i)))
            goto out;
        char *pb = version_json(d->name, prev, "approved", NULL, NULL, NULL, NULL, 0);
        char *pa = version_json(d->name, prev, "superseded", NULL, NULL, NULL, NULL, 0);
        rc = store_audit(w, "supersede", "policy", d->name, pb, pa, err);
        free(pb);
        free(pa);
        if (rc)
            goto out;
    }
    {
        const char *t[] = {by, today, next, NULL, NULL, NULL};
        int64_t i[] = {0, 0, 0, ev.id, d->id, d->version};
        if ((rc = exec_bind(w,
                            "UPDATE policy_version SET status = 'approved', approved_by = ?, approved_at = ?, "
                            "next_review = ?, evidence_id = ? WHERE policy_id = ? AND version = ?",
                            "approving a policy", err, 6, t, i)))
            goto out;
    }
    char *after = version_json(d->name, d->version, "approved", body_digest(d->body, dg), by, today, next, ev.id);
    rc = store_audit(w, "approve", "policy", d->name, before, after, err);
    free(after);
    if (!rc)
        rc = store_policy_get(w, name, d->version, a, d, err);
out:
    free(before);
    return rc;
}

int store_policy_ack(ws *w, const char *name, const char *person, int *already, isms_err *err)
{
    *already = 0;
    arena a;
    arena_init(&a);
    if (text_required(&a, &person, err, "person", "name who acknowledges the policy")) {
        arena_free(&a);
        return ISMS_EINVAL;
    }
    if (strlen(person) > 200) {
        arena_free(&a);
        return err_field(err, ISMS_EINVAL, "person", "the name of who acknowledges is longer than 200 characters");
    }
    policy_doc d;
    int rc = store_policy_get(w, name, 0, &a, &d, err);
    if (rc)
        goto out;
    if (!d.approved_version) {
        rc = err_set(err, ISMS_ECONFLICT, "policy '%s' has no approved version to acknowledge yet", name);
        goto out;
    }
    char now[32];
    store_now(now);
    const char *t[] = {NULL, NULL, person, now};
    int64_t i[] = {d.id, d.approved_version, 0, 0};
    sqlite3_stmt *st;
    if ((rc = st_prepare(w, "INSERT OR IGNORE INTO policy_ack(policy_id, version, person, acked_at) VALUES (?,?,?,?)",
                         &st, err)))
        goto out;
    sqlite3_bind_int64(st, 1, i[0]);
    sqlite3_bind_int64(st, 2, i[1]);
    st_text(st, 3, t[2]);
    st_text(st, 4, t[3]);
    int s = sqlite3_step(st);
    st_release(w, st);
    if (s != SQLITE_DONE) {
        rc = st_error(w, s, "recording an acknowledgment", err);
        goto out;
    }
    if (!sqlite3_changes(w->db)) {
        *already = 1;
        goto out;
    }
    buf b;
    buf_init(&b, 1 << 16);
    jw j;
    jw_init_buf(&j, &b);
    jw_obj(&j);
    jw_kstr(&j, "policy", name);
    jw_kint(&j, "version", d.approved_version);
    jw_kstr(&j, "person", person);
    jw_kstr(&j, "acknowledged_at", now);
    jw_obj_end(&j);
    rc = store_audit(w, "acknowledge", "policy", name, NULL, b.data, err);
    buf_free(&b);
out:
    arena_free(&a);
    return rc;
}

int store_policy_ackers(ws *w, int64_t policy_id, int version, arena *a, const char ***out, size_t *n,
                        isms_err *err)
{
    sqlite3_stmt *st;
    int rc = st_prepare(w, "SELECT person FROM policy_ack WHERE policy_id = ? AND version = ? ORDER BY person", &st,
                        err);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, policy_id);
    sqlite3_bind_int(st, 2, version);
    size_t cap = 16, cnt = 0;
    const char **arr = arena_alloc(a, cap * sizeof *arr);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (cnt == cap) {
            const char **na = arena_alloc(a, cap * 2 * sizeof *na);
            memcpy(na, arr, cnt * sizeof *na);
            arr = na;
            cap *= 2;
        }
        arr[cnt++] = st_col(st, 0, a);
    }
    st_release(w, st);
    *out = arr;
    *n = cnt;
    return rc == SQLITE_DONE ? ISMS_OK : st_error(w, rc, "reading acknowledgments", err);
}

int store_policy_generate(ws *w, const policy_template *todo, size_t n, int force, arena *a, policy_gen_result *out,
                          isms_err *err)
{
    org o;
    policy_profile prof;
    int rc = store_org_get(w, a, &o, err);
    if (!rc)
        rc = store_policy_profile_get(w, a, &prof, err);
    for (size_t i = 0; !rc && i < n; i++) {
        policy_doc d;
        isms_err e = {0};
        out[i] = (policy_gen_result){todo[i].name, todo[i].title, 0, 0, NULL};
        if (store_policy_get(w, todo[i].name, 0, a, &d, &e) == ISMS_OK && !force) {
            out[i].version = d.version;
            out[i].status = d.status;
            continue;
        }
        tmpl_vars *v = policy_vars(a, o.name, o.scope, &prof, &todo[i]);
        char *body;
        if (!(rc = policy_render(&todo[i], v, a, &body, err)) &&
            !(rc = store_policy_save_draft(w, &todo[i], body, &out[i].version, err))) {
            out[i].made = 1;
            out[i].status = "draft";
        }
    }
    return rc;
}

int store_policy_edit(ws *w, const char *name, const char *body, arena *a, policy_doc *d, int *version,
                      isms_err *err)
{
    int rc = policy_body_validate(body, strlen(body), err);
    if (!rc)
        rc = store_policy_get(w, name, 0, a, d, err);
    if (rc)
        return rc;
    policy_template meta = {d->name, d->title, d->controls, d->clauses, NULL, 0};
    return store_policy_save_draft(w, &meta, body, version, err);
}

int store_policy_staff_users(ws *w, arena *a, const char ***out, size_t *n, isms_err *err)
{
    user *u;
    size_t nu;
    int rc = store_user_list(w, a, &u, &nu, err);
    if (rc)
        return rc;
    const char **v = arena_alloc(a, sizeof *v * (nu + 1));
    size_t k = 0;
    for (size_t i = 0; i < nu; i++)
        if (!u[i].disabled)
            v[k++] = u[i].name;
    *out = v;
    *n = k;
    return ISMS_OK;
}

int store_policy_staff_people(ws *w, const char *today, arena *a, const char ***out, size_t *n, isms_err *err)
{
    sqlite3_stmt *st;
    /* a leaver is someone whose end date has come, as in the register summary */
    int rc = st_prepare(w, "SELECT name FROM person WHERE end_date IS NULL OR end_date = '' OR end_date > ? "
                           "ORDER BY name", &st, err);
    if (rc)
        return rc;
    st_text(st, 1, today);
    size_t cap = 16, cnt = 0;
    const char **arr = arena_alloc(a, cap * sizeof *arr);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (cnt == cap) {
            const char **na = arena_alloc(a, cap * 2 * sizeof *na);
            memcpy(na, arr, cnt * sizeof *na);
            arr = na;
            cap *= 2;
        }
        arr[cnt++] = st_col(st, 0, a);
    }
    st_release(w, st);
    *out = arr;
    *n = cnt;
    return rc == SQLITE_DONE ? ISMS_OK : st_error(w, rc, "reading the people register", err);
}

int store_policy_status(ws *w, const char *name, const char *const *staff, size_t nstaff, const char *today,
                        arena *a, policy_ack_status **out, size_t *n, int *problems, isms_err *err)
{
    policy_doc *d;
    int rc;
    *problems = 0;
    if (name) {
        d = arena_alloc(a, sizeof *d);
        *n = 1;
        rc = store_policy_get(w, name, 0, a, d, err);
    } else {
        rc = store_policy_list(w, a, &d, n, err);
    }
    if (rc)
        return rc;
    policy_ack_status *s = arena_alloc(a, (*n ? *n : 1) * sizeof *s);
    for (size_t i = 0; i < *n; i++) {
        const char **ackers = NULL;
        size_t nack = 0;
        if (d[i].approved_version && (rc = store_policy_ackers(w, d[i].id, d[i].approved_version, a, &ackers, &nack, err)))
            return rc;
        s[i] = (policy_ack_status){.d = d[i], .acknowledged = nack};
        s[i].review_overdue = d[i].current_next_review && strcmp(d[i].current_next_review, today) < 0;
        s[i].missing = arena_alloc(a, sizeof *s[i].missing * (nstaff + 1));
        for (size_t k = 0; d[i].approved_version && k < nstaff; k++) {
            int found = 0;
            for (size_t m = 0; m < nack && !found; m++)
                found = !strcmp(ackers[m], staff[k]);
            if (!found)
                s[i].missing[s[i].nmissing++] = staff[k];
        }
        *problems += s[i].review_overdue || s[i].nmissing;
    }
    *out = s;
    return ISMS_OK;
}
