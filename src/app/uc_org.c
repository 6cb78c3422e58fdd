/* Use cases of the organization (clause 4): its name, scope statement and context, the scope
 * register (4.3) and the interested parties with their requirements (4.2). */
#include <string.h>

#include "app/internal.h"
#include "app/usecases.h"
#include "report/json.h"

static int org_answer(app *p, jw *j, isms_err *err)
{
    org o;
    scope_item *items;
    party *parties;
    size_t ni, np;
    int rc = store_org_get(p->w, &p->a, &o, err);
    if (!rc)
        rc = store_scope_list(p->w, &p->a, &items, &ni, err);
    if (!rc)
        rc = store_party_list(p->w, &p->a, &parties, &np, err);
    if (!rc)
        json_org(j, &o, items, ni, parties, np);
    return rc;
}

static int org_get(app *p, const void *in, jw *j, isms_err *err) { return org_answer(p, j, err); }

static const app_field org_update_fields[] = {
    AFIELD(app_org_update_in, name, AF_STR, 0, "the organization's name"),
    AFIELD(app_org_update_in, scope, AF_TEXT, 0, "the scope statement of the ISMS (4.3): what it covers and where"),
    AFIELD(app_org_update_in, context, AF_TEXT, 0, "the internal and external issues relevant to the ISMS (4.1)"),
    AFIELD_END,
};

static int org_update(app *p, const void *vin, jw *j, isms_err *err)
{
    const app_org_update_in *in = vin;
    if (in->name && !*in->name)
        return err_field(err, ISMS_EINVAL, "name", "the organization's name cannot be empty");
    int rc = store_org_update(p->w, in->name, in->scope, in->context, err);
    return rc ? rc : org_answer(p, j, err);
}

static const char *const scope_kinds[] = {"unit", "location", "system", NULL};
static const app_field scope_add_fields[] = {
    AFIELD_ENUM(app_scope_add_in, kind, 1, scope_kinds, "what it is: an organizational unit, a location or a system"),
    AFIELD(app_scope_add_in, name, AF_STR, 1, "its name"),
    {"in_scope", AF_BOOL, 0, offsetof(app_scope_add_in, in_scope),
     "false to record it as explicitly out of scope (true when left out)", NULL, 0, 0},
    AFIELD(app_scope_add_in, note, AF_TEXT, 0, "why it is in or out, or what it holds"),
    AFIELD_END,
};

static int scope_add(app *p, const void *vin, jw *j, isms_err *err)
{
    const app_scope_add_in *in = vin;
    scope_item s = {0, in->kind, in->name, in->in_scope.given ? (int)in->in_scope.v : 1, in->note};
    int rc = store_scope_add(p->w, &s, &s.id, err);
    if (!rc) {
        jw_obj(j);
        jw_kint(j, "id", s.id);
        jw_kstr(j, "kind", s.kind);
        jw_kstr(j, "name", s.name);
        jw_kbool(j, "in_scope", s.in_scope);
        jw_kstr(j, "note", s.note);
        jw_obj_end(j);
    }
    return rc;
}

static const app_field item_fields[] = {
    AFIELD_INT(app_id_in, id, 1, 1, INT32_MAX, "the item's number"),
    AFIELD_END,
};

static int scope_remove(app *p, const void *vin, jw *j, isms_err *err)
{
    int rc = store_scope_remove(p->w, ((const app_id_in *)vin)->id.v, err);
    return rc ? rc : org_answer(p, j, err);
}

static const app_field party_add_fields[] = {
    AFIELD(app_party_add_in, name, AF_STR, 1, "who: customers, a regulator, staff, a supplier"),
    AFIELD(app_party_add_in, requirements, AF_TEXT, 1, "their information security requirements (4.2 b)"),
    AFIELD_END,
};

static int party_add(app *p, const void *vin, jw *j, isms_err *err)
{
    const app_party_add_in *in = vin;
    party x = {0, in->name, in->requirements};
    int rc = store_party_add(p->w, &x, &x.id, err);
    if (!rc) {
        jw_obj(j);
        jw_kint(j, "id", x.id);
        jw_kstr(j, "name", x.name);
        jw_kstr(j, "requirements", x.requirements);
        jw_obj_end(j);
    }
    return rc;
}

static int party_remove(app *p, const void *vin, jw *j, isms_err *err)
{
    int rc = store_party_remove(p->w, ((const app_id_in *)vin)->id.v, err);
    return rc ? rc : org_answer(p, j, err);
}

const app_usecase app_uc_org[] = {
    {"org_get", "Read the organization",
     "The organization: its name, the scope statement of the ISMS (4.3), the internal and external issues (4.1), "
     "the scope register of units, locations and systems, and the interested parties with their requirements (4.2).",
     APP_READ, app_no_fields, sizeof(app_none_in), org_get},
    {"org_update", "Change the organization",
     "Change the organization's name, the ISMS scope statement or its context; fields left out keep their values.",
     APP_WRITE, org_update_fields, sizeof(app_org_update_in), org_update},
    {"scope_add", "Add to the scope register",
     "Record an organizational unit, location or system as in the ISMS scope, or as explicitly out of it.",
     APP_WRITE, scope_add_fields, sizeof(app_scope_add_in), scope_add},
    {"scope_remove", "Remove from the scope register", "Remove an item of the scope register by its number.",
     APP_WRITE, item_fields, sizeof(app_id_in), scope_remove},
    {"party_add", "Add an interested party",
     "Record an interested party and its information security requirements (4.2).",
     APP_WRITE, party_add_fields, sizeof(app_party_add_in), party_add},
    {"party_remove", "Remove an interested party", "Remove an interested party by its number.", APP_WRITE,
     item_fields, sizeof(app_id_in), party_remove},
    {NULL, NULL, NULL, 0, NULL, 0, NULL},
};
