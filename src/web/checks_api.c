/* The JSON API of the automated checks, the monitoring alerts and the CloudTrail log scan: the
 * same selection, runs, records and answers as `isms check`, `isms monitor alerts` and `isms logs
 * scan --json`. */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "collect/check_run.h"
#include "report/json.h"
#include "util/outfile.h"
#include "web/api.h"
#include "web/checks.h"

/* A decompressed log may be this large: real CloudTrail files are far smaller, and a gzip bomb
 * in an upload stops here instead of keeping a worker busy. */
#define CHECKS_LOG_MAX_BYTES ((uint64_t)512 << 20)

static const char *env_get(const char *name) { return getenv(name); }

static int known_source(const char *s)
{
    size_t n;
    const check_def *d = check_registry(&n);
    for (size_t i = 0; i < n; i++)
        if (!strcmp(d[i].source, s))
            return 1;
    return 0;
}

/* --- checks --- */

int api_checks_list(web_req *rq, web_resp *rs)
{
    page_query pq = {0};
    if (api_page_params(rq, rs, &pq))
        return 0;
    const char *source = web_query(rq, "source"), *status = web_query(rq, "status");
    if (source && !known_source(source)) {
        web_json_error(rs, 400, "bad_parameter", "source must be aws, github, gworkspace or host");
        return 0;
    }
    if (status && strcmp(status, "pass") && strcmp(status, "fail") && strcmp(status, "error") &&
        strcmp(status, "never")) {
        web_json_error(rs, 400, "bad_parameter", "status must be pass, fail, error or never");
        return 0;
    }
    check_run *runs = NULL;
    size_t nr = 0, n;
    isms_err err = {0};
    if (store_check_latest(rq->w, rq->a, &runs, &nr, &err)) {
        web_json_fail(rs, &err);
        return 0;
    }
    const check_def *d = check_registry(&n);
    jw *j = web_json_begin(rq, rs, 200);
    jw_obj(j);
    jw_key(j, "items");
    jw_arr(j);
    long seen = 0;
    for (size_t i = 0; i < n; i++) {
        const check_run *last = NULL;
        for (size_t k = 0; k < nr; k++)
            if (!strcmp(runs[k].check_id, d[i].id))
                last = &runs[k];
        if (source && strcmp(source, d[i].source))
            continue;
        if (status && strcmp(status, last ? last->status : "never"))
            continue;
        if (seen >= pq.offset && seen < pq.offset + pq.limit)
            check_def_json(j, &d[i], last);
        seen++;
    }
    jw_arr_end(j);
    jw_kint(j, "total", seen);
    jw_kint(j, "limit", pq.limit);
    jw_kint(j, "offset", pq.offset);
    /* Whether this server has each source's configuration, so a client knows what a run would do. */
    jw_key(j, "sources");
    jw_arr(j);
    for (size_t i = 0; i < n; i++) {
        if (i && !strcmp(d[i].source, d[i - 1].source))
            continue;
        jw_obj(j);
        jw_kstr(j, "source", d[i].source);
        jw_kbool(j, "configured", check_source_configured(d[i].source, env_get));
        jw_obj_end(j);
    }
    jw_arr_end(j);
    jw_obj_end(j);
    return 0;
}

typedef struct skipped_list {
    jw *j;
    const char *names[16];
    int n;
} skipped_list;

static void note_skipped(const char *source, void *ud)
{
    skipped_list *s = ud;
    if (s->n < 16)
        s->names[s->n++] = source;
}

int checks_run(web_req *rq, const char *const *names, int nnames, jw *j, int *ran, isms_err *err)
{
    const check_def *sel[256];
    skipped_list sk = {0};
    int ns = check_select(names, nnames, env_get, sel, 256, note_skipped, &sk, err);
    if (ns < 0)
        return -1;
    *ran = ns;
    int bad = 0;
    jw_obj(j);
    jw_key(j, "results");
    jw_arr(j);
    /* One client, one token and one read of each shared document per source for the request. */
    check_run_opts opts = {.session = check_session_new()};
    for (int i = 0; i < ns; i++) {
        check_run run;
        if (check_run_record(rq->w, sel[i], rq->a, env_get, &opts, &run, err)) {
            check_session_free(opts.session);
            return -1;
        }
        bad += strcmp(run.status, "pass") != 0;
        check_run_json(j, &run);
    }
    check_session_free(opts.session);
    jw_arr_end(j);
    jw_kint(j, "failed", bad);
    jw_key(j, "skipped");
    jw_arr(j);
    for (int i = 0; i < sk.n; i++)
        jw_str(j, sk.names[i]);
    jw_arr_end(j);
    jw_obj_end(j);
    return bad;
}

/* Append the strings of array member k of o to names; -1 with a 422 written when it is not one. */
static int name_list(web_resp *rs, json_t *o, const char *k, const char **names, int *n, int max)
{
    json_t *v = json_object_get(o, k);
    if (!v)
        return 0;
    if (!json_is_array(v)) {
        web_json_error(rs, 422, "invalid", "%s must be an array of strings", k);
        return -1;
    }
    size_t i;
    json_t *e;
    json_array_foreach(v, i, e)
    {
        if (!json_is_string(e) || !json_string_length(e) || json_string_length(e) > 100) {
            web_json_error(rs, 422, "invalid", "%s must be an array of source names or check ids", k);
            return -1;
        }
        if (*n >= max) {
            web_json_error(rs, 422, "invalid", "name at most %d sources and checks", max);
            return -1;
        }
        names[(*n)++] = json_string_value(e);
    }
    return 0;
}

int api_check_runs_create(web_req *rq, web_resp *rs)
{
    json_t *o = rq->body->len ? api_body_object(rq, rs) : json_object();
    if (!o)
        return 0;
    const char *key;
    json_t *v;
    json_object_foreach(o, key, v)
    {
        if (strcmp(key, "sources") && strcmp(key, "ids")) {
            web_json_error(rs, 422, "invalid", "%.60s: give \"sources\" and/or \"ids\"", key);
            json_decref(o);
            return 0;
        }
    }
    const char *names[64];
    int n = 0;
    if (!name_list(rs, o, "sources", names, &n, 64) && !name_list(rs, o, "ids", names, &n, 64)) {
        isms_err err = {0};
        jw *j = web_json_begin(rq, rs, 201);
        int ran;
        if (checks_run(rq, names, n, j, &ran, &err) < 0) {
            buf_reset(&rs->body);
            if (err.code == ISMS_EINVAL)
                web_json_error(rs, 422, "invalid", "%s", err.msg);
            else
                web_json_fail(rs, &err);
        }
    }
    json_decref(o);
    return 0;
}

/* The check named by :id, or NULL with a 404 written. */
static const check_def *check_param(web_req *rq, web_resp *rs)
{
    const check_def *d = check_find(rq->params[0]);
    if (!d)
        web_json_error(rs, 404, "not_found", "no check '%.100s' (see `isms check list`)", rq->params[0]);
    return d;
}

int api_check_history(web_req *rq, web_resp *rs)
{
    const check_def *d = check_param(rq, rs);
    if (!d)
        return 0;
    const char *l = web_query(rq, "limit");
    long lim = 20;
    if (l) {
        char *end;
        lim = strtol(l, &end, 10);
        if (!*l || *end || lim < 1 || lim > 100000) {
            web_json_error(rs, 400, "bad_parameter", "limit must be a whole number from 1 to 100000");
            return 0;
        }
    }
    check_run *runs;
    size_t n;
    isms_err err = {0};
    if (store_check_history(rq->w, d->id, (int)lim, rq->a, &runs, &n, &err)) {
        web_json_fail(rs, &err);
        return 0;
    }
    jw *j = web_json_begin(rq, rs, 200);
    jw_obj(j);
    jw_kstr(j, "id", d->id);
    jw_kstr(j, "failing_since", check_failing_since(runs, n));
    jw_key(j, "runs");
    jw_arr(j);
    for (size_t i = 0; i < n; i++)
        check_run_json(j, &runs[i]);
    jw_arr_end(j);
    jw_obj_end(j);
    return 0;
}

/* --- monitoring alerts --- */

int api_monitor_alerts(web_req *rq, web_resp *rs)
{
    page_query pq = {0};
    if (api_page_params(rq, rs, &pq))
        return 0;
    alert *al;
    size_t n;
    isms_err err = {0};
    if (store_alert_list(rq->w, (int)(pq.offset + pq.limit), rq->a, &al, &n, &err)) {
        web_json_fail(rs, &err);
        return 0;
    }
    jw *j = web_json_begin(rq, rs, 200);
    jw_obj(j);
    jw_key(j, "items");
    jw_arr(j);
    for (size_t i = (size_t)pq.offset; i < n; i++)
        json_alert(j, &al[i]);
    jw_arr_end(j);
    jw_kint(j, "limit", pq.limit);
    jw_kint(j, "offset", pq.offset);
    jw_obj_end(j);
    return 0;
}

/* --- CloudTrail log scans --- */

/* The scanner reads files (gzip among them), so the uploads are written to a directory only
 * this process can read, under numbered names, and removed whatever happens. */
static int scan_files(web_req *rq, checks_log_result *out, isms_err *err)
{
    char dir[WEB_TMPDIR_MAX];
    int rc = web_tmpdir_make(dir, err);
    if (rc)
        return rc;
    char **paths = arena_alloc(rq->a, rq->nfiles * sizeof *paths);
    cloudtrail_files files = {0};
    for (size_t i = 0; i < rq->nfiles && !rc; i++) {
        paths[i] = arena_sprintf(rq->a, "%s/%zu", dir, i);
        if (!(rc = outfile_write(paths[i], rq->files[i].data, rq->files[i].len, err)))
            rc = cloudtrail_list_files(paths[i], &files, err);
    }
    if (!rc) {
        cloudtrail_opts o = {.max_bytes = CHECKS_LOG_MAX_BYTES};
        out->scan = cloudtrail_scan_new(&o);
        if (!out->scan)
            rc = err_set(err, ISMS_ENOMEM, "out of memory");
    }
    if (!rc) {
        out->nfiles = files.n;
        out->nfailed = cloudtrail_scan_list(out->scan, &files, rq->a, &out->failed, NULL, NULL);
        /* Name the files as the user did, never by the temporary paths. */
        for (size_t k = 0; k < out->nfailed; k++)
            for (size_t i = 0; i < rq->nfiles; i++)
                if (!strcmp(out->failed[k].file, paths[i]))
                    out->failed[k].file = rq->files[i].filename;
    }
    cloudtrail_files_free(&files);
    web_tmpdir_remove(dir);
    return rc;
}

int checks_log_scan(web_req *rq, checks_log_result *out, isms_err *err)
{
    *out = (checks_log_result){0};
    if (!rq->nfiles)
        return err_set(err, ISMS_EINVAL, "choose one or more CloudTrail files (.json or .json.gz) to scan");

    for (size_t i = 0; i < rq->nfiles; i++) {
        if (strcmp(rq->files[i].field, "file"))
            return err_set(err, ISMS_EINVAL, "unexpected file field '%s'; send the logs as 'file'", rq->files[i].field);
        int rc = upload_filename_ok(rq->files[i].filename, err);
        if (rc)
            return rc;
        if (!rq->files[i].len)
            return err_set(err, ISMS_EINVAL, "%s is empty", rq->files[i].filename);
    }
    int rc = scan_files(rq, out, err);
    if (rc) {
        cloudtrail_scan_free(out->scan);
        out->scan = NULL;
        return rc;
    }
    const cloudtrail_finding *f;
    if (out->nfailed == out->nfiles && !cloudtrail_scan_findings(out->scan, &f)) {
        /* As `isms logs scan` exits 2: nothing could be read, so there is no result to show. */
        if (out->nfiles == 1)
            err_set(err, ISMS_EINVAL, "%s: %s", out->failed[0].file, out->failed[0].error);
        else
            err_set(err, ISMS_EINVAL, "no file could be read; %s: %s", out->failed[0].file, out->failed[0].error);
        cloudtrail_scan_free(out->scan);
        out->scan = NULL;
        return ISMS_EINVAL;
    }
    return ISMS_OK;
}

int api_log_scans_create(web_req *rq, web_resp *rs)
{
    checks_log_result r;
    isms_err err = {0};
    if (checks_log_scan(rq, &r, &err)) {
        web_json_field_error(rs, err.code == ISMS_EINVAL ? 422 : err.code == ISMS_ENOMEM ? 413 : 500,
                             err_name(err.code), err.field, "%s", err.msg);
        return 0;
    }
    cloudtrail_json(web_json_begin(rq, rs, 200), r.scan, r.nfiles, r.failed, r.nfailed);
    cloudtrail_scan_free(r.scan);
    return 0;
}
