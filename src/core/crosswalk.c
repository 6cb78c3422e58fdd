#include "core/crosswalk.h"

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The embedded TSVs (build/gen/data.c): "id_2013\tid_2022" and "tsc_id\tiso_id". */
extern const char data_map2013[], data_mapsoc2[];
extern const size_t data_map2013_len, data_mapsoc2_len;

const char crosswalk_soc2_source[] =
    "SOC 2 mappings come from a derived crosswalk published in the CISO Assistant libraries (intuitem, "
    "mapping-soc2-2017-rev-2022-to-iso27001-2022), not from an AICPA table: it says a criterion and an ISO "
    "requirement intersect, not that one satisfies the other. CC5.1, CC5.2 and the Processing Integrity "
    "(PI1) and Privacy (P1-P8) criteria are not in it.";

typedef struct row2013 {
    char num[12];      /* "9.4.2" */
    char id[16];       /* "A.9.4.2" */
    int to[CROSSWALK_MAX_TARGETS];   /* catalog indexes */
    int nto;
} row2013;

static row2013 t2013[128];
static size_t n2013;
static crosswalk_target targets[320];
static size_t ntargets;
static crosswalk_soc2 crits[48];
static char crit_ids[48][8];
static size_t ncrits;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static isms_err init_err;

/* SOC 2 series by id prefix, longest prefixes first so "CC1" is not taken for "C1". */
static const struct { const char *prefix, *name; int count[9]; } series[] = {
    {"CC1.", "Control Environment", {5}},         {"CC2.", "Communication and Information", {3}},
    {"CC3.", "Risk Assessment", {4}},             {"CC4.", "Monitoring Activities", {2}},
    {"CC5.", "Control Activities", {3}},          {"CC6.", "Logical and Physical Access Controls", {8}},
    {"CC7.", "System Operations", {5}},           {"CC8.", "Change Management", {1}},
    {"CC9.", "Risk Mitigation", {2}},             {"PI1.", "Processing Integrity", {5}},
    {"A1.", "Availability", {3}},                 {"C1.", "Confidentiality", {2}},
    /* Privacy: P1.1, P2.1, P3.1-2, P4.1-3, P5.1-2, P6.1-7, P7.1, P8.1 (count per P-series). */
    {"P", "Privacy", {1, 1, 2, 3, 2, 7, 1, 1}},
};

static const char *series_of(const char *id)
{
    for (size_t i = 0; i < sizeof series / sizeof *series; i++)
        if (!strncasecmp(id, series[i].prefix, strlen(series[i].prefix)))
            return series[i].name;
    return "";
}

/* Next line of an embedded text of n bytes starting at *pos; its length in *len (no CR/LF). */
static const char *next_line(const char *data, size_t n, size_t *pos, size_t *len)
{
    if (*pos >= n)
        return NULL;
    const char *line = data + *pos;
    size_t k = 0;
    while (*pos + k < n && line[k] != '\n')
        k++;
    *pos += k + 1;
    if (k && line[k - 1] == '\r')
        k--;
    *len = k;
    return line;
}

/* Split "a\tb" of len bytes into two NUL-terminated copies; -1 when malformed or too long. */
static int split2(const char *line, size_t len, char *a, size_t asz, char *b, size_t bsz)
{
    const char *tab = memchr(line, '\t', len);
    if (!tab)
        return -1;
    size_t la = (size_t)(tab - line), lb = len - la - 1;
    if (!la || !lb || la >= asz || lb >= bsz || memchr(tab + 1, '\t', lb))
        return -1;
    memcpy(a, line, la);
    a[la] = '\0';
    memcpy(b, tab + 1, lb);
    b[lb] = '\0';
    return 0;
}

static int find_num2013(const char *num, size_t len)
{
    for (size_t i = 0; i < n2013; i++)
        if (strlen(t2013[i].num) == len && !strncmp(t2013[i].num, num, len))
            return (int)i;
    return -1;
}

static int parse_2013(void)
{
    size_t pos = 0, len, lineno = 0;
    const char *line;
    char from[12], to[16];
    while ((line = next_line(data_map2013, data_map2013_len, &pos, &len))) {
        if (++lineno == 1 || !len)
            continue;   /* header */
        const catalog_control *c;
        if (split2(line, len, from, sizeof from, to, sizeof to) || !(c = catalog_control_find(to)))
            return err_set(&init_err, ISMS_EINVAL, "mapping-2013-2022.tsv line %zu is not a 2013 and a 2022 id",
                           lineno);
        int i = find_num2013(from, strlen(from));
        if (i < 0) {
            if (n2013 == sizeof t2013 / sizeof *t2013)
                return err_set(&init_err, ISMS_ENOMEM, "mapping-2013-2022.tsv has too many rows");
            i = (int)n2013++;
            snprintf(t2013[i].num, sizeof t2013[i].num, "%s", from);
            snprintf(t2013[i].id, sizeof t2013[i].id, "A.%s", from);
        }
        if (t2013[i].nto == CROSSWALK_MAX_TARGETS)
            return err_set(&init_err, ISMS_ENOMEM, "2013 %s maps to too many controls", from);
        t2013[i].to[t2013[i].nto++] = catalog_control_index(c->id);
    }
    return ISMS_OK;
}

static int parse_soc2(void)
{
    size_t pos = 0, len, lineno = 0;
    const char *line;
    char crit[8], iso[16];
    /* Targets are appended per criterion; the data lists each criterion's rows together. */
    while ((line = next_line(data_mapsoc2, data_mapsoc2_len, &pos, &len))) {
        if (++lineno == 1 || !len)
            continue;
        crosswalk_target t = {0};
        if (split2(line, len, crit, sizeof crit, iso, sizeof iso) ||
            (iso[0] == 'A' ? !(t.ctl = catalog_control_find(iso)) : !(t.clause = catalog_clause_find(iso))))
            return err_set(&init_err, ISMS_EINVAL, "mapping-soc2-iso27001-2022.tsv line %zu is not a criterion "
                                                   "and an ISO 27001:2022 id", lineno);
        t.id = t.ctl ? t.ctl->id : t.clause->id;
        crosswalk_soc2 *c = ncrits ? &crits[ncrits - 1] : NULL;
        if (!c || strcmp(c->id, crit)) {
            for (size_t i = 0; i < ncrits; i++)
                if (!strcmp(crits[i].id, crit))
                    return err_set(&init_err, ISMS_EINVAL, "mapping-soc2-iso27001-2022.tsv line %zu: %s rows "
                                                           "are not together", lineno, crit);
            if (ncrits == sizeof crits / sizeof *crits)
                return err_set(&init_err, ISMS_ENOMEM, "too many SOC 2 criteria");
            snprintf(crit_ids[ncrits], sizeof crit_ids[0], "%s", crit);
            c = &crits[ncrits];
            *c = (crosswalk_soc2){crit_ids[ncrits], series_of(crit), &targets[ntargets], 0};
            ncrits++;
        }
        if (ntargets == sizeof targets / sizeof *targets)
            return err_set(&init_err, ISMS_ENOMEM, "too many SOC 2 mappings");
        targets[ntargets++] = t;
        c->ntargets++;
    }
    return ISMS_OK;
}

static void init_once(void)
{
    if (catalog_init(&init_err) || parse_2013() || parse_soc2())
        return;
    if (n2013 == 0 || ncrits == 0)
        err_set(&init_err, ISMS_EINVAL, "the embedded crosswalks are empty");
}

int crosswalk_init(isms_err *err)
{
    pthread_once(&once, init_once);
    if (init_err.code && err)
        *err = init_err;
    return init_err.code;
}

static void ensure(void) { crosswalk_init(NULL); }

size_t crosswalk_2013_count(void)
{
    ensure();
    return n2013;
}

int crosswalk_2013_index(const char *text)
{
    ensure();
    const char *p = text ? text : "";
    while (isspace((unsigned char)*p))
        p++;
    if (!strncasecmp(p, "annex a", 7))
        p += 7;
    else if (*p == 'A' || *p == 'a')
        p++;
    while (*p == '.' || *p == ' ')
        p++;
    const char *num = p;
    while (isdigit((unsigned char)*p) || *p == '.')
        p++;
    /* A title may follow the id after whitespace ("A.9.4.2 Use of secret ..."), nothing else. */
    if (p == num || (*p && !isspace((unsigned char)*p)))
        return -1;
    return find_num2013(num, (size_t)(p - num));
}

const char *crosswalk_2013_id(int i)
{
    ensure();
    return i >= 0 && (size_t)i < n2013 ? t2013[i].id : NULL;
}

size_t crosswalk_2013_to_2022(int i2013, const catalog_control **out, size_t max)
{
    ensure();
    if (i2013 < 0 || (size_t)i2013 >= n2013)
        return 0;
    size_t nc, k = 0;
    const catalog_control *ctls = catalog_controls(&nc);
    for (int j = 0; j < t2013[i2013].nto && k < max; j++)
        out[k++] = &ctls[t2013[i2013].to[j]];
    return k;
}

size_t crosswalk_2022_to_2013(const catalog_control *ctl, int *out, size_t max)
{
    ensure();
    int idx = ctl ? catalog_control_index(ctl->id) : -1;
    size_t k = 0;
    for (size_t i = 0; idx >= 0 && i < n2013; i++)
        for (int j = 0; j < t2013[i].nto; j++)
            if (t2013[i].to[j] == idx && k < max) {
                out[k++] = (int)i;
                break;
            }
    return k;
}

size_t crosswalk_new_2022(const catalog_control **out, size_t max)
{
    ensure();
    size_t nc, k = 0;
    const catalog_control *ctls = catalog_controls(&nc);
    int src[CROSSWALK_MAX_SOURCES];
    for (size_t i = 0; i < nc && k < max; i++)
        if (!crosswalk_2022_to_2013(&ctls[i], src, CROSSWALK_MAX_SOURCES))
            out[k++] = &ctls[i];
    return k;
}

const crosswalk_soc2 *crosswalk_soc2_all(size_t *n)
{
    ensure();
    *n = ncrits;
    return crits;
}

const crosswalk_soc2 *crosswalk_soc2_find(const char *id)
{
    ensure();
    for (size_t i = 0; id && i < ncrits; i++)
        if (!strcasecmp(crits[i].id, id))
            return &crits[i];
    return NULL;
}

int crosswalk_soc2_known(const char *id)
{
    if (!id)
        return 0;
    for (size_t i = 0; i < sizeof series / sizeof *series; i++) {
        size_t pl = strlen(series[i].prefix);
        if (strncasecmp(id, series[i].prefix, pl))
            continue;
        const char *p = id + pl;
        int group = 0, item;
        if (pl == 1) {   /* "P6.3": the group digit, then ".item" */
            if (!isdigit((unsigned char)*p) || p[1] != '.')
                return 0;
            group = *p - '1';
            p += 2;
        }
        char *end;
        if (!isdigit((unsigned char)*p) || group < 0 || group > 7)
            return 0;
        item = (int)strtol(p, &end, 10);
        return !*end && item >= 1 && item <= series[i].count[group];
    }
    return 0;
}

int crosswalk_iso_target(const char *text, crosswalk_target *t)
{
    ensure();
    char id[32];
    const char *p = text ? text : "";
    while (isspace((unsigned char)*p))
        p++;
    int clause_only = !strncasecmp(p, "clause ", 7);
    if (clause_only)
        p += 7;
    size_t len = strlen(p);
    while (len && isspace((unsigned char)p[len - 1]))
        len--;
    if (!len || len >= sizeof id)
        return -1;
    memcpy(id, p, len);
    id[len] = '\0';
    memset(t, 0, sizeof *t);
    /* A bare number names a clause when there is one ("5.1"), else a control ("5.15"). */
    if (!(id[0] == 'A' || id[0] == 'a'))
        t->clause = catalog_clause_find(id);
    if (!t->clause && !clause_only)
        t->ctl = catalog_control_find(id);
    if (!t->clause && !t->ctl)
        return -1;
    t->id = t->ctl ? t->ctl->id : t->clause->id;
    return 0;
}

size_t crosswalk_soc2_for(const crosswalk_target *t, const crosswalk_soc2 **out, size_t max)
{
    ensure();
    size_t k = 0;
    for (size_t i = 0; i < ncrits && k < max; i++)
        for (size_t j = 0; j < crits[i].ntargets; j++)
            if (t->ctl ? crits[i].targets[j].ctl == t->ctl : crits[i].targets[j].clause == t->clause) {
                out[k++] = &crits[i];
                break;
            }
    return k;
}

/* --- 2013 SoA columns and values --- */

static const struct { const char *header; int col; } headers[] = {
    {"control", CROSSWALK_COL_CONTROL},           {"id", CROSSWALK_COL_CONTROL},
    {"ref", CROSSWALK_COL_CONTROL},               {"annex a control", CROSSWALK_COL_CONTROL},
    {"control id", CROSSWALK_COL_CONTROL},        {"control ref", CROSSWALK_COL_CONTROL},
    {"reference", CROSSWALK_COL_CONTROL},         {"annex a ref", CROSSWALK_COL_CONTROL},
    {"applicable", CROSSWALK_COL_APPLICABLE},     {"included", CROSSWALK_COL_APPLICABLE},
    {"applicability", CROSSWALK_COL_APPLICABLE},  {"selected", CROSSWALK_COL_APPLICABLE},
    {"justification", CROSSWALK_COL_JUSTIFICATION}, {"reason", CROSSWALK_COL_JUSTIFICATION},
    {"justification for exclusion", CROSSWALK_COL_JUSTIFICATION},
    {"justification for inclusion", CROSSWALK_COL_JUSTIFICATION},
    {"justification for inclusion or exclusion", CROSSWALK_COL_JUSTIFICATION},
    {"reason for exclusion", CROSSWALK_COL_JUSTIFICATION}, {"rationale", CROSSWALK_COL_JUSTIFICATION},
    {"status", CROSSWALK_COL_STATUS},             {"implementation status", CROSSWALK_COL_STATUS},
    {"implementation", CROSSWALK_COL_IMPLEMENTATION}, {"how implemented", CROSSWALK_COL_IMPLEMENTATION},
    {"description", CROSSWALK_COL_IMPLEMENTATION},
    {"implementation description", CROSSWALK_COL_IMPLEMENTATION},
    {"owner", CROSSWALK_COL_OWNER},               {"control owner", CROSSWALK_COL_OWNER},
    {"reasons", CROSSWALK_COL_REASONS},           {"reasons for selection", CROSSWALK_COL_REASONS},
};

/* Lowercase, trim, one space between words ('_', '-', '/' count as spaces), no trailing ?:*. */
static void normalize(const char *s, char *out, size_t sz)
{
    size_t n = 0;
    int space = 0;
    for (; s && *s && n + 2 < sz; s++) {
        unsigned char ch = (unsigned char)*s;
        if (isspace(ch) || ch == '_' || ch == '-' || ch == '/') {
            space = n > 0;
            continue;
        }
        if (space)
            out[n++] = ' ';
        space = 0;
        out[n++] = (char)tolower(ch);
    }
    while (n && (out[n - 1] == '?' || out[n - 1] == ':' || out[n - 1] == '*' || out[n - 1] == ' '))
        n--;
    out[n] = '\0';
}

int crosswalk_column(const char *header)
{
    char h[64];
    normalize(header, h, sizeof h);
    for (size_t i = 0; i < sizeof headers / sizeof *headers; i++)
        if (!strcmp(h, headers[i].header))
            return headers[i].col;
    return -1;
}

const char *crosswalk_column_name(int col)
{
    static const char *const names[CROSSWALK_NCOLS] = {"control", "applicable", "justification", "status",
                                                       "implementation", "owner", "reasons"};
    return col >= 0 && col < CROSSWALK_NCOLS ? names[col] : "";
}

int crosswalk_parse_applicable(const char *s)
{
    static const char *const yes[] = {"yes", "y", "true", "1", "included", NULL};
    static const char *const no[] = {"no", "n", "false", "0", "excluded", NULL};
    char v[32];
    normalize(s, v, sizeof v);
    for (int i = 0; yes[i]; i++) {
        if (!strcmp(v, yes[i]))
            return SOA_APPLICABLE;
        if (!strcmp(v, no[i]))
            return SOA_EXCLUDED;
    }
    return -2;
}

int crosswalk_parse_status(const char *s)
{
    char v[48];
    normalize(s, v, sizeof v);
    if (!*v || !strcmp(v, "n.a") || !strcmp(v, "n a") || !strcmp(v, "na") || !strcmp(v, "not applicable"))
        return SOA_STATUS_NONE;
    if (!strcmp(v, "not implemented"))
        return SOA_NOT_STARTED;
    if (!strcmp(v, "partly implemented"))
        return SOA_PARTIAL;
    return soa_status_parse(v);
}

/* --- merging --- */

static int has_text(const char *s)
{
    for (; s && *s; s++)
        if (!isspace((unsigned char)*s))
            return 1;
    return 0;
}

/* "A.11.1.3: text; A.11.1.4: text" over rows with text in field; tag excluded rows when asked. */
static const char *join(arena *a, const crosswalk_row *const *rows, int n, size_t field, int tag_excluded,
                        int applicable_only)
{
    const char *out = NULL;
    for (int i = 0; i < n; i++) {
        const char *t = *(const char *const *)((const char *)rows[i] + field);
        if (!has_text(t) || (applicable_only && rows[i]->applicable != SOA_APPLICABLE))
            continue;
        while (isspace((unsigned char)*t))
            t++;
        const char *tag = tag_excluded && rows[i]->applicable == SOA_EXCLUDED ? " (excluded in 2013)" : "";
        out = out ? arena_sprintf(a, "%s; %s%s: %s", out, crosswalk_2013_id(rows[i]->src), tag, t)
                  : arena_sprintf(a, "%s%s: %s", crosswalk_2013_id(rows[i]->src), tag, t);
    }
    return out;
}

static const char *join_owners(arena *a, const crosswalk_row *const *rows, int n)
{
    const char *out = NULL;
    for (int i = 0; i < n; i++) {
        const char *o = rows[i]->owner;
        if (!has_text(o) || rows[i]->applicable != SOA_APPLICABLE)
            continue;
        int seen = 0;
        for (int j = 0; j < i; j++)
            seen |= rows[j]->applicable == SOA_APPLICABLE && rows[j]->owner && !strcmp(rows[j]->owner, o);
        if (!seen)
            out = out ? arena_sprintf(a, "%s, %s", out, o) : o;
    }
    return out;
}

void crosswalk_merge_2013(const crosswalk_row *rows, size_t n, arena *a, crosswalk_merged *out)
{
    ensure();
    size_t nc;
    const catalog_control *ctls = catalog_controls(&nc);
    const crosswalk_row *by_src[sizeof t2013 / sizeof *t2013] = {0};
    for (size_t i = 0; i < n; i++)
        if (rows[i].src >= 0 && (size_t)rows[i].src < n2013 && !by_src[rows[i].src])
            by_src[rows[i].src] = &rows[i];
    for (size_t i = 0; i < nc; i++) {
        crosswalk_merged *m = &out[i];
        memset(m, 0, sizeof *m);
        m->ctl = &ctls[i];
        m->applicable = SOA_UNDECIDED;
        int src[CROSSWALK_MAX_SOURCES];
        size_t ns = crosswalk_2022_to_2013(m->ctl, src, CROSSWALK_MAX_SOURCES);
        for (size_t k = 0; k < ns; k++) {
            const crosswalk_row *r = by_src[src[k]];
            if (!r) {
                m->missing[m->nmissing++] = src[k];
                continue;
            }
            int j = m->nfrom++;   /* keep file order: insertion by line */
            while (j > 0 && m->from[j - 1]->line > r->line) {
                m->from[j] = m->from[j - 1];
                j--;
            }
            m->from[j] = r;
        }
        if (!m->nfrom)
            continue;
        int any_applicable = 0;
        for (int k = 0; k < m->nfrom; k++)
            any_applicable |= m->from[k]->applicable == SOA_APPLICABLE;
        if (!any_applicable && m->nmissing)
            continue;   /* an exclusion needs every mapped 2013 control to agree */
        m->decided = 1;
        m->applicable = any_applicable ? SOA_APPLICABLE : SOA_EXCLUDED;
        m->justification = join(a, m->from, m->nfrom, offsetof(crosswalk_row, justification), any_applicable, 0);
        if (!any_applicable)
            continue;
        m->status = SOA_IMPLEMENTED;
        for (int k = 0; k < m->nfrom; k++)
            if (m->from[k]->applicable == SOA_APPLICABLE) {
                if (m->from[k]->status < m->status)
                    m->status = m->from[k]->status;
                m->reasons |= m->from[k]->reasons;
            }
        m->implementation = join(a, m->from, m->nfrom, offsetof(crosswalk_row, implementation), 0, 1);
        m->owner = join_owners(a, m->from, m->nfrom);
    }
}

/* --- SOC 2 readiness --- */

const char *crosswalk_state_name(crosswalk_state s)
{
    return s == CROSSWALK_COVERED ? "covered" : s == CROSSWALK_PARTIAL ? "partial" : "not_covered";
}

static const char *control_gap(const soa_entry *e, int fresh, int stale, int failing, arena *a)
{
    int app = soa_effective_applicable(e);
    if (app == SOA_UNDECIDED)
        return "no SoA decision";
    if (app == SOA_EXCLUDED)
        return "excluded in the SoA";
    const char *why = NULL;
    if (e->status != SOA_IMPLEMENTED)
        why = arena_sprintf(a, "not implemented (%s)", e->status ? soa_status_name(e->status) : "no status");
    const char *ev = failing ? "a supporting check fails"
                     : fresh ? NULL
                     : stale ? "evidence expired"
                             : "no evidence";
    if (ev)
        why = why ? arena_sprintf(a, "%s; %s", why, ev) : ev;
    return why;
}

static const char *clause_gap(const catalog_clause *cl, const gap_report *gap, arena *a)
{
    for (size_t i = 0; gap && i < gap->nclauses; i++) {
        const gap_clause *g = &gap->clauses[i];
        if (g->clause != cl)
            continue;
        if (!strcmp(g->state, "met"))
            return NULL;
        if (!strcmp(g->state, "not_tracked"))
            return "clause not tracked by isms";
        const char *why = "clause gap";
        for (int k = 0; k < g->nmissing; k++)
            why = arena_sprintf(a, "%s%s%s", why, k ? "; " : ": ", g->missing[k]);
        return why;
    }
    return "clause not tracked by isms";
}

size_t crosswalk_soc2_readiness(const soa_entry *entries, const int *fresh, const int *stale, const int *failing,
                                const gap_report *gap, arena *a, crosswalk_readiness **out)
{
    ensure();
    crosswalk_readiness *r = arena_alloc(a, (ncrits ? ncrits : 1) * sizeof *r);
    for (size_t i = 0; i < ncrits; i++) {
        r[i].crit = &crits[i];
        r[i].targets = arena_alloc(a, (crits[i].ntargets ? crits[i].ntargets : 1) * sizeof *r[i].targets);
        for (size_t j = 0; j < crits[i].ntargets; j++) {
            const crosswalk_target *t = &crits[i].targets[j];
            const char *why;
            if (t->ctl) {
                int k = catalog_control_index(t->ctl->id);
                why = control_gap(&entries[k], fresh[k], stale[k], failing[k], a);
            } else {
                why = clause_gap(t->clause, gap, a);
            }
            r[i].targets[j] = (crosswalk_cover){t, why == NULL, why ? why : ""};
            r[i].ncovered += why == NULL;
        }
        r[i].state = r[i].ncovered == crits[i].ntargets && crits[i].ntargets ? CROSSWALK_COVERED
                     : r[i].ncovered                                         ? CROSSWALK_PARTIAL
                                                                             : CROSSWALK_NOT_COVERED;
    }
    *out = r;
    return ncrits;
}
