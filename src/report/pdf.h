/* A small general-purpose PDF writer on Pango/Cairo: A4 pages with the title in the header and
 * "page N of M" in the footer; headings, wrapped paragraphs, bullets and tables whose header row
 * repeats after page breaks. Content is collected first and laid out at pdf_close, so the page
 * count is known for every footer. Text is UTF-8 plain text; invalid bytes are replaced. */
#ifndef ISMS_PDF_H
#define ISMS_PDF_H

#include "util/err.h"

typedef struct pdf_doc pdf_doc;

/* Start a document to be written at path; NULL with err filled when path is unusable. */
pdf_doc *pdf_open(const char *path, const char *title, isms_err *err);
/* A heading of level 1 (largest) to 3; other levels are clamped. */
void pdf_heading(pdf_doc *d, int level, const char *text);
/* A paragraph that wraps at the margins and breaks across pages. */
void pdf_para(pdf_doc *d, const char *text);
/* One bullet-list item. */
void pdf_bullet(pdf_doc *d, const char *text);
/* A list item nested depth levels deep (0 = top), its text hung after marker ("•", "3."); a NULL
 * marker continues the item above with another paragraph at the same indent. */
void pdf_list_item(pdf_doc *d, int depth, const char *marker, const char *text);
/* A table of nrows x ncols cells (row-major); row 0 is the header, repeated after page breaks.
 * col_frac gives column widths summing to 1, NULL for equal columns. */
void pdf_table(pdf_doc *d, int ncols, const char *const *cells, int nrows, const double *col_frac);
/* Lay out and write the file atomically (temp file + rename), then free d. Errors from earlier
 * calls (size caps, memory) are reported here. d may be NULL (returns err as left by pdf_open). */
int pdf_close(pdf_doc *d, isms_err *err);

#endif
