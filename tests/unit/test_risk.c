/* Risk scoring, levels, methodology validation and treatment rules. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "core/risk.h"

static void test_default_method_scores_and_levels(void **state)
{
    (void)state;
    risk_method m;
    risk_method_default(&m);
    assert_int_equal(risk_method_validate(&m, NULL), ISMS_OK);
    assert_int_equal(risk_score(3, 4), 12);
    assert_string_equal(risk_level(&m, 1), "low");
    assert_string_equal(risk_level(&m, 4), "low");
    assert_string_equal(risk_level(&m, 5), "medium");
    assert_string_equal(risk_level(&m, 9), "medium");
    assert_string_equal(risk_level(&m, 10), "high");
    assert_string_equal(risk_level(&m, 16), "high");
    assert_string_equal(risk_level(&m, 20), "critical");
    assert_string_equal(risk_level(&m, 25), "critical");
}

static void test_method_validation(void **state)
{
    (void)state;
    risk_method m;
    isms_err err = {0};
    risk_method_default(&m);
    m.likelihood_levels = 2;
    assert_int_equal(risk_method_validate(&m, &err), ISMS_EINVAL);
    assert_non_null(strstr(err.msg, "3 to 5"));
    risk_method_default(&m);
    m.impact_levels = 6;
    assert_int_equal(risk_method_validate(&m, &err), ISMS_EINVAL);
    risk_method_default(&m);
    m.medium_max = 3; /* below low_max */
    assert_int_equal(risk_method_validate(&m, &err), ISMS_EINVAL);
    risk_method_default(&m);
    m.likelihood_levels = m.impact_levels = 3;
    m.low_max = 2;
    m.medium_max = 4;
    m.high_max = 6;
    m.appetite = 4;
    assert_int_equal(risk_method_validate(&m, &err), ISMS_OK);
    assert_string_equal(risk_level(&m, 9), "critical");
    m.high_max = 10; /* above 3x3 */
    assert_int_equal(risk_method_validate(&m, &err), ISMS_EINVAL);
    m.high_max = 6;
    m.appetite = 9;
    assert_int_equal(risk_method_validate(&m, &err), ISMS_EINVAL);
}

static void test_value_range(void **state)
{
    (void)state;
    risk_method m;
    isms_err err = {0};
    risk_method_default(&m);
    m.likelihood_levels = 4;
    assert_int_equal(risk_check_value(&m, "likelihood", 4, &err), ISMS_OK);
    assert_int_equal(risk_check_value(&m, "likelihood", 5, &err), ISMS_EINVAL);
    assert_non_null(strstr(err.msg, "1 to 4"));
    assert_int_equal(risk_check_value(&m, "impact", 5, &err), ISMS_OK);
    assert_int_equal(risk_check_value(&m, "impact", 0, &err), ISMS_EINVAL);
}

static void test_options(void **state)
{
    (void)state;
    assert_int_equal(risk_option_parse("mitigate"), RISK_MITIGATE);
    assert_int_equal(risk_option_parse("Accept"), RISK_ACCEPT);
    assert_int_equal(risk_option_parse("transfer"), RISK_TRANSFER);
    assert_int_equal(risk_option_parse("avoid"), RISK_AVOID);
    assert_int_equal(risk_option_parse("reduce"), RISK_MITIGATE);
    assert_int_equal(risk_option_parse("ignore"), -1);
    assert_int_equal(risk_option_parse(NULL), -1);
}

static void test_treatment_rules(void **state)
{
    (void)state;
    risk_method m;
    isms_err err = {0};
    risk_method_default(&m);
    risk r = {.id = 7, .likelihood = 4, .impact = 4, .option = RISK_MITIGATE, .controls = ""};
    assert_int_equal(risk_treatment_validate(&m, &r, &err), ISMS_EINVAL);
    assert_non_null(strstr(err.msg, "controls"));
    r.controls = "A.8.5";
    assert_int_equal(risk_treatment_validate(&m, &r, &err), ISMS_OK);
    r.residual_likelihood = 5;
    r.residual_impact = 4; /* 20 > 16 */
    assert_int_equal(risk_treatment_validate(&m, &r, &err), ISMS_EINVAL);
    assert_non_null(strstr(err.msg, "cannot raise"));
    r.residual_likelihood = 2;
    r.residual_impact = 0;
    assert_int_equal(risk_treatment_validate(&m, &r, &err), ISMS_EINVAL);
    r.residual_impact = 6;
    assert_int_equal(risk_treatment_validate(&m, &r, &err), ISMS_EINVAL);
    r.residual_impact = 3;
    r.due_date = "2026-02-30";
    assert_int_equal(risk_treatment_validate(&m, &r, &err), ISMS_EINVAL);
    r.due_date = "2028-02-29";
    assert_int_equal(risk_treatment_validate(&m, &r, &err), ISMS_OK);
    r.option = RISK_ACCEPT;
    r.controls = "";
    assert_int_equal(risk_treatment_validate(&m, &r, &err), ISMS_OK);
}

static void test_acceptance_and_plan_status(void **state)
{
    (void)state;
    risk_method m;
    risk_method_default(&m); /* appetite 8 */
    risk r = {.likelihood = 3, .impact = 3, .option = RISK_UNTREATED};
    assert_false(risk_needs_acceptance(&m, &r));
    assert_string_equal(risk_plan_status(&m, &r, "2026-01-01"), "untreated");
    r.option = RISK_ACCEPT; /* residual 9 > 8 */
    assert_true(risk_needs_acceptance(&m, &r));
    assert_string_equal(risk_plan_status(&m, &r, "2026-01-01"), "awaiting acceptance");
    r.accepted_by = "Owner";
    assert_string_equal(risk_plan_status(&m, &r, "2026-01-01"), "accepted");
    r.option = RISK_MITIGATE;
    r.accepted_by = NULL;
    r.residual_likelihood = 2;
    r.residual_impact = 2;
    assert_false(risk_needs_acceptance(&m, &r));
    assert_int_equal(risk_residual_score(&r), 4);
    r.due_date = "2026-03-01";
    assert_string_equal(risk_plan_status(&m, &r, "2026-02-01"), "open");
    assert_string_equal(risk_plan_status(&m, &r, "2026-03-02"), "overdue");
    r.done = 1;
    assert_string_equal(risk_plan_status(&m, &r, "2026-03-02"), "done");
    r.option = RISK_AVOID;
    r.residual_likelihood = r.residual_impact = 0;
    assert_false(risk_needs_acceptance(&m, &r));
}

static void test_dates(void **state)
{
    (void)state;
    assert_true(risk_date_valid("2024-02-29"));
    assert_false(risk_date_valid("2023-02-29"));
    assert_false(risk_date_valid("2100-02-29"));
    assert_true(risk_date_valid("2000-02-29"));
    assert_false(risk_date_valid("2024-13-01"));
    assert_false(risk_date_valid("2024-1-01"));
    assert_false(risk_date_valid("2024-01-01x"));
    assert_false(risk_date_valid(""));
    assert_false(risk_date_valid(NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_default_method_scores_and_levels),
        cmocka_unit_test(test_method_validation),
        cmocka_unit_test(test_value_range),
        cmocka_unit_test(test_options),
        cmocka_unit_test(test_treatment_rules),
        cmocka_unit_test(test_acceptance_and_plan_status),
        cmocka_unit_test(test_dates),
    };
    return cmocka_run_group_tests_name("risk", tests, NULL, NULL);
}
