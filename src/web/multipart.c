/* A strict multipart/form-data parser (RFC 7578) over a body already read under a cap. Strict
 * because its output becomes stored evidence: anything a browser or curl would not send — no
 * boundary, a missing closing delimiter, NUL bytes or line breaks in headers, a part without a
 * name — is refused with a message naming the problem instead of being guessed at. */
#include <string.h>
#include <strings.h>

#include "web/web.h"

#define MP_MAX_PARTS 64
#define MP_MAX_HEADERS 8192   /* all header lines of one part */
#define MP_MAX_FIELD (64 * 1024)

/* First occurrence of needle (n bytes) in hay (len bytes), or NULL. */
static const char *find_bytes(const char *hay, size_t len, const char *needle, size_t n)
{
    if (n == 0 || len < n)
        return NULL;
    const char *end = hay + len - n + 1;
    for (const char *p = hay; p < end;) {
        const char *c = memchr(p, needle[0], (size_t)(end - p));
        if (!c)
            return NULL;
        if (!memcmp(c, needle, n))
            return c;
        p = c + 1;
    }
    return NULL;
}

static int utf8_ok(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s, *e = p + n;
    while (p < e) {
        if (*p < 0x80) {
            p++;
            continue;
        }
        int len = *p >= 0xF0 && *p <= 0xF4 ? 4 : *p >= 0xE0 && *p <= 0xEF ? 3 : *p >= 0xC2 && *p <= 0xDF ? 2 : 0;
        if (!len || p + len > e)
            return 0;
        for (int i = 1; i < len; i++)
            if ((p[i] & 0xC0) != 0x80)
                return 0;
        p += len;
    }
    return 1;
}

int web_multipart_boundary(const char *ctype, char out[72], isms_err *err)
{
    if (!ctype || strncasecmp(ctype, "multipart/form-data", 19))
        return err_set(err, ISMS_EINVAL, "the body is not multipart/form-data");
    const char *p = ctype + 19;
    for (;;) {
        while (*p == ' ' || *p == '\t' || *p == ';')
            p++;
        if (!*p)
            return err_set(err, ISMS_EINVAL, "the multipart Content-Type has no boundary parameter");
        if (!strncasecmp(p, "boundary=", 9)) {
            p += 9;
            size_t n = 0;
            if (*p == '"') {
                const char *q = strchr(++p, '"');
                if (!q)
                    return err_set(err, ISMS_EINVAL, "the multipart boundary has no closing quote");
                n = (size_t)(q - p);
            } else {
                n = strcspn(p, "; \t");
            }
            if (n < 1 || n > 70)
                return err_set(err, ISMS_EINVAL, "the multipart boundary must be 1 to 70 characters");
            for (size_t i = 0; i < n; i++)
                if ((unsigned char)p[i] < 0x20 || (unsigned char)p[i] > 0x7e)
                    return err_set(err, ISMS_EINVAL, "the multipart boundary has a character RFC 2046 forbids");
            memcpy(out, p, n);
            out[n] = '\0';
            return ISMS_OK;
        }
        p += strcspn(p, ";");
    }
}

/* The value of parameter `name` in a Content-Disposition header ("form-data; name=\"x\""), into
 * the arena; NULL when absent. Browsers percent-encode quotes and line breaks in file names, so a
 * quoted value simply runs to the next quote. */
static const char *disp_param(arena *a, const char *h, const char *name, int *bad)
{
    size_t nl = strlen(name);
    for (const char *p = strchr(h, ';'); p; p = strchr(p + 1, ';')) {
        const char *q = p + 1;
        while (*q == ' ' || *q == '\t')
            q++;
        if (strncasecmp(q, name, nl) || q[nl] != '=')
            continue;
        q += nl + 1;
        if (*q == '"') {
            const char *e = strchr(q + 1, '"');
            if (!e) {
                *bad = 1;
                return NULL;
            }
            return arena_strndup(a, q + 1, (size_t)(e - q - 1));
        }
        return arena_strndup(a, q, strcspn(q, "; \t"));
    }
    return NULL;
}

/* Parse the header block of one part (hdr, n bytes, without the blank line). */
static int part_headers(arena *a, const char *hdr, size_t n, const char **name, const char **filename,
                        const char **ctype, int index, isms_err *err)
{
    if (memchr(hdr, '\0', n))
        return err_set(err, ISMS_EINVAL, "part %d of the multipart body has a NUL byte in its headers", index);
    if (!utf8_ok(hdr, n))
        return err_set(err, ISMS_EINVAL, "part %d of the multipart body has headers that are not UTF-8", index);
    char *h = arena_strndup(a, hdr, n);
    *name = *filename = *ctype = NULL;
    int disposition = 0;
    for (char *line = h; line && *line;) {
        char *eol = strstr(line, "\r\n");
        if (eol)
            *eol = '\0';
        if (strchr(line, '\r') || strchr(line, '\n'))
            return err_set(err, ISMS_EINVAL, "part %d of the multipart body has a bare line break in its headers", index);
        char *colon = strchr(line, ':');
        if (!colon)
            return err_set(err, ISMS_EINVAL, "part %d of the multipart body has a header line without ':'", index);
        *colon = '\0';
        char *v = colon + 1;
        while (*v == ' ' || *v == '\t')
            v++;
        if (!strcasecmp(line, "Content-Disposition")) {
            if (strncasecmp(v, "form-data", 9) || (v[9] && v[9] != ';' && v[9] != ' '))
                return err_set(err, ISMS_EINVAL, "part %d is not form-data", index);
            int bad = 0;
            *name = disp_param(a, v, "name", &bad);
            *filename = disp_param(a, v, "filename", &bad);
            if (bad)
                return err_set(err, ISMS_EINVAL, "part %d has an unterminated quoted parameter", index);
            disposition = 1;
        } else if (!strcasecmp(line, "Content-Type")) {
            *ctype = v;
        }
        line = eol ? eol + 2 : NULL;
    }
    if (!disposition || !*name || !**name)
        return err_set(err, ISMS_EINVAL, "part %d of the multipart body has no field name", index);
    return ISMS_OK;
}

int web_multipart_parse(const char *ctype, const char *body, size_t len, size_t max_file, arena *a,
                        web_param **fields, size_t *nfields, web_file **files, size_t *nfiles, isms_err *err)
{
    char boundary[72];
    int rc = web_multipart_boundary(ctype, boundary, err);
    if (rc)
        return rc;
    char delim[80];
    size_t dl = (size_t)snprintf(delim, sizeof delim, "\r\n--%s", boundary);
    *fields = arena_alloc(a, MP_MAX_PARTS * sizeof **fields);
    *files = arena_alloc(a, MP_MAX_PARTS * sizeof **files);
    *nfields = *nfiles = 0;
    if (!body)
        body = "";
    /* The first delimiter has no CRLF before it; no preamble is accepted. */
    if (len < dl - 2 || memcmp(body, delim + 2, dl - 2))
        return err_set(err, ISMS_EINVAL, "the multipart body does not start with its boundary");
    const char *p = body + dl - 2, *end = body + len;
    for (int index = 1;; index++) {
        if (end - p >= 2 && !memcmp(p, "--", 2))
            return index > 1 ? ISMS_OK : err_set(err, ISMS_EINVAL, "the multipart body has no parts");
        if (end - p < 2 || memcmp(p, "\r\n", 2))
            return err_set(err, ISMS_EINVAL, "the multipart body is truncated or malformed after a boundary");
        p += 2;
        if (index > MP_MAX_PARTS)
            return err_set(err, ISMS_EINVAL, "the multipart body has more than %d parts", MP_MAX_PARTS);
        size_t avail = (size_t)(end - p);
        const char *hend = find_bytes(p, avail < MP_MAX_HEADERS + 4 ? avail : MP_MAX_HEADERS + 4, "\r\n\r\n", 4);
        if (!hend)
            return err_set(err, ISMS_EINVAL, avail < MP_MAX_HEADERS ? "the multipart body is truncated in the headers of part %d"
                                                                     : "the headers of part %d are too long", index);
        const char *name = NULL, *filename = NULL, *pctype = NULL;
        if ((rc = part_headers(a, p, (size_t)(hend - p), &name, &filename, &pctype, index, err)))
            return rc;
        const char *data = hend + 4;
        const char *stop = find_bytes(data, (size_t)(end - data), delim, dl);
        if (!stop)
            return err_set(err, ISMS_EINVAL, "the multipart body is truncated: part %d ('%s') has no closing boundary",
                           index, name);
        size_t n = (size_t)(stop - data);
        if (filename) {
            if (n > max_file)
                return err_set(err, ISMS_ENOMEM, "the file '%s' is larger than the %zu MiB upload limit", filename,
                               max_file >> 20);
            (*files)[(*nfiles)++] = (web_file){name, filename, pctype, data, n};
        } else {
            if (n > MP_MAX_FIELD)
                return err_set(err, ISMS_EINVAL, "the field '%s' is longer than %d bytes", name, MP_MAX_FIELD);
            if (memchr(data, '\0', n) || !utf8_ok(data, n))
                return err_set(err, ISMS_EINVAL, "the field '%s' is not UTF-8 text", name);
            (*fields)[(*nfields)++] = (web_param){name, arena_strndup(a, data, n)};
        }
        p = stop + dl;
    }
}
