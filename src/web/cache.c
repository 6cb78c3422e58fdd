/* A response cache for read-only GETs, keyed by the request and the workspace's generation: the
 * newest audit log entry, which every change writes. Any change anywhere (web, API or CLI) makes
 * every cached answer stale at once, so the cache never serves old data. */
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "store/internal.h"
#include "web/web.h"

#define CACHE_SLOTS 128
#define CACHE_MAX_ENTRY (2u << 20)
#define CACHE_MAX_TOTAL (16u << 20)

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
    int64_t gen;
    web_cache_blob *blob;
    size_t len;
    unsigned long used;
} slot;

static slot slots[CACHE_SLOTS];
static size_t total;
static unsigned long clock_;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

int web_cache_generation(ws *w, int64_t *gen)
{
    sqlite3_stmt *st;
    isms_err err = {0};
    *gen = -1;
    if (st_cached(w, "SELECT coalesce(max(seq), 0) FROM audit_log", &st, &err))
        return -1;
    if (sqlite3_step(st) == SQLITE_ROW)
        *gen = sqlite3_column_int64(st, 0);
    st_release(w, st);
    return *gen >= 0 ? 0 : -1;
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

web_cache_blob *web_cache_take(const char *key, int64_t gen, const char **data, size_t *len, const char **ctype)
{
    web_cache_blob *b = NULL;
    pthread_mutex_lock(&mu);
    for (int i = 0; i < CACHE_SLOTS; i++)
        if (slots[i].key && slots[i].gen == gen && !strcmp(slots[i].key, key)) {
            b = slots[i].blob;
            atomic_fetch_add(&b->refs, 1);
            slots[i].used = ++clock_;
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

void web_cache_put(const char *key, int64_t gen, const char *data, size_t len, const char *ctype)
{
    if (len > CACHE_MAX_ENTRY)
        return;
    pthread_mutex_lock(&mu);
    slot *victim = &slots[0];
    for (int i = 0; i < CACHE_SLOTS; i++) {
        if (slots[i].key && slots[i].gen != gen)
            drop(&slots[i]); /* stale for good: generations only grow */
        if (slots[i].key && !strcmp(slots[i].key, key))
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
        victim->gen = gen;
        victim->used = ++clock_;
        total += len;
    } else {
        free(victim->key);
        free(victim->blob);
        memset(victim, 0, sizeof *victim);
    }
    pthread_mutex_unlock(&mu);
}

void web_cache_free(void)
{
    pthread_mutex_lock(&mu);
    for (int i = 0; i < CACHE_SLOTS; i++)
        if (slots[i].key)
            drop(&slots[i]);
    pthread_mutex_unlock(&mu);
}
