/* Signing keys and checkpoint files of the audit log (libsodium Ed25519, jansson). */
#define _GNU_SOURCE /* sync_file_range */
#include "store/anchor.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define KEY_HEADER "# isms signing key of the audit log's checkpoints. Keep it secret (mode 0600) and back it up.\n"
#define KEY_FILE_MAX 1024

int anchor_init(isms_err *err)
{
    if (sodium_init() < 0)
        return err_set(err, ISMS_EIO, "cannot start the signature library (libsodium)");
    return ISMS_OK;
}

static int suffixed(const char *db, const char *suffix, char *out, size_t n)
{
    int len = snprintf(out, n, "%s%s", db, suffix);
    return len < 0 || (size_t)len >= n ? -1 : 0;
}

int anchor_key_path(const char *db, char *out, size_t n) { return suffixed(db, ".key", out, n); }
int anchor_checkpoint_path(const char *db, char *out, size_t n) { return suffixed(db, ".checkpoint", out, n); }

void anchor_hex(const unsigned char *p, size_t n, char *out) { sodium_bin2hex(out, 2 * n + 1, p, n); }

/* Exactly n bytes of lowercase or uppercase hex in s (len characters) into out. */
static int unhex(const char *s, size_t len, unsigned char *out, size_t n)
{
    size_t got = 0;
    const char *end = NULL;
    if (len != 2 * n || sodium_hex2bin(out, n, s, len, NULL, &got, &end) || got != n || end != s + len)
        return -1;
    return 0;
}

static int is_hex(const char *s, size_t n)
{
    if (strlen(s) != n)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return 0;
    return 1;
}

/* --- keys --- */

static int key_parse(const char *path, const char *text, anchor_key *k, isms_err *err)
{
    char ws[300] = "", pub[300] = "", sec[300] = "";
    const char *line = text;
    while (*line) {
        const char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line) : strlen(line);
        char l[300];
        if (len < sizeof l && line[0] != '#') {
            memcpy(l, line, len);
            l[len] = '\0';
            if (!strncmp(l, "workspace ", 10))
                snprintf(ws, sizeof ws, "%s", l + 10);
            else if (!strncmp(l, "public ", 7))
                snprintf(pub, sizeof pub, "%s", l + 7);
            else if (!strncmp(l, "secret ", 7))
                snprintf(sec, sizeof sec, "%s", l + 7);
        }
        line += len + (nl ? 1 : 0);
    }
    unsigned char derived[ANCHOR_PUBLIC_KEY_BYTES];
    if (!is_hex(ws, 32) || unhex(pub, strlen(pub), k->public_key, sizeof k->public_key) ||
        unhex(sec, strlen(sec), k->secret_key, sizeof k->secret_key) ||
        crypto_sign_ed25519_sk_to_pk(derived, k->secret_key) || memcmp(derived, k->public_key, sizeof derived)) {
        sodium_memzero(sec, sizeof sec);
        sodium_memzero(k, sizeof *k);
        return err_set(err, ISMS_EINVAL, "%s is not an isms signing key (expected workspace, public and secret lines)",
                       path);
    }
    sodium_memzero(sec, sizeof sec);
    memcpy(k->workspace, ws, sizeof k->workspace);
    return ISMS_OK;
}

int anchor_key_load(const char *path, anchor_key *k, isms_err *err)
{
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT)
            return err_set(err, ISMS_ENOTFOUND, "the signing key %s is missing", path);
        if (errno == ELOOP)
            return err_set(err, ISMS_EINVAL, "the signing key %s is a symbolic link; refusing it", path);
        return err_set(err, ISMS_EIO, "cannot read the signing key %s: %s", path, strerror(errno));
    }
    struct stat st;
    if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
        close(fd);
        return err_set(err, ISMS_EINVAL, "the signing key %s is not a regular file", path);
    }
    if (st.st_mode & 077) {
        close(fd);
        return err_set(err, ISMS_EINVAL,
                       "the signing key %s can be read or written by group or others (mode %04o): anyone who "
                       "reads it can forge checkpoints; run `chmod 600 %s` (and consider it exposed)",
                       path, (unsigned)(st.st_mode & 07777), path);
    }
    char text[KEY_FILE_MAX + 1];
    ssize_t got = read(fd, text, KEY_FILE_MAX);
    close(fd);
    if (got < 0)
        return err_set(err, ISMS_EIO, "cannot read the signing key %s: %s", path, strerror(errno));
    text[got] = '\0';
    int rc = key_parse(path, text, k, err);
    sodium_memzero(text, sizeof text);
    return rc;
}

/* fsync the directory holding path, so a new name in it survives a power loss. */
static int sync_dir(const char *path)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash == dir)
        dir[1] = '\0';
    else if (slash)
        *slash = '\0';
    else
        snprintf(dir, sizeof dir, ".");
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}

/* Write data to a fresh temp file beside path with mode, flushed; its name into tmp. */
static int write_temp(const char *path, const void *data, size_t len, mode_t mode, char *tmp, size_t tn,
                      isms_err *err)
{
    static unsigned serial; /* server threads may get here at once: distinct names each */
    snprintf(tmp, tn, "%s.tmp-%ld-%u", path, (long)getpid(), __atomic_fetch_add(&serial, 1, __ATOMIC_RELAXED));
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    if (fd < 0)
        return err_set(err, ISMS_EIO, "cannot create %s: %s", tmp, strerror(errno));
    const char *p = data;
    size_t left = len;
    while (left) {
        ssize_t n = write(fd, p, left);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        p += n;
        left -= (size_t)n;
    }
    int bad = left || fchmod(fd, mode) || fsync(fd);
    int e = errno;
    bad |= close(fd);
    if (bad) {
        unlink(tmp);
        return err_set(err, ISMS_EIO, "cannot write %s: %s", path, strerror(e ? e : EIO));
    }
    return ISMS_OK;
}

int anchor_key_create(const char *path, anchor_key *k, isms_err *err)
{
    unsigned char id[16];
    randombytes_buf(id, sizeof id);
    anchor_hex(id, sizeof id, k->workspace);
    crypto_sign_keypair(k->public_key, k->secret_key);
    char pub[2 * ANCHOR_PUBLIC_KEY_BYTES + 1], sec[2 * ANCHOR_SECRET_KEY_BYTES + 1], text[KEY_FILE_MAX];
    anchor_hex(k->public_key, sizeof k->public_key, pub);
    anchor_hex(k->secret_key, sizeof k->secret_key, sec);
    int len = snprintf(text, sizeof text, KEY_HEADER "workspace %s\npublic %s\nsecret %s\n", k->workspace, pub, sec);
    sodium_memzero(sec, sizeof sec);
    char tmp[4200];
    int rc = write_temp(path, text, (size_t)len, 0600, tmp, sizeof tmp, err);
    sodium_memzero(text, sizeof text);
    if (rc)
        return rc;
    /* link() never replaces: of two processes creating a key at once, one wins and the other
     * learns it and loads the winner's. */
    if (link(tmp, path)) {
        int e = errno;
        unlink(tmp);
        if (e == EEXIST)
            return err_set(err, ISMS_ECONFLICT, "a signing key appeared at %s meanwhile", path);
        return err_set(err, ISMS_EIO, "cannot create the signing key %s: %s", path, strerror(e));
    }
    unlink(tmp);
    if (sync_dir(path))
        return err_set(err, ISMS_EIO, "cannot flush the directory of %s: %s", path, strerror(errno));
    return ISMS_OK;
}

int anchor_public_key_parse(const char *text, unsigned char pk[ANCHOR_PUBLIC_KEY_BYTES], isms_err *err)
{
    const char *s = text;
    while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
        s++;
    if (!strncmp(s, "ed25519:", 8))
        s += 8;
    size_t len = strlen(s);
    while (len && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\n' || s[len - 1] == '\r'))
        len--;
    if (unhex(s, len, pk, ANCHOR_PUBLIC_KEY_BYTES))
        return err_field(err, ISMS_EINVAL, "public_key",
                         "a public key is 64 hexadecimal digits (as the audit report and the evidence package show it)");
    return ISMS_OK;
}

int anchor_public_key_arg(const char *arg, unsigned char pk[ANCHOR_PUBLIC_KEY_BYTES], isms_err *err)
{
    if (!anchor_public_key_parse(arg, pk, NULL))
        return ISMS_OK;
    FILE *f = fopen(arg, "r");
    if (!f)
        return err_field(err, ISMS_EINVAL, "public_key",
                         "the public key '%s' is neither 64 hexadecimal digits nor a readable file holding them", arg);
    char text[512];
    size_t got = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[got] = '\0';
    /* A public key file may carry comment lines; the key is the first other line. */
    char *line = text;
    while (*line == '#') {
        char *nl = strchr(line, '\n');
        if (!nl)
            break;
        line = nl + 1;
    }
    char *nl = strchr(line, '\n');
    if (nl)
        *nl = '\0';
    if (anchor_public_key_parse(line, pk, NULL))
        return err_field(err, ISMS_EINVAL, "public_key", "%s does not hold a public key (64 hexadecimal digits)", arg);
    return ISMS_OK;
}

/* --- checkpoints --- */

int anchor_message(const anchor_checkpoint *c, char *out, size_t n)
{
    int len = snprintf(out, n, ANCHOR_FORMAT "\nworkspace %s\ncount %lld\nhead %s\nat %s\n", c->workspace,
                       (long long)c->count, c->head, c->at);
    return len < 0 || (size_t)len >= n ? -1 : len;
}

void anchor_sign(const anchor_key *k, int64_t count, const char *head, anchor_checkpoint *c)
{
    memset(c, 0, sizeof *c);
    memcpy(c->workspace, k->workspace, sizeof c->workspace);
    c->count = count;
    snprintf(c->head, sizeof c->head, "%s", head);
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(c->at, sizeof c->at, "%Y-%m-%dT%H:%M:%SZ", &tm);
    anchor_hex(k->public_key, sizeof k->public_key, c->public_key);
    char msg[512];
    int len = anchor_message(c, msg, sizeof msg);
    unsigned char sig[crypto_sign_BYTES];
    crypto_sign_detached(sig, NULL, (const unsigned char *)msg, (unsigned long long)len, k->secret_key);
    anchor_hex(sig, sizeof sig, c->signature);
}

int anchor_verify(const anchor_checkpoint *c, const unsigned char pk[ANCHOR_PUBLIC_KEY_BYTES])
{
    char msg[512];
    unsigned char sig[crypto_sign_BYTES];
    int len = anchor_message(c, msg, sizeof msg);
    if (len < 0 || unhex(c->signature, strlen(c->signature), sig, sizeof sig))
        return 0;
    return crypto_sign_verify_detached(sig, (const unsigned char *)msg, (unsigned long long)len, pk) == 0;
}

void anchor_sign_bytes(const anchor_key *k, const void *data, size_t len, char sig[129])
{
    unsigned char s[crypto_sign_BYTES];
    crypto_sign_detached(s, NULL, data, (unsigned long long)len, k->secret_key);
    anchor_hex(s, sizeof s, sig);
}

int anchor_verify_bytes(const unsigned char pk[ANCHOR_PUBLIC_KEY_BYTES], const void *data, size_t len,
                        const char *sig)
{
    unsigned char s[crypto_sign_BYTES];
    if (!sig || unhex(sig, strlen(sig), s, sizeof s))
        return 0;
    return crypto_sign_verify_detached(s, data, (unsigned long long)len, pk) == 0;
}

int anchor_checkpoint_json(const anchor_checkpoint *c, char *out, size_t n)
{
    int len = snprintf(out, n,
                       "{\"format\":\"" ANCHOR_FORMAT "\",\"workspace\":\"%s\",\"count\":%lld,\"head\":\"%s\","
                       "\"at\":\"%s\",\"public_key\":\"%s\",\"signature\":\"%s\"}",
                       c->workspace, (long long)c->count, c->head, c->at, c->public_key, c->signature);
    return len < 0 || (size_t)len >= n ? -1 : len;
}

static int valid_time(const char *s)
{
    /* YYYY-MM-DDTHH:MM:SSZ: digits where digits go, so no newline can enter the signed message. */
    static const char shape[] = "dddd-dd-ddTdd:dd:ddZ";
    if (strlen(s) != sizeof shape - 1)
        return 0;
    for (size_t i = 0; shape[i]; i++)
        if (shape[i] == 'd' ? !(s[i] >= '0' && s[i] <= '9') : s[i] != shape[i])
            return 0;
    return 1;
}

int anchor_checkpoint_parse(const char *text, size_t len, anchor_checkpoint *c, isms_err *err)
{
    memset(c, 0, sizeof *c);
    json_error_t je;
    json_t *o = json_loadb(text, len, 0, &je);
    if (!o || !json_is_object(o)) {
        json_decref(o);
        return err_set(err, ISMS_EINVAL, "the checkpoint is not a JSON object");
    }
    const char *fmt = json_string_value(json_object_get(o, "format"));
    const char *ws = json_string_value(json_object_get(o, "workspace"));
    const char *head = json_string_value(json_object_get(o, "head"));
    const char *at = json_string_value(json_object_get(o, "at"));
    const char *pk = json_string_value(json_object_get(o, "public_key"));
    const char *sig = json_string_value(json_object_get(o, "signature"));
    json_t *count = json_object_get(o, "count");
    int rc = ISMS_OK;
    if (!fmt || strcmp(fmt, ANCHOR_FORMAT))
        rc = err_set(err, ISMS_EINVAL, "the checkpoint's format is not " ANCHOR_FORMAT);
    else if (!ws || !is_hex(ws, 32))
        rc = err_set(err, ISMS_EINVAL, "the checkpoint's workspace is not a 32-digit hex id");
    else if (!json_is_integer(count) || json_integer_value(count) < 0)
        rc = err_set(err, ISMS_EINVAL, "the checkpoint's count is not a whole number");
    else if (!head || !is_hex(head, 64))
        rc = err_set(err, ISMS_EINVAL, "the checkpoint's head is not a SHA-256 hash");
    else if (!at || !valid_time(at))
        rc = err_set(err, ISMS_EINVAL, "the checkpoint's time is not YYYY-MM-DDTHH:MM:SSZ");
    else if (!pk || !is_hex(pk, 64))
        rc = err_set(err, ISMS_EINVAL, "the checkpoint's public key is not 64 hex digits");
    else if (!sig || !is_hex(sig, 128))
        rc = err_set(err, ISMS_EINVAL, "the checkpoint's signature is not 128 hex digits");
    else {
        memcpy(c->workspace, ws, 33);
        c->count = json_integer_value(count);
        memcpy(c->head, head, 65);
        memcpy(c->at, at, 21);
        memcpy(c->public_key, pk, 65);
        memcpy(c->signature, sig, 129);
    }
    json_decref(o);
    return rc;
}

/* --- the checkpoint file --- */

/* Read both slots of an open checkpoint file; each slot's checkpoint and whether it parsed. */
/* What this process parsed and verified lately, shared by its connections: every commit reads
 * the checkpoint twice and its slots mostly hold what another worker of the same server just
 * signed, so their bytes are parsed, and their signature checked, once per process, not once per
 * read. Only exact bytes (or an exact checkpoint and key) are taken from here. */
#define MEMO_SLOTS 4
static pthread_mutex_t memo_mu = PTHREAD_MUTEX_INITIALIZER;
static struct parsed_memo {
    size_t len; /* 0: empty */
    char bytes[ANCHOR_SLOT];
    anchor_checkpoint ck;
} parsed[MEMO_SLOTS];
static struct verified_memo {
    int valid;
    anchor_checkpoint ck;
    unsigned char pk[ANCHOR_PUBLIC_KEY_BYTES];
} verified_ok[MEMO_SLOTS];
static unsigned parsed_next, verified_next;

static int parsed_find(const char *s, size_t len, anchor_checkpoint *out)
{
    int hit = 0;
    pthread_mutex_lock(&memo_mu);
    for (int i = 0; i < MEMO_SLOTS && !hit; i++)
        if (parsed[i].len == len && !memcmp(parsed[i].bytes, s, len)) {
            *out = parsed[i].ck;
            hit = 1;
        }
    pthread_mutex_unlock(&memo_mu);
    return hit;
}

static void parsed_keep(const char *s, size_t len, const anchor_checkpoint *c)
{
    if (!len || len > ANCHOR_SLOT)
        return;
    pthread_mutex_lock(&memo_mu);
    struct parsed_memo *m = &parsed[parsed_next++ % MEMO_SLOTS];
    memcpy(m->bytes, s, len);
    m->len = len;
    m->ck = *c;
    pthread_mutex_unlock(&memo_mu);
}

static int verified_find(const anchor_checkpoint *c, const unsigned char *pk)
{
    int hit = 0;
    pthread_mutex_lock(&memo_mu);
    for (int i = 0; i < MEMO_SLOTS && !hit; i++)
        hit = verified_ok[i].valid && !memcmp(verified_ok[i].pk, pk, sizeof verified_ok[i].pk) &&
              !memcmp(&verified_ok[i].ck, c, sizeof *c);
    pthread_mutex_unlock(&memo_mu);
    return hit;
}

static void verified_keep(const anchor_checkpoint *c, const unsigned char *pk)
{
    pthread_mutex_lock(&memo_mu);
    struct verified_memo *m = &verified_ok[verified_next++ % MEMO_SLOTS];
    m->valid = 1;
    m->ck = *c;
    memcpy(m->pk, pk, sizeof m->pk);
    pthread_mutex_unlock(&memo_mu);
}

static int read_slots(int fd, anchor_checkpoint slot[2], int ok[2])
{
    char b[2 * ANCHOR_SLOT];
    ssize_t got = pread(fd, b, sizeof b, 0);
    if (got < 0)
        return -1;
    for (int i = 0; i < 2; i++) {
        ok[i] = 0;
        if (got <= (ssize_t)(i * ANCHOR_SLOT))
            continue;
        size_t len = (size_t)got - (size_t)i * ANCHOR_SLOT;
        if (len > ANCHOR_SLOT)
            len = ANCHOR_SLOT;
        const char *s = b + i * ANCHOR_SLOT;
        size_t used = 0;
        while (used < len && s[used] && s[used] != '\n')
            used++;
        if (used > 0 && parsed_find(s, used, &slot[i]))
            ok[i] = 1;
        else if ((ok[i] = used > 0 && anchor_checkpoint_parse(s, used, &slot[i], NULL) == ISMS_OK))
            parsed_keep(s, used, &slot[i]);
    }
    return 0;
}

/* Whether c verifies with pk, asking seen first and telling it what verified. */
static int verified(const anchor_checkpoint *c, const unsigned char *pk, anchor_seen *seen)
{
    if (seen && seen->valid && !memcmp(seen->pk, pk, sizeof seen->pk) && !memcmp(&seen->ck, c, sizeof *c))
        return 1;
    if (!verified_find(c, pk)) {
        if (!anchor_verify(c, pk))
            return 0;
        verified_keep(c, pk);
    }
    if (seen) {
        seen->valid = 1;
        seen->ck = *c;
        memcpy(seen->pk, pk, sizeof seen->pk);
    }
    return 1;
}

/* The newest slot that verifies with pk (any parsed one when pk is NULL): its index, or -1. The
 * newer slot is checked first, so the older one is verified only when the newer one fails. */
static int newest_slot(const anchor_checkpoint slot[2], const int ok[2], const unsigned char *pk, anchor_seen *seen)
{
    int first = ok[0] && ok[1] ? (slot[1].count > slot[0].count) : ok[1];
    for (int n = 0; n < 2; n++) {
        int i = n ? !first : first;
        if (ok[i] && (!pk || verified(&slot[i], pk, seen)))
            return i;
    }
    return -1;
}

static int lock_fd(int fd, int how)
{
    while (flock(fd, how))
        if (errno != EINTR)
            return -1;
    return 0;
}

int anchor_file_read(const char *path, const unsigned char *pk, anchor_checkpoint *out, anchor_seen *seen,
                     isms_err *err)
{
    memset(out, 0, sizeof *out);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT)
            return ANCHOR_FILE_MISSING;
        err_set(err, ISMS_EIO, "cannot read the checkpoint %s: %s", path, strerror(errno));
        return -1;
    }
    anchor_checkpoint slot[2];
    int ok[2];
    int bad = lock_fd(fd, LOCK_SH) || read_slots(fd, slot, ok);
    int e = errno;
    close(fd);
    if (bad) {
        err_set(err, ISMS_EIO, "cannot read the checkpoint %s: %s", path, strerror(e));
        return -1;
    }
    int best = newest_slot(slot, ok, pk, seen);
    if (best >= 0) {
        *out = slot[best];
        return ANCHOR_FILE_OK;
    }
    best = newest_slot(slot, ok, NULL, NULL);
    if (best < 0)
        return ANCHOR_FILE_DAMAGED;
    *out = slot[best];
    return ANCHOR_FILE_BADSIG;
}

/* One slot's bytes: the JSON, a newline, spaces up to the slot's end. */
static int slot_bytes(const anchor_checkpoint *c, char out[ANCHOR_SLOT])
{
    memset(out, ' ', ANCHOR_SLOT);
    int len = anchor_checkpoint_json(c, out, ANCHOR_SLOT - 1);
    if (len < 0)
        return -1;
    out[len] = '\n';
    out[ANCHOR_SLOT - 1] = '\n';
    return 0;
}

int anchor_file_create(const char *path, const anchor_checkpoint *c, isms_err *err)
{
    char b[2 * ANCHOR_SLOT];
    if (slot_bytes(c, b))
        return err_set(err, ISMS_EINVAL, "the checkpoint does not fit its slot");
    memset(b + ANCHOR_SLOT, ' ', ANCHOR_SLOT);
    b[2 * ANCHOR_SLOT - 1] = '\n';
    char tmp[4200];
    int rc = write_temp(path, b, sizeof b, 0644, tmp, sizeof tmp, err);
    if (rc)
        return rc;
    if (rename(tmp, path)) {
        int e = errno;
        unlink(tmp);
        return err_set(err, ISMS_EIO, "cannot create the checkpoint %s: %s", path, strerror(e));
    }
    if (sync_dir(path))
        return err_set(err, ISMS_EIO, "cannot flush the directory of %s: %s", path, strerror(errno));
    return ISMS_OK;
}

int anchor_file_advance(const char *path, const anchor_key *k, int64_t count, const char *head, anchor_seen *seen,
                        int *written, isms_err *err)
{
    *written = 0;
    int fd = open(path, O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT)
            return err_set(err, ISMS_ENOTFOUND, "the checkpoint %s is missing", path);
        return err_set(err, ISMS_EIO, "cannot open the checkpoint %s: %s", path, strerror(errno));
    }
    anchor_checkpoint slot[2];
    int ok[2];
    if (lock_fd(fd, LOCK_EX) || read_slots(fd, slot, ok)) {
        int e = errno;
        close(fd);
        return err_set(err, ISMS_EIO, "cannot read the checkpoint %s: %s", path, strerror(e));
    }
    int best = newest_slot(slot, ok, k->public_key, seen);
    if (best >= 0 && slot[best].count >= count) {
        close(fd);
        return ISMS_OK; /* another writer already signed this far: never move back */
    }
    anchor_checkpoint c;
    anchor_sign(k, count, head, &c);
    char b[ANCHOR_SLOT];
    if (slot_bytes(&c, b)) {
        close(fd);
        return err_set(err, ISMS_EINVAL, "the checkpoint does not fit its slot");
    }
    /* Overwrite the slot that does not hold the newest valid checkpoint, so that one survives. */
    off_t off = best == 0 ? ANCHOR_SLOT : 0;
    int bad = pwrite(fd, b, sizeof b, off) != (ssize_t)sizeof b;
#ifdef SYNC_FILE_RANGE_WRITE
    /* Hand the slot to the disk and wait for it; the disk's next cache flush makes it durable.
     * A flush of its own here would double the cost of every commit, and a checkpoint lost to
     * a power cut only lags the chain, which verification accepts. */
    bad = bad || sync_file_range(fd, off, ANCHOR_SLOT,
                                 SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER);
#else
    bad = bad || fdatasync(fd);
#endif
    int e = errno;
    close(fd);
    if (bad)
        return err_set(err, ISMS_EIO, "cannot write the checkpoint %s: %s", path, strerror(e));
    *written = 1;
    verified_keep(&c, k->public_key);
    if (seen) {
        seen->valid = 1;
        seen->ck = c;
        memcpy(seen->pk, k->public_key, sizeof seen->pk);
    }
    return ISMS_OK;
}
