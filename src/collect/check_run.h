/* Running automated checks and recording their results: the selection, the run and the JSON
 * shapes shared by `isms check`, `isms monitor run` and the web app. */
#ifndef ISMS_COLLECT_CHECK_RUN_H
#define ISMS_COLLECT_CHECK_RUN_H

#include "collect/check.h"
#include "store/store.h"
#include "util/json.h"

/* Select checks by source names and ids into sel (at most max); none named selects every check
 * of a configured source, and skipped (may be NULL) is told each source left out. Returns the
 * count, or -1 with err naming the first name that is neither a source nor a check. */
int check_select(const char *const *names, int nnames, const char *(*get)(const char *), const check_def **sel,
                 size_t max, void (*skipped)(const char *source, void *ud), void *ud, isms_err *err);
/* How a run's checks are run: what they share and who hears of their progress (all optional). */
typedef struct check_run_opts {
    check_session *session;                    /* shared by the run's checks; NULL: none shared */
    void (*note)(void *ud, const char *what);  /* told of each request, for progress on a terminal */
    void *note_ud;
} check_run_opts;

/* Run one check with the configuration get reads and record it, its raw responses kept as
 * evidence, in its own transaction so a long run never holds the workspace. A check that cannot
 * run is recorded as an error. $ISMS_HTTP_TIMEOUT_MS (through get) sets the per-request timeout
 * (default 15000). opts may be NULL. Fills run (strings in a). */
int check_run_record(ws *w, const check_def *d, arena *a, const char *(*get)(const char *),
                     const check_run_opts *opts, check_run *run, isms_err *err);
/* A check as `isms check list --json` shows it, with its latest run (NULL when never run). */
void check_def_json(jw *j, const check_def *d, const check_run *last);
/* One run as `isms check run --json` shows it. */
void check_run_json(jw *j, const check_run *r);
/* Of runs newest first: the oldest run of the current unbroken non-pass streak, or NULL. */
const char *check_failing_since(const check_run *runs, size_t n);

#endif
