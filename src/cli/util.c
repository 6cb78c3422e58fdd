#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "app/usecases.h"
#include "cli/cli.h"
#include "core/catalog.h"

/* The option names of the command being run (its last cli_parse), to name an error's field by
 * the option that gave it. The names are the tables' string literals, so they outlive the table;
 * the CLI runs one command per process. */
static const char *cmd_opts[64];
static size_t ncmd_opts;

int cli_take_global(cli_ctx *c, int argc, char **argv, int *i, int *taken)
{
    const char *arg = argv[*i];
    const char *value;
    int separate = 0;  /* the value is the next argument, not after '=' */
    *taken = 0;
    if (!strcmp(arg, "--db")) {
        /* An option after --db is not its path: `--db --json` lacks the path. */
        if (*i + 1 >= argc || (argv[*i + 1][0] == '-' && argv[*i + 1][1] != '\0'))
            return cli_usage_error(c, "option '--db' needs a value: the workspace file");
        value = argv[*i + 1];
        separate = 1;
    } else if (!strncmp(arg, "--db=", 5)) {
        value = arg + 5;
        if (!*value)
            return cli_usage_error(c, "option '--db' needs a value: the workspace file");
    } else {
        return 0;
    }
    if (c->db_given)
        return cli_usage_error(c, "option '--db' given twice ('%s' and '%s')", c->db_path, value);
    c->db_path = value;
    c->db_given = 1;
    if (separate)
        (*i)++;
    *taken = 1;
    return 0;
}

int cli_parse(cli_ctx *c, const cli_opt *opts, const char **pos, int maxpos, int *npos)
{
    ncmd_opts = 0;
    for (const cli_opt *p = opts; p && p->name && ncmd_opts < sizeof cmd_opts / sizeof *cmd_opts; p++)
        cmd_opts[ncmd_opts++] = p->name;
    int np = 0;
    int only_pos = 0;
    for (int i = 1; i < c->argc; i++) {
        const char *arg = c->argv[i];
        if (only_pos || arg[0] != '-' || arg[1] == '\0') {
            if (np >= maxpos)
                return cli_usage_error(c, "unexpected argument '%s'", arg);
            pos[np++] = arg;
            continue;
        }
        if (!strcmp(arg, "--")) {
            only_pos = 1;
            continue;
        }
        int global = 0;
        if (cli_take_global(c, c->argc, c->argv, &i, &global))
            return EXIT_USAGE;
        if (global)
            continue;
        /* Single-letter options (-o FILE) share the table with long ones. */
        const char *name = arg[1] == '-' ? arg + 2 : arg + 1;
        if (arg[1] != '-' && arg[2] != '\0')
            return cli_usage_error(c, "unknown option '%s'", arg);
        const char *eq = strchr(name, '=');
        size_t nlen = eq ? (size_t)(eq - name) : strlen(name);
        const cli_opt *o = NULL;
        for (const cli_opt *p = opts; p && p->name; p++)
            if (strlen(p->name) == nlen && !strncmp(p->name, name, nlen))
                o = p;
        if (!o && nlen == 4 && !strncmp(name, "json", 4))
            return cli_usage_error(c, "unknown option '--json': this command has no JSON output");
        if (!o)
            return cli_usage_error(c, "unknown option '--%.*s'", (int)nlen, name);
        if (o->has_arg) {
            if (eq) {
                *o->value = eq + 1;
            } else if (i + 1 < c->argc) {
                *o->value = c->argv[++i];
            } else {
                return cli_usage_error(c, "option '--%s' needs a value", o->name);
            }
        } else {
            if (eq)
                return cli_usage_error(c, "option '--%s' takes no value", o->name);
            *o->value = "1";
        }
    }
    if (npos)
        *npos = np;
    return 0;
}

static int has_opt(const char *name)
{
    for (size_t i = 0; i < ncmd_opts; i++)
        if (!strcmp(cmd_opts[i], name))
            return 1;
    return 0;
}

/* Fields that some command takes under another option's name (review record --date is the
 * review's held_on, policy edit --file holds the policy's body). Used only when the command has no
 * option named after the field itself. */
static const struct { const char *field, *option; } field_options[] = {
    {"held_on", "date"},  {"received_on", "date"}, {"start_date", "start"}, {"end_date", "end"},
    {"due_date", "due"},   {"body", "file"},
};

const char *cli_field_option(const isms_err *err)
{
    static char opt[sizeof err->field + 2];
    if (!err || !err->field[0])
        return NULL;
    char name[sizeof err->field];
    snprintf(name, sizeof name, "%s", err->field);
    for (char *p = name; *p; p++)
        if (*p == '_')
            *p = '-';
    const char *found = has_opt(name) ? name : NULL;
    for (size_t i = 0; !found && i < sizeof field_options / sizeof *field_options; i++)
        if (!strcmp(err->field, field_options[i].field) && has_opt(field_options[i].option))
            found = field_options[i].option;
    if (!found)
        return NULL;
    snprintf(opt, sizeof opt, "--%s", found);
    return opt;
}

const char *cli_err_text(cli_ctx *c, const isms_err *err)
{
    const char *msg = err->msg[0] ? err->msg : err_name(err->code), *opt = cli_field_option(err);
    return opt ? arena_sprintf(c->a, "%s: %s", opt, msg) : msg;
}

void cli_hint(isms_err *err, const char *hint)
{
    size_t len = strlen(err->msg);
    snprintf(err->msg + len, sizeof err->msg - len, " (%s)", hint);
}

int cli_fail(const isms_err *err)
{
    const char *opt = cli_field_option(err);
    fprintf(stderr, "isms: %s%s%s", opt ? opt : "", opt ? ": " : "", err->msg[0] ? err->msg : err_name(err->code));
    /* The workspace is the global --db (else $ISMS_DB, else ./isms.db): say how to make one. */
    if (err->code == ISMS_ENOTFOUND && !strcmp(err->field, "db"))
        fprintf(stderr, ": create one with `isms init --org NAME` (or pass --db PATH)");
    fputc('\n', stderr);
    return EXIT_USAGE;
}

int cli_usage_error(cli_ctx *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    const char *sep = c->name ? " " : "", *name = c->name ? c->name : "";
    fprintf(stderr, "isms%s%s: ", sep, name);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, " (see `isms%s%s --help`)\n", sep, name);
    va_end(ap);
    return EXIT_USAGE;
}

int cli_progress_wanted(void)
{
    return isatty(STDERR_FILENO);
}

void cli_progress(const char *label, size_t done, size_t total)
{
    if (!total)
        return;
    int pct = (int)(done * 100 / total);
    int fill = pct * 30 / 100;
    fprintf(stderr, "\r%s [%.*s%*s] %3d%%", label, fill, "##############################",
            30 - fill, "", pct);
    if (done >= total)
        fputc('\n', stderr);
}

int cli_call(cli_ctx *c, const char *usecase, const void *in, json_t **answer)
{
    *answer = NULL;
    isms_err err = {0};
    app *p;
    if (app_open(c->db_path, c->actor, APP_WRITE, &p, &err))
        return cli_fail(&err);
    buf b;
    buf_init(&b, 256u << 20);
    jw j;
    jw_init_buf(&j, &b);
    int rc = app_call(p, usecase, in, &j, &err);
    if (!rc && app_warning(p))
        fprintf(stderr, "isms: warning: %s\n", app_warning(p));
    if (!rc && !(*answer = json_loadb(b.data ? b.data : "{}", b.len, 0, NULL)))
        rc = err_set(&err, ISMS_ENOMEM, "out of memory");
    buf_free(&b);
    app_close(p);
    if (rc && c->hint && c->hint_field && !strcmp(err.field, c->hint_field))
        cli_hint(&err, c->hint);
    else if (rc && !strcmp(err.field, "audit_log"))
        cli_hint(&err, "`isms log verify` checks the audit log; `isms log anchor` signs it as it is");
    return rc ? cli_fail(&err) : EXIT_OK;
}

int cli_open(cli_ctx *c, int create, ws **w)
{
    isms_err err = {0};
    if (catalog_init(&err) != ISMS_OK)
        return cli_fail(&err);
    if (ws_open(c->db_path, create ? WS_CREATE : 0, w, &err) != ISMS_OK)
        return cli_fail(&err);
    ws_set_actor(*w, c->actor);
    return 0;
}

int cli_abort(ws *w, const isms_err *err)
{
    if (w) {
        ws_rollback(w);
        ws_close(w);
    }
    return cli_fail(err);
}

int cli_finish(ws *w, isms_err *err)
{
    if (ws_commit(w, err) != ISMS_OK) {
        /* A commit is refused (ECONFLICT) only when the audit log's checkpoint does not match it. */
        if (err->code == ISMS_ECONFLICT)
            cli_hint(err, "`isms log verify` checks the audit log; `isms log anchor` signs it as it is");
        return cli_abort(w, err);
    }
    if (ws_warning(w))
        fprintf(stderr, "isms: warning: %s (`isms log verify`)\n", ws_warning(w));
    ws_close(w);
    return EXIT_OK;
}

int cli_int(cli_ctx *c, const char *what, const char *s, long lo, long hi, long *out)
{
    char *end;
    errno = 0;
    long v = s ? strtol(s, &end, 10) : 0;
    if (!s || !*s || *end || errno || v < lo || v > hi) {
        cli_usage_error(c, "%s: '%s' is not a whole number from %ld to %ld", what, s ? s : "", lo, hi);
        return EXIT_USAGE;
    }
    *out = v;
    return 0;
}

int cli_risk_id(cli_ctx *c, const char *s, int64_t *out)
{
    const char *p = s && (s[0] == 'R' || s[0] == 'r') ? s + 1 : s;
    char *end;
    errno = 0;
    long long v = p ? strtoll(p, &end, 10) : 0;
    if (!p || !*p || *end || errno || v <= 0) {
        cli_usage_error(c, "'%s' is not a risk id (like 12 or R12)", s ? s : "");
        return EXIT_USAGE;
    }
    *out = v;
    return 0;
}

const char *cli_cut(cli_ctx *c, const char *s, int width)
{
    if (!s)
        return "";
    int cols = 0;
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        int len = *p < 0x80 ? 1 : *p >= 0xF0 ? 4 : *p >= 0xE0 ? 3 : *p >= 0xC0 ? 2 : 1;
        if (cols == width - 1) {
            /* Does the rest fit in the last column? */
            const unsigned char *q = p;
            int rest = 0;
            while (*q && rest < 2) {
                q += *q < 0x80 ? 1 : *q >= 0xF0 ? 4 : *q >= 0xE0 ? 3 : *q >= 0xC0 ? 2 : 1;
                rest++;
            }
            if (rest <= 1)
                return s;
            char *d = arena_alloc(c->a, (size_t)(p - (const unsigned char *)s) + 4);
            memcpy(d, s, (size_t)(p - (const unsigned char *)s));
            memcpy(d + (p - (const unsigned char *)s), "\xE2\x80\xA6", 4);
            return d;
        }
        for (int i = 0; i < len && *p; i++)
            p++;
        cols++;
    }
    return s;
}
