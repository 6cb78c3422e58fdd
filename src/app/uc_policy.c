/* Use cases of the policy library (clause 5.2, A.5.1): the templates, the policies and one policy,
 * drafts generated from the templates, a draft's new text, approval and acknowledgment. */
#include <string.h>

#include "app/internal.h"
#include "app/usecases.h"
#include "report/json.h"

static const char *const statuses[] = {"draft", "approved", "superseded", NULL};

static int policy_templates(app *p, const void *in, jw *j, isms_err *err)
{
    (void)in;
    policy_template *t;
    size_t n;
    int rc = policy_library(&p->a, &t, &n, err);
    if (rc)
        return rc;
    app_items_begin(j);
    for (size_t i = 0; i < n; i++)
        json_policy_template(j, &t[i]);
    app_items_end(j, (int64_t)n);
    return ISMS_OK;
}

static const app_field policy_list_fields[] = {
    AFIELD_ENUM(app_policy_list_in, status, 0, statuses, "only the policies whose newest version has this status"),
    AFIELD_INT(app_policy_list_in, limit, 0, 1, 500, "at most this many (50 when left out)"),
    AFIELD_INT(app_policy_list_in, offset, 0, 0, 100000000, "skip this many first, to read the next page"),
    AFIELD_END,
};

static int policy_list(app *p, const void *vin, jw *j, isms_err *err)
{
    const app_policy_list_in *in = vin;
    policy_doc *d;
    size_t n;
    int rc = store_policy_list(p->w, &p->a, &d, &n, err);
    if (rc)
        return rc;
    page_query pq;
    app_page_query(&pq, NULL, NULL, in->limit, in->offset);
    app_items_begin(j);
    long seen = 0;
    for (size_t i = 0; i < n; i++) {
        if (in->status && *in->status && strcmp(d[i].status, in->status))
            continue;
        if (seen >= pq.offset && seen < pq.offset + pq.limit)
            json_policy_doc(j, &d[i], 0);
        seen++;
    }
    app_page_end(j, &pq, seen);
    return ISMS_OK;
}

#define POLICY_NAME(T) AFIELD(T, name, AF_STR, 1, "the policy's name, such as access-control (its template's name)")

static const app_field policy_get_fields[] = {
    POLICY_NAME(app_policy_get_in),
    AFIELD_INT(app_policy_get_in, version, 0, 1, 1000000, "a version number (the newest when left out)"),
    AFIELD_END,
};

/* Policy name at version (0: the newest) in its one shape; an unknown one names its field. */
static int policy_answer(app *p, const char *name, int version, int with_body, jw *j, isms_err *err)
{
    policy_doc d;
    int rc = store_policy_get(p->w, name, version, &p->a, &d, err);
    if (rc)
        return err_at(err, rc == ISMS_ENOTFOUND && version ? "version" : "name");
    json_policy_doc(j, &d, with_body);
    return ISMS_OK;
}

static int policy_get(app *p, const void *vin, jw *j, isms_err *err)
{
    const app_policy_get_in *in = vin;
    return policy_answer(p, in->name, in->version.given ? (int)in->version.v : 0, 1, j, err);
}

static const app_field policy_generate_fields[] = {
    {"names", AF_LIST, 0, offsetof(app_policy_generate_in, names),
     "the templates to draft from, by name (access-control, backup, cryptography, ...; policy_templates lists them)",
     NULL, 0, 256},
    {"all", AF_BOOL, 0, offsetof(app_policy_generate_in, all), "true: draft from every template of the library",
     NULL, 0, 0},
    {"force", AF_BOOL, 0, offsetof(app_policy_generate_in, force),
     "true: a policy that exists gets a new draft from its template (else it is skipped)", NULL, 0, 0},
    AFIELD_END,
};

static int policy_generate(app *p, const void *vin, jw *j, isms_err *err)
{
    const app_policy_generate_in *in = vin;
    size_t nnames = 0;
    while (in->names && in->names[nnames])
        nnames++;
    if (!in->all.v && !nnames)
        return err_field(err, ISMS_EINVAL, "names", "name a template (see the policy templates) or choose all");
    if (in->all.v && nnames)
        return err_field(err, ISMS_EINVAL, "all", "give template names or all, not both");
    policy_template *todo = NULL;
    size_t ntodo = 0;
    int rc = in->all.v ? policy_library(&p->a, &todo, &ntodo, err) : ISMS_OK;
    if (rc)
        return rc;
    if (!in->all.v) {
        todo = arena_alloc(&p->a, sizeof *todo * nnames);
        for (; ntodo < nnames; ntodo++)
            if (policy_template_find(&p->a, in->names[ntodo], &todo[ntodo], err)) {
                err->code = ISMS_EINVAL; /* a name the library lacks is a wrong value, not a missing record */
                return err_at(err, "names");
            }
    }
    policy_gen_result *res = arena_alloc(&p->a, sizeof *res * (ntodo ? ntodo : 1));
    if ((rc = store_policy_generate(p->w, todo, ntodo, in->force.v != 0, &p->a, res, err)))
        return rc;
    int made = 0;
    jw_obj(j);
    jw_key(j, "items");
    jw_arr(j);
    for (size_t i = 0; i < ntodo; i++) {
        jw_obj(j);
        jw_kstr(j, "name", res[i].name);
        jw_kstr(j, "title", res[i].title);
        jw_kstr(j, "result", res[i].made ? "generated" : "skipped");
        jw_kint(j, "version", res[i].version);
        jw_kstr(j, "status", res[i].status);
        jw_obj_end(j);
        made += res[i].made;
    }
    jw_arr_end(j);
    jw_kint(j, "generated", made);
    jw_kint(j, "skipped", (int64_t)ntodo - made);
    jw_obj_end(j);
    return ISMS_OK;
}

static const app_field policy_edit_fields[] = {
    POLICY_NAME(app_policy_edit_in),
    {"body", AF_DOC, 1, offsetof(app_policy_edit_in, body),
     "the policy's whole new text in Markdown (UTF-8, at most 1 MiB), kept exactly as given", NULL, 0,
     POLICY_MAX_BYTES},
    AFIELD_END,
};

static int policy_edit(app *p, const void *vin, jw *j, isms_err *err)
{
    const app_policy_edit_in *in = vin;
    policy_doc before;
    int version;
    int rc = store_policy_edit(p->w, in->name, in->body, &p->a, &before, &version, err);
    if (rc == ISMS_ENOTFOUND || rc == ISMS_EINVAL)
        return err_at(err, rc == ISMS_ENOTFOUND ? "name" : "body");
    if (rc)
        return rc;
    return policy_answer(p, in->name, version, 1, j, err);
}

static const app_field policy_approve_fields[] = {
    POLICY_NAME(app_policy_approve_in),
    AFIELD(app_policy_approve_in, by, AF_STR, 1, "who approves the policy, a person or a body such as the board"),
    AFIELD_END,
};

static int policy_approve(app *p, const void *vin, jw *j, isms_err *err)
{
    const app_policy_approve_in *in = vin;
    policy_doc d;
    int rc = store_policy_approve(p->w, in->name, in->by, &p->a, &d, err);
    if (rc)
        return rc == ISMS_ENOTFOUND ? err_at(err, "name") : rc;
    json_policy_doc(j, &d, 0);
    return ISMS_OK;
}

static const app_field policy_ack_fields[] = {
    POLICY_NAME(app_policy_ack_in),
    AFIELD(app_policy_ack_in, person, AF_STR, 1, "who has read and accepted the policy's approved version"),
    AFIELD_END,
};

static int policy_acknowledge(app *p, const void *vin, jw *j, isms_err *err)
{
    const app_policy_ack_in *in = vin;
    int already;
    policy_doc d;
    int rc = store_policy_ack(p->w, in->name, in->person, &already, err);
    if (!rc)
        rc = store_policy_get(p->w, in->name, 0, &p->a, &d, err);
    if (rc)
        return rc == ISMS_ENOTFOUND ? err_at(err, "name") : rc;
    jw_obj(j);
    jw_kstr(j, "policy", d.name);
    jw_kint(j, "version", d.approved_version);
    jw_kstr(j, "person", in->person);
    jw_kbool(j, "already", already);
    jw_kint(j, "acknowledgments", d.acks);
    jw_obj_end(j);
    return ISMS_OK;
}

const app_usecase app_uc_policy[] = {
    {"policy_templates", "List the policy templates",
     "The policy library: each template's name (what policy_generate takes), title, and the Annex A controls and "
     "clauses the policy addresses.",
     APP_READ, app_no_fields, sizeof(app_none_in), policy_templates},
    {"policy_list", "List policies",
     "The organization's policies with their newest version, status (draft, approved or superseded), the approved "
     "version in force, its next review date and how many people have acknowledged it.",
     APP_READ, policy_list_fields, sizeof(app_policy_list_in), policy_list},
    {"policy_get", "Read a policy",
     "One policy with its text in Markdown, its status, approval, next review and controls, at its newest version "
     "or the version asked for.",
     APP_READ, policy_get_fields, sizeof(app_policy_get_in), policy_get},
    {"policy_generate", "Generate draft policies",
     "Create draft policies from templates of the policy library, filled in with the organization's name and "
     "scope and the policy profile (security lead, policy owner, approver, IT and HR leads, review cadence, the "
     "tools in use and the working model). Name the templates, or all. A policy that exists is skipped unless "
     "force, which saves a new draft from the template; an approved version stays in force until the new draft "
     "is approved. Answers what became of each template.",
     APP_WRITE, policy_generate_fields, sizeof(app_policy_generate_in), policy_generate},
    {"policy_edit", "Change a policy's text",
     "Save new Markdown text as the policy's draft: the draft is replaced, or, when the newest version is "
     "approved, a new draft version starts and the approved one stays in force until the draft is approved. "
     "Answers the draft.",
     APP_WRITE, policy_edit_fields, sizeof(app_policy_edit_in), policy_edit},
    {"policy_approve", "Approve a policy",
     "Approve the policy's newest draft (5.2, 7.5.2): recorded with who approved it and today's date, the next "
     "review set by the profile's cadence, the previous approved version superseded, and the document kept as "
     "policy evidence for its controls until that review.",
     APP_WRITE, policy_approve_fields, sizeof(app_policy_approve_in), policy_approve},
    {"policy_acknowledge", "Record a policy acknowledgment",
     "Record that a person has read and accepted the policy's approved version in force (7.3, A.5.1, A.6.3). "
     "A repeated acknowledgment changes nothing and answers already: true.",
     APP_WRITE, policy_ack_fields, sizeof(app_policy_ack_in), policy_acknowledge},
    {NULL, NULL, NULL, 0, NULL, 0, NULL},
};
