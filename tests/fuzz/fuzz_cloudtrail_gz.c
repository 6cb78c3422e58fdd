/* CloudTrail logs as files, gzip-compressed: the input is compressed (into one or, when data[0]
 * is odd, two gzip members) unless it already starts with the gzip magic, then scanned from a
 * file as `isms logs scan` does, under an expansion limit. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "collect/cloudtrail.h"
#include "fuzz.h"

/* Append a gzip member of in[0..n) to out (capacity cap), returning the new length. */
static size_t gz_member(const uint8_t *in, size_t n, uint8_t *out, size_t len, size_t cap)
{
    z_stream z = {0};
    if (deflateInit2(&z, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        abort();
    z.next_in = (Bytef *)in;
    z.avail_in = (uInt)n;
    z.next_out = out + len;
    z.avail_out = (uInt)(cap - len);
    deflate(&z, Z_FINISH);
    len = cap - z.avail_out;
    deflateEnd(&z);
    return len;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!size)
        return 0;
    const uint8_t *body = data + 1;
    size_t n = size - 1;
    uint8_t *file = NULL;
    size_t flen = n;
    if (n >= 2 && body[0] == 0x1f && body[1] == 0x8b) {
        file = malloc(n ? n : 1);
        memcpy(file, body, n);
    } else {
        size_t cap = compressBound((uLong)n) * 2 + 64;
        file = malloc(cap);
        size_t half = (data[0] & 1) ? n / 2 : n;
        flen = gz_member(body, half, file, 0, cap);
        if (half < n)
            flen = gz_member(body + half, n - half, file, flen, cap);
    }
    cloudtrail_opts o = {.record_cap = 65536, .read_size = 1 + (data[0] >> 1) * 61, .max_bytes = 8u << 20};
    cloudtrail_scan *s = cloudtrail_scan_new(&o);
    if (s) {
        isms_err err = {0};
        cloudtrail_scan_file(s, fuzz_file(file, flen, "trail.json.gz"), &err);
        fuzz_file_close();
        const cloudtrail_finding *f;
        size_t nf = cloudtrail_scan_findings(s, &f);
        for (size_t i = 0; i < nf; i++)
            (void)strlen(f[i].principal);
        cloudtrail_scan_free(s);
    }
    free(file);
    return 0;
}
