/* Scanning many logs on several cores. Workers take logs in list order, each with its own scanner
 * (buffers, inflater). What decides the findings is the order in which matches are counted (the
 * first delivery of an eventID counts, event names are listed in order of appearance), so a
 * worker does not count its matches itself: it queues them, and the logs' queues are counted in
 * list order as each log becomes the oldest one not yet counted ("the head"). The findings,
 * their order and their counts are then exactly those of one thread scanning the list. Memory
 * stays bounded: workers run at most CT_POOL_AHEAD logs past the head, and a worker whose queue
 * fills up waits for its log to reach the head, counts its queue and then counts the rest of its
 * log straight into the pool's results, which no one else touches until that log is done. */
#include "collect/cloudtrail_pool.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

enum { JOBS_PER_CHUNK = 256 };

typedef struct ct_job {
    size_t index;
    char *name;
    uint64_t size;
    int done, rc, direct;
    char *err;
    uint64_t events;
    ct_queue q;
} ct_job;

typedef struct ct_worker {
    ct_pool *pool;
    int index;
    cloudtrail_scan *s;
    pthread_t thread;
} ct_worker;

typedef struct failure {
    char *name, *err;
    uint64_t events;
} failure;

struct ct_pool {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    cloudtrail_scan *results;
    ct_pool_scan_fn scan;
    void *ud;
    void (*after)(void *ud, const char *name);
    void *after_ud;
    /* jobs in chunks that never move, so a worker can hold a job outside the lock; a chunk is
     * freed once every job in it is counted */
    ct_job **chunks;
    size_t nchunks, njobs, next, head, ahead, backlog;
    int closed, oom;
    ct_worker *workers;
    int nworkers;
    failure *failed;
    size_t nfailed, failcap;
};

static ct_job *job_at(ct_pool *p, size_t i) { return &p->chunks[i / JOBS_PER_CHUNK][i % JOBS_PER_CHUNK]; }

/* Count every finished log at the head, in order. Called with the lock held. */
static void merge(ct_pool *p)
{
    while (p->head < p->njobs) {
        ct_job *j = job_at(p, p->head);
        if (!j->done)
            break;
        if (!j->direct)
            ct_queue_count(&j->q, p->results);
        ct_queue_free(&j->q);
        p->results->events += j->events;
        if (j->rc) {
            if (p->nfailed == p->failcap) {
                size_t ncap = p->failcap ? p->failcap * 2 : 16;
                failure *f = realloc(p->failed, ncap * sizeof *f);
                if (f) {
                    p->failed = f;
                    p->failcap = ncap;
                }
            }
            if (p->nfailed < p->failcap) {
                p->failed[p->nfailed++] = (failure){j->name, j->err, j->events};
                j->name = j->err = NULL;
            } else {
                p->oom = 1;
            }
        }
        if (p->after)
            p->after(p->after_ud, j->name ? j->name : p->failed[p->nfailed - 1].name);
        free(j->name);
        free(j->err);
        p->head++;
        if (p->head % JOBS_PER_CHUNK == 0) {
            free(p->chunks[p->head / JOBS_PER_CHUNK - 1]);
            p->chunks[p->head / JOBS_PER_CHUNK - 1] = NULL;
        }
    }
}

/* A worker's queue is full: wait for its log to reach the head, then count the queue and go on
 * counting straight into the pool's results. */
static void queue_full(cloudtrail_scan *s)
{
    ct_pool *p = s->pool;
    ct_job *j = s->job;
    pthread_mutex_lock(&p->mu);
    while (p->head != j->index)
        pthread_cond_wait(&p->cv, &p->mu);
    pthread_mutex_unlock(&p->mu);
    ct_queue_count(&j->q, p->results);
    j->direct = 1;
    s->queue = NULL;
    s->target = p->results;
}

static void run_job(ct_pool *p, ct_worker *w, ct_job *j)
{
    cloudtrail_scan *s = w->s;
    uint64_t before = s->events;
    s->queue = &j->q;
    s->target = s;
    s->job = j;
    isms_err e = {0};
    j->rc = p->scan(p->ud, w->index, s, j->name, j->size, &e);
    if (j->rc && !(j->err = strdup(e.msg[0] ? e.msg : "error")))
        j->rc = ISMS_ENOMEM;
    j->events = s->events - before;
    s->queue = NULL;
    s->target = s;
    s->job = NULL;
}

static void *worker_main(void *arg)
{
    ct_worker *w = arg;
    ct_pool *p = w->pool;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (!(p->next < p->njobs && p->next < p->head + p->ahead) && !(p->closed && p->next >= p->njobs))
            pthread_cond_wait(&p->cv, &p->mu);
        if (p->next >= p->njobs)
            break;
        ct_job *j = job_at(p, p->next++);
        pthread_mutex_unlock(&p->mu);
        run_job(p, w, j);
        pthread_mutex_lock(&p->mu);
        j->done = 1;
        merge(p);
        pthread_cond_broadcast(&p->cv);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

ct_pool *ct_pool_start(cloudtrail_scan *results, int workers, ct_pool_scan_fn scan, void *ud,
                       void (*after)(void *ud, const char *name), void *after_ud)
{
    ct_pool *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->results = results;
    p->scan = scan;
    p->ud = ud;
    p->after = after;
    p->after_ud = after_ud;
    p->ahead = (size_t)workers * 2 + 2;
    p->workers = calloc((size_t)workers, sizeof *p->workers);
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cv, NULL);
    cloudtrail_opts o = results->o;
    o.progress = NULL; /* per-read progress is for one thread; the pool reports whole logs */
    o.jobs = 1;
    for (int i = 0; p->workers && i < workers; i++) {
        ct_worker *w = &p->workers[i];
        w->pool = p;
        w->index = i;
        if (!(w->s = cloudtrail_scan_new(&o)))
            break;
        w->s->pool = p;
        w->s->queue_full = queue_full;
        w->s->queue_max = results->queue_max;
        if (pthread_create(&w->thread, NULL, worker_main, w) != 0) {
            cloudtrail_scan_free(w->s);
            w->s = NULL;
            break;
        }
        p->nworkers++;
    }
    if (!p->nworkers) {
        free(p->workers);
        pthread_cond_destroy(&p->cv);
        pthread_mutex_destroy(&p->mu);
        free(p);
        return NULL;
    }
    return p;
}

void ct_pool_backlog(ct_pool *p, size_t max)
{
    pthread_mutex_lock(&p->mu);
    p->backlog = max;
    pthread_mutex_unlock(&p->mu);
}

int ct_pool_add(ct_pool *p, const char *name, uint64_t size)
{
    char *copy = strdup(name);
    if (!copy)
        return -1;
    pthread_mutex_lock(&p->mu);
    while (p->backlog && p->njobs - p->head >= p->backlog)
        pthread_cond_wait(&p->cv, &p->mu);
    int rc = 0;
    if (p->njobs == p->nchunks * JOBS_PER_CHUNK) {
        ct_job **c = realloc(p->chunks, (p->nchunks + 1) * sizeof *c);
        if (c)
            p->chunks = c;
        if (!c || !(c[p->nchunks] = calloc(JOBS_PER_CHUNK, sizeof **c)))
            rc = -1;
        else
            p->nchunks++;
    }
    if (rc == 0) {
        ct_job *j = job_at(p, p->njobs);
        j->index = p->njobs++;
        j->name = copy;
        j->size = size;
        pthread_cond_broadcast(&p->cv);
    } else {
        free(copy);
    }
    pthread_mutex_unlock(&p->mu);
    return rc;
}

size_t ct_pool_finish(ct_pool *p, arena *a, cloudtrail_failed **failed, size_t *nscanned)
{
    pthread_mutex_lock(&p->mu);
    p->closed = 1;
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
    for (int i = 0; i < p->nworkers; i++) {
        pthread_join(p->workers[i].thread, NULL);
        cloudtrail_scan_free(p->workers[i].s);
    }
    cloudtrail_failed *out = arena_alloc(a, (p->nfailed ? p->nfailed : 1) * sizeof *out);
    for (size_t i = 0; i < p->nfailed; i++) {
        out[i] = (cloudtrail_failed){arena_strdup(a, p->failed[i].name), arena_strdup(a, p->failed[i].err),
                                     p->failed[i].events};
        free(p->failed[i].name);
        free(p->failed[i].err);
    }
    size_t n = p->nfailed;
    *failed = out;
    if (nscanned)
        *nscanned = p->njobs;
    free(p->failed);
    for (size_t i = 0; i < p->nchunks; i++)
        free(p->chunks[i]);
    free(p->chunks);
    free(p->workers);
    pthread_cond_destroy(&p->cv);
    pthread_mutex_destroy(&p->mu);
    free(p);
    return n;
}
