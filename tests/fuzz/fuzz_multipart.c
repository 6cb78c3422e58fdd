/* multipart/form-data bodies as the upload routes see them (web/multipart.c): the first part of
 * the input is the Content-Type header (with its boundary), the rest the body. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "web/web.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_part p[2];
    if (fuzz_split(data, size, p, 2) < 2)
        return 0;
    char *ctype = fuzz_strdup(p[0]);
    arena a;
    arena_init(&a);
    web_param *fields;
    web_file *files;
    size_t nfields, nfiles;
    isms_err err = {0};
    if (!web_multipart_parse(ctype, p[1].p, p[1].n, 1u << 20, &a, &fields, &nfields, &files, &nfiles, &err)) {
        for (size_t i = 0; i < nfields; i++)
            (void)(strlen(fields[i].name) + strlen(fields[i].value));
        for (size_t i = 0; i < nfiles; i++)
            if (files[i].len)
                (void)(files[i].data[0] + files[i].data[files[i].len - 1] + strlen(files[i].filename));
    }
    arena_free(&a);
    free(ctype);
    return 0;
}
