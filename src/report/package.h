/* The evidence package for the auditor: one zip holding the audit report, the SoA, the registers
 * and every evidence file, with a manifest.json that lists each file's SHA-256, size and controls.
 * The archive comment carries the SHA-256 of every byte before it, so a change to any byte of the
 * package (file data, manifest or zip structure) fails verification. */
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

#endif
