/* The people, supplier, incident and objective registers in the JSON API (registers_api.c) and
 * the browser (registers.c). One handler serves every register: the kind is the path's segment. */
#ifndef ISMS_WEB_REGISTERS_H
#define ISMS_WEB_REGISTERS_H

#include <jansson.h>

#include "web/web.h"

int api_reg_list(web_req *rq, web_resp *rs);
int api_reg_get(web_req *rq, web_resp *rs);
int api_reg_create(web_req *rq, web_resp *rs);
int api_reg_update(web_req *rq, web_resp *rs);
int api_reg_delete(web_req *rq, web_resp *rs);
int api_reg_children(web_req *rq, web_resp *rs);
int api_reg_child_create(web_req *rq, web_resp *rs);
/* Kind of the register named by the path ("/api/v1/people/3" or "/people/edit"), or -1. */
int api_reg_kind(const web_req *rq);
/* Apply a JSON object of fields to r (over its values) and save it in one transaction; on
 * refusal a JSON error is in rs and -1 is returned. create also fills defaults and r->id. */
int api_reg_apply(web_req *rq, web_resp *rs, int k, reg_rec *r, json_t *o, int create);
int api_reg_delete_id(web_req *rq, web_resp *rs, int k, int64_t id);

int page_reg_list(web_req *rq, web_resp *rs);
/* One record: fields, problems, child records, and the forms to edit it and add to them. */
int page_reg_show(web_req *rq, web_resp *rs);
int form_reg_create(web_req *rq, web_resp *rs);
int form_reg_edit(web_req *rq, web_resp *rs);
int form_reg_delete(web_req *rq, web_resp *rs);
int form_reg_child(web_req *rq, web_resp *rs);

/* The route table's entries for the registers (listed in routes.c). */
#define REG_ROUTES_FOR(P, WHAT)                                                                                    \
    {"GET", "/" P, PERM_READ, ROUTE_PAGE, page_reg_list, NULL},                                                    \
    {"GET", "/" P "/:id", PERM_READ, ROUTE_PAGE, page_reg_show, NULL},                                             \
    {"POST", "/" P, PERM_WRITE, ROUTE_PAGE, form_reg_create, NULL},                                                \
    {"POST", "/" P "/edit", PERM_WRITE, ROUTE_PAGE, form_reg_edit, NULL},                                          \
    {"POST", "/" P "/:id/delete", PERM_WRITE, ROUTE_PAGE, form_reg_delete, NULL},                                  \
    {"GET", "/api/v1/" P, PERM_READ, ROUTE_API | ROUTE_CACHE, api_reg_list,                                        \
     "List " WHAT " (limit, offset, q, problems=true, and any choice field as a filter)"},                         \
    {"POST", "/api/v1/" P, PERM_WRITE, ROUTE_API, api_reg_create, "Create a record of " WHAT},                     \
    {"GET", "/api/v1/" P "/:id", PERM_READ, ROUTE_API | ROUTE_CACHE, api_reg_get, "Get one of " WHAT},            \
    {"PUT", "/api/v1/" P "/:id", PERM_WRITE, ROUTE_API, api_reg_update, "Update one of " WHAT},                    \
    {"DELETE", "/api/v1/" P "/:id", PERM_WRITE, ROUTE_API, api_reg_delete, "Delete one of " WHAT}
#define REG_CHILD_ROUTES_FOR(P, CHILD)                                                                             \
    {"POST", "/" P "/" CHILD, PERM_WRITE, ROUTE_PAGE, form_reg_child, NULL},                                       \
    {"GET", "/api/v1/" P "/:id/" CHILD, PERM_READ, ROUTE_API | ROUTE_CACHE, api_reg_children, "List its " CHILD}, \
    {"POST", "/api/v1/" P "/:id/" CHILD, PERM_WRITE, ROUTE_API | ROUTE_CREATES, api_reg_child_create, "Add to its " CHILD}

#define REGISTER_ROUTES                                                                                            \
    REG_ROUTES_FOR("people", "people (A.6.1-A.6.6, 7.2)"), REG_CHILD_ROUTES_FOR("people", "training"),             \
    REG_ROUTES_FOR("suppliers", "suppliers (A.5.19-A.5.22)"),                                                      \
    REG_ROUTES_FOR("incidents", "incidents (A.5.24-A.5.28)"), REG_CHILD_ROUTES_FOR("incidents", "events"),         \
    REG_ROUTES_FOR("objectives", "objectives (6.2)"), REG_CHILD_ROUTES_FOR("objectives", "measurements")

#endif
