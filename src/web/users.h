/* User administration in the API and the users page (users.c): create, change role, disable,
 * reset a password, turn two-factor off for someone who lost their device. Admin only. */
#ifndef ISMS_WEB_USERS_H
#define ISMS_WEB_USERS_H

#include "web/web.h"

int api_user_create(web_req *rq, web_resp *rs);
int api_user_update(web_req *rq, web_resp *rs);
/* A new password (given, or generated and answered once); the user's sessions end. */
int api_user_password(web_req *rq, web_resp *rs);
int api_user_mfa_off(web_req *rq, web_resp *rs);
/* The users page's "reset password" and "turn off two-factor" actions. */
int form_user_reset(web_req *rq, web_resp *rs);

#define USER_ROUTES                                                                                                \
    {"POST", "/users/reset", PERM_ADMIN, ROUTE_PAGE, form_user_reset, NULL},                                       \
    {"POST", "/api/v1/users", PERM_ADMIN, ROUTE_API, api_user_create,                                              \
     "Create a user (name, role; password given or generated and answered once)"},                                 \
    {"PUT", "/api/v1/users/:id", PERM_ADMIN, ROUTE_API, api_user_update,                                           \
     "Change a user's role or disable them (by name; not yourself)"},                                              \
    {"POST", "/api/v1/users/:id/password", PERM_ADMIN, ROUTE_API, api_user_password,                               \
     "Reset a user's password (given or generated and answered once); their sessions end"},                       \
    {"DELETE", "/api/v1/users/:id/mfa", PERM_ADMIN, ROUTE_API, api_user_mfa_off,                                   \
     "Turn off a user's two-factor authentication (a lost device); they enrol again on /account"}

#endif
