/* The AWS checks against the fake AWS (tests/fakeapi/aws.py, fixtures in tests/fixtures/aws): pass
 * and fail scenarios of every check, SigV4 scopes per service and region, paging, credential
 * report polling, throttling retries, timeouts, missing configuration, secrets kept out of the
 * evidence and errors, and the offline evaluations of exported AWS CLI output. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "collect/aws.h"
#include "collect/http.h"

#define AKID "AKIDEXAMPLE"
#define SECRET "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
#define SESSION_TOKEN "FQoGZXIvYXdzEXAMPLEsessionTOKENdoNotLeak0123456789"
#define REGION "eu-west-1"

static pid_t server;
static char base[64];

static struct {
    const char *name, *value;
} envs[12];

static const char *fake_getenv(const char *name)
{
    for (size_t i = 0; i < sizeof envs / sizeof *envs && envs[i].name; i++)
        if (!strcmp(envs[i].name, name))
            return envs[i].value;
    return NULL;
}

/* Set (or with NULL, blank) a variable the checks see. */
static void set_env(const char *name, const char *value)
{
    size_t i = 0;
    while (i < sizeof envs / sizeof *envs - 1 && envs[i].name && strcmp(envs[i].name, name))
        i++;
    envs[i].name = name;
    envs[i].value = value;
}

/* Start tests/fakeapi/aws.py with extra NAME=VALUE settings; fills base. */
static pid_t start_fake(char *url, size_t n, const char *const *extra)
{
    int fds[2];
    if (pipe(fds))
        return -1;
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        dup2(fds[1], 1);
        close(fds[0]);
        close(fds[1]);
        setenv("FAKE_AWS_REGION", REGION, 1);
        setenv("FAKE_AWS_SECRET_KEY", SECRET, 1);
        unsetenv("FAKE_AWS_TOKEN");
        for (; extra && *extra; extra += 2)
            setenv(extra[0], extra[1], 1);
        const char *root = getenv("ISMS_ROOT") ? getenv("ISMS_ROOT") : ".";
        char script[512];
        snprintf(script, sizeof script, "%s/tests/fakeapi/aws.py", root);
        execlp("python3", "python3", script, (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    char line[32] = {0};
    FILE *f = fdopen(fds[0], "r");
    int ok = f && fgets(line, sizeof line, f) && atoi(line) > 0;
    if (f)
        fclose(f);
    if (!ok) {
        kill(pid, SIGTERM);
        waitpid(pid, NULL, 0);
        return -1;
    }
    snprintf(url, n, "http://127.0.0.1:%d", atoi(line));
    return pid;
}

static void stop_fake(pid_t pid)
{
    kill(pid, SIGTERM);
    waitpid(pid, NULL, 0);
}

static int start_server(void **state)
{
    (void)state;
    setenv("ISMS_HTTP_BACKOFF_MS", "10", 1);
    server = start_fake(base, sizeof base, NULL);
    return server > 0 ? 0 : -1;
}

static int stop_server(void **state)
{
    (void)state;
    stop_fake(server);
    return 0;
}

typedef struct fix {
    arena a;
    buf raw;
    check_ctx ctx;
    check_result res;
    isms_err err;
} fix;

static const char *control(fix *f, const char *method, const char *path, const char *json)
{
    http_client c;
    http_response r;
    assert_int_equal(http_init(&c, &f->err), ISMS_OK);
    http_header h[] = {{"Content-Type", "application/json"}};
    char *url = arena_sprintf(&f->a, "%s%s", base, path);
    assert_int_equal(http_request(&c, method, url, h, 1, json, json ? strlen(json) : 0, &f->a, &r, &f->err), ISMS_OK);
    assert_int_equal(r.status, 200);
    http_cleanup(&c);
    return r.body;
}

static void scenario(fix *f, const char *name)
{
    control(f, "POST", "/__scenario", arena_sprintf(&f->a, "{\"name\":\"%s\"}", name));
}

static void inject(fix *f, const char *json) { control(f, "POST", "/__inject", json); }

static int setup(void **state)
{
    fix *f = calloc(1, sizeof *f);
    arena_init(&f->a);
    buf_init(&f->raw, 64u << 20);
    f->ctx = (check_ctx){.a = &f->a, .raw = &f->raw, .getenv = fake_getenv, .timeout_ms = 5000, .max_retries = 4};
    memset(envs, 0, sizeof envs);
    set_env("AWS_ACCESS_KEY_ID", AKID);
    set_env("AWS_SECRET_ACCESS_KEY", SECRET);
    set_env("AWS_REGION", REGION);
    set_env("AWS_ENDPOINT_URL", base);
    *state = f;
    scenario(f, "default");
    return 0;
}

static int teardown(void **state)
{
    fix *f = *state;
    buf_free(&f->raw);
    arena_free(&f->a);
    free(f);
    return 0;
}

static const check_def *def(const char *id)
{
    for (const check_def *d = checks_aws; d->id; d++)
        if (!strcmp(d->id, id))
            return d;
    fail_msg("no check %s", id);
    return NULL;
}

static void no_secrets(fix *f)
{
    const char *secrets[] = {SECRET, SESSION_TOKEN};
    for (int i = 0; i < 2; i++) {
        assert_null(f->raw.data ? strstr(f->raw.data, secrets[i]) : NULL);
        assert_null(strstr(f->err.msg, secrets[i]));
        assert_null(f->res.summary ? strstr(f->res.summary, secrets[i]) : NULL);
        assert_null(f->res.details ? strstr(f->res.details, secrets[i]) : NULL);
    }
    /* Evidence is what AWS answered, never what was sent. */
    assert_null(f->raw.data ? strstr(f->raw.data, "AWS4-HMAC-SHA256") : NULL);
}

static int run(fix *f, const char *id)
{
    buf_reset(&f->raw);
    memset(&f->res, 0, sizeof f->res);
    err_clear(&f->err);
    f->ctx.held = 0;
    int rc = def(id)->run(&f->ctx, &f->res, &f->err);
    no_secrets(f);
    if (!rc)
        assert_non_null(f->res.summary);
    return rc;
}

/* (Not check_status_name: this test links without the registry.) */
static const char *status_name(check_status s) { return s == CHECK_PASS ? "pass" : s == CHECK_FAIL ? "fail" : "error"; }

static void has(const char *hay, const char *needle)
{
    if (!hay || !strstr(hay, needle))
        fail_msg("expected '%s' in: %s", needle, hay ? hay : "(null)");
}

static void lacks(const char *hay, const char *needle)
{
    if (hay && strstr(hay, needle))
        fail_msg("did not expect '%s' in: %s", needle, hay);
}

static void expect(fix *f, const char *id, check_status st)
{
    int rc = run(f, id);
    if (rc)
        fail_msg("%s could not run: %s", id, f->err.msg);
    if (f->res.status != st)
        fail_msg("%s: status %s, wanted %s: %s\n%s", id, status_name(f->res.status), status_name(st),
                 f->res.summary, f->res.details ? f->res.details : "");
}

/* The fake's request log since the scenario was set. */
static json_t *requests(fix *f) { return json_loads(control(f, "GET", "/__requests", NULL), 0, NULL); }

/* Requests whose routing key starts with prefix. */
static int served(fix *f, const char *prefix)
{
    json_t *log = requests(f);
    assert_non_null(log);
    size_t i;
    json_t *e;
    int n = 0;
    json_array_foreach(log, i, e) {
        const char *a = json_string_value(json_object_get(e, "action"));
        n += a && !strncmp(a, prefix, strlen(prefix));
    }
    json_decref(log);
    return n;
}

/* Every request so far was accepted by the fake's SigV4 verification. */
static void all_signed(fix *f)
{
    json_t *log = requests(f);
    size_t i;
    json_t *e;
    json_array_foreach(log, i, e) {
        const char *auth = json_string_value(json_object_get(e, "auth"));
        if (!auth || strcmp(auth, "ok"))
            fail_msg("request %s was refused: %s", json_string_value(json_object_get(e, "action")),
                     auth ? auth : "(injected)");
    }
    json_decref(log);
}

/* The signing scope of the first request with this routing key. */
static void scope(fix *f, const char *action, const char *service, const char *region)
{
    json_t *log = requests(f);
    size_t i;
    json_t *e;
    int found = 0;
    json_array_foreach(log, i, e) {
        const char *a = json_string_value(json_object_get(e, "action"));
        if (found || !a || strcmp(a, action))
            continue;
        found = 1;
        assert_string_equal(json_string_value(json_object_get(e, "scope_service")), service);
        assert_string_equal(json_string_value(json_object_get(e, "scope_region")), region);
    }
    json_decref(log);
    if (!found)
        fail_msg("no request %s", action);
}

/* ---- the table ---- */

static void test_table(void **state)
{
    (void)state;
    const char *ids[] = {"aws.root_mfa",          "aws.root_access_keys",       "aws.console_users_without_mfa",
                         "aws.password_policy",   "aws.access_keys_rotation",   "aws.cloudtrail_multiregion",
                         "aws.s3_encryption",     "aws.s3_public_access_block", "aws.kms_rotation"};
    const char *controls[] = {"A.5.17,A.8.5", "A.5.15,A.8.2", "A.5.17,A.8.5", "A.5.17", "A.5.15,A.5.17",
                              "A.8.15,A.8.16", "A.8.24", "A.8.3,A.8.12", "A.8.24"};
    int offline[] = {1, 1, 1, 1, 1, 1, 0, 0, 0};
    size_t n = 0;
    for (const check_def *d = checks_aws; d->id; d++, n++) {
        assert_true(n < 9);
        assert_string_equal(d->id, ids[n]);
        assert_string_equal(d->source, "aws");
        assert_string_equal(d->controls, controls[n]);
        assert_int_equal(d->interval_s, 86400);
        assert_non_null(d->title);
        assert_non_null(d->run);
        assert_int_equal(d->evaluate != NULL, offline[n]);
    }
    assert_int_equal(n, 9);
    has(def("aws.password_policy")->title, "14");
}

/* ---- configuration ---- */

static void test_missing_credentials(void **state)
{
    fix *f = *state;
    set_env("AWS_ACCESS_KEY_ID", NULL);
    set_env("AWS_SECRET_ACCESS_KEY", NULL);
    for (const check_def *d = checks_aws; d->id; d++) {
        assert_int_equal(run(f, d->id), ISMS_EINVAL);
        has(f->err.msg, "AWS_ACCESS_KEY_ID");
        has(f->err.msg, "AWS_SECRET_ACCESS_KEY");
    }
    set_env("AWS_ACCESS_KEY_ID", AKID);
    assert_int_equal(run(f, "aws.root_mfa"), ISMS_EINVAL);
    has(f->err.msg, "AWS_SECRET_ACCESS_KEY is not set");
    set_env("AWS_SECRET_ACCESS_KEY", "");
    assert_int_equal(run(f, "aws.root_mfa"), ISMS_EINVAL);
    assert_int_equal(served(f, "/"), 0); /* nothing was sent */
}

static void test_bad_configuration(void **state)
{
    fix *f = *state;
    set_env("AWS_REGION", "eu-west-1/../x");
    assert_int_equal(run(f, "aws.root_mfa"), ISMS_EINVAL);
    has(f->err.msg, "AWS_REGION");
    set_env("AWS_REGION", REGION);
    set_env("AWS_ENDPOINT_URL", "ftp://127.0.0.1/");
    assert_int_equal(run(f, "aws.root_mfa"), ISMS_EINVAL);
    has(f->err.msg, "AWS_ENDPOINT_URL");
}

/* AWS_DEFAULT_REGION when AWS_REGION is unset; a region the fake does not serve is refused as
 * AWS refuses a wrong credential scope, while IAM stays on us-east-1 whatever the region. */
static void test_regions(void **state)
{
    fix *f = *state;
    set_env("AWS_REGION", NULL);
    set_env("AWS_DEFAULT_REGION", REGION);
    expect(f, "aws.kms_rotation", CHECK_PASS);
    scope(f, "/kms/ListKeys", "kms", REGION);
    set_env("AWS_REGION", "us-west-2");
    assert_int_equal(run(f, "aws.kms_rotation"), ISMS_EIO);
    has(f->err.msg, "InvalidSignatureException");
    has(f->err.msg, "kms ListKeys");
    expect(f, "aws.root_mfa", CHECK_PASS);
    scope(f, "/iam/GetAccountSummary", "iam", "us-east-1");
}

/* A per-service endpoint wins over AWS_ENDPOINT_URL. */
static void test_service_endpoint(void **state)
{
    fix *f = *state;
    set_env("AWS_ENDPOINT_URL", "http://127.0.0.1:9");
    set_env("AWS_ENDPOINT_URL_IAM", arena_sprintf(&f->a, "%s/", base));
    expect(f, "aws.root_mfa", CHECK_PASS);
    f->ctx.max_retries = -1;
    assert_int_equal(run(f, "aws.kms_rotation"), ISMS_EIO);
    has(f->err.msg, "127.0.0.1:9");
}

/* ---- IAM ---- */

static void test_root_mfa(void **state)
{
    fix *f = *state;
    expect(f, "aws.root_mfa", CHECK_PASS);
    has(f->res.summary, "root user has MFA");
    has(f->raw.data, "### iam GetAccountSummary (HTTP 200)");
    has(f->raw.data, "<key>AccountMFAEnabled</key>");
    all_signed(f);
    scope(f, "/iam/GetAccountSummary", "iam", "us-east-1");
    scenario(f, "fail");
    expect(f, "aws.root_mfa", CHECK_FAIL);
    has(f->res.summary, "no MFA");
}

static void test_root_access_keys(void **state)
{
    fix *f = *state;
    expect(f, "aws.root_access_keys", CHECK_PASS);
    scenario(f, "fail");
    expect(f, "aws.root_access_keys", CHECK_FAIL);
    has(f->res.summary, "root user has access keys");
    has(f->res.details, "AccountAccessKeysPresent");
}

static void test_password_policy(void **state)
{
    fix *f = *state;
    expect(f, "aws.password_policy", CHECK_PASS);
    has(f->res.summary, "at least 16 characters");
    has(f->raw.data, "### iam GetAccountPasswordPolicy (HTTP 200)");
    scenario(f, "fail");
    expect(f, "aws.password_policy", CHECK_FAIL);
    has(f->res.summary, "MinimumPasswordLength");
    has(f->res.summary, "RequireSymbols");
    has(f->res.summary, "RequireLowercaseCharacters");
    has(f->res.summary, "PasswordReusePrevention");
    lacks(f->res.summary, "RequireNumbers");
    has(f->res.details, "MinimumPasswordLength is 8; the baseline is at least 14");
    has(f->res.details, "PasswordReusePrevention is not set");
    scenario(f, "nopolicy");
    expect(f, "aws.password_policy", CHECK_FAIL);
    assert_string_equal(f->res.summary, "no password policy set");
    /* The 404 is evidence too, as its code and message. */
    has(f->raw.data, "### iam GetAccountPasswordPolicy (HTTP 404)\nNoSuchEntity: The Password Policy");
}

static void test_access_denied(void **state)
{
    fix *f = *state;
    scenario(f, "denied");
    assert_int_equal(run(f, "aws.root_mfa"), ISMS_EIO);
    has(f->err.msg, "iam GetAccountSummary: HTTP 403 AccessDenied: User: arn:aws:iam::111122223333:user/auditor");
    assert_int_equal(served(f, "/iam/GetAccountSummary"), 1); /* not retried */
}

static void test_console_users(void **state)
{
    fix *f = *state;
    expect(f, "aws.console_users_without_mfa", CHECK_PASS);
    has(f->res.summary, "all 2 console users have MFA");
    assert_int_equal(served(f, "/iam/GenerateCredentialReport"), 2); /* STARTED, then COMPLETE */
    assert_int_equal(served(f, "/iam/GetCredentialReport"), 1);
    has(f->raw.data, "### iam GetCredentialReport (HTTP 200)");
    has(f->raw.data, "### iam GetCredentialReport, Content decoded (HTTP 200)\nuser,arn,");
    scenario(f, "fail");
    expect(f, "aws.console_users_without_mfa", CHECK_FAIL);
    assert_string_equal(f->res.summary, "2 of 3 console users without MFA");
    has(f->res.details, "alice: console password, no MFA device (password last used 20");
    has(f->res.details, "carol: console password, no MFA device (password never used)");
    lacks(f->res.details, "dave");
    lacks(f->res.details, "root");
    /* STARTED, INPROGRESS, COMPLETE. */
    assert_int_equal(served(f, "/iam/GenerateCredentialReport"), 3);
    scenario(f, "empty");
    expect(f, "aws.console_users_without_mfa", CHECK_PASS);
    has(f->res.summary, "no IAM user has a console password");
    /* COMPLETE, yet the report is still being written (another client started it): poll on. */
    scenario(f, "default");
    inject(f, "{\"path\":\"/iam/GetCredentialReport\",\"status\":404,\"body\":{\"code\":\"ReportInProgress\"}}");
    expect(f, "aws.console_users_without_mfa", CHECK_PASS);
    assert_int_equal(served(f, "/iam/GenerateCredentialReport"), 3);
    assert_int_equal(served(f, "/iam/GetCredentialReport"), 2);
}

static void test_access_keys_rotation(void **state)
{
    fix *f = *state;
    expect(f, "aws.access_keys_rotation", CHECK_PASS);
    assert_string_equal(f->res.summary, "3 active access keys, all rotated and used within 90 days");
    scenario(f, "fail");
    expect(f, "aws.access_keys_rotation", CHECK_FAIL);
    assert_string_equal(f->res.summary, "4 of 6 active access keys not rotated or not used within 90 days");
    has(f->res.details, "<root_account>: access key 1 last rotated ");
    has(f->res.details, "dave: access key 1 last rotated ");
    has(f->res.details, ", 200 days ago");
    has(f->res.details, "old-svc: access key 2 last rotated ");
    has(f->res.details, "120 days ago; never used");
    has(f->res.details, "ci-deploy: access key 1 last rotated ");
    lacks(f->res.details, "ci-deploy: access key 2");
    lacks(f->res.details, "alice");
    scenario(f, "empty");
    expect(f, "aws.access_keys_rotation", CHECK_PASS);
    assert_string_equal(f->res.summary, "no active access keys");
}

/* ---- CloudTrail ---- */

static void test_cloudtrail(void **state)
{
    fix *f = *state;
    expect(f, "aws.cloudtrail_multiregion", CHECK_PASS);
    has(f->res.summary, "trail org-trail is multi-region with log file validation and logging");
    has(f->res.details, "eu-data-events (home eu-west-1): single-region, log file validation OFF");
    has(f->raw.data, "### cloudtrail DescribeTrails (HTTP 200)");
    has(f->raw.data, "### cloudtrail GetTrailStatus (HTTP 200)");
    assert_int_equal(served(f, "/cloudtrail/GetTrailStatus"), 1); /* only for the qualifying trail */
    scope(f, "/cloudtrail/DescribeTrails", "cloudtrail", REGION);
    all_signed(f);
    scenario(f, "fail");
    expect(f, "aws.cloudtrail_multiregion", CHECK_FAIL);
    has(f->res.summary, "no trail is multi-region with log file validation and logging");
    has(f->res.details, "main (home us-east-1): multi-region, log file validation on, NOT logging");
    has(f->res.details, "all-regions-novalidation (home us-east-1): multi-region, log file validation OFF");
    /* The status of the only qualifying trail cannot be read: an error, not a failure. */
    inject(f, "{\"path\":\"/cloudtrail/GetTrailStatus\",\"status\":400,\"body\":{\"code\":\"TrailNotFoundException\"}}");
    expect(f, "aws.cloudtrail_multiregion", CHECK_ERROR);
    has(f->res.summary, "logging status of 1 multi-region trail with log file validation could not be read");
    has(f->res.details, "main (home us-east-1): multi-region, log file validation on, logging status unreadable "
                        "(TrailNotFoundException)");
    scenario(f, "empty");
    expect(f, "aws.cloudtrail_multiregion", CHECK_FAIL);
    assert_string_equal(f->res.summary, "no CloudTrail trail in " REGION);
}

/* ---- S3 ---- */

static void test_s3_encryption(void **state)
{
    fix *f = *state;
    expect(f, "aws.s3_encryption", CHECK_PASS);
    assert_string_equal(f->res.summary, "all 3 buckets have default encryption");
    has(f->res.details, "acme-app-data: SSE-S3 (AES256)");
    has(f->res.details, "acme-backups: SSE-KMS (aws:kms, key arn:aws:kms:eu-central-1:111122223333:key/");
    has(f->res.details, ", bucket key)");
    has(f->res.details, "acme.logs.archive: SSE-S3");
    /* Two ListBuckets pages; each bucket signed for its own region, as S3 insists. */
    assert_int_equal(served(f, "/s3/ListBuckets"), 2);
    assert_int_equal(served(f, "/s3/GetBucketLocation"), 0);
    scope(f, "/s3/ListBuckets", "s3", REGION);
    scope(f, "/s3/GetBucketEncryption/acme-backups", "s3", "eu-central-1");
    scope(f, "/s3/GetBucketEncryption/acme-app-data", "s3", "us-east-1");
    scope(f, "/s3/GetBucketEncryption/acme.logs.archive", "s3", "eu-west-1");
    all_signed(f);
    has(f->raw.data, "### s3 ListBuckets page 2 (HTTP 200)");
    has(f->raw.data, "### s3 GetBucketEncryption acme-backups (HTTP 200)");
    scenario(f, "fail");
    expect(f, "aws.s3_encryption", CHECK_FAIL);
    assert_string_equal(f->res.summary, "1 of 3 buckets without default encryption");
    assert_string_equal(f->res.details, "acme-data: no default encryption configured");
    /* No BucketRegion for acme-public-site: its location is asked (on us-east-1). */
    assert_int_equal(served(f, "/s3/GetBucketLocation/acme-public-site"), 1);
    scope(f, "/s3/GetBucketLocation/acme-public-site", "s3", "us-east-1");
    all_signed(f);
    has(f->raw.data, "ServerSideEncryptionConfigurationNotFoundError: The server side encryption");
}

static void test_s3_unreadable_and_empty(void **state)
{
    fix *f = *state;
    scenario(f, "denied");
    expect(f, "aws.s3_encryption", CHECK_ERROR);
    assert_string_equal(f->res.summary, "1 of 3 buckets could not be read");
    has(f->res.details, "acme-backups: cannot read the configuration: AccessDenied: Access Denied");
    scenario(f, "empty");
    expect(f, "aws.s3_encryption", CHECK_PASS);
    assert_string_equal(f->res.summary, "no S3 buckets");
    expect(f, "aws.s3_public_access_block", CHECK_PASS);
}

static void test_s3_public_access_block(void **state)
{
    fix *f = *state;
    expect(f, "aws.s3_public_access_block", CHECK_PASS);
    assert_string_equal(f->res.summary, "all 3 buckets have the full public access block");
    has(f->raw.data, "### s3 GetPublicAccessBlock acme.logs.archive (HTTP 200)");
    scenario(f, "fail");
    expect(f, "aws.s3_public_access_block", CHECK_FAIL);
    assert_string_equal(f->res.summary, "2 of 3 buckets without the full public access block");
    has(f->res.details, "acme-public-site: no public access block configured");
    has(f->res.details, "acme-data: BlockPublicPolicy, RestrictPublicBuckets off");
    lacks(f->res.details, "acme-partner-share");
}

/* ---- KMS ---- */

static void test_kms_rotation(void **state)
{
    fix *f = *state;
    expect(f, "aws.kms_rotation", CHECK_PASS);
    has(f->res.summary, "all 2 customer-managed symmetric keys in " REGION " have automatic rotation");
    has(f->res.summary, "skipped 1 AWS-managed, 1 asymmetric, HMAC or imported, 1 not enabled");
    has(f->res.details, "f0e1d2c3-b4a5-4968-8776-655443322110 (backups): rotation on, every 180 days");
    assert_int_equal(served(f, "/kms/ListKeys"), 2); /* NextMarker followed */
    assert_int_equal(served(f, "/kms/DescribeKey"), 5);
    assert_int_equal(served(f, "/kms/GetKeyRotationStatus"), 2);
    scope(f, "/kms/GetKeyRotationStatus", "kms", REGION);
    all_signed(f);
    has(f->raw.data, "### kms GetKeyRotationStatus (HTTP 200)");
    scenario(f, "fail");
    expect(f, "aws.kms_rotation", CHECK_FAIL);
    assert_string_equal(f->res.summary, "1 of 2 customer-managed symmetric keys in " REGION
                                        " without automatic rotation; skipped 1 AWS-managed");
    assert_string_equal(f->res.details, "1234abcd-12ab-34cd-56ef-1234567890ab (application data key): automatic "
                                        "rotation off");
    scenario(f, "empty");
    expect(f, "aws.kms_rotation", CHECK_PASS);
    has(f->res.summary, "no enabled customer-managed symmetric keys");
}

/* ---- retries, timeouts, signing, secrets ---- */

static void test_throttling_retried(void **state)
{
    fix *f = *state;
    /* IAM's 400 Throttling (retried here, not by http.c), S3's 503 SlowDown, a 429, KMS's 400
     * ThrottlingException, and a 500. */
    inject(f, "{\"path\":\"/iam/GetAccountSummary\",\"count\":2,\"status\":400,\"retry_after\":\"0\"}");
    inject(f, "{\"path\":\"/s3/ListBuckets\",\"count\":1,\"status\":503,\"retry_after\":\"0\"}");
    inject(f, "{\"path\":\"/s3/GetBucketEncryption/*\",\"count\":1,\"status\":500}");
    inject(f, "{\"path\":\"/cloudtrail/DescribeTrails\",\"count\":1,\"status\":429,\"retry_after\":\"1\"}");
    inject(f, "{\"path\":\"/kms/DescribeKey\",\"count\":2,\"status\":400}");
    expect(f, "aws.root_mfa", CHECK_PASS);
    assert_int_equal(served(f, "/iam/GetAccountSummary"), 3);
    expect(f, "aws.s3_encryption", CHECK_PASS);
    assert_int_equal(served(f, "/s3/ListBuckets"), 3);
    assert_int_equal(served(f, "/s3/GetBucketEncryption"), 4);
    time_t t0 = time(NULL);
    expect(f, "aws.cloudtrail_multiregion", CHECK_PASS);
    assert_true(time(NULL) - t0 >= 1); /* Retry-After: 1 honoured */
    assert_int_equal(served(f, "/cloudtrail/DescribeTrails"), 2);
    expect(f, "aws.kms_rotation", CHECK_PASS);
    assert_int_equal(served(f, "/kms/DescribeKey"), 7);
    /* Only the final answer of each call is evidence. */
    lacks(f->raw.data, "Throttl");
}

static void test_throttling_exhausted(void **state)
{
    fix *f = *state;
    f->ctx.max_retries = 2;
    inject(f, "{\"path\":\"/iam/GetAccountSummary\",\"count\":10,\"status\":400,\"retry_after\":\"0\"}");
    assert_int_equal(run(f, "aws.root_access_keys"), ISMS_EIO);
    has(f->err.msg, "iam GetAccountSummary: HTTP 400 Throttling: Rate exceeded (after 3 attempts)");
    assert_int_equal(served(f, "/iam/GetAccountSummary"), 3);
    inject(f, "{\"path\":\"/kms/ListKeys\",\"count\":10,\"status\":503,\"retry_after\":\"0\"}");
    assert_int_equal(run(f, "aws.kms_rotation"), ISMS_EIO);
    has(f->err.msg, "kms ListKeys: HTTP 503 ServiceUnavailable");
    assert_int_equal(served(f, "/kms/ListKeys"), 3); /* http.c's retries, not multiplied by ours */
}

static void test_timeout(void **state)
{
    fix *f = *state;
    f->ctx.timeout_ms = 300;
    f->ctx.max_retries = -1;
    inject(f, "{\"path\":\"/iam/GetAccountSummary\",\"count\":1,\"sleep\":1.5}");
    assert_int_equal(run(f, "aws.root_mfa"), ISMS_EIO);
    has(f->err.msg, "iam GetAccountSummary: ");
    has(f->err.msg, "timeout");
    /* A timeout is not retried: a stalled endpoint costs one timeout, not one per attempt. */
    f->ctx.max_retries = 3;
    usleep(1700000); /* the fake logs the stalled request once it has slept */
    scenario(f, "default");
    inject(f, "{\"path\":\"/iam/GetAccountSummary\",\"count\":1,\"sleep\":1.5}");
    assert_int_equal(run(f, "aws.root_mfa"), ISMS_EIO);
    has(f->err.msg, "not asked again in this run");
    usleep(1700000); /* the fake logs the stalled request once it has slept */
    assert_int_equal(served(f, "/iam/GetAccountSummary"), 1);
}

/* The checks of a session share one client: one credential report, one account summary and one
 * bucket listing, each replayed into the evidence of every check that was judged on it. */
static void test_session_shares_reads(void **state)
{
    fix *f = *state;
    f->ctx.session = check_session_new();
    for (const check_def *d = checks_aws; d->id; d++)
        expect(f, d->id, CHECK_PASS);
    has(f->raw.data, "### kms ListKeys");
    expect(f, "aws.access_keys_rotation", CHECK_PASS);
    has(f->raw.data, "### iam GetCredentialReport, Content decoded");
    expect(f, "aws.s3_public_access_block", CHECK_PASS);
    has(f->raw.data, "### s3 ListBuckets (HTTP 200)");
    check_session_free(f->ctx.session);
    f->ctx.session = NULL;
    all_signed(f);
    assert_int_equal(served(f, "/iam/GetCredentialReport"), 1);
    assert_int_equal(served(f, "/iam/GetAccountSummary"), 1);
    assert_int_equal(served(f, "/s3/ListBuckets"), 2); /* two pages, once */
    /* Without a session each check reads for itself, as before. */
    scenario(f, "default");
    expect(f, "aws.console_users_without_mfa", CHECK_PASS);
    expect(f, "aws.access_keys_rotation", CHECK_PASS);
    assert_int_equal(served(f, "/iam/GetCredentialReport"), 2);
}

/* After a timeout the session gives up on AWS: the later checks send nothing and say why. */
static void test_session_gives_up(void **state)
{
    fix *f = *state;
    f->ctx.session = check_session_new();
    f->ctx.timeout_ms = 300;
    inject(f, "{\"path\":\"/iam/GetAccountSummary\",\"count\":5,\"sleep\":1.5}");
    assert_int_equal(run(f, "aws.root_mfa"), ISMS_EIO);
    has(f->err.msg, "timeout");
    for (const char *const *id = (const char *const[]){"aws.password_policy", "aws.kms_rotation", NULL}; *id; id++) {
        assert_int_equal(run(f, *id), ISMS_EIO);
        has(f->err.msg, "not run: AWS did not answer earlier in this run (iam GetAccountSummary: 127.0.0.1:");
    }
    check_session_free(f->ctx.session);
    f->ctx.session = NULL;
    assert_int_equal(served(f, "/iam/GetAccountPasswordPolicy") + served(f, "/kms/"), 0);
    usleep(1700000); /* let the fake finish the stalled request before the next test */
}

/* What one check may hold: over the limit, an error naming the operation and the limit. */
static void test_hold_limit(void **state)
{
    fix *f = *state;
    f->ctx.max_held = 1000; /* the two ListBuckets pages are 1167 bytes */
    assert_int_equal(run(f, "aws.s3_encryption"), ISMS_ENOMEM);
    assert_string_equal(f->err.msg, "the answers to s3 ListBuckets exceed the 1000 bytes a check may hold");
    f->ctx.max_held = 0;
    expect(f, "aws.s3_encryption", CHECK_PASS);
}

/* A wrong secret is caught by the fake's signature check; S3's answer then echoes the canonical
 * request, session token included, which must not reach the evidence or the message. */
static void test_secrets_never_kept(void **state)
{
    fix *f = *state;
    set_env("AWS_SESSION_TOKEN", SESSION_TOKEN);
    for (const check_def *d = checks_aws; d->id; d++)
        expect(f, d->id, CHECK_PASS); /* no_secrets() looks at each run's evidence */
    set_env("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYWRONGKEY");
    assert_int_equal(run(f, "aws.s3_encryption"), ISMS_EIO);
    has(f->err.msg, "s3 ListBuckets: HTTP 403 SignatureDoesNotMatch");
    has(f->raw.data, "SignatureDoesNotMatch");
    lacks(f->raw.data, "CanonicalRequest");
    lacks(f->raw.data, "wJalrXUtnFEMI/K7MDENG+bPxRfiCYWRONGKEY");
    assert_int_equal(run(f, "aws.password_policy"), ISMS_EIO);
    has(f->err.msg, "SignatureDoesNotMatch");
    assert_int_equal(run(f, "aws.cloudtrail_multiregion"), ISMS_EIO);
    has(f->err.msg, "InvalidSignatureException");
    /* An endpoint that echoes the secrets (AWS never does; AWS_ENDPOINT_URL may point anywhere). */
    set_env("AWS_SECRET_ACCESS_KEY", SECRET);
    inject(f, "{\"path\":\"/iam/GetAccountSummary\",\"status\":403,\"body\":{\"code\":\"AccessDenied\","
              "\"message\":\"key " SECRET " token " SESSION_TOKEN "\"}}");
    assert_int_equal(run(f, "aws.root_mfa"), ISMS_EIO);
    has(f->err.msg, "AccessDenied: key [REDACTED] token [REDACTED]");
    has(f->raw.data, "AccessDenied: key [REDACTED] token [REDACTED]");
    inject(f, "{\"path\":\"/kms/ListKeys\",\"status\":400,\"body\":{\"code\":\"ValidationException\","
              "\"message\":\"" SESSION_TOKEN "\"}}");
    assert_int_equal(run(f, "aws.kms_rotation"), ISMS_EIO);
    has(f->err.msg, "ValidationException: [REDACTED]");
}

/* A fake that insists on a session token: sent and signed when AWS_SESSION_TOKEN is set. */
static void test_session_token(void **state)
{
    fix *f = *state;
    char url[64];
    const char *extra[] = {"FAKE_AWS_TOKEN", SESSION_TOKEN, NULL};
    pid_t pid = start_fake(url, sizeof url, extra);
    assert_true(pid > 0);
    set_env("AWS_ENDPOINT_URL", url);
    assert_int_equal(run(f, "aws.root_mfa"), ISMS_EIO);
    has(f->err.msg, "InvalidClientTokenId");
    set_env("AWS_SESSION_TOKEN", SESSION_TOKEN);
    expect(f, "aws.root_mfa", CHECK_PASS);
    expect(f, "aws.s3_public_access_block", CHECK_PASS);
    expect(f, "aws.kms_rotation", CHECK_PASS);
    stop_fake(pid);
}

static void test_unreachable(void **state)
{
    fix *f = *state;
    f->ctx.max_retries = -1;
    set_env("AWS_ENDPOINT_URL", "http://127.0.0.1:9");
    assert_int_equal(run(f, "aws.password_policy"), ISMS_EIO);
    has(f->err.msg, "iam GetAccountPasswordPolicy: 127.0.0.1:9");
}

/* ---- building blocks ---- */

static void test_xml_and_base64(void **state)
{
    fix *f = *state;
    const char *ok = "<A xmlns=\"x\"><B><C> v </C></B></A>";
    xmlDoc *d = aws_xml_parse(ok, strlen(ok));
    assert_non_null(d);
    assert_string_equal(aws_xml_text(&f->a, aws_xml_path(xmlDocGetRootElement(d), "B/C")), "v");
    assert_null(aws_xml_path(xmlDocGetRootElement(d), "B/D"));
    xmlFreeDoc(d);
    const char *lol = "<?xml version=\"1.0\"?><!DOCTYPE l [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;\">]>"
                      "<l>&b;</l>";
    assert_null(aws_xml_parse(lol, strlen(lol)));
    const char *xxe = "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><x>&e;</x>";
    assert_null(aws_xml_parse(xxe, strlen(xxe)));
    assert_null(aws_xml_parse("<a><b></a>", 10));
    size_t n;
    assert_string_equal(aws_base64_decode(&f->a, "aGVs\nbG8=", 9, &n), "hello");
    assert_int_equal(n, 5);
    assert_null(aws_base64_decode(&f->a, "a$==", 4, &n));
    assert_true(aws_is_throttle("ThrottlingException"));
    assert_true(aws_is_throttle("Throttling"));
    assert_false(aws_is_throttle("AccessDenied"));
    assert_false(aws_is_throttle(NULL));
}

/* ---- offline evaluation of exported documents ---- */

static char *slurp(fix *f, const char *name, size_t *len)
{
    const char *root = getenv("ISMS_FIXTURES") ? getenv("ISMS_FIXTURES") : "tests/fixtures";
    char path[512];
    snprintf(path, sizeof path, "%s/aws/%s", root, name);
    FILE *fp = fopen(path, "rb");
    if (!fp)
        fail_msg("cannot open %s", path);
    char *data = arena_alloc(&f->a, 1 << 20);
    *len = fread(data, 1, (1 << 20) - 1, fp);
    fclose(fp);
    return data;
}

static int eval_doc(fix *f, const char *id, const char *doc, size_t len)
{
    memset(&f->res, 0, sizeof f->res);
    err_clear(&f->err);
    return def(id)->evaluate(&f->ctx, doc, len, &f->res, &f->err);
}

static void evaluate(fix *f, const char *id, const char *file, check_status st)
{
    size_t len;
    char *doc = slurp(f, file, &len);
    int rc = eval_doc(f, id, doc, len);
    if (rc)
        fail_msg("%s on %s: %s", id, file, f->err.msg);
    if (f->res.status != st)
        fail_msg("%s on %s: %s, wanted %s: %s", id, file, status_name(f->res.status), status_name(st),
                 f->res.summary);
}

static void test_offline_password_policy(void **state)
{
    fix *f = *state;
    evaluate(f, "aws.password_policy", "offline/get-account-password-policy.pass.json", CHECK_PASS);
    has(f->res.summary, "at least 14 characters");
    evaluate(f, "aws.password_policy", "offline/get-account-password-policy.fail.json", CHECK_FAIL);
    assert_string_equal(f->res.summary, "password policy below the CIS baseline: MinimumPasswordLength, RequireSymbols, "
                                        "PasswordReusePrevention");
    has(f->res.details, "PasswordReusePrevention is 5; the baseline is 24");
    const char *bare = "{\"MinimumPasswordLength\": 20, \"RequireSymbols\": true, \"RequireNumbers\": true, "
                       "\"RequireUppercaseCharacters\": true, \"RequireLowercaseCharacters\": true, "
                       "\"PasswordReusePrevention\": 24}";
    assert_int_equal(eval_doc(f, "aws.password_policy", bare, strlen(bare)), ISMS_OK);
    assert_int_equal(f->res.status, CHECK_PASS);
    const char *bom = "\xEF\xBB\xBF\n{\"PasswordPolicy\": {\"MinimumPasswordLength\": 6, \"RequireSymbols\": false, "
                      "\"RequireNumbers\": true, \"RequireUppercaseCharacters\": true, "
                      "\"RequireLowercaseCharacters\": true}}";
    assert_int_equal(eval_doc(f, "aws.password_policy", bom, strlen(bom)), ISMS_OK);
    assert_int_equal(f->res.status, CHECK_FAIL);
    has(f->res.details, "RequireSymbols is false");
    /* AWS always sends the Require* flags: an export without one is not judged as "off". */
    const char *cut = "{\"PasswordPolicy\": {\"MinimumPasswordLength\": 20, \"RequireSymbols\": true}}";
    assert_int_equal(eval_doc(f, "aws.password_policy", cut, strlen(cut)), ISMS_EINVAL);
    has(f->err.msg, "the PasswordPolicy has no RequireUppercaseCharacters");
    size_t len;
    char *trails = slurp(f, "offline/describe-trails.pass.json", &len);
    assert_int_equal(eval_doc(f, "aws.password_policy", trails, len), ISMS_EINVAL);
    has(f->err.msg, "aws iam get-account-password-policy");
    assert_int_equal(eval_doc(f, "aws.password_policy", "not json", 8), ISMS_EINVAL);
    assert_int_equal(eval_doc(f, "aws.password_policy", "[1]", 3), ISMS_EINVAL);
}

static void test_offline_cloudtrail(void **state)
{
    fix *f = *state;
    evaluate(f, "aws.cloudtrail_multiregion", "offline/describe-trails.pass.json", CHECK_PASS);
    has(f->res.summary, "trail org-trail is multi-region with log file validation");
    has(f->res.summary, "logging status not checked");
    evaluate(f, "aws.cloudtrail_multiregion", "offline/describe-trails.fail.json", CHECK_FAIL);
    has(f->res.summary, "logging status not checked");
    has(f->res.details, "all-regions-novalidation (home us-east-1): multi-region, log file validation OFF");
    assert_int_equal(eval_doc(f, "aws.cloudtrail_multiregion", "{\"trailList\": []}", 17), ISMS_OK);
    assert_int_equal(f->res.status, CHECK_FAIL);
    assert_int_equal(eval_doc(f, "aws.cloudtrail_multiregion", "{\"Trails\": []}", 14), ISMS_EINVAL);
    has(f->err.msg, "aws cloudtrail describe-trails");
}

static void test_offline_root(void **state)
{
    fix *f = *state;
    evaluate(f, "aws.root_mfa", "offline/get-account-summary.pass.json", CHECK_PASS);
    evaluate(f, "aws.root_mfa", "offline/get-account-summary.fail.json", CHECK_FAIL);
    evaluate(f, "aws.root_access_keys", "offline/get-account-summary.pass.json", CHECK_PASS);
    evaluate(f, "aws.root_access_keys", "offline/get-account-summary.fail.json", CHECK_FAIL);
    /* The credential report's root row works too, CSV or the CLI's JSON. */
    evaluate(f, "aws.root_mfa", "offline/credential-report.pass.csv", CHECK_PASS);
    evaluate(f, "aws.root_mfa", "offline/credential-report.fail.csv", CHECK_FAIL);
    has(f->res.details, "credential report root row");
    evaluate(f, "aws.root_access_keys", "offline/get-credential-report.fail.json", CHECK_FAIL);
    evaluate(f, "aws.root_access_keys", "offline/credential-report.pass.csv", CHECK_PASS);
    assert_int_equal(eval_doc(f, "aws.root_mfa", "{\"Users\": 3}", 12), ISMS_EINVAL);
    has(f->err.msg, "get-account-summary");
}

static void test_offline_credential_report(void **state)
{
    fix *f = *state;
    evaluate(f, "aws.console_users_without_mfa", "offline/credential-report.pass.csv", CHECK_PASS);
    assert_string_equal(f->res.summary, "the 1 console user has MFA");
    evaluate(f, "aws.console_users_without_mfa", "offline/credential-report.fail.csv", CHECK_FAIL);
    assert_string_equal(f->res.details, "alice: console password, no MFA device (password last used 2024-02-01)\n"
                                        "carol: console password, no MFA device (password never used)");
    evaluate(f, "aws.console_users_without_mfa", "offline/get-credential-report.fail.json", CHECK_FAIL);
    assert_string_equal(f->res.summary, "2 of 3 console users without MFA");
    evaluate(f, "aws.access_keys_rotation", "offline/credential-report.pass.csv", CHECK_PASS);
    assert_string_equal(f->res.summary, "no active access keys");
    evaluate(f, "aws.access_keys_rotation", "offline/credential-report.fail.csv", CHECK_FAIL);
    assert_string_equal(f->res.summary, "3 of 3 active access keys not rotated or not used within 90 days");
    has(f->res.details, "alice: access key 1 last rotated 2021-01-10");
    has(f->res.details, "old-svc: access key 2 last rotated 2022-09-09");
    has(f->res.details, "never used");

    /* A fresh key in a report made now: rotated 10 days ago, never used yet, is fine. */
    char csv[1024], when[32];
    time_t t = time(NULL) - 10 * 86400;
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S+00:00", gmtime(&t));
    snprintf(csv, sizeof csv,
             "user,arn,password_enabled,password_last_used,mfa_active,access_key_1_active,"
             "access_key_1_last_rotated,access_key_1_last_used_date,access_key_2_active,access_key_2_last_rotated,"
             "access_key_2_last_used_date\r\nbob,arn:aws:iam::1:user/bob,false,N/A,false,true,%s,N/A,false,N/A,N/A\r\n",
             when);
    assert_int_equal(eval_doc(f, "aws.access_keys_rotation", csv, strlen(csv)), ISMS_OK);
    assert_int_equal(f->res.status, CHECK_PASS);
    assert_string_equal(f->res.summary, "1 active access key, all rotated and used within 90 days");

    const char *wrong = "name,email\nalice,a@example.com\n";
    assert_int_equal(eval_doc(f, "aws.access_keys_rotation", wrong, strlen(wrong)), ISMS_EINVAL);
    has(f->err.msg, "not an IAM credential report");
    assert_int_equal(eval_doc(f, "aws.console_users_without_mfa", "{\"Content\": \"@@@\"}", 18), ISMS_EINVAL);
    assert_int_equal(eval_doc(f, "aws.console_users_without_mfa", "", 0), ISMS_EINVAL);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_table),
        T(test_missing_credentials),
        T(test_bad_configuration),
        T(test_regions),
        T(test_service_endpoint),
        T(test_root_mfa),
        T(test_root_access_keys),
        T(test_password_policy),
        T(test_access_denied),
        T(test_console_users),
        T(test_access_keys_rotation),
        T(test_cloudtrail),
        T(test_s3_encryption),
        T(test_s3_unreadable_and_empty),
        T(test_s3_public_access_block),
        T(test_kms_rotation),
        T(test_throttling_retried),
        T(test_throttling_exhausted),
        T(test_timeout),
        T(test_session_shares_reads),
        T(test_session_gives_up),
        T(test_hold_limit),
        T(test_secrets_never_kept),
        T(test_session_token),
        T(test_unreachable),
        T(test_xml_and_base64),
        T(test_offline_password_policy),
        T(test_offline_cloudtrail),
        T(test_offline_root),
        T(test_offline_credential_report),
    };
    return cmocka_run_group_tests_name("aws", tests, start_server, stop_server);
}
