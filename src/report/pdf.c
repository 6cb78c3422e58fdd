#include "report/pdf.h"

#include <cairo-pdf.h>
#include <errno.h>
#include <pango/pangocairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A4 in points, 2 cm margins; the header and footer live inside the top and bottom margins. */
#define PAGE_W 595.276
#define PAGE_H 841.890
#define MARGIN 56.7
#define BODY_W (PAGE_W - 2 * MARGIN)
#define CELL_PAD 4.0
/* Caps so a runaway caller cannot exhaust memory or produce an unbounded file. */
#define PDF_MAX_BYTES (32u << 20)
#define PDF_MAX_COLS 32

enum { OP_HEADING, OP_PARA, OP_BULLET, OP_TABLE };

typedef struct pdf_op {
    int kind, level;
    char *text, *marker;
    int ncols, nrows;
    char **cells;
    double *frac;
    struct pdf_op *next;
} pdf_op;

struct pdf_doc {
    char *path, *title;
    pdf_op *head, *tail;
    size_t bytes;
    isms_err err;       /* first error of any call; reported by pdf_close */
    /* layout state during a pass */
    cairo_t *cr;
    double y;
    int page, total, drawing;
};

static char *clean_utf8(pdf_doc *d, const char *s)
{
    if (!s)
        s = "";
    size_t n = strlen(s);
    if (d->bytes + n > PDF_MAX_BYTES) {
        if (!d->err.code)
            err_set(&d->err, ISMS_ENOMEM, "the document is over the %u MiB text limit", PDF_MAX_BYTES >> 20);
        return NULL;
    }
    d->bytes += n;
    /* g_utf8_make_valid replaces invalid bytes with U+FFFD; copy into malloc memory we own. */
    gchar *g = g_utf8_make_valid(s, (gssize)n);
    char *out = strdup(g);
    g_free(g);
    if (!out && !d->err.code)
        err_set(&d->err, ISMS_ENOMEM, "out of memory building the PDF");
    return out;
}

static pdf_op *op_add(pdf_doc *d, int kind)
{
    if (!d || d->err.code)
        return NULL;
    pdf_op *o = calloc(1, sizeof *o);
    if (!o) {
        err_set(&d->err, ISMS_ENOMEM, "out of memory building the PDF");
        return NULL;
    }
    o->kind = kind;
    if (d->tail)
        d->tail->next = o;
    else
        d->head = o;
    d->tail = o;
    return o;
}

pdf_doc *pdf_open(const char *path, const char *title, isms_err *err)
{
    if (!path || !*path) {
        err_set(err, ISMS_EINVAL, "no output file given for the PDF");
        return NULL;
    }
    /* Refuse early when the destination's directory is missing, before any work is done. */
    char *dir = strdup(path);
    if (!dir) {
        err_set(err, ISMS_ENOMEM, "out of memory");
        return NULL;
    }
    char *slash = strrchr(dir, '/');
    struct stat sb;
    if (slash) {
        *slash = '\0';
        if (*dir && (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode))) {
            err_set(err, ISMS_EIO, "cannot write %s: directory %s does not exist", path, dir);
            free(dir);
            return NULL;
        }
    }
    free(dir);
    pdf_doc *d = calloc(1, sizeof *d);
    if (!d) {
        err_set(err, ISMS_ENOMEM, "out of memory");
        return NULL;
    }
    d->path = strdup(path);
    d->title = clean_utf8(d, title);
    if (!d->path || !d->title) {
        free(d->path);
        free(d->title);
        free(d);
        err_set(err, ISMS_ENOMEM, "out of memory");
        return NULL;
    }
    return d;
}

void pdf_heading(pdf_doc *d, int level, const char *text)
{
    pdf_op *o = op_add(d, OP_HEADING);
    if (o) {
        o->level = level < 1 ? 1 : level > 3 ? 3 : level;
        o->text = clean_utf8(d, text);
    }
}

void pdf_para(pdf_doc *d, const char *text)
{
    pdf_op *o = op_add(d, OP_PARA);
    if (o)
        o->text = clean_utf8(d, text);
}

void pdf_bullet(pdf_doc *d, const char *text)
{
    pdf_list_item(d, 0, "\xE2\x80\xA2", text);
}

void pdf_list_item(pdf_doc *d, int depth, const char *marker, const char *text)
{
    pdf_op *o = op_add(d, OP_BULLET);
    if (!o)
        return;
    o->level = depth < 0 ? 0 : depth > 6 ? 6 : depth;
    o->text = clean_utf8(d, text);
    if (marker)
        o->marker = clean_utf8(d, marker);
}

void pdf_table(pdf_doc *d, int ncols, const char *const *cells, int nrows, const double *col_frac)
{
    if (!d || d->err.code)
        return;
    if (ncols < 1 || ncols > PDF_MAX_COLS || nrows < 1 || !cells) {
        err_set(&d->err, ISMS_EINVAL, "a PDF table needs 1 to %d columns and at least a header row", PDF_MAX_COLS);
        return;
    }
    if ((size_t)nrows > PDF_MAX_BYTES / (size_t)ncols) {
        err_set(&d->err, ISMS_ENOMEM, "the PDF table is too large");
        return;
    }
    pdf_op *o = op_add(d, OP_TABLE);
    if (!o)
        return;
    o->ncols = ncols;
    o->nrows = nrows;
    o->cells = calloc((size_t)ncols * (size_t)nrows, sizeof *o->cells);
    o->frac = calloc((size_t)ncols, sizeof *o->frac);
    if (!o->cells || !o->frac) {
        err_set(&d->err, ISMS_ENOMEM, "out of memory building the PDF");
        return;
    }
    double sum = 0;
    for (int c = 0; c < ncols; c++)
        sum += col_frac && col_frac[c] > 0 ? col_frac[c] : 0;
    for (int c = 0; c < ncols; c++)
        o->frac[c] = col_frac && sum > 0 ? (col_frac[c] > 0 ? col_frac[c] : 0) / sum : 1.0 / ncols;
    for (int i = 0; i < ncols * nrows; i++)
        if (!(o->cells[i] = clean_utf8(d, cells[i])))
            return;
}

/* --- layout --- */

static PangoLayout *make_layout(pdf_doc *d, const char *text, double width, double size, int bold)
{
    PangoLayout *l = pango_cairo_create_layout(d->cr);
    PangoFontDescription *f = pango_font_description_new();
    pango_font_description_set_family(f, "Sans");
    pango_font_description_set_absolute_size(f, size * PANGO_SCALE);
    if (bold)
        pango_font_description_set_weight(f, PANGO_WEIGHT_BOLD);
    pango_layout_set_font_description(l, f);
    pango_font_description_free(f);
    pango_layout_set_width(l, (int)(width * PANGO_SCALE));
    pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
    pango_layout_set_text(l, text, -1);
    return l;
}

static void draw_text_at(pdf_doc *d, double x, double y, const char *text, double size, double grey)
{
    PangoLayout *l = make_layout(d, text, BODY_W, size, 0);
    cairo_set_source_rgb(d->cr, grey, grey, grey);
    cairo_move_to(d->cr, x, y);
    pango_cairo_show_layout(d->cr, l);
    cairo_set_source_rgb(d->cr, 0, 0, 0);
    g_object_unref(l);
}

static void page_start(pdf_doc *d)
{
    d->page++;
    d->y = MARGIN;
    if (!d->drawing)
        return;
    draw_text_at(d, MARGIN, MARGIN - 30, d->title, 8, 0.35);
    cairo_set_source_rgb(d->cr, 0.6, 0.6, 0.6);
    cairo_set_line_width(d->cr, 0.5);
    cairo_move_to(d->cr, MARGIN, MARGIN - 12);
    cairo_line_to(d->cr, PAGE_W - MARGIN, MARGIN - 12);
    cairo_stroke(d->cr);
    cairo_set_source_rgb(d->cr, 0, 0, 0);
    char foot[64];
    if (d->total > 0)
        snprintf(foot, sizeof foot, "page %d of %d", d->page, d->total);
    else
        snprintf(foot, sizeof foot, "page %d", d->page);
    draw_text_at(d, MARGIN, PAGE_H - MARGIN + 16, foot, 8, 0.35);
}

static void page_break(pdf_doc *d)
{
    if (d->drawing)
        cairo_show_page(d->cr);
    page_start(d);
}

static double page_bottom(void) { return PAGE_H - MARGIN; }

/* Draw a layout line by line so long text continues on the next page. */
static void flow_layout(pdf_doc *d, PangoLayout *l, double x)
{
    PangoLayoutIter *it = pango_layout_get_iter(l);
    double top_of_layout = d->y; /* layout y of the first line on the current page */
    int first_line_y = 0;
    do {
        PangoRectangle logical;
        pango_layout_iter_get_line_extents(it, NULL, &logical);
        double ly = (double)logical.y / PANGO_SCALE, lh = (double)logical.height / PANGO_SCALE;
        double y = top_of_layout + ly - first_line_y;
        if (y + lh > page_bottom() && y > MARGIN + 0.5) {
            page_break(d);
            top_of_layout = d->y;
            first_line_y = (int)ly;
            y = d->y;
        }
        if (d->drawing) {
            double base = (double)pango_layout_iter_get_baseline(it) / PANGO_SCALE - ly;
            cairo_move_to(d->cr, x, y + base);
            pango_cairo_show_layout_line(d->cr, pango_layout_iter_get_line_readonly(it));
        }
        d->y = y + lh;
    } while (pango_layout_iter_next_line(it));
    pango_layout_iter_free(it);
}

static double layout_height(PangoLayout *l)
{
    int w, h;
    pango_layout_get_size(l, &w, &h);
    return (double)h / PANGO_SCALE;
}

static void do_heading(pdf_doc *d, const pdf_op *o)
{
    static const double sizes[] = {18, 14, 12};
    double size = sizes[o->level - 1];
    PangoLayout *l = make_layout(d, o->text, BODY_W, size, 1);
    double h = layout_height(l);
    /* Keep a heading with at least a few lines of what follows it. */
    if (d->y > MARGIN + 0.5)
        d->y += size * 0.6;
    if (d->y + h + 40 > page_bottom() && d->y > MARGIN + 0.5)
        page_break(d);
    flow_layout(d, l, MARGIN);
    d->y += size * 0.35;
    g_object_unref(l);
}

static void do_para(pdf_doc *d, const pdf_op *o, int bullet)
{
    /* a list item hangs its text after the marker; each level of nesting indents one step more */
    double indent = bullet ? 18.0 * (o->level + 1) : 0;
    PangoLayout *l = make_layout(d, o->text, BODY_W - indent, 10, 0);
    PangoLayoutIter *it = pango_layout_get_iter(l);
    PangoRectangle first;
    pango_layout_iter_get_line_extents(it, NULL, &first);
    pango_layout_iter_free(it);
    if (d->y + (double)first.height / PANGO_SCALE > page_bottom())
        page_break(d);
    if (bullet && o->marker && d->drawing) {
        PangoLayout *b = make_layout(d, o->marker, 17, 10, 0);
        cairo_move_to(d->cr, MARGIN + indent - 17, d->y);
        pango_cairo_show_layout(d->cr, b);
        g_object_unref(b);
    }
    flow_layout(d, l, MARGIN + indent);
    d->y += bullet ? 3 : 7;
    g_object_unref(l);
}

static double table_row(pdf_doc *d, const pdf_op *o, int r, int measure_only)
{
    double h = 0, x = MARGIN;
    PangoLayout *ls[PDF_MAX_COLS];
    for (int c = 0; c < o->ncols; c++) {
        double w = BODY_W * o->frac[c];
        ls[c] = make_layout(d, o->cells[r * o->ncols + c], w - 2 * CELL_PAD > 4 ? w - 2 * CELL_PAD : 4, 9, r == 0);
        double lh = layout_height(ls[c]);
        if (lh > h)
            h = lh;
    }
    h += 2 * CELL_PAD;
    if (!measure_only && d->drawing) {
        if (r == 0) {
            cairo_set_source_rgb(d->cr, 0.9, 0.9, 0.9);
            cairo_rectangle(d->cr, MARGIN, d->y, BODY_W, h);
            cairo_fill(d->cr);
        }
        cairo_set_source_rgb(d->cr, 0.5, 0.5, 0.5);
        cairo_set_line_width(d->cr, 0.5);
        for (int c = 0; c < o->ncols; c++) {
            double w = BODY_W * o->frac[c];
            cairo_rectangle(d->cr, x, d->y, w, h);
            cairo_stroke(d->cr);
            cairo_set_source_rgb(d->cr, 0, 0, 0);
            cairo_move_to(d->cr, x + CELL_PAD, d->y + CELL_PAD);
            pango_cairo_show_layout(d->cr, ls[c]);
            cairo_set_source_rgb(d->cr, 0.5, 0.5, 0.5);
            x += w;
        }
        cairo_set_source_rgb(d->cr, 0, 0, 0);
    }
    for (int c = 0; c < o->ncols; c++)
        g_object_unref(ls[c]);
    if (!measure_only)
        d->y += h;
    return h;
}

static void do_table(pdf_doc *d, const pdf_op *o)
{
    d->y += 4;
    double head_h = table_row(d, o, 0, 1);
    if (d->y + head_h + (o->nrows > 1 ? table_row(d, o, 1, 1) : 0) > page_bottom() && d->y > MARGIN + 0.5)
        page_break(d);
    table_row(d, o, 0, 0);
    for (int r = 1; r < o->nrows; r++) {
        double h = table_row(d, o, r, 1);
        /* A row taller than a page is drawn anyway (clipped by the page) rather than looping. */
        if (d->y + h > page_bottom() && d->y > MARGIN + head_h + 0.5) {
            page_break(d);
            table_row(d, o, 0, 0);
        }
        table_row(d, o, r, 0);
    }
    d->y += 8;
}

/* One layout pass; returns the number of pages. Drawing passes write to cr's surface. */
static int run_pass(pdf_doc *d, cairo_t *cr, int drawing, int total)
{
    d->cr = cr;
    d->drawing = drawing;
    d->total = total;
    d->page = 0;
    page_start(d);
    for (const pdf_op *o = d->head; o; o = o->next) {
        switch (o->kind) {
        case OP_HEADING: do_heading(d, o); break;
        case OP_PARA: do_para(d, o, 0); break;
        case OP_BULLET: do_para(d, o, 1); break;
        case OP_TABLE: do_table(d, o); break;
        }
    }
    if (drawing)
        cairo_show_page(cr);
    return d->page;
}

static cairo_status_t discard(void *closure, const unsigned char *data, unsigned int length)
{
    (void)closure;
    (void)data;
    (void)length;
    return CAIRO_STATUS_SUCCESS;
}

static void doc_free(pdf_doc *d)
{
    for (pdf_op *o = d->head, *n; o; o = n) {
        n = o->next;
        free(o->text);
        free(o->marker);
        if (o->cells)
            for (int i = 0; i < o->ncols * o->nrows; i++)
                free(o->cells[i]);
        free(o->cells);
        free(o->frac);
        free(o);
    }
    free(d->path);
    free(d->title);
    free(d);
}

int pdf_close(pdf_doc *d, isms_err *err)
{
    if (!d)
        return err && err->code ? err->code : err_set(err, ISMS_EINVAL, "no PDF document");
    if (d->err.code) {
        int rc = err_set(err, d->err.code, "%s", d->err.msg);
        doc_free(d);
        return rc;
    }
    /* Pass 1 counts pages on a surface of the same kind, so the metrics match pass 2 exactly. */
    cairo_surface_t *count = cairo_pdf_surface_create_for_stream(discard, NULL, PAGE_W, PAGE_H);
    cairo_t *cr = cairo_create(count);
    int total = run_pass(d, cr, 0, 0);
    cairo_destroy(cr);
    cairo_surface_destroy(count);

    size_t plen = strlen(d->path);
    char *tmp = malloc(plen + 16);
    if (!tmp) {
        doc_free(d);
        return err_set(err, ISMS_ENOMEM, "out of memory");
    }
    snprintf(tmp, plen + 16, "%s.tmp.XXXXXX", d->path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        int rc = err_set(err, ISMS_EIO, "cannot write %s: %s", d->path, strerror(errno));
        free(tmp);
        doc_free(d);
        return rc;
    }
    close(fd);
    cairo_surface_t *s = cairo_pdf_surface_create(tmp, PAGE_W, PAGE_H);
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, d->title);
    cr = cairo_create(s);
    run_pass(d, cr, 1, total);
    cairo_destroy(cr);
    cairo_surface_finish(s);
    cairo_status_t st = cairo_surface_status(s);
    cairo_surface_destroy(s);
    int rc = ISMS_OK;
    if (st != CAIRO_STATUS_SUCCESS)
        rc = err_set(err, ISMS_EIO, "writing %s failed: %s", d->path, cairo_status_to_string(st));
    else if (chmod(tmp, 0644) != 0 || rename(tmp, d->path) != 0)
        rc = err_set(err, ISMS_EIO, "cannot write %s: %s", d->path, strerror(errno));
    if (rc)
        unlink(tmp);
    free(tmp);
    doc_free(d);
    return rc;
}
