/* Reading DOCX: libzip opens the archive (every part capped against zip bombs), libxml2 parses
 * word/document.xml (paragraphs, heading styles, table cells), styles.xml and docProps/core.xml. */
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zip.h>

#include "core/docread.h"
#include "core/docread_int.h"
#include "util/buf.h"

/* Read one archive part, refusing it past DOCREAD_MAX_ENTRY whatever its header claims. NULL when
 * absent (err untouched) or on error (err set). */
static char *zip_part(zip_t *z, const char *name, size_t *len, arena *a, int *failed, isms_err *err)
{
    zip_stat_t st;
    *failed = 0;
    if (zip_stat(z, name, 0, &st) != 0)
        return NULL;
    *failed = 1;
    if ((st.valid & ZIP_STAT_SIZE) && st.size > DOCREAD_MAX_ENTRY) {
        err_set(err, ISMS_EINVAL, "%s would expand to %llu MB, over the %zu MB limit (a zip bomb?)", name,
                (unsigned long long)(st.size >> 20), DOCREAD_MAX_ENTRY >> 20);
        return NULL;
    }
    zip_file_t *f = zip_fopen(z, name, 0);
    if (!f) {
        err_set(err, ISMS_EINVAL, "cannot open %s in the archive: %s", name, zip_strerror(z));
        return NULL;
    }
    buf b;
    buf_init(&b, DOCREAD_MAX_ENTRY);
    char chunk[65536];
    zip_int64_t got;
    int over = 0;
    while ((got = zip_fread(f, chunk, sizeof chunk)) > 0)
        if (buf_append(&b, chunk, (size_t)got)) {
            over = 1;
            break;
        }
    if (over)
        err_set(err, ISMS_EINVAL, "%s expands past the %zu MB limit (a zip bomb?)", name, DOCREAD_MAX_ENTRY >> 20);
    else if (got < 0)
        err_set(err, ISMS_EINVAL, "%s is damaged in the archive: %s", name, zip_file_strerror(f));
    zip_fclose(f);
    char *out = NULL;
    if (!over && got == 0) {
        out = arena_strndup(a, b.data ? b.data : "", b.len);
        *len = b.len;
        *failed = 0;
    }
    buf_free(&b);
    return out;
}

static xmlDocPtr parse_xml(const char *s, size_t n)
{
    /* no entity substitution and no network: external entities in a hostile file stay unread */
    docread_quiet_xml();
    return xmlReadMemory(s, (int)n, "part.xml", NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
}

static const char *wattr(xmlNode *n, const char *name)
{
    for (xmlAttr *at = n->properties; at; at = at->next)
        if (!strcmp((const char *)at->name, name) && at->children && at->children->content)
            return (const char *)at->children->content;
    return NULL;
}

/* Paragraph styles by id, sorted for lookup. Word writes a few hundred; a file claiming more than
 * DOCX_MAX_STYLES is hostile and the rest are ignored (their paragraphs read as body text). */
#define DOCX_MAX_STYLES 4096

typedef struct docx_style {
    const char *id, *name;
} docx_style;

typedef struct docx_styles {
    docx_style *v;
    size_t n;
} docx_styles;

static int style_cmp(const void *x, const void *y)
{
    return strcmp(((const docx_style *)x)->id, ((const docx_style *)y)->id);
}

/* The styles of styles.xml: each w:style's id and the first of its names. */
static void docx_read_styles(xmlDocPtr sx, arena *a, docx_styles *st)
{
    xmlNode *root = sx ? xmlDocGetRootElement(sx) : NULL;
    size_t count = 0;
    for (xmlNode *c = root ? root->children : NULL; c; c = c->next)
        count += c->type == XML_ELEMENT_NODE && !strcmp((const char *)c->name, "style");
    if (count > DOCX_MAX_STYLES)
        count = DOCX_MAX_STYLES;
    st->v = arena_alloc(a, (count ? count : 1) * sizeof *st->v);
    st->n = 0;
    for (xmlNode *c = root ? root->children : NULL; c && st->n < count; c = c->next) {
        if (c->type != XML_ELEMENT_NODE || strcmp((const char *)c->name, "style") || !wattr(c, "styleId"))
            continue;
        const char *name = NULL;
        for (xmlNode *k = c->children; k && !name; k = k->next)
            if (k->type == XML_ELEMENT_NODE && !strcmp((const char *)k->name, "name"))
                name = wattr(k, "val");
        if (name)
            st->v[st->n++] = (docx_style){arena_strdup(a, wattr(c, "styleId")), arena_strdup(a, name)};
    }
    qsort(st->v, st->n, sizeof *st->v, style_cmp);
}

/* Heading level of a paragraph style: by its id or its name ("heading 2", "Title"). */
static int style_level(const docx_styles *st, const char *id)
{
    const char *cands[2] = {id, NULL};
    docx_style key = {id, NULL};
    const docx_style *hit = st->n ? bsearch(&key, st->v, st->n, sizeof *st->v, style_cmp) : NULL;
    if (hit)
        cands[1] = hit->name;
    for (int k = 0; k < 2; k++) {
        const char *s = cands[k];
        if (!s)
            continue;
        if (!strcasecmp(s, "title"))
            return 1;
        if (!strncasecmp(s, "heading", 7)) {
            s += 7;
            while (*s == ' ')
                s++;
            if (*s >= '1' && *s <= '9')
                return *s - '0' > 6 ? 6 : *s - '0';
        }
    }
    return 0;
}

static void docx_text(xmlNode *n, buf *b, int *level, const docx_styles *st)
{
    for (; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        const char *name = (const char *)n->name;
        if (!strcmp(name, "p"))
            continue; /* a nested paragraph (text box) is read on its own */
        if (!strcmp(name, "t") || !strcmp(name, "instrText")) {
            if (!strcmp(name, "t")) {
                xmlChar *v = xmlNodeGetContent(n);
                if (v)
                    buf_puts(b, (const char *)v);
                xmlFree(v);
            }
            continue;
        }
        if (!strcmp(name, "tab") || !strcmp(name, "br") || !strcmp(name, "cr"))
            buf_putc(b, ' ');
        else if (!strcmp(name, "pStyle") && wattr(n, "val"))
            *level = style_level(st, wattr(n, "val"));
        else if (!strcmp(name, "outlineLvl") && wattr(n, "val") && !*level)
            *level = atoi(wattr(n, "val")) + 1;
        if (!strcmp(name, "delText"))
            continue;
        docx_text(n->children, b, level, st);
    }
}

static void docx_walk(doc *d, arena *a, xmlNode *n, int table, const docx_styles *st, buf *b)
{
    for (; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        const char *name = (const char *)n->name;
        if (!strcmp(name, "p")) {
            int level = 0;
            buf_reset(b);
            docx_text(n->children, b, &level, st);
            if (b->len)
                docread_add_para(d, a, b->data, b->len, level > 6 ? 6 : level, 0, 0, table);
        }
        docx_walk(d, a, n->children, table + !strcmp(name, "tbl"), st, b);
    }
}

static const char *xml_child_text(xmlNode *root, const char *name, arena *a)
{
    for (xmlNode *c = root ? root->children : NULL; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && !strcmp((const char *)c->name, name)) {
            xmlChar *v = xmlNodeGetContent(c);
            char *t = v ? docread_clean(a, (const char *)v, strlen((const char *)v)) : NULL;
            xmlFree(v);
            return t;
        }
    return NULL;
}

int docread_docx(doc *d, arena *a, const char *s, size_t n, isms_err *err)
{
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(s, n, 0, &ze);
    zip_t *z = src ? zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &ze) : NULL;
    if (!z) {
        if (src)
            zip_source_free(src);
        zip_error_fini(&ze);
        return err_set(err, ISMS_EINVAL, "is not a valid DOCX: the zip archive is corrupt or truncated");
    }
    zip_error_fini(&ze);
    size_t len = 0;
    int failed;
    size_t body_len = 0;
    char *body = zip_part(z, "word/document.xml", &body_len, a, &failed, err);
    if (!body) {
        zip_close(z);
        return failed ? ISMS_EINVAL
                      : err_set(err, ISMS_EINVAL, "is a zip archive but not a Word document (no word/document.xml)");
    }
    docx_styles st = {NULL, 0};
    char *styles = zip_part(z, "word/styles.xml", &len, a, &failed, err);
    if (failed) { /* a bomb or damage in a part we read refuses the file, as in document.xml */
        zip_close(z);
        return ISMS_EINVAL;
    }
    xmlDocPtr sx = styles ? parse_xml(styles, len) : NULL;
    docx_read_styles(sx, a, &st);
    if (sx)
        xmlFreeDoc(sx);
    char *core = zip_part(z, "docProps/core.xml", &len, a, &failed, err);
    if (failed) {
        zip_close(z);
        return ISMS_EINVAL;
    }
    xmlDocPtr cx = core ? parse_xml(core, len) : NULL;
    xmlNode *r = cx ? xmlDocGetRootElement(cx) : NULL;
    if (r) {
        d->title = xml_child_text(r, "title", a);
        d->creator = xml_child_text(r, "creator", a);
        d->created = xml_child_text(r, "created", a);
        d->modified = xml_child_text(r, "modified", a);
        d->revision = xml_child_text(r, "version", a);
        if (!d->revision)
            d->revision = xml_child_text(r, "revision", a);
        const char *by = xml_child_text(r, "lastModifiedBy", a);
        d->meta = arena_sprintf(a, "title: %s\ncreator: %s\nlast modified by: %s\ncreated: %s\nmodified: %s\n%s%s\n",
                                d->title ? d->title : "", d->creator ? d->creator : "", by ? by : "",
                                d->created ? d->created : "", d->modified ? d->modified : "",
                                d->revision ? "version: " : "", d->revision ? d->revision : "");
    }
    if (cx)
        xmlFreeDoc(cx);
    xmlDocPtr x = parse_xml(body, body_len);
    zip_close(z);
    if (!x)
        return err_set(err, ISMS_EINVAL, "is a damaged DOCX: word/document.xml is not well-formed XML");
    buf b;
    buf_init(&b, DOCREAD_MAX_ENTRY);
    docx_walk(d, a, xmlDocGetRootElement(x), 0, &st, &b);
    buf_free(&b);
    xmlFreeDoc(x);
    return ISMS_OK;
}

