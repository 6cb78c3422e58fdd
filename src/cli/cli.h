/* The CLI front end: command tables, option parsing and output helpers. Only src/cli prints or exits. */
#ifndef ISMS_CLI_H
#define ISMS_CLI_H

#include <stdio.h>

#include "util/arena.h"
#include "util/err.h"

enum { EXIT_OK = 0, EXIT_PROBLEMS = 1, EXIT_USAGE = 2 };

typedef struct cli_ctx {
    const char *db_path;  /* --db, else $ISMS_DB, else ./isms.db */
    int db_given;         /* --db was on the line: a second one is a usage error */
    const char *name;     /* the command as typed, "asset list" or "init", for usage errors */
    const char *actor;    /* who is making changes: $ISMS_USER, else $USER, else "cli" */
    arena *a;             /* freed when the command ends */
    int argc;             /* the command's own arguments, argv[0] is the command name */
    char **argv;
    const char *hint_field; /* cli_call: an error about this field gets hint added */
    const char *hint;
} cli_ctx;

typedef struct cli_cmd {
    const char *name;     /* "add", or NULL-terminated table end */
    int (*run)(cli_ctx *c);
    const char *usage;    /* one line of synopsis after "isms FAMILY " */
    const char *help;     /* what it does, options, exit codes */
} cli_cmd;

typedef struct cli_family {
    const char *name;         /* "asset" */
    const char *summary;      /* one line for `isms help` */
    const cli_cmd *cmds;      /* subcommands; a family with a single NULL-named entry runs it directly */
} cli_family;

/* Option spec for cli_parse: name without dashes; has_arg 0 for flags. */
typedef struct cli_opt {
    const char *name;
    int has_arg;
    const char **value;   /* set to the argument, or to "1" for a flag given */
} cli_opt;

/* Parse --name value / --name=value / --flag options in c->argv[1..]; positional arguments are
 * collected into pos (at most maxpos). The global options (cli_take_global) are taken wherever
 * they stand; `--` ends the options. Returns 0, or prints a usage error and returns EXIT_USAGE. */
int cli_parse(cli_ctx *c, const cli_opt *opts, const char **pos, int maxpos, int *npos);
/* If argv[*i] is a global option (--db PATH, --db=PATH), apply it to c, step *i past its value and
 * set *taken; else leave both. Returns 0, or prints a usage error (no value, given twice) and
 * returns EXIT_USAGE. */
int cli_take_global(cli_ctx *c, int argc, char **argv, int *i, int *taken);
/* Print an error for err to stderr ("isms: message") and return the exit code it maps to. An
 * error naming a field the command has an option for names the option: "isms: --attendees:
 * attendees is required ...". */
int cli_fail(const isms_err *err);
/* The option ("--valid-until") of the running command that err's field names, or NULL when the
 * error names no field or the command has no option for it (a static buffer). */
const char *cli_field_option(const isms_err *err);
/* err's message, after the option its field names when there is one ("--topic: unknown topic
 * 'x'"), for a usage error. */
const char *cli_err_text(cli_ctx *c, const isms_err *err);
/* Append " (hint)" to err's message: a command or option the CLI user can turn to. */
void cli_hint(isms_err *err, const char *hint);
/* Print a usage error naming the command as typed (c->name, "isms" alone when none yet) and
 * return EXIT_USAGE. */
int cli_usage_error(cli_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Run the use case `usecase` (src/app) on in, for the command's actor, in a session of its own:
 * its answer parsed into *answer (json_decref it), warnings and errors printed. Returns 0 or an
 * exit code. */
typedef struct json_t json_t;
int cli_call(cli_ctx *c, const char *usecase, const void *in, json_t **answer);
/* True when stderr is a terminal, so long operations may draw a progress bar. */
int cli_progress_wanted(void);
/* Draw or update a progress bar on stderr ("label [####   ] 42%"); done==total ends the line. */
void cli_progress(const char *label, size_t done, size_t total);

#endif

#ifndef ISMS_CLI_WS
#define ISMS_CLI_WS
#include "store/store.h"
/* Open the workspace for this command (create: for init) with the actor set; prints errors.
 * Returns 0 or an exit code. */
int cli_open(cli_ctx *c, int create, ws **w);
/* Roll back, close, print err and return its exit code. */
int cli_abort(ws *w, const isms_err *err);
/* Commit and close; prints and returns an exit code when the commit fails. */
int cli_finish(ws *w, isms_err *err);
/* Parse a whole decimal integer in [lo, hi] for option `what`; prints a usage error on failure. */
int cli_int(cli_ctx *c, const char *what, const char *s, long lo, long hi, long *out);
/* Parse a risk id "12" or "R12"; prints a usage error on failure. */
int cli_risk_id(cli_ctx *c, const char *s, int64_t *out);
/* s cut to at most width display columns (UTF-8 aware), with "…" when cut; NULL gives "". */
const char *cli_cut(cli_ctx *c, const char *s, int width);
#endif
