#include "core/tmpl.h"

#include <stdio.h>
#include <string.h>

#include "util/buf.h"

typedef struct tmpl_var {
    const char *name, *value;
    struct tmpl_var *next;
} tmpl_var;

typedef struct tmpl_item {
    const char **values;
    struct tmpl_item *next;
} tmpl_item;

struct tmpl_list {
    arena *a;
    const char *name;
    const char **fields;
    int nfields;
    tmpl_item *head, *tail;
    size_t n;
    struct tmpl_list *next;
};

struct tmpl_vars {
    arena *a;
    tmpl_var *vars;
    tmpl_list *lists;
};

tmpl_vars *tmpl_vars_new(arena *a)
{
    tmpl_vars *v = arena_alloc(a, sizeof *v);
    v->a = a;
    return v;
}

static tmpl_var *var_find(const tmpl_vars *v, const char *name, size_t len)
{
    for (tmpl_var *x = v->vars; x; x = x->next)
        if (strlen(x->name) == len && !memcmp(x->name, name, len))
            return x;
    return NULL;
}

static tmpl_list *list_find(const tmpl_vars *v, const char *name, size_t len)
{
    for (tmpl_list *l = v->lists; l; l = l->next)
        if (strlen(l->name) == len && !memcmp(l->name, name, len))
            return l;
    return NULL;
}

void tmpl_set(tmpl_vars *v, const char *name, const char *value)
{
    tmpl_var *x = var_find(v, name, strlen(name));
    if (!x) {
        x = arena_alloc(v->a, sizeof *x);
        x->name = arena_strdup(v->a, name);
        x->next = v->vars;
        v->vars = x;
    }
    x->value = arena_strdup(v->a, value ? value : "");
}

void tmpl_set_flag(tmpl_vars *v, const char *name, int on) { tmpl_set(v, name, on ? "1" : ""); }

tmpl_list *tmpl_add_list(tmpl_vars *v, const char *name, const char *const *fields)
{
    tmpl_list *l = arena_alloc(v->a, sizeof *l);
    l->a = v->a;
    l->name = arena_strdup(v->a, name);
    while (fields[l->nfields])
        l->nfields++;
    l->fields = arena_alloc(v->a, sizeof *l->fields * (size_t)(l->nfields + 1));
    for (int i = 0; i < l->nfields; i++)
        l->fields[i] = arena_strdup(v->a, fields[i]);
    l->next = v->lists;
    v->lists = l;
    return l;
}

void tmpl_list_push(tmpl_list *l, const char *const *values)
{
    tmpl_item *it = arena_alloc(l->a, sizeof *it);
    it->values = arena_alloc(l->a, sizeof *it->values * (size_t)(l->nfields ? l->nfields : 1));
    for (int i = 0; i < l->nfields; i++)
        it->values[i] = arena_strdup(l->a, values[i] ? values[i] : "");
    if (l->tail)
        l->tail->next = it;
    else
        l->head = it;
    l->tail = it;
    l->n++;
}

int tmpl_escape(buf *b, const char *s, tmpl_format f)
{
    for (; s && *s; s++) {
        const char *rep = NULL;
        char two[3] = {'\\', *s, 0};
        if (f == TMPL_HTML) {
            switch (*s) {
            case '&': rep = "&amp;"; break;
            case '<': rep = "&lt;"; break;
            case '>': rep = "&gt;"; break;
            case '"': rep = "&quot;"; break;
            case '\'': rep = "&#39;"; break;
            }
        } else if (strchr("\\`*_[]<>#|{}", *s)) {
            rep = two;
        } else if (*s == '\n' || *s == '\r') {
            rep = " ";
        }
        if (rep ? buf_puts(b, rep) : buf_putc(b, *s))
            return -1;
    }
    return 0;
}

/* --- parsing into a tree --- */

enum { N_TEXT, N_VAR, N_IF, N_EACH };

typedef struct node {
    int kind, line;
    const char *s;     /* text start, or the name */
    size_t len;
    struct node *body, *alt, *next;  /* alt: the else branch */
} node;

typedef struct parser {
    const char *src, *p;
    int line, depth;
    arena *a;
    isms_err *err;
} parser;

static int line_of(const parser *ps, const char *at)
{
    int n = 1;
    for (const char *q = ps->src; q < at; q++)
        n += *q == '\n';
    return n;
}

static int is_name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
           c == '-';
}

/* Parse nodes until a closing tag or the end; *stop receives "/if", "/each", "else" or "" at end. */
static int parse_seq(parser *ps, node **out, const char **stop, size_t *stoplen, const char **stop_at);

static node *new_node(parser *ps, int kind, int line)
{
    node *n = arena_alloc(ps->a, sizeof *n);
    n->kind = kind;
    n->line = line;
    return n;
}

static int parse_seq(parser *ps, node **out, const char **stop, size_t *stoplen, const char **stop_at)
{
    node head = {0}, *tail = &head;
    for (;;) {
        const char *open = strstr(ps->p, "{{");
        const char *text_end = open ? open : ps->p + strlen(ps->p);
        const char *tag_end = NULL;
        const char *name = NULL;
        size_t nlen = 0;
        char sigil = 0;
        int tag_line = 0;
        if (open) {
            tag_line = line_of(ps, open);
            const char *close = strstr(open + 2, "}}");
            const char *nl = strchr(open + 2, '\n');
            if (!close || (nl && nl < close))
                return err_set(ps->err, ISMS_EINVAL, "line %d: '{{' is not closed by '}}' on the same line", tag_line);
            tag_end = close + 2;
            const char *q = open + 2;
            while (*q == ' ')
                q++;
            if (*q == '#' || *q == '/')
                sigil = *q++;
            name = q;
            while (q < close && *q != ' ')
                q++;
            nlen = (size_t)(q - name);
            const char *arg = q;
            while (arg < close && *arg == ' ')
                arg++;
            /* "#if x" / "#each x": the keyword is name, the argument follows */
            if (sigil == '#') {
                const char *kw = name;
                size_t kwlen = nlen;
                if (!((kwlen == 2 && !memcmp(kw, "if", 2)) || (kwlen == 4 && !memcmp(kw, "each", 4))))
                    return err_set(ps->err, ISMS_EINVAL, "line %d: unknown section '{{#%.*s}}' (use #if or #each)",
                                   tag_line, (int)kwlen, kw);
                const char *aend = arg;
                while (aend < close && is_name_char(*aend))
                    aend++;
                const char *rest = aend;
                while (rest < close && *rest == ' ')
                    rest++;
                if (aend == arg || rest != close)
                    return err_set(ps->err, ISMS_EINVAL, "line %d: '{{#%.*s}}' needs one variable name", tag_line,
                                   (int)kwlen, kw);
                sigil = kwlen == 2 ? 'i' : 'e';
                name = arg;
                nlen = (size_t)(aend - arg);
            } else {
                if (arg != close)
                    return err_set(ps->err, ISMS_EINVAL, "line %d: malformed tag '%.*s'", tag_line,
                                   (int)(tag_end - open), open);
                for (size_t i = 0; i < nlen; i++)
                    if (!is_name_char(name[i]))
                        return err_set(ps->err, ISMS_EINVAL, "line %d: malformed tag '%.*s'", tag_line,
                                       (int)(tag_end - open), open);
                if (!nlen)
                    return err_set(ps->err, ISMS_EINVAL, "line %d: empty tag '{{}}'", tag_line);
                if (!sigil && nlen == 4 && !memcmp(name, "else", 4))
                    sigil = 'l';
            }
            if (sigil) {
                /* A block tag alone on its line takes the whole line with it. */
                const char *b = open;
                while (b > ps->src && (b[-1] == ' ' || b[-1] == '\t'))
                    b--;
                const char *f = tag_end;
                while (*f == ' ' || *f == '\t')
                    f++;
                if ((b == ps->src || b[-1] == '\n') && (*f == '\n' || *f == '\0')) {
                    text_end = b;
                    tag_end = *f == '\n' ? f + 1 : f;
                }
            }
        }
        if (text_end > ps->p) {
            node *t = new_node(ps, N_TEXT, line_of(ps, ps->p));
            t->s = ps->p;
            t->len = (size_t)(text_end - ps->p);
            tail = tail->next = t;
        }
        if (!open) {
            ps->p = text_end;
            *stop = "";
            *stoplen = 0;
            *stop_at = ps->p;
            *out = head.next;
            return ISMS_OK;
        }
        ps->p = tag_end;
        if (sigil == '/' || sigil == 'l') {
            *stop = sigil == 'l' ? "else" : name;
            *stoplen = sigil == 'l' ? 4 : nlen;
            *stop_at = open;
            *out = head.next;
            return ISMS_OK;
        }
        if (!sigil) {
            node *v = new_node(ps, N_VAR, tag_line);
            v->s = name;
            v->len = nlen;
            tail = tail->next = v;
            continue;
        }
        if (++ps->depth > TMPL_MAX_DEPTH)
            return err_set(ps->err, ISMS_EINVAL, "line %d: sections nested deeper than %d", tag_line, TMPL_MAX_DEPTH);
        node *sec = new_node(ps, sigil == 'i' ? N_IF : N_EACH, tag_line);
        sec->s = name;
        sec->len = nlen;
        const char *kw = sigil == 'i' ? "if" : "each";
        const char *st;
        size_t sl;
        const char *sat;
        int rc = parse_seq(ps, &sec->body, &st, &sl, &sat);
        if (rc)
            return rc;
        if (sl == 4 && !memcmp(st, "else", 4)) {
            if (sigil != 'i')
                return err_set(ps->err, ISMS_EINVAL, "line %d: {{else}} inside {{#each}} (only #if has an else)",
                               line_of(ps, sat));
            if ((rc = parse_seq(ps, &sec->alt, &st, &sl, &sat)))
                return rc;
            if (sl == 4 && !memcmp(st, "else", 4))
                return err_set(ps->err, ISMS_EINVAL, "line %d: a second {{else}} in the {{#if}} of line %d",
                               line_of(ps, sat), tag_line);
        }
        if (!sl)
            return err_set(ps->err, ISMS_EINVAL, "line %d: {{#%s %.*s}} is never closed (expected {{/%s}})", tag_line,
                           kw, (int)nlen, name, kw);
        if (sl != strlen(kw) || memcmp(st, kw, sl))
            return err_set(ps->err, ISMS_EINVAL, "line %d: {{/%.*s}} closes the {{#%s}} of line %d", line_of(ps, sat),
                           (int)sl, st, kw, tag_line);
        ps->depth--;
        tail = tail->next = sec;
    }
}

/* --- checking and rendering --- */

typedef struct scope {
    const tmpl_list *list;
    const tmpl_item *item;   /* NULL while checking */
    const struct scope *up;
} scope;

/* Look name up in the innermost item first, then outer items, then globals. */
static int lookup(const tmpl_vars *v, const scope *sc, const char *name, size_t len, const char **value,
                  const tmpl_list **list)
{
    *value = NULL;
    *list = NULL;
    for (; sc; sc = sc->up)
        for (int i = 0; i < sc->list->nfields; i++)
            if (strlen(sc->list->fields[i]) == len && !memcmp(sc->list->fields[i], name, len)) {
                *value = sc->item ? sc->item->values[i] : "";
                return 1;
            }
    tmpl_var *x = var_find(v, name, len);
    if (x) {
        *value = x->value;
        return 1;
    }
    *list = list_find(v, name, len);
    return *list != NULL;
}

static int check(const tmpl_vars *v, const node *n, const scope *sc, isms_err *err)
{
    for (; n; n = n->next) {
        const char *val;
        const tmpl_list *l;
        switch (n->kind) {
        case N_VAR:
            if (!lookup(v, sc, n->s, n->len, &val, &l))
                return err_set(err, ISMS_EINVAL, "line %d: unknown variable '%.*s'", n->line, (int)n->len, n->s);
            if (l)
                return err_set(err, ISMS_EINVAL, "line %d: '%.*s' is a list; use {{#each %.*s}}", n->line,
                               (int)n->len, n->s, (int)n->len, n->s);
            break;
        case N_IF:
            if (!lookup(v, sc, n->s, n->len, &val, &l))
                return err_set(err, ISMS_EINVAL, "line %d: unknown variable '%.*s' in {{#if}}", n->line,
                               (int)n->len, n->s);
            if (check(v, n->body, sc, err) || check(v, n->alt, sc, err))
                return err->code;
            break;
        case N_EACH: {
            l = list_find(v, n->s, n->len);
            if (!l)
                return err_set(err, ISMS_EINVAL, "line %d: unknown list '%.*s' in {{#each}}", n->line, (int)n->len,
                               n->s);
            scope inner = {l, NULL, sc};
            if (check(v, n->body, &inner, err))
                return err->code;
            break;
        }
        }
    }
    return ISMS_OK;
}

static int truthy(const char *val, const tmpl_list *l)
{
    if (l)
        return l->n > 0;
    return val && *val && strcmp(val, "0") && strcmp(val, "false") && strcmp(val, "no");
}

/* Nodes one rendering may visit: nested {{#each}} multiply, and bodies that output nothing would
 * never reach the output cap (16 levels over 4 items are 4^16 visits). */
#define TMPL_MAX_STEPS 2000000

static int render(const tmpl_vars *v, const node *n, const scope *sc, tmpl_format f, buf *b, size_t *steps,
                  isms_err *err)
{
    for (; n; n = n->next) {
        const char *val;
        const tmpl_list *l;
        int over = 0;
        if (++*steps > TMPL_MAX_STEPS)
            return err_set(err, ISMS_EINVAL, "line %d: the template expands to more than %d sections and values "
                                             "(nested {{#each}} multiply)", n->line, TMPL_MAX_STEPS);
        switch (n->kind) {
        case N_TEXT: over = buf_append(b, n->s, n->len); break;
        case N_VAR:
            lookup(v, sc, n->s, n->len, &val, &l);
            over = tmpl_escape(b, val, f);
            break;
        case N_IF:
            lookup(v, sc, n->s, n->len, &val, &l);
            if (render(v, truthy(val, l) ? n->body : n->alt, sc, f, b, steps, err))
                return err->code;
            break;
        case N_EACH:
            l = list_find(v, n->s, n->len);
            for (const tmpl_item *it = l->head; it; it = it->next) {
                scope inner = {l, it, sc};
                if (render(v, n->body, &inner, f, b, steps, err))
                    return err->code;
            }
            break;
        }
        if (over)
            return err_set(err, ISMS_ENOMEM, "the rendered document is over the %zu-byte limit", b->max);
    }
    return ISMS_OK;
}

int tmpl_render(const char *src, const tmpl_vars *v, tmpl_format f, size_t max_out, arena *a, char **out,
                isms_err *err)
{
    parser ps = {src, src, 1, 0, a, err};
    node *root;
    const char *st, *sat;
    size_t sl;
    int rc = parse_seq(&ps, &root, &st, &sl, &sat);
    if (rc)
        return rc;
    if (sl)
        return err_set(err, ISMS_EINVAL, "line %d: {{%s%.*s}} without a matching {{#...}}", line_of(&ps, sat),
                       sl == 4 && !memcmp(st, "else", 4) ? "" : "/", (int)sl, st);
    if ((rc = check(v, root, NULL, err)))
        return rc;
    buf b;
    buf_init(&b, max_out);
    size_t steps = 0;
    if ((rc = render(v, root, NULL, f, &b, &steps, err))) {
        buf_free(&b);
        return rc;
    }
    *out = arena_strndup(a, b.data ? b.data : "", b.len);
    buf_free(&b);
    return ISMS_OK;
}
