/* The GitHub checks against the fake GitHub API (tests/fakeapi/github.py, fixtures in
 * tests/fixtures/github): pass and fail scenarios of every check, paging, retries, bad tokens,
 * missing configuration, the raw evidence, and the offline evaluations. */
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
#include <unistd.h>

#include "collect/github.h"
#include "collect/http.h"

#define TOKEN "ghp_fakeTOKEN4isms0123456789abcdef"

static pid_t server;
static char base[64];

/* The environment the checks see, through check_ctx.getenv. */
static struct {
    const char *name, *value;
} envs[8];

static const char *fake_getenv(const char *name)
{
    for (size_t i = 0; i < sizeof envs / sizeof *envs && envs[i].name; i++)
        if (!strcmp(envs[i].name, name))
            return envs[i].value;
    return NULL;
}

static void set_env(const char *name, const char *value)
{
    size_t i = 0;
    while (i < sizeof envs / sizeof *envs - 1 && envs[i].name && strcmp(envs[i].name, name))
        i++;
    envs[i].name = name;
    envs[i].value = value;
}

static int start_server(void **state)
{
    (void)state;
    setenv("ISMS_HTTP_BACKOFF_MS", "10", 1);
    int fds[2];
    if (pipe(fds))
        return -1;
    server = fork();
    if (server < 0)
        return -1;
    if (server == 0) {
        prctl(PR_SET_PDEATHSIG, SIGTERM); /* never outlive a crashed test */
        dup2(fds[1], 1);
        close(fds[0]);
        close(fds[1]);
        setenv("FAKE_GITHUB_TOKEN", TOKEN, 1);
        const char *root = getenv("ISMS_ROOT") ? getenv("ISMS_ROOT") : ".";
        char script[512];
        snprintf(script, sizeof script, "%s/tests/fakeapi/github.py", root);
        execlp("python3", "python3", script, (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    char line[32] = {0};
    FILE *f = fdopen(fds[0], "r");
    int ok = f && fgets(line, sizeof line, f) && atoi(line) > 0;
    if (f)
        fclose(f);
    if (!ok)
        return -1;
    snprintf(base, sizeof base, "http://127.0.0.1:%d", atoi(line));
    return 0;
}

static int stop_server(void **state)
{
    (void)state;
    kill(server, SIGTERM);
    waitpid(server, NULL, 0);
    return 0;
}

typedef struct fix {
    arena a;
    buf raw;
    check_ctx ctx;
    check_result res;
    isms_err err;
} fix;

/* POST to a control endpoint of the fake; returns the response body. */
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

static void scenario(fix *f, const char *json) { control(f, "POST", "/__scenario", json); }

static int setup(void **state)
{
    fix *f = calloc(1, sizeof *f);
    arena_init(&f->a);
    buf_init(&f->raw, 64u << 20);
    f->ctx = (check_ctx){.a = &f->a, .raw = &f->raw, .getenv = fake_getenv, .timeout_ms = 5000, .max_retries = 4};
    memset(envs, 0, sizeof envs);
    set_env("GITHUB_TOKEN", TOKEN);
    set_env("ISMS_GITHUB_ORG", "acme");
    set_env("ISMS_GITHUB_API_URL", base);
    *state = f;
    scenario(f, "{\"name\":\"default\"}");
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
    for (const check_def *d = checks_github; d->id; d++)
        if (!strcmp(d->id, id))
            return d;
    fail_msg("no check %s", id);
    return NULL;
}

/* Run a check with a fresh raw buffer; returns its rc. */
static int run(fix *f, const char *id)
{
    buf_reset(&f->raw);
    memset(&f->res, 0, sizeof f->res);
    err_clear(&f->err);
    int rc = def(id)->run(&f->ctx, &f->res, &f->err);
    /* Whatever happened, the token is never kept nor told. */
    assert_null(f->raw.data ? strstr(f->raw.data, TOKEN) : NULL);
    assert_null(strstr(f->err.msg, TOKEN));
    if (!rc) {
        assert_non_null(f->res.summary);
        assert_null(strstr(f->res.summary, TOKEN));
        assert_null(f->res.details ? strstr(f->res.details, TOKEN) : NULL);
    }
    return rc;
}

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

/* How many requests to path the fake served since the scenario was set. */
static int served(fix *f, const char *path)
{
    json_t *log = json_loads(control(f, "GET", "/__requests", NULL), 0, NULL);
    assert_non_null(log);
    size_t i;
    json_t *e;
    int n = 0;
    json_array_foreach(log, i, e) n += !strcmp(json_string_value(json_object_get(e, "path")), path);
    json_decref(log);
    return n;
}

static void test_table(void **state)
{
    const char *ids[] = {"github.org_2fa_required", "github.members_without_2fa", "github.branch_protection",
                         "github.secret_scanning", "github.dependabot_security_updates"};
    size_t n = 0;
    for (const check_def *d = checks_github; d->id; d++, n++) {
        assert_string_equal(d->id, ids[n]);
        assert_string_equal(d->source, "github");
        assert_non_null(d->title);
        assert_non_null(d->run);
        assert_int_equal(d->interval_s, 86400);
        has(d->controls, "A.");
    }
    assert_int_equal(n, 5);
    assert_null(checks_github[5].source);
    assert_null(checks_github[5].run);
    assert_string_equal(def("github.org_2fa_required")->controls, "A.5.17,A.8.5");
    assert_string_equal(def("github.branch_protection")->controls, "A.8.32,A.8.25,A.8.4");
    assert_string_equal(def("github.secret_scanning")->controls, "A.8.4,A.8.12");
    assert_string_equal(def("github.dependabot_security_updates")->controls, "A.8.8");
    assert_non_null(def("github.org_2fa_required")->evaluate);
    assert_non_null(def("github.branch_protection")->evaluate);
    assert_null(def("github.secret_scanning")->evaluate);
    has(github_checks_source, "GITHUB_TOKEN");
}

static void test_org_2fa(void **state)
{
    fix *f = *state;
    assert_int_equal(run(f, "github.org_2fa_required"), ISMS_OK);
    assert_int_equal(f->res.status, CHECK_PASS);
    has(f->res.summary, "acme requires two-factor");
    has(f->raw.data, "\"two_factor_requirement_enabled\":true");
    has(f->raw.data, "/orgs/acme\"");
    scenario(f, "{\"name\":\"fail\"}");
    assert_int_equal(run(f, "github.org_2fa_required"), ISMS_OK);
    assert_int_equal(f->res.status, CHECK_FAIL);
    has(f->res.summary, "does not require");
    scenario(f, "{\"name\":\"nonowner\"}");
    assert_int_equal(run(f, "github.org_2fa_required"), ISMS_EINVAL);
    has(f->err.msg, "owner");
    has(f->raw.data, "\"two_factor_requirement_enabled\":null"); /* the evidence of why */
    set_env("ISMS_GITHUB_ORG", "nosuchorg");
    assert_int_equal(run(f, "github.org_2fa_required"), ISMS_ENOTFOUND);
    has(f->err.msg, "nosuchorg");
}

static void test_members_without_2fa(void **state)
{
    fix *f = *state;
    assert_int_equal(run(f, "github.members_without_2fa"), ISMS_OK);
    assert_int_equal(f->res.status, CHECK_PASS);
    assert_null(f->res.details);
    scenario(f, "{\"name\":\"fail\",\"page_size\":2}");
    assert_int_equal(run(f, "github.members_without_2fa"), ISMS_OK);
    assert_int_equal(f->res.status, CHECK_FAIL);
    has(f->res.summary, "3 members of acme without two-factor");
    has(f->res.details, "bob: two-factor authentication disabled");
    has(f->res.details, "carol");
    has(f->res.details, "dave"); /* on the second page */
    lacks(f->res.details, "alice");
    assert_int_equal(served(f, "/orgs/acme/members"), 2);
    has(f->raw.data, "filter=2fa_disabled");
    scenario(f, "{\"name\":\"nonowner\"}");
    assert_int_equal(run(f, "github.members_without_2fa"), ISMS_EINVAL);
    has(f->err.msg, "owner");
    has(f->err.msg, "403");
}

static void test_branch_protection(void **state)
{
    fix *f = *state;
    assert_int_equal(run(f, "github.branch_protection"), ISMS_OK);
    assert_int_equal(f->res.status, CHECK_PASS);
    has(f->res.summary, "all 5 repositories"); /* six, one archived */
    assert_int_equal(served(f, "/repos/acme/legacy/branches/master/protection"), 0);
    assert_int_equal(served(f, "/repos/acme/infra/branches/release%2Fprod/protection"), 1);
    scenario(f, "{\"name\":\"fail\"}");
    assert_int_equal(run(f, "github.branch_protection"), ISMS_OK);
    assert_int_equal(f->res.status, CHECK_FAIL);
    has(f->res.summary, "3 of 5 repositories");
    const char *d = f->res.details;
    has(d, "acme/web (main): not protected");
    has(d, "acme/infra (release/prod): 0 approving reviews required (needs at least 1); stale approvals not dismissed "
           "on new commits; administrators not included (enforce_admins off); force pushes allowed");
    has(d, "acme/tools (trunk): pull request reviews not required");
    lacks(d, "acme/api");
    lacks(d, "acme/docs");
    lacks(d, "legacy");
    has(f->raw.data, "Branch not protected");
}

static void test_secret_scanning(void **state)
{
    fix *f = *state;
    assert_int_equal(run(f, "github.secret_scanning"), ISMS_OK);
    assert_int_equal(f->res.status, CHECK_PASS);
    has(f->res.summary, "all 5 repositories");
    scenario(f, "{\"name\":\"fail\"}");
    assert_int_equal(run(f, "github.secret_scanning"), ISMS_OK);
    assert_int_equal(f->res.status, CHECK_FAIL);
    has(f->res.summary, "2 of 5 repositories");
    const char *d = f->res.details;
    has(d, "acme/web: secret scanning disabled; push protection disabled");
    has(d, "acme/infra: push protection disabled");
    has(d, "acme/tools: secret scanning settings not visible");
    has(d, "acme/docs: secret scanning settings not visible");
    lacks(d, "acme/api");
    lacks(d, "legacy");
}

static void test_secret_scanning_unverifiable_is_error(void **state)
{
    fix *f = *state;
    /* Nothing proven wrong, but two repositories unreadable: an error, not a pass. */
    control(f, "POST", "/__inject",
            "[{\"path\":\"/repos/acme/web\",\"count\":1,\"status\":404,\"body\":{\"message\":\"Not Found\"}},"
            "{\"path\":\"/repos/acme/api\",\"count\":1,\"status\":403,"
            "\"body\":{\"message\":\"Resource not accessible\"}}]");
    assert_int_equal(run(f, "github.secret_scanning"), ISMS_OK);
    assert_int_equal(f->res.status, CHECK_ERROR);
    has(f->res.summary, "2 of 5");
    has(f->res.details, "acme/web: could not read the repository (404 Not Found)");
    has(f->res.details, "acme/api: could not read the repository (403 Resource not accessible)");
}

static void test_dependabot(void **state)
{
    fix *f = *state;
    assert_int_equal(run(f, "github.dependabot_security_updates"), ISMS_OK);
    assert_int_equal(f->res.status, CHECK_PASS);
    has(f->res.summary, "all 5 repositories");
    assert_int_equal(served(f, "/repos/acme/api/vulnerability-alerts"), 0);
    scenario(f, "{\"name\":\"fail\"}");
    assert_int_equal(run(f, "github.dependabot_security_updates"), ISMS_OK);
    assert_int_equal(f->res.status, CHECK_FAIL);
    has(f->res.summary, "2 of 5 repositories");
    const char *d = f->res.details;
    has(d, "acme/web: Dependabot security updates disabled");
    has(d, "acme/docs: Dependabot alerts disabled");
    has(d, "acme/tools: Dependabot alerts enabled"); /* the fallback, as a note */
    lacks(d, "acme/infra");
    lacks(d, "legacy");
    assert_int_equal(served(f, "/repos/acme/tools/vulnerability-alerts"), 1);
    has(f->raw.data, "vulnerability-alerts\",\"status\":204");
}

static void test_paging_three_pages(void **state)
{
    fix *f = *state;
    scenario(f, "{\"name\":\"default\",\"page_size\":2}");
    assert_int_equal(run(f, "github.branch_protection"), ISMS_OK);
    assert_int_equal(f->res.status, CHECK_PASS);
    has(f->res.summary, "all 5 repositories");
    assert_int_equal(served(f, "/orgs/acme/repos"), 3);
    has(f->raw.data, "/orgs/acme/repos?per_page=100&type=all&page=3");
    has(f->raw.data, "acme/docs"); /* from the last page */
    /* Every raw line is one JSON document naming its URL and status. */
    int lines = 0;
    for (char *p = f->raw.data; p && *p; lines++) {
        char *nl = strchr(p, '\n');
        assert_non_null(nl);
        json_t *j = json_loadb(p, (size_t)(nl - p), 0, NULL);
        assert_non_null(j);
        assert_non_null(json_string_value(json_object_get(j, "url")));
        assert_true(json_is_integer(json_object_get(j, "status")));
        json_decref(j);
        p = nl + 1;
    }
    assert_int_equal(lines, 3 + 5);
}

static void test_retry_429_then_success(void **state)
{
    fix *f = *state;
    control(f, "POST", "/__inject", "{\"path\":\"/orgs/acme/repos\",\"count\":1,\"status\":429,\"retry_after\":\"0\"}");
    assert_int_equal(run(f, "github.secret_scanning"), ISMS_OK);
    assert_int_equal(f->res.status, CHECK_PASS);
    assert_int_equal(served(f, "/orgs/acme/repos"), 2);
}

static void test_rate_limited(void **state)
{
    fix *f = *state;
    scenario(f, "{\"name\":\"ratelimited\"}");
    assert_int_equal(run(f, "github.org_2fa_required"), ISMS_EIO);
    has(f->err.msg, "rate limit");
    has(f->err.msg, "resets at 20");
    assert_int_equal(served(f, "/orgs/acme"), 1); /* an hour away: not waited for */
}

static void test_bad_token(void **state)
{
    fix *f = *state;
    set_env("GITHUB_TOKEN", "ghp_WRONGtoken00000000000000000000");
    assert_int_equal(run(f, "github.branch_protection"), ISMS_EINVAL);
    has(f->err.msg, "401");
    has(f->err.msg, "Bad credentials");
    has(f->err.msg, "GITHUB_TOKEN");
    lacks(f->err.msg, "WRONGtoken");
    lacks(f->raw.data, "WRONGtoken");
}

static void test_missing_configuration(void **state)
{
    fix *f = *state;
    set_env("GITHUB_TOKEN", NULL);
    assert_int_equal(run(f, "github.org_2fa_required"), ISMS_EINVAL);
    has(f->err.msg, "GITHUB_TOKEN");
    set_env("GITHUB_TOKEN", "");
    assert_int_equal(run(f, "github.secret_scanning"), ISMS_EINVAL);
    has(f->err.msg, "GITHUB_TOKEN");
    set_env("GITHUB_TOKEN", TOKEN);
    set_env("ISMS_GITHUB_ORG", NULL);
    assert_int_equal(run(f, "github.members_without_2fa"), ISMS_EINVAL);
    has(f->err.msg, "ISMS_GITHUB_ORG");
    set_env("ISMS_GITHUB_ORG", "acme/../x");
    assert_int_equal(run(f, "github.members_without_2fa"), ISMS_EINVAL);
    has(f->err.msg, "ISMS_GITHUB_ORG");
    set_env("ISMS_GITHUB_ORG", "acme");
    /* The token never travels in clear to another machine. */
    set_env("ISMS_GITHUB_API_URL", "http://api.example.com");
    assert_int_equal(run(f, "github.org_2fa_required"), ISMS_EINVAL);
    has(f->err.msg, "ISMS_GITHUB_API_URL");
    assert_int_equal(f->raw.len, 0);
}

static void test_raw_scrubs_echoed_token(void **state)
{
    fix *f = *state;
    control(f, "POST", "/__inject",
            "{\"path\":\"/orgs/acme\",\"count\":1,\"status\":200,\"body\":{\"login\":\"acme\","
            "\"two_factor_requirement_enabled\":true,\"echo\":\"Bearer " TOKEN "\"}}");
    assert_int_equal(run(f, "github.org_2fa_required"), ISMS_OK); /* run() asserts the token is absent */
    assert_int_equal(f->res.status, CHECK_PASS);
    has(f->raw.data, "Bearer [redacted]");
}

static void test_refuses_foreign_paging_link(void **state)
{
    fix *f = *state;
    control(f, "POST", "/__inject",
            "{\"path\":\"/orgs/acme/members\",\"count\":1,\"status\":200,\"body\":[],"
            "\"headers\":{\"Link\":\"<http://127.0.0.2:9/steal?page=2>; rel=\\\"next\\\"\"}}");
    assert_int_equal(run(f, "github.members_without_2fa"), ISMS_EIO);
    has(f->err.msg, "paging link");
}

static void test_timeout_is_error(void **state)
{
    fix *f = *state;
    f->ctx.timeout_ms = 300;
    f->ctx.max_retries = 1;
    control(f, "POST", "/__inject", "{\"path\":\"/orgs/acme\",\"count\":2,\"sleep\":1.5}");
    assert_int_equal(run(f, "github.org_2fa_required"), ISMS_EIO);
    has(f->err.msg, "timeout");
    has(f->err.msg, "127.0.0.1");
}

static char *slurp(fix *f, const char *rel, size_t *len)
{
    const char *root = getenv("ISMS_FIXTURES") ? getenv("ISMS_FIXTURES") : "tests/fixtures";
    char path[512];
    snprintf(path, sizeof path, "%s/github/%s", root, rel);
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    char *data = arena_alloc(&f->a, 1 << 20);
    *len = fread(data, 1, (1 << 20) - 1, fp);
    fclose(fp);
    return data;
}

static int eval(fix *f, const char *id, const char *doc, size_t len)
{
    memset(&f->res, 0, sizeof f->res);
    err_clear(&f->err);
    return def(id)->evaluate(&f->ctx, doc, len, &f->res, &f->err);
}

static void test_evaluate(void **state)
{
    fix *f = *state;
    size_t len;
    const char *doc = slurp(f, "default/org.json", &len);
    assert_int_equal(eval(f, "github.org_2fa_required", doc, len), ISMS_OK);
    assert_int_equal(f->res.status, CHECK_PASS);
    doc = slurp(f, "fail/org.json", &len);
    assert_int_equal(eval(f, "github.org_2fa_required", doc, len), ISMS_OK);
    assert_int_equal(f->res.status, CHECK_FAIL);
    has(f->res.details, "default repository permission for members: write");
    doc = slurp(f, "nonowner/org.json", &len);
    assert_int_equal(eval(f, "github.org_2fa_required", doc, len), ISMS_EINVAL);
    has(f->err.msg, "owner");
    assert_int_equal(eval(f, "github.org_2fa_required", "[1,2", 4), ISMS_EINVAL);
    assert_int_equal(eval(f, "github.org_2fa_required", "[]", 2), ISMS_EINVAL);

    doc = slurp(f, "default/protection/api.json", &len);
    assert_int_equal(eval(f, "github.branch_protection", doc, len), ISMS_OK);
    assert_int_equal(f->res.status, CHECK_PASS);
    has(f->res.summary, "acme/api (main)");
    doc = slurp(f, "fail/protection/infra.json", &len);
    assert_int_equal(eval(f, "github.branch_protection", doc, len), ISMS_OK);
    assert_int_equal(f->res.status, CHECK_FAIL);
    has(f->res.details, "acme/infra (release/prod): 0 approving reviews");
    has(f->res.details, "force pushes allowed");
    const char *nf = "{\"message\":\"Branch not protected\",\"documentation_url\":\"https://docs.github.com/rest\"}";
    assert_int_equal(eval(f, "github.branch_protection", nf, strlen(nf)), ISMS_OK);
    assert_int_equal(f->res.status, CHECK_FAIL);
    const char *other = "{\"message\":\"Not Found\"}";
    assert_int_equal(eval(f, "github.branch_protection", other, strlen(other)), ISMS_EINVAL);
    doc = slurp(f, "default/org.json", &len);
    assert_int_equal(eval(f, "github.branch_protection", doc, len), ISMS_EINVAL);

    doc = slurp(f, "fail/members_2fa_disabled.json", &len);
    assert_int_equal(eval(f, "github.members_without_2fa", doc, len), ISMS_OK);
    assert_int_equal(f->res.status, CHECK_FAIL);
    has(f->res.details, "carol");
    assert_int_equal(eval(f, "github.members_without_2fa", "[]", 2), ISMS_OK);
    assert_int_equal(f->res.status, CHECK_PASS);
    assert_int_equal(f->raw.len, 0); /* offline evaluation keeps nothing itself */
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_table),
        T(test_org_2fa),
        T(test_members_without_2fa),
        T(test_branch_protection),
        T(test_secret_scanning),
        T(test_secret_scanning_unverifiable_is_error),
        T(test_dependabot),
        T(test_paging_three_pages),
        T(test_retry_429_then_success),
        T(test_rate_limited),
        T(test_bad_token),
        T(test_missing_configuration),
        T(test_raw_scrubs_echoed_token),
        T(test_refuses_foreign_paging_link),
        T(test_timeout_is_error),
        T(test_evaluate),
    };
    return cmocka_run_group_tests_name("github", tests, start_server, stop_server);
}
