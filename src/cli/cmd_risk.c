/* isms risk: risk assessment, treatment, acceptance, the treatment plan and the methodology. */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "app/usecases.h"
#include "cli/cli.h"
#include "core/catalog.h"
#include "report/export.h"
#include "report/json.h"
#include "util/json.h"

static int load_method(ws *w, risk_method *m, isms_err *err) { return store_method_get(w, m, NULL, err); }

static int risk_add(cli_ctx *c)
{
    app_risk_add_in in = {0};
    const char *l = NULL, *i = NULL;
    cli_opt opts[] = {{"title", 1, &in.title}, {"asset", 1, &in.asset}, {"threat", 1, &in.threat},
                      {"vulnerability", 1, &in.vulnerability}, {"likelihood", 1, &l}, {"impact", 1, &i},
                      {"owner", 1, &in.owner}, {NULL, 0, NULL}};
    if (cli_parse(c, opts, NULL, 0, NULL))
        return EXIT_USAGE;
    if (!l || !i)
        return cli_usage_error(c, "--likelihood and --impact are required");
    if (cli_int(c, "--likelihood", l, -1000, 1000, &in.likelihood.v) || cli_int(c, "--impact", i, -1000, 1000, &in.impact.v))
        return EXIT_USAGE;
    in.likelihood.given = in.impact.given = 1;
    json_t *r;
    int rc = cli_call(c, "risk_add", &in, &r);
    if (rc)
        return rc;
    printf("%lld\n", (long long)json_integer_value(json_object_get(r, "id")));
    fprintf(stderr, "risk R%lld: inherent score %lld (%s)\n", (long long)json_integer_value(json_object_get(r, "id")),
            (long long)json_integer_value(json_object_get(r, "score")), json_string_value(json_object_get(r, "level")));
    json_decref(r);
    return EXIT_OK;
}

typedef struct list_ctx {
    jw j;
    int json, plan;
    const risk_method *m;
    cli_ctx *c;
    char today[11];
    long n;
} list_ctx;

static int list_one(const risk *r, void *p)
{
    list_ctx *l = p;
    if (l->plan && r->option == RISK_UNTREATED)
        return 0; /* the plan lists treatments; untreated risks show in the register */
    l->n++;
    if (l->json) {
        json_risk(&l->j, l->m, r, l->today);
        return 0;
    }
    int s = risk_score(r->likelihood, r->impact), rs = risk_residual_score(r);
    if (l->plan)
        printf("R%-6lld %-34s %-9s %-22s %-18s %2d %-8s %-10s %-20s %s\n", (long long)r->id,
               cli_cut(l->c, r->title, 34), risk_option_name(r->option), cli_cut(l->c, r->controls, 22),
               cli_cut(l->c, r->treatment_owner ? r->treatment_owner : r->owner, 18), rs, risk_level(l->m, rs),
               r->due_date ? r->due_date : "-", risk_plan_status(l->m, r, l->today),
               r->accepted_by ? r->accepted_by : "");
    else
        printf("R%-6lld %-36s %-20s %d x %d = %2d %-8s %-9s %2d %-8s %s\n", (long long)r->id,
               cli_cut(l->c, r->title, 36), cli_cut(l->c, r->owner, 20), r->likelihood, r->impact, s,
               risk_level(l->m, s), r->option ? risk_option_name(r->option) : "-", rs, risk_level(l->m, rs),
               risk_plan_status(l->m, r, l->today));
    if (l->n % 4096 == 0)
        arena_free(l->c->a);
    return 0;
}

static int run_list(cli_ctx *c, int plan)
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
    risk_method m;
    if (load_method(w, &m, &err))
        return cli_abort(w, &err);
    list_ctx l = {.json = json != NULL, .plan = plan, .m = &m, .c = c};
    store_today(l.today);
    if (json) {
        jw_init_file(&l.j, stdout, 0);
        jw_arr(&l.j);
    } else if (plan) {
        printf("Risk treatment plan (6.1.3 e, 8.3) as of %s\n", l.today);
        printf("%-7s %-34s %-9s %-22s %-18s %-11s %-10s %-20s %s\n", "ID", "RISK", "OPTION", "CONTROLS", "OWNER",
               "RESIDUAL", "DUE", "STATUS", "ACCEPTED BY");
    } else {
        printf("%-7s %-36s %-20s %-16s %-8s %-9s %-11s %s\n", "ID", "TITLE", "OWNER", "L x I", "LEVEL", "TREATMENT",
               "RESIDUAL", "STATUS");
    }
    rc = store_risk_each(w, list_one, &l, &err);
    ws_close(w);
    if (rc)
        return cli_fail(&err);
    if (json) {
        jw_arr_end(&l.j);
        jw_end(&l.j);
    } else if (!l.n) {
        printf(plan ? "(no treatments yet: isms risk treat ID ...)\n" : "(no risks: isms risk add ...)\n");
    }
    return EXIT_OK;
}

static int risk_list(cli_ctx *c) { return run_list(c, 0); }
static int risk_plan(cli_ctx *c) { return run_list(c, 1); }

static int risk_show(cli_ctx *c)
{
    const char *json = NULL, *pos[1];
    int np = 0;
    cli_opt opts[] = {{"json", 0, &json}, {NULL, 0, NULL}};
    if (cli_parse(c, opts, pos, 1, &np))
        return EXIT_USAGE;
    int64_t id;
    if (np != 1)
        return cli_usage_error(c, "give the risk id");
    if (cli_risk_id(c, pos[0], &id))
        return EXIT_USAGE;
    ws *w;
    int rc = cli_open(c, 0, &w);
    if (rc)
        return rc;
    isms_err err = {0};
    risk_method m;
    risk r;
    if (load_method(w, &m, &err) || store_risk_get(w, id, c->a, &r, &err))
        return cli_abort(w, &err);
    ws_close(w);
    char today[11];
    store_today(today);
    if (json) {
        jw j;
        jw_init_file(&j, stdout, 1);
        json_risk(&j, &m, &r, today);
        jw_end(&j);
        return EXIT_OK;
    }
    int s = risk_score(r.likelihood, r.impact), rs = risk_residual_score(&r);
    printf("Risk R%lld: %s\n  asset:          %s\n  threat:         %s\n  vulnerability:  %s\n"
           "  owner:          %s\n  inherent:       likelihood %d (%s) x impact %d (%s) = %d, %s\n",
           (long long)r.id, r.title, r.asset ? r.asset : "-", r.threat, r.vulnerability, r.owner, r.likelihood,
           m.likelihood_labels[r.likelihood - 1], r.impact, m.impact_labels[r.impact - 1], s, risk_level(&m, s));
    if (r.option == RISK_UNTREATED) {
        printf("  treatment:      none yet (isms risk treat R%lld --option ...)\n", (long long)r.id);
        return EXIT_OK;
    }
    printf("  treatment:      %s%s\n  controls:       %s\n  residual:       %d, %s%s\n  treated by:     %s\n"
           "  due date:       %s\n  plan:           %s\n  status:         %s\n",
           risk_option_name(r.option), r.done ? " (done)" : "", r.controls && *r.controls ? r.controls : "-", rs,
           risk_level(&m, rs), r.residual_likelihood ? "" : " (no residual assessment: inherent score shown)",
           r.treatment_owner ? r.treatment_owner : r.owner, r.due_date ? r.due_date : "-",
           r.treatment_plan ? r.treatment_plan : "-", risk_plan_status(&m, &r, today));
    if (risk_needs_acceptance(&m, &r))
        printf("  acceptance:     %s\n",
               r.accepted_by ? arena_sprintf(c->a, "accepted by %s at %s", r.accepted_by, r.accepted_at)
                             : arena_sprintf(c->a, "residual %d is above the appetite %d: the owner must accept "
                                                   "(isms risk accept R%lld --by \"%s\")",
                                             rs, m.appetite, (long long)r.id, r.owner));
    return EXIT_OK;
}

static int risk_edit(cli_ctx *c)
{
    app_risk_update_in in = {0};
    const char *l = NULL, *i = NULL, *pos[1];
    int np = 0;
    cli_opt opts[] = {{"title", 1, &in.title}, {"asset", 1, &in.asset}, {"threat", 1, &in.threat},
                      {"vulnerability", 1, &in.vulnerability}, {"likelihood", 1, &l}, {"impact", 1, &i},
                      {"owner", 1, &in.owner}, {NULL, 0, NULL}};
    if (cli_parse(c, opts, pos, 1, &np))
        return EXIT_USAGE;
    int64_t id;
    if (np != 1)
        return cli_usage_error(c, "give the risk id");
    if (cli_risk_id(c, pos[0], &id))
        return EXIT_USAGE;
    if ((l && cli_int(c, "--likelihood", l, -1000, 1000, &in.likelihood.v)) ||
        (i && cli_int(c, "--impact", i, -1000, 1000, &in.impact.v)))
        return EXIT_USAGE;
    in.id = (app_int){1, (long)id};
    in.likelihood.given = l != NULL;
    in.impact.given = i != NULL;
    json_t *r;
    int rc = cli_call(c, "risk_update", &in, &r);
    json_decref(r);
    return rc;
}

static int risk_treat(cli_ctx *c)
{
    app_risk_treat_in in = {0};
    const char *rl = NULL, *ri = NULL, *done = NULL, *not_done = NULL, *pos[1];
    int np = 0;
    cli_opt opts[] = {{"option", 1, &in.option}, {"controls", 1, &in.controls}, {"residual-likelihood", 1, &rl},
                      {"residual-impact", 1, &ri}, {"owner", 1, &in.treatment_owner}, {"due", 1, &in.due_date},
                      {"plan", 1, &in.plan}, {"done", 0, &done}, {"not-done", 0, &not_done}, {NULL, 0, NULL}};
    if (cli_parse(c, opts, pos, 1, &np))
        return EXIT_USAGE;
    int64_t id;
    if (np != 1)
        return cli_usage_error(c, "give the risk id");
    if (cli_risk_id(c, pos[0], &id))
        return EXIT_USAGE;
    in.id = (app_int){1, (long)id};
    if (in.option && risk_option_parse(in.option) <= RISK_UNTREATED)
        return cli_usage_error(c, "--option must be mitigate, accept, transfer or avoid, not '%s'", in.option);
    if (done && not_done)
        return cli_usage_error(c, "give --done or --not-done, not both");
    if ((rl && cli_int(c, "--residual-likelihood", rl, -1000, 1000, &in.residual_likelihood.v)) ||
        (ri && cli_int(c, "--residual-impact", ri, -1000, 1000, &in.residual_impact.v)))
        return EXIT_USAGE;
    if (rl && in.residual_likelihood.v < 1)
        return cli_usage_error(c, "--residual-likelihood %ld is out of range", in.residual_likelihood.v);
    if (ri && in.residual_impact.v < 1)
        return cli_usage_error(c, "--residual-impact %ld is out of range", in.residual_impact.v);
    in.residual_likelihood.given = rl != NULL;
    in.residual_impact.given = ri != NULL;
    in.done = (app_int){done || not_done, done != NULL};
    json_t *r;
    int rc = cli_call(c, "risk_treat", &in, &r);
    if (rc)
        return rc;
    const char *owner = json_string_value(json_object_get(r, "owner"));
    fprintf(stderr, "risk R%lld: %s, residual score %lld (%s)%s\n", (long long)id,
            json_string_value(json_object_get(r, "treatment")), (long long)json_integer_value(json_object_get(r, "residual_score")),
            json_string_value(json_object_get(r, "residual_level")),
            json_is_true(json_object_get(r, "needs_acceptance"))
                ? arena_sprintf(c->a, "; above the appetite: the owner %s must accept it (isms risk accept R%lld --by ...)",
                                owner ? owner : "", (long long)id)
                : "");
    json_decref(r);
    return EXIT_OK;
}

static int risk_accept(cli_ctx *c)
{
    app_risk_accept_in in = {0};
    const char *pos[1];
    int np = 0;
    cli_opt opts[] = {{"by", 1, &in.by}, {NULL, 0, NULL}};
    if (cli_parse(c, opts, pos, 1, &np))
        return EXIT_USAGE;
    int64_t id;
    if (np != 1)
        return cli_usage_error(c, "give the risk id");
    if (cli_risk_id(c, pos[0], &id))
        return EXIT_USAGE;
    if (!in.by)
        return cli_usage_error(c, "--by OWNER is required: the risk owner accepts the residual risk");
    in.id = (app_int){1, (long)id};
    json_t *r;
    int rc = cli_call(c, "risk_accept", &in, &r);
    json_decref(r);
    return rc;
}

static int risk_rm(cli_ctx *c)
{
    const char *pos[1];
    int np = 0;
    if (cli_parse(c, NULL, pos, 1, &np))
        return EXIT_USAGE;
    int64_t id;
    if (np != 1)
        return cli_usage_error(c, "give the risk id");
    if (cli_risk_id(c, pos[0], &id))
        return EXIT_USAGE;
    ws *w;
    int rc = cli_open(c, 0, &w);
    if (rc)
        return rc;
    isms_err err = {0};
    if (ws_begin(w, &err) || store_risk_delete(w, id, &err))
        return cli_abort(w, &err);
    return cli_finish(w, &err);
}

static void print_method(const risk_method *m, int confirmed)
{
    printf("Risk methodology%s\n  likelihood scale: ", confirmed ? "" : " (defaults, not yet reviewed: isms risk method set ...)");
    for (int i = 0; i < m->likelihood_levels; i++)
        printf("%s%d %s", i ? ", " : "", i + 1, m->likelihood_labels[i]);
    printf("\n  impact scale:     ");
    for (int i = 0; i < m->impact_levels; i++)
        printf("%s%d %s", i ? ", " : "", i + 1, m->impact_labels[i]);
    printf("\n  score = likelihood x impact; low <= %d, medium <= %d, high <= %d, critical above\n"
           "  risk appetite: residual scores up to %d are accepted; above it the risk owner must accept\n\n",
           m->low_max, m->medium_max, m->high_max, m->appetite);
    printf("  L\\I ");
    for (int i = 1; i <= m->impact_levels; i++)
        printf("%-11d", i);
    printf("\n");
    for (int l = m->likelihood_levels; l >= 1; l--) {
        printf("  %-3d ", l);
        for (int i = 1; i <= m->impact_levels; i++) {
            int s = risk_score(l, i);
            printf("%2d %-8s", s, risk_level(m, s));
        }
        printf("\n");
    }
}

/* Split "a|b|c" or "a,b,c" into labels; the count must match the scale. */
static int parse_labels(cli_ctx *c, const char *what, const char *s, int levels, char out[][32])
{
    int n = 0;
    const char *p = s;
    while (p && n < RISK_MAX_LEVELS) {
        const char *e = strpbrk(p, "|,");
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len == 0 || len > 31)
            return cli_usage_error(c, "%s: each label needs 1 to 31 characters", what);
        snprintf(out[n++], 32, "%.*s", (int)len, p);
        p = e ? e + 1 : NULL;
    }
    if (p || n != levels)
        return cli_usage_error(c, "%s: give exactly %d labels separated by commas", what, levels);
    return 0;
}

static int risk_method_cmd(cli_ctx *c)
{
    const char *json = NULL, *ll = NULL, *il = NULL, *lo = NULL, *me = NULL, *hi = NULL, *ap = NULL, *llab = NULL,
               *ilab = NULL, *pos[1];
    int np = 0;
    cli_opt opts[] = {{"json", 0, &json}, {"likelihood-levels", 1, &ll}, {"impact-levels", 1, &il},
                      {"low-max", 1, &lo}, {"medium-max", 1, &me}, {"high-max", 1, &hi}, {"appetite", 1, &ap},
                      {"likelihood-labels", 1, &llab}, {"impact-labels", 1, &ilab}, {NULL, 0, NULL}};
    if (cli_parse(c, opts, pos, 1, &np))
        return EXIT_USAGE;
    int set = np == 1 && !strcmp(pos[0], "set");
    if (np == 1 && !set && strcmp(pos[0], "show"))
        return cli_usage_error(c, "expected `method show` or `method set ...`");
    ws *w;
    int rc = cli_open(c, 0, &w);
    if (rc)
        return rc;
    isms_err err = {0};
    risk_method m;
    int confirmed;
    if (store_method_get(w, &m, &confirmed, &err))
        return cli_abort(w, &err);
    if (!set) {
        ws_close(w);
        if (json) {
            jw j;
            jw_init_file(&j, stdout, 1);
            jw_obj(&j);
            jw_kint(&j, "likelihood_levels", m.likelihood_levels);
            jw_kint(&j, "impact_levels", m.impact_levels);
            jw_kint(&j, "low_max", m.low_max);
            jw_kint(&j, "medium_max", m.medium_max);
            jw_kint(&j, "high_max", m.high_max);
            jw_kint(&j, "appetite", m.appetite);
            jw_kbool(&j, "reviewed", confirmed);
            jw_key(&j, "likelihood_labels");
            jw_arr(&j);
            for (int i = 0; i < m.likelihood_levels; i++)
                jw_str(&j, m.likelihood_labels[i]);
            jw_arr_end(&j);
            jw_key(&j, "impact_labels");
            jw_arr(&j);
            for (int i = 0; i < m.impact_levels; i++)
                jw_str(&j, m.impact_labels[i]);
            jw_arr_end(&j);
            jw_obj_end(&j);
            jw_end(&j);
        } else {
            print_method(&m, confirmed);
        }
        return EXIT_OK;
    }
    long v;
    int old_l = m.likelihood_levels, old_i = m.impact_levels;
#define SETINT(opt, name, field)                                                        \
    if (opt) {                                                                          \
        if (cli_int(c, name, opt, 1, 25, &v)) {                                         \
            ws_close(w);                                                                \
            return EXIT_USAGE;                                                          \
        }                                                                               \
        m.field = (int)v;                                                               \
    }
    SETINT(ll, "--likelihood-levels", likelihood_levels)
    SETINT(il, "--impact-levels", impact_levels)
    SETINT(lo, "--low-max", low_max)
    SETINT(me, "--medium-max", medium_max)
    SETINT(hi, "--high-max", high_max)
    SETINT(ap, "--appetite", appetite)
#undef SETINT
    if (m.likelihood_levels != old_l && !llab)
        for (int i = 0; i < RISK_MAX_LEVELS; i++)
            snprintf(m.likelihood_labels[i], 32, "Level %d", i + 1);
    if (m.impact_levels != old_i && !ilab)
        for (int i = 0; i < RISK_MAX_LEVELS; i++)
            snprintf(m.impact_labels[i], 32, "Level %d", i + 1);
    if ((llab && parse_labels(c, "--likelihood-labels", llab, m.likelihood_levels, m.likelihood_labels)) ||
        (ilab && parse_labels(c, "--impact-labels", ilab, m.impact_levels, m.impact_labels))) {
        ws_close(w);
        return EXIT_USAGE;
    }
    if (ws_begin(w, &err) || store_method_set(w, &m, &err))
        return cli_abort(w, &err);
    if ((rc = cli_finish(w, &err)))
        return rc;
    print_method(&m, 1);
    return EXIT_OK;
}

static int risk_library(cli_ctx *c)
{
    const char *json = NULL;
    cli_opt opts[] = {{"json", 0, &json}, {NULL, 0, NULL}};
    if (cli_parse(c, opts, NULL, 0, NULL))
        return EXIT_USAGE;
    size_t nt, nv;
    const catalog_threat *t = catalog_threats(&nt);
    const catalog_vuln *v = catalog_vulns(&nv);
    if (json) {
        jw j;
        jw_init_file(&j, stdout, 1);
        jw_obj(&j);
        jw_key(&j, "threats");
        jw_arr(&j);
        for (size_t i = 0; i < nt; i++) {
            jw_obj(&j);
            jw_kstr(&j, "id", t[i].id);
            jw_kstr(&j, "category", t[i].category);
            jw_kstr(&j, "name", t[i].name);
            jw_kstr(&j, "description", t[i].description);
            jw_kstr(&j, "controls", t[i].controls);
            jw_obj_end(&j);
        }
        jw_arr_end(&j);
        jw_key(&j, "vulnerabilities");
        jw_arr(&j);
        for (size_t i = 0; i < nv; i++) {
            jw_obj(&j);
            jw_kstr(&j, "id", v[i].id);
            jw_kstr(&j, "name", v[i].name);
            jw_kstr(&j, "description", v[i].description);
            jw_kstr(&j, "controls", v[i].controls);
            jw_obj_end(&j);
        }
        jw_arr_end(&j);
        jw_obj_end(&j);
        jw_end(&j);
        return EXIT_OK;
    }
    printf("Threats (use the id with --threat):\n");
    for (size_t i = 0; i < nt; i++)
        printf("  %-4s %-20s %-44s %s\n", t[i].id, t[i].category, cli_cut(c, t[i].name, 44), t[i].controls);
    printf("\nVulnerabilities (use the id with --vulnerability):\n");
    for (size_t i = 0; i < nv; i++)
        printf("  %-4s %-50s %s\n", v[i].id, cli_cut(c, v[i].name, 50), v[i].controls);
    return EXIT_OK;
}

static void export_progress(size_t done, size_t total, void *ctx)
{
    (void)ctx;
    cli_progress("exporting", done, total);
}

static int risk_export(cli_ctx *c)
{
    const char *fmt = NULL, *outp = NULL;
    cli_opt opts[] = {{"format", 1, &fmt}, {"o", 1, &outp}, {"output", 1, &outp}, {NULL, 0, NULL}};
    if (cli_parse(c, opts, NULL, 0, NULL))
        return EXIT_USAGE;
    int f = export_format_parse(fmt);
    if (f < 0 || f == EXPORT_HTML)
        return cli_usage_error(c, "--format must be csv or xlsx");
    if (!outp)
        return cli_usage_error(c, "-o FILE is required");
    ws *w;
    int rc = cli_open(c, 0, &w);
    if (rc)
        return rc;
    isms_err err = {0};
    risk_method m;
    org o;
    char now[32];
    store_now(now);
    if (load_method(w, &m, &err) || store_org_get(w, c->a, &o, &err))
        return cli_abort(w, &err);
    export_meta meta = {o.name, "risk register and treatment plan", now};
    rc = export_risks(w, &m, &meta, (export_format)f, outp, cli_progress_wanted() ? export_progress : NULL, NULL, &err);
    ws_close(w);
    if (rc)
        return cli_fail(&err);
    fprintf(stderr, "wrote %s\n", outp);
    return EXIT_OK;
}

const cli_cmd cmds_risk[] = {
    {"add", risk_add,
     "--title T --asset ID|NAME --threat T --vulnerability V --likelihood N --impact N --owner O",
     "Record an assessed risk. --threat and --vulnerability take text or a library id (T03, V12; see\n"
     "`isms risk library`). Likelihood and impact follow the methodology's scales. Prints the new id."},
    {"list", risk_list, "[--json]", "The risk register: inherent and residual scores, levels and treatment status."},
    {"show", risk_show, "ID [--json]", "One risk with its treatment and acceptance."},
    {"edit", risk_edit, "ID [--title T] [--asset ID|NAME|none] [--threat T] [--vulnerability V] [--likelihood N] "
                        "[--impact N] [--owner O]",
     "Change the given fields of a risk's assessment; the others keep their values. A new owner must\n"
     "accept the residual risk again."},
    {"treat", risk_treat,
     "ID --option mitigate|accept|transfer|avoid [--controls A.8.5,A.5.17] [--residual-likelihood N "
     "--residual-impact N] [--owner O] [--due YYYY-MM-DD] [--plan TEXT] [--done|--not-done]",
     "Record the treatment (6.1.3). Mitigation names the Annex A controls; they become applicable in the SoA.\n"
     "A control excluded in the SoA is refused. A new treatment clears an earlier acceptance. On a risk\n"
     "already treated every option left out (--option too) keeps its recorded value; \"\" clears a text."},
    {"accept", risk_accept, "ID --by OWNER",
     "The risk owner accepts the residual risk (6.1.3 f); needed when it stays above the appetite."},
    {"rm", risk_rm, "ID", "Delete a risk and its control links."},
    {"plan", risk_plan, "[--json]",
     "The risk treatment plan: option, controls, owner, residual level, due date, status, acceptance."},
    {"method", risk_method_cmd,
     "[show [--json]] | set [--likelihood-levels 3-5] [--impact-levels 3-5] [--low-max N] [--medium-max N] "
     "[--high-max N] [--appetite N] [--likelihood-labels A,B,C] [--impact-labels A,B,C]",
     "Show or set the methodology: scales, level bands of the likelihood x impact matrix, risk appetite."},
    {"library", risk_library, "[--json]", "The built-in library of common threats and vulnerabilities."},
    {"export", risk_export, "--format csv|xlsx -o FILE", "Export the risk register and treatment plan."},
    {NULL, NULL, NULL, NULL},
};
