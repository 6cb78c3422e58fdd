/* Reading policy documents: each format through its own library or tool, into located paragraphs.
 * Markdown and text are read line by line and HTML with libxml2's forgiving HTML parser here; DOCX
 * (docread_docx.c) with libzip and libxml2; PDF (docread_pdf.c) with poppler's tools. */
#include "core/docread.h"
#include "core/docread_int.h"

#include <ctype.h>
#include <libxml/HTMLparser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/buf.h"

const char *docread_format_name(doc_format f)
{
    static const char *const names[] = {"unknown", "markdown", "text", "html", "docx", "pdf"};
    return f <= DOC_PDF ? names[f] : "unknown";
}

static void xml_silent(void *ctx, const char *msg, ...)
{
    (void)ctx, (void)msg;
}

void docread_quiet_xml(void) { xmlSetGenericErrorFunc(NULL, xml_silent); }

/* --- paragraphs --- */

/* Collapse runs of white space (ASCII and no-break) into one space and trim; NULL when empty. */
char *docread_clean(arena *a, const char *s, size_t n)
{
    char *out = arena_alloc(a, n + 1);
    size_t o = 0;
    int space = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        int ws = c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
        if (c == 0xc2 && i + 1 < n && (unsigned char)s[i + 1] == 0xa0) {
            ws = 1;
            i++;
        }
        if (ws) {
            space = o > 0;
            continue;
        }
        if (c < 0x20)
            continue;
        if (space)
            out[o++] = ' ';
        space = 0;
        out[o++] = (char)c;
    }
    out[o] = '\0';
    return o ? out : NULL;
}

static size_t count_words(const char *s)
{
    size_t n = 0;
    int in = 0;
    for (; *s; s++) {
        int w = isalnum((unsigned char)*s) || (unsigned char)*s >= 0x80;
        if (w && !in)
            n++;
        in = w;
    }
    return n;
}

/* Append a paragraph; a heading becomes the section of what follows it. */
void docread_add_para(doc *d, arena *a, const char *text, size_t n, int heading, int page, int line, int table)
{
    char *t = docread_clean(a, text, n);
    if (!t)
        return;
    if (d->npara == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 64;
        doc_para *p = arena_alloc(a, cap * sizeof *p);
        if (d->npara)
            memcpy(p, d->paras, d->npara * sizeof *p);
        d->paras = p;
        d->cap = cap;
    }
    const doc_para *prev = d->npara ? &d->paras[d->npara - 1] : NULL;
    const char *section = heading ? t : !prev ? NULL : prev->heading ? prev->text : prev->section;
    doc_para *p = &d->paras[d->npara++];
    *p = (doc_para){t, section, heading, page, line, (int)d->npara, table};
    if (heading == 1 && !d->title)
        d->title = t;
    d->words += count_words(t);
}

/* --- Markdown and plain text --- */

/* Byte offset of the first invalid UTF-8 sequence, or -1 when the text is valid. */
static long utf8_invalid_at(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned char c = s[i];
        size_t len = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : (c & 0xf8) == 0xf0 ? 4 : 0;
        if (!len || (len == 2 && c < 0xc2) || (len == 4 && c > 0xf4) || i + len > n)
            return (long)i;
        for (size_t k = 1; k < len; k++)
            if ((s[i + k] & 0xc0) != 0x80)
                return (long)i;
        if (len == 3 && ((c == 0xe0 && s[i + 1] < 0xa0) || (c == 0xed && s[i + 1] >= 0xa0)))
            return (long)i;
        if (len == 4 && ((c == 0xf0 && s[i + 1] < 0x90) || (c == 0xf4 && s[i + 1] >= 0x90)))
            return (long)i;
        i += len;
    }
    return -1;
}

/* Remove inline Markdown: emphasis marks, code ticks, link targets, HTML tags. */
static size_t md_inline(const char *s, size_t n, char *out)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '*' || c == '`' || (c == '_' && (i + 1 < n && s[i + 1] == '_')))
            continue;
        if (c == '_' && (i == 0 || !isalnum((unsigned char)s[i - 1]) || i + 1 == n ||
                         !isalnum((unsigned char)s[i + 1])))
            continue;
        if (c == ']' && i + 1 < n && s[i + 1] == '(') { /* [text](url): keep the text */
            const char *close = memchr(s + i, ')', n - i);
            if (close) {
                i = (size_t)(close - s);
                continue;
            }
        }
        if (c == '[' || (c == '!' && i + 1 < n && s[i + 1] == '['))
            continue;
        if (c == '<' && i + 1 < n && (isalpha((unsigned char)s[i + 1]) || s[i + 1] == '/')) {
            const char *close = memchr(s + i, '>', n - i);
            if (close) {
                i = (size_t)(close - s);
                out[o++] = ' ';
                continue;
            }
        }
        out[o++] = c;
    }
    return o;
}

/* strspn() within s[0..n): lines are not NUL-terminated where they end. */
static size_t span(const char *s, size_t n, const char *set)
{
    size_t i = 0;
    while (i < n && s[i] && strchr(set, s[i]))
        i++;
    return i;
}

/* Whether c is one of the characters of set; never the NUL that ends set. */
static int one_of(const char *set, char c) { return c && strchr(set, c); }

static int blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isspace((unsigned char)s[i]))
            return 0;
    return 1;
}

/* A list item or lettered clause starts its own paragraph: "- x", "* x", "1. x", "a. x", "(b) x". */
static int list_start(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && s[i] == ' ')
        i++;
    if (i + 1 < n && (s[i] == '-' || s[i] == '*' || s[i] == '+') && s[i + 1] == ' ')
        return 1;
    if (i + 1 < n && !strncmp(s + i, "\xe2\x80\xa2", i + 3 <= n ? 3 : 0))
        return 1;
    size_t j = i;
    if (j < n && s[j] == '(')
        j++;
    size_t k = j;
    while (k < n && k - j < 4 && isalnum((unsigned char)s[k]))
        k++;
    return k > j && k + 1 < n && (s[k] == '.' || s[k] == ')') && s[k + 1] == ' ' &&
           (k - j <= 2 || isdigit((unsigned char)s[j]) || span(s + j, n - j, "ivx") >= k - j);
}

/* A line that reads as a heading in text without markup: short, capitalized, no closing punctuation. */
static int looks_like_heading(const char *s, size_t n)
{
    while (n && isspace((unsigned char)s[n - 1]))
        n--;
    while (n && isspace((unsigned char)*s)) {
        s++;
        n--;
    }
    if (n < 3 || n > 70 || !(isupper((unsigned char)s[0]) || isdigit((unsigned char)s[0])))
        return 0;
    if (one_of(".:;,!?", s[n - 1]) || list_start(s, n))
        return 0;
    int words = 1;
    for (size_t i = 0; i < n; i++)
        words += s[i] == ' ';
    return words <= 9;
}

/* YAML front matter: "---" first, or key lines closed by "---" (as some policy repositories write).
 * Returns the length to skip and the block in *meta. */
static size_t front_matter(const char *s, size_t n, arena *a, doc *d)
{
    size_t start = 0;
    if (n >= 4 && !strncmp(s, "---", 3) && (s[3] == '\n' || s[3] == '\r'))
        start = 4;
    else if (!(n && isalpha((unsigned char)s[0])))
        return 0;
    size_t i = start;
    int lines = 0;
    while (i < n && lines < 200) {
        const char *nl = memchr(s + i, '\n', n - i);
        size_t end = nl ? (size_t)(nl - s) : n;
        size_t len = end - i;
        if (len && s[i + len - 1] == '\r')
            len--;
        if (len == 3 && !strncmp(s + i, "---", 3)) {
            if (!lines)
                return 0;
            d->meta = arena_strndup(a, s + start, i - start);
            for (const char *m = d->meta; m && *m;) {
                const char *eol = strchr(m, '\n');
                size_t ml = eol ? (size_t)(eol - m) : strlen(m);
                if ((!strncmp(m, "title:", 6) || !strncmp(m, "name:", 5)) && !d->title) {
                    const char *v = strchr(m, ':') + 1;
                    d->title = docread_clean(a, v, ml - (size_t)(v - m));
                }
                m = eol ? eol + 1 : NULL;
            }
            return nl ? end + 1 : n;
        }
        /* front matter lines are "key: value", indented continuations or "- item" */
        if (len && !(s[i] == ' ' || s[i] == '-' || s[i] == '\t' || (memchr(s + i, ':', len) && isalpha((unsigned char)s[i]))))
            return 0;
        lines++;
        i = nl ? end + 1 : n;
    }
    return 0;
}

void docread_lines(doc *d, arena *a, const char *s, size_t n, int markdown)
{
    size_t skip = front_matter(s, n, a, d);
    int line_no = 1;
    for (size_t k = 0; k < skip; k++)
        line_no += s[k] == '\n';
    char *para = arena_alloc(a, n + 1);
    size_t plen = 0;
    int pline = 0, fence = 0, prev_ended = 1;
    size_t i = skip;
#define FLUSH() do { if (plen) docread_add_para(d, a, para, plen, 0, 0, pline, 0); plen = 0; } while (0)
    while (i < n) {
        const char *nl = memchr(s + i, '\n', n - i);
        size_t end = nl ? (size_t)(nl - s) : n, len = end - i;
        const char *l = s + i;
        if (len && l[len - 1] == '\r')
            len--;
        int this_line = line_no++;
        i = nl ? end + 1 : n;
        if (markdown && len >= 3 && (!strncmp(l, "```", 3) || !strncmp(l, "~~~", 3))) {
            FLUSH();
            fence = !fence;
            continue;
        }
        if (fence)
            continue;
        if (blank(l, len)) {
            FLUSH();
            prev_ended = 1;
            continue;
        }
        if (markdown && l[0] == '#') {
            size_t h = 0;
            while (h < len && l[h] == '#')
                h++;
            if (h <= 6 && (h == len || l[h] == ' ')) {
                FLUSH();
                char *t = arena_alloc(a, len + 1);
                size_t tl = md_inline(l + h, len - h, t);
                while (tl && (t[tl - 1] == '#' || t[tl - 1] == ' '))
                    tl--;
                docread_add_para(d, a, t, tl, (int)h, 0, this_line, 0);
                continue;
            }
        }
        /* setext underline: the one-line paragraph above is a heading */
        if (markdown && plen && len >= 3 && span(l, len, "=") == len) {
            docread_add_para(d, a, para, plen, 1, 0, pline, 0);
            plen = 0;
            continue;
        }
        if (markdown && span(l, len, "-=_* ") == len && len >= 3) {
            FLUSH(); /* a horizontal rule */
            continue;
        }
        size_t ind = span(l, len, " \t");
        if (markdown && l[ind] == '|') { /* a table row is one paragraph; the |---| line is skipped */
            FLUSH();
            if (span(l + ind, len - ind, "|-: \t") == len - ind)
                continue;
            char *t = arena_alloc(a, len + 1);
            size_t tl = md_inline(l, len, t);
            for (size_t k = 0; k < tl; k++)
                if (t[k] == '|')
                    t[k] = ' ';
            docread_add_para(d, a, t, tl, 0, 0, this_line, 1);
            continue;
        }
        if (markdown && l[ind] == '>')
            ind++;
        if (!markdown && prev_ended && looks_like_heading(l, len) && !plen) {
            docread_add_para(d, a, l, len, 2, 0, this_line, 0);
            continue;
        }
        if (list_start(l + ind, len - ind))
            FLUSH();
        if (markdown && ind + 1 < len && one_of("-*+", l[ind]) && l[ind + 1] == ' ')
            ind += 2; /* a bullet is layout; numbered and lettered markers are kept as written */
        if (!plen)
            pline = this_line;
        else
            para[plen++] = ' ';
        plen += markdown ? md_inline(l + ind, len - ind, para + plen) : (memcpy(para + plen, l + ind, len - ind), len - ind);
        prev_ended = one_of(".:;!?", l[len - 1]);
    }
    FLUSH();
#undef FLUSH
}

/* --- HTML --- */

static int html_block(const char *name)
{
    static const char *const blocks[] = {"p", "li", "td", "th", "dt", "dd", "div", "blockquote", "pre",
                                         "caption", "section", "article", "tr", "br", "table", "ul",
                                         "ol", "header", "footer", "main", "aside", "nav", "figcaption",
                                         "address", "body", NULL};
    for (const char *const *b = blocks; *b; b++)
        if (!strcmp(name, *b))
            return 1;
    return 0;
}

typedef struct html_walk {
    doc *d;
    arena *a;
    buf text;
    int table;
} html_walk;

static void html_flush(html_walk *w)
{
    if (w->text.len)
        docread_add_para(w->d, w->a, w->text.data, w->text.len, 0, 0, 0, w->table > 0);
    buf_reset(&w->text);
}

/* Block elements end the text gathered so far, so nested blocks never repeat their text. */
static void html_node(html_walk *w, xmlNode *n)
{
    for (; n; n = n->next) {
        if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
            const char *t = (const char *)n->content;
            if (t && buf_puts(&w->text, t) == 0)
                buf_putc(&w->text, ' ');
            continue;
        }
        if (n->type != XML_ELEMENT_NODE)
            continue;
        const char *name = (const char *)n->name;
        if (!strcmp(name, "script") || !strcmp(name, "style") || !strcmp(name, "noscript") ||
            !strcmp(name, "template") || !strcmp(name, "head"))
            continue;
        if (name[0] == 'h' && name[1] >= '1' && name[1] <= '6' && !name[2]) {
            html_flush(w);
            html_node(w, n->children);
            if (w->text.len)
                docread_add_para(w->d, w->a, w->text.data, w->text.len, name[1] - '0', 0, 0, 0);
            buf_reset(&w->text);
            continue;
        }
        int block = html_block(name), table = !strcmp(name, "table");
        if (block)
            html_flush(w);
        w->table += table;
        html_node(w, n->children);
        w->table -= table;
        if (block)
            html_flush(w);
    }
}

static int read_html(doc *d, arena *a, const char *s, size_t n, isms_err *err)
{
    docread_quiet_xml();
    htmlDocPtr h = htmlReadMemory(s, (int)n, NULL, NULL,
                                  HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET);
    if (!h)
        return err_set(err, ISMS_EINVAL, "is not readable HTML");
    xmlNode *root = xmlDocGetRootElement(h);
    for (xmlNode *c = root ? root->children : NULL; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && !strcmp((const char *)c->name, "head"))
            for (xmlNode *t = c->children; t; t = t->next)
                if (t->type == XML_ELEMENT_NODE && !strcmp((const char *)t->name, "title")) {
                    xmlChar *v = xmlNodeGetContent(t);
                    if (v)
                        d->title = docread_clean(a, (const char *)v, strlen((const char *)v));
                    xmlFree(v);
                }
    html_walk w = {d, a, {0}, 0};
    buf_init(&w.text, DOCREAD_MAX_FILE);
    html_node(&w, root);
    html_flush(&w);
    buf_free(&w.text);
    xmlFreeDoc(h);
    return ISMS_OK;
}

/* --- detection and entry points --- */

doc_format docread_sniff(const char *s, size_t n)
{
    if (n >= 5 && !memcmp(s, "%PDF-", 5))
        return DOC_PDF;
    if (n >= 4 && !memcmp(s, "PK\x03\x04", 4))
        return DOC_DOCX;
    if (memchr(s, '\0', n))
        return DOC_UNKNOWN;
    size_t i = 0;
    if (n >= 3 && !memcmp(s, "\xef\xbb\xbf", 3))
        i = 3;
    while (i < n && isspace((unsigned char)s[i]))
        i++;
    size_t look = n - i < 1024 ? n - i : 1024;
    char head[1025];
    for (size_t k = 0; k < look; k++)
        head[k] = (char)tolower((unsigned char)s[i + k]);
    head[look] = '\0';
    if (!strncmp(head, "<!doctype html", 14) || !strncmp(head, "<html", 5) ||
        ((!strncmp(head, "<!--", 4) || !strncmp(head, "<?xml", 5)) && strstr(head, "<html")) ||
        (head[0] == '<' && (strstr(head, "<body") || strstr(head, "<head"))))
        return DOC_HTML;
    return DOC_TEXT;
}

/* Whether needle occurs in hay[0..len), which need not end in NUL. */
static int has_bytes(const char *hay, size_t len, const char *needle)
{
    size_t n = strlen(needle);
    for (const char *p = hay, *end = hay + len; (size_t)(end - p) >= n;) {
        const char *c = memchr(p, needle[0], (size_t)(end - p) - n + 1);
        if (!c)
            return 0;
        if (!memcmp(c, needle, n))
            return 1;
        p = c + 1;
    }
    return 0;
}

const char *docread_ext(const char *path)
{
    const char *slash = strrchr(path, '/'), *dot = strrchr(path, '.');
    return dot && (!slash || dot > slash) ? dot + 1 : "";
}

static const char *kind_of(doc_format f, const char *s, size_t n)
{
    if (f == DOC_DOCX)
        return "a zip archive";
    if (f == DOC_PDF)
        return "a PDF";
    if (f == DOC_HTML)
        return "HTML";
    if (f == DOC_TEXT)
        return "text";
    if (n >= 8 && !memcmp(s, "\x89PNG", 4))
        return "a PNG image";
    if (n >= 3 && !memcmp(s, "\xff\xd8\xff", 3))
        return "a JPEG image";
    if (n >= 8 && !memcmp(s, "\xd0\xcf\x11\xe0", 4))
        return "an old binary Office file (.doc); save it as .docx";
    return "binary data";
}

static int read_any(const char *path, const char *s, size_t n, arena *a, doc *d, isms_err *err)
{
    memset(d, 0, sizeof *d);
    d->path = arena_strdup(a, path);
    if (!n)
        return err_set(err, ISMS_EINVAL, "is empty");
    if (n > DOCREAD_MAX_FILE)
        return err_set(err, ISMS_EINVAL, "is %zu MB, over the %zu MB limit", n >> 20, DOCREAD_MAX_FILE >> 20);
    doc_format f = docread_sniff(s, n);
    const char *ext = docread_ext(path);
    /* the content decides; a name that promises another format is refused rather than guessed past */
    if ((!strcasecmp(ext, "pdf") && f != DOC_PDF) || (!strcasecmp(ext, "docx") && f != DOC_DOCX) ||
        ((!strcasecmp(ext, "html") || !strcasecmp(ext, "htm")) && f != DOC_HTML && f != DOC_TEXT) ||
        ((!strcasecmp(ext, "md") || !strcasecmp(ext, "txt") || !strcasecmp(ext, "markdown")) &&
         (f == DOC_PDF || f == DOC_DOCX)))
        return err_set(err, ISMS_EINVAL, "is named .%s but its content is %s", ext, kind_of(f, s, n));
    if (f == DOC_UNKNOWN) {
        if (n >= 2 && (!memcmp(s, "\xff\xfe", 2) || !memcmp(s, "\xfe\xff", 2)))
            return err_set(err, ISMS_EINVAL, "is UTF-16 text; save it as UTF-8");
        return err_set(err, ISMS_EINVAL, "is %s, not a document this command reads", kind_of(f, s, n));
    }
    if (f == DOC_TEXT && (!strcasecmp(ext, "html") || !strcasecmp(ext, "htm")))
        f = DOC_HTML; /* a fragment without <html>: the name is the better guide */
    d->format = f;
    int rc = ISMS_OK;
    if (f == DOC_PDF)
        return err_set(err, ISMS_EINVAL, "is a PDF: read it from a file");
    if (f == DOC_DOCX) {
        rc = docread_docx(d, a, s, n, err);
    } else if (f == DOC_HTML) {
        rc = read_html(d, a, s, n, err);
    } else {
        long bad = utf8_invalid_at((const unsigned char *)s, n);
        if (bad >= 0)
            return err_set(err, ISMS_EINVAL, "is not valid UTF-8 text (byte %ld); save it as UTF-8", bad);
        size_t bom = n >= 3 && !memcmp(s, "\xef\xbb\xbf", 3) ? 3 : 0;
        int md = strcasecmp(ext, "txt") != 0;
        if (!md)
            f = DOC_TEXT;
        else if (strcasecmp(ext, "md") && strcasecmp(ext, "markdown")) {
            /* no telling extension: Markdown when a line starts with a heading mark (the bytes
             * need not end in NUL: a buffer from docread_memory is searched by length) */
            md = (n - bom >= 2 && !memcmp(s + bom, "# ", 2)) || has_bytes(s + bom, n - bom, "\n# ") ||
                 has_bytes(s + bom, n - bom, "\n## ");
            f = md ? DOC_MARKDOWN : DOC_TEXT;
        } else
            f = DOC_MARKDOWN;
        d->format = f;
        docread_lines(d, a, s + bom, n - bom, md);
    }
    if (!rc && !d->words)
        rc = err_set(err, ISMS_EINVAL, "has no text");
    for (size_t i = 0; i < d->npara && !d->title; i++)
        if (d->paras[i].heading)
            d->title = d->paras[i].text; /* no top heading: the first one names the document */
    return rc;
}

int docread_memory(const char *path, const char *data, size_t len, arena *a, doc *d, isms_err *err)
{
    return read_any(path, data, len, a, d, err);
}

const char *docread_location(const doc *d, const doc_para *p, arena *a)
{
    char page[32] = "", where[48];
    if (p->page)
        snprintf(page, sizeof page, "page %d, ", p->page);
    if (p->line)
        snprintf(where, sizeof where, "line %d", p->line);
    else
        snprintf(where, sizeof where, "%sparagraph %d", p->in_table ? "table, " : "", p->index);
    (void)d;
    if (p->section)
        return arena_sprintf(a, "%ssection \"%.80s\", %s", page, p->section, where);
    return arena_sprintf(a, "%s%s", page, where);
}
