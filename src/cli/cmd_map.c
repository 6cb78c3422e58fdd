/* isms map: crosswalks between ISO 27001:2013, ISO 27001:2022 and SOC 2, SOC 2 readiness from ISO
 * evidence; and isms soa import-2013, which migrates a 2013 Statement of Applicability. */
#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "core/crosswalk.h"
#include "report/cycle_json.h"
#include "util/csv.h"
#include "util/json.h"

#define IMPORT2013_MAX_BYTES (16L * 1024 * 1024)  /* a 2013 SoA is ~120 rows; anything huge is a mistake */
#define IMPORT2013_MAX_ROWS 4096
#define IMPORT2013_MAX_ERRORS 100

/* Print text wrapped at 100 columns: the crosswalk source note is one long sentence. */
static void print_wrapped(const char *text)
{
    const char *p = text;
    while (*p) {
        size_t len = strlen(p), cut = len;
        if (len > 100) {
            cut = 100;
            while (cut > 0 && p[cut] != ' ')
                cut--;
            if (!cut)
                cut = 100;
        }
        printf("%.*s\n", (int)cut, p);
        p += cut;
        while (*p == ' ')
            p++;
    }
}

/* The answer of a lookup as text. */
static void print_answer(const crosswalk_answer *x)
{
    if (x->from == CROSSWALK_FW_2013) {
        printf("ISO/IEC 27001:2013 %s maps to ISO/IEC 27001:2022:\n", crosswalk_2013_id(x->i2013));
        for (size_t k = 0; k < x->n2022; k++)
            printf("  %-7s %-15s %s\n", x->to2022[k]->id, x->to2022[k]->theme, x->to2022[k]->title);
        return;
    }
    if (x->from == CROSSWALK_FW_SOC2) {
        const crosswalk_soc2 *s = x->soc2;
        printf("SOC 2 %s (%s) maps to ISO/IEC 27001:2022:\n", s->id, s->series);
        for (size_t k = 0; k < s->ntargets; k++) {
            const crosswalk_target *t = &s->targets[k];
            printf("  %-7s %-8s %s\n", t->id, t->ctl ? "control" : "clause", t->ctl ? t->ctl->title : t->clause->title);
        }
        putchar('\n');
        print_wrapped(crosswalk_soc2_source);
        return;
    }
    if (x->to == CROSSWALK_FW_2013) {
        if (!x->n2013) {
            printf("ISO/IEC 27001:2022 %s %s is new in 2022: no 2013 control maps to it.\n", x->ctl->id, x->ctl->title);
            return;
        }
        printf("ISO/IEC 27001:2022 %s %s comes from ISO/IEC 27001:2013:\n", x->ctl->id, x->ctl->title);
        for (size_t k = 0; k < x->n2013; k++)
            printf("  %s\n", crosswalk_2013_id(x->from2013[k]));
        return;
    }
    const crosswalk_target *t = &x->target;
    const catalog_control *same = t->clause ? catalog_control_find(t->id) : NULL;
    printf("ISO/IEC 27001:2022 %s %s %s", t->ctl ? "control" : "clause", t->id, t->ctl ? t->ctl->title : t->clause->title);
    if (same)   /* "5.1" read as the clause; say how to ask for the control */
        printf(" (for Annex A control %s write %s)", same->num, same->id);
    if (!x->ncriteria)
        printf("\n  no SOC 2 criterion in the crosswalk maps to it\n");
    else
        printf(" maps to SOC 2:\n");
    for (size_t k = 0; k < x->ncriteria; k++)
        printf("  %-6s %s\n", x->criteria[k]->id, x->criteria[k]->series);
    putchar('\n');
    print_wrapped(crosswalk_soc2_source);
}

static int soc2_readiness(cli_ctx *c, int json)
{
    ws *w;
    int rc = cli_open(c, 0, &w);
    if (rc)
        return rc;
    isms_err err = {0};
    crosswalk_readiness *r;
    size_t n;
    if (report_soc2_readiness(w, c->a, &r, &n, &err))
        return cli_abort(w, &err);
    ws_close(w);
    if (json) {
        jw j;
        jw_init_file(&j, stdout, 1);
        json_soc2_readiness(&j, r, n);
        jw_end(&j);
        return EXIT_OK;
    }
    int count[3] = {0};
    size_t targets = 0, covered = 0;
    for (size_t i = 0; i < n; i++) {
        count[r[i].state]++;
        targets += r[i].crit->ntargets;
        covered += r[i].ncovered;
    }
    printf("SOC 2 readiness from the ISO 27001 evidence in this workspace\n"
           "(a control counts when applicable, implemented, with fresh evidence and no failing check;\n"
           " a clause when the gap analysis finds it met; clauses isms does not track, like 5.1 or 9.3.1,\n"
           " are never counted as covered here: their evidence lives outside this workspace)\n");
    for (size_t i = 0; i < n; i++) {
        printf("\n%-6s %-38s %s (%zu of %zu)\n", r[i].crit->id, r[i].crit->series,
               r[i].state == CROSSWALK_COVERED ? "covered" : r[i].state == CROSSWALK_PARTIAL ? "PARTIAL" : "NOT COVERED",
               r[i].ncovered, r[i].crit->ntargets);
        for (size_t k = 0; k < r[i].crit->ntargets; k++) {
            const crosswalk_cover *cv = &r[i].targets[k];
            if (cv->covered)
                printf("    %-7s covered\n", cv->target->id);
            else
                printf("    %-7s -        %s\n", cv->target->id, cv->why);
        }
    }
    printf("\nTotals: %zu criteria: %d covered, %d partial, %d not covered; %zu of %zu criterion-to-ISO mappings "
           "covered.\n\n",
           n, count[CROSSWALK_COVERED], count[CROSSWALK_PARTIAL], count[CROSSWALK_NOT_COVERED], covered, targets);
    print_wrapped(crosswalk_soc2_source);
    return EXIT_OK;
}

static int map_run(cli_ctx *c)
{
    const char *from = NULL, *to = NULL, *json = NULL, *pos[2];
    int np = 0;
    cli_opt opts[] = {{"from", 1, &from}, {"to", 1, &to}, {"json", 0, &json}, {NULL, 0, NULL}};
    if (cli_parse(c, opts, pos, 2, &np))
        return EXIT_USAGE;
    isms_err err = {0};
    if (crosswalk_init(&err))
        return cli_fail(&err);
    if (np >= 1 && !strcmp(pos[0], "soc2-readiness")) {
        if (from || to || np > 1)
            return cli_usage_error(c, "soc2-readiness takes no id, --from or --to");
        return soc2_readiness(c, json != NULL);
    }
    if (crosswalk_framework(from) >= 0 && crosswalk_framework(to) >= 0 && np != 1)
        return cli_usage_error(c, "give one id, like: isms map --from iso27001:2013 A.9.4.2");
    crosswalk_answer x;
    if (crosswalk_lookup(from, to, np == 1 ? pos[0] : NULL, &x, &err)) {
        /* A 2022 id asked as 2013 one: the command that maps it back. */
        const catalog_control *c22 =
            np == 1 && crosswalk_framework(from) == CROSSWALK_FW_2013 ? catalog_control_find(pos[0]) : NULL;
        if (err.code == ISMS_ENOTFOUND && c22)
            cli_hint(&err, arena_sprintf(c->a, "try `isms map --from iso27001:2022 %s --to iso27001:2013`", c22->id));
        return cli_fail(&err);
    }
    if (json) {
        jw j;
        jw_init_file(&j, stdout, 1);
        json_crosswalk(&j, &x);
        jw_end(&j);
    } else {
        print_answer(&x);
    }
    return EXIT_OK;
}

/* --- isms soa import-2013 --- */

typedef struct import_msg {
    long line;
    const char *text;
} import_msg;

typedef struct import_ctx {
    cli_ctx *c;
    const char *path;
    int col[CROSSWALK_NCOLS];      /* field index of each known column, or -1 */
    long errors;
    import_msg *msgs;              /* the first IMPORT2013_MAX_ERRORS, printed sorted by line at the end */
    int explained;                 /* the auditor's expectation for exclusions was shown once */
} import_ctx;

static void import_error(import_ctx *x, long line, int col, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void import_error(import_ctx *x, long line, int col, const char *fmt, ...)
{
    if (x->errors++ >= IMPORT2013_MAX_ERRORS)
        return;
    va_list ap;
    va_start(ap, fmt);
    const char *msg = arena_vsprintf(x->c->a, fmt, ap);
    va_end(ap);
    const char *where = col >= 0 ? arena_sprintf(x->c->a, ", column %d (%s)", x->col[col] + 1, crosswalk_column_name(col))
                                 : "";
    x->msgs[x->errors - 1] = (import_msg){line, arena_sprintf(x->c->a, "isms: %s: line %ld%s: %s", x->path, line,
                                                              where, msg)};
}

/* Print the collected errors in line order (stable: messages of one line keep their order). */
static void import_report(import_ctx *x)
{
    long n = x->errors < IMPORT2013_MAX_ERRORS ? x->errors : IMPORT2013_MAX_ERRORS;
    for (long i = 1; i < n; i++) {
        import_msg m = x->msgs[i];
        long j = i;
        for (; j > 0 && x->msgs[j - 1].line > m.line; j--)
            x->msgs[j] = x->msgs[j - 1];
        x->msgs[j] = m;
    }
    for (long i = 0; i < n; i++)
        fprintf(stderr, "%s\n", x->msgs[i].text);
    if (x->errors > IMPORT2013_MAX_ERRORS)
        fprintf(stderr, "isms: ... and %ld more errors\n", x->errors - IMPORT2013_MAX_ERRORS);
}

/* An SoA refusal, with the long explanation of what an auditor expects only the first time. */
static const char *refusal_text(import_ctx *x, const char *msg)
{
    const char *cut = strstr(msg, "; an auditor expects");
    if (!cut || !x->explained++)
        return msg;
    return arena_strndup(x->c->a, msg, (size_t)(cut - msg));
}

static int blank(const char *s)
{
    for (; s && *s; s++)
        if (*s != ' ' && *s != '\t' && *s != '\r' && *s != '\n')
            return 0;
    return 1;
}

/* A clause or objective heading row ("A.9", "A.9.4 User access management") with no decision. */
static int heading_row(const char *id, const char *applicable)
{
    const char *p = id;
    while (*p == ' ')
        p++;
    if (*p == 'A' || *p == 'a')
        p++;
    while (*p == '.' || *p == ' ')
        p++;
    int dots = 0, digits = 0;
    for (; (*p >= '0' && *p <= '9') || *p == '.'; p++)
        *p == '.' ? dots++ : digits++;
    return digits && dots <= 1 && (!*p || *p == ' ') && blank(applicable);
}

static const char *field(const csv_reader *r, const import_ctx *x, int col)
{
    int i = x->col[col];
    return i >= 0 && i < r->nfields ? r->fields[i] : NULL;
}

/* Read the header and every row; bad values are reported and counted in x->errors. */
static int read_2013(cli_ctx *c, csv_reader *r, import_ctx *x, crosswalk_row *rows, size_t *nrows, long *nread)
{
    isms_err err = {0};
    int got = csv_next(r, &err);
    if (got <= 0) {
        fprintf(stderr, "isms: %s: %s\n", x->path,
                got ? err.msg : "the file is empty: expected a header with at least control and applicable");
        return EXIT_USAGE;
    }
    for (int k = 0; k < CROSSWALK_NCOLS; k++)
        x->col[k] = -1;
    for (int i = 0; i < r->nfields; i++) {
        int k = crosswalk_column(r->fields[i]);
        if (k >= 0 && x->col[k] >= 0)
            import_error(x, r->line, -1, "columns %d and %d both give the %s", x->col[k] + 1, i + 1,
                         crosswalk_column_name(k));
        else if (k >= 0)
            x->col[k] = i;
    }
    if (x->col[CROSSWALK_COL_CONTROL] < 0)
        import_error(x, r->line, -1, "no control column (named control, id, ref or \"Annex A control\")");
    if (x->col[CROSSWALK_COL_APPLICABLE] < 0)
        import_error(x, r->line, -1, "no applicable column (named applicable, \"applicable?\" or included)");
    if (x->errors)
        return EXIT_USAGE;
    long seen[256] = {0};   /* line of each 2013 control already read */
    while ((got = csv_next(r, &err)) == 1) {
        int empty = 1;
        for (int i = 0; i < r->nfields; i++)
            empty &= blank(r->fields[i]);
        if (empty)
            continue;
        const char *id = field(r, x, CROSSWALK_COL_CONTROL), *app = field(r, x, CROSSWALK_COL_APPLICABLE);
        if (blank(id) && blank(app))
            continue;   /* a heading or note row with neither an id nor a decision */
        if (blank(id)) {
            import_error(x, r->line, CROSSWALK_COL_CONTROL, "no control id");
            (*nread)++;
            continue;
        }
        int src = crosswalk_2013_index(id);
        if (src < 0 && heading_row(id, app))
            continue;
        (*nread)++;
        if (*nrows == IMPORT2013_MAX_ROWS) {
            import_error(x, r->line, -1, "more than %d rows: this is not a 2013 SoA", IMPORT2013_MAX_ROWS);
            return EXIT_USAGE;
        }
        crosswalk_row row = {.src = src, .line = r->line};
        int bad = 0;
        if (src < 0) {
            import_error(x, r->line, CROSSWALK_COL_CONTROL,
                         "'%s' is not an ISO 27001:2013 Annex A control (2013 ids look like A.9.4.2)", cli_cut(c, id, 40));
            bad = 1;
        } else if (seen[src]) {
            import_error(x, r->line, CROSSWALK_COL_CONTROL, "%s is already on line %ld", crosswalk_2013_id(src),
                         seen[src]);
            bad = 1;
        } else {
            seen[src] = r->line;
        }
        if ((row.applicable = crosswalk_parse_applicable(app)) == -2) {
            if (blank(app))
                import_error(x, r->line, CROSSWALK_COL_APPLICABLE, "no decision: say yes or no");
            else
                import_error(x, r->line, CROSSWALK_COL_APPLICABLE, "'%s' is not yes or no", cli_cut(c, app, 40));
            bad = 1;
        }
        const char *st = field(r, x, CROSSWALK_COL_STATUS), *reasons = field(r, x, CROSSWALK_COL_REASONS);
        int s = crosswalk_parse_status(st);
        if (s < 0) {
            import_error(x, r->line, CROSSWALK_COL_STATUS, "'%s' is not a status (implemented, partially implemented, "
                         "planned, not implemented, not started)", cli_cut(c, st, 40));
            bad = 1;
        }
        row.status = s < 0 ? SOA_STATUS_NONE : (soa_status)s;
        if (reasons && soa_reasons_parse(reasons, &row.reasons, &err)) {
            import_error(x, r->line, CROSSWALK_COL_REASONS, "%s", err.msg);
            bad = 1;
        }
        if (bad)
            continue;
        row.justification = arena_strdup(c->a, field(r, x, CROSSWALK_COL_JUSTIFICATION));
        row.implementation = arena_strdup(c->a, field(r, x, CROSSWALK_COL_IMPLEMENTATION));
        row.owner = arena_strdup(c->a, field(r, x, CROSSWALK_COL_OWNER));
        rows[(*nrows)++] = row;
    }
    if (got < 0 && x->errors++ < IMPORT2013_MAX_ERRORS)   /* the reader's message names its line; it comes last */
        x->msgs[x->errors - 1] = (import_msg){r->next_line, arena_sprintf(c->a, "isms: %s: %s", x->path, err.msg)};
    return 0;
}

/* Report a refused entry against every 2013 row that fed it. */
static void refuse(import_ctx *x, const crosswalk_merged *m, int col, const char *msg)
{
    for (int k = 0; k < m->nfrom; k++)
        import_error(x, m->from[k]->line, col, "%s (carried to %s): %s", crosswalk_2013_id(m->from[k]->src),
                     m->ctl->id, refusal_text(x, msg));
}

/* Save every decided entry, as the SoA rules allow; refusals are reported, not fatal. */
static int save_merged(ws *w, import_ctx *x, const crosswalk_merged *m, soa_entry *e, int *written, isms_err *err)
{
    int jcol = x->col[CROSSWALK_COL_JUSTIFICATION] >= 0 ? CROSSWALK_COL_JUSTIFICATION : CROSSWALK_COL_APPLICABLE;
    for (int i = 0; i < CATALOG_NCONTROLS; i++) {
        if (!m[i].decided)
            continue;
        int weak = 0;
        if (m[i].applicable == SOA_EXCLUDED)
            /* Checked one by one: the joined text with its "A.x.y.z:" prefixes could pass where a source fails. */
            for (int k = 0; k < m[i].nfrom; k++) {
                soa_entry one = {.ctl = m[i].ctl, .applicable = SOA_EXCLUDED,
                                 .justification = m[i].from[k]->justification};
                if (soa_entry_check(&one, err)) {
                    weak = 1;
                    import_error(x, m[i].from[k]->line, jcol, "%s (carried to %s): %s",
                                 crosswalk_2013_id(m[i].from[k]->src), m[i].ctl->id, refusal_text(x, err->msg));
                }
            }
        soa_entry s = e[i];
        s.applicable = m[i].applicable;
        s.justification = m[i].justification;
        if (m[i].reasons)
            s.reasons = m[i].reasons;
        if (m[i].status)
            s.status = m[i].status;
        if (m[i].implementation)
            s.implementation = m[i].implementation;
        if (m[i].owner)
            s.owner = m[i].owner;
        if (store_soa_save(w, &s, err)) {
            if (err->code != ISMS_ECONFLICT && err->code != ISMS_EINVAL)
                return err->code;
            if (err->code == ISMS_ECONFLICT || !weak)   /* a weak source was reported above */
                refuse(x, &m[i], err->code == ISMS_ECONFLICT ? CROSSWALK_COL_APPLICABLE : jcol, err->msg);
            continue;
        }
        (*written)++;
    }
    err_clear(err);
    return ISMS_OK;
}

static void print_import(cli_ctx *c, const char *path, long nread, int written, const crosswalk_merged *m,
                         const soa_entry *e, int json)
{
    const catalog_control *fresh[CATALOG_NCONTROLS];
    size_t nnew = crosswalk_new_2022(fresh, CATALOG_NCONTROLS), need = 0;
    jw j;
    if (json) {
        jw_init_file(&j, stdout, 1);
        jw_obj(&j);
        jw_kstr(&j, "file", path);
        jw_kint(&j, "rows_read", nread);
        jw_kint(&j, "entries_written", written);
        jw_key(&j, "entries");
        jw_arr(&j);
    } else {
        printf("Migrated %s to ISO/IEC 27001:2022:\n", path);
    }
    for (int i = 0; i < CATALOG_NCONTROLS; i++) {
        if (!m[i].decided)
            continue;
        if (json) {
            jw_obj(&j);
            jw_kstr(&j, "id", m[i].ctl->id);
            jw_kbool(&j, "applicable", m[i].applicable == SOA_APPLICABLE);
            jw_kstr(&j, "status", m[i].status ? soa_status_name(m[i].status) : NULL);
            jw_key(&j, "from");
            jw_arr(&j);
            for (int k = 0; k < m[i].nfrom; k++)
                jw_str(&j, crosswalk_2013_id(m[i].from[k]->src));
            jw_arr_end(&j);
            jw_obj_end(&j);
            continue;
        }
        const char *from = "";
        for (int k = 0; k < m[i].nfrom; k++)
            from = arena_sprintf(c->a, "%s%s%s", from, k ? ", " : "", crosswalk_2013_id(m[i].from[k]->src));
        printf("  %-7s %-11s %-12s <- %s\n", m[i].ctl->id, m[i].applicable == SOA_APPLICABLE ? "applicable" : "excluded",
               m[i].status ? soa_status_name(m[i].status) : "-", from);
    }
    if (json) {
        jw_arr_end(&j);
        jw_key(&j, "new_controls_needing_decision");
        jw_arr(&j);
    } else {
        printf("\nNew in ISO/IEC 27001:2022 and still without a decision (isms soa set ID --applicable yes|no ...):\n");
    }
    for (size_t k = 0; k < nnew; k++) {
        int i = catalog_control_index(fresh[k]->id);
        if (e[i].applicable != SOA_UNDECIDED || m[i].decided)
            continue;
        need++;
        if (json) {
            jw_obj(&j);
            jw_kstr(&j, "id", fresh[k]->id);
            jw_kstr(&j, "title", fresh[k]->title);
            jw_obj_end(&j);
        } else {
            printf("  %-7s %s\n", fresh[k]->id, fresh[k]->title);
        }
    }
    if (!json && !need)
        printf("  none: every new control already has a decision\n");
    if (json) {
        jw_arr_end(&j);
        jw_key(&j, "also_undecided");
        jw_arr(&j);
    }
    int others = 0;
    for (int i = 0; i < CATALOG_NCONTROLS; i++) {
        int src[CROSSWALK_MAX_SOURCES];
        size_t ns = crosswalk_2022_to_2013(m[i].ctl, src, CROSSWALK_MAX_SOURCES);
        if (!ns || m[i].decided || e[i].applicable != SOA_UNDECIDED)
            continue;
        const char *why = "";
        for (int k = 0; k < m[i].nfrom; k++)   /* rows that were all exclusions: an exclusion needs every one */
            why = arena_sprintf(c->a, "%s%s%s", k ? why : "excluded by ", k ? ", " : "",
                                crosswalk_2013_id(m[i].from[k]->src));
        why = arena_sprintf(c->a, "%s%sthe file has no row for", why, m[i].nfrom ? ", but " : "");
        for (int k = 0; k < m[i].nmissing; k++)
            why = arena_sprintf(c->a, "%s%s %s", why, k ? "," : "", crosswalk_2013_id(m[i].missing[k]));
        if (json) {
            jw_obj(&j);
            jw_kstr(&j, "id", m[i].ctl->id);
            jw_kstr(&j, "title", m[i].ctl->title);
            jw_kstr(&j, "why", why);
            jw_obj_end(&j);
        } else {
            if (!others)
                printf("\nAlso without a decision:\n");
            printf("  %-7s %s: %s\n", m[i].ctl->id, m[i].ctl->title, why);
        }
        others++;
    }
    if (json) {
        jw_arr_end(&j);
        jw_obj_end(&j);
        jw_end(&j);
        return;
    }
    printf("\n%ld 2013 row(s) read, %d 2022 entr%s written; %zu new control(s) and %d other(s) need a decision.\n"
           "Next: isms soa validate\n",
           nread, written, written == 1 ? "y" : "ies", need, others);
}

int cli_soa_import_2013(cli_ctx *c)
{
    const char *json = NULL, *pos[1];
    int np = 0;
    cli_opt opts[] = {{"json", 0, &json}, {NULL, 0, NULL}};
    if (cli_parse(c, opts, pos, 1, &np))
        return EXIT_USAGE;
    if (np != 1)
        return cli_usage_error(c, "give the 2013 SoA CSV file to import");
    import_ctx x = {.c = c, .path = pos[0]};
    x.msgs = arena_alloc(c->a, IMPORT2013_MAX_ERRORS * sizeof *x.msgs);
    isms_err err = {0};
    if (crosswalk_init(&err))
        return cli_fail(&err);
    struct stat sb;
    if (stat(x.path, &sb) != 0) {
        fprintf(stderr, "isms: cannot read %s: %s\n", x.path, strerror(errno));
        return EXIT_USAGE;
    }
    if (!S_ISREG(sb.st_mode) || sb.st_size > IMPORT2013_MAX_BYTES) {
        fprintf(stderr, "isms: cannot import %s: %s\n", x.path,
                S_ISREG(sb.st_mode) ? "larger than 16 MiB, which no 2013 SoA is" : "not a regular file");
        return EXIT_USAGE;
    }
    FILE *f = fopen(x.path, "rb");
    if (!f) {
        fprintf(stderr, "isms: cannot open %s: %s\n", x.path, strerror(errno));
        return EXIT_USAGE;
    }
    csv_reader r;
    csv_init(&r, f);
    crosswalk_row *rows = arena_alloc(c->a, IMPORT2013_MAX_ROWS * sizeof *rows);
    size_t nrows = 0;
    long nread = 0;
    int rc = read_2013(c, &r, &x, rows, &nrows, &nread);
    csv_free(&r);
    fclose(f);
    if (rc) {
        import_report(&x);
        fprintf(stderr, "isms: import of %s refused; nothing was written\n", x.path);
        return rc;
    }
    crosswalk_merged m[CATALOG_NCONTROLS];
    crosswalk_merge_2013(rows, nrows, c->a, m);
    ws *w;
    if ((rc = cli_open(c, 0, &w)))
        return rc;
    soa_entry e[CATALOG_NCONTROLS];
    int written = 0;
    /* One transaction: rows with bad values still go through the SoA rules, so one run reports all. */
    if (ws_begin(w, &err) || store_soa_load(w, c->a, e, &err) || save_merged(w, &x, m, e, &written, &err))
        return cli_abort(w, &err);
    if (x.errors) {
        ws_rollback(w);
        ws_close(w);
        import_report(&x);
        fprintf(stderr, "isms: import of %s refused: %ld error(s); nothing was written\n", x.path, x.errors);
        return EXIT_USAGE;
    }
    if ((rc = cli_finish(w, &err)))
        return rc;
    print_import(c, x.path, nread, written, m, e, json != NULL);
    return EXIT_OK;
}

const cli_cmd cmds_map[] = {
    {NULL, map_run,
     "--from iso27001:2013|soc2 ID | --to soc2 ID | --from iso27001:2022 ID --to iso27001:2013 | soc2-readiness "
     "[--json]",
     "Crosswalks. --from iso27001:2013 A.9.4.2: the 2022 control(s) a 2013 Annex A control became.\n"
     "--from iso27001:2022 A.5.15 --to iso27001:2013: the 2013 controls it came from (none: new in 2022).\n"
     "--from soc2 CC6.1: the ISO 27001:2022 controls and clauses a SOC 2 criterion maps to;\n"
     "--to soc2 A.5.15 (or a clause, 9.3.1): the criteria that map to it.\n"
     "soc2-readiness: per SOC 2 criterion, which mapped ISO controls and clauses the current evidence\n"
     "covers, and whether the criterion is covered, partial or not covered.\n"
     "The SOC 2 mapping is a derived crosswalk from the CISO Assistant libraries, not an AICPA table;\n"
     "CC5.1, CC5.2, Processing Integrity and Privacy are not in it. Exit 2 on an unknown id."},
    {NULL, NULL, NULL, NULL},
};
