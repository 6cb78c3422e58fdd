/* GitHub organization checks over the REST API (version 2022-11-28): two-factor authentication,
 * branch protection, secret scanning and Dependabot security updates. Configuration comes from
 * the environment: GITHUB_TOKEN, ISMS_GITHUB_ORG and optionally ISMS_GITHUB_API_URL. */
#ifndef ISMS_COLLECT_GITHUB_H
#define ISMS_COLLECT_GITHUB_H

#include "collect/check.h"

/* The GitHub checks, in a stable order, terminated by an all-NULL entry. */
extern const check_def checks_github[];

/* What the GitHub source needs (environment, token rights), for help texts and the README. */
extern const char github_checks_source[];

#endif
