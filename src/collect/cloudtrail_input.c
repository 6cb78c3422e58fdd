/* CloudTrail input: a log's bytes from a file, memory or a caller's reader (an S3 object), plain or
 * gzip (recognised by its magic bytes, whatever the name), fed to the JSON layer's walk. A gzip log
 * whose size is known and fits CT_WHOLE_MAX is read whole and inflated in one call by libdeflate,
 * about twice as fast as zlib, and walked in place; anything else streams through zlib and the
 * scanner's read window, so memory stays bounded whatever the size. libdeflate says nothing of
 * what it inflated before an error, so a log it refuses (corrupt, truncated, several members,
 * lying about its size) is read again with zlib, which reports the error exactly and keeps the
 * records before it: both ways give the same findings and errors. */
#include "collect/cloudtrail_int.h"

#include <errno.h>
#include <fcntl.h>
#include <libdeflate.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

typedef struct ct_src {
    /* Raw bytes come from pre (a log already read whole) first, then from the reader: a file
     * (fd >= 0), a caller's reader (pull), else memory. */
    const unsigned char *pre;
    size_t pre_len, pre_off;
    int fd;
    ct_pull_fn pull;
    void *pull_ud;
    const unsigned char *mem;
    size_t mem_len, mem_off, chunk;
    unsigned char peek[2];
    size_t npeek;
    int gz, zinit, zend, raw_eof, members;
    z_stream z;
    unsigned char *zin;
    uint64_t raw_bytes, out_bytes;
    int late_rc; /* a read error met while reading ahead, for when pre is used up */
    isms_err late_err;
    cloudtrail_scan *s;
} ct_src;

/* Bytes from the reader, pre aside; raw_bytes counts them (progress is in file bytes). */
static int raw_read(ct_src *c, void *dst, size_t n, size_t *got, isms_err *e)
{
    if (n > c->chunk)
        n = c->chunk;
    if (c->pre_off < c->pre_len) {
        if (n > c->pre_len - c->pre_off)
            n = c->pre_len - c->pre_off;
        memcpy(dst, c->pre + c->pre_off, n);
        c->pre_off += n;
        *got = n;
        return ISMS_OK;
    }
    if (c->late_rc) {
        if (e)
            *e = c->late_err;
        return c->late_rc;
    }
    if (c->pull) {
        int rc = c->pull(c->pull_ud, dst, n, got, e);
        if (rc)
            return rc;
    } else if (c->fd < 0) {
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

/* Read the first two bytes: gzip is recognised by its magic, whatever the file is named. */
static int src_peek(ct_src *c, isms_err *e)
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
    return ISMS_OK;
}

static int src_start(ct_src *c, isms_err *e)
{
    int rc = src_peek(c, e);
    if (rc)
        return rc;
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
        return err_set(e, ISMS_EINVAL, "the log expands to more than %llu MiB, over this scan's limit",
                       (unsigned long long)(o->max_bytes >> 20));
    if (o->progress)
        o->progress(o->progress_ud, c->raw_bytes);
    return ISMS_OK;
}

/* Read the rest of the log (after the two bytes peeked) into s->gz, up to cap bytes in all.
 * *whole: the end was reached. A read error is kept in c to be returned once the bytes read
 * before it are used up, as a streaming read would have. */
static int slurp(cloudtrail_scan *s, ct_src *c, size_t cap, size_t *n, int *whole, isms_err *e)
{
    if (s->gz_cap < cap && ct_grow((void **)&s->gz, &s->gz_cap, cap) != 0)
        return err_set(e, ISMS_ENOMEM, "out of memory reading a gzip log");
    memcpy(s->gz, c->peek, c->npeek);
    size_t len = c->npeek;
    c->npeek = 0;
    *whole = 0;
    while (len < cap) {
        size_t got;
        isms_err re = {0};
        int rc = raw_read(c, s->gz + len, cap - len, &got, &re);
        if (rc) {
            c->late_rc = rc;
            c->late_err = re;
            break;
        }
        if (!got) {
            *whole = 1;
            break;
        }
        len += got;
    }
    *n = len;
    return ISMS_OK;
}

/* Inflate the n bytes of s->gz into s->doc with libdeflate; the inflated length, or 0 when it
 * cannot be done in one call (left to zlib). */
static size_t inflate_whole(cloudtrail_scan *s, size_t n)
{
    if (n < 18) /* a gzip header and trailer */
        return 0;
    const unsigned char *t = s->gz + n - 4;
    /* ISIZE, the size of the (last) member mod 2^32: checked against what comes out below */
    size_t isize = (size_t)t[0] | (size_t)t[1] << 8 | (size_t)t[2] << 16 | (size_t)t[3] << 24;
    if (!isize || isize > CT_WHOLE_MAX || (s->o.max_bytes && isize > s->o.max_bytes))
        return 0;
    if (s->doc_cap < isize && ct_grow((void **)&s->doc, &s->doc_cap, isize) != 0)
        return 0;
    if (!s->inflater && !(s->inflater = libdeflate_alloc_decompressor()))
        return 0;
    size_t used = 0, out = 0;
    enum libdeflate_result r = libdeflate_gzip_decompress_ex(s->inflater, s->gz, n, s->doc, isize, &used, &out);
    return r == LIBDEFLATE_SUCCESS && used == n && out == isize ? out : 0;
}

static int scan_with(cloudtrail_scan *s, ct_src *c, uint64_t size, isms_err *e)
{
    c->chunk = s->o.read_size;
    c->zin = s->zin;
    c->s = s;
    ctj_sink sink;
    ct_rules_sink(s, &sink);
    int rc = src_peek(c, e);
    if (rc)
        return rc;
    if (c->npeek == 2 && c->peek[0] == 0x1f && c->peek[1] == 0x8b && !s->o.stream_gzip && size <= CT_WHOLE_MAX) {
        size_t n = 0;
        int whole = 0;
        if ((rc = slurp(s, c, (size_t)size + 1, &n, &whole, e)) != ISMS_OK)
            return rc;
        if (s->o.progress)
            s->o.progress(s->o.progress_ud, c->raw_bytes);
        size_t len = whole && !c->late_rc ? inflate_whole(s, n) : 0;
        if (len) {
            s->inflated_whole++;
            ctj_input in = {.doc = s->doc, .doc_len = len};
            return ctj_records(&in, &sink, s->scratch, s->scratch_cap, s->o.record_cap, e);
        }
        c->pre = s->gz;
        c->pre_len = n;
    }
    if ((rc = src_start(c, e)) == ISMS_OK) {
        ctj_input in = {.buf = s->buf, .bufsz = s->bufsz, .fill = src_fill, .fill_ud = c};
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
    int known = fstat(c.fd, &st) == 0;
    if (known && S_ISDIR(st.st_mode)) {
        close(c.fd);
        return err_set(e, ISMS_EINVAL, "is a directory");
    }
#ifdef POSIX_FADV_SEQUENTIAL
    posix_fadvise(c.fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
    /* the size of a regular file decides whether a gzip log is read whole; else it streams */
    uint64_t size = known && S_ISREG(st.st_mode) && st.st_size >= 0 ? (uint64_t)st.st_size : UINT64_MAX;
    int rc = scan_with(s, &c, size, e);
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
    return scan_with(s, &c, len, e);
}

int ct_scan_pull(cloudtrail_scan *s, ct_pull_fn pull, void *ud, uint64_t size, isms_err *e)
{
    err_clear(e);
    ct_src c = {0};
    c.fd = -1;
    c.pull = pull;
    c.pull_ud = ud;
    return scan_with(s, &c, size, e);
}
