/* Gap analysis: per-control gaps, clause checks from workspace facts, readiness percentages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "core/gap.h"

static soa_entry e[93];

static void fill_ready(void)
{
    size_t n;
    const catalog_control *all = catalog_controls(&n);
    for (size_t i = 0; i < n; i++)
        e[i] = (soa_entry){.ctl = &all[i], .applicable = SOA_APPLICABLE, .reasons = SOA_REASON_BUSINESS,
                           .status = SOA_IMPLEMENTED, .implementation = "how", .owner = "o", .risks = ""};
}

static gap_facts good = {
    .has_context = 1, .has_scope_statement = 1, .scope_in = 3, .parties = 2, .method_confirmed = 1,
    .assets = 5, .risks = 4, .soa_versions = 1, .audits_completed_12m = 1, .reviews_held_12m = 1,
    .policy_approved = 1, .documents_approved = 3, .objectives = 2, .objectives_measured = 2, .people = 4,
    .people_trained = 4, .monitoring_recent = 6,
};

static const gap_clause *clause(const gap_report *r, const char *id)
{
    for (size_t i = 0; i < r->nclauses; i++)
        if (!strcmp(r->clauses[i].clause->id, id))
            return &r->clauses[i];
    fail_msg("no clause %s", id);
    return NULL;
}

static int missing_has(const char *const *m, int n, const char *needle)
{
    for (int i = 0; i < n; i++)
        if (strstr(m[i], needle))
            return 1;
    return 0;
}

static void test_all_ready(void **state)
{
    (void)state;
    arena a;
    arena_init(&a);
    fill_ready();
    gap_report r;
    gap_analyze(e, 93, &good, &a, &r);
    assert_int_equal(r.ready, 93);
    assert_true(r.readiness > 99.9);
    for (int t = 0; t < 4; t++)
        assert_true(r.themes[t].readiness > 99.9);
    assert_int_equal(r.clauses_met, r.clauses_tracked);
    assert_string_equal(clause(&r, "6.1.3")->state, "met");
    assert_string_equal(clause(&r, "9.2")->state, "not_tracked");
    arena_free(&a);
}

static void test_control_gaps_and_theme_readiness(void **state)
{
    (void)state;
    arena a;
    arena_init(&a);
    fill_ready();
    /* People theme is A.6.1..A.6.8 = indexes 37..44 */
    e[37].applicable = SOA_UNDECIDED;
    e[38].status = SOA_PARTIAL;
    e[39].owner = "";
    e[40].applicable = SOA_EXCLUDED;
    e[40].justification = "n/a";
    e[41].applicable = SOA_EXCLUDED;
    e[41].justification = "All staff are contractors engaged through an agency that performs this for us.";
    e[42].reasons = 0;
    gap_report r;
    gap_analyze(e, 93, &good, &a, &r);
    assert_string_equal(r.controls[37].state, "undecided");
    assert_true(missing_has(r.controls[37].missing, r.controls[37].nmissing, "no applicability decision"));
    assert_true(missing_has(r.controls[38].missing, r.controls[38].nmissing, "not implemented (partial)"));
    assert_true(missing_has(r.controls[39].missing, r.controls[39].nmissing, "no owner"));
    assert_true(missing_has(r.controls[40].missing, r.controls[40].nmissing, "exclusion not justified"));
    assert_string_equal(r.controls[41].state, "excluded");
    assert_true(r.controls[41].ready);
    assert_true(missing_has(r.controls[42].missing, r.controls[42].nmissing, "no linked risk or reason"));
    const gap_theme *people = &r.themes[1];
    assert_string_equal(people->theme, "People");
    assert_int_equal(people->total, 8);
    assert_int_equal(people->ready, 3);
    assert_true(people->readiness > 37.4 && people->readiness < 37.6);
    assert_int_equal(r.ready, 88);
    assert_int_equal(people->undecided, 1);
    assert_int_equal(people->excluded, 2);
    /* the undecided control also shows in clause 6.1.3 */
    assert_true(missing_has(clause(&r, "6.1.3")->missing, clause(&r, "6.1.3")->nmissing, "1 control(s)"));
    arena_free(&a);
}

static void test_clause_gaps_from_facts(void **state)
{
    (void)state;
    arena a;
    arena_init(&a);
    fill_ready();
    gap_facts f = {0};
    gap_report r;
    gap_analyze(e, 93, &f, &a, &r);
    assert_string_equal(clause(&r, "4.1")->state, "gap");
    assert_string_equal(clause(&r, "4.2")->state, "gap");
    assert_true(missing_has(clause(&r, "4.3")->missing, clause(&r, "4.3")->nmissing, "no scope statement"));
    assert_true(missing_has(clause(&r, "6.1.2")->missing, clause(&r, "6.1.2")->nmissing, "methodology"));
    assert_true(missing_has(clause(&r, "6.1.3")->missing, clause(&r, "6.1.3")->nmissing, "never approved"));
    assert_int_equal(r.clauses_met, 0);
    assert_true(missing_has(clause(&r, "10.2")->missing, clause(&r, "10.2")->nmissing, "no nonconformity handled"));
    assert_true(missing_has(clause(&r, "9.2.1")->missing, clause(&r, "9.2.1")->nmissing, "no internal audit"));
    assert_true(missing_has(clause(&r, "9.3.3")->missing, clause(&r, "9.3.3")->nmissing, "no management review"));
    f = good;
    f.ncs_without_action = 2;
    f.actions_overdue = 1;
    f.majors_open = 1;
    gap_analyze(e, 93, &f, &a, &r);
    assert_true(missing_has(clause(&r, "10.2")->missing, clause(&r, "10.2")->nmissing, "2 nonconformities without"));
    assert_true(missing_has(clause(&r, "10.2")->missing, clause(&r, "10.2")->nmissing, "1 action(s) overdue"));
    assert_true(missing_has(clause(&r, "10.2")->missing, clause(&r, "10.2")->nmissing, "1 major nonconformity open"));
    assert_string_equal(clause(&r, "9.2.1")->state, "met");
    f = good;
    f.ev_fresh[5] = 0;
    f.ev_stale[5] = 2;
    f.ev_fresh[6] = 0;
    f.risks_untreated = 2;
    f.risks_overdue = 1;
    f.risks_awaiting_acceptance = 3;
    f.soa_changed_since_approval = 1;
    f.parties_without_requirements = 1;
    gap_analyze(e, 93, &f, &a, &r);
    assert_true(missing_has(clause(&r, "6.1.3")->missing, clause(&r, "6.1.3")->nmissing, "2 risk(s) without a treatment"));
    assert_true(missing_has(clause(&r, "6.1.3")->missing, clause(&r, "6.1.3")->nmissing, "changed since"));
    assert_true(missing_has(clause(&r, "6.1.3")->missing, clause(&r, "6.1.3")->nmissing, "3 residual"));
    assert_true(missing_has(clause(&r, "8.3")->missing, clause(&r, "8.3")->nmissing, "1 treatment(s) overdue"));
    assert_true(missing_has(clause(&r, "4.2")->missing, clause(&r, "4.2")->nmissing, "without requirements"));
    assert_string_equal(clause(&r, "4.3")->state, "met");
    /* evidence: A.5.6 only expired evidence, A.5.7 none */
    assert_int_equal(r.controls[5].evidence, EV_STALE);
    assert_true(missing_has(r.controls[5].missing, r.controls[5].nmissing, "evidence expired"));
    assert_int_equal(r.controls[6].evidence, EV_NO_EVIDENCE);
    assert_true(missing_has(r.controls[6].missing, r.controls[6].nmissing, "no evidence"));
    assert_false(r.controls[6].ready);
    assert_int_equal(r.controls[7].evidence, EV_PASSING);
    assert_true(r.controls[7].ready);
    assert_int_equal(r.themes[0].evidenced, 35);
    arena_free(&a);
}

int main(void)
{
    catalog_init(NULL);
    for (int i = 0; i < CATALOG_NCONTROLS; i++)
        good.ev_fresh[i] = 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_all_ready),
        cmocka_unit_test(test_control_gaps_and_theme_readiness),
        cmocka_unit_test(test_clause_gaps_from_facts),
    };
    return cmocka_run_group_tests_name("gap", tests, NULL, NULL);
}
