/* A response cache for read-only GETs, keyed by the request and the workspace's generation: the
 * newest audit log entry, which every change writes. Any change anywhere (web, API or CLI) makes
 * every cached answer stale at once, so the cache never serves old data. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "store/internal.h"
#include "web/web.h"

#define CACHE_SLOTS 128
#define CACHE_MAX_ENTRY (2u << 20)
#define CACHE_MAX_TOTAL (16u << 20)

typedef struct slot {
    char *key;
    int64_t gen;
    char *data;
    size_t len;
    const char *ctype;
    unsigned long used;
} slot;

static slot slots[CACHE_SLOTS];
static size_t total;
static unsigned long clock_;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

int web_cache_generation(ws *w, int64_t *gen)
{
    sqlite3_stmt *st;
    *gen = -1;
    if (sqlite3_prepare_v2(w->db, "SELECT coalesce(max(seq), 0) FROM audit_log", -1, &st, NULL) != SQLITE_OK)
        return -1;
    if (sqlite3_step(st) == SQLITE_ROW)
        *gen = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return *gen >= 0 ? 0 : -1;
}

int web_cache_get(const char *key, int64_t gen, buf *out, const char **ctype)
{
    int hit = 0;
    pthread_mutex_lock(&mu);
    for (int i = 0; i < CACHE_SLOTS; i++)
        if (slots[i].key && slots[i].gen == gen && !strcmp(slots[i].key, key)) {
            hit = buf_append(out, slots[i].data, slots[i].len) == 0;
            if (ctype)
                *ctype = slots[i].ctype;
            slots[i].used = ++clock_;
            break;
        }
    pthread_mutex_unlock(&mu);
    return hit;
}

static void drop(slot *s)
{
    total -= s->len;
    free(s->key);
    free(s->data);
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
    victim->data = malloc(len ? len : 1);
    if (victim->key && victim->data) {
        memcpy(victim->data, data, len);
        victim->len = len;
        victim->gen = gen;
        victim->ctype = ctype;
        victim->used = ++clock_;
        total += len;
    } else {
        free(victim->key);
        free(victim->data);
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
