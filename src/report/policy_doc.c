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
#define GFM_OPTS (CMARK_OPT_DEFAULT | CMARK_OPT_VALIDATE_UTF8)

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

/* The document tree of md (raw HTML as text), with its parser, which the renderer needs for the
 * extensions; NULL when out of memory. Free both with gfm_free. */
static cmark_node *gfm_parse(const char *md, cmark_parser **parser)
{
    pthread_once(&gfm_once, gfm_register);
    cmark_parser *p = *parser = cmark_parser_new(GFM_OPTS);
    if (!p)
        return NULL;
    static const char *const extensions[] = {"table", "autolink", "strikethrough", "tasklist"};
    for (size_t i = 0; i < sizeof extensions / sizeof *extensions; i++) {
        cmark_syntax_extension *e = cmark_find_syntax_extension(extensions[i]);
        if (e)
            cmark_parser_attach_syntax_extension(p, e);
    }
    cmark_parser_feed(p, md ? md : "", md ? strlen(md) : 0);
    cmark_node *doc = cmark_parser_finish(p);
    if (doc && html_as_text(doc)) {
        cmark_node_free(doc);
        doc = NULL;
    }
    return doc;
}

static void gfm_free(cmark_node *doc, cmark_parser *p)
{
    if (doc)
        cmark_node_free(doc);
    if (p)
        cmark_parser_free(p);
}

int policy_md_html(buf *b, const char *md)
{
    cmark_parser *p;
    cmark_node *doc = gfm_parse(md, &p);
    char *html = doc ? cmark_render_html(doc, GFM_OPTS, cmark_parser_get_syntax_extensions(p)) : NULL;
    int rc = html ? buf_puts(b, html) : -1;
    if (html)
        cmark_get_default_mem_allocator()->free(html);
    gfm_free(doc, p);
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

/* --- the PDF: the same document tree, as headings, paragraphs, bullets and tables --- */

typedef struct pdf_ctx {
    pdf_doc *pd;
    buf tmp;
} pdf_ctx;

/* The text of node's inline content into b: a line break is a space, a link's address follows its
 * text in brackets (a printed page cannot be clicked). */
static void node_text(buf *b, cmark_node *node)
{
    for (cmark_node *c = cmark_node_first_child(node); c; c = cmark_node_next(c)) {
        switch (cmark_node_get_type(c)) {
        case CMARK_NODE_TEXT:
        case CMARK_NODE_CODE:
        case CMARK_NODE_HTML_INLINE:
            buf_puts(b, cmark_node_get_literal(c) ? cmark_node_get_literal(c) : "");
            break;
        case CMARK_NODE_SOFTBREAK:
        case CMARK_NODE_LINEBREAK:
            buf_putc(b, ' ');
            break;
        case CMARK_NODE_LINK: {
            size_t from = b->len;
            node_text(b, c);
            const char *url = cmark_node_get_url(c);
            if (url && *url && (b->len - from != strlen(url) || memcmp(b->data + from, url, b->len - from)))
                buf_printf(b, " (%s)", url);
            break;
        }
        default:
            node_text(b, c);
        }
    }
}

static const char *plain(pdf_ctx *p, cmark_node *node)
{
    buf_reset(&p->tmp);
    node_text(&p->tmp, node);
    return p->tmp.data ? p->tmp.data : "";
}

static void pdf_blocks(pdf_ctx *p, cmark_node *parent, int depth);

static void pdf_table_node(pdf_ctx *p, cmark_node *t)
{
    int ncols = 0, nrows = 0;
    for (cmark_node *r = cmark_node_first_child(t); r; r = cmark_node_next(r), nrows++) {
        int n = 0;
        for (cmark_node *c = cmark_node_first_child(r); c; c = cmark_node_next(c))
            n++;
        if (n > ncols)
            ncols = n;
    }
    if (ncols < 1 || ncols > 32 || nrows < 1)
        return;
    char **cells = calloc((size_t)ncols * (size_t)nrows, sizeof *cells);
    if (!cells)
        return;
    int r = 0;
    for (cmark_node *row = cmark_node_first_child(t); row; row = cmark_node_next(row), r++) {
        int c = 0;
        for (cmark_node *cell = cmark_node_first_child(row); cell; cell = cmark_node_next(cell), c++)
            cells[r * ncols + c] = strdup(plain(p, cell));
        for (; c < ncols; c++)
            cells[r * ncols + c] = strdup("");
    }
    pdf_table(p->pd, ncols, (const char *const *)cells, nrows, NULL);
    for (int i = 0; i < ncols * nrows; i++)
        free(cells[i]);
    free(cells);
}

/* A list's items: bullets or numbers, a nested list indented under its item, an item's further
 * paragraphs hung at its indent. */
static void pdf_list(pdf_ctx *p, cmark_node *list, int depth)
{
    int ordered = cmark_node_get_list_type(list) == CMARK_ORDERED_LIST;
    int n = cmark_node_get_list_start(list);
    for (cmark_node *item = cmark_node_first_child(list); item; item = cmark_node_next(item), n++) {
        int first = 1;
        for (cmark_node *c = cmark_node_first_child(item); c; c = cmark_node_next(c)) {
            if (cmark_node_get_type(c) == CMARK_NODE_LIST) {
                pdf_list(p, c, depth + 1);
                continue;
            }
            char marker[16];
            snprintf(marker, sizeof marker, ordered ? "%d." : "\xE2\x80\xA2", n);
            const char *text;
            if (cmark_node_get_type(c) == CMARK_NODE_CODE_BLOCK)
                text = cmark_node_get_literal(c) ? cmark_node_get_literal(c) : "";
            else
                text = plain(p, c);
            pdf_list_item(p->pd, depth, first ? marker : NULL, text);
            first = 0;
        }
    }
}

static void pdf_blocks(pdf_ctx *p, cmark_node *parent, int depth)
{
    for (cmark_node *c = cmark_node_first_child(parent); c; c = cmark_node_next(c)) {
        switch (cmark_node_get_type(c)) {
        case CMARK_NODE_HEADING: {
            int level = cmark_node_get_heading_level(c);
            pdf_heading(p->pd, level < 1 ? 1 : level > 3 ? 3 : level, plain(p, c));
            break;
        }
        case CMARK_NODE_PARAGRAPH: pdf_para(p->pd, plain(p, c)); break;
        case CMARK_NODE_LIST: pdf_list(p, c, depth); break;
        case CMARK_NODE_BLOCK_QUOTE: pdf_blocks(p, c, depth); break;
        case CMARK_NODE_CODE_BLOCK:
            pdf_para(p->pd, cmark_node_get_literal(c) ? cmark_node_get_literal(c) : "");
            break;
        default:
            if (!strcmp(cmark_node_get_type_string(c), "table"))
                pdf_table_node(p, c);
            else if (cmark_node_first_child(c))
                pdf_blocks(p, c, depth);
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
    cmark_parser *parser;
    cmark_node *doc = gfm_parse(d->body, &parser);
    if (doc)
        pdf_blocks(&p, doc, 0);
    else
        pdf_table(pd, 0, NULL, 0, NULL); /* records an error that pdf_close reports */
    gfm_free(doc, parser);
    buf_free(&p.tmp);
    return pdf_close(pd, err);
}
