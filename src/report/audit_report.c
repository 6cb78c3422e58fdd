/* The audit report, built once against a small document interface so HTML and PDF say the same. */
#include "report/audit_report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/cycle.h"
#include "core/evidence.h"
#include "core/risk.h"
#include "core/soa.h"
#include "util/buf.h"
#include "util/outfile.h"

#include "report/pdf.h"

typedef struct rdoc rdoc;
struct rdoc {
    void (*heading)(rdoc *d, int level, const char *text);
    void (*para)(rdoc *d, const char *text);
    void (*table)(rdoc *d, int ncols, const char *const *cells, int nrows, const double *frac);
    buf *b;       /* HTML */
    void *pdf;    /* PDF */
    int bad;
};

static void esc(buf *b, const char *s, int *bad)
{
    for (const char *p = s ? s : ""; *p; p++) {
        unsigned char c = (unsigned char)*p;
        int r;
        switch (c) {
        case '<': r = buf_puts(b, "&lt;"); break;
        case '>': r = buf_puts(b, "&gt;"); break;
        case '&': r = buf_puts(b, "&amp;"); break;
        case '"': r = buf_puts(b, "&quot;"); break;
        case '\'': r = buf_puts(b, "&#39;"); break;
        default: r = (c < 0x20 && c != '\n' && c != '\t') ? 0 : buf_putc(b, (char)c); break;
        }
        *bad |= r;
    }
}

static void html_heading(rdoc *d, int level, const char *text)
{
    d->bad |= buf_printf(d->b, "<h%d>", level);
    esc(d->b, text, &d->bad);
    d->bad |= buf_printf(d->b, "</h%d>\n", level);
}

static void html_para(rdoc *d, const char *text)
{
    d->bad |= buf_puts(d->b, "<p>");
    esc(d->b, text, &d->bad);
    d->bad |= buf_puts(d->b, "</p>\n");
}

static void html_table(rdoc *d, int ncols, const char *const *cells, int nrows, const double *frac)
{
    (void)frac;
    d->bad |= buf_puts(d->b, "<table>\n");
    for (int r = 0; r < nrows; r++) {
        d->bad |= buf_puts(d->b, r ? "<tr>" : "<thead><tr>");
        for (int c = 0; c < ncols; c++) {
            d->bad |= buf_puts(d->b, r ? "<td>" : "<th>");
            esc(d->b, cells[r * ncols + c], &d->bad);
            d->bad |= buf_puts(d->b, r ? "</td>" : "</th>");
        }
        d->bad |= buf_puts(d->b, r ? "</tr>\n" : "</tr></thead>\n");
    }
    d->bad |= buf_puts(d->b, "</table>\n");
}

static void pdf_heading_cb(rdoc *d, int level, const char *text) { pdf_heading(d->pdf, level, text); }
static void pdf_para_cb(rdoc *d, const char *text) { pdf_para(d->pdf, text); }
static void pdf_table_cb(rdoc *d, int ncols, const char *const *cells, int nrows, const double *frac)
{
    pdf_table(d->pdf, ncols, cells, nrows, frac);
}

/* A growable table of cells, row 0 the header. */
typedef struct tbl {
    const char **cells;
    int ncols, nrows, cap;
    arena *a;
} tbl;

static void tbl_init(tbl *t, arena *a, int ncols, const char *const *header)
{
    *t = (tbl){NULL, ncols, 0, 0, a};
    t->cap = 16;
    t->cells = arena_alloc(a, (size_t)t->cap * ncols * sizeof *t->cells);
    for (int i = 0; i < ncols; i++)
        t->cells[i] = header[i];
    t->nrows = 1;
}

static const char **tbl_row(tbl *t)
{
    if (t->nrows == t->cap) {
        const char **nc = arena_alloc(t->a, (size_t)t->cap * 2 * t->ncols * sizeof *nc);
        memcpy(nc, t->cells, (size_t)t->nrows * t->ncols * sizeof *nc);
        t->cells = nc;
        t->cap *= 2;
    }
    const char **row = &t->cells[t->nrows * t->ncols];
    for (int i = 0; i < t->ncols; i++)
        row[i] = "";
    t->nrows++;
    return row;
}

typedef struct ev_acc {
    arena *a;
    buf *b;
    int n;
} ev_acc;

static int ev_ref(const evidence *e, void *ctx)
{
    ev_acc *x = ctx;
    if (x->n++ < 5)
        buf_printf(x->b, "%s#%lld %s (%.10s, sha256 %.16s)", x->n > 1 ? "; " : "", (long long)e->id, e->filename,
                   e->collected_at, e->sha256);
    return 0;
}

typedef struct risk_acc {
    tbl *t;
    const risk_method *m;
    arena *a;
} risk_acc;

static int risk_row(const risk *r, void *ctx)
{
    risk_acc *x = ctx;
    static const char *const options[] = {"untreated", "mitigate", "accept", "transfer", "avoid"};
    const char **row = tbl_row(x->t);
    int score = risk_score(r->likelihood, r->impact);
    row[0] = arena_sprintf(x->a, "R%lld", (long long)r->id);
    /* The store streams rows: its strings live only during this call. */
    row[1] = arena_strdup(x->a, r->title);
    row[2] = arena_sprintf(x->a, "%d %s", score, risk_level(x->m, score));
    row[3] = options[r->option >= 0 && r->option <= 4 ? r->option : 0];
    row[4] = arena_strdup(x->a, r->controls ? r->controls : "");
    row[5] = arena_sprintf(x->a, "%d", risk_residual_score(r));
    row[6] = arena_strdup(x->a, r->treatment_owner ? r->treatment_owner : r->owner);
    row[7] = arena_strdup(x->a, r->due_date ? r->due_date : "");
    row[8] = r->done ? "done" : r->accepted_by ? arena_sprintf(x->a, "accepted by %s", r->accepted_by) : "open";
    return 0;
}

typedef struct log_acc {
    int64_t n;
    const char *hash;
    arena *a;
} log_acc;

static int log_head(const audit_entry *e, void *ctx)
{
    log_acc *x = ctx;
    x->n = e->seq;
    x->hash = arena_strdup(x->a, e->hash);
    return 0;
}

static int build(ws *w, rdoc *d, arena *a, isms_err *err)
{
    org o;
    scope_item *si;
    size_t nsi;
    int rc;
    char now[32];
    store_now(now);
    if ((rc = store_org_get(w, a, &o, err)) || (rc = store_scope_list(w, a, &si, &nsi, err)))
        return rc;
    d->heading(d, 1, arena_sprintf(a, "ISO/IEC 27001:2022 audit report — %s", o.name));
    d->para(d, arena_sprintf(a, "Generated %s from the ISMS records. Every evidence reference gives its id, collection "
                                "date and SHA-256, so each can be checked against the evidence package.",
                             now));

    d->heading(d, 2, "1. Scope of the ISMS (4.3)");
    d->para(d, o.scope && *o.scope ? o.scope : "No scope statement recorded.");
    if (nsi) {
        static const char *const h[] = {"Kind", "Name", "In scope", "Note"};
        tbl t;
        tbl_init(&t, a, 4, h);
        for (size_t i = 0; i < nsi; i++) {
            const char **row = tbl_row(&t);
            row[0] = si[i].kind;
            row[1] = si[i].name;
            row[2] = si[i].in_scope ? "yes" : "no";
            row[3] = si[i].note ? si[i].note : "";
        }
        d->table(d, 4, t.cells, t.nrows, NULL);
    }

    cert_rec cr;
    int found;
    if ((rc = store_cert_get(w, a, &cr, &found, err)))
        return rc;
    if (found) {
        d->heading(d, 2, "2. Certification");
        d->para(d, arena_sprintf(a, "Certification body: %s. Stage 1: %s. Stage 2: %s. Certificate %s issued %s.",
                                 cr.body ? cr.body : "-", cr.stage1_date ? cr.stage1_date : "-",
                                 cr.stage2_date ? cr.stage2_date : "-", cr.number ? cr.number : "-",
                                 cr.issued_on ? cr.issued_on : "-"));
    }

    readiness_facts rf;
    gap_facts *g = arena_alloc(a, sizeof *g);
    if ((rc = store_readiness_facts(w, a, &rf, g, err)))
        return rc;
    readiness_item *ri;
    size_t blockers, nri = readiness_evaluate(&rf, a, &ri, &blockers);
    d->heading(d, 2, "3. Mandatory documented information (Stage 1 readiness)");
    d->para(d, blockers ? arena_sprintf(a, "%zu requirement(s) not met.", blockers)
                        : "Every mandatory requirement checked is met.");
    {
        static const char *const h[] = {"Clause", "Requirement", "Status", "Detail"};
        tbl t;
        tbl_init(&t, a, 4, h);
        for (size_t i = 0; i < nri; i++) {
            const char **row = tbl_row(&t);
            row[0] = ri[i].ref;
            row[1] = ri[i].title;
            row[2] = ri[i].ok ? "met" : "NOT MET";
            row[3] = ri[i].detail;
        }
        static const double fr[] = {0.1, 0.3, 0.12, 0.48};
        d->table(d, 4, t.cells, t.nrows, fr);
    }

    soa_entry *e = arena_alloc(a, CATALOG_NCONTROLS * sizeof *e);
    soa_version *vs;
    size_t nvs;
    if ((rc = store_soa_load(w, a, e, err)) || (rc = store_soa_versions(w, a, &vs, &nvs, err)))
        return rc;
    gap_report gr;
    gap_analyze(e, CATALOG_NCONTROLS, g, a, &gr);
    d->heading(d, 2, "4. Statement of Applicability and control status");
    d->para(d, nvs ? arena_sprintf(a, "Approved version %d by %s on %s (digest %.16s)%s. Readiness: %.0f%% of 93 controls.",
                                   vs[nvs - 1].version, vs[nvs - 1].approved_by, vs[nvs - 1].approved_at,
                                   vs[nvs - 1].digest, g->soa_changed_since_approval ? "; changed since" : "",
                                   gr.readiness)
                   : "The SoA has not been approved.");
    {
        static const char *const h[] = {"Control", "Title", "Applicable", "Status", "Owner", "Evidence status",
                                        "Evidence (id, file, date, SHA-256)"};
        tbl t;
        tbl_init(&t, a, 7, h);
        buf b;
        buf_init(&b, 1 << 16);
        for (size_t i = 0; i < gr.ncontrols; i++) {
            const soa_entry *se = gr.controls[i].entry;
            const char **row = tbl_row(&t);
            row[0] = se->ctl->id;
            row[1] = se->ctl->title;
            row[2] = se->applicable == SOA_UNDECIDED ? "undecided" : soa_effective_applicable(se) ? "yes" : "no";
            row[3] = soa_status_name(se->status);
            row[4] = se->owner ? se->owner : "";
            row[5] = evidence_status_name(gr.controls[i].evidence);
            buf_reset(&b);
            ev_acc ea = {a, &b, 0};
            if ((rc = store_evidence_each(w, se->ctl->id, ev_ref, &ea, err))) {
                buf_free(&b);
                return rc;
            }
            if (ea.n > 5)
                buf_printf(&b, "; and %d more", ea.n - 5);
            row[6] = b.data ? arena_strdup(a, b.data) : "";
        }
        buf_free(&b);
        static const double fr[] = {0.07, 0.2, 0.08, 0.1, 0.1, 0.1, 0.35};
        d->table(d, 7, t.cells, t.nrows, fr);
    }

    risk_method m;
    if ((rc = store_method_get(w, &m, NULL, err)))
        return rc;
    d->heading(d, 2, "5. Risks and their treatment (6.1.2, 6.1.3, 8.2, 8.3)");
    d->para(d, arena_sprintf(a, "Scales %d x %d, risk acceptance: residual scores up to %d are accepted; above it the "
                                "risk owner signs off.",
                             m.likelihood_levels, m.impact_levels, m.appetite));
    {
        static const char *const h[] = {"Risk", "Title", "Inherent", "Option", "Controls", "Residual", "Owner", "Due",
                                        "State"};
        tbl t;
        tbl_init(&t, a, 9, h);
        risk_acc ra = {&t, &m, a};
        if ((rc = store_risk_each(w, risk_row, &ra, err)))
            return rc;
        static const double fr[] = {0.06, 0.24, 0.1, 0.09, 0.14, 0.07, 0.12, 0.09, 0.09};
        d->table(d, 9, t.cells, t.nrows, fr);
    }

    audit_rec *au;
    size_t na;
    finding_rec *fi;
    size_t nf;
    action_rec *ac;
    size_t nac;
    if ((rc = store_audit_list(w, a, &au, &na, err)) || (rc = store_finding_list(w, 0, a, &fi, &nf, err)) ||
        (rc = store_action_list(w, 0, a, &ac, &nac, err)))
        return rc;
    d->heading(d, 2, "6. Internal audits (9.2)");
    if (!na)
        d->para(d, "No internal audit recorded.");
    else {
        static const char *const h[] = {"Audit", "Title", "Auditor", "Dates", "Status", "Results"};
        tbl t;
        tbl_init(&t, a, 6, h);
        for (size_t i = 0; i < na; i++) {
            const char **row = tbl_row(&t);
            row[0] = arena_sprintf(a, "%lld", (long long)au[i].id);
            row[1] = au[i].title;
            row[2] = au[i].auditor;
            row[3] = arena_sprintf(a, "%s to %s", au[i].start_date, au[i].end_date);
            row[4] = au[i].completed_on ? arena_sprintf(a, "completed %s", au[i].completed_on) : au[i].status;
            row[5] = au[i].summary ? au[i].summary : "";
        }
        d->table(d, 6, t.cells, t.nrows, NULL);
    }
    d->heading(d, 2, "7. Findings and actions (10.2)");
    if (!nf)
        d->para(d, "No findings recorded.");
    else {
        static const char *const h[] = {"Finding", "Audit", "Type", "Clause/control", "Description", "Actions closed"};
        tbl t;
        tbl_init(&t, a, 6, h);
        for (size_t i = 0; i < nf; i++) {
            const char **row = tbl_row(&t);
            row[0] = arena_sprintf(a, "%lld", (long long)fi[i].id);
            row[1] = arena_sprintf(a, "%lld", (long long)fi[i].audit_id);
            row[2] = cycle_finding_type_label(fi[i].type);
            row[3] = fi[i].ref;
            row[4] = fi[i].description;
            row[5] = arena_sprintf(a, "%ld of %ld", fi[i].actions_closed, fi[i].actions);
        }
        d->table(d, 6, t.cells, t.nrows, NULL);
    }
    if (nac) {
        static const char *const h[] = {"Action", "Follows", "Root cause", "Actions", "Owner", "Due", "Status",
                                        "Effectiveness"};
        tbl t;
        tbl_init(&t, a, 8, h);
        for (size_t i = 0; i < nac; i++) {
            const char **row = tbl_row(&t);
            row[0] = arena_sprintf(a, "%lld", (long long)ac[i].id);
            row[1] = ac[i].finding_id ? arena_sprintf(a, "finding %lld", (long long)ac[i].finding_id)
                                      : arena_sprintf(a, "review %lld", (long long)ac[i].review_id);
            row[2] = ac[i].root_cause ? ac[i].root_cause : "";
            row[3] = ac[i].description;
            row[4] = ac[i].owner;
            row[5] = ac[i].due_date;
            row[6] = ac[i].closed_on ? arena_sprintf(a, "closed %s", ac[i].closed_on) : ac[i].status;
            row[7] = ac[i].effectiveness ? ac[i].effectiveness : "";
        }
        d->table(d, 8, t.cells, t.nrows, NULL);
    }

    review_rec *rv;
    size_t nrv;
    if ((rc = store_review_list(w, a, &rv, &nrv, err)))
        return rc;
    d->heading(d, 2, "8. Management reviews (9.3)");
    if (!nrv)
        d->para(d, "No management review recorded.");
    for (size_t i = 0; i < nrv; i++)
        d->para(d, arena_sprintf(a, "Review %lld held %s. Attendees: %s. Decisions: %s", (long long)rv[i].id,
                                 rv[i].held_on, rv[i].attendees, rv[i].decisions));

    log_acc la = {0, NULL, a};
    audit_check lc;
    if ((rc = store_audit_each(w, log_head, &la, err)) || (rc = store_audit_check(w, NULL, NULL, &lc, err)))
        return rc;
    d->heading(d, 2, "9. Integrity");
    d->para(d, la.n ? arena_sprintf(a, "The hash-chained audit log holds %lld entries; its head hash is %s. "
                                       "Verifying the log recomputes the chain and checks it against the signed "
                                       "checkpoint below.",
                                    (long long)la.n, la.hash)
                    : "The audit log is empty.");
    if (lc.ck.signature[0]) {
        static const char *const hdr[] = {"Signed checkpoint", ""};
        tbl t;
        tbl_init(&t, a, 2, hdr);
        const char **r = tbl_row(&t);
        r[0] = "Entries covered";
        r[1] = arena_sprintf(a, "%lld", (long long)lc.ck.count);
        r = tbl_row(&t);
        r[0] = "Head hash (entry covered last)";
        r[1] = lc.ck.head;
        r = tbl_row(&t);
        r[0] = "Signed at";
        r[1] = lc.ck.at;
        r = tbl_row(&t);
        r[0] = "Workspace";
        r[1] = lc.ck.workspace;
        r = tbl_row(&t);
        r[0] = "Public key (Ed25519)";
        r[1] = lc.ck.public_key;
        r = tbl_row(&t);
        r[0] = "Signature";
        r[1] = lc.ck.signature;
        static const double fr[] = {0.3, 0.7};
        d->table(d, 2, t.cells, t.nrows, fr);
        d->para(d, "Pin the public key: a later verification of the log, or of the evidence package, against this "
                   "public key fails when entries up to this count were deleted or rewritten, or the checkpoint was "
                   "not signed with that key.");
    }
    if (lc.nproblems) {
        buf b;
        buf_init(&b, 8192);
        buf_puts(&b, "Verification of the audit log found problems: ");
        for (int i = 0; i < lc.nproblems; i++)
            buf_printf(&b, "%s%s", i ? "; " : "", lc.problems[i]);
        buf_puts(&b, ".");
        d->para(d, b.data ? arena_strdup(a, b.data) : "Verification of the audit log found problems.");
        buf_free(&b);
    } else if (lc.unsigned_entries) {
        d->para(d, arena_sprintf(a, "Entries %lld to %lld are newer than the checkpoint; they chain correctly and are "
                                    "signed with the next change.",
                                 (long long)lc.ck.count + 1, (long long)lc.last_seq));
    } else if (la.n) {
        d->para(d, "The chain verifies, and the checkpoint covers every entry.");
    }
    return ISMS_OK;
}

static const char css[] =
    "body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:1200px;color:#1a1a1a;padding:0 1em}"
    "h1{font-size:1.6em}h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid #ccc}"
    "table{border-collapse:collapse;width:100%;margin:.5em 0}th,td{border:1px solid #ccc;padding:3px 6px;"
    "vertical-align:top;text-align:left;font-size:12px}th{background:#f0f0f0}"
    "@media print{body{margin:0;max-width:none}tr{page-break-inside:avoid}thead{display:table-header-group}}";

int audit_report_write(ws *w, report_format f, const char *path, arena *a, isms_err *err)
{
    if (f == REPORT_PDF) {
        org o;
        int rc = store_org_get(w, a, &o, err);
        if (rc)
            return rc;
        pdf_doc *p = pdf_open(path, arena_sprintf(a, "ISO/IEC 27001 audit report — %s", o.name), err);
        if (!p)
            return err->code ? err->code : ISMS_EIO;
        rdoc d = {pdf_heading_cb, pdf_para_cb, pdf_table_cb, NULL, p, 0};
        rc = build(w, &d, a, err);
        isms_err perr = {0};
        int prc = pdf_close(p, &perr);
        if (rc) {
            unlink(path);
            return rc;
        }
        if (prc)
            *err = perr;
        return prc;
    }
    buf b;
    buf_init(&b, (size_t)1 << 31);
    rdoc d = {html_heading, html_para, html_table, &b, NULL, 0};
    d.bad |= buf_printf(&b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                            "<title>ISO/IEC 27001 audit report</title><style>%s</style></head><body>\n",
                        css);
    int rc = build(w, &d, a, err);
    d.bad |= buf_puts(&b, "</body></html>\n");
    if (!rc && d.bad)
        rc = err_set(err, ISMS_ENOMEM, "the audit report is larger than its size cap");
    if (!rc)
        rc = outfile_write(path, b.data, b.len, err);
    buf_free(&b);
    return rc;
}
