/* The certification cycle: date arithmetic, certificate dates, references and audit scopes, the
 * three-year programme's coverage and weighting, finding rules, Stage 1 readiness, iCalendar. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cycle.h"
#include "report/ics.h"

static int setup(void **state)
{
    (void)state;
    isms_err err = {0};
    return catalog_init(&err);
}

static void test_date_add(void **state)
{
    (void)state;
    char out[11];
    assert_int_equal(cycle_date_add("2026-01-31", 0, 1, 0, out), ISMS_OK);
    assert_string_equal(out, "2026-02-28");
    assert_int_equal(cycle_date_add("2028-01-31", 0, 1, 0, out), ISMS_OK);
    assert_string_equal(out, "2028-02-29");   /* leap year */
    assert_int_equal(cycle_date_add("2028-02-29", 1, 0, 0, out), ISMS_OK);
    assert_string_equal(out, "2029-02-28");
    assert_int_equal(cycle_date_add("2026-12-31", 0, 0, 1, out), ISMS_OK);
    assert_string_equal(out, "2027-01-01");
    assert_int_equal(cycle_date_add("2027-03-01", 0, 0, -1, out), ISMS_OK);
    assert_string_equal(out, "2027-02-28");
    assert_int_equal(cycle_date_add("2026-11-30", 0, 0, -90, out), ISMS_OK);
    assert_string_equal(out, "2026-09-01");
    assert_int_equal(cycle_date_add("2026-01-01", 0, 0, 400, out), ISMS_OK);
    assert_string_equal(out, "2027-02-05");
    assert_int_equal(cycle_date_add("2026-02-30", 0, 0, 1, out), ISMS_EINVAL);
    assert_int_equal(cycle_date_add("yesterday", 0, 0, 1, out), ISMS_EINVAL);
    assert_int_equal(cycle_date_add(NULL, 0, 0, 1, out), ISMS_EINVAL);
    assert_int_equal(cycle_date_add("9999-12-31", 0, 0, 1, out), ISMS_EINVAL);
}

static void test_cert_dates(void **state)
{
    (void)state;
    cert_dates d;
    isms_err err = {0};
    assert_int_equal(cycle_cert_dates("2027-03-15", &d, &err), ISMS_OK);
    assert_string_equal(d.expires_on, "2030-03-14");
    assert_string_equal(d.surveillance1_by, "2028-03-15");
    assert_string_equal(d.surveillance2_by, "2029-03-15");
    assert_string_equal(d.recert_by, "2029-12-14");
    assert_int_equal(cycle_cert_dates("2027-13-01", &d, &err), ISMS_EINVAL);
    assert_non_null(strstr(err.msg, "2027-13-01"));
}

static void test_refs_and_scope(void **state)
{
    (void)state;
    char out[32];
    isms_err err = {0};
    assert_int_equal(cycle_ref_normalize(" 9.2 ", out, sizeof out, &err), ISMS_OK);
    assert_string_equal(out, "9.2");
    assert_int_equal(cycle_ref_normalize("5.23", out, sizeof out, &err), ISMS_OK);
    assert_string_equal(out, "A.5.23");   /* not a clause: the control */
    assert_int_equal(cycle_ref_normalize("a.8.34", out, sizeof out, &err), ISMS_OK);
    assert_string_equal(out, "A.8.34");
    assert_int_equal(cycle_ref_normalize("A.9.4.2", out, sizeof out, &err), ISMS_EINVAL);
    assert_int_equal(cycle_ref_normalize("'; DROP TABLE audit; --", out, sizeof out, &err), ISMS_EINVAL);
    assert_int_equal(cycle_ref_normalize("", out, sizeof out, &err), ISMS_EINVAL);

    const char *list = "9.2.1,A.5.15,A.8.34567890123456789012345678901234", *p = list;
    char id[16];
    assert_int_equal(cycle_list_next(&p, id, sizeof id), 1);
    assert_string_equal(id, "9.2.1");
    assert_int_equal(cycle_list_next(&p, id, sizeof id), 1);
    assert_string_equal(id, "A.5.15");
    assert_int_equal(cycle_list_next(&p, id, sizeof id), 1);
    assert_string_equal(id, "A.8.34567890123");   /* cut to the buffer, never overrun */
    assert_int_equal(cycle_list_next(&p, id, sizeof id), 0);
    p = NULL;
    assert_int_equal(cycle_list_next(&p, id, sizeof id), 0);

    arena a;
    arena_init(&a);
    const char **items;
    size_t n;
    assert_int_equal(cycle_scope_parse("4-10", NULL, &a, &items, &n, &err), ISMS_OK);
    assert_int_equal(n, 30);   /* the leaf clauses of 4-10 */
    for (size_t i = 0; i < n; i++) {
        assert_string_not_equal(items[i], "6.1");
        assert_string_not_equal(items[i], "9.2");
    }
    int applicable[CATALOG_NCONTROLS];
    for (int i = 0; i < CATALOG_NCONTROLS; i++)
        applicable[i] = i % 2;
    assert_int_equal(cycle_scope_parse("annex-a, A.5.1 ,9.2.1,A.5.1", applicable, &a, &items, &n, &err), ISMS_OK);
    assert_int_equal(n, 46 + 1 + 1);   /* 46 applicable, A.5.1 added once, 9.2.1 */
    assert_int_equal(cycle_scope_parse(" , ", NULL, &a, &items, &n, &err), ISMS_EINVAL);
    assert_int_equal(cycle_scope_parse("4-10,X.1", NULL, &a, &items, &n, &err), ISMS_EINVAL);
    assert_non_null(strstr(err.msg, "X.1"));
    arena_free(&a);
}

static void test_programme(void **state)
{
    (void)state;
    arena a;
    arena_init(&a);
    int applicable[CATALOG_NCONTROLS], high[CATALOG_NCONTROLS] = {0};
    for (int i = 0; i < CATALOG_NCONTROLS; i++)
        applicable[i] = 1;
    applicable[catalog_control_index("A.7.4")] = 0;
    high[catalog_control_index("A.8.13")] = 1;
    programme_item *it;
    size_t n;
    cycle_programme(applicable, high, &a, &it, &n);
    assert_int_equal(n, 30 + 92);
    int per_year[3] = {0};
    for (size_t k = 0; k < n; k++) {
        assert_true(it[k].years != 0);   /* everything is audited at least once in the cycle */
        assert_string_not_equal(it[k].ref, "A.7.4");
        if (!it[k].is_control || !strcmp(it[k].ref, "A.8.13"))
            assert_int_equal(it[k].years, 7);   /* clauses and high-risk controls every year */
        else if (it[k].is_control)
            for (int y = 0; y < 3; y++)
                per_year[y] += (it[k].years >> y) & 1;
    }
    /* The other 91 controls spread evenly: 31, 30, 30. */
    assert_int_equal(per_year[0] + per_year[1] + per_year[2], 91);
    for (int y = 0; y < 3; y++)
        assert_true(per_year[y] >= 30 && per_year[y] <= 31);
    arena_free(&a);
}

static void test_findings(void **state)
{
    (void)state;
    assert_true(cycle_finding_type_valid("major"));
    assert_true(cycle_finding_type_valid("improvement"));
    assert_false(cycle_finding_type_valid("Major"));
    assert_false(cycle_finding_type_valid(NULL));
    assert_true(cycle_finding_is_nc("minor"));
    assert_false(cycle_finding_is_nc("observation"));
    assert_string_equal(cycle_finding_type_label("improvement"), "opportunity for improvement");
    size_t n;
    const milestone_def *m = cycle_milestones(&n);
    assert_int_equal(n, 8);
    assert_string_equal(m[0].key, "scope");
    assert_non_null(cycle_milestone_find("stage2"));
    assert_null(cycle_milestone_find("stage3"));
}

static soa_entry entries[CATALOG_NCONTROLS];

/* Readiness over the gap analysis of g and the SoA entries, as the store builds it. */
static size_t blockers_of(gap_facts *g, readiness_item **it, arena *a)
{
    gap_report *r = arena_alloc(a, sizeof *r);
    gap_analyze(entries, CATALOG_NCONTROLS, g, a, r);
    readiness_facts f = {g, r};
    size_t b;
    readiness_evaluate(&f, a, it, &b);
    /* ready exactly when the gap analysis finds nothing */
    gap_blocker *gb;
    assert_int_equal(b == 0, gap_blockers(r, a, &gb) == 0);
    return b;
}

static int item_ok(readiness_item *it, size_t n, const char *ref)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(it[i].ref, ref))
            return it[i].ok;
    fail_msg("no readiness item %s", ref);
    return 0;
}

static void test_readiness(void **state)
{
    (void)state;
    arena a;
    arena_init(&a);
    size_t n;
    const catalog_control *all = catalog_controls(&n);
    for (size_t i = 0; i < n; i++)
        entries[i] = (soa_entry){.ctl = &all[i], .applicable = SOA_UNDECIDED, .risks = ""};
    gap_facts g;
    memset(&g, 0, sizeof g);
    readiness_item *it;
    size_t total = blockers_of(&g, &it, &a);
    assert_int_equal(total, 18);   /* everything but the controls' implementation on an empty workspace */
    assert_true(item_ok(it, 19, "Annex A"));
    assert_false(item_ok(it, 19, "6.1.3 d"));

    /* A ready workspace ... */
    for (size_t i = 0; i < n; i++) {
        entries[i] = (soa_entry){.ctl = &all[i], .applicable = SOA_APPLICABLE, .reasons = SOA_REASON_BUSINESS,
                                 .status = SOA_IMPLEMENTED, .implementation = "how", .owner = "o", .risks = ""};
        g.ev_fresh[i] = 1;
    }
    g.has_context = 1;
    g.parties = 2;
    g.has_scope_statement = 1;
    g.scope_in = 2;
    g.method_confirmed = 1;
    g.assets = 3;
    g.risks = 4;
    g.soa_versions = 1;
    g.audits_completed_12m = 1;
    g.reviews_held_12m = 1;
    g.policy_approved = 1;
    g.documents_approved = 14;
    g.objectives = g.objectives_measured = 3;
    g.people = g.people_trained = 10;
    g.monitoring_recent = 5;
    assert_int_equal(blockers_of(&g, &it, &a), 0);
    /* ... and each blocker alone. */
    g.soa_changed_since_approval = 1;
    assert_int_equal(blockers_of(&g, &it, &a), 1);
    assert_false(item_ok(it, 19, "6.1.3 d"));
    g.soa_changed_since_approval = 0;
    entries[3].owner = " \t\xc2\xa0";   /* blank is no owner: an SoA weakness and an 8.1 gap */
    assert_int_equal(blockers_of(&g, &it, &a), 2);
    assert_false(item_ok(it, 19, "6.1.3 d"));
    assert_false(item_ok(it, 19, "8.1"));
    entries[3].owner = "o";
    g.ev_fresh[5] = 0;   /* implemented without evidence */
    assert_int_equal(blockers_of(&g, &it, &a), 1);
    assert_false(item_ok(it, 19, "Annex A"));
    g.ev_stale[5] = 1;   /* expired evidence */
    assert_int_equal(blockers_of(&g, &it, &a), 1);
    assert_false(item_ok(it, 19, "Annex A"));
    g.ev_fresh[5] = 1;
    g.ev_stale[5] = 0;
    g.assets_without_owner = 1;
    assert_int_equal(blockers_of(&g, &it, &a), 2);   /* the assessment (6.1.2) and its results (8.2) */
    g.assets_without_owner = 0;
    g.parties = 0;
    assert_int_equal(blockers_of(&g, &it, &a), 1);
    assert_false(item_ok(it, 19, "4.2"));
    g.parties = 2;
    g.risks_overdue = 1;
    assert_int_equal(blockers_of(&g, &it, &a), 2);   /* the plan (6.1.3 e) and its results (8.3) */
    g.risks_overdue = 0;
    g.majors_open = 1;
    assert_int_equal(blockers_of(&g, &it, &a), 1);
    g.majors_open = 0;
    g.actions_overdue = 1;
    assert_int_equal(blockers_of(&g, &it, &a), 1);
    g.actions_overdue = 0;
    g.people_trained = 9;
    assert_int_equal(blockers_of(&g, &it, &a), 1);
    assert_false(item_ok(it, 19, "7.2"));
    g.people_trained = 10;
    g.documents_overdue = 1;
    assert_int_equal(blockers_of(&g, &it, &a), 1);
    g.documents_overdue = 0;
    g.audits_completed_12m = 0;
    assert_int_equal(blockers_of(&g, &it, &a), 2);   /* 9.2, and 10.2 has nothing handled yet */
    assert_false(item_ok(it, 19, "9.2"));
    arena_free(&a);
}

static void test_ics(void **state)
{
    (void)state;
    char longtext[400];
    memset(longtext, 'x', sizeof longtext - 1);
    longtext[sizeof longtext - 1] = '\0';
    memcpy(longtext + 70, "é, ü; \\ end", 13);
    cal_event ev[] = {
        {"audit-1", "2027-01-10", "2027-01-12", "Internal audit: scope, clauses; and more", longtext, "internal-audit"},
        {"bad", "2027-02-30", NULL, "skipped: not a date", NULL, NULL},
    };
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    assert_int_equal(ics_write_stream(f, "Acme, Inc. ISMS", ev, 2, "20261130T120000Z"), 0);
    fclose(f);
    assert_non_null(strstr(text, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
    assert_non_null(strstr(text, "X-WR-CALNAME:Acme\\, Inc. ISMS\r\n"));
    assert_non_null(strstr(text, "DTSTART;VALUE=DATE:20270110\r\n"));
    assert_non_null(strstr(text, "DTEND;VALUE=DATE:20270113\r\n"));   /* exclusive end */
    assert_non_null(strstr(text, "SUMMARY:Internal audit: scope\\, clauses\\; and more\r\n"));
    assert_null(strstr(text, "skipped"));
    /* Every physical line is at most 75 octets and no UTF-8 sequence is split by folding. */
    for (char *p = text; *p;) {
        char *e = strstr(p, "\r\n");
        assert_non_null(e);
        assert_true(e - p <= 75);
        if (e[2] == ' ')
            assert_true(((unsigned char)e[3] & 0xC0) != 0x80);
        p = e + 2;
    }
    /* Unfolding gives back the escaped description. */
    char *u = malloc(len + 1);
    size_t k = 0;
    for (size_t i = 0; i < len; i++) {
        if (text[i] == '\r' && text[i + 1] == '\n' && text[i + 2] == ' ') {
            i += 2;
            continue;
        }
        u[k++] = text[i];
    }
    u[k] = '\0';
    assert_non_null(strstr(u, "é\\, ü\\; \\\\ end"));
    assert_non_null(strstr(text, "END:VCALENDAR\r\n"));
    free(u);
    free(text);
}

/* The corrective-action state machine: open -> implemented -> closed, or back to open. */
static void test_action_states(void **state)
{
    (void)state;
    const char *next = NULL;
    isms_err err = {0};
    assert_int_equal(cycle_action_step(1, "open", 1, CYCLE_ACTION_DONE, &next, &err), ISMS_OK);
    assert_string_equal(next, "implemented");
    assert_int_equal(cycle_action_step(2, "open", 0, CYCLE_ACTION_DONE, &next, &err), ISMS_OK);
    assert_string_equal(next, "closed"); /* a review action closes when implemented */
    assert_int_equal(cycle_action_step(1, "implemented", 1, CYCLE_ACTION_EFFECTIVE, &next, &err), ISMS_OK);
    assert_string_equal(next, "closed");
    assert_int_equal(cycle_action_step(1, "implemented", 1, CYCLE_ACTION_NOT_EFFECTIVE, &next, &err), ISMS_OK);
    assert_string_equal(next, "open");
    assert_int_equal(cycle_action_step(1, "implemented", 1, CYCLE_ACTION_DONE, &next, &err), ISMS_ECONFLICT);
    assert_non_null(strstr(err.msg, "already implemented"));
    assert_int_equal(cycle_action_step(1, "open", 1, CYCLE_ACTION_EFFECTIVE, &next, &err), ISMS_ECONFLICT);
    assert_non_null(strstr(err.msg, "once it is implemented"));
    assert_int_equal(cycle_action_step(1, "closed", 1, CYCLE_ACTION_NOT_EFFECTIVE, &next, &err), ISMS_ECONFLICT);
    assert_non_null(strstr(err.msg, "already checked"));
    assert_int_equal(cycle_action_step(2, "closed", 0, CYCLE_ACTION_EFFECTIVE, &next, &err), ISMS_EINVAL);
    assert_non_null(strstr(err.msg, "management review"));
}

static void test_independence_and_predicates(void **state)
{
    (void)state;
    const char *items[] = {"9.2", "A.5.15", "A.8.5"};
    const char *owners[] = {NULL, "IT Team", " dana LEE "};
    isms_err err = {0};
    assert_int_equal(cycle_auditor_independent("Sam Auditor", items, owners, 3, &err), ISMS_OK);
    assert_int_equal(cycle_auditor_independent("Dana Lee", items, owners, 3, &err), ISMS_ECONFLICT);
    assert_string_equal(err.field, "auditor");
    assert_non_null(strstr(err.msg, "owns A.8.5"));
    assert_int_equal(cycle_auditor_independent("Dana Lee", items, owners, 2, &err), ISMS_OK);

    action_rec a = {.status = "open", .due_date = "2026-11-30"};
    assert_true(cycle_action_overdue(&a, "2026-12-01"));
    assert_false(cycle_action_overdue(&a, "2026-11-30"));
    a.status = "implemented";
    assert_false(cycle_action_overdue(&a, "2027-01-01"));
    finding_rec f = {.type = "minor"};
    assert_true(cycle_finding_open(&f)); /* a nonconformity without an action */
    f.actions = 2;
    f.actions_closed = 1;
    assert_true(cycle_finding_open(&f));
    f.actions_closed = 2;
    assert_false(cycle_finding_open(&f));
    finding_rec o = {.type = "observation"};
    assert_false(cycle_finding_open(&o));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_date_add),    cmocka_unit_test(test_cert_dates), cmocka_unit_test(test_refs_and_scope),
        cmocka_unit_test(test_programme),   cmocka_unit_test(test_findings),   cmocka_unit_test(test_readiness),
        cmocka_unit_test(test_ics),         cmocka_unit_test(test_action_states),
        cmocka_unit_test(test_independence_and_predicates),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
