/* Evidence package: zip (libzip) + manifest.json + an archive digest in the zip comment. */
#include "report/package.h"

#include <jansson.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>

#include "report/audit_report.h"
#include "report/export.h"
#include "report/json.h"
#include "report/review_pack.h"
#include "util/buf.h"
#include "util/json.h"
#include "util/outfile.h"

#define DIGEST_TAG "isms-package-sha256:"
#define PACKAGE_CHECKPOINT "checkpoint.json"
#define PACKAGE_PUBLIC_KEY "signing-key.pub"
#define PACKAGE_SIGNATURE "manifest.sig"
#define PACKAGE_AUDIT_LOG "registers/audit-log.json"
#define MAX_ENTRY ((zip_uint64_t)4 << 30)   /* refuse to hash a claimed entry bigger than this */
/* Text compresses 5-50 times, logs up to a few hundred; an entry over 1 MiB that claims to expand
 * more than 1000 times is a decompression bomb, not evidence. */
#define MAX_RATIO 1000
#define MAX_RATIO_FREE ((zip_uint64_t)1 << 20)

static void hex(const unsigned char *md, unsigned n, char *out)
{
    for (unsigned i = 0; i < n; i++)
        sprintf(out + 2 * i, "%02x", md[i]);
}

typedef struct pkg {
    zip_t *z;
    jw j;          /* manifest writer */
    buf manifest;
    arena *a;
    size_t nfiles;
    isms_err *err;
} pkg;

/* SHA-256 of the first len bytes of f from its start (len < 0: to the end) as hex; -1 on a read error. */
static int sha256_file(FILE *f, off_t len, char out[65])
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    EVP_DigestInit_ex(md, EVP_sha256(), NULL);
    rewind(f);
    char chunk[65536];
    int bad = 0;
    while (len != 0) {
        size_t want = len < 0 || len > (off_t)sizeof chunk ? sizeof chunk : (size_t)len;
        size_t got = fread(chunk, 1, want, f);
        EVP_DigestUpdate(md, chunk, got);
        if (len > 0)
            len -= (off_t)got;
        if (got < want) {
            bad = len > 0 || ferror(f);
            break;
        }
    }
    unsigned char d[32];
    unsigned dl;
    EVP_DigestFinal_ex(md, d, &dl);
    EVP_MD_CTX_free(md);
    hex(d, 32, out);
    return bad ? -1 : 0;
}

/* The manifest's entry for one file. */
static void manifest_entry(pkg *p, const char *path, const char *sha, int64_t size, const char *kind,
                           const char *controls)
{
    jw_obj(&p->j);
    jw_kstr(&p->j, "path", path);
    jw_kstr(&p->j, "sha256", sha);
    jw_kint(&p->j, "size", size);
    jw_kstr(&p->j, "kind", kind);
    jw_key(&p->j, "controls");
    json_id_list(&p->j, controls);
    jw_obj_end(&p->j);
    p->nfiles++;
}

static int add_source(pkg *p, const char *path, zip_source_t *s)
{
    if (!s || zip_file_add(p->z, path, s, ZIP_FL_ENC_UTF_8) < 0) {
        if (s)
            zip_source_free(s);
        return err_set(p->err, ISMS_EIO, "cannot add %s to the package: %s", path, zip_strerror(p->z));
    }
    return ISMS_OK;
}

/* Add bytes (copied into the arena so they outlive the call until zip_close). */
static int add_bytes(pkg *p, const char *path, const char *data, size_t len, const char *kind, const char *controls)
{
    unsigned char md[32];
    unsigned mdlen;
    char sha[65];
    EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL);
    hex(md, 32, sha);
    char *copy = arena_alloc(p->a, len ? len : 1);
    memcpy(copy, data, len);
    int rc = add_source(p, path, zip_source_buffer(p->z, copy, len, 0));
    if (!rc)
        manifest_entry(p, path, sha, (int64_t)len, kind, controls);
    return rc;
}

/* Add a file by reference: hashed now, streamed into the archive at zip_close, so memory stays
 * flat however large the evidence. Its size is fixed now, so a file that changes after it was
 * hashed makes zip_close fail rather than the package lie. */
static int add_file(pkg *p, const char *path, const char *file, const char *kind, const char *controls)
{
    FILE *f = fopen(file, "rb");
    struct stat st;
    char sha[65];
    if (!f || fstat(fileno(f), &st) || sha256_file(f, st.st_size, sha)) {
        if (f)
            fclose(f);
        return err_set(p->err, ISMS_EIO, "cannot read %s", file);
    }
    fclose(f);
    int rc = add_source(p, path, zip_source_file(p->z, file, 0, st.st_size));
    if (!rc)
        manifest_entry(p, path, sha, (int64_t)st.st_size, kind, controls);
    return rc;
}

typedef struct ev_list {
    evidence *items;
    size_t n, cap;
    arena *a;
} ev_list;

static int ev_collect(const evidence *e, void *ctx)
{
    ev_list *l = ctx;
    if (l->n == l->cap) {
        size_t nc = l->cap ? l->cap * 2 : 64;
        evidence *ni = arena_alloc(l->a, nc * sizeof *ni);
        if (l->n)
            memcpy(ni, l->items, l->n * sizeof *ni);
        l->items = ni;
        l->cap = nc;
    }
    evidence *d = &l->items[l->n++];
    *d = *e;
    d->sha256 = arena_strdup(l->a, e->sha256);
    d->filename = arena_strdup(l->a, e->filename);
    d->kind = arena_strdup(l->a, e->kind);
    d->controls = arena_strdup(l->a, e->controls ? e->controls : "");
    return 0;
}

/* Keep only [A-Za-z0-9._-] in an archive name: no directories, no traversal. */
static const char *safe_name(arena *a, const char *s)
{
    size_t n = strlen(s);
    if (n > 100)
        s += n - 100, n = 100;
    char *o = arena_alloc(a, n + 1);
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        o[i] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ||
                       c == '_'
                   ? c
                   : '_';
    }
    o[n] = '\0';
    if (o[0] == '.')
        o[0] = '_';
    return o;
}

static int add_json_rows(pkg *p, const char *path, const char *json)
{
    return add_bytes(p, path, json, strlen(json), "register", "");
}

/* The registers as JSON arrays, for the auditor's own tools. */
static int add_registers(pkg *p, ws *w)
{
    arena *a = p->a;
    int rc;
    audit_rec *au;
    size_t na;
    finding_rec *f;
    size_t nf;
    action_rec *x;
    size_t nx;
    review_rec *rv;
    size_t nr;
    if ((rc = store_audit_list(w, a, &au, &na, p->err)) || (rc = store_finding_list(w, 0, a, &f, &nf, p->err)) ||
        (rc = store_action_list(w, 0, a, &x, &nx, p->err)) || (rc = store_review_list(w, a, &rv, &nr, p->err)))
        return rc;
    buf b;
    buf_init(&b, (size_t)1 << 30);
    jw j;
    jw_init_buf(&j, &b);
    jw_obj(&j);
    jw_key(&j, "internal_audits");
    jw_arr(&j);
    for (size_t i = 0; i < na; i++) {
        jw_obj(&j);
        jw_kint(&j, "id", au[i].id);
        jw_kstr(&j, "title", au[i].title);
        jw_kstr(&j, "scope", au[i].scope);
        jw_kstr(&j, "criteria", au[i].criteria);
        jw_kstr(&j, "auditor", au[i].auditor);
        jw_kstr(&j, "start_date", au[i].start_date);
        jw_kstr(&j, "end_date", au[i].end_date);
        jw_kstr(&j, "status", au[i].status);
        jw_kstr(&j, "completed_on", au[i].completed_on);
        jw_kstr(&j, "summary", au[i].summary);
        jw_obj_end(&j);
    }
    jw_arr_end(&j);
    jw_key(&j, "findings");
    jw_arr(&j);
    for (size_t i = 0; i < nf; i++) {
        jw_obj(&j);
        jw_kint(&j, "id", f[i].id);
        jw_kint(&j, "audit", f[i].audit_id);
        jw_kstr(&j, "type", f[i].type);
        jw_kstr(&j, "ref", f[i].ref);
        jw_kstr(&j, "description", f[i].description);
        jw_kstr(&j, "evidence", f[i].evidence);
        jw_obj_end(&j);
    }
    jw_arr_end(&j);
    jw_key(&j, "actions");
    jw_arr(&j);
    for (size_t i = 0; i < nx; i++) {
        jw_obj(&j);
        jw_kint(&j, "id", x[i].id);
        if (x[i].finding_id)
            jw_kint(&j, "finding", x[i].finding_id);
        else
            jw_kint(&j, "review", x[i].review_id);
        jw_kstr(&j, "root_cause", x[i].root_cause);
        jw_kstr(&j, "actions", x[i].description);
        jw_kstr(&j, "owner", x[i].owner);
        jw_kstr(&j, "due_date", x[i].due_date);
        jw_kstr(&j, "status", x[i].status);
        jw_kstr(&j, "effectiveness", x[i].effectiveness);
        jw_kstr(&j, "verified_by", x[i].verified_by);
        jw_kstr(&j, "closed_on", x[i].closed_on);
        jw_obj_end(&j);
    }
    jw_arr_end(&j);
    jw_key(&j, "management_reviews");
    jw_arr(&j);
    for (size_t i = 0; i < nr; i++) {
        jw_obj(&j);
        jw_kint(&j, "id", rv[i].id);
        jw_kstr(&j, "held_on", rv[i].held_on);
        jw_kstr(&j, "attendees", rv[i].attendees);
        jw_kstr(&j, "decisions", rv[i].decisions);
        jw_kstr(&j, "improvements", rv[i].improvements);
        jw_kstr(&j, "changes", rv[i].changes);
        jw_kstr(&j, "resources", rv[i].resources);
        jw_obj_end(&j);
    }
    jw_arr_end(&j);
    jw_obj_end(&j);
    rc = b.data ? add_json_rows(p, "registers/audit-lifecycle.json", b.data)
                : err_set(p->err, ISMS_ENOMEM, "the registers are larger than the package's cap");
    buf_free(&b);
    return rc;
}

static int audit_row(const audit_entry *e, void *ctx)
{
    jw *j = ctx;
    jw_obj(j);
    jw_kint(j, "seq", e->seq);
    jw_kstr(j, "at", e->at);
    jw_kstr(j, "actor", e->actor);
    jw_kstr(j, "action", e->action);
    jw_kstr(j, "entity", e->entity);
    jw_kstr(j, "entity_id", e->entity_id);
    jw_kstr(j, "before", e->before);
    jw_kstr(j, "after", e->after);
    jw_kstr(j, "prev_hash", e->prev_hash);
    jw_kstr(j, "hash", e->hash);
    jw_obj_end(j);
    return 0;
}

/* The audit log, its newest signed checkpoint and the public key, so that an auditor can check
 * the chain against the checkpoint offline. Refused while the log fails verification: a package
 * of a log that was cut or rewritten would vouch for it. */
static int add_audit_anchor(pkg *p, ws *w)
{
    audit_check ac;
    int rc;
    if ((rc = store_audit_check(w, NULL, NULL, &ac, p->err)))
        return rc;
    if (ac.nproblems || !ac.ck.signature[0])
        return err_set(p->err, ISMS_ECONFLICT, "the audit log fails verification (%s): verify the log and resolve "
                                               "its problems before packaging",
                       ac.nproblems ? ac.problems[0] : "no signed checkpoint");
    buf b;
    buf_init(&b, (size_t)1 << 30);
    jw j;
    jw_init_buf(&j, &b);
    jw_arr(&j);
    rc = store_audit_each(w, audit_row, &j, p->err);
    jw_arr_end(&j);
    if (!rc)
        rc = b.data ? add_bytes(p, PACKAGE_AUDIT_LOG, b.data, b.len, "register", "")
                    : err_set(p->err, ISMS_ENOMEM, "the audit log is larger than the package's cap");
    buf_free(&b);
    char text[ANCHOR_SLOT];
    int len = anchor_checkpoint_json(&ac.ck, text, sizeof text - 1);
    if (!rc && len > 0) {
        text[len++] = '\n';
        rc = add_bytes(p, PACKAGE_CHECKPOINT, text, (size_t)len, "checkpoint", "");
    }
    if (!rc) {
        const char *key = arena_sprintf(p->a,
                                        "# Ed25519 public key of the audit log's checkpoints of isms workspace %s\n%s\n",
                                        ac.ck.workspace, ac.ck.public_key);
        rc = add_bytes(p, PACKAGE_PUBLIC_KEY, key, strlen(key), "key", "");
    }
    return rc;
}

/* Append the digest of everything before the comment-length field as the archive comment. */
static int seal(const char *path, isms_err *err)
{
    FILE *f = fopen(path, "r+b");
    if (!f)
        return err_set(err, ISMS_EIO, "cannot reopen %s", path);
    if (fseeko(f, 0, SEEK_END)) {
        fclose(f);
        return err_set(err, ISMS_EIO, "cannot seal %s", path);
    }
    off_t size = ftello(f);
    unsigned char tail[22];
    if (size < 22 || fseeko(f, size - 22, SEEK_SET) || fread(tail, 1, 22, f) != 22 || tail[0] != 'P' ||
        tail[1] != 'K' || tail[2] != 5 || tail[3] != 6 || tail[20] || tail[21]) {
        fclose(f);
        return err_set(err, ISMS_EIO, "%s does not end with an empty zip comment", path);
    }
    char comment[sizeof DIGEST_TAG + 64];
    snprintf(comment, sizeof comment, "%s", DIGEST_TAG);
    int left = sha256_file(f, size - 2, comment + strlen(DIGEST_TAG));
    size_t cl = strlen(comment);
    unsigned char len2[2] = {(unsigned char)(cl & 0xff), (unsigned char)(cl >> 8)};
    int bad = left != 0 || fseeko(f, size - 2, SEEK_SET) || fwrite(len2, 1, 2, f) != 2 ||
              fwrite(comment, 1, cl, f) != cl || fflush(f) || fsync(fileno(f));
    bad |= fclose(f);
    return bad ? err_set(err, ISMS_EIO, "cannot seal %s", path) : ISMS_OK;
}

int package_write(ws *w, const char *path, arena *a, size_t *nfiles, isms_err *err)
{
    outfile out;
    int fd, zerr = 0;
    int rc = outfile_open(&out, path, &fd, err);
    if (rc)
        return rc;
    close(fd);
    char tdir[] = "/tmp/isms-package-XXXXXX";
    if (!mkdtemp(tdir)) {
        outfile_abort(&out);
        return err_set(err, ISMS_EIO, "cannot create a temporary directory");
    }
    zip_t *z = zip_open(out.tmp, ZIP_CREATE | ZIP_TRUNCATE, &zerr);
    if (!z) {
        rmdir(tdir);
        outfile_abort(&out);
        return err_set(err, ISMS_EIO, "cannot create %s", path);
    }
    pkg p = {z, {0}, {0}, a, 0, err};
    buf_init(&p.manifest, (size_t)256 << 20);
    jw_init_buf(&p.j, &p.manifest);
    org o;
    char now[32];
    store_now(now);
    rc = store_org_get(w, a, &o, err);
    if (!rc) {
        jw_obj(&p.j);
        jw_kstr(&p.j, "format", "isms-evidence-package/1");
        jw_kstr(&p.j, "organization", o.name);
        jw_kstr(&p.j, "generated_at", now);
        jw_kstr(&p.j, "standard", "ISO/IEC 27001:2022");
        jw_key(&p.j, "files");
        jw_arr(&p.j);
    }
    char *report = arena_sprintf(a, "%s/audit-report.html", tdir);
    char *soa_csv = arena_sprintf(a, "%s/soa.csv", tdir), *soa_html = arena_sprintf(a, "%s/soa.html", tdir);
    char *risks_csv = arena_sprintf(a, "%s/risks.csv", tdir);
    soa_entry *e = arena_alloc(a, CATALOG_NCONTROLS * sizeof *e);
    risk_method m;
    export_meta meta = {o.name, "current", now};
    if (!rc)
        rc = audit_report_write(w, REPORT_HTML, report, a, err);
    if (!rc)
        rc = add_file(&p, "audit-report.html", report, "report", "");
    if (!rc && !(rc = store_soa_load(w, a, e, err)) &&
        !(rc = export_soa(e, CATALOG_NCONTROLS, &meta, EXPORT_CSV, soa_csv, err)) &&
        !(rc = export_soa(e, CATALOG_NCONTROLS, &meta, EXPORT_HTML, soa_html, err)))
        rc = add_file(&p, "soa/statement-of-applicability.csv", soa_csv, "soa", "");
    if (!rc)
        rc = add_file(&p, "soa/statement-of-applicability.html", soa_html, "soa", "");
    if (!rc && !(rc = store_method_get(w, &m, NULL, err)) &&
        !(rc = export_risks(w, &m, &meta, EXPORT_CSV, risks_csv, NULL, NULL, err)))
        rc = add_file(&p, "registers/risks.csv", risks_csv, "register", "");
    if (!rc)
        rc = add_registers(&p, w);
    if (!rc)
        rc = add_audit_anchor(&p, w);
    if (!rc) {
        review_pack rp;
        buf b;
        buf_init(&b, (size_t)256 << 20);
        if (!(rc = review_pack_build(w, a, &rp, err))) {
            review_pack_json(&rp, &b);
            rc = add_bytes(&p, "registers/management-review-inputs.json", b.data ? b.data : "{}",
                           b.data ? b.len : 2, "register", "");
        }
        buf_free(&b);
    }
    ev_list el = {NULL, 0, 0, a};
    if (!rc)
        rc = store_evidence_each(w, NULL, ev_collect, &el, err);
    for (size_t i = 0; !rc && i < el.n; i++) {
        int state;
        if ((rc = store_evidence_verify_file(w, &el.items[i], &state, err)))
            break;
        if (state != EVIDENCE_OK) {
            rc = err_set(err, ISMS_ECONFLICT,
                         "evidence %lld (%s) is %s in the store: verify the evidence files before packaging",
                         (long long)el.items[i].id, el.items[i].filename,
                         state == EVIDENCE_MISSING ? "missing" : "tampered");
            break;
        }
        const char *name = arena_sprintf(a, "evidence/%lld-%s", (long long)el.items[i].id,
                                         safe_name(a, el.items[i].filename));
        rc = add_file(&p, name, store_evidence_path(w, el.items[i].sha256, a), el.items[i].kind, el.items[i].controls);
    }
    if (!rc) {
        jw_arr_end(&p.j);
        jw_obj_end(&p.j);
        if (!p.manifest.data)
            rc = err_set(err, ISMS_ENOMEM, "the manifest is larger than its cap");
        else {
            char *mf = arena_strdup(a, p.manifest.data);
            zip_source_t *s = zip_source_buffer(z, mf, strlen(mf), 0);
            if (!s || zip_file_add(z, "manifest.json", s, ZIP_FL_ENC_UTF_8) < 0) {
                if (s)
                    zip_source_free(s);
                rc = err_set(err, ISMS_EIO, "cannot add the manifest: %s", zip_strerror(z));
            }
            /* The manifest lists every file's SHA-256; signing its bytes signs the whole package. */
            char sig[129], pub[65];
            if (!rc && !(rc = store_audit_sign(w, mf, strlen(mf), sig, pub, err))) {
                char *sj = arena_sprintf(a, "{\"format\":\"isms-manifest-signature/1\",\"public_key\":\"%s\","
                                            "\"signature\":\"%s\"}\n",
                                         pub, sig);
                s = zip_source_buffer(z, sj, strlen(sj), 0);
                if (!s || zip_file_add(z, PACKAGE_SIGNATURE, s, ZIP_FL_ENC_UTF_8) < 0) {
                    if (s)
                        zip_source_free(s);
                    rc = err_set(err, ISMS_EIO, "cannot add the manifest's signature: %s", zip_strerror(z));
                }
            }
        }
    }
    if (!rc && zip_close(z) < 0)
        rc = err_set(err, ISMS_EIO, "cannot write %s: %s", path, zip_strerror(z));
    if (rc)
        zip_discard(z);
    buf_free(&p.manifest);
    unlink(report);
    unlink(soa_csv);
    unlink(soa_html);
    unlink(risks_csv);
    rmdir(tdir);
    if (!rc)
        rc = seal(out.tmp, err);
    if (rc) {
        outfile_abort(&out);
        return rc;
    }
    *nfiles = p.nfiles;
    return outfile_commit(&out, err);
}

typedef struct probs {
    package_problem *items;
    size_t n, cap;
    arena *a;
} probs;

static void problem(probs *p, const char *path, const char *msg)
{
    if (p->n == p->cap) {
        size_t nc = p->cap ? p->cap * 2 : 16;
        package_problem *ni = arena_alloc(p->a, nc * sizeof *ni);
        if (p->n)
            memcpy(ni, p->items, p->n * sizeof *ni);
        p->items = ni;
        p->cap = nc;
    }
    p->items[p->n++] = (package_problem){path ? arena_strdup(p->a, path) : NULL, msg};
}

/* Check the archive digest in the trailing comment. */
static void check_seal(const char *path, probs *pr, arena *a)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        problem(pr, NULL, "cannot read the package");
        return;
    }
    fseeko(f, 0, SEEK_END);
    off_t size = ftello(f);
    size_t want = sizeof DIGEST_TAG - 1 + 64;
    off_t eocd = size - 22 - (off_t)want;
    unsigned char hdr[22];
    char comment[sizeof DIGEST_TAG + 64] = {0};
    if (eocd < 0 || fseeko(f, eocd, SEEK_SET) || fread(hdr, 1, 22, f) != 22 || hdr[0] != 'P' || hdr[1] != 'K' ||
        hdr[2] != 5 || hdr[3] != 6 || (size_t)(hdr[20] | hdr[21] << 8) != want || fread(comment, 1, want, f) != want ||
        strncmp(comment, DIGEST_TAG, sizeof DIGEST_TAG - 1)) {
        fclose(f);
        problem(pr, NULL, "the archive digest is missing or damaged: the package was changed or was not made by isms");
        return;
    }
    char h[65];
    int left = sha256_file(f, eocd + 20, h);
    fclose(f);
    if (left || strcmp(h, comment + sizeof DIGEST_TAG - 1))
        problem(pr, NULL, arena_sprintf(a, "the archive digest does not match: some byte of the package changed "
                                           "(expected %.16s..., found %.16s...)",
                                        comment + sizeof DIGEST_TAG - 1, h));
}

/* SHA-256 and size of an archive entry, streamed. -2: the entry expands far more than real
 * files do (a zip bomb), so it is not read at all. */
static int entry_digest(zip_t *z, zip_uint64_t idx, char sha[65], zip_uint64_t *size)
{
    zip_stat_t zs;
    if (zip_stat_index(z, idx, 0, &zs) == 0 && (zs.valid & ZIP_STAT_SIZE) && (zs.valid & ZIP_STAT_COMP_SIZE) &&
        zs.size > MAX_RATIO_FREE && zs.size / (zs.comp_size ? zs.comp_size : 1) > MAX_RATIO)
        return -2;
    zip_file_t *zf = zip_fopen_index(z, idx, 0);
    if (!zf)
        return -1;
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    EVP_DigestInit_ex(md, EVP_sha256(), NULL);
    char chunk[65536];
    zip_int64_t n;
    zip_uint64_t total = 0;
    while ((n = zip_fread(zf, chunk, sizeof chunk)) > 0) {
        EVP_DigestUpdate(md, chunk, (size_t)n);
        total += (zip_uint64_t)n;
        if (total > MAX_ENTRY)
            break;
    }
    int bad = zip_fclose(zf) != 0 || n < 0 || total > MAX_ENTRY;
    unsigned char d[32];
    unsigned dl;
    EVP_DigestFinal_ex(md, d, &dl);
    EVP_MD_CTX_free(md);
    hex(d, 32, sha);
    *size = total;
    return bad ? -1 : 0;
}

/* The bytes of entry name (NUL-terminated, at most max); NULL when absent (*idx -1) or unreadable. */
static char *read_entry(zip_t *z, const char *name, zip_uint64_t max, arena *a, size_t *len, zip_int64_t *idx)
{
    *idx = zip_name_locate(z, name, 0);
    if (*idx < 0)
        return NULL;
    zip_stat_t zs;
    zip_file_t *zf = NULL;
    if (zip_stat_index(z, (zip_uint64_t)*idx, 0, &zs) || !(zs.valid & ZIP_STAT_SIZE) || zs.size > max ||
        !(zf = zip_fopen_index(z, (zip_uint64_t)*idx, 0)))
        return NULL;
    char *text = arena_alloc(a, zs.size + 1);
    zip_int64_t got = zip_fread(zf, text, zs.size);
    zip_fclose(zf);
    if (got != (zip_int64_t)zs.size)
        return NULL;
    text[got] = '\0';
    *len = (size_t)got;
    return text;
}

static const char *jstr(json_t *o, const char *k) { return json_string_value(json_object_get(o, k)); }

/* The signatures: the manifest's (every file), the checkpoint's (the audit log's head), and the
 * audit log carried in the package against that checkpoint. */
static void check_anchor(zip_t *z, const char *manifest, size_t mlen, const unsigned char *pinned, char *listed,
                         probs *pr, package_anchor *info, arena *a)
{
    unsigned char pk[ANCHOR_PUBLIC_KEY_BYTES];
    int have_pk = 0;
    size_t len;
    zip_int64_t idx;
    if (pinned) {
        memcpy(pk, pinned, sizeof pk);
        have_pk = 1;
        info->key_source = "the public key given";
    }
    char *keytext = read_entry(z, PACKAGE_PUBLIC_KEY, 4096, a, &len, &idx);
    if (!have_pk && keytext) {
        char *line = keytext;
        while (*line == '#' && strchr(line, '\n'))
            line = strchr(line, '\n') + 1;
        if (anchor_public_key_parse(line, pk, NULL) == ISMS_OK) {
            have_pk = 1;
            info->key_source = "the public key inside the package (not pinned: give the public key you trust to "
                               "check it against)";
        } else
            problem(pr, PACKAGE_PUBLIC_KEY, "does not hold a public key");
    }
    char *cktext = read_entry(z, PACKAGE_CHECKPOINT, ANCHOR_SLOT, a, &len, &idx);
    anchor_checkpoint ck;
    isms_err perr = {0};
    int ck_ok = 0;
    if (!cktext)
        problem(pr, PACKAGE_CHECKPOINT, idx < 0 ? "missing: the package carries no signed checkpoint of the audit log"
                                                : "cannot be read");
    else if (anchor_checkpoint_parse(cktext, len, &ck, &perr))
        problem(pr, PACKAGE_CHECKPOINT, arena_strdup(a, perr.msg));
    else {
        ck_ok = 1;
        info->has_checkpoint = 1;
        info->ck = ck;
        if (!have_pk && anchor_public_key_parse(ck.public_key, pk, NULL) == ISMS_OK) {
            have_pk = 1;
            info->key_source = "the public key inside the checkpoint (not pinned: give the public key you trust to "
                               "check it against)";
        }
    }
    if (!have_pk) {
        problem(pr, NULL, "the package holds no public key to check its signatures with: give the public key to check them with");
        return;
    }
    anchor_hex(pk, sizeof pk, info->public_key);
    if (ck_ok && !anchor_verify(&ck, pk))
        problem(pr, PACKAGE_CHECKPOINT,
                arena_sprintf(a, "its signature does not verify with %.16s...: the checkpoint was altered or signed "
                                 "with another key",
                              info->public_key));
    char *sigtext = read_entry(z, PACKAGE_SIGNATURE, 4096, a, &len, &idx);
    if (idx >= 0)
        listed[idx] = 1; /* it signs the manifest, so the manifest cannot list it */
    json_error_t je;
    json_t *sig = sigtext ? json_loadb(sigtext, len, 0, &je) : NULL;
    if (!sigtext)
        problem(pr, PACKAGE_SIGNATURE, idx < 0 ? "missing: the manifest is not signed" : "cannot be read");
    else if (!manifest)
        ; /* the manifest's own problem is reported already */
    else if (!anchor_verify_bytes(pk, manifest, mlen, sig ? jstr(sig, "signature") : NULL))
        problem(pr, PACKAGE_SIGNATURE,
                arena_sprintf(a, "the manifest's signature does not verify with %.16s...: the manifest or a file's "
                                 "listed hash was changed after packaging, or another key signed it",
                              info->public_key));
    else
        info->manifest_signed = 1;
    json_decref(sig);
    if (!ck_ok)
        return;
    char *logtext = read_entry(z, PACKAGE_AUDIT_LOG, (zip_uint64_t)1 << 30, a, &len, &idx);
    json_t *log = logtext ? json_loadb(logtext, len, 0, &je) : NULL;
    if (!json_is_array(log)) {
        problem(pr, PACKAGE_AUDIT_LOG, idx < 0 ? "missing: the audit log to check against the checkpoint"
                                               : "is not a JSON array of entries");
        json_decref(log);
        return;
    }
    audit_chain v;
    audit_chain_start(&v, ck.count);
    size_t i;
    json_t *e;
    json_array_foreach(log, i, e)
    {
        audit_entry ae = {json_integer_value(json_object_get(e, "seq")),
                          jstr(e, "at"),
                          jstr(e, "actor"),
                          jstr(e, "action"),
                          jstr(e, "entity"),
                          jstr(e, "entity_id"),
                          jstr(e, "before"),
                          jstr(e, "after"),
                          jstr(e, "prev_hash"),
                          jstr(e, "hash")};
        audit_chain_step(&v, &ae);
    }
    json_decref(log);
    if (v.bad)
        problem(pr, PACKAGE_AUDIT_LOG, arena_strdup(a, v.problem));
    audit_check ac;
    memset(&ac, 0, sizeof ac);
    audit_check_anchor(&ac, &v, &ck, 1);
    for (int k = 0; k < ac.nproblems; k++)
        problem(pr, PACKAGE_AUDIT_LOG, arena_strdup(a, ac.problems[k]));
    info->entries = v.count;
    info->unsigned_entries = ac.unsigned_entries;
}

int package_verify(const char *path, arena *a, package_problem **out, size_t *n, size_t *nfiles, isms_err *err)
{
    package_anchor info;
    return package_verify_key(path, NULL, a, out, n, nfiles, &info, err);
}

int package_verify_key(const char *path, const unsigned char *pk, arena *a, package_problem **out, size_t *n,
                       size_t *nfiles, package_anchor *info, isms_err *err)
{
    probs pr = {NULL, 0, 0, a};
    *nfiles = 0;
    memset(info, 0, sizeof *info);
    if (anchor_init(err))
        return ISMS_EIO;
    int zerr = 0;
    zip_t *z = zip_open(path, ZIP_RDONLY | ZIP_CHECKCONS, &zerr);
    if (!z) {
        zip_error_t ze;
        zip_error_init_with_code(&ze, zerr);
        int rc = ISMS_OK;
        if (zerr == ZIP_ER_NOENT || zerr == ZIP_ER_OPEN || zerr == ZIP_ER_READ)
            rc = err_set(err, ISMS_EINVAL, "cannot read %s: %s", path, zip_error_strerror(&ze));
        else if (zerr == ZIP_ER_NOZIP)
            rc = err_set(err, ISMS_EINVAL, "%s is not a zip package", path);
        else {
            /* A damaged zip is a changed package, not a usage error. */
            problem(&pr, NULL, arena_sprintf(a, "the zip structure is damaged: %s", zip_error_strerror(&ze)));
            check_seal(path, &pr, a);
            *out = pr.items;
            *n = pr.n;
        }
        zip_error_fini(&ze);
        return rc;
    }
    check_seal(path, &pr, a);
    size_t mlen = 0;
    zip_int64_t mi;
    char *text = read_entry(z, "manifest.json", 64u << 20, a, &mlen, &mi);
    json_t *man = NULL;
    if (mi < 0)
        problem(&pr, "manifest.json", "the manifest is missing");
    else if (!text)
        problem(&pr, "manifest.json", "the manifest cannot be read");
    else {
        json_error_t je;
        man = json_loadb(text, mlen, 0, &je);
        if (!man)
            problem(&pr, "manifest.json", "the manifest is not valid JSON");
    }
    json_t *files = man ? json_object_get(man, "files") : NULL;
    if (man && !json_is_array(files))
        problem(&pr, "manifest.json", "the manifest has no files list");
    zip_int64_t ne = zip_get_num_entries(z, 0);
    char *listed = arena_alloc(a, ne > 0 ? (size_t)ne : 1);
    memset(listed, 0, ne > 0 ? (size_t)ne : 1);
    if (mi >= 0)
        listed[mi] = 1;
    size_t i;
    json_t *f;
    if (json_is_array(files))
        json_array_foreach(files, i, f)
        {
            const char *fp = json_string_value(json_object_get(f, "path"));
            const char *want = json_string_value(json_object_get(f, "sha256"));
            json_t *sz = json_object_get(f, "size");
            if (!fp || !want || !json_is_integer(sz)) {
                problem(&pr, "manifest.json", arena_sprintf(a, "file entry %zu lacks a path, sha256 or size", i));
                continue;
            }
            (*nfiles)++;
            zip_int64_t idx = zip_name_locate(z, fp, 0);
            if (idx < 0) {
                problem(&pr, fp, "listed in the manifest but missing from the package");
                continue;
            }
            if (listed[idx]) { /* hashing it again would let a manifest repeat one large file endlessly */
                problem(&pr, fp, idx == mi ? "the manifest lists itself" : "listed more than once in the manifest");
                continue;
            }
            listed[idx] = 1;
            char sha[65];
            zip_uint64_t size;
            int d = entry_digest(z, (zip_uint64_t)idx, sha, &size);
            if (d == -2)
                problem(&pr, fp, "expands more than 1000 times (a decompression bomb); not read");
            else if (d)
                problem(&pr, fp, "cannot be read (corrupt data)");
            else if (strcmp(sha, want))
                problem(&pr, fp, arena_sprintf(a, "SHA-256 %.16s... does not match the manifest's %.16s...", sha, want));
            else if ((json_int_t)size != json_integer_value(sz))
                problem(&pr, fp, "size does not match the manifest");
        }
    check_anchor(z, man ? text : NULL, mlen, pk, listed, &pr, info, a);
    for (zip_int64_t k = 0; k < ne; k++)
        if (!listed[k])
            problem(&pr, zip_get_name(z, (zip_uint64_t)k, 0), "in the package but not in the manifest");
    if (man)
        json_decref(man);
    zip_discard(z);
    *out = pr.items;
    *n = pr.n;
    return ISMS_OK;
}
