/* A response cache for read-only GETs. An answer is kept with the workspace's change counters
 * (store_generations: one per kind of record, grown by triggers in the transaction of every
 * change, whoever makes it) for the kinds its route depends on (DEP_ bits in the route table),
 * and with the date when it depends on it. It is served while those are unchanged: a change to
 * something else (web, API or CLI) leaves it cached, and no change it depends on is ever missed,
 * so the cache never serves old data. */
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "web/web.h"

#define CACHE_SLOTS 128
#define CACHE_MAX_ENTRY (2u << 20)
#define CACHE_MAX_TOTAL (16u << 20)
#define NDEPS (STORE_NGEN + 1) /* the change counters, then today's date */

/* An answer's bytes, shared by the cache and every response still sending them: a hit goes to
 * the socket without being copied, and the last holder frees it. */
struct web_cache_blob {
    atomic_int refs;
    size_t len;
    const char *ctype;
    char data[];
};

typedef struct slot {
    char *key;
    unsigned deps;      /* which of g the answer depends on: bit k for g[k] */
    int64_t g[NDEPS];   /* the counters (and date) it was computed after */
    int64_t aux, mark;  /* a part's: what its caller checks it with (web_cache_take_part) */
    web_cache_blob *blob;
    size_t len;
    unsigned long used;
} slot;

static slot slots[CACHE_SLOTS];
static size_t total;
static unsigned long clock_;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

/* The counters this thread read last, and the token web_cache_generation gave for them. */
static _Thread_local struct {
    int64_t token;
    int valid;
    int64_t g[NDEPS];
} seen;
static _Thread_local int64_t tokens;

int web_cache_generation(ws *w, int64_t *gen)
{
    isms_err err = {0};
    int64_t g[NDEPS];
    *gen = -1;
    if (store_generations(w, g, &err)) {
        seen.valid = 0;
        return -1;
    }
    char today[11];
    store_today(today); /* YYYY-MM-DD */
    g[STORE_NGEN] = atol(today) * 10000 + atol(today + 5) * 100 + atol(today + 8);
    /* The same counters keep their token: a handler reading them again does not lose what its
     * caller read them for. */
    if (!seen.valid || memcmp(g, seen.g, sizeof g)) {
        memcpy(seen.g, g, sizeof g);
        seen.token = ++tokens;
        seen.valid = 1;
    }
    *gen = seen.token;
    return 0;
}

int64_t web_cache_counter(int k) { return seen.valid && k >= 0 && k < NDEPS ? seen.g[k] : -1; }

int web_req_generation(web_req *rq, int64_t *gen)
{
    if (!rq->gen_read) {
        if (!rq->w || web_cache_generation(rq->w, &rq->gen))
            return -1;
        rq->gen_read = 1;
    }
    *gen = rq->gen;
    return 0;
}

/* The DEP_ bits as bits of g. */
static unsigned dep_bits(int deps)
{
    if (!(deps & (DEP_ALL | DEP_NONE)))
        deps = DEP_ALL;
    return (unsigned)(deps & DEP_ALL) >> WEB_DEP_SHIFT;
}

/* Does the pattern ("/api/v1/assets/:id") match the first len bytes of path, as the server's
 * routing does: a ":name" segment takes one non-empty segment. */
static int pattern_matches(const char *pat, const char *path, size_t len)
{
    size_t i = 0;
    while (*pat) {
        if (*pat == ':') {
            size_t start = i;
            while (i < len && path[i] != '/')
                i++;
            if (i == start)
                return 0;
            while (*pat && *pat != '/')
                pat++;
            continue;
        }
        if (i >= len || path[i] != *pat)
            return 0;
        pat++;
        i++;
    }
    return i == len;
}

int web_cache_deps(const char *key)
{
    /* The key is the path, then "&name=value" per argument; a path may hold '&' itself, so every
     * '&' is tried as its end, and the answer depends on all that any reading would give. */
    size_t len = strlen(key);
    int deps = 0, ends = 0, matched = 0;
    for (size_t end = 0; end <= len; end++) {
        if (end < len && key[end] != '&')
            continue;
        if (++ends > 64)
            return DEP_ALL;
        for (const web_route *r = web_routes; r->pattern; r++)
            if ((r->flags & ROUTE_CACHE) && !strcmp(r->method, "GET") && pattern_matches(r->pattern, key, end)) {
                matched = 1;
                deps |= (r->flags & (DEP_ALL | DEP_NONE)) ? (r->flags & (DEP_ALL | DEP_NONE)) : DEP_ALL;
            }
    }
    return matched ? deps : DEP_ALL;
}

/* Is s valid for the counters this thread read? */
static int fresh(const slot *s)
{
    for (int k = 0; k < NDEPS; k++)
        if ((s->deps >> k & 1) && s->g[k] != seen.g[k])
            return 0;
    return 1;
}

/* Did something s depends on change since it was computed (for good: counters only grow)? */
static int outdated(const slot *s)
{
    for (int k = 0; k < NDEPS; k++)
        if ((s->deps >> k & 1) && s->g[k] < seen.g[k])
            return 1;
    return 0;
}

void web_cache_release(web_cache_blob *b)
{
    if (b && atomic_fetch_sub(&b->refs, 1) == 1)
        free(b);
}

void web_cache_release_data(void *data)
{
    if (data)
        web_cache_release((web_cache_blob *)((char *)data - offsetof(web_cache_blob, data)));
}

static web_cache_blob *take(const char *key, int64_t gen, int64_t *aux, int64_t *mark, const char **data,
                             size_t *len, const char **ctype)
{
    if (!seen.valid || gen != seen.token)
        return NULL;
    web_cache_blob *b = NULL;
    pthread_mutex_lock(&mu);
    for (int i = 0; i < CACHE_SLOTS; i++)
        if (slots[i].key && !strcmp(slots[i].key, key)) {
            if (fresh(&slots[i])) {
                b = slots[i].blob;
                atomic_fetch_add(&b->refs, 1);
                slots[i].used = ++clock_;
                if (aux)
                    *aux = slots[i].aux;
                if (mark)
                    *mark = slots[i].mark;
            }
            break;
        }
    pthread_mutex_unlock(&mu);
    if (b) {
        *data = b->data;
        *len = b->len;
        if (ctype)
            *ctype = b->ctype;
    }
    return b;
}

web_cache_blob *web_cache_take(const char *key, int64_t gen, const char **data, size_t *len, const char **ctype)
{
    return take(key, gen, NULL, NULL, data, len, ctype);
}

web_cache_blob *web_cache_take_part(const char *key, int64_t gen, int64_t *aux, int64_t *mark, const char **data,
                                    size_t *len)
{
    return take(key, gen, aux, mark, data, len, NULL);
}

int web_cache_get(const char *key, int64_t gen, buf *out, const char **ctype)
{
    const char *data;
    size_t len;
    web_cache_blob *b = web_cache_take(key, gen, &data, &len, ctype);
    if (!b)
        return 0;
    int ok = buf_append(out, data, len) == 0;
    web_cache_release(b);
    return ok;
}

static void drop(slot *s)
{
    total -= s->len;
    free(s->key);
    web_cache_release(s->blob);
    memset(s, 0, sizeof *s);
}

static void put(const char *key, int deps, int part, int64_t aux, int64_t mark, int64_t gen, const char *data,
                size_t len, const char *ctype)
{
    if (len > CACHE_MAX_ENTRY || !seen.valid || gen != seen.token)
        return;
    pthread_mutex_lock(&mu);
    slot *victim = &slots[0];
    for (int i = 0; i < CACHE_SLOTS; i++) {
        /* (A part's own check may have failed where its counters did not: it is replaced.) */
        if (!part && slots[i].key && !strcmp(slots[i].key, key) && !outdated(&slots[i])) {
            pthread_mutex_unlock(&mu); /* another thread kept it, computed after as new counters */
            return;
        }
        if (slots[i].key && (outdated(&slots[i]) || !strcmp(slots[i].key, key)))
            drop(&slots[i]);
        if (!slots[i].key || slots[i].used < victim->used)
            victim = &slots[i];
    }
    if (victim->key)
        drop(victim);
    for (int i = 0; total + len > CACHE_MAX_TOTAL && i < CACHE_SLOTS; i++)
        if (slots[i].key)
            drop(&slots[i]);
    victim->key = strdup(key);
    victim->blob = malloc(sizeof *victim->blob + (len ? len : 1));
    if (victim->key && victim->blob) {
        atomic_init(&victim->blob->refs, 1);
        victim->blob->len = len;
        victim->blob->ctype = ctype;
        memcpy(victim->blob->data, data, len);
        victim->len = len;
        victim->deps = dep_bits(deps);
        memcpy(victim->g, seen.g, sizeof victim->g);
        victim->aux = aux;
        victim->mark = mark;
        victim->used = ++clock_;
        total += len;
    } else {
        free(victim->key);
        free(victim->blob);
        memset(victim, 0, sizeof *victim);
    }
    pthread_mutex_unlock(&mu);
}

void web_cache_put_deps(const char *key, int deps, int64_t gen, const char *data, size_t len, const char *ctype)
{
    put(key, deps, 0, 0, 0, gen, data, len, ctype);
}

void web_cache_put(const char *key, int64_t gen, const char *data, size_t len, const char *ctype)
{
    put(key, web_cache_deps(key), 0, 0, 0, gen, data, len, ctype);
}

void web_cache_put_part(const char *key, int deps, int64_t gen, int64_t aux, int64_t mark, const char *data, size_t len)
{
    put(key, deps, 1, aux, mark, gen, data, len, NULL);
}

void web_cache_free(void)
{
    pthread_mutex_lock(&mu);
    for (int i = 0; i < CACHE_SLOTS; i++)
        if (slots[i].key)
            drop(&slots[i]);
    pthread_mutex_unlock(&mu);
}
