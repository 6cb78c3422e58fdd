/* Files written whole or not at all: a temp file beside the destination, flushed and renamed into
 * place, so a crash or an error leaves either the old file or the complete new one. */
#ifndef ISMS_OUTFILE_H
#define ISMS_OUTFILE_H

#include <stddef.h>

#include "util/err.h"

typedef struct outfile {
    const char *path;
    char *tmp;   /* "<path>.tmp-<pid>-<n>", same directory so rename() is atomic */
    char *dir;   /* path's directory, named in errors (and where libraries may put their temp files) */
} outfile;

/* Reserve a fresh temp file beside path (an existing file's permissions are kept); its open
 * descriptor goes to *fd. Refuses a directory or an empty path. */
int outfile_open(outfile *o, const char *path, int *fd, isms_err *err);
/* fsync the finished temp file and rename it over path; on failure the temp file is removed. */
int outfile_commit(outfile *o, isms_err *err);
/* Remove the temp file and free o. */
void outfile_abort(outfile *o);
/* Why path cannot be written (errno e), in words the user can act on. */
int outfile_error(const outfile *o, int e, isms_err *err);
/* The whole of data to path through a temp file. */
int outfile_write(const char *path, const void *data, size_t len, isms_err *err);

#endif
