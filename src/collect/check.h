/* Automated checks: each has a stable id, the Annex A controls it supports, and produces
 * pass/fail/error with details plus the raw responses it read, kept as evidence. */
#ifndef ISMS_CHECK_H
#define ISMS_CHECK_H

#include <stddef.h>

#include "util/arena.h"
#include "util/buf.h"
#include "util/err.h"

typedef enum check_status { CHECK_PASS = 0, CHECK_FAIL, CHECK_ERROR } check_status;

typedef struct check_result {
    check_status status;
    const char *summary;   /* one line: "3 console users without MFA" */
    const char *details;   /* one finding per line: "alice: console password, no MFA device" */
} check_result;

/* What one check may hold: the answers it keeps (as evidence and parsed) are capped, and so is
 * each answer, so that a huge or endless listing ends in an error naming the limit. */
#define CHECK_MAX_HELD (64u << 20)
#define CHECK_MAX_ANSWER (32u << 20)

/* What the checks of one run share, source by source: a signed-in client (one connection), data
 * read once (the credential report, the user list) and whether a source stopped answering. */
typedef struct check_session check_session;

/* What a check run can use: an arena for the run, a place to keep what the API returned, and
 * the process environment (overridable in tests). */
typedef struct check_ctx {
    arena *a;
    buf *raw;              /* append each raw response (JSON/XML/text) read; secrets never go here */
    const char *(*getenv)(const char *name);
    long timeout_ms;       /* per HTTP request; default 15000 */
    int max_retries;       /* on 429/503; default 4 (a timeout is never retried: the source is given up) */
    check_session *session; /* the run's shared clients and data, or NULL: the check opens its own */
    size_t max_held;       /* bytes of answers this check may hold; 0 means CHECK_MAX_HELD */
    size_t held;           /* bytes of answers counted so far (check_hold) */
    /* Told of each request as it is sent ("s3 GetBucketEncryption logs"), for progress on a
     * terminal; may be NULL. */
    void (*note)(void *ud, const char *what);
    void *note_ud;
} check_ctx;

/* One named thing the checks of a session share ("aws" client, "aws.report"). */
typedef struct check_shared {
    void *data;                  /* NULL until the first check sets it */
    void (*release)(void *data); /* called by check_session_free when data is set; may be NULL */
} check_shared;

/* A new session for one run of checks (NULL when out of memory: the checks then run unshared). */
check_session *check_session_new(void);
/* Release everything shared in the session (clients closed, documents freed). NULL is fine. */
void check_session_free(check_session *s);
/* The slot called name in ctx's session, created empty on first use; NULL without a session. */
check_shared *check_shared_slot(check_ctx *ctx, const char *name);
/* An arena that lives as long as ctx's session (ctx->a without one): for what is shared. */
arena *check_shared_arena(check_ctx *ctx);
/* Give up on source for the rest of the session: why says what happened ("127.0.0.1:9 did not
 * answer within 15000 ms"). Without a session nothing is remembered. */
void check_source_give_up(check_ctx *ctx, const char *source, const char *why);
/* ISMS_EIO with err saying the source did not answer earlier in this run, once given up on;
 * else ISMS_OK. */
int check_source_gone(check_ctx *ctx, const char *source, isms_err *err);
/* Count n more bytes of answers against what the check may hold; over the limit, an error
 * naming what (the operation, "iam ListUsers") and the limit. */
int check_hold(check_ctx *ctx, size_t n, const char *what, isms_err *err);
/* Reads a value for check_read_once; ud is the caller's. */
typedef int (*check_read_fn)(void *ud, void **value, isms_err *err);
/* The value read makes, read once per session under name ("aws.report") and shared by the
 * session's later checks, failures included; what the read appended to ctx->raw is kept and
 * appended again (and counted, as op) for each later check, so that every check's evidence
 * holds the answers it was judged on. release (may be NULL) frees the value with the session.
 * Without a session it is simply read. */
int check_read_once(check_ctx *ctx, const char *name, const char *op, check_read_fn read, void *ud,
                    void (*release)(void *value), void **value, isms_err *err);
/* Tell the front end what the check is doing now (printf-style), when it listens. */
void check_note(check_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

typedef struct check_def {
    const char *id;          /* stable: "aws.root_mfa", "github.org_2fa_required", "host.ssh_hardening" */
    const char *source;      /* "aws" | "github" | "gworkspace" | "host" */
    const char *title;       /* one line shown in `isms check list` */
    const char *controls;    /* "A.8.5,A.5.17" */
    int interval_s;          /* default monitoring interval */
    /* Live run against the service (or this machine). Returns ISMS_OK with out filled, even when
     * the check fails; a non-OK return (with err) means it could not run (-> CHECK_ERROR). */
    int (*run)(check_ctx *ctx, check_result *out, isms_err *err);
    /* Offline: evaluate an exported API response (e.g. `aws iam get-account-password-policy` JSON
     * output); NULL when the check has no single-document form. */
    int (*evaluate)(check_ctx *ctx, const char *doc, size_t len, check_result *out, isms_err *err);
} check_def;

/* Every check of every source, in a stable order. */
const check_def *check_registry(size_t *n);
/* Find by id; NULL when unknown. */
const check_def *check_find(const char *id);
const char *check_status_name(check_status s);
/* Whether the environment holds what a source needs (e.g. GITHUB_TOKEN and ISMS_GITHUB_ORG). */
int check_source_configured(const char *source, const char *(*get)(const char *));

#endif
