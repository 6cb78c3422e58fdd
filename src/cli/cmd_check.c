/* isms check: automated checks against AWS, GitHub, Google Workspace and this host. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "collect/check_run.h"
#include "report/json.h"
#include "util/json.h"

static const char *env_get(const char *name) { return getenv(name); }

static int check_list(cli_ctx *c)
{
    const char *json = NULL;
    cli_opt opts[] = {{"json", 0, &json}, {NULL, 0, NULL}};
    if (cli_parse(c, opts, NULL, 0, NULL))
        return EXIT_USAGE;
    size_t n;
    const check_def *d = check_registry(&n);
    /* The latest results are shown when a workspace exists; the list itself needs none. */
    ws *w = NULL;
    isms_err err = {0};
    check_run *runs = NULL;
    size_t nr = 0;
    if (ws_open(c->db_path, 0, &w, &err) == ISMS_OK) {
        if (store_check_latest(w, c->a, &runs, &nr, &err))
            nr = 0;
        ws_close(w);
    }
    jw j;
    if (json) {
        jw_init_file(&j, stdout, 1);
        jw_arr(&j);
    } else {
        printf("%-36s %-10s %-26s %-8s %s\n", "ID", "SOURCE", "CONTROLS", "LAST", "WHAT IT CHECKS");
    }
    for (size_t i = 0; i < n; i++) {
        const check_run *last = NULL;
        for (size_t k = 0; k < nr; k++)
            if (!strcmp(runs[k].check_id, d[i].id))
                last = &runs[k];
        if (json) {
            check_def_json(&j, &d[i], last);
        } else {
            printf("%-36s %-10s %-26s %-8s %s\n", d[i].id, d[i].source, cli_cut(c, d[i].controls, 26),
                   last ? last->status : "-", d[i].title);
        }
    }
    if (json) {
        jw_arr_end(&j);
        jw_end(&j);
    } else if (!n) {
        printf("(no automated checks are built into this isms yet)\n");
    }
    return EXIT_OK;
}

static void say_skipped(const char *source, void *ud)
{
    (void)ud;
    fprintf(stderr, "isms: skipping %s checks: not configured (see `isms check list` and the README)\n", source);
}

/* Select checks by source names and ids; none given selects every configured source. Returns
 * count or -1. Shared with `isms monitor run`. */
int cli_select_checks(cli_ctx *c, const char **args, int nargs, const check_def **sel, size_t max)
{
    isms_err err = {0};
    int n = check_select(args, nargs, env_get, sel, max, say_skipped, NULL, &err);
    if (n < 0)
        cli_usage_error(c, "%s; `isms check list` names them", err.msg);
    return n;
}

/* Progress of a run on a terminal: which check of how many, and the request it waits on. */
typedef struct cli_check_progress {
    size_t i, n;
    const char *id;
    double last;  /* when the line was last written, to write it at most ten times a second */
} cli_check_progress;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void progress_line(cli_check_progress *p, const char *what, int force)
{
    double t = now_s();
    if (!force && t - p->last < 0.1)
        return;
    p->last = t;
    /* One line, rewritten in place, short enough for an 80-column terminal. */
    fprintf(stderr, "\r\033[K[%zu/%zu] %.36s%s%.34s", p->i + 1, p->n, p->id, what ? ": " : "", what ? what : "");
    fflush(stderr);
}

static void progress_note(void *ud, const char *what) { progress_line(ud, what, 0); }

/* Progress for a run of n checks, or NULL when stderr is no terminal or the output is JSON.
 * Shared with `isms monitor run`. */
cli_check_progress *cli_check_progress_start(cli_ctx *c, int json, size_t n)
{
    if (json || !cli_progress_wanted())
        return NULL;
    cli_check_progress *p = arena_alloc(c->a, sizeof *p);
    p->n = n;
    return p;
}

/* Run check i of the run and record it in its own transaction, so a long run never holds the
 * workspace; the run's checks share session s (NULL: nothing shared) and p (may be NULL) shows
 * what is happening. Shared with `isms monitor run`. */
int cli_check_run_one(cli_ctx *c, ws *w, const check_def *d, check_session *s, cli_check_progress *p, size_t i,
                      check_run *run, isms_err *err)
{
    check_run_opts opts = {.session = s};
    if (p) {
        p->i = i;
        p->id = d->id;
        progress_line(p, NULL, 1);
        opts.note = progress_note;
        opts.note_ud = p;
    }
    int rc = check_run_record(w, d, c->a, env_get, &opts, run, err);
    if (p) {
        fputs("\r\033[K", stderr);
        fflush(stderr);
    }
    return rc;
}

static void run_text(const check_run *r)
{
    const char *mark = !strcmp(r->status, "pass") ? "PASS" : !strcmp(r->status, "fail") ? "FAIL" : "ERROR";
    printf("%-5s %-36s %s\n", mark, r->check_id, r->summary);
    for (const char *p = r->details; p && *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        if (len)
            printf("      - %.*s\n", (int)len, p);
        p = nl ? nl + 1 : NULL;
    }
}

static int check_run_cmd(cli_ctx *c)
{
    const char *json = NULL, *pos[32];
    int np = 0;
    cli_opt opts[] = {{"json", 0, &json}, {NULL, 0, NULL}};
    if (cli_parse(c, opts, pos, 32, &np))
        return EXIT_USAGE;
    const check_def *sel[256];
    int ns = cli_select_checks(c, pos, np, sel, 256);
    if (ns < 0)
        return EXIT_USAGE;
    ws *w;
    int rc = cli_open(c, 0, &w);
    if (rc)
        return rc;
    jw j;
    if (json) {
        jw_init_file(&j, stdout, 1);
        jw_obj(&j);
        jw_key(&j, "results");
        jw_arr(&j);
    }
    int bad = 0;
    cli_check_progress *progress = cli_check_progress_start(c, json != NULL, (size_t)ns);
    /* One client, one token and one read of each shared document per source for the run. */
    check_session *session = check_session_new();
    for (int i = 0; i < ns; i++) {
        check_run run;
        isms_err err = {0};
        if (cli_check_run_one(c, w, sel[i], session, progress, (size_t)i, &run, &err)) {
            check_session_free(session);
            ws_close(w);
            return cli_fail(&err);
        }
        bad += strcmp(run.status, "pass") != 0;
        if (json)
            check_run_json(&j, &run);
        else
            run_text(&run);
        fflush(stdout);
    }
    check_session_free(session);
    ws_close(w);
    if (json) {
        jw_arr_end(&j);
        jw_kint(&j, "failed", bad);
        jw_obj_end(&j);
        jw_end(&j);
    } else {
        printf("\n%d check(s) run, %d failed or could not run\n", ns, bad);
    }
    return bad ? EXIT_PROBLEMS : EXIT_OK;
}

static int check_history_cmd(cli_ctx *c)
{
    const char *json = NULL, *limit = NULL, *pos[1];
    int np = 0;
    cli_opt opts[] = {{"json", 0, &json}, {"limit", 1, &limit}, {NULL, 0, NULL}};
    if (cli_parse(c, opts, pos, 1, &np))
        return EXIT_USAGE;
    if (np != 1)
        return cli_usage_error(c, "give a check id");
    if (!check_find(pos[0]))
        return cli_usage_error(c, "no check '%s' (see `isms check list`)", pos[0]);
    long lim = 20;
    if (limit && cli_int(c, "--limit", limit, 1, 100000, &lim))
        return EXIT_USAGE;
    ws *w;
    int rc = cli_open(c, 0, &w);
    if (rc)
        return rc;
    isms_err err = {0};
    check_run *runs;
    size_t n;
    if (store_check_history(w, pos[0], (int)lim, c->a, &runs, &n, &err))
        return cli_abort(w, &err);
    ws_close(w);
    /* "Failing since": the oldest run of the current unbroken non-pass streak. */
    const char *since = check_failing_since(runs, n);
    if (json) {
        jw j;
        jw_init_file(&j, stdout, 1);
        jw_obj(&j);
        jw_kstr(&j, "id", pos[0]);
        jw_kstr(&j, "failing_since", since);
        jw_key(&j, "runs");
        jw_arr(&j);
        for (size_t i = 0; i < n; i++)
            check_run_json(&j, &runs[i]);
        jw_arr_end(&j);
        jw_obj_end(&j);
        jw_end(&j);
        return EXIT_OK;
    }
    if (since)
        printf("%s has been failing since %s\n\n", pos[0], since);
    for (size_t i = 0; i < n; i++)
        printf("%s  %-5s %s\n", runs[i].ran_at, runs[i].status, runs[i].summary);
    if (!n)
        printf("(never run: isms check run %s)\n", pos[0]);
    return EXIT_OK;
}

const cli_cmd cmds_check[] = {
    {"list", check_list, "[--json]", "Every automated check: id, source, the controls it supports, its last result."},
    {"run", check_run_cmd, "[aws|github|gworkspace|host|ID...] [--json]",
     "Run checks (all when none named). Each result is recorded with the raw responses kept as evidence\n"
     "for the check's controls. Configuration comes from the environment (see README).\n"
     "Exit 1 when any check fails or cannot run."},
    {"history", check_history_cmd, "ID [--limit N] [--json]", "Past results of a check and since when it fails."},
    {NULL, NULL, NULL, NULL},
};

/* isms evidence import --check ID FILE: an exported API response through the check's evaluation. */
int cli_evidence_import(cli_ctx *c)
{
    const char *json = NULL, *id = NULL, *pos[1];
    int np = 0;
    cli_opt opts[] = {{"json", 0, &json}, {"check", 1, &id}, {NULL, 0, NULL}};
    if (cli_parse(c, opts, pos, 1, &np))
        return EXIT_USAGE;
    if (!id || np != 1)
        return cli_usage_error(c, "give --check ID and the exported FILE");
    const check_def *d = check_find(id);
    if (!d)
        return cli_usage_error(c, "no check '%s' (see `isms check list`)", id);
    if (!d->evaluate)
        return cli_usage_error(c, "check %s has no offline form; run it with `isms check run %s`", id, id);
    FILE *f = fopen(pos[0], "rb");
    if (!f) {
        fprintf(stderr, "isms: cannot read %s: %s\n", pos[0], strerror(errno));
        return EXIT_USAGE;
    }
    buf doc;
    buf_init(&doc, 64u << 20);
    char chunk[65536];
    size_t n;
    int too_big = 0;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        if (buf_append(&doc, chunk, n)) {
            too_big = 1;
            break;
        }
    fclose(f);
    if (too_big || !doc.len) {
        fprintf(stderr, "isms: %s is %s\n", pos[0], too_big ? "larger than 64 MiB" : "empty");
        buf_free(&doc);
        return EXIT_USAGE;
    }
    buf raw;
    buf_init(&raw, CHECK_MAX_HELD);
    check_ctx ctx = {.a = c->a, .raw = &raw, .getenv = env_get, .timeout_ms = 15000, .max_retries = 4};
    check_result res = {0};
    isms_err err = {0};
    if (d->evaluate(&ctx, doc.data, doc.len, &res, &err)) {
        buf_free(&raw);
        buf_free(&doc);
        fprintf(stderr, "isms: %s: %s\n", pos[0], err.msg);
        return EXIT_USAGE;
    }
    ws *w;
    int rc = cli_open(c, 0, &w);
    if (rc) {
        buf_free(&raw);
        buf_free(&doc);
        return rc;
    }
    char now[32];
    store_now(now);
    check_run run = {0};
    run.check_id = d->id;
    run.status = check_status_name(res.status);
    run.summary = res.summary ? res.summary : "";
    run.details = res.details;
    run.controls = d->controls;
    run.ran_at = arena_strdup(c->a, now);
    /* The evidence is the document itself, exactly as exported. */
    if (ws_begin(w, &err) || store_check_record(w, &run, doc.data, doc.len, c->a, &err)) {
        buf_free(&raw);
        buf_free(&doc);
        return cli_abort(w, &err);
    }
    buf_free(&raw);
    buf_free(&doc);
    if ((rc = cli_finish(w, &err)))
        return rc;
    if (json) {
        jw j;
        jw_init_file(&j, stdout, 1);
        check_run_json(&j, &run);
        jw_end(&j);
    } else {
        run_text(&run);
    }
    return strcmp(run.status, "pass") ? EXIT_PROBLEMS : EXIT_OK;
}
