/* The use-case layer: binding JSON to a use case's fields (every problem names its field), the
 * read-only session, one transaction per change (an error or an oversized answer saves nothing),
 * and the input schemas generated from the field tables. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/app.h"
#include "app/usecases.h"
#include "store/store.h"

static char dir[] = "/tmp/isms-test-app-XXXXXX";
static char path[300];

static int setup(void **state)
{
    (void)state;
    if (!mkdtemp(dir))
        return -1;
    snprintf(path, sizeof path, "%s/ws.db", dir);
    ws *w;
    isms_err err = {0};
    if (ws_open(path, WS_CREATE, &w, &err))
        return -1;
    ws_close(w);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd);
}

static app *open_app(int access)
{
    app *p;
    isms_err err = {0};
    assert_int_equal(app_open(path, "test", access, &p, &err), ISMS_OK);
    return p;
}

/* Bind the JSON text args to use case name; returns the code and leaves the error in err. */
static int bind(app *p, const char *name, const char *args, void *in, isms_err *err)
{
    const app_usecase *u = app_usecase_find(name);
    assert_non_null(u);
    json_t *o = json_loads(args, 0, NULL);
    assert_non_null(o);
    int rc = app_bind(p, u, o, in, err);
    json_decref(o);
    return rc;
}

static void test_bind_names_the_field(void **state)
{
    (void)state;
    app *p = open_app(APP_WRITE);
    app_risk_add_in in;
    isms_err err = {0};
    assert_int_equal(bind(p, "risk_add", "{\"title\":\"t\",\"colour\":1}", &in, &err), ISMS_EINVAL);
    assert_string_equal(err.field, "colour");
    assert_non_null(strstr(err.msg, "unknown field"));

    assert_int_equal(bind(p, "risk_add", "{\"title\":\"t\",\"threat\":\"x\",\"vulnerability\":\"v\",\"owner\":\"o\","
                                         "\"likelihood\":\"high\",\"impact\":2}", &in, &err), ISMS_EINVAL);
    assert_string_equal(err.field, "likelihood");
    assert_int_equal(bind(p, "risk_add", "{\"title\":\"t\",\"threat\":\"x\",\"vulnerability\":\"v\",\"owner\":\"o\","
                                         "\"likelihood\":9,\"impact\":2}", &in, &err), ISMS_EINVAL);
    assert_string_equal(err.field, "likelihood");
    assert_non_null(strstr(err.msg, "from 1 to 5"));
    /* blank is not a value: a required text of spaces is missing */
    assert_int_equal(bind(p, "risk_add", "{\"title\":\"  \\t \",\"threat\":\"x\",\"vulnerability\":\"v\",\"owner\":\"o\","
                                         "\"likelihood\":2,\"impact\":2}", &in, &err), ISMS_EINVAL);
    assert_string_equal(err.field, "title");
    assert_non_null(strstr(err.msg, "required"));
    assert_int_equal(bind(p, "risk_add", "{\"title\":\"two\\nlines\"}", &in, &err), ISMS_EINVAL);
    assert_string_equal(err.field, "title");

    /* trimmed, and absent numbers say so */
    assert_int_equal(bind(p, "risk_add", "{\"title\":\"  Laptop lost \",\"threat\":\"x\",\"vulnerability\":\"v\","
                                         "\"owner\":\"o\",\"likelihood\":2,\"impact\":3}", &in, &err), ISMS_OK);
    assert_string_equal(in.title, "Laptop lost");
    assert_true(in.likelihood.given && in.likelihood.v == 2);
    assert_null(in.asset);

    app_risk_treat_in t;
    assert_int_equal(bind(p, "risk_treat", "{\"id\":1,\"controls\":[\"A.8.1\",\"A.7.9\"],\"done\":true}", &t, &err), ISMS_OK);
    assert_string_equal(t.controls, "A.8.1,A.7.9");
    assert_true(t.done.given && t.done.v == 1);
    assert_false(t.residual_impact.given);
    assert_int_equal(bind(p, "risk_treat", "{\"id\":1,\"controls\":[\"A.8.1\",7]}", &t, &err), ISMS_EINVAL);
    assert_string_equal(err.field, "controls");
    assert_int_equal(bind(p, "risk_treat", "{\"id\":1,\"option\":\"ignore\"}", &t, &err), ISMS_EINVAL);
    assert_string_equal(err.field, "option");
    assert_non_null(strstr(err.msg, "mitigate, accept, transfer, avoid"));
    assert_int_equal(bind(p, "risk_treat", "{\"id\":1,\"due_date\":\"2027-13-01\"}", &t, &err), ISMS_EINVAL);
    assert_string_equal(err.field, "due_date");
    assert_int_equal(bind(p, "risk_treat", "{\"id\":1,\"done\":\"yes\"}", &t, &err), ISMS_EINVAL);
    assert_string_equal(err.field, "done");
    /* null is the same as leaving the member out */
    assert_int_equal(bind(p, "risk_treat", "{\"id\":1,\"plan\":null}", &t, &err), ISMS_OK);
    assert_null(t.plan);

    /* a list of names is an array, and stays one; a document keeps its spaces and last newline */
    app_policy_generate_in g;
    assert_int_equal(bind(p, "policy_generate", "{\"names\":[\" backup \",\"cryptography\"]}", &g, &err), ISMS_OK);
    assert_string_equal(g.names[0], "backup");
    assert_string_equal(g.names[1], "cryptography");
    assert_null(g.names[2]);
    assert_int_equal(bind(p, "policy_generate", "{\"names\":\"backup\"}", &g, &err), ISMS_EINVAL);
    assert_string_equal(err.field, "names");
    assert_int_equal(bind(p, "policy_generate", "{\"names\":[\"backup\",2]}", &g, &err), ISMS_EINVAL);
    assert_string_equal(err.field, "names");
    app_policy_edit_in e;
    assert_int_equal(bind(p, "policy_edit", "{\"name\":\"backup\",\"body\":\"    code\\n\\n# T\\n\"}", &e, &err), ISMS_OK);
    assert_string_equal(e.body, "    code\n\n# T\n");
    assert_int_equal(bind(p, "policy_edit", "{\"name\":\"backup\"}", &e, &err), ISMS_EINVAL);
    assert_string_equal(err.field, "body");
    app_close(p);
}

static long risk_total(app *p)
{
    buf b;
    buf_init(&b, 1 << 20);
    jw j;
    jw_init_buf(&j, &b);
    isms_err err = {0};
    const app_usecase *u = app_usecase_find("risk_list");
    void *in = calloc(1, u->in_size);
    assert_int_equal(app_bind(p, u, NULL, in, &err), ISMS_OK);
    assert_int_equal(app_run(p, u, in, &j, &err), ISMS_OK);
    json_t *o = json_loads(b.data, 0, NULL);
    assert_non_null(o);
    long n = (long)json_integer_value(json_object_get(o, "total"));
    json_decref(o);
    free(in);
    buf_free(&b);
    app_done(p);
    return n;
}

static int add_risk(app *p, size_t cap, isms_err *err)
{
    buf b;
    buf_init(&b, cap);
    jw j;
    jw_init_buf(&j, &b);
    app_risk_add_in in;
    assert_int_equal(bind(p, "risk_add", "{\"title\":\"Laptop lost\",\"threat\":\"Theft\",\"vulnerability\":\"No disk "
                                         "encryption\",\"owner\":\"Dana\",\"likelihood\":2,\"impact\":3}", &in, err),
                     ISMS_OK);
    int rc = app_call(p, "risk_add", &in, &j, err);
    buf_free(&b);
    app_done(p);
    return rc;
}

static void test_one_transaction_per_change(void **state)
{
    (void)state;
    /* a read-only session refuses a write and saves nothing */
    app *ro = open_app(APP_READ);
    isms_err err = {0};
    assert_int_equal(add_risk(ro, 1 << 20, &err), ISMS_ECONFLICT);
    assert_non_null(strstr(err.msg, "may only read"));
    assert_int_equal(risk_total(ro), 0);
    app_close(ro);

    app *p = open_app(APP_WRITE);
    assert_int_equal(add_risk(p, 1 << 20, &err), ISMS_OK);
    assert_int_equal(risk_total(p), 1);
    /* an answer that cannot be sent whole is an error, and the change is rolled back with it */
    assert_int_equal(add_risk(p, 64, &err), ISMS_ENOMEM);
    assert_int_equal(risk_total(p), 1);

    /* a rule the store refuses leaves the risk as it was */
    buf b;
    buf_init(&b, 1 << 20);
    jw j;
    jw_init_buf(&j, &b);
    app_risk_treat_in t;
    assert_int_equal(bind(p, "risk_treat", "{\"id\":1,\"option\":\"mitigate\",\"plan\":\"Plan-7Q\"}", &t, &err), ISMS_OK);
    assert_int_not_equal(app_call(p, "risk_treat", &t, &j, &err), ISMS_OK);
    app_done(p);
    buf_reset(&b);
    jw_init_buf(&j, &b);
    assert_int_equal(bind(p, "risk_get", "{\"id\":1}", &t, &err), ISMS_OK);
    assert_int_equal(app_call(p, "risk_get", &t, &j, &err), ISMS_OK);
    if (strstr(b.data, "Plan-7Q"))
        fail_msg("the refused treatment was saved: %s", b.data);
    buf_free(&b);
    app_done(p);

    /* an unknown risk is not found, with nothing begun left open */
    assert_int_equal(bind(p, "risk_accept", "{\"id\":42,\"by\":\"Dana\"}", &t, &err), ISMS_OK);
    buf_init(&b, 1 << 20);
    jw_init_buf(&j, &b);
    assert_int_equal(app_call(p, "risk_accept", &t, &j, &err), ISMS_ENOTFOUND);
    buf_free(&b);
    app_done(p);
    assert_int_equal(add_risk(p, 1 << 20, &err), ISMS_OK);
    assert_int_equal(risk_total(p), 2);
    app_close(p);
}

static void test_schemas_follow_the_fields(void **state)
{
    (void)state;
    const app_usecase *u;
    size_t n = 0, writes = 0;
    for (size_t i = 0; (u = app_usecase_at(i)); i++, n++) {
        buf b;
        buf_init(&b, 1 << 20);
        jw j;
        jw_init_buf(&j, &b);
        app_schema(&j, u);
        json_error_t e;
        json_t *s = json_loads(b.data, 0, &e);
        if (!s)
            fail_msg("%s: schema is not JSON: %s", u->name, e.text);
        assert_string_equal(json_string_value(json_object_get(s, "type")), "object");
        assert_true(json_is_false(json_object_get(s, "additionalProperties")));
        json_t *props = json_object_get(s, "properties"), *req = json_object_get(s, "required");
        for (const app_field *f = u->fields; f->name; f++) {
            json_t *pp = json_object_get(props, f->name);
            if (!pp || !json_string_value(json_object_get(pp, "description")))
                fail_msg("%s.%s: not in the schema or not described", u->name, f->name);
            if (f->off + (f->type == AF_INT || f->type == AF_BOOL || f->type == AF_OPTBOOL ? sizeof(app_int) : sizeof(char *)) >
                u->in_size)
                fail_msg("%s.%s: offset outside the input struct", u->name, f->name);
        }
        size_t k;
        json_t *r;
        json_array_foreach(req, k, r) assert_non_null(json_object_get(props, json_string_value(r)));
        assert_non_null(u->title);
        assert_true(strlen(u->description) > 40);
        assert_ptr_equal(app_usecase_find(u->name), u);
        writes += u->access == APP_WRITE;
        json_decref(s);
        buf_free(&b);
    }
    assert_true(n >= 25);
    assert_true(writes >= 6);
    assert_null(app_usecase_find("no_such_use_case"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bind_names_the_field),
        cmocka_unit_test(test_one_transaction_per_change),
        cmocka_unit_test(test_schemas_follow_the_fields),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
