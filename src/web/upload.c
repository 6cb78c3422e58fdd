/* Evidence in the browser and the API: the evidence page with its upload form, the multipart
 * upload (the same store path as `isms evidence add`: content-addressed by SHA-256, metadata and
 * the audit log in one transaction) and the download of a stored file. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/catalog.h"
#include "core/evidence.h"
#include "core/risk.h"
#include "report/json.h"
#include "web/api.h"


/* --- checks on what the browser sent --- */

/* A file name is kept as given when it is a plain name: no directories, no "..", no control
 * characters, UTF-8, at most 255 bytes. Browsers send only the base name, so anything else is a
 * crafted request and is refused rather than rewritten. */
int upload_filename_ok(const char *name, isms_err *err)
{
    size_t n = strlen(name);
    if (!n)
        return err_set(err, ISMS_EINVAL, "choose a file to upload");
    if (n > 255)
        return err_set(err, ISMS_EINVAL, "the file name is longer than 255 bytes");
    if (strchr(name, '/') || strchr(name, '\\') || !strcmp(name, ".") || strstr(name, ".."))
        return err_set(err, ISMS_EINVAL, "the file name '%s' contains a path ('/', '\\' or '..'); upload the file "
                                         "under its own name", name);
    for (const unsigned char *p = (const unsigned char *)name; *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            return err_set(err, ISMS_EINVAL, "the file name contains a control character");
    return ISMS_OK;
}

int web_tmpdir_make(char dir[WEB_TMPDIR_MAX], isms_err *err)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, WEB_TMPDIR_MAX, "%s/isms-web-XXXXXX", tmp && *tmp && strlen(tmp) < WEB_TMPDIR_MAX - 32 ? tmp : "/tmp");
    if (!mkdtemp(dir))
        return err_set(err, ISMS_EIO, "cannot make a temporary directory: %s", strerror(errno));
    return ISMS_OK;
}

void web_tmpdir_remove(const char *dir)
{
    DIR *d = opendir(dir);
    if (d) {
        for (struct dirent *e; (e = readdir(d));)
            if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
                char p[WEB_TMPDIR_MAX + 300];
                snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
                unlink(p);
            }
        closedir(d);
    }
    rmdir(dir);
}

int web_upload_file(web_req *rq, const web_file **out, isms_err *err)
{
    *out = NULL;
    for (size_t i = 0; i < rq->nfiles; i++) {
        if (strcmp(rq->files[i].field, "file"))
            return err_set(err, ISMS_EINVAL, "unexpected file field '%s'; send the file as 'file'", rq->files[i].field);
        if (*out)
            return err_set(err, ISMS_EINVAL, "send one file per upload");
        *out = &rq->files[i];
    }
    if (!*out)
        return err_set(err, ISMS_EINVAL, "choose a file to upload (the 'file' field is missing)");
    return upload_filename_ok((*out)->filename, err);
}

typedef struct upload_ctx {
    evidence ev;
    const web_file *f;
} upload_ctx;

/* Check every field before any byte is written, with the names the form uses. */
static int upload_check(web_req *rq, upload_ctx *u, isms_err *err)
{
    int rc = web_upload_file(rq, &u->f, err);
    if (rc)
        return rc;
    const char *type = web_form(rq, "type"), *desc = web_form(rq, "description");
    const char *controls = web_form(rq, "controls"), *collected = web_form(rq, "collected");
    if (!type || !*type)
        type = "other";
    if (!evidence_kind_find(type))
        return err_set(err, ISMS_EINVAL, "unknown evidence type '%s'", type);
    if (!desc || !*desc)
        return err_set(err, ISMS_EINVAL, "description: say what this evidence shows");
    if (!controls || !*controls)
        return err_set(err, ISMS_EINVAL, "controls: name the Annex A controls this evidence supports (e.g. A.5.15)");
    char norm[1024];
    if ((rc = catalog_controls_normalize(controls, norm, sizeof norm, err)))
        return rc;
    if (collected && *collected) {
        if (!risk_date_valid(collected))
            return err_set(err, ISMS_EINVAL, "collected '%s' is not a date (YYYY-MM-DD)", collected);
    } else {
        char *t = arena_alloc(rq->a, 11);
        store_today(t);
        collected = t;
    }
    u->ev = (evidence){.controls = controls, .description = desc, .kind = type, .collected_at = collected,
                       .source = "web upload", .name = u->f->filename};
    return ISMS_OK;
}

static void sha256_hex(const char *data, size_t n, char out[65])
{
    unsigned char md[32];
    unsigned int mdlen = 0;
    EVP_Digest(data, n, md, &mdlen, EVP_sha256(), NULL);
    for (int i = 0; i < 32; i++)
        snprintf(out + 2 * i, 3, "%02x", md[i]);
}

/* Held from the check whether the content file exists to the end of the transaction, so that a
 * failed upload never removes a file that a concurrent upload of the same bytes has recorded
 * (writes to the workspace are serialized by SQLite anyway). */
static pthread_mutex_t upload_mu = PTHREAD_MUTEX_INITIALIZER;

/* Store the upload in one transaction. The bytes go through an unlinked temporary file, so a
 * failure leaves nothing behind; a content file this upload created is removed again when the
 * transaction fails, so no stored file is without its record. */
static int upload_store(web_req *rq, upload_ctx *u, isms_err *err)
{
    char sha[65];
    sha256_hex(u->f->data, u->f->len, sha);
    const char *final = store_evidence_path(rq->w, sha, rq->a);
    FILE *tmp = tmpfile();
    if (!tmp)
        return err_set(err, ISMS_EIO, "cannot buffer the upload: %s", strerror(errno));
    int rc = ISMS_OK;
    if ((u->f->len && fwrite(u->f->data, 1, u->f->len, tmp) != u->f->len) || fflush(tmp) || fseek(tmp, 0, SEEK_SET))
        rc = err_set(err, ISMS_EIO, "cannot buffer the upload: %s", strerror(errno));
    pthread_mutex_lock(&upload_mu);
    int existed = access(final, F_OK) == 0;
    if (!rc && (rc = ws_begin(rq->w, err)) == ISMS_OK) {
        if ((rc = store_evidence_add_fd(rq->w, fileno(tmp), &u->ev, (int64_t)WEB_UPLOAD_MAX, rq->a, err)) ||
            (rc = ws_commit(rq->w, err))) {
            ws_rollback(rq->w);
            if (!existed)
                unlink(final);
        }
    }
    pthread_mutex_unlock(&upload_mu);
    fclose(tmp);
    return rc;
}

static int upload_run(web_req *rq, upload_ctx *u, isms_err *err)
{
    int rc = upload_check(rq, u, err);
    return rc ? rc : upload_store(rq, u, err);
}

static int status_of(const isms_err *err)
{
    return err->code == ISMS_ENOMEM ? 413 : err->code == ISMS_EINVAL ? 422 : err->code == ISMS_ENOTFOUND ? 422
         : err->code == ISMS_EDB ? 503 : 500;
}

/* --- the evidence page --- */

typedef struct ev_rows {
    web_resp *rs;
    char today[11];
} ev_rows;

static int ev_row(const evidence *e, void *p)
{
    ev_rows *c = p;
    int fresh = evidence_is_fresh(e->valid_until, c->today);
    char prefix[13]; /* web_html has no precision: the short hash is cut here */
    snprintf(prefix, sizeof prefix, "%s", e->sha256 ? e->sha256 : "");
    web_html(c->rs, "<tr><td>%lld</td><td><a href=\"/api/v1/evidence/%lld/file\">%s</a></td><td>%s</td><td>%s</td>"
                    "<td>%s</td><td>%s</td><td class=\"%s\">%s</td><td><code title=\"%s\">%s…</code></td></tr>",
             (long long)e->id, (long long)e->id, e->filename, e->kind, e->controls, e->description, e->collected_at,
             fresh ? "" : "overdue", fresh ? e->valid_until : "stale", e->sha256, prefix);
    return 0;
}

/* The page, with the upload form for editors and admins and, after a refused upload, why. */
static void evidence_page(web_req *rq, web_resp *rs, const char *error)
{
    const char *control = web_query(rq, "control"), *added = web_query(rq, "added");
    page_head(rq, rs, "Evidence", "/evidence");
    web_raw(rs, "<h1>Evidence</h1>");
    if (error)
        web_html(rs, "<p class=\"error\" role=\"alert\" id=\"form-error\">%s</p>", error);
    else if (added && strspn(added, "0123456789") == strlen(added) && strlen(added) < 19)
        web_html(rs, "<p class=\"notice\" role=\"status\" id=\"upload-ok\">Evidence %s stored.</p>", added);
    if (web_role_allows(rq->u.role, PERM_WRITE)) {
        web_html(rs, "<details%s><summary>Upload evidence</summary><form class=\"edit\" id=\"upload-form\" method=\"post\" "
                     "action=\"/evidence\" enctype=\"multipart/form-data\"><input type=\"hidden\" name=\"csrf\" value=\"%s\">"
                     "<label>File (at most 25 MiB) <input type=\"file\" name=\"file\" required></label>"
                     "<label>Controls it supports <input name=\"controls\" placeholder=\"A.5.15, A.5.18\" required></label>"
                     "<label>Type <select name=\"type\">",
                 error ? " open" : "", rq->csrf ? rq->csrf : "");
        for (const evidence_kind *k = evidence_kinds(); k->id; k++)
            web_html(rs, "<option value=\"%s\"%s>%s (fresh %d days)</option>", k->id,
                     !strcmp(k->id, "other") ? " selected" : "", k->name, k->fresh_days);
        web_raw(rs, "</select></label><label>Description <input name=\"description\" required></label>"
                    "<label>Collected on <input name=\"collected\" type=\"date\"></label>"
                    "<button type=\"submit\">Upload</button></form></details>");
    }
    web_raw(rs, "<p class=\"muted\">Files are stored by their SHA-256 beside the workspace; from the command line: "
                "<code>isms evidence add FILE --controls ...</code>.</p><table id=\"evidence\"><thead><tr><th>ID</th>"
                "<th>File</th><th>Type</th><th>Controls</th><th>Description</th><th>Collected</th><th>Valid until</th>"
                "<th>SHA-256</th></tr></thead><tbody>");
    ev_rows c = {.rs = rs};
    store_today(c.today);
    isms_err err = {0};
    const catalog_control *ctl = control ? catalog_control_find(control) : NULL;
    store_evidence_each(rq->w, ctl ? ctl->id : NULL, ev_row, &c, &err);
    web_raw(rs, "</tbody></table>");
    page_foot(rs);
}

int page_evidence(web_req *rq, web_resp *rs)
{
    evidence_page(rq, rs, NULL);
    return 0;
}

int form_evidence_upload(web_req *rq, web_resp *rs)
{
    upload_ctx u = {0};
    isms_err err = {0};
    if (rq->upload_error) {
        rs->status = rq->upload_error->code == ISMS_ENOMEM ? 413 : 400;
        evidence_page(rq, rs, rq->upload_error->msg);
        return 0;
    }
    if (upload_run(rq, &u, &err)) {
        rs->status = status_of(&err);
        evidence_page(rq, rs, err.msg);
        return 0;
    }
    web_redirect(rs, arena_sprintf(rq->a, "/evidence?added=%lld", (long long)u.ev.id));
    return 0;
}

/* --- the API --- */

static void evidence_json(jw *j, const evidence *e)
{
    char today[11];
    store_today(today);
    json_evidence(j, e, today);
}

int api_evidence_upload(web_req *rq, web_resp *rs)
{
    upload_ctx u = {0};
    isms_err err = {0};
    if (upload_run(rq, &u, &err)) {
        web_json_field_error(rs, status_of(&err), err_name(err.code), err.field, "%s", err.msg);
        return 0;
    }
    evidence e;
    if (store_evidence_get(rq->w, u.ev.id, rq->a, &e, &err)) {
        web_json_fail(rs, &err);
        return 0;
    }
    evidence_json(web_json_begin(rq, rs, 201), &e);
    return 0;
}

/* Content types by extension for the kinds of files kept as evidence; anything else is bytes.
 * HTML and SVG are served as text or bytes so a stored file can never run as a page here. */
static const char *content_type(const char *name)
{
    static const char *const types[][2] = {
        {".pdf", "application/pdf"}, {".png", "image/png"}, {".jpg", "image/jpeg"}, {".jpeg", "image/jpeg"},
        {".gif", "image/gif"}, {".webp", "image/webp"}, {".csv", "text/csv; charset=utf-8"},
        {".txt", "text/plain; charset=utf-8"}, {".log", "text/plain; charset=utf-8"}, {".md", "text/plain; charset=utf-8"},
        {".html", "text/plain; charset=utf-8"}, {".json", "application/json"}, {".xml", "application/xml"},
        {".zip", "application/zip"}, {".gz", "application/gzip"},
        {".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
        {".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
        {".pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"},
    };
    const char *dot = strrchr(name, '.');
    if (dot)
        for (size_t i = 0; i < sizeof types / sizeof *types; i++)
            if (!strcasecmp(dot, types[i][0]))
                return types[i][1];
    return "application/octet-stream";
}

/* An ASCII file name safe inside a quoted Content-Disposition parameter: letters, digits and
 * ". _ -" kept, everything else (quotes, backslashes, non-ASCII, controls) becomes '_'. */
static const char *safe_filename(arena *a, const char *name)
{
    size_t n = strlen(name);
    char *o = arena_alloc(a, n + 1);
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)name[i];
        o[i] = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '.' ||
                       ch == '_' || ch == '-'
                   ? (char)ch
                   : '_';
    }
    o[n] = '\0';
    return n && o[0] != '.' ? o : "evidence";
}

/* Whether the open file's content still has its recorded SHA-256; leaves the offset at 0. */
static int fd_matches(int fd, const char *sha256)
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    unsigned char *chunk = malloc(1 << 16);
    int ok = ctx && chunk && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
    for (ssize_t n; ok && (n = read(fd, chunk, 1 << 16)) != 0;) {
        if (n < 0 && errno == EINTR)
            continue;
        ok = n > 0 && EVP_DigestUpdate(ctx, chunk, (size_t)n);
    }
    unsigned char md[32];
    char hex[65];
    if (ok && EVP_DigestFinal_ex(ctx, md, NULL)) {
        for (int i = 0; i < 32; i++)
            snprintf(hex + 2 * i, 3, "%02x", md[i]);
        ok = !strcmp(hex, sha256);
    } else {
        ok = 0;
    }
    free(chunk);
    EVP_MD_CTX_free(ctx);
    return ok && lseek(fd, 0, SEEK_SET) == 0;
}

/* The route's evidence id; answers 404 (and returns -1) when it is not a number. */
static int evidence_param(web_req *rq, web_resp *rs, long long *id)
{
    const char *ids = rq->params[0];
    char *end;
    *id = strtoll(ids, &end, 10);
    if (!*ids || *end || *id < 1 || strspn(ids, "0123456789") != strlen(ids)) {
        web_json_error(rs, 404, "not_found", "no evidence '%s': evidence ids are numbers", ids);
        return -1;
    }
    return 0;
}

int api_evidence_get(web_req *rq, web_resp *rs)
{
    evidence e;
    isms_err err = {0};
    long long id;
    if (evidence_param(rq, rs, &id))
        return 0;
    if (store_evidence_get(rq->w, id, rq->a, &e, &err))
        web_json_fail(rs, &err);
    else
        evidence_json(web_json_begin(rq, rs, 200), &e);
    return 0;
}

int api_evidence_file(web_req *rq, web_resp *rs)
{
    evidence e;
    isms_err err = {0};
    long long id;
    if (evidence_param(rq, rs, &id))
        return 0;
    if (store_evidence_get(rq->w, id, rq->a, &e, &err)) {
        web_json_fail(rs, &err);
        return 0;
    }
    const char *path = store_evidence_path(rq->w, e.sha256, rq->a);
    int fd = open(path, O_RDONLY | O_NOCTTY | O_CLOEXEC);
    struct stat sb;
    if (fd < 0 || fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        if (fd >= 0)
            close(fd);
        web_json_error(rs, 410, "gone", "the stored file of evidence %lld is missing (run `isms evidence verify`)", id);
        return 0;
    }
    /* An auditor must never receive a file that differs from what was recorded. */
    if (!fd_matches(fd, e.sha256)) {
        close(fd);
        web_json_error(rs, 409, "tampered", "the stored file of evidence %lld no longer matches its SHA-256 "
                                            "(run `isms evidence verify`)", id);
        return 0;
    }
    rs->status = 200;
    rs->ctype = content_type(e.filename);
    rs->filename = safe_filename(rq->a, e.filename);
    rs->file_fd = fd;
    rs->file_size = (long long)sb.st_size;
    return 0;
}
