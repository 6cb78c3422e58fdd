/* Reading hostile policy documents: a DOCX style with hundreds of names (which overflowed a fixed
 * array on the stack), more styles than the reader keeps, buffers that do not end in NUL (each
 * test copies its bytes into a block of exactly their size, so AddressSanitizer sees any read past
 * them), and the PDF text reader fed NUL bytes and form feeds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "collect/docfile.h"
#include "core/docread.h"
#include "core/docread_int.h"
#include "util/buf.h"

static const char *fixture(const char *rel)
{
    static char path[1024];
    const char *root = getenv("ISMS_FIXTURES") ? getenv("ISMS_FIXTURES") : "tests/fixtures";
    snprintf(path, sizeof path, "%s/%s", root, rel);
    return path;
}

/* docread_memory over a copy of s[0..n) in a block of exactly n bytes. */
static int read_exact(const char *name, const char *s, size_t n, arena *a, doc *d, isms_err *err)
{
    char *copy = malloc(n ? n : 1);
    assert_non_null(copy);
    memcpy(copy, s, n);
    int rc = docread_memory(name, copy, n, a, d, err);
    free(copy);
    return rc;
}

#define W_NS "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\""
#define DOC_XML                                                                                                   \
    "<w:document " W_NS "><w:body><w:p><w:pPr><w:pStyle w:val=\"s\"/></w:pPr><w:r><w:t>Backup Policy</w:t></w:r>" \
    "</w:p><w:p><w:r><w:t>Backups are taken daily.</w:t></w:r></w:p></w:body></w:document>"

/* A DOCX in memory with these document and styles parts. */
static char *make_docx(const char *document, const char *styles, size_t *len)
{
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, &ze);
    assert_non_null(src);
    zip_source_keep(src);
    zip_t *z = zip_open_from_source(src, ZIP_TRUNCATE, &ze);
    assert_non_null(z);
    const char *names[2] = {"word/document.xml", "word/styles.xml"}, *parts[2] = {document, styles};
    for (int i = 0; i < 2; i++) {
        zip_source_t *s = zip_source_buffer(z, parts[i], strlen(parts[i]), 0);
        assert_true(zip_file_add(z, names[i], s, ZIP_FL_OVERWRITE) >= 0);
    }
    assert_int_equal(zip_close(z), 0);
    assert_int_equal(zip_source_open(src), 0);
    zip_source_seek(src, 0, SEEK_END);
    zip_int64_t n = zip_source_tell(src);
    zip_source_seek(src, 0, SEEK_SET);
    char *out = malloc((size_t)n);
    assert_int_equal(zip_source_read(src, out, (zip_uint64_t)n), n);
    zip_source_close(src);
    zip_source_free(src);
    zip_error_fini(&ze);
    *len = (size_t)n;
    return out;
}

/* The 755-byte DOCX whose one style has 300 <w:name> children: it used to overflow docx_styles'
 * arrays of 256 on the stack (the count grew in the inner loop without its bound). */
static void test_docx_style_names(void **state)
{
    (void)state;
    arena a;
    arena_init(&a);
    doc d;
    isms_err err = {0};
    assert_int_equal(docfile_read(fixture("policies-hostile/style-names.docx"), &a, &d, &err), 0);
    assert_int_equal(d.format, DOC_DOCX);
    assert_int_equal(d.npara, 2);
    assert_int_equal(d.paras[0].heading, 1); /* the style's first name, "heading 1", counts */
    assert_string_equal(d.title, "Backup Policy");
    assert_string_equal(d.paras[1].section, "Backup Policy");
    arena_free(&a);
}

/* Styles past DOCX_MAX_STYLES are ignored; those before it still give headings, found by id. */
static void test_docx_many_styles(void **state)
{
    (void)state;
    buf s;
    buf_init(&s, 8u << 20);
    buf_puts(&s, "<w:styles " W_NS ">");
    for (int i = 5000; i > 0; i--)
        buf_printf(&s, "<w:style w:styleId=\"x%d\"><w:name w:val=\"Normal\"/><w:name w:val=\"again\"/></w:style>", i);
    buf_puts(&s, "<w:style w:styleId=\"s\"><w:name w:val=\"heading 2\"/></w:style></w:styles>");
    size_t n;
    char *docx = make_docx(DOC_XML, s.data, &n);
    arena a;
    arena_init(&a);
    doc d;
    isms_err err = {0};
    assert_int_equal(read_exact("many.docx", docx, n, &a, &d, &err), 0);
    assert_int_equal(d.npara, 2);
    assert_int_equal(d.paras[0].heading, 0); /* style "s" came after the 4096th: body text */
    free(docx);
    buf_reset(&s);
    buf_puts(&s, "<w:styles " W_NS ">");
    for (int i = 0; i < 300; i++)
        buf_printf(&s, "<w:style w:styleId=\"x%d\"><w:name w:val=\"Normal\"/></w:style>", i);
    buf_puts(&s, "<w:style w:styleId=\"s\"><w:name w:val=\"heading 2\"/></w:style></w:styles>");
    docx = make_docx(DOC_XML, s.data, &n);
    assert_int_equal(read_exact("some.docx", docx, n, &a, &d, &err), 0);
    assert_int_equal(d.paras[0].heading, 2); /* the 301st style: past the old 256 */
    free(docx);
    /* a styles part without a root element or with no styles at all */
    docx = make_docx(DOC_XML, "<?xml version=\"1.0\"?>", &n);
    assert_int_equal(read_exact("empty-styles.docx", docx, n, &a, &d, &err), 0);
    assert_int_equal(d.npara, 2);
    free(docx);
    buf_free(&s);
    arena_free(&a);
}

/* docread_memory reads by length: text without a NUL after it, without a heading mark. */
static void test_memory_not_terminated(void **state)
{
    (void)state;
    arena a;
    arena_init(&a);
    doc d;
    isms_err err = {0};
    const char *plain = "Backup policy\n\nBackups are taken daily and kept for 35 days.";
    assert_int_equal(read_exact("upload", plain, strlen(plain), &a, &d, &err), 0);
    assert_int_equal(d.format, DOC_TEXT);
    assert_int_equal(d.npara, 2);
    /* a heading mark only at the very end, and a one-byte "#" */
    const char *md = "Intro text.\n\n## Scope";
    assert_int_equal(read_exact("upload", md, strlen(md), &a, &d, &err), 0);
    assert_int_equal(d.format, DOC_MARKDOWN);
    assert_string_equal(d.paras[1].text, "Scope");
    assert_int_equal(read_exact("upload", "#", 1, &a, &d, &err), ISMS_EINVAL);
    /* a setext underline, a rule and a table row as the last line */
    const char *setext = "Title\n=====";
    assert_int_equal(read_exact("p.md", setext, strlen(setext), &a, &d, &err), 0);
    assert_int_equal(d.paras[0].heading, 1);
    const char *rule = "Body text here.\n\n-----";
    assert_int_equal(read_exact("p.md", rule, strlen(rule), &a, &d, &err), 0);
    assert_int_equal(d.npara, 1);
    const char *row = "Text.\n\n| a | b |\n|---|---|";
    assert_int_equal(read_exact("p.md", row, strlen(row), &a, &d, &err), 0);
    assert_int_equal(d.paras[1].in_table, 1);
    const char *roman = "Rules\n\niv";
    assert_int_equal(read_exact("p.txt", roman, strlen(roman), &a, &d, &err), 0);
    arena_free(&a);
}

/* pdftotext's output is read by length: a NUL byte does not end it, pages are counted. */
static void test_pdf_text(void **state)
{
    (void)state;
    arena a;
    arena_init(&a);
    doc d = {0};
    static const char text[] = "Logging Policy\n\nLogs are kept.\f\0Clocks are synchronised.\f";
    docread_pdf_text(&d, &a, text, sizeof text - 1);
    assert_int_equal(d.npara, 3);
    assert_int_equal(d.paras[2].page, 2);
    assert_string_equal(d.paras[2].text, "Clocks are synchronised.");
    doc e = {0};
    assert_string_equal(docread_pdf_info(&e, &a, "Title: Logging\nPages: 7\nEncrypted: no\nPages"), "no");
    assert_int_equal(e.pages, 7);
    assert_string_equal(e.title, "Logging");
    arena_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_docx_style_names),
        cmocka_unit_test(test_docx_many_styles),
        cmocka_unit_test(test_memory_not_terminated),
        cmocka_unit_test(test_pdf_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
