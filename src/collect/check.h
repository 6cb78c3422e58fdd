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

/* What a check run can use: an arena for the run, a place to keep what the API returned, and
 * the process environment (overridable in tests). */
typedef struct check_ctx {
    arena *a;
    buf *raw;              /* append each raw response (JSON/XML/text) read; secrets never go here */
    const char *(*getenv)(const char *name);
    long timeout_ms;       /* per HTTP request; default 15000 */
    int max_retries;       /* on 429/503/timeouts; default 4 */
    void *state;           /* per-source shared state (a signed-in client), owned by the source */
} check_ctx;

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
