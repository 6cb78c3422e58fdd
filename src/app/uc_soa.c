/* Use cases of the Statement of Applicability: read it, decide a control, find its weaknesses. */
#include <string.h>
#include <strings.h>

#include "app/internal.h"
#include "app/usecases.h"
#include "core/catalog.h"
#include "report/json.h"

static int soa_load(app *p, soa_entry **e, isms_err *err)
{
    *e = arena_alloc(&p->a, CATALOG_NCONTROLS * sizeof **e);
    if (!*e)
        return err_set(err, ISMS_ENOMEM, "out of memory");
    return store_soa_load(p->w, &p->a, *e, err);
}

static int control_index(const char *id, isms_err *err)
{
    int i = catalog_control_index(id);
    if (i < 0)
        return -err_field(err, ISMS_ENOTFOUND, "control", "'%.40s' is not an Annex A control of ISO/IEC 27001:2022",
                          id);
    return i;
}

typedef struct soa_list_in {
    const char *theme, *applicable, *status;
} soa_list_in;
static const char *const applicability[] = {"yes", "no", "undecided", NULL};
static const char *const statuses[] = {"not_started", "planned", "partial", "implemented", NULL};
static const app_field soa_list_fields[] = {
    AFIELD_ENUM(soa_list_in, theme, 0, catalog_theme_names, "only the controls of this theme (A.5 to A.8)"),
    AFIELD_ENUM(soa_list_in, applicable, 0, applicability, "only controls decided applicable (yes), excluded (no) or not yet decided"),
    AFIELD_ENUM(soa_list_in, status, 0, statuses, "only controls at this implementation status"),
    AFIELD_END,
};

static int soa_list(app *p, const void *vin, jw *j, isms_err *err)
{
    const soa_list_in *in = vin;
    soa_entry *e;
    int rc = soa_load(p, &e, err);
    if (rc)
        return rc;
    int want_app = !in->applicable ? -2
                 : !strcmp(in->applicable, "yes") ? SOA_APPLICABLE
                 : !strcmp(in->applicable, "no") ? SOA_EXCLUDED : SOA_UNDECIDED;
    int want_status = in->status ? soa_status_parse(in->status) : -2;
    app_items_begin(j);
    int n = 0;
    for (int i = 0; i < CATALOG_NCONTROLS; i++) {
        if ((in->theme && strcasecmp(in->theme, e[i].ctl->theme)) ||
            (want_app != -2 && soa_effective_applicable(&e[i]) != want_app) ||
            (want_status != -2 && (int)e[i].status != want_status))
            continue;
        json_soa_entry(j, &p->a, &e[i]);
        n++;
    }
    app_items_end(j, n);
    return ISMS_OK;
}

typedef struct control_in {
    const char *control;
} control_in;
static const app_field soa_get_fields[] = {
    AFIELD(control_in, control, AF_STR, 1, "the Annex A control, such as A.5.15"),
    AFIELD_END,
};

static int soa_get(app *p, const void *vin, jw *j, isms_err *err)
{
    int i = control_index(((const control_in *)vin)->control, err);
    soa_entry *e;
    int rc = i < 0 ? -i : soa_load(p, &e, err);
    if (!rc)
        json_soa_entry(j, &p->a, &e[i]);
    return rc;
}

static const app_field soa_decide_fields[] = {
    AFIELD(app_soa_decide_in, control, AF_STR, 1, "the Annex A control, such as A.5.15"),
    {"applicable", AF_OPTBOOL, 0, offsetof(app_soa_decide_in, applicable),
     "true to include the control, false to exclude it (an exclusion needs a justification), null for undecided",
     NULL, 0, 0},
    AFIELD(app_soa_decide_in, justification, AF_TEXT, 0, "why the control is included or excluded"),
    {"reasons", AF_IDS, 0, offsetof(app_soa_decide_in, reasons),
     "why it is included besides the risks it treats (which count by themselves): legal, contractual, business", NULL, 0, 0},
    AFIELD_ENUM(app_soa_decide_in, status, 0, statuses, "how far its implementation has come"),
    AFIELD(app_soa_decide_in, implementation, AF_TEXT, 0, "how the control is implemented, in the organization's words"),
    AFIELD(app_soa_decide_in, owner, AF_STR, 0, "who owns the control"),
    AFIELD_END,
};

/* A decision changes only what it names; the rules of a complete entry are the store's. */
static int soa_decide(app *p, const void *vin, jw *j, isms_err *err)
{
    const app_soa_decide_in *in = vin;
    int i = control_index(in->control, err);
    soa_entry *e;
    int rc = i < 0 ? -i : soa_load(p, &e, err);
    if (rc)
        return rc;
    soa_entry *x = &e[i];
    if (in->applicable.given)
        x->applicable = in->applicable.v < 0 ? SOA_UNDECIDED : in->applicable.v ? SOA_APPLICABLE : SOA_EXCLUDED;
    if (in->justification)
        x->justification = in->justification;
    if (in->implementation)
        x->implementation = in->implementation;
    if (in->owner)
        x->owner = in->owner;
    int status = in->status ? soa_status_parse(in->status) : (int)x->status;
    if (status < 0)
        return err_field(err, ISMS_EINVAL, "status", "status must be not_started, planned, partial or implemented, not "
                         "'%.40s'", in->status);
    x->status = (soa_status)status;
    if (in->reasons && (rc = soa_reasons_parse(in->reasons, &x->reasons, err)))
        return err_at(err, "reasons");
    if ((rc = store_soa_save(p->w, x, err)) || (rc = soa_load(p, &e, err)))
        return rc;
    json_soa_entry(j, &p->a, &e[i]);
    return ISMS_OK;
}


static int soa_weaknesses(app *p, const void *vin, jw *j, isms_err *err)
{
    soa_entry *e;
    int rc = soa_load(p, &e, err);
    if (rc)
        return rc;
    soa_issue *is;
    size_t n = soa_validate(e, CATALOG_NCONTROLS, &p->a, &is);
    json_soa_validation(j, is, n);
    return ISMS_OK;
}

const app_usecase app_uc_soa[] = {
    {"soa_list", "Read the Statement of Applicability",
     "The Statement of Applicability (6.1.3 d): for each of the 93 Annex A controls of ISO/IEC 27001:2022, whether "
     "it applies and why, its implementation status and text, its owner and the risks it treats. Filter by theme, "
     "applicability or status.",
     APP_READ, soa_list_fields, sizeof(soa_list_in), soa_list},
    {"soa_get", "Read one control's SoA entry", "One control's entry in the Statement of Applicability.", APP_READ,
     soa_get_fields, sizeof(control_in), soa_get},
    {"soa_decide", "Decide a control in the SoA",
     "Include or exclude an Annex A control, with its justification and reasons, and record its implementation "
     "status, how it is implemented and its owner. Fields left out keep their values.",
     APP_WRITE, soa_decide_fields, sizeof(app_soa_decide_in), soa_decide},
    {"soa_weaknesses", "Find the SoA's weaknesses",
     "What an auditor would object to in the Statement of Applicability: undecided controls, exclusions without a "
     "justification, applicable controls without implementation text or owner, excluded controls that treat "
     "risks. The SoA cannot be approved while any remain.",
     APP_READ, app_no_fields, sizeof(app_none_in), soa_weaknesses},
    {NULL, NULL, NULL, 0, NULL, 0, NULL},
};
