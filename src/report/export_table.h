/* The table writer behind the exports, private to src/report/export*.c: its types and its steps. */
#ifndef ISMS_REPORT_EXPORT_TABLE_H
#define ISMS_REPORT_EXPORT_TABLE_H

#include <stdio.h>
#include <xlsxwriter.h>

#include "report/export.h"
#include "util/buf.h"
#include "util/outfile.h"

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

static inline const char *nz(const char *s)
{
    return s ? s : "";
}

/* A write failed already: no point going on. */
static inline int tbl_failed(const table *t)
{
    return t->f == EXPORT_XLSX ? t->lerr != LXW_NO_ERROR : ferror(t->fp) || t->toolong;
}

/* The writer's steps, described in export_table.c: open, begin with the columns, a row at a time,
 * end, then close (or abort on error). */
int tbl_open(table *t, export_format f, const char *path, int big, isms_err *err);
void tbl_begin(table *t, const char *sheet, const char *title, const export_meta *meta, const column *cols,
               int ncols);
void tbl_row(table *t, const cell *c, const char *id);
void tbl_end(table *t);
int tbl_close(table *t, isms_err *err);
void tbl_abort(table *t);
/* What the documents' own furniture (page head, summaries, properties) writes with. */
void xerr(table *t, lxw_error e);
const char *keep(table *t, const char *s);
void h_text(table *t, const char *s);
void x_str(table *t, lxw_worksheet *sh, lxw_row_t r, lxw_col_t c, const char *s, lxw_format *fm);
void x_num(table *t, lxw_worksheet *sh, lxw_row_t r, lxw_col_t c, double v, lxw_format *fm);

#endif
