/* Exports for the auditor: the Statement of Applicability and the risk register as CSV, XLSX
 * and standalone HTML. Files are written beside the destination and renamed into place, so a
 * failed export never leaves a half-written file at the path. */
#ifndef ISMS_EXPORT_H
#define ISMS_EXPORT_H

#include <stddef.h>

#include "store/store.h"

typedef enum { EXPORT_CSV, EXPORT_XLSX, EXPORT_HTML } export_format;

/* What the document header says: organization, version label, generation time. */
typedef struct export_meta {
    const char *org;
    const char *title_suffix;   /* "version 3 approved by Dana Lee on 2026-11-01", or "draft ..." */
    const char *generated_at;
} export_meta;

/* Parse "csv" | "xlsx" | "html" (any case); -1 when unknown. */
int export_format_parse(const char *s);
/* The SoA: one row per control (93, catalog order). XLSX adds a "Summary" sheet and HTML a
 * summary table with per-theme counts. meta may be NULL. */
int export_soa(const soa_entry *entries, size_t n, const export_meta *meta, export_format f, const char *path,
               isms_err *err);
/* The risk register with the treatment plan, streamed from the store in id order so memory stays
 * flat; progress may be NULL and is called as progress(done, total, pctx) now and then. */
int export_risks(ws *w, const risk_method *m, const export_meta *meta, export_format f, const char *path,
                 void (*progress)(size_t done, size_t total, void *ctx), void *pctx, isms_err *err);

#endif
