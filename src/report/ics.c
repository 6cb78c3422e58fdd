/* iCalendar writer: CRLF lines folded at 75 octets without splitting UTF-8 sequences, TEXT values
 * escaped, all-day events (VALUE=DATE) whose DTEND is the day after the last day. */
#include "report/ics.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "core/cycle.h"
#include "util/outfile.h"

typedef struct line {
    FILE *f;
    int col;
} line;

static void put_octet(line *l, const char *p, size_t n)
{
    /* Fold before a character that would pass 75 octets; the continuation starts with a space. */
    if (l->col + (int)n > 75) {
        fputs("\r\n ", l->f);
        l->col = 1;
    }
    fwrite(p, 1, n, l->f);
    l->col += (int)n;
}

static size_t utf8_len(unsigned char c)
{
    return c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
}

/* name:value with value escaped when text is set. */
static void prop(FILE *f, const char *name, const char *value, int text)
{
    line l = {f, 0};
    put_octet(&l, name, strlen(name));
    put_octet(&l, ":", 1);
    for (const char *p = value ? value : ""; *p;) {
        unsigned char c = (unsigned char)*p;
        if (text && (c == '\\' || c == ';' || c == ',')) {
            char e[2] = {'\\', (char)c};
            put_octet(&l, e, 2);
            p++;
        } else if (text && c == '\n') {
            put_octet(&l, "\\n", 2);
            p++;
        } else if (c < 0x20 || c == 0x7f) {
            p++; /* control characters are not allowed in iCalendar values */
        } else {
            size_t n = utf8_len(c);
            size_t avail = strnlen(p, n);
            put_octet(&l, p, avail);
            p += avail;
        }
    }
    fputs("\r\n", f);
}

static void date_compact(const char *iso, char out[9])
{
    snprintf(out, 9, "%.4s%.2s%.2s", iso, iso + 5, iso + 8);
}

int ics_write_stream(FILE *f, const char *calname, const cal_event *ev, size_t n, const char *stamp)
{
    prop(f, "BEGIN", "VCALENDAR", 0);
    prop(f, "VERSION", "2.0", 0);
    prop(f, "PRODID", "-//isms//ISO 27001 ISMS calendar//EN", 0);
    prop(f, "CALSCALE", "GREGORIAN", 0);
    prop(f, "METHOD", "PUBLISH", 0);
    prop(f, "X-WR-CALNAME", calname, 1);
    for (size_t i = 0; i < n; i++) {
        char start[9], end[9], next[11];
        date_compact(ev[i].date, start);
        if (cycle_date_add(ev[i].end_date ? ev[i].end_date : ev[i].date, 0, 0, 1, next))
            continue;
        date_compact(next, end);
        prop(f, "BEGIN", "VEVENT", 0);
        char uid[256];
        snprintf(uid, sizeof uid, "%s@isms", ev[i].uid);
        prop(f, "UID", uid, 1);
        prop(f, "DTSTAMP", stamp, 0);
        prop(f, "DTSTART;VALUE=DATE", start, 0);
        prop(f, "DTEND;VALUE=DATE", end, 0);
        prop(f, "SUMMARY", ev[i].summary, 1);
        if (ev[i].description)
            prop(f, "DESCRIPTION", ev[i].description, 1);
        if (ev[i].category)
            prop(f, "CATEGORIES", ev[i].category, 1);
        prop(f, "TRANSP", "TRANSPARENT", 0);
        prop(f, "END", "VEVENT", 0);
    }
    prop(f, "END", "VCALENDAR", 0);
    return ferror(f) ? -1 : 0;
}

int ics_write(const char *path, const char *calname, const cal_event *ev, size_t n, const char *stamp,
              isms_err *err)
{
    outfile o;
    int fd, rc = outfile_open(&o, path, &fd, err);
    if (rc)
        return rc;
    FILE *f = fdopen(fd, "wb");
    if (!f) {
        close(fd);
        rc = outfile_error(&o, errno, err);
        outfile_abort(&o);
        return rc;
    }
    int bad = ics_write_stream(f, calname, ev, n, stamp);
    int e = errno;
    bad |= fclose(f) != 0;
    if (bad) {
        rc = outfile_error(&o, e ? e : EIO, err);
        outfile_abort(&o);
        return rc;
    }
    return outfile_commit(&o, err);
}
