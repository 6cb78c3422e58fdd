/* Reading a policy document from a file: Markdown, text, HTML, DOCX or PDF, into core's paragraphs. */
#ifndef ISMS_DOCFILE_H
#define ISMS_DOCFILE_H

#include "core/docread.h"

#define DOCFILE_TOOL_TIMEOUT_MS 60000 /* pdfinfo / pdftotext on one file */

/* Read path into d (strings in a). Fails with ISMS_EINVAL and a message naming the problem (not the
 * file) for empty, oversized, corrupt, encrypted, text-less or mislabelled files. */
int docfile_read(const char *path, arena *a, doc *d, isms_err *err);

#endif
