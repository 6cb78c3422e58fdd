/* isms evidence: manual evidence, stored content-addressed beside the workspace. */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "app/usecases.h"
#include "cli/cli.h"
#include "core/catalog.h"
#include "core/evidence.h"
#include "report/json.h"
#include "util/json.h"


static int ev_add(cli_ctx *c)
{
    app_evidence_add_in in = {0};
    const char *pos[1];
    int np = 0;
    cli_opt opts[] = {{"controls", 1, &in.controls}, {"description", 1, &in.description}, {"type", 1, &in.type},
                      {"collected", 1, &in.collected}, {"valid-until", 1, &in.valid_until}, {NULL, 0, NULL}};
    if (cli_parse(c, opts, pos, 1, &np))
        return EXIT_USAGE;
    if (np != 1)
        return cli_usage_error(c, "give the evidence FILE");
    in.path = pos[0];
    c->hint_field = "type";
    c->hint = "see `isms evidence types`";
    json_t *r;
    int rc = cli_call(c, "evidence_add", &in, &r);
    if (rc)
        return rc;
    json_t *ctl = json_object_get(r, "controls");
    char controls[1024] = "";
    size_t i;
    json_t *v;
    json_array_foreach(ctl, i, v)
        snprintf(controls + strlen(controls), sizeof controls - strlen(controls), "%s%s", i ? "," : "", json_string_value(v));
    long long id = (long long)json_integer_value(json_object_get(r, "id"));
    printf("%lld\n", id);
    fprintf(stderr, "evidence %lld: %s (sha256 %.16s…), %s, valid until %s\n", id,
            json_string_value(json_object_get(r, "filename")), json_string_value(json_object_get(r, "sha256")), controls,
            json_string_value(json_object_get(r, "valid_until")));
    json_decref(r);
    return EXIT_OK;
}

typedef struct list_ctx {
    jw j;
    int json;
    cli_ctx *c;
    char today[11];
    long n;
} list_ctx;

static int list_one(const evidence *e, void *p)
{
    list_ctx *l = p;
    l->n++;
    if (l->json)
        json_evidence(&l->j, e, l->today);
    else
        printf("%5lld  %-28s %-18s %-24s %s  %-5s %s\n", (long long)e->id, cli_cut(l->c, e->filename, 28), e->kind,
               cli_cut(l->c, e->controls, 24), e->valid_until, evidence_is_fresh(e->valid_until, l->today) ? "fresh" : "STALE",
               cli_cut(l->c, e->description, 50));
    return 0;
}

static int ev_list(cli_ctx *c)
{
    const char *json = NULL, *control = NULL;
    cli_opt opts[] = {{"json", 0, &json}, {"control", 1, &control}, {NULL, 0, NULL}};
    if (cli_parse(c, opts, NULL, 0, NULL))
        return EXIT_USAGE;
    const catalog_control *ctl = NULL;
    if (control && !(ctl = catalog_control_find(control))) {
        fprintf(stderr, "isms: unknown control id '%s'\n", control);
        return EXIT_USAGE;
    }
    ws *w;
    int rc = cli_open(c, 0, &w);
    if (rc)
        return rc;
    list_ctx l = {.json = json != NULL, .c = c};
    store_today(l.today);
    isms_err err = {0};
    if (json) {
        jw_init_file(&l.j, stdout, 1);
        jw_arr(&l.j);
    } else {
        printf("%5s  %-28s %-18s %-24s %-10s  %-5s %s\n", "ID", "FILE", "TYPE", "CONTROLS", "VALID TO", "STATE",
               "DESCRIPTION");
    }
    rc = store_evidence_each(w, ctl ? ctl->id : NULL, list_one, &l, &err);
    ws_close(w);
    if (rc)
        return cli_fail(&err);
    if (json) {
        jw_arr_end(&l.j);
        jw_end(&l.j);
    }
    return EXIT_OK;
}

static int ev_show(cli_ctx *c)
{
    const char *json = NULL, *pos[1];
    int np = 0;
    cli_opt opts[] = {{"json", 0, &json}, {NULL, 0, NULL}};
    if (cli_parse(c, opts, pos, 1, &np))
        return EXIT_USAGE;
    long id;
    if (np != 1)
        return cli_usage_error(c, "give the evidence id");
    if (cli_int(c, "evidence id", pos[0], 1, 1L << 50, &id))
        return EXIT_USAGE;
    ws *w;
    int rc = cli_open(c, 0, &w);
    if (rc)
        return rc;
    isms_err err = {0};
    evidence e;
    if (store_evidence_get(w, id, c->a, &e, &err))
        return cli_abort(w, &err);
    const char *path = store_evidence_path(w, e.sha256, c->a);
    ws_close(w);
    char today[11];
    store_today(today);
    if (json) {
        jw j;
        jw_init_file(&j, stdout, 1);
        json_evidence(&j, &e, today);
        jw_end(&j);
        return EXIT_OK;
    }
    printf("Evidence %lld: %s\n  description:  %s\n  type:         %s\n  controls:     %s\n  sha256:       %s\n"
           "  size:         %lld bytes\n  collected:    %s by %s\n  valid until:  %s (%s)\n  source:       %s\n"
           "  stored at:    %s\n",
           (long long)e.id, e.filename, e.description, e.kind, e.controls, e.sha256, (long long)e.size,
           e.collected_at, e.collected_by, e.valid_until, evidence_is_fresh(e.valid_until, today) ? "fresh" : "STALE",
           e.source, path);
    return EXIT_OK;
}

typedef struct verify_ctx {
    ws *w;
    jw j;
    int json;
    long ok, bad;
    isms_err *err;
    int rc;
} verify_ctx;

static int verify_one(const evidence *e, void *p)
{
    verify_ctx *v = p;
    int state;
    isms_err msg = {0};
    if ((v->rc = store_evidence_verify_file(v->w, e, &state, &msg))) {
        *v->err = msg;
        return 1;
    }
    const char *what = state == EVIDENCE_OK ? "ok" : state == EVIDENCE_MISSING ? "missing" : "tampered";
    if (state == EVIDENCE_OK)
        v->ok++;
    else
        v->bad++;
    if (v->json) {
        jw_obj(&v->j);
        jw_kint(&v->j, "id", e->id);
        jw_kstr(&v->j, "filename", e->filename);
        jw_kstr(&v->j, "sha256", e->sha256);
        jw_kstr(&v->j, "state", what);
        if (state != EVIDENCE_OK)
            jw_kstr(&v->j, "problem", msg.msg);
        jw_obj_end(&v->j);
    } else if (state != EVIDENCE_OK) {
        printf("%5lld  %-8s %s: %s\n", (long long)e->id, what, e->filename, msg.msg);
    }
    return 0;
}

static int ev_verify(cli_ctx *c)
{
    const char *json = NULL;
    cli_opt opts[] = {{"json", 0, &json}, {NULL, 0, NULL}};
    if (cli_parse(c, opts, NULL, 0, NULL))
        return EXIT_USAGE;
    ws *w;
    int rc = cli_open(c, 0, &w);
    if (rc)
        return rc;
    isms_err err = {0};
    verify_ctx v = {.w = w, .json = json != NULL, .err = &err};
    if (json) {
        jw_init_file(&v.j, stdout, 1);
        jw_obj(&v.j);
        jw_key(&v.j, "files");
        jw_arr(&v.j);
    }
    rc = store_evidence_each(w, NULL, verify_one, &v, &err);
    ws_close(w);
    if (rc || v.rc)
        return cli_fail(&err);
    if (json) {
        jw_arr_end(&v.j);
        jw_kint(&v.j, "ok", v.ok);
        jw_kint(&v.j, "bad", v.bad);
        jw_obj_end(&v.j);
        jw_end(&v.j);
    } else {
        printf("%ld evidence file(s) verified, %ld missing or tampered\n", v.ok, v.bad);
    }
    return v.bad ? EXIT_PROBLEMS : EXIT_OK;
}

static int ev_types(cli_ctx *c)
{
    const char *json = NULL;
    cli_opt opts[] = {{"json", 0, &json}, {NULL, 0, NULL}};
    if (cli_parse(c, opts, NULL, 0, NULL))
        return EXIT_USAGE;
    jw j;
    if (json) {
        jw_init_file(&j, stdout, 1);
        jw_arr(&j);
    }
    for (const evidence_kind *k = evidence_kinds(); k->id; k++) {
        if (json) {
            jw_obj(&j);
            jw_kstr(&j, "id", k->id);
            jw_kstr(&j, "name", k->name);
            jw_kint(&j, "fresh_days", k->fresh_days);
            jw_obj_end(&j);
        } else {
            printf("%-20s %-40s fresh for %d days\n", k->id, k->name, k->fresh_days);
        }
    }
    if (json) {
        jw_arr_end(&j);
        jw_end(&j);
    }
    return EXIT_OK;
}

int cli_evidence_import(cli_ctx *c); /* in cmd_check.c, beside the checks it evaluates */

const cli_cmd cmds_evidence[] = {
    {"add", ev_add,
     "FILE --controls A.5.15,A.8.5 --description TEXT [--type T] [--collected YYYY-MM-DD] [--valid-until YYYY-MM-DD]",
     "Store FILE by its SHA-256 beside the workspace and link it to controls. Its type sets how long it\n"
     "stays fresh (see `isms evidence types`); --valid-until overrides. Prints the evidence id."},
    {"list", ev_list, "[--control ID] [--json]", "Evidence with its controls, validity and freshness."},
    {"show", ev_show, "ID [--json]", "One evidence item and where its file is stored."},
    {"verify", ev_verify, "[--json]",
     "Recompute the SHA-256 of every stored file; exit 1 when any is missing or was changed."},
    {"import", cli_evidence_import, "--check ID FILE [--json]",
     "Evaluate an exported API response (e.g. the output of `aws iam get-account-password-policy`)\n"
     "with the check's own rules and keep the document as evidence. Exit 1 when the check fails."},
    {"types", ev_types, "[--json]", "Evidence types and their freshness windows."},
    {NULL, NULL, NULL, NULL},
};
