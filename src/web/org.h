/* The scope register and interested parties as API resources, and their removal in the browser
 * (org.c). The kind of item is the path's: ".../scope-items..." or ".../parties...". */
#ifndef ISMS_WEB_ORG_H
#define ISMS_WEB_ORG_H

#include "web/web.h"

int api_org_item_create(web_req *rq, web_resp *rs);
int api_org_item_delete(web_req *rq, web_resp *rs);
int form_org_item_delete(web_req *rq, web_resp *rs);

#define ORG_ROUTES                                                                                                 \
    {"POST", "/org/scope/:id/delete", PERM_WRITE, ROUTE_PAGE, form_org_item_delete, NULL},                         \
    {"POST", "/org/parties/:id/delete", PERM_WRITE, ROUTE_PAGE, form_org_item_delete, NULL},                       \
    {"POST", "/api/v1/org/scope-items", PERM_WRITE, ROUTE_API, api_org_item_create,                                \
     "Add a unit, location or system to the scope register, in or out of scope (4.3)"},                           \
    {"DELETE", "/api/v1/org/scope-items/:id", PERM_WRITE, ROUTE_API, api_org_item_delete,                          \
     "Remove a scope register entry"},                                                                             \
    {"POST", "/api/v1/org/parties", PERM_WRITE, ROUTE_API, api_org_item_create,                                    \
     "Add an interested party and its requirements (4.2)"},                                                        \
    {"DELETE", "/api/v1/org/parties/:id", PERM_WRITE, ROUTE_API, api_org_item_delete, "Remove an interested party"}

#endif
