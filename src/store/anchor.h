/* The audit log's anchor: a signing key per workspace and signed checkpoints of the chain's head.
 *
 * The hash chain alone proves only that the entries agree with each other: anyone who can write
 * the database can delete the newest entries, or rewrite one and recompute every hash after it.
 * A checkpoint {workspace, count, head hash, time} signed with Ed25519 says "the log had `count`
 * entries and entry `count` had this hash"; it is written beside the workspace after every
 * committed change, with a key kept outside the database (`<db>.key`, mode 0600), so a truncated
 * or recomputed chain no longer matches it, and an auditor holding only the public key can check
 * a checkpoint carried in a report or package.
 *
 * The checkpoint file `<db>.checkpoint` has two fixed slots of ANCHOR_SLOT bytes, each a JSON
 * checkpoint padded with spaces. A new checkpoint overwrites the slot that does not hold the
 * newest one, under an exclusive flock, and only when its count is greater: a write cut short
 * (crash, SIGKILL, power loss) damages at most the slot being written, whose signature then fails,
 * and the other slot still holds the previous checkpoint; concurrent writers never move it back. */
#ifndef ISMS_ANCHOR_H
#define ISMS_ANCHOR_H

#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

#define ANCHOR_FORMAT "isms-checkpoint/1"
#define ANCHOR_SLOT 4096
#define ANCHOR_PUBLIC_KEY_BYTES 32
#define ANCHOR_SECRET_KEY_BYTES 64

/* A workspace's signing key pair and the random id it was made for. */
typedef struct anchor_key {
    char workspace[33];                          /* 128-bit id, hex */
    unsigned char public_key[ANCHOR_PUBLIC_KEY_BYTES];
    unsigned char secret_key[ANCHOR_SECRET_KEY_BYTES];
} anchor_key;

/* One signed checkpoint, every field as text (as carried in JSON). */
typedef struct anchor_checkpoint {
    char workspace[33];
    int64_t count;       /* entries 1..count are covered */
    char head[65];       /* hash of entry `count` (64 zeros when count is 0) */
    char at[32];         /* when it was signed, YYYY-MM-DDTHH:MM:SSZ */
    char public_key[65]; /* hex: the key that signed it (self-declared; trust a pinned key) */
    char signature[129]; /* hex Ed25519 signature of anchor_message() */
} anchor_checkpoint;

/* What reading a checkpoint file found. */
enum {
    ANCHOR_FILE_OK = 0,   /* a validly signed checkpoint is in *out */
    ANCHOR_FILE_MISSING,  /* no such file */
    ANCHOR_FILE_DAMAGED,  /* neither slot holds a readable checkpoint */
    ANCHOR_FILE_BADSIG,   /* checkpoints present, but none verifies with the key given (in *out: the newest) */
};

/* libsodium's one-time initialization; ISMS_EIO when it cannot start. */
int anchor_init(isms_err *err);

/* "<db>.key" and "<db>.checkpoint" for the workspace at db, into out (n bytes). */
int anchor_key_path(const char *db, char *out, size_t n);
int anchor_checkpoint_path(const char *db, char *out, size_t n);

/* Load the key at path. Refuses a key file that group or others can read or write (naming the
 * fix), a non-regular file and a malformed one; ISMS_ENOTFOUND when there is none. */
int anchor_key_load(const char *path, anchor_key *k, isms_err *err);
/* Make a new key pair with a fresh workspace id and write it to path (mode 0600, flushed);
 * ISMS_ECONFLICT when a key appeared there meanwhile (nothing is overwritten). */
int anchor_key_create(const char *path, anchor_key *k, isms_err *err);

/* Public keys as 64 hex digits; parse accepts that or "ed25519:" + hex, or a file holding either. */
void anchor_hex(const unsigned char *p, size_t n, char *out);
int anchor_public_key_parse(const char *text, unsigned char pk[ANCHOR_PUBLIC_KEY_BYTES], isms_err *err);
/* The key given on a command line: hex digits, or the path of a file that holds them. */
int anchor_public_key_arg(const char *arg, unsigned char pk[ANCHOR_PUBLIC_KEY_BYTES], isms_err *err);

/* The exact bytes a checkpoint's signature covers (NUL-terminated); its length, or -1 if n is short. */
int anchor_message(const anchor_checkpoint *c, char *out, size_t n);
/* Fill c for (count, head) now and sign it with k. */
void anchor_sign(const anchor_key *k, int64_t count, const char *head, anchor_checkpoint *c);
/* 1 when c's signature verifies with pk, else 0. Only pk is trusted, never c->public_key. */
int anchor_verify(const anchor_checkpoint *c, const unsigned char pk[ANCHOR_PUBLIC_KEY_BYTES]);

/* Detached signature (128 hex digits) of any bytes with k, and its check against pk (1: valid). */
void anchor_sign_bytes(const anchor_key *k, const void *data, size_t len, char sig[129]);
int anchor_verify_bytes(const unsigned char pk[ANCHOR_PUBLIC_KEY_BYTES], const void *data, size_t len,
                        const char *sig);

/* c as one JSON object (no newline) into out; its length, or -1 if n is short. */
int anchor_checkpoint_json(const anchor_checkpoint *c, char *out, size_t n);
/* Parse and validate a JSON checkpoint (every field present and well-formed). */
int anchor_checkpoint_parse(const char *text, size_t len, anchor_checkpoint *c, isms_err *err);

/* The checkpoint a process last verified or signed, with its key: reading the same bytes again
 * needs no second verification (one costs about three signatures), so a commit checks about one
 * signature. Zero it to start. */
typedef struct anchor_seen {
    int valid;
    anchor_checkpoint ck;
    unsigned char pk[ANCHOR_PUBLIC_KEY_BYTES];
} anchor_seen;

/* Read the checkpoint file at path under a shared lock: the newest checkpoint whose signature
 * verifies with pk (any well-formed one when pk is NULL) into *out; seen (or NULL) skips verifying
 * what was verified before and remembers what this verified. Returns an ANCHOR_FILE_* state, or
 * -1 with err filled when the file exists but cannot be read. */
int anchor_file_read(const char *path, const unsigned char *pk, anchor_checkpoint *out, anchor_seen *seen,
                     isms_err *err);
/* Create the checkpoint file at path holding only c (temp file, flushed, renamed into place). */
int anchor_file_create(const char *path, const anchor_checkpoint *c, isms_err *err);
/* Sign (count, head) and store it in the file at path, unless the file already holds a checkpoint
 * with a count at least as great. The slot is pushed to the disk before returning and made
 * durable by the disk's next flush (the next commit's): after a power loss the file can lag the
 * database, which verification accepts, but is never ahead of it nor torn. *written: 1 when this
 * checkpoint was stored. ISMS_ENOTFOUND when the file is missing (it is not created here). */
int anchor_file_advance(const char *path, const anchor_key *k, int64_t count, const char *head, anchor_seen *seen,
                        int *written, isms_err *err);

#endif
