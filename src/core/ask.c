#include "core/ask.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "core/catalog.h"
#include "util/buf.h"

static const char *const kind_names[ASK_NKINDS] = {"purpose", "implement", "evidence", "findings"};

const char *ask_kind_name(int kind)
{
    return kind >= 0 && kind < ASK_NKINDS ? kind_names[kind] : NULL;
}

int ask_kind_index(const char *name)
{
    for (int k = 0; name && k < ASK_NKINDS; k++)
        if (!strcmp(kind_names[k], name))
            return k;
    return -1;
}

/* Locale-free character classes: the question is bytes, and isalnum() would vary with LC_CTYPE. */
static int is_digit(unsigned char c) { return c >= '0' && c <= '9'; }
static int is_alpha(unsigned char c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }
static unsigned char lower(unsigned char c) { return c >= 'A' && c <= 'Z' ? (unsigned char)(c | 0x20) : c; }
/* Bytes of a word: ASCII letters and digits, and any non-ASCII byte (letters of other scripts,
 * which the unicode61 tokenizer splits properly). */
static int is_word(unsigned char c) { return is_digit(c) || is_alpha(c) || c >= 0x80; }
/* Around an id only ASCII letters and digits join on: typographic quotes and dashes ("“A.5.23”",
 * "A.5.23—why") are punctuation there. */
static int is_alnum(unsigned char c) { return is_digit(c) || is_alpha(c); }

/* Length of the valid UTF-8 sequence at p (1-4), or 0 when it is not valid: overlong forms,
 * surrogates and values past U+10FFFF are invalid, as is a sequence cut by the end (n bytes left). */
static size_t utf8_len(const unsigned char *p, size_t n)
{
    if (p[0] < 0x80)
        return 1;
    size_t len;
    unsigned min;
    unsigned cp;
    if ((p[0] & 0xE0) == 0xC0) {
        len = 2, min = 0x80, cp = p[0] & 0x1F;
    } else if ((p[0] & 0xF0) == 0xE0) {
        len = 3, min = 0x800, cp = p[0] & 0x0F;
    } else if ((p[0] & 0xF8) == 0xF0) {
        len = 4, min = 0x10000, cp = p[0] & 0x07;
    } else {
        return 0;
    }
    if (len > n)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (p[i] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return len;
}

int ask_question_clean(const char *q, char *out, isms_err *err)
{
    size_t n = q ? strlen(q) : 0;
    if (n > ASK_MAX_QUESTION)
        return err_set(err, ISMS_EINVAL, "the question is too long: %zu bytes, at most %d; ask about one topic at a time",
                       n, ASK_MAX_QUESTION);
    const unsigned char *p = (const unsigned char *)q;
    size_t o = 0;
    int space = 1; /* drops leading white space and collapses runs */
    for (size_t i = 0; i < n;) {
        size_t l = utf8_len(p + i, n - i);
        /* U+0080..U+009F are C1 controls: as unwelcome as C0 ones */
        int ctl = l == 1 ? (p[i] < 0x20 || p[i] == 0x7F) : l == 2 && p[i] == 0xC2 && p[i + 1] < 0xA0;
        if (!l || ctl || p[i] == ' ') {
            if (!space)
                out[o++] = ' ';
            space = 1;
            i += l ? l : 1;
            continue;
        }
        memcpy(out + o, p + i, l);
        o += l;
        i += l;
        space = 0;
    }
    while (o && out[o - 1] == ' ')
        o--;
    out[o] = '\0';
    if (!o)
        return err_set(err, ISMS_EINVAL, "the question is empty: ask about a control (A.5.23), a clause (9.3) or a topic");
    return ISMS_OK;
}

/* --- words --- */

/* The next word of s from *pos: copied lower-cased into w (cut at wsz - 1 bytes; *full says
 * whether it fitted), *pos moved past it. Returns 0 at the end. */
static int next_word(const char *s, size_t *pos, char *w, size_t wsz, size_t *start, int *full)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = *pos;
    while (p[i] && !is_word(p[i]))
        i++;
    if (!p[i])
        return 0;
    *start = i;
    size_t o = 0;
    *full = 1;
    while (is_word(p[i])) {
        if (o + 1 < wsz)
            w[o++] = (char)lower(p[i]);
        else
            *full = 0;
        i++;
    }
    w[o] = '\0';
    *pos = i;
    return 1;
}

static int in_list(const char *w, const char *const *list)
{
    for (; *list; list++)
        if (!strcmp(w, *list))
            return 1;
    return 0;
}

/* --- ids --- */

/* Words after which a number names a control, a clause, or something else entirely. */
static const char *const ctl_words[] = {"annex", "control", "controls", "ctrl", "27002", "iso27002", NULL};
static const char *const clause_words[] = {"clause", "clauses", "cl", NULL};
static const char *const version_words[] = {
    "version", "versions", "ver", "v", "release", "rel", "rev", "revision", "build", "patch", "python", "node",
    "nodejs", "java", "php", "ruby", "perl", "go", "golang", "rust", "tls", "ssl", "ssh", "http", "oauth",
    "ubuntu", "debian", "rhel", "centos", "fedora", "alpine", "windows", "macos", "ios", "android", "kernel",
    "linux", "openssl", "openssh", "chrome", "firefox", "postgres", "postgresql", "mysql", "nginx", "apache",
    "kubernetes", "k8s", "terraform", "pci", "dss", "nist", "csf", "cis", "soc", "hipaa", "gdpr", "article",
    "art", "cvss", "score", "rfc", "iso27017", "27017", "27018", "27701", "usd", "eur", "gbp", "costs",
    "cost", "price", "priced", "pay", "paid", "spent", "budget", NULL};
/* Words after a number that make it an amount, not an id ("5.5 days"). */
static const char *const unit_words[] = {
    "day", "days", "hour", "hours", "h", "hr", "hrs", "year", "years", "month", "months", "week", "weeks",
    "minute", "minutes", "min", "mins", "second", "seconds", "sec", "s", "ms", "percent", "pct", "gb", "mb",
    "kb", "tb", "gib", "mib", "m", "km", "k", "times", "x", "usd", "eur", "gbp", "dollars", "euros", "pounds",
    "million", "billion", "users", "people", "staff", "employees", "stars", "points", "pts", "ghz", "mhz", NULL};

/* The word just before position end in s (lower-cased into w), skipping spaces and a colon
 * ("clause: 9.3"); "§" counts as a word. Returns the position where that word starts, or
 * (size_t)-1 when there is none. */
static size_t prev_word(const char *s, size_t end, char *w, size_t wsz)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = end;
    while (i > 0 && (p[i - 1] == ' ' || p[i - 1] == ':'))
        i--;
    size_t e = i;
    if (i >= 2 && p[i - 2] == 0xC2 && p[i - 1] == 0xA7) { /* § */
        snprintf(w, wsz, "§");
        return i - 2;
    }
    while (i > 0 && is_word(p[i - 1]))
        i--;
    if (i == e || e - i >= wsz)
        return (size_t)-1;
    for (size_t k = i; k < e; k++)
        w[k - i] = (char)lower(p[k]);
    w[e - i] = '\0';
    return i;
}

static void add_ref(ask_ref *out, size_t *n, size_t max, const char *id, int is_clause, const char *from2013)
{
    for (size_t i = 0; i < *n; i++)
        if (!strcmp(out[i].id, id) && out[i].is_clause == is_clause)
            return;
    if (*n >= max)
        return;
    ask_ref *r = &out[(*n)++];
    snprintf(r->id, sizeof r->id, "%s", id);
    r->is_clause = is_clause;
    snprintf(r->from2013, sizeof r->from2013, "%s", from2013 ? from2013 : "");
}

enum { CTX_NONE, CTX_CONTROL, CTX_CLAUSE, CTX_NOT_ID };

/* The context a number at [s, e) (trailing dots run on to next) stands in: an "A." prefix or a
 * preceding word that says control or clause, or signs that it is a version, an amount or part of
 * a longer token. */
static int id_context(const char *q, size_t s, size_t e, size_t next)
{
    const unsigned char *p = (const unsigned char *)q;
    /* after: "5.23a", "5.23%", "5.23.txt" are not ids; "A.5.23." ending a sentence is one */
    if (is_alnum(p[next]))
        return CTX_NOT_ID;
    if (p[e] == '%')
        return CTX_NOT_ID;
    char w[32];
    size_t dummy;
    size_t wpos = e;
    int full;
    if (next_word(q, &wpos, w, sizeof w, &dummy, &full) && in_list(w, unit_words)) {
        /* only when the unit directly follows: "5.5 days", not "5.5. Days later ..." */
        size_t k = e;
        while (p[k] == ' ')
            k++;
        if (k == dummy)
            return CTX_NOT_ID;
    }
    /* before: "A.5.23", "A5.23", "a.5.23" */
    size_t b = s;
    int aprefix = 0;
    if (b >= 1 && (p[b - 1] | 0x20) == 'a' && (b < 2 || !is_alnum(p[b - 2]))) {
        aprefix = 1;
        b -= 1;
    } else if (b >= 2 && p[b - 1] == '.' && (p[b - 2] | 0x20) == 'a' && (b < 3 || !is_alnum(p[b - 3]))) {
        aprefix = 1;
        b -= 2;
    } else if (b >= 2 && p[b - 2] == 0xC2 && p[b - 1] == 0xA7) {
        return CTX_CLAUSE; /* "§9.3" */
    } else if (b >= 1 && (is_alnum(p[b - 1]) || strchr("$.#@_\\", p[b - 1]))) {
        return CTX_NOT_ID; /* "v5.2", "$5.23", ".5.23", "#5.2" */
    } else if ((b >= 3 && !memcmp(p + b - 3, "\xe2\x82\xac", 3)) || (b >= 2 && !memcmp(p + b - 2, "\xc2\xa3", 2))) {
        return CTX_NOT_ID; /* "€5.23", "£5.23" */
    }
    size_t wstart = prev_word(q, b, w, sizeof w);
    if (wstart == (size_t)-1)
        return aprefix ? CTX_CONTROL : CTX_NONE;
    if (in_list(w, version_words))
        return CTX_NOT_ID;
    if (aprefix)
        return CTX_CONTROL;
    if (in_list(w, ctl_words))
        return CTX_CONTROL;
    if (in_list(w, clause_words) || !strcmp(w, "§"))
        return CTX_CLAUSE;
    if (!strcmp(w, "a")) { /* "annex a 5.23" */
        char w2[32];
        if (wstart > 0 && prev_word(q, wstart, w2, sizeof w2) != (size_t)-1 && !strcmp(w2, "annex"))
            return CTX_CONTROL;
    }
    return CTX_NONE;
}

/* Add the 2022 ids that a 2013 number maps to, each with its origin. */
static void add_2013(const char *num, ask_ref *out, size_t *n, size_t max)
{
    const char *to[8];
    size_t nm = catalog_map_2013(num, to, 8);
    char from[16];
    snprintf(from, sizeof from, "A.%s", num);
    for (size_t k = 0; k < nm; k++)
        add_ref(out, n, max, to[k], 0, from);
}

size_t ask_find_ids(const char *q, ask_ref *out, size_t max)
{
    size_t n = 0;
    const unsigned char *p = (const unsigned char *)q;
    size_t len = strlen(q);
    for (size_t i = 0; i < len;) {
        if (!is_digit(p[i]) || (i > 0 && is_digit(p[i - 1]))) {
            i++;
            continue;
        }
        size_t s = i, e = i;
        while (e < len && (is_digit(p[e]) || p[e] == '.'))
            e++;
        size_t next = e;
        i = e;
        while (e > s && p[e - 1] == '.')
            e--;
        /* parts: 1-2 digits each, no leading zero (ids have none; dates and decimals may) */
        int parts = 1, ok = 1;
        size_t plen = 0;
        for (size_t k = s; k < e; k++) {
            if (p[k] == '.') {
                parts++;
                ok &= plen > 0;
                plen = 0;
            } else {
                ok &= !(plen == 0 && p[k] == '0') && plen < 2;
                plen++;
            }
        }
        if (!ok || !plen || parts < 2 || parts > 3)
            continue;
        int ctx = id_context(q, s, e, next);
        if (ctx == CTX_NOT_ID)
            continue;
        char num[12];
        memcpy(num, q + s, e - s);
        num[e - s] = '\0';
        const catalog_control *c = parts == 2 ? catalog_control_find(num) : NULL;
        const catalog_clause *cl = catalog_clause_find(num);
        if (ctx == CTX_CLAUSE) {
            if (cl)
                add_ref(out, &n, max, cl->id, 1, NULL);
            else if (c)
                add_ref(out, &n, max, c->id, 0, NULL);
        } else if (ctx == CTX_CONTROL) {
            if (c)
                add_ref(out, &n, max, c->id, 0, NULL);
            else if (parts == 3)
                add_2013(num, out, &n, max);
        } else if (c) {
            add_ref(out, &n, max, c->id, 0, NULL);
        } else if (cl) {
            add_ref(out, &n, max, cl->id, 1, NULL);
        } else if (parts == 3) {
            add_2013(num, out, &n, max);
        }
    }
    return n;
}

/* --- intent --- */

static const char *const evidence_words[] = {
    "evidence", "evidences", "prove", "proves", "proving", "proof", "proofs", "auditor", "auditors",
    "artifact", "artifacts", "artefact", "artefacts", "demonstrate", "demonstrating", NULL};
/* Documents and records are evidence in "what documents for 9.3" but a topic in "how do we
 * control documents", so they only decide when no how-to or findings word does. */
static const char *const document_words[] = {
    "document", "documents", "documentation", "record", "records", NULL};
static const char *const findings_words[] = {
    "finding", "findings", "nonconformity", "nonconformities", "nonconformance", "conformity", "fail",
    "fails", "failed", "failing", "pitfall", "pitfalls", "mistake", "mistakes", "wrong", NULL};
static const char *const implement_words[] = {
    "how", "implement", "implements", "implementing", "implementation", "implemented", "steps", "step",
    "setup", "configure", "deploy", "establish", "comply", "achieve", NULL};
static const char *const purpose_words[] = {
    "purpose", "why", "meaning", "mean", "means", "explain", "objective", "objectives", "intent",
    "require", "requires", "required", "requirement", "requirements", NULL};

int ask_intent(const char *q)
{
    int seen[ASK_NKINDS] = {0}, documents = 0;
    char w[40], prev[40] = "";
    size_t pos = 0, start;
    int full;
    while (next_word(q, &pos, w, sizeof w, &start, &full)) {
        if (in_list(w, evidence_words))
            seen[ASK_EVIDENCE] = 1;
        else if (in_list(w, findings_words))
            seen[ASK_FINDINGS] = 1;
        else if (in_list(w, implement_words))
            seen[ASK_IMPLEMENT] = 1;
        else if (in_list(w, document_words))
            documents = 1;
        else if (in_list(w, purpose_words))
            seen[ASK_PURPOSE] = 1;
        else if (!strcmp(prev, "what") && (!strcmp(w, "is") || !strcmp(w, "s") || !strcmp(w, "does")))
            seen[ASK_PURPOSE] = 1;
        snprintf(prev, sizeof prev, "%s", w);
    }
    if (seen[ASK_EVIDENCE])
        return ASK_EVIDENCE;
    if (seen[ASK_FINDINGS])
        return ASK_FINDINGS;
    if (seen[ASK_IMPLEMENT])
        return ASK_IMPLEMENT;
    if (documents)
        return ASK_EVIDENCE;
    return seen[ASK_PURPOSE] ? ASK_PURPOSE : -1;
}

/* --- MATCH expression --- */

static const char *const stop_words[] = {
    "about", "above", "after", "again", "against", "all", "am", "an", "and", "any", "are", "as", "at", "be",
    "because", "been", "before", "being", "below", "between", "both", "but", "by", "can", "cannot", "could",
    "did", "do", "does", "doing", "done", "down", "during", "each", "few", "for", "from", "further", "had",
    "has", "have", "having", "he", "her", "here", "hers", "him", "his", "how", "if", "in", "into", "is",
    "it", "its", "itself", "just", "me", "more", "most", "my", "no", "nor", "not", "now", "of", "off",
    "on", "once", "only", "or", "other", "our", "ours", "out", "over", "own", "same", "she", "should",
    "so", "some", "such", "than", "that", "the", "their", "them", "then", "there", "these", "they", "this",
    "those", "through", "to", "too", "under", "until", "up", "very", "was", "we", "were", "what", "when",
    "where", "which", "while", "who", "whom", "why", "will", "with", "would", "you", "your", "yours",
    "also", "need", "needs", "must", "shall", "may", "might", "get", "got", "us", "tell", "give", "please",
    "want", "know", "let", "make", "like", "whats", "hows", "im", "ive", "dont", "doesnt", "isnt", "ll",
    "re", "ve", "annex", "control", "controls", "clause", "clauses", "iso", "iec", "isms", "ask", "near",
    "and", "or", "not", "use", "using", "used", "one", "many", "much", "good", "best", "way", "ways", NULL};

/* Words that say what kind of passage is wanted rather than what it is about: dropped from the
 * search when other words are left, because ask_intent already steers the ranking to that kind
 * and "evidence" in a title (A.5.28 Collection of evidence) would otherwise outrank the topic.
 * Intent words that are also topics ("records", "documents", "failure") stay searchable.
 * "information" and "security" are in most titles and so say nothing about which control. */
static const char *const weak_words[] = {
    "information", "security", "secure",
    "evidence", "evidences", "prove", "proves", "proving", "proof", "proofs", "auditor", "auditors",
    "implement", "implements", "implementing", "implementation", "implemented", "purpose", "finding",
    "findings", "nonconformity", "nonconformities", "nonconformance", "demonstrate", "demonstrating",
    "steps", "step", "explain", "meaning", "mean", "means", "artifact", "artifacts", "artefact", "artefacts",
    "pitfall", "pitfalls", "mistake", "mistakes", "objective", "objectives", NULL};

/* A number, or a piece of an id such as "a5" from "A5.23": nothing to search for. */
static int is_number_like(const char *w)
{
    if (*w == 'a')
        w++;
    if (!*w)
        return 0;
    for (; *w; w++)
        if (!is_digit((unsigned char)*w))
            return 0;
    return 1;
}

int ask_match_expr(const char *q, char *out, size_t outsz)
{
    char terms[ASK_MAX_TERMS][64];
    int weak[ASK_MAX_TERMS];
    int nt = 0, nplain = 0;
    char w[64];
    size_t pos = 0, start;
    int full;
    while (nt < ASK_MAX_TERMS && next_word(q, &pos, w, sizeof w, &start, &full)) {
        /* words longer than 63 bytes are noise (hashes, base64), not vocabulary */
        if (!full || strlen(w) < 2 || is_number_like(w) || in_list(w, stop_words))
            continue;
        int dup = 0;
        for (int k = 0; k < nt && !dup; k++)
            dup = !strcmp(terms[k], w);
        if (dup)
            continue;
        memcpy(terms[nt], w, sizeof w);
        weak[nt] = in_list(w, weak_words);
        nplain += !weak[nt];
        nt++;
    }
    size_t o = 0;
    int n = 0;
    if (outsz)
        out[0] = '\0';
    for (int k = 0; k < nt; k++) {
        if (nplain && weak[k])
            continue;
        /* "term" with any '"' doubled; a word never holds one, but the quoting must not rely on it */
        size_t need = (n ? 4 : 0) + 2 + strlen(terms[k]) * 2 + 1;
        if (o + need > outsz)
            return -1;
        if (n)
            o += (size_t)sprintf(out + o, " OR ");
        out[o++] = '"';
        for (const char *c = terms[k]; *c; c++) {
            if (*c == '"')
                out[o++] = '"';
            out[o++] = *c;
        }
        out[o++] = '"';
        out[o] = '\0';
        n++;
    }
    return n;
}

/* --- LLM --- */

static const char system_prompt[] =
    "You answer questions about ISO/IEC 27001:2022 for an ISMS tool. Answer only from the numbered "
    "passages in the user's message; do not add requirements, controls or facts that are not in them. "
    "Cite the control or clause id of every passage you use in square brackets, like [A.5.23] or [9.3]. "
    "If the passages do not answer the question, say so in one sentence. Be brief and practical.";

char *ask_llm_request(const char *model, const char *question, const ask_result *r, arena *a)
{
    buf u;
    buf_init(&u, 1 << 20);
    buf_printf(&u, "Question: %s\n", question);
    for (size_t i = 0; i < r->nids; i++)
        if (r->ids[i].from2013[0])
            buf_printf(&u, "Note: %s is an ISO 27001:2013 control; in 2022 it is %s.\n", r->ids[i].from2013,
                       r->ids[i].id);
    buf_puts(&u, "\nPassages:\n");
    for (size_t i = 0; i < r->npassages; i++) {
        const ask_passage *p = &r->passages[i];
        buf_printf(&u, "%zu. [%s %s] %s: %s\n", i + 1, p->id, p->kind, p->title, p->text);
    }
    json_t *req = json_pack("{s:s, s:[{s:s, s:s}, {s:s, s:s?}]}", "model", model, "messages", "role", "system",
                            "content", system_prompt, "role", "user", "content", u.data ? u.data : "");
    char *out = NULL;
    if (req) {
        char *s = json_dumps(req, JSON_COMPACT);
        out = arena_strdup(a, s);
        free(s);
        json_decref(req);
    }
    buf_free(&u);
    return out;
}

/* Copy s without control characters and with invalid UTF-8 shown as '?', trimmed. */
static char *clean_answer(const char *s, arena *a)
{
    size_t n = strlen(s);
    char *out = arena_alloc(a, n + 1);
    const unsigned char *p = (const unsigned char *)s;
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        size_t l = utf8_len(p + i, n - i);
        if (!l) {
            out[o++] = '?';
            i++;
        } else if (l == 1 && (p[i] < 0x20 || p[i] == 0x7F) && p[i] != '\n' && p[i] != '\t') {
            i++; /* ESC and friends could rewrite the terminal; \r could hide a line */
        } else if (l == 2 && p[i] == 0xC2 && p[i + 1] < 0xA0) {
            i += 2; /* C1 controls, e.g. CSI */
        } else {
            memcpy(out + o, p + i, l);
            o += l;
            i += l;
        }
    }
    while (o && (out[o - 1] == ' ' || out[o - 1] == '\n' || out[o - 1] == '\t'))
        o--;
    size_t b = 0;
    while (b < o && (out[b] == ' ' || out[b] == '\n' || out[b] == '\t'))
        b++;
    out[o] = '\0';
    return out + b;
}

int ask_llm_answer(const char *body, size_t len, arena *a, const char **answer, isms_err *err)
{
    json_error_t je;
    json_t *root = json_loadb(body ? body : "", len, 0, &je);
    if (!root)
        return err_set(err, ISMS_EINVAL, "the LLM endpoint did not answer with JSON");
    json_t *content = json_object_get(json_object_get(json_array_get(json_object_get(root, "choices"), 0), "message"),
                                      "content");
    int rc = ISMS_OK;
    if (!json_is_string(content)) {
        rc = err_set(err, ISMS_EINVAL, "the LLM endpoint's answer has no choices[0].message.content");
    } else {
        *answer = clean_answer(json_string_value(content), a);
        if (!**answer)
            rc = err_set(err, ISMS_EINVAL, "the LLM endpoint drafted an empty answer");
    }
    json_decref(root);
    return rc;
}
