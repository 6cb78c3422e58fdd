/* The audit log's anchor: signing keys, checkpoint signatures, the two-slot checkpoint file, and
 * the store refusing to sign over a log that no longer matches its checkpoint. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/anchor.h"
#include "store/internal.h"
#include "store/store.h"

static char dir[] = "/tmp/isms-test-anchor-XXXXXX";

static const char *in_dir(const char *name)
{
    static char p[4][300];
    static int i;
    i = (i + 1) % 4;
    snprintf(p[i], sizeof p[i], "%s/%s", dir, name);
    return p[i];
}

static const char head[] = "1111111111111111111111111111111111111111111111111111111111111111";

static void new_key(const char *name, anchor_key *k)
{
    isms_err err = {0};
    unlink(in_dir(name));
    assert_int_equal(anchor_key_create(in_dir(name), k, &err), ISMS_OK);
}

static void test_sign_verify(void **state)
{
    (void)state;
    anchor_key k, other;
    new_key("a.key", &k);
    new_key("b.key", &other);
    anchor_checkpoint c;
    anchor_sign(&k, 42, head, &c);
    assert_int_equal(c.count, 42);
    assert_string_equal(c.head, head);
    assert_true(anchor_verify(&c, k.public_key));
    /* Another key does not verify it, whatever the checkpoint says its key is. */
    assert_false(anchor_verify(&c, other.public_key));
    /* Each signed field matters: count, head, time, workspace; and the signature itself. */
    anchor_checkpoint t = c;
    t.count = 41;
    assert_false(anchor_verify(&t, k.public_key));
    t = c;
    t.head[0] = '2';
    assert_false(anchor_verify(&t, k.public_key));
    t = c;
    t.at[3] = t.at[3] == '9' ? '8' : '9';
    assert_false(anchor_verify(&t, k.public_key));
    t = c;
    t.workspace[0] = t.workspace[0] == 'a' ? 'b' : 'a';
    assert_false(anchor_verify(&t, k.public_key));
    t = c;
    t.signature[10] = t.signature[10] == '0' ? '1' : '0';
    assert_false(anchor_verify(&t, k.public_key));
    snprintf(t.signature, sizeof t.signature, "zz");
    assert_false(anchor_verify(&t, k.public_key));
}

static void test_json_round_trip(void **state)
{
    (void)state;
    anchor_key k;
    new_key("a.key", &k);
    anchor_checkpoint c, back;
    anchor_sign(&k, 7, head, &c);
    char text[ANCHOR_SLOT];
    int len = anchor_checkpoint_json(&c, text, sizeof text);
    assert_true(len > 0);
    isms_err err = {0};
    assert_int_equal(anchor_checkpoint_parse(text, (size_t)len, &back, &err), ISMS_OK);
    assert_true(anchor_verify(&back, k.public_key));
    assert_memory_equal(&c, &back, sizeof c);
    /* Malformed checkpoints are refused with the field named. */
    const char *bad[] = {
        "[]",
        "{\"format\":\"isms-checkpoint/2\"}",
        "{\"format\":\"isms-checkpoint/1\",\"workspace\":\"xyz\"}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        assert_int_equal(anchor_checkpoint_parse(bad[i], strlen(bad[i]), &back, &err), ISMS_EINVAL);
    /* A time with a newline would change the signed message's lines: refused. */
    char *at = strstr(text, "\"at\":\"") + 6;
    at[4] = 'x';
    assert_int_equal(anchor_checkpoint_parse(text, (size_t)len, &back, &err), ISMS_EINVAL);
    assert_non_null(strstr(err.msg, "time"));
}

static void test_key_file(void **state)
{
    (void)state;
    anchor_key k, back;
    isms_err err = {0};
    new_key("k.key", &k);
    struct stat st;
    assert_int_equal(stat(in_dir("k.key"), &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(anchor_key_load(in_dir("k.key"), &back, &err), ISMS_OK);
    assert_memory_equal(&k, &back, sizeof k);
    /* Never overwritten. */
    assert_int_equal(anchor_key_create(in_dir("k.key"), &back, &err), ISMS_ECONFLICT);
    assert_int_equal(anchor_key_load(in_dir("k.key"), &back, &err), ISMS_OK);
    assert_memory_equal(&k, &back, sizeof k);
    /* Readable by group or others: refused, naming the fix. */
    chmod(in_dir("k.key"), 0640);
    assert_int_equal(anchor_key_load(in_dir("k.key"), &back, &err), ISMS_EINVAL);
    assert_non_null(strstr(err.msg, "chmod 600"));
    chmod(in_dir("k.key"), 0600);
    assert_int_equal(anchor_key_load(in_dir("nope.key"), &back, &err), ISMS_ENOTFOUND);
    /* A secret key that does not match its public key is not a key. */
    FILE *f = fopen(in_dir("k.key"), "r+");
    char text[1024];
    size_t n = fread(text, 1, sizeof text - 1, f);
    text[n] = '\0';
    char *pub = strstr(text, "public ") + 7;
    pub[0] = pub[0] == 'a' ? 'b' : 'a';
    rewind(f);
    fwrite(text, 1, n, f);
    fclose(f);
    assert_int_equal(anchor_key_load(in_dir("k.key"), &back, &err), ISMS_EINVAL);
}

static void test_public_key_arg(void **state)
{
    (void)state;
    anchor_key k;
    new_key("a.key", &k);
    char hex[65];
    anchor_hex(k.public_key, sizeof k.public_key, hex);
    unsigned char pk[ANCHOR_PUBLIC_KEY_BYTES];
    isms_err err = {0};
    assert_int_equal(anchor_public_key_arg(hex, pk, &err), ISMS_OK);
    assert_memory_equal(pk, k.public_key, sizeof pk);
    FILE *f = fopen(in_dir("a.pub"), "w");
    fprintf(f, "# a comment\n%s\n", hex);
    fclose(f);
    memset(pk, 0, sizeof pk);
    assert_int_equal(anchor_public_key_arg(in_dir("a.pub"), pk, &err), ISMS_OK);
    assert_memory_equal(pk, k.public_key, sizeof pk);
    assert_int_equal(anchor_public_key_arg("abcd", pk, &err), ISMS_EINVAL);
}

static void test_file_slots(void **state)
{
    (void)state;
    anchor_key k, other;
    new_key("a.key", &k);
    new_key("b.key", &other);
    const char *cp = in_dir("c.checkpoint");
    isms_err err = {0};
    anchor_checkpoint c, got;
    int written;
    unlink(cp);
    assert_int_equal(anchor_file_read(cp, k.public_key, &got, NULL, &err), ANCHOR_FILE_MISSING);
    assert_int_equal(anchor_file_advance(cp, &k, 1, head, NULL, &written, &err), ISMS_ENOTFOUND);
    anchor_sign(&k, 3, head, &c);
    assert_int_equal(anchor_file_create(cp, &c, &err), ISMS_OK);
    assert_int_equal(anchor_file_read(cp, k.public_key, &got, NULL, &err), ANCHOR_FILE_OK);
    assert_int_equal(got.count, 3);
    /* Forward only: an older count is not written over a newer one. */
    assert_int_equal(anchor_file_advance(cp, &k, 2, head, NULL, &written, &err), ISMS_OK);
    assert_false(written);
    assert_int_equal(anchor_file_advance(cp, &k, 5, head, NULL, &written, &err), ISMS_OK);
    assert_true(written);
    assert_int_equal(anchor_file_advance(cp, &k, 6, head, NULL, &written, &err), ISMS_OK);
    assert_int_equal(anchor_file_read(cp, k.public_key, &got, NULL, &err), ANCHOR_FILE_OK);
    assert_int_equal(got.count, 6);
    /* Another key: the signatures do not verify. */
    assert_int_equal(anchor_file_read(cp, other.public_key, &got, NULL, &err), ANCHOR_FILE_BADSIG);
    /* A torn write damages one slot: the other still holds the previous checkpoint. */
    int fd = open(cp, O_RDWR);
    char slot[ANCHOR_SLOT];
    assert_int_equal(pread(fd, slot, sizeof slot, 0), ANCHOR_SLOT);
    int newest_first = strstr(slot, "\"count\":6") != NULL;
    off_t off = newest_first ? 0 : ANCHOR_SLOT;
    assert_int_equal(pwrite(fd, "{\"format\":\"isms-ch", 18, off + 40), 18);
    close(fd);
    assert_int_equal(anchor_file_read(cp, k.public_key, &got, NULL, &err), ANCHOR_FILE_OK);
    assert_int_equal(got.count, 5);
    /* And the next checkpoint goes into the damaged slot, keeping the good one. */
    assert_int_equal(anchor_file_advance(cp, &k, 7, head, NULL, &written, &err), ISMS_OK);
    assert_int_equal(anchor_file_read(cp, k.public_key, &got, NULL, &err), ANCHOR_FILE_OK);
    assert_int_equal(got.count, 7);
    /* What a process verified before is not verified again, but only the very same checkpoint:
     * a slot changed behind it is checked afresh. */
    anchor_seen seen = {0};
    assert_int_equal(anchor_file_read(cp, k.public_key, &got, &seen, &err), ANCHOR_FILE_OK);
    assert_true(seen.valid);
    assert_int_equal(anchor_file_read(cp, k.public_key, &got, &seen, &err), ANCHOR_FILE_OK);
    assert_int_equal(got.count, 7);
    anchor_checkpoint forged = got;
    forged.signature[0] = forged.signature[0] == '0' ? '1' : '0';
    assert_int_equal(anchor_file_create(cp, &forged, &err), ISMS_OK);
    assert_int_equal(anchor_file_read(cp, k.public_key, &got, &seen, &err), ANCHOR_FILE_BADSIG);
    assert_int_equal(anchor_file_advance(cp, &k, 8, head, &seen, &written, &err), ISMS_OK);
    assert_true(written);
    assert_int_equal(anchor_file_read(cp, k.public_key, &got, NULL, &err), ANCHOR_FILE_OK);
    assert_int_equal(got.count, 8);
    /* Both slots gone: damaged. */
    fd = open(cp, O_RDWR | O_TRUNC);
    assert_int_equal(write(fd, "garbage\n", 8), 8);
    close(fd);
    assert_int_equal(anchor_file_read(cp, k.public_key, &got, NULL, &err), ANCHOR_FILE_DAMAGED);
}

static void add_assets(ws *w, int from, int n)
{
    isms_err err = {0};
    for (int i = from; i < from + n; i++) {
        char name[32];
        snprintf(name, sizeof name, "asset %d", i);
        asset a = {.name = name, .type = "software", .owner = "IT", .classification = "internal"};
        assert_int_equal(ws_begin(w, &err), ISMS_OK);
        int64_t id;
        assert_int_equal(store_asset_insert(w, &a, &id, &err), ISMS_OK);
        assert_int_equal(ws_commit(w, &err), ISMS_OK);
    }
}

/* The store signs every commit, verifies against it, and refuses to sign over a cut log. */
static void test_store_anchor(void **state)
{
    (void)state;
    ws *w;
    isms_err err = {0};
    const char *db = in_dir("w.db");
    assert_int_equal(ws_open(db, WS_CREATE, &w, &err), ISMS_OK);
    /* Every commit is flushed before it is acknowledged: FULL (2), not NORMAL (1), in WAL mode. */
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(w->db, "PRAGMA synchronous", -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(st, 0), 2);
    sqlite3_finalize(st);
    add_assets(w, 0, 3);
    audit_check ac;
    assert_int_equal(store_audit_check(w, NULL, NULL, &ac, &err), ISMS_OK);
    assert_int_equal(ac.nproblems, 0);
    assert_true(ac.anchored);
    assert_int_equal(ac.ck.count, 3);
    assert_int_equal(ac.entries, 3);
    /* Delete the newest entry behind the store's back. */
    assert_int_equal(st_exec(w, "DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE seq = 3", &err),
                     ISMS_OK);
    assert_int_equal(store_audit_check(w, NULL, NULL, &ac, &err), ISMS_OK);
    assert_int_equal(ac.nproblems, 1);
    assert_int_equal(ac.bad_seq, 3);
    assert_non_null(strstr(ac.problems[0], "entries 3 to 3 were deleted"));
    /* A change on top is refused, not signed over the cut. */
    asset a = {.name = "later", .type = "software", .owner = "IT", .classification = "internal"};
    assert_int_equal(ws_begin(w, &err), ISMS_OK);
    int64_t id;
    assert_int_equal(store_asset_insert(w, &a, &id, &err), ISMS_OK);
    assert_int_equal(ws_commit(w, &err), ISMS_ECONFLICT);
    assert_non_null(strstr(err.msg, "not saved"));
    ws_rollback(w);
    /* A pinned key other than the workspace's fails the signature. */
    anchor_key other;
    new_key("b.key", &other);
    assert_int_equal(store_audit_check(w, NULL, other.public_key, &ac, &err), ISMS_OK);
    assert_true(ac.nproblems >= 1);
    assert_non_null(strstr(ac.problems[ac.nproblems - 1], "signature does not verify"));
    ws_close(w);
}

int main(void)
{
    if (!mkdtemp(dir))
        return 1;
    isms_err err = {0};
    if (anchor_init(&err))
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sign_verify),   cmocka_unit_test(test_json_round_trip),
        cmocka_unit_test(test_key_file),      cmocka_unit_test(test_public_key_arg),
        cmocka_unit_test(test_file_slots),    cmocka_unit_test(test_store_anchor),
    };
    int rc = cmocka_run_group_tests_name("anchor", tests, NULL, NULL);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        rc = 1;
    return rc;
}
