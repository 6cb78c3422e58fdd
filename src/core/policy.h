/* The policy library: templates embedded from data/policies/NAME.md.tmpl, the organization profile
 * that fills them, and the rules of policy documents (statuses, review dates). Pure logic, no I/O. */
#ifndef ISMS_POLICY_H
#define ISMS_POLICY_H

#include <stddef.h>

#include "core/tmpl.h"
#include "util/arena.h"
#include "util/err.h"

#define POLICY_MAX_BYTES (1u << 20)   /* a policy body, generated or edited */

typedef struct policy_template {
    const char *name;      /* "access-control" */
    const char *title;     /* "Access Control Policy" */
    const char *controls;  /* "A.5.15,A.5.16" */
    const char *clauses;   /* "5.2,7.3" or "" */
    const char *body;      /* the template text after the front matter */
    int body_line;         /* line of the body's first line in the .tmpl file, for error messages */
} policy_template;

/* The embedded library in file-name order (arena copies). */
int policy_library(arena *a, policy_template **out, size_t *n, isms_err *err);
/* One template by name; ISMS_ENOTFOUND naming the available ones otherwise. */
int policy_template_find(arena *a, const char *name, policy_template *out, isms_err *err);

/* Profile fields that fill the templates besides the organization's name and scope. */
typedef struct policy_profile {
    const char *security_lead, *policy_owner, *approver, *it_lead, *hr_lead;
    int review_months;        /* 1..36 */
    const char *tools;        /* comma-separated ids from policy_tools */
    const char *work_model;   /* office | remote | hybrid */
} policy_profile;

extern const char *const policy_tools[];        /* NULL-terminated: aws, github, gworkspace, ... */
extern const char *const policy_work_models[];  /* office, remote, hybrid */
/* Defaults for unset fields: role titles, 12 months, no tools, hybrid. */
void policy_profile_defaults(policy_profile *p);
/* Check cadence, work model and every tool id; err names the bad field. Normalizes tools into
 * *tools_out (arena, sorted as in policy_tools, no duplicates). */
int policy_profile_validate(const policy_profile *p, arena *a, const char **tools_out, isms_err *err);
/* The template variables: org.name, org.scope, role.*, roles (role, person), review.months,
 * tools.<id>, work.model and work.office/remote/hybrid, policy.title, policy.name. */
tmpl_vars *policy_vars(arena *a, const char *org_name, const char *org_scope, const policy_profile *p,
                       const policy_template *t);
/* Render a template into Markdown; errors name the template and its file line. */
int policy_render(const policy_template *t, const tmpl_vars *v, arena *a, char **out, isms_err *err);

/* Check an edited body: non-empty, at most POLICY_MAX_BYTES, valid UTF-8, no NUL bytes. */
int policy_body_validate(const char *body, size_t len, isms_err *err);
#define POLICY_STAFF_MAX_BYTES (4u << 20) /* a staff list file or upload */
/* Parse a staff list (one name a line, # comments, blanks trimmed) in place into names; refuses
 * NUL bytes and names over 200 characters, naming the line. */
int policy_staff_parse(char *text, size_t len, arena *a, const char ***out, size_t *n, isms_err *err);
/* date (YYYY-MM-DD) plus months into out[11], clamping the day to the month's end. */
int policy_add_months(const char *date, int months, char out[11], isms_err *err);

#endif
