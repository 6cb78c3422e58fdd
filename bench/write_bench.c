/* The store-level write path, timed: N asset inserts through ws_begin/store_asset_insert/ws_commit,
 * one transaction each, as every isms write runs.  usage: write_bench DB N full|normal [nocheckpoint]
 * "normal" sets synchronous=NORMAL (what isms used before) and "nocheckpoint" skips the signed
 * checkpoint, so the cost of each can be read off beside the product's FULL + checkpoint. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/catalog.h"
#include "store/internal.h"
#include "store/store.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    if (argc < 4 || (strcmp(argv[3], "full") && strcmp(argv[3], "normal"))) {
        fprintf(stderr, "usage: write_bench DB N full|normal [nocheckpoint]\n");
        return 2;
    }
    long n = atol(argv[2]);
    isms_err err = {0};
    ws *w;
    if (catalog_init(&err) || ws_open(argv[1], 0, &w, &err)) {
        fprintf(stderr, "write_bench: %s\n", err.msg);
        return 1;
    }
    ws_set_actor(w, "bench");
    if (!strcmp(argv[3], "normal") && st_exec(w, "PRAGMA synchronous = NORMAL", &err)) {
        fprintf(stderr, "write_bench: %s\n", err.msg);
        return 1;
    }
    w->anchor_disabled = argc > 4 && !strcmp(argv[4], "nocheckpoint");
    char name[64];
    double t0 = now();
    for (long i = 0; i < n; i++) {
        snprintf(name, sizeof name, "bench %s %ld %ld", argv[3], (long)t0, i);
        asset a = {.name = name, .type = "software", .owner = "IT", .classification = "internal"};
        int64_t id;
        if (ws_begin(w, &err) || store_asset_insert(w, &a, &id, &err) || ws_commit(w, &err)) {
            fprintf(stderr, "write_bench: %s\n", err.msg);
            ws_rollback(w);
            ws_close(w);
            return 1;
        }
    }
    double dt = now() - t0;
    printf("%.0f\n", (double)n / dt);
    ws_close(w);
    return 0;
}
