/* isms log: the hash-chained audit log of every change. */
#include <string.h>

#include "cli/cli.h"
#include "util/json.h"

typedef struct log_ctx {
    jw j;
    int json;
} log_ctx;

static int log_one(const audit_entry *e, void *p)
{
    log_ctx *l = p;
    if (l->json) {
        jw *j = &l->j;
        jw_obj(j);
        jw_kint(j, "seq", e->seq);
        jw_kstr(j, "at", e->at);
        jw_kstr(j, "actor", e->actor);
        jw_kstr(j, "action", e->action);
        jw_kstr(j, "entity", e->entity);
        jw_kstr(j, "entity_id", e->entity_id);
        jw_kstr(j, "before", e->before);
        jw_kstr(j, "after", e->after);
        jw_kstr(j, "hash", e->hash);
        jw_obj_end(j);
    } else {
        printf("%6lld  %s  %-12s %-8s %s %s\n", (long long)e->seq, e->at, e->actor, e->action, e->entity,
               e->entity_id ? e->entity_id : "");
    }
    return 0;
}

static int log_run(cli_ctx *c)
{
    const char *json = NULL, *pos[1];
    int np = 0;
    cli_opt opts[] = {{"json", 0, &json}, {NULL, 0, NULL}};
    if (cli_parse(c, opts, pos, 1, &np))
        return EXIT_USAGE;
    if (np == 1 && strcmp(pos[0], "verify"))
        return cli_usage_error(c, "unknown argument '%s' (expected `isms log` or `isms log verify`)", pos[0]);
    ws *w;
    int rc = cli_open(c, 0, &w);
    if (rc)
        return rc;
    isms_err err = {0};
    if (np == 1) {
        int64_t bad, count;
        if (store_audit_verify(w, &bad, &count, &err) && !bad)
            return cli_abort(w, &err);
        ws_close(w);
        if (json) {
            jw j;
            jw_init_file(&j, stdout, 1);
            jw_obj(&j);
            jw_kbool(&j, "intact", bad == 0);
            jw_kint(&j, "entries", count);
            if (bad) {
                jw_kint(&j, "first_bad_entry", bad);
                jw_kstr(&j, "problem", err.msg);
            }
            jw_obj_end(&j);
            jw_end(&j);
        } else if (bad) {
            printf("audit log TAMPERED: %s\n", err.msg);
        } else {
            printf("audit log intact: %lld entries, each hash chained to the one before\n", (long long)count);
        }
        return bad ? EXIT_PROBLEMS : EXIT_OK;
    }
    log_ctx l = {.json = json != NULL};
    if (json) {
        jw_init_file(&l.j, stdout, 0);
        jw_arr(&l.j);
    }
    rc = store_audit_each(w, log_one, &l, &err);
    ws_close(w);
    if (rc)
        return cli_fail(&err);
    if (json) {
        jw_arr_end(&l.j);
        jw_end(&l.j);
    }
    return EXIT_OK;
}

const cli_cmd cmds_log[] = {
    {NULL, log_run, "[verify] [--json]",
     "List every change (who, when, what, before and after values). `isms log verify` recomputes the\n"
     "hash chain and exits 1 when an entry was edited or deleted."},
    {NULL, NULL, NULL, NULL},
};
