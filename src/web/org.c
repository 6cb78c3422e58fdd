/* The scope register (4.3) and the interested parties (4.2) as API resources, and their removal
 * from the organization page: the same use cases as `isms org scope|party`. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "web/api.h"
#include "web/org.h"

static int is_party(const web_req *rq) { return strstr(rq->path, "/parties") != NULL; }

int api_org_item_create(web_req *rq, web_resp *rs)
{
    json_t *o = api_body_object(rq, rs);
    if (!o)
        return 0;
    /* an item sent back as GET answered it carries its id: it names no field to set */
    json_t *a = json_copy(o);
    json_object_del(a, "id");
    api_usecase(rq, rs, is_party(rq) ? "party_add" : "scope_add", a, 201);
    json_decref(a);
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

/* Remove the scope item or party id through its use case; the error is left in rs. */
static int remove_item(web_req *rq, web_resp *rs, int64_t id)
{
    json_t *a = json_pack("{sI}", "id", (json_int_t)id);
    int rc = api_usecase(rq, rs, is_party(rq) ? "party_remove" : "scope_remove", a, 0);
    json_decref(a);
    return rc;
}

int api_org_item_delete(web_req *rq, web_resp *rs)
{
    int64_t id = item_id(rq->params[0]);
    if (!id) {
        web_json_error(rs, 404, "not_found", "no such id '%.40s'", rq->params[0] ? rq->params[0] : "");
        return 0;
    }
    if (!remove_item(rq, rs, id)) {
        rs->status = 204;
        buf_reset(&rs->body);
        rs->ctype = NULL;
    }
    return 0;
}

int form_org_item_delete(web_req *rq, web_resp *rs)
{
    int64_t id = item_id(rq->params[0]);
    web_resp tmp = {.status = 200};
    buf_init(&tmp.body, 1 << 16);
    isms_err err = {.code = ISMS_ENOTFOUND, .msg = "no such item"};
    if (!id || remove_item(rq, &tmp, id)) {
        if (!id)
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
