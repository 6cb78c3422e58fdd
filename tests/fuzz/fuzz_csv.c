/* CSV (util/csv.c) as the asset import reads an uploaded file: every record of the input, then the
 * import itself into an in-memory workspace (whose problems name lines and columns). */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "fuzz.h"
#include "store/store.h"
#include "util/csv.h"

static ws *w;
static unsigned uses;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!size)
        return 0;
    FILE *f = fmemopen((void *)data, size, "rb");
    if (!f)
        return 0;
    csv_reader r;
    csv_init(&r, f);
    isms_err err = {0};
    int got;
    while ((got = csv_next(&r, &err)) == 1)
        for (int i = 0; i < r.nfields; i++)
            (void)strlen(r.fields[i]);
    csv_free(&r);
    fclose(f);

    /* a fresh workspace now and then: imported rows would otherwise pile up */
    if (w && ++uses % 512 == 0) {
        ws_close(w);
        w = NULL;
    }
    if (!w && ws_open(":memory:", WS_CREATE, &w, &err))
        return 0;
    f = fmemopen((void *)data, size, "rb");
    if (!f)
        return 0;
    arena a;
    arena_init(&a);
    asset_import_report rep;
    store_asset_import(w, f, &a, &rep, NULL, NULL, &err);
    fclose(f);
    arena_free(&a);
    return 0;
}
