/* The multipart/form-data parser of the upload routes: what browsers and curl send is split into
 * fields and files byte for byte; every malformed, truncated or hostile body is refused with a
 * message naming the problem. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "web/web.h"

typedef struct parsed {
    arena a;
    web_param *fields;
    web_file *files;
    size_t nfields, nfiles;
    isms_err err;
    int rc;
} parsed;

static void parse(parsed *p, const char *ctype, const char *body, size_t len, size_t max_file)
{
    memset(p, 0, sizeof *p);
    arena_init(&p->a);
    p->rc = web_multipart_parse(ctype, body, len, max_file, &p->a, &p->fields, &p->nfields, &p->files, &p->nfiles,
                                &p->err);
}

#define CT "multipart/form-data; boundary=----WebKitFormBoundaryX3b"
#define B "------WebKitFormBoundaryX3b"

static void test_browser_body(void **state)
{
    (void)state;
    static const char body[] = B "\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\nabc123\r\n" B
                               "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"scan.bin\"\r\n"
                               "Content-Type: application/octet-stream\r\n\r\n\x00\xff\r\n--X\r\n\r\n" B
                               "\r\nContent-Disposition: form-data; name=\"description\"\r\n\r\nQ3 review — ok\r\n" B
                               "--\r\n";
    parsed p;
    parse(&p, CT, body, sizeof body - 1, 1 << 20);
    assert_int_equal(p.rc, ISMS_OK);
    assert_int_equal(p.nfields, 2);
    assert_string_equal(p.fields[0].name, "csrf");
    assert_string_equal(p.fields[0].value, "abc123");
    assert_string_equal(p.fields[1].value, "Q3 review — ok");
    assert_int_equal(p.nfiles, 1);
    assert_string_equal(p.files[0].filename, "scan.bin");
    assert_string_equal(p.files[0].ctype, "application/octet-stream");
    /* binary content with CR LF and a look-alike boundary inside is kept exactly */
    assert_int_equal(p.files[0].len, 9);
    assert_memory_equal(p.files[0].data, "\x00\xff\r\n--X\r\n", 9);
    arena_free(&p.a);
}

static void test_quoted_boundary_and_empty_file(void **state)
{
    (void)state;
    static const char body[] = "--a'b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\"\r\n\r\n\r\n--a'b--";
    parsed p;
    parse(&p, "multipart/form-data; charset=utf-8; boundary=\"a'b\"", body, sizeof body - 1, 10);
    assert_int_equal(p.rc, ISMS_OK);
    assert_int_equal(p.nfiles, 1);
    assert_string_equal(p.files[0].filename, "");
    assert_int_equal(p.files[0].len, 0);
    arena_free(&p.a);
}

static void refused(const char *ctype, const char *body, size_t len, size_t max, int code, const char *words)
{
    parsed p;
    parse(&p, ctype, body, len, max);
    assert_int_equal(p.rc, code);
    if (!strstr(p.err.msg, words))
        fail_msg("'%s' does not say '%s'", p.err.msg, words);
    arena_free(&p.a);
}

#define REFUSED(ctype, lit, max, code, words) refused(ctype, lit, sizeof lit - 1, max, code, words)

static void test_hostile_bodies(void **state)
{
    (void)state;
    REFUSED("multipart/form-data", "--x\r\n", 10, ISMS_EINVAL, "no boundary");
    REFUSED("multipart/form-data; boundary=", "--x\r\n", 10, ISMS_EINVAL, "1 to 70");
    REFUSED("multipart/form-data; boundary=\"abc", "--abc\r\n", 10, ISMS_EINVAL, "closing quote");
    REFUSED("application/json", "{}", 10, ISMS_EINVAL, "not multipart");
    REFUSED("multipart/form-data; boundary=x", "", 10, ISMS_EINVAL, "does not start");
    REFUSED("multipart/form-data; boundary=x", "preamble\r\n--x\r\n", 10, ISMS_EINVAL, "does not start");
    REFUSED("multipart/form-data; boundary=x", "--x--", 10, ISMS_EINVAL, "no parts");
    REFUSED("multipart/form-data; boundary=x", "--x\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nhalf", 10,
            ISMS_EINVAL, "truncated");
    REFUSED("multipart/form-data; boundary=x", "--x\r\nContent-Disposition: form-data; name=\"a\"\r\n", 10, ISMS_EINVAL,
            "truncated in the headers");
    REFUSED("multipart/form-data; boundary=x", "--x\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nv\r\n--x", 10,
            ISMS_EINVAL, "truncated or malformed");
    REFUSED("multipart/form-data; boundary=x",
            "--x\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a\0../b\"\r\n\r\nv\r\n--x--", 10, ISMS_EINVAL,
            "NUL byte");
    REFUSED("multipart/form-data; boundary=x", "--x\r\nContent-Disposition: form-data; name=\"f\nX: y\"\r\n\r\nv\r\n--x--",
            10, ISMS_EINVAL, "bare line break");
    REFUSED("multipart/form-data; boundary=x", "--x\r\nContent-Disposition: form-data\r\n\r\nv\r\n--x--", 10, ISMS_EINVAL,
            "no field name");
    REFUSED("multipart/form-data; boundary=x", "--x\r\nContent-Disposition: attachment; name=\"a\"\r\n\r\nv\r\n--x--", 10,
            ISMS_EINVAL, "not form-data");
    REFUSED("multipart/form-data; boundary=x", "--x\r\nContent-Disposition: form-data; name=\"a\r\n\r\nv\r\n--x--", 10,
            ISMS_EINVAL, "unterminated");
    REFUSED("multipart/form-data; boundary=x", "--x\r\nno colon here\r\n\r\nv\r\n--x--", 10, ISMS_EINVAL, "without ':'");
    REFUSED("multipart/form-data; boundary=x", "--x\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n\xff\xfe\r\n--x--",
            10, ISMS_EINVAL, "not UTF-8");
    REFUSED("multipart/form-data; boundary=x",
            "--x\r\nContent-Disposition: form-data; name=\"f\"; filename=\"big.bin\"\r\n\r\n12345678901\r\n--x--", 10,
            ISMS_ENOMEM, "big.bin");
}

static void test_part_and_header_caps(void **state)
{
    (void)state;
    buf b;
    buf_init(&b, 1 << 20);
    for (int i = 0; i < 65; i++)
        buf_printf(&b, "--x\r\nContent-Disposition: form-data; name=\"f%d\"\r\n\r\nv\r\n", i);
    buf_puts(&b, "--x--");
    refused("multipart/form-data; boundary=x", b.data, b.len, 10, ISMS_EINVAL, "more than 64 parts");
    buf_reset(&b);
    buf_puts(&b, "--x\r\nContent-Disposition: form-data; name=\"a\"\r\nX-Pad: ");
    for (int i = 0; i < 9000; i++)
        buf_putc(&b, 'p');
    buf_puts(&b, "\r\n\r\nv\r\n--x--");
    refused("multipart/form-data; boundary=x", b.data, b.len, 10, ISMS_EINVAL, "too long");
    buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_browser_body),
        cmocka_unit_test(test_quoted_boundary_and_empty_file),
        cmocka_unit_test(test_hostile_bodies),
        cmocka_unit_test(test_part_and_header_caps),
    };
    return cmocka_run_group_tests_name("multipart", tests, NULL, NULL);
}
