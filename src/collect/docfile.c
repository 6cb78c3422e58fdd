/* Policy documents from files: the bytes read with their size capped, PDF text through pdfinfo and
 * pdftotext run with fork/execvp (never a shell), their output capped and their time limited; the
 * parsing is core's (core/docread.h). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "collect/docfile.h"
#include "core/docread_int.h"
#include "util/buf.h"

/* Run argv (no shell), capturing stdout (capped) and the start of stderr; kills it after the timeout. */
static int run_tool(char *const argv[], buf *out, char *errtext, size_t errsz, int *status, isms_err *err)
{
    int po[2], pe[2];
    if (pipe(po))
        return err_set(err, ISMS_EIO, "cannot run %s: %s", argv[0], strerror(errno));
    if (pipe(pe)) {
        close(po[0]);
        close(po[1]);
        return err_set(err, ISMS_EIO, "cannot run %s: %s", argv[0], strerror(errno));
    }
    pid_t pid = fork();
    if (pid < 0) {
        close(po[0]), close(po[1]), close(pe[0]), close(pe[1]);
        return err_set(err, ISMS_EIO, "cannot run %s: %s", argv[0], strerror(errno));
    }
    if (pid == 0) {
        dup2(po[1], 1);
        dup2(pe[1], 2);
        close(po[0]), close(po[1]), close(pe[0]), close(pe[1]);
        int devnull = open("/dev/null", O_RDONLY);
        if (devnull >= 0)
            dup2(devnull, 0);
        execvp(argv[0], argv);
        _exit(127);
    }
    close(po[1]);
    close(pe[1]);
    size_t elen = 0;
    errtext[0] = '\0';
    struct pollfd fds[2] = {{po[0], POLLIN, 0}, {pe[0], POLLIN, 0}};
    int open_fds = 2, over = 0, timed_out = 0;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    char chunk[65536];
    while (open_fds) {
        clock_gettime(CLOCK_MONOTONIC, &t1);
        long spent = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
        if (spent >= DOCFILE_TOOL_TIMEOUT_MS) {
            timed_out = 1;
            break;
        }
        if (poll(fds, 2, (int)(DOCFILE_TOOL_TIMEOUT_MS - spent)) < 0 && errno != EINTR)
            break;
        for (int k = 0; k < 2; k++) {
            if (fds[k].fd < 0 || !(fds[k].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            ssize_t got = read(fds[k].fd, chunk, sizeof chunk);
            if (got <= 0) {
                close(fds[k].fd);
                fds[k].fd = -1;
                open_fds--;
            } else if (k == 0 && !over && buf_append(out, chunk, (size_t)got)) {
                over = 1;
            } else if (k == 1 && elen + 1 < errsz) {
                size_t c = (size_t)got < errsz - elen - 1 ? (size_t)got : errsz - elen - 1;
                memcpy(errtext + elen, chunk, c);
                errtext[elen += c] = '\0';
            }
        }
        if (over)
            break;
    }
    if (timed_out || over)
        kill(pid, SIGKILL);
    for (int k = 0; k < 2; k++)
        if (fds[k].fd >= 0)
            close(fds[k].fd);
    int st = 0;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    if (timed_out)
        return err_set(err, ISMS_EINVAL, "%s took longer than %d s", argv[0], DOCFILE_TOOL_TIMEOUT_MS / 1000);
    if (over)
        return err_set(err, ISMS_EINVAL, "its text is larger than %zu MB", out->max >> 20);
    if (WIFEXITED(st) && WEXITSTATUS(st) == 127)
        return err_set(err, ISMS_EIO, "%s is not installed (Debian package poppler-utils)", argv[0]);
    *status = WIFEXITED(st) ? WEXITSTATUS(st) : 128;
    return ISMS_OK;
}

static void first_line(char *s)
{
    char *nl = strchr(s, '\n');
    if (nl)
        *nl = '\0';
}

static int read_pdf(doc *d, arena *a, const char *path, isms_err *err)
{
    /* a path starting with "-" would be read as an option */
    const char *p = path[0] == '-' ? arena_sprintf(a, "./%s", path) : path;
    char errtext[512];
    int status = 0;
    buf out;
    buf_init(&out, 1 << 20);
    char *info_argv[] = {"pdfinfo", "-enc", "UTF-8", (char *)p, NULL};
    int rc = run_tool(info_argv, &out, errtext, sizeof errtext, &status, err);
    if (!rc && status) {
        first_line(errtext);
        rc = strstr(errtext, "password") || strstr(errtext, "Password")
                 ? err_set(err, ISMS_EINVAL, "is an encrypted PDF that needs a password; give an unprotected copy")
                 : err_set(err, ISMS_EINVAL, "is a damaged PDF (pdfinfo: %s)", errtext[0] ? errtext : "cannot read it");
    }
    if (rc) {
        buf_free(&out);
        return rc;
    }
    const char *enc = docread_pdf_info(d, a, out.data ? out.data : "");
    buf_free(&out);

    buf_init(&out, DOCREAD_MAX_FILE);
    char *text_argv[] = {"pdftotext", "-enc", "UTF-8", "-eol", "unix", (char *)p, "-", NULL};
    rc = run_tool(text_argv, &out, errtext, sizeof errtext, &status, err);
    if (!rc && status) {
        first_line(errtext);
        rc = enc && !strncmp(enc, "yes", 3)
                 ? err_set(err, ISMS_EINVAL, "is an encrypted PDF whose text cannot be extracted")
                 : err_set(err, ISMS_EINVAL, "is a damaged PDF (pdftotext: %s)", errtext[0] ? errtext : "no text");
    }
    if (rc) {
        buf_free(&out);
        return rc;
    }
    docread_pdf_text(d, a, out.data ? out.data : "", out.len);
    buf_free(&out);
    if (!d->words)
        return err_set(err, ISMS_EINVAL, "is a PDF without a text layer (a scanned image?); run OCR on it first");
    return ISMS_OK;
}

int docfile_read(const char *path, arena *a, doc *d, isms_err *err)
{
    memset(d, 0, sizeof *d);
    d->path = arena_strdup(a, path);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return err_set(err, ISMS_EINVAL, "cannot be opened: %s", strerror(errno));
    struct stat st;
    if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
        close(fd);
        return err_set(err, ISMS_EINVAL, "is not a regular file");
    }
    if ((size_t)st.st_size > DOCREAD_MAX_FILE) {
        close(fd);
        return err_set(err, ISMS_EINVAL, "is %lld MB, over the %zu MB limit", (long long)(st.st_size >> 20),
                       DOCREAD_MAX_FILE >> 20);
    }
    size_t n = (size_t)st.st_size, got = 0;
    char *data = malloc(n + 1);
    if (!data) {
        close(fd);
        return err_set(err, ISMS_ENOMEM, "out of memory reading it");
    }
    while (got < n) {
        ssize_t r = read(fd, data + got, n - got);
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    close(fd);
    data[got] = '\0';
    int rc;
    if (got && docread_sniff(data, got) == DOC_PDF) {
        const char *ext = docread_ext(path);
        if (!strcasecmp(ext, "docx") || !strcasecmp(ext, "md") || !strcasecmp(ext, "txt") ||
            !strcasecmp(ext, "html") || !strcasecmp(ext, "htm"))
            rc = err_set(err, ISMS_EINVAL, "is named .%s but its content is a PDF", ext);
        else {
            d->format = DOC_PDF;
            rc = read_pdf(d, a, path, err);
        }
    } else {
        rc = docread_memory(path, data, got, a, d, err);
    }
    free(data);
    return rc;
}
