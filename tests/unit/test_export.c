/* Exports of the SoA and the risk register built from a real temp workspace: CSV read back with
 * a strict RFC 4180 reader, XLSX opened with python3's zipfile and XML parser, HTML escaping, and
 * the error paths (no half-written file, the path named). */
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
#include <unistd.h>

#include "report/export.h"

static char dir[] = "/tmp/isms-test-export-XXXXXX";
static ws *w;
static risk_method meth;
static int have_python;
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

/* --- XLSX checked with python3's zipfile and XML parser, independent of libxlsxwriter --- */

static const char xlsx_py[] =
    "import sys, zipfile, re\n"
    "import xml.etree.ElementTree as ET\n"
    "z = zipfile.ZipFile(sys.argv[1])\n"
    "for n in z.namelist():\n"
    "    if n.endswith('.xml') or n.endswith('.rels'):\n"
    "        ET.fromstring(z.read(n))\n"
    "sheet = z.read('xl/worksheets/sheet1.xml').decode('utf-8')\n"
    "texts = []\n"
    "for part in ('xl/worksheets/sheet1.xml', 'xl/sharedStrings.xml', 'xl/worksheets/sheet2.xml'):\n"
    "    if part in z.namelist():\n"
    "        texts += [e.text or '' for e in ET.fromstring(z.read(part)).iter() if e.tag.endswith('}t')]\n"
    "text = '\\x00'.join(texts)\n"
    "names = re.findall(r'<sheet name=\"([^\"]*)\"', z.read('xl/workbook.xml').decode('utf-8'))\n"
    "out = [str(len(re.findall(r'<row ', sheet))), str(int('<autoFilter ' in sheet)),\n"
    "       str(int('<pane ' in sheet)), ','.join(names)]\n"
    "out += [str(int(n in text)) for n in sys.argv[2:]]\n"
    "head = ET.fromstring(sheet.encode('utf-8')).find('.//{*}oddHeader')\n"
    "print(' '.join(out) + ' | ' + (head.text if head is not None else ''))\n";

/* Run the checker on an XLSX file with needles; the output line goes into out. */
static void xlsx_check(const char *file, const char *const *needles, char *out, size_t n)
{
    char cmd[4096];
    int k = snprintf(cmd, sizeof cmd, "python3 '%s' '%s'", pathf("check.py"), file);
    for (; *needles; needles++) {
        cmd[k++] = ' ';
        cmd[k++] = '\'';
        for (const char *q = *needles; *q && k < (int)sizeof cmd - 8; q++) {
            if (*q == '\'') {   /* ' inside single quotes: close, escaped quote, reopen */
                memcpy(cmd + k, "'\\''", 4);
                k += 4;
            } else {
                cmd[k++] = *q;
            }
        }
        cmd[k++] = '\'';
        cmd[k] = '\0';
    }
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    out[0] = '\0';
    if (!fgets(out, (int)n, p))
        out[0] = '\0';
    assert_int_equal(pclose(p), 0);
    out[strcspn(out, "\n")] = '\0';
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
    FILE *f = fopen(pathf("check.py"), "w");
    if (!f)
        return -1;
    fputs(xlsx_py, f);
    fclose(f);
    have_python = system("python3 -c 'import zipfile, xml.etree.ElementTree' >/dev/null 2>&1") == 0;
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
    if (!have_python)
        skip();
    char line[512];
    const char *needles[] = {"A.8.24", "A.5.15", justification, impl_script, formula, "Summary by theme",
                             "Acme & <Sons>", "Undecided", NULL};
    xlsx_check(out, needles, line, sizeof line);
    /* header + 93 rows, autofilter, frozen pane, both sheets; the text exactly as entered */
    assert_string_equal(line, "94 1 1 Statement of Applicability,Summary 1 1 1 1 1 1 1 1 | "
                              "&L&\"-,Bold\"Statement of Applicability \xE2\x80\x94 Acme && <Sons>"
                              "&Rversion 3 approved by Dana Lee on 2026-05-20");
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
    if (!have_python)
        skip();
    char line[512];
    const char *needles[] = {"R1", "critical", "overdue", "awaiting acceptance", risk_formula, "Risks by level",
                             "Treatment plan status", NULL};
    xlsx_check(out, needles, line, sizeof line);
    /* "awaiting acceptance" appears in the summary sheet's labels */
    assert_string_equal(line, "5 1 1 Risk register,Summary 1 1 1 1 1 1 1 | &L&\"-,Bold\"Risk register and "
                              "treatment plan \xE2\x80\x94 Acme && <Sons>&Rversion 3 approved by Dana Lee on 2026-05-20");
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
    if (!have_python)
        skip();
    char line[512];
    const char *needles[] = {"an Excel cell holds at most 32,767 characters", NULL};
    xlsx_check(x, needles, line, sizeof line);   /* every part parses as XML */
    assert_non_null(strstr(line, "94 1 1 Statement of Applicability,Summary 1 | "));
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
    /* A directory we may not write to (root may write anywhere, so only as another user). */
    if (geteuid() != 0) {
        const char *ro = pathf("ro");
        assert_int_equal(mkdir(ro, 0500), 0);
        char p[600];
        snprintf(p, sizeof p, "%s/soa.csv", ro);
        assert_int_equal(export_soa(e, CATALOG_NCONTROLS, &meta, EXPORT_CSV, p, &err), ISMS_EIO);
        assert_non_null(strstr(err.msg, p));
        assert_non_null(strstr(err.msg, "permission denied"));
        rmdir(ro);
    }
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
