/* Helpers the JSON API files share: paging, the body and its members, one transaction per change. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "app/usecases.h"
#include "web/api.h"

int api_page_params(web_req *rq, web_resp *rs, page_query *pq)
{
    const char *l = web_query(rq, "limit"), *o = web_query(rq, "offset");
    char *end;
    pq->limit = 50;
    pq->offset = 0;
    if (l) {
        pq->limit = strtol(l, &end, 10);
        if (!*l || *end || pq->limit < 1 || pq->limit > 500) {
            web_json_error(rs, 400, "bad_parameter", "limit must be a whole number from 1 to 500");
            return -1;
        }
    }
    if (o) {
        pq->offset = strtol(o, &end, 10);
        if (!*o || *end || pq->offset < 0 || pq->offset > 1000000000L) {
            web_json_error(rs, 400, "bad_parameter", "offset must be a whole number, 0 or more");
            return -1;
        }
    }
    return 0;
}

/* The JSON object body of a request, or NULL with a 400 already written. */
json_t *api_body_object(web_req *rq, web_resp *rs)
{
    if (!rq->body->len) {
        web_json_error(rs, 400, "invalid_json", "the request needs a JSON object body");
        return NULL;
    }
    json_error_t je;
    json_t *j = json_loadb(rq->body->data, rq->body->len, JSON_REJECT_DUPLICATES, &je);
    if (!j) {
        web_json_error(rs, 400, "invalid_json", "malformed JSON at line %d, column %d: %s", je.line, je.column, je.text);
        return NULL;
    }
    if (!json_is_object(j)) {
        json_decref(j);
        web_json_error(rs, 400, "invalid_json", "the body must be a JSON object");
        return NULL;
    }
    return j;
}

/* A string member: absent leaves *out alone; another type is a 422 naming the field. */
int api_jstr(web_resp *rs, json_t *o, const char *k, const char **out)
{
    json_t *v = json_object_get(o, k);
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_string(v)) {
        web_json_error(rs, 422, "invalid", "%s: must be a string", k);
        return -1;
    }
    *out = json_string_value(v);
    return 0;
}

int api_jint(web_resp *rs, json_t *o, const char *k, int *out)
{
    json_t *v = json_object_get(o, k);
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_integer(v) || json_integer_value(v) < -1000000 || json_integer_value(v) > 1000000) {
        web_json_error(rs, 422, "invalid", "%s: must be a whole number", k);
        return -1;
    }
    *out = (int)json_integer_value(v);
    return 0;
}

const char *web_error_text(web_req *rq, const web_resp *tmp)
{
    json_t *j = json_loadb(tmp->body.data ? tmp->body.data : "{}", tmp->body.len, 0, NULL);
    const char *m = j ? json_string_value(json_object_get(json_object_get(j, "error"), "message")) : NULL;
    const char *out = arena_strdup(rq->a, m ? m : "the change was refused");
    json_decref(j);
    return out;
}

int api_only_members(web_resp *rs, json_t *o, const char *const *known, const char *what)
{
    const char *key;
    json_t *v;
    json_object_foreach(o, key, v)
    {
        const char *const *k = known;
        while (*k && strcmp(*k, key))
            k++;
        if (!*k) {
            web_json_error(rs, 422, "invalid", "%.60s: not a field of %s", key, what);
            return -1;
        }
    }
    return 0;
}

json_t *api_with_key(json_t *o, const char *key, json_t *v)
{
    json_t *a = json_is_object(o) ? json_copy(o) : json_object();
    json_object_set_new(a, key, v);
    return a;
}

/* Run fn in one transaction; on failure roll back and answer with the error. */
int api_call(web_req *rq, const char *name, const void *in, json_t **answer, isms_err *err)
{
    if (answer)
        *answer = NULL;
    app *p;
    int rc = app_attach(rq->w, APP_WRITE, &p, err);
    buf b;
    buf_init(&b, 64u << 20);
    jw j;
    jw_init_buf(&j, &b);
    if (!rc)
        rc = app_call(p, name, in, &j, err);
    if (!rc && answer && !(*answer = json_loadb(b.data ? b.data : "{}", b.len, 0, NULL)))
        rc = err_set(err, ISMS_ENOMEM, "out of memory");
    buf_free(&b);
    app_close(p);
    return rc;
}

int api_usecase(web_req *rq, web_resp *rs, const char *name, json_t *args, int status)
{
    const app_usecase *u = app_usecase_find(name);
    isms_err err = {0};
    app *p = NULL;
    int rc = u ? app_attach(rq->w, APP_WRITE, &p, &err) : err_set(&err, ISMS_ENOTFOUND, "no use case '%s'", name);
    void *in = rc ? NULL : arena_alloc(rq->a, u->in_size ? u->in_size : 1);
    if (!rc && !in)
        rc = err_set(&err, ISMS_ENOMEM, "out of memory");
    if (!rc)
        rc = app_bind(p, u, args, in, &err);
    buf scratch;
    buf_init(&scratch, 64u << 20);
    jw sj;
    jw_init_buf(&sj, &scratch);
    if (!rc)
        rc = app_run(p, u, in, status ? web_json_begin(rq, rs, status) : &sj, &err);
    buf_free(&scratch);
    app_close(p);
    if (rc)
        web_json_fail(rs, &err);
    return rc ? -1 : 0;
}

int api_in_tx(web_req *rq, web_resp *rs, int (*fn)(web_req *, void *, isms_err *), void *ctx)
{
    isms_err err = {0};
    if (ws_begin(rq->w, &err) || fn(rq, ctx, &err) || ws_commit(rq->w, &err)) {
        ws_rollback(rq->w);
        web_json_fail(rs, &err);
        return -1;
    }
    return 0;
}
