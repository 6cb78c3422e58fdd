/* Reading policy documents written elsewhere: Markdown, plain text, HTML, DOCX and PDF, detected by
 * their content, into paragraphs that remember where they stand (page, section, line). */
#ifndef ISMS_DOCREAD_H
#define ISMS_DOCREAD_H

#include <stddef.h>

#include "util/arena.h"
#include "util/err.h"

#define DOCREAD_MAX_FILE ((size_t)50 << 20)   /* bytes of any input file */
#define DOCREAD_MAX_ENTRY ((size_t)64 << 20)  /* uncompressed size of one DOCX part: zip bombs stop here */

typedef enum doc_format { DOC_UNKNOWN, DOC_MARKDOWN, DOC_TEXT, DOC_HTML, DOC_DOCX, DOC_PDF } doc_format;

typedef struct doc_para {
    const char *text;     /* UTF-8, whitespace collapsed, inline markup removed */
    const char *section;  /* the nearest heading above it, or NULL before the first */
    int heading;          /* 0 body text, 1-6 a heading of that level */
    int page;             /* PDF page, 1-based; 0 for other formats */
    int line;             /* first line in a Markdown or text file; 0 otherwise */
    int index;            /* paragraph number in the document, 1-based */
    int in_table;         /* a table cell or row */
} doc_para;

typedef struct doc {
    const char *path;
    doc_format format;
    const char *title;    /* from metadata, else the first top heading; NULL when none */
    const char *creator, *created, *modified, *revision; /* document properties; NULL when absent */
    const char *meta;     /* front matter or property text, searched for document control */
    int pages;            /* PDF pages; 0 otherwise */
    size_t words;
    doc_para *paras;
    size_t npara, cap;
} doc;

/* Read a document held in memory; PDF needs its tools (collect/docfile.h) and is refused here. */
int docread_memory(const char *path, const char *data, size_t len, arena *a, doc *d, isms_err *err);
/* The format the bytes are, by their magic numbers and content; DOC_UNKNOWN for binary data. */
doc_format docread_sniff(const char *data, size_t len);
/* The extension of path's file name without its dot, "" when none. */
const char *docread_ext(const char *path);
/* "markdown", "text", "html", "docx", "pdf" or "unknown". */
const char *docread_format_name(doc_format f);
/* Where p stands, for people: "page 2, section "Scope", paragraph 4" / "section "Scope", line 12". */
const char *docread_location(const doc *d, const doc_para *p, arena *a);

#endif
