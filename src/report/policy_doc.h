/* Policy documents for readers: Markdown as stored, standalone HTML through our own Markdown
 * subset renderer (headings, paragraphs, bullet lists, **bold**, *emphasis*, `code`, pipe
 * tables), and PDF through report/pdf. HTML and PDF open with a document control block. Files are
 * written beside the destination and renamed into place. */
#ifndef ISMS_POLICY_DOC_H
#define ISMS_POLICY_DOC_H

#include "store/store.h"
#include "util/buf.h"

typedef enum { POLICY_MD, POLICY_HTML, POLICY_PDF } policy_format;

/* Parse "md" | "markdown" | "html" | "pdf"; -1 when unknown. */
int policy_format_parse(const char *s);
/* Append the Markdown subset md as HTML body elements; every character of text is escaped. */
int policy_md_html(buf *b, const char *md);
/* Write the document d of organization org to path in format f. */
int policy_export(const policy_doc *d, const char *org_name, policy_format f, const char *path, isms_err *err);

#endif
