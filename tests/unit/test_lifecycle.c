/* The audit lifecycle both front ends share: planning by programme year, the checklist, the
 * programme's coverage by completed audits, overdue actions, open findings, and a review stored
 * with its input pack. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/lifecycle.h"

static char dir[] = "/tmp/isms-test-lifecycle-XXXXXX";
static char path[256];

static ws *open_ws(void)
{
    ws *w;
    isms_err err = {0};
    assert_int_equal(ws_open(path, WS_CREATE, &w, &err), ISMS_OK);
    return w;
}

static void test_plan_and_programme(void **state)
{
    (void)state;
    ws *w = open_ws();
    isms_err err = {0};
    arena a;
    arena_init(&a);
    char today[11], start[11];
    store_today(today);
    assert_int_equal(cycle_date_add(today, 0, 0, -10, start), ISMS_OK);
    assert_int_equal(ws_begin(w, &err), ISMS_OK);
    assert_int_equal(store_org_create(w, "Test Org", &err), ISMS_OK);

    audit_rec both = {.auditor = "Sam", .start_date = start, .scope = "9.2"};
    assert_int_equal(lifecycle_plan(w, &both, 1, &a, &err), ISMS_EINVAL);
    assert_non_null(strstr(err.msg, "give the scope"));
    audit_rec neither = {.auditor = "Sam", .start_date = start};
    assert_int_equal(lifecycle_plan(w, &neither, 0, &a, &err), ISMS_EINVAL);
    audit_rec bad_year = {.auditor = "Sam", .start_date = start};
    assert_int_equal(lifecycle_plan(w, &bad_year, 4, &a, &err), ISMS_EINVAL);

    audit_rec y1 = {.auditor = "Sam", .start_date = start};
    assert_int_equal(lifecycle_plan(w, &y1, 1, &a, &err), ISMS_OK);
    assert_true(y1.id > 0);
    assert_string_equal(y1.title, "Internal audit, programme year 1");
    assert_string_equal(y1.end_date, start);   /* one day unless given */
    assert_non_null(strstr(y1.scope, "9.2.1"));
    assert_non_null(strstr(y1.criteria, "ISO/IEC 27001:2022"));

    audit_rec small = {.auditor = "Kim", .start_date = start, .scope = "9.1, 5.15"};
    assert_int_equal(lifecycle_plan(w, &small, 0, &a, &err), ISMS_OK);
    assert_string_equal(small.title, "Internal audit");
    assert_string_equal(small.scope, "9.1,A.5.15");
    lifecycle_check *c;
    size_t n;
    assert_int_equal(lifecycle_checklist(w, &small, &a, &c, &n, &err), ISMS_OK);
    assert_int_equal(n, 2);
    assert_null(c[0].se);                     /* a clause */
    assert_non_null(strstr(c[0].question, "clause 9.1"));
    assert_non_null(c[1].se);                 /* a control, with its SoA entry */
    assert_non_null(strstr(c[1].question, "Is A.5.15"));
    assert_int_equal(c[1].nev, 0);

    lifecycle_programme p;
    assert_int_equal(lifecycle_programme_build(w, &a, &p, &err), ISMS_OK);
    assert_string_equal(p.cycle_start, start);   /* the first audit's start before certification */
    assert_int_equal(p.audited[0], 0);
    assert_true(p.planned[0] > 20);
    assert_int_equal(store_audit_complete(w, small.id, "All good", today, &err), ISMS_OK);
    assert_int_equal(lifecycle_programme_build(w, &a, &p, &err), ISMS_OK);
    assert_true(p.audited[0] >= 1);              /* 9.1 at least: every clause is planned each year */
    assert_int_equal(p.items_audited, 2);        /* 9.1 and A.5.15 */
    assert_int_equal(ws_commit(w, &err), ISMS_OK);
    arena_free(&a);
    ws_close(w);
}

static void test_actions_and_review(void **state)
{
    (void)state;
    action_rec x = {.status = "open", .due_date = "2026-01-10"};
    assert_true(cycle_action_overdue(&x, "2026-01-11"));
    assert_false(cycle_action_overdue(&x, "2026-01-10"));
    x.status = "implemented";
    assert_false(cycle_action_overdue(&x, "2027-01-01"));   /* waiting for verification, not late */
    finding_rec f = {.type = "minor"};
    assert_true(cycle_finding_open(&f));
    f.actions = 2;
    f.actions_closed = 1;
    assert_true(cycle_finding_open(&f));
    f.actions_closed = 2;
    assert_false(cycle_finding_open(&f));
    f = (finding_rec){.type = "observation"};
    assert_false(cycle_finding_open(&f));

    ws *w = open_ws();
    isms_err err = {0};
    arena a;
    arena_init(&a);
    char today[11];
    store_today(today);
    review_rec r = {.held_on = today, .attendees = "CEO", .decisions = "Go on"};
    assert_int_equal(ws_begin(w, &err), ISMS_OK);
    assert_int_equal(lifecycle_review_record(w, &r, &a, &err), ISMS_OK);
    assert_int_equal(ws_commit(w, &err), ISMS_OK);
    review_rec back;
    assert_int_equal(store_review_get(w, r.id, &a, &back, &err), ISMS_OK);
    assert_non_null(strstr(back.pack, "\"a_previous_actions\""));
    assert_non_null(strstr(back.pack, "\"g_opportunities\""));
    review_rec none = {.held_on = today, .decisions = "x"};
    assert_int_equal(ws_begin(w, &err), ISMS_OK);
    assert_int_equal(lifecycle_review_record(w, &none, &a, &err), ISMS_EINVAL);
    ws_rollback(w);
    arena_free(&a);
    ws_close(w);
}

int main(void)
{
    if (!mkdtemp(dir))
        return 1;
    snprintf(path, sizeof path, "%s/w.db", dir);
    isms_err err = {0};
    if (catalog_init(&err))
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plan_and_programme),
        cmocka_unit_test(test_actions_and_review),
    };
    int rc = cmocka_run_group_tests_name("lifecycle", tests, NULL, NULL);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        rc = 1;
    return rc;
}
