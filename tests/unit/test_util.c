/* Shared pieces: capped buffers, arenas, the JSON writer, the CSV reader. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "util/arena.h"
#include "util/buf.h"
#include "util/csv.h"
#include "util/json.h"
#include "util/text.h"

static void test_buf_cap(void **state)
{
    (void)state;
    buf b;
    buf_init(&b, 10);
    assert_int_equal(buf_puts(&b, "0123456789"), 0);
    assert_int_equal(buf_putc(&b, 'x'), -1);
    assert_int_equal(b.len, 10);
    assert_string_equal(b.data, "0123456789");
    buf_reset(&b);
    assert_int_equal(buf_printf(&b, "%d-%s", 42, "ok"), 0);
    assert_string_equal(b.data, "42-ok");
    buf_free(&b);
}

static void test_arena(void **state)
{
    (void)state;
    arena a;
    arena_init(&a);
    char *s = arena_sprintf(&a, "%s %d", "risk", 7);
    assert_string_equal(s, "risk 7");
    void *big = arena_alloc(&a, 1 << 20); /* bigger than a block */
    memset(big, 1, 1 << 20);
    char *t = arena_strdup(&a, "after");
    assert_string_equal(t, "after");
    assert_null(arena_strdup(&a, NULL));
    assert_int_equal((uintptr_t)arena_alloc(&a, 3) % _Alignof(max_align_t), 0);
    arena_free(&a);
}

static void test_json_escaping(void **state)
{
    (void)state;
    buf b;
    buf_init(&b, 1 << 16);
    jw j;
    jw_init_buf(&j, &b);
    jw_obj(&j);
    jw_kstr(&j, "q", "a\"b\\c\nd\te\x01");
    jw_kstr(&j, "bad", "ok\xff\xfe");
    jw_kstr(&j, "utf8", "caf\xc3\xa9 \xe2\x82\xac");
    jw_kstr(&j, "null", NULL);
    jw_key(&j, "arr");
    jw_arr(&j);
    jw_int(&j, -5);
    jw_bool(&j, 1);
    jw_arr_end(&j);
    jw_obj_end(&j);
    assert_string_equal(b.data, "{\"q\":\"a\\\"b\\\\c\\nd\\te\\u0001\",\"bad\":\"ok\xEF\xBF\xBD\xEF\xBF\xBD\","
                                "\"utf8\":\"caf\xc3\xa9 \xe2\x82\xac\",\"null\":null,\"arr\":[-5,true]}");
    buf_free(&b);
}

static FILE *mem(const char *s)
{
    FILE *f = tmpfile();
    fputs(s, f);
    rewind(f);
    return f;
}

static void test_csv_records_and_lines(void **state)
{
    (void)state;
    FILE *f = mem("\xEF\xBB\xBFh1,h2\r\n\"a,1\",\"multi\nline\"\n\nx,\"q\"\"uote\"\nlast,");
    csv_reader r;
    csv_init(&r, f);
    isms_err err = {0};
    assert_int_equal(csv_next(&r, &err), 1);
    assert_int_equal(r.line, 1);
    assert_string_equal(r.fields[0], "h1");
    assert_int_equal(csv_next(&r, &err), 1);
    assert_int_equal(r.line, 2);
    assert_string_equal(r.fields[0], "a,1");
    assert_string_equal(r.fields[1], "multi\nline");
    assert_int_equal(csv_next(&r, &err), 1);
    assert_int_equal(r.line, 5); /* after the two-line record and a blank line */
    assert_string_equal(r.fields[1], "q\"uote");
    assert_int_equal(csv_next(&r, &err), 1);
    assert_int_equal(r.nfields, 2);
    assert_string_equal(r.fields[1], "");
    assert_int_equal(csv_next(&r, &err), 0);
    csv_free(&r);
    fclose(f);
}

static void test_csv_errors(void **state)
{
    (void)state;
    const char *bad[] = {"a,\"open\n", "a,b\"c\n", "a,\"x\"y\n"};
    const char *want[] = {"never closed", "stray quote", "after a closing quote"};
    for (int i = 0; i < 3; i++) {
        FILE *f = mem(bad[i]);
        csv_reader r;
        csv_init(&r, f);
        isms_err err = {0};
        assert_int_equal(csv_next(&r, &err), -1);
        assert_non_null(strstr(err.msg, want[i]));
        assert_non_null(strstr(err.msg, "line 1"));
        csv_free(&r);
        fclose(f);
    }
    FILE *f = tmpfile();
    for (int i = 0; i < 70; i++)
        fputs("x,", f);
    fputs("x\n", f);
    rewind(f);
    csv_reader r;
    csv_init(&r, f);
    isms_err err = {0};
    assert_int_equal(csv_next(&r, &err), -1);
    assert_non_null(strstr(err.msg, "columns"));
    csv_free(&r);
    fclose(f);
}

/* A value of only white space, ASCII or Unicode, is blank; values are trimmed on both ends. */
static void test_text_trim_and_blank(void **state)
{
    (void)state;
    arena a;
    arena_init(&a);
    assert_true(text_blank(NULL));
    assert_true(text_blank(""));
    assert_true(text_blank("   "));
    assert_true(text_blank(" \t\r\n\v\f"));
    assert_true(text_blank("\xc2\xa0"));                 /* U+00A0 */
    assert_true(text_blank("\xe2\x80\x83\xe3\x80\x80 "));  /* U+2003, U+3000 */
    assert_true(text_blank("\xef\xbb\xbf\xe2\x80\x8b"));   /* BOM, zero-width space */
    assert_false(text_blank(" x "));
    assert_false(text_blank("\xc2\xa1"));                /* U+00A1 is a letter-like sign, not space */
    assert_string_equal(text_trim(&a, "  Dana Lee \t"), "Dana Lee");
    assert_string_equal(text_trim(&a, "\xc2\xa0" "CTO" "\xc2\xa0"), "CTO");
    assert_string_equal(text_trim(&a, "a  b"), "a  b");   /* inner spaces stay */
    assert_string_equal(text_trim(&a, "\xe2\x80\x83"), "");
    assert_null(text_trim(&a, NULL));
    const char *v = "  owner  ";
    isms_err err = {0};
    assert_int_equal(text_required(&a, &v, &err, "owner", "an owner is needed (%s)", "A.5.9"), ISMS_OK);
    assert_string_equal(v, "owner");
    v = " \n ";
    assert_int_equal(text_required(&a, &v, &err, "owner", "an owner is needed (%s)", "A.5.9"), ISMS_EINVAL);
    assert_string_equal(err.msg, "an owner is needed (A.5.9)");
    assert_string_equal(err.field, "owner");
    v = "";
    assert_int_equal(text_required(&a, &v, &err, NULL, "a value is needed"), ISMS_EINVAL);
    assert_string_equal(err.field, "");
    v = "  ";
    text_optional(&a, &v);
    assert_null(v);
    v = " note ";
    text_optional(&a, &v);
    assert_string_equal(v, "note");
    arena_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_buf_cap),
        cmocka_unit_test(test_arena),
        cmocka_unit_test(test_text_trim_and_blank),
        cmocka_unit_test(test_json_escaping),
        cmocka_unit_test(test_csv_records_and_lines),
        cmocka_unit_test(test_csv_errors),
    };
    return cmocka_run_group_tests_name("util", tests, NULL, NULL);
}
