/* API tokens for the admin, in the API and on the /users page: list, create (the token is shown
 * once; only its SHA-256 is kept, as `isms token create` does) and revoke. A token is never put in
 * a log, a redirect or the audit log. */
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/json.h"
#include "web/api.h"
#include "web/checks.h"


/* The user named by ref: a number is the user's id, anything else the name. */
static int find_user(web_req *rq, const char *ref, user *out, isms_err *err)
{
    if (*ref && strspn(ref, "0123456789") == strlen(ref) && strlen(ref) < 19) {
        user *u;
        size_t n;
        int rc = store_user_list(rq->w, rq->a, &u, &n, err);
        if (rc)
            return rc;
        for (size_t i = 0; i < n; i++)
            if (u[i].id == atoll(ref)) {
                *out = u[i];
                return ISMS_OK;
            }
        return err_set(err, ISMS_ENOTFOUND, "no user '%s' (see `isms user list`)", ref);
    }
    return store_user_get(rq->w, ref, rq->a, out, err);
}

/* A label is free text for people: short and printable. */
static int label_ok(const char *label, isms_err *err)
{
    if (!label)
        return ISMS_OK;
    if (strlen(label) > 200)
        return err_set(err, ISMS_EINVAL, "label: at most 200 characters");
    for (const unsigned char *p = (const unsigned char *)label; *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            return err_set(err, ISMS_EINVAL, "label: no control characters");
    return ISMS_OK;
}

typedef struct token_new {
    const char *user, *label;
    char token[96];
    int64_t id;
} token_new;

static int do_token_create(web_req *rq, void *p, isms_err *err)
{
    token_new *t = p;
    return store_token_create(rq->w, t->user, t->label && *t->label ? t->label : NULL, t->token, sizeof t->token,
                              &t->id, err);
}

static int do_token_revoke(web_req *rq, void *p, isms_err *err) { return store_token_revoke(rq->w, *(int64_t *)p, err); }

/* A token id from the path or a form: digits only, else 0. */
static int64_t token_id(const char *s)
{
    if (!s || !*s || strspn(s, "0123456789") != strlen(s) || strlen(s) > 15)
        return 0;
    return atoll(s);
}

/* --- the API --- */

int api_user_tokens_list(web_req *rq, web_resp *rs)
{
    user u;
    api_token *t;
    size_t n;
    isms_err err = {0};
    if (find_user(rq, rq->params[0], &u, &err) || store_token_list(rq->w, rq->a, &t, &n, &err)) {
        web_json_fail(rs, &err);
        return 0;
    }
    jw *j = web_json_begin(rq, rs, 200);
    jw_obj(j);
    jw_key(j, "items");
    jw_arr(j);
    for (size_t i = 0; i < n; i++)
        if (!strcmp(t[i].user, u.name))
            json_api_token(j, &t[i]);
    jw_arr_end(j);
    jw_obj_end(j);
    return 0;
}

int api_user_tokens_create(web_req *rq, web_resp *rs)
{
    json_t *o = rq->body->len ? api_body_object(rq, rs) : json_object();
    if (!o)
        return 0;
    user u;
    isms_err err = {0};
    token_new t = {0};
    const char *key;
    json_t *v;
    json_object_foreach(o, key, v)
    {
        if (strcmp(key, "label")) {
            web_json_error(rs, 422, "invalid", "%.60s: a token has only a label", key);
            goto done;
        }
    }
    if (api_jstr(rs, o, "label", &t.label))
        goto done;
    if (label_ok(t.label, &err)) {
        web_json_error(rs, 422, "invalid", "%s", err.msg);
        goto done;
    }
    if (find_user(rq, rq->params[0], &u, &err)) {
        web_json_fail(rs, &err);
        goto done;
    }
    t.user = u.name;
    if (!api_in_tx(rq, rs, do_token_create, &t)) {
        jw *j = web_json_begin(rq, rs, 201);
        jw_obj(j);
        jw_kint(j, "id", t.id);
        jw_kstr(j, "user", u.name);
        jw_kstr(j, "label", t.label && *t.label ? t.label : NULL);
        jw_kstr(j, "token", t.token);
        jw_obj_end(j);
    }
done:
    sodium_memzero(t.token, sizeof t.token);
    json_decref(o);
    return 0;
}

int api_token_revoke(web_req *rq, web_resp *rs)
{
    int64_t id = token_id(rq->params[0]);
    if (!id) {
        web_json_error(rs, 404, "not_found", "no token '%.40s': token ids are numbers (see `isms token list`)",
                       rq->params[0]);
        return 0;
    }
    if (!api_in_tx(rq, rs, do_token_revoke, &id)) {
        rs->status = 204;
        buf_reset(&rs->body);
    }
    return 0;
}

/* --- the /users page --- */

static void csrf_field(web_req *rq, web_resp *rs)
{
    web_html(rs, "<input type=\"hidden\" name=\"csrf\" value=\"%s\">", rq->csrf ? rq->csrf : "");
}

void page_users_tokens(web_req *rq, web_resp *rs)
{
    api_token *t;
    size_t nt = 0;
    user *u;
    size_t nu = 0;
    isms_err err = {0};
    const char *revoked = web_query(rq, "revoked");
    web_raw(rs, "<h2 id=\"tokens\">API tokens</h2>");
    if (token_id(revoked))
        web_html(rs, "<p class=\"notice\" role=\"status\" id=\"token-revoked\">Token %s revoked.</p>", revoked);
    web_raw(rs, "<table id=\"token-list\"><thead><tr><th>ID</th><th>User</th><th>Token</th><th>Label</th><th>Created</th>"
                "<th>Last used</th><th>State</th><th></th></tr></thead><tbody>");
    if (store_token_list(rq->w, rq->a, &t, &nt, &err) == ISMS_OK)
        for (size_t i = 0; i < nt; i++) {
            web_html(rs, "<tr><td>%lld</td><td>%s</td><td><code>%s…</code></td><td>%s</td><td>%s</td><td>%s</td>"
                         "<td>%s</td><td>",
                     (long long)t[i].id, t[i].user, t[i].prefix, t[i].label ? t[i].label : "", t[i].created_at,
                     t[i].last_used_at ? t[i].last_used_at : "never", t[i].revoked_at ? "revoked" : "active");
            if (!t[i].revoked_at) {
                web_raw(rs, "<form class=\"inline\" method=\"post\" action=\"/users/tokens/revocation\">");
                csrf_field(rq, rs);
                web_html(rs, "<input type=\"hidden\" name=\"id\" value=\"%lld\"><button type=\"submit\" class=\"small\">"
                             "Revoke</button></form>",
                         (long long)t[i].id);
            }
            web_raw(rs, "</td></tr>");
        }
    web_raw(rs, "</tbody></table><h3>Create an API token</h3><form method=\"post\" action=\"/users/tokens\" class=\"edit\" "
                "id=\"token-form\">");
    csrf_field(rq, rs);
    web_raw(rs, "<label>For user <select name=\"user\">");
    if (store_user_list(rq->w, rq->a, &u, &nu, &err) == ISMS_OK)
        for (size_t i = 0; i < nu; i++)
            if (!u[i].disabled)
                web_html(rs, "<option>%s</option>", u[i].name);
    web_raw(rs, "</select></label><label>Label <input name=\"label\" placeholder=\"CI pipeline\"></label>"
                "<button type=\"submit\">Create token</button></form><p class=\"muted\">The token is shown once; only "
                "its SHA-256 is kept. From the command line: <code>isms token create --user NAME</code>.</p>");
}

static void token_page_error(web_req *rq, web_resp *rs, int status, const char *msg)
{
    rs->status = status;
    page_head(rq, rs, "API tokens", "/users");
    web_html(rs, "<h1>API tokens</h1><p class=\"error\" role=\"alert\" id=\"form-error\">%s</p>"
                 "<p><a href=\"/users#tokens\">Back to users</a></p>",
             msg);
    page_foot(rs);
}

int form_token_create(web_req *rq, web_resp *rs)
{
    token_new t = {.label = web_form(rq, "label")};
    user u;
    isms_err err = {0};
    const char *name = web_form(rq, "user");
    if (!name || !*name) {
        token_page_error(rq, rs, 422, "choose the user the token is for");
        return 0;
    }
    if (label_ok(t.label, &err) || find_user(rq, name, &u, &err)) {
        token_page_error(rq, rs, err.code == ISMS_ENOTFOUND ? 404 : 422, err.msg);
        return 0;
    }
    t.user = u.name;
    if (ws_begin(rq->w, &err) || do_token_create(rq, &t, &err) || ws_commit(rq->w, &err)) {
        ws_rollback(rq->w);
        token_page_error(rq, rs, err.code == ISMS_ENOTFOUND ? 404 : err.code == ISMS_EINVAL ? 422 : 500, err.msg);
    } else {
        page_head(rq, rs, "API tokens", "/users");
        web_html(rs, "<h1>Token %lld for %s created</h1><p>Copy it now: it is shown once, and only its hash is kept.</p>"
                     "<p><code class=\"secret\" id=\"new-token\">%s</code></p><p><a href=\"/users#tokens\">Back to users</a></p>",
                 (long long)t.id, u.name, t.token);
        page_foot(rs);
    }
    sodium_memzero(t.token, sizeof t.token);
    return 0;
}

int form_token_revoke(web_req *rq, web_resp *rs)
{
    int64_t id = token_id(web_form(rq, "id"));
    if (!id) {
        token_page_error(rq, rs, 422, "token ids are numbers (see `isms token list`)");
        return 0;
    }
    isms_err err = {0};
    if (ws_begin(rq->w, &err) || store_token_revoke(rq->w, id, &err) || ws_commit(rq->w, &err)) {
        ws_rollback(rq->w);
        token_page_error(rq, rs, err.code == ISMS_ENOTFOUND ? 404 : 500, err.msg);
    } else {
        web_redirect(rs, arena_sprintf(rq->a, "/users?revoked=%lld#tokens", (long long)id));
    }
    return 0;
}
