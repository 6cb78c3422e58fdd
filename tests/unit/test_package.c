/* Evidence package verification on hostile packages: a manifest that lists one file many times (it
 * was hashed again for every listing, so a 25 MiB upload could keep the server hashing for hours)
 * or lists itself. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zip.h>

#include "report/package.h"
#include "util/buf.h"

/* sha256("hello\n") */
#define HELLO_SHA "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03"

static void write_package(const char *path, const char *manifest)
{
    int zerr;
    zip_t *z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &zerr);
    assert_non_null(z);
    assert_true(zip_file_add(z, "manifest.json", zip_source_buffer(z, manifest, strlen(manifest), 0), 0) >= 0);
    assert_true(zip_file_add(z, "evidence/hello.txt", zip_source_buffer(z, "hello\n", 6, 0), 0) >= 0);
    assert_int_equal(zip_close(z), 0);
}

static int has_problem(const package_problem *p, size_t n, const char *path, const char *msg)
{
    for (size_t i = 0; i < n; i++)
        if (p[i].path && !strcmp(p[i].path, path) && strstr(p[i].message, msg))
            return 1;
    return 0;
}

static void test_repeated_entries(void **state)
{
    (void)state;
    char path[] = "/tmp/isms-package-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    buf m;
    buf_init(&m, 1u << 20);
    buf_puts(&m, "{\"files\":[");
    for (int i = 0; i < 1000; i++)
        buf_printf(&m, "%s{\"path\":\"evidence/hello.txt\",\"sha256\":\"" HELLO_SHA "\",\"size\":6}", i ? "," : "");
    buf_puts(&m, ",{\"path\":\"manifest.json\",\"sha256\":\"" HELLO_SHA "\",\"size\":6}]}");
    write_package(path, m.data);
    arena a;
    arena_init(&a);
    package_problem *p;
    size_t n, nfiles;
    isms_err err = {0};
    assert_int_equal(package_verify(path, &a, &p, &n, &nfiles, &err), ISMS_OK);
    assert_int_equal(nfiles, 1001);
    /* the seal is missing (not made by isms), no checkpoint and no audit log to check against it,
     * 999 repeats, and the manifest listing itself */
    assert_int_equal(n, 1 + 2 + 999 + 1);
    assert_true(has_problem(p, n, "checkpoint.json", "carries no signed checkpoint"));
    assert_true(has_problem(p, n, "evidence/hello.txt", "listed more than once in the manifest"));
    assert_true(has_problem(p, n, "manifest.json", "the manifest lists itself"));
    for (size_t i = 0; i < n; i++)
        assert_null(strstr(p[i].message, "does not match")); /* the first listing matched */
    arena_free(&a);
    buf_free(&m);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_repeated_entries),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
