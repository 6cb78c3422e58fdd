/* The table writer behind the exports: rows as CSV records, HTML table rows or worksheet rows. */
#include "report/export_table.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/outfile.h"

#define TEXT_MAX (64u << 20)    /* cap on one cleaned cell or one CSV/HTML row */
#define XLSX_CELL_MAX 32767     /* Excel refuses a longer cell (counted in UTF-16 units) */

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

void xerr(table *t, lxw_error e)
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
int tbl_open(table *t, export_format f, const char *path, int big, isms_err *err)
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
void tbl_abort(table *t)
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
int tbl_close(table *t, isms_err *err)
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
const char *keep(table *t, const char *s)
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
void h_text(table *t, const char *s)
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

void x_str(table *t, lxw_worksheet *sh, lxw_row_t r, lxw_col_t c, const char *s, lxw_format *fm)
{
    xerr(t, worksheet_write_string(sh, r, c, clean(&t->text, nz(s), CLEAN_CTL | CLEAN_CUT), fm));
}

void x_num(table *t, lxw_worksheet *sh, lxw_row_t r, lxw_col_t c, double v, lxw_format *fm)
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
void tbl_begin(table *t, const char *sheet, const char *title, const export_meta *meta,
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
void tbl_row(table *t, const cell *c, const char *id)
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
void tbl_end(table *t)
{
    if (t->f == EXPORT_XLSX && t->sh)
        xerr(t, worksheet_autofilter(t->sh, 0, 0, t->row - 1, (lxw_col_t)(t->ncols - 1)));
    else if (t->f == EXPORT_HTML)
        fputs("</tbody>\n</table>\n", t->fp);
}
