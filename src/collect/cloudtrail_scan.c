/* The scanner object's lifetime: the inputs' buffers and the rules' tables, made and freed together. */
#include "collect/cloudtrail_int.h"

#include <libdeflate.h>
#include <stdlib.h>

#include "util/arena.h"

cloudtrail_scan *cloudtrail_scan_new(const cloudtrail_opts *opts)
{
    cloudtrail_scan *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    if (opts)
        s->o = *opts;
    s->target = s;
    s->queue_max = CT_QUEUE_MAX;
    if (!s->o.record_cap)
        s->o.record_cap = CLOUDTRAIL_RECORD_CAP;
    if (!s->o.read_size)
        s->o.read_size = CLOUDTRAIL_READ_SIZE;
    s->bufsz = s->o.record_cap + s->o.read_size;
    s->scratch_cap = 2 * s->o.record_cap + 64;
    s->buf = malloc(s->bufsz);
    s->scratch = malloc(s->scratch_cap);
    s->zin = malloc(CT_ZIN);
    arena_init(&s->a);
    if (!s->buf || !s->scratch || !s->zin) {
        cloudtrail_scan_free(s);
        return NULL;
    }
    return s;
}

uint64_t cloudtrail_scan_events(const cloudtrail_scan *s) { return s->events; }

int ct_grow(void **p, size_t *cap, size_t need)
{
    size_t n = (need + ((size_t)1 << 20) - 1) & ~(((size_t)1 << 20) - 1); /* whole MiB: fewer regrowths */
    void *b = malloc(n);
    if (!b)
        return -1;
    free(*p);
    *p = b;
    *cap = n;
    return 0;
}

void cloudtrail_scan_free(cloudtrail_scan *s)
{
    if (!s)
        return;
    free(s->buf);
    free(s->scratch);
    free(s->zin);
    free(s->gz);
    free(s->doc);
    libdeflate_free_decompressor(s->inflater);
    free(s->aggs);
    free(s->tab.keys);
    free(s->tab.vals);
    free(s->seen.keys);
    free(s->out);
    arena_free(&s->a);
    free(s);
}
