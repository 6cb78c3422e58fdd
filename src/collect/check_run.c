/* Selecting, running and recording automated checks for every front end. */
#include <stdlib.h>
#include <string.h>

#include "collect/check_run.h"
#include "report/json.h"

int check_select(const char *const *names, int nnames, const char *(*get)(const char *), const check_def **sel,
                 size_t max, void (*skipped)(const char *source, void *ud), void *ud, isms_err *err)
{
    size_t n, k = 0;
    const check_def *d = check_registry(&n);
    for (int a = 0; a < nnames; a++) {
        int known = 0;
        for (size_t i = 0; i < n && !known; i++)
            known = !strcmp(names[a], d[i].source) || !strcmp(names[a], d[i].id);
        if (!known) {
            err_set(err, ISMS_EINVAL, "no check or source '%s'", names[a]);
            return -1;
        }
    }
    const char *last_skipped = NULL;
    for (size_t i = 0; i < n && k < max; i++) {
        /* With nothing named, run what is configured: an unconfigured source would only error. */
        int want = nnames == 0 && check_source_configured(d[i].source, get);
        if (nnames == 0 && !want && (!last_skipped || strcmp(last_skipped, d[i].source))) {
            last_skipped = d[i].source;
            if (skipped)
                skipped(last_skipped, ud);
        }
        for (int a = 0; a < nnames; a++)
            if (!strcmp(names[a], d[i].source) || !strcmp(names[a], d[i].id))
                want = 1;
        if (want)
            sel[k++] = &d[i];
    }
    return (int)k;
}

int check_run_record(ws *w, const check_def *d, arena *a, const char *(*get)(const char *),
                     const check_run_opts *opts, check_run *run, isms_err *err)
{
    buf raw;
    /* Room for every answer the check may hold plus the labels around them. */
    buf_init(&raw, CHECK_MAX_HELD + (4u << 20));
    const char *t = get("ISMS_HTTP_TIMEOUT_MS");
    long timeout = t && atol(t) > 0 ? atol(t) : 15000;
    check_ctx ctx = {.a = a, .raw = &raw, .getenv = get, .timeout_ms = timeout, .max_retries = 4};
    if (opts) {
        ctx.session = opts->session;
        ctx.note = opts->note;
        ctx.note_ud = opts->note_ud;
    }
    check_result res = {0};
    isms_err cerr = {0};
    int rc = d->run(&ctx, &res, &cerr);
    if (rc) {
        res.status = CHECK_ERROR;
        res.summary = arena_strdup(a, cerr.msg[0] ? cerr.msg : "the check could not run");
        res.details = NULL;
    }
    char now[32];
    store_now(now);
    *run = (check_run){0};
    run->check_id = d->id;
    run->status = check_status_name(res.status);
    run->summary = res.summary ? res.summary : "";
    run->details = res.details;
    run->controls = d->controls;
    run->ran_at = arena_strdup(a, now);
    rc = ws_begin(w, err);
    if (!rc && (rc = store_check_record(w, run, raw.data, raw.len, a, err)) == ISMS_OK)
        rc = ws_commit(w, err);
    if (rc)
        ws_rollback(w);
    buf_free(&raw);
    return rc;
}

void check_def_json(jw *j, const check_def *d, const check_run *last)
{
    jw_obj(j);
    jw_kstr(j, "id", d->id);
    jw_kstr(j, "source", d->source);
    jw_kstr(j, "title", d->title);
    jw_key(j, "controls");
    json_id_list(j, d->controls);
    jw_kint(j, "interval_s", d->interval_s);
    jw_kbool(j, "offline_import", d->evaluate != NULL);
    jw_kstr(j, "last_status", last ? last->status : NULL);
    jw_kstr(j, "last_run", last ? last->ran_at : NULL);
    jw_kstr(j, "last_summary", last ? last->summary : NULL);
    jw_kstr(j, "last_details", last ? last->details : NULL);
    jw_obj_end(j);
}

void check_run_json(jw *j, const check_run *r)
{
    jw_obj(j);
    jw_kstr(j, "id", r->check_id);
    jw_kstr(j, "status", r->status);
    jw_kstr(j, "summary", r->summary);
    jw_kstr(j, "details", r->details);
    jw_key(j, "controls");
    json_id_list(j, r->controls);
    jw_kstr(j, "ran_at", r->ran_at);
    if (r->evidence_id)
        jw_kint(j, "evidence_id", r->evidence_id);
    else
        jw_kstr(j, "evidence_id", NULL);
    jw_obj_end(j);
}

const char *check_failing_since(const check_run *runs, size_t n)
{
    const char *since = NULL;
    for (size_t i = 0; i < n && strcmp(runs[i].status, "pass"); i++)
        since = runs[i].ran_at;
    return since;
}
