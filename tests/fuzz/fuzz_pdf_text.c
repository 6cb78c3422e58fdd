/* What the PDF reader (core/docread_pdf.c) parses of poppler's output: the first part of the input
 * is pdfinfo's (fields such as Pages, Title, Encrypted), the rest pdftotext's text with its form
 * feeds between pages. The PDF itself is poppler's to parse, not ours. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/docread.h"
#include "core/docread_int.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_part p[2];
    size_t n = fuzz_split(data, size, p, 2);
    char *info = fuzz_strdup(p[0]);
    arena a;
    arena_init(&a);
    doc d = {0};
    docread_pdf_info(&d, &a, info);
    if (n == 2)
        docread_pdf_text(&d, &a, p[1].p, p[1].n);
    for (size_t i = 0; i < d.npara; i++)
        (void)strlen(docread_location(&d, &d.paras[i], &a));
    arena_free(&a);
    free(info);
    return 0;
}
