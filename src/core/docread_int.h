/* Shared between the format readers of core/docread: not for use outside it. */
#ifndef ISMS_DOCREAD_INT_H
#define ISMS_DOCREAD_INT_H

#include "core/docread.h"

/* Keep libxml2 from printing what it finds wrong with a hostile file (encoding errors reach stderr
 * whatever the parse options say) on this thread: the reader reports the problem itself. */
void docread_quiet_xml(void);
/* Collapse white space of s[0..n) into a fresh string; NULL when nothing is left. */
char *docread_clean(arena *a, const char *s, size_t n);
/* Append a paragraph (cleaned); a heading becomes the section of what follows it. */
void docread_add_para(doc *d, arena *a, const char *text, size_t n, int heading, int page, int line, int table);
/* Read Markdown (markdown=1) or plain text line by line into paragraphs. */
void docread_lines(doc *d, arena *a, const char *s, size_t n, int markdown);
/* Read a DOCX held in memory. */
int docread_docx(doc *d, arena *a, const char *s, size_t n, isms_err *err);
/* The pages, title, author and dates of pdfinfo's output (NUL-terminated) into d; returns the
 * value of its Encrypted field, or NULL. */
const char *docread_pdf_info(doc *d, arena *a, const char *info);
/* Read pdftotext's output (len bytes, pages ending in form feeds) into paragraphs with their page;
 * d->pages is the count of pages seen when pdfinfo gave none. */
void docread_pdf_text(doc *d, arena *a, const char *text, size_t len);

#endif
