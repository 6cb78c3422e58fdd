/* Private to src/collect/cloudtrail*.c: the scanner object (made and freed in cloudtrail_scan.c)
 * that the rules (cloudtrail.c), the inputs (cloudtrail_input.c) and the file lists
 * (cloudtrail_list.c) share. */
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
/* Largest gzip log read whole and inflated at once (its inflated size): per scanner, so the
 * memory of a scan stays bounded; larger logs stream through zlib. */
#define CT_WHOLE_MAX ((size_t)32 << 20)

struct libdeflate_decompressor;

typedef struct ct_agg ct_agg;

/* A matched event as the rules count it: its rules (a bit each), eventID hash (0: none), the
 * principal it is grouped under and the rest of its grouping and details. */
typedef struct ct_match {
    uint64_t id;
    unsigned hits;
    ct_str who, ip, region, time, name;
} ct_match;

/* Matches kept in order (their strings copied) while a pool worker scans a log ahead of the
 * merge; counted once every log before it has been. */
typedef struct ct_queue {
    char *data;
    size_t len, cap;
} ct_queue;

/* Bytes of matches a worker queues for one log before it waits for its turn to count them. */
#define CT_QUEUE_MAX ((size_t)4 << 20)

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
    unsigned char *gz;  /* a gzip log read whole, and its content inflated (CT_WHOLE_MAX) */
    size_t gz_cap;
    char *doc;
    size_t doc_cap;
    struct libdeflate_decompressor *inflater;
    uint64_t inflated_whole; /* logs inflated by libdeflate (tests check the path is taken) */
    ct_rec rec;         /* the record being parsed */
    arena a;
    uint64_t events;
    ct_agg *aggs;
    size_t naggs, aggcap;
    ct_table tab;  /* aggregation key hash -> index in aggs */
    ct_table seen; /* eventID hashes of matched events, for duplicate deliveries */
    cloudtrail_finding *out;
    /* Where matches are counted: this scanner, or (a pool worker at the head of the merge) the
     * pool's. With queue set they are queued there instead, up to queue_max bytes, then
     * queue_full is called, which counts the queue into target and clears queue. */
    cloudtrail_scan *target;
    ct_queue *queue;
    size_t queue_max;
    void (*queue_full)(cloudtrail_scan *s);
    void *pool;         /* the pool of a worker, and the job it is on */
    void *job;
};

/* The rules as the walk's sink: each record parsed into s->rec, then counted and evaluated. */
void ct_rules_sink(cloudtrail_scan *s, ctj_sink *out);

/* Count one match into t's findings (once per eventID). */
void ct_count(cloudtrail_scan *t, const ct_match *m);
/* Queue a copy of m; -1 when that would pass max bytes (or memory runs out). */
int ct_queue_push(ct_queue *q, const ct_match *m, size_t max);
/* Count the queued matches into t, in order, and empty the queue. */
void ct_queue_count(ct_queue *q, cloudtrail_scan *t);
void ct_queue_free(ct_queue *q);

/* A reader of a log's raw bytes: up to n into dst, *got == 0 at its end. */
typedef int (*ct_pull_fn)(void *ud, void *dst, size_t n, size_t *got, isms_err *e);
/* Scan a log read through pull, as cloudtrail_scan_file would; size is what it should hold
 * (UINT64_MAX: unknown), which decides whether a gzip log is inflated whole. */
int ct_scan_pull(cloudtrail_scan *s, ct_pull_fn pull, void *ud, uint64_t size, isms_err *e);
/* Make *p a buffer of at least need bytes (contents not kept); -1 when out of memory. */
int ct_grow(void **p, size_t *cap, size_t need);

#endif
