/* Login limits that slow guessing down without locking the owner out. Failed passwords and codes
 * are counted per address and per account; past a few free tries, each further try must wait
 * twice as long as the one before (up to a cap), and a try made too early is refused unchecked.
 * A lock-out would let anyone who knows a user name keep that user out, so a browser that has
 * logged in as the account before carries a device cookie (a MAC of the name under a key of this
 * server process) and is exempt from the account's limit — only its address's limit applies. */
#include <microhttpd.h>
#include <pthread.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "web/web.h"

#define FAIL_WINDOW_S 900       /* failures are forgotten this long after the last one */
#define FREE_ACCOUNT 5
#define FREE_ADDRESS 20
#define CAP_ACCOUNT_S 60
#define CAP_ADDRESS_S 300

typedef struct fail_entry {
    char key[96];               /* "a:NAME" or "i:ADDRESS" */
    int count;
    int64_t last;               /* milliseconds (CLOCK_MONOTONIC) of the last failure */
} fail_entry;

static fail_entry fails[4096];
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static unsigned char device_key[crypto_auth_KEYBYTES];

void web_throttle_init(void) { crypto_auth_keygen(device_key); }

/* In milliseconds: counted in whole seconds, a one-second wait could end a moment after it began. */
static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The entry for key, expiring old ones on the way; created when add. Caller holds mu. */
static fail_entry *entry(const char *key, int64_t now, int add)
{
    fail_entry *slot = NULL, *oldest = &fails[0];
    for (size_t i = 0; i < sizeof fails / sizeof *fails; i++) {
        fail_entry *f = &fails[i];
        if (f->count && now - f->last > FAIL_WINDOW_S * 1000LL)
            memset(f, 0, sizeof *f);
        if (f->count && !strcmp(f->key, key))
            slot = f;
        if (f->last < oldest->last)
            oldest = f;
    }
    if (!slot && add) {
        slot = oldest;
        memset(slot, 0, sizeof *slot);
        snprintf(slot->key, sizeof slot->key, "%s", key);
    }
    return slot;
}

/* Seconds until key may try again (rounded up). Caller holds mu. */
static int wait_for(const char *key, int free_tries, int cap_s, int64_t now)
{
    fail_entry *f = entry(key, now, 0);
    if (!f || f->count < free_tries)
        return 0;
    int shift = f->count - free_tries;
    long delay = shift >= 16 ? cap_s : 1L << shift;
    if (delay > cap_s)
        delay = cap_s;
    int64_t left = f->last + delay * 1000 - now;
    return left > 0 ? (int)((left + 999) / 1000) : 0;
}

static void device_mac(const char *name, char hex[2 * crypto_auth_BYTES + 1])
{
    unsigned char mac[crypto_auth_BYTES];
    crypto_auth(mac, (const unsigned char *)name, strlen(name), device_key);
    sodium_bin2hex(hex, 2 * crypto_auth_BYTES + 1, mac, sizeof mac);
}

int web_throttle_known_device(web_req *rq, const char *name)
{
    const char *v = MHD_lookup_connection_value(rq->conn, MHD_COOKIE_KIND, "isms_device");
    if (!v || strlen(v) != 2 * crypto_auth_BYTES)
        return 0;
    unsigned char mac[crypto_auth_BYTES];
    size_t n = 0;
    if (sodium_hex2bin(mac, sizeof mac, v, strlen(v), NULL, &n, NULL) || n != sizeof mac)
        return 0;
    return crypto_auth_verify(mac, (const unsigned char *)name, strlen(name), device_key) == 0;
}

const char *web_throttle_device_cookie(web_req *rq, const char *name)
{
    char hex[2 * crypto_auth_BYTES + 1];
    device_mac(name, hex);
    return arena_sprintf(rq->a, "isms_device=%s; Path=/; HttpOnly; SameSite=Strict%s; Max-Age=31536000", hex,
                         rq->tls ? "; Secure" : "");
}

static void keys(web_req *rq, const char *name, char akey[96], char ikey[96])
{
    snprintf(akey, 96, "a:%s", name);
    snprintf(ikey, 96, "i:%s", rq->ip ? rq->ip : "-");
}

int web_auth_wait(web_req *rq, const char *name, int at_login)
{
    char akey[96], ikey[96];
    keys(rq, name, akey, ikey);
    int known = at_login && web_throttle_known_device(rq, name);
    int64_t now = now_ms();
    pthread_mutex_lock(&mu);
    int a = known ? 0 : wait_for(akey, FREE_ACCOUNT, CAP_ACCOUNT_S, now);
    int i = wait_for(ikey, FREE_ADDRESS, CAP_ADDRESS_S, now);
    pthread_mutex_unlock(&mu);
    return a > i ? a : i;
}

void web_auth_failed(web_req *rq, const char *name, int at_login)
{
    char akey[96], ikey[96];
    keys(rq, name, akey, ikey);
    int64_t now = now_ms();
    pthread_mutex_lock(&mu);
    /* A known device's misses count against its address only: they must not slow the owner's
     * other browsers, nor may a thief of the cookie guess without limit. */
    if (!at_login || !web_throttle_known_device(rq, name)) {
        fail_entry *f = entry(akey, now, 1);
        f->count++;
        f->last = now;
    }
    fail_entry *f = entry(ikey, now, 1);
    f->count++;
    f->last = now;
    pthread_mutex_unlock(&mu);
}

void web_auth_passed(web_req *rq, const char *name)
{
    char akey[96], ikey[96];
    keys(rq, name, akey, ikey);
    if (web_throttle_known_device(rq, name))
        return; /* the account's count is others' guessing: the owner's login does not undo it */
    pthread_mutex_lock(&mu);
    fail_entry *f = entry(akey, now_ms(), 0);
    if (f)
        memset(f, 0, sizeof *f);
    pthread_mutex_unlock(&mu);
}
