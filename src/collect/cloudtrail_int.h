/* Private to src/collect/cloudtrail*.c: the scanner object that the rules (cloudtrail.c), the
 * inputs (cloudtrail_input.c) and the file lists (cloudtrail_list.c) share. */
#ifndef ISMS_COLLECT_CLOUDTRAIL_INT_H
#define ISMS_COLLECT_CLOUDTRAIL_INT_H

#include <stdint.h>

#include "collect/cloudtrail.h"
#include "collect/cloudtrail_json.h"
#include "util/arena.h"

/* The fields the rules read; every ct_str points into the read buffer or the scratch area. */
typedef struct ct_rec {
    ct_str time, source, name, etype, region, ip, id, error;
    ct_str ui_type, ui_arn, ui_user, ui_invoked;
    ct_str login, mfa;
    ct_str rp; /* requestParameters object, re-walked only for the events that need it */
    int federated;
    int has_name;
} ct_rec;

enum { CT_ZIN = 256 * 1024 }; /* compressed bytes read at a time for zlib */

typedef struct ct_agg ct_agg;

typedef struct ct_table {
    uint64_t *keys;
    uint32_t *vals;
    size_t n, sz;
} ct_table;

struct cloudtrail_scan {
    cloudtrail_opts o;
    char *buf; /* the read window: record_cap + read_size bytes */
    size_t bufsz;
    char *scratch;
    size_t scratch_cap;
    unsigned char *zin; /* compressed bytes for zlib */
    ct_rec rec;         /* the record being parsed */
    arena a;
    uint64_t events;
    ct_agg *aggs;
    size_t naggs, aggcap;
    ct_table tab;  /* aggregation key hash -> index in aggs */
    ct_table seen; /* eventID hashes of matched events, for duplicate deliveries */
    cloudtrail_finding *out;
};

/* The rules as the walk's sink: each record parsed into s->rec, then counted and evaluated. */
void ct_rules_sink(cloudtrail_scan *s, ctj_sink *out);

#endif
