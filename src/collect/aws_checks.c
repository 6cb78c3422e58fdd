/* The AWS checks: each run reads what it needs through the client in aws.c and hands the facts to
 * a judge that the offline evaluation (exported AWS CLI output) shares, so a live run and an
 * imported document are held to exactly the same rules. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "collect/aws.h"
#include "util/csv.h"

/* ---- results ---- */

/* Findings, one per line, capped so a huge account cannot grow them without bound; n counts
 * every finding, kept or not. */
typedef struct lines {
    buf b;
    int n, full;
} lines;

static void lines_init(lines *l)
{
    buf_init(&l->b, 4u << 20);
    l->n = l->full = 0;
}

__attribute__((format(printf, 2, 3))) static void line(lines *l, const char *fmt, ...)
{
    char tmp[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    l->n++;
    if (!l->full && buf_printf(&l->b, "%s%s", l->b.len ? "\n" : "", tmp)) {
        l->full = 1;
        l->b.max += 64;
        buf_puts(&l->b, "\n(more findings left out)");
    }
}

/* The lines as an arena string (NULL when none); frees the buffer. */
static const char *lines_take(arena *a, lines *l)
{
    const char *s = l->b.len ? arena_strndup(a, l->b.data, l->b.len) : NULL;
    buf_free(&l->b);
    return s;
}

static int result(check_result *out, check_status st, const char *summary, const char *details)
{
    out->status = st;
    out->summary = summary;
    out->details = details;
    return ISMS_OK;
}

static const char *plural(long n, const char *one, const char *many) { return n == 1 ? one : many; }

/* Skip a UTF-8 byte-order mark and leading white space; the first byte tells JSON from CSV. */
static const char *doc_start(const char *doc, size_t len, size_t *rest)
{
    size_t i = 0;
    if (len >= 3 && !memcmp(doc, "\xEF\xBB\xBF", 3))
        i = 3;
    while (i < len && isspace((unsigned char)doc[i]))
        i++;
    *rest = len - i;
    return doc + i;
}

static json_t *load_json(const char *doc, size_t len, const char *what, isms_err *err)
{
    doc = doc_start(doc, len, &len);
    json_error_t je;
    json_t *j = json_loadb(doc, len, 0, &je);
    if (!j)
        err_set(err, ISMS_EINVAL, "not valid JSON (line %d: %s); expected %s", je.line, je.text, what);
    else if (!json_is_object(j)) {
        json_decref(j);
        j = NULL;
        err_set(err, ISMS_EINVAL, "not a JSON object; expected %s", what);
    }
    return j;
}

/* A JSON number, or a string of digits as some exporters write; -1 when absent or not a number. */
static long json_long(json_t *v)
{
    if (json_is_integer(v))
        return (long)json_integer_value(v);
    if (json_is_real(v))
        return (long)json_real_value(v);
    const char *s = json_string_value(v);
    char *e;
    long n = s ? strtol(s, &e, 10) : -1;
    return s && *s && !*e ? n : -1;
}

/* true/false as JSON booleans or the strings IAM's XML carries; -1 when absent. */
static int json_flag(json_t *v)
{
    if (json_is_boolean(v))
        return json_is_true(v);
    const char *s = json_string_value(v);
    return s ? !strcasecmp(s, "true") : -1;
}

static int text_flag(const char *s) { return s ? !strcasecmp(s, "true") : -1; }

static long text_long(const char *s)
{
    char *e;
    long n = s ? strtol(s, &e, 10) : -1;
    return s && *s && !*e ? n : -1;
}

/* The <ActionResult> element of an IAM answer. */
static xmlNode *iam_result(aws_reply *r, const char *action)
{
    char name[96];
    snprintf(name, sizeof name, "%sResult", action);
    return aws_xml_child(r->root, name);
}

/* ---- what a session reads once ---- */

typedef int (*aws_read_fn)(aws_client *cl, void **value, isms_err *err);

typedef struct aws_read {
    aws_client *cl;
    aws_read_fn fn;
} aws_read;

static int aws_read_call(void *ud, void **value, isms_err *err)
{
    aws_read *r = ud;
    return r->fn(r->cl, value, err);
}

/* read's value, made once per session (values live in the client's arena, as long as it). */
static int read_once(aws_client *cl, const char *name, const char *op, aws_read_fn read, void **value,
                     isms_err *err)
{
    aws_read ud = {cl, read};
    if (!cl->shared)
        return read(cl, value, err);
    return check_read_once(cl->ctx, name, op, aws_read_call, &ud, NULL, value, err);
}

/* "<op>: the answer has no <member>": a well-formed answer that lacks what a check needs. */
#define MISSING(err, op, ...) err_set(err, ISMS_EIO, op ": the answer has no " __VA_ARGS__)

/* ---- account summary: root MFA and root access keys ---- */

typedef struct acct_summary {
    long mfa;   /* AccountMFAEnabled, -1 when absent */
    long keys;  /* AccountAccessKeysPresent */
} acct_summary;

static int read_summary(aws_client *cl, void **value, isms_err *err)
{
    aws_reply r;
    int rc = aws_iam(cl, "GetAccountSummary", NULL, NULL, &r, err);
    if (rc)
        return rc;
    acct_summary *s = arena_alloc(cl->a, sizeof *s);
    s->mfa = s->keys = -1;
    xmlNode *map = aws_xml_child(iam_result(&r, "GetAccountSummary"), "SummaryMap");
    for (xmlNode *e = map ? map->children : NULL; e; e = e->next) {
        if (e->type != XML_ELEMENT_NODE || strcmp((const char *)e->name, "entry"))
            continue;
        const char *k = aws_xml_text(cl->a, aws_xml_child(e, "key"));
        long v = text_long(aws_xml_text(cl->a, aws_xml_child(e, "value")));
        if (k && !strcmp(k, "AccountMFAEnabled"))
            s->mfa = v;
        else if (k && !strcmp(k, "AccountAccessKeysPresent"))
            s->keys = v;
    }
    aws_reply_free(cl, &r);
    if (!map)
        return MISSING(err, "iam GetAccountSummary", "SummaryMap element");
    *value = s;
    return ISMS_OK;
}

/* The account summary; *entry names the SummaryMap entry the check needs, an error when absent. */
static int summary_run(check_ctx *ctx, acct_summary *s, const char *entry, isms_err *err)
{
    aws_client *cl;
    int rc = aws_acquire(ctx, &cl, err);
    void *v = NULL;
    if (!rc)
        rc = read_once(cl, "aws.summary", "iam GetAccountSummary", read_summary, &v, err);
    aws_done(cl);
    if (rc)
        return rc;
    *s = *(acct_summary *)v;
    long got = !strcmp(entry, "AccountMFAEnabled") ? s->mfa : s->keys;
    if (got < 0)
        return err_set(err, ISMS_EIO, "iam GetAccountSummary: the answer's SummaryMap has no %s entry", entry);
    return ISMS_OK;
}

static int judge_root_mfa(arena *a, long mfa, const char *from, check_result *out, isms_err *err)
{
    if (mfa < 0)
        return err_set(err, ISMS_EIO, "%s does not say whether the root user has MFA", from);
    if (mfa >= 1)
        return result(out, CHECK_PASS, "the root user has MFA enabled", NULL);
    return result(out, CHECK_FAIL, "the root user has no MFA device",
                  arena_sprintf(a, "<root_account>: no MFA device (%s)", from));
}

static int judge_root_keys(arena *a, long keys, const char *from, check_result *out, isms_err *err)
{
    if (keys < 0)
        return err_set(err, ISMS_EIO, "%s does not say whether the root user has access keys", from);
    if (keys == 0)
        return result(out, CHECK_PASS, "the root user has no access keys", NULL);
    return result(out, CHECK_FAIL, "the root user has access keys",
                  arena_sprintf(a, "<root_account>: access keys present (%s); delete them and use IAM roles", from));
}

static int root_mfa_run(check_ctx *ctx, check_result *out, isms_err *err)
{
    acct_summary s;
    int rc = summary_run(ctx, &s, "AccountMFAEnabled", err);
    return rc ? rc : judge_root_mfa(ctx->a, s.mfa, "GetAccountSummary AccountMFAEnabled", out, err);
}

static int root_keys_run(check_ctx *ctx, check_result *out, isms_err *err)
{
    acct_summary s;
    int rc = summary_run(ctx, &s, "AccountAccessKeysPresent", err);
    return rc ? rc : judge_root_keys(ctx->a, s.keys, "GetAccountSummary AccountAccessKeysPresent", out, err);
}

/* ---- credential report ---- */

enum {
    C_USER,
    C_PW_ENABLED,
    C_PW_LAST_USED,
    C_MFA,
    C_K1_ACTIVE,
    C_K1_ROTATED,
    C_K1_USED,
    C_K2_ACTIVE,
    C_K2_ROTATED,
    C_K2_USED,
    NCOLS
};
static const char *const cols[NCOLS] = {
    "user", "password_enabled", "password_last_used", "mfa_active", "access_key_1_active",
    "access_key_1_last_rotated", "access_key_1_last_used_date", "access_key_2_active",
    "access_key_2_last_rotated", "access_key_2_last_used_date"};

typedef struct report {
    const char *(*rows)[NCOLS];
    size_t n;
} report;

static int parse_report(arena *a, const char *csv, size_t len, report *rep, isms_err *err)
{
    memset(rep, 0, sizeof *rep);
    if (!len)
        return err_set(err, ISMS_EINVAL, "the credential report is empty");
    FILE *f = fmemopen((void *)csv, len, "r");
    if (!f)
        return err_set(err, ISMS_ENOMEM, "cannot read the credential report");
    csv_reader r;
    csv_init(&r, f);
    int idx[NCOLS], rc = ISMS_OK, got;
    size_t cap = 0;
    if ((got = csv_next(&r, err)) <= 0) {
        rc = got < 0 ? ISMS_EINVAL : err_set(err, ISMS_EINVAL, "the credential report is empty");
        goto done;
    }
    for (int c = 0; c < NCOLS; c++) {
        idx[c] = -1;
        for (int i = 0; i < r.nfields; i++)
            if (!strcmp(r.fields[i], cols[c]))
                idx[c] = i;
        if (idx[c] < 0) {
            rc = err_set(err, ISMS_EINVAL,
                         "not an IAM credential report (no '%s' column); expected the CSV that IAM's "
                         "GetCredentialReport returns, base64-decoded",
                         cols[c]);
            goto done;
        }
    }
    while ((got = csv_next(&r, err)) > 0) {
        if (r.nfields == 1 && !r.fields[0][0])
            continue; /* blank line */
        if (rep->n == cap) {
            cap = cap ? cap * 2 : 64;
            const char *(*grown)[NCOLS] = arena_alloc(a, cap * sizeof *grown);
            if (rep->n)
                memcpy(grown, rep->rows, rep->n * sizeof *grown);
            rep->rows = grown;
        }
        for (int c = 0; c < NCOLS; c++)
            rep->rows[rep->n][c] = arena_strdup(a, idx[c] < r.nfields ? r.fields[idx[c]] : "");
        rep->n++;
    }
    if (got < 0)
        rc = err->code ? err->code : ISMS_EINVAL;
done:
    csv_free(&r);
    fclose(f);
    return rc;
}

/* A credential report timestamp ("2024-01-05T10:11:12+00:00"); 0 for N/A, no_information, ... */
static time_t report_time(const char *s)
{
    struct tm tm = {0};
    int y, mo, d, h = 0, mi = 0, se = 0, used = 0;
    if (!s || sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &se, &used) < 6 || y < 1970 || mo < 1 ||
        mo > 12 || d < 1 || d > 31)
        return 0;
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = se;
    time_t t = timegm(&tm);
    /* AWS writes +00:00; an export converted to another offset still compares right. */
    const char *z = s + used;
    if (*z == '.')
        z += 1 + strspn(z + 1, "0123456789");
    int oh = 0, om = 0;
    if ((*z == '+' || *z == '-') && sscanf(z + 1, "%2d:%2d", &oh, &om) >= 1)
        t -= (*z == '+' ? 1 : -1) * (oh * 3600 + om * 60);
    return t;
}

static long days_since(time_t now, time_t t) { return (long)((now - t) / 86400); }

static const char *const *root_row(const report *rep);

static int read_report(aws_client *cl, void **value, isms_err *err)
{
    const char *csv = NULL;
    size_t len = 0;
    int rc = aws_credential_report(cl, &csv, &len, err);
    report *rep = arena_alloc(cl->a, sizeof *rep);
    if (!rc)
        rc = parse_report(cl->a, csv, len, rep, err);
    /* AWS always lists the root user: a report without it is not the account's whole report. */
    if (!rc && !root_row(rep))
        rc = err_set(err, ISMS_EIO, "iam GetCredentialReport: the report has no <root_account> row");
    if (!rc)
        *value = rep;
    return rc;
}

/* The report, fetched live (once per session). */
static int report_run(check_ctx *ctx, report *rep, isms_err *err)
{
    memset(rep, 0, sizeof *rep);
    aws_client *cl;
    int rc = aws_acquire(ctx, &cl, err);
    void *v = NULL;
    if (!rc)
        rc = read_once(cl, "aws.report", "iam GetCredentialReport", read_report, &v, err);
    aws_done(cl);
    if (!rc)
        *rep = *(report *)v;
    return rc;
}

/* An exported report: the CSV itself or the JSON of `aws iam get-credential-report`. */
static int report_doc(arena *a, const char *doc, size_t len, report *rep, isms_err *err)
{
    memset(rep, 0, sizeof *rep);
    size_t n;
    const char *p = doc_start(doc, len, &n);
    if (n && *p == '{') {
        json_t *j = load_json(p, n, "a credential report", err);
        if (!j)
            return ISMS_EINVAL;
        const char *content = json_string_value(json_object_get(j, "Content"));
        size_t clen = 0;
        char *csv = content ? aws_base64_decode(a, content, strlen(content), &clen) : NULL;
        json_decref(j);
        if (!csv)
            return err_set(err, ISMS_EINVAL, "expected the output of `aws iam get-credential-report` with a base64 "
                                             "Content, or the decoded CSV");
        return parse_report(a, csv, clen, rep, err);
    }
    return parse_report(a, p, n, rep, err);
}

static int judge_console_mfa(arena *a, const report *rep, check_result *out)
{
    lines l;
    lines_init(&l);
    int console = 0;
    for (size_t i = 0; i < rep->n; i++) {
        const char *const *r = rep->rows[i];
        /* The root row says not_supported here; aws.root_mfa covers the root user. */
        if (!strcmp(r[C_USER], "<root_account>") || strcmp(r[C_PW_ENABLED], "true"))
            continue;
        console++;
        if (!strcmp(r[C_MFA], "true"))
            continue;
        time_t used = report_time(r[C_PW_LAST_USED]);
        if (used)
            line(&l, "%s: console password, no MFA device (password last used %.10s)", r[C_USER], r[C_PW_LAST_USED]);
        else
            line(&l, "%s: console password, no MFA device (password never used)", r[C_USER]);
    }
    int bad = l.n;
    const char *details = lines_take(a, &l);
    if (bad)
        return result(out, CHECK_FAIL,
                      arena_sprintf(a, "%d of %d console %s without MFA", bad, console, plural(console, "user", "users")),
                      details);
    if (!console)
        return result(out, CHECK_PASS, "no IAM user has a console password", NULL);
    return result(out, CHECK_PASS,
                  arena_sprintf(a, "%s %d console %s %s MFA", console == 1 ? "the" : "all", console,
                                plural(console, "user", "users"), plural(console, "has", "have")),
                  NULL);
}

static int judge_key_rotation(arena *a, const report *rep, time_t now, check_result *out)
{
    lines l;
    lines_init(&l);
    int active = 0;
    for (size_t i = 0; i < rep->n; i++) {
        const char *const *r = rep->rows[i];
        for (int k = 0; k < 2; k++) {
            const char *on = r[k ? C_K2_ACTIVE : C_K1_ACTIVE], *rot = r[k ? C_K2_ROTATED : C_K1_ROTATED],
                       *used = r[k ? C_K2_USED : C_K1_USED];
            if (strcmp(on, "true"))
                continue;
            active++;
            time_t trot = report_time(rot), tused = report_time(used);
            long age = trot ? days_since(now, trot) : -1, idle = tused ? days_since(now, tused) : -1;
            char why[256] = "";
            if (!trot)
                snprintf(why, sizeof why, "last rotation date unknown (%.40s)", rot);
            else if (age > AWS_KEY_MAX_AGE_DAYS)
                snprintf(why, sizeof why, "last rotated %.10s, %ld days ago", rot, age);
            /* A key never used counts as unused once it is older than the limit: a new key
             * that has not been used yet is fine. */
            const char *sep = why[0] ? "; " : "";
            if (tused && idle > AWS_KEY_MAX_AGE_DAYS)
                snprintf(why + strlen(why), sizeof why - strlen(why), "%slast used %.10s, %ld days ago", sep, used,
                         idle);
            else if (!tused && (age < 0 || age > AWS_KEY_MAX_AGE_DAYS))
                snprintf(why + strlen(why), sizeof why - strlen(why), "%snever used", sep);
            if (why[0])
                line(&l, "%s: access key %d %s", r[C_USER], k + 1, why);
        }
    }
    int bad = l.n;
    const char *details = lines_take(a, &l);
    if (bad)
        return result(out, CHECK_FAIL,
                      arena_sprintf(a, "%d of %d active access %s not rotated or not used within %d days", bad, active,
                                    plural(active, "key", "keys"), AWS_KEY_MAX_AGE_DAYS),
                      details);
    if (!active)
        return result(out, CHECK_PASS, "no active access keys", NULL);
    return result(out, CHECK_PASS,
                  arena_sprintf(a, "%d active access %s, all rotated and used within %d days", active,
                                plural(active, "key", "keys"), AWS_KEY_MAX_AGE_DAYS),
                  NULL);
}

static int console_mfa_run(check_ctx *ctx, check_result *out, isms_err *err)
{
    report rep;
    int rc = report_run(ctx, &rep, err);
    return rc ? rc : judge_console_mfa(ctx->a, &rep, out);
}

static int console_mfa_eval(check_ctx *ctx, const char *doc, size_t len, check_result *out, isms_err *err)
{
    report rep;
    int rc = report_doc(ctx->a, doc, len, &rep, err);
    return rc ? rc : judge_console_mfa(ctx->a, &rep, out);
}

static int key_rotation_run(check_ctx *ctx, check_result *out, isms_err *err)
{
    report rep;
    int rc = report_run(ctx, &rep, err);
    return rc ? rc : judge_key_rotation(ctx->a, &rep, time(NULL), out);
}

static int key_rotation_eval(check_ctx *ctx, const char *doc, size_t len, check_result *out, isms_err *err)
{
    report rep;
    int rc = report_doc(ctx->a, doc, len, &rep, err);
    return rc ? rc : judge_key_rotation(ctx->a, &rep, time(NULL), out);
}

/* The root row of a report, or NULL. */
static const char *const *root_row(const report *rep)
{
    for (size_t i = 0; i < rep->n; i++)
        if (!strcmp(rep->rows[i][C_USER], "<root_account>"))
            return rep->rows[i];
    return NULL;
}

/* Root checks offline: `aws iam get-account-summary` JSON, or a credential report's root row. */
static int root_doc(arena *a, const char *doc, size_t len, acct_summary *s, const char **from, isms_err *err)
{
    size_t n;
    const char *p = doc_start(doc, len, &n);
    s->mfa = s->keys = -1;
    if (n && *p == '{') {
        json_t *j = load_json(p, n, "the output of `aws iam get-account-summary`", err);
        if (!j)
            return ISMS_EINVAL;
        json_t *map = json_object_get(j, "SummaryMap");
        if (json_is_object(map)) {
            s->mfa = json_long(json_object_get(map, "AccountMFAEnabled"));
            s->keys = json_long(json_object_get(map, "AccountAccessKeysPresent"));
            *from = "SummaryMap of get-account-summary";
            json_decref(j);
            return ISMS_OK;
        }
        int is_report = json_object_get(j, "Content") != NULL;
        json_decref(j);
        if (!is_report)
            return err_set(err, ISMS_EINVAL, "expected the output of `aws iam get-account-summary` "
                                             "({\"SummaryMap\": ...}) or an IAM credential report");
    }
    report rep;
    int rc = report_doc(a, doc, len, &rep, err);
    if (rc)
        return rc;
    const char *const *r = root_row(&rep);
    if (!r)
        return err_set(err, ISMS_EINVAL, "the credential report has no <root_account> row");
    s->mfa = !strcmp(r[C_MFA], "true") ? 1 : !strcmp(r[C_MFA], "false") ? 0 : -1;
    s->keys = !strcmp(r[C_K1_ACTIVE], "true") || !strcmp(r[C_K2_ACTIVE], "true") ? 1 : 0;
    *from = "credential report root row";
    return ISMS_OK;
}

static int root_mfa_eval(check_ctx *ctx, const char *doc, size_t len, check_result *out, isms_err *err)
{
    acct_summary s;
    const char *from = NULL;
    int rc = root_doc(ctx->a, doc, len, &s, &from, err);
    return rc ? rc : judge_root_mfa(ctx->a, s.mfa, from, out, err);
}

static int root_keys_eval(check_ctx *ctx, const char *doc, size_t len, check_result *out, isms_err *err)
{
    acct_summary s;
    const char *from = NULL;
    int rc = root_doc(ctx->a, doc, len, &s, &from, err);
    return rc ? rc : judge_root_keys(ctx->a, s.keys, from, out, err);
}

/* ---- password policy ---- */

/* The baseline: CIS AWS Foundations Benchmark v1.2.0, recommendations 1.5-1.10. Expiry (1.11) is
 * left out, as CIS itself did from v1.4 on, following NIST SP 800-63B. */
#define PW_MIN_LENGTH 14
#define PW_MIN_REUSE 24

typedef struct pw_policy {
    int present;
    long min_len, reuse, max_age;  /* -1 when not set */
    int upper, lower, numbers, symbols, expire;
} pw_policy;

static const char *const pw_flags[4] = {"RequireUppercaseCharacters", "RequireLowercaseCharacters", "RequireNumbers",
                                        "RequireSymbols"};

static int judge_password(arena *a, const pw_policy *p, check_result *out)
{
    if (!p->present)
        return result(out, CHECK_FAIL, "no password policy set",
                      "no account password policy: IAM users' console passwords only need AWS's default (8 "
                      "characters, 3 character classes) and may be reused");
    lines l;
    lines_init(&l);
    buf names;
    buf_init(&names, 4096);
    if (p->min_len < PW_MIN_LENGTH) {
        line(&l, "MinimumPasswordLength is %ld; the baseline is at least %d", p->min_len < 0 ? 0 : p->min_len,
             PW_MIN_LENGTH);
        buf_puts(&names, "MinimumPasswordLength");
    }
    int flags[4] = {p->upper, p->lower, p->numbers, p->symbols};
    for (int i = 0; i < 4; i++)
        if (flags[i] != 1) {
            line(&l, "%s is %s; the baseline requires it", pw_flags[i], flags[i] == 0 ? "false" : "not set");
            buf_printf(&names, "%s%s", names.len ? ", " : "", pw_flags[i]);
        }
    if (p->reuse < PW_MIN_REUSE) {
        if (p->reuse < 1)
            line(&l, "PasswordReusePrevention is not set; the baseline is %d remembered passwords", PW_MIN_REUSE);
        else
            line(&l, "PasswordReusePrevention is %ld; the baseline is %d remembered passwords", p->reuse,
                 PW_MIN_REUSE);
        buf_printf(&names, "%s%s", names.len ? ", " : "", "PasswordReusePrevention");
    }
    int bad = l.n;
    const char *details = lines_take(a, &l);
    const char *summary =
        bad ? arena_sprintf(a, "password policy below the CIS baseline: %s", names.data)
            : arena_sprintf(a,
                            "password policy meets the CIS baseline: at least %ld characters, upper, lower, number "
                            "and symbol required, last %ld passwords not reusable%s",
                            p->min_len, p->reuse,
                            p->expire == 1 && p->max_age > 0 ? arena_sprintf(a, ", expire after %ld days", p->max_age)
                                                              : "");
    buf_free(&names);
    return result(out, bad ? CHECK_FAIL : CHECK_PASS, summary, details);
}

/* The members AWS always sends in a PasswordPolicy, each needed by the judgement. */
static const char *const pw_required[5] = {"MinimumPasswordLength", "RequireUppercaseCharacters",
                                           "RequireLowercaseCharacters", "RequireNumbers", "RequireSymbols"};

static int password_run(check_ctx *ctx, check_result *out, isms_err *err)
{
    aws_client *cl;
    int rc = aws_acquire(ctx, &cl, err);
    aws_reply r = {0};
    pw_policy p = {0};
    if (!rc)
        rc = aws_iam(cl, "GetAccountPasswordPolicy", NULL, "NoSuchEntity", &r, err);
    if (!rc && !r.code) {
        xmlNode *pp = aws_xml_child(iam_result(&r, "GetAccountPasswordPolicy"), "PasswordPolicy");
        for (int i = 0; pp && !rc && i < 5; i++)
            if (!aws_xml_child(pp, pw_required[i]))
                rc = err_set(err, ISMS_EIO, "iam GetAccountPasswordPolicy: the answer's PasswordPolicy has no %s",
                             pw_required[i]);
        if (!pp) {
            rc = MISSING(err, "iam GetAccountPasswordPolicy", "PasswordPolicy element");
        } else if (!rc) {
            arena *a = ctx->a;
            p.present = 1;
            p.min_len = text_long(aws_xml_text(a, aws_xml_child(pp, "MinimumPasswordLength")));
            p.reuse = text_long(aws_xml_text(a, aws_xml_child(pp, "PasswordReusePrevention")));
            p.max_age = text_long(aws_xml_text(a, aws_xml_child(pp, "MaxPasswordAge")));
            p.upper = text_flag(aws_xml_text(a, aws_xml_child(pp, pw_flags[0])));
            p.lower = text_flag(aws_xml_text(a, aws_xml_child(pp, pw_flags[1])));
            p.numbers = text_flag(aws_xml_text(a, aws_xml_child(pp, pw_flags[2])));
            p.symbols = text_flag(aws_xml_text(a, aws_xml_child(pp, pw_flags[3])));
            p.expire = text_flag(aws_xml_text(a, aws_xml_child(pp, "ExpirePasswords")));
        }
    }
    if (cl)
        aws_reply_free(cl, &r);
    aws_done(cl);
    return rc ? rc : judge_password(ctx->a, &p, out);
}

/* `aws iam get-account-password-policy` output: {"PasswordPolicy": {...}} (the bare object too). */
static int password_eval(check_ctx *ctx, const char *doc, size_t len, check_result *out, isms_err *err)
{
    const char *what = "the output of `aws iam get-account-password-policy` ({\"PasswordPolicy\": {...}})";
    json_t *j = load_json(doc, len, what, err);
    if (!j)
        return ISMS_EINVAL;
    json_t *pp = json_object_get(j, "PasswordPolicy");
    if (!pp && json_object_get(j, "MinimumPasswordLength"))
        pp = j;
    if (!json_is_object(pp)) {
        json_decref(j);
        return err_set(err, ISMS_EINVAL, "no PasswordPolicy object; expected %s", what);
    }
    for (int i = 0; i < 5; i++)
        if (!json_object_get(pp, pw_required[i])) {
            json_decref(j);
            return err_set(err, ISMS_EINVAL, "the PasswordPolicy has no %s; expected %s", pw_required[i], what);
        }
    pw_policy p = {.present = 1};
    p.min_len = json_long(json_object_get(pp, "MinimumPasswordLength"));
    p.reuse = json_long(json_object_get(pp, "PasswordReusePrevention"));
    p.max_age = json_long(json_object_get(pp, "MaxPasswordAge"));
    p.upper = json_flag(json_object_get(pp, pw_flags[0]));
    p.lower = json_flag(json_object_get(pp, pw_flags[1]));
    p.numbers = json_flag(json_object_get(pp, pw_flags[2]));
    p.symbols = json_flag(json_object_get(pp, pw_flags[3]));
    p.expire = json_flag(json_object_get(pp, "ExpirePasswords"));
    json_decref(j);
    return judge_password(ctx->a, &p, out);
}

/* ---- CloudTrail ---- */

/* Judge DescribeTrails' trailList; status (GetTrailStatus answers by TrailARN) NULL offline, when
 * only the configuration can be judged. */
static int judge_trails(arena *a, json_t *list, json_t *status, const char *where, check_result *out)
{
    lines l;
    lines_init(&l);
    const char *good = NULL;
    int unreadable = 0;
    size_t i;
    json_t *t;
    json_array_foreach(list, i, t) {
        const char *name = json_string_value(json_object_get(t, "Name"));
        const char *arn = json_string_value(json_object_get(t, "TrailARN"));
        const char *home = json_string_value(json_object_get(t, "HomeRegion"));
        int multi = json_is_true(json_object_get(t, "IsMultiRegionTrail"));
        int valid = json_is_true(json_object_get(t, "LogFileValidationEnabled"));
        int logging = -1; /* -1 not asked, 0/1 IsLogging, 2 unreadable */
        const char *why = NULL;
        if (status) {
            json_t *st = json_object_get(status, arn ? arn : name ? name : "");
            why = json_string_value(json_object_get(st, "error"));
            logging = why ? 2 : st ? json_is_true(json_object_get(st, "IsLogging")) : -1;
        }
        const char *log_text = logging == 2   ? arena_sprintf(a, ", logging status unreadable (%s)", why)
                               : logging < 0  ? (status ? ", logging not checked" : "")
                               : logging == 1 ? ", logging"
                                              : ", NOT logging";
        line(&l, "%s%s%s%s: %s, log file validation %s%s", name ? name : "(unnamed trail)", home ? " (home " : "",
             home ? home : "", home ? ")" : "", multi ? "multi-region" : "single-region", valid ? "on" : "OFF",
             log_text);
        if (multi && valid && (!status || logging == 1) && !good)
            good = name ? name : arn ? arn : "(unnamed trail)";
        unreadable += logging == 2;
    }
    const char *details = lines_take(a, &l);
    const char *offline = status ? "" : " (judged on the exported trail configuration only; logging status not checked)";
    if (good)
        return result(out, CHECK_PASS,
                      arena_sprintf(a, "trail %s is multi-region with log file validation%s%s", good,
                                    status ? " and logging" : "", offline),
                      details);
    if (!json_array_size(list))
        return result(out, CHECK_FAIL, arena_sprintf(a, "no CloudTrail trail %s%s", where, offline), NULL);
    /* A qualifying trail whose status this account may not read (an organization trail seen
     * from a member account) could well be logging: that is not a failure to report. */
    if (unreadable)
        return result(out, CHECK_ERROR,
                      arena_sprintf(a, "the logging status of %d multi-region trail%s with log file validation "
                                       "could not be read",
                                    unreadable, unreadable == 1 ? "" : "s"),
                      details);
    return result(out, CHECK_FAIL,
                  arena_sprintf(a, "no trail is multi-region with log file validation%s%s",
                                status ? " and logging" : "", offline),
                  details);
}

static char *dump(arena *a, json_t *j)
{
    char *s = json_dumps(j, JSON_COMPACT);
    char *out = arena_strdup(a, s ? s : "{}");
    free(s);
    json_decref(j);
    return out;
}

/* Whether every trail of list has what the judgement reads (AWS always sends these); from names
 * the document in the error. */
static int trails_complete(json_t *list, const char *from, isms_err *err)
{
    static const char *const bools[2] = {"IsMultiRegionTrail", "LogFileValidationEnabled"};
    size_t i;
    json_t *t;
    json_array_foreach(list, i, t) {
        const char *name = json_string_value(json_object_get(t, "Name"));
        if (!json_is_object(t) || !name)
            return err_set(err, ISMS_EIO, "%s: trail %zu of trailList has no Name", from, i + 1);
        for (int k = 0; k < 2; k++)
            if (!json_is_boolean(json_object_get(t, bools[k])))
                return err_set(err, ISMS_EIO, "%s: trail %.100s has no %s", from, name, bools[k]);
    }
    return ISMS_OK;
}

static int trails_run(check_ctx *ctx, check_result *out, isms_err *err)
{
    aws_client *cl;
    int rc = aws_acquire(ctx, &cl, err);
    aws_reply r = {0};
    const char *prefix = "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.";
    json_t *status = json_object();
    json_t *list = NULL;
    /* Shadow trails too: a multi-region trail homed in another region still covers this one. */
    if (!rc)
        rc = aws_json(cl, "cloudtrail", arena_sprintf(ctx->a, "%sDescribeTrails", prefix),
                      "{\"includeShadowTrails\":true}", NULL, &r, err);
    if (!rc) {
        list = json_object_get(r.json, "trailList");
        if (!json_is_array(list))
            rc = MISSING(err, "cloudtrail DescribeTrails", "trailList");
        else
            rc = trails_complete(list, "cloudtrail DescribeTrails", err);
    }
    size_t i;
    json_t *t;
    if (!rc)
        json_array_foreach(list, i, t) {
            /* Only trails whose configuration qualifies need their status. */
            if (!json_is_true(json_object_get(t, "IsMultiRegionTrail")) ||
                !json_is_true(json_object_get(t, "LogFileValidationEnabled")))
                continue;
            const char *arn = json_string_value(json_object_get(t, "TrailARN"));
            if (!arn)
                arn = json_string_value(json_object_get(t, "Name"));
            aws_reply s;
            if ((rc = aws_json(cl, "cloudtrail", arena_sprintf(ctx->a, "%sGetTrailStatus", prefix),
                               dump(ctx->a, json_pack("{ss}", "Name", arn)),
                               "AccessDeniedException,TrailNotFoundException,CloudTrailARNInvalidException", &s, err)))
                break;
            if (s.code) {
                json_object_set_new(status, arn, json_pack("{ss}", "error", s.code));
            } else if (!json_is_boolean(json_object_get(s.json, "IsLogging"))) {
                rc = err_set(err, ISMS_EIO, "cloudtrail GetTrailStatus %.200s: the answer has no IsLogging", arn);
            } else {
                /* Only what the judgement reads: the answer itself goes with the reply. */
                json_object_set_new(status, arn, json_pack("{sO}", "IsLogging", json_object_get(s.json, "IsLogging")));
            }
            aws_reply_free(cl, &s);
            if (rc)
                break;
        }
    if (!rc)
        rc = judge_trails(ctx->a, list, status, arena_sprintf(ctx->a, "in %s", cl->region), out);
    json_decref(status);
    if (cl)
        aws_reply_free(cl, &r);
    aws_done(cl);
    return rc;
}

/* `aws cloudtrail describe-trails` output: {"trailList": [...]}, without the status. */
static int trails_eval(check_ctx *ctx, const char *doc, size_t len, check_result *out, isms_err *err)
{
    const char *what = "the output of `aws cloudtrail describe-trails` ({\"trailList\": [...]})";
    json_t *j = load_json(doc, len, what, err);
    if (!j)
        return ISMS_EINVAL;
    json_t *list = json_object_get(j, "trailList");
    int rc = !json_is_array(list) ? err_set(err, ISMS_EINVAL, "no trailList array; expected %s", what)
             : trails_complete(list, "describe-trails", err) ? ISMS_EINVAL
                                                               : judge_trails(ctx->a, list, NULL, "in the export", out);
    json_decref(j);
    return rc;
}

/* ---- S3 ---- */

typedef struct bucket {
    const char *name, *region;
} s3_bucket;

typedef struct bucket_list {
    s3_bucket *b;
    size_t n;
} bucket_list;

/* Every bucket with its region: BucketRegion from ListBuckets (sent with max-buckets, which both
 * pages and asks for it), else GetBucketLocation for endpoints that do not send it. An account
 * without buckets answers an empty <Buckets/>: a missing one is an error, not a zero. */
static int read_buckets(aws_client *cl, void **value, isms_err *err)
{
    arena *a = cl->a;
    size_t cap = 0;
    bucket_list *l = arena_alloc(a, sizeof *l);
    const char *token = NULL;
    http_pages seen;
    http_pages_init(&seen, a);
    for (size_t page = 1;; page++) {
        const char *q = token ? arena_sprintf(a, "max-buckets=1000&continuation-token=%s", http_escape(a, token))
                              : "max-buckets=1000";
        aws_reply r;
        int rc = aws_s3_get(cl, NULL, q, NULL, page > 1 ? arena_sprintf(a, "s3 ListBuckets page %zu", page)
                                                        : "s3 ListBuckets",
                            NULL, &r, err);
        if (rc)
            return rc;
        xmlNode *bs = aws_xml_child(r.root, "Buckets");
        if (!bs) {
            aws_reply_free(cl, &r);
            return MISSING(err, "s3 ListBuckets", "Buckets element");
        }
        for (xmlNode *b = bs->children; b; b = b->next) {
            if (b->type != XML_ELEMENT_NODE || strcmp((const char *)b->name, "Bucket"))
                continue;
            const char *name = aws_xml_text(a, aws_xml_child(b, "Name"));
            if (!name || !*name) {
                aws_reply_free(cl, &r);
                return err_set(err, ISMS_EIO, "s3 ListBuckets: bucket %zu of page %zu has no Name", l->n + 1, page);
            }
            if (l->n == cap) {
                cap = cap ? cap * 2 : 32;
                s3_bucket *g = arena_alloc(a, cap * sizeof *g);
                if (l->n)
                    memcpy(g, l->b, l->n * sizeof *g);
                l->b = g;
            }
            const char *region = aws_xml_text(a, aws_xml_child(b, "BucketRegion"));
            l->b[l->n++] = (s3_bucket){name, region && *region ? region : NULL};
        }
        const char *next = aws_xml_text(a, aws_xml_child(r.root, "ContinuationToken"));
        aws_reply_free(cl, &r);
        if (!next || !*next)
            break;
        size_t again = http_pages_seen(&seen, next, page + 1);
        if (again || (token && !strcmp(next, token)))
            return err_set(err, ISMS_EIO,
                           "s3 ListBuckets: the ContinuationToken of page %zu leads back to page %zu (a paging cycle); "
                           "stopped",
                           page, again ? again : page);
        token = next;
    }
    for (size_t i = 0; i < l->n; i++) {
        s3_bucket *b = &l->b[i];
        if (b->region)
            continue;
        aws_reply r;
        int rc = aws_s3_get(cl, b->name, "location", NULL, arena_sprintf(a, "s3 GetBucketLocation %s", b->name), NULL,
                            &r, err);
        if (rc)
            return rc;
        if (strcmp((const char *)r.root->name, "LocationConstraint")) {
            aws_reply_free(cl, &r);
            return err_set(err, ISMS_EIO, "s3 GetBucketLocation %s: the answer has no LocationConstraint element",
                           b->name);
        }
        const char *loc = aws_xml_text(a, r.root);
        aws_reply_free(cl, &r);
        /* Empty means us-east-1; "EU" is the legacy name of eu-west-1. */
        b->region = !loc || !*loc ? "us-east-1" : !strcmp(loc, "EU") ? "eu-west-1" : loc;
    }
    *value = l;
    return ISMS_OK;
}

/* Per-bucket outcome of one configuration read. */
typedef enum { B_OK, B_BAD, B_UNREADABLE } bstate;

typedef struct s3_check {
    const char *what;      /* "default encryption" */
    const char *query;     /* "encryption" */
    const char *action;    /* "GetBucketEncryption" */
    const char *missing;   /* the error code meaning "not configured" */
    const char *root;      /* the document element of a configured answer */
    /* Judge one bucket's answer into *st; an error when the answer lacks what is judged. */
    int (*judge)(arena *a, const char *bucket, aws_reply *r, lines *bad, lines *good, bstate *st, isms_err *err);
} s3_check;

static int judge_encryption(arena *a, const char *bucket, aws_reply *r, lines *bad, lines *good, bstate *st,
                            isms_err *err)
{
    *st = B_OK;
    if (r->code) {
        line(bad, "%s: no default encryption configured", bucket);
        *st = B_BAD;
        return ISMS_OK;
    }
    buf algs;
    buf_init(&algs, 4096);
    int rules = 0;
    for (xmlNode *rule = r->root->children; rule; rule = rule->next) {
        if (rule->type != XML_ELEMENT_NODE || strcmp((const char *)rule->name, "Rule"))
            continue;
        rules++;
        xmlNode *d = aws_xml_child(rule, "ApplyServerSideEncryptionByDefault");
        const char *alg = aws_xml_text(a, aws_xml_child(d, "SSEAlgorithm"));
        const char *key = aws_xml_text(a, aws_xml_child(d, "KMSMasterKeyID"));
        const char *bke = aws_xml_text(a, aws_xml_child(rule, "BucketKeyEnabled"));
        if (d && !alg) {
            buf_free(&algs);
            return err_set(err, ISMS_EIO,
                           "s3 GetBucketEncryption %s: the answer's ApplyServerSideEncryptionByDefault has no "
                           "SSEAlgorithm",
                           bucket);
        }
        if (!alg || !*alg)
            continue;
        const char *kind = !strcmp(alg, "AES256")         ? "SSE-S3"
                           : !strcmp(alg, "aws:kms")      ? "SSE-KMS"
                           : !strcmp(alg, "aws:kms:dsse") ? "DSSE-KMS"
                                                          : "unknown algorithm";
        buf_printf(&algs, "%s%s (%s%s%s%s)", algs.len ? ", " : "", kind, alg, key && *key ? ", key " : "",
                   key && *key ? key : "", bke && !strcmp(bke, "true") ? ", bucket key" : "");
    }
    int rc = ISMS_OK;
    if (!rules) {
        rc = err_set(err, ISMS_EIO, "s3 GetBucketEncryption %s: the answer has no Rule element", bucket);
    } else if (!algs.len) {
        line(bad, "%s: encryption configuration has no default algorithm", bucket);
        *st = B_BAD;
    } else {
        line(good, "%s: %s", bucket, algs.data);
    }
    buf_free(&algs);
    return rc;
}

static int judge_pab(arena *a, const char *bucket, aws_reply *r, lines *bad, lines *good, bstate *st, isms_err *err)
{
    *st = B_OK;
    if (r->code) {
        line(bad, "%s: no public access block configured", bucket);
        *st = B_BAD;
        return ISMS_OK;
    }
    static const char *const names[4] = {"BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy",
                                         "RestrictPublicBuckets"};
    char off[160] = "";
    for (int i = 0; i < 4; i++) {
        const char *v = aws_xml_text(a, aws_xml_child(r->root, names[i]));
        if (!v)
            return err_set(err, ISMS_EIO, "s3 GetPublicAccessBlock %s: the answer has no %s element", bucket,
                           names[i]);
        if (text_flag(v) != 1)
            snprintf(off + strlen(off), sizeof off - strlen(off), "%s%s", off[0] ? ", " : "", names[i]);
    }
    if (off[0]) {
        line(bad, "%s: %s off", bucket, off);
        *st = B_BAD;
        return ISMS_OK;
    }
    line(good, "%s: all four settings on", bucket);
    return ISMS_OK;
}

static const s3_check s3_encryption = {"default encryption", "encryption", "GetBucketEncryption",
                                       "ServerSideEncryptionConfigurationNotFoundError",
                                       "ServerSideEncryptionConfiguration", judge_encryption};
static const s3_check s3_pab = {"the full public access block", "publicAccessBlock", "GetPublicAccessBlock",
                                "NoSuchPublicAccessBlockConfiguration", "PublicAccessBlockConfiguration", judge_pab};

static int s3_run(check_ctx *ctx, const s3_check *k, check_result *out, isms_err *err)
{
    aws_client *cl;
    arena *a = ctx->a;
    int rc = aws_acquire(ctx, &cl, err);
    s3_bucket *bs = NULL;
    size_t n = 0;
    void *v = NULL;
    if (!rc && !(rc = read_once(cl, "aws.buckets", "s3 ListBuckets", read_buckets, &v, err))) {
        bs = ((bucket_list *)v)->b;
        n = ((bucket_list *)v)->n;
    }
    lines bad, good, unread;
    lines_init(&bad);
    lines_init(&good);
    lines_init(&unread);
    int nbad = 0, nunread = 0, ngone = 0;
    /* The "not configured" code is a finding; a bucket policy denying the auditor, or a bucket
     * deleted since the listing, is reported per bucket rather than ending the run. */
    const char *ok = arena_sprintf(a, "%s,AccessDenied,NoSuchBucket", k->missing);
    for (size_t i = 0; !rc && i < n; i++) {
        aws_reply r;
        rc = aws_s3_get(cl, bs[i].name, k->query, bs[i].region,
                        arena_sprintf(a, "s3 %s %s", k->action, bs[i].name), ok, &r, err);
        if (rc)
            break;
        bstate st = B_OK;
        if (r.code && !strcmp(r.code, "NoSuchBucket")) {
            ngone++;
        } else if (r.code && strcmp(r.code, k->missing)) {
            line(&unread, "%s: cannot read the configuration: %s%s%s", bs[i].name, r.code, r.message ? ": " : "",
                 r.message ? r.message : "");
            nunread++;
        } else if (!r.code && strcmp((const char *)r.root->name, k->root)) {
            rc = err_set(err, ISMS_EIO, "s3 %s %s: the answer has no %s element", k->action, bs[i].name, k->root);
        } else if (!(rc = k->judge(a, bs[i].name, &r, &bad, &good, &st, err)) && st == B_BAD) {
            nbad++;
        }
        aws_reply_free(cl, &r);
    }
    aws_done(cl);
    const char *bad_s = lines_take(a, &bad), *good_s = lines_take(a, &good), *unread_s = lines_take(a, &unread);
    if (rc)
        return rc;
    long total = (long)(n - (size_t)ngone);
    const char *gone = ngone ? arena_sprintf(a, " (%d deleted during the check)", ngone) : "";
    if (!total)
        return result(out, CHECK_PASS, arena_sprintf(a, "no S3 buckets%s", gone), NULL);
    const char *details = nbad && unread_s ? arena_sprintf(a, "%s\n%s", bad_s, unread_s) : nbad ? bad_s : unread_s;
    if (nbad)
        return result(out, CHECK_FAIL,
                      arena_sprintf(a, "%d of %ld %s without %s%s%s", nbad, total, plural(total, "bucket", "buckets"),
                                    k->what, nunread ? arena_sprintf(a, "; %d unreadable", nunread) : "", gone),
                      details);
    if (nunread)
        return result(out, CHECK_ERROR,
                      arena_sprintf(a, "%d of %ld %s could not be read%s", nunread, total,
                                    plural(total, "bucket", "buckets"), gone),
                      details);
    return result(out, CHECK_PASS,
                  arena_sprintf(a, "%s %ld %s %s %s%s", total == 1 ? "the" : "all", total,
                                plural(total, "bucket", "buckets"), plural(total, "has", "have"), k->what, gone),
                  good_s);
}

static int s3_encryption_run(check_ctx *ctx, check_result *out, isms_err *err)
{
    return s3_run(ctx, &s3_encryption, out, err);
}

static int s3_pab_run(check_ctx *ctx, check_result *out, isms_err *err) { return s3_run(ctx, &s3_pab, out, err); }

/* ---- KMS ---- */

static int kms_run(check_ctx *ctx, check_result *out, isms_err *err)
{
    aws_client *cl;
    arena *a = ctx->a;
    int rc = aws_acquire(ctx, &cl, err);
    lines bad, good;
    lines_init(&bad);
    lines_init(&good);
    int eligible = 0, aws_managed = 0, other = 0, inactive = 0;
    const char *marker = NULL;
    http_pages seen;
    http_pages_init(&seen, a);
    for (size_t page = 1; !rc; page++) {
        json_t *req = json_pack("{si}", "Limit", 1000);
        if (marker)
            json_object_set_new(req, "Marker", json_string(marker));
        aws_reply r;
        if ((rc = aws_json(cl, "kms", "TrentService.ListKeys", dump(a, req), NULL, &r, err)))
            break;
        json_t *keys = json_object_get(r.json, "Keys"), *truncated = json_object_get(r.json, "Truncated");
        if (!json_is_array(keys))
            rc = MISSING(err, "kms ListKeys", "Keys");
        else if (!json_is_boolean(truncated))
            rc = MISSING(err, "kms ListKeys", "Truncated");
        size_t i;
        json_t *k;
        if (!rc)
            json_array_foreach(keys, i, k) {
                const char *id = json_string_value(json_object_get(k, "KeyId"));
                if (!id) {
                    rc = err_set(err, ISMS_EIO, "kms ListKeys: key %zu of page %zu has no KeyId", i + 1, page);
                    break;
                }
                aws_reply d;
                if ((rc = aws_json(cl, "kms", "TrentService.DescribeKey", dump(a, json_pack("{ss}", "KeyId", id)),
                                   NULL, &d, err)))
                    break;
                json_t *m = json_object_get(d.json, "KeyMetadata");
                const char *mgr = json_string_value(json_object_get(m, "KeyManager"));
                const char *spec = json_string_value(json_object_get(m, "KeySpec"));
                if (!spec)
                    spec = json_string_value(json_object_get(m, "CustomerMasterKeySpec"));
                const char *state = json_string_value(json_object_get(m, "KeyState"));
                const char *origin = json_string_value(json_object_get(m, "Origin"));
                const char *desc = arena_strdup(a, json_string_value(json_object_get(m, "Description")));
                const char *lacks = !json_is_object(m) ? NULL
                                    : !mgr             ? "KeyManager"
                                    : !spec            ? "KeySpec"
                                    : !state           ? "KeyState"
                                    : !origin          ? "Origin"
                                                       : NULL;
                if (!json_is_object(m))
                    rc = err_set(err, ISMS_EIO, "kms DescribeKey %s: the answer has no KeyMetadata", id);
                else if (lacks)
                    rc = err_set(err, ISMS_EIO, "kms DescribeKey %s: the answer's KeyMetadata has no %s", id, lacks);
                int is_aws = !rc && !strcmp(mgr, "AWS");
                /* Automatic rotation exists only for symmetric keys with KMS-generated material. */
                int is_other = !rc && (strcmp(spec, "SYMMETRIC_DEFAULT") || strcmp(origin, "AWS_KMS"));
                int is_off = !rc && strcmp(state, "Enabled");
                aws_reply_free(cl, &d);
                if (rc)
                    break;
                if (is_aws) {
                    aws_managed++; /* AWS rotates its own keys every year */
                    continue;
                }
                if (is_other) {
                    other++;
                    continue;
                }
                if (is_off) {
                    inactive++; /* disabled or pending deletion: cannot be used, rotation is moot */
                    continue;
                }
                eligible++;
                aws_reply st;
                if ((rc = aws_json(cl, "kms", "TrentService.GetKeyRotationStatus",
                                   dump(a, json_pack("{ss}", "KeyId", id)), NULL, &st, err)))
                    break;
                const char *label = desc && *desc ? arena_sprintf(a, "%s (%.80s)", id, desc) : id;
                json_t *on = json_object_get(st.json, "KeyRotationEnabled");
                if (!json_is_boolean(on)) {
                    rc = err_set(err, ISMS_EIO, "kms GetKeyRotationStatus %s: the answer has no KeyRotationEnabled", id);
                } else if (json_is_true(on)) {
                    long days = json_long(json_object_get(st.json, "RotationPeriodInDays"));
                    line(&good, "%s: rotation on%s", label, days > 0 ? arena_sprintf(a, ", every %ld days", days) : "");
                } else {
                    line(&bad, "%s: automatic rotation off", label);
                }
                aws_reply_free(cl, &st);
                if (rc)
                    break;
            }
        const char *next = arena_strdup(a, json_string_value(json_object_get(r.json, "NextMarker")));
        int more = json_is_true(truncated);
        aws_reply_free(cl, &r);
        if (rc || !more)
            break;
        if (!next) {
            rc = err_set(err, ISMS_EIO, "kms ListKeys: the answer is Truncated but has no NextMarker");
            break;
        }
        size_t again = http_pages_seen(&seen, next, page + 1);
        if (again || (marker && !strcmp(marker, next))) {
            rc = err_set(err, ISMS_EIO,
                         "kms ListKeys: the NextMarker of page %zu leads back to page %zu (a paging cycle); stopped", page,
                         again ? again : page);
            break;
        }
        marker = next;
    }
    const char *region = arena_strdup(a, cl ? cl->region : "");
    aws_done(cl);
    int nbad = bad.n;
    const char *bad_s = lines_take(a, &bad), *good_s = lines_take(a, &good);
    if (rc)
        return rc;
    char skipped[160] = "";
    const char *kinds[3] = {"AWS-managed", "asymmetric, HMAC or imported", "not enabled"};
    int counts[3] = {aws_managed, other, inactive};
    for (int i = 0; i < 3; i++)
        if (counts[i])
            snprintf(skipped + strlen(skipped), sizeof skipped - strlen(skipped), "%s%d %s",
                     skipped[0] ? ", " : "; skipped ", counts[i], kinds[i]);
    if (nbad)
        return result(out, CHECK_FAIL,
                      arena_sprintf(a, "%d of %d customer-managed symmetric %s in %s without automatic rotation%s", nbad,
                                    eligible, plural(eligible, "key", "keys"), region, skipped),
                      bad_s);
    if (!eligible)
        return result(out, CHECK_PASS,
                      arena_sprintf(a, "no enabled customer-managed symmetric keys in %s%s", region, skipped), NULL);
    return result(out, CHECK_PASS,
                  arena_sprintf(a, "%s %d customer-managed symmetric %s in %s %s automatic rotation%s",
                                eligible == 1 ? "the" : "all", eligible, plural(eligible, "key", "keys"), region,
                                plural(eligible, "has", "have"), skipped),
                  good_s);
}

/* ---- the table ---- */

const check_def checks_aws[] = {
    {"aws.root_mfa", "aws", "Root user has MFA enabled (IAM account summary)", "A.5.17,A.8.5", 86400, root_mfa_run,
     root_mfa_eval},
    {"aws.root_access_keys", "aws", "Root user has no access keys", "A.5.15,A.8.2", 86400, root_keys_run,
     root_keys_eval},
    {"aws.console_users_without_mfa", "aws", "Every IAM user with a console password has MFA (credential report)",
     "A.5.17,A.8.5", 86400, console_mfa_run, console_mfa_eval},
    {"aws.password_policy", "aws",
     "IAM password policy: length >= 14, upper, lower, number, symbol, reuse prevention >= 24 (CIS AWS 1.2 1.5-1.10)",
     "A.5.17", 86400, password_run, password_eval},
    {"aws.access_keys_rotation", "aws", "Active access keys rotated and used within 90 days (credential report)",
     "A.5.15,A.5.17", 86400, key_rotation_run, key_rotation_eval},
    {"aws.cloudtrail_multiregion", "aws", "A multi-region CloudTrail trail with log file validation is logging",
     "A.8.15,A.8.16", 86400, trails_run, trails_eval},
    {"aws.s3_encryption", "aws", "Every S3 bucket has default encryption (SSE-S3 or SSE-KMS)", "A.8.24", 86400,
     s3_encryption_run, NULL},
    {"aws.s3_public_access_block", "aws", "Every S3 bucket blocks public access (all four settings, per bucket)",
     "A.8.3,A.8.12", 86400, s3_pab_run, NULL},
    {"aws.kms_rotation", "aws", "Customer-managed symmetric KMS keys have automatic rotation (AWS_REGION)", "A.8.24",
     86400, kms_run, NULL},
    {NULL, NULL, NULL, NULL, 0, NULL, NULL},
};
