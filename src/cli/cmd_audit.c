/* isms audit, isms action: the internal audit programme and plans, checklists, findings (9.2),
 * corrective actions and their effectiveness checks (10.2). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/cycle.h"
#include "report/json.h"
#include "util/json.h"

static int parse_id(cli_ctx *c, const char *what, const char *s, int64_t *out)
{
    long v;
    if (cli_int(c, what, s, 1, 0x7fffffffL, &v))
        return EXIT_USAGE;
    *out = v;
    return 0;
}

/* The programme's cycle starts at the certificate's issue; before certification, at the first
 * internal audit (or today): year y is [start + y-1 years, start + y years). */
static const char *cycle_start(ws *w, arena *a, isms_err *err)
{
    cert_rec cr;
    int found;
    if (store_cert_get(w, a, &cr, &found, err))
        return NULL;
    if (cr.issued_on)
        return cr.issued_on;
    audit_rec *au;
    size_t n;
    if (store_audit_list(w, a, &au, &n, err))
        return NULL;
    char *t = arena_alloc(a, 11);
    store_today(t);
    return n && strcmp(au[0].start_date, t) < 0 ? au[0].start_date : t;
}

static int cycle_year(const char *start, const char *date)
{
    for (int y = 1; y <= 3; y++) {
        char end[11];
        if (cycle_date_add(start, y, 0, 0, end))
            return 0;
        if (strcmp(date, start) >= 0 && strcmp(date, end) < 0)
            return y;
    }
    return 0;
}

static int audit_programme(cli_ctx *c)
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
    int applicable[CATALOG_NCONTROLS], high[CATALOG_NCONTROLS];
    audit_rec *au;
    size_t na;
    const char *start;
    if (store_audit_programme_inputs(w, applicable, high, &err) || store_audit_list(w, c->a, &au, &na, &err) ||
        !(start = cycle_start(w, c->a, &err)))
        return cli_abort(w, &err);
    ws_close(w);
    programme_item *it;
    size_t n;
    cycle_programme(applicable, high, c->a, &it, &n);
    for (size_t i = 0; i < na; i++) {
        if (strcmp(au[i].status, "completed"))
            continue;
        int y = cycle_year(start, au[i].start_date);
        if (!y)
            continue;
        char ref[32];
        for (const char *p = au[i].scope; cycle_list_next(&p, ref, sizeof ref);)
            for (size_t k = 0; k < n; k++)
                if (!strcmp(it[k].ref, ref))
                    it[k].covered |= 1 << (y - 1);
    }
    size_t planned[3] = {0}, covered[3] = {0}, everywhere = 0;
    for (size_t k = 0; k < n; k++) {
        for (int y = 0; y < 3; y++) {
            planned[y] += (it[k].years >> y) & 1;
            covered[y] += ((it[k].years & it[k].covered) >> y) & 1;
        }
        everywhere += it[k].covered != 0;
    }
    if (json) {
        jw j;
        jw_init_file(&j, stdout, 1);
        jw_obj(&j);
        jw_kstr(&j, "cycle_start", start);
        jw_kint(&j, "items", (int64_t)n);
        jw_kint(&j, "items_audited", (int64_t)everywhere);
        jw_key(&j, "years");
        jw_arr(&j);
        for (int y = 0; y < 3; y++) {
            char from[11];
            cycle_date_add(start, y, 0, 0, from);
            jw_obj(&j);
            jw_kint(&j, "year", y + 1);
            jw_kstr(&j, "from", from);
            jw_kint(&j, "planned", (int64_t)planned[y]);
            jw_kint(&j, "audited", (int64_t)covered[y]);
            jw_key(&j, "items");
            jw_arr(&j);
            for (size_t k = 0; k < n; k++) {
                if (!((it[k].years >> y) & 1))
                    continue;
                jw_obj(&j);
                jw_kstr(&j, "ref", it[k].ref);
                jw_kstr(&j, "title", it[k].title);
                jw_kbool(&j, "high_risk", it[k].high_risk);
                jw_kbool(&j, "audited", (it[k].covered >> y) & 1);
                jw_obj_end(&j);
            }
            jw_arr_end(&j);
            jw_obj_end(&j);
        }
        jw_arr_end(&j);
        jw_obj_end(&j);
        jw_end(&j);
        return EXIT_OK;
    }
    printf("Internal audit programme (9.2.2), three-year cycle from %s\n", start);
    printf("Every clause 4-10 each year; controls treating risks above appetite each year (*);\n"
           "every other applicable control once in the cycle.\n");
    for (int y = 0; y < 3; y++) {
        char from[11];
        cycle_date_add(start, y, 0, 0, from);
        printf("\nYear %d (from %s): %zu item(s), %zu audited\n", y + 1, from, planned[y], covered[y]);
        int col = 0;
        for (size_t k = 0; k < n; k++) {
            if (!((it[k].years >> y) & 1))
                continue;
            col += printf("  %s%s%s", (it[k].covered >> y) & 1 ? "[x]" : "[ ]", it[k].ref, it[k].high_risk ? "*" : "");
            if (col > 90) {
                printf("\n");
                col = 0;
            }
        }
        if (col)
            printf("\n");
    }
    printf("\n%zu of %zu item(s) audited so far in this cycle.\n", everywhere, n);
    return EXIT_OK;
}

static int audit_plan(cli_ctx *c)
{
    audit_rec x = {0};
    const char *year = NULL;
    cli_opt opts[] = {{"title", 1, &x.title},     {"scope", 1, &x.scope},   {"year", 1, &year},
                      {"criteria", 1, &x.criteria}, {"auditor", 1, &x.auditor}, {"start", 1, &x.start_date},
                      {"end", 1, &x.end_date},     {NULL, 0, NULL}};
    if (cli_parse(c, opts, NULL, 0, NULL))
        return EXIT_USAGE;
    if (!x.scope == !year)
        return cli_usage_error(c, "give the scope: --scope \"4-10,A.5.15,...\" or --year 1|2|3 (the programme's year)");
    if (!x.criteria)
        x.criteria = "ISO/IEC 27001:2022 clauses 4-10, the Statement of Applicability and the ISMS policies";
    if (!x.end_date)
        x.end_date = x.start_date;
    if (!x.title && !year)
        x.title = "Internal audit";
    ws *w;
    int rc = cli_open(c, 0, &w);
    if (rc)
        return rc;
    isms_err err = {0};
    if (year) {
        long y;
        if (cli_int(c, "--year", year, 1, 3, &y)) {
            ws_close(w);
            return EXIT_USAGE;
        }
        int applicable[CATALOG_NCONTROLS], high[CATALOG_NCONTROLS];
        if (store_audit_programme_inputs(w, applicable, high, &err))
            return cli_abort(w, &err);
        programme_item *it;
        size_t n;
        cycle_programme(applicable, high, c->a, &it, &n);
        size_t len = 1;
        for (size_t k = 0; k < n; k++)
            len += strlen(it[k].ref) + 1;
        char *s = arena_alloc(c->a, len);
        s[0] = '\0';
        for (size_t k = 0; k < n; k++)
            if ((it[k].years >> (y - 1)) & 1) {
                if (*s)
                    strcat(s, ",");
                strcat(s, it[k].ref);
            }
        x.scope = s;
        if (!x.title)
            x.title = arena_sprintf(c->a, "Internal audit, programme year %ld", y);
    }
    if (ws_begin(w, &err) || store_audit_plan(w, &x, c->a, &err))
        return cli_abort(w, &err);
    if ((rc = cli_finish(w, &err)))
        return rc;
    printf("Planned internal audit %lld: %s, %s to %s, auditor %s\n", (long long)x.id, x.title, x.start_date,
           x.end_date, x.auditor);
    return EXIT_OK;
}

static void json_audit(jw *j, const audit_rec *x)
{
    jw_obj(j);
    jw_kint(j, "id", x->id);
    jw_kstr(j, "title", x->title);
    jw_kstr(j, "status", x->status);
    jw_kstr(j, "auditor", x->auditor);
    jw_kstr(j, "start_date", x->start_date);
    jw_kstr(j, "end_date", x->end_date);
    jw_kstr(j, "completed_on", x->completed_on);
    jw_kstr(j, "criteria", x->criteria);
    jw_kstr(j, "summary", x->summary);
    jw_key(j, "scope");
    json_id_list(j, x->scope);
    jw_kint(j, "findings", x->findings);
    jw_obj_end(j);
}

static int audit_list(cli_ctx *c)
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
    audit_rec *au;
    size_t n;
    if (store_audit_list(w, c->a, &au, &n, &err))
        return cli_abort(w, &err);
    ws_close(w);
    if (json) {
        jw j;
        jw_init_file(&j, stdout, 1);
        jw_arr(&j);
        for (size_t i = 0; i < n; i++)
            json_audit(&j, &au[i]);
        jw_arr_end(&j);
        jw_end(&j);
        return EXIT_OK;
    }
    if (!n)
        printf("No internal audits yet (isms audit plan --year 1 --auditor NAME --start DATE).\n");
    for (size_t i = 0; i < n; i++)
        printf("%4lld  %-9s %s..%s  %-20s %ld finding(s)  %s\n", (long long)au[i].id, au[i].status, au[i].start_date,
               au[i].end_date, cli_cut(c, au[i].auditor, 20), au[i].findings, au[i].title);
    return EXIT_OK;
}

static void print_list(const char *label, const char *items)
{
    if (!items || !*items)
        return;
    printf("    %s\n", label);
    for (const char *p = items; *p;) {
        const char *e = strstr(p, " | ");
        size_t l = e ? (size_t)(e - p) : strlen(p);
        printf("      - %.*s\n", (int)l, p);
        p += l + (e ? 3 : 0);
    }
}

typedef struct ev_ctx {
    jw *j;
    int n;
} ev_ctx;

static int ev_cb(const evidence *e, void *ctx)
{
    ev_ctx *x = ctx;
    x->n++;
    if (x->j) {
        jw_obj(x->j);
        jw_kint(x->j, "id", e->id);
        jw_kstr(x->j, "file", e->filename);
        jw_kstr(x->j, "kind", e->kind);
        jw_kstr(x->j, "collected_at", e->collected_at);
        jw_kstr(x->j, "valid_until", e->valid_until);
        jw_kstr(x->j, "sha256", e->sha256);
        jw_obj_end(x->j);
    } else
        printf("      - evidence %lld: %s (%s, collected %.10s, valid until %s, sha256 %.12s)\n", (long long)e->id,
               e->filename, e->kind, e->collected_at, e->valid_until, e->sha256);
    return x->n >= 10;
}

static int audit_checklist(cli_ctx *c)
{
    const char *pos[1] = {0}, *json = NULL;
    int np = 0;
    cli_opt opts[] = {{"json", 0, &json}, {NULL, 0, NULL}};
    if (cli_parse(c, opts, pos, 1, &np))
        return EXIT_USAGE;
    int64_t id;
    if (np != 1)
        return cli_usage_error(c, "expected `checklist AUDIT_ID`");
    if (parse_id(c, "audit id", pos[0], &id))
        return EXIT_USAGE;
    ws *w;
    int rc = cli_open(c, 0, &w);
    if (rc)
        return rc;
    isms_err err = {0};
    audit_rec x;
    soa_entry *soa = arena_alloc(c->a, CATALOG_NCONTROLS * sizeof *soa);
    if (store_audit_get(w, id, c->a, &x, &err) || store_soa_load(w, c->a, soa, &err))
        return cli_abort(w, &err);
    jw j;
    if (json) {
        jw_init_file(&j, stdout, 1);
        jw_obj(&j);
        jw_kint(&j, "audit", x.id);
        jw_kstr(&j, "title", x.title);
        jw_key(&j, "items");
        jw_arr(&j);
    } else
        printf("Checklist for internal audit %lld: %s\nAuditor %s, %s to %s\nCriteria: %s\n", (long long)x.id, x.title,
               x.auditor, x.start_date, x.end_date, x.criteria);
    char ref[32];
    for (const char *p = x.scope; cycle_list_next(&p, ref, sizeof ref);) {
        const catalog_clause *cl = catalog_clause_find(ref);
        const catalog_control *co = cl ? NULL : catalog_control_find(ref);
        if (!cl && !co)
            continue;
        const catalog_guidance *g = cl ? &cl->g : &co->g;
        const char *title = cl ? cl->title : co->title;
        const soa_entry *se = co ? &soa[catalog_control_index(co->id)] : NULL;
        const char *question =
            cl ? arena_sprintf(c->a, "How does the organization meet clause %s (%s), and which records show it?", ref,
                               title)
               : arena_sprintf(c->a, "Is %s (%s) implemented as the SoA states%s%s, and does it work in practice?", ref,
                               title, se && se->implementation ? ": " : "",
                               se && se->implementation ? cli_cut(c, se->implementation, 120) : "");
        if (json) {
            jw_obj(&j);
            jw_kstr(&j, "ref", ref);
            jw_kstr(&j, "title", title);
            jw_kstr(&j, "question", question);
            jw_kstr(&j, "purpose", g->purpose);
            jw_kstr(&j, "verify", g->implement);
            jw_kstr(&j, "evidence_to_sample", g->evidence);
            jw_kstr(&j, "common_findings", g->findings);
            if (se) {
                jw_kstr(&j, "soa_status", soa_status_name(se->status));
                jw_kstr(&j, "owner", se->owner);
                jw_key(&j, "evidence");
                jw_arr(&j);
                ev_ctx ec = {&j, 0};
                if (store_evidence_each(w, co->id, ev_cb, &ec, &err))
                    return cli_abort(w, &err);
                jw_arr_end(&j);
            }
            jw_obj_end(&j);
            continue;
        }
        printf("\n%s %s\n  Q: %s\n", ref, title, question);
        if (se)
            printf("    SoA: %s, owner %s\n", soa_status_name(se->status), se->owner ? se->owner : "-");
        print_list("Verify:", g->implement);
        print_list("Evidence to sample:", g->evidence);
        print_list("Common findings to probe:", g->findings);
        if (co) {
            printf("    Evidence on file:\n");
            ev_ctx ec = {NULL, 0};
            if (store_evidence_each(w, co->id, ev_cb, &ec, &err))
                return cli_abort(w, &err);
            if (!ec.n)
                printf("      (none)\n");
        }
    }
    ws_close(w);
    if (json) {
        jw_arr_end(&j);
        jw_obj_end(&j);
        jw_end(&j);
    }
    return EXIT_OK;
}

static int audit_show(cli_ctx *c)
{
    const char *pos[1] = {0}, *json = NULL;
    int np = 0;
    cli_opt opts[] = {{"json", 0, &json}, {NULL, 0, NULL}};
    if (cli_parse(c, opts, pos, 1, &np))
        return EXIT_USAGE;
    int64_t id;
    if (np != 1)
        return cli_usage_error(c, "expected `show AUDIT_ID`");
    if (parse_id(c, "audit id", pos[0], &id))
        return EXIT_USAGE;
    ws *w;
    int rc = cli_open(c, 0, &w);
    if (rc)
        return rc;
    isms_err err = {0};
    audit_rec x;
    finding_rec *f;
    size_t nf;
    if (store_audit_get(w, id, c->a, &x, &err) || store_finding_list(w, id, c->a, &f, &nf, &err))
        return cli_abort(w, &err);
    ws_close(w);
    if (json) {
        jw j;
        jw_init_file(&j, stdout, 1);
        jw_obj(&j);
        jw_key(&j, "audit");
        json_audit(&j, &x);
        jw_key(&j, "findings");
        jw_arr(&j);
        for (size_t i = 0; i < nf; i++) {
            jw_obj(&j);
            jw_kint(&j, "id", f[i].id);
            jw_kstr(&j, "type", f[i].type);
            jw_kstr(&j, "ref", f[i].ref);
            jw_kstr(&j, "description", f[i].description);
            jw_kstr(&j, "evidence", f[i].evidence);
            jw_kint(&j, "actions", f[i].actions);
            jw_kint(&j, "actions_closed", f[i].actions_closed);
            jw_obj_end(&j);
        }
        jw_arr_end(&j);
        jw_obj_end(&j);
        jw_end(&j);
        return EXIT_OK;
    }
    printf("Internal audit %lld: %s\n  status    %s%s%s\n  auditor   %s\n  dates     %s to %s\n  criteria  %s\n"
           "  scope     %s\n",
           (long long)x.id, x.title, x.status, x.completed_on ? " on " : "", x.completed_on ? x.completed_on : "",
           x.auditor, x.start_date, x.end_date, x.criteria, x.scope);
    if (x.summary)
        printf("  results   %s\n", x.summary);
    printf("\nFindings:\n");
    if (!nf)
        printf("  (none)\n");
    for (size_t i = 0; i < nf; i++)
        printf("  %4lld  %-28s %-8s %s%s\n", (long long)f[i].id, cycle_finding_type_label(f[i].type), f[i].ref,
               f[i].description,
               cycle_finding_is_nc(f[i].type) && !f[i].actions ? "  [needs a corrective action]" : "");
    return EXIT_OK;
}

static int audit_finding(cli_ctx *c)
{
    const char *pos[1] = {0};
    int np = 0;
    finding_rec f = {0};
    cli_opt opts[] = {{"type", 1, &f.type},
                      {"ref", 1, &f.ref},
                      {"description", 1, &f.description},
                      {"evidence", 1, &f.evidence},
                      {NULL, 0, NULL}};
    if (cli_parse(c, opts, pos, 1, &np))
        return EXIT_USAGE;
    if (np != 1 || !f.type || !f.ref || !f.description)
        return cli_usage_error(c, "expected `finding AUDIT_ID --type major|minor|observation|improvement --ref CLAUSE|CONTROL "
                                  "--description TEXT [--evidence TEXT]`");
    if (parse_id(c, "audit id", pos[0], &f.audit_id))
        return EXIT_USAGE;
    ws *w;
    int rc = cli_open(c, 0, &w);
    if (rc)
        return rc;
    isms_err err = {0};
    if (ws_begin(w, &err) || store_finding_add(w, &f, &err))
        return cli_abort(w, &err);
    if ((rc = cli_finish(w, &err)))
        return rc;
    printf("Recorded finding %lld (%s)%s\n", (long long)f.id, cycle_finding_type_label(f.type),
           cycle_finding_is_nc(f.type) ? arena_sprintf(c->a, ": add its corrective action with `isms action add --finding %lld`",
                                                       (long long)f.id)
                                       : "");
    return EXIT_OK;
}

static int audit_findings(cli_ctx *c)
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
    finding_rec *f;
    size_t n;
    if (store_finding_list(w, 0, c->a, &f, &n, &err))
        return cli_abort(w, &err);
    ws_close(w);
    if (json) {
        jw j;
        jw_init_file(&j, stdout, 1);
        jw_arr(&j);
        for (size_t i = 0; i < n; i++) {
            jw_obj(&j);
            jw_kint(&j, "id", f[i].id);
            jw_kint(&j, "audit", f[i].audit_id);
            jw_kstr(&j, "type", f[i].type);
            jw_kstr(&j, "ref", f[i].ref);
            jw_kstr(&j, "description", f[i].description);
            jw_kint(&j, "actions", f[i].actions);
            jw_kint(&j, "actions_closed", f[i].actions_closed);
            jw_obj_end(&j);
        }
        jw_arr_end(&j);
        jw_end(&j);
        return EXIT_OK;
    }
    if (!n)
        printf("No findings recorded.\n");
    for (size_t i = 0; i < n; i++)
        printf("%4lld  audit %-4lld %-28s %-8s %ld/%ld action(s) closed  %s\n", (long long)f[i].id,
               (long long)f[i].audit_id, cycle_finding_type_label(f[i].type), f[i].ref, f[i].actions_closed,
               f[i].actions, cli_cut(c, f[i].description, 60));
    return EXIT_OK;
}

static int audit_complete(cli_ctx *c)
{
    const char *pos[1] = {0}, *summary = NULL, *on = NULL;
    int np = 0;
    cli_opt opts[] = {{"summary", 1, &summary}, {"date", 1, &on}, {NULL, 0, NULL}};
    if (cli_parse(c, opts, pos, 1, &np))
        return EXIT_USAGE;
    int64_t id;
    if (np != 1 || !summary)
        return cli_usage_error(c, "expected `complete AUDIT_ID --summary TEXT [--date DATE]`");
    if (parse_id(c, "audit id", pos[0], &id))
        return EXIT_USAGE;
    char today[11];
    store_today(today);
    ws *w;
    int rc = cli_open(c, 0, &w);
    if (rc)
        return rc;
    isms_err err = {0};
    if (ws_begin(w, &err) || store_audit_complete(w, id, summary, on ? on : today, &err))
        return cli_abort(w, &err);
    return cli_finish(w, &err);
}

const cli_cmd cmds_audit[] = {
    {"programme", audit_programme, "[--json]",
     "The three-year internal audit programme: every clause 4-10 each year, controls that treat risks\n"
     "above appetite each year, every other applicable control once; and what completed audits covered."},
    {"plan", audit_plan, "--auditor NAME --start DATE [--end DATE] (--scope LIST | --year 1|2|3) [--title T] [--criteria T]",
     "Plan an internal audit. --scope takes clauses and controls (\"4-10\", \"annex-a\", \"9.2,A.5.15\");\n"
     "--year takes that year of the programme. Refused when the auditor owns a control in scope."},
    {"list", audit_list, "[--json]", "Internal audits with their status and number of findings."},
    {"show", audit_show, "ID [--json]", "An audit with its scope, results and findings."},
    {"checklist", audit_checklist, "ID [--json]",
     "The audit's checklist: per clause and control a question, what to verify, the evidence to\n"
     "sample, common findings, and the evidence on file."},
    {"finding", audit_finding, "AUDIT_ID --type major|minor|observation|improvement --ref ID --description T [--evidence T]",
     "Record a finding against a clause or control. Major and minor nonconformities need a corrective\n"
     "action (isms action add)."},
    {"findings", audit_findings, "[--json]", "Every finding with its corrective actions."},
    {"complete", audit_complete, "ID --summary TEXT [--date DATE]", "Record the audit as completed with its results."},
    {NULL, NULL, NULL, NULL},
};

static int action_add(cli_ctx *c)
{
    action_rec x = {0};
    const char *finding = NULL, *review = NULL;
    cli_opt opts[] = {{"finding", 1, &finding}, {"review", 1, &review},   {"root-cause", 1, &x.root_cause},
                      {"actions", 1, &x.description}, {"owner", 1, &x.owner}, {"due", 1, &x.due_date},
                      {NULL, 0, NULL}};
    if (cli_parse(c, opts, NULL, 0, NULL))
        return EXIT_USAGE;
    if (!finding == !review || !x.description || !x.owner || !x.due_date)
        return cli_usage_error(c, "expected `add --finding ID|--review ID --actions TEXT --owner NAME --due DATE "
                                  "[--root-cause TEXT]`");
    if ((finding && parse_id(c, "finding id", finding, &x.finding_id)) ||
        (review && parse_id(c, "review id", review, &x.review_id)))
        return EXIT_USAGE;
    ws *w;
    int rc = cli_open(c, 0, &w);
    if (rc)
        return rc;
    isms_err err = {0};
    if (ws_begin(w, &err) || store_action_add(w, &x, &err))
        return cli_abort(w, &err);
    if ((rc = cli_finish(w, &err)))
        return rc;
    printf("Added action %lld, due %s, owner %s\n", (long long)x.id, x.due_date, x.owner);
    return EXIT_OK;
}

static int action_list(cli_ctx *c)
{
    const char *json = NULL, *open_only = NULL;
    cli_opt opts[] = {{"json", 0, &json}, {"open", 0, &open_only}, {NULL, 0, NULL}};
    if (cli_parse(c, opts, NULL, 0, NULL))
        return EXIT_USAGE;
    ws *w;
    int rc = cli_open(c, 0, &w);
    if (rc)
        return rc;
    isms_err err = {0};
    action_rec *x;
    size_t n;
    if (store_action_list(w, open_only != NULL, c->a, &x, &n, &err))
        return cli_abort(w, &err);
    ws_close(w);
    char today[11];
    store_today(today);
    long overdue = 0;
    for (size_t i = 0; i < n; i++)
        overdue += !strcmp(x[i].status, "open") && strcmp(x[i].due_date, today) < 0;
    if (json) {
        jw j;
        jw_init_file(&j, stdout, 1);
        jw_arr(&j);
        for (size_t i = 0; i < n; i++) {
            jw_obj(&j);
            jw_kint(&j, "id", x[i].id);
            jw_kstr(&j, "source", x[i].finding_id ? "finding" : "review");
            if (x[i].finding_id) {
                jw_kint(&j, "finding", x[i].finding_id);
                jw_kstr(&j, "finding_type", x[i].finding_type);
                jw_kstr(&j, "ref", x[i].ref);
            } else
                jw_kint(&j, "review", x[i].review_id);
            jw_kstr(&j, "actions", x[i].description);
            jw_kstr(&j, "root_cause", x[i].root_cause);
            jw_kstr(&j, "owner", x[i].owner);
            jw_kstr(&j, "due_date", x[i].due_date);
            jw_kstr(&j, "status", x[i].status);
            jw_kbool(&j, "overdue", !strcmp(x[i].status, "open") && strcmp(x[i].due_date, today) < 0);
            jw_kstr(&j, "implemented_on", x[i].implemented_on);
            jw_kstr(&j, "effectiveness", x[i].effectiveness);
            jw_kstr(&j, "verified_by", x[i].verified_by);
            jw_kstr(&j, "closed_on", x[i].closed_on);
            jw_obj_end(&j);
        }
        jw_arr_end(&j);
        jw_end(&j);
        return overdue ? EXIT_PROBLEMS : EXIT_OK;
    }
    if (!n)
        printf("No actions.\n");
    for (size_t i = 0; i < n; i++) {
        int late = !strcmp(x[i].status, "open") && strcmp(x[i].due_date, today) < 0;
        printf("%4lld  %-11s due %s%s  %-16s %s  %s\n", (long long)x[i].id, x[i].status, x[i].due_date,
               late ? " OVERDUE" : "", cli_cut(c, x[i].owner, 16),
               x[i].finding_id ? arena_sprintf(c->a, "finding %lld (%s %s)", (long long)x[i].finding_id,
                                               x[i].finding_type, x[i].ref)
                               : arena_sprintf(c->a, "review %lld", (long long)x[i].review_id),
               cli_cut(c, x[i].description, 50));
    }
    if (overdue)
        printf("\n%ld action(s) overdue.\n", overdue);
    return overdue ? EXIT_PROBLEMS : EXIT_OK;
}

static int action_done(cli_ctx *c)
{
    const char *pos[1] = {0}, *on = NULL;
    int np = 0;
    cli_opt opts[] = {{"date", 1, &on}, {NULL, 0, NULL}};
    if (cli_parse(c, opts, pos, 1, &np))
        return EXIT_USAGE;
    int64_t id;
    if (np != 1)
        return cli_usage_error(c, "expected `done ACTION_ID [--date DATE]`");
    if (parse_id(c, "action id", pos[0], &id))
        return EXIT_USAGE;
    char today[11];
    store_today(today);
    ws *w;
    int rc = cli_open(c, 0, &w);
    if (rc)
        return rc;
    isms_err err = {0};
    if (ws_begin(w, &err) || store_action_implemented(w, id, on ? on : today, &err))
        return cli_abort(w, &err);
    return cli_finish(w, &err);
}

static int action_verify(cli_ctx *c)
{
    const char *pos[1] = {0}, *on = NULL, *effective = NULL, *note = NULL, *by = NULL;
    int np = 0;
    cli_opt opts[] = {{"effective", 1, &effective}, {"note", 1, &note}, {"by", 1, &by}, {"date", 1, &on},
                      {NULL, 0, NULL}};
    if (cli_parse(c, opts, pos, 1, &np))
        return EXIT_USAGE;
    int64_t id;
    if (np != 1 || !effective || !note || !by)
        return cli_usage_error(c, "expected `verify ACTION_ID --effective yes|no --note TEXT --by NAME [--date DATE]`");
    if (strcmp(effective, "yes") && strcmp(effective, "no"))
        return cli_usage_error(c, "--effective is yes or no, not '%s'", effective);
    if (parse_id(c, "action id", pos[0], &id))
        return EXIT_USAGE;
    char today[11];
    store_today(today);
    ws *w;
    int rc = cli_open(c, 0, &w);
    if (rc)
        return rc;
    isms_err err = {0};
    if (ws_begin(w, &err) || store_action_verify(w, id, !strcmp(effective, "yes"), note, by, on ? on : today, &err))
        return cli_abort(w, &err);
    return cli_finish(w, &err);
}

const cli_cmd cmds_action[] = {
    {"add", action_add, "--finding ID|--review ID --actions TEXT --owner NAME --due DATE [--root-cause TEXT]",
     "Add a corrective action for a finding (nonconformities need --root-cause, 10.2 b) or an action\n"
     "decided by a management review (9.3.3)."},
    {"list", action_list, "[--open] [--json]", "Actions by due date; exit 1 while any is overdue."},
    {"done", action_done, "ID [--date DATE]",
     "The owner reports the action implemented. Review actions close; corrective actions then need\n"
     "their effectiveness checked (isms action verify)."},
    {"verify", action_verify, "ID --effective yes|no --note TEXT --by NAME [--date DATE]",
     "Record the effectiveness check (10.2 d): yes closes the action, no sends it back to its owner."},
    {NULL, NULL, NULL, NULL},
};
