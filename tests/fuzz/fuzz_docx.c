/* DOCX as the policy readers see it (core/docread_docx.c), with the zip built here so that the
 * fuzzer works on the XML rather than on CRCs: the input's parts are word/document.xml,
 * word/styles.xml and docProps/core.xml (a missing part is left out of the archive). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "core/docread.h"
#include "fuzz.h"

/* The archive of parts in memory (malloc'd), or NULL. */
static char *zip_parts(const fuzz_part *parts, size_t n, size_t *len)
{
    static const char *const names[] = {"word/document.xml", "word/styles.xml", "docProps/core.xml"};
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, &ze);
    char *out = NULL;
    if (!src)
        goto done;
    zip_source_keep(src);
    zip_t *z = zip_open_from_source(src, ZIP_TRUNCATE, &ze);
    if (!z) {
        zip_source_free(src);
        goto done;
    }
    for (size_t i = 0; i < n && i < 3; i++) {
        zip_source_t *s = zip_source_buffer(z, parts[i].p, parts[i].n, 0);
        if (!s || zip_file_add(z, names[i], s, ZIP_FL_OVERWRITE) < 0)
            zip_source_free(s);
    }
    if (zip_close(z) == 0 && zip_source_open(src) == 0) {
        zip_source_seek(src, 0, SEEK_END);
        zip_int64_t sz = zip_source_tell(src);
        zip_source_seek(src, 0, SEEK_SET);
        out = sz > 0 ? malloc((size_t)sz) : NULL;
        if (out && zip_source_read(src, out, (zip_uint64_t)sz) == sz)
            *len = (size_t)sz;
        else {
            free(out);
            out = NULL;
        }
        zip_source_close(src);
    } else if (z) {
        zip_discard(z);
    }
    zip_source_free(src);
done:
    zip_error_fini(&ze);
    return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_part parts[3];
    size_t n = fuzz_split(data, size, parts, 3), len = 0;
    char *docx = zip_parts(parts, n, &len);
    if (!docx)
        return 0;
    arena a;
    arena_init(&a);
    doc d;
    isms_err err = {0};
    if (!docread_memory("policy.docx", docx, len, &a, &d, &err))
        for (size_t i = 0; i < d.npara; i++)
            (void)strlen(docread_location(&d, &d.paras[i], &a));
    arena_free(&a);
    free(docx);
    return 0;
}
