/* Evidence: files stored content-addressed by SHA-256 in "<workspace>.evidence/", metadata in SQLite. */
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/catalog.h"
#include "core/evidence.h"
#include "store/internal.h"
#include "util/text.h"
#include "util/json.h"

const char *store_evidence_dir(ws *w, arena *a)
{
    return arena_sprintf(a, "%s.evidence", w->path);
}

const char *store_evidence_path(ws *w, const char *sha256, arena *a)
{
    return arena_sprintf(a, "%s.evidence/%.2s/%s", w->path, sha256, sha256);
}

static int mkdir_p(const char *dir, isms_err *err)
{
    if (mkdir(dir, 0750) != 0 && errno != EEXIST)
        return err_set(err, ISMS_EIO, "cannot create %s: %s", dir, strerror(errno));
    return ISMS_OK;
}

static void hex(const unsigned char *md, char out[65])
{
    for (int i = 0; i < 32; i++)
        snprintf(out + 2 * i, 3, "%02x", md[i]);
}

/* Copy src into a new file in dir, hashing on the way; returns the temp path in tmp. */
static int copy_hashed(int in, const char *dir, char *tmp, size_t tmpsz, int64_t max, int64_t *size, char sha[65],
                       isms_err *err)
{
    snprintf(tmp, tmpsz, "%s/.incoming-XXXXXX", dir);
    int out = mkstemp(tmp);
    if (out < 0)
        return err_set(err, ISMS_EIO, "cannot write into %s: %s", dir, strerror(errno));
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
    enum { CHUNK = 1 << 16 };
    unsigned char *chunk = malloc(CHUNK);
    if (!chunk) {
        EVP_MD_CTX_free(ctx);
        close(out);
        unlink(tmp);
        return err_set(err, ISMS_ENOMEM, "out of memory");
    }
    int64_t total = 0;
    int rc = ISMS_OK;
    for (;;) {
        ssize_t n = read(in, chunk, CHUNK);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            rc = err_set(err, ISMS_EIO, "reading the evidence file failed: %s", strerror(errno));
            break;
        }
        if (n == 0)
            break;
        total += n;
        if (total > max) {
            rc = err_set(err, ISMS_ENOMEM, "the file is larger than the %lld MiB evidence limit",
                         (long long)(max >> 20));
            break;
        }
        EVP_DigestUpdate(ctx, chunk, (size_t)n);
        for (ssize_t off = 0; off < n;) {
            ssize_t wn = write(out, chunk + off, (size_t)(n - off));
            if (wn < 0 && errno == EINTR)
                continue;
            if (wn < 0) {
                rc = err_set(err, ISMS_EIO, "writing into %s failed: %s", dir, strerror(errno));
                break;
            }
            off += wn;
        }
        if (rc)
            break;
    }
    free(chunk);
    unsigned char md[32];
    EVP_DigestFinal_ex(ctx, md, NULL);
    EVP_MD_CTX_free(ctx);
    if (rc == ISMS_OK && fsync(out) != 0)
        rc = err_set(err, ISMS_EIO, "writing into %s failed: %s", dir, strerror(errno));
    close(out);
    if (rc) {
        unlink(tmp);
        return rc;
    }
    hex(md, sha);
    *size = total;
    return ISMS_OK;
}

/* Validate ev, then copy the open file `in` (or, when in < 0, the file at path) into the store and
 * record it; path names the file in messages. Validation comes first so that a bad value is
 * reported before a missing file. */
static int evidence_add(ws *w, int in, const char *path, evidence *ev, int64_t max_bytes, arena *a, isms_err *err)
{
    const evidence_kind *k = evidence_kind_find(ev->kind);
    if (!k)
        return err_field(err, ISMS_EINVAL, "type", "unknown evidence type '%s'", ev->kind ? ev->kind : "");
    if (text_blank(ev->description))
        return err_field(err, ISMS_EINVAL, "description", "a description is required: say what this evidence shows");
    char controls[1024];
    int rc = catalog_controls_normalize(ev->controls, controls, sizeof controls, err);
    if (rc)
        return rc;
    if (!*controls)
        return err_field(err, ISMS_EINVAL, "controls", "name the Annex A controls this evidence supports");
    char valid[11];
    if (!ev->valid_until && (rc = evidence_valid_until(k, ev->collected_at, valid, err)))
        return rc;
    if (ev->valid_until && !risk_date_valid(ev->valid_until))
        return err_field(err, ISMS_EINVAL, "valid_until",
                         "the date the evidence is valid until, '%s', is not a date (YYYY-MM-DD)", ev->valid_until);
    int own = in < 0;
    if (own && (in = open(path, O_RDONLY | O_NOCTTY)) < 0)
        return err_set(err, ISMS_EIO, "cannot read %s: %s", path, strerror(errno));
    struct stat sb;
    if (fstat(in, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        if (own)
            close(in);
        return err_set(err, ISMS_EINVAL, "%s is not a regular file", path);
    }
    const char *dir = store_evidence_dir(w, a);
    char tmp[4200];
    char sha[65];
    int64_t size = 0;
    rc = mkdir_p(dir, err);
    if (!rc)
        rc = copy_hashed(in, dir, tmp, sizeof tmp, max_bytes, &size, sha, err);
    if (own)
        close(in);
    if (rc)
        return rc;
    char *sub = arena_sprintf(a, "%s/%.2s", dir, sha);
    const char *final = store_evidence_path(w, sha, a);
    if ((rc = mkdir_p(sub, err))) {
        unlink(tmp);
        return rc;
    }
    /* Identical content is stored once; the store's copies are read-only. */
    chmod(tmp, 0440);
    if (access(final, F_OK) == 0)
        unlink(tmp);
    else if (rename(tmp, final) != 0) {
        rc = err_set(err, ISMS_EIO, "cannot store %s: %s", final, strerror(errno));
        unlink(tmp);
        return rc;
    }
    const char *base = ev->name ? ev->name : strrchr(path, '/');
    base = ev->name ? base : base ? base + 1 : path;
    char now[32];
    store_now(now);
    sqlite3_stmt *st;
    if ((rc = st_prepare(w,
                         "INSERT INTO evidence(sha256, filename, size, kind, description, source, collected_at, "
                         "collected_by, valid_until, created_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
                         &st, err)))
        return rc;
    st_text(st, 1, sha);
    st_text(st, 2, base);
    sqlite3_bind_int64(st, 3, size);
    st_text(st, 4, k->id);
    st_text(st, 5, ev->description);
    st_text(st, 6, ev->source ? ev->source : "manual");
    st_text(st, 7, ev->collected_at);
    st_text(st, 8, ev->collected_by ? ev->collected_by : w->actor);
    st_text(st, 9, ev->valid_until ? ev->valid_until : valid);
    st_text(st, 10, now);
    int s = sqlite3_step(st);
    st_release(w, st);
    if (s != SQLITE_DONE)
        return st_error(w, s, "recording evidence", err);
    ev->id = sqlite3_last_insert_rowid(w->db);
    ev->sha256 = arena_strdup(a, sha);
    ev->size = size;
    ev->filename = arena_strdup(a, base);
    ev->kind = k->id;
    if (!ev->valid_until)
        ev->valid_until = arena_strdup(a, valid);
    ev->controls = arena_strdup(a, controls);
    if ((rc = st_prepare(w, "INSERT INTO evidence_control(evidence_id, control_id) VALUES (?, ?)", &st, err)))
        return rc;
    for (char *p = controls; *p && rc == ISMS_OK;) {
        char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        sqlite3_reset(st);
        sqlite3_bind_int64(st, 1, ev->id);
        sqlite3_bind_text(st, 2, p, (int)len, SQLITE_TRANSIENT);
        if ((s = sqlite3_step(st)) != SQLITE_DONE)
            rc = st_error(w, s, "linking evidence to controls", err);
        p += len + (comma ? 1 : 0);
    }
    st_release(w, st);
    if (rc)
        return rc;
    buf b;
    buf_init(&b, 1 << 20);
    jw j;
    jw_init_buf(&j, &b);
    jw_obj(&j);
    jw_kstr(&j, "sha256", sha);
    jw_kstr(&j, "filename", base);
    jw_kint(&j, "size", size);
    jw_kstr(&j, "kind", k->id);
    jw_kstr(&j, "description", ev->description);
    jw_kstr(&j, "controls", controls);
    jw_kstr(&j, "collected_at", ev->collected_at);
    jw_kstr(&j, "valid_until", ev->valid_until);
    jw_obj_end(&j);
    char ids[24];
    snprintf(ids, sizeof ids, "%lld", (long long)ev->id);
    rc = store_audit(w, "create", "evidence", ids, NULL, b.data, err);
    buf_free(&b);
    return rc;
}

int store_evidence_add(ws *w, const char *path, evidence *ev, int64_t max_bytes, arena *a, isms_err *err)
{
    return evidence_add(w, -1, path, ev, max_bytes, a, err);
}

int store_evidence_add_fd(ws *w, int fd, evidence *ev, int64_t max_bytes, arena *a, isms_err *err)
{
    if (!ev->name || !*ev->name)
        return err_set(err, ISMS_EINVAL, "the evidence needs a file name");
    return evidence_add(w, fd, ev->name, ev, max_bytes, a, err);
}

#define EV_COLS                                                                                          \
    "e.id, e.sha256, e.filename, e.size, e.kind, e.description, e.source, e.collected_at, e.collected_by, " \
    "e.valid_until, e.created_at, (SELECT group_concat(control_id) FROM evidence_control c WHERE c.evidence_id = e.id)"

static void ev_row(sqlite3_stmt *st, evidence *ev, char *ctl, size_t ctlsz)
{
    ev->id = sqlite3_column_int64(st, 0);
    ev->sha256 = (const char *)sqlite3_column_text(st, 1);
    ev->filename = (const char *)sqlite3_column_text(st, 2);
    ev->size = sqlite3_column_int64(st, 3);
    ev->kind = (const char *)sqlite3_column_text(st, 4);
    ev->description = (const char *)sqlite3_column_text(st, 5);
    ev->source = (const char *)sqlite3_column_text(st, 6);
    ev->collected_at = (const char *)sqlite3_column_text(st, 7);
    ev->collected_by = (const char *)sqlite3_column_text(st, 8);
    ev->valid_until = (const char *)sqlite3_column_text(st, 9);
    ev->created_at = (const char *)sqlite3_column_text(st, 10);
    const char *c = (const char *)sqlite3_column_text(st, 11);
    if (!c || catalog_controls_normalize(c, ctl, ctlsz, NULL) != ISMS_OK)
        ctl[0] = '\0';
    ev->controls = ctl;
}

int store_evidence_get(ws *w, int64_t id, arena *a, evidence *ev, isms_err *err)
{
    sqlite3_stmt *st;
    char ctl[1024];
    int rc = st_prepare(w, "SELECT " EV_COLS " FROM evidence e WHERE e.id = ?", &st, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, id);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        ev_row(st, ev, ctl, sizeof ctl);
        ev->sha256 = arena_strdup(a, ev->sha256);
        ev->filename = arena_strdup(a, ev->filename);
        ev->kind = arena_strdup(a, ev->kind);
        ev->description = arena_strdup(a, ev->description);
        ev->source = arena_strdup(a, ev->source);
        ev->collected_at = arena_strdup(a, ev->collected_at);
        ev->collected_by = arena_strdup(a, ev->collected_by);
        ev->valid_until = arena_strdup(a, ev->valid_until);
        ev->created_at = arena_strdup(a, ev->created_at);
        ev->controls = arena_strdup(a, ev->controls);
    }
    st_release(w, st);
    if (rc == SQLITE_DONE)
        return err_set(err, ISMS_ENOTFOUND, "no evidence with id %lld", (long long)id);
    return rc == SQLITE_ROW ? ISMS_OK : st_error(w, rc, "reading evidence", err);
}

int store_evidence_each(ws *w, const char *control, int (*cb)(const evidence *, void *), void *ctx, isms_err *err)
{
    sqlite3_stmt *st;
    char ctl[1024];
    int rc = st_prepare(w,
                        control ? "SELECT " EV_COLS " FROM evidence e WHERE e.id IN "
                                  "(SELECT evidence_id FROM evidence_control WHERE control_id = ?) ORDER BY e.id"
                                : "SELECT " EV_COLS " FROM evidence e ORDER BY e.id",
                        &st, err);
    if (rc)
        return rc;
    if (control)
        st_text(st, 1, control);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        evidence ev;
        ev_row(st, &ev, ctl, sizeof ctl);
        if (cb(&ev, ctx))
            break;
    }
    st_release(w, st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? ISMS_OK : st_error(w, rc, "listing evidence", err);
}

int store_evidence_counts(ws *w, const char *today, int *fresh, int *stale, isms_err *err)
{
    memset(fresh, 0, CATALOG_NCONTROLS * sizeof *fresh);
    memset(stale, 0, CATALOG_NCONTROLS * sizeof *stale);
    sqlite3_stmt *st;
    int rc = st_prepare(w,
                        "SELECT c.control_id, sum(e.valid_until >= ?1), sum(e.valid_until < ?1) FROM evidence_control c "
                        "JOIN evidence e ON e.id = c.evidence_id GROUP BY c.control_id",
                        &st, err);
    if (rc)
        return rc;
    st_text(st, 1, today);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int i = catalog_control_index((const char *)sqlite3_column_text(st, 0));
        if (i < 0)
            continue;
        fresh[i] = sqlite3_column_int(st, 1);
        stale[i] = sqlite3_column_int(st, 2);
    }
    st_release(w, st);
    return rc == SQLITE_DONE ? ISMS_OK : st_error(w, rc, "counting evidence", err);
}

int store_evidence_verify_file(ws *w, const evidence *ev, int *state, isms_err *err)
{
    arena a;
    arena_init(&a);
    const char *p = store_evidence_path(w, ev->sha256, &a);
    int in = open(p, O_RDONLY | O_NOCTTY);
    *state = EVIDENCE_OK;
    if (in < 0) {
        *state = EVIDENCE_MISSING;
        err_set(err, ISMS_OK, "%s is missing", p);
        arena_free(&a);
        return ISMS_OK;
    }
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
    unsigned char *chunk = malloc(1 << 16);
    int rc = chunk ? ISMS_OK : err_set(err, ISMS_ENOMEM, "out of memory");
    ssize_t n;
    while (rc == ISMS_OK && (n = read(in, chunk, 1 << 16)) != 0) {
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            rc = err_set(err, ISMS_EIO, "reading %s: %s", p, strerror(errno));
        else
            EVP_DigestUpdate(ctx, chunk, (size_t)n);
    }
    free(chunk);
    close(in);
    unsigned char md[32];
    char sha[65];
    EVP_DigestFinal_ex(ctx, md, NULL);
    EVP_MD_CTX_free(ctx);
    hex(md, sha);
    if (rc == ISMS_OK && strcmp(sha, ev->sha256)) {
        *state = EVIDENCE_TAMPERED;
        err_set(err, ISMS_OK, "%s has SHA-256 %s, not the recorded %s", p, sha, ev->sha256);
    }
    arena_free(&a);
    return rc;
}
