/* RFC 4180 CSV reader over a stream, tracking the physical line of each record so errors can
 * name it. Fields and records have size caps so a hostile file cannot exhaust memory. */
#ifndef ISMS_CSV_H
#define ISMS_CSV_H

#include <stdio.h>

#include "util/buf.h"
#include "util/err.h"

#define CSV_MAX_FIELDS 64
#define CSV_MAX_FIELD (64 * 1024)

typedef struct csv_reader {
    FILE *f;
    long line;          /* physical line where the current record starts */
    long next_line;     /* line the next record starts on */
    int nfields;
    char *fields[CSV_MAX_FIELDS];
    buf data;           /* the current record's fields, NUL-separated */
    int bom_checked;
} csv_reader;

void csv_init(csv_reader *r, FILE *f);
/* Read the next record: 1 when a record was read, 0 at end of file, -1 on an error (err names the
 * line: unterminated quote, stray quote, too many fields, field too long, NUL byte). */
int csv_next(csv_reader *r, isms_err *err);
void csv_free(csv_reader *r);

#endif
