/* Exports behind one small table writer (export_table.c): a document is a header row and data rows
 * of text or number cells, which become a CSV record, an HTML <tr> or a worksheet row. Everything
 * is written to a temp file beside the destination and renamed over it only when whole. */
#include "report/export_table.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#define PROGRESS_EVERY 1024

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
