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
#include "collect/cloudtrail_int.h" /* queue_max: make workers count straight into the results */
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

/* Files whose findings depend on the order they are counted in: the same eventIDs with other
 * principals in later files (the first delivery counts), more than 8 event names for one
 * finding spread over files (listed in order of appearance), broken files with records before
 * the break, plain and gzip, small and large. */
static void write_ordered_logs(cloudtrail_files *f, size_t nfiles)
{
    isms_err e = {0};
    char *d = malloc(1 << 20);
    for (size_t i = 0; i < nfiles; i++) {
        size_t n = 0, nrec = 5 + (i * 37) % 400;
        n += (size_t)sprintf(d + n, "{\"Records\":[");
        for (size_t r = 0; r < nrec; r++) {
            /* an absent source address and an empty region group apart from each other */
            char ip[64] = "", region[64] = "\"awsRegion\":\"\",";
            if (r % 5)
                snprintf(ip, sizeof ip, "\"sourceIPAddress\":\"203.0.113.%zu\",", r % 4);
            if (r % 7)
                snprintf(region, sizeof region, "\"awsRegion\":\"eu-west-%zu\",", r % 2);
            n += (size_t)sprintf(d + n,
                                 "%s{\"eventName\":\"Call%zu\",\"eventID\":\"ev-%zu\",\"eventTime\":\"2024-01-%02zuT00:00:00Z\","
                                 "%s%s\"userIdentity\":{\"type\":\"%s\",\"arn\":\"arn:aws:iam::1:%s-%zu\"}}",
                                 r ? "," : "", (i + r) % 13, (i * 7 + r) % 900, 1 + (i + r) % 28, region, ip,
                                 r % 3 ? "Root" : "IAMUser", r % 3 ? "root" : "user/u", i % 3);
        }
        if (i % 11 == 5)
            n -= 40; /* cut inside a record: a broken file, its records before the cut count */
        else
            n += (size_t)sprintf(d + n, "]}");
        char name[64], path[256];
        snprintf(name, sizeof name, "ord-%03zu.json%s", i, i % 2 ? ".gz" : "");
        if (i % 2)
            write_gz(name, d, n, path);
        else {
            snprintf(path, sizeof path, "%s/%s", tmpdir, name);
            FILE *fp = fopen(path, "wb");
            assert_non_null(fp);
            assert_int_equal(fwrite(d, 1, n, fp), n);
            fclose(fp);
        }
        assert_int_equal(cloudtrail_list_files(path, f, &e), ISMS_OK);
    }
    free(d);
}

typedef struct order_log {
    char names[4096];
} order_log;

static void note_file(void *ud, const char *path)
{
    order_log *l = ud;
    const char *b = strrchr(path, '/');
    strncat(l->names, b ? b + 1 : path, sizeof l->names - strlen(l->names) - 2);
    strcat(l->names, " ");
}

/* The scan of f with jobs threads, as text: findings in order with every field, events, and
 * the failed files with their errors and counts, and the order after_file saw. */
static char *scan_text(const cloudtrail_files *f, int jobs, size_t queue_max)
{
    cloudtrail_opts o = {.jobs = jobs};
    cloudtrail_scan *s = cloudtrail_scan_new(&o);
    if (queue_max)
        s->queue_max = queue_max;
    arena a;
    arena_init(&a);
    cloudtrail_failed *failed;
    order_log seen = {{0}};
    size_t nfailed = cloudtrail_scan_list(s, f, &a, &failed, note_file, &seen);
    buf b;
    buf_init(&b, 16 << 20);
    jw j;
    jw_init_buf(&j, &b);
    cloudtrail_json(&j, s, f->n, failed, nfailed);
    for (size_t i = 0; i < nfailed; i++)
        buf_printf(&b, "\n%s: %llu records", failed[i].file, (unsigned long long)failed[i].events);
    buf_printf(&b, "\norder: %s", seen.names);
    char *out = strdup(b.data);
    buf_free(&b);
    arena_free(&a);
    cloudtrail_scan_free(s);
    return out;
}

/* Scanning on several threads gives exactly the findings, order, counts and failures of one. */
static void test_parallel_same_as_one(void **st)
{
    cloudtrail_files f = {0};
    write_ordered_logs(&f, 60);
    char *one = scan_text(&f, 1, 0);
    assert_non_null(strstr(one, "\"rule\":\"root_account_usage\""));
    assert_non_null(strstr(one, ",...\"")); /* more than 8 event names in a finding */
    assert_non_null(strstr(one, "\"source_ip\":null,\"region\":\"\""));
    assert_non_null(strstr(one, "ord-005.json.gz: "));
    assert_non_null(strstr(one, "ord-016.json: ")); /* plain and gzip broken files */
    for (int jobs = 2; jobs <= 9; jobs += 3) {
        /* a tiny queue makes workers wait for their turn and count straight into the results */
        for (size_t qmax = 0; qmax <= 256; qmax += 256) {
            char *many = scan_text(&f, jobs, qmax);
            if (strcmp(one, many))
                fail_msg("%d jobs, queue %zu:\n%.3000s\n---- one thread:\n%.3000s", jobs, qmax, many, one);
            free(many);
        }
    }
    free(one);
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
        cmocka_unit_test(test_parallel_same_as_one),
    };
    return cmocka_run_group_tests(tests, setup_tmp, teardown_tmp);
}
