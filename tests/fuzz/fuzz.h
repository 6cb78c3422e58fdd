/* Helpers shared by the libFuzzer targets (tests/fuzz/fuzz_*.c, built by `make fuzz`): splitting
 * one input into several parts, handing bytes to code that only reads paths, a scratch directory,
 * and a loopback HTTP peer that answers a collector's requests with responses taken from the
 * input. None of this parses anything itself: each target calls the product's own parser. */
#ifndef ISMS_FUZZ_H
#define ISMS_FUZZ_H

#include <stddef.h>
#include <stdint.h>

/* The separator between the parts of one input: a line of five '='. */
#define FUZZ_SEP "\n=====\n"

typedef struct fuzz_part {
    const char *p;
    size_t n;
} fuzz_part;

/* Split data at each FUZZ_SEP into at most max parts (the last one keeps the rest); returns how
 * many. Parts point into data. */
size_t fuzz_split(const uint8_t *data, size_t size, fuzz_part *parts, size_t max);

/* A NUL-terminated malloc'd copy of a part (free it). */
char *fuzz_strdup(fuzz_part part);

/* A path whose content is data: an anonymous memory file (memfd) seen as /proc/self/fd/N. Close
 * it with fuzz_file_close. */
const char *fuzz_file(const void *data, size_t n, const char *name);
void fuzz_file_close(void);

/* A private directory made once per process (removed at exit); fuzz_tree_put writes rel (e.g.
 * "/etc/ssh/sshd_config") under it, creating directories; fuzz_tree_clear empties it. */
const char *fuzz_tree(void);
void fuzz_tree_put(const char *rel, const void *data, size_t n);
void fuzz_tree_clear(void);

/* The loopback HTTP peer: started once, it answers each request with the next response of the
 * list set by fuzz_peer_serve (in order), then 404 with an empty body. A response part is
 * "STATUS\nHeader: value\n...\n\nbody"; a part without a status line is a 200 with that body. */
const char *fuzz_peer_url(void);  /* "http://127.0.0.1:PORT" */
void fuzz_peer_serve(const fuzz_part *responses, size_t n);
/* How many requests the peer has answered since the last fuzz_peer_serve. */
size_t fuzz_peer_requests(void);

/* While set on the calling thread, nanosleep returns at once: a collector's backoff or a
 * server's Retry-After does not make the fuzzer wait (libFuzzer's own threads still sleep). */
void fuzz_no_sleep(int on);

#endif

/* ---- collectors ---- */
#include "collect/check.h"

/* Run one check of a source on an input: data[0] picks the check of the NULL-terminated list
 * (its low 7 bits) and the mode (its high bit: the offline evaluate of a saved document, when the
 * check has one); the rest is that document, or the responses the loopback peer answers the
 * check's requests with (parts separated by FUZZ_SEP). get is the environment the check sees. */
void fuzz_run_check(const check_def *defs, const uint8_t *data, size_t size, const char *(*get)(const char *));
