/* The PDF writer: a multi-page document checked with poppler's tools (pdftotext for the text,
 * pdfinfo for the page count, pdftoppm for rendering), plus the error paths. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "report/pdf.h"

static char dir[] = "/tmp/isms-test-pdf-XXXXXX";

static char *run(const char *cmd)
{
    static char out[1 << 20];
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    size_t n = fread(out, 1, sizeof out - 1, p);
    out[n] = '\0';
    assert_int_equal(pclose(p), 0);
    return out;
}

static void test_multipage(void **state)
{
    (void)state;
    char path[512], cmd[1200];
    snprintf(path, sizeof path, "%s/doc.pdf", dir);
    isms_err err = {0};
    pdf_doc *d = pdf_open(path, "Access Control Policy — Acme & Sons", &err);
    assert_non_null(d);
    pdf_heading(d, 1, "Access Control Policy");
    pdf_heading(d, 2, "1. Purpose");
    pdf_para(d, "This policy says who may use which systems & why; <b>markup</b> stays literal text.");
    /* Invalid UTF-8 is replaced, not passed to Pango. */
    pdf_para(d, "broken \xff\xfe bytes here");
    for (int i = 0; i < 40; i++)
        pdf_bullet(d, "Every account belongs to one named person and is reviewed each quarter by the owner of "
                      "the system it gives access to.");
    const char *cells[2 * 61];
    char rows[60][80];
    cells[0] = "Control";
    cells[1] = "What the policy requires";
    for (int r = 0; r < 60; r++) {
        snprintf(rows[r], sizeof rows[r], "requirement number %d, which wraps across the cell width", r + 1);
        cells[2 * (r + 1)] = "A.5.15";
        cells[2 * (r + 1) + 1] = rows[r];
    }
    const double frac[] = {0.25, 0.75};
    pdf_table(d, 2, cells, 61, frac);
    char longp[20000];
    longp[0] = '\0';
    for (int i = 0; i < 150; i++)
        strcat(longp, "A paragraph long enough to cross a page boundary on its own. ");
    pdf_para(d, longp);
    pdf_heading(d, 3, "Closing words");
    assert_int_equal(pdf_close(d, &err), ISMS_OK);

    snprintf(cmd, sizeof cmd, "pdfinfo '%s'", path);
    char *info = run(cmd);
    char *pages = strstr(info, "Pages:");
    assert_non_null(pages);
    int np = atoi(pages + 6);
    assert_true(np >= 3);
    snprintf(cmd, sizeof cmd, "pdftotext -layout '%s' -", path);
    char *text = run(cmd);
    assert_non_null(strstr(text, "Access Control Policy"));
    assert_non_null(strstr(text, "<b>markup</b> stays literal"));
    assert_non_null(strstr(text, "requirement number 60"));
    assert_non_null(strstr(text, "Closing words"));
    char want[64];
    snprintf(want, sizeof want, "page %d of %d", np, np);
    assert_non_null(strstr(text, want));
    assert_non_null(strstr(text, "page 1 of"));
    /* The header row is repeated on the table's later pages. */
    char *first = strstr(text, "What the policy requires");
    assert_non_null(first);
    assert_non_null(strstr(first + 1, "What the policy requires"));
    assert_null(strstr(text, "\xff"));

    snprintf(cmd, sizeof cmd, "pdftoppm -png -r 40 -f 1 -l 1 '%s' '%s/page' && ls '%s'", path, dir, dir);
    char *ls = run(cmd);
    assert_non_null(strstr(ls, "page-"));
    assert_non_null(strstr(ls, ".png"));
    /* No temp file is left beside the output. */
    assert_null(strstr(ls, ".tmp."));
}

static void test_errors(void **state)
{
    (void)state;
    isms_err err = {0};
    assert_null(pdf_open("/nonexistent-dir-xyz/a.pdf", "T", &err));
    assert_int_equal(err.code, ISMS_EIO);
    assert_non_null(strstr(err.msg, "/nonexistent-dir-xyz"));
    err_clear(&err);
    char path[512];
    snprintf(path, sizeof path, "%s/bad.pdf", dir);
    pdf_doc *d = pdf_open(path, "T", &err);
    assert_non_null(d);
    pdf_table(d, 0, NULL, 0, NULL);
    pdf_para(d, "ignored after the error");
    assert_int_equal(pdf_close(d, &err), ISMS_EINVAL);
    struct stat sb;
    assert_int_not_equal(stat(path, &sb), 0);
}

int main(void)
{
    assert_non_null(mkdtemp(dir));
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_multipage),
        cmocka_unit_test(test_errors),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        rc = 1;
    return rc;
}
