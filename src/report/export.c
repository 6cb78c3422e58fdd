/* Exports behind one small table writer: a document is a header row and data rows of text or
 * number cells, which become a CSV record, an HTML <tr> or a worksheet row. Everything is written
 * to a temp file beside the destination and renamed over it only when whole. */
#include "report/export.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "util/buf.h"
#include "util/outfile.h"

#define TEXT_MAX (64u << 20)    /* cap on one cleaned cell or one CSV/HTML row */
#define XLSX_CELL_MAX 32767     /* Excel refuses a longer cell (counted in UTF-16 units) */
#define PROGRESS_EVERY 1024

static const char *nz(const char *s)
{
    return s ? s : "";
}

int export_format_parse(const char *s)
{
    if (!s)
        return -1;
    if (!strcasecmp(s, "csv"))
        return EXPORT_CSV;
    if (!strcasecmp(s, "xlsx"))
        return EXPORT_XLSX;
    if (!strcasecmp(s, "html"))
        return EXPORT_HTML;
    return -1;
}

/* --- text cleaning: users type anything, but the files must stay valid --- */

enum { CLEAN_CTL = 1, CLEAN_CUT = 2 };

/* Length of the valid UTF-8 sequence at p (1-4), or 0 when invalid: overlong, surrogate, past
 * U+10FFFF or cut short (the NUL terminator stops the look-ahead). */
static int utf8_len(const unsigned char *p)
{
    if (p[0] < 0x80)
        return 1;
    if (p[0] >= 0xC2 && p[0] <= 0xDF)
        return (p[1] & 0xC0) == 0x80 ? 2 : 0;
    if (p[0] >= 0xE0 && p[0] <= 0xEF) {
        if ((p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80)
            return 0;
        if ((p[0] == 0xE0 && p[1] < 0xA0) || (p[0] == 0xED && p[1] >= 0xA0))
            return 0;
        return 3;
    }
    if (p[0] >= 0xF0 && p[0] <= 0xF4) {
        if ((p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80 || (p[3] & 0xC0) != 0x80)
            return 0;
        if ((p[0] == 0xF0 && p[1] < 0x90) || (p[0] == 0xF4 && p[1] >= 0x90))
            return 0;
        return 4;
    }
    return 0;
}

static int bad_ctl(unsigned char c)
{
    return c < 0x20 && c != '\t' && c != '\n' && c != '\r';
}

/* s as valid UTF-8, bad bytes becoming U+FFFD. CLEAN_CTL also replaces what XML 1.0 and HTML
 * forbid (control characters but tab, LF, CR; U+FFFE, U+FFFF); CLEAN_CUT cuts the text to what one
 * Excel cell holds, and says so. Returns s itself when nothing changes, else text in b. */
static const char *clean(buf *b, const char *s, int how)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = 0;
    for (; *p; p++, n++)
        if (*p >= 0x80 || ((how & CLEAN_CTL) && bad_ctl(*p)))
            break;
    if (!*p && (!(how & CLEAN_CUT) || n <= XLSX_CELL_MAX))
        return s;
    static const char note[] = " [... cut here: an Excel cell holds at most 32,767 characters; "
                               "the CSV export has the whole text]";
    const size_t limit = XLSX_CELL_MAX - (sizeof note - 1);
    size_t units = 0, cut_at = SIZE_MAX;
    buf_reset(b);
    for (p = (const unsigned char *)s; *p;) {
        int l = utf8_len(p);
        const char *put = (const char *)p;
        size_t pl = (size_t)l;
        if (l == 0 || ((how & CLEAN_CTL) && ((l == 1 && bad_ctl(*p)) ||
                                             (l == 3 && p[0] == 0xEF && p[1] == 0xBF && p[2] >= 0xBE)))) {
            put = "\xEF\xBF\xBD";
            pl = 3;
            l = l ? l : 1;
        }
        size_t u = l == 4 ? 2 : 1;   /* characters past U+FFFF take two UTF-16 units */
        if (units + u > limit && cut_at == SIZE_MAX)
            cut_at = b->len;
        units += u;
        if ((how & CLEAN_CUT) && units > XLSX_CELL_MAX)
            break;
        if (buf_append(b, put, pl))
            return "(text too long to export)";
        p += l;
    }
    if ((how & CLEAN_CUT) && units > XLSX_CELL_MAX) {
        b->len = cut_at;
        b->data[cut_at] = '\0';
        buf_puts(b, note);
    }
    return b->data ? b->data : "";
}

/* --- the table writer --- */

enum { COL_TEXT, COL_WRAP, COL_NUM, COL_MARK };   /* MARK: a status word shown in colour */
typedef struct column {
    const char *head;
    unsigned char width, kind;
} column;
typedef struct cell {
    const char *s;   /* NULL: the number n */
    long n;
} cell;

/* Colours for status words: risk levels, Yes/No/Undecided, plan status. */
enum { MARK_GOOD, MARK_WARN, MARK_HIGH, MARK_BAD, MARK_GREY, MARK_N };
static const char *const mark_class[MARK_N] = {"good", "warn", "high", "bad", "grey"};
static const lxw_color_t mark_color[MARK_N] = {0xC6EFCE, 0xFFEB9C, 0xF8CBAD, 0xFF9C9C, 0xE7E6E6};

static int mark_of(const char *s)
{
    static const struct {
        const char *word;
        int mark;
    } m[] = {{"low", MARK_GOOD},     {"medium", MARK_WARN},     {"high", MARK_HIGH},
             {"critical", MARK_BAD}, {"Yes", MARK_GOOD},        {"Undecided", MARK_WARN},
             {"No", MARK_GREY},      {"done", MARK_GOOD},       {"accepted", MARK_GOOD},
             {"open", MARK_GREY},    {"awaiting acceptance", MARK_WARN}, {"untreated", MARK_HIGH},
             {"overdue", MARK_BAD}};
    for (size_t i = 0; i < sizeof m / sizeof *m; i++)
        if (!strcmp(s, m[i].word))
            return m[i].mark;
    return -1;
}

typedef struct table {
    export_format f;
    outfile out;
    FILE *fp;                  /* csv, html */
    lxw_workbook *wb;          /* xlsx */
    lxw_worksheet *sh;
    lxw_format *f_head, *f_top, *f_wrap, *f_num, *f_mark[MARK_N], *f_title, *f_bold;
    const column *cols;
    int ncols;
    lxw_row_t row;             /* next worksheet row */
    lxw_error lerr;            /* first libxlsxwriter error */
    int toolong;               /* a CSV/HTML row went over TEXT_MAX */
    buf line, text;
    arena a;
} table;

static void xerr(table *t, lxw_error e)
{
    if (e != LXW_NO_ERROR && t->lerr == LXW_NO_ERROR)
        t->lerr = e;
}

static lxw_format *new_format(table *t, int bold, int wrap, lxw_color_t bg)
{
    lxw_format *x = workbook_add_format(t->wb);
    if (bold)
        format_set_bold(x);
    if (wrap)
        format_set_text_wrap(x);
    if (bg)
        format_set_bg_color(x, bg);
    format_set_align(x, LXW_ALIGN_VERTICAL_TOP);
    return x;
}

/* Open the destination; big selects libxlsxwriter's constant-memory mode (rows in order only). */
static int tbl_open(table *t, export_format f, const char *path, int big, isms_err *err)
{
    memset(t, 0, sizeof *t);
    t->f = f;
    buf_init(&t->line, TEXT_MAX);
    buf_init(&t->text, TEXT_MAX);
    arena_init(&t->a);
    int fd, rc = outfile_open(&t->out, path, &fd, err);
    if (rc)
        return rc;
    if (f == EXPORT_XLSX) {
        close(fd);   /* libxlsxwriter writes the zip to the reserved name itself */
        lxw_workbook_options o = {.constant_memory = big ? LXW_TRUE : LXW_FALSE, .tmpdir = t->out.dir};
        t->wb = workbook_new_opt(t->out.tmp, &o);
        if (!t->wb) {
            outfile_abort(&t->out);
            return err_set(err, ISMS_ENOMEM, "cannot write %s: out of memory starting the workbook", path);
        }
        t->f_head = new_format(t, 1, 1, 0xD9E1F2);
        format_set_bottom(t->f_head, LXW_BORDER_THIN);
        t->f_top = new_format(t, 0, 0, 0);
        t->f_wrap = new_format(t, 0, 1, 0);
        t->f_num = new_format(t, 0, 0, 0);
        format_set_align(t->f_num, LXW_ALIGN_CENTER);
        for (int i = 0; i < MARK_N; i++)
            t->f_mark[i] = new_format(t, i == MARK_BAD, 0, mark_color[i]);
        t->f_title = new_format(t, 1, 0, 0);
        format_set_font_size(t->f_title, 14);
        t->f_bold = new_format(t, 1, 0, 0);
    } else {
        t->fp = fdopen(fd, "w");
        if (!t->fp) {
            int e = errno;
            close(fd);
            rc = outfile_error(&t->out, e, err);
            outfile_abort(&t->out);
            return rc;
        }
        setvbuf(t->fp, NULL, _IOFBF, 1 << 16);
    }
    return ISMS_OK;
}

static void tbl_free(table *t)
{
    buf_free(&t->line);
    buf_free(&t->text);
    arena_free(&t->a);
}

/* Give up: close whatever is open and remove the temp file. */
static void tbl_abort(table *t)
{
    if (t->wb)
        workbook_close(t->wb);   /* the only way to release a workbook's temp files */
    if (t->fp)
        fclose(t->fp);
    t->wb = NULL;
    t->fp = NULL;
    outfile_abort(&t->out);
    tbl_free(t);
}

/* Close the file, check every write succeeded and move it into place. */
static int tbl_close(table *t, isms_err *err)
{
    int rc = ISMS_OK;
    const char *path = t->out.path;
    if (t->f == EXPORT_XLSX) {
        lxw_error e = workbook_close(t->wb);
        t->wb = NULL;
        if (t->lerr == LXW_NO_ERROR)
            t->lerr = e;
        if (t->lerr != LXW_NO_ERROR)
            rc = err_set(err, t->lerr == LXW_ERROR_MEMORY_MALLOC_FAILED ? ISMS_ENOMEM : ISMS_EIO,
                         "cannot write %s: %s", path, lxw_strerror(t->lerr));
    } else {
        if (t->f == EXPORT_HTML)
            fputs("<footer>Generated by isms.</footer>\n</body>\n</html>\n", t->fp);
        int bad = fflush(t->fp) != 0 || ferror(t->fp);
        int e = errno;
        if (fclose(t->fp) != 0 && !bad) {
            bad = 1;
            e = errno;
        }
        if (bad && !e)
            e = EIO;   /* the failed write was earlier and errno has moved on */
        t->fp = NULL;
        if (t->toolong)
            rc = err_set(err, ISMS_ENOMEM, "cannot write %s: a row is longer than %u MB", path, TEXT_MAX >> 20);
        else if (bad)
            rc = outfile_error(&t->out, e, err);
    }
    if (rc)
        outfile_abort(&t->out);
    else
        rc = outfile_commit(&t->out, err);
    tbl_free(t);
    return rc;
}

/* The clean form of s for this format, kept until the table closes (document metadata). */
static const char *keep(table *t, const char *s)
{
    int how = t->f == EXPORT_CSV ? 0 : t->f == EXPORT_HTML ? CLEAN_CTL : CLEAN_CTL | CLEAN_CUT;
    return arena_strdup(&t->a, clean(&t->text, nz(s), how));
}

/* Append s to b escaped for HTML text and attribute values; line breaks become <br>. Returns
 * non-zero when the buffer cap was hit. */
static int html_esc(buf *b, const char *s)
{
    const char *run = s;
    int bad = 0;
    for (; *s; s++) {
        const char *rep;
        switch (*s) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = "&quot;"; break;
        case '\'': rep = "&#39;"; break;
        case '\n': rep = "<br>"; break;
        case '\r': rep = s[1] == '\n' ? "" : "<br>"; break;
        default: continue;
        }
        bad |= buf_append(b, run, (size_t)(s - run)) | buf_puts(b, rep);
        run = s + 1;
    }
    return bad | buf_append(b, run, (size_t)(s - run));
}

/* Write s (cleaned, escaped) to the HTML file. */
static void h_text(table *t, const char *s)
{
    buf_reset(&t->line);
    html_esc(&t->line, clean(&t->text, nz(s), CLEAN_CTL));
    fwrite(t->line.data ? t->line.data : "", 1, t->line.len, t->fp);
}

/* Append s to b as one RFC 4180 field; non-zero when the buffer cap was hit. */
static int csv_field(buf *b, const char *s)
{
    /* A spreadsheet runs a cell starting with = + - @ (or a tab or CR before one) as a formula:
     * a leading ' keeps it text (OWASP CSV injection advice). */
    int guard = s[0] && strchr("=+-@\t\r", s[0]);
    if (!guard && !strpbrk(s, ",\"\r\n"))
        return buf_puts(b, s);
    int bad = buf_putc(b, '"');
    if (guard)
        bad |= buf_putc(b, '\'');
    for (const char *q; (q = strchr(s, '"')); s = q + 1)
        bad |= buf_append(b, s, (size_t)(q - s + 1)) | buf_putc(b, '"');
    return bad | buf_puts(b, s) | buf_putc(b, '"');
}

static void x_str(table *t, lxw_worksheet *sh, lxw_row_t r, lxw_col_t c, const char *s, lxw_format *fm)
{
    xerr(t, worksheet_write_string(sh, r, c, clean(&t->text, nz(s), CLEAN_CTL | CLEAN_CUT), fm));
}

static void x_num(table *t, lxw_worksheet *sh, lxw_row_t r, lxw_col_t c, double v, lxw_format *fm)
{
    xerr(t, worksheet_write_number(sh, r, c, v, fm));
}

/* Append s to hf (a print header/footer, at most 255 bytes) while it stays under max bytes, whole
 * characters only; esc doubles & so user text cannot inject header codes like &P. */
static void hf_add(char *hf, size_t max, const char *s, int esc)
{
    size_t len = strlen(hf);
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        int l = utf8_len(p);
        if (!l)
            break;
        int dbl = esc && *p == '&';
        if (len + (size_t)l + (size_t)dbl + 1 > max)
            break;
        if (dbl)
            hf[len++] = '&';
        memcpy(hf + len, p, (size_t)l);
        len += (size_t)l;
        p += l;
    }
    hf[len] = '\0';
}

/* Start a data table: the worksheet (XLSX), <table> (HTML) or header record (CSV). title and meta
 * go in the XLSX print header and footer. */
static void tbl_begin(table *t, const char *sheet, const char *title, const export_meta *meta,
                      const column *cols, int ncols)
{
    t->cols = cols;
    t->ncols = ncols;
    t->row = 0;
    if (t->f == EXPORT_XLSX) {
        t->sh = workbook_add_worksheet(t->wb, sheet);
        if (!t->sh) {
            xerr(t, LXW_ERROR_CREATING_TMPFILE);
            return;
        }
        for (int i = 0; i < ncols; i++)
            xerr(t, worksheet_set_column(t->sh, (lxw_col_t)i, (lxw_col_t)i, cols[i].width, NULL));
        worksheet_freeze_panes(t->sh, 1, 1);
        /* Printed: landscape A4, one page wide, the header row on every page. */
        worksheet_set_landscape(t->sh);
        worksheet_set_paper(t->sh, 9);
        worksheet_fit_to_pages(t->sh, 1, 0);
        worksheet_repeat_rows(t->sh, 0, 0);
        char hf[256] = "&L&\"-,Bold\"";
        hf_add(hf, 120, title, 1);
        if (meta && meta->org && *meta->org) {
            hf_add(hf, 120, " \xE2\x80\x94 ", 1);
            hf_add(hf, 120, keep(t, meta->org), 1);
        }
        hf_add(hf, sizeof hf, "&R", 0);
        hf_add(hf, sizeof hf, keep(t, meta ? meta->title_suffix : ""), 1);
        worksheet_set_header(t->sh, hf);
        char ft[256] = "&LGenerated ";
        hf_add(ft, 200, keep(t, meta ? meta->generated_at : ""), 1);
        hf_add(ft, sizeof ft, "&RPage &P of &N", 0);
        worksheet_set_footer(t->sh, ft);
        for (int i = 0; i < ncols; i++)
            x_str(t, t->sh, 0, (lxw_col_t)i, cols[i].head, t->f_head);
        t->row = 1;
    } else if (t->f == EXPORT_CSV) {
        buf_reset(&t->line);
        for (int i = 0; i < ncols; i++) {
            if (i)
                buf_putc(&t->line, ',');
            csv_field(&t->line, cols[i].head);
        }
        buf_puts(&t->line, "\r\n");
        fwrite(t->line.data, 1, t->line.len, t->fp);
    } else {
        fputs("<table class=\"data\">\n<thead><tr>", t->fp);
        for (int i = 0; i < ncols; i++) {
            fputs("<th>", t->fp);
            h_text(t, cols[i].head);
            fputs("</th>", t->fp);
        }
        fputs("</tr></thead>\n<tbody>\n", t->fp);
    }
}

/* One data row of t->ncols cells; id names the HTML row (a control or risk id). */
static void tbl_row(table *t, const cell *c, const char *id)
{
    if (t->f == EXPORT_XLSX) {
        if (!t->sh)
            return;
        for (int i = 0; i < t->ncols; i++) {
            const column *col = &t->cols[i];
            if (!c[i].s) {
                x_num(t, t->sh, t->row, (lxw_col_t)i, (double)c[i].n, t->f_num);
            } else if (*c[i].s) {   /* empty cells are simply not written: less XML to compress */
                int mk = col->kind == COL_MARK ? mark_of(c[i].s) : -1;
                lxw_format *fm = mk >= 0 ? t->f_mark[mk] : col->kind == COL_WRAP ? t->f_wrap : t->f_top;
                x_str(t, t->sh, t->row, (lxw_col_t)i, c[i].s, fm);
            }
        }
        t->row++;
        return;
    }
    buf *b = &t->line;
    buf_reset(b);
    int bad = 0;
    if (t->f == EXPORT_CSV) {
        for (int i = 0; i < t->ncols; i++) {
            if (i)
                bad |= buf_putc(b, ',');
            if (c[i].s)
                bad |= csv_field(b, clean(&t->text, c[i].s, 0));
            else {
                char num[24];
                bad |= buf_append(b, num, (size_t)snprintf(num, sizeof num, "%ld", c[i].n));
            }
        }
        bad |= buf_puts(b, "\r\n");
    } else {
        bad |= buf_puts(b, "<tr id=\"") | html_esc(b, clean(&t->text, nz(id), CLEAN_CTL)) | buf_puts(b, "\">");
        for (int i = 0; i < t->ncols; i++) {
            int mk = c[i].s && t->cols[i].kind == COL_MARK ? mark_of(c[i].s) : -1;
            if (!c[i].s)
                bad |= buf_printf(b, "<td class=\"n\">%ld</td>", c[i].n);
            else if (mk >= 0)
                bad |= buf_printf(b, "<td class=\"%s\">", mark_class[mk]);
            else
                bad |= buf_puts(b, "<td>");
            if (c[i].s)
                bad |= html_esc(b, clean(&t->text, c[i].s, CLEAN_CTL)) | buf_puts(b, "</td>");
        }
        bad |= buf_puts(b, "</tr>\n");
    }
    /* A failed append leaves the row short: better to fail the export than write it. */
    if (bad)
        t->toolong = 1;
    else
        fwrite(b->data, 1, b->len, t->fp);
}

/* End the data table: the autofilter over header and rows (XLSX), </table> (HTML). */
static void tbl_end(table *t)
{
    if (t->f == EXPORT_XLSX && t->sh)
        xerr(t, worksheet_autofilter(t->sh, 0, 0, t->row - 1, (lxw_col_t)(t->ncols - 1)));
    else if (t->f == EXPORT_HTML)
        fputs("</tbody>\n</table>\n", t->fp);
}

/* A write failed already: no point going on. */
static int tbl_failed(const table *t)
{
    return t->f == EXPORT_XLSX ? t->lerr != LXW_NO_ERROR : ferror(t->fp) || t->toolong;
}

/* --- document furniture: HTML page head, summary tables --- */

static const char css[] =
    "body{font:13px/1.45 system-ui,-apple-system,\"Segoe UI\",Roboto,Arial,sans-serif;margin:24px;color:#1b2330;"
    "background:#fff;-webkit-print-color-adjust:exact;print-color-adjust:exact}\n"
    "h1{font-size:20px;margin:0 0 4px}h2{font-size:15px;margin:22px 0 6px}\n"
    "p.meta{color:#4a5566;margin:0 0 8px}footer{color:#4a5566;margin-top:12px;font-size:11px}\n"
    "table{border-collapse:collapse}th,td{border:1px solid #c9d1dc;padding:4px 6px;vertical-align:top;"
    "text-align:left}\n"
    "thead th{background:#d9e1f2}table.data{width:100%}table.data thead th{position:sticky;top:0}\n"
    "table.data tbody tr:nth-child(even){background:#f6f8fb}td.n{text-align:right}\n"
    "tr.total td{font-weight:bold}div.sums{display:flex;flex-wrap:wrap;gap:0 40px}\n"
    ".good{background:#c6efce}.warn{background:#ffeb9c}.high{background:#f8cbad}.bad{background:#ff9c9c;"
    "font-weight:bold}.grey{background:#e7e6e6}\n"
    "@page{size:A4 landscape;margin:12mm}\n"
    "@media print{body{margin:0;font-size:8.5pt}table.data thead{display:table-header-group}"
    "table.data thead th{position:static}tr{break-inside:avoid}h2{break-after:avoid}}\n";

/* <!DOCTYPE> to the page header: "TITLE — ORG", the version label and the generation time. */
static void html_begin(table *t, const char *title, const export_meta *meta)
{
    const char *oname = meta ? nz(meta->org) : "";
    for (int pass = 0; pass < 2; pass++) {
        fputs(pass ? "</title>\n<style>\n" : "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                                             "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                                             "<title>",
              t->fp);
        if (pass) {
            fputs(css, t->fp);
            fputs("</style>\n</head>\n<body>\n<header>\n<h1>", t->fp);
        }
        h_text(t, title);
        if (*oname) {
            fputs(" \xE2\x80\x94 ", t->fp);
            h_text(t, oname);
        }
    }
    fputs("</h1>\n<p class=\"meta\">", t->fp);
    if (meta && meta->title_suffix && *meta->title_suffix) {
        h_text(t, meta->title_suffix);
        fputs(". ", t->fp);
    }
    fputs("Generated ", t->fp);
    h_text(t, meta ? meta->generated_at : "");
    fputs(".</p>\n</header>\n", t->fp);
}

/* A small summary table: a label column, then count columns; the last row may be a total. */
typedef struct summary {
    const char *title;             /* "Summary by theme" */
    const char *heads[6];          /* first is the label column */
    int ncount;
    const char *labels[8];
    long counts[8][5];
    int nrows;
    int total;                     /* add a Total row */
} summary;

static void html_summary(table *t, const summary *s)
{
    fputs("<section>\n<h2>", t->fp);
    h_text(t, s->title);
    fputs("</h2>\n<table class=\"summary\">\n<thead><tr>", t->fp);
    for (int c = 0; c <= s->ncount; c++) {
        fputs("<th>", t->fp);
        h_text(t, s->heads[c]);
        fputs("</th>", t->fp);
    }
    fputs("</tr></thead>\n<tbody>\n", t->fp);
    long tot[5] = {0};
    for (int r = 0; r <= s->nrows; r++) {
        if (r == s->nrows && !s->total)
            break;
        fputs(r == s->nrows ? "<tr class=\"total\"><td>" : "<tr><td>", t->fp);
        h_text(t, r == s->nrows ? "Total" : s->labels[r]);
        fputs("</td>", t->fp);
        for (int c = 0; c < s->ncount; c++) {
            long v = r == s->nrows ? tot[c] : s->counts[r][c];
            if (r < s->nrows)
                tot[c] += v;
            fprintf(t->fp, "<td class=\"n\">%ld</td>", v);
        }
        fputs("</tr>\n", t->fp);
    }
    fputs("</tbody>\n</table>\n</section>\n", t->fp);
}

/* Write the summary at *row of sheet sh; *row moves past it and a blank line. */
static void xlsx_summary(table *t, lxw_worksheet *sh, lxw_row_t *row, const summary *s)
{
    lxw_row_t r0 = *row;
    x_str(t, sh, r0++, 0, s->title, t->f_bold);
    for (int c = 0; c <= s->ncount; c++)
        x_str(t, sh, r0, (lxw_col_t)c, s->heads[c], t->f_head);
    r0++;
    long tot[5] = {0};
    for (int r = 0; r < s->nrows; r++, r0++) {
        x_str(t, sh, r0, 0, s->labels[r], t->f_top);
        for (int c = 0; c < s->ncount; c++) {
            tot[c] += s->counts[r][c];
            x_num(t, sh, r0, (lxw_col_t)(c + 1), (double)s->counts[r][c], t->f_num);
        }
    }
    if (s->total) {
        x_str(t, sh, r0, 0, "Total", t->f_bold);
        for (int c = 0; c < s->ncount; c++)
            x_num(t, sh, r0, (lxw_col_t)(c + 1), (double)tot[c], t->f_bold);
        r0++;
    }
    *row = r0 + 1;
}

/* The "Summary" sheet: document title block, then the summaries. Added after the data sheet, so
 * that constant-memory mode (rows in order per sheet) is respected. */
static void xlsx_summary_sheet(table *t, const char *title, const export_meta *meta, const summary *s, int n)
{
    lxw_worksheet *sh = workbook_add_worksheet(t->wb, "Summary");
    if (!sh) {
        xerr(t, LXW_ERROR_CREATING_TMPFILE);
        return;
    }
    worksheet_set_column(sh, 0, 0, 24, NULL);
    worksheet_set_column(sh, 1, 5, 13, NULL);
    char *head = arena_sprintf(&t->a, "%s%s%s", title, meta && meta->org && *meta->org ? " \xE2\x80\x94 " : "",
                               meta ? nz(meta->org) : "");
    lxw_row_t row = 0;
    x_str(t, sh, row++, 0, head, t->f_title);
    if (meta && meta->title_suffix && *meta->title_suffix)
        x_str(t, sh, row++, 0, meta->title_suffix, NULL);
    x_str(t, sh, row++, 0, arena_sprintf(&t->a, "Generated %s", meta ? nz(meta->generated_at) : ""), NULL);
    row++;
    for (int i = 0; i < n; i++)
        xlsx_summary(t, sh, &row, &s[i]);
}

static void set_properties(table *t, const char *title, const export_meta *meta)
{
    lxw_doc_properties p = {.title = (char *)keep(t, title),
                            .company = (char *)keep(t, meta ? meta->org : ""),
                            .comments = (char *)keep(t, meta ? meta->title_suffix : ""),
                            .author = "isms"};
    xerr(t, workbook_set_properties(t->wb, &p));
}

/* --- the Statement of Applicability --- */

static const char *status_text(soa_status s)
{
    switch (s) {
    case SOA_NOT_STARTED: return "Not started";
    case SOA_PLANNED: return "Planned";
    case SOA_PARTIAL: return "Partially implemented";
    case SOA_IMPLEMENTED: return "Implemented";
    default: return "";
    }
}

/* Per theme: controls, applicable, excluded, undecided, implemented (of the applicable). */
static void soa_summary(const soa_entry *e, size_t n, summary *s)
{
    *s = (summary){.title = "Summary by theme",
                   .heads = {"Theme", "Controls", "Applicable", "Excluded", "Undecided", "Implemented"},
                   .ncount = 5,
                   .total = 1};
    const char *const *themes = catalog_themes();
    for (int t = 0; themes[t] && t < 8; t++) {
        s->labels[t] = themes[t];
        s->nrows = t + 1;
        for (size_t i = 0; i < n; i++) {
            if (!e[i].ctl || strcmp(e[i].ctl->theme, themes[t]))
                continue;
            int a = soa_effective_applicable(&e[i]);
            long *c = s->counts[t];
            c[0]++;
            c[1] += a == SOA_APPLICABLE;
            c[2] += a == SOA_EXCLUDED;
            c[3] += a == SOA_UNDECIDED;
            c[4] += a == SOA_APPLICABLE && e[i].status == SOA_IMPLEMENTED;
        }
    }
}

int export_soa(const soa_entry *e, size_t n, const export_meta *meta, export_format f, const char *path,
               isms_err *err)
{
    static const column cols[] = {
        {"Control", 9, COL_TEXT},          {"Theme", 14, COL_TEXT},
        {"Title", 36, COL_WRAP},           {"Applicable", 11, COL_MARK},
        {"Reasons for inclusion", 16, COL_WRAP}, {"Linked risks", 16, COL_WRAP},
        {"Justification", 50, COL_WRAP},   {"Implementation status", 14, COL_TEXT},
        {"How implemented", 50, COL_WRAP}, {"Owner", 18, COL_WRAP},
        {"Last updated", 20, COL_TEXT},
    };
    enum { NCOL = sizeof cols / sizeof *cols };
    static const char title[] = "Statement of Applicability";
    if ((unsigned)f > EXPORT_HTML)
        return err_set(err, ISMS_EINVAL, "unknown export format %d", (int)f);
    if (n && !e)
        return err_set(err, ISMS_EINVAL, "no SoA entries to export");
    table t;
    int rc = tbl_open(&t, f, path, 0, err);
    if (rc)
        return rc;
    summary sum;
    soa_summary(e, n, &sum);
    if (f == EXPORT_HTML) {
        html_begin(&t, title, meta);
        fputs("<div class=\"sums\">\n", t.fp);
        html_summary(&t, &sum);
        fputs("</div>\n<h2>Controls of ISO/IEC 27001:2022 Annex A</h2>\n", t.fp);
    } else if (f == EXPORT_XLSX) {
        set_properties(&t, title, meta);
    }
    tbl_begin(&t, title, title, meta, cols, NCOL);
    arena a;
    arena_init(&a);
    for (size_t i = 0; i < n && !tbl_failed(&t); i++) {
        if (!e[i].ctl)
            continue;
        int app = soa_effective_applicable(&e[i]);
        cell c[NCOL] = {
            {e[i].ctl->id, 0},
            {nz(e[i].ctl->theme), 0},
            {nz(e[i].ctl->title), 0},
            {app == SOA_APPLICABLE ? "Yes" : app == SOA_EXCLUDED ? "No" : "Undecided", 0},
            {nz(soa_reasons_text(&a, &e[i])), 0},
            {nz(e[i].risks), 0},
            {nz(e[i].justification), 0},
            /* An excluded control is not implemented; a stale status would only confuse. */
            {app == SOA_EXCLUDED ? "" : status_text(e[i].status), 0},
            {nz(e[i].implementation), 0},
            {nz(e[i].owner), 0},
            {nz(e[i].updated_at), 0},
        };
        tbl_row(&t, c, e[i].ctl->id);
    }
    arena_free(&a);
    tbl_end(&t);
    if (f == EXPORT_XLSX)
        xlsx_summary_sheet(&t, title, meta, &sum, 1);
    return tbl_close(&t, err);
}

/* --- the risk register --- */

static const char *const level_names[] = {"low", "medium", "high", "critical"};
static const char *const status_names[] = {"untreated", "overdue", "awaiting acceptance", "open", "accepted", "done"};

static int index_of(const char *const *names, int n, const char *s)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(names[i], s))
            return i;
    return -1;
}

typedef struct risk_pass {
    table *t;                  /* NULL: only count (the HTML summary goes before the rows) */
    const risk_method *m;
    char today[11];
    size_t done, total;
    void (*progress)(size_t, size_t, void *);
    void *pctx;
    long level[4][2];          /* inherent, residual */
    long status[6];
    long option[5];
} risk_pass;

static int risk_cb(const risk *r, void *p)
{
    risk_pass *x = p;
    int s = risk_score(r->likelihood, r->impact), rs = risk_residual_score(r);
    const char *lvl = risk_level(x->m, s), *rlvl = risk_level(x->m, rs);
    const char *status = risk_plan_status(x->m, r, x->today);
    int i;
    if ((i = index_of(level_names, 4, nz(lvl))) >= 0)
        x->level[i][0]++;
    if ((i = index_of(level_names, 4, nz(rlvl))) >= 0)
        x->level[i][1]++;
    if ((i = index_of(status_names, 6, status)) >= 0)
        x->status[i]++;
    if ((unsigned)r->option < 5)
        x->option[r->option]++;
    x->done++;
    if (!x->t)
        return 0;
    char id[24];
    snprintf(id, sizeof id, "R%lld", (long long)r->id);
    int assessed = r->residual_likelihood > 0 && r->residual_impact > 0;
    cell c[] = {
        {id, 0},
        {nz(r->title), 0},
        {nz(r->asset), 0},
        {nz(r->threat), 0},
        {nz(r->vulnerability), 0},
        {NULL, r->likelihood},
        {NULL, r->impact},
        {NULL, s},
        {nz(lvl), 0},
        {nz(r->owner), 0},
        {r->option == RISK_UNTREATED ? "" : risk_option_name(r->option), 0},
        {nz(r->controls), 0},
        {nz(r->treatment_plan), 0},
        {assessed ? NULL : "", r->residual_likelihood},
        {assessed ? NULL : "", r->residual_impact},
        {NULL, rs},   /* the inherent score until a residual assessment is made, as everywhere */
        {nz(rlvl), 0},
        {nz(r->treatment_owner), 0},
        {nz(r->due_date), 0},
        {status, 0},
        {nz(r->accepted_by), 0},
        {nz(r->accepted_at), 0},
    };
    tbl_row(x->t, c, id);
    if (x->progress && x->done % PROGRESS_EVERY == 0)
        x->progress(x->done, x->total < x->done ? x->done : x->total, x->pctx);
    return tbl_failed(x->t);
}

static void risk_summaries(const risk_pass *x, summary s[3])
{
    s[0] = (summary){.title = "Risks by level", .heads = {"Level", "Inherent", "Residual"}, .ncount = 2,
                     .nrows = 4, .total = 1};
    s[1] = (summary){.title = "Treatment plan status", .heads = {"Status", "Risks"}, .ncount = 1, .nrows = 6};
    s[2] = (summary){.title = "Treatment options", .heads = {"Option", "Risks"}, .ncount = 1, .nrows = 5};
    for (int i = 0; i < 4; i++) {
        s[0].labels[i] = level_names[i];
        s[0].counts[i][0] = x->level[i][0];
        s[0].counts[i][1] = x->level[i][1];
    }
    for (int i = 0; i < 6; i++) {
        s[1].labels[i] = status_names[i];
        s[1].counts[i][0] = x->status[i];
    }
    for (int i = 0; i < 5; i++) {
        s[2].labels[i] = risk_option_name((risk_option)i);
        s[2].counts[i][0] = x->option[i];
    }
}

int export_risks(ws *w, const risk_method *m, const export_meta *meta, export_format f, const char *path,
                 void (*progress)(size_t, size_t, void *), void *pctx, isms_err *err)
{
    static const column cols[] = {
        {"ID", 8, COL_TEXT},                 {"Title", 36, COL_WRAP},
        {"Asset", 22, COL_WRAP},             {"Threat", 30, COL_WRAP},
        {"Vulnerability", 30, COL_WRAP},     {"Likelihood", 10, COL_NUM},
        {"Impact", 8, COL_NUM},              {"Inherent score", 9, COL_NUM},
        {"Inherent level", 10, COL_MARK},    {"Risk owner", 18, COL_WRAP},
        {"Treatment", 11, COL_TEXT},         {"Controls", 20, COL_WRAP},
        {"Treatment plan", 36, COL_WRAP},    {"Residual likelihood", 10, COL_NUM},
        {"Residual impact", 9, COL_NUM},     {"Residual score", 9, COL_NUM},
        {"Residual level", 10, COL_MARK},    {"Treatment owner", 18, COL_WRAP},
        {"Due date", 11, COL_TEXT},          {"Plan status", 14, COL_MARK},
        {"Accepted by", 18, COL_WRAP},       {"Accepted at", 20, COL_TEXT},
    };
    enum { NCOL = sizeof cols / sizeof *cols };
    static const char title[] = "Risk register";
    if ((unsigned)f > EXPORT_HTML)
        return err_set(err, ISMS_EINVAL, "unknown export format %d", (int)f);
    if (!w || !m)
        return err_set(err, ISMS_EINVAL, "no workspace or risk methodology to export from");
    risk_pass x = {.m = m, .progress = progress, .pctx = pctx};
    store_today(x.today);
    /* The row count for progress: one cheap grouped query (0, "unknown", if it fails). */
    long mat[6][6];
    if (progress && store_risk_matrix(w, mat, NULL) == ISMS_OK)
        for (int l = 0; l < 6; l++)
            for (int i = 0; i < 6; i++)
                x.total += (size_t)mat[l][i];
    int rc;
    if (f == EXPORT_HTML) {
        /* The page's summary precedes the rows, so count them in a first pass. */
        if ((rc = store_risk_each(w, risk_cb, &x, err)))
            return rc;
        x.total = x.done;
    }
    table t;
    if ((rc = tbl_open(&t, f, path, f == EXPORT_XLSX, err)))
        return rc;
    summary sum[3];
    if (f == EXPORT_HTML) {
        risk_summaries(&x, sum);
        html_begin(&t, title, meta);
        fputs("<div class=\"sums\">\n", t.fp);
        for (int i = 0; i < 3; i++)
            html_summary(&t, &sum[i]);
        fputs("</div>\n<h2>Risks and their treatment</h2>\n", t.fp);
    } else if (f == EXPORT_XLSX) {
        set_properties(&t, title, meta);
    }
    memset(x.level, 0, sizeof x.level);
    memset(x.status, 0, sizeof x.status);
    memset(x.option, 0, sizeof x.option);
    x.done = 0;
    x.t = &t;
    tbl_begin(&t, title, "Risk register and treatment plan", meta, cols, NCOL);
    if ((rc = store_risk_each(w, risk_cb, &x, err))) {
        tbl_abort(&t);
        return rc;
    }
    tbl_end(&t);
    if (f == EXPORT_XLSX) {
        risk_summaries(&x, sum);
        xlsx_summary_sheet(&t, "Risk register", meta, sum, 3);
    }
    rc = tbl_close(&t, err);
    if (rc == ISMS_OK && progress)
        progress(x.done, x.done, pctx);
    return rc;
}
