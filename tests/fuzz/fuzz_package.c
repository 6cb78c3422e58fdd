/* Evidence packages under verification (report/package.c: `isms audit verify-package`): an input
 * starting with "PK" is the zip as it is (a damaged or forged archive); otherwise the zip is built
 * here from its parts, the first being manifest.json and each other "NAME\nCONTENT", so the
 * fuzzer reaches the manifest checks rather than stopping at the zip structure. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "fuzz.h"
#include "report/package.h"

static char *build_zip(const fuzz_part *parts, size_t n, size_t *len)
{
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, &ze);
    char *out = NULL;
    zip_t *z = src ? (zip_source_keep(src), zip_open_from_source(src, ZIP_TRUNCATE, &ze)) : NULL;
    char **names = calloc(n, sizeof *names);
    if (!z || !names)
        goto done;
    for (size_t i = 0; i < n; i++) {
        const char *p = parts[i].p, *nl = i ? memchr(p, '\n', parts[i].n) : NULL;
        if (i && (!nl || nl == p))
            continue;
        names[i] = i ? fuzz_strdup((fuzz_part){p, (size_t)(nl - p)}) : strdup("manifest.json");
        const char *body = i ? nl + 1 : p;
        size_t bl = i ? parts[i].n - (size_t)(nl + 1 - p) : parts[i].n;
        zip_source_t *s = zip_source_buffer(z, body, bl, 0);
        if (!s || zip_file_add(z, names[i], s, ZIP_FL_OVERWRITE | ZIP_FL_ENC_UTF_8) < 0)
            zip_source_free(s);
    }
    if (zip_close(z) == 0) {
        z = NULL;
        if (zip_source_open(src) == 0) {
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
        }
    }
done:
    if (z)
        zip_discard(z);
    if (src)
        zip_source_free(src);
    for (size_t i = 0; names && i < n; i++)
        free(names[i]);
    free(names);
    zip_error_fini(&ze);
    return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *file = NULL;
    size_t len = size;
    if (size >= 2 && data[0] == 'P' && data[1] == 'K') {
        file = malloc(size);
        memcpy(file, data, size);
    } else {
        fuzz_part parts[32];
        size_t n = fuzz_split(data, size, parts, 32);
        file = build_zip(parts, n, &len);
    }
    if (!file)
        return 0;
    arena a;
    arena_init(&a);
    package_problem *probs = NULL;
    size_t np = 0, nfiles = 0;
    isms_err err = {0};
    if (!package_verify(fuzz_file(file, len, "package.zip"), &a, &probs, &np, &nfiles, &err))
        for (size_t i = 0; i < np; i++)
            (void)(strlen(probs[i].message) + (probs[i].path ? strlen(probs[i].path) : 0));
    fuzz_file_close();
    arena_free(&a);
    free(file);
    return 0;
}
