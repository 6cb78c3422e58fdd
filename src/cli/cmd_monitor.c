/* isms monitor: run checks on their schedule, record history, alert on changes through a webhook.
 * Alerts go to an outbox in the workspace; a separate delivery thread sends them, so a slow or
 * failing webhook never holds up the checks. */
#include <jansson.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "collect/check.h"
#include "collect/http.h"
#include "report/json.h"
#include "util/json.h"

typedef struct cli_check_progress cli_check_progress;
cli_check_progress *cli_check_progress_start(cli_ctx *c, int json, size_t n);
int cli_check_run_one(cli_ctx *c, ws *w, const check_def *d, check_session *s, cli_check_progress *p, size_t i,
                      check_run *run, isms_err *err);
int cli_select_checks(cli_ctx *c, const char **args, int nargs, const check_def **sel, size_t max);

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

typedef struct deliverer {
    const char *db_path;
    const char *url;
    int slack;
    volatile int stop;          /* set by the main thread; the thread drains what is due, then exits */
    long drain_deadline;        /* with stop: give up on retries after this (monotonic seconds) */
    int delivered, failed;
    pthread_mutex_t mu;
    char last_error[256];
} deliverer;

static long mono_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec;
}

static void iso_in(long seconds, char out[32])
{
    time_t t = time(NULL) + seconds;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* The body to POST: the alert as stored, or {"text": ...} for Slack-compatible receivers. */
static char *alert_body(const deliverer *d, const char *payload)
{
    if (!d->slack)
        return strdup(payload);
    json_error_t je;
    json_t *p = json_loads(payload, 0, &je);
    const char *text = p ? json_string_value(json_object_get(p, "text")) : NULL;
    json_t *out = json_pack("{s:s}", "text", text ? text : payload);
    char *s = json_dumps(out, JSON_COMPACT);
    json_decref(out);
    json_decref(p);
    return s;
}

static int deliver_one(deliverer *d, ws *w, http_client *hc, const alert *al, arena *a)
{
    char *body = alert_body(d, al->payload);
    http_header h[] = {{"Content-Type", "application/json"}};
    http_response resp;
    isms_err err = {0};
    int rc = body ? http_request(hc, "POST", d->url, h, 1, body, strlen(body), a, &resp, &err) : ISMS_ENOMEM;
    free(body);
    char now[32];
    store_now(now);
    isms_err serr = {0};
    if (rc == ISMS_OK && resp.status >= 200 && resp.status < 300) {
        store_alert_delivered(w, al->id, now, &serr);
        pthread_mutex_lock(&d->mu);
        d->delivered++;
        pthread_mutex_unlock(&d->mu);
        return 0;
    }
    char why[256];
    if (rc == ISMS_OK)
        snprintf(why, sizeof why, "webhook answered HTTP %ld", resp.status);
    else
        snprintf(why, sizeof why, "%.200s", err.msg);
    /* Back off per alert: 5 s, 10 s, 20 s ... capped at an hour ($ISMS_ALERT_RETRY_S sets the first step). */
    const char *base_env = getenv("ISMS_ALERT_RETRY_S");
    long base = base_env && atol(base_env) > 0 ? atol(base_env) : 5;
    long wait = base << (al->attempts < 10 ? al->attempts : 10);
    char next[32];
    iso_in(wait > 3600 ? 3600 : wait, next);
    store_alert_failed(w, al->id, why, next, &serr);
    pthread_mutex_lock(&d->mu);
    d->failed++;
    snprintf(d->last_error, sizeof d->last_error, "%.250s", why);
    pthread_mutex_unlock(&d->mu);
    return -1;
}

static void *deliver_loop(void *p)
{
    deliverer *d = p;
    ws *w;
    isms_err err = {0};
    if (ws_open(d->db_path, 0, &w, &err))
        return NULL;
    ws_set_actor(w, "isms monitor");
    http_client hc;
    if (http_init(&hc, &err)) {
        ws_close(w);
        return NULL;
    }
    hc.timeout_ms = 5000;
    hc.max_retries = 1;
    hc.max_wait_ms = 2000;
    for (;;) {
        arena a;
        arena_init(&a);
        char now[32];
        store_now(now);
        alert *due;
        size_t n = 0;
        if (store_alert_due(w, now, 20, &a, &due, &n, &err))
            n = 0;
        for (size_t i = 0; i < n; i++)
            deliver_one(d, w, &hc, &due[i], &a);
        if (d->stop && n == 0) {
            /* Stopping: wait for alerts still being retried, up to the deadline. */
            alert *pending;
            size_t np = 0;
            if (store_alert_due(w, "9999", 1, &a, &pending, &np, &err))
                np = 0;
            if (np == 0 || mono_s() > d->drain_deadline) {
                arena_free(&a);
                break;
            }
        }
        arena_free(&a);
        if (d->stop && mono_s() > d->drain_deadline)
            break;
        if (n == 0)
            usleep(d->stop ? 100000 : 300000);
    }
    http_cleanup(&hc);
    ws_close(w);
    return NULL;
}

static char *payload_json(const char *kind, const char *text, const char *check, const char *status,
                          const char *summary, const char *controls, const char *at)
{
    buf b;
    buf_init(&b, 1 << 20);
    jw j;
    jw_init_buf(&j, &b);
    jw_obj(&j);
    jw_kstr(&j, "source", "isms");
    jw_kstr(&j, "kind", kind);
    jw_kstr(&j, "text", text);
    if (check)
        jw_kstr(&j, "check", check);
    if (status)
        jw_kstr(&j, "status", status);
    if (summary)
        jw_kstr(&j, "summary", summary);
    jw_kstr(&j, "controls", controls);
    jw_kstr(&j, "at", at);
    jw_obj_end(&j);
    return b.data;
}

/* Queue the alert a transition calls for: to failing (from anything, including never run) or recovered. */
static int alert_transition(cli_ctx *c, ws *w, const check_run *prev, const check_run *now, isms_err *err)
{
    int was_ok = !prev || !strcmp(prev->status, "pass");
    int is_ok = !strcmp(now->status, "pass");
    if (was_ok == is_ok || (!prev && is_ok))
        return ISMS_OK;
    const char *kind = is_ok ? "check_recovered" : "check_failing";
    char *text = is_ok ? arena_sprintf(c->a, "isms: %s recovered (%s): %s", now->check_id, now->controls, now->summary)
                       : arena_sprintf(c->a, "isms: %s is %s (%s): %s", now->check_id,
                                       !strcmp(now->status, "fail") ? "failing" : "in error", now->controls,
                                       now->summary);
    char *payload = payload_json(kind, text, now->check_id, now->status, now->summary, now->controls, now->ran_at);
    char *key = arena_sprintf(c->a, "check:%s:%s:%lld", now->check_id, kind, (long long)now->id);
    int queued, rc = ws_begin(w, err);
    if (!rc && !(rc = store_alert_queue(w, key, kind, payload, &queued, err)))
        rc = ws_commit(w, err);
    if (rc)
        ws_rollback(w);
    free(payload);
    return rc;
}

typedef struct stale_ctx {
    cli_ctx *c;
    ws *w;
    int queued;
    isms_err *err;
    int rc;
} stale_ctx;

static int stale_one(const evidence *e, void *p)
{
    stale_ctx *s = p;
    char *key = arena_sprintf(s->c->a, "evidence:%lld:stale:%s", (long long)e->id, e->valid_until);
    char *text = arena_sprintf(s->c->a, "isms: evidence %lld (%s) for %s went stale on %s", (long long)e->id,
                               e->filename, e->controls ? e->controls : "-", e->valid_until);
    char now[32];
    store_now(now);
    char *payload = payload_json("evidence_stale", text, NULL, NULL, NULL, e->controls, now);
    int q = 0;
    s->rc = store_alert_queue(s->w, key, "evidence_stale", payload, &q, s->err);
    free(payload);
    s->queued += q;
    return s->rc != ISMS_OK;
}

static int queue_stale(cli_ctx *c, ws *w, isms_err *err)
{
    char today[11];
    store_today(today);
    stale_ctx s = {.c = c, .w = w, .err = err};
    int rc = ws_begin(w, err);
    if (!rc)
        rc = store_evidence_expired(w, today, stale_one, &s, err);
    if (!rc && s.rc)
        rc = s.rc;
    if (!rc)
        rc = ws_commit(w, err);
    if (rc)
        ws_rollback(w);
    return rc;
}

static const check_run *latest_of(const check_run *runs, size_t n, const char *id)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(runs[i].check_id, id))
            return &runs[i];
    return NULL;
}

static time_t parse_iso(const char *s)
{
    struct tm tm = {0};
    if (!s || sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min,
                     &tm.tm_sec) != 6)
        return 0;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    return timegm(&tm);
}

static int monitor_run(cli_ctx *c)
{
    const char *json = NULL, *once = NULL, *webhook = NULL, *slack = NULL, *interval = NULL, *pos[32];
    int np = 0;
    cli_opt opts[] = {{"once", 0, &once}, {"webhook", 1, &webhook}, {"slack", 0, &slack},
                      {"interval", 1, &interval}, {"json", 0, &json}, {NULL, 0, NULL}};
    if (cli_parse(c, opts, pos, 32, &np))
        return EXIT_USAGE;
    if (!webhook) {
        const char *env = getenv("ISMS_WEBHOOK_URL");
        webhook = env && *env ? env : NULL;
    }
    if (webhook && strncmp(webhook, "http://", 7) && strncmp(webhook, "https://", 8))
        return cli_usage_error(c, "--webhook must be an http:// or https:// URL");
    long every = 0;
    if (interval && cli_int(c, "--interval", interval, 1, 86400 * 31, &every))
        return EXIT_USAGE;
    const check_def *sel[256];
    int nsel = cli_select_checks(c, pos, np, sel, 256);
    if (nsel < 0)
        return EXIT_USAGE;
    size_t ns = (size_t)nsel;
    ws *w;
    int rc = cli_open(c, 0, &w);
    if (rc)
        return rc;
    ws_set_actor(w, "isms monitor");
    struct sigaction sa = {0};
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    deliverer d = {.db_path = c->db_path, .url = webhook, .slack = slack != NULL};
    pthread_mutex_init(&d.mu, NULL);
    pthread_t th;
    int have_thread = webhook && pthread_create(&th, NULL, deliver_loop, &d) == 0;
    if (!once)
        fprintf(stderr, "isms monitor: %zu check(s)%s%s; Ctrl-C to stop\n", ns, webhook ? ", alerts to " : "",
                webhook ? webhook : "");
    int bad = 0, cycles = 0;
    isms_err err = {0};
    while (!stop_requested) {
        check_run *latest;
        size_t nl;
        arena_free(c->a);
        if ((rc = store_check_latest(w, c->a, &latest, &nl, &err)))
            break;
        time_t now = time(NULL);
        cli_check_progress *progress = cli_check_progress_start(c, json != NULL, ns);
        /* What the cycle's checks share: one client and one read per source, given up together. */
        check_session *session = check_session_new();
        bad = 0;
        for (size_t i = 0; i < ns && !stop_requested; i++) {
            const check_run *prev = latest_of(latest, nl, sel[i]->id);
            long iv = every ? every : sel[i]->interval_s;
            if (!once && prev && parse_iso(prev->ran_at) + iv > now) {
                bad += strcmp(prev->status, "pass") != 0;
                continue;
            }
            check_run run;
            if ((rc = cli_check_run_one(c, w, sel[i], session, progress, i, &run, &err)))
                break;
            bad += strcmp(run.status, "pass") != 0;
            if ((rc = alert_transition(c, w, prev, &run, &err)))
                break;
            if (json) {
                jw j;
                jw_init_file(&j, stdout, 0);
                jw_obj(&j);
                jw_kstr(&j, "check", run.check_id);
                jw_kstr(&j, "status", run.status);
                jw_kstr(&j, "summary", run.summary);
                jw_kstr(&j, "ran_at", run.ran_at);
                jw_obj_end(&j);
                jw_end(&j);
            } else {
                printf("%s  %-5s %-36s %s\n", run.ran_at, run.status, run.check_id, run.summary);
            }
            fflush(stdout);
        }
        check_session_free(session);
        if (rc || (rc = queue_stale(c, w, &err)))
            break;
        cycles++;
        if (once)
            break;
        for (int k = 0; k < 10 && !stop_requested; k++)
            usleep(100000);
    }
    if (have_thread) {
        d.drain_deadline = mono_s() + (once ? 15 : 5);
        d.stop = 1;
        pthread_join(th, NULL);
    }
    ws_close(w);
    pthread_mutex_destroy(&d.mu);
    if (rc)
        return cli_fail(&err);
    if (webhook)
        fprintf(stderr, "isms monitor: %d alert(s) delivered%s%s\n", d.delivered, d.failed ? ", last failure: " : "",
                d.failed ? d.last_error : "");
    (void)cycles;
    return once && bad ? EXIT_PROBLEMS : EXIT_OK;
}

static int monitor_alerts(cli_ctx *c)
{
    const char *json = NULL;
    cli_opt opts[] = {{"json", 0, &json}, {NULL, 0, NULL}};
    if (cli_parse(c, opts, NULL, 0, NULL))
        return EXIT_USAGE;
    ws *w;
    int rc = cli_open(c, 0, &w);
    if (rc)
        return rc;
    isms_err err = {0};
    alert *al;
    size_t n;
    if (store_alert_list(w, 200, c->a, &al, &n, &err))
        return cli_abort(w, &err);
    ws_close(w);
    jw j;
    if (json) {
        jw_init_file(&j, stdout, 1);
        jw_arr(&j);
    }
    for (size_t i = 0; i < n; i++) {
        if (json) {
            json_alert(&j, &al[i]);
        } else {
            printf("%5lld %s %-16s %-10s %s\n", (long long)al[i].id, al[i].created_at, al[i].kind,
                   al[i].delivered_at ? "delivered" : "pending", al[i].last_error ? al[i].last_error : "");
        }
    }
    if (json) {
        jw_arr_end(&j);
        jw_end(&j);
    }
    return EXIT_OK;
}

const cli_cmd cmds_monitor[] = {
    {"run", monitor_run, "[SOURCE|ID...] [--once] [--interval SECONDS] [--webhook URL] [--slack] [--json]",
     "Run the checks on their schedule (each check's own interval, or --interval for all), record their\n"
     "history and alert when a check starts failing, recovers, or evidence goes stale. Alerts are POSTed\n"
     "as JSON to --webhook (or $ISMS_WEBHOOK_URL); --slack sends {\"text\": ...}. Each alert is sent once,\n"
     "retried with backoff when the receiver fails, from a separate thread. --once runs every check once,\n"
     "waits briefly for deliveries and exits 1 when any check fails."},
    {"alerts", monitor_alerts, "[--json]", "The alert outbox: what was sent, what is pending and why."},
    {NULL, NULL, NULL, NULL},
};
