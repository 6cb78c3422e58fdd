/* The registers' validation, dates and derived states: training within 12 months, leavers,
 * supplier reviews, incident targets and closure, objectives on and off track. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/register.h"
#include "store/store.h"

static reg_rec rec(int k, const char *const *kv)
{
    reg_rec r = {0};
    for (; kv && kv[0]; kv += 2)
        assert_int_equal(reg_set(k, &r, kv[0], kv[1]), 0);
    reg_defaults(k, &r);
    return r;
}

static int has(int k, const reg_rec *r, const char *today, const char *needle)
{
    arena a;
    arena_init(&a);
    const char *p[8];
    int n = reg_problems(k, r, today, &a, p, 8), found = 0;
    for (int i = 0; i < n; i++)
        found |= strstr(p[i], needle) != NULL;
    arena_free(&a);
    return found;
}

static int nproblems(int k, const reg_rec *r, const char *today)
{
    arena a;
    arena_init(&a);
    const char *p[8];
    int n = reg_problems(k, r, today, &a, p, 8);
    arena_free(&a);
    return n;
}

static void test_dates(void **state)
{
    (void)state;
    assert_true(reg_date_valid("2024-02-29"));
    assert_false(reg_date_valid("2023-02-29"));
    assert_true(reg_date_valid("2000-02-29"));
    assert_false(reg_date_valid("1900-02-29"));
    assert_false(reg_date_valid("2026-04-31"));
    assert_false(reg_date_valid("2026-13-01"));
    assert_false(reg_date_valid("2026-00-10"));
    assert_false(reg_date_valid("2026-1-01"));
    assert_false(reg_date_valid("2026-01-01 "));
    assert_false(reg_date_valid("26-01-01"));
    assert_false(reg_date_valid(""));
    assert_false(reg_date_valid(NULL));
    assert_true(reg_time_valid("2026-01-01"));
    assert_true(reg_time_valid("2026-01-01T23:59"));
    assert_true(reg_time_valid("2026-01-01T23:59:59Z"));
    assert_false(reg_time_valid("2026-01-01 08:00")); /* one spelling, so times compare as text */
    assert_false(reg_time_valid("2026-01-01T24:00"));
    assert_false(reg_time_valid("2026-01-01T10:60"));
    assert_false(reg_time_valid("2026-01-01T10"));
    assert_false(reg_time_valid("2026-01-01T10:00+02:00"));
    char out[11];
    reg_date_minus_months("2026-03-31", 1, out);
    assert_string_equal(out, "2026-02-28");
    reg_date_minus_months("2024-02-29", 12, out);
    assert_string_equal(out, "2023-02-28");
    reg_date_minus_months("2026-01-15", 12, out);
    assert_string_equal(out, "2025-01-15");
    reg_date_minus_months("2026-11-30", -12, out);
    assert_string_equal(out, "2027-11-30");
    reg_date_minus_months("2026-01-31", 2, out);
    assert_string_equal(out, "2025-11-30");
    assert_int_equal(reg_days_between("2026-01-01", "2026-01-08"), 7);
    assert_int_equal(reg_days_between("2024-02-28", "2024-03-01"), 2);
    assert_int_equal(reg_days_between("2025-12-31T23:00", "2026-01-01"), 1);
    assert_int_equal(reg_days_between("2026-01-08", "2026-01-01"), -7);
}

static void test_field_validation(void **state)
{
    (void)state;
    isms_err err = {0};
    reg_rec p = rec(REG_PERSON, (const char *[]){"name", "Ana", "email", "ana@example.com", NULL});
    assert_int_equal(reg_validate(REG_PERSON, &p, &err), ISMS_OK);
    static const char *const bad_emails[] = {"ana", "ana@", "@example.com", "a b@example.com", "a@b@c.com", "a@example",
                                             "a@example.", NULL};
    for (const char *const *e = bad_emails; *e; e++) {
        reg_set(REG_PERSON, &p, "email", *e);
        assert_int_equal(reg_validate(REG_PERSON, &p, &err), ISMS_EINVAL);
        assert_non_null(strstr(err.msg, "email:"));
    }
    reg_set(REG_PERSON, &p, "email", "ana@example.com");
    reg_set(REG_PERSON, &p, "start_date", "2026-02-30");
    assert_int_equal(reg_validate(REG_PERSON, &p, &err), ISMS_EINVAL);
    assert_non_null(strstr(err.msg, "start_date: '2026-02-30'"));
    reg_set(REG_PERSON, &p, "start_date", "2026-03-01");
    reg_set(REG_PERSON, &p, "end_date", "2026-02-01");
    assert_int_equal(reg_validate(REG_PERSON, &p, &err), ISMS_EINVAL);
    assert_non_null(strstr(err.msg, "end_date"));
    reg_set(REG_PERSON, &p, "end_date", NULL);
    reg_set(REG_PERSON, &p, "access_removed", "2026-03-02");
    assert_int_equal(reg_validate(REG_PERSON, &p, &err), ISMS_EINVAL);
    reg_set(REG_PERSON, &p, "access_removed", NULL);
    char big[300];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    reg_set(REG_PERSON, &p, "name", big);
    assert_int_equal(reg_validate(REG_PERSON, &p, &err), ISMS_EINVAL);
    assert_non_null(strstr(err.msg, "longer than 200"));
    reg_set(REG_PERSON, &p, "name", "Ana\x01");
    assert_int_equal(reg_validate(REG_PERSON, &p, &err), ISMS_EINVAL);
    reg_set(REG_PERSON, &p, "name", NULL);
    assert_int_equal(reg_validate(REG_PERSON, &p, &err), ISMS_EINVAL);
    assert_non_null(strstr(err.msg, "name: required"));
    assert_int_equal(reg_set(REG_PERSON, &p, "nonsense", "x"), -1);

    reg_rec s = rec(REG_SUPPLIER, (const char *[]){"name", "AWS", "owner", "CTO", "risk_rating", "severe", NULL});
    assert_int_equal(reg_validate(REG_SUPPLIER, &s, &err), ISMS_EINVAL);
    assert_non_null(strstr(err.msg, "risk_rating: 'severe' is not one of low, medium, high, critical"));
    reg_set(REG_SUPPLIER, &s, "risk_rating", "high");
    assert_string_equal(reg_get(REG_SUPPLIER, &s, "security_clauses"), "no");
    assert_string_equal(reg_get(REG_SUPPLIER, &s, "data_access"), "none");
    reg_set(REG_SUPPLIER, &s, "security_clauses", "maybe");
    assert_int_equal(reg_validate(REG_SUPPLIER, &s, &err), ISMS_EINVAL);
    reg_set(REG_SUPPLIER, &s, "security_clauses", "yes");
    reg_set(REG_SUPPLIER, &s, "last_review", "2026-05-01");
    reg_set(REG_SUPPLIER, &s, "next_review", "2026-04-01");
    assert_int_equal(reg_validate(REG_SUPPLIER, &s, &err), ISMS_EINVAL);
    reg_set(REG_SUPPLIER, &s, "next_review", "2027-05-01");
    assert_int_equal(reg_validate(REG_SUPPLIER, &s, &err), ISMS_OK);

    reg_rec o = rec(REG_OBJECTIVE, (const char *[]){"objective", "Patch fast", "measure", "days", "target", "1e3",
                                                    "owner", "CTO", NULL});
    assert_int_equal(reg_validate(REG_OBJECTIVE, &o, &err), ISMS_EINVAL);
    reg_set(REG_OBJECTIVE, &o, "target", "0x10");
    assert_int_equal(reg_validate(REG_OBJECTIVE, &o, &err), ISMS_EINVAL);
    reg_set(REG_OBJECTIVE, &o, "target", "nan");
    assert_int_equal(reg_validate(REG_OBJECTIVE, &o, &err), ISMS_EINVAL);
    reg_set(REG_OBJECTIVE, &o, "target", "-2.5");
    assert_int_equal(reg_validate(REG_OBJECTIVE, &o, &err), ISMS_OK);
    assert_string_equal(reg_get(REG_OBJECTIVE, &o, "direction"), "at_least");
    assert_string_equal(reg_get(REG_OBJECTIVE, &o, "status"), "active");
}

static void test_incident_rules(void **state)
{
    (void)state;
    isms_err err = {0};
    reg_rec i = rec(REG_INCIDENT, (const char *[]){"title", "Phishing", "severity", "high", "detected_at",
                                                   "2026-11-01T10:00", NULL});
    assert_string_equal(reg_get(REG_INCIDENT, &i, "status"), "open");
    assert_int_equal(reg_validate(REG_INCIDENT, &i, &err), ISMS_OK);
    reg_set(REG_INCIDENT, &i, "reported_at", "2026-11-01T09:00");
    assert_int_equal(reg_validate(REG_INCIDENT, &i, &err), ISMS_EINVAL);
    assert_non_null(strstr(err.msg, "reported_at"));
    reg_set(REG_INCIDENT, &i, "reported_at", "2026-11-01"); /* the same day, no time: in order */
    assert_int_equal(reg_validate(REG_INCIDENT, &i, &err), ISMS_OK);
    reg_set(REG_INCIDENT, &i, "detected_at", "2026-11-01T10:00Z");
    reg_set(REG_INCIDENT, &i, "reported_at", "2026-11-01T10:00:30Z"); /* seconds and Z compare as times */
    assert_int_equal(reg_validate(REG_INCIDENT, &i, &err), ISMS_OK);
    reg_set(REG_INCIDENT, &i, "reported_at", "2026-11-01T09:59:59");
    assert_int_equal(reg_validate(REG_INCIDENT, &i, &err), ISMS_EINVAL);
    reg_set(REG_INCIDENT, &i, "detected_at", "2026-11-01T10:00");
    reg_set(REG_INCIDENT, &i, "reported_at", "2026-11-01");
    reg_set(REG_INCIDENT, &i, "controls", "A.5.24, A.6.8");
    assert_int_equal(reg_validate(REG_INCIDENT, &i, &err), ISMS_OK);
    reg_set(REG_INCIDENT, &i, "controls", "A.5.24,A.99.1");
    assert_int_equal(reg_validate(REG_INCIDENT, &i, &err), ISMS_EINVAL);
    assert_non_null(strstr(err.msg, "A.99.1"));
    reg_set(REG_INCIDENT, &i, "controls", NULL);
    reg_set(REG_INCIDENT, &i, "status", "closed");
    assert_int_equal(reg_validate(REG_INCIDENT, &i, &err), ISMS_EINVAL);
    assert_non_null(strstr(err.msg, "resolved_at"));
    reg_set(REG_INCIDENT, &i, "resolved_at", "2026-11-03");
    assert_int_equal(reg_validate(REG_INCIDENT, &i, &err), ISMS_EINVAL);
    assert_non_null(strstr(err.msg, "lessons_learned"));
    reg_set(REG_INCIDENT, &i, "lessons_learned", "Enforce phishing-resistant MFA");
    assert_int_equal(reg_validate(REG_INCIDENT, &i, &err), ISMS_OK);
    reg_set(REG_INCIDENT, &i, "notified_at", "2026-11-02");
    assert_int_equal(reg_validate(REG_INCIDENT, &i, &err), ISMS_EINVAL);
    assert_non_null(strstr(err.msg, "personal_data_breach"));
    reg_set(REG_INCIDENT, &i, "personal_data_breach", "yes");
    assert_int_equal(reg_validate(REG_INCIDENT, &i, &err), ISMS_OK);
    assert_int_equal(nproblems(REG_INCIDENT, &i, "2026-12-01"), 0);
    reg_set(REG_INCIDENT, &i, "notified_at", "2026-11-10");
    assert_true(has(REG_INCIDENT, &i, "2026-12-01", "notified 9 days after"));
    reg_set(REG_INCIDENT, &i, "notified_at", NULL);
    assert_true(has(REG_INCIDENT, &i, "2026-12-01", "without a recorded notification"));

    /* open past the severity's target: high is 7 days */
    reg_rec o = rec(REG_INCIDENT, (const char *[]){"title", "Lost laptop", "severity", "high", "detected_at",
                                                   "2026-11-01", NULL});
    assert_false(has(REG_INCIDENT, &o, "2026-11-08", "target"));
    assert_true(has(REG_INCIDENT, &o, "2026-11-09", "past the 7-day target"));
    reg_set(REG_INCIDENT, &o, "severity", "critical");
    assert_true(has(REG_INCIDENT, &o, "2026-11-05", "3-day"));
    reg_set(REG_INCIDENT, &o, "severity", "low");
    assert_false(has(REG_INCIDENT, &o, "2027-01-30", "target"));
    assert_true(has(REG_INCIDENT, &o, "2027-01-31", "90-day"));
    assert_int_equal(reg_incident_target_days("medium"), 30);
    /* closed without lessons (written before the rule) is still flagged */
    reg_set(REG_INCIDENT, &o, "status", "closed");
    assert_true(has(REG_INCIDENT, &o, "2027-01-31", "without lessons learned"));
    assert_false(has(REG_INCIDENT, &o, "2027-01-31", "target"));
}

static void test_person_training_and_leavers(void **state)
{
    (void)state;
    reg_rec p = rec(REG_PERSON, (const char *[]){"name", "Ana", "email", "ana@example.com", "screening_completed",
                                                 "2025-01-01", "terms_signed", "2025-01-01", NULL});
    assert_true(has(REG_PERSON, &p, "2026-06-01", "no security awareness training recorded"));
    p.d[0] = "2025-06-01";
    assert_true(reg_person_trained(&p, "2026-06-01"));  /* exactly 12 months ago counts */
    assert_false(reg_person_trained(&p, "2026-06-02"));
    assert_true(has(REG_PERSON, &p, "2026-06-02", "last 12 months"));
    p.d[0] = "2023-02-28";
    assert_true(reg_person_trained(&p, "2024-02-29")); /* leap day: 12 months back is Feb 28 */
    p.d[0] = "2026-07-01";
    assert_false(reg_person_trained(&p, "2026-06-01")); /* a future date is not training done */
    p.d[0] = "2026-05-01";
    p.d[1] = "2026-05-31";
    assert_false(reg_person_trained(&p, "2026-06-01")); /* expired */
    p.d[1] = "2026-06-01";
    assert_true(reg_person_trained(&p, "2026-06-01"));
    assert_int_equal(nproblems(REG_PERSON, &p, "2026-06-01"), 0);

    reg_set(REG_PERSON, &p, "screening_completed", NULL);
    assert_true(has(REG_PERSON, &p, "2026-06-01", "screening"));
    reg_set(REG_PERSON, &p, "screening_completed", "2025-01-01");

    /* a leaver: access removal missing, late, on time; a future end date is not a leaver yet */
    reg_set(REG_PERSON, &p, "end_date", "2026-06-30");
    assert_int_equal(nproblems(REG_PERSON, &p, "2026-06-01"), 0);
    assert_true(has(REG_PERSON, &p, "2026-06-30", "access removal is not recorded"));
    reg_set(REG_PERSON, &p, "access_removed", "2026-07-02");
    assert_true(has(REG_PERSON, &p, "2026-08-01", "after the end date"));
    reg_set(REG_PERSON, &p, "access_removed", "2026-06-30");
    assert_int_equal(nproblems(REG_PERSON, &p, "2027-08-01"), 0); /* leavers need no training */
}

static void test_supplier_problems(void **state)
{
    (void)state;
    reg_rec s = rec(REG_SUPPLIER, (const char *[]){"name", "AWS", "owner", "CTO", "risk_rating", "critical", NULL});
    assert_true(has(REG_SUPPLIER, &s, "2026-06-01", "never reviewed"));
    assert_true(has(REG_SUPPLIER, &s, "2026-06-01", "critical-risk supplier without security clauses"));
    reg_set(REG_SUPPLIER, &s, "security_clauses", "yes");
    reg_set(REG_SUPPLIER, &s, "last_review", "2025-06-01");
    reg_set(REG_SUPPLIER, &s, "next_review", "2026-06-01");
    assert_int_equal(nproblems(REG_SUPPLIER, &s, "2026-06-01"), 0); /* due today is not overdue */
    assert_true(has(REG_SUPPLIER, &s, "2026-06-02", "review overdue since 2026-06-01"));
    reg_set(REG_SUPPLIER, &s, "risk_rating", "medium");
    reg_set(REG_SUPPLIER, &s, "security_clauses", "no");
    assert_false(has(REG_SUPPLIER, &s, "2026-06-01", "clauses"));
}

static void test_objective_track(void **state)
{
    (void)state;
    reg_rec o = rec(REG_OBJECTIVE, (const char *[]){"objective", "Staff trained", "measure", "LMS report", "target",
                                                    "95", "unit", "%", "owner", "HR", "due_date", "2026-12-31", NULL});
    assert_int_equal(reg_objective_track(&o), REG_NOT_MEASURED);
    assert_true(has(REG_OBJECTIVE, &o, "2026-06-01", "never measured"));
    o.d[0] = "95";
    assert_int_equal(reg_objective_track(&o), REG_ON_TRACK); /* at least: equal is on track */
    o.d[0] = "94.9";
    assert_int_equal(reg_objective_track(&o), REG_OFF_TRACK);
    assert_true(has(REG_OBJECTIVE, &o, "2026-06-01", "off track: latest value 94.9"));
    reg_set(REG_OBJECTIVE, &o, "direction", "at_most");
    assert_int_equal(reg_objective_track(&o), REG_ON_TRACK);
    o.d[0] = "95.01";
    assert_int_equal(reg_objective_track(&o), REG_OFF_TRACK);
    assert_string_equal(reg_track_name(REG_OFF_TRACK), "off_track");
    o.d[0] = "90";
    assert_true(has(REG_OBJECTIVE, &o, "2027-01-01", "due 2026-12-31"));
    reg_set(REG_OBJECTIVE, &o, "status", "achieved");
    assert_int_equal(nproblems(REG_OBJECTIVE, &o, "2027-01-01"), 0);
}

static void test_json(void **state)
{
    (void)state;
    reg_rec o = rec(REG_OBJECTIVE, (const char *[]){"objective", "Uptime \"99.95\"", "measure", "SLO", "target",
                                                    "99.95", "owner", "SRE", NULL});
    o.id = 4;
    o.d[0] = "99.9";
    o.d[1] = "2026-05-01";
    buf b;
    buf_init(&b, 1 << 16);
    jw j;
    jw_init_buf(&j, &b);
    arena a;
    arena_init(&a);
    reg_json(&j, REG_OBJECTIVE, &o, "2026-06-01", &a);
    assert_non_null(strstr(b.data, "\"target\":99.95"));
    assert_non_null(strstr(b.data, "\"latest_value\":99.9"));
    assert_non_null(strstr(b.data, "\"track\":\"off_track\""));
    assert_non_null(strstr(b.data, "\"objective\":\"Uptime \\\"99.95\\\"\""));
    assert_non_null(strstr(b.data, "\"unit\":null"));
    assert_non_null(strstr(b.data, "\"problems\":[\"off track"));
    buf_reset(&b);
    reg_rec s = rec(REG_SUPPLIER, (const char *[]){"name", "GitHub", "owner", "CTO", "risk_rating", "low", NULL});
    jw_init_buf(&j, &b);
    reg_json(&j, REG_SUPPLIER, &s, NULL, NULL);
    assert_non_null(strstr(b.data, "\"security_clauses\":false"));
    assert_null(strstr(b.data, "problems"));
    arena_free(&a);
    buf_free(&b);
    assert_true(reg_filter_valid(REG_INCIDENT, reg_field_index(REG_INCIDENT, "status"), "contained"));
    assert_false(reg_filter_valid(REG_INCIDENT, reg_field_index(REG_INCIDENT, "status"), "Contained"));
    assert_true(reg_filter_valid(REG_SUPPLIER, reg_field_index(REG_SUPPLIER, "security_clauses"), "no"));
    assert_false(reg_filter_valid(REG_SUPPLIER, reg_field_index(REG_SUPPLIER, "name"), "AWS"));
    assert_int_equal(reg_kind_by_path("people"), REG_PERSON);
    assert_int_equal(reg_kind_by_path("training"), -1); /* child kinds live under their parent */
    assert_int_equal(reg_kind_by_path("../people"), -1);
}

static int64_t add(ws *w, int k, int64_t parent, const char *const *kv)
{
    isms_err err = {0};
    reg_rec r = rec(k, kv);
    r.parent_id = parent;
    assert_int_equal(ws_begin(w, &err), ISMS_OK);
    int rc = store_reg_insert(w, k, &r, &err);
    if (rc)
        fail_msg("%s", err.msg);
    assert_int_equal(ws_commit(w, &err), ISMS_OK);
    return r.id;
}

static void test_summary(void **state)
{
    (void)state;
    char dir[] = "/tmp/isms-test-register-XXXXXX", path[256];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/isms.db", dir);
    ws *w;
    isms_err err = {0};
    assert_int_equal(ws_open(path, WS_CREATE, &w, &err), ISMS_OK);
    int64_t ana = add(w, REG_PERSON, 0, (const char *[]){"name", "Ana", "email", "ana@x.test", "screening_completed",
                                                         "2025-01-01", "terms_signed", "2025-01-01", NULL});
    add(w, REG_TRAINING, ana, (const char *[]){"course", "Awareness", "completed", "2026-01-10", NULL});
    add(w, REG_PERSON, 0, (const char *[]){"name", "Bo", "email", "bo@x.test", NULL});
    add(w, REG_PERSON, 0, (const char *[]){"name", "Cy", "email", "cy@x.test", "end_date", "2026-03-01", NULL});
    add(w, REG_SUPPLIER, 0, (const char *[]){"name", "AWS", "owner", "CTO", "risk_rating", "critical", "last_review",
                                             "2025-01-01", "next_review", "2026-01-01", NULL});
    add(w, REG_SUPPLIER, 0, (const char *[]){"name", "Slack", "owner", "IT", "risk_rating", "low", NULL});
    add(w, REG_INCIDENT, 0, (const char *[]){"title", "Phish", "severity", "low", "detected_at", "2026-05-01", NULL});
    add(w, REG_INCIDENT, 0, (const char *[]){"title", "Malware", "severity", "high", "detected_at", "2026-05-01",
                                             "status", "closed", "resolved_at", "2026-05-02", "lessons_learned",
                                             "EDR everywhere", NULL});
    int64_t o = add(w, REG_OBJECTIVE, 0, (const char *[]){"objective", "Trained", "measure", "LMS", "target", "95",
                                                          "owner", "HR", NULL});
    add(w, REG_MEASUREMENT, o, (const char *[]){"date", "2026-05-01", "value", "80", NULL});
    add(w, REG_OBJECTIVE, 0, (const char *[]){"objective", "Uptime", "measure", "SLO", "target", "99.9", "owner", "SRE",
                                              NULL});
    /* a child of a missing parent is refused */
    reg_rec orphan = rec(REG_TRAINING, (const char *[]){"course", "x", "completed", "2026-01-01", NULL});
    orphan.parent_id = 999;
    assert_int_equal(ws_begin(w, &err), ISMS_OK);
    assert_int_equal(store_reg_insert(w, REG_TRAINING, &orphan, &err), ISMS_ENOTFOUND);
    ws_rollback(w);

    register_summary s;
    assert_int_equal(store_register_summary(w, "2026-06-01", &s, &err), ISMS_OK);
    assert_int_equal(s.people, 2);
    assert_int_equal(s.leavers, 1);
    assert_int_equal(s.people_trained, 1);
    assert_int_equal(s.people_missing_screening_or_terms, 1);
    assert_int_equal(s.leavers_access_open, 1);
    assert_int_equal(s.suppliers, 2);
    assert_int_equal(s.suppliers_review_overdue, 1);
    assert_int_equal(s.suppliers_high_risk_no_clauses, 1);
    assert_int_equal(s.incidents, 2);
    assert_int_equal(s.incidents_open, 1);
    assert_int_equal(s.incidents_closed_no_lessons, 0);
    assert_int_equal(s.objectives, 2);
    assert_int_equal(s.objectives_measured, 1);
    assert_int_equal(s.objectives_off_track, 1);
    assert_int_equal(store_register_summary(w, "2026-02-30", &s, &err), ISMS_EINVAL);

    /* a lookup by the unique field, and deleting a parent takes its children along */
    reg_rec got;
    arena a;
    arena_init(&a);
    assert_int_equal(store_reg_get(w, REG_PERSON, "ANA@x.test", &a, &got, &err), ISMS_OK);
    assert_int_equal(got.id, ana);
    assert_string_equal(got.d[0], "2026-01-10");
    assert_int_equal(store_reg_get(w, REG_INCIDENT, "Phish", &a, &got, &err), ISMS_ENOTFOUND);
    assert_int_equal(ws_begin(w, &err), ISMS_OK);
    assert_int_equal(store_reg_delete(w, REG_PERSON, ana, &err), ISMS_OK);
    assert_int_equal(ws_commit(w, &err), ISMS_OK);
    assert_int_equal(store_register_summary(w, "2026-06-01", &s, &err), ISMS_OK);
    assert_int_equal(s.people_trained, 0);
    arena_free(&a);
    ws_close(w);
    unlink(path);
    char side[300];
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dates),
        cmocka_unit_test(test_field_validation),
        cmocka_unit_test(test_incident_rules),
        cmocka_unit_test(test_person_training_and_leavers),
        cmocka_unit_test(test_supplier_problems),
        cmocka_unit_test(test_objective_track),
        cmocka_unit_test(test_json),
        cmocka_unit_test(test_summary),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
