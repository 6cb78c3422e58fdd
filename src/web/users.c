/* User administration for admins, in the API and on the users page: the store's checks (role
 * names, password length, argon2id) and its audit log, as `isms user` has them. An admin cannot
 * change, disable or reset themselves here, so no one locks themselves out by mistake. */
#include <jansson.h>
#include <sodium.h>
#include <string.h>

#include "web/api.h"
#include "web/users.h"

typedef struct user_change {
    const char *name, *role, *password;
    int disable; /* -1 unchanged, 0 enable, 1 disable */
    int64_t id;
} user_change;

static int refuse_self(web_req *rq, web_resp *rs, const char *name)
{
    if (name && rq->u.name && !strcmp(name, rq->u.name)) {
        web_json_error(rs, 422, "invalid", "name another user than yourself (use /account for your own password)");
        return -1;
    }
    return 0;
}

static void user_json(web_req *rq, web_resp *rs, int status, const char *name, const char *shown_password)
{
    user u;
    isms_err err = {0};
    if (store_user_get(rq->w, name, rq->a, &u, &err)) {
        web_json_fail(rs, &err);
        return;
    }
    jw *j = web_json_begin(rq, rs, status);
    jw_obj(j);
    jw_kint(j, "id", u.id);
    jw_kstr(j, "name", u.name);
    jw_kstr(j, "role", u.role);
    jw_kbool(j, "mfa", u.mfa_enabled);
    jw_kbool(j, "disabled", u.disabled);
    if (shown_password)
        jw_kstr(j, "password", shown_password);
    jw_obj_end(j);
}

static int do_create(web_req *rq, void *ctx, isms_err *err)
{
    user_change *c = ctx;
    return store_user_add(rq->w, c->name, c->role, c->password, &c->id, err);
}

int api_user_create(web_req *rq, web_resp *rs)
{
    json_t *o = api_body_object(rq, rs);
    if (!o)
        return 0;
    static const char *const known[] = {"name", "role", "password", NULL};
    user_change c = {.disable = -1};
    char generated[USER_PASSWORD_GENERATED + 1] = "";
    isms_err err = {0};
    if (api_only_members(rs, o, known, "a user") || api_jstr(rs, o, "name", &c.name) || api_jstr(rs, o, "role", &c.role) ||
        api_jstr(rs, o, "password", &c.password)) {
        json_decref(o);
        return 0;
    }
    if (!c.password) {
        if (user_password_generate(generated, &err)) {
            json_decref(o);
            web_json_fail(rs, &err);
            return 0;
        }
        c.password = generated;
    }
    if (!api_in_tx(rq, rs, do_create, &c))
        user_json(rq, rs, 201, c.name, *generated ? generated : NULL);
    json_decref(o);
    sodium_memzero(generated, sizeof generated);
    return 0;
}

static int do_update(web_req *rq, void *ctx, isms_err *err)
{
    user_change *c = ctx;
    user u;
    int rc = store_user_get(rq->w, c->name, rq->a, &u, err);
    if (!rc && c->role)
        rc = store_user_set_role(rq->w, c->name, c->role, err);
    if (!rc && c->disable >= 0)
        rc = store_user_disable(rq->w, c->name, c->disable, err);
    return rc;
}

int api_user_update(web_req *rq, web_resp *rs)
{
    json_t *o = api_body_object(rq, rs);
    if (!o)
        return 0;
    static const char *const known[] = {"id", "name", "role", "disabled", "mfa", NULL};
    user_change c = {.name = rq->params[0], .disable = -1};
    json_t *d = json_object_get(o, "disabled");
    if (api_only_members(rs, o, known, "a user") || api_jstr(rs, o, "role", &c.role) || refuse_self(rq, rs, c.name)) {
        json_decref(o);
        return 0;
    }
    if (d && !json_is_boolean(d)) {
        json_decref(o);
        web_json_error(rs, 422, "invalid", "disabled: must be true or false");
        return 0;
    }
    c.disable = d ? json_is_true(d) : -1;
    if (!api_in_tx(rq, rs, do_update, &c)) {
        if (c.disable == 1)
            web_sessions_end_user(c.name);
        user_json(rq, rs, 200, c.name, NULL);
    }
    json_decref(o); /* c.role points into it */
    return 0;
}

static int do_password(web_req *rq, void *ctx, isms_err *err)
{
    user_change *c = ctx;
    user u;
    int rc = store_user_get(rq->w, c->name, rq->a, &u, err);
    return rc ? rc : store_user_set_password(rq->w, c->name, c->password, err);
}

static int do_mfa_off(web_req *rq, void *ctx, isms_err *err)
{
    user_change *c = ctx;
    user u;
    int rc = store_user_get(rq->w, c->name, rq->a, &u, err);
    return rc ? rc : store_user_mfa_disable(rq->w, c->name, err);
}

int api_user_password(web_req *rq, web_resp *rs)
{
    user_change c = {.name = rq->params[0], .disable = -1};
    char generated[USER_PASSWORD_GENERATED + 1] = "";
    isms_err err = {0};
    json_t *o = NULL;
    if (rq->body->len) {
        static const char *const known[] = {"password", NULL};
        if (!(o = api_body_object(rq, rs)))
            return 0;
        if (api_only_members(rs, o, known, "a user") || api_jstr(rs, o, "password", &c.password)) {
            json_decref(o);
            return 0;
        }
    }
    if (refuse_self(rq, rs, c.name)) {
        json_decref(o);
        return 0;
    }
    if (!c.password) {
        if (user_password_generate(generated, &err)) {
            json_decref(o);
            web_json_fail(rs, &err);
            return 0;
        }
        c.password = generated;
    }
    if (!api_in_tx(rq, rs, do_password, &c)) {
        web_sessions_end_user(c.name);
        user_json(rq, rs, 200, c.name, *generated ? generated : NULL);
    }
    json_decref(o);
    sodium_memzero(generated, sizeof generated);
    return 0;
}

int api_user_mfa_off(web_req *rq, web_resp *rs)
{
    user_change c = {.name = rq->params[0], .disable = -1};
    if (refuse_self(rq, rs, c.name) || api_in_tx(rq, rs, do_mfa_off, &c))
        return 0;
    rs->status = 204;
    rs->ctype = NULL;
    buf_reset(&rs->body);
    return 0;
}

int form_user_reset(web_req *rq, web_resp *rs)
{
    const char *action = web_form(rq, "action");
    user_change c = {.name = web_form(rq, "name"), .disable = -1};
    char generated[USER_PASSWORD_GENERATED + 1] = "";
    web_resp tmp = {.status = 200};
    buf_init(&tmp.body, 1 << 16);
    isms_err err = {0};
    int password = action && !strcmp(action, "password");
    int rc = (!c.name || !*c.name) ? (web_json_error(&tmp, 422, "invalid", "name the user"), -1)
             : refuse_self(rq, &tmp, c.name)                            ? -1
             : !password && !(action && !strcmp(action, "mfa_off"))
                 ? (web_json_error(&tmp, 422, "invalid", "action must be password or mfa_off"), -1)
                 : 0;
    if (!rc && password) {
        rc = user_password_generate(generated, &err) ? (web_json_fail(&tmp, &err), -1) : 0;
        c.password = generated;
        rc = rc ? rc : api_in_tx(rq, &tmp, do_password, &c);
    } else if (!rc) {
        rc = api_in_tx(rq, &tmp, do_mfa_off, &c);
    }
    page_head(rq, rs, "Users", "/users");
    if (rc) {
        rs->status = tmp.status >= 400 ? tmp.status : 422;
        web_html(rs, "<h1>Users</h1><p class=\"error\" role=\"alert\" id=\"form-error\">%s</p>",
                 web_error_text(rq, &tmp));
    } else if (password) {
        web_sessions_end_user(c.name);
        web_html(rs, "<h1>Password of %s reset</h1><p>Their sessions have ended. Give them this password, shown "
                     "once: <code id=\"new-password\">%s</code></p>",
                 c.name, generated);
    } else {
        web_html(rs, "<h1>Two-factor turned off for %s</h1><p>They sign in with their password and enrol a new "
                     "device on their account page.</p>",
                 c.name);
    }
    web_raw(rs, "<p><a href=\"/users\">Back to users</a></p>");
    page_foot(rs);
    buf_free(&tmp.body);
    sodium_memzero(generated, sizeof generated);
    return 0;
}
