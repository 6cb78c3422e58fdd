#include "core/catalog.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

extern const char data_annex_a[], data_clauses[], data_guidance[], data_threats[],
    data_vulnerabilities[], data_map2013[];
extern const size_t data_annex_a_len, data_clauses_len, data_guidance_len, data_threats_len,
    data_vulnerabilities_len, data_map2013_len;

static catalog_control controls[CATALOG_NCONTROLS];
/* index + 1 of control "T.N" at by_num[T][N] (0: none): the lookup every SoA row makes is two
 * numbers read, not a scan of 93 texts. */
#define NUM_THEMES 10
#define NUM_MAX 64
static unsigned char by_num[NUM_THEMES][NUM_MAX];

/* "T.N" with nothing after but white space (len characters of s) into *t, *n. */
static int parse_num(const char *s, size_t len, int *t, int *n)
{
    size_t i = 0;
    int v[2] = {0, 0};
    for (int part = 0; part < 2; part++) {
        size_t start = i;
        while (i < len && s[i] >= '0' && s[i] <= '9' && i - start < 3)
            v[part] = v[part] * 10 + (s[i++] - '0');
        if (i == start || (i < len && s[i] >= '0' && s[i] <= '9'))
            return -1;
        if (part == 0 && (i >= len || s[i++] != '.'))
            return -1;
    }
    if (i != len)
        return -1;
    *t = v[0];
    *n = v[1];
    return 0;
}
static catalog_clause clauses[64];
static size_t nclauses;
static catalog_threat threats[128];
static size_t nthreats;
static catalog_vuln vulns[128];
static size_t nvulns;
typedef struct { const char *from, *to; } map_row;
static map_row map2013[160];
static size_t nmap2013;
static int loaded;
static char *store; /* one copy of all embedded text, split in place; lives for the process */

const char *const catalog_theme_names[] = {"Organizational", "People", "Physical", "Technological", NULL};

/* Split s in place at '\n'; returns the next line or NULL at the end. */
static char *next_line(char **s)
{
    if (!*s || !**s)
        return NULL;
    char *line = *s;
    char *nl = strchr(line, '\n');
    if (nl) {
        *nl = '\0';
        *s = nl + 1;
    } else {
        *s = line + strlen(line);
    }
    size_t n = strlen(line);
    if (n && line[n - 1] == '\r')
        line[n - 1] = '\0';
    return line;
}

static int split_tabs(char *line, char **cols, int max)
{
    int n = 0;
    while (n < max) {
        cols[n++] = line;
        char *t = strchr(line, '\t');
        if (!t)
            break;
        *t = '\0';
        line = t + 1;
    }
    return n;
}

static char *copy_text(const char *p, size_t n, char **cursor)
{
    char *d = *cursor;
    memcpy(d, p, n);
    d[n] = '\0';
    *cursor += n + 1;
    return d;
}

static catalog_guidance *guidance_slot(const char *id)
{
    if (id[0] == 'A' && id[1] == '.') {
        int i = catalog_control_index(id);
        return i < 0 ? NULL : &controls[i].g;
    }
    for (size_t i = 0; i < nclauses; i++)
        if (!strcmp(clauses[i].id, id))
            return &clauses[i].g;
    return NULL;
}

int catalog_init(isms_err *err)
{
    if (loaded)
        return ISMS_OK;
    size_t total = data_annex_a_len + data_clauses_len + data_guidance_len + data_threats_len +
                   data_vulnerabilities_len + data_map2013_len + 16;
    store = malloc(total + CATALOG_NCONTROLS * 8);
    if (!store)
        return err_set(err, ISMS_ENOMEM, "out of memory loading the catalog");
    char *cur = store;
    char *annex = copy_text(data_annex_a, data_annex_a_len, &cur);
    char *cl = copy_text(data_clauses, data_clauses_len, &cur);
    char *gd = copy_text(data_guidance, data_guidance_len, &cur);
    char *th = copy_text(data_threats, data_threats_len, &cur);
    char *vu = copy_text(data_vulnerabilities, data_vulnerabilities_len, &cur);
    char *mp = copy_text(data_map2013, data_map2013_len, &cur);
    char *ids = cur; /* room for the "A."-prefixed ids */

    char *line, *cols[6];
    size_t n = 0;
    next_line(&annex); /* header */
    while ((line = next_line(&annex))) {
        if (!*line)
            continue;
        if (split_tabs(line, cols, 3) != 3 || n >= CATALOG_NCONTROLS)
            return err_set(err, ISMS_EINVAL, "catalog: bad Annex A row %zu", n + 1);
        controls[n].num = cols[0];
        size_t len = strlen(cols[0]);
        ids[0] = 'A';
        ids[1] = '.';
        memcpy(ids + 2, cols[0], len + 1);
        controls[n].id = ids;
        ids += len + 3;
        controls[n].theme = cols[1];
        controls[n].title = cols[2];
        n++;
    }
    if (n != CATALOG_NCONTROLS)
        return err_set(err, ISMS_EINVAL, "catalog: %zu Annex A controls, expected 93", n);
    memset(by_num, 0, sizeof by_num);
    for (size_t i = 0; i < n; i++) {
        int t, k;
        if (parse_num(controls[i].num, strlen(controls[i].num), &t, &k) || t >= NUM_THEMES || k >= NUM_MAX ||
            by_num[t][k])
            return err_set(err, ISMS_EINVAL, "catalog: Annex A control %s is not numbered T.N once", controls[i].num);
        by_num[t][k] = (unsigned char)(i + 1);
    }
    loaded = 1; /* catalog_control_index works from here on */

    next_line(&cl);
    while ((line = next_line(&cl)) && nclauses < sizeof clauses / sizeof *clauses) {
        if (!*line)
            continue;
        if (split_tabs(line, cols, 2) != 2)
            continue;
        clauses[nclauses].id = cols[0];
        clauses[nclauses].title = cols[1];
        nclauses++;
    }

    catalog_guidance *g = NULL;
    while ((line = next_line(&gd))) {
        if (line[0] == '[') {
            char *end = strchr(line, ']');
            if (end)
                *end = '\0';
            g = guidance_slot(line + 1);
            continue;
        }
        char *eq = strstr(line, " = ");
        if (!g || !eq)
            continue;
        *eq = '\0';
        const char *v = eq + 3;
        if (!strcmp(line, "purpose"))
            g->purpose = v;
        else if (!strcmp(line, "implement"))
            g->implement = v;
        else if (!strcmp(line, "evidence"))
            g->evidence = v;
        else if (!strcmp(line, "findings"))
            g->findings = v;
    }

    next_line(&th);
    while ((line = next_line(&th)) && nthreats < sizeof threats / sizeof *threats) {
        if (*line && split_tabs(line, cols, 5) == 5)
            threats[nthreats++] = (catalog_threat){cols[0], cols[1], cols[2], cols[3], cols[4]};
    }
    next_line(&vu);
    while ((line = next_line(&vu)) && nvulns < sizeof vulns / sizeof *vulns) {
        if (*line && split_tabs(line, cols, 4) == 4)
            vulns[nvulns++] = (catalog_vuln){cols[0], cols[1], cols[2], cols[3]};
    }
    next_line(&mp);
    while ((line = next_line(&mp)) && nmap2013 < sizeof map2013 / sizeof *map2013) {
        if (*line && split_tabs(line, cols, 2) == 2)
            map2013[nmap2013++] = (map_row){cols[0], cols[1]};
    }
    static const char empty[] = "";
    for (size_t i = 0; i < CATALOG_NCONTROLS; i++) {
        catalog_guidance *cg = &controls[i].g;
        if (!cg->purpose) cg->purpose = empty;
        if (!cg->implement) cg->implement = empty;
        if (!cg->evidence) cg->evidence = empty;
        if (!cg->findings) cg->findings = empty;
    }
    for (size_t i = 0; i < nclauses; i++) {
        catalog_guidance *cg = &clauses[i].g;
        if (!cg->purpose) cg->purpose = empty;
        if (!cg->implement) cg->implement = empty;
        if (!cg->evidence) cg->evidence = empty;
        if (!cg->findings) cg->findings = empty;
    }
    return ISMS_OK;
}

static void ensure(void)
{
    if (!loaded)
        catalog_init(NULL);
}

const catalog_control *catalog_controls(size_t *n)
{
    ensure();
    *n = CATALOG_NCONTROLS;
    return controls;
}

const catalog_clause *catalog_clauses(size_t *n)
{
    ensure();
    *n = nclauses;
    return clauses;
}

const catalog_threat *catalog_threats(size_t *n)
{
    ensure();
    *n = nthreats;
    return threats;
}

const catalog_vuln *catalog_vulns(size_t *n)
{
    ensure();
    *n = nvulns;
    return vulns;
}

const char *const *catalog_themes(void) { return catalog_theme_names; }

/* Strip an "A." / "A" / "Annex A " prefix and return the numeric part. */
static const char *control_num(const char *id)
{
    while (isspace((unsigned char)*id))
        id++;
    if (!strncasecmp(id, "annex a", 7))
        id += 7;
    else if (*id == 'A' || *id == 'a')
        id++;
    while (*id == '.' || *id == ' ')
        id++;
    return id;
}

int catalog_control_index(const char *id)
{
    if (!id)
        return -1;
    ensure();
    const char *num = control_num(id);
    size_t len = strlen(num);
    while (len && isspace((unsigned char)num[len - 1]))
        len--;
    int t, k;
    if (parse_num(num, len, &t, &k) || t >= NUM_THEMES || k >= NUM_MAX)
        return -1;
    return by_num[t][k] - 1;
}

const catalog_control *catalog_control_find(const char *id)
{
    int i = catalog_control_index(id);
    return i < 0 ? NULL : &controls[i];
}

const catalog_clause *catalog_clause_find(const char *id)
{
    ensure();
    if (!id)
        return NULL;
    if (!strncasecmp(id, "clause ", 7))
        id += 7;
    for (size_t i = 0; i < nclauses; i++)
        if (!strcmp(clauses[i].id, id))
            return &clauses[i];
    return NULL;
}

const catalog_threat *catalog_threat_find(const char *id)
{
    ensure();
    for (size_t i = 0; id && i < nthreats; i++)
        if (!strcasecmp(threats[i].id, id))
            return &threats[i];
    return NULL;
}

const catalog_vuln *catalog_vuln_find(const char *id)
{
    ensure();
    for (size_t i = 0; id && i < nvulns; i++)
        if (!strcasecmp(vulns[i].id, id))
            return &vulns[i];
    return NULL;
}

size_t catalog_map_2013(const char *id2013, const char **out, size_t max)
{
    ensure();
    const char *num = control_num(id2013);
    size_t n = 0;
    for (size_t i = 0; i < nmap2013 && n < max; i++)
        if (!strcmp(map2013[i].from, num)) {
            const catalog_control *c = catalog_control_find(map2013[i].to);
            if (c)
                out[n++] = c->id;
        }
    return n;
}

int catalog_controls_normalize(const char *list, char *out, size_t outsz, isms_err *err)
{
    ensure();
    char seen[CATALOG_NCONTROLS] = {0};
    const char *p = list ? list : "";
    while (*p) {
        while (*p == ',' || isspace((unsigned char)*p))
            p++;
        if (!*p)
            break;
        const char *start = p;
        while (*p && *p != ',')
            p++;
        char tok[64];
        size_t len = (size_t)(p - start);
        while (len && isspace((unsigned char)start[len - 1]))
            len--;
        if (len >= sizeof tok)
            return err_set(err, ISMS_EINVAL, "unknown control id '%.40s...'", start);
        memcpy(tok, start, len);
        tok[len] = '\0';
        int i = catalog_control_index(tok);
        if (i < 0)
            return err_set(err, ISMS_EINVAL,
                           "unknown control id '%s' (Annex A 2022 ids look like A.5.15 or A.8.24)", tok);
        seen[i] = 1;
    }
    size_t off = 0;
    if (outsz)
        out[0] = '\0';
    for (int i = 0; i < CATALOG_NCONTROLS; i++) {
        if (!seen[i])
            continue;
        int w = snprintf(out + off, outsz - off, "%s%s", off ? "," : "", controls[i].id);
        if (w < 0 || (size_t)w >= outsz - off)
            return err_set(err, ISMS_ENOMEM, "control list too long");
        off += (size_t)w;
    }
    return ISMS_OK;
}

int catalog_resolve(const char *id, const catalog_control **ctl, const catalog_clause **cl, const char **mapped,
                    size_t max, size_t *nmapped, isms_err *err)
{
    *ctl = catalog_control_find(id);
    *cl = NULL;
    *nmapped = 0;
    /* "6.1.2" is a clause; "A.6.1" or "6.1" with no such clause is a control. */
    if (id[0] != 'A' && id[0] != 'a')
        *cl = catalog_clause_find(id);
    if (*cl)
        *ctl = NULL;
    if (!*ctl && !*cl)
        *nmapped = catalog_map_2013(id, mapped, max);
    if (!*ctl && !*cl && !*nmapped)
        return err_set(err, ISMS_ENOTFOUND, "no control or clause '%s' (controls look like A.5.15, clauses like 6.1.2)",
                       id);
    if (*nmapped == 1)
        *ctl = catalog_control_find(mapped[0]);
    return ISMS_OK;
}
