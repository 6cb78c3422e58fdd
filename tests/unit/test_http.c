/* The collectors' HTTP client against a local fake server: retries with Retry-After, the body
 * cap, timeouts, Link paging, per-attempt signing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "collect/http.h"

static pid_t server;
static char base[64];

/* Start tests/fakeapi/webhook.py with FAIL_FIRST etc. in its environment. */
static void start(const char *fail_first, const char *status, const char *retry_after)
{
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    server = fork();
    assert_true(server >= 0);
    if (server == 0) {
        dup2(fds[1], 1);
        close(fds[0]);
        setenv("FAIL_FIRST", fail_first, 1);
        setenv("FAIL_STATUS", status, 1);
        if (retry_after)
            setenv("RETRY_AFTER", retry_after, 1);
        const char *root = getenv("ISMS_ROOT") ? getenv("ISMS_ROOT") : ".";
        char script[512];
        snprintf(script, sizeof script, "%s/tests/fakeapi/webhook.py", root);
        execlp("python3", "python3", script, "/dev/null", (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    char line[32] = {0};
    FILE *f = fdopen(fds[0], "r");
    assert_non_null(fgets(line, sizeof line, f));
    fclose(f);
    snprintf(base, sizeof base, "http://127.0.0.1:%d", atoi(line));
}

static void stop(void)
{
    kill(server, SIGTERM);
    waitpid(server, NULL, 0);
}

static void test_retry_after_then_success(void **state)
{
    (void)state;
    start("2", "429", "1");
    http_client c;
    isms_err err = {0};
    arena a;
    arena_init(&a);
    assert_int_equal(http_init(&c, &err), ISMS_OK);
    http_response r;
    char url[128];
    snprintf(url, sizeof url, "%s/x", base);
    assert_int_equal(http_request(&c, "GET", url, NULL, 0, NULL, 0, &a, &r, &err), ISMS_OK);
    assert_int_equal(r.status, 200);
    assert_int_equal(r.attempts, 3);
    assert_non_null(strstr(r.body, "\"ok\""));
    assert_string_equal(r.content_type, "application/json");
    http_cleanup(&c);
    arena_free(&a);
    stop();
}

static void test_permanent_503_and_other_statuses(void **state)
{
    (void)state;
    start("100", "503", NULL);
    http_client c;
    isms_err err = {0};
    arena a;
    arena_init(&a);
    assert_int_equal(http_init(&c, &err), ISMS_OK);
    c.max_retries = 2;
    c.backoff_ms = 10;
    http_response r;
    char url[128];
    snprintf(url, sizeof url, "%s/x", base);
    assert_int_equal(http_request(&c, "GET", url, NULL, 0, NULL, 0, &a, &r, &err), ISMS_OK);
    assert_int_equal(r.status, 503);
    assert_int_equal(r.attempts, 3);
    http_cleanup(&c);
    arena_free(&a);
    stop();
    start("1", "404", NULL);
    snprintf(url, sizeof url, "%s/x", base);
    assert_int_equal(http_init(&c, &err), ISMS_OK);
    arena_init(&a);
    assert_int_equal(http_request(&c, "GET", url, NULL, 0, NULL, 0, &a, &r, &err), ISMS_OK);
    assert_int_equal(r.status, 404); /* not retried */
    assert_int_equal(r.attempts, 1);
    http_cleanup(&c);
    arena_free(&a);
    stop();
}

static int signs;
static int sign(void *ctx, const char *method, const char *url, const http_header *h, size_t nh, const char *body,
                size_t blen, arena *a, http_header **extra, size_t *nextra, isms_err *err)
{
    (void)ctx;
    signs++;
    *extra = arena_alloc(a, sizeof **extra);
    (*extra)[0] = (http_header){"X-Signed", arena_sprintf(a, "%d", signs)};
    *nextra = 1;
    return ISMS_OK;
}

static void test_paging_cap_timeout_and_signing(void **state)
{
    (void)state;
    start("1", "503", "0");
    http_client c;
    isms_err err = {0};
    arena a;
    arena_init(&a);
    assert_int_equal(http_init(&c, &err), ISMS_OK);
    c.sign = sign;
    http_response r;
    char url[128];
    snprintf(url, sizeof url, "%s/page/1", base);
    signs = 0;
    int pages = 0;
    const char *next = url;
    while (next) {
        assert_int_equal(http_request(&c, "GET", next, NULL, 0, NULL, 0, &a, &r, &err), ISMS_OK);
        assert_int_equal(r.status, 200);
        pages++;
        next = r.link_next;
    }
    assert_int_equal(pages, 3);
    assert_int_equal(signs, 4); /* three pages, the first retried once: each attempt signed */
    c.max_body = 1 << 20;
    snprintf(url, sizeof url, "%s/big", base);
    assert_int_equal(http_request(&c, "GET", url, NULL, 0, NULL, 0, &a, &r, &err), ISMS_ENOMEM);
    assert_non_null(strstr(err.msg, "larger than"));
    c.timeout_ms = 500;
    c.max_retries = 1;
    c.backoff_ms = 10;
    snprintf(url, sizeof url, "%s/slow", base);
    assert_int_equal(http_request(&c, "GET", url, NULL, 0, NULL, 0, &a, &r, &err), ISMS_EIO);
    assert_non_null(strstr(err.msg, "127.0.0.1"));
    assert_non_null(strstr(err.msg, "2 attempts"));
    assert_int_equal(http_request(&c, "GET", "file:///etc/passwd", NULL, 0, NULL, 0, &a, &r, &err), ISMS_EINVAL);
    http_cleanup(&c);
    arena_free(&a);
    stop();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_retry_after_then_success),
        cmocka_unit_test(test_permanent_503_and_other_statuses),
        cmocka_unit_test(test_paging_cap_timeout_and_signing),
    };
    return cmocka_run_group_tests_name("http", tests, NULL, NULL);
}
