/* Whole-or-nothing file writes: temp file beside the destination, fsync, rename. */
#include "util/outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Distinguishes temp names of exports running at once in one process (web workers). */
static atomic_uint tmp_seq;

static void outfile_free(outfile *o)
{
    free(o->tmp);
    free(o->dir);
    o->tmp = o->dir = NULL;
}

void outfile_abort(outfile *o)
{
    if (o->tmp)
        unlink(o->tmp);
    outfile_free(o);
}

/* Why the file cannot be written, in words the user can act on. */
int outfile_error(const outfile *o, int e, isms_err *err)
{
    switch (e) {
    case ENOENT:
        return err_set(err, ISMS_EIO, "cannot write %s: the directory %s does not exist", o->path, o->dir);
    case ENOTDIR:
        return err_set(err, ISMS_EIO, "cannot write %s: part of the path is not a directory", o->path);
    case EACCES:
    case EPERM:
        return err_set(err, ISMS_EIO, "cannot write %s: permission denied in %s", o->path, o->dir);
    case EROFS:
        return err_set(err, ISMS_EIO, "cannot write %s: the file system is read-only", o->path);
    case ENOSPC:
        return err_set(err, ISMS_EIO, "cannot write %s: no space left on the device", o->path);
    default:
        return err_set(err, ISMS_EIO, "cannot write %s: %s", o->path, strerror(e));
    }
}

/* Reserve a fresh temp file beside path; its open descriptor goes to *fd. */
int outfile_open(outfile *o, const char *path, int *fd, isms_err *err)
{
    memset(o, 0, sizeof *o);
    *fd = -1;
    if (!path || !*path)
        return err_set(err, ISMS_EINVAL, "no output file given");
    o->path = path;
    struct stat st;
    int exists = stat(path, &st) == 0;
    if (exists && S_ISDIR(st.st_mode))
        return err_set(err, ISMS_EINVAL, "cannot write %s: it is a directory", path);
    const char *slash = strrchr(path, '/');
    o->dir = slash ? strndup(path, slash == path ? 1 : (size_t)(slash - path)) : strdup(".");
    size_t n = strlen(path) + 48;
    o->tmp = malloc(n);
    if (!o->dir || !o->tmp) {
        outfile_free(o);
        return err_set(err, ISMS_ENOMEM, "out of memory");
    }
    for (int tries = 0;; tries++) {
        snprintf(o->tmp, n, "%s.tmp-%ld-%u", path, (long)getpid(), atomic_fetch_add(&tmp_seq, 1u));
        /* 0666 so the umask decides, as for any file the user creates. */
        *fd = open(o->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (*fd >= 0) {
            /* Replacing a file keeps its permissions: a private (0600) file stays private. */
            if (exists && S_ISREG(st.st_mode))
                fchmod(*fd, st.st_mode & 07777);
            return ISMS_OK;
        }
        if (errno != EEXIST || tries >= 100)
            break;
    }
    int rc = outfile_error(o, errno, err);
    outfile_free(o);
    return rc;
}

/* Flush the finished temp file to disk and rename it over path, so a crash leaves either the old
 * file or the whole new one. On failure the temp file is removed. */
int outfile_commit(outfile *o, isms_err *err)
{
    int rc = ISMS_OK;
    int fd = open(o->tmp, O_RDONLY | O_CLOEXEC);
    if (fd < 0 || (fsync(fd) != 0 && errno != EINVAL))
        rc = outfile_error(o, errno, err);
    if (fd >= 0)
        close(fd);
    if (rc == ISMS_OK && rename(o->tmp, o->path) != 0)
        rc = outfile_error(o, errno, err);
    if (rc)
        outfile_abort(o);
    else
        outfile_free(o);
    return rc;
}

int outfile_write(const char *path, const void *data, size_t len, isms_err *err)
{
    outfile o;
    int fd, rc = outfile_open(&o, path, &fd, err);
    if (rc)
        return rc;
    const char *p = data;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            int e = n < 0 ? errno : ENOSPC;
            close(fd);
            rc = outfile_error(&o, e, err);
            outfile_abort(&o);
            return rc;
        }
        p += n;
        len -= (size_t)n;
    }
    if (close(fd) != 0) {
        rc = outfile_error(&o, errno, err);
        outfile_abort(&o);
        return rc;
    }
    return outfile_commit(&o, err);
}
