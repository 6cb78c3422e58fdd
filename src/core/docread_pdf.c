/* Reading PDF text as poppler-utils write it: pdfinfo's fields (pages, metadata, encryption) and
 * pdftotext's pages. Running the tools is collect/docfile.c's: core does no I/O. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/docread.h"
#include "core/docread_int.h"
#include "util/buf.h"

static const char *info_field(const char *info, const char *key, arena *a)
{
    size_t kl = strlen(key);
    for (const char *l = info; l && *l;) {
        const char *eol = strchr(l, '\n');
        size_t n = eol ? (size_t)(eol - l) : strlen(l);
        if (n > kl && !strncmp(l, key, kl) && l[kl] == ':')
            return docread_clean(a, l + kl + 1, n - kl - 1);
        l = eol ? eol + 1 : NULL;
    }
    return NULL;
}

const char *docread_pdf_info(doc *d, arena *a, const char *info)
{
    const char *pages = info_field(info, "Pages", a), *enc = info_field(info, "Encrypted", a);
    d->pages = pages ? atoi(pages) : 0;
    d->title = info_field(info, "Title", a);
    d->creator = info_field(info, "Author", a);
    d->created = info_field(info, "CreationDate", a);
    d->modified = info_field(info, "ModDate", a);
    d->meta = arena_strdup(a, info);
    return enc;
}

void docread_pdf_text(doc *d, arena *a, const char *text, size_t len)
{
    /* pages end with a form feed; read each page as text so paragraphs know their page. The text
     * is read by length: a NUL byte in pdftotext's output is only a byte. */
    int page = 1;
    for (const char *pg = text, *end = text + len; pg < end; page++) {
        const char *ff = memchr(pg, '\f', (size_t)(end - pg));
        size_t n = ff ? (size_t)(ff - pg) : (size_t)(end - pg);
        size_t before = d->npara;
        docread_lines(d, a, pg, n, 0);
        for (size_t k = before; k < d->npara; k++) {
            d->paras[k].page = page;
            d->paras[k].line = 0;
        }
        if (!ff)
            break;
        pg = ff + 1;
    }
    if (!d->pages)
        d->pages = page;
}
