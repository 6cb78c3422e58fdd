/* Use cases that read the ISMS as a whole: gap analysis, Stage 1 readiness, the catalog and its
 * guidance, evidence, automated checks and questions to the guidance. */
#include <string.h>

#include "app/internal.h"
#include "collect/check_run.h"
#include "core/ask.h"
#include "core/catalog.h"
#include "report/cycle_json.h"
#include "report/json.h"
#include "store/kb.h"


static int gap(app *p, const void *in, jw *j, isms_err *err)
{
    soa_entry *e = arena_alloc(&p->a, CATALOG_NCONTROLS * sizeof *e);
    gap_facts *f = arena_alloc(&p->a, sizeof *f);
    org o;
    if (!e || !f)
        return err_set(err, ISMS_ENOMEM, "out of memory");
    int rc = store_org_get(p->w, &p->a, &o, err);
    if (!rc)
        rc = store_soa_load(p->w, &p->a, e, err);
    if (!rc)
        rc = store_gap_facts(p->w, &p->a, e, f, err);
    if (rc)
        return rc;
    gap_report r;
    gap_analyze(e, CATALOG_NCONTROLS, f, &p->a, &r);
    json_gap(j, o.name, &r);
    return ISMS_OK;
}

static int readiness(app *p, const void *in, jw *j, isms_err *err)
{
    readiness_facts f;
    gap_facts *g = arena_alloc(&p->a, sizeof *g);
    if (!g)
        return err_set(err, ISMS_ENOMEM, "out of memory");
    int rc = store_readiness_facts(p->w, &p->a, &f, g, err);
    if (rc)
        return rc;
    readiness_item *it;
    size_t blockers, n = readiness_evaluate(&f, &p->a, &it, &blockers);
    json_readiness(j, it, n, blockers, f.r);
    return ISMS_OK;
}

/* --- the catalog --- */

typedef struct control_list_in {
    const char *theme;
} control_list_in;
static const app_field control_list_fields[] = {
    AFIELD_ENUM(control_list_in, theme, 0, catalog_theme_names, "only the controls of this theme"),
    AFIELD_END,
};

static int control_list(app *p, const void *vin, jw *j, isms_err *err)
{
    const char *theme = ((const control_list_in *)vin)->theme;
    size_t n, nc;
    const catalog_control *c = catalog_controls(&n);
    const catalog_clause *cl = catalog_clauses(&nc);
    jw_obj(j);
    jw_key(j, "controls");
    jw_arr(j);
    for (size_t i = 0; i < n; i++)
        if (!theme || !strcmp(theme, c[i].theme))
            json_control_brief(j, &c[i]);
    jw_arr_end(j);
    jw_key(j, "clauses");
    jw_arr(j);
    for (size_t i = 0; !theme && i < nc; i++)
        json_clause_brief(j, &cl[i]);
    jw_arr_end(j);
    jw_obj_end(j);
    return ISMS_OK;
}

typedef struct control_get_in {
    const char *id;
} control_get_in;
static const app_field control_get_fields[] = {
    AFIELD(control_get_in, id, AF_STR, 1,
           "an Annex A control (A.5.23), a clause (6.1.2), or a 2013 control id (A.9.4.2) to map to 2022"),
    AFIELD_END,
};

static int control_get(app *p, const void *vin, jw *j, isms_err *err)
{
    const catalog_control *ctl;
    const catalog_clause *cl;
    const char *mapped[4];
    size_t nm;
    int rc = catalog_resolve(((const control_get_in *)vin)->id, &ctl, &cl, mapped, 4, &nm, err);
    if (rc)
        return err_at(err, "id");
    if (nm > 1) {
        /* a 2013 id split into several 2022 controls: name them, the caller picks one */
        jw_obj(j);
        jw_kstr(j, "id_2013", ((const control_get_in *)vin)->id);
        jw_key(j, "maps_to");
        jw_arr(j);
        for (size_t i = 0; i < nm; i++)
            jw_str(j, mapped[i]);
        jw_arr_end(j);
        jw_obj_end(j);
        return ISMS_OK;
    }
    json_catalog_entry(j, ctl, cl);
    return ISMS_OK;
}

/* --- evidence and checks --- */

typedef struct evidence_list_in {
    const char *control;
} evidence_list_in;
static const app_field evidence_list_fields[] = {
    AFIELD(evidence_list_in, control, AF_STR, 0, "only the evidence of this Annex A control, such as A.8.5"),
    AFIELD_END,
};

typedef struct ev_out {
    jw *j;
    const char *today;
    long n;
} ev_out;

static int evidence_row(const evidence *e, void *ctx)
{
    ev_out *o = ctx;
    json_evidence(o->j, e, o->today);
    o->n++;
    return 0;
}

static int evidence_list(app *p, const void *vin, jw *j, isms_err *err)
{
    const char *id = ((const evidence_list_in *)vin)->control;
    const catalog_control *ctl = id ? catalog_control_find(id) : NULL;
    if (id && !ctl)
        return err_field(err, ISMS_ENOTFOUND, "control", "'%.40s' is not an Annex A control of ISO/IEC 27001:2022", id);
    ev_out o = {j, app_today(p), 0};
    app_items_begin(j);
    int rc = store_evidence_each(p->w, ctl ? ctl->id : NULL, evidence_row, &o, err);
    app_items_end(j, o.n);
    return rc;
}

static int check_list(app *p, const void *in, jw *j, isms_err *err)
{
    check_run *runs;
    size_t n;
    int rc = store_check_latest(p->w, &p->a, &runs, &n, err);
    if (rc)
        return rc;
    app_items_begin(j);
    for (size_t i = 0; i < n; i++)
        check_run_json(j, &runs[i]);
    app_items_end(j, (int64_t)n);
    return ISMS_OK;
}

/* --- questions --- */

typedef struct ask_in {
    const char *question;
    app_int limit;
} ask_in;
static const app_field ask_fields[] = {
    AFIELD(ask_in, question, AF_STR, 1,
           "a question in plain words, such as 'what evidence do I need for A.5.23?' or 'how do I run a management review'"),
    AFIELD_INT(ask_in, limit, 0, 1, ASK_MAX_PASSAGES, "at most this many passages (5 when left out)"),
    AFIELD_END,
};

static int ask(app *p, const void *vin, jw *j, isms_err *err)
{
    const ask_in *in = vin;
    char *clean = arena_alloc(&p->a, ASK_MAX_QUESTION + 1);
    ask_result *r = arena_alloc(&p->a, sizeof *r);
    if (!clean || !r)
        return err_set(err, ISMS_ENOMEM, "out of memory");
    int rc = ask_question_clean(in->question, clean, err);
    if (rc)
        return err_at(err, "question");
    kb *k;
    if ((rc = kb_open(&k, err)))
        return rc;
    rc = kb_ask(k, clean, in->limit.given ? (size_t)in->limit.v : 5, &p->a, r, err);
    kb_close(k); /* passages point into the catalog, not into the index */
    if (rc)
        return rc;
    jw_obj(j);
    json_ask_members(j, in->question, r, NULL, NULL);
    jw_obj_end(j);
    return ISMS_OK;
}

const app_usecase app_uc_read[] = {
    {"gap", "Gap analysis",
     "What each Annex A control and each clause 4-10 still lacks (a decision, an implementation, an owner, "
     "evidence, a linked risk or reason), readiness per theme and overall. Start here to see what to work on.",
     APP_READ, app_no_fields, sizeof(app_none_in), gap},
    {"readiness", "Stage 1 readiness",
     "Whether the ISMS is ready for the Stage 1 certification audit: the mandatory documented information of ISO/IEC "
     "27001:2022 and every blocker, with the same verdict as the gap analysis.",
     APP_READ, app_no_fields, sizeof(app_none_in), readiness},
    {"control_list", "List the Annex A controls and clauses",
     "The 93 Annex A controls of ISO/IEC 27001:2022 (id, theme, title) and the clauses 4-10.", APP_READ,
     control_list_fields, sizeof(control_list_in), control_list},
    {"control_get", "Guidance for a control or clause",
     "The built-in guidance for one Annex A control or clause: its purpose, how to implement it, the evidence an "
     "auditor accepts and common audit findings. A 2013 id is mapped to 2022.",
     APP_READ, control_get_fields, sizeof(control_get_in), control_get},
    {"evidence_list", "List evidence",
     "The evidence on file, for one control or all: what each item shows, its controls, who collected it, when, and "
     "whether it is still fresh.",
     APP_READ, evidence_list_fields, sizeof(evidence_list_in), evidence_list},
    {"check_list", "Latest automated checks",
     "The latest run of each automated check (AWS, GitHub, Google Workspace, this host): pass or fail, what was "
     "found and the controls it supports.",
     APP_READ, app_no_fields, sizeof(app_none_in), check_list},
    {"ask", "Ask the guidance",
     "Answer a question about ISO/IEC 27001:2022 from the built-in guidance: which control or clause, what to "
     "implement, which evidence an auditor accepts, common findings. Answers ranked passages with their ids.",
     APP_READ, ask_fields, sizeof(ask_in), ask},
    {NULL, NULL, NULL, 0, NULL, 0, NULL},
};
