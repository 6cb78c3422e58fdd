/* The counts the triggers keep (schema 10): the tallies the gap analysis, the dashboard and the
 * lists read agree with a direct count after every kind of write (the store's, raw SQL, cascades),
 * the change counters grow exactly for the kinds a write touched, and every table has them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/catalog.h"
#include "store/internal.h"
#include "store/store.h"
#include "util/text.h"

static char dir[] = "/tmp/isms-test-tally-XXXXXX";

static ws *open_ws(const char *name)
{
    char path[300];
    snprintf(path, sizeof path, "%s/%s.db", dir, name);
    ws *w;
    isms_err err = {0};
    assert_int_equal(ws_open(path, WS_CREATE, &w, &err), ISMS_OK);
    ws_set_actor(w, "test");
    return w;
}

static long count(ws *w, const char *sql, const char *arg)
{
    isms_err err = {0};
    int rc = 0;
    long n = st_count(w, sql, arg, &err, &rc);
    assert_int_equal(rc, ISMS_OK);
    return n;
}

static long tally(ws *w, const char *name)
{
    isms_err err = {0};
    int rc = 0;
    long n = st_tally(w, name, &err, &rc);
    assert_int_equal(rc, ISMS_OK);
    return n;
}

/* A store call that must succeed, naming why it did not. */
#define OK(call)                                                                                   \
    do {                                                                                           \
        if ((call) != ISMS_OK)                                                                     \
            fail_msg("%s: %s", #call, err.msg);                                                    \
    } while (0)

static void sql(ws *w, const char *s)
{
    isms_err err = {0};
    if (st_exec(w, s, &err))
        fail_msg("%s: %s", s, err.msg);
}

/* Every tally against the count it stands for, at several dates and thresholds. */
static void check_tallies(ws *w)
{
    isms_err err = {0};
    int rc = 0;
    assert_int_equal(tally(w, "assets"), count(w, "SELECT count(*) FROM asset", NULL));
    assert_int_equal(tally(w, "assets_without_owner"),
                     count(w, "SELECT count(*) FROM asset WHERE " TEXT_SQL_BLANK("owner"), NULL));
    assert_int_equal(tally(w, "risks"), count(w, "SELECT count(*) FROM risk", NULL));
    assert_int_equal(tally(w, "risks_without_owner"),
                     count(w, "SELECT count(*) FROM risk WHERE " TEXT_SQL_BLANK("owner"), NULL));
    assert_int_equal(tally(w, "risks_untreated"), count(w, "SELECT count(*) FROM risk WHERE option IS NULL", NULL));
    assert_int_equal(tally(w, "risks_without_due_date"),
                     count(w, "SELECT count(*) FROM risk WHERE option IN ('mitigate','transfer','avoid') "
                              "AND done = 0 AND due_date IS NULL", NULL));
    static const char *const dates[] = {"2000-01-01", "2025-06-30", "2026-01-01", "2026-03-15", "2099-12-31"};
    for (size_t i = 0; i < sizeof dates / sizeof *dates; i++) {
        assert_int_equal(st_tally_below(w, "risk_due", dates[i], &err, &rc),
                         count(w, "SELECT count(*) FROM risk WHERE option IN ('mitigate','transfer','avoid') "
                                  "AND done = 0 AND due_date IS NOT NULL AND due_date < ?", dates[i]));
        assert_int_equal(st_tally_below(w, "risk_changed", dates[i], &err, &rc),
                         count(w, "SELECT count(*) FROM risk WHERE substr(updated_at, 1, 10) < ?", dates[i]));
    }
    for (int appetite = 0; appetite <= 25; appetite++) {
        char q[400];
        snprintf(q, sizeof q,
                 "SELECT count(*) FROM risk WHERE option IS NOT NULL AND option <> 'avoid' AND accepted_by IS NULL "
                 "AND (coalesce(residual_likelihood, likelihood) * coalesce(residual_impact, impact)) > %d",
                 appetite);
        assert_int_equal(st_tally_above(w, "risk_unaccepted_score", appetite, &err, &rc), count(w, q, NULL));
    }
    assert_int_equal(rc, ISMS_OK);
    long m[6][6];
    OK(store_risk_matrix(w, m, &err));
    for (int l = 1; l <= 5; l++)
        for (int i = 1; i <= 5; i++) {
            char q[160];
            snprintf(q, sizeof q, "SELECT count(*) FROM risk WHERE likelihood = %d AND impact = %d", l, i);
            assert_int_equal(m[l][i], count(w, q, NULL));
        }
    /* The SoA's risk links as they were read before: every link, in control and risk order. */
    arena a;
    arena_init(&a);
    soa_entry *e = arena_alloc(&a, CATALOG_NCONTROLS * sizeof *e);
    OK(store_soa_load(w, &a, e, &err));
    for (int c = 0; c < CATALOG_NCONTROLS; c++) {
        sqlite3_stmt *st;
        assert_int_equal(sqlite3_prepare_v2(w->db, "SELECT risk_id FROM risk_control WHERE control_id = ? ORDER BY risk_id",
                                            -1, &st, NULL),
                         SQLITE_OK);
        sqlite3_bind_text(st, 1, e[c].ctl->id, -1, SQLITE_STATIC);
        char want[2048] = "";
        size_t used = 0;
        int n = 0;
        while (sqlite3_step(st) == SQLITE_ROW) {
            if (n < 20)
                used += (size_t)snprintf(want + used, sizeof want - used, "%sR%lld", n ? "," : "",
                                         (long long)sqlite3_column_int64(st, 0));
            else if (n == 20)
                used += (size_t)snprintf(want + used, sizeof want - used, ",...");
            n++;
        }
        sqlite3_finalize(st);
        assert_int_equal(e[c].nrisks, n);
        assert_string_equal(e[c].risks, want);
    }
    arena_free(&a);
}

static void gens(ws *w, int64_t g[STORE_NGEN])
{
    isms_err err = {0};
    OK(store_generations(w, g, &err));
}

/* The kinds whose counters moved since before, as a bit mask. */
static unsigned moved(ws *w, const int64_t before[STORE_NGEN])
{
    int64_t now[STORE_NGEN];
    gens(w, now);
    unsigned m = 0;
    for (int i = 0; i < STORE_NGEN; i++) {
        assert_true(now[i] >= before[i]);
        if (now[i] != before[i])
            m |= 1u << i;
    }
    return m;
}

#define BIT(k) (1u << (k))

static void test_tallies_follow_every_write(void **state)
{
    (void)state;
    ws *w = open_ws("tallies");
    isms_err err = {0};
    risk_method m;
    risk_method_default(&m);
    OK(ws_begin(w, &err));
    OK(store_org_create(w, "Tally Ltd", &err));
    OK(store_method_set(w, &m, &err));
    OK(ws_commit(w, &err));
    check_tallies(w);

    static const char *const controls[] = {"A.5.15,A.8.5", "A.8.5", "A.5.15,A.5.1,A.8.8", ""};
    char name[64], due[16];
    OK(ws_begin(w, &err));
    for (int i = 1; i <= 60; i++) {
        snprintf(name, sizeof name, "asset %d", i);
        asset x = {.name = name, .type = "software", .owner = "IT", .classification = "internal"};
        int64_t aid;
        OK(store_asset_insert(w, &x, &aid, &err));
        snprintf(name, sizeof name, "risk %d", i);
        risk r = {.title = name, .asset_id = i % 3 ? aid : 0, .threat = "Ransomware", .vulnerability = "Unpatched",
                  .owner = "Ops", .likelihood = 1 + i % 5, .impact = 1 + (i * 3) % 5};
        OK(store_risk_insert(w, &m, &r, &r.id, &err));
        if (i % 4 == 0)
            continue; /* untreated */
        r.option = (risk_option)(1 + i % 4);
        r.controls = r.option == RISK_MITIGATE ? controls[i % 4] : "";
        r.residual_likelihood = 1 + i % r.likelihood;
        r.residual_impact = r.impact;
        snprintf(due, sizeof due, "2026-%02d-%02d", 1 + i % 6, 1 + i % 27);
        r.due_date = i % 5 ? due : NULL;
        r.done = i % 7 == 0;
        OK(store_risk_treat(w, &m, &r, &err));
        if (i % 6 == 1 && r.option != RISK_AVOID)
            OK(store_risk_accept(w, &m, r.id, "Ops", &err));
    }
    OK(ws_commit(w, &err));
    check_tallies(w);

    /* Edits through the store: a rename, a new assessment, deletions (a risk's links cascade). */
    OK(ws_begin(w, &err));
    arena a;
    arena_init(&a);
    asset x;
    OK(store_asset_get(w, "asset 3", &a, &x, &err));
    x.name = "asset three";
    x.owner = "Facilities";
    OK(store_asset_update(w, &x, &err));
    risk r;
    OK(store_risk_get(w, 5, &a, &r, &err));
    r.likelihood = 5;
    r.impact = 5;
    OK(store_risk_update(w, &m, &r, &err));
    OK(store_risk_delete(w, 10, &err));
    OK(store_risk_delete(w, 11, &err));
    OK(store_asset_delete(w, 12, &err)); /* risk 12 is on no asset */
    OK(ws_commit(w, &err));
    arena_free(&a);
    check_tallies(w);

    /* Raw SQL, as the sqlite3 shell or an import might write: blank owners, odd dates, bulk changes. */
    sql(w, "UPDATE asset SET owner = ' ' WHERE id % 5 = 0");
    sql(w, "UPDATE risk SET owner = '', due_date = NULL WHERE id % 9 = 0");
    sql(w, "UPDATE risk SET option = NULL, accepted_by = NULL WHERE id % 8 = 1");
    sql(w, "UPDATE risk SET updated_at = '2024-02-03T10:00:00Z', done = 0 WHERE id % 4 = 2");
    sql(w, "DELETE FROM risk_control WHERE control_id = 'A.8.5' AND risk_id % 2 = 0");
    sql(w, "UPDATE risk_control SET control_id = 'A.8.9' WHERE control_id = 'A.5.1'");
    sql(w, "DELETE FROM risk WHERE id IN (SELECT risk_id FROM risk_control WHERE control_id = 'A.5.15' LIMIT 3)");
    check_tallies(w);
    /* More than 20 risks on one control: the list is cut and marked. */
    sql(w, "INSERT INTO risk_control(risk_id, control_id) SELECT id, 'A.5.7' FROM risk");
    check_tallies(w);
    sql(w, "DELETE FROM risk WHERE id % 3 = 0");
    sql(w, "DELETE FROM asset WHERE id NOT IN (SELECT asset_id FROM risk WHERE asset_id IS NOT NULL)");
    check_tallies(w);
    ws_close(w);
}

static void test_counters_move_for_what_a_write_touches(void **state)
{
    (void)state;
    ws *w = open_ws("counters");
    isms_err err = {0};
    risk_method m;
    risk_method_default(&m);
    int64_t g[STORE_NGEN];
    gens(w, g);

    asset x = {.name = "server", .type = "hardware", .owner = "IT", .classification = "internal"};
    int64_t aid;
    OK(ws_begin(w, &err));
    OK(store_asset_insert(w, &x, &aid, &err));
    OK(ws_commit(w, &err));
    assert_int_equal(moved(w, g), BIT(GEN_ASSET) | BIT(GEN_AUDIT_LOG));

    gens(w, g);
    risk r = {.title = "loss", .threat = "Theft", .vulnerability = "Unlocked", .owner = "IT", .likelihood = 2, .impact = 3};
    OK(ws_begin(w, &err));
    OK(store_risk_insert(w, &m, &r, &r.id, &err)); /* on no asset */
    OK(ws_commit(w, &err));
    assert_int_equal(moved(w, g), BIT(GEN_RISK) | BIT(GEN_AUDIT_LOG));

    gens(w, g);
    risk r2 = {.title = "outage", .asset_id = aid, .threat = "Fire", .vulnerability = "No backup", .owner = "IT",
               .likelihood = 2, .impact = 3};
    OK(ws_begin(w, &err));
    OK(store_risk_insert(w, &m, &r2, &r2.id, &err));
    OK(ws_commit(w, &err));
    assert_int_equal(moved(w, g), BIT(GEN_RISK) | BIT(GEN_RISK_ASSET) | BIT(GEN_AUDIT_LOG));

    /* A treatment links controls and marks them applicable in the SoA. */
    gens(w, g);
    r2.option = RISK_MITIGATE;
    r2.controls = "A.8.13";
    r2.residual_likelihood = 1;
    r2.residual_impact = 3;
    OK(ws_begin(w, &err));
    OK(store_risk_treat(w, &m, &r2, &err));
    OK(ws_commit(w, &err));
    assert_int_equal(moved(w, g), BIT(GEN_RISK) | BIT(GEN_RISK_CONTROL) | BIT(GEN_SOA) | BIT(GEN_AUDIT_LOG));

    /* An asset's new owner is not what a risk shows of it; its new name is. */
    gens(w, g);
    sql(w, "UPDATE asset SET owner = 'Ops'");
    assert_int_equal(moved(w, g), BIT(GEN_ASSET));
    gens(w, g);
    sql(w, "UPDATE asset SET name = 'main server'");
    assert_int_equal(moved(w, g), BIT(GEN_ASSET) | BIT(GEN_ASSET_NAME));

    /* Deleting a risk cascades to its links; a change rolled back moves nothing. */
    gens(w, g);
    char del[64];
    snprintf(del, sizeof del, "DELETE FROM risk WHERE id = %lld", (long long)r2.id);
    sql(w, del);
    assert_int_equal(moved(w, g), BIT(GEN_RISK) | BIT(GEN_RISK_ASSET) | BIT(GEN_RISK_CONTROL));
    gens(w, g);
    OK(ws_begin(w, &err));
    sql(w, "DELETE FROM risk");
    ws_rollback(w);
    assert_int_equal(moved(w, g), 0);

    gens(w, g);
    sql(w, "INSERT INTO party(name) VALUES ('Regulator')");
    assert_int_equal(moved(w, g), BIT(GEN_ORG));
    gens(w, g);
    sql(w, "INSERT INTO person(name, email, created_at, updated_at) VALUES ('A', 'a@x', 'now', 'now')");
    assert_int_equal(moved(w, g), BIT(GEN_REGISTER));
    ws_close(w);
}

static int64_t pmark(ws *w, int kind, int64_t upto)
{
    isms_err err = {0};
    int64_t m;
    assert_int_equal(store_page_mark(w, kind, upto, &m, &err), ISMS_OK);
    return m;
}

/* A page of a list by id changes with the rows up to its last id and their risk counts only. */
static void test_page_marks_follow_the_rows_they_cover(void **state)
{
    (void)state;
    ws *w = open_ws("pages");
    sql(w, "INSERT INTO asset(id, name, type, owner, classification, created_at, updated_at) "
           "VALUES (1, 'a1', 'software', 'IT', 'internal', 'now', 'now'), (2, 'a2', 'software', 'IT', 'internal', 'now', 'now')");
    int64_t a = pmark(w, PAGE_ASSETS, 2), all = pmark(w, PAGE_ASSETS, INT64_MAX), r = pmark(w, PAGE_RISKS, 2);
    /* far beyond the page: an asset, a risk on it */
    sql(w, "INSERT INTO asset(id, name, type, owner, classification, created_at, updated_at) "
           "VALUES (5000, 'far', 'software', 'IT', 'internal', 'now', 'now')");
    sql(w, "INSERT INTO risk(id, title, asset_id, threat, vulnerability, likelihood, impact, owner, created_at, updated_at) "
           "VALUES (5000, 'r', 5000, 't', 'v', 1, 1, 'o', 'now', 'now')");
    assert_int_equal(pmark(w, PAGE_ASSETS, 2), a);
    assert_int_equal(pmark(w, PAGE_RISKS, 2), r);
    assert_true(pmark(w, PAGE_ASSETS, INT64_MAX) != all); /* a short page sees rows join after it */
    /* on the page: a risk coming onto asset 2 changes its count; an asset edited; a risk's controls */
    sql(w, "UPDATE risk SET asset_id = 2 WHERE id = 5000");
    assert_true(pmark(w, PAGE_ASSETS, 2) != a);
    a = pmark(w, PAGE_ASSETS, 2);
    sql(w, "UPDATE asset SET owner = 'Ops' WHERE id = 1");
    assert_true(pmark(w, PAGE_ASSETS, 2) != a);
    a = pmark(w, PAGE_ASSETS, 2);
    sql(w, "INSERT INTO risk(id, title, threat, vulnerability, likelihood, impact, owner, created_at, updated_at) "
           "VALUES (1, 'r1', 't', 'v', 1, 1, 'o', 'now', 'now')");
    assert_true(pmark(w, PAGE_RISKS, 2) != r);
    r = pmark(w, PAGE_RISKS, 2);
    sql(w, "INSERT INTO risk_control(risk_id, control_id) VALUES (1, 'A.5.1')");
    assert_true(pmark(w, PAGE_RISKS, 2) != r);
    assert_int_equal(pmark(w, PAGE_ASSETS, 2), a); /* a risk on no asset counts for none */
    ws_close(w);
}

/* A table added without its counter's triggers would let cached answers go stale unseen (the
 * triggers' own tables aside). */
static void test_every_table_has_change_counters(void **state)
{
    (void)state;
    ws *w = open_ws("tables");
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(w->db,
                                        "SELECT t.name, (SELECT group_concat(substr(g.name, -1), '') FROM sqlite_master g "
                                        "WHERE g.type = 'trigger' AND g.tbl_name = t.name AND g.name LIKE '%\\_gen\\_%' "
                                        "ESCAPE '\\' AND g.sql LIKE '%UPDATE generation%') FROM sqlite_master t "
                                        "WHERE t.type = 'table' AND t.name NOT IN ('generation', 'generation_range', 'tally', 'control_risks') "
                                        "AND t.name NOT LIKE 'sqlite\\_%' ESCAPE '\\'",
                                        -1, &st, NULL),
                     SQLITE_OK);
    int tables = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *t = (const char *)sqlite3_column_text(st, 0);
        const char *ops = (const char *)sqlite3_column_text(st, 1);
        tables++;
        /* the audit log is append-only: rows are only ever inserted */
        const char *want = !strcmp(t, "audit_log") ? "i" : "idu";
        for (const char *o = want; *o; o++)
            if (!ops || !strchr(ops, *o))
                fail_msg("table %s has no change-counter trigger for '%c' (has '%s')", t, *o, ops ? ops : "");
    }
    sqlite3_finalize(st);
    assert_true(tables >= 35);
    ws_close(w);
}


/* The SoA kept per connection (soa.c) follows every change: another connection's commit, a
 * risk linked to a control, and a change rolled back, whose counters a later change reaches again. */
static void test_kept_soa_follows_changes(void **state)
{
    (void)state;
    ws *w1 = open_ws("soa"), *w2 = open_ws("soa");
    isms_err err = {0};
    risk_method m;
    risk_method_default(&m);
    arena a;
    arena_init(&a);
    soa_entry *e = arena_alloc(&a, CATALOG_NCONTROLS * sizeof *e);
    int i51 = catalog_control_index("A.5.1"), versions, changed;
    OK(ws_begin(w1, &err));
    OK(store_org_create(w1, "Kept Ltd", &err));
    OK(store_method_set(w1, &m, &err));
    OK(ws_commit(w1, &err));
    OK(store_soa_load(w1, &a, e, &err));
    assert_int_equal(e[i51].applicable, SOA_UNDECIDED);

    /* Decide every control on the other connection, and approve there. */
    size_t n;
    const catalog_control *c = catalog_controls(&n);
    OK(ws_begin(w2, &err));
    for (size_t i = 0; i < n; i++) {
        soa_entry x = {.ctl = &c[i], .applicable = SOA_APPLICABLE, .reasons = SOA_REASON_BUSINESS,
                       .status = SOA_IMPLEMENTED, .implementation = "first", .owner = "IT", .risks = ""};
        OK(store_soa_save(w2, &x, &err));
    }
    OK(ws_commit(w2, &err));
    OK(store_soa_load(w1, &a, e, &err));
    assert_int_equal(e[i51].applicable, SOA_APPLICABLE);
    assert_string_equal(e[i51].implementation, "first");
    OK(store_soa_changed(w1, &a, &versions, &changed, &err));
    assert_int_equal(versions, 0);
    assert_int_equal(changed, 1);
    int v;
    OK(ws_begin(w2, &err));
    OK(store_soa_approve(w2, "CISO", NULL, &v, &err));
    OK(ws_commit(w2, &err));
    for (int k = 0; k < 2; k++) { /* computed, then kept */
        OK(store_soa_changed(w1, &a, &versions, &changed, &err));
        assert_int_equal(versions, 1);
        assert_int_equal(changed, 0);
    }

    soa_entry x = e[i51];
    x.implementation = "second";
    OK(ws_begin(w2, &err));
    OK(store_soa_save(w2, &x, &err));
    OK(ws_commit(w2, &err));
    OK(store_soa_changed(w1, &a, &versions, &changed, &err));
    assert_int_equal(changed, 1);
    OK(store_soa_load(w1, &a, e, &err));
    assert_string_equal(e[i51].implementation, "second");

    /* Rolled back on w1 after loading inside the transaction; then w2 makes a change of its own,
     * which takes the counters where the rolled-back one had them. */
    x.implementation = "third";
    OK(ws_begin(w1, &err));
    OK(store_soa_save(w1, &x, &err));
    OK(store_soa_load(w1, &a, e, &err));
    assert_string_equal(e[i51].implementation, "third");
    ws_rollback(w1);
    x.implementation = "fourth";
    OK(ws_begin(w2, &err));
    OK(store_soa_save(w2, &x, &err));
    OK(ws_commit(w2, &err));
    OK(store_soa_load(w1, &a, e, &err));
    assert_string_equal(e[i51].implementation, "fourth");

    /* A risk treated with the control: its link shows on the other connection. */
    OK(ws_begin(w2, &err));
    risk r = {.title = "linked", .threat = "Ransomware", .vulnerability = "Unpatched", .owner = "Ops",
              .likelihood = 3, .impact = 3};
    OK(store_risk_insert(w2, &m, &r, &r.id, &err));
    r.option = RISK_MITIGATE;
    r.controls = "A.5.1";
    r.residual_likelihood = 1;
    r.residual_impact = 3;
    r.due_date = "2026-12-31";
    OK(store_risk_treat(w2, &m, &r, &err));
    OK(ws_commit(w2, &err));
    OK(store_soa_load(w1, &a, e, &err));
    assert_int_equal(e[i51].nrisks, 1);
    arena_free(&a);
    ws_close(w1);
    ws_close(w2);
}

static int setup(void **state)
{
    (void)state;
    isms_err err = {0};
    return !mkdtemp(dir) || catalog_init(&err) ? -1 : 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tallies_follow_every_write),
        cmocka_unit_test(test_counters_move_for_what_a_write_touches),
        cmocka_unit_test(test_page_marks_follow_the_rows_they_cover),
        cmocka_unit_test(test_every_table_has_change_counters),
        cmocka_unit_test(test_kept_soa_follows_changes),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
