/* The use cases of the ISMS, one entry each, under every front end (the CLI, the web app and the
 * API, the MCP server). A use case declares its input fields as data; app_bind fills its input
 * struct from JSON (unknown members refused, every problem naming its field), app_run opens the
 * transaction, runs it, commits or rolls back and checks the answer's size cap once. A front end
 * sees this header and the JSON shapes, never the store. */
#ifndef ISMS_APP_H
#define ISMS_APP_H

#include <jansson.h>
#include <stddef.h>

#include "util/arena.h"
#include "util/err.h"
#include "util/json.h"

typedef struct app app; /* an open workspace, who acts on it and what they may do */

enum { APP_READ = 0, APP_WRITE = 1 };

/* Open the workspace at path for actor (recorded in the audit log of every change). A session
 * opened with APP_READ refuses every use case that writes. */
int app_open(const char *path, const char *actor, int access, app **out, isms_err *err);
/* A session over a workspace connection the caller already holds (the web server keeps one per
 * worker, with the request's actor set on it); app_close then leaves the connection open. */
typedef struct ws ws;
int app_attach(ws *w, int access, app **out, isms_err *err);
void app_close(app *p);
/* The arena of the use case running now; app_run frees it after each call. */
arena *app_arena(app *p);
/* Today's date as the use cases see it ("YYYY-MM-DD", $ISMS_TODAY in tests). */
const char *app_today(app *p);

/* --- input fields --- */

typedef enum app_ftype {
    AF_STR,  /* one line of text */
    AF_TEXT, /* text that may run over several lines */
    AF_INT,  /* a whole number in [lo, hi] */
    AF_BOOL,
    AF_OPTBOOL, /* true, false, or null for neither (undecided): null gives v = -1 */
    AF_DATE, /* YYYY-MM-DD */
    AF_ENUM, /* one of choices */
    AF_IDS,  /* a list of ids: a JSON array of strings, or one string with commas */
    AF_LIST, /* a list of names: a JSON array of at most hi strings, bound as a NULL-terminated array */
    AF_DOC,  /* a document kept exactly as written (not trimmed, any lines), of at most hi bytes */
} app_ftype;

/* A number or a yes/no the caller may leave out: given is 0 when the member was absent or null. */
typedef struct app_int {
    int given;
    long v;
} app_int;

typedef struct app_field {
    const char *name;           /* the JSON member, and the name errors give */
    app_ftype type;
    int required;
    size_t off;                 /* where the value goes in the input struct: const char *, app_int, or
                                 * const char *const * for AF_LIST */
    const char *help;           /* one line for a person or a model choosing values */
    const char *const *choices; /* AF_ENUM: NULL-terminated */
    long lo, hi;                /* AF_INT bounds; AF_LIST and AF_DOC: hi is the most entries or bytes */
} app_field;

typedef struct app_usecase {
    const char *name;        /* "risk_add": the MCP tool's name */
    const char *title;       /* "Add a risk" */
    const char *description; /* what it does and when to use it, written for a model choosing tools */
    int access;              /* APP_WRITE: runs in a write transaction, refused to a read session */
    const app_field *fields; /* NULL-name terminated */
    size_t in_size;          /* the input struct app_bind fills */
    /* The work: reads and writes through the store, the answer as one JSON object into out. */
    int (*run)(app *p, const void *in, jw *out, isms_err *err);
} app_usecase;

/* The i-th use case (from 0), NULL past the last; one by name (NULL when unknown). */
const app_usecase *app_usecase_at(size_t i);
const app_usecase *app_usecase_find(const char *name);

/* Fill in (in_size bytes, zeroed first) from the JSON object args (NULL: no arguments): unknown
 * members, wrong types, values out of range and missing required fields are refused with the
 * field named. Text is trimmed; a required text of only spaces is missing. Strings live in the
 * session's arena. */
int app_bind(app *p, const app_usecase *u, json_t *args, void *in, isms_err *err);
/* Run u on in, its answer into out (a capped buffer writer); the arena is freed afterwards by
 * app_done. A write runs in one transaction: on any error nothing is saved. An answer over the
 * writer's cap is an error (ISMS_ENOMEM), never a truncated document. */
int app_run(app *p, const app_usecase *u, const void *in, jw *out, isms_err *err);
/* Free what the last use case allocated. */
void app_done(app *p);
/* A warning the last committed change left (the checkpoint not signed), or NULL. */
const char *app_warning(app *p);
/* The JSON Schema (draft 2020-12) of u's input, from its field table. */
void app_schema(jw *j, const app_usecase *u);

#endif
