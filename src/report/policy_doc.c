#include "report/policy_doc.h"

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm-extension_api.h>
#include <cmark-gfm.h>
#include <errno.h>
#include <pthread.h>
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

/* GitHub-flavoured Markdown by cmark-gfm: headings, lists (nested and numbered), links, code,
 * block quotes, tables, autolinks and strikethrough, as the policies people write use them. Raw
 * HTML is shown as text and its safe mode empties javascript: and data: links, so a policy cannot
 * carry a script into the page an employee opens. */
static pthread_once_t gfm_once = PTHREAD_ONCE_INIT;
static void gfm_register(void) { cmark_gfm_core_extensions_ensure_registered(); }

/* Raw HTML in a policy shows as the text it is, as the rest of the product shows what people
 * typed: each raw HTML node becomes a text node of the same characters, which the renderer
 * escapes. (The safe mode alone would drop it silently.) */
static int html_as_text(cmark_node *doc)
{
    size_t n = 0, cap = 0;
    cmark_node **found = NULL;
    cmark_iter *it = cmark_iter_new(doc);
    if (!it)
        return -1;
    cmark_event_type ev;
    int rc = 0;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *x = cmark_iter_get_node(it);
        cmark_node_type t = cmark_node_get_type(x);
        if (ev != CMARK_EVENT_ENTER || (t != CMARK_NODE_HTML_INLINE && t != CMARK_NODE_HTML_BLOCK))
            continue;
        if (n == cap) {
            cmark_node **grown = realloc(found, (cap = cap ? 2 * cap : 16) * sizeof *found);
            if (!grown) {
                rc = -1;
                break;
            }
            found = grown;
        }
        found[n++] = x;
    }
    cmark_iter_free(it);
    for (size_t i = 0; i < n && !rc; i++) {
        int is_block = cmark_node_get_type(found[i]) == CMARK_NODE_HTML_BLOCK;
        cmark_node *text = cmark_node_new(CMARK_NODE_TEXT);
        cmark_node *with = is_block ? cmark_node_new(CMARK_NODE_PARAGRAPH) : text;
        /* a block's source ends with its line break, which a paragraph does not keep */
        const char *lit = cmark_node_get_literal(found[i]);
        size_t len = lit ? strlen(lit) : 0;
        while (is_block && len && (lit[len - 1] == '\n' || lit[len - 1] == '\r'))
            len--;
        char *copy = strndup(lit ? lit : "", len);
        int set = copy && cmark_node_set_literal(text, copy);
        free(copy);
        if (!text || !with || !set ||
            (is_block && !cmark_node_append_child(with, text)) || !cmark_node_replace(found[i], with)) {
            if (with && with != text)
                cmark_node_free(with);
            else if (text)
                cmark_node_free(text);
            rc = -1;
            break;
        }
        cmark_node_free(found[i]);
    }
    free(found);
    return rc;
}

int policy_md_html(buf *b, const char *md)
{
    pthread_once(&gfm_once, gfm_register);
    const int opts = CMARK_OPT_DEFAULT | CMARK_OPT_VALIDATE_UTF8;
    cmark_parser *p = cmark_parser_new(opts);
    if (!p)
        return -1;
    static const char *const extensions[] = {"table", "autolink", "strikethrough", "tasklist"};
    for (size_t i = 0; i < sizeof extensions / sizeof *extensions; i++) {
        cmark_syntax_extension *e = cmark_find_syntax_extension(extensions[i]);
        if (e)
            cmark_parser_attach_syntax_extension(p, e);
    }
    cmark_parser_feed(p, md ? md : "", md ? strlen(md) : 0);
    cmark_node *doc = cmark_parser_finish(p);
    char *html = doc && !html_as_text(doc) ? cmark_render_html(doc, opts, cmark_parser_get_syntax_extensions(p)) : NULL;
    int rc = html ? buf_puts(b, html) : -1;
    if (html)
        cmark_get_default_mem_allocator()->free(html);
    if (doc)
        cmark_node_free(doc);
    cmark_parser_free(p);
    return rc ? -1 : 0;
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
