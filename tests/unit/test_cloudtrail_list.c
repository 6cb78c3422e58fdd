/* CloudTrail file lists: the decompressed-size cap that stops a gzip bomb, the list scan that
 * goes on past a bad file, and the JSON answer naming each failed file and its reason. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include <cmocka.h>

#include "collect/cloudtrail.h"
#include "util/arena.h"
#include "util/json.h"

static char tmpdir[64];

static const char *write_gz(const char *name, const char *data, size_t len, char path[256])
{
    snprintf(path, 256, "%s/%s", tmpdir, name);
    gzFile g = gzopen(path, "wb");
    assert_non_null(g);
    assert_int_equal(gzwrite(g, data, (unsigned)len), (int)len);
    assert_int_equal(gzclose(g), Z_OK);
    return path;
}

static const char login[] =
    "{\"Records\":[{\"eventVersion\":\"1.08\",\"eventTime\":\"2026-01-05T10:00:00Z\",\"eventSource\":"
    "\"signin.amazonaws.com\",\"eventName\":\"ConsoleLogin\",\"awsRegion\":\"us-east-1\",\"sourceIPAddress\":"
    "\"203.0.113.9\",\"userIdentity\":{\"type\":\"IAMUser\",\"arn\":\"arn:aws:iam::111:user/alice\",\"userName\":"
    "\"alice\"},\"responseElements\":{\"ConsoleLogin\":\"Success\"},\"additionalEventData\":{\"MFAUsed\":\"No\"},"
    "\"eventID\":\"e1\"}]}";

static void test_max_bytes(void **st)
{
    char small[256], bomb[256];
    write_gz("small.json.gz", login, strlen(login), small);
    size_t n = 40000;
    static const char rec[] = "{\"eventName\":\"x\"},";
    char *records = malloc(n * (sizeof rec - 1) + 64);
    strcpy(records, "{\"Records\":[");
    size_t at = strlen(records);
    for (size_t i = 0; i < n; i++, at += sizeof rec - 1)
        memcpy(records + at, rec, sizeof rec - 1);
    memcpy(records + at, "{}]}", 5);
    write_gz("bomb.json.gz", records, strlen(records), bomb);
    free(records);

    cloudtrail_opts o = {.max_bytes = 64 << 10};
    cloudtrail_scan *s = cloudtrail_scan_new(&o);
    isms_err e = {0};
    assert_int_equal(cloudtrail_scan_file(s, bomb, &e), ISMS_EINVAL);
    assert_non_null(strstr(e.msg, "expands to more than"));
    assert_int_equal(cloudtrail_scan_file(s, small, &e), ISMS_OK);
    cloudtrail_scan_free(s);

    /* without a cap the same file is read to its end */
    s = cloudtrail_scan_new(NULL);
    assert_int_equal(cloudtrail_scan_file(s, bomb, &e), ISMS_OK);
    assert_int_equal(cloudtrail_scan_events(s), n + 1);
    cloudtrail_scan_free(s);
}

static void test_list_and_json(void **st)
{
    char small[256], bad[256];
    write_gz("a.json.gz", login, strlen(login), small);
    write_gz("b.json.gz", "{\"Records\":[{}", 14, bad);
    cloudtrail_files f = {0};
    isms_err e = {0};
    assert_int_equal(cloudtrail_list_files(bad, &f, &e), ISMS_OK);
    assert_int_equal(cloudtrail_list_files(small, &f, &e), ISMS_OK);
    cloudtrail_scan *s = cloudtrail_scan_new(NULL);
    arena a;
    arena_init(&a);
    cloudtrail_failed *failed;
    size_t nfailed = cloudtrail_scan_list(s, &f, &a, &failed, NULL, NULL);
    assert_int_equal(nfailed, 1);
    assert_string_equal(failed[0].file, bad);
    assert_int_equal(failed[0].events, 1); /* the record read before the end */
    buf b;
    buf_init(&b, 1 << 20);
    jw j;
    jw_init_buf(&j, &b);
    cloudtrail_json(&j, s, f.n, failed, nfailed);
    assert_non_null(strstr(b.data, "{\"files_scanned\":2,\"files_failed\":[{\"file\":\""));
    assert_non_null(strstr(b.data, "\"error\":\"truncated"));
    assert_non_null(strstr(b.data, "\"events\":2,"));
    assert_non_null(strstr(b.data, "\"rule\":\"console_login_without_mfa\",\"principal\":\"arn:aws:iam::111:user/alice\""));
    buf_free(&b);
    arena_free(&a);
    cloudtrail_scan_free(s);
    cloudtrail_files_free(&f);
}

static int setup_tmp(void **st)
{
    strcpy(tmpdir, "/tmp/test_ctlist.XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown_tmp(void **st)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_max_bytes),
        cmocka_unit_test(test_list_and_json),
    };
    return cmocka_run_group_tests(tests, setup_tmp, teardown_tmp);
}
