/* isms asset: the asset inventory (A.5.9, A.5.12). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <jansson.h>

#include "app/usecases.h"
#include "cli/cli.h"
#include "util/csv.h"
#include "report/json.h"
#include "util/json.h"

#define IMPORT_MAX_BYTES (256L * 1024 * 1024)

/* A rating option (1 to 3); left out, the use case keeps what the asset has. */
static int rating(cli_ctx *c, const char *what, const char *s, app_int *out)
{
    long v;
    if (!s)
        return 0;
    if (cli_int(c, what, s, 1, 3, &v))
        return EXIT_USAGE;
    *out = (app_int){1, v};
    return 0;
}

/* The options an asset is added or changed with; the ratings as numbers 1 to 3. */
static int asset_options(cli_ctx *c, app_asset_in *in, const char **pos, int *np)
{
    const char *co = NULL, *ig = NULL, *av = NULL;
    cli_opt opts[] = {{"name", 1, &in->name}, {"type", 1, &in->type}, {"owner", 1, &in->owner},
                      {"classification", 1, &in->classification}, {"confidentiality", 1, &co}, {"integrity", 1, &ig},
                      {"availability", 1, &av}, {"description", 1, &in->description}, {NULL, 0, NULL}};
    if (cli_parse(c, opts, pos, pos ? 1 : 0, np))
        return EXIT_USAGE;
    return rating(c, "--confidentiality", co, &in->confidentiality) || rating(c, "--integrity", ig, &in->integrity) ||
                   rating(c, "--availability", av, &in->availability)
               ? EXIT_USAGE
               : 0;
}

static int asset_add(cli_ctx *c)
{
    app_asset_in in = {0};
    if (asset_options(c, &in, NULL, NULL))
        return EXIT_USAGE;
    json_t *r;
    int rc = cli_call(c, "asset_add", &in, &r);
    if (!rc)
        printf("%lld\n", (long long)json_integer_value(json_object_get(r, "id")));
    json_decref(r);
    return rc;
}

typedef struct list_ctx {
    jw j;
    int json;
    cli_ctx *c;
    long n;
} list_ctx;

static int list_one(const asset *x, void *p)
{
    list_ctx *l = p;
    l->n++;
    if (l->json) {
        json_asset(&l->j, x);
        return 0;
    }
    printf("%6lld  %-32s %-11s %-22s %-12s %d/%d/%d  %ld\n", (long long)x->id, cli_cut(l->c, x->name, 32),
           x->type, cli_cut(l->c, x->owner, 22), x->classification, x->confidentiality, x->integrity,
           x->availability, x->nrisks);
    if (l->n % 4096 == 0)
        arena_free(l->c->a); /* cli_cut allocations; nothing else lives in the arena here */
    return 0;
}

static int asset_list(cli_ctx *c)
{
    const char *json = NULL;
    cli_opt opts[] = {{"json", 0, &json}, {NULL, 0, NULL}};
    if (cli_parse(c, opts, NULL, 0, NULL))
        return EXIT_USAGE;
    ws *w;
    int rc = cli_open(c, 0, &w);
    if (rc)
        return rc;
    list_ctx l = {.json = json != NULL, .c = c};
    isms_err err = {0};
    if (json) {
        jw_init_file(&l.j, stdout, 0);
        jw_arr(&l.j);
    } else {
        printf("%6s  %-32s %-11s %-22s %-12s %-6s %s\n", "ID", "NAME", "TYPE", "OWNER", "CLASS", "C/I/A", "RISKS");
    }
    rc = store_asset_each(w, list_one, &l, &err);
    ws_close(w);
    if (rc)
        return cli_fail(&err);
    if (json) {
        jw_arr_end(&l.j);
        jw_end(&l.j);
    } else if (!l.n) {
        printf("(no assets: isms asset add ... or isms asset import FILE.csv)\n");
    }
    return EXIT_OK;
}

static int asset_show(cli_ctx *c)
{
    const char *json = NULL, *pos[1];
    int np = 0;
    cli_opt opts[] = {{"json", 0, &json}, {NULL, 0, NULL}};
    if (cli_parse(c, opts, pos, 1, &np))
        return EXIT_USAGE;
    if (np != 1)
        return cli_usage_error(c, "give the asset's id or name");
    ws *w;
    int rc = cli_open(c, 0, &w);
    if (rc)
        return rc;
    isms_err err = {0};
    asset x;
    if (store_asset_get(w, pos[0], c->a, &x, &err))
        return cli_abort(w, &err);
    ws_close(w);
    if (json) {
        jw j;
        jw_init_file(&j, stdout, 1);
        json_asset(&j, &x);
        jw_end(&j);
        return EXIT_OK;
    }
    printf("Asset %lld: %s\n  type:            %s\n  owner:           %s\n  classification:  %s\n"
           "  confidentiality: %d\n  integrity:       %d\n  availability:    %d\n  description:     %s\n"
           "  risks:           %ld\n  created:         %s\n  updated:         %s\n",
           (long long)x.id, x.name, x.type, x.owner, x.classification, x.confidentiality, x.integrity,
           x.availability, x.description ? x.description : "", x.nrisks, x.created_at, x.updated_at);
    return EXIT_OK;
}

static int asset_edit(cli_ctx *c)
{
    app_asset_in in = {0};
    const char *pos[1];
    int np = 0;
    if (asset_options(c, &in, pos, &np))
        return EXIT_USAGE;
    if (np != 1)
        return cli_usage_error(c, "give the asset's id or name");
    in.id = pos[0];
    json_t *r;
    int rc = cli_call(c, "asset_update", &in, &r);
    json_decref(r);
    return rc;
}

static int asset_rm(cli_ctx *c)
{
    const char *pos[1];
    int np = 0;
    if (cli_parse(c, NULL, pos, 1, &np))
        return EXIT_USAGE;
    if (np != 1)
        return cli_usage_error(c, "give the asset's id or name");
    app_ref_in in = {pos[0]};
    json_t *r;
    int rc = cli_call(c, "asset_delete", &in, &r);
    json_decref(r);
    return rc;
}

/* Columns of the import file, matched by header name (case-insensitive). */
static void import_progress(long rows, void *ctx)
{
    FILE *f = ctx;
    (void)rows;
    long at = ftell(f);
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, at, SEEK_SET);
    cli_progress("importing", (size_t)at, (size_t)size);
}

static int asset_import(cli_ctx *c)
{
    const char *pos[1];
    int np = 0;
    if (cli_parse(c, NULL, pos, 1, &np))
        return EXIT_USAGE;
    if (np != 1)
        return cli_usage_error(c, "give the CSV file to import");
    const char *path = pos[0];
    struct stat sb;
    if (stat(path, &sb) != 0) {
        fprintf(stderr, "isms: cannot read %s: %s\n", path, strerror(errno));
        return EXIT_USAGE;
    }
    if (!S_ISREG(sb.st_mode)) {
        fprintf(stderr, "isms: %s is not a regular file\n", path);
        return EXIT_USAGE;
    }
    if (sb.st_size > IMPORT_MAX_BYTES) {
        fprintf(stderr, "isms: %s is %lld bytes; imports are limited to %ld MiB\n", path, (long long)sb.st_size,
                IMPORT_MAX_BYTES >> 20);
        return EXIT_USAGE;
    }
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "isms: cannot open %s: %s\n", path, strerror(errno));
        return EXIT_USAGE;
    }
    ws *w;
    int rc = cli_open(c, 0, &w);
    if (rc) {
        fclose(f);
        return rc;
    }
    isms_err err = {0};
    asset_import_report rep;
    int progress = cli_progress_wanted();
    if (ws_begin(w, &err) || store_asset_import(w, f, c->a, &rep, progress ? import_progress : NULL, f, &err)) {
        fclose(f);
        if (err.code == ISMS_EINVAL) {
            ws_rollback(w);
            ws_close(w);
            fprintf(stderr, "isms: %s: %s\n", path, err.msg);
            return EXIT_USAGE;
        }
        return cli_abort(w, &err);
    }
    if (progress && rep.rows >= 1000)
        cli_progress("importing", (size_t)sb.st_size, (size_t)sb.st_size);
    fclose(f);
    if (rep.errors) {
        ws_rollback(w);
        ws_close(w);
        for (size_t i = 0; i < rep.nproblems; i++)
            fprintf(stderr, "isms: %s: %s\n", path, rep.problems[i]);
        if (rep.errors > (long)rep.nproblems)
            fprintf(stderr, "isms: ... and %ld more errors\n", rep.errors - (long)rep.nproblems);
        fprintf(stderr, "isms: import of %s refused: %ld error(s); nothing was imported\n", path, rep.errors);
        return EXIT_USAGE;
    }
    if ((rc = cli_finish(w, &err)))
        return rc;
    printf("imported %ld asset(s) from %s\n", rep.rows, path);
    return EXIT_OK;
}

const cli_cmd cmds_asset[] = {
    {"add", asset_add,
     "--name N --type T --owner O --classification C [--confidentiality 1-3] [--integrity 1-3] "
     "[--availability 1-3] [--description TEXT]",
     "Add an asset. Types: information, software, hardware, service, cloud, network, people, facility.\n"
     "Classifications: public, internal, confidential, restricted. CIA values: 1 low, 2 medium, 3 high.\n"
     "Prints the new asset's id."},
    {"list", asset_list, "[--json]", "List every asset with its owner, classification, C/I/A and number of risks."},
    {"show", asset_show, "ID|NAME [--json]", "Show one asset."},
    {"edit", asset_edit,
     "ID|NAME [--name N] [--type T] [--owner O] [--classification C] [--confidentiality 1-3] [--integrity 1-3] "
     "[--availability 1-3] [--description TEXT]",
     "Change the given fields of an asset; every option left out keeps its value. --description \"\" clears\n"
     "the description; name and owner cannot be blank."},
    {"rm", asset_rm, "ID|NAME", "Delete an asset; refused while risks reference it."},
    {"import", asset_import, "FILE.csv",
     "Import assets from CSV with a header line. Required columns: name, type, owner, classification;\n"
     "optional: confidentiality, integrity, availability (1-3 or low/medium/high), description.\n"
     "All or nothing: every bad value is reported with its line and column and nothing is imported."},
    {NULL, NULL, NULL, NULL},
};
