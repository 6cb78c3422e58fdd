/* Document gap analysis. Every cue alternative of every requirement is compiled once into a table
 * indexed by its first two bytes, so one pass over a sentence's word starts finds all the cues it
 * holds; a requirement is then a few bit tests. 100 documents of 20 pages take well under a second. */
#include "core/docgap.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"

extern const char data_policy_reqs[];
extern const size_t data_policy_reqs_len;

#define MAX_REQS 400
#define MAX_ALTS 4096
#define MAX_GROUPS 2048
#define MAX_ALT_REFS 8192
#define NWEAK DOCGAP_NWEAK

typedef struct cue_group {
    int first, count;  /* into alt_refs */
} cue_group;

typedef struct cue_entry {
    int first, count;  /* into groups */
} cue_entry;

static docgap_topic topics[DOCGAP_MAX_TOPICS];
static size_t ntopics;
static docgap_req reqs[MAX_REQS];
static size_t nreqs;
static char *store;
static int loaded;

static const char *alts[MAX_ALTS];
static size_t alt_len[MAX_ALTS];
static int alt_next[MAX_ALTS];
static unsigned char alt_whole[MAX_ALTS]; /* "log$": the whole word only, so "login" is not a log */
static int nalts;
static int *bucket;                /* 65536 heads by the first two bytes, -1 for none */
static cue_group groups[MAX_GROUPS];
static int ngroups;
static int alt_refs[MAX_ALT_REFS];
static int nrefs;
/* compiled entries: the requirements, then the weaknesses, then the topics' title cues */
static cue_entry entries[MAX_REQS + NWEAK + DOCGAP_MAX_TOPICS];

static const char *const weak_code[NWEAK] = {"no_owner", "no_review", "no_approval", "no_scope", "no_version"};
static const char *const weak_text[NWEAK] = {
    "no owner named", "no review date or frequency", "no approval (approved by / date)",
    "no scope statement", "no version or document control"};
/* what shows a document has each: in any sentence, heading or property line */
static const char *const weak_cues[NWEAK] = {
    "owner|owned by|maintained by|custodian|steward|responsible for maintaining|responsible for this polic|"
    "responsible for this document|responsible for reviewing|responsible for updating|accountable for this",
    "review|revis|updat|reassess + annual|year|month|quarter|periodic|planned interval|every|regular|at least|"
    "next review|review date|biennial",
    "approved by|approval|approved on|approver|sign-off|signed off|authorized by|authorised by|endorsed by|ratified",
    "scope|applies to|apply to|applicable to|this policy covers|covers all|applies across",
    "version|revision|document control|document history|change history|changelog|change log|majorrevisions|"
    "v0|v1|v2|v3"};

/* Lowercase ASCII letters and digits and keep '-' and bytes of other scripts; anything else is one
 * space. The result starts with a word (no leading space). Returns its length. */
static size_t normalize(const char *s, char *out, size_t max)
{
    size_t o = 0;
    int space = 1;
    for (; *s && o + 1 < max; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == 0xe2 && (unsigned char)s[1] == 0x80 && s[2]) { /* typographic quotes and dashes */
            s += 2;
            c = ' ';
        }
        if (isalnum(c) || c == '-' || c >= 0x80) {
            out[o++] = (char)tolower(c);
            space = 0;
        } else if (!space) {
            out[o++] = ' ';
            space = 1;
        }
    }
    while (o && out[o - 1] == ' ')
        o--;
    out[o] = '\0';
    return o;
}

static int alt_intern(const char *raw, char *scratch)
{
    size_t rl = strlen(raw);
    int whole = rl && raw[rl - 1] == '$';
    size_t n = normalize(raw, scratch, 256);
    if (n < 2)
        return -1;
    unsigned key = ((unsigned char)scratch[0] << 8) | (unsigned char)scratch[1];
    for (int i = bucket[key]; i >= 0; i = alt_next[i])
        if (alt_len[i] == n && alt_whole[i] == whole && !memcmp(alts[i], scratch, n))
            return i;
    if (nalts >= MAX_ALTS)
        return -2;
    char *copy = malloc(n + 1);
    if (!copy)
        return -2;
    memcpy(copy, scratch, n + 1);
    alts[nalts] = copy;
    alt_len[nalts] = n;
    alt_whole[nalts] = (unsigned char)whole;
    alt_next[nalts] = bucket[key];
    bucket[key] = nalts;
    return nalts++;
}

/* Compile "a|b + c|d" into entry e. */
static int compile(int e, const char *cues, isms_err *err)
{
    char tmp[256], scratch[256];
    entries[e].first = ngroups;
    const char *p = cues;
    while (*p) {
        const char *plus = strstr(p, " + ");
        size_t glen = plus ? (size_t)(plus - p) : strlen(p);
        if (ngroups >= MAX_GROUPS)
            return err_set(err, ISMS_EINVAL, "policy requirements: too many cue groups");
        groups[ngroups].first = nrefs;
        const char *q = p;
        while (q < p + glen) {
            const char *bar = memchr(q, '|', (size_t)(p + glen - q));
            size_t alen = bar ? (size_t)(bar - q) : (size_t)(p + glen - q);
            if (alen >= sizeof tmp)
                return err_set(err, ISMS_EINVAL, "policy requirements: cue too long in '%s'", cues);
            memcpy(tmp, q, alen);
            tmp[alen] = '\0';
            int id = alt_intern(tmp, scratch);
            if (id < 0 || nrefs >= MAX_ALT_REFS)
                return err_set(err, ISMS_EINVAL, "policy requirements: bad cue '%s'", tmp);
            alt_refs[nrefs++] = id;
            q = bar ? bar + 1 : p + glen;
        }
        groups[ngroups].count = nrefs - groups[ngroups].first;
        ngroups++;
        p = plus ? plus + 3 : p + glen;
    }
    entries[e].count = ngroups - entries[e].first;
    return entries[e].count ? ISMS_OK : err_set(err, ISMS_EINVAL, "policy requirements: no cues in entry %d", e);
}

int docgap_init(isms_err *err)
{
    if (loaded)
        return ISMS_OK;
    bucket = malloc(65536 * sizeof *bucket);
    store = malloc(data_policy_reqs_len + 1);
    if (!bucket || !store)
        return err_set(err, ISMS_ENOMEM, "out of memory loading the policy requirements");
    memset(bucket, 0xff, 65536 * sizeof *bucket);
    memcpy(store, data_policy_reqs, data_policy_reqs_len + 1);
    for (char *line = store, *next; line && *line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        if (line[0] == '#' || !line[0])
            continue;
        char *cols[6];
        int nc = 0;
        for (char *c = line; c && nc < 6; nc++) {
            cols[nc] = c;
            c = strchr(c, '\t');
            if (c)
                *c++ = '\0';
        }
        if (!strcmp(cols[0], "topic") && nc == 4 && ntopics < DOCGAP_MAX_TOPICS) {
            topics[ntopics++] = (docgap_topic){cols[1], cols[2], cols[3]};
        } else if (!strcmp(cols[0], "req") && nc == 6 && nreqs < MAX_REQS) {
            int t = docgap_topic_find(cols[1]);
            if (t < 0)
                return err_set(err, ISMS_EINVAL, "policy requirements: %s names unknown topic %s", cols[2], cols[1]);
            reqs[nreqs++] = (docgap_req){cols[2], cols[1], cols[3], cols[4], cols[5], t};
        } else {
            return err_set(err, ISMS_EINVAL, "policy requirements: bad row '%.40s'", cols[0]);
        }
    }
    for (size_t i = 0; i < nreqs; i++)
        if (compile((int)i, reqs[i].cues, err))
            return err->code;
    for (int k = 0; k < NWEAK; k++)
        if (compile((int)nreqs + k, weak_cues[k], err))
            return err->code;
    for (size_t t = 0; t < ntopics; t++)
        if (compile((int)(nreqs + NWEAK + t), topics[t].title_cues, err))
            return err->code;
    loaded = 1;
    return ISMS_OK;
}

const docgap_topic *docgap_topics(size_t *n)
{
    *n = ntopics;
    return topics;
}

const docgap_req *docgap_reqs(size_t *n)
{
    *n = nreqs;
    return reqs;
}

int docgap_topic_find(const char *id)
{
    for (size_t i = 0; i < ntopics; i++)
        if (!strcmp(topics[i].id, id))
            return (int)i;
    return -1;
}

const char *docgap_weakness_code(int k) { return k >= 0 && k < NWEAK ? weak_code[k] : "?"; }
const char *docgap_weakness_text(int k) { return k >= 0 && k < NWEAK ? weak_text[k] : "?"; }

/* --- sentences --- */

static int is_abbrev(const char *w, size_t n)
{
    static const char *const ab[] = {"e.g", "i.e", "etc", "vs", "mr", "mrs", "ms", "dr", "no", "inc", "ltd",
                                     "co", "fig", "st", "approx", "cf", "al", "incl", "dept", "corp", "min",
                                     "max", "sec", "art", "para", "ref", "nr", "eg", "ie", NULL};
    for (const char *const *a = ab; *a; a++)
        if (strlen(*a) == n && !strncasecmp(w, *a, n))
            return 1;
    return 0;
}

size_t docgap_sentences(const char *text, arena *a, const char ***out)
{
    size_t cap = 8, n = 0;
    const char **list = arena_alloc(a, cap * sizeof *list);
    const char *start = text;
    for (const char *p = text;; p++) {
        int end = !*p;
        if (!end && (*p == '.' || *p == '!' || *p == '?') && (p[1] == ' ' || !p[1])) {
            const char *nx = p + 1;
            while (*nx == ' ')
                nx++;
            const char *w = p;
            while (w > start && w[-1] != ' ' && w[-1] != '(')
                w--;
            size_t wl = (size_t)(p - w);
            int next_ok = !*nx || isupper((unsigned char)*nx) || isdigit((unsigned char)*nx) || *nx == '"' ||
                          *nx == '(' || *nx == '\'' || (unsigned char)*nx >= 0x80;
            /* "a. This policy", "iv. Logs": a list marker at the start of a sentence, not its end */
            int marker = w == start && wl <= 4 && strspn(w, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789()") == wl &&
                         (wl <= 2 || strspn(w, "ivxlc()") == wl || strspn(w, "0123456789()") == wl);
            int initial = wl == 1 && isupper((unsigned char)*w) && w > start;
            if (*p == '.' && (!next_ok || marker || initial || is_abbrev(w, wl)))
                continue;
            if (*p != '.' && !next_ok)
                continue;
            end = 1;
        }
        if (!end)
            continue;
        const char *e = *p ? p + 1 : p;
        while (start < e && *start == ' ')
            start++;
        size_t len = (size_t)(e - start);
        while (len && start[len - 1] == ' ')
            len--;
        if (len) {
            if (n == cap) {
                const char **grown = arena_alloc(a, cap * 2 * sizeof *grown);
                memcpy(grown, list, n * sizeof *list);
                list = grown;
                cap *= 2;
            }
            list[n++] = arena_strndup(a, start, len);
        }
        if (!*p)
            break;
        start = p + 1;
    }
    *out = list;
    return n;
}

/* --- matching --- */

typedef struct matcher {
    uint64_t bits[MAX_ALTS / 64];
    int hit[512];
    int nhit;
    size_t words;
    char norm[4096];
} matcher;

static void matcher_clear(matcher *m)
{
    for (int i = 0; i < m->nhit; i++)
        m->bits[m->hit[i] >> 6] &= ~(1ull << (m->hit[i] & 63));
    m->nhit = 0;
}

/* Mark every cue alternative found at a word start of s. */
static void matcher_scan(matcher *m, const char *s)
{
    matcher_clear(m);
    size_t n = normalize(s, m->norm, sizeof m->norm);
    m->words = 0;
    for (size_t i = 0; i + 1 < n; i++) {
        if (i && m->norm[i - 1] != ' ')
            continue;
        m->words++;
        unsigned key = ((unsigned char)m->norm[i] << 8) | (unsigned char)m->norm[i + 1];
        for (int k = bucket[key]; k >= 0; k = alt_next[k]) {
            if (alt_len[k] > n - i || memcmp(m->norm + i, alts[k], alt_len[k]) ||
                (alt_whole[k] && i + alt_len[k] < n && m->norm[i + alt_len[k]] != ' '))
                continue;
            uint64_t bit = 1ull << (k & 63);
            if (!(m->bits[k >> 6] & bit) && m->nhit < (int)(sizeof m->hit / sizeof *m->hit)) {
                m->bits[k >> 6] |= bit;
                m->hit[m->nhit++] = k;
            }
        }
    }
}

/* Alternatives matched over the groups of entry e, or 0 when a group has none. */
static int entry_hits(const matcher *m, int e)
{
    int hits = 0;
    for (int g = entries[e].first; g < entries[e].first + entries[e].count; g++) {
        int any = 0;
        for (int r = groups[g].first; r < groups[g].first + groups[g].count; r++) {
            int k = alt_refs[r];
            any += (m->bits[k >> 6] >> (k & 63)) & 1;
        }
        if (!any)
            return 0;
        hits += any;
    }
    return hits;
}

/* Prefer sentences that hold more cues, state a rule and are of a readable length. */
static double sentence_score(const matcher *m, int hits, const char *s)
{
    double score = 10.0 * hits;
    if (m->words >= 6 && m->words <= 60)
        score += 5;
    if (strstr(m->norm, "must") || strstr(m->norm, "shall") || strstr(m->norm, "will ") ||
        strstr(m->norm, "required") || strstr(m->norm, "should"))
        score += 3;
    if (strchr(s, '{'))
        score -= 2; /* a template placeholder */
    return score;
}

double docgap_match(const docgap_req *r, const char *s)
{
    if (!loaded || r < reqs || r >= reqs + nreqs)
        return 0;
    matcher *m = calloc(1, sizeof *m);
    if (!m)
        return 0;
    matcher_scan(m, s);
    int hits = entry_hits(m, (int)(r - reqs));
    double score = hits ? sentence_score(m, hits, s) : 0;
    free(m);
    return score;
}

/* --- analysis --- */

typedef struct best {
    double score;
    const char *sentence;
    const doc_para *para;
} best;

static int has_topic(const docgap_file *f, int t)
{
    for (int i = 0; i < f->ntopics; i++)
        if (f->topics[i] == t)
            return 1;
    return 0;
}

/* Topics named by the document's title, first heading or file name; else the densest ones. */
static void decide_topics(matcher *m, docgap_file *f, const best *b, arena *a)
{
    const doc *d = f->d;
    const char *base = strrchr(d->path, '/');
    base = base ? base + 1 : d->path;
    char *name = arena_strdup(a, base);
    for (char *c = name; *c; c++)
        if (*c == '_' || *c == '.')
            *c = ' ';
    const char *first = d->npara && d->paras[0].heading ? d->paras[0].text : "";
    matcher_scan(m, arena_sprintf(a, "%s . %s . %s", d->title ? d->title : "", first, name));
    for (size_t t = 0; t < ntopics && f->ntopics < DOCGAP_MAX_TOPICS; t++)
        if (entry_hits(m, (int)(nreqs + NWEAK + t)))
            f->topics[f->ntopics++] = (int)t;
    if (f->ntopics)
        return;
    double ratio[DOCGAP_MAX_TOPICS] = {0};
    for (size_t t = 0; t < ntopics; t++) {
        int total = 0, covered = 0;
        for (size_t i = 0; i < nreqs; i++)
            if (reqs[i].topic_index == (int)t) {
                total++;
                covered += b[i].score > 0;
            }
        ratio[t] = total && covered >= 3 ? (double)covered / total : 0;
    }
    for (int pick = 0; pick < 2; pick++) {
        int top = -1;
        for (size_t t = 0; t < ntopics; t++)
            if (ratio[t] >= 0.4 && (top < 0 || ratio[t] > ratio[top]) && !has_topic(f, (int)t))
                top = (int)t;
        if (top >= 0)
            f->topics[f->ntopics++] = top;
    }
}

static int group_any(const matcher *m, int g)
{
    for (int r = groups[g].first; r < groups[g].first + groups[g].count; r++) {
        int k = alt_refs[r];
        if ((m->bits[k >> 6] >> (k & 63)) & 1)
            return 1;
    }
    return 0;
}

/* Score text for every requirement (only those marked in subject, when given). */
static void match_reqs(matcher *m, const char *text, const doc_para *para, double penalty,
                       const unsigned char *subject, best *b)
{
    for (size_t i = 0; i < nreqs; i++) {
        if (subject && !subject[i])
            continue;
        int hits = entry_hits(m, (int)i);
        if (!hits)
            continue;
        double score = sentence_score(m, hits, text) - penalty;
        if (score > b[i].score)
            b[i] = (best){score, text, para};
    }
}

/* "Logs record the following:" and its short items state one rule together. The lead-in must name
 * the requirement's subject (its first cue group) itself; its items may hold the rest. Such a match
 * ranks below a single sentence. */
static void match_list(matcher *m, const doc *d, size_t lead, arena *a, best *b)
{
    const char **sent;
    size_t ns = docgap_sentences(d->paras[lead].text, a, &sent);
    if (!ns)
        return;
    matcher_scan(m, sent[ns - 1]); /* the sentence that introduces the items */
    if (!m->nhit)
        return;
    unsigned char *subject = arena_alloc(a, nreqs);
    int any = 0;
    for (size_t i = 0; i < nreqs; i++)
        any |= subject[i] = (unsigned char)group_any(m, entries[i].first);
    if (!any)
        return;
    buf joined;
    buf_init(&joined, 3000);
    buf_puts(&joined, sent[ns - 1]);
    int items = 0;
    for (size_t q = lead + 1; q < d->npara && items < 8; q++, items++) {
        const char *t = d->paras[q].text;
        size_t tl = strlen(t), words = 1;
        for (const char *c = t; *c; c++)
            words += *c == ' ';
        if (d->paras[q].heading || words > 30 || (tl && t[tl - 1] == ':') || buf_putc(&joined, ' ') ||
            buf_puts(&joined, t))
            break;
    }
    const char *text = items ? arena_strdup(a, joined.data) : NULL;
    buf_free(&joined);
    if (!text)
        return;
    matcher_scan(m, text);
    match_reqs(m, text, &d->paras[lead], 8, subject, b);
}

static void scan_doc(matcher *m, docgap_file *f, best *b, arena *a)
{
    unsigned found = 0;
    const doc *d = f->d;
    for (size_t p = 0; p < d->npara; p++) {
        const doc_para *para = &d->paras[p];
        const char **sent;
        size_t ns = docgap_sentences(para->text, a, &sent);
        for (size_t s = 0; s < ns; s++) {
            f->sentences++;
            matcher_scan(m, sent[s]);
            if (!m->nhit)
                continue;
            for (int k = 0; k < NWEAK; k++)
                if (!(found & (1u << k)) && entry_hits(m, (int)nreqs + k))
                    found |= 1u << k;
            if (para->heading)
                continue; /* a heading names a subject; it does not state a rule */
            match_reqs(m, sent[s], para, 0, NULL, b);
        }
        size_t len = strlen(para->text);
        if (!para->heading && len && para->text[len - 1] == ':')
            match_list(m, d, p, a, b);
    }
    /* properties and front matter count for document control */
    for (const char *l = d->meta; l && *l;) {
        const char *eol = strchr(l, '\n');
        matcher_scan(m, arena_strndup(a, l, eol ? (size_t)(eol - l) : strlen(l)));
        for (int k = 0; k < NWEAK; k++)
            if (entry_hits(m, (int)nreqs + k))
                found |= 1u << k;
        l = eol ? eol + 1 : NULL;
    }
    if (d->revision)
        found |= DOCGAP_NO_VERSION;
    f->weaknesses = ~found & ((1u << NWEAK) - 1);
}

int docgap_analyse(const char *const *paths, doc *const *docs, const char *const *errors, size_t n,
                   const int *want, size_t nwant, arena *a, docgap_report *out, isms_err *err)
{
    if (docgap_init(err))
        return err->code;
    memset(out, 0, sizeof *out);
    out->files = arena_alloc(a, (n ? n : 1) * sizeof *out->files);
    out->nfiles = n;
    best *all = arena_alloc(a, (n ? n : 1) * nreqs * sizeof *all);
    matcher *m = calloc(1, sizeof *m);
    if (!m)
        return err_set(err, ISMS_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        docgap_file *f = &out->files[i];
        f->path = paths[i];
        f->error = errors[i];
        f->d = errors[i] ? NULL : docs[i];
        if (!f->d)
            continue;
        out->nread++;
        scan_doc(m, f, all + i * nreqs, a);
        decide_topics(m, f, all + i * nreqs, a);
        out->weak_docs += f->weaknesses != 0;
    }
    free(m);
    for (size_t k = 0; k < nwant; k++)
        if (want[k] >= 0 && (size_t)want[k] < ntopics)
            out->in_scope[want[k]] = 1;
    if (!nwant)
        for (size_t i = 0; i < n; i++)
            for (int t = 0; t < out->files[i].ntopics; t++)
                out->in_scope[out->files[i].topics[t]] = 1;
    out->items = arena_alloc(a, nreqs * sizeof *out->items);
    for (size_t r = 0; r < nreqs; r++) {
        if (!out->in_scope[reqs[r].topic_index])
            continue;
        docgap_item *it = &out->items[out->nitems++];
        it->req = &reqs[r];
        double top = 0;
        size_t from = 0;
        const best *pick = NULL;
        for (size_t i = 0; i < n; i++) {
            const best *b = &all[i * nreqs + r];
            if (!out->files[i].d || b->score <= 0)
                continue;
            /* the document about the topic is the better witness */
            double s = b->score + (has_topic(&out->files[i], reqs[r].topic_index) ? 15 : 0);
            if (s > top) {
                top = s;
                pick = b;
                from = i;
            }
        }
        if (pick) {
            it->covered = 1;
            out->covered++;
            const doc *d = out->files[from].d;
            it->ev = (docgap_evidence){pick->sentence, d->path, docread_location(d, pick->para, a),
                                       pick->para->page, pick->score};
        }
    }
    return ISMS_OK;
}

void docgap_topic_counts(const docgap_report *r, int t, int *total, int *covered)
{
    *total = *covered = 0;
    for (size_t i = 0; i < r->nitems; i++)
        if (r->items[i].req->topic_index == t) {
            (*total)++;
            *covered += r->items[i].covered;
        }
}

static int control_cmp(const void *pa, const void *pb)
{
    const char *a = ((const docgap_control *)pa)->control, *b = ((const docgap_control *)pb)->control;
    int aa = a[0] == 'A', ba = b[0] == 'A';
    if (aa != ba)
        return aa - ba;
    a += aa ? 2 : 0;
    b += ba ? 2 : 0;
    while (*a || *b) {
        long x = strtol(a, (char **)&a, 10), y = strtol(b, (char **)&b, 10);
        if (x != y)
            return x < y ? -1 : 1;
        if (*a == '.')
            a++;
        if (*b == '.')
            b++;
        if (!*a || !*b)
            return (*a != 0) - (*b != 0);
    }
    return 0;
}

size_t docgap_controls(const docgap_report *r, arena *a, docgap_control **out)
{
    docgap_control *rows = arena_alloc(a, (r->nitems ? r->nitems : 1) * sizeof *rows);
    size_t n = 0;
    for (size_t i = 0; i < r->nitems; i++) {
        const char *c = r->items[i].req->control;
        size_t k = 0;
        while (k < n && strcmp(rows[k].control, c))
            k++;
        if (k == n)
            rows[n++] = (docgap_control){c, 0, 0};
        rows[k].total++;
        rows[k].covered += r->items[i].covered;
    }
    qsort(rows, n, sizeof *rows, control_cmp);
    *out = rows;
    return n;
}

const char *docgap_status(int covered, int total)
{
    return covered == total ? "covered" : covered ? "partial" : "missing";
}

int docgap_topics_parse(const char *list, int *out, size_t *n, arena *a, isms_err *err)
{
    int rc = docgap_init(err);
    if (rc)
        return rc;
    *n = 0;
    if (!strcmp(list, "all")) {
        for (size_t t = 0; t < ntopics && *n < DOCGAP_MAX_TOPICS; t++)
            out[(*n)++] = (int)t;
        return ISMS_OK;
    }
    char *copy = arena_strdup(a, list), *save = NULL;
    for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        while (*tok == ' ')
            tok++;
        size_t l = strlen(tok);
        while (l && tok[l - 1] == ' ')
            tok[--l] = '\0';
        if (!*tok)
            continue;
        int t = docgap_topic_find(tok);
        if (t < 0)
            return err_field(err, ISMS_EINVAL, "topic", "unknown topic '%.60s'", tok);
        if (*n < DOCGAP_MAX_TOPICS)
            out[(*n)++] = t;
    }
    if (!*n)
        return err_field(err, ISMS_EINVAL, "topic", "give at least one topic id");
    return ISMS_OK;
}
