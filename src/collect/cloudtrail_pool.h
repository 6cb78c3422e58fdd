/* Private to src/collect/cloudtrail*.c: a pool of worker threads scanning logs in parallel, with
 * findings merged exactly as one thread scanning them in order would have them. */
#ifndef ISMS_COLLECT_CLOUDTRAIL_POOL_H
#define ISMS_COLLECT_CLOUDTRAIL_POOL_H

#include "collect/cloudtrail_int.h"

typedef struct ct_pool ct_pool;

/* Scan the log named name (size: what it should hold, UINT64_MAX unknown) into the worker's
 * scanner s; worker is 0..workers-1, for per-worker state such as a connection. */
typedef int (*ct_pool_scan_fn)(void *ud, int worker, cloudtrail_scan *s, const char *name, uint64_t size,
                               isms_err *e);

/* Start up to workers threads (each with a scanner made with results' options) counting into
 * results; after (may be NULL) is called for each log once it is counted, in order, from any
 * thread but never two at once. NULL when not even one thread could start. */
ct_pool *ct_pool_start(cloudtrail_scan *results, int workers, ct_pool_scan_fn scan, void *ud,
                       void (*after)(void *ud, const char *name), void *after_ud);
/* Make ct_pool_add wait while max logs are waiting to be counted, so a caller listing faster
 * than the workers scan keeps memory bounded (0: no limit, the default). */
void ct_pool_backlog(ct_pool *p, size_t max);
/* Append a log to scan (name copied); -1 when out of memory. */
int ct_pool_add(ct_pool *p, const char *name, uint64_t size);
/* Wait for every log to be scanned and counted, free the pool. The logs that failed go to
 * *failed (strings in a), in order; returns how many, *nscanned (may be NULL) how many logs. */
size_t ct_pool_finish(ct_pool *p, arena *a, cloudtrail_failed **failed, size_t *nscanned);

#endif
