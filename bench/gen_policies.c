/* Benchmark data: writes N policy documents of about P pages each, a quarter each in Markdown, HTML,
 * DOCX (libzip) and PDF (Pango/Cairo), from a pool of policy-like sentences on many topics.
 * usage: gen_policies DIR [N=100] [PAGES=20] */
#include <cairo-pdf.h>
#include <pango/pangocairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

static const char *const topics[] = {"Access Control", "Backup", "Cryptography", "Incident Response",
                                     "Supplier Security", "Business Continuity", "Acceptable Use",
                                     "Logging and Monitoring", "Secure Development", "Physical Security"};

static const char *const pool[] = {
    "Access to production systems is granted on a least privilege basis and approved by the system owner.",
    "Every user has a unique account and shared accounts are not permitted.",
    "Access rights are reviewed every quarter by the owners of each system.",
    "Multi-factor authentication is required for all remote and administrative access.",
    "Passwords must be at least fourteen characters long and stored only in the approved password manager.",
    "Accounts of people who leave are disabled on their last working day.",
    "All production databases are backed up daily and the backups are retained for thirty-five days.",
    "Restores are tested every quarter to confirm that backups can be recovered.",
    "Backups are encrypted and stored in a separate cloud region.",
    "Data at rest is encrypted with AES-256 and data in transit is protected with TLS 1.2 or later.",
    "Encryption keys are generated and stored in the key management service and rotated every year.",
    "Security incidents must be reported to the security team as soon as they are noticed.",
    "Incidents are classified by severity and handled according to the incident response plan.",
    "After every major incident the team holds a post-incident review to record lessons learned.",
    "Evidence related to an incident is collected and preserved with a documented chain of custody.",
    "Suppliers that handle customer data are assessed before a contract is signed.",
    "Contracts with suppliers include security and confidentiality requirements.",
    "The services of critical suppliers are reviewed at least once a year.",
    "A business impact analysis identifies the critical processes and their recovery time objectives.",
    "The continuity plan is tested every year with a tabletop exercise.",
    "Company equipment may be used for limited personal purposes that do not interfere with work.",
    "Users lock their screens whenever they leave their computer unattended.",
    "Security events are logged with the user, the time, the source address and the outcome.",
    "Logs are retained for at least one year and protected against modification.",
    "All servers synchronize their clocks with the approved NTP time source.",
    "Code changes are peer reviewed through pull requests before they are merged.",
    "Development, test and production environments are kept separate.",
    "Visitors sign in at reception and are escorted while on the premises.",
    "The weather on the day of the annual meeting was pleasant, and lunch was served in the garden.",
    "This section describes the background of the programme and the people who contributed to it.",
    "Teams are encouraged to discuss questions about this document with their managers.",
    "The organization maintains a list of the systems in scope and of the people responsible for them.",
};
#define NPOOL (sizeof pool / sizeof *pool)

static unsigned long rng = 88172645463325252ul;
static unsigned next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (unsigned)rng;
}

/* About 500 words a page: 8 paragraphs of 4 sentences under 2 headings. */
typedef struct para {
    int heading;
    char text[1200];
} para;

static int build(para *p, int pages, int doc)
{
    int n = 0;
    snprintf(p[n].text, sizeof p[n].text, "%s Policy %d", topics[doc % 10], doc);
    p[n++].heading = 1;
    snprintf(p[n].text, sizeof p[n].text,
             "Version 1.%d. Owner: the Head of Security. Approved by the CEO. This policy is reviewed annually "
             "and applies to all staff and systems.", doc % 7);
    p[n++].heading = 0;
    for (int pg = 0; pg < pages; pg++)
        for (int k = 0; k < 10; k++) {
            if (k % 5 == 0) {
                snprintf(p[n].text, sizeof p[n].text, "Section %d.%d", pg + 1, k / 5 + 1);
                p[n++].heading = 2;
                continue;
            }
            p[n].heading = 0;
            p[n].text[0] = '\0';
            for (int s = 0; s < 4; s++) {
                strcat(p[n].text, pool[next() % NPOOL]);
                strcat(p[n].text, " ");
            }
            n++;
        }
    return n;
}

static int write_md(const char *path, para *p, int n)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    for (int i = 0; i < n; i++)
        fprintf(f, "%s%s\n\n", p[i].heading == 1 ? "# " : p[i].heading ? "## " : "", p[i].text);
    return fclose(f);
}

static int write_html(const char *path, para *p, int n)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    fprintf(f, "<!DOCTYPE html>\n<html><head><title>%s</title><script>var x = 1;</script></head><body>\n", p[0].text);
    for (int i = 0; i < n; i++)
        fprintf(f, p[i].heading ? "<h%d>%s</h%d>\n" : "<p>%.0d%s</p>\n", p[i].heading, p[i].text, p[i].heading);
    fprintf(f, "</body></html>\n");
    return fclose(f);
}

static int write_docx(const char *path, para *p, int n)
{
    size_t cap = (size_t)n * 1400 + 1024, len = 0;
    char *xml = malloc(cap);
    if (!xml)
        return -1;
    len += (size_t)snprintf(xml + len, cap - len,
                            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:document xmlns:w="
                            "\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>");
    for (int i = 0; i < n; i++) {
        if (p[i].heading)
            len += (size_t)snprintf(xml + len, cap - len, "<w:p><w:pPr><w:pStyle w:val=\"Heading%d\"/></w:pPr>",
                                    p[i].heading);
        else
            len += (size_t)snprintf(xml + len, cap - len, "<w:p>");
        len += (size_t)snprintf(xml + len, cap - len, "<w:r><w:t xml:space=\"preserve\">%s</w:t></w:r></w:p>", p[i].text);
    }
    len += (size_t)snprintf(xml + len, cap - len, "</w:body></w:document>");
    char core[512];
    snprintf(core, sizeof core,
             "<?xml version=\"1.0\" encoding=\"UTF-8\"?><cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats."
             "org/package/2006/metadata/core-properties\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><dc:title>%s"
             "</dc:title><cp:revision>3</cp:revision></cp:coreProperties>", p[0].text);
    zip_t *z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, NULL);
    if (!z) {
        free(xml);
        return -1;
    }
    zip_file_add(z, "word/document.xml", zip_source_buffer(z, xml, len, 0), 0);
    zip_file_add(z, "docProps/core.xml", zip_source_buffer(z, core, strlen(core), 0), 0);
    int rc = zip_close(z);
    free(xml);
    return rc;
}

static int write_pdf(const char *path, para *p, int n, int pages)
{
    cairo_surface_t *sf = cairo_pdf_surface_create(path, 595, 842);
    cairo_t *cr = cairo_create(sf);
    PangoLayout *lay = pango_cairo_create_layout(cr);
    PangoFontDescription *font = pango_font_description_from_string("Sans 9");
    pango_layout_set_font_description(lay, font);
    pango_layout_set_width(lay, 495 * PANGO_SCALE);
    for (int pg = 0; pg < pages; pg++) {
        int start = pg * n / pages, end = (pg + 1) * n / pages;
        size_t cap = (size_t)(end - start) * 1300 + 16, len = 0;
        char *text = malloc(cap);
        text[0] = '\0';
        for (int i = start; i < end; i++)
            len += (size_t)snprintf(text + len, cap - len, "%s\n\n", p[i].text);
        pango_layout_set_text(lay, text, -1);
        cairo_move_to(cr, 50, 40);
        pango_cairo_show_layout(cr, lay);
        cairo_show_page(cr);
        free(text);
    }
    pango_font_description_free(font);
    g_object_unref(lay);
    cairo_destroy(cr);
    cairo_surface_finish(sf);
    int rc = cairo_surface_status(sf) == CAIRO_STATUS_SUCCESS ? 0 : -1;
    cairo_surface_destroy(sf);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: gen_policies DIR [N] [PAGES]\n");
        return 2;
    }
    int n = argc > 2 ? atoi(argv[2]) : 100, pages = argc > 3 ? atoi(argv[3]) : 20;
    para *p = calloc((size_t)pages * 10 + 4, sizeof *p);
    if (!p)
        return 1;
    for (int d = 0; d < n; d++) {
        int np = build(p, pages, d);
        char path[1024];
        static const char *const ext[] = {"md", "html", "docx", "pdf"};
        snprintf(path, sizeof path, "%s/policy-%03d.%s", argv[1], d, ext[d % 4]);
        int rc = d % 4 == 0 ? write_md(path, p, np)
                 : d % 4 == 1 ? write_html(path, p, np)
                 : d % 4 == 2 ? write_docx(path, p, np)
                              : write_pdf(path, p, np, pages);
        if (rc) {
            fprintf(stderr, "gen_policies: cannot write %s\n", path);
            return 1;
        }
    }
    free(p);
    printf("%d documents of %d pages in %s\n", n, pages, argv[1]);
    return 0;
}
