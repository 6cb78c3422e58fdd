/* Document gap analysis: reading each format (real policies from tests/fixtures/policies-real, and
 * files built here), sentence splitting, cue matching, weaknesses, and hostile inputs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <cairo-pdf.h>
#include <cairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zip.h>

#include "collect/docfile.h"
#include "core/docgap.h"
#include "core/docread.h"

static char tmpdir[256];

static const char *fixture(const char *name)
{
    static char path[1024];
    const char *root = getenv("ISMS_FIXTURES") ? getenv("ISMS_FIXTURES") : "tests/fixtures";
    snprintf(path, sizeof path, "%s/policies-real/%s", root, name);
    return path;
}

static const char *tmp_path(const char *name)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    return path;
}

static void write_file(const char *path, const void *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, n, f), n);
    fclose(f);
}

static int setup(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/isms-docgap-XXXXXX");
    if (!mkdtemp(tmpdir))
        return -1;
    return docgap_init(NULL);
}

static int teardown(void **state)
{
    (void)state;
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

static const doc_para *find_para(const doc *d, const char *needle)
{
    for (size_t i = 0; i < d->npara; i++)
        if (strstr(d->paras[i].text, needle))
            return &d->paras[i];
    fail_msg("no paragraph with '%s'", needle);
    return NULL;
}

static const docgap_req *req(const char *id)
{
    size_t n;
    const docgap_req *r = docgap_reqs(&n);
    for (size_t i = 0; i < n; i++)
        if (!strcmp(r[i].id, id))
            return &r[i];
    fail_msg("no requirement %s", id);
    return NULL;
}

static void test_requirements_loaded(void **state)
{
    (void)state;
    size_t nr, nt;
    docgap_reqs(&nr);
    docgap_topics(&nt);
    assert_true(nr >= 120);
    assert_true(nt >= 14);
    assert_string_equal(req("POL-04")->control, "5.2");
    assert_string_equal(req("BAK-04")->topic, "backup");
    assert_int_equal(docgap_topic_find("crypto") >= 0, 1);
    assert_int_equal(docgap_topic_find("nope"), -1);
}

static void test_topics_and_controls(void **state)
{
    (void)state;
    arena a;
    arena_init(&a);
    isms_err err = {0};
    int t[DOCGAP_MAX_TOPICS];
    size_t n, nt;
    docgap_topics(&nt);
    assert_int_equal(docgap_topics_parse(" backup , crypto", t, &n, &a, &err), ISMS_OK);
    assert_int_equal(n, 2);
    assert_int_equal(t[0], docgap_topic_find("backup"));
    assert_int_equal(docgap_topics_parse("all", t, &n, &a, &err), ISMS_OK);
    assert_int_equal(n, nt);
    assert_int_equal(docgap_topics_parse("backup,nope", t, &n, &a, &err), ISMS_EINVAL);
    assert_non_null(strstr(err.msg, "unknown topic 'nope'"));
    assert_int_equal(docgap_topics_parse(",", t, &n, &a, &err), ISMS_EINVAL);
    /* one real backup policy: the per-control rows add up to the per-topic counts */
    doc d, *docs[1] = {&d};
    const char *paths[1] = {fixture("lullabot__backup.md")}, *errors[1] = {NULL};
    assert_int_equal(docfile_read(paths[0], &a, &d, &err), 0);
    docgap_report r;
    assert_int_equal(docgap_analyse(paths, docs, errors, 1, NULL, 0, &a, &r, &err), 0);
    int total, covered;
    docgap_topic_counts(&r, docgap_topic_find("backup"), &total, &covered);
    assert_int_equal(total, 6);
    docgap_control *rows;
    size_t nrows = docgap_controls(&r, &a, &rows), sum = 0;
    for (size_t k = 0; k < nrows; k++)
        sum += (size_t)rows[k].total;
    assert_int_equal(sum, r.nitems);
    assert_string_equal(docgap_status(0, 3), "missing");
    assert_string_equal(docgap_status(2, 3), "partial");
    assert_string_equal(docgap_status(3, 3), "covered");
    arena_free(&a);
}

static void test_markdown_real(void **state)
{
    (void)state;
    arena a;
    arena_init(&a);
    doc d;
    isms_err err = {0};
    assert_int_equal(docfile_read(fixture("strongdm__encryption.md"), &a, &d, &err), 0);
    assert_int_equal(d.format, DOC_MARKDOWN);
    assert_string_equal(d.title, "Encryption Policy");       /* from the front matter */
    assert_non_null(strstr(d.meta, "majorRevisions"));
    const doc_para *p = find_para(&d, "applies to all systems, equipment, facilities");
    assert_string_equal(p->section, "Purpose and Scope");
    assert_int_equal(p->line, 14);
    assert_true(d.words > 400);
    arena_free(&a);
}

static void test_docx_real(void **state)
{
    (void)state;
    arena a;
    arena_init(&a);
    doc d;
    isms_err err = {0};
    assert_int_equal(docfile_read(fixture("strongdm__remote_access.docx"), &a, &d, &err), 0);
    assert_int_equal(d.format, DOC_DOCX);
    assert_string_equal(d.title, "Remote Access Policy");
    assert_non_null(strstr(d.creator, "strongDM"));
    assert_int_equal(d.paras[0].heading, 1); /* the Title style */
    const doc_para *p = find_para(&d, "encrypted and authenticated VPN connection");
    assert_string_equal(p->section, "Policy");
    assert_int_equal(p->line, 0);
    arena_free(&a);
}

static void test_pdf_real(void **state)
{
    (void)state;
    arena a;
    arena_init(&a);
    doc d;
    isms_err err = {0};
    assert_int_equal(docfile_read(fixture("strongdm__log_management.pdf"), &a, &d, &err), 0);
    assert_int_equal(d.format, DOC_PDF);
    assert_int_equal(d.pages, 2);
    assert_string_equal(d.title, "Log Management Policy");
    assert_int_equal(find_para(&d, "This policy applies to all information systems")->page, 1);
    const doc_para *p = find_para(&d, "synchronize their clocks");
    assert_int_equal(p->page, 2);
    assert_non_null(strstr(docread_location(&d, p, &a), "page 2, section \"Policy\""));
    arena_free(&a);
}

static void test_html(void **state)
{
    (void)state;
    const char *html = "<!DOCTYPE html><html><head><title>Backup Policy</title><style>p{color:red}</style>"
                       "<script>var backup = 'daily';</script></head><body><h1>Backup</h1>"
                       "<p>Backups are taken <b>daily</b> of every production database.</p>"
                       "<h2>Testing</h2><ul><li>Restores are tested every quarter.</li><li>Results are kept."
                       "</ul><table><tr><td>Retention</td><td>35 days</td></tr></table></body></html>";
    arena a;
    arena_init(&a);
    doc d;
    isms_err err = {0};
    assert_int_equal(docread_sniff(html, strlen(html)), DOC_HTML);
    assert_int_equal(docread_memory("b.html", html, strlen(html), &a, &d, &err), 0);
    assert_string_equal(d.title, "Backup Policy");
    assert_string_equal(find_para(&d, "Backups are taken")->text,
                        "Backups are taken daily of every production database.");
    assert_string_equal(find_para(&d, "Restores")->section, "Testing");
    assert_int_equal(find_para(&d, "35 days")->in_table, 1);
    for (size_t i = 0; i < d.npara; i++)
        assert_null(strstr(d.paras[i].text, "var backup")); /* scripts and styles are not text */
    arena_free(&a);
}

static void test_sentences(void **state)
{
    (void)state;
    arena a;
    arena_init(&a);
    const char **s;
    size_t n = docgap_sentences("a. This policy applies to staff, e.g. contractors. Keys are rotated every 1.5 "
                                "years! Is it reviewed? Yes.", &a, &s);
    assert_int_equal(n, 4);
    assert_string_equal(s[0], "a. This policy applies to staff, e.g. contractors.");
    assert_string_equal(s[1], "Keys are rotated every 1.5 years!");
    assert_string_equal(s[2], "Is it reviewed?");
    n = docgap_sentences("iv. Logs are kept. (b) Access is reviewed by J. Smith annually.", &a, &s);
    assert_int_equal(n, 2);
    assert_string_equal(s[1], "(b) Access is reviewed by J. Smith annually.");
    assert_int_equal(docgap_sentences("", &a, &s), 0);
    arena_free(&a);
}

static void test_matching(void **state)
{
    (void)state;
    assert_true(docgap_match(req("ACC-08"), "Remote access requires multi-factor authentication.") > 0);
    assert_true(docgap_match(req("ACC-08"), "Remote access requires a password.") == 0);
    /* every group must match: "backup" alone is not a frequency */
    assert_true(docgap_match(req("BAK-02"), "Backups are important.") == 0);
    assert_true(docgap_match(req("BAK-02"), "Backups run nightly.") > 0);
    /* cues match at word starts, whatever the case and punctuation */
    assert_true(docgap_match(req("CRY-04"), "DATA AT REST IS ENCRYPTED (AES-256).") > 0);
    assert_true(docgap_match(req("LOG-07"), "All servers use NTP\xe2\x80\x94" "a shared time source.") > 0);
    assert_true(docgap_match(req("CRY-04"), "Unencrypted data at rest.") == 0); /* not at a word start */
    /* "log$" is the whole word: logging in is not a log */
    assert_true(docgap_match(req("LOG-03"), "Each login and logon is protected by MFA.") == 0);
    assert_true(docgap_match(req("LOG-03"), "Logs are protected against tampering.") > 0);
    /* a sentence stating a rule outranks a mention */
    assert_true(docgap_match(req("BAK-02"), "Backups must run daily on every production server.") >
                docgap_match(req("BAK-02"), "Backups daily."));
}

static void test_weaknesses_and_topics(void **state)
{
    (void)state;
    const char *good = "# Backup Policy\n\nVersion 2. Owner: the CTO. Approved by the CEO on 2026-01-10. "
                       "Reviewed annually.\n\nThis policy applies to all production systems.\n\n"
                       "Backups run daily.\n";
    const char *bare = "# Notes\n\nBackups run daily. Restores are tested monthly.\n";
    arena a;
    arena_init(&a);
    doc d1, d2;
    isms_err err = {0};
    assert_int_equal(docread_memory("good.md", good, strlen(good), &a, &d1, &err), 0);
    assert_int_equal(docread_memory("notes.md", bare, strlen(bare), &a, &d2, &err), 0);
    const char *paths[] = {"good.md", "notes.md", "bad.pdf"};
    doc *docs[] = {&d1, &d2, NULL};
    const char *errors[] = {NULL, NULL, "is empty"};
    docgap_report r;
    assert_int_equal(docgap_analyse(paths, docs, errors, 3, NULL, 0, &a, &r, &err), 0);
    assert_int_equal(r.nread, 2);
    assert_int_equal(r.files[0].weaknesses, 0);
    assert_int_equal(r.files[1].weaknesses,
                     DOCGAP_NO_OWNER | DOCGAP_NO_REVIEW | DOCGAP_NO_APPROVAL | DOCGAP_NO_SCOPE | DOCGAP_NO_VERSION);
    assert_null(r.files[2].d);
    assert_int_equal(r.files[0].ntopics, 1);
    assert_int_equal(r.files[0].topics[0], docgap_topic_find("backup"));
    /* "Notes" names no topic: its content decides (half of the backup requirements) */
    assert_int_equal(r.files[1].ntopics, 1);
    assert_int_equal(r.files[1].topics[0], docgap_topic_find("backup"));
    int restores = 0;
    for (size_t i = 0; i < r.nitems; i++)
        if (!strcmp(r.items[i].req->id, "BAK-04")) {
            restores = r.items[i].covered;
            assert_string_equal(r.items[i].ev.file, "notes.md"); /* evidence from any document */
            assert_string_equal(r.items[i].ev.sentence, "Restores are tested monthly.");
        }
    assert_true(restores);
    /* DOCX core properties count as document control */
    doc d3;
    assert_int_equal(docfile_read(fixture("strongdm__remote_access.docx"), &a, &d3, &err), 0);
    d3.revision = "3";
    const char *p3[] = {"r.docx"};
    doc *ds3[] = {&d3};
    const char *e3[] = {NULL};
    assert_int_equal(docgap_analyse(p3, ds3, e3, 1, NULL, 0, &a, &r, &err), 0);
    assert_false(r.files[0].weaknesses & DOCGAP_NO_VERSION);
    arena_free(&a);
}

/* A lead-in sentence and its list items are read together when the lead-in names the subject. */
static void test_lists(void **state)
{
    (void)state;
    const char *md = "# Logging Policy\n\nAudit logs record the following:\n\n- the user who acted\n"
                     "- the date and time of the event\n\nThe policy covers the following:\n\n- the weather\n";
    arena a;
    arena_init(&a);
    doc d;
    isms_err err = {0};
    assert_int_equal(docread_memory("log.md", md, strlen(md), &a, &d, &err), 0);
    const char *paths[] = {"log.md"};
    doc *docs[] = {&d};
    const char *errors[] = {NULL};
    docgap_report r;
    assert_int_equal(docgap_analyse(paths, docs, errors, 1, NULL, 0, &a, &r, &err), 0);
    int seen = 0;
    for (size_t i = 0; i < r.nitems; i++)
        if (!strcmp(r.items[i].req->id, "LOG-02")) {
            seen = 1;
            assert_true(r.items[i].covered);
            assert_string_equal(r.items[i].ev.sentence,
                                "Audit logs record the following: the user who acted the date and time of the event");
            assert_string_equal(r.items[i].ev.location, "section \"Logging Policy\", line 3");
        }
    assert_true(seen);
    arena_free(&a);
}

/* --- hostile input --- */

static int read_err(const char *path, const char *want)
{
    arena a;
    arena_init(&a);
    doc d;
    isms_err err = {0};
    int rc = docfile_read(path, &a, &d, &err);
    arena_free(&a);
    if (rc != ISMS_EINVAL || !strstr(err.msg, want))
        fail_msg("%s: rc %d, '%s', wanted '%s'", path, rc, err.msg, want);
    return 0;
}

static void test_hostile_small(void **state)
{
    (void)state;
    write_file(tmp_path("empty.md"), "", 0);
    read_err(tmp_path("empty.md"), "is empty");
    write_file(tmp_path("fake.pdf"), "hello\n", 6);
    read_err(tmp_path("fake.pdf"), "is named .pdf but its content is text");
    write_file(tmp_path("bad.txt"), "caf\xe9 policy\n", 12);
    read_err(tmp_path("bad.txt"), "not valid UTF-8 text (byte 3)");
    write_file(tmp_path("blob"), "\x89PNG\r\n\x1a\n\0\0\0", 11);
    read_err(tmp_path("blob"), "a PNG image");
    write_file(tmp_path("u16.txt"), "\xff\xfeh\0i\0", 6);
    read_err(tmp_path("u16.txt"), "UTF-16");
    read_err(tmp_path("absent.md"), "cannot be opened");
    read_err(tmpdir, "not a regular file");
    /* a real DOCX cut short */
    FILE *f = fopen(fixture("strongdm__remote_access.docx"), "rb");
    assert_non_null(f);
    char buf[3000];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    write_file(tmp_path("cut.docx"), buf, n);
    read_err(tmp_path("cut.docx"), "corrupt or truncated");
    /* a zip that is no Word document */
    zip_t *z = zip_open(tmp_path("other.docx"), ZIP_CREATE | ZIP_TRUNCATE, NULL);
    zip_source_t *s = zip_source_buffer(z, "hi", 2, 0);
    zip_file_add(z, "readme.txt", s, 0);
    assert_int_equal(zip_close(z), 0);
    read_err(tmp_path("other.docx"), "not a Word document");
    /* a DOCX whose document.xml is not XML */
    z = zip_open(tmp_path("broken.docx"), ZIP_CREATE | ZIP_TRUNCATE, NULL);
    s = zip_source_buffer(z, "<w:document><w:body>", 20, 0);
    zip_file_add(z, "word/document.xml", s, 0);
    assert_int_equal(zip_close(z), 0);
    read_err(tmp_path("broken.docx"), "not well-formed XML");
}

static void test_zip_bomb(void **state)
{
    (void)state;
    size_t n = DOCREAD_MAX_ENTRY + 4096;
    char *big = malloc(n);
    assert_non_null(big);
    memset(big, ' ', n);
    zip_t *z = zip_open(tmp_path("bomb.docx"), ZIP_CREATE | ZIP_TRUNCATE, NULL);
    zip_source_t *s = zip_source_buffer(z, big, n, 0);
    zip_file_add(z, "word/document.xml", s, 0);
    zip_set_file_compression(z, 0, ZIP_CM_DEFLATE, 9);
    assert_int_equal(zip_close(z), 0);
    free(big);
    read_err(tmp_path("bomb.docx"), "over the 64 MB limit (a zip bomb?)");
}

static void test_huge_file(void **state)
{
    (void)state;
    FILE *f = fopen(tmp_path("huge.md"), "wb");
    assert_non_null(f);
    assert_int_equal(fseek(f, (long)DOCREAD_MAX_FILE + 1, SEEK_SET), 0);
    fputc('x', f);
    fclose(f);
    read_err(tmp_path("huge.md"), "over the 50 MB limit");
}

/* A PDF with only a drawing: no text layer, as a scan without OCR. */
static void test_scanned_pdf(void **state)
{
    (void)state;
    cairo_surface_t *sf = cairo_pdf_surface_create(tmp_path("scan.pdf"), 595, 842);
    cairo_t *cr = cairo_create(sf);
    cairo_rectangle(cr, 50, 50, 400, 600);
    cairo_fill(cr);
    cairo_destroy(cr);
    cairo_surface_destroy(sf);
    read_err(tmp_path("scan.pdf"), "without a text layer");
}

/* No tool here writes encrypted PDFs, so one is written by hand: a standard security handler whose
 * user password is not empty (the /U entry matches no password), as a protected file arrives. */
static void test_encrypted_pdf(void **state)
{
    (void)state;
    char pdf[4096];
    size_t off[6], n = 0;
    n += (size_t)snprintf(pdf + n, sizeof pdf - n, "%%PDF-1.4\n");
    off[1] = n;
    n += (size_t)snprintf(pdf + n, sizeof pdf - n, "1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n");
    off[2] = n;
    n += (size_t)snprintf(pdf + n, sizeof pdf - n, "2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n");
    off[3] = n;
    n += (size_t)snprintf(pdf + n, sizeof pdf - n,
                          "3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >> endobj\n");
    off[4] = n;
    n += (size_t)snprintf(pdf + n, sizeof pdf - n,
                          "4 0 obj << /Filter /Standard /V 1 /R 2 /P -44 "
                          "/O <0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef> "
                          "/U <fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210> >> endobj\n");
    size_t xref = n;
    n += (size_t)snprintf(pdf + n, sizeof pdf - n, "xref\n0 5\n0000000000 65535 f \n");
    for (int i = 1; i <= 4; i++)
        n += (size_t)snprintf(pdf + n, sizeof pdf - n, "%010zu 00000 n \n", off[i]);
    n += (size_t)snprintf(pdf + n, sizeof pdf - n,
                          "trailer << /Size 5 /Root 1 0 R /Encrypt 4 0 R "
                          "/ID [<00112233445566778899aabbccddeeff> <00112233445566778899aabbccddeeff>] >>\n"
                          "startxref\n%zu\n%%%%EOF\n", xref);
    write_file(tmp_path("locked.pdf"), pdf, n);
    read_err(tmp_path("locked.pdf"), "encrypted PDF that needs a password");
    /* and a truncated PDF */
    write_file(tmp_path("cut.pdf"), "%PDF-1.4\n1 0 obj <<", 19);
    read_err(tmp_path("cut.pdf"), "damaged PDF");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_requirements_loaded), cmocka_unit_test(test_markdown_real),
        cmocka_unit_test(test_docx_real),           cmocka_unit_test(test_pdf_real),
        cmocka_unit_test(test_html),                cmocka_unit_test(test_sentences),
        cmocka_unit_test(test_matching),            cmocka_unit_test(test_weaknesses_and_topics), cmocka_unit_test(test_lists),
        cmocka_unit_test(test_hostile_small),       cmocka_unit_test(test_zip_bomb),
        cmocka_unit_test(test_huge_file),           cmocka_unit_test(test_scanned_pdf),
        cmocka_unit_test(test_encrypted_pdf),       cmocka_unit_test(test_topics_and_controls),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
