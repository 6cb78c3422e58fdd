/* The scope register (4.3) and the interested parties (4.2) as API resources, and their removal
 * from the organization page: the same store calls and checks as `isms org scope|party`. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "web/api.h"
#include "web/org.h"

typedef struct org_item {
    int party;
    scope_item s;
    party p;
    int64_t id;
} org_item;

static int do_add(web_req *rq, void *ctx, isms_err *err)
{
    org_item *it = ctx;
    return it->party ? store_party_add(rq->w, &it->p, &it->id, err) : store_scope_add(rq->w, &it->s, &it->id, err);
}

static int do_remove(web_req *rq, void *ctx, isms_err *err)
{
    org_item *it = ctx;
    return it->party ? store_party_remove(rq->w, it->id, err) : store_scope_remove(rq->w, it->id, err);
}

static int is_party(const web_req *rq) { return strstr(rq->path, "/parties") != NULL; }

int api_org_item_create(web_req *rq, web_resp *rs)
{
    json_t *o = api_body_object(rq, rs);
    if (!o)
        return 0;
    org_item it = {.party = is_party(rq)};
    static const char *const party_keys[] = {"id", "name", "requirements", NULL};
    static const char *const scope_keys[] = {"id", "kind", "name", "in_scope", "note", NULL};
    int bad = api_only_members(rs, o, it.party ? party_keys : scope_keys, it.party ? "an interested party" : "a scope item");
    if (!bad && it.party)
        bad = api_jstr(rs, o, "name", &it.p.name) || api_jstr(rs, o, "requirements", &it.p.requirements);
    else if (!bad) {
        json_t *in = json_object_get(o, "in_scope");
        if (in && !json_is_boolean(in)) {
            web_json_error(rs, 422, "invalid", "in_scope: must be true or false");
            bad = 1;
        }
        it.s.in_scope = !in || json_is_true(in);
        it.s.kind = "";
        bad = bad || api_jstr(rs, o, "kind", &it.s.kind) || api_jstr(rs, o, "name", &it.s.name) ||
              api_jstr(rs, o, "note", &it.s.note);
    }
    if (!bad && !api_in_tx(rq, rs, do_add, &it)) {
        jw *j = web_json_begin(rq, rs, 201);
        jw_obj(j);
        jw_kint(j, "id", it.id);
        if (it.party) {
            jw_kstr(j, "name", it.p.name);
            jw_kstr(j, "requirements", it.p.requirements);
        } else {
            jw_kstr(j, "kind", it.s.kind);
            jw_kstr(j, "name", it.s.name);
            jw_kbool(j, "in_scope", it.s.in_scope);
            jw_kstr(j, "note", it.s.note);
        }
        jw_obj_end(j);
    }
    json_decref(o);
    return 0;
}

/* The path's or form's id as a positive number; 0 when it is not one. */
static int64_t item_id(const char *s)
{
    char *end;
    long long v = s && *s ? strtoll(s, &end, 10) : 0;
    return s && *s && !*end && v > 0 ? v : 0;
}

int api_org_item_delete(web_req *rq, web_resp *rs)
{
    org_item it = {.party = is_party(rq), .id = item_id(rq->params[0])};
    if (!it.id) {
        web_json_error(rs, 404, "not_found", "no such id '%.40s'", rq->params[0] ? rq->params[0] : "");
        return 0;
    }
    if (!api_in_tx(rq, rs, do_remove, &it)) {
        rs->status = 204;
        buf_reset(&rs->body);
        rs->ctype = NULL;
    }
    return 0;
}

int form_org_item_delete(web_req *rq, web_resp *rs)
{
    org_item it = {.party = is_party(rq), .id = item_id(rq->params[0])};
    web_resp tmp = {.status = 200};
    buf_init(&tmp.body, 1 << 16);
    isms_err err = {.code = ISMS_ENOTFOUND, .msg = "no such item"};
    if (!it.id || api_in_tx(rq, &tmp, do_remove, &it)) {
        if (!it.id)
            web_json_fail(&tmp, &err);
        rs->status = tmp.status >= 400 ? tmp.status : 422;
        page_head(rq, rs, "Organization", "/org");
        web_html(rs, "<h1>Organization</h1><p class=\"error\" role=\"alert\" id=\"form-error\">%s</p>"
                     "<p><a href=\"/org\">Back to the organization</a></p>",
                 web_error_text(rq, &tmp));
        page_foot(rs);
    } else {
        web_redirect(rs, "/org");
    }
    buf_free(&tmp.body);
    return 0;
}
