/* Crosswalks: 2013 <-> 2022 and SOC 2 lookups both ways, 2013 SoA columns and values, the merge
 * rules of a 2013 SoA migration, the 11 new controls, and SOC 2 readiness. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "core/crosswalk.h"

static const catalog_control *ctl(const char *id)
{
    const catalog_control *c = catalog_control_find(id);
    assert_non_null(c);
    return c;
}

static int idx2013(const char *id)
{
    int i = crosswalk_2013_index(id);
    if (i < 0)
        fail_msg("'%s' not found in the 2013 crosswalk", id);
    return i;
}

static void test_init_and_counts(void **state)
{
    (void)state;
    isms_err err = {0};
    assert_int_equal(crosswalk_init(&err), ISMS_OK);
    assert_int_equal(crosswalk_init(&err), ISMS_OK);   /* idempotent */
    assert_int_equal(crosswalk_2013_count(), 114);
    size_t n;
    crosswalk_soc2_all(&n);
    assert_int_equal(n, 36);
    assert_non_null(strstr(crosswalk_soc2_source, "CISO Assistant"));
    assert_non_null(strstr(crosswalk_soc2_source, "not from an AICPA table"));
}

static void test_2013_id_forms(void **state)
{
    (void)state;
    int i = idx2013("A.9.4.2");
    assert_string_equal(crosswalk_2013_id(i), "A.9.4.2");
    const char *forms[] = {"9.4.2", "a.9.4.2", "A9.4.2", "Annex A 9.4.2", " A.9.4.2 ", "A.9.4.2 Secure log-on procedures"};
    for (size_t k = 0; k < sizeof forms / sizeof *forms; k++)
        if (crosswalk_2013_index(forms[k]) != i)
            fail_msg("'%s' is not read as A.9.4.2", forms[k]);
    const char *bad[] = {"A.9.4.9", "A.5.23", "A.9.4", "A.9.4.2x", "9.4.2.1", "", "CC6.1", NULL};
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++)
        if (crosswalk_2013_index(bad[k]) != -1)
            fail_msg("'%s' was taken for a 2013 control", bad[k] ? bad[k] : "(null)");
    assert_null(crosswalk_2013_id(-1));
    assert_null(crosswalk_2013_id(114));
}

static void test_2013_to_2022_both_ways(void **state)
{
    (void)state;
    const catalog_control *to[CROSSWALK_MAX_TARGETS];
    assert_int_equal(crosswalk_2013_to_2022(idx2013("A.9.4.2"), to, CROSSWALK_MAX_TARGETS), 1);
    assert_string_equal(to[0]->id, "A.8.5");
    assert_int_equal(crosswalk_2013_to_2022(idx2013("A.18.2.3"), to, CROSSWALK_MAX_TARGETS), 2);
    assert_string_equal(to[0]->id, "A.5.36");
    assert_string_equal(to[1]->id, "A.8.8");
    assert_int_equal(crosswalk_2013_to_2022(-1, to, CROSSWALK_MAX_TARGETS), 0);

    int src[CROSSWALK_MAX_SOURCES];
    assert_int_equal(crosswalk_2022_to_2013(ctl("A.5.15"), src, CROSSWALK_MAX_SOURCES), 2);
    assert_string_equal(crosswalk_2013_id(src[0]), "A.9.1.1");
    assert_string_equal(crosswalk_2013_id(src[1]), "A.9.1.2");
    assert_int_equal(crosswalk_2022_to_2013(ctl("A.8.32"), src, CROSSWALK_MAX_SOURCES), 4);
    assert_int_equal(crosswalk_2022_to_2013(ctl("A.8.8"), src, CROSSWALK_MAX_SOURCES), 2);
    assert_int_equal(crosswalk_2022_to_2013(ctl("A.5.23"), src, CROSSWALK_MAX_SOURCES), 0);

    /* Every 2013 control maps somewhere, and the reverse lookup finds it again. */
    for (int i = 0; i < (int)crosswalk_2013_count(); i++) {
        size_t n = crosswalk_2013_to_2022(i, to, CROSSWALK_MAX_TARGETS);
        assert_true(n >= 1);
        for (size_t k = 0; k < n; k++) {
            size_t ns = crosswalk_2022_to_2013(to[k], src, CROSSWALK_MAX_SOURCES);
            int found = 0;
            for (size_t j = 0; j < ns; j++)
                found |= src[j] == i;
            if (!found)
                fail_msg("%s -> %s has no reverse", crosswalk_2013_id(i), to[k]->id);
        }
    }
}

static void test_eleven_new_controls(void **state)
{
    (void)state;
    const char *want[] = {"A.5.7", "A.5.23", "A.5.30", "A.7.4", "A.8.9", "A.8.10",
                          "A.8.11", "A.8.12", "A.8.16", "A.8.23", "A.8.28"};
    const catalog_control *got[CATALOG_NCONTROLS];
    size_t n = crosswalk_new_2022(got, CATALOG_NCONTROLS);
    assert_int_equal(n, 11);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(got[i]->id, want[i]);
}

static void test_soc2_both_ways(void **state)
{
    (void)state;
    const crosswalk_soc2 *s = crosswalk_soc2_find("cc6.1");
    assert_non_null(s);
    assert_string_equal(s->id, "CC6.1");
    assert_string_equal(s->series, "Logical and Physical Access Controls");
    assert_int_equal(s->ntargets, 9);
    int has_85 = 0;
    for (size_t k = 0; k < s->ntargets; k++)
        has_85 |= s->targets[k].ctl && !strcmp(s->targets[k].id, "A.8.5");
    assert_true(has_85);
    s = crosswalk_soc2_find("CC1.1");
    assert_non_null(s);
    assert_int_equal(s->ntargets, 1);
    assert_non_null(s->targets[0].clause);
    assert_null(s->targets[0].ctl);
    assert_string_equal(s->targets[0].id, "5.1");
    assert_string_equal(crosswalk_soc2_find("A1.2")->series, "Availability");
    assert_string_equal(crosswalk_soc2_find("C1.1")->series, "Confidentiality");
    assert_null(crosswalk_soc2_find("CC5.1"));
    assert_null(crosswalk_soc2_find(NULL));

    crosswalk_target t;
    const crosswalk_soc2 *crit[64];
    assert_int_equal(crosswalk_iso_target("a.5.15", &t), 0);
    assert_ptr_equal(t.ctl, ctl("A.5.15"));
    assert_int_equal(crosswalk_soc2_for(&t, crit, 64), 3);
    assert_string_equal(crit[0]->id, "CC6.2");
    assert_string_equal(crit[1]->id, "CC6.3");
    assert_string_equal(crit[2]->id, "CC6.4");
    assert_int_equal(crosswalk_iso_target("9.3.1", &t), 0);
    assert_non_null(t.clause);
    assert_int_equal(crosswalk_soc2_for(&t, crit, 64), 4);   /* CC1.3, CC2.1, CC4.1, CC4.2 */
    assert_string_equal(crit[0]->id, "CC1.3");
    /* "5.1" is the clause; A.5.1 and "5.15" (no such clause) are controls. */
    assert_int_equal(crosswalk_iso_target("5.1", &t), 0);
    assert_non_null(t.clause);
    assert_int_equal(crosswalk_iso_target("A.5.1", &t), 0);
    assert_non_null(t.ctl);
    assert_int_equal(crosswalk_iso_target("5.15", &t), 0);
    assert_ptr_equal(t.ctl, ctl("A.5.15"));
    assert_int_equal(crosswalk_iso_target("clause 7.5.1", &t), 0);
    assert_non_null(t.clause);
    assert_int_equal(crosswalk_iso_target("clause 5.15", &t), -1);
    assert_int_equal(crosswalk_iso_target("A.5.99", &t), -1);
    assert_int_equal(crosswalk_iso_target("", &t), -1);
    /* A new 2022 control the SOC 2 crosswalk uses; a control it does not. */
    assert_int_equal(crosswalk_iso_target("A.8.28", &t), 0);
    assert_int_equal(crosswalk_soc2_for(&t, crit, 64), 1);
    assert_string_equal(crit[0]->id, "CC8.1");
    assert_int_equal(crosswalk_iso_target("A.8.11", &t), 0);
    assert_int_equal(crosswalk_soc2_for(&t, crit, 64), 0);
}

static void test_soc2_known_criteria(void **state)
{
    (void)state;
    const char *known[] = {"CC5.1", "cc5.2", "CC9.2", "PI1.1", "PI1.5", "P1.1", "P6.7", "P8.1", "A1.3", "C1.2"};
    const char *unknown[] = {"CC5.4", "CC9.3", "PI1.6", "P6.8", "P9.1", "P0.1", "A1.4", "C1.3", "CC", "X1.1", "CC6.1x", ""};
    for (size_t i = 0; i < sizeof known / sizeof *known; i++)
        if (!crosswalk_soc2_known(known[i]))
            fail_msg("%s is a SOC 2 criterion", known[i]);
    for (size_t i = 0; i < sizeof unknown / sizeof *unknown; i++)
        if (crosswalk_soc2_known(unknown[i]))
            fail_msg("%s is not a SOC 2 criterion", unknown[i]);
    assert_false(crosswalk_soc2_known(NULL));
}

static void test_columns_and_values(void **state)
{
    (void)state;
    assert_int_equal(crosswalk_column("Annex A control"), CROSSWALK_COL_CONTROL);
    assert_int_equal(crosswalk_column("ID"), CROSSWALK_COL_CONTROL);
    assert_int_equal(crosswalk_column("ref"), CROSSWALK_COL_CONTROL);
    assert_int_equal(crosswalk_column("Applicable?"), CROSSWALK_COL_APPLICABLE);
    assert_int_equal(crosswalk_column(" included "), CROSSWALK_COL_APPLICABLE);
    assert_int_equal(crosswalk_column("Justification for exclusion"), CROSSWALK_COL_JUSTIFICATION);
    assert_int_equal(crosswalk_column("REASON"), CROSSWALK_COL_JUSTIFICATION);
    assert_int_equal(crosswalk_column("Implementation status"), CROSSWALK_COL_STATUS);
    assert_int_equal(crosswalk_column("How implemented"), CROSSWALK_COL_IMPLEMENTATION);
    assert_int_equal(crosswalk_column("Description"), CROSSWALK_COL_IMPLEMENTATION);
    assert_int_equal(crosswalk_column("implementation_status"), CROSSWALK_COL_STATUS);
    assert_int_equal(crosswalk_column("Owner:"), CROSSWALK_COL_OWNER);
    assert_int_equal(crosswalk_column("Control title"), -1);
    assert_string_equal(crosswalk_column_name(CROSSWALK_COL_APPLICABLE), "applicable");

    const char *yes[] = {"yes", "Y", "TRUE", "1", "Included", " yes "};
    const char *no[] = {"no", "n", "False", "0", "EXCLUDED"};
    const char *neither[] = {"maybe", "", "2", "yess", "partly"};
    for (size_t i = 0; i < sizeof yes / sizeof *yes; i++)
        assert_int_equal(crosswalk_parse_applicable(yes[i]), SOA_APPLICABLE);
    for (size_t i = 0; i < sizeof no / sizeof *no; i++)
        assert_int_equal(crosswalk_parse_applicable(no[i]), SOA_EXCLUDED);
    for (size_t i = 0; i < sizeof neither / sizeof *neither; i++)
        assert_int_equal(crosswalk_parse_applicable(neither[i]), -2);
    assert_int_equal(crosswalk_parse_applicable(NULL), -2);

    assert_int_equal(crosswalk_parse_status("Implemented"), SOA_IMPLEMENTED);
    assert_int_equal(crosswalk_parse_status("Partially implemented"), SOA_PARTIAL);
    assert_int_equal(crosswalk_parse_status("partially-implemented"), SOA_PARTIAL);
    assert_int_equal(crosswalk_parse_status("planned"), SOA_PLANNED);
    assert_int_equal(crosswalk_parse_status("Not implemented"), SOA_NOT_STARTED);
    assert_int_equal(crosswalk_parse_status("Not started"), SOA_NOT_STARTED);
    assert_int_equal(crosswalk_parse_status(""), SOA_STATUS_NONE);
    assert_int_equal(crosswalk_parse_status(NULL), SOA_STATUS_NONE);
    assert_int_equal(crosswalk_parse_status("N/A"), SOA_STATUS_NONE);
    assert_int_equal(crosswalk_parse_status("done"), -1);
}

static crosswalk_row row(const char *id, long line, int app, soa_status st, const char *just, const char *owner)
{
    return (crosswalk_row){.src = idx2013(id), .line = line, .applicable = app, .status = st,
                           .justification = just, .implementation = app == SOA_APPLICABLE ? "done our way" : NULL,
                           .owner = owner};
}

static const crosswalk_merged *merged(const crosswalk_merged *m, const char *id)
{
    return &m[catalog_control_index(id)];
}

static void test_merge_rules(void **state)
{
    (void)state;
    arena a;
    arena_init(&a);
    crosswalk_merged m[CATALOG_NCONTROLS];
    const char *why = "No removable media exists in our company at all, by design";
    crosswalk_row rows[] = {
        /* A.7.10 <- A.8.3.1, A.8.3.2, A.8.3.3, A.11.2.5: every one excluded (file order differs). */
        row("A.11.2.5", 10, SOA_EXCLUDED, SOA_STATUS_NONE, "Laptops live off-site by design", NULL),
        row("A.8.3.1", 4, SOA_EXCLUDED, SOA_STATUS_NONE, why, NULL),
        row("A.8.3.2", 5, SOA_EXCLUDED, SOA_STATUS_NONE, why, NULL),
        row("A.8.3.3", 6, SOA_EXCLUDED, SOA_STATUS_NONE, why, NULL),
        /* A.8.32 <- A.12.1.2, A.14.2.2, A.14.2.3, A.14.2.4: one excluded, statuses differ. */
        row("A.12.1.2", 20, SOA_APPLICABLE, SOA_IMPLEMENTED, "Risk R-11", "VP Engineering"),
        row("A.14.2.2", 21, SOA_APPLICABLE, SOA_PARTIAL, "Risk R-11", "VP Engineering"),
        row("A.14.2.3", 22, SOA_APPLICABLE, SOA_PLANNED, "", "CTO"),
        row("A.14.2.4", 23, SOA_EXCLUDED, SOA_STATUS_NONE, "We never modify vendor packages", NULL),
        /* A.8.5 <- A.9.4.2 alone. */
        row("A.9.4.2", 30, SOA_APPLICABLE, SOA_IMPLEMENTED, "Phishing risk", "Head of IT"),
        /* A.18.2.3 feeds A.5.36 and A.8.8; A.18.2.2 (A.5.36) and A.12.6.1 (A.8.8) are absent. */
        row("A.18.2.3", 40, SOA_EXCLUDED, SOA_STATUS_NONE, "Reviewed by our provider's own certification", NULL),
        /* A.5.17 <- A.9.2.4, A.9.3.1, A.9.4.3: a missing status is the least implemented. */
        row("A.9.2.4", 50, SOA_APPLICABLE, SOA_IMPLEMENTED, NULL, NULL),
        row("A.9.3.1", 51, SOA_APPLICABLE, SOA_STATUS_NONE, NULL, NULL),
        row("A.9.4.3", 52, SOA_APPLICABLE, SOA_IMPLEMENTED, NULL, NULL),
    };
    rows[8].reasons = SOA_REASON_CONTRACTUAL;
    crosswalk_merge_2013(rows, sizeof rows / sizeof *rows, &a, m);

    const crosswalk_merged *x = merged(m, "A.7.10");
    assert_true(x->decided);
    assert_int_equal(x->applicable, SOA_EXCLUDED);
    assert_int_equal(x->nfrom, 4);
    assert_int_equal(x->from[0]->line, 4);   /* file order */
    assert_int_equal(x->from[3]->line, 10);
    assert_non_null(strstr(x->justification, "A.8.3.1: No removable media"));
    assert_non_null(strstr(x->justification, "; A.11.2.5: Laptops live off-site"));
    assert_true(strstr(x->justification, "A.8.3.1") < strstr(x->justification, "A.11.2.5"));
    assert_int_equal(x->status, SOA_STATUS_NONE);

    x = merged(m, "A.8.32");
    assert_true(x->decided);
    assert_int_equal(x->applicable, SOA_APPLICABLE);
    assert_int_equal(x->status, SOA_PLANNED);   /* least implemented wins */
    assert_non_null(strstr(x->justification, "A.14.2.4 (excluded in 2013): We never modify"));
    assert_null(strstr(x->justification, "A.14.2.3"));   /* no text, nothing joined */
    assert_string_equal(x->owner, "VP Engineering, CTO");
    assert_null(strstr(x->implementation, "A.14.2.4"));   /* only applicable rows describe implementation */

    x = merged(m, "A.8.5");
    assert_true(x->decided);
    assert_int_equal(x->applicable, SOA_APPLICABLE);
    assert_int_equal(x->status, SOA_IMPLEMENTED);
    assert_string_equal(x->justification, "A.9.4.2: Phishing risk");
    assert_string_equal(x->implementation, "A.9.4.2: done our way");
    assert_string_equal(x->owner, "Head of IT");
    assert_int_equal(x->reasons, SOA_REASON_CONTRACTUAL);

    /* An exclusion needs every mapped 2013 control: A.5.36 and A.8.8 stay undecided. */
    x = merged(m, "A.5.36");
    assert_false(x->decided);
    assert_int_equal(x->nfrom, 1);
    assert_int_equal(x->nmissing, 1);
    assert_string_equal(crosswalk_2013_id(x->missing[0]), "A.18.2.2");
    assert_false(merged(m, "A.8.8")->decided);

    assert_int_equal(merged(m, "A.5.17")->status, SOA_STATUS_NONE);
    assert_true(merged(m, "A.5.17")->decided);

    /* Controls with no rows, and new controls, are left alone. */
    assert_false(merged(m, "A.5.1")->decided);
    assert_int_equal(merged(m, "A.5.1")->nfrom, 0);
    assert_int_equal(merged(m, "A.5.1")->nmissing, 2);
    assert_false(merged(m, "A.5.23")->decided);
    assert_int_equal(merged(m, "A.5.23")->nmissing, 0);

    /* With A.12.6.1 applicable, A.8.8 is applicable though A.18.2.3 was excluded. */
    crosswalk_row more[] = {row("A.18.2.3", 1, SOA_EXCLUDED, SOA_STATUS_NONE, "x", NULL),
                            row("A.12.6.1", 2, SOA_APPLICABLE, SOA_PARTIAL, "Patching", "CTO"),
                            row("A.18.2.2", 3, SOA_EXCLUDED, SOA_STATUS_NONE, "y", NULL)};
    crosswalk_merge_2013(more, 3, &a, m);
    x = merged(m, "A.8.8");
    assert_true(x->decided);
    assert_int_equal(x->applicable, SOA_APPLICABLE);
    assert_int_equal(x->status, SOA_PARTIAL);
    assert_string_equal(x->justification, "A.18.2.3 (excluded in 2013): x; A.12.6.1: Patching");   /* file order */
    x = merged(m, "A.5.36");
    assert_true(x->decided);
    assert_int_equal(x->applicable, SOA_EXCLUDED);
    assert_string_equal(x->justification, "A.18.2.3: x; A.18.2.2: y");
    arena_free(&a);
}

static void test_readiness(void **state)
{
    (void)state;
    arena a;
    arena_init(&a);
    size_t nc;
    const catalog_control *ctls = catalog_controls(&nc);
    soa_entry e[CATALOG_NCONTROLS];
    int fresh[CATALOG_NCONTROLS] = {0}, stale[CATALOG_NCONTROLS] = {0}, failing[CATALOG_NCONTROLS] = {0};
    for (size_t i = 0; i < nc; i++)
        e[i] = (soa_entry){.ctl = &ctls[i], .applicable = SOA_UNDECIDED, .risks = ""};
    int i82 = catalog_control_index("A.8.2"), i515 = catalog_control_index("A.5.15"),
        i518 = catalog_control_index("A.5.18");
    e[i82] = (soa_entry){.ctl = &ctls[i82], .applicable = SOA_APPLICABLE, .status = SOA_IMPLEMENTED, .risks = ""};
    e[i515] = e[i82];
    e[i515].ctl = &ctls[i515];
    e[i518] = e[i82];
    e[i518].ctl = &ctls[i518];
    e[i518].status = SOA_PARTIAL;
    fresh[i82] = fresh[i515] = fresh[i518] = 1;
    gap_facts f = {.has_context = 1};
    gap_report gr;
    gap_analyze(e, nc, &f, &a, &gr);
    crosswalk_readiness *r;
    size_t n = crosswalk_soc2_readiness(e, fresh, stale, failing, &gr, &a, &r);
    assert_int_equal(n, 36);
    const crosswalk_readiness *cc66 = NULL, *cc62 = NULL, *cc11 = NULL, *cc33 = NULL;
    for (size_t k = 0; k < n; k++) {
        const char *id = r[k].crit->id;
        if (!strcmp(id, "CC6.6")) cc66 = &r[k];
        if (!strcmp(id, "CC6.2")) cc62 = &r[k];
        if (!strcmp(id, "CC1.1")) cc11 = &r[k];
        if (!strcmp(id, "CC3.3")) cc33 = &r[k];
    }
    assert_non_null(cc66);
    assert_int_equal(cc66->state, CROSSWALK_COVERED);   /* A.8.2 alone */
    assert_string_equal(crosswalk_state_name(cc66->state), "covered");
    assert_int_equal(cc62->state, CROSSWALK_PARTIAL);   /* A.5.15 yes; A.5.9 undecided, A.5.18 partial */
    assert_int_equal(cc62->ncovered, 1);
    for (size_t k = 0; k < cc62->crit->ntargets; k++) {
        const crosswalk_cover *cv = &cc62->targets[k];
        if (!strcmp(cv->target->id, "A.5.9"))
            assert_string_equal(cv->why, "no SoA decision");
        if (!strcmp(cv->target->id, "A.5.18"))
            assert_string_equal(cv->why, "not implemented (partial)");
        if (!strcmp(cv->target->id, "A.5.15"))
            assert_true(cv->covered);
    }
    assert_int_equal(cc11->state, CROSSWALK_NOT_COVERED);   /* clause 5.1 is not tracked */
    assert_non_null(strstr(cc11->targets[0].why, "not tracked"));
    assert_int_equal(cc33->state, CROSSWALK_PARTIAL);   /* clause 4.1 met from the context fact */
    assert_string_equal(crosswalk_state_name(CROSSWALK_NOT_COVERED), "not_covered");

    /* A failing check or only stale evidence uncovers a control. */
    failing[i82] = 1;
    crosswalk_soc2_readiness(e, fresh, stale, failing, &gr, &a, &r);
    for (size_t k = 0; k < n; k++)
        if (!strcmp(r[k].crit->id, "CC6.6")) {
            assert_int_equal(r[k].state, CROSSWALK_NOT_COVERED);
            assert_string_equal(r[k].targets[0].why, "a supporting check fails");
        }
    failing[i82] = 0;
    fresh[i82] = 0;
    stale[i82] = 2;
    crosswalk_soc2_readiness(e, fresh, stale, failing, &gr, &a, &r);
    for (size_t k = 0; k < n; k++)
        if (!strcmp(r[k].crit->id, "CC6.6"))
            assert_string_equal(r[k].targets[0].why, "evidence expired");
    e[i82].applicable = SOA_EXCLUDED;
    crosswalk_soc2_readiness(e, fresh, stale, failing, &gr, &a, &r);
    for (size_t k = 0; k < n; k++)
        if (!strcmp(r[k].crit->id, "CC6.6"))
            assert_string_equal(r[k].targets[0].why, "excluded in the SoA");
    arena_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_init_and_counts),
        cmocka_unit_test(test_2013_id_forms),
        cmocka_unit_test(test_2013_to_2022_both_ways),
        cmocka_unit_test(test_eleven_new_controls),
        cmocka_unit_test(test_soc2_both_ways),
        cmocka_unit_test(test_soc2_known_criteria),
        cmocka_unit_test(test_columns_and_values),
        cmocka_unit_test(test_merge_rules),
        cmocka_unit_test(test_readiness),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
