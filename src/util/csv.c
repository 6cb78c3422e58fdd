#include "util/csv.h"

#include <string.h>

void csv_init(csv_reader *r, FILE *f)
{
    memset(r, 0, sizeof *r);
    r->f = f;
    r->next_line = 1;
    buf_init(&r->data, (size_t)CSV_MAX_FIELDS * (CSV_MAX_FIELD + 1));
}

void csv_free(csv_reader *r) { buf_free(&r->data); }

int csv_next(csv_reader *r, isms_err *err)
{
    size_t starts[CSV_MAX_FIELDS];
    int n = 0;
    int c;
    buf_reset(&r->data);
    if (!r->bom_checked) {
        r->bom_checked = 1;
        int b0 = fgetc(r->f);
        if (b0 == 0xEF) {
            int b1 = fgetc(r->f), b2 = fgetc(r->f);
            if (b1 != 0xBB || b2 != 0xBF)
                return err_set(err, ISMS_EINVAL, "line 1: the file starts with bytes that are not UTF-8 text"), -1;
        } else if (b0 != EOF) {
            ungetc(b0, r->f);
        }
    }
    /* Skip blank lines between records. */
    while ((c = fgetc(r->f)) == '\n' || c == '\r')
        if (c == '\n')
            r->next_line++;
    if (c == EOF)
        return ferror(r->f) ? (err_set(err, ISMS_EIO, "read error"), -1) : 0;
    r->line = r->next_line;
    starts[n++] = 0;
    size_t field_len = 0;
    int quoted = 0, in_quotes = 0, after_quote = 0;
    for (;; c = fgetc(r->f)) {
        if (c == 0)
            return err_set(err, ISMS_EINVAL, "line %ld: NUL byte: this is not a text CSV file", r->next_line), -1;
        if (in_quotes) {
            if (c == EOF)
                return err_set(err, ISMS_EINVAL, "line %ld: quoted field never closed (missing \")", r->line), -1;
            if (c == '"') {
                int d = fgetc(r->f);
                if (d == '"') {
                    c = '"';
                } else {
                    if (d != EOF)
                        ungetc(d, r->f);
                    in_quotes = 0;
                    after_quote = 1;
                    continue;
                }
            }
            if (c == '\n')
                r->next_line++;
        } else {
            if (c == ',' || c == '\n' || c == '\r' || c == EOF) {
                if (buf_putc(&r->data, '\0'))
                    return err_set(err, ISMS_ENOMEM, "line %ld: record too large", r->line), -1;
                if (c == ',') {
                    if (n >= CSV_MAX_FIELDS)
                        return err_set(err, ISMS_EINVAL, "line %ld: more than %d columns", r->line, CSV_MAX_FIELDS), -1;
                    starts[n++] = r->data.len;
                    field_len = 0;
                    quoted = after_quote = 0;
                    continue;
                }
                if (c == '\r') {
                    int d = fgetc(r->f);
                    if (d != '\n' && d != EOF)
                        ungetc(d, r->f);
                }
                if (c != EOF)
                    r->next_line++;
                break;
            }
            if (after_quote)
                return err_set(err, ISMS_EINVAL,
                               "line %ld, column %d: text after a closing quote (a quote inside a field must be doubled)",
                               r->next_line, n), -1;
            if (c == '"') {
                if (field_len == 0 && !quoted) {
                    quoted = in_quotes = 1;
                    continue;
                }
                return err_set(err, ISMS_EINVAL,
                               "line %ld, column %d: stray quote inside an unquoted field (quote the field and double the quote)",
                               r->next_line, n), -1;
            }
        }
        if (++field_len > CSV_MAX_FIELD)
            return err_set(err, ISMS_ENOMEM, "line %ld, column %d: field longer than %d bytes", r->line, n,
                           CSV_MAX_FIELD), -1;
        if (buf_putc(&r->data, (char)c))
            return err_set(err, ISMS_ENOMEM, "line %ld: record too large", r->line), -1;
    }
    r->nfields = n;
    for (int i = 0; i < n; i++)
        r->fields[i] = r->data.data + starts[i];
    return 1;
}
