#include "core/policy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/risk.h"

/* All templates concatenated by the build (data/policies/NAME.md.tmpl in name order). */
extern const char data_policies[];
extern const size_t data_policies_len;

const char *const policy_tools[] = {"aws", "azure", "gcp", "github", "gitlab", "gworkspace", "m365",
                                    "okta", "slack", "jira", NULL};
const char *const policy_work_models[] = {"office", "remote", "hybrid", NULL};

static const char *field(arena *a, const char *line, size_t len, const char *key)
{
    size_t kl = strlen(key);
    if (len > kl && !memcmp(line, key, kl) && line[kl] == ':') {
        const char *v = line + kl + 1;
        size_t vl = len - kl - 1;
        while (vl && (*v == ' ' || *v == '\t'))
            v++, vl--;
        while (vl && (v[vl - 1] == ' ' || v[vl - 1] == '\r'))
            vl--;
        return arena_strndup(a, v, vl);
    }
    return NULL;
}

int policy_library(arena *a, policy_template **out, size_t *n, isms_err *err)
{
    /* Each template starts with a "---" line, its front matter, and a closing "---" line. */
    size_t cap = 32, cnt = 0;
    policy_template *v = arena_alloc(a, sizeof *v * cap);
    const char *p = data_policies, *end = data_policies + data_policies_len;
    int line = 1, file_line = 1;
    policy_template *cur = NULL;
    int in_front = 0;
    const char *body_start = NULL;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
        int is_rule = len == 3 && !memcmp(p, "---", 3);
        if (is_rule && !in_front && (p + 4 < end && !memcmp(p + 4, "name:", 5))) {
            if (cur)
                cur->body = arena_strndup(a, body_start, (size_t)(p - body_start));
            if (cnt == cap)
                return err_set(err, ISMS_ENOMEM, "too many policy templates");
            cur = &v[cnt++];
            in_front = 1;
            file_line = 1;
        } else if (is_rule && in_front) {
            in_front = 0;
            body_start = nl ? nl + 1 : end;
            cur->body_line = file_line + 1;
        } else if (in_front) {
            const char *x;
            if ((x = field(a, p, len, "name")))
                cur->name = x;
            else if ((x = field(a, p, len, "title")))
                cur->title = x;
            else if ((x = field(a, p, len, "controls")))
                cur->controls = x;
            else if ((x = field(a, p, len, "clauses")))
                cur->clauses = x;
        }
        p = nl ? nl + 1 : end;
        line++;
        file_line++;
    }
    if (cur)
        cur->body = arena_strndup(a, body_start ? body_start : end, (size_t)(end - (body_start ? body_start : end)));
    for (size_t i = 0; i < cnt; i++) {
        if (!v[i].name || !v[i].title || !v[i].controls || !v[i].body)
            return err_set(err, ISMS_EINVAL, "policy template %zu of the library lacks name, title or controls", i + 1);
        if (!v[i].clauses)
            v[i].clauses = "";
    }
    (void)line;
    *out = v;
    *n = cnt;
    return ISMS_OK;
}

int policy_template_find(arena *a, const char *name, policy_template *out, isms_err *err)
{
    policy_template *v;
    size_t n;
    int rc = policy_library(a, &v, &n, err);
    if (rc)
        return rc;
    for (size_t i = 0; i < n; i++)
        if (name && !strcmp(v[i].name, name)) {
            *out = v[i];
            return ISMS_OK;
        }
    char list[1024] = "";
    for (size_t i = 0; i < n; i++)
        snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", i ? ", " : "", v[i].name);
    return err_set(err, ISMS_ENOTFOUND, "no policy template '%s' (available: %s)", name ? name : "", list);
}

void policy_profile_defaults(policy_profile *p)
{
    if (!p->security_lead || !*p->security_lead)
        p->security_lead = "the Information Security Lead";
    if (!p->policy_owner || !*p->policy_owner)
        p->policy_owner = "the Policy Owner";
    if (!p->approver || !*p->approver)
        p->approver = "top management";
    if (!p->it_lead || !*p->it_lead)
        p->it_lead = "the IT Lead";
    if (!p->hr_lead || !*p->hr_lead)
        p->hr_lead = "the HR Lead";
    if (p->review_months <= 0)
        p->review_months = 12;
    if (!p->tools)
        p->tools = "";
    if (!p->work_model || !*p->work_model)
        p->work_model = "hybrid";
}

static int in_list(const char *const *list, const char *v, size_t len)
{
    for (int i = 0; list[i]; i++)
        if (strlen(list[i]) == len && !memcmp(list[i], v, len))
            return i;
    return -1;
}

int policy_profile_validate(const policy_profile *p, arena *a, const char **tools_out, isms_err *err)
{
    if (p->review_months < 1 || p->review_months > 36)
        return err_set(err, ISMS_EINVAL, "review-months: %d is out of range (1 to 36 months)", p->review_months);
    if (p->work_model && in_list(policy_work_models, p->work_model, strlen(p->work_model)) < 0)
        return err_set(err, ISMS_EINVAL, "work-model: '%s' is not one of office, remote, hybrid", p->work_model);
    const struct { const char *n, *v; } roles[] = {{"security-lead", p->security_lead}, {"policy-owner", p->policy_owner},
                                                  {"approver", p->approver}, {"it-lead", p->it_lead},
                                                  {"hr-lead", p->hr_lead}};
    for (size_t i = 0; i < sizeof roles / sizeof *roles; i++)
        if (roles[i].v && strlen(roles[i].v) > 200)
            return err_set(err, ISMS_EINVAL, "%s: longer than 200 characters", roles[i].n);
    int on[16] = {0};
    const char *s = p->tools ? p->tools : "";
    while (*s) {
        while (*s == ',' || *s == ' ')
            s++;
        const char *e = s;
        while (*e && *e != ',' && *e != ' ')
            e++;
        if (e > s) {
            int k = in_list(policy_tools, s, (size_t)(e - s));
            if (k < 0) {
                char known[256] = "";
                for (int i = 0; policy_tools[i]; i++)
                    snprintf(known + strlen(known), sizeof known - strlen(known), "%s%s", i ? ", " : "", policy_tools[i]);
                return err_set(err, ISMS_EINVAL, "tools: '%.*s' is not a known tool (%s)", (int)(e - s), s, known);
            }
            on[k] = 1;
        }
        s = e;
    }
    if (tools_out) {
        char out[256] = "";
        for (int i = 0; policy_tools[i]; i++)
            if (on[i])
                snprintf(out + strlen(out), sizeof out - strlen(out), "%s%s", *out ? "," : "", policy_tools[i]);
        *tools_out = arena_strdup(a, out);
    }
    return ISMS_OK;
}

tmpl_vars *policy_vars(arena *a, const char *org_name, const char *org_scope, const policy_profile *prof,
                       const policy_template *t)
{
    policy_profile p = *prof;
    policy_profile_defaults(&p);
    tmpl_vars *v = tmpl_vars_new(a);
    tmpl_set(v, "org.name", org_name);
    tmpl_set(v, "org.scope", org_scope);
    tmpl_set(v, "role.security_lead", p.security_lead);
    tmpl_set(v, "role.policy_owner", p.policy_owner);
    tmpl_set(v, "role.approver", p.approver);
    tmpl_set(v, "role.it_lead", p.it_lead);
    tmpl_set(v, "role.hr_lead", p.hr_lead);
    static const char *const fields[] = {"role", "person", NULL};
    tmpl_list *roles = tmpl_add_list(v, "roles", fields);
    /* Only roles the organization has named are listed; defaults are titles, not people. */
    const struct { const char *title, *person; } named[] = {
        {"Information security lead", prof->security_lead}, {"Policy owner", prof->policy_owner},
        {"Approver", prof->approver}, {"IT lead", prof->it_lead}, {"HR lead", prof->hr_lead}};
    for (size_t i = 0; i < sizeof named / sizeof *named; i++)
        if (named[i].person && *named[i].person)
            tmpl_list_push(roles, (const char *const[]){named[i].title, named[i].person});
    tmpl_set(v, "review.months", arena_sprintf(a, "%d", p.review_months));
    for (int i = 0; policy_tools[i]; i++) {
        size_t l = strlen(policy_tools[i]);
        const char *s = p.tools;
        int on = 0;
        while (s && (s = strstr(s, policy_tools[i]))) {
            if ((s == p.tools || s[-1] == ',') && (s[l] == ',' || s[l] == '\0'))
                on = 1;
            s += l;
        }
        tmpl_set_flag(v, arena_sprintf(a, "tools.%s", policy_tools[i]), on);
    }
    tmpl_set(v, "work.model", p.work_model);
    for (int i = 0; policy_work_models[i]; i++)
        tmpl_set_flag(v, arena_sprintf(a, "work.%s", policy_work_models[i]), !strcmp(p.work_model, policy_work_models[i]));
    tmpl_set(v, "policy.title", t ? t->title : "");
    tmpl_set(v, "policy.name", t ? t->name : "");
    return v;
}

int policy_render(const policy_template *t, const tmpl_vars *v, arena *a, char **out, isms_err *err)
{
    isms_err e = {0};
    int rc = tmpl_render(t->body, v, TMPL_MARKDOWN, POLICY_MAX_BYTES, a, out, &e);
    if (rc) {
        /* Shift the body-relative line to the .tmpl file's line. */
        int line;
        const char *rest;
        if (sscanf(e.msg, "line %d:", &line) == 1 && (rest = strchr(e.msg, ':')))
            return err_set(err, rc, "data/policies/%s.md.tmpl: line %d%s", t->name, line + t->body_line - 1, rest);
        return err_set(err, rc, "data/policies/%s.md.tmpl: %s", t->name, e.msg);
    }
    return ISMS_OK;
}

int policy_body_validate(const char *body, size_t len, isms_err *err)
{
    if (len > POLICY_MAX_BYTES)
        return err_set(err, ISMS_EINVAL, "the policy text is %zu bytes; the limit is %u KiB", len, POLICY_MAX_BYTES >> 10);
    if (memchr(body, '\0', len))
        return err_set(err, ISMS_EINVAL, "the policy text contains NUL bytes (is it a binary file?)");
    size_t i = 0, line = 1, blank = 1;
    while (i < len) {
        unsigned char c = (unsigned char)body[i];
        int n = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
        int ok = n && i + (size_t)n <= len && !(n == 2 && c < 0xC2) && !(n == 4 && c > 0xF4);
        for (int k = 1; ok && k < n; k++)
            ok = ((unsigned char)body[i + (size_t)k] & 0xC0) == 0x80;
        if (!ok)
            return err_set(err, ISMS_EINVAL, "the policy text is not valid UTF-8 (line %zu)", line);
        if (c == '\n')
            line++;
        else if (c != ' ' && c != '\t' && c != '\r')
            blank = 0;
        i += (size_t)n;
    }
    if (blank)
        return err_set(err, ISMS_EINVAL, "the policy text is empty");
    return ISMS_OK;
}

int policy_add_months(const char *date, int months, char out[11], isms_err *err)
{
    if (!risk_date_valid(date))
        return err_set(err, ISMS_EINVAL, "'%s' is not a date (YYYY-MM-DD)", date ? date : "");
    int y, m, d;
    sscanf(date, "%4d-%2d-%2d", &y, &m, &d);
    int total = y * 12 + (m - 1) + months;
    y = total / 12;
    m = total % 12 + 1;
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int last = mdays[m - 1] + (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
    if (d > last)
        d = last;
    if (y < 1 || y > 9999)
        return err_set(err, ISMS_EINVAL, "the review date falls outside the years 1 to 9999");
    char tmp[32];
    snprintf(tmp, sizeof tmp, "%04d-%02d-%02d", y, m, d);
    memcpy(out, tmp, 11);
    return ISMS_OK;
}

int policy_staff_parse(char *text, size_t len, arena *a, const char ***out, size_t *n, isms_err *err)
{
    if (len > POLICY_STAFF_MAX_BYTES)
        return err_set(err, ISMS_EINVAL, "the staff list is %zu bytes; the limit is %u KiB", len,
                       POLICY_STAFF_MAX_BYTES >> 10);
    if (memchr(text, '\0', len))
        return err_set(err, ISMS_EINVAL, "contains NUL bytes; expected one name per line");
    size_t cap = 64, k = 0;
    const char **v = arena_alloc(a, sizeof *v * cap);
    long line = 0;
    for (char *p = text; *p;) {
        char *e = strchr(p, '\n');
        if (e)
            *e = '\0';
        line++;
        while (*p == ' ' || *p == '\t')
            p++;
        size_t l = strlen(p);
        while (l && (p[l - 1] == ' ' || p[l - 1] == '\t' || p[l - 1] == '\r'))
            p[--l] = '\0';
        if (l > 200)
            return err_set(err, ISMS_EINVAL, "line %ld: a name longer than 200 characters", line);
        if (l && *p != '#') {
            if (k == cap) {
                const char **nv = arena_alloc(a, sizeof *nv * cap * 2);
                memcpy(nv, v, sizeof *v * k);
                v = nv;
                cap *= 2;
            }
            v[k++] = p;
        }
        if (!e)
            break;
        p = e + 1;
    }
    *out = v;
    *n = k;
    return ISMS_OK;
}
