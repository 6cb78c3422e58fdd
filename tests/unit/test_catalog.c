/* The compiled-in catalog: 93 controls, clauses, guidance for each, ids in every common form. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "core/catalog.h"

static void test_controls_and_themes(void **state)
{
    (void)state;
    assert_int_equal(catalog_init(NULL), ISMS_OK);
    size_t n;
    const catalog_control *c = catalog_controls(&n);
    assert_int_equal(n, 93);
    int per[4] = {0};
    const char *const *themes = catalog_themes();
    for (size_t i = 0; i < n; i++)
        for (int t = 0; t < 4; t++)
            per[t] += !strcmp(c[i].theme, themes[t]);
    assert_int_equal(per[0], 37);
    assert_int_equal(per[1], 8);
    assert_int_equal(per[2], 14);
    assert_int_equal(per[3], 34);
    assert_string_equal(c[0].id, "A.5.1");
    assert_string_equal(c[92].id, "A.8.34");
    assert_string_equal(catalog_control_find("A.5.23")->title, "Information security for use of cloud services");
}

static void test_every_control_and_clause_has_guidance(void **state)
{
    (void)state;
    size_t n, nc;
    const catalog_control *c = catalog_controls(&n);
    for (size_t i = 0; i < n; i++) {
        if (strlen(c[i].g.purpose) < 40 || strlen(c[i].g.implement) < 40 || strlen(c[i].g.evidence) < 20 ||
            strlen(c[i].g.findings) < 20)
            fail_msg("%s lacks guidance", c[i].id);
    }
    const catalog_clause *cl = catalog_clauses(&nc);
    assert_true(nc >= 30);
    for (size_t i = 0; i < nc; i++)
        if (strlen(cl[i].g.purpose) < 40 || strlen(cl[i].g.evidence) < 20)
            fail_msg("clause %s lacks guidance", cl[i].id);
}

static void test_id_forms(void **state)
{
    (void)state;
    const catalog_control *want = catalog_control_find("A.8.24");
    assert_non_null(want);
    assert_ptr_equal(catalog_control_find("8.24"), want);
    assert_ptr_equal(catalog_control_find("a.8.24"), want);
    assert_ptr_equal(catalog_control_find("A8.24"), want);
    assert_ptr_equal(catalog_control_find("Annex A 8.24"), want);
    assert_null(catalog_control_find("A.8.35"));
    assert_null(catalog_control_find("A.8.2x"));
    assert_null(catalog_control_find(""));
    assert_null(catalog_control_find(NULL));
    /* every control found by its own id, and numbers around the catalog's found as nothing */
    size_t n;
    const catalog_control *all = catalog_controls(&n);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(catalog_control_index(all[i].id), (int)i);
    assert_int_equal(catalog_control_index("A.5.37 "), catalog_control_index("A.5.37"));
    assert_null(catalog_control_find("A.5.38"));
    assert_null(catalog_control_find("A.5.0"));
    assert_null(catalog_control_find("A.9.1"));
    assert_null(catalog_control_find("A.5.1.2"));
    assert_null(catalog_control_find("A.5."));
    assert_null(catalog_control_find("A.5.99999"));
    assert_null(catalog_control_find("A.5 .1"));
    assert_non_null(catalog_clause_find("6.1.2"));
    assert_null(catalog_clause_find("11.1"));
}

static void test_normalize_list(void **state)
{
    (void)state;
    char out[512];
    isms_err err = {0};
    assert_int_equal(catalog_controls_normalize("8.5, A.5.17,a.5.17 ,A.5.9", out, sizeof out, &err), ISMS_OK);
    assert_string_equal(out, "A.5.9,A.5.17,A.8.5");
    assert_int_equal(catalog_controls_normalize("A.5.17,A.9.9", out, sizeof out, &err), ISMS_EINVAL);
    assert_non_null(strstr(err.msg, "A.9.9"));
    assert_int_equal(catalog_controls_normalize("", out, sizeof out, &err), ISMS_OK);
    assert_string_equal(out, "");
}

static void test_library_and_crosswalk(void **state)
{
    (void)state;
    size_t nt, nv;
    const catalog_threat *t = catalog_threats(&nt);
    const catalog_vuln *v = catalog_vulns(&nv);
    assert_true(nt >= 30);
    assert_true(nv >= 30);
    char out[512];
    for (size_t i = 0; i < nt; i++)
        assert_int_equal(catalog_controls_normalize(t[i].controls, out, sizeof out, NULL), ISMS_OK);
    for (size_t i = 0; i < nv; i++)
        assert_int_equal(catalog_controls_normalize(v[i].controls, out, sizeof out, NULL), ISMS_OK);
    assert_non_null(catalog_threat_find("T01"));
    assert_non_null(catalog_vuln_find("v01"));
    const char *m[4];
    assert_int_equal(catalog_map_2013("A.9.4.2", m, 4), 1);
    assert_string_equal(m[0], "A.8.5");
    assert_int_equal(catalog_map_2013("A.99.1", m, 4), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_controls_and_themes),
        cmocka_unit_test(test_every_control_and_clause_has_guidance),
        cmocka_unit_test(test_id_forms),
        cmocka_unit_test(test_normalize_list),
        cmocka_unit_test(test_library_and_crosswalk),
    };
    return cmocka_run_group_tests_name("catalog", tests, NULL, NULL);
}
