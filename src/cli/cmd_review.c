/* isms review: the management review (9.3): the input pack, the meeting's results, feedback. */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "app/usecases.h"
#include "cli/cli.h"
#include "report/lifecycle.h"
#include "report/review_pack.h"
#include "util/json.h"

static int review_pack_cmd(cli_ctx *c)
{
    const char *json = NULL, *outp = NULL;
    cli_opt opts[] = {{"json", 0, &json}, {"o", 1, &outp}, {"output", 1, &outp}, {NULL, 0, NULL}};
    if (cli_parse(c, opts, NULL, 0, NULL))
        return EXIT_USAGE;
    ws *w;
    int rc = cli_open(c, 0, &w);
    if (rc)
        return rc;
    isms_err err = {0};
    review_pack p;
    if (review_pack_build(w, c->a, &p, &err))
        return cli_abort(w, &err);
    ws_close(w);
    FILE *f = stdout;
    if (outp && strcmp(outp, "-") && !(f = fopen(outp, "w"))) {
        err_set(&err, ISMS_EIO, "cannot write %s", outp);
        return cli_fail(&err);
    }
    if (json) {
        buf b;
        buf_init(&b, 64 << 20);
        review_pack_json(&p, &b);
        fprintf(f, "%s\n", b.data ? b.data : "{}");
        buf_free(&b);
    } else
        review_pack_markdown(&p, f);
    if (f != stdout && fclose(f)) {
        err_set(&err, ISMS_EIO, "cannot write %s", outp);
        return cli_fail(&err);
    }
    return EXIT_OK;
}

static int review_record(cli_ctx *c)
{
    review_rec r = {0};
    cli_opt opts[] = {{"date", 1, &r.held_on},           {"attendees", 1, &r.attendees},
                      {"decisions", 1, &r.decisions},     {"improvements", 1, &r.improvements},
                      {"changes", 1, &r.changes},         {"resources", 1, &r.resources},
                      {NULL, 0, NULL}};
    if (cli_parse(c, opts, NULL, 0, NULL))
        return EXIT_USAGE;
    app_review_record_in in = {r.held_on, r.attendees, r.decisions, r.improvements, r.changes, r.resources};
    json_t *a;
    int rc = cli_call(c, "review_record", &in, &a);
    if (rc)
        return rc;
    long long id = (long long)json_integer_value(json_object_get(a, "id"));
    printf("Recorded management review %lld held %s. Add its actions with `isms action add --review %lld`.\n", id,
           json_string_value(json_object_get(a, "held_on")), id);
    json_decref(a);
    return EXIT_OK;
}

static int review_list(cli_ctx *c)
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
    review_rec *r;
    size_t n;
    if (store_review_list(w, c->a, &r, &n, &err))
        return cli_abort(w, &err);
    ws_close(w);
    if (json) {
        jw j;
        jw_init_file(&j, stdout, 1);
        jw_arr(&j);
        for (size_t i = 0; i < n; i++)
            lifecycle_review_json(&j, &r[i], 0);
        jw_arr_end(&j);
        jw_end(&j);
        return EXIT_OK;
    }
    if (!n)
        printf("No management review recorded (isms review pack, then isms review record).\n");
    for (size_t i = 0; i < n; i++)
        printf("%4lld  %s  %s\n      decisions: %s\n", (long long)r[i].id, r[i].held_on, r[i].attendees,
               cli_cut(c, r[i].decisions, 100));
    return EXIT_OK;
}

static int review_show(cli_ctx *c)
{
    const char *pos[1] = {0}, *json = NULL;
    int np = 0;
    cli_opt opts[] = {{"json", 0, &json}, {NULL, 0, NULL}};
    if (cli_parse(c, opts, pos, 1, &np))
        return EXIT_USAGE;
    long id;
    if (np != 1)
        return cli_usage_error(c, "expected `show REVIEW_ID`");
    if (cli_int(c, "review id", pos[0], 1, 0x7fffffffL, &id))
        return EXIT_USAGE;
    ws *w;
    int rc = cli_open(c, 0, &w);
    if (rc)
        return rc;
    isms_err err = {0};
    review_rec r;
    if (store_review_get(w, id, c->a, &r, &err))
        return cli_abort(w, &err);
    ws_close(w);
    if (json) {
        jw j;
        jw_init_file(&j, stdout, 0);
        lifecycle_review_json(&j, &r, 1);
        jw_end(&j);
        return EXIT_OK;
    }
    printf("Management review %lld, held %s\n  attendees     %s\n  decisions     %s\n", (long long)r.id, r.held_on,
           r.attendees, r.decisions);
    if (r.improvements)
        printf("  improvements  %s\n", r.improvements);
    if (r.changes)
        printf("  ISMS changes  %s\n", r.changes);
    if (r.resources)
        printf("  resources     %s\n", r.resources);
    printf("  input pack    stored (isms review show %ld --json)\n", id);
    return EXIT_OK;
}

static int review_feedback(cli_ctx *c)
{
    feedback_rec f = {0};
    cli_opt opts[] = {{"party", 1, &f.party}, {"date", 1, &f.received_on}, {"summary", 1, &f.summary}, {NULL, 0, NULL}};
    if (cli_parse(c, opts, NULL, 0, NULL))
        return EXIT_USAGE;
    app_feedback_add_in in = {f.party, f.received_on, f.summary};
    json_t *a;
    int rc = cli_call(c, "feedback_add", &in, &a);
    json_decref(a);
    return rc;
}

const cli_cmd cmds_review[] = {
    {"pack", review_pack_cmd, "[--json] [-o FILE]",
     "The management review input pack (9.3.2 a-g) from live data since the last review: previous\n"
     "actions, changes in issues and interested parties, nonconformities and actions, monitoring and\n"
     "audit results, objectives, feedback, risks and treatment, opportunities for improvement."},
    {"record", review_record,
     "--attendees NAMES --decisions TEXT [--date DATE] [--improvements T] [--changes T] [--resources T]",
     "Record a held review with its results (9.3.3); the input pack is stored with it."},
    {"list", review_list, "[--json]", "Management reviews held."},
    {"show", review_show, "ID [--json]", "One review with its results (and, with --json, its input pack)."},
    {"feedback", review_feedback, "--party NAME --summary TEXT [--date DATE]",
     "Record feedback from an interested party, an input to the next review (9.3.2 e)."},
    {NULL, NULL, NULL, NULL},
};
