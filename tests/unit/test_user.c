/* Password checks and token resolution, the parts the web app's login and API auth rely on. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/internal.h"
#include "store/store.h"

static char dir[] = "/tmp/isms-test-user-XXXXXX";
static char path[256];

static ws *open_ws(void)
{
    ws *w;
    isms_err err = {0};
    assert_int_equal(ws_open(path, WS_CREATE, &w, &err), ISMS_OK);
    return w;
}

static void test_password_check(void **state)
{
    (void)state;
    ws *w = open_ws();
    isms_err err = {0};
    int64_t id;
    int ok;
    assert_int_equal(ws_begin(w, &err), ISMS_OK);
    assert_int_equal(store_user_add(w, "alice", "admin", "a long enough password", &id, &err), ISMS_OK);
    assert_int_equal(ws_commit(w, &err), ISMS_OK);
    assert_int_equal(store_user_check_password(w, "alice", "a long enough password", &ok, &err), ISMS_OK);
    assert_true(ok);
    assert_int_equal(store_user_check_password(w, "alice", "a long enough passwore", &ok, &err), ISMS_OK);
    assert_false(ok);
    assert_int_equal(store_user_check_password(w, "mallory", "a long enough password", &ok, &err), ISMS_OK);
    assert_false(ok);
    assert_int_equal(store_user_check_password(w, "alice", NULL, &ok, &err), ISMS_OK);
    assert_false(ok);
    assert_int_equal(ws_begin(w, &err), ISMS_OK);
    assert_int_equal(store_user_disable(w, "alice", 1, &err), ISMS_OK);
    assert_int_equal(ws_commit(w, &err), ISMS_OK);
    assert_int_equal(store_user_check_password(w, "alice", "a long enough password", &ok, &err), ISMS_OK);
    assert_false(ok); /* a disabled user cannot log in */
    ws_close(w);
}

static void test_tokens(void **state)
{
    (void)state;
    ws *w = open_ws();
    isms_err err = {0};
    int64_t id, tid;
    char tok[96];
    arena a;
    arena_init(&a);
    user u;
    assert_int_equal(ws_begin(w, &err), ISMS_OK);
    assert_int_equal(store_user_add(w, "bot", "viewer", "another long password", &id, &err), ISMS_OK);
    assert_int_equal(store_token_create(w, "bot", "ci", tok, sizeof tok, &tid, &err), ISMS_OK);
    assert_int_equal(ws_commit(w, &err), ISMS_OK);
    assert_int_equal(store_token_user(w, tok, &a, &u, &err), ISMS_OK);
    assert_string_equal(u.name, "bot");
    assert_string_equal(u.role, "viewer");
    char forged[96];
    snprintf(forged, sizeof forged, "%s", tok);
    forged[20] = forged[20] == 'a' ? 'b' : 'a';
    assert_int_equal(store_token_user(w, forged, &a, &u, &err), ISMS_ENOTFOUND);
    assert_int_equal(store_token_user(w, "isms_short", &a, &u, &err), ISMS_ENOTFOUND);
    assert_int_equal(store_token_user(w, "' OR 1=1 --", &a, &u, &err), ISMS_ENOTFOUND);
    assert_int_equal(ws_begin(w, &err), ISMS_OK);
    assert_int_equal(store_token_revoke(w, tid, &err), ISMS_OK);
    assert_int_equal(ws_commit(w, &err), ISMS_OK);
    assert_int_equal(store_token_user(w, tok, &a, &u, &err), ISMS_ENOTFOUND);
    arena_free(&a);
    ws_close(w);
}

/* The web server keeps its authentication statements prepared per connection: another
 * connection's changes must show at once, and a kept statement must not hold a read open (which
 * would stop the WAL from being checkpointed while the server runs). */
static void test_kept_statements(void **state)
{
    (void)state;
    ws *server = open_ws(), *cli = open_ws();
    isms_err err = {0};
    int64_t id, tid;
    char tok[96];
    arena a;
    arena_init(&a);
    user u;
    assert_int_equal(ws_begin(cli, &err), ISMS_OK);
    assert_int_equal(store_user_add(cli, "kept", "viewer", "a long enough password", &id, &err), ISMS_OK);
    assert_int_equal(store_token_create(cli, "kept", "ci", tok, sizeof tok, &tid, &err), ISMS_OK);
    assert_int_equal(ws_commit(cli, &err), ISMS_OK);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(store_token_user(server, tok, &a, &u, &err), ISMS_OK);
        assert_int_equal(store_user_get(server, "kept", &a, &u, &err), ISMS_OK);
    }
    assert_string_equal(u.role, "viewer");
    int log = -1, done = -1;
    assert_int_equal(sqlite3_wal_checkpoint_v2(cli->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, &log, &done), SQLITE_OK);
    assert_int_equal(ws_begin(cli, &err), ISMS_OK);
    assert_int_equal(store_user_set_role(cli, "kept", "editor", &err), ISMS_OK);
    assert_int_equal(ws_commit(cli, &err), ISMS_OK);
    assert_int_equal(store_user_get(server, "kept", &a, &u, &err), ISMS_OK);
    assert_string_equal(u.role, "editor");
    assert_int_equal(store_user_get(server, "nobody", &a, &u, &err), ISMS_ENOTFOUND);
    assert_int_equal(ws_begin(cli, &err), ISMS_OK);
    assert_int_equal(store_token_revoke(cli, tid, &err), ISMS_OK);
    assert_int_equal(ws_commit(cli, &err), ISMS_OK);
    assert_int_equal(store_token_user(server, tok, &a, &u, &err), ISMS_ENOTFOUND);
    assert_int_equal(sqlite3_wal_checkpoint_v2(cli->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, &log, &done), SQLITE_OK);
    arena_free(&a);
    ws_close(server);
    ws_close(cli);
}

int main(void)
{
    if (!mkdtemp(dir))
        return 1;
    snprintf(path, sizeof path, "%s/w.db", dir);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_password_check),
        cmocka_unit_test(test_tokens),
        cmocka_unit_test(test_kept_statements),
    };
    int rc = cmocka_run_group_tests_name("user", tests, NULL, NULL);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        rc = 1;
    return rc;
}
