/* Use cases of the risk register: list and read, assess, reassess, treat, accept, delete. */
#include <string.h>

#include "app/internal.h"
#include "app/usecases.h"
#include "core/catalog.h"
#include "report/json.h"

/* --- shared --- */

/* A library id (T03 / V12) names the library's threat or vulnerability; anything else is taken
 * as written. */
static const char *expand_threat(const char *s)
{
    const catalog_threat *t = s ? catalog_threat_find(s) : NULL;
    return t ? t->name : s;
}

static const char *expand_vuln(const char *s)
{
    const catalog_vuln *v = s ? catalog_vuln_find(s) : NULL;
    return v ? v->name : s;
}

/* --- risks --- */

typedef struct page_out {
    jw *j;
    const risk_method *m;
    const char *today;
} page_out;

static int risk_row(const risk *r, void *ctx)
{
    page_out *po = ctx;
    json_risk(po->j, po->m, r, po->today);
    return 0;
}

typedef struct risk_list_in {
    const char *q, *owner;
    app_int limit, offset;
    const char *treatment;
} risk_list_in;
static const char *const treatments[] = {"untreated", "mitigate", "accept", "transfer", "avoid", NULL};
static const app_field risk_list_fields[] = {
    APP_PAGE_FIELDS(risk_list_in, "risk"),
    AFIELD_ENUM(risk_list_in, treatment, 0, treatments, "only risks treated this way (untreated: not yet treated)"),
    AFIELD_END,
};

static int risk_list(app *p, const void *vin, jw *j, isms_err *err)
{
    const risk_list_in *in = vin;
    risk_method m;
    int rc = store_method_get(p->w, &m, NULL, err);
    if (rc)
        return rc;
    page_query pq;
    app_page_query(&pq, in->q, in->owner, in->limit, in->offset);
    pq.treatment = in->treatment && *in->treatment ? in->treatment : NULL;
    page_out po = {j, &m, app_today(p)};
    app_items_begin(j);
    long total = 0;
    rc = store_risk_page(p->w, &pq, risk_row, &po, &total, NULL, err);
    if (!rc)
        app_page_end(j, &pq, total);
    return rc;
}

typedef struct risk_id_in {
    app_int id;
} risk_id_in;
static const app_field risk_get_fields[] = {
    AFIELD_INT(risk_id_in, id, 1, 1, INT32_MAX, "the risk's number (12 for R12)"),
    AFIELD_END,
};

/* The risk as it now stands, in its one shape. */
static int risk_answer(app *p, int64_t id, jw *j, isms_err *err)
{
    risk_method m;
    risk r;
    int rc = store_method_get(p->w, &m, NULL, err);
    if (!rc)
        rc = store_risk_get(p->w, id, &p->a, &r, err);
    if (!rc)
        json_risk(j, &m, &r, app_today(p));
    return rc;
}

static int risk_get(app *p, const void *vin, jw *j, isms_err *err)
{
    return risk_answer(p, ((const risk_id_in *)vin)->id.v, j, err);
}

/* The asset a risk names (its id or name) into *id; "none" or blank ties it to no asset. */
static int risk_asset(app *p, const char *name, int64_t *id, isms_err *err)
{
    if (!name || !*name || !strcmp(name, "none")) {
        *id = 0;
        return ISMS_OK;
    }
    asset x;
    int rc = store_asset_get(p->w, name, &p->a, &x, err);
    if (rc)
        return err_at(err, "asset");
    *id = x.id;
    return ISMS_OK;
}

static const app_field risk_add_fields[] = {
    AFIELD(app_risk_add_in, title, AF_STR, 1, "what could happen, in a few words"),
    AFIELD(app_risk_add_in, asset, AF_STR, 0, "the asset at risk: its id or its name"),
    AFIELD(app_risk_add_in, threat, AF_STR, 1, "the threat, in words or a library id such as T03"),
    AFIELD(app_risk_add_in, vulnerability, AF_STR, 1, "the weakness it exploits, in words or a library id such as V12"),
    AFIELD_INT(app_risk_add_in, likelihood, 1, 1, RISK_MAX_LEVELS, "how likely, on the workspace's scale (1 = rare)"),
    AFIELD_INT(app_risk_add_in, impact, 1, 1, RISK_MAX_LEVELS, "how bad if it happens, on the workspace's scale (1 = minor)"),
    AFIELD(app_risk_add_in, owner, AF_STR, 1, "the risk owner, accountable for it (6.1.2 c)"),
    AFIELD_END,
};

static int risk_add(app *p, const void *vin, jw *j, isms_err *err)
{
    const app_risk_add_in *in = vin;
    risk_method m;
    risk r = {0};
    r.title = in->title;
    r.threat = expand_threat(in->threat);
    r.vulnerability = expand_vuln(in->vulnerability);
    r.likelihood = (int)in->likelihood.v;
    r.impact = (int)in->impact.v;
    r.owner = in->owner;
    int rc = store_method_get(p->w, &m, NULL, err);
    if (!rc)
        rc = risk_asset(p, in->asset, &r.asset_id, err);
    int64_t id;
    if (!rc)
        rc = store_risk_insert(p->w, &m, &r, &id, err);
    return rc ? rc : risk_answer(p, id, j, err);
}

static const app_field risk_update_fields[] = {
    AFIELD_INT(app_risk_update_in, id, 1, 1, INT32_MAX, "the risk's number (12 for R12)"),
    AFIELD(app_risk_update_in, title, AF_STR, 0, "what could happen, in a few words"),
    AFIELD(app_risk_update_in, asset, AF_STR, 0, "the asset at risk: its id or its name, or none to tie it to no asset"),
    AFIELD(app_risk_update_in, threat, AF_STR, 0, "the threat, in words or a library id such as T03"),
    AFIELD(app_risk_update_in, vulnerability, AF_STR, 0, "the weakness it exploits, in words or a library id such as V12"),
    AFIELD_INT(app_risk_update_in, likelihood, 0, 1, RISK_MAX_LEVELS, "how likely, on the workspace's scale"),
    AFIELD_INT(app_risk_update_in, impact, 0, 1, RISK_MAX_LEVELS, "how bad if it happens, on the workspace's scale"),
    AFIELD(app_risk_update_in, owner, AF_STR, 0, "the risk owner, accountable for it"),
    AFIELD_END,
};

/* A reassessment changes only what it names; the treatment stays as recorded. */
static int risk_update(app *p, const void *vin, jw *j, isms_err *err)
{
    const app_risk_update_in *in = vin;
    risk_method m;
    risk r;
    int rc = store_method_get(p->w, &m, NULL, err);
    if (!rc)
        rc = store_risk_get(p->w, in->id.v, &p->a, &r, err);
    if (rc)
        return rc;
    if (in->title)
        r.title = in->title;
    if (in->threat)
        r.threat = expand_threat(in->threat);
    if (in->vulnerability)
        r.vulnerability = expand_vuln(in->vulnerability);
    if (in->owner)
        r.owner = in->owner;
    if (in->likelihood.given)
        r.likelihood = (int)in->likelihood.v;
    if (in->impact.given)
        r.impact = (int)in->impact.v;
    if (in->asset && (rc = risk_asset(p, in->asset, &r.asset_id, err)))
        return rc;
    rc = store_risk_update(p->w, &m, &r, err);
    return rc ? rc : risk_answer(p, r.id, j, err);
}

static const char *const options[] = {"mitigate", "accept", "transfer", "avoid", NULL};
static const app_field risk_treat_fields[] = {
    AFIELD_INT(app_risk_treat_in, id, 1, 1, INT32_MAX, "the risk's number (12 for R12)"),
    AFIELD_ENUM(app_risk_treat_in, option, 0, options,
                "how the risk is treated (required the first time; left out, the recorded option stays)"),
    AFIELD(app_risk_treat_in, controls, AF_IDS, 0, "the Annex A controls that reduce it, such as A.5.15 (mitigate needs them)"),
    AFIELD_INT(app_risk_treat_in, residual_likelihood, 0, 1, RISK_MAX_LEVELS, "likelihood once treated"),
    AFIELD_INT(app_risk_treat_in, residual_impact, 0, 1, RISK_MAX_LEVELS, "impact once treated"),
    AFIELD(app_risk_treat_in, treatment_owner, AF_STR, 0, "who carries out the treatment"),
    AFIELD(app_risk_treat_in, due_date, AF_DATE, 0, "when the treatment is due"),
    AFIELD(app_risk_treat_in, plan, AF_TEXT, 0, "what will be done"),
    {"done", AF_BOOL, 0, offsetof(app_risk_treat_in, done), "the planned treatment is complete", NULL, 0, 0},
    AFIELD_END,
};

/* A re-treatment changes only what it names: every field left out keeps its recorded value. */
static int risk_treat(app *p, const void *vin, jw *j, isms_err *err)
{
    const app_risk_treat_in *in = vin;
    risk_method m;
    risk r;
    int rc = store_method_get(p->w, &m, NULL, err);
    if (!rc)
        rc = store_risk_get(p->w, in->id.v, &p->a, &r, err);
    if (rc)
        return rc;
    if (!in->option && r.option == RISK_UNTREATED)
        return err_field(err, ISMS_EINVAL, "option", "option is required: risk R%lld has no treatment yet",
                         (long long)r.id);
    int option = in->option ? risk_option_parse(in->option) : (int)r.option;
    if (option <= RISK_UNTREATED)
        return err_field(err, ISMS_EINVAL, "option", "option must be mitigate, accept, transfer or avoid, not '%.40s'",
                         in->option);
    r.option = (risk_option)option;
    if (in->controls)
        r.controls = in->controls;
    if (!r.controls)
        r.controls = "";
    if (in->residual_likelihood.given)
        r.residual_likelihood = (int)in->residual_likelihood.v;
    if (in->residual_impact.given)
        r.residual_impact = (int)in->residual_impact.v;
    if (in->treatment_owner)
        r.treatment_owner = in->treatment_owner;
    if (in->due_date)
        r.due_date = in->due_date;
    if (in->plan)
        r.treatment_plan = in->plan;
    if (in->done.given)
        r.done = (int)in->done.v;
    rc = store_risk_treat(p->w, &m, &r, err);
    return rc ? rc : risk_answer(p, r.id, j, err);
}

static const app_field risk_accept_fields[] = {
    AFIELD_INT(app_risk_accept_in, id, 1, 1, INT32_MAX, "the risk's number (12 for R12)"),
    AFIELD(app_risk_accept_in, by, AF_STR, 1, "the risk owner who accepts the residual risk"),
    AFIELD_END,
};

static int risk_accept(app *p, const void *vin, jw *j, isms_err *err)
{
    const app_risk_accept_in *in = vin;
    risk_method m;
    int rc = store_method_get(p->w, &m, NULL, err);
    if (!rc)
        rc = store_risk_accept(p->w, &m, in->id.v, in->by, err);
    return rc ? rc : risk_answer(p, in->id.v, j, err);
}

static int risk_delete(app *p, const void *vin, jw *j, isms_err *err)
{
    int64_t id = ((const risk_id_in *)vin)->id.v;
    int rc = store_risk_delete(p->w, id, err);
    if (rc)
        return rc;
    jw_obj(j);
    jw_kint(j, "deleted", id);
    jw_obj_end(j);
    return ISMS_OK;
}

const app_usecase app_uc_risk[] = {
    {"risk_list", "List risks",
     "The risk register (6.1.2), a page at a time: each risk with its likelihood, impact, score and level, its "
     "treatment, residual score, plan status and acceptance. Filter by words, owner or treatment.",
     APP_READ, risk_list_fields, sizeof(risk_list_in), risk_list},
    {"risk_get", "Read a risk", "One risk of the register with its assessment, treatment and acceptance.", APP_READ,
     risk_get_fields, sizeof(risk_id_in), risk_get},
    {"risk_add", "Add a risk",
     "Record a newly identified risk (6.1.2): its title, threat, vulnerability, owner, likelihood and impact on "
     "the workspace's scale, and the asset at risk if there is one. Answers the risk with its inherent score and level.",
     APP_WRITE, risk_add_fields, sizeof(app_risk_add_in), risk_add},
    {"risk_update", "Reassess a risk",
     "Change a risk's title, asset, threat, vulnerability, owner, likelihood or impact; fields left out keep their "
     "values and the treatment stays as recorded.",
     APP_WRITE, risk_update_fields, sizeof(app_risk_update_in), risk_update},
    {"risk_treat", "Treat a risk",
     "Record or change a risk's treatment (6.1.3): mitigate (with the Annex A controls that reduce it), accept, "
     "transfer or avoid, with the residual likelihood and impact, owner, due date and plan. Fields left out keep "
     "their recorded values; a changed treatment needs the owner's acceptance again.",
     APP_WRITE, risk_treat_fields, sizeof(app_risk_treat_in), risk_treat},
    {"risk_accept", "Accept a residual risk",
     "The risk owner accepts the residual risk of a treated risk (6.1.3 f), recorded with their name and the date.",
     APP_WRITE, risk_accept_fields, sizeof(app_risk_accept_in), risk_accept},
    {"risk_delete", "Delete a risk", "Delete a risk from the register, with its treatment and its links to controls.",
     APP_WRITE, risk_get_fields, sizeof(risk_id_in), risk_delete},
    {NULL, NULL, NULL, 0, NULL, 0, NULL},
};
