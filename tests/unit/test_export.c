/* Exports of the SoA and the risk register built from a real temp workspace: CSV read back with
 * a strict RFC 4180 reader, XLSX opened with libzip and every part parsed with libxml2 (not with
 * libxlsxwriter, which wrote it), HTML escaping, and the error paths (no half-written file, the path
 * named, a directory nobody may write to). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zip.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "report/export.h"

static char dir[] = "/tmp/isms-test-export-XXXXXX";
static ws *w;
static risk_method meth;
static const export_meta meta = {"Acme & <Sons>", "version 3 approved by Dana Lee on 2026-05-20",
                                 "2026-06-01T09:00:00Z"};

/* An exclusion justification that needs every kind of CSV quoting. */
static const char justification[] = "We have no premises, \"offices\" or server rooms of our own:\n"
                                    "all staff work remotely and hosting is on AWS (see A.5.23), so "
                                    "nobody can watch a site.";
static const char impl_script[] = "<script>alert('x')</script> SSO & MFA through Okta for every app";
static const char formula[] = "=1+1 the board approved the policy set in May";
static const char risk_formula[] = "=HYPERLINK(\"http://evil.example\",\"click\")";

static char *pathf(const char *name)
{
    static char p[8][512];
    static int i;
    char *s = p[i++ % 8];
    snprintf(s, sizeof p[0], "%s/%s", dir, name);
    return s;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *d = malloc((size_t)n + 1);
    assert_non_null(d);
    assert_int_equal(fread(d, 1, (size_t)n, f), (size_t)n);
    d[n] = '\0';
    fclose(f);
    if (len)
        *len = (size_t)n;
    return d;
}

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
        n++;
    return n;
}

/* --- a strict RFC 4180 reader: CRLF record ends only, quotes doubled, no stray quotes --- */

#define MAXREC 128
#define MAXF 32
typedef struct csvt {
    int nrec;
    int nf[MAXREC];
    char *f[MAXREC][MAXF];
} csvt;

static void csv_read(const char *path, csvt *t)
{
    size_t len;
    char *data = slurp(path, &len), *fld = malloc(len + 1);
    const char *p = data, *end = data + len;
    memset(t, 0, sizeof *t);
    while (p < end) {
        assert_true(t->nrec < MAXREC);
        int nf = 0;
        for (;;) {
            size_t k = 0;
            if (*p == '"') {
                for (p++;; p++) {
                    assert_true(p < end);   /* unterminated quote */
                    if (*p == '"') {
                        if (p + 1 < end && p[1] == '"')
                            p++;
                        else
                            break;
                    }
                    fld[k++] = *p;
                }
                p++;
            } else {
                for (; p < end && *p != ',' && *p != '\r' && *p != '\n'; p++) {
                    assert_true(*p != '"');   /* a quote inside an unquoted field */
                    fld[k++] = *p;
                }
            }
            fld[k] = '\0';
            assert_true(nf < MAXF);
            t->f[t->nrec][nf++] = strdup(fld);
            assert_true(p < end);           /* the last record ends in CRLF too */
            if (*p == ',') {
                p++;
                continue;
            }
            assert_true(p + 1 < end && p[0] == '\r' && p[1] == '\n');
            p += 2;
            break;
        }
        t->nf[t->nrec++] = nf;
    }
    free(fld);
    free(data);
}

static void csv_free(csvt *t)
{
    for (int r = 0; r < t->nrec; r++)
        for (int c = 0; c < t->nf[r]; c++)
            free(t->f[r][c]);
}

static int col(const csvt *t, const char *head)
{
    for (int c = 0; c < t->nf[0]; c++)
        if (!strcmp(t->f[0][c], head))
            return c;
    fail_msg("no column '%s'", head);
    return -1;
}

/* The record whose first field is id. */
static int rec(const csvt *t, const char *id)
{
    for (int r = 1; r < t->nrec; r++)
        if (!strcmp(t->f[r][0], id))
            return r;
    fail_msg("no record '%s'", id);
    return -1;
}

#define CELL(t, id, head) ((t)->f[rec((t), (id))][col((t), (head))])

/* --- XLSX read with libzip and libxml2, independent of libxlsxwriter --- */

typedef struct xlsx_view {
    int rows;             /* <row> elements of the first sheet */
    int autofilter;       /* the first sheet has an <autoFilter> */
    int pane;             /* ... and a frozen <pane> */
    char sheets[256];     /* the workbook's sheet names, comma-separated */
    char header[512];     /* the first sheet's odd-page header */
    char *text;           /* every <t> of both sheets and the shared strings, each ended by '\0' */
    size_t text_len;
} xlsx_view;

/* The whole of one part; NULL when the workbook has none by that name. */
static char *zip_part(zip_t *z, zip_int64_t i, size_t *len)
{
    zip_stat_t st;
    assert_int_equal(zip_stat_index(z, (zip_uint64_t)i, 0, &st), 0);
    assert_true(st.size < 64u << 20);
    char *d = malloc(st.size + 1);
    assert_non_null(d);
    zip_file_t *f = zip_fopen_index(z, (zip_uint64_t)i, 0);
    assert_non_null(f);
    assert_int_equal(zip_fread(f, d, st.size), (zip_int64_t)st.size);
    zip_fclose(f);
    d[st.size] = '\0';
    *len = st.size;
    return d;
}

static int is_named(const xmlNode *n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && !strcmp((const char *)n->name, name);
}

/* Walk a parsed part: the text of every namespaced <t>, and for the first sheet its rows, filter,
 * pane and header; for the workbook its sheet names. */
static void xlsx_walk(const xmlNode *n, const char *part, xlsx_view *v)
{
    for (; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        int sheet1 = !strcmp(part, "xl/worksheets/sheet1.xml");
        if (is_named(n, "t") && n->ns) {
            xmlChar *t = xmlNodeGetContent(n);
            size_t k = strlen((const char *)t);
            v->text = realloc(v->text, v->text_len + k + 1);
            assert_non_null(v->text);
            memcpy(v->text + v->text_len, t, k + 1);
            v->text_len += k + 1;
            xmlFree(t);
        }
        if (sheet1 && is_named(n, "row"))
            v->rows++;
        if (sheet1 && is_named(n, "autoFilter"))
            v->autofilter = 1;
        if (sheet1 && is_named(n, "pane"))
            v->pane = 1;
        if (sheet1 && is_named(n, "oddHeader") && !v->header[0]) {
            xmlChar *t = xmlNodeGetContent(n);
            snprintf(v->header, sizeof v->header, "%s", (const char *)t);
            xmlFree(t);
        }
        if (!strcmp(part, "xl/workbook.xml") && is_named(n, "sheet")) {
            xmlChar *name = xmlGetProp(n, (const xmlChar *)"name");
            assert_non_null(name);
            size_t used = strlen(v->sheets);
            snprintf(v->sheets + used, sizeof v->sheets - used, "%s%s", used ? "," : "", (const char *)name);
            xmlFree(name);
        }
        xlsx_walk(n->children, part, v);
    }
}

/* Open an XLSX file: every .xml and .rels part must be well-formed XML. */
static void xlsx_read(const char *file, xlsx_view *v)
{
    memset(v, 0, sizeof *v);
    int zerr = 0;
    zip_t *z = zip_open(file, ZIP_RDONLY | ZIP_CHECKCONS, &zerr);
    if (!z)
        fail_msg("%s is not a zip archive (libzip error %d)", file, zerr);
    zip_int64_t n = zip_get_num_entries(z, 0);
    int seen_sheet1 = 0, seen_workbook = 0;
    for (zip_int64_t i = 0; i < n; i++) {
        const char *name = zip_get_name(z, (zip_uint64_t)i, 0);
        assert_non_null(name);
        size_t nl = strlen(name);
        int xml = nl > 4 && !strcmp(name + nl - 4, ".xml");
        if (!xml && !(nl > 5 && !strcmp(name + nl - 5, ".rels")))
            continue;
        size_t len;
        char *d = zip_part(z, i, &len);
        xmlDoc *doc = xmlReadMemory(d, (int)len, name, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
        if (!doc)
            fail_msg("%s: part %s is not well-formed XML", file, name);
        static const char *const walked[] = {"xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml",
                                             "xl/sharedStrings.xml", "xl/workbook.xml"};
        for (size_t k = 0; k < sizeof walked / sizeof *walked; k++)
            if (!strcmp(name, walked[k]))
                xlsx_walk(xmlDocGetRootElement(doc), name, v);
        seen_sheet1 |= !strcmp(name, "xl/worksheets/sheet1.xml");
        seen_workbook |= !strcmp(name, "xl/workbook.xml");
        xmlFreeDoc(doc);
        free(d);
    }
    zip_close(z);
    assert_true(seen_sheet1 && seen_workbook);
}

/* True when needle is the whole or a part of one text of the workbook. */
static int xlsx_has(const xlsx_view *v, const char *needle)
{
    for (size_t off = 0; off < v->text_len; off += strlen(v->text + off) + 1)
        if (strstr(v->text + off, needle))
            return 1;
    return 0;
}

static void xlsx_assert_has(const xlsx_view *v, const char *const *needles)
{
    for (; *needles; needles++)
        if (!xlsx_has(v, *needles))
            fail_msg("the workbook has no text '%.80s'", *needles);
}

static void assert_zip(const char *file)
{
    size_t len;
    char *d = slurp(file, &len);
    assert_true(len > 4);
    assert_memory_equal(d, "PK\x03\x04", 4);
    free(d);
}

/* --- the workspace --- */

static int setup(void **state)
{
    (void)state;
    isms_err err = {0};
    setenv("ISMS_TODAY", "2026-06-01", 1);
    if (catalog_init(&err) || !mkdtemp(dir))
        return -1;
    if (ws_open(pathf("ws.db"), WS_CREATE, &w, &err))
        return -1;
    ws_set_actor(w, "tester");
    risk_method_default(&meth);
    int64_t asset_id, r1, r2, r3, r4;
    asset a = {.name = "Customer database", .type = "information", .owner = "Dana Lee",
               .classification = "confidential", .confidentiality = 3, .integrity = 3, .availability = 2};
    if (ws_begin(w, &err) || store_org_create(w, meta.org, &err) || store_method_set(w, &meth, &err) ||
        store_asset_insert(w, &a, &asset_id, &err))
        goto fail;
    risk r = {.title = "Theft of customer data", .asset_id = asset_id, .threat = "Credential stuffing",
              .vulnerability = "No MFA on the admin console", .owner = "Dana Lee", .likelihood = 4, .impact = 5};
    if (store_risk_insert(w, &meth, &r, &r1, &err))
        goto fail;
    r = (risk){.title = risk_formula, .threat = "Phishing", .vulnerability = "Untrained staff", .owner = "Sam Ops",
               .likelihood = 3, .impact = 3};
    if (store_risk_insert(w, &meth, &r, &r2, &err))
        goto fail;
    r = (risk){.title = "Laptop theft", .threat = "Theft", .vulnerability = "Unencrypted disks", .owner = "Sam Ops",
               .likelihood = 3, .impact = 4};
    if (store_risk_insert(w, &meth, &r, &r3, &err))
        goto fail;
    r = (risk){.title = "Vendor outage", .threat = "Supplier failure", .vulnerability = "Single vendor",
               .owner = "Dana Lee", .likelihood = 2, .impact = 2};
    if (store_risk_insert(w, &meth, &r, &r4, &err))
        goto fail;
    risk t = {.id = r1, .option = RISK_MITIGATE, .controls = "A.8.24,A.5.15", .residual_likelihood = 2,
              .residual_impact = 3, .treatment_owner = "Sam Ops", .due_date = "2026-09-30",
              .treatment_plan = "Enforce SSO, MFA and encryption at rest"};
    if (store_risk_treat(w, &meth, &t, &err))
        goto fail;
    t = (risk){.id = r3, .option = RISK_MITIGATE, .controls = "A.8.1", .residual_likelihood = 2,
               .residual_impact = 2, .treatment_owner = "Sam Ops", .due_date = "2026-01-15",
               .treatment_plan = "Full-disk encryption"};
    if (store_risk_treat(w, &meth, &t, &err))
        goto fail;
    t = (risk){.id = r4, .option = RISK_ACCEPT, .treatment_owner = "Dana Lee"};
    if (store_risk_treat(w, &meth, &t, &err))
        goto fail;
    soa_entry e = {.ctl = catalog_control_find("A.7.4"), .applicable = SOA_EXCLUDED, .justification = justification,
                   .risks = "", .owner = "Facilities"};
    if (store_soa_save(w, &e, &err))
        goto fail;
    e = (soa_entry){.ctl = catalog_control_find("A.5.15"), .applicable = SOA_APPLICABLE, .reasons = SOA_REASON_LEGAL,
                    .justification = "Access to customer data must be controlled", .status = SOA_IMPLEMENTED,
                    .implementation = impl_script, .owner = "IT", .risks = ""};
    if (store_soa_save(w, &e, &err))
        goto fail;
    e = (soa_entry){.ctl = catalog_control_find("A.5.1"), .applicable = SOA_APPLICABLE,
                    .reasons = SOA_REASON_BUSINESS, .justification = formula, .status = SOA_PLANNED, .risks = ""};
    if (store_soa_save(w, &e, &err) || ws_commit(w, &err))
        goto fail;
    return 0;
fail:
    fprintf(stderr, "setup: %s\n", err.msg);
    return -1;
}

static int teardown(void **state)
{
    (void)state;
    ws_close(w);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static void load_soa(arena *a, soa_entry *e)
{
    isms_err err = {0};
    arena_init(a);
    assert_int_equal(store_soa_load(w, a, e, &err), ISMS_OK);
}

/* No "<path>.tmp-*" left in the directory. */
static void assert_no_temp(void)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    for (struct dirent *de; (de = readdir(d));)
        if (strstr(de->d_name, ".tmp-"))
            fail_msg("temp file left behind: %s", de->d_name);
    closedir(d);
}

/* --- tests --- */

static void test_format_parse(void **state)
{
    (void)state;
    assert_int_equal(export_format_parse("csv"), EXPORT_CSV);
    assert_int_equal(export_format_parse("XLSX"), EXPORT_XLSX);
    assert_int_equal(export_format_parse("html"), EXPORT_HTML);
    assert_int_equal(export_format_parse("pdf"), -1);
    assert_int_equal(export_format_parse(""), -1);
    assert_int_equal(export_format_parse(NULL), -1);
}

static void test_soa_csv(void **state)
{
    (void)state;
    arena a;
    soa_entry e[CATALOG_NCONTROLS];
    isms_err err = {0};
    load_soa(&a, e);
    const char *out = pathf("soa.csv");
    assert_int_equal(export_soa(e, CATALOG_NCONTROLS, &meta, EXPORT_CSV, out, &err), ISMS_OK);
    size_t len;
    char *raw = slurp(out, &len);
    assert_memory_equal(raw, "Control,Theme,Title,Applicable,", 31);   /* header first, no BOM */
    free(raw);
    csvt t;
    csv_read(out, &t);
    assert_int_equal(t.nrec, 1 + CATALOG_NCONTROLS);
    assert_int_equal(t.nf[0], 11);
    const char *heads[] = {"Control", "Theme", "Title", "Applicable", "Reasons for inclusion", "Linked risks",
                           "Justification", "Implementation status", "How implemented", "Owner", "Last updated"};
    for (int c = 0; c < 11; c++)
        assert_string_equal(t.f[0][c], heads[c]);
    for (int r = 1; r < t.nrec; r++) {
        assert_int_equal(t.nf[r], 11);
        assert_string_equal(t.f[r][0], e[r - 1].ctl->id);   /* catalog order */
    }
    /* The exclusion survives quoting of commas, quotes and a line break. */
    assert_string_equal(CELL(&t, "A.7.4", "Applicable"), "No");
    assert_string_equal(CELL(&t, "A.7.4", "Justification"), justification);
    assert_string_equal(CELL(&t, "A.7.4", "Theme"), "Physical");
    assert_string_equal(CELL(&t, "A.7.4", "Implementation status"), "");
    assert_string_equal(CELL(&t, "A.5.15", "Applicable"), "Yes");
    assert_string_equal(CELL(&t, "A.5.15", "Implementation status"), "Implemented");
    assert_string_equal(CELL(&t, "A.5.15", "Reasons for inclusion"), "risk,legal");
    assert_string_equal(CELL(&t, "A.5.15", "Linked risks"), "R1");
    assert_string_equal(CELL(&t, "A.5.15", "How implemented"), impl_script);
    assert_string_equal(CELL(&t, "A.5.15", "Owner"), "IT");
    assert_true(strlen(CELL(&t, "A.5.15", "Last updated")) >= 10);
    /* Derived: a risk treatment uses A.8.24, so it is applicable though nobody decided. */
    assert_string_equal(CELL(&t, "A.8.24", "Applicable"), "Yes");
    assert_string_equal(CELL(&t, "A.8.1", "Linked risks"), "R3");
    assert_string_equal(CELL(&t, "A.8.34", "Applicable"), "Undecided");
    assert_string_equal(CELL(&t, "A.5.1", "Implementation status"), "Planned");
    /* Formula injection: the leading = is neutralized with a quote. */
    char guarded[256];
    snprintf(guarded, sizeof guarded, "'%s", formula);
    assert_string_equal(CELL(&t, "A.5.1", "Justification"), guarded);
    csv_free(&t);
    arena_free(&a);
}

static void test_soa_xlsx(void **state)
{
    (void)state;
    arena a;
    soa_entry e[CATALOG_NCONTROLS];
    isms_err err = {0};
    load_soa(&a, e);
    const char *out = pathf("soa.xlsx");
    assert_int_equal(export_soa(e, CATALOG_NCONTROLS, &meta, EXPORT_XLSX, out, &err), ISMS_OK);
    arena_free(&a);
    assert_zip(out);
    assert_no_temp();
    xlsx_view v;
    xlsx_read(out, &v);
    /* header + 93 rows, autofilter, frozen pane, both sheets; the text exactly as entered */
    const char *needles[] = {"A.8.24", "A.5.15", justification, impl_script, formula, "Summary by theme",
                             "Acme & <Sons>", "Undecided", NULL};
    xlsx_assert_has(&v, needles);
    assert_int_equal(v.rows, 1 + CATALOG_NCONTROLS);
    assert_int_equal(v.autofilter, 1);
    assert_int_equal(v.pane, 1);
    assert_string_equal(v.sheets, "Statement of Applicability,Summary");
    assert_string_equal(v.header, "&L&\"-,Bold\"Statement of Applicability \xE2\x80\x94 Acme && <Sons>"
                                  "&Rversion 3 approved by Dana Lee on 2026-05-20");
    assert_false(xlsx_has(&v, "no such text anywhere"));
    free(v.text);
}

static void test_soa_html(void **state)
{
    (void)state;
    arena a;
    soa_entry e[CATALOG_NCONTROLS];
    isms_err err = {0};
    load_soa(&a, e);
    const char *out = pathf("soa.html");
    assert_int_equal(export_soa(e, CATALOG_NCONTROLS, &meta, EXPORT_HTML, out, &err), ISMS_OK);
    arena_free(&a);
    char *h = slurp(out, NULL);
    assert_non_null(strstr(h, "<meta charset=\"utf-8\">"));
    assert_non_null(strstr(h, "<title>Statement of Applicability \xE2\x80\x94 Acme &amp; &lt;Sons&gt;</title>"));
    assert_non_null(strstr(h, "version 3 approved by Dana Lee on 2026-05-20"));
    assert_non_null(strstr(h, "2026-06-01T09:00:00Z"));
    assert_non_null(strstr(h, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; SSO &amp; MFA"));
    assert_non_null(strstr(h, "We have no premises, &quot;offices&quot; or server rooms of our own:<br>all staff"));
    assert_int_equal(count(h, "<tr id=\"A."), CATALOG_NCONTROLS);
    assert_non_null(strstr(h, "<tr id=\"A.8.34\">"));
    assert_non_null(strstr(h, "Summary by theme"));
    assert_non_null(strstr(h, "@media print"));
    for (char *p = h; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    assert_null(strstr(h, "<script"));
    assert_null(strstr(h, " src="));   /* standalone: nothing loaded from elsewhere */
    assert_null(strstr(h, " href="));
    free(h);
}

typedef struct prog {
    int calls;
    size_t done, total;
} prog;

static void on_progress(size_t done, size_t total, void *ctx)
{
    prog *p = ctx;
    p->calls++;
    p->done = done;
    p->total = total;
}

static void test_risks_csv(void **state)
{
    (void)state;
    isms_err err = {0};
    prog pg = {0};
    const char *out = pathf("risks.csv");
    assert_int_equal(export_risks(w, &meth, &meta, EXPORT_CSV, out, on_progress, &pg, &err), ISMS_OK);
    assert_true(pg.calls >= 1);
    assert_int_equal(pg.done, 4);
    assert_int_equal(pg.total, 4);
    csvt t;
    csv_read(out, &t);
    assert_int_equal(t.nrec, 5);
    assert_int_equal(t.nf[0], 22);
    assert_string_equal(t.f[1][0], "R1");
    assert_string_equal(CELL(&t, "R1", "Title"), "Theft of customer data");
    assert_string_equal(CELL(&t, "R1", "Asset"), "Customer database");
    assert_string_equal(CELL(&t, "R1", "Likelihood"), "4");
    assert_string_equal(CELL(&t, "R1", "Impact"), "5");
    assert_string_equal(CELL(&t, "R1", "Inherent score"), "20");
    assert_string_equal(CELL(&t, "R1", "Inherent level"), "critical");
    assert_string_equal(CELL(&t, "R1", "Risk owner"), "Dana Lee");
    assert_string_equal(CELL(&t, "R1", "Treatment"), "mitigate");
    assert_string_equal(CELL(&t, "R1", "Controls"), "A.5.15,A.8.24");
    assert_string_equal(CELL(&t, "R1", "Treatment plan"), "Enforce SSO, MFA and encryption at rest");
    assert_string_equal(CELL(&t, "R1", "Residual likelihood"), "2");
    assert_string_equal(CELL(&t, "R1", "Residual impact"), "3");
    assert_string_equal(CELL(&t, "R1", "Residual score"), "6");
    assert_string_equal(CELL(&t, "R1", "Residual level"), "medium");
    assert_string_equal(CELL(&t, "R1", "Treatment owner"), "Sam Ops");
    assert_string_equal(CELL(&t, "R1", "Due date"), "2026-09-30");
    assert_string_equal(CELL(&t, "R1", "Plan status"), "open");
    /* untreated: no residual assessment, residual score = inherent */
    assert_string_equal(CELL(&t, "R2", "Inherent level"), "medium");
    assert_string_equal(CELL(&t, "R2", "Treatment"), "");
    assert_string_equal(CELL(&t, "R2", "Residual likelihood"), "");
    assert_string_equal(CELL(&t, "R2", "Residual score"), "9");
    assert_string_equal(CELL(&t, "R2", "Plan status"), "untreated");
    assert_string_equal(CELL(&t, "R2", "Asset"), "");
    char guarded[128];
    snprintf(guarded, sizeof guarded, "'%s", risk_formula);
    assert_string_equal(CELL(&t, "R2", "Title"), guarded);
    assert_string_equal(CELL(&t, "R3", "Inherent score"), "12");
    assert_string_equal(CELL(&t, "R3", "Inherent level"), "high");
    assert_string_equal(CELL(&t, "R3", "Residual level"), "low");
    assert_string_equal(CELL(&t, "R3", "Plan status"), "overdue");   /* due 2026-01-15, today 2026-06-01 */
    assert_string_equal(CELL(&t, "R4", "Treatment"), "accept");
    assert_string_equal(CELL(&t, "R4", "Plan status"), "accepted");
    assert_string_equal(CELL(&t, "R4", "Inherent level"), "low");
    csv_free(&t);
}

static void test_risks_xlsx(void **state)
{
    (void)state;
    isms_err err = {0};
    const char *out = pathf("risks.xlsx");
    assert_int_equal(export_risks(w, &meth, &meta, EXPORT_XLSX, out, NULL, NULL, &err), ISMS_OK);
    assert_zip(out);
    assert_no_temp();
    xlsx_view v;
    xlsx_read(out, &v);
    /* "awaiting acceptance" appears in the summary sheet's labels */
    const char *needles[] = {"R1", "critical", "overdue", "awaiting acceptance", risk_formula, "Risks by level",
                             "Treatment plan status", NULL};
    xlsx_assert_has(&v, needles);
    assert_int_equal(v.rows, 5);   /* header + 4 risks */
    assert_int_equal(v.autofilter, 1);
    assert_int_equal(v.pane, 1);
    assert_string_equal(v.sheets, "Risk register,Summary");
    assert_string_equal(v.header, "&L&\"-,Bold\"Risk register and treatment plan \xE2\x80\x94 Acme && <Sons>"
                                  "&Rversion 3 approved by Dana Lee on 2026-05-20");
    free(v.text);
}

static void test_risks_html(void **state)
{
    (void)state;
    isms_err err = {0};
    const char *out = pathf("risks.html");
    assert_int_equal(export_risks(w, &meth, &meta, EXPORT_HTML, out, NULL, NULL, &err), ISMS_OK);
    char *h = slurp(out, NULL);
    assert_non_null(strstr(h, "<title>Risk register \xE2\x80\x94 Acme &amp; &lt;Sons&gt;</title>"));
    assert_int_equal(count(h, "<tr id=\"R"), 4);
    assert_non_null(strstr(h, "=HYPERLINK(&quot;http://evil.example&quot;,&quot;click&quot;)"));
    assert_non_null(strstr(h, "<td class=\"bad\">critical</td>"));
    assert_non_null(strstr(h, "<td class=\"bad\">overdue</td>"));
    /* summary: 1 critical inherent, 4 in total */
    assert_non_null(strstr(h, "<tr><td>critical</td><td class=\"n\">1</td><td class=\"n\">0</td></tr>"));
    assert_non_null(strstr(h, "<tr class=\"total\"><td>Total</td><td class=\"n\">4</td><td class=\"n\">4</td></tr>"));
    free(h);
}

/* Invalid UTF-8, control characters and a cell over Excel's limit still give valid files. */
static void test_hostile_text(void **state)
{
    (void)state;
    arena a;
    soa_entry e[CATALOG_NCONTROLS];
    isms_err err = {0};
    load_soa(&a, e);
    size_t n = 40000;
    char *big = arena_alloc(&a, n + 1);
    memset(big, 'x', n);
    memcpy(big, "bad\xff\xfe bytes \x01\x02 and a surrogate \xed\xa0\x80 end", 38);
    e[0].implementation = big;
    e[1].owner = "cut \xe2\x82";   /* a sequence cut short at the end */
    const char *x = pathf("hostile.xlsx"), *c = pathf("hostile.csv"), *h = pathf("hostile.html");
    assert_int_equal(export_soa(e, CATALOG_NCONTROLS, &meta, EXPORT_XLSX, x, &err), ISMS_OK);
    assert_int_equal(export_soa(e, CATALOG_NCONTROLS, &meta, EXPORT_CSV, c, &err), ISMS_OK);
    assert_int_equal(export_soa(e, CATALOG_NCONTROLS, &meta, EXPORT_HTML, h, &err), ISMS_OK);
    csvt t;
    csv_read(c, &t);
    const char *impl = CELL(&t, "A.5.1", "How implemented");
    assert_int_equal(strlen(impl), n + 5 * 2);   /* 5 bad bytes became 3-byte U+FFFD; CSV is not cut */
    assert_memory_equal(impl, "bad\xEF\xBF\xBD\xEF\xBF\xBD bytes \x01\x02", 18);
    assert_string_equal(CELL(&t, "A.5.2", "Owner"), "cut \xEF\xBF\xBD\xEF\xBF\xBD");
    csv_free(&t);
    char *html = slurp(h, NULL);
    assert_null(strchr(html, '\x01'));
    assert_null(strstr(html, "\xff"));
    free(html);
    arena_free(&a);
    xlsx_view v;
    xlsx_read(x, &v);   /* every part parses as XML */
    const char *needles[] = {"an Excel cell holds at most 32,767 characters", NULL};
    xlsx_assert_has(&v, needles);
    assert_int_equal(v.rows, 1 + CATALOG_NCONTROLS);
    assert_string_equal(v.sheets, "Statement of Applicability,Summary");
    free(v.text);
}

/* Export to p, which must be refused as not writable with p named: 0 when it was, else what was wrong
 * (in a child, which has no cmocka to report to). */
static int export_denied(soa_entry *e, const char *p)
{
    isms_err err = {0};
    if (export_soa(e, CATALOG_NCONTROLS, &meta, EXPORT_CSV, p, &err) != ISMS_EIO)
        return 1;
    if (!strstr(err.msg, p))
        return 2;
    return strstr(err.msg, "permission denied") ? 0 : 3;
}

static void test_errors(void **state)
{
    (void)state;
    arena a;
    soa_entry e[CATALOG_NCONTROLS];
    isms_err err = {0};
    load_soa(&a, e);
    /* A directory that does not exist: named in the message, nothing created. */
    const char *bad = pathf("no/such/dir/soa.csv");
    for (int f = EXPORT_CSV; f <= EXPORT_HTML; f++) {
        err_clear(&err);
        assert_int_equal(export_soa(e, CATALOG_NCONTROLS, &meta, (export_format)f, bad, &err), ISMS_EIO);
        assert_non_null(strstr(err.msg, bad));
        assert_non_null(strstr(err.msg, "does not exist"));
        err_clear(&err);
        if (f != EXPORT_HTML) {
            assert_int_equal(export_risks(w, &meth, &meta, (export_format)f, bad, NULL, NULL, &err), ISMS_EIO);
            assert_non_null(strstr(err.msg, bad));
        }
    }
    struct stat st;
    assert_int_not_equal(stat(pathf("no"), &st), 0);
    /* The destination is a directory. */
    err_clear(&err);
    assert_int_not_equal(export_soa(e, CATALOG_NCONTROLS, &meta, EXPORT_XLSX, dir, &err), ISMS_OK);
    assert_non_null(strstr(err.msg, dir));
    /* Unknown format, no path. */
    assert_int_equal(export_soa(e, CATALOG_NCONTROLS, &meta, (export_format)7, pathf("x"), &err), ISMS_EINVAL);
    assert_int_equal(export_soa(e, CATALOG_NCONTROLS, &meta, EXPORT_CSV, "", &err), ISMS_EINVAL);
    assert_no_temp();
    /* An existing file is replaced whole. */
    const char *old = pathf("old.csv");
    FILE *f = fopen(old, "w");
    assert_non_null(f);
    fputs("old content that is longer than nothing at all\n", f);
    fclose(f);
    assert_int_equal(export_soa(e, CATALOG_NCONTROLS, NULL, EXPORT_CSV, old, &err), ISMS_OK);
    char *d = slurp(old, NULL);
    assert_memory_equal(d, "Control,", 8);
    assert_null(strstr(d, "old content"));
    free(d);
    /* ... keeping its permissions, so a private file stays private. */
    assert_int_equal(chmod(old, 0600), 0);
    assert_int_equal(export_soa(e, CATALOG_NCONTROLS, &meta, EXPORT_CSV, old, &err), ISMS_OK);
    assert_int_equal(stat(old, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    /* No metadata at all is fine too. */
    assert_int_equal(export_soa(e, CATALOG_NCONTROLS, NULL, EXPORT_HTML, pathf("nometa.html"), &err), ISMS_OK);
    assert_int_equal(export_soa(e, CATALOG_NCONTROLS, NULL, EXPORT_XLSX, pathf("nometa.xlsx"), &err), ISMS_OK);
    assert_int_equal(export_risks(w, &meth, NULL, EXPORT_XLSX, pathf("nometa-r.xlsx"), NULL, NULL, &err), ISMS_OK);
    assert_zip(pathf("nometa.xlsx"));
    assert_no_temp();
    /* A directory nobody may write to. Root may write anywhere, so as root the export runs in a
     * child that has become nobody. */
    const char *ro = pathf("ro");
    assert_int_equal(mkdir(ro, 0555), 0);
    char p[600];
    snprintf(p, sizeof p, "%s/soa.csv", ro);
    if (geteuid() != 0) {
        assert_int_equal(export_denied(e, p), 0);
    } else {
        assert_int_equal(chmod(dir, 0711), 0);   /* nobody may pass through to ro/ */
        fflush(NULL);
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0)
            _exit(setgid(65534) || setuid(65534) ? 9 : export_denied(e, p));
        int status = 0;
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_int_equal(chmod(dir, 0700), 0);
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), 0);
    }
    assert_int_equal(stat(p, &st), -1);   /* nothing written */
    rmdir(ro);
    arena_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_format_parse), cmocka_unit_test(test_soa_csv),   cmocka_unit_test(test_soa_xlsx),
        cmocka_unit_test(test_soa_html),     cmocka_unit_test(test_risks_csv), cmocka_unit_test(test_risks_xlsx),
        cmocka_unit_test(test_risks_html),   cmocka_unit_test(test_hostile_text), cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
