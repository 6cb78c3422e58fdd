/* CloudTrail input: a log's bytes from a file or memory, plain or gzip (recognised by its magic
 * bytes, whatever the name), fed to the JSON layer's walk through the scanner's read window. */
#include "collect/cloudtrail_int.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

typedef struct ct_src {
    int fd; /* -1: memory */
    const unsigned char *mem;
    size_t mem_len, mem_off, chunk;
    unsigned char peek[2];
    size_t npeek;
    int gz, zinit, zend, raw_eof, members;
    z_stream z;
    unsigned char *zin;
    uint64_t raw_bytes, out_bytes;
    cloudtrail_scan *s;
} ct_src;

static int raw_read(ct_src *c, void *dst, size_t n, size_t *got, isms_err *e)
{
    if (n > c->chunk)
        n = c->chunk;
    if (c->fd < 0) {
        if (n > c->mem_len - c->mem_off)
            n = c->mem_len - c->mem_off;
        memcpy(dst, c->mem + c->mem_off, n);
        c->mem_off += n;
        *got = n;
    } else {
        ssize_t r;
        do
            r = read(c->fd, dst, n);
        while (r < 0 && errno == EINTR);
        if (r < 0)
            return err_set(e, ISMS_EIO, "read failed: %s", strerror(errno));
        *got = (size_t)r;
    }
    c->raw_bytes += *got;
    return ISMS_OK;
}

/* Look at the first two bytes: gzip is recognised by its magic, whatever the file is named. */
static int src_start(ct_src *c, isms_err *e)
{
    while (c->npeek < 2) {
        size_t got;
        int rc = raw_read(c, c->peek + c->npeek, 2 - c->npeek, &got, e);
        if (rc)
            return rc;
        if (!got)
            break;
        c->npeek += got;
    }
    if (c->npeek < 2 || c->peek[0] != 0x1f || c->peek[1] != 0x8b)
        return ISMS_OK;
    c->gz = 1;
    memcpy(c->zin, c->peek, 2);
    c->z.next_in = c->zin;
    c->z.avail_in = 2;
    c->npeek = 0;
    if (inflateInit2(&c->z, 16 + MAX_WBITS) != Z_OK)
        return err_set(e, ISMS_ENOMEM, "cannot start gzip decompression");
    c->zinit = 1;
    return ISMS_OK;
}

/* Up to n decompressed bytes into dst; *got == 0 only at a clean end of input. */
static int src_read(ct_src *c, char *dst, size_t n, size_t *got, isms_err *e)
{
    *got = 0;
    if (!c->gz) {
        if (c->npeek) {
            size_t k = n < c->npeek ? n : c->npeek;
            memcpy(dst, c->peek, k);
            memmove(c->peek, c->peek + k, c->npeek - k);
            c->npeek -= k;
            *got = k;
            return ISMS_OK;
        }
        return raw_read(c, dst, n, got, e);
    }
    for (;;) {
        if (c->z.avail_in == 0 && !c->raw_eof) {
            size_t g;
            int rc = raw_read(c, c->zin, CT_ZIN, &g, e);
            if (rc)
                return rc;
            c->raw_eof = g == 0;
            c->z.next_in = c->zin;
            c->z.avail_in = (uInt)g;
        }
        if (c->zend) {
            if (c->z.avail_in == 0) {
                if (c->raw_eof)
                    return ISMS_OK;
                continue;
            }
            /* Concatenated gzip members are one stream (gzip -c a b > c). */
            inflateReset(&c->z);
            c->zend = 0;
            c->members++;
        }
        if (c->z.avail_in == 0 && c->raw_eof)
            return err_set(e, ISMS_EINVAL, "truncated gzip data (unexpected end of file)");
        c->z.next_out = (unsigned char *)dst;
        c->z.avail_out = (uInt)n;
        int zr = inflate(&c->z, Z_NO_FLUSH);
        *got = n - c->z.avail_out;
        if (zr == Z_STREAM_END) {
            c->zend = 1;
        } else if (zr == Z_MEM_ERROR) {
            return err_set(e, ISMS_ENOMEM, "out of memory in gzip decompression");
        } else if (zr != Z_OK && zr != Z_BUF_ERROR) {
            if (c->members > 0 && c->z.total_out == 0)
                return err_set(e, ISMS_EINVAL, "data after the end of the gzip stream");
            return err_set(e, ISMS_EINVAL, "corrupt gzip data: %s", c->z.msg ? c->z.msg : "error");
        }
        if (*got)
            return ISMS_OK;
    }
}

/* The walk's reads: decompressed bytes, within the caller's expansion limit, with progress. */
static int src_fill(void *ud, char *dst, size_t n, size_t *got, isms_err *e)
{
    ct_src *c = ud;
    const cloudtrail_opts *o = &c->s->o;
    int rc = src_read(c, dst, n, got, e);
    if (rc)
        return rc;
    c->out_bytes += *got;
    if (o->max_bytes && c->out_bytes > o->max_bytes)
        return err_set(e, ISMS_EINVAL, "the log expands to more than %llu MiB; scan it with `isms logs scan`",
                       (unsigned long long)(o->max_bytes >> 20));
    if (o->progress)
        o->progress(o->progress_ud, c->raw_bytes);
    return ISMS_OK;
}

static int scan_with(cloudtrail_scan *s, ct_src *c, isms_err *e)
{
    c->chunk = s->o.read_size;
    c->zin = s->zin;
    c->s = s;
    int rc = src_start(c, e);
    if (rc == ISMS_OK) {
        ctj_input in = {.buf = s->buf, .bufsz = s->bufsz, .fill = src_fill, .fill_ud = c};
        ctj_sink sink;
        ct_rules_sink(s, &sink);
        rc = ctj_records(&in, &sink, s->scratch, s->scratch_cap, s->o.record_cap, e);
    }
    if (c->zinit)
        inflateEnd(&c->z);
    return rc;
}

int cloudtrail_scan_file(cloudtrail_scan *s, const char *path, isms_err *e)
{
    err_clear(e);
    ct_src c = {0};
    c.fd = open(path, O_RDONLY | O_CLOEXEC);
    if (c.fd < 0)
        return err_set(e, errno == ENOENT ? ISMS_ENOTFOUND : ISMS_EIO, "cannot open: %s",
                       strerror(errno));
    struct stat st;
    if (fstat(c.fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        close(c.fd);
        return err_set(e, ISMS_EINVAL, "is a directory");
    }
#ifdef POSIX_FADV_SEQUENTIAL
    posix_fadvise(c.fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
    int rc = scan_with(s, &c, e);
    close(c.fd);
    return rc;
}

int cloudtrail_scan_mem(cloudtrail_scan *s, const void *data, size_t len, isms_err *e)
{
    err_clear(e);
    ct_src c = {0};
    c.fd = -1;
    c.mem = data;
    c.mem_len = len;
    return scan_with(s, &c, e);
}

