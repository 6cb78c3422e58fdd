/* The ISO 27001 audit report for the auditor: scope, Stage 1 readiness, the SoA, control status
 * with evidence references (ids, dates, SHA-256), risks and treatments, internal audits,
 * findings and actions, management reviews, and the audit log's head hash. */
#ifndef ISMS_AUDIT_REPORT_H
#define ISMS_AUDIT_REPORT_H

#include "store/store.h"

typedef enum { REPORT_HTML, REPORT_PDF } report_format;

/* Write the report to path atomically; PDF through the PDF writer. */
int audit_report_write(ws *w, report_format f, const char *path, arena *a, isms_err *err);

#endif
