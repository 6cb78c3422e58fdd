/* SoA derivation, exclusion justifications and validation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "core/soa.h"

static void test_weak_justifications_refused(void **state)
{
    (void)state;
    const char *why;
    const char *weak[] = {"", "   ", "N/A", "n/a", "NA", "Not applicable", "not applicable.", "Not relevant",
                          "not relevant!", "-", "TBD", "none", "Does not apply", "out of scope",
                          "Not applicable to us", "N/A - see above", "no need", "We don't need it",
                          "irrelevant", "short one"};
    for (size_t i = 0; i < sizeof weak / sizeof *weak; i++) {
        if (!soa_justification_weak(weak[i], &why))
            fail_msg("'%s' was accepted as a justification", weak[i]);
        assert_non_null(why);
    }
    assert_true(soa_justification_weak(NULL, &why));
}

static void test_real_justifications_accepted(void **state)
{
    (void)state;
    const char *why;
    assert_false(soa_justification_weak("We develop no software in-house; all applications are bought as SaaS.", &why));
    assert_false(soa_justification_weak("Not applicable because we have no offices: all staff work remotely and "
                                        "hosting is on AWS.", &why));
    assert_null(why);
}

static const catalog_control *ctl(const char *id)
{
    const catalog_control *c = catalog_control_find(id);
    assert_non_null(c);
    return c;
}

static void test_exclusion_of_risk_control_refused(void **state)
{
    (void)state;
    isms_err err = {0};
    soa_entry e = {.ctl = ctl("A.8.5"), .applicable = SOA_EXCLUDED, .risks = "R3,R9", .nrisks = 2,
                   .justification = "We have a very good reason that is long enough to pass."};
    assert_int_equal(soa_entry_check(&e, &err), ISMS_ECONFLICT);
    assert_non_null(strstr(err.msg, "R3,R9"));
    assert_non_null(strstr(err.msg, "A.8.5"));
    e.nrisks = 0;
    e.risks = "";
    assert_int_equal(soa_entry_check(&e, &err), ISMS_OK);
    e.justification = "N/A";
    assert_int_equal(soa_entry_check(&e, &err), ISMS_EINVAL);
    assert_non_null(strstr(err.msg, "auditor expects"));
    e.applicable = SOA_APPLICABLE;
    assert_int_equal(soa_entry_check(&e, &err), ISMS_OK);
}

static void test_derived_applicability(void **state)
{
    (void)state;
    soa_entry e = {.ctl = ctl("A.5.1"), .applicable = SOA_UNDECIDED, .risks = "", .nrisks = 0};
    assert_int_equal(soa_effective_applicable(&e), SOA_UNDECIDED);
    e.nrisks = 1;
    e.risks = "R1";
    assert_int_equal(soa_effective_applicable(&e), SOA_APPLICABLE);
    e.applicable = SOA_EXCLUDED;
    assert_int_equal(soa_effective_applicable(&e), SOA_EXCLUDED);
}

static int has_issue(soa_issue *is, size_t n, const char *control, const char *code)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(is[i].control, control) && !strcmp(is[i].code, code))
            return 1;
    return 0;
}

static void test_validate_lists_every_weakness(void **state)
{
    (void)state;
    arena a;
    arena_init(&a);
    size_t n;
    const catalog_control *all = catalog_controls(&n);
    assert_int_equal(n, 93);
    soa_entry e[93];
    for (size_t i = 0; i < n; i++)
        e[i] = (soa_entry){.ctl = &all[i], .applicable = SOA_APPLICABLE, .reasons = SOA_REASON_BUSINESS,
                           .status = SOA_IMPLEMENTED, .implementation = "done", .owner = "o", .risks = ""};
    soa_issue *is;
    assert_int_equal(soa_validate(e, n, &a, &is), 0);
    e[0].applicable = SOA_UNDECIDED;                         /* A.5.1 */
    e[1].applicable = SOA_EXCLUDED;                          /* A.5.2 */
    e[1].justification = "not relevant";
    e[2].reasons = 0;                                        /* A.5.3 no reason */
    e[3].implementation = "";                                /* A.5.4 */
    e[4].owner = NULL;                                       /* A.5.5 */
    e[5].status = SOA_STATUS_NONE;                           /* A.5.6 */
    e[6].applicable = SOA_EXCLUDED;                          /* A.5.7 excluded but linked */
    e[6].justification = "A perfectly adequate justification of some length here.";
    e[6].nrisks = 1;
    e[6].risks = "R4";
    e[7].applicable = SOA_UNDECIDED;                         /* A.5.8 derived only */
    e[7].nrisks = 1;
    e[7].risks = "R5";
    size_t k = soa_validate(e, n, &a, &is);
    assert_true(has_issue(is, k, "A.5.1", "undecided"));
    assert_true(has_issue(is, k, "A.5.2", "weak_justification"));
    assert_true(has_issue(is, k, "A.5.3", "no_reason"));
    assert_true(has_issue(is, k, "A.5.4", "no_implementation"));
    assert_true(has_issue(is, k, "A.5.5", "no_owner"));
    assert_true(has_issue(is, k, "A.5.6", "no_status"));
    assert_true(has_issue(is, k, "A.5.7", "excluded_but_treats_risk"));
    assert_true(has_issue(is, k, "A.5.8", "undecided"));
    assert_false(has_issue(is, k, "A.5.8", "no_reason")); /* the linked risk is its reason */
    assert_int_equal(k, 8);
    arena_free(&a);
}

static void test_status_and_reasons(void **state)
{
    (void)state;
    isms_err err = {0};
    assert_int_equal(soa_status_parse("Not started"), SOA_NOT_STARTED);
    assert_int_equal(soa_status_parse("partially"), SOA_PARTIAL);
    assert_int_equal(soa_status_parse("implemented"), SOA_IMPLEMENTED);
    assert_int_equal(soa_status_parse("done"), -1);
    int bits;
    assert_int_equal(soa_reasons_parse("legal, business", &bits, &err), ISMS_OK);
    assert_int_equal(bits, SOA_REASON_LEGAL | SOA_REASON_BUSINESS);
    assert_int_equal(soa_reasons_parse("legal,whim", &bits, &err), ISMS_EINVAL);
    assert_non_null(strstr(err.msg, "whim"));
    arena a;
    arena_init(&a);
    soa_entry e = {.nrisks = 2, .reasons = SOA_REASON_CONTRACTUAL | SOA_REASON_BUSINESS};
    assert_string_equal(soa_reasons_text(&a, &e), "risk,contractual,business");
    e.nrisks = 0;
    assert_string_equal(soa_reasons_text(&a, &e), "contractual,business");
    arena_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_weak_justifications_refused),
        cmocka_unit_test(test_real_justifications_accepted),
        cmocka_unit_test(test_exclusion_of_risk_control_refused),
        cmocka_unit_test(test_derived_applicability),
        cmocka_unit_test(test_validate_lists_every_weakness),
        cmocka_unit_test(test_status_and_reasons),
    };
    return cmocka_run_group_tests_name("soa", tests, NULL, NULL);
}
