/* Asset inventory import from CSV (A.5.9): the CLI reads a file, the web app an upload; both get
 * every problem by line and column, and either every row is imported or none. */
#include <string.h>
#include <strings.h>

#include "store/internal.h"
#include "util/csv.h"

enum { COL_NAME, COL_TYPE, COL_OWNER, COL_CLASS, COL_C, COL_I, COL_A, COL_DESC, NCOLS };
static const char *const col_names[NCOLS] = {"name", "type", "owner", "classification",
                                              "confidentiality", "integrity", "availability", "description"};

/* 1-3 or low/medium/high; empty means not rated. */
static int cia_field(const char *s, int *out)
{
    if (!s || !*s) {
        *out = 0;
        return 0;
    }
    if ((s[0] >= '1' && s[0] <= '3') && s[1] == '\0') {
        *out = s[0] - '0';
        return 0;
    }
    static const char *const words[] = {"low", "medium", "high"};
    for (int i = 0; i < 3; i++)
        if (!strcasecmp(s, words[i])) {
            *out = i + 1;
            return 0;
        }
    return -1;
}

static void lower(char *s)
{
    for (; s && *s; s++)
        *s = (char)(*s >= 'A' && *s <= 'Z' ? *s + 32 : *s);
}

/* A cell quoted in a message, cut so a hostile file cannot make the report huge. */
static const char *cut(arena *a, const char *s) { return arena_sprintf(a, "%.40s%s", s, strlen(s) > 40 ? "..." : ""); }

/* Count a problem; keep its message while there is room (formatted only then). */
#define PROBLEM(rep, a, ...)                                                                                           \
    do {                                                                                                               \
        if ((rep)->nproblems < ASSET_IMPORT_MAX_PROBLEMS)                                                              \
            (rep)->problems[(rep)->nproblems++] = arena_sprintf((a), __VA_ARGS__);                                     \
        (rep)->errors++;                                                                                               \
    } while (0)

int store_asset_import(ws *w, FILE *f, arena *a, asset_import_report *rep, void (*progress)(long rows, void *),
                       void *pctx, isms_err *err)
{
    memset(rep, 0, sizeof *rep);
    rep->problems = arena_alloc(a, ASSET_IMPORT_MAX_PROBLEMS * sizeof *rep->problems);
    csv_reader r;
    csv_init(&r, f);
    int col[NCOLS];
    for (int i = 0; i < NCOLS; i++)
        col[i] = -1;
    int got = csv_next(&r, err);
    if (got <= 0) {
        csv_free(&r);
        if (got == 0)
            return err_set(err, ISMS_EINVAL, "the file is empty: expected a header line with name,type,owner,classification");
        return ISMS_EINVAL;
    }
    for (int i = 0; i < r.nfields; i++) {
        int k = -1;
        for (int j = 0; j < NCOLS; j++)
            if (!strcasecmp(r.fields[i], col_names[j]))
                k = j;
        if (k < 0)
            PROBLEM(rep, a,
                    "line 1, column %d: unknown column '%s' (known: name, type, owner, classification, "
                    "confidentiality, integrity, availability, description)",
                    i + 1, cut(a, r.fields[i]));
        else if (col[k] >= 0)
            PROBLEM(rep, a, "line 1, column %d: column '%s' appears twice", i + 1, col_names[k]);
        else
            col[k] = i;
    }
    for (int k = 0; k < 4; k++)
        if (col[k] < 0)
            PROBLEM(rep, a, "line 1: required column '%s' is missing", col_names[k]);
    if (rep->errors) {
        csv_free(&r);
        return ISMS_OK;
    }
    /* Row values live in the reader; this arena only holds a row's scratch and is reset often. */
    arena scratch;
    arena_init(&scratch);
    int rc = ISMS_OK;
    while ((got = csv_next(&r, err)) == 1) {
        if (r.nfields == 1 && !r.fields[0][0])
            continue;
        asset x = {0};
        const char *v[NCOLS] = {0};
        for (int k = 0; k < NCOLS; k++)
            v[k] = col[k] >= 0 && col[k] < r.nfields ? r.fields[col[k]] : NULL;
        x.name = v[COL_NAME];
        /* Accept "Software" as well as "software". */
        lower((char *)v[COL_TYPE]);
        lower((char *)v[COL_CLASS]);
        x.type = v[COL_TYPE];
        x.owner = v[COL_OWNER];
        x.classification = v[COL_CLASS];
        x.description = v[COL_DESC] && *v[COL_DESC] ? v[COL_DESC] : NULL;
        int line_bad = 0;
        const int cia_cols[3] = {COL_C, COL_I, COL_A};
        int *cia_out[3] = {&x.confidentiality, &x.integrity, &x.availability};
        for (int k = 0; k < 3; k++)
            if (cia_field(v[cia_cols[k]], cia_out[k])) {
                PROBLEM(rep, a, "line %ld, column %d (%s): '%s' is not 1-3 or low/medium/high", r.line,
                        col[cia_cols[k]] + 1, col_names[cia_cols[k]], cut(a, v[cia_cols[k]]));
                line_bad = 1;
            }
        isms_err e = {0};
        if (!line_bad && asset_validate(&x, &e)) {
            /* The message starts with the field name; find its column. */
            int k = 0;
            while (k < NCOLS && strncmp(e.msg, col_names[k], strlen(col_names[k])))
                k++;
            PROBLEM(rep, a, "line %ld, column %d: %s", r.line, k < NCOLS ? col[k] + 1 : 0, e.msg);
            line_bad = 1;
        }
        if (!line_bad && store_asset_insert(w, &x, NULL, &e)) {
            if (e.code != ISMS_ECONFLICT) {
                *err = e;
                rc = e.code;
                break;
            }
            PROBLEM(rep, a, "line %ld, column %d: %s", r.line, col[COL_NAME] + 1, e.msg);
        }
        rep->rows++;
        if (progress && rep->rows % 1000 == 0)
            progress(rep->rows, pctx);
        if (rep->rows % 4096 == 0) {
            arena_free(&scratch);
            arena_init(&scratch);
        }
    }
    arena_free(&scratch);
    csv_free(&r);
    if (rc)
        return rc;
    if (got < 0)
        PROBLEM(rep, a, "%s", err->msg);
    return ISMS_OK;
}
