/* The evidence package for the auditor: one zip holding the audit report, the SoA, the registers
 * and every evidence file, with a manifest.json that lists each file's SHA-256, size and controls.
 * The archive comment carries the SHA-256 of every byte before it, so a change to any byte of the
 * package (file data, manifest or zip structure) fails verification. The manifest is signed with
 * the workspace's key (manifest.sig), and the package carries the audit log, its newest signed
 * checkpoint and the public key, so an auditor holding only the public key can check it offline. */
#ifndef ISMS_PACKAGE_H
#define ISMS_PACKAGE_H

#include "store/store.h"

/* Build the package at path (written beside it and renamed into place). *nfiles: files listed. */
int package_write(ws *w, const char *path, arena *a, size_t *nfiles, isms_err *err);

/* One problem verification found. */
typedef struct package_problem {
    const char *path, *message;
} package_problem;
/* Verify a package: the archive digest, the manifest, every listed file's size and SHA-256, and
 * that nothing unlisted was added. Returns ISMS_OK when it could be read (problems in *out, *n is
 * 0 when intact), or an error when it is not a package at all. */
int package_verify(const char *path, arena *a, package_problem **out, size_t *n, size_t *nfiles, isms_err *err);

/* What the signatures of a package showed. */
typedef struct package_anchor {
    const char *key_source;  /* which public key checked the signatures (NULL: none found) */
    char public_key[65];
    int manifest_signed;     /* manifest.sig verifies: every listed file is as packaged */
    int has_checkpoint;
    anchor_checkpoint ck;    /* checkpoint.json */
    int64_t entries, unsigned_entries; /* of the audit log carried in the package */
} package_anchor;
/* package_verify, with the signatures checked with pk (NULL: the public key the package carries,
 * which proves only that the package is consistent, not who made it): the manifest's signature
 * (manifest.sig), the checkpoint's (checkpoint.json), and the audit log in the package
 * (registers/audit-log.json) chained and matching the checkpoint. */
int package_verify_key(const char *path, const unsigned char *pk, arena *a, package_problem **out, size_t *n,
                       size_t *nfiles, package_anchor *info, isms_err *err);

#endif
