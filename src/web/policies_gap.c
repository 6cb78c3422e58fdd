/* The document gap analysis of uploaded policies, in the API and the browser: the files are read as
 * `isms policy gap` reads them (core/docread, core/docgap) from a private temporary directory that
 * is removed before the answer, and the report is the CLI's JSON or a page of it. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "collect/docfile.h"
#include "core/docread.h"
#include "report/json.h"
#include "util/outfile.h"
#include "web/api.h"
#include "web/policies.h"


#define GAP_MAX_FILES 64

/* An uploaded file's name as shown in the report: its last path component, UTF-8 without control
 * characters, at most 255 bytes; anything else is refused with the reason. */
static const char *display_name(web_req *rq, const char *name, isms_err *err)
{
    const char *s = name ? name : "";
    for (const char *p = s; *p; p++)
        if (*p == '/' || *p == '\\')
            s = p + 1;
    size_t n = strlen(s);
    if (!n || !strcmp(s, ".") || !strcmp(s, ".."))
        return err_set(err, ISMS_EINVAL, "a file has no name; upload each document under its own name"), NULL;
    if (n > 255)
        return err_set(err, ISMS_EINVAL, "a file name is longer than 255 bytes"), NULL;
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)s[i];
        int len = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
        int ok = len && i + (size_t)len <= n && !(len == 2 && c < 0xC2) && !(len == 4 && c > 0xF4) && c >= 0x20 &&
                 c != 0x7f;
        for (int k = 1; ok && k < len; k++)
            ok = ((unsigned char)s[i + (size_t)k] & 0xC0) == 0x80;
        if (!ok)
            return err_set(err, ISMS_EINVAL, "a file name contains a control character or is not UTF-8"), NULL;
        i += (size_t)len;
    }
    return arena_strdup(rq->a, s);
}

/* The temporary file's name: the index, then the name's ASCII letters, digits and ". _ -", so the
 * extension the reader checks against the content is kept. */
static const char *temp_name(web_req *rq, const char *dir, size_t i, const char *name)
{
    char *safe = arena_strdup(rq->a, name);
    for (char *p = safe; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '.' ||
              *p == '_' || *p == '-'))
            *p = '_';
    return arena_sprintf(rq->a, "%s/%zu-%s", dir, i, safe);
}

int policy_web_gap(web_req *rq, const char *topic_list, docgap_report *r, isms_err *err)
{
    int want[DOCGAP_MAX_TOPICS];
    size_t nwant = 0, n = 0;
    int rc = docgap_init(err);
    if (rc)
        return rc;
    if (topic_list && *topic_list && (rc = docgap_topics_parse(topic_list, want, &nwant, rq->a, err)))
        return rc;
    const web_file **files = arena_alloc(rq->a, sizeof *files * (rq->nfiles ? rq->nfiles : 1));
    for (size_t i = 0; i < rq->nfiles; i++) {
        if (strcmp(rq->files[i].field, "files") && strcmp(rq->files[i].field, "file"))
            return err_set(err, ISMS_EINVAL, "unexpected file field '%.40s'; send the documents as 'files'",
                           rq->files[i].field);
        if (!rq->files[i].filename || !*rq->files[i].filename)
            continue; /* a form submitted without choosing a file */
        files[n++] = &rq->files[i];
    }
    if (!n)
        return err_set(err, ISMS_EINVAL, "give one or more policy documents (Markdown, text, HTML, DOCX or PDF)");
    if (n > GAP_MAX_FILES)
        return err_set(err, ISMS_EINVAL, "at most %d documents at once", GAP_MAX_FILES);
    const char **names = arena_alloc(rq->a, sizeof *names * n), **errors = arena_alloc(rq->a, sizeof *errors * n);
    doc **docs = arena_alloc(rq->a, sizeof *docs * n);
    for (size_t i = 0; i < n; i++)
        if (!(names[i] = display_name(rq, files[i]->filename, err)))
            return err->code;
    char dir[WEB_TMPDIR_MAX];
    if ((rc = web_tmpdir_make(dir, err)))
        return rc;
    size_t nread = 0;
    for (size_t i = 0; i < n && !rc; i++) {
        const char *path = temp_name(rq, dir, i, names[i]);
        docs[i] = arena_alloc(rq->a, sizeof **docs);
        errors[i] = NULL;
        if ((rc = outfile_write(path, files[i]->data, files[i]->len, err)))
            break;
        isms_err e = {0};
        if (docfile_read(path, rq->a, docs[i], &e))
            errors[i] = arena_strdup(rq->a, e.msg);
        else
            nread++;
        unlink(path);
        docs[i]->path = names[i]; /* the report names the upload, never the temporary file */
    }
    web_tmpdir_remove(dir);
    if (rc)
        return rc;
    if (!nread)
        return err_set(err, ISMS_EINVAL, "none of the %zu file%s could be read%s%s", n, n == 1 ? "" : "s",
                       n == 1 ? ": " : "", n == 1 ? errors[0] : "");
    return docgap_analyse(names, docs, errors, n, want, nwant, rq->a, r, err);
}

int api_policy_gap(web_req *rq, web_resp *rs)
{
    docgap_report r;
    isms_err err = {0};
    if (policy_web_gap(rq, web_form(rq, "topic"), &r, &err)) {
        web_json_fail(rs, &err);
        return 0;
    }
    json_policy_gap(web_json_begin(rq, rs, 200), &r, rq->a);
    return 0;
}

/* --- the pages --- */

static void gap_form(web_req *rq, web_resp *rs, const char *topic)
{
    size_t nt;
    const docgap_topic *topics = docgap_topics(&nt);
    web_html(rs, "<form class=\"edit\" id=\"gap-form\" method=\"post\" action=\"/policies/gap\" "
                 "enctype=\"multipart/form-data\"><input type=\"hidden\" name=\"csrf\" value=\"%s\">"
                 "<label>Documents (Markdown, text, HTML, DOCX or PDF; at most 25 MiB in all) "
                 "<input type=\"file\" name=\"files\" multiple required></label><label>Topics <select name=\"topic\">"
                 "<option value=\"\">those the documents are about</option><option value=\"all\"%s>all topics</option>",
             rq->csrf ? rq->csrf : "", topic && !strcmp(topic, "all") ? " selected" : "");
    for (size_t t = 0; t < nt; t++)
        web_html(rs, "<option value=\"%s\"%s>%s</option>", topics[t].id,
                 topic && !strcmp(topic, topics[t].id) ? " selected" : "", topics[t].name);
    web_raw(rs, "</select></label><button type=\"submit\">Analyse</button></form>");
}

static void gap_page(web_req *rq, web_resp *rs, const char *error, const docgap_report *r)
{
    isms_err err = {0};
    docgap_init(&err);
    page_head(rq, rs, "Policy gap analysis", "/policies");
    web_raw(rs, "<p class=\"sub\"><a href=\"/policies\">Policies</a></p><h1>Policy gap analysis</h1>"
                "<p class=\"muted\">Upload your existing policy documents to see which requirements of ISO/IEC "
                "27001:2022 (clause 5.2 and the Annex A controls) they cover, with the sentence that shows it, and "
                "what auditors will ask for. The files are read and discarded, not stored. From the command line: "
                "<code>isms policy gap FILE...</code>.</p>");
    if (error)
        web_html(rs, "<p class=\"error\" role=\"alert\" id=\"form-error\">%s</p>", error);
    gap_form(rq, rs, web_form(rq, "topic"));
    if (!r) {
        page_foot(rs);
        return;
    }
    size_t nt;
    const docgap_topic *topics = docgap_topics(&nt);
    web_html(rs, "<h2>Summary</h2><p id=\"gap-summary\">%zu requirements: %zu covered, %zu missing; %zu of %zu "
                 "documents read; %zu with weaknesses.</p>",
             r->nitems, r->covered, r->nitems - r->covered, r->nread, r->nfiles, r->weak_docs);
    web_raw(rs, "<h2>Documents</h2><table id=\"gap-files\"><thead><tr><th>File</th><th>Format</th><th>Title</th>"
                "<th>About</th><th>Weaknesses</th></tr></thead><tbody>");
    for (size_t i = 0; i < r->nfiles; i++) {
        const docgap_file *f = &r->files[i];
        if (!f->d) {
            web_html(rs, "<tr><td>%s</td><td colspan=\"4\" class=\"error\">not read: %s</td></tr>", f->path, f->error);
            continue;
        }
        web_html(rs, "<tr><td>%s</td><td>%s%s</td><td>%s</td><td>", f->path, docread_format_name(f->d->format),
                 f->d->pages ? arena_sprintf(rq->a, ", %d pages", f->d->pages) : "", f->d->title ? f->d->title : "–");
        for (int t = 0; t < f->ntopics; t++)
            web_html(rs, "%s%s", t ? ", " : "", topics[f->topics[t]].name);
        web_raw(rs, f->ntopics ? "</td><td>" : "no policy topic recognized</td><td>");
        for (int k = 0, first = 1; k < DOCGAP_NWEAK; k++)
            if (f->weaknesses & (1u << k)) {
                web_html(rs, "%s<span class=\"badge high\">%s</span>", first ? "" : "; ", docgap_weakness_text(k));
                first = 0;
            }
        web_raw(rs, f->weaknesses ? "</td></tr>" : "<span class=\"muted\">none</span></td></tr>");
    }
    web_raw(rs, "</tbody></table>");
    for (size_t t = 0; t < nt; t++) {
        if (!r->in_scope[t])
            continue;
        int total, covered;
        docgap_topic_counts(r, (int)t, &total, &covered);
        web_html(rs, "<h2 id=\"topic-%s\">%s: %d of %d requirements covered (%s)</h2>"
                     "<table class=\"gap-reqs\"><thead><tr><th>Status</th><th>Control</th><th>Requirement</th>"
                     "<th>Text</th><th>Evidence</th></tr></thead><tbody>",
                 topics[t].id, topics[t].name, covered, total, docgap_status(covered, total));
        for (size_t i = 0; i < r->nitems; i++) {
            const docgap_item *it = &r->items[i];
            if (it->req->topic_index != (int)t)
                continue;
            web_html(rs, "<tr id=\"req-%s\"><td class=\"%s\">%s</td><td>%s</td><td>%s</td><td>%s</td><td>", it->req->id,
                     it->covered ? "" : "overdue", it->covered ? "covered" : "missing", it->req->control, it->req->id,
                     it->req->text);
            if (it->covered)
                web_html(rs, "<q>%s</q><br><span class=\"muted\">%s, %s</span>", it->ev.sentence, it->ev.file,
                         it->ev.location);
            web_raw(rs, "</td></tr>");
        }
        web_raw(rs, "</tbody></table>");
    }
    docgap_control *rows;
    size_t nrows = docgap_controls(r, rq->a, &rows);
    if (nrows) {
        web_raw(rs, "<h2>By control and clause</h2><table id=\"gap-controls\"><thead><tr><th>Control</th>"
                    "<th>Status</th><th>Covered</th></tr></thead><tbody>");
        for (size_t k = 0; k < nrows; k++)
            web_html(rs, "<tr><td>%s</td><td class=\"%s\">%s</td><td>%s</td></tr>", rows[k].control,
                     rows[k].covered ? "" : "overdue", docgap_status(rows[k].covered, rows[k].total),
                     arena_sprintf(rq->a, "%d of %d", rows[k].covered, rows[k].total));
        web_raw(rs, "</tbody></table>");
    }
    int any = 0;
    for (size_t t = 0; t < nt; t++)
        any |= r->in_scope[t];
    if (!any)
        web_raw(rs, "<p class=\"notice\">No policy topic was recognized in these documents; choose one above.</p>");
    page_foot(rs);
}

int page_policy_gap(web_req *rq, web_resp *rs)
{
    gap_page(rq, rs, NULL, NULL);
    return 0;
}

int form_policy_gap(web_req *rq, web_resp *rs)
{
    if (rq->upload_error) {
        rs->status = rq->upload_error->code == ISMS_ENOMEM ? 413 : 400;
        gap_page(rq, rs, rq->upload_error->msg, NULL);
        return 0;
    }
    docgap_report r;
    isms_err err = {0};
    if (policy_web_gap(rq, web_form(rq, "topic"), &r, &err)) {
        rs->status = web_err_status(&err);
        gap_page(rq, rs, err.msg, NULL);
        return 0;
    }
    gap_page(rq, rs, NULL, &r);
    return 0;
}
