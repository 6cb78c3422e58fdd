/* The collectors' HTTP client against the generic fake server (tests/fakeapi/common.py): plain
 * responses, retries with Retry-After and backoff, the body cap, timeouts, Link paging,
 * per-attempt signing, and what error messages leave out. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "collect/http.h"

static pid_t server;
static char base[64];

/* Start the fake server and read the port it prints on its first line. */
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
        const char *root = getenv("ISMS_ROOT") ? getenv("ISMS_ROOT") : ".";
        char script[512];
        snprintf(script, sizeof script, "%s/tests/fakeapi/common.py", root);
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
    http_client c;
    arena a;
    isms_err err;
    http_response r;
} fix;

static char *url(fix *f, const char *path) { return arena_sprintf(&f->a, "%s%s", base, path); }

/* POST a control document (scenario, injection, reset) to the fake server. */
static void control(fix *f, const char *path, const char *json)
{
    http_client c;
    http_response r;
    assert_int_equal(http_init(&c, &f->err), ISMS_OK);
    http_header h[] = {{"Content-Type", "application/json"}};
    assert_int_equal(http_request(&c, "POST", url(f, path), h, 1, json, strlen(json), &f->a, &r, &f->err), ISMS_OK);
    assert_int_equal(r.status, 200);
    http_cleanup(&c);
}

static int setup(void **state)
{
    fix *f = calloc(1, sizeof *f);
    arena_init(&f->a);
    if (http_init(&f->c, &f->err))
        return -1;
    *state = f;
    control(f, "/__reset", "{}");
    return 0;
}

static int teardown(void **state)
{
    fix *f = *state;
    http_cleanup(&f->c);
    arena_free(&f->a);
    free(f);
    return 0;
}

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static int get(fix *f, const char *path)
{
    return http_request(&f->c, "GET", url(f, path), NULL, 0, NULL, 0, &f->a, &f->r, &f->err);
}

static void test_defaults(void **state)
{
    fix *f = *state;
    assert_int_equal(f->c.timeout_ms, 15000);
    assert_int_equal(f->c.max_retries, 4);
    assert_int_equal(f->c.backoff_ms, 10); /* $ISMS_HTTP_BACKOFF_MS */
    assert_int_equal(f->c.max_wait_ms, 30000);
    assert_true(f->c.max_body == 64u << 20);
}

static void test_200_body_and_headers(void **state)
{
    fix *f = *state;
    http_header h[] = {{"X-Test", "yes"}};
    assert_int_equal(http_request(&f->c, "GET", url(f, "/echo?q=1"), h, 1, NULL, 0, &f->a, &f->r, &f->err), ISMS_OK);
    assert_int_equal(f->r.status, 200);
    assert_int_equal(f->r.attempts, 1);
    assert_non_null(strstr(f->r.body, "\"x-test\": \"yes\""));
    assert_non_null(strstr(f->r.body, "\"user-agent\": \"isms/"));
    assert_int_equal(f->r.len, strlen(f->r.body));
    assert_non_null(f->r.content_type);
    assert_non_null(strstr(f->r.content_type, "application/json"));
    assert_null(f->r.link_next);
    assert_int_equal(f->r.retry_after_ms, -1);
    assert_int_equal(f->r.ratelimit_remaining, -1);
    /* A body is sent with the method given. */
    assert_int_equal(http_request(&f->c, "PUT", url(f, "/echo"), NULL, 0, "abc", 3, &f->a, &f->r, &f->err), ISMS_OK);
    assert_non_null(strstr(f->r.body, "\"method\": \"PUT\""));
    assert_non_null(strstr(f->r.body, "\"body\": \"abc\""));
}

static void test_404_is_a_status(void **state)
{
    fix *f = *state;
    assert_int_equal(get(f, "/status/404"), ISMS_OK);
    assert_int_equal(f->r.status, 404);
    assert_int_equal(f->r.attempts, 1);
    assert_non_null(strstr(f->r.body, "404"));
}

static void test_429_retry_after_then_200(void **state)
{
    fix *f = *state;
    control(f, "/__inject", "{\"path\":\"/echo\",\"count\":1,\"status\":429,\"retry_after\":\"1\"}");
    long t0 = now_ms();
    assert_int_equal(get(f, "/echo"), ISMS_OK);
    long took = now_ms() - t0;
    assert_int_equal(f->r.status, 200);
    assert_int_equal(f->r.attempts, 2);
    assert_true(took >= 900); /* Retry-After wins over the 10 ms backoff */
    assert_true(took < 5000);
}

static void test_retry_after_http_date(void **state)
{
    fix *f = *state;
    char date[64], doc[256];
    time_t when = time(NULL) + 2;
    struct tm tm;
    gmtime_r(&when, &tm);
    strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    snprintf(doc, sizeof doc, "{\"path\":\"/echo\",\"count\":1,\"status\":503,\"retry_after\":\"%s\"}", date);
    control(f, "/__inject", doc);
    long t0 = now_ms();
    assert_int_equal(get(f, "/echo"), ISMS_OK);
    long took = now_ms() - t0;
    assert_int_equal(f->r.status, 200);
    assert_int_equal(f->r.attempts, 2);
    assert_true(took >= 900);
    assert_true(took < 5000);
}

static void test_wait_capped_by_max_wait(void **state)
{
    fix *f = *state;
    control(f, "/__inject", "{\"path\":\"/echo\",\"count\":1,\"status\":429,\"retry_after\":\"120\"}");
    f->c.max_wait_ms = 200;
    long t0 = now_ms();
    assert_int_equal(get(f, "/echo"), ISMS_OK);
    assert_int_equal(f->r.status, 200);
    assert_int_equal(f->r.attempts, 2);
    assert_true(now_ms() - t0 < 3000);
}

static void test_503_three_times_then_200(void **state)
{
    fix *f = *state;
    control(f, "/__inject", "{\"path\":\"/echo\",\"count\":3,\"status\":503}");
    assert_int_equal(get(f, "/echo"), ISMS_OK);
    assert_int_equal(f->r.status, 200);
    assert_int_equal(f->r.attempts, 4);
}

static void test_permanent_503(void **state)
{
    fix *f = *state;
    control(f, "/__inject", "{\"path\":\"/echo\",\"count\":100,\"status\":503}");
    f->c.max_retries = 2;
    assert_int_equal(get(f, "/echo"), ISMS_OK);
    assert_int_equal(f->r.status, 503);
    assert_int_equal(f->r.attempts, 3);
    assert_non_null(strstr(f->r.body, "injected 503"));
    f->c.max_retries = 0;
    assert_int_equal(get(f, "/echo"), ISMS_OK);
    assert_int_equal(f->r.attempts, 1);
}

static void test_rate_limit_headers(void **state)
{
    fix *f = *state;
    /* Quota exhausted for an hour: returned at once, with what the caller needs to say so. */
    char doc[256];
    snprintf(doc, sizeof doc,
             "{\"path\":\"/echo\",\"count\":5,\"status\":403,\"headers\":{\"X-RateLimit-Remaining\":\"0\","
             "\"X-RateLimit-Reset\":\"%lld\"}}",
             (long long)time(NULL) + 3600);
    control(f, "/__inject", doc);
    assert_int_equal(get(f, "/echo"), ISMS_OK);
    assert_int_equal(f->r.status, 403);
    assert_int_equal(f->r.attempts, 1);
    assert_int_equal(f->r.ratelimit_remaining, 0);
    assert_true(f->r.ratelimit_reset > (long long)time(NULL));
    control(f, "/__reset", "{}");
    /* A reset already past: retried. A 403 with Retry-After (a secondary limit): retried. */
    snprintf(doc, sizeof doc,
             "[{\"path\":\"/echo\",\"count\":1,\"status\":403,\"headers\":{\"X-RateLimit-Remaining\":\"0\","
             "\"X-RateLimit-Reset\":\"%lld\"}},{\"path\":\"/echo\",\"count\":1,\"status\":403,\"retry_after\":\"0\"}]",
             (long long)time(NULL) - 5);
    control(f, "/__inject", doc);
    assert_int_equal(get(f, "/echo"), ISMS_OK);
    assert_int_equal(f->r.status, 200);
    assert_int_equal(f->r.attempts, 3);
    /* A plain 403 is an answer, not retried. */
    assert_int_equal(get(f, "/status/403"), ISMS_OK);
    assert_int_equal(f->r.status, 403);
    assert_int_equal(f->r.attempts, 1);
}

static void test_timeout(void **state)
{
    fix *f = *state;
    f->c.timeout_ms = 300;
    f->c.max_retries = 1;
    http_header h[] = {{"Authorization", "Bearer s3cr3t-value"}};
    long t0 = now_ms();
    assert_int_equal(http_request(&f->c, "GET", url(f, "/sleep/2000?token=qs3cr3t"), h, 1, NULL, 0, &f->a, &f->r,
                                  &f->err),
                     ISMS_EIO);
    assert_true(now_ms() - t0 < 1900);
    assert_non_null(strstr(f->err.msg, "timeout"));
    assert_non_null(strstr(f->err.msg, "127.0.0.1"));
    assert_non_null(strstr(f->err.msg, "2 attempts"));
    assert_null(strstr(f->err.msg, "s3cr3t"));
    assert_null(strstr(f->err.msg, "/sleep"));
    assert_int_equal(f->r.attempts, 2);
    /* The handle is still usable after an aborted transfer. */
    f->c.timeout_ms = 5000;
    assert_int_equal(get(f, "/status/200"), ISMS_OK);
    assert_int_equal(f->r.status, 200);
}

/* A client that stops after a timeout waits once, and then refuses every request at once. */
static void test_stop_after_timeout(void **state)
{
    fix *f = *state;
    f->c.timeout_ms = 300;
    f->c.max_retries = 3;
    f->c.stop_after_timeout = 1;
    long t0 = now_ms();
    assert_int_equal(get(f, "/sleep/2000"), ISMS_EIO);
    assert_int_equal(f->r.attempts, 1);
    assert_non_null(strstr(f->err.msg, "no complete response within 300 ms; not asked again in this run"));
    assert_int_equal(get(f, "/status/200"), ISMS_EIO);
    assert_non_null(strstr(f->err.msg, "did not answer within 300 ms earlier in this run"));
    assert_true(now_ms() - t0 < 1500);
}

/* A taken body is the caller's: released at once, not kept in the arena. */
static void test_request_take(void **state)
{
    fix *f = *state;
    size_t before = f->a.used;
    assert_int_equal(http_request_take(&f->c, "GET", url(f, "/bytes/200000"), NULL, 0, NULL, 0, &f->a, &f->r, &f->err),
                     ISMS_OK);
    assert_int_equal(f->r.len, 200000);
    assert_int_equal(f->r.body[199999], 'x');
    assert_int_equal(f->r.body[200000], '\0');
    assert_true(f->a.used - before < 100000);
    http_response_free(&f->r);
    assert_null(f->r.body);
    http_response_free(&f->r); /* twice is fine */
    assert_int_equal(http_request_take(&f->c, "GET", url(f, "/status/204"), NULL, 0, NULL, 0, &f->a, &f->r, &f->err),
                     ISMS_OK);
    assert_string_equal(f->r.body, "");
    http_response_free(&f->r);
}

/* Paging keys: a key seen before names the page it led to, however many pages there are. */
static void test_pages_seen(void **state)
{
    fix *f = *state;
    http_pages p;
    http_pages_init(&p, &f->a);
    assert_int_equal(http_pages_seen(&p, "A", 1), 0);
    assert_int_equal(http_pages_seen(&p, "B", 2), 0);
    assert_int_equal(http_pages_seen(&p, "A", 3), 1);
    for (int i = 0; i < 5000; i++)
        assert_int_equal(http_pages_seen(&p, arena_sprintf(&f->a, "token-%d", i), (size_t)i + 3), 0);
    assert_int_equal(http_pages_seen(&p, "token-4321", 9999), 4324);
    assert_int_equal(http_pages_seen(&p, "B", 9999), 2);
    assert_string_equal(http_size_text(&f->a, 64u << 20), "64 MiB");
    assert_string_equal(http_size_text(&f->a, 1000), "1000 bytes");
}

static void test_body_cap(void **state)
{
    fix *f = *state;
    f->c.max_body = 100000;
    assert_int_equal(get(f, "/bytes/100000"), ISMS_OK);
    assert_int_equal(f->r.len, 100000);
    assert_int_equal(get(f, "/bytes/300000"), ISMS_ENOMEM);
    assert_non_null(strstr(f->err.msg, "larger than"));
    assert_non_null(strstr(f->err.msg, "127.0.0.1"));
    f->c.max_body = 1 << 20;
    assert_int_equal(get(f, "/bytes/3000000"), ISMS_ENOMEM);
    assert_non_null(strstr(f->err.msg, "1 MiB"));
    /* 3 MB gzip-compressed to a few KB: the cap counts decoded bytes, so the transfer is cut. */
    assert_int_equal(get(f, "/bytes/3000000?gzip=1"), ISMS_ENOMEM);
    assert_non_null(strstr(f->err.msg, "larger than"));
    assert_int_equal(get(f, "/bytes/500000?gzip=1"), ISMS_OK);
    assert_int_equal(f->r.len, 500000);
}

static void follow(fix *f, const char *first, int want_pages)
{
    const char *next = url(f, first);
    int pages = 0;
    while (next) {
        assert_int_equal(http_request(&f->c, "GET", next, NULL, 0, NULL, 0, &f->a, &f->r, &f->err), ISMS_OK);
        assert_int_equal(f->r.status, 200);
        pages++;
        char want[32];
        snprintf(want, sizeof want, "\"page\": %d", pages);
        assert_non_null(strstr(f->r.body, want));
        next = f->r.link_next;
        if (next) {
            assert_true(http_same_origin(base, next));
            assert_non_null(strstr(next, "/page/"));
        }
        assert_true(pages <= want_pages);
    }
    assert_int_equal(pages, want_pages);
}

static void test_link_paging(void **state)
{
    fix *f = *state;
    follow(f, "/page/1", 3);
    follow(f, "/page/1?last=5&relative=1", 5); /* "</page/2?...>" resolved against the request */
    follow(f, "/page/1?last=1", 1);
}

static int signs;
static int sign(void *ctx, const char *method, const char *u, const http_header *h, size_t nh, const char *body,
                size_t blen, arena *a, http_header **extra, size_t *nextra, isms_err *err)
{
    (void)ctx;
    signs++;
    assert_string_equal(method, "GET");
    assert_int_equal(nh, 1);
    *extra = arena_alloc(a, sizeof **extra);
    (*extra)[0] = (http_header){"X-Signed", arena_sprintf(a, "attempt-%d", signs)};
    *nextra = 1;
    return ISMS_OK;
}

static int sign_fails(void *ctx, const char *method, const char *u, const http_header *h, size_t nh,
                      const char *body, size_t blen, arena *a, http_header **extra, size_t *nextra, isms_err *err)
{
    return err_set(err, ISMS_EINVAL, "no credentials to sign with");
}

static void test_sign_per_attempt(void **state)
{
    fix *f = *state;
    control(f, "/__inject", "{\"path\":\"/echo\",\"count\":2,\"status\":503}");
    f->c.sign = sign;
    signs = 0;
    http_header h[] = {{"Accept", "application/json"}};
    assert_int_equal(http_request(&f->c, "GET", url(f, "/echo"), h, 1, NULL, 0, &f->a, &f->r, &f->err), ISMS_OK);
    assert_int_equal(f->r.attempts, 3);
    assert_int_equal(signs, 3);
    assert_non_null(strstr(f->r.body, "\"x-signed\": \"attempt-3\""));
    f->c.sign = sign_fails;
    assert_int_equal(get(f, "/echo"), ISMS_EINVAL);
    assert_string_equal(f->err.msg, "no credentials to sign with");
}

static void test_refusals(void **state)
{
    fix *f = *state;
    /* Only http(s); the refused URL is not echoed. */
    assert_int_equal(http_request(&f->c, "GET", "file:///etc/passwd", NULL, 0, NULL, 0, &f->a, &f->r, &f->err),
                     ISMS_EINVAL);
    assert_null(strstr(f->err.msg, "passwd"));
    assert_int_equal(http_request(&f->c, "GET", "gopher://x/", NULL, 0, NULL, 0, &f->a, &f->r, &f->err), ISMS_EINVAL);
    /* A header value with a line break could smuggle headers. */
    http_header bad[] = {{"X-A", "1\r\nX-Injected: 1"}};
    assert_int_equal(http_request(&f->c, "GET", url(f, "/echo"), bad, 1, NULL, 0, &f->a, &f->r, &f->err), ISMS_EINVAL);
    /* Redirects are answers, never followed (they could carry credentials elsewhere). */
    assert_int_equal(get(f, "/redirect"), ISMS_OK);
    assert_int_equal(f->r.status, 302);
    assert_int_equal(f->r.attempts, 1);
}

static void test_connection_refused(void **state)
{
    fix *f = *state;
    f->c.max_retries = 2;
    assert_int_equal(http_request(&f->c, "GET", "http://user:pw@127.0.0.1:1/x?k=v", NULL, 0, NULL, 0, &f->a, &f->r,
                                  &f->err),
                     ISMS_EIO);
    assert_int_equal(f->r.attempts, 3);
    assert_non_null(strstr(f->err.msg, "127.0.0.1:1"));
    assert_non_null(strstr(f->err.msg, "3 attempts"));
    assert_null(strstr(f->err.msg, "pw"));
}

static void test_url_helpers(void **state)
{
    fix *f = *state;
    char h[64];
    http_url_host("https://u:p@api.github.com:8443/orgs/x?token=1", h, sizeof h);
    assert_string_equal(h, "api.github.com:8443");
    http_url_host("http://127.0.0.1", h, sizeof h);
    assert_string_equal(h, "127.0.0.1");
    assert_true(http_same_origin("https://api.github.com", "https://api.github.com/orgs/a?page=2"));
    assert_true(http_same_origin("https://ghe.example.com/api/v3/", "https://ghe.example.com/api/v3/orgs"));
    assert_false(http_same_origin("https://ghe.example.com/api/v3", "https://ghe.example.com/api/v30/x"));
    assert_false(http_same_origin("https://api.github.com", "https://api.github.com.evil.com/orgs"));
    assert_false(http_same_origin("https://api.github.com", "http://api.github.com/orgs"));
    assert_false(http_same_origin("https://api.github.com", "https://api.github.com:444/orgs"));
    assert_false(http_same_origin("https://api.github.com", "/orgs"));
    assert_string_equal(http_escape(&f->a, "feature/x y~-._"), "feature%2Fx%20y~-._");
    assert_string_equal(http_escape(&f->a, ""), "");
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_defaults),
        T(test_200_body_and_headers),
        T(test_404_is_a_status),
        T(test_429_retry_after_then_200),
        T(test_retry_after_http_date),
        T(test_wait_capped_by_max_wait),
        T(test_503_three_times_then_200),
        T(test_permanent_503),
        T(test_rate_limit_headers),
        T(test_timeout),
        T(test_stop_after_timeout),
        T(test_request_take),
        T(test_pages_seen),
        T(test_body_cap),
        T(test_link_paging),
        T(test_sign_per_attempt),
        T(test_refusals),
        T(test_connection_refused),
        T(test_url_helpers),
    };
    return cmocka_run_group_tests_name("http", tests, start_server, stop_server);
}
