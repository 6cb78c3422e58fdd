/* Use cases of the asset inventory (A.5.9, A.5.12): list and read, add, change, delete. */
#include <string.h>

#include "app/internal.h"
#include "app/usecases.h"
#include "report/json.h"

/* --- assets --- */

static int asset_row(const asset *x, void *ctx)
{
    json_asset(ctx, x);
    return 0;
}

typedef struct asset_list_in {
    const char *q, *owner;
    app_int limit, offset;
    const char *type, *classification;
} asset_list_in;
static const app_field asset_list_fields[] = {
    APP_PAGE_FIELDS(asset_list_in, "asset"),
    AFIELD_ENUM(asset_list_in, type, 0, asset_types, "only assets of this type"),
    AFIELD_ENUM(asset_list_in, classification, 0, asset_classifications, "only assets of this classification"),
    AFIELD_END,
};

static int asset_list(app *p, const void *vin, jw *j, isms_err *err)
{
    const asset_list_in *in = vin;
    page_query pq;
    app_page_query(&pq, in->q, in->owner, in->limit, in->offset);
    pq.type = in->type && *in->type ? in->type : NULL;
    pq.classification = in->classification && *in->classification ? in->classification : NULL;
    app_items_begin(j);
    long total = 0;
    int rc = store_asset_page(p->w, &pq, asset_row, j, &total, NULL, err);
    if (!rc)
        app_page_end(j, &pq, total);
    return rc;
}


static const app_field asset_get_fields[] = {
    AFIELD(app_ref_in, id, AF_STR, 1, "the asset's id (a number) or its name"),
    AFIELD_END,
};

static int asset_get(app *p, const void *vin, jw *j, isms_err *err)
{
    asset x;
    int rc = store_asset_get(p->w, ((const app_ref_in *)vin)->id, &p->a, &x, err);
    if (!rc)
        json_asset(j, &x);
    return rc;
}

static const app_field asset_add_fields[] = {
    AFIELD(app_asset_in, name, AF_STR, 1, "the asset's name, unique in the inventory"),
    AFIELD_ENUM(app_asset_in, type, 1, asset_types, "what kind of asset it is"),
    AFIELD(app_asset_in, owner, AF_STR, 1, "who is accountable for it (A.5.9)"),
    AFIELD_ENUM(app_asset_in, classification, 1, asset_classifications, "its classification (A.5.12)"),
    AFIELD_INT(app_asset_in, confidentiality, 0, 1, 3, "how much its confidentiality matters, 1 to 3"),
    AFIELD_INT(app_asset_in, integrity, 0, 1, 3, "how much its integrity matters, 1 to 3"),
    AFIELD_INT(app_asset_in, availability, 0, 1, 3, "how much its availability matters, 1 to 3"),
    AFIELD(app_asset_in, description, AF_TEXT, 0, "what it is and holds"),
    AFIELD_END,
};

static const app_field asset_update_fields[] = {
    AFIELD(app_asset_in, id, AF_STR, 1, "the asset's id (a number) or its name"),
    AFIELD(app_asset_in, name, AF_STR, 0, "a new name"),
    AFIELD_ENUM(app_asset_in, type, 0, asset_types, "what kind of asset it is"),
    AFIELD(app_asset_in, owner, AF_STR, 0, "who is accountable for it (A.5.9)"),
    AFIELD_ENUM(app_asset_in, classification, 0, asset_classifications, "its classification (A.5.12)"),
    AFIELD_INT(app_asset_in, confidentiality, 0, 1, 3, "how much its confidentiality matters, 1 to 3"),
    AFIELD_INT(app_asset_in, integrity, 0, 1, 3, "how much its integrity matters, 1 to 3"),
    AFIELD_INT(app_asset_in, availability, 0, 1, 3, "how much its availability matters, 1 to 3"),
    AFIELD(app_asset_in, description, AF_TEXT, 0, "what it is and holds"),
    AFIELD_END,
};

/* The given fields over x: what a change leaves out keeps its value. */
static void asset_apply(asset *x, const app_asset_in *in)
{
    if (in->name)
        x->name = in->name;
    if (in->type)
        x->type = in->type;
    if (in->owner)
        x->owner = in->owner;
    if (in->classification)
        x->classification = in->classification;
    if (in->description)
        x->description = in->description;
    if (in->confidentiality.given)
        x->confidentiality = (int)in->confidentiality.v;
    if (in->integrity.given)
        x->integrity = (int)in->integrity.v;
    if (in->availability.given)
        x->availability = (int)in->availability.v;
}

static int asset_answer(app *p, int64_t id, jw *j, isms_err *err)
{
    char ids[24];
    snprintf(ids, sizeof ids, "%lld", (long long)id);
    asset x;
    int rc = store_asset_get(p->w, ids, &p->a, &x, err);
    if (!rc)
        json_asset(j, &x);
    return rc;
}

static int asset_add(app *p, const void *vin, jw *j, isms_err *err)
{
    asset x = {0};
    asset_apply(&x, vin);
    int64_t id;
    int rc = store_asset_insert(p->w, &x, &id, err);
    return rc ? rc : asset_answer(p, id, j, err);
}

static int asset_update(app *p, const void *vin, jw *j, isms_err *err)
{
    const app_asset_in *in = vin;
    asset x;
    int rc = store_asset_get(p->w, in->id, &p->a, &x, err);
    if (rc)
        return err_at(err, "id");
    asset_apply(&x, in);
    rc = store_asset_update(p->w, &x, err);
    return rc ? rc : asset_answer(p, x.id, j, err);
}

static int asset_delete(app *p, const void *vin, jw *j, isms_err *err)
{
    asset x;
    int rc = store_asset_get(p->w, ((const app_ref_in *)vin)->id, &p->a, &x, err);
    if (rc)
        return err_at(err, "id");
    if ((rc = store_asset_delete(p->w, x.id, err)))
        return rc;
    jw_obj(j);
    jw_kint(j, "deleted", x.id);
    jw_kstr(j, "name", x.name);
    jw_obj_end(j);
    return ISMS_OK;
}

const app_usecase app_uc_asset[] = {
    {"asset_list", "List assets",
     "The asset inventory (A.5.9), a page at a time, filtered by words, owner, type or classification. Each asset "
     "has its owner, classification, CIA ratings and the number of risks on it.",
     APP_READ, asset_list_fields, sizeof(asset_list_in), asset_list},
    {"asset_get", "Read an asset", "One asset of the inventory, by id or name.", APP_READ, asset_get_fields,
     sizeof(app_ref_in), asset_get},
    {"asset_add", "Add an asset",
     "Add an asset to the inventory (A.5.9) with its type, owner, classification (A.5.12) and how much its "
     "confidentiality, integrity and availability matter.",
     APP_WRITE, asset_add_fields, sizeof(app_asset_in), asset_add},
    {"asset_update", "Change an asset",
     "Change an asset's name, type, owner, classification, ratings or description; fields left out keep their values.",
     APP_WRITE, asset_update_fields, sizeof(app_asset_in), asset_update},
    {"asset_delete", "Delete an asset", "Delete an asset from the inventory; refused while risks are recorded on it.",
     APP_WRITE, asset_get_fields, sizeof(app_ref_in), asset_delete},
    {NULL, NULL, NULL, 0, NULL, 0, NULL},
};
