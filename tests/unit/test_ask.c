/* isms ask: id recognition in every common form, intent, safe MATCH expressions, the FTS5 index and
 * its ranking, and the LLM request and response bodies. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "core/ask.h"
#include "core/catalog.h"
#include "store/kb.h"

/* The ids found in q, as "A.5.23,9.3" with "<-A.9.4.2" after a mapped one. */
static const char *ids_of(const char *q)
{
    static char out[256];
    ask_ref r[ASK_MAX_IDS];
    size_t n = ask_find_ids(q, r, ASK_MAX_IDS);
    out[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        size_t o = strlen(out);
        snprintf(out + o, sizeof out - o, "%s%s%s%s%s", i ? "," : "", r[i].is_clause ? "clause " : "", r[i].id,
                 r[i].from2013[0] ? "<-" : "", r[i].from2013);
    }
    return out;
}

static int setup(void **state)
{
    (void)state;
    return catalog_init(NULL);
}

static void test_control_id_forms(void **state)
{
    (void)state;
    const char *forms[] = {"A.5.23", "a.5.23", "5.23", "A5.23", "annex a 5.23", "Annex A 5.23", "Annex A.5.23",
                           "annex a5.23", "control 5.23", "Control A.5.23", "ISO 27002 5.23",
                           "what evidence do I need for A.5.23?", "(A.5.23)", "see A.5.23.", "A.5.23's scope",
                           "controls: 5.23", "A.5.23, please", "\xe2\x80\x9c" "A.5.23\xe2\x80\x9d",
                           "A.5.23\xe2\x80\x94what evidence", "A.5.23\xe2\x80\x99s owner", "\xc2\xbb" "5.23"};
    for (size_t i = 0; i < sizeof forms / sizeof *forms; i++)
        if (strcmp(ids_of(forms[i]), "A.5.23"))
            fail_msg("'%s' gave '%s', wanted A.5.23", forms[i], ids_of(forms[i]));
    assert_string_equal(ids_of("compare A.5.23 and 5.19, then A.5.23 again"), "A.5.23,A.5.19");
    assert_string_equal(ids_of("A.5.1-5.3"), "A.5.1,A.5.3");
    assert_string_equal(ids_of("A.8.34"), "A.8.34");
    assert_string_equal(ids_of("7.14"), "A.7.14");
}

static void test_clause_id_forms(void **state)
{
    (void)state;
    assert_string_equal(ids_of("clause 6.1.2"), "clause 6.1.2");
    assert_string_equal(ids_of("6.1.2"), "clause 6.1.2");
    assert_string_equal(ids_of("Clause 9.3 what documents"), "clause 9.3");
    assert_string_equal(ids_of("9.3"), "clause 9.3");     /* there is no control 9.3 */
    assert_string_equal(ids_of("10.2"), "clause 10.2");
    assert_string_equal(ids_of("§ 9.3"), "clause 9.3");
    assert_string_equal(ids_of("§9.2.2"), "clause 9.2.2");
    /* both a clause and a control: the control, unless the clause is named */
    assert_string_equal(ids_of("5.1"), "A.5.1");
    assert_string_equal(ids_of("clause 5.1"), "clause 5.1");
    assert_string_equal(ids_of("clauses 4.1 and 4.2"), "clause 4.1,clause 4.2");
    assert_string_equal(ids_of("Clause: 5.2"), "clause 5.2");
}

static void test_2013_ids(void **state)
{
    (void)state;
    assert_string_equal(ids_of("A.9.4.2"), "A.8.5<-A.9.4.2");
    assert_string_equal(ids_of("9.4.2"), "A.8.5<-A.9.4.2");
    assert_string_equal(ids_of("control 9.4.2"), "A.8.5<-A.9.4.2");
    assert_string_equal(ids_of("what replaced A.12.6.1?"), "A.8.8<-A.12.6.1");
    /* one 2013 control split into two */
    assert_string_equal(ids_of("A.18.2.3"), "A.5.36<-A.18.2.3,A.8.8<-A.18.2.3");
    /* a 2013 id that is also a clause number: bare is the clause, with A. the 2013 control */
    assert_string_equal(ids_of("6.1.2"), "clause 6.1.2");
    assert_string_equal(ids_of("A.6.1.2"), "A.5.3<-A.6.1.2");
    const char *to[4];
    assert_int_equal(catalog_map_2013("A.9.4.2", to, 4), 1);
    assert_string_equal(to[0], "A.8.5");
}

static void test_not_ids(void **state)
{
    (void)state;
    const char *not_ids[] = {"version 5.2.1 of our app", "version 5.2 of our app", "we run v5.2", "upgrade to 5.2.1",
                             "it costs $5.23", "it took 5.5 days", "5.23% of staff", "host 10.0.0.1",
                             "python 3.11 and TLS 1.2", "node 5.10", "release 8.1 notes", "file5.23", "5.23a",
                             "see report.5.23", "A.8.35", "A.9.4", "on 12.05.2023", "05.23", "5.234",
                             "1.2.3.4.5", "PCI DSS 4.0 and 3.2.1", "CIS 5.1", "", "no numbers at all",
                             "5.23.txt", "DA.5.23", "#5.2", "an API at 7.5x speed", "about 6.5 hours",
                             "it costs \xe2\x82\xac" "5.23", "\xc2\xa3" "5.23 each"};
    for (size_t i = 0; i < sizeof not_ids / sizeof *not_ids; i++)
        if (strcmp(ids_of(not_ids[i]), ""))
            fail_msg("'%s' was read as '%s'", not_ids[i], ids_of(not_ids[i]));
}

static void test_intent(void **state)
{
    (void)state;
    assert_int_equal(ask_intent("what evidence do I need for A.5.23?"), ASK_EVIDENCE);
    assert_int_equal(ask_intent("how do I prove A.8.13 to the auditor"), ASK_EVIDENCE);
    assert_int_equal(ask_intent("what will an auditor ask"), ASK_EVIDENCE);
    assert_int_equal(ask_intent("clause 9.3 what documents"), ASK_EVIDENCE);
    assert_int_equal(ask_intent("what records are required for 6.1.2"), ASK_EVIDENCE);
    assert_int_equal(ask_intent("how do we control documents"), ASK_IMPLEMENT);
    assert_int_equal(ask_intent("annex a 8.24 how to implement"), ASK_IMPLEMENT);
    assert_int_equal(ask_intent("Implementation steps for backups"), ASK_IMPLEMENT);
    assert_int_equal(ask_intent("how often should we review user access rights"), ASK_IMPLEMENT);
    assert_int_equal(ask_intent("common findings for A.5.23"), ASK_FINDINGS);
    assert_int_equal(ask_intent("why do companies fail A.8.8"), ASK_FINDINGS);
    assert_int_equal(ask_intent("typical nonconformity in clause 9.2"), ASK_FINDINGS);
    assert_int_equal(ask_intent("what is A.5.23"), ASK_PURPOSE);
    assert_int_equal(ask_intent("What's the purpose of 5.7"), ASK_PURPOSE);
    assert_int_equal(ask_intent("why A.5.7?"), ASK_PURPOSE);
    assert_int_equal(ask_intent("A.5.23"), -1);
    assert_int_equal(ask_intent("cloud services"), -1);
    assert_string_equal(ask_kind_name(ASK_EVIDENCE), "evidence");
    assert_null(ask_kind_name(-1));
    assert_int_equal(ask_kind_index("findings"), ASK_FINDINGS);
    assert_int_equal(ask_kind_index("nope"), -1);
}

/* A safe expression is "term" ( OR "term")* with no quote inside a term: nothing the user typed
 * can act as FTS5 syntax. */
static int safe_expr(const char *e)
{
    if (!*e)
        return 1;
    const char *p = e;
    for (;;) {
        if (*p++ != '"')
            return 0;
        const char *q = strchr(p, '"');
        if (!q || q == p)
            return 0;
        for (const char *c = p; c < q; c++)
            if (*c == ' ' || (unsigned char)*c < 0x20)
                return 0;
        p = q + 1;
        if (!*p)
            return 1;
        if (strncmp(p, " OR ", 4))
            return 0;
        p += 4;
    }
}

static void test_match_expr(void **state)
{
    (void)state;
    char e[4096];
    assert_int_equal(ask_match_expr("What evidence do I need for cloud services?", e, sizeof e), 2);
    assert_string_equal(e, "\"cloud\" OR \"services\"");
    /* only intent words: they are the search */
    assert_int_equal(ask_match_expr("evidence", e, sizeof e), 1);
    assert_string_equal(e, "\"evidence\"");
    /* ids, numbers and stop words leave nothing */
    assert_int_equal(ask_match_expr("what is the A.5.23 in 2022", e, sizeof e), 0);
    assert_string_equal(e, "");
    assert_int_equal(ask_match_expr("Backup backup BACKUP", e, sizeof e), 1);
    assert_string_equal(e, "\"backup\"");

    const char *hostile[] = {
        "\"", "\"\"\"", "cloud\" OR \"x", "NEAR(cloud services, 2)", "title:cloud", "body : backup", "^backup",
        "back*", "-malware", "+crypto", "cloud AND NOT backup", "(((", ")", "{id title}: cloud", "a\"b", "'; DROP TABLE p; --",
        "\\\"", "*", "NEAR", "cloud NEAR/3 backup", "p MATCH 'x'", "é\"ü", "“smart quotes”", "x:y:z", "-", "..."};
    for (size_t i = 0; i < sizeof hostile / sizeof *hostile; i++) {
        int n = ask_match_expr(hostile[i], e, sizeof e);
        if (n < 0 || !safe_expr(e))
            fail_msg("unsafe expression for '%s': '%s'", hostile[i], e);
    }
    assert_int_equal(ask_match_expr("NEAR(cloud services, 2)", e, sizeof e), 2);
    assert_string_equal(e, "\"cloud\" OR \"services\"");
    ask_match_expr("title:cloud ^backup -malware back*", e, sizeof e);
    assert_string_equal(e, "\"title\" OR \"cloud\" OR \"backup\" OR \"malware\" OR \"back\"");
    /* too small a buffer is refused, not overrun */
    assert_int_equal(ask_match_expr("cloud services backup", e, 10), -1);
    /* at most ASK_MAX_TERMS terms */
    char many[4096] = "";
    for (int i = 0; i < 100; i++)
        sprintf(many + strlen(many), "word%c%c ", 'a' + i % 26, 'a' + i / 26);
    assert_int_equal(ask_match_expr(many, e, sizeof e), ASK_MAX_TERMS);
}

static void test_question_clean(void **state)
{
    (void)state;
    char out[ASK_MAX_QUESTION + 1];
    isms_err err = {0};
    assert_int_equal(ask_question_clean("  what\tis\r\n A.5.23 \x1b[31m ", out, &err), ISMS_OK);
    assert_string_equal(out, "what is A.5.23 [31m");
    assert_int_equal(ask_question_clean("backup \xff\xfe policy \xc3", out, &err), ISMS_OK);
    assert_string_equal(out, "backup policy");
    assert_int_equal(ask_question_clean("s\xc3\xa9\x63urit\xc3\xa9 \xed\xa0\x80 \xc0\xaf", out, &err), ISMS_OK);
    assert_string_equal(out, "s\xc3\xa9\x63urit\xc3\xa9"); /* surrogate and overlong dropped */
    assert_int_equal(ask_question_clean("", out, &err), ISMS_EINVAL);
    assert_int_equal(ask_question_clean(" \t\x01\xff ", out, &err), ISMS_EINVAL);
    assert_non_null(strstr(err.msg, "empty"));
    static char big[ASK_MAX_QUESTION + 2];
    memset(big, 'a', sizeof big - 1);
    assert_int_equal(ask_question_clean(big, out, &err), ISMS_EINVAL);
    assert_non_null(strstr(err.msg, "too long"));
    big[ASK_MAX_QUESTION] = '\0';
    assert_int_equal(ask_question_clean(big, out, &err), ISMS_OK);
}

static void test_index_ranking(void **state)
{
    (void)state;
    isms_err err = {0};
    kb *k;
    assert_int_equal(kb_open(&k, &err), ISMS_OK);
    size_t nc;
    catalog_clauses(&nc);
    assert_int_equal(kb_count(k), (CATALOG_NCONTROLS + nc) * ASK_NKINDS);
    arena a;
    arena_init(&a);
    static ask_result r;

    assert_int_equal(kb_ask(k, "what evidence do I need for cloud services?", 6, &a, &r, &err), ISMS_OK);
    assert_true(r.npassages >= 3);
    assert_string_equal(r.passages[0].id, "A.5.23");
    assert_string_equal(r.passages[0].kind, "evidence");
    assert_false(r.passages[0].by_id);
    assert_true(r.passages[0].score > r.passages[1].score);
    assert_int_equal(r.nids, 0);

    assert_int_equal(kb_ask(k, "5.23", 6, &a, &r, &err), ISMS_OK);
    assert_int_equal(r.nids, 1);
    assert_string_equal(r.passages[0].id, "A.5.23");
    assert_string_equal(r.passages[0].kind, "purpose");
    assert_true(r.passages[0].by_id);
    for (size_t i = 0; i < 4; i++)
        assert_string_equal(r.passages[i].id, "A.5.23");
    for (size_t i = 4; i < r.npassages; i++) /* related: other ids, one passage each */
        assert_string_not_equal(r.passages[i].id, "A.5.23");

    assert_int_equal(kb_ask(k, "what evidence do I need for A.5.23?", 6, &a, &r, &err), ISMS_OK);
    assert_string_equal(r.passages[0].id, "A.5.23");
    assert_string_equal(r.passages[0].kind, "evidence");

    assert_int_equal(kb_ask(k, "annex a 8.24 how to implement", 6, &a, &r, &err), ISMS_OK);
    assert_string_equal(r.passages[0].id, "A.8.24");
    assert_string_equal(r.passages[0].kind, "implement");

    assert_int_equal(kb_ask(k, "A.9.4.2", 6, &a, &r, &err), ISMS_OK);
    assert_string_equal(r.ids[0].id, "A.8.5");
    assert_string_equal(r.ids[0].from2013, "A.9.4.2");
    assert_string_equal(r.passages[0].id, "A.8.5");
    assert_true(r.npassages > 4); /* related guidance found from the title */

    assert_int_equal(kb_ask(k, "clause 9.3 what documents", 6, &a, &r, &err), ISMS_OK);
    assert_string_equal(r.passages[0].id, "9.3");
    assert_string_equal(r.passages[0].kind, "evidence");

    assert_int_equal(kb_ask(k, "how often should we review user access rights", 6, &a, &r, &err), ISMS_OK);
    assert_string_equal(r.passages[0].id, "A.5.18");
    assert_string_equal(r.passages[0].kind, "implement");

    assert_int_equal(kb_ask(k, "backups restore test", 1, &a, &r, &err), ISMS_OK);
    assert_int_equal(r.npassages, 1);
    assert_string_equal(r.passages[0].id, "A.8.13");

    /* two ids: the kind asked for of each, then their other kinds */
    assert_int_equal(kb_ask(k, "findings for A.5.23 and A.5.19", 10, &a, &r, &err), ISMS_OK);
    assert_string_equal(r.passages[0].id, "A.5.23");
    assert_string_equal(r.passages[0].kind, "findings");
    assert_string_equal(r.passages[1].id, "A.5.19");
    assert_string_equal(r.passages[1].kind, "findings");

    /* nothing searchable and no id: no passages, not an error */
    assert_int_equal(kb_ask(k, "?!() what is the", 6, &a, &r, &err), ISMS_OK);
    assert_int_equal(r.npassages, 0);

    assert_int_equal(kb_ask(k, "x", 0, &a, &r, &err), ISMS_EINVAL);
    assert_int_equal(kb_ask(k, "x", ASK_MAX_PASSAGES + 1, &a, &r, &err), ISMS_EINVAL);
    assert_int_equal(kb_ask(k, "  ", 6, &a, &r, &err), ISMS_EINVAL);
    arena_free(&a);
    kb_close(k);
}

/* Whatever the user types, the index answers without an FTS5 syntax error. */
static void test_index_hostile(void **state)
{
    (void)state;
    isms_err err = {0};
    kb *k;
    assert_int_equal(kb_open(&k, &err), ISMS_OK);
    arena a;
    arena_init(&a);
    static ask_result r;
    const char *qs[] = {"\"NEAR(cloud services, 2)\" OR title:* ^backup -malware (x", "{id title}: backup",
                        "body:cloud AND NOT \"", "* OR *", "NEAR/2", "\xff\xfe backup \xc3", "cloud\"\"services",
                        "a\x01b\x7f" "c backup", "A.5.23 OR 1=1; --", "'\"`$(id)`"};
    for (size_t i = 0; i < sizeof qs / sizeof *qs; i++)
        if (kb_ask(k, qs[i], 6, &a, &r, &err) != ISMS_OK)
            fail_msg("'%s' failed: %s", qs[i], err.msg);
    /* raw FTS5 syntax would be an error; the sanitized expression is not */
    ask_passage p[4];
    size_t n;
    assert_int_equal(kb_search(k, "\"cloud\" OR \"backup\"", -1, NULL, 0, p, 4, &n, &err), ISMS_OK);
    assert_int_equal(n, 4);
    assert_int_equal(kb_search(k, "NEAR(", -1, NULL, 0, p, 4, &n, &err), ISMS_EDB);
    assert_int_equal(kb_search(k, "", -1, NULL, 0, p, 4, &n, &err), ISMS_OK);
    assert_int_equal(n, 0);
    arena_free(&a);
    kb_close(k);
}

static void test_llm_request(void **state)
{
    (void)state;
    isms_err err = {0};
    kb *k;
    assert_int_equal(kb_open(&k, &err), ISMS_OK);
    arena a;
    arena_init(&a);
    static ask_result r;
    assert_int_equal(kb_ask(k, "A.9.4.2 how to implement", 3, &a, &r, &err), ISMS_OK);
    kb_close(k);
    const char *body = ask_llm_request("test-model", "A.9.4.2 how to implement", &r, &a);
    assert_non_null(body);
    json_error_t je;
    json_t *j = json_loads(body, 0, &je);
    assert_non_null(j);
    assert_string_equal(json_string_value(json_object_get(j, "model")), "test-model");
    json_t *msgs = json_object_get(j, "messages");
    assert_int_equal(json_array_size(msgs), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(msgs, 0), "role")), "system");
    assert_non_null(strstr(json_string_value(json_object_get(json_array_get(msgs, 0), "content")), "only from"));
    assert_string_equal(json_string_value(json_object_get(json_array_get(msgs, 1), "role")), "user");
    const char *user = json_string_value(json_object_get(json_array_get(msgs, 1), "content"));
    assert_non_null(strstr(user, "Question: A.9.4.2 how to implement"));
    assert_non_null(strstr(user, "A.9.4.2 is an ISO 27001:2013 control; in 2022 it is A.8.5"));
    assert_non_null(strstr(user, "1. [A.8.5 implement] Secure authentication: "));
    assert_non_null(strstr(user, "3. ["));
    json_decref(j);
    arena_free(&a);
}

static void test_llm_answer(void **state)
{
    (void)state;
    arena a;
    arena_init(&a);
    isms_err err = {0};
    const char *ans = NULL;
    const char *ok = "{\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":\"  Keep a cloud policy "
                     "[A.5.23].\\u001b[2J\\r\\nDone\\u009b \\u00e9\"}}]}";
    assert_int_equal(ask_llm_answer(ok, strlen(ok), &a, &ans, &err), ISMS_OK);
    assert_string_equal(ans, "Keep a cloud policy [A.5.23].[2J\nDone \xc3\xa9");
    const char *bad[] = {"not json", "{}", "{\"choices\":[]}", "{\"choices\":[{\"message\":{}}]}",
                         "{\"choices\":[{\"message\":{\"content\":null}}]}", "{\"choices\":[{\"message\":{\"content\":\" \\n\"}}]}",
                         "{\"choices\":{\"message\":{\"content\":\"x\"}}}", ""};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        ans = NULL;
        if (ask_llm_answer(bad[i], strlen(bad[i]), &a, &ans, &err) != ISMS_EINVAL)
            fail_msg("accepted '%s'", bad[i]);
    }
    assert_int_equal(ask_llm_answer(NULL, 0, &a, &ans, &err), ISMS_EINVAL);
    arena_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_control_id_forms), cmocka_unit_test(test_clause_id_forms),
        cmocka_unit_test(test_2013_ids),         cmocka_unit_test(test_not_ids),
        cmocka_unit_test(test_intent),           cmocka_unit_test(test_match_expr),
        cmocka_unit_test(test_question_clean),   cmocka_unit_test(test_index_ranking),
        cmocka_unit_test(test_index_hostile),    cmocka_unit_test(test_llm_request),
        cmocka_unit_test(test_llm_answer),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
