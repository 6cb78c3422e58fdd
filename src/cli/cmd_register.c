/* isms person | supplier | incident | objective: the registers of people (A.6.1-A.6.6, 7.2, 7.3),
 * suppliers (A.5.19-A.5.22), incidents (A.5.24-A.5.28, A.6.8) and objectives (6.2). The commands
 * are the same for each register; options come from the register's field table. */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "util/json.h"

#define MAX_OPTS (REG_MAXF + 8)

/* Options for every field of kind k ("start_date" is --start-date), then `extra`. */
static cli_opt *field_opts(cli_ctx *c, int k, const char **vals, const cli_opt *extra)
{
    const reg_kind *K = &reg_kinds[k];
    cli_opt *o = arena_alloc(c->a, MAX_OPTS * sizeof *o);
    int n = 0;
    for (int i = 0; i < K->nfields; i++) {
        char *name = arena_strdup(c->a, K->fields[i].name);
        for (char *p = name; *p; p++)
            if (*p == '_')
                *p = '-';
        o[n++] = (cli_opt){name, 1, &vals[i]};
    }
    for (; extra && extra->name; extra++)
        o[n++] = *extra;
    o[n] = (cli_opt){NULL, 0, NULL};
    return o;
}

/* Given options replace the record's values; an empty value clears a field. */
static void apply_vals(int k, reg_rec *r, const char **vals)
{
    for (int i = 0; i < reg_kinds[k].nfields; i++)
        if (vals[i])
            r->v[i] = *vals[i] ? vals[i] : NULL;
}

static int need_one(cli_ctx *c, int np, int k)
{
    if (np == 1)
        return 0;
    const reg_kind *K = &reg_kinds[k];
    cli_usage_error(c, "give the %s's id%s%s", K->entity, K->key >= 0 ? " or " : "",
                    K->key >= 0 ? K->fields[K->key].name : "");
    return EXIT_USAGE;
}

static int reg_add(cli_ctx *c, int k)
{
    const char *vals[REG_MAXF] = {0};
    if (cli_parse(c, field_opts(c, k, vals, NULL), NULL, 0, NULL))
        return EXIT_USAGE;
    reg_rec r = {0};
    apply_vals(k, &r, vals);
    reg_normalize(k, &r, c->a);
    reg_defaults(k, &r);
    isms_err err = {0};
    if (reg_validate(k, &r, &err))
        return cli_fail(&err);
    ws *w;
    int rc = cli_open(c, 0, &w);
    if (rc)
        return rc;
    if (ws_begin(w, &err) || store_reg_insert(w, k, &r, &err))
        return cli_abort(w, &err);
    if ((rc = cli_finish(w, &err)))
        return rc;
    printf("%lld\n", (long long)r.id);
    return EXIT_OK;
}

/* Text columns of each register's list: fields by name, "@state" for the derived state. */
typedef struct list_col {
    const char *field, *head;
    int width;
} list_col;

static const list_col person_cols[] = {{"name", "NAME", 24}, {"email", "EMAIL", 28}, {"department", "DEPARTMENT", 14},
                                       {"@state", "STATE", 8}, {"@trained", "TRAINED", 10}, {NULL, NULL, 0}};
static const list_col supplier_cols[] = {{"name", "NAME", 26}, {"risk_rating", "RISK", 8}, {"data_access", "DATA", 12},
                                         {"security_clauses", "CLAUSES", 7}, {"next_review", "NEXT REVIEW", 11},
                                         {NULL, NULL, 0}};
static const list_col incident_cols[] = {{"title", "TITLE", 32}, {"severity", "SEVERITY", 8}, {"status", "STATUS", 9},
                                         {"detected_at", "DETECTED", 16}, {NULL, NULL, 0}};
static const list_col objective_cols[] = {{"objective", "OBJECTIVE", 32}, {"@target", "TARGET", 18},
                                          {"@latest", "LATEST", 10}, {"@track", "TRACK", 12}, {NULL, NULL, 0}};

static const list_col *cols_of(int k)
{
    return k == REG_PERSON ? person_cols : k == REG_SUPPLIER ? supplier_cols : k == REG_INCIDENT ? incident_cols
                                                                                                  : objective_cols;
}

static const char *cell(cli_ctx *c, int k, const reg_rec *r, const char *f, const char *today)
{
    if (f[0] != '@')
        return reg_get(k, r, f);
    if (!strcmp(f, "@state")) {
        const char *end = reg_get(k, r, "end_date");
        return end && strcmp(end, today) <= 0 ? "leaver" : "current";
    }
    if (!strcmp(f, "@trained"))
        return r->d[0];
    if (!strcmp(f, "@target"))
        return arena_sprintf(c->a, "%s %s %s", !strcmp(reg_get(k, r, "direction"), "at_most") ? "<=" : ">=",
                             reg_get(k, r, "target"), reg_get(k, r, "unit") ? reg_get(k, r, "unit") : "");
    if (!strcmp(f, "@latest"))
        return r->d[0];
    if (!strcmp(f, "@track"))
        return reg_track_name(reg_objective_track(r));
    return NULL;
}

typedef struct list_ctx {
    cli_ctx *c;
    int k, json, only_problems;
    long n, with_problems;
    char today[11];
    jw j;
} list_ctx;

static int list_one(const reg_rec *r, void *p)
{
    list_ctx *l = p;
    const char *probs[8];
    int np = reg_problems(l->k, r, l->today, l->c->a, probs, 8);
    if (np)
        l->with_problems++;
    if (l->only_problems && !np)
        return 0;
    l->n++;
    if (l->json) {
        reg_json(&l->j, l->k, r, l->today, l->c->a);
    } else {
        printf("%6lld ", (long long)r->id);
        for (const list_col *col = cols_of(l->k); col->field; col++) {
            const char *v = cell(l->c, l->k, r, col->field, l->today);
            const char *cut = cli_cut(l->c, v ? v : "-", col->width);
            /* pad by display columns, not bytes, so UTF-8 names line up */
            int cols = 0;
            for (const unsigned char *q = (const unsigned char *)cut; *q; q++)
                cols += (*q & 0xc0) != 0x80;
            printf(" %s%*s", cut, col->width - cols > 0 ? col->width - cols : 0, "");
        }
        printf(" %d\n", np);
        if (l->only_problems)
            for (int i = 0; i < np; i++)
                printf("         ! %s\n", probs[i]);
    }
    if (l->n % 1024 == 0)
        arena_free(l->c->a);
    return 0;
}

static int reg_list(cli_ctx *c, int k)
{
    const reg_kind *K = &reg_kinds[k];
    const char *json = NULL, *problems = NULL, *q = NULL, *fvals[REG_MAXF] = {0};
    cli_opt base[] = {{"json", 0, &json}, {"problems", 0, &problems}, {"q", 1, &q}, {NULL, 0, NULL}};
    /* Filters: every choice field, as --status open. */
    cli_opt *o = arena_alloc(c->a, MAX_OPTS * sizeof *o);
    int n = 0;
    for (int i = 0; i < 3; i++)
        o[n++] = base[i];
    for (int i = 0; i < K->nfields; i++)
        if (K->fields[i].type == RF_ENUM || K->fields[i].type == RF_YESNO) {
            char *name = arena_strdup(c->a, K->fields[i].name);
            for (char *p = name; *p; p++)
                *p = *p == '_' ? '-' : *p;
            o[n++] = (cli_opt){name, 1, &fvals[i]};
        }
    o[n] = (cli_opt){NULL, 0, NULL};
    if (cli_parse(c, o, NULL, 0, NULL))
        return EXIT_USAGE;
    reg_filter filters[REG_MAXF];
    int nf = 0;
    for (int i = 0; i < K->nfields; i++)
        if (fvals[i]) {
            if (!reg_filter_valid(k, i, fvals[i]))
                return cli_usage_error(c, "%s: '%s' is not a value of this field", K->fields[i].name, fvals[i]);
            filters[nf++] = (reg_filter){K->fields[i].name, fvals[i]};
        }
    ws *w;
    int rc = cli_open(c, 0, &w);
    if (rc)
        return rc;
    list_ctx l = {.c = c, .k = k, .json = json != NULL, .only_problems = problems != NULL};
    store_today(l.today);
    isms_err err = {0};
    if (json) {
        jw_init_file(&l.j, stdout, 0);
        jw_arr(&l.j);
    } else {
        printf("%6s ", "ID");
        for (const list_col *col = cols_of(k); col->field; col++)
            printf(" %-*s", col->width, col->head);
        printf(" PROBLEMS\n");
    }
    rc = store_reg_each(w, k, filters, nf, q, 0, list_one, &l, &err);
    ws_close(w);
    if (rc)
        return cli_fail(&err);
    if (json) {
        jw_arr_end(&l.j);
        jw_end(&l.j);
    } else if (!l.n) {
        printf(problems ? "(no problems)\n" : "(none yet: isms %s add ...)\n", K->entity);
    }
    return problems && l.with_problems ? EXIT_PROBLEMS : EXIT_OK;
}

typedef struct kids_ctx {
    jw *j;
    int k;
    long n;
} kids_ctx;

static int kid_one(const reg_rec *r, void *p)
{
    kids_ctx *kc = p;
    kc->n++;
    if (kc->j) {
        reg_json(kc->j, kc->k, r, NULL, NULL);
        return 0;
    }
    printf("    %6lld ", (long long)r->id);
    for (int i = 0; i < reg_kinds[kc->k].nfields; i++)
        printf(" %s", r->v[i] ? r->v[i] : "-");
    printf("\n");
    return 0;
}

static int reg_show(cli_ctx *c, int k)
{
    const reg_kind *K = &reg_kinds[k];
    const char *json = NULL, *pos[1];
    int np = 0;
    cli_opt opts[] = {{"json", 0, &json}, {NULL, 0, NULL}};
    if (cli_parse(c, opts, pos, 1, &np) || need_one(c, np, k))
        return EXIT_USAGE;
    ws *w;
    int rc = cli_open(c, 0, &w);
    if (rc)
        return rc;
    isms_err err = {0};
    reg_rec r;
    char today[11];
    store_today(today);
    if (store_reg_get(w, k, pos[0], c->a, &r, &err))
        return cli_abort(w, &err);
    kids_ctx kc = {.k = K->child};
    if (json) {
        jw j;
        /* the record's object, then its child records in the same object */
        buf b;
        buf_init(&b, 1 << 20);
        jw jb;
        jw_init_buf(&jb, &b);
        reg_json(&jb, k, &r, today, c->a);
        b.data[--b.len] = '\0';
        fputs(b.data, stdout);
        buf_free(&b);
        if (K->child >= 0) {
            printf(",\"%s\":", reg_kinds[K->child].path);
            jw_init_file(&j, stdout, 0);
            kc.j = &j;
            jw_arr(&j);
            rc = store_reg_each(w, K->child, NULL, 0, NULL, r.id, kid_one, &kc, &err);
            jw_arr_end(&j);
        }
        printf("}\n");
        ws_close(w);
        return rc ? cli_fail(&err) : EXIT_OK;
    }
    printf("%s %lld: %s\n", K->entity, (long long)r.id, r.v[K->label]);
    for (int i = 0; i < K->nfields; i++)
        if (i != K->label)
            printf("  %-30s %s\n", K->fields[i].label, r.v[i] ? r.v[i] : "-");
    if (k == REG_OBJECTIVE)
        printf("  %-30s %s (latest %s on %s)\n", "Track", reg_track_name(reg_objective_track(&r)),
               r.d[0] ? r.d[0] : "-", r.d[1] ? r.d[1] : "-");
    const char *probs[8];
    int n = reg_problems(k, &r, today, c->a, probs, 8);
    for (int i = 0; i < n; i++)
        printf("  ! %s\n", probs[i]);
    if (K->child >= 0) {
        printf("  %s:\n", reg_kinds[K->child].title);
        rc = store_reg_each(w, K->child, NULL, 0, NULL, r.id, kid_one, &kc, &err);
        if (!kc.n)
            printf("    (none)\n");
    }
    ws_close(w);
    return rc ? cli_fail(&err) : EXIT_OK;
}

/* Load the record named by the one positional argument, let `change` adjust it, save it. */
static int reg_change(cli_ctx *c, int k, const cli_opt *extra, int (*change)(cli_ctx *, reg_rec *, void *), void *ctx)
{
    const char *vals[REG_MAXF] = {0}, *pos[1];
    int np = 0;
    if (cli_parse(c, field_opts(c, k, vals, extra), pos, 1, &np) || need_one(c, np, k))
        return EXIT_USAGE;
    ws *w;
    int rc = cli_open(c, 0, &w);
    if (rc)
        return rc;
    isms_err err = {0};
    reg_rec r;
    if (ws_begin(w, &err) || store_reg_get(w, k, pos[0], c->a, &r, &err))
        return cli_abort(w, &err);
    apply_vals(k, &r, vals);
    if (change && (rc = change(c, &r, ctx))) {
        ws_rollback(w);
        ws_close(w);
        return rc;
    }
    if (store_reg_update(w, k, &r, &err))
        return cli_abort(w, &err);
    return cli_finish(w, &err);
}

static int reg_remove(cli_ctx *c, int k)
{
    const char *pos[1];
    int np = 0;
    if (cli_parse(c, NULL, pos, 1, &np) || need_one(c, np, k))
        return EXIT_USAGE;
    ws *w;
    int rc = cli_open(c, 0, &w);
    if (rc)
        return rc;
    isms_err err = {0};
    reg_rec r;
    if (ws_begin(w, &err) || store_reg_get(w, k, pos[0], c->a, &r, &err) || store_reg_delete(w, k, r.id, &err))
        return cli_abort(w, &err);
    return cli_finish(w, &err);
}

/* Add a child record (training, event, measurement) to the parent named by the positional argument. */
static int reg_add_child(cli_ctx *c, int k)
{
    int ck = reg_kinds[k].child;
    const char *vals[REG_MAXF] = {0}, *pos[1];
    int np = 0;
    if (cli_parse(c, field_opts(c, ck, vals, NULL), pos, 1, &np) || need_one(c, np, k))
        return EXIT_USAGE;
    reg_rec r = {0};
    apply_vals(ck, &r, vals);
    reg_normalize(ck, &r, c->a);
    reg_defaults(ck, &r);
    isms_err err = {0};
    if (reg_validate(ck, &r, &err))
        return cli_fail(&err);
    ws *w;
    int rc = cli_open(c, 0, &w);
    if (rc)
        return rc;
    reg_rec parent;
    if (ws_begin(w, &err) || store_reg_get(w, k, pos[0], c->a, &parent, &err))
        return cli_abort(w, &err);
    r.parent_id = parent.id;
    if (store_reg_insert(w, ck, &r, &err))
        return cli_abort(w, &err);
    if ((rc = cli_finish(w, &err)))
        return rc;
    printf("%lld\n", (long long)r.id);
    return EXIT_OK;
}

/* --- people --- */

static int person_add(cli_ctx *c) { return reg_add(c, REG_PERSON); }
static int person_list(cli_ctx *c) { return reg_list(c, REG_PERSON); }
static int person_show(cli_ctx *c) { return reg_show(c, REG_PERSON); }
static int person_update(cli_ctx *c) { return reg_change(c, REG_PERSON, NULL, NULL, NULL); }
static int person_remove(cli_ctx *c) { return reg_remove(c, REG_PERSON); }
static int person_train(cli_ctx *c) { return reg_add_child(c, REG_PERSON); }

static int leave_check(cli_ctx *c, reg_rec *r, void *ctx)
{
    (void)ctx;
    if (!reg_get(REG_PERSON, r, "end_date"))
        return cli_usage_error(c, "give --end-date YYYY-MM-DD, the last working day");
    return 0;
}

static int person_leave(cli_ctx *c) { return reg_change(c, REG_PERSON, NULL, leave_check, NULL); }

const cli_cmd cmds_person[] = {
    {"add", person_add,
     "--name N --email E [--title T] [--department D] [--start-date D] [--screening-completed D] "
     "[--terms-signed D]",
     "Add a person (employee or contractor). Dates are YYYY-MM-DD. Prints the new id."},
    {"list", person_list, "[--json] [--problems] [--q TEXT]",
     "List people with their latest training. With --problems only those an auditor would flag (no\n"
     "screening, no signed terms/NDA, no security awareness training in 12 months, leaver's access\n"
     "removal missing or late), each problem named; exit 1 when there is any."},
    {"show", person_show, "ID|EMAIL [--json]", "Show a person, their problems and training records."},
    {"update", person_update, "ID|EMAIL [--name N] [--email E] [--department D] [--end-date D] ...",
     "Change the given fields; an empty value clears a field."},
    {"remove", person_remove, "ID|EMAIL", "Delete a person and their training records."},
    {"train", person_train, "ID|EMAIL --course C --completed D [--expires D]", "Record a completed training."},
    {"leave", person_leave, "ID|EMAIL --end-date D [--access-removed D]",
     "Record a leaver: the last day, and when their access was removed (A.6.5)."},
    {NULL, NULL, NULL, NULL},
};

/* --- suppliers --- */

static int supplier_add(cli_ctx *c) { return reg_add(c, REG_SUPPLIER); }
static int supplier_list(cli_ctx *c) { return reg_list(c, REG_SUPPLIER); }
static int supplier_show(cli_ctx *c) { return reg_show(c, REG_SUPPLIER); }
static int supplier_update(cli_ctx *c) { return reg_change(c, REG_SUPPLIER, NULL, NULL, NULL); }
static int supplier_remove(cli_ctx *c) { return reg_remove(c, REG_SUPPLIER); }

typedef struct review_opts {
    const char *on, *next;
} review_opts;

static int review_apply(cli_ctx *c, reg_rec *r, void *ctx)
{
    review_opts *o = ctx;
    char today[11];
    store_today(today);
    const char *on = o->on ? o->on : arena_strdup(c->a, today);
    reg_set(REG_SUPPLIER, r, "last_review", on);
    if (o->next) {
        reg_set(REG_SUPPLIER, r, "next_review", o->next);
    } else if (reg_date_valid(on)) { /* a yearly review unless told otherwise */
        char next[11];
        reg_date_minus_months(on, -12, next);
        reg_set(REG_SUPPLIER, r, "next_review", arena_strdup(c->a, next));
    }
    return 0;
}

static int supplier_review(cli_ctx *c)
{
    review_opts o = {0};
    cli_opt extra[] = {{"on", 1, &o.on}, {"next", 1, &o.next}, {NULL, 0, NULL}};
    return reg_change(c, REG_SUPPLIER, extra, review_apply, &o);
}

const cli_cmd cmds_supplier[] = {
    {"add", supplier_add,
     "--name N --owner O --risk-rating low|medium|high|critical [--service S] "
     "[--data-access none|internal|confidential|restricted] [--criticality L] [--security-clauses yes|no] "
     "[--certifications \"ISO 27001, SOC 2\"] [--last-review D] [--next-review D]",
     "Add a supplier. Prints the new id."},
    {"list", supplier_list, "[--json] [--problems] [--risk-rating R] [--q TEXT]",
     "List suppliers. With --problems only those an auditor would flag (review overdue, never\n"
     "reviewed, high or critical risk without security clauses); exit 1 when there is any."},
    {"show", supplier_show, "ID|NAME [--json]", "Show a supplier and its problems."},
    {"update", supplier_update, "ID|NAME [--owner O] [--security-clauses yes|no] ...",
     "Change the given fields; an empty value clears a field."},
    {"review", supplier_review, "ID|NAME [--on D] [--next D]",
     "Record a supplier review on D (default today); the next one is due on --next or a year later."},
    {"remove", supplier_remove, "ID|NAME", "Delete a supplier."},
    {NULL, NULL, NULL, NULL},
};

/* --- incidents --- */

static int incident_add(cli_ctx *c) { return reg_add(c, REG_INCIDENT); }
static int incident_list(cli_ctx *c) { return reg_list(c, REG_INCIDENT); }
static int incident_show(cli_ctx *c) { return reg_show(c, REG_INCIDENT); }
static int incident_update(cli_ctx *c) { return reg_change(c, REG_INCIDENT, NULL, NULL, NULL); }
static int incident_event(cli_ctx *c) { return reg_add_child(c, REG_INCIDENT); }
static int incident_remove(cli_ctx *c) { return reg_remove(c, REG_INCIDENT); }

static int close_apply(cli_ctx *c, reg_rec *r, void *ctx)
{
    (void)ctx;
    reg_set(REG_INCIDENT, r, "status", "closed");
    if (!reg_get(REG_INCIDENT, r, "resolved_at")) {
        char now[32];
        store_now(now);
        reg_set(REG_INCIDENT, r, "resolved_at", arena_strdup(c->a, now));
    }
    return 0;
}

static int incident_close(cli_ctx *c) { return reg_change(c, REG_INCIDENT, NULL, close_apply, NULL); }

const cli_cmd cmds_incident[] = {
    {"add", incident_add,
     "--title T --severity low|medium|high|critical --detected-at T [--reported-by P] [--reported-at T] "
     "[--description D] [--affected-assets A] [--controls A.5.24,...] [--personal-data-breach yes|no]",
     "Record an incident (status open). Times are YYYY-MM-DD or YYYY-MM-DDTHH:MM. Prints the new id."},
    {"list", incident_list, "[--json] [--problems] [--status S] [--severity S] [--q TEXT]",
     "List incidents. With --problems only those an auditor would flag (open past the target for\n"
     "its severity: critical 3 days, high 7, medium 30, low 90; closed without lessons learned;\n"
     "personal data breach without notification); exit 1 when there is any."},
    {"show", incident_show, "ID [--json]", "Show an incident with its timeline."},
    {"update", incident_update, "ID [--status contained --contained-at T] [--root-cause R] ...",
     "Change the given fields; an empty value clears a field."},
    {"event", incident_event, "ID --at T --note TEXT", "Add an event to the incident's timeline."},
    {"close", incident_close, "ID --lessons-learned TEXT [--root-cause R] [--resolved-at T]",
     "Close an incident; lessons learned are required (A.5.27)."},
    {"remove", incident_remove, "ID", "Delete an incident and its timeline."},
    {NULL, NULL, NULL, NULL},
};

/* --- objectives --- */

static int objective_add(cli_ctx *c) { return reg_add(c, REG_OBJECTIVE); }
static int objective_list(cli_ctx *c) { return reg_list(c, REG_OBJECTIVE); }
static int objective_show(cli_ctx *c) { return reg_show(c, REG_OBJECTIVE); }
static int objective_update(cli_ctx *c) { return reg_change(c, REG_OBJECTIVE, NULL, NULL, NULL); }
static int objective_measure(cli_ctx *c) { return reg_add_child(c, REG_OBJECTIVE); }
static int objective_remove(cli_ctx *c) { return reg_remove(c, REG_OBJECTIVE); }

const cli_cmd cmds_objective[] = {
    {"add", objective_add,
     "--objective TEXT --measure HOW --target N [--unit U] [--direction at_least|at_most] --owner O "
     "[--due-date D] [--status planned|active|achieved|abandoned]",
     "Add an information security objective (clause 6.2). Prints the new id."},
    {"list", objective_list, "[--json] [--problems] [--status S] [--q TEXT]",
     "List objectives with their latest measurement: on track, off track or not measured. With\n"
     "--problems only off-track, never measured or overdue ones; exit 1 when there is any."},
    {"show", objective_show, "ID [--json]", "Show an objective with its measurement history."},
    {"update", objective_update, "ID [--target N] [--status achieved] ...",
     "Change the given fields; an empty value clears a field."},
    {"measure", objective_measure, "ID --date D --value N [--note TEXT]", "Record a measurement."},
    {"remove", objective_remove, "ID", "Delete an objective and its measurements."},
    {NULL, NULL, NULL, NULL},
};
