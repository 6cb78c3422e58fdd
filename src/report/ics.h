/* iCalendar (RFC 5545) export of the ISMS calendar. */
#ifndef ISMS_ICS_H
#define ISMS_ICS_H

#include <stdio.h>

#include "store/store.h"

/* Write a VCALENDAR with one all-day VEVENT per event to path (atomically: temp file + rename).
 * UIDs are stable (uid@domain) so re-imports update events instead of duplicating them. */
int ics_write(const char *path, const char *calname, const cal_event *ev, size_t n, const char *stamp,
              isms_err *err);
/* The same into an open stream. */
int ics_write_stream(FILE *f, const char *calname, const cal_event *ev, size_t n, const char *stamp);

#endif
