#include "report/export.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <xlsxwriter.h>

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

/* --- a table abstraction the three formats share: rows of cells, text or number --- */

typedef struct cell {
    const char *text;   /* NULL for a number */
    double num;
} cell;

typedef struct table_out {
    export_format f;
    FILE *fp;                  /* csv, html */
    lxw_workbook *wb;          /* xlsx */
    lxw_worksheet *ws;
    lxw_format *hdr, *wrap;
    lxw_row_t row;
    int ncols;
    const int *wide;           /* per column: 1 when the text wraps */
    int err;
} table_out;

static void csv_field(FILE *f, const char *s)
{
    /* A leading = + - @ makes spreadsheets run the cell as a formula: neutralize it. */
    int guard = s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r';
    if (guard || strpbrk(s, ",\"\r\n")) {
        fputc('"', f);
        if (guard)
            fputc('\'', f);
        for (; *s; s++) {
            if (*s == '"')
                fputc('"', f);
            fputc(*s, f);
        }
        fputc('"', f);
    } else {
        fputs(s, f);
    }
}

static void html_text(FILE *f, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&#39;", f); break;
        case '\n': fputs("<br>", f); break;
        default: fputc(*s, f);
        }
    }
}

static void table_row(table_out *t, const cell *cells, int header)
{
    if (t->f == EXPORT_CSV) {
        for (int i = 0; i < t->ncols; i++) {
            if (i)
                fputc(',', t->fp);
            if (cells[i].text)
                csv_field(t->fp, cells[i].text);
            else
                fprintf(t->fp, "%g", cells[i].num);
        }
        fputs("\r\n", t->fp);
    } else if (t->f == EXPORT_HTML) {
        fputs(header ? "<thead><tr>" : "<tr>", t->fp);
        for (int i = 0; i < t->ncols; i++) {
            fputs(header ? "<th>" : "<td>", t->fp);
            if (cells[i].text)
                html_text(t->fp, cells[i].text);
            else
                fprintf(t->fp, "%g", cells[i].num);
            fputs(header ? "</th>" : "</td>", t->fp);
        }
        fputs(header ? "</tr></thead><tbody>\n" : "</tr>\n", t->fp);
    } else {
        for (int i = 0; i < t->ncols; i++) {
            lxw_error e;
            if (cells[i].text && !cells[i].text[0] && !header)
                continue; /* an empty cell is simply not written: a third less XML to compress */
            if (cells[i].text)
                e = worksheet_write_string(t->ws, t->row, (lxw_col_t)i, cells[i].text,
                                           header ? t->hdr : t->wide[i] ? t->wrap : NULL);
            else
                e = worksheet_write_number(t->ws, t->row, (lxw_col_t)i, cells[i].num, NULL);
            if (e != LXW_NO_ERROR)
                t->err = 1;
        }
        t->row++;
    }
}

/* Temp file beside path, renamed over it on success. */
static char *temp_path(const char *path)
{
    size_t n = strlen(path) + 32;
    char *t = malloc(n);
    if (t)
        snprintf(t, n, "%s.tmp-%ld", path, (long)getpid());
    return t;
}

static int table_open(table_out *t, export_format f, const char *path, const char *tmp, const char *sheet, const char *title,
                      const export_meta *meta, const char *const *heads, const int *widths, const int *wide,
                      int ncols, isms_err *err)
{
    memset(t, 0, sizeof *t);
    t->f = f;
    t->ncols = ncols;
    t->wide = wide;
    if (f == EXPORT_XLSX) {
        lxw_workbook_options o = {.constant_memory = LXW_TRUE, .tmpdir = NULL};
        t->wb = workbook_new_opt(tmp, &o);
        if (!t->wb)
            return err_set(err, ISMS_EIO, "cannot write %s: cannot create the workbook", path);
        t->ws = workbook_add_worksheet(t->wb, sheet);
        t->hdr = workbook_add_format(t->wb);
        format_set_bold(t->hdr);
        format_set_bg_color(t->hdr, 0xDDE4EE);
        format_set_text_wrap(t->hdr);
        format_set_align(t->hdr, LXW_ALIGN_VERTICAL_TOP);
        t->wrap = workbook_add_format(t->wb);
        format_set_text_wrap(t->wrap);
        format_set_align(t->wrap, LXW_ALIGN_VERTICAL_TOP);
        for (int i = 0; i < ncols; i++)
            worksheet_set_column(t->ws, (lxw_col_t)i, (lxw_col_t)i, widths[i], NULL);
        worksheet_freeze_panes(t->ws, 1, 1);
        workbook_set_properties(t->wb, &(lxw_doc_properties){.title = (char *)title,
                                                              .company = (char *)meta->org,
                                                              .comments = (char *)meta->title_suffix});
    } else {
        t->fp = fopen(tmp, "w");
        if (!t->fp)
            return err_set(err, ISMS_EIO, "cannot write %s: %s", path, strerror(errno));
        if (f == EXPORT_HTML) {
            fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>", t->fp);
            html_text(t->fp, title);
            fputs(" — ", t->fp);
            html_text(t->fp, meta->org ? meta->org : "");
            fputs("</title>\n<style>\n"
                  "body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#1b2330}\n"
                  "h1{font-size:1.5em;margin:0 0 .2em}p.meta{color:#566;margin:0 0 1em}\n"
                  "table{border-collapse:collapse;width:100%}th,td{border:1px solid #cfd6e0;padding:4px 6px;"
                  "vertical-align:top;text-align:left}\n"
                  "thead th{background:#dde4ee;position:sticky;top:0}tbody tr:nth-child(even){background:#f6f8fb}\n"
                  "table.summary{width:auto;margin-bottom:1.5em}\n"
                  "@media print{body{margin:0;font-size:9pt}thead{display:table-header-group}tr{page-break-inside:avoid}}\n"
                  "</style></head><body>\n<h1>",
                  t->fp);
            html_text(t->fp, title);
            fputs(" — ", t->fp);
            html_text(t->fp, meta->org ? meta->org : "");
            fputs("</h1>\n<p class=\"meta\">", t->fp);
            html_text(t->fp, meta->title_suffix ? meta->title_suffix : "");
            fputs(". Generated ", t->fp);
            html_text(t->fp, meta->generated_at ? meta->generated_at : "");
            fputs(" by isms.</p>\n", t->fp);
        }
    }
    cell hc[32];
    for (int i = 0; i < ncols; i++)
        hc[i] = (cell){heads[i], 0};
    if (f == EXPORT_HTML)
        fputs("<table>\n", t->fp);
    table_row(t, hc, 1);
    return ISMS_OK;
}

static int table_close(table_out *t, const char *tmp, const char *path, isms_err *err)
{
    int rc = ISMS_OK;
    if (t->f == EXPORT_XLSX) {
        if (t->row > 1)
            worksheet_autofilter(t->ws, 0, 0, t->row - 1, (lxw_col_t)(t->ncols - 1));
        lxw_error e = workbook_close(t->wb);
        if (e != LXW_NO_ERROR || t->err)
            rc = err_set(err, ISMS_EIO, "cannot write %s: %s", path, lxw_strerror(e));
    } else {
        if (t->f == EXPORT_HTML)
            fputs("</tbody></table>\n</body></html>\n", t->fp);
        if (ferror(t->fp) | fclose(t->fp))
            rc = err_set(err, ISMS_EIO, "cannot write %s: %s", path, strerror(errno));
    }
    if (rc == ISMS_OK && rename(tmp, path) != 0)
        rc = err_set(err, ISMS_EIO, "cannot write %s: %s", path, strerror(errno));
    if (rc)
        unlink(tmp);
    return rc;
}

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

/* The HTML summary: per theme, how many controls are applicable, excluded, undecided, implemented. */
static void soa_summary_html(FILE *f, const soa_entry *e, size_t n)
{
    fputs("<table class=\"summary\"><thead><tr><th>Theme</th><th>Controls</th><th>Applicable</th><th>Excluded</th>"
          "<th>Undecided</th><th>Implemented</th></tr></thead><tbody>\n",
          f);
    const char *const *themes = catalog_themes();
    for (int t = 0; themes[t]; t++) {
        int tot = 0, app = 0, exc = 0, und = 0, imp = 0;
        for (size_t i = 0; i < n; i++) {
            if (strcmp(e[i].ctl->theme, themes[t]))
                continue;
            int a = soa_effective_applicable(&e[i]);
            tot++;
            app += a == SOA_APPLICABLE;
            exc += a == SOA_EXCLUDED;
            und += a == SOA_UNDECIDED;
            imp += a == SOA_APPLICABLE && e[i].status == SOA_IMPLEMENTED;
        }
        fprintf(f, "<tr><td>%s</td><td>%d</td><td>%d</td><td>%d</td><td>%d</td><td>%d</td></tr>\n", themes[t], tot,
                app, exc, und, imp);
    }
    fputs("</tbody></table>\n", f);
}

int export_soa(const soa_entry *e, size_t n, const export_meta *meta, export_format f, const char *path,
               isms_err *err)
{
    static const char *const heads[] = {"Control", "Theme", "Title", "Applicable", "Reasons for inclusion",
                                        "Linked risks", "Justification", "Implementation status",
                                        "How implemented", "Owner", "Last updated"};
    static const int widths[] = {9, 15, 40, 11, 20, 16, 50, 20, 50, 18, 20};
    static const int wide[] = {0, 0, 1, 0, 1, 1, 1, 0, 1, 0, 0};
    char *tmp = temp_path(path);
    if (!tmp)
        return err_set(err, ISMS_ENOMEM, "out of memory");
    table_out t;
    arena a;
    arena_init(&a);
    int rc = table_open(&t, f, path, tmp, "Statement of Applicability", "Statement of Applicability", meta, heads, widths,
                        wide, 11, err);
    if (rc) {
        free(tmp);
        return rc;
    }
    if (f == EXPORT_HTML) {
        /* The summary goes before the main table: close and reopen it around the summary. */
        fputs("</table>\n", t.fp);
        soa_summary_html(t.fp, e, n);
        fputs("<table>\n", t.fp);
        cell hc[11];
        for (int i = 0; i < 11; i++)
            hc[i] = (cell){heads[i], 0};
        table_row(&t, hc, 1);
    }
    for (size_t i = 0; i < n; i++) {
        int app = soa_effective_applicable(&e[i]);
        cell c[11] = {
            {e[i].ctl->id, 0},
            {e[i].ctl->theme, 0},
            {e[i].ctl->title, 0},
            {app == SOA_APPLICABLE ? "Yes" : app == SOA_EXCLUDED ? "No" : "Undecided", 0},
            {soa_reasons_text(&a, &e[i]), 0},
            {e[i].risks ? e[i].risks : "", 0},
            {e[i].justification ? e[i].justification : "", 0},
            {app == SOA_EXCLUDED ? "" : status_text(e[i].status), 0},
            {e[i].implementation ? e[i].implementation : "", 0},
            {e[i].owner ? e[i].owner : "", 0},
            {e[i].updated_at ? e[i].updated_at : "", 0},
        };
        table_row(&t, c, 0);
    }
    rc = table_close(&t, tmp, path, err);
    arena_free(&a);
    free(tmp);
    return rc;
}

typedef struct risk_ctx {
    table_out *t;
    const risk_method *m;
    char today[11];
    size_t done, total;
    void (*progress)(size_t, size_t, void *);
    void *pctx;
} risk_ctx;

static int risk_row(const risk *r, void *p)
{
    risk_ctx *x = p;
    char id[24];
    snprintf(id, sizeof id, "R%lld", (long long)r->id);
    int s = risk_score(r->likelihood, r->impact), rs = risk_residual_score(r);
    cell c[21] = {
        {id, 0},
        {r->title, 0},
        {r->asset ? r->asset : "", 0},
        {r->threat, 0},
        {r->vulnerability, 0},
        {NULL, r->likelihood},
        {NULL, r->impact},
        {NULL, s},
        {risk_level(x->m, s), 0},
        {r->owner, 0},
        {r->option ? risk_option_name(r->option) : "", 0},
        {r->controls ? r->controls : "", 0},
        {r->residual_likelihood ? NULL : "", r->residual_likelihood},
        {r->residual_impact ? NULL : "", r->residual_impact},
        {NULL, rs},
        {risk_level(x->m, rs), 0},
        {r->treatment_owner ? r->treatment_owner : "", 0},
        {r->due_date ? r->due_date : "", 0},
        {risk_plan_status(x->m, r, x->today), 0},
        {r->accepted_by ? r->accepted_by : "", 0},
        {r->accepted_at ? r->accepted_at : "", 0},
    };
    table_row(x->t, c, 0);
    x->done++;
    if (x->progress && x->done % 2048 == 0)
        x->progress(x->done, x->total, x->pctx);
    return x->t->err;
}

int export_risks(ws *w, const risk_method *m, const export_meta *meta, export_format f, const char *path,
                 void (*progress)(size_t, size_t, void *), void *pctx, isms_err *err)
{
    static const char *const heads[] = {
        "ID", "Title", "Asset", "Threat", "Vulnerability", "Likelihood", "Impact", "Inherent score",
        "Inherent level", "Risk owner", "Treatment", "Controls", "Residual likelihood", "Residual impact",
        "Residual score", "Residual level", "Treatment owner", "Due date", "Plan status", "Accepted by", "Accepted at"};
    static const int widths[] = {8, 40, 28, 30, 30, 10, 8, 9, 10, 18, 11, 28, 10, 10, 9, 10, 18, 11, 18, 18, 20};
    static const int wide[] = {0, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    gap_facts facts;
    arena a;
    arena_init(&a);
    /* The row count, for the progress bar only. */
    size_t total = 0;
    if (progress && store_gap_facts(w, &a, &facts, NULL) == ISMS_OK)
        total = (size_t)facts.risks;
    arena_free(&a);
    char *tmp = temp_path(path);
    if (!tmp)
        return err_set(err, ISMS_ENOMEM, "out of memory");
    table_out t;
    int rc = table_open(&t, f, path, tmp, "Risk register", "Risk register and treatment plan", meta, heads, widths, wide,
                        21, err);
    if (rc) {
        free(tmp);
        return rc;
    }
    risk_ctx x = {.t = &t, .m = m, .total = total, .progress = progress, .pctx = pctx};
    store_today(x.today);
    rc = store_risk_each(w, risk_row, &x, err);
    if (rc) {
        if (t.f == EXPORT_XLSX)
            workbook_close(t.wb);
        else
            fclose(t.fp);
        unlink(tmp);
        free(tmp);
        return rc;
    }
    if (progress && total)
        progress(total, total, pctx);
    rc = table_close(&t, tmp, path, err);
    free(tmp);
    return rc;
}
