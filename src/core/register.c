/* Field tables, validation, dates and the auditor's problems of the people, supplier, incident
 * and objective registers. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/catalog.h"
#include "core/register.h"
#include "util/text.h"

static const char *const levels[] = {"low", "medium", "high", "critical", NULL};
static const char *const data_access[] = {"none", "internal", "confidential", "restricted", NULL};
static const char *const incident_status[] = {"open", "contained", "resolved", "closed", NULL};
static const char *const directions[] = {"at_least", "at_most", NULL};
static const char *const objective_status[] = {"planned", "active", "achieved", "abandoned", NULL};

static const reg_field person_fields[] = {
    {"name", RF_TEXT, 1, 200, NULL, NULL, "Name"},
    {"email", RF_EMAIL, 1, 254, NULL, NULL, "Email"},
    {"title", RF_TEXT, 0, 200, NULL, NULL, "Job title"},
    {"department", RF_TEXT, 0, 200, NULL, NULL, "Department"},
    {"start_date", RF_DATE, 0, 10, NULL, NULL, "Start date"},
    {"end_date", RF_DATE, 0, 10, NULL, NULL, "End date (leaver)"},
    {"screening_completed", RF_DATE, 0, 10, NULL, NULL, "Screening completed"},
    {"terms_signed", RF_DATE, 0, 10, NULL, NULL, "Terms/NDA signed"},
    {"access_removed", RF_DATE, 0, 10, NULL, NULL, "Leaver access removed"},
};
static const reg_field training_fields[] = {
    {"course", RF_TEXT, 1, 200, NULL, NULL, "Course"},
    {"completed", RF_DATE, 1, 10, NULL, NULL, "Completed"},
    {"expires", RF_DATE, 0, 10, NULL, NULL, "Expires"},
};
static const reg_field supplier_fields[] = {
    {"name", RF_TEXT, 1, 200, NULL, NULL, "Name"},
    {"service", RF_TEXT, 0, 500, NULL, NULL, "Service"},
    {"data_access", RF_ENUM, 1, 20, data_access, "none", "Data access"},
    {"criticality", RF_ENUM, 0, 20, levels, NULL, "Criticality"},
    {"risk_rating", RF_ENUM, 1, 20, levels, NULL, "Risk rating"},
    {"security_clauses", RF_YESNO, 1, 3, NULL, "no", "Contract has security clauses"},
    {"certifications", RF_TEXT, 0, 500, NULL, NULL, "Certifications"},
    {"owner", RF_TEXT, 1, 200, NULL, NULL, "Owner"},
    {"last_review", RF_DATE, 0, 10, NULL, NULL, "Last review"},
    {"next_review", RF_DATE, 0, 10, NULL, NULL, "Next review"},
};
static const reg_field incident_fields[] = {
    {"title", RF_TEXT, 1, 200, NULL, NULL, "Title"},
    {"severity", RF_ENUM, 1, 20, levels, NULL, "Severity"},
    {"status", RF_ENUM, 1, 20, incident_status, "open", "Status"},
    {"reported_by", RF_TEXT, 0, 200, NULL, NULL, "Reported by"},
    {"detected_at", RF_TIME, 1, 25, NULL, NULL, "Detected at"},
    {"reported_at", RF_TIME, 0, 25, NULL, NULL, "Reported at"},
    {"contained_at", RF_TIME, 0, 25, NULL, NULL, "Contained at"},
    {"resolved_at", RF_TIME, 0, 25, NULL, NULL, "Resolved at"},
    {"description", RF_NOTE, 0, 8000, NULL, NULL, "Description"},
    {"affected_assets", RF_TEXT, 0, 1000, NULL, NULL, "Affected assets"},
    {"controls", RF_CONTROLS, 0, 1000, NULL, NULL, "Controls involved"},
    {"personal_data_breach", RF_YESNO, 1, 3, NULL, "no", "Personal data breach"},
    {"notified_at", RF_TIME, 0, 25, NULL, NULL, "Breach notified at"},
    {"root_cause", RF_NOTE, 0, 8000, NULL, NULL, "Root cause"},
    {"lessons_learned", RF_NOTE, 0, 8000, NULL, NULL, "Lessons learned"},
};
static const reg_field event_fields[] = {
    {"at", RF_TIME, 1, 25, NULL, NULL, "At"},
    {"note", RF_NOTE, 1, 2000, NULL, NULL, "What happened"},
};
static const reg_field objective_fields[] = {
    {"objective", RF_TEXT, 1, 500, NULL, NULL, "Objective"},
    {"measure", RF_TEXT, 1, 500, NULL, NULL, "How it is measured"},
    {"target", RF_NUMBER, 1, 40, NULL, NULL, "Target"},
    {"unit", RF_TEXT, 0, 50, NULL, NULL, "Unit"},
    {"direction", RF_ENUM, 1, 20, directions, "at_least", "Direction"},
    {"owner", RF_TEXT, 1, 200, NULL, NULL, "Owner"},
    {"due_date", RF_DATE, 0, 10, NULL, NULL, "Due date"},
    {"status", RF_ENUM, 1, 20, objective_status, "active", "Status"},
};
static const reg_field measurement_fields[] = {
    {"date", RF_DATE, 1, 10, NULL, NULL, "Date"},
    {"value", RF_NUMBER, 1, 40, NULL, NULL, "Value"},
    {"note", RF_TEXT, 0, 1000, NULL, NULL, "Note"},
};

#define N(a) ((int)(sizeof a / sizeof *a))
_Static_assert(N(incident_fields) <= REG_MAXF && N(supplier_fields) <= REG_MAXF && N(person_fields) <= REG_MAXF &&
                   N(objective_fields) <= REG_MAXF,
               "a register has at most REG_MAXF fields");
const reg_kind reg_kinds[REG_NKINDS] = {
    [REG_PERSON] = {"person", "person", "people", "People", person_fields, N(person_fields), 1, 0, REG_TRAINING, -1,
                    NULL},
    [REG_TRAINING] = {"training", "person_training", "training", "Training records", training_fields,
                      N(training_fields), -1, 0, -1, REG_PERSON, "person_id"},
    [REG_SUPPLIER] = {"supplier", "supplier", "suppliers", "Suppliers", supplier_fields, N(supplier_fields), 0, 0, -1,
                      -1, NULL},
    [REG_INCIDENT] = {"incident", "incident", "incidents", "Incidents", incident_fields, N(incident_fields), -1, 0,
                      REG_EVENT, -1, NULL},
    [REG_EVENT] = {"incident_event", "incident_event", "events", "Timeline", event_fields, N(event_fields), -1, 1, -1,
                   REG_INCIDENT, "incident_id"},
    [REG_OBJECTIVE] = {"objective", "objective", "objectives", "Objectives", objective_fields, N(objective_fields), -1,
                       0, REG_MEASUREMENT, -1, NULL},
    [REG_MEASUREMENT] = {"measurement", "objective_measurement", "measurements", "Measurements",
                         measurement_fields, N(measurement_fields), -1, 0, -1, REG_OBJECTIVE, "objective_id"},
};

int reg_kind_by_path(const char *p)
{
    for (int k = 0; k < REG_NKINDS && p; k++)
        if (reg_kinds[k].parent < 0 && !strcmp(reg_kinds[k].path, p))
            return k;
    return -1;
}

int reg_field_index(int k, const char *name)
{
    for (int i = 0; i < reg_kinds[k].nfields && name; i++)
        if (!strcmp(reg_kinds[k].fields[i].name, name))
            return i;
    return -1;
}

const char *reg_get(int k, const reg_rec *r, const char *name)
{
    int i = reg_field_index(k, name);
    return i < 0 || text_blank(r->v[i]) ? NULL : r->v[i];
}

int reg_set(int k, reg_rec *r, const char *name, const char *v)
{
    int i = reg_field_index(k, name);
    if (i < 0)
        return -1;
    r->v[i] = v && *v ? v : NULL;
    return 0;
}

int reg_filter_valid(int k, int i, const char *v)
{
    const reg_field *f = &reg_kinds[k].fields[i];
    if (!v || (f->type != RF_ENUM && f->type != RF_YESNO))
        return 0;
    if (f->type == RF_YESNO)
        return !strcmp(v, "yes") || !strcmp(v, "no");
    for (const char *const *c = f->choices; *c; c++)
        if (!strcmp(*c, v))
            return 1;
    return 0;
}

void reg_defaults(int k, reg_rec *r)
{
    for (int i = 0; i < reg_kinds[k].nfields; i++)
        if ((!r->v[i] || !*r->v[i]) && reg_kinds[k].fields[i].def)
            r->v[i] = reg_kinds[k].fields[i].def;
}

/* --- dates --- */

static int digits(const char *s, int n)
{
    for (int i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]))
            return 0;
    return 1;
}

static int leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static int month_days(int y, int m)
{
    static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && leap(y) ? 29 : d[m - 1];
}

/* Parse the YYYY-MM-DD prefix; 0 when it is not a real day. */
static int parse_day(const char *s, int *y, int *m, int *d)
{
    if (!s || strlen(s) < 10 || !digits(s, 4) || s[4] != '-' || !digits(s + 5, 2) || s[7] != '-' || !digits(s + 8, 2))
        return 0;
    *y = atoi(s);
    *m = (s[5] - '0') * 10 + s[6] - '0';
    *d = (s[8] - '0') * 10 + s[9] - '0';
    return *y >= 1900 && *y <= 9999 && *m >= 1 && *m <= 12 && *d >= 1 && *d <= month_days(*y, *m);
}

int reg_date_valid(const char *s)
{
    int y, m, d;
    return parse_day(s, &y, &m, &d) && s[10] == '\0';
}

int reg_time_valid(const char *s)
{
    int y, m, d;
    if (!parse_day(s, &y, &m, &d))
        return 0;
    if (!s[10])
        return 1;
    const char *t = s + 11;
    if (s[10] != 'T' || !digits(t, 2) || t[2] != ':' || !digits(t + 3, 2))
        return 0;
    if (atoi(t) > 23 || atoi(t + 3) > 59)
        return 0;
    t += 5;
    if (*t == ':') {
        if (!digits(t + 1, 2) || atoi(t + 1) > 59)
            return 0;
        t += 3;
    }
    if (*t == 'Z')
        t++;
    return *t == '\0';
}

void reg_date_minus_months(const char *day, int months, char out[11])
{
    int y, m, d;
    if (!parse_day(day, &y, &m, &d)) {
        snprintf(out, 11, "0000-00-00");
        return;
    }
    int total = y * 12 + (m - 1) - months;
    y = total / 12;
    m = total % 12 + 1;
    if (d > month_days(y, m))
        d = month_days(y, m);
    snprintf(out, 11, "%04u-%02u-%02u", (unsigned)y % 10000u, (unsigned)m % 100u, (unsigned)d % 100u);
}

/* Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm). */
static long days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

long reg_days_between(const char *a, const char *b)
{
    int y1, m1, d1, y2, m2, d2;
    if (!parse_day(a, &y1, &m1, &d1) || !parse_day(b, &y2, &m2, &d2))
        return 0;
    return days_from_civil(y2, m2, d2) - days_from_civil(y1, m1, d1);
}

/* --- validation --- */

static int valid_email(const char *s)
{
    const char *at = strchr(s, '@');
    if (!at || at == s || strchr(at + 1, '@'))
        return 0;
    const char *dot = strrchr(at + 1, '.');
    if (!dot || dot == at + 1 || !dot[1])
        return 0;
    for (const char *p = s; *p; p++)
        if ((unsigned char)*p <= ' ' || *p == '<' || *p == '>' || *p == ',' || *p == ';' || *p == '"')
            return 0;
    return 1;
}

static int valid_number(const char *s, double *out)
{
    char *end;
    if (!*s || isspace((unsigned char)*s))
        return 0;
    double v = strtod(s, &end);
    if (*end || !isfinite(v) || fabs(v) > 1e15)
        return 0;
    /* hex and exponents parse in strtod but are not what a person types as a target */
    for (const char *p = s; *p; p++)
        if (!isdigit((unsigned char)*p) && *p != '.' && *p != '-' && *p != '+')
            return 0;
    if (out)
        *out = v;
    return 1;
}

static int has_control_chars(const char *s, int allow_newlines)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if ((*p < ' ' && !(allow_newlines && (*p == '\n' || *p == '\r' || *p == '\t'))) || *p == 0x7f)
            return 1;
    return 0;
}

static int check_controls(const char *name, const char *s, isms_err *err)
{
    char one[32];
    const char *p = s;
    while (*p) {
        while (*p == ' ' || *p == ',')
            p++;
        size_t n = strcspn(p, ", ");
        if (!n)
            break;
        if (n >= sizeof one || (snprintf(one, sizeof one, "%.*s", (int)n, p), !catalog_control_find(one)))
            return err_set(err, ISMS_EINVAL, "%s: '%.*s' is not an Annex A control of ISO 27001:2022 (e.g. A.5.24)",
                           name, (int)(n > 40 ? 40 : n), p);
        p += n;
    }
    return ISMS_OK;
}

void reg_normalize(int k, reg_rec *r, arena *a)
{
    for (int i = 0; i < reg_kinds[k].nfields; i++)
        text_optional(a, &r->v[i]);
}

static int check_field(const reg_field *f, const char *v, isms_err *err)
{
    if (text_blank(v))
        return f->required ? err_set(err, ISMS_EINVAL, "%s: required (%s)", f->name, f->label) : ISMS_OK;
    if (strlen(v) > (size_t)f->max)
        return err_set(err, ISMS_EINVAL, "%s: longer than %d characters", f->name, f->max);
    if (has_control_chars(v, f->type == RF_NOTE))
        return err_set(err, ISMS_EINVAL, "%s: contains control characters", f->name);
    switch (f->type) {
    case RF_EMAIL:
        if (!valid_email(v))
            return err_set(err, ISMS_EINVAL, "%s: '%.60s' is not an email address (name@example.com)", f->name, v);
        break;
    case RF_DATE:
        if (!reg_date_valid(v))
            return err_set(err, ISMS_EINVAL, "%s: '%.40s' is not a date (YYYY-MM-DD, a real calendar day)", f->name, v);
        break;
    case RF_TIME:
        if (!reg_time_valid(v))
            return err_set(err, ISMS_EINVAL, "%s: '%.40s' is not a date or time (YYYY-MM-DD or YYYY-MM-DDTHH:MM)",
                           f->name, v);
        break;
    case RF_ENUM:
        for (const char *const *c = f->choices; *c; c++)
            if (!strcmp(*c, v))
                return ISMS_OK;
        {
            char list[200] = "";
            for (const char *const *c = f->choices; *c; c++)
                snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", c == f->choices ? "" : ", ", *c);
            return err_set(err, ISMS_EINVAL, "%s: '%.40s' is not one of %s", f->name, v, list);
        }
    case RF_YESNO:
        if (strcmp(v, "yes") && strcmp(v, "no"))
            return err_set(err, ISMS_EINVAL, "%s: '%.40s' is not yes or no", f->name, v);
        break;
    case RF_NUMBER:
        if (!valid_number(v, NULL))
            return err_set(err, ISMS_EINVAL, "%s: '%.40s' is not a number", f->name, v);
        break;
    case RF_CONTROLS:
        return check_controls(f->name, v, err);
    }
    return ISMS_OK;
}

/* The digits of a valid day or time, seconds padded: "20260101" or "20260101103000". */
static void time_key(const char *s, char out[16])
{
    int n = 0;
    for (; *s && n < 14; s++)
        if (isdigit((unsigned char)*s))
            out[n++] = *s;
    while (n > 8 && n < 14)
        out[n++] = '0';
    out[n] = '\0';
}

/* a must not come after b, when both are given; a day alone is not out of order with a time
 * on that same day. */
static int order(int k, const reg_rec *r, const char *a, const char *b, isms_err *err)
{
    const char *va = reg_get(k, r, a), *vb = reg_get(k, r, b);
    if (!va || !vb)
        return ISMS_OK;
    char ka[16], kb[16];
    time_key(va, ka);
    time_key(vb, kb);
    size_t n = strlen(ka) < strlen(kb) ? strlen(ka) : strlen(kb);
    if (strncmp(ka, kb, n) > 0)
        return err_set(err, ISMS_EINVAL, "%s: %s is before %s %s", b, vb, a, va);
    return ISMS_OK;
}

int reg_validate(int k, const reg_rec *r, isms_err *err)
{
    const reg_kind *K = &reg_kinds[k];
    for (int i = 0; i < K->nfields; i++) {
        int rc = check_field(&K->fields[i], r->v[i], err);
        if (rc)
            return rc;
    }
    int rc = ISMS_OK;
    switch (k) {
    case REG_PERSON:
        rc = order(k, r, "start_date", "end_date", err);
        if (!rc && reg_get(k, r, "access_removed") && !reg_get(k, r, "end_date"))
            rc = err_set(err, ISMS_EINVAL, "access_removed: only a leaver's access is removed; give end_date too");
        break;
    case REG_TRAINING:
        rc = order(k, r, "completed", "expires", err);
        break;
    case REG_SUPPLIER:
        rc = order(k, r, "last_review", "next_review", err);
        break;
    case REG_INCIDENT: {
        static const char *const timeline[] = {"detected_at", "reported_at", "contained_at", "resolved_at"};
        for (int i = 0; i < 3 && !rc; i++)
            for (int j = i + 1; j < 4 && !rc; j++)
                rc = order(k, r, timeline[i], timeline[j], err);
        const char *st = reg_get(k, r, "status");
        if (rc)
            break;
        if (st && (!strcmp(st, "resolved") || !strcmp(st, "closed")) && !reg_get(k, r, "resolved_at"))
            rc = err_set(err, ISMS_EINVAL, "resolved_at: a %s incident needs the time it was resolved", st);
        else if (st && !strcmp(st, "contained") && !reg_get(k, r, "contained_at"))
            rc = err_set(err, ISMS_EINVAL, "contained_at: a contained incident needs the time it was contained");
        else if (st && !strcmp(st, "closed") && !reg_get(k, r, "lessons_learned"))
            rc = err_set(err, ISMS_EINVAL,
                         "lessons_learned: an incident is closed only with its lessons learned (A.5.27)");
        else if (reg_get(k, r, "notified_at") && strcmp(reg_get(k, r, "personal_data_breach"), "yes"))
            rc = err_set(err, ISMS_EINVAL, "notified_at: a notification date belongs to a personal data breach; "
                                           "set personal_data_breach to yes");
        else
            rc = order(k, r, "detected_at", "notified_at", err);
        break;
    }
    }
    return rc;
}

/* --- derived states and problems --- */

int reg_person_trained(const reg_rec *r, const char *today)
{
    char since[11];
    reg_date_minus_months(today, 12, since);
    const char *done = r->d[0], *expires = r->d[1];
    return done && strcmp(done, since) >= 0 && strcmp(done, today) <= 0 && (!expires || !*expires || strcmp(expires, today) >= 0);
}

int reg_objective_track(const reg_rec *r)
{
    double value, target;
    const char *t = reg_get(REG_OBJECTIVE, r, "target"), *dir = reg_get(REG_OBJECTIVE, r, "direction");
    if (!r->d[0] || !t || !valid_number(r->d[0], &value) || !valid_number(t, &target))
        return REG_NOT_MEASURED;
    int ok = dir && !strcmp(dir, "at_most") ? value <= target : value >= target;
    return ok ? REG_ON_TRACK : REG_OFF_TRACK;
}

const char *reg_track_name(int track)
{
    return track == REG_ON_TRACK ? "on_track" : track == REG_OFF_TRACK ? "off_track" : "not_measured";
}

int reg_incident_target_days(const char *severity)
{
    if (!severity)
        return 30;
    if (!strcmp(severity, "critical"))
        return 3;
    if (!strcmp(severity, "high"))
        return 7;
    if (!strcmp(severity, "medium"))
        return 30;
    return 90;
}

#define ADD(...)                                                                                                       \
    do {                                                                                                               \
        if (n < max)                                                                                                   \
            out[n++] = arena_sprintf(a, __VA_ARGS__);                                                                  \
    } while (0)

int reg_problems(int k, const reg_rec *r, const char *today, arena *a, const char **out, int max)
{
    int n = 0;
#define G(name) reg_get(k, r, name)
    switch (k) {
    case REG_PERSON: {
        const char *end = G("end_date"), *removed = G("access_removed");
        int leaver = end && strcmp(end, today) <= 0;
        if (!G("screening_completed"))
            ADD("no background screening recorded (A.6.1)");
        if (!G("terms_signed"))
            ADD("no signed terms of employment or NDA (A.6.2, A.6.6)");
        if (!leaver && !reg_person_trained(r, today))
            ADD(r->d[0] ? "no security awareness training in the last 12 months (A.6.3); last %s" :
                          "no security awareness training recorded (A.6.3)%s", r->d[0] ? r->d[0] : "");
        if (leaver && !removed)
            ADD("leaver since %s whose access removal is not recorded (A.6.5, A.5.18)", end);
        else if (leaver && strcmp(removed, end) > 0)
            ADD("leaver's access removed on %s, after the end date %s (A.6.5, A.5.18)", removed, end);
        break;
    }
    case REG_SUPPLIER: {
        const char *next = G("next_review"), *risk = G("risk_rating");
        if (!G("last_review"))
            ADD("never reviewed (A.5.22)");
        if (next && strcmp(next, today) < 0)
            ADD("review overdue since %s (A.5.22)", next);
        if (risk && (!strcmp(risk, "high") || !strcmp(risk, "critical")) && strcmp(G("security_clauses") ? G("security_clauses") : "no", "yes"))
            ADD("%s-risk supplier without security clauses in the contract (A.5.20)", risk);
        break;
    }
    case REG_INCIDENT: {
        const char *st = G("status"), *det = G("detected_at"), *sev = G("severity");
        int open = st && (!strcmp(st, "open") || !strcmp(st, "contained"));
        int target = reg_incident_target_days(sev);
        if (open && det && reg_days_between(det, today) > target)
            ADD("%s for %ld days, past the %d-day target for a %s incident (A.5.26)", st,
                reg_days_between(det, today), target, sev ? sev : "");
        if (st && !strcmp(st, "closed") && !G("lessons_learned"))
            ADD("closed without lessons learned (A.5.27)");
        const char *pdb = G("personal_data_breach"), *notified = G("notified_at");
        if (pdb && !strcmp(pdb, "yes") && !notified)
            ADD("personal data breach without a recorded notification (A.5.34)");
        else if (pdb && !strcmp(pdb, "yes") && det && reg_days_between(det, notified) > 3)
            ADD("personal data breach notified %ld days after detection (72 hours expected)",
                reg_days_between(det, notified));
        break;
    }
    case REG_OBJECTIVE: {
        const char *st = G("status"), *due = G("due_date");
        int live = st && (!strcmp(st, "active") || !strcmp(st, "planned"));
        int track = reg_objective_track(r);
        if (live && track == REG_OFF_TRACK)
            ADD("off track: latest value %s against a target of %s %s", r->d[0],
                !strcmp(G("direction"), "at_most") ? "at most" : "at least", G("target"));
        if (live && track == REG_NOT_MEASURED)
            ADD("never measured (clause 6.2 e, 9.1)");
        if (live && due && strcmp(due, today) < 0)
            ADD("due %s and not achieved", due);
        break;
    }
    }
#undef G
    return n;
}

/* --- JSON --- */

void reg_json(jw *j, int k, const reg_rec *r, const char *today, arena *a)
{
    const reg_kind *K = &reg_kinds[k];
    jw_obj(j);
    jw_kint(j, "id", r->id);
    if (K->parent_col)
        jw_kint(j, K->parent_col, r->parent_id);
    for (int i = 0; i < K->nfields; i++) {
        const reg_field *f = &K->fields[i];
        const char *v = r->v[i] && *r->v[i] ? r->v[i] : NULL;
        jw_key(j, f->name);
        double d;
        if (!v)
            jw_null(j);
        else if (f->type == RF_YESNO)
            jw_bool(j, !strcmp(v, "yes"));
        else if (f->type == RF_NUMBER && valid_number(v, &d))
            jw_num(j, d);
        else
            jw_str(j, v);
    }
    /* derived state belongs to answers, not to the audit log's record of what was stored */
    if (today && k == REG_PERSON) {
        jw_kstr(j, "last_training", r->d[0]);
        jw_kbool(j, "trained", reg_person_trained(r, today));
    } else if (today && k == REG_OBJECTIVE) {
        double d;
        jw_key(j, "latest_value");
        if (r->d[0] && valid_number(r->d[0], &d))
            jw_num(j, d);
        else
            jw_null(j);
        jw_kstr(j, "latest_date", r->d[1]);
        jw_kstr(j, "track", reg_track_name(reg_objective_track(r)));
    } else if (today && k == REG_INCIDENT && r->d[0]) {
        jw_kint(j, "events", atol(r->d[0]));
    }
    if (today && K->parent < 0) {
        const char *p[8];
        int n = reg_problems(k, r, today, a, p, 8);
        jw_key(j, "problems");
        jw_arr(j);
        for (int i = 0; i < n; i++)
            jw_str(j, p[i]);
        jw_arr_end(j);
    }
    if (r->created_at)
        jw_kstr(j, "created_at", r->created_at);
    if (r->updated_at)
        jw_kstr(j, "updated_at", r->updated_at);
    jw_obj_end(j);
}
