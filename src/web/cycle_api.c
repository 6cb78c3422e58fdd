/* The JSON API of the certification cycle, Stage 1 readiness, the calendar, the audit report and
 * evidence package downloads, package verification, the control catalog and the crosswalks. The
 * shapes are the CLI's --json ones (report/cycle_json.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/catalog.h"
#include "core/crosswalk.h"
#include "core/cycle.h"
#include "report/audit_report.h"
#include "report/cycle_json.h"
#include "app/usecases.h"
#include "report/ics.h"
#include "report/package.h"
#include "util/outfile.h"
#include "web/api.h"
#include "web/cycle.h"

/* --- the certification cycle --- */

int api_cert_get(web_req *rq, web_resp *rs)
{
    api_usecase(rq, rs, "cert_get", NULL, 200);
    return 0;
}

int cycle_cert_apply(web_req *rq, web_resp *rs, const cert_rec *c)
{
    app_cert_set_in in = {c->body, c->number, c->stage1_date, c->stage2_date, c->issued_on};
    isms_err err = {0};
    if (api_call(rq, "cert_set", &in, NULL, &err)) {
        web_json_fail(rs, &err);
        return -1;
    }
    return 0;
}

int api_cert_update(web_req *rq, web_resp *rs)
{
    json_t *o = api_body_object(rq, rs);
    if (!o)
        return 0;
    static const char *const fields[] = {"body", "number", "stage1_date", "stage2_date", "issued_on"};
    /* What GET answers but a client cannot set; sent back unchanged they are ignored. */
    static const char *const derived[] = {"expires_on", "surveillance1_by", "surveillance2_by", "recertification_by"};
    cert_rec c = {0};
    const char **slot[] = {&c.body, &c.number, &c.stage1_date, &c.stage2_date, &c.issued_on};
    const char *key;
    json_t *v;
    int bad = 0;
    json_object_foreach(o, key, v)
    {
        size_t i = 0, d = 0;
        while (i < 5 && strcmp(key, fields[i]))
            i++;
        while (d < 4 && strcmp(key, derived[d]))
            d++;
        if (i == 5 && d == 4) {
            web_json_error(rs, 422, "invalid", "%.60s: not a field of the certification (body, number, stage1_date, "
                                               "stage2_date, issued_on)", key);
            bad = 1;
            break;
        }
        if (i < 5 && api_jstr(rs, o, key, slot[i])) {
            bad = 1;
            break;
        }
    }
    if (!bad && !cycle_cert_apply(rq, rs, &c))
        api_cert_get(rq, rs);
    json_decref(o);
    return 0;
}

int cycle_milestone_apply(web_req *rq, web_resp *rs, const char *key, const char *due, const char *note)
{
    app_milestone_set_in in = {key, due, note};
    isms_err err = {0};
    if (api_call(rq, "milestone_set", &in, NULL, &err)) {
        web_json_fail(rs, &err);
        return -1;
    }
    return 0;
}

int api_milestone_update(web_req *rq, web_resp *rs)
{
    json_t *o = api_body_object(rq, rs);
    if (!o)
        return 0;
    const char *due = NULL, *note = NULL, *key;
    json_t *v;
    int bad = 0;
    json_object_foreach(o, key, v)
    {
        /* The milestone's own answer may be sent back: its derived members are ignored. */
        if (strcmp(key, "due_date") && strcmp(key, "note") && strcmp(key, "key") && strcmp(key, "title") &&
            strcmp(key, "clause") && strcmp(key, "done_on") && strcmp(key, "state")) {
            web_json_error(rs, 422, "invalid", "%.60s: not a field of a milestone (due_date, note)", key);
            bad = 1;
            break;
        }
    }
    if (!bad && !api_jstr(rs, o, "due_date", &due) && !api_jstr(rs, o, "note", &note) &&
        !cycle_milestone_apply(rq, rs, rq->params[0], due, note)) {
        milestone_rec *ms;
        size_t nm;
        isms_err err = {0};
        char today[11];
        store_today(today);
        if (store_milestone_list(rq->w, rq->a, &ms, &nm, &err))
            web_json_fail(rs, &err);
        else
            for (size_t i = 0; i < nm; i++)
                if (!strcmp(ms[i].key, rq->params[0]))
                    json_milestone(web_json_begin(rq, rs, 200), &ms[i], today);
    }
    json_decref(o);
    return 0;
}

int api_readiness(web_req *rq, web_resp *rs)
{
    readiness_facts f;
    gap_facts *g = arena_alloc(rq->a, sizeof *g);
    isms_err err = {0};
    if (store_readiness_facts(rq->w, rq->a, &f, g, &err)) {
        web_json_fail(rs, &err);
        return 0;
    }
    readiness_item *it;
    size_t blockers, n = readiness_evaluate(&f, rq->a, &it, &blockers);
    json_readiness(web_json_begin(rq, rs, 200), it, n, blockers, f.r);
    return 0;
}

/* --- downloads --- */

int api_calendar(web_req *rq, web_resp *rs)
{
    isms_err err = {0};
    org o;
    cal_event *ev;
    size_t n;
    if (store_org_get(rq->w, rq->a, &o, &err) || store_calendar_events(rq->w, rq->a, &ev, &n, &err)) {
        web_json_fail(rs, &err);
        return 0;
    }
    char now[32], stamp[17];
    store_now(now);
    snprintf(stamp, sizeof stamp, "%.4s%.2s%.2sT%.2s%.2s%.2sZ", now, now + 5, now + 8, now + 11, now + 14, now + 17);
    char *data = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&data, &len);
    int rc = !f || ics_write_stream(f, arena_sprintf(rq->a, "%s ISMS", o.name), ev, n, stamp);
    if (f && fclose(f))
        rc = 1;
    if (rc) {
        free(data);
        web_json_error(rs, 500, "io", "cannot write the calendar");
        return 0;
    }
    buf_reset(&rs->body);
    buf_append(&rs->body, data, len);
    free(data);
    rs->status = 200;
    rs->ctype = "text/calendar; charset=utf-8";
    rs->filename = "isms.ics";
    return 0;
}

/* Serve path as an attachment, then remove its directory. */
static void send_file(web_req *rq, web_resp *rs, const char *dir, const char *path, const char *ctype,
                      const char *filename)
{
    int fd = open(path, O_RDONLY | O_NOCTTY | O_CLOEXEC);
    struct stat sb;
    if (fd < 0 || fstat(fd, &sb) != 0) {
        if (fd >= 0)
            close(fd);
        web_tmpdir_remove(dir);
        web_json_error(rs, 500, "io", "cannot read the generated file");
        return;
    }
    web_tmpdir_remove(dir);
    rs->status = 200;
    rs->ctype = ctype;
    rs->filename = arena_strdup(rq->a, filename);
    rs->file_fd = fd;
    rs->file_size = (long long)sb.st_size;
}

int api_report_audit(web_req *rq, web_resp *rs)
{
    const char *fmt = web_query(rq, "format");
    report_format f;
    if (!fmt || !strcasecmp(fmt, "html") || !strcasecmp(fmt, "htm"))
        f = REPORT_HTML;
    else if (!strcasecmp(fmt, "pdf"))
        f = REPORT_PDF;
    else {
        web_json_error(rs, 400, "bad_parameter", "format is html or pdf, not '%.40s'", fmt);
        return 0;
    }
    char dir[WEB_TMPDIR_MAX], today[11];
    isms_err err = {0};
    store_today(today);
    if (web_tmpdir_make(dir, &err)) {
        web_json_fail(rs, &err);
        return 0;
    }
    const char *ext = f == REPORT_PDF ? "pdf" : "html";
    const char *path = arena_sprintf(rq->a, "%s/report.%s", dir, ext);
    if (audit_report_write(rq->w, f, path, rq->a, &err)) {
        web_tmpdir_remove(dir);
        web_json_fail(rs, &err);
        return 0;
    }
    /* Served as an attachment, so the report's HTML never runs as a page of this site. */
    send_file(rq, rs, dir, path, f == REPORT_PDF ? "application/pdf" : "text/html; charset=utf-8",
              arena_sprintf(rq->a, "audit-report-%s.%s", today, ext));
    return 0;
}

int api_report_package(web_req *rq, web_resp *rs)
{
    char dir[WEB_TMPDIR_MAX], today[11];
    isms_err err = {0};
    store_today(today);
    if (web_tmpdir_make(dir, &err)) {
        web_json_fail(rs, &err);
        return 0;
    }
    const char *path = arena_sprintf(rq->a, "%s/package.zip", dir);
    size_t n;
    if (package_write(rq->w, path, rq->a, &n, &err)) {
        web_tmpdir_remove(dir);
        web_json_fail(rs, &err);
        return 0;
    }
    send_file(rq, rs, dir, path, "application/zip", arena_sprintf(rq->a, "evidence-package-%s.zip", today));
    return 0;
}

/* Replace every occurrence of from in s by to (messages naming the temporary file). */
static const char *replace_all(arena *a, const char *s, const char *from, const char *to)
{
    buf b;
    buf_init(&b, 4096);
    for (const char *p = s, *q; *p; p = q + strlen(from)) {
        if (!(q = strstr(p, from))) {
            buf_puts(&b, p);
            break;
        }
        buf_append(&b, p, (size_t)(q - p));
        buf_puts(&b, to);
    }
    const char *out = arena_strdup(a, b.data ? b.data : "");
    buf_free(&b);
    return out;
}

int cycle_package_check(web_req *rq, package_problem **pp, size_t *n, size_t *nfiles, isms_err *err)
{
    const web_file *f = NULL;
    for (size_t i = 0; i < rq->nfiles; i++) {
        if (strcmp(rq->files[i].field, "file"))
            return err_set(err, ISMS_EINVAL, "unexpected file field '%s'; send the package as 'file'", rq->files[i].field);
        if (f)
            return err_set(err, ISMS_EINVAL, "send one package per verification");
        f = &rq->files[i];
    }
    if (!f || (!f->len && !*f->filename))
        return err_set(err, ISMS_EINVAL, "choose the package (.zip) to verify (the 'file' field is missing)");
    char dir[WEB_TMPDIR_MAX];
    int rc = web_tmpdir_make(dir, err);
    if (rc)
        return rc;
    const char *path = arena_sprintf(rq->a, "%s/package.zip", dir);
    rc = outfile_write(path, f->data, f->len, err);
    if (!rc && (rc = package_verify(path, rq->a, pp, n, nfiles, err))) {
        const char *name = *f->filename ? f->filename : "the upload";
        char msg[sizeof err->msg];
        snprintf(msg, sizeof msg, "%s", replace_all(rq->a, err->msg, path, name));
        snprintf(err->msg, sizeof err->msg, "%s", msg);
    }
    web_tmpdir_remove(dir);
    return rc;
}

int api_package_verify(web_req *rq, web_resp *rs)
{
    package_problem *pp;
    size_t n, nfiles;
    isms_err err = {0};
    if (cycle_package_check(rq, &pp, &n, &nfiles, &err)) {
        web_json_field_error(rs, err.code == ISMS_EINVAL ? 422 : 500, err_name(err.code), err.field, "%s", err.msg);
        return 0;
    }
    json_package_verification(web_json_begin(rq, rs, 200), pp, n, nfiles);
    return 0;
}

/* --- the catalog --- */

int api_controls_list(web_req *rq, web_resp *rs)
{
    page_query pq = {0};
    if (api_page_params(rq, rs, &pq))
        return 0;
    const char *theme = web_query(rq, "theme");
    if (theme) {
        const char *const *t = catalog_themes();
        while (*t && strcasecmp(*t, theme))
            t++;
        if (!*t) {
            web_json_error(rs, 400, "bad_parameter", "theme must be Organizational, People, Physical or Technological");
            return 0;
        }
    }
    size_t n;
    const catalog_control *ctl = catalog_controls(&n);
    jw *j = web_json_begin(rq, rs, 200);
    jw_obj(j);
    jw_key(j, "items");
    jw_arr(j);
    long seen = 0;
    for (size_t i = 0; i < n; i++) {
        if (theme && strcasecmp(theme, ctl[i].theme))
            continue;
        if (seen >= pq.offset && seen < pq.offset + pq.limit)
            json_control_brief(j, &ctl[i]);
        seen++;
    }
    jw_arr_end(j);
    jw_kint(j, "total", seen);
    jw_kint(j, "limit", pq.limit);
    jw_kint(j, "offset", pq.offset);
    jw_obj_end(j);
    return 0;
}

int api_control_show(web_req *rq, web_resp *rs)
{
    const catalog_control *ctl;
    const catalog_clause *cl;
    const char *mapped[4];
    size_t nm;
    isms_err err = {0};
    if (catalog_resolve(rq->params[0], &ctl, &cl, mapped, 4, &nm, &err)) {
        web_json_fail(rs, &err);
        return 0;
    }
    if (nm > 1) {
        web_json_error(rs, 404, "not_found", "%s (ISO 27001:2013) maps to %s and %s%s: ask for one of them",
                       rq->params[0], mapped[0], mapped[1], nm > 2 ? " and more" : "");
        return 0;
    }
    /* As `isms control show`: a clause id ("6.1.2") answers the clause. */
    json_catalog_entry(web_json_begin(rq, rs, 200), ctl, cl);
    return 0;
}

int api_clauses_list(web_req *rq, web_resp *rs)
{
    page_query pq = {0};
    if (api_page_params(rq, rs, &pq))
        return 0;
    size_t n;
    const catalog_clause *cl = catalog_clauses(&n);
    jw *j = web_json_begin(rq, rs, 200);
    jw_obj(j);
    jw_key(j, "items");
    jw_arr(j);
    for (size_t i = (size_t)pq.offset; i < n && i < (size_t)(pq.offset + pq.limit); i++)
        json_clause_brief(j, &cl[i]);
    jw_arr_end(j);
    jw_kint(j, "total", (int64_t)n);
    jw_kint(j, "limit", pq.limit);
    jw_kint(j, "offset", pq.offset);
    jw_obj_end(j);
    return 0;
}

int api_clause_show(web_req *rq, web_resp *rs)
{
    const catalog_clause *cl = catalog_clause_find(rq->params[0]);
    if (!cl) {
        web_json_error(rs, 404, "not_found", "no clause '%s' (clauses look like 6.1.2)", rq->params[0]);
        return 0;
    }
    json_catalog_entry(web_json_begin(rq, rs, 200), NULL, cl);
    return 0;
}

/* --- crosswalks --- */

int api_crosswalk(web_req *rq, web_resp *rs)
{
    crosswalk_answer x;
    isms_err err = {0};
    if (crosswalk_lookup(web_query(rq, "from"), web_query(rq, "to"), web_query(rq, "id"), &x, &err)) {
        if (err.code == ISMS_EINVAL)
            web_json_field_error(rs, 400, "bad_parameter", err.field, "%s", err.msg);
        else
            web_json_fail(rs, &err);
        return 0;
    }
    json_crosswalk(web_json_begin(rq, rs, 200), &x);
    return 0;
}

int api_soc2_readiness(web_req *rq, web_resp *rs)
{
    crosswalk_readiness *r;
    size_t n;
    isms_err err = {0};
    if (report_soc2_readiness(rq->w, rq->a, &r, &n, &err)) {
        web_json_fail(rs, &err);
        return 0;
    }
    json_soc2_readiness(web_json_begin(rq, rs, 200), r, n);
    return 0;
}
