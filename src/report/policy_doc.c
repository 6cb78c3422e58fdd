#include "report/policy_doc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "report/pdf.h"

#define DOC_MAX_BYTES (8u << 20)

int policy_format_parse(const char *s)
{
    if (!s)
        return -1;
    if (!strcasecmp(s, "md") || !strcasecmp(s, "markdown"))
        return POLICY_MD;
    if (!strcasecmp(s, "html"))
        return POLICY_HTML;
    if (!strcasecmp(s, "pdf"))
        return POLICY_PDF;
    return -1;
}

/* --- the Markdown subset, as a sequence of blocks --- */

enum { B_HEADING, B_PARA, B_BULLET, B_TABLE };

typedef struct block {
    int kind, level;
    const char *s;         /* heading, paragraph or bullet text (may span lines) */
    size_t len;
    const char *rows[512]; /* table: start of each row line */
    size_t rlen[512];
    int nrows;
} block;

typedef void (*block_fn)(const block *b, void *ctx);

static const char *line_end(const char *p)
{
    const char *e = strchr(p, '\n');
    return e ? e : p + strlen(p);
}

static int blank(const char *p, const char *e)
{
    for (; p < e; p++)
        if (*p != ' ' && *p != '\t' && *p != '\r')
            return 0;
    return 1;
}

static int is_separator_row(const char *p, const char *e)
{
    for (; p < e; p++)
        if (!strchr("|-: \t\r", *p))
            return 0;
    return 1;
}

static int md_blocks(const char *md, block_fn fn, void *ctx)
{
    /* On the heap: a block holds a table's row index, too big for a thread's stack frame. */
    block *bp = malloc(sizeof *bp);
    if (!bp)
        return -1;
#define b (*bp)
    const char *p = md;
    while (*p) {
        const char *e = line_end(p);
        const char *next = *e ? e + 1 : e;
        if (blank(p, e)) {
            p = next;
            continue;
        }
        memset(&b, 0, sizeof b);
        int h = 0;
        while (p + h < e && p[h] == '#')
            h++;
        if (h >= 1 && h <= 3 && p + h < e && p[h] == ' ') {
            b.kind = B_HEADING;
            b.level = h;
            b.s = p + h + 1;
            b.len = (size_t)(e - b.s);
            fn(&b, ctx);
            p = next;
            continue;
        }
        if ((p[0] == '-' || p[0] == '*') && p[1] == ' ') {
            b.kind = B_BULLET;
            b.s = p + 2;
            /* continuation lines are indented */
            const char *q = next;
            while (*q && (*q == ' ' || *q == '\t') && !blank(q, line_end(q))) {
                const char *qe = line_end(q);
                q = *qe ? qe + 1 : qe;
            }
            b.len = (size_t)((q > next ? q - 1 : e) - b.s);
            fn(&b, ctx);
            p = q > next ? q : next;
            continue;
        }
        if (p[0] == '|') {
            b.kind = B_TABLE;
            const char *q = p;
            while (*q == '|' && b.nrows < 512) {
                const char *qe = line_end(q);
                if (!(b.nrows == 1 && is_separator_row(q, qe))) {
                    b.rows[b.nrows] = q;
                    b.rlen[b.nrows++] = (size_t)(qe - q);
                }
                q = *qe ? qe + 1 : qe;
            }
            fn(&b, ctx);
            p = q;
            continue;
        }
        /* a paragraph runs to a blank line or the start of another block */
        b.kind = B_PARA;
        b.s = p;
        const char *q = next, *last = e;
        while (*q) {
            const char *qe = line_end(q);
            if (blank(q, qe) || *q == '#' || *q == '|' || ((*q == '-' || *q == '*') && q[1] == ' '))
                break;
            last = qe;
            q = *qe ? qe + 1 : qe;
        }
        b.len = (size_t)(last - p);
        fn(&b, ctx);
        p = q;
    }
#undef b
    free(bp);
    return 0;
}

/* Split a table row into cells (outer pipes dropped, escaped pipes kept). */
static int row_cells(const char *r, size_t len, const char **cs, size_t *cl, int max)
{
    const char *p = r, *e = r + len;
    while (e > p && (e[-1] == ' ' || e[-1] == '\r'))
        e--;
    if (p < e && *p == '|')
        p++;
    if (e > p && e[-1] == '|' && (e - 1 == p || e[-2] != '\\'))
        e--;
    int n = 0;
    while (p <= e && n < max) {
        const char *s = p;
        while (p < e && !(*p == '|' && (p == s || p[-1] != '\\')))
            p++;
        const char *a = s, *z = p;
        while (a < z && *a == ' ')
            a++;
        while (z > a && z[-1] == ' ')
            z--;
        cs[n] = a;
        cl[n++] = (size_t)(z - a);
        if (p >= e)
            break;
        p++;
    }
    return n;
}

/* Inline text: html != 0 gives escaped HTML with emphasis tags; else plain text. */
static int inline_text(buf *o, const char *s, size_t len, int html)
{
    int strong = 0, em = 0, code = 0, rc = 0;
    for (size_t i = 0; i < len && !rc; i++) {
        char c = s[i];
        if (c == '\\' && i + 1 < len && strchr("\\`*_[]<>#|{}-.!+()", s[i + 1])) {
            c = s[++i];
        } else if (c == '`') {
            code = !code;
            if (html)
                rc = buf_puts(o, code ? "<code>" : "</code>");
            continue;
        } else if (!code && c == '*' && i + 1 < len && s[i + 1] == '*') {
            i++;
            strong = !strong;
            if (html)
                rc = buf_puts(o, strong ? "<strong>" : "</strong>");
            continue;
        } else if (!code && (c == '*' || c == '_') &&
                   (em ? 1 : (i + 1 < len && s[i + 1] != ' ' && (i == 0 || s[i - 1] == ' ' || s[i - 1] == '(')))) {
            em = !em;
            if (html)
                rc = buf_puts(o, em ? "<em>" : "</em>");
            continue;
        } else if (c == '\n' || c == '\r') {
            c = ' ';
        }
        if (html && c == '&') rc = buf_puts(o, "&amp;");
        else if (html && c == '<') rc = buf_puts(o, "&lt;");
        else if (html && c == '>') rc = buf_puts(o, "&gt;");
        else if (html && c == '"') rc = buf_puts(o, "&quot;");
        else if (html && c == '\'') rc = buf_puts(o, "&#39;");
        else rc = buf_putc(o, c);
    }
    /* close what the text left open so the page stays well-formed */
    if (html && !rc && code) rc = buf_puts(o, "</code>");
    if (html && !rc && em) rc = buf_puts(o, "</em>");
    if (html && !rc && strong) rc = buf_puts(o, "</strong>");
    return rc;
}

typedef struct html_ctx {
    buf *b;
    int in_list, rc;
} html_ctx;

static void html_block(const block *bl, void *p)
{
    html_ctx *h = p;
    buf *b = h->b;
    if (h->rc)
        return;
    if (h->in_list && bl->kind != B_BULLET) {
        h->rc |= buf_puts(b, "</ul>\n");
        h->in_list = 0;
    }
    switch (bl->kind) {
    case B_HEADING:
        h->rc |= buf_printf(b, "<h%d>", bl->level);
        h->rc |= inline_text(b, bl->s, bl->len, 1);
        h->rc |= buf_printf(b, "</h%d>\n", bl->level);
        break;
    case B_PARA:
        h->rc |= buf_puts(b, "<p>");
        h->rc |= inline_text(b, bl->s, bl->len, 1);
        h->rc |= buf_puts(b, "</p>\n");
        break;
    case B_BULLET:
        if (!h->in_list)
            h->rc |= buf_puts(b, "<ul>\n");
        h->in_list = 1;
        h->rc |= buf_puts(b, "<li>");
        h->rc |= inline_text(b, bl->s, bl->len, 1);
        h->rc |= buf_puts(b, "</li>\n");
        break;
    case B_TABLE:
        h->rc |= buf_puts(b, "<table>\n");
        for (int r = 0; r < bl->nrows; r++) {
            const char *cs[64];
            size_t cl[64];
            int n = row_cells(bl->rows[r], bl->rlen[r], cs, cl, 64);
            h->rc |= buf_puts(b, "<tr>");
            for (int c = 0; c < n; c++) {
                h->rc |= buf_puts(b, r ? "<td>" : "<th>");
                h->rc |= inline_text(b, cs[c], cl[c], 1);
                h->rc |= buf_puts(b, r ? "</td>" : "</th>");
            }
            h->rc |= buf_puts(b, "</tr>\n");
        }
        h->rc |= buf_puts(b, "</table>\n");
        break;
    }
}

int policy_md_html(buf *b, const char *md)
{
    html_ctx h = {b, 0, 0};
    if (md_blocks(md, html_block, &h))
        return -1;
    if (h.in_list && !h.rc)
        h.rc = buf_puts(b, "</ul>\n");
    return h.rc ? -1 : 0;
}

/* --- the document control block --- */

typedef struct control_row {
    const char *k, *v;
} control_row;

static int control_rows(const policy_doc *d, const char *org_name, control_row *rows, char *ver, size_t versz)
{
    snprintf(ver, versz, "%d", d->version);
    int n = 0;
    rows[n++] = (control_row){"Organization", org_name ? org_name : ""};
    rows[n++] = (control_row){"Document", d->title};
    rows[n++] = (control_row){"Version", ver};
    rows[n++] = (control_row){"Status", d->status};
    rows[n++] = (control_row){"Approved by", d->approved_by ? d->approved_by : "(not approved)"};
    rows[n++] = (control_row){"Approved on", d->approved_at ? d->approved_at : "(not approved)"};
    rows[n++] = (control_row){"Next review", d->next_review ? d->next_review : "(set at approval)"};
    rows[n++] = (control_row){"Annex A controls", d->controls};
    rows[n++] = (control_row){"Clauses", d->clauses && *d->clauses ? d->clauses : "-"};
    return n;
}

static const char css[] =
    "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;max-width:46em;margin:2em auto;padding:0 1em;"
    "color:#1a1a1a;line-height:1.5}h1{font-size:1.7em;margin-top:1.2em}h2{font-size:1.3em;margin-top:1.4em;"
    "border-bottom:1px solid #ddd}h3{font-size:1.1em}table{border-collapse:collapse;width:100%;margin:1em 0}"
    "th,td{border:1px solid #bbb;padding:.35em .5em;text-align:left;vertical-align:top}th{background:#f0f0f0}"
    "table.control th{width:30%}code{background:#f4f4f4;padding:0 .2em}.status-draft{color:#a15c00}"
    "@media print{body{max-width:none;margin:0;font-size:10.5pt}h2{page-break-after:avoid}"
    "table,tr{page-break-inside:avoid}a{color:inherit;text-decoration:none}"
    "@page{size:A4;margin:20mm}}";

static int write_html(const policy_doc *d, const char *org_name, buf *b)
{
    int rc = buf_puts(b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>");
    rc |= inline_text(b, d->title, strlen(d->title), 1);
    rc |= buf_puts(b, " — ");
    rc |= inline_text(b, org_name ? org_name : "", org_name ? strlen(org_name) : 0, 1);
    rc |= buf_printf(b, "</title>\n<style>%s</style></head>\n<body>\n<table class=\"control\">\n", css);
    control_row rows[16];
    char ver[16];
    int n = control_rows(d, org_name, rows, ver, sizeof ver);
    for (int i = 0; i < n; i++) {
        rc |= buf_printf(b, "<tr><th>%s</th><td%s>", rows[i].k,
                         !strcmp(rows[i].k, "Status") && strcmp(d->status, "approved") ? " class=\"status-draft\"" : "");
        rc |= inline_text(b, rows[i].v, strlen(rows[i].v), 1);
        rc |= buf_puts(b, "</td></tr>\n");
    }
    rc |= buf_puts(b, "</table>\n");
    rc |= policy_md_html(b, d->body);
    rc |= buf_puts(b, "</body></html>\n");
    return rc ? -1 : 0;
}

typedef struct pdf_ctx {
    pdf_doc *pd;
    buf tmp;
} pdf_ctx;

static const char *plain(pdf_ctx *p, const char *s, size_t len)
{
    buf_reset(&p->tmp);
    inline_text(&p->tmp, s, len, 0);
    return p->tmp.data ? p->tmp.data : "";
}

static void pdf_block(const block *bl, void *v)
{
    pdf_ctx *p = v;
    switch (bl->kind) {
    case B_HEADING: pdf_heading(p->pd, bl->level, plain(p, bl->s, bl->len)); break;
    case B_PARA: pdf_para(p->pd, plain(p, bl->s, bl->len)); break;
    case B_BULLET: pdf_bullet(p->pd, plain(p, bl->s, bl->len)); break;
    case B_TABLE: {
        int ncols = 0;
        const char *cs[64];
        size_t cl[64];
        for (int r = 0; r < bl->nrows; r++) {
            int n = row_cells(bl->rows[r], bl->rlen[r], cs, cl, 64);
            if (n > ncols)
                ncols = n;
        }
        if (ncols < 1 || ncols > 32)
            break;
        char **cells = calloc((size_t)(ncols * bl->nrows), sizeof *cells);
        if (!cells)
            break;
        for (int r = 0; r < bl->nrows; r++) {
            int n = row_cells(bl->rows[r], bl->rlen[r], cs, cl, 64);
            for (int c = 0; c < ncols; c++)
                cells[r * ncols + c] = strdup(c < n ? plain(p, cs[c], cl[c]) : "");
        }
        pdf_table(p->pd, ncols, (const char *const *)cells, bl->nrows, NULL);
        for (int i = 0; i < ncols * bl->nrows; i++)
            free(cells[i]);
        free(cells);
        break;
    }
    }
}

static int write_file_atomic(const char *path, const char *data, size_t len, isms_err *err)
{
    size_t pl = strlen(path);
    char *tmp = malloc(pl + 16);
    if (!tmp)
        return err_set(err, ISMS_ENOMEM, "out of memory");
    snprintf(tmp, pl + 16, "%s.tmp.XXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        int rc = err_set(err, ISMS_EIO, "cannot write %s: %s", path, strerror(errno));
        free(tmp);
        return rc;
    }
    size_t off = 0;
    int rc = ISMS_OK;
    while (off < len) {
        ssize_t n = write(fd, data + off, len - off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            rc = err_set(err, ISMS_EIO, "writing %s: %s", path, strerror(errno));
            break;
        }
        off += (size_t)n;
    }
    if (close(fd) != 0 && !rc)
        rc = err_set(err, ISMS_EIO, "writing %s: %s", path, strerror(errno));
    if (!rc && (chmod(tmp, 0644) != 0 || rename(tmp, path) != 0))
        rc = err_set(err, ISMS_EIO, "cannot write %s: %s", path, strerror(errno));
    if (rc)
        unlink(tmp);
    free(tmp);
    return rc;
}

int policy_export(const policy_doc *d, const char *org_name, policy_format f, const char *path, isms_err *err)
{
    if (!path || !*path)
        return err_set(err, ISMS_EINVAL, "-o: give the file to write");
    if (f == POLICY_MD)
        return write_file_atomic(path, d->body, strlen(d->body), err);
    if (f == POLICY_HTML) {
        buf b;
        buf_init(&b, DOC_MAX_BYTES);
        int rc = write_html(d, org_name, &b) ? err_set(err, ISMS_ENOMEM, "the HTML document is over %u MiB", DOC_MAX_BYTES >> 20)
                                        : write_file_atomic(path, b.data, b.len, err);
        buf_free(&b);
        return rc;
    }
    char *title = malloc(strlen(d->title) + (org_name ? strlen(org_name) : 0) + 8);
    if (!title)
        return err_set(err, ISMS_ENOMEM, "out of memory");
    sprintf(title, "%s — %s", d->title, org_name ? org_name : "");
    pdf_doc *pd = pdf_open(path, title, err);
    free(title);
    if (!pd)
        return err->code;
    control_row rows[16];
    char ver[16];
    int n = control_rows(d, org_name, rows, ver, sizeof ver);
    const char *cells[2 * 17];
    cells[0] = "Document control";
    cells[1] = "";
    for (int i = 0; i < n; i++) {
        cells[2 * (i + 1)] = rows[i].k;
        cells[2 * (i + 1) + 1] = rows[i].v;
    }
    const double frac[] = {0.3, 0.7};
    pdf_table(pd, 2, cells, n + 1, frac);
    pdf_ctx p = {pd, {0}};
    buf_init(&p.tmp, POLICY_MAX_BYTES * 2);
    if (md_blocks(d->body, pdf_block, &p))
        pdf_table(pd, 0, NULL, 0, NULL); /* records an error that pdf_close reports */
    buf_free(&p.tmp);
    return pdf_close(pd, err);
}
