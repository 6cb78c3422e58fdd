/* The registry of every check, source by source. */
#include <string.h>

#include "collect/check.h"

extern const check_def checks_aws[], checks_github[], checks_gworkspace[], checks_host[];

/* Each source's table; a source is added here when its collector lands. */
static const check_def *const sources[] = {checks_aws, checks_github, checks_gworkspace, checks_host, NULL};

/* What a source needs from the environment before it can run at all. */
static const struct {
    const char *source;
    const char *vars[3];
} needs[] = {
    {"github", {"GITHUB_TOKEN", "ISMS_GITHUB_ORG", NULL}},
    {"aws", {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", NULL}},
    {"gworkspace", {"GOOGLE_APPLICATION_CREDENTIALS", "ISMS_GWORKSPACE_ADMIN", NULL}},
};

int check_source_configured(const char *source, const char *(*get)(const char *))
{
    for (size_t i = 0; i < sizeof needs / sizeof *needs; i++) {
        if (strcmp(needs[i].source, source))
            continue;
        for (const char *const *v = needs[i].vars; *v; v++) {
            const char *val = get(*v);
            if (!val || !*val)
                return 0;
        }
    }
    return 1; /* sources that need nothing (this host) are always configured */
}

static check_def all[256];
static size_t nall;

const check_def *check_registry(size_t *n)
{
    if (!nall)
        for (size_t s = 0; s < sizeof sources / sizeof *sources && sources[s]; s++)
            for (const check_def *d = sources[s]; d->id && nall < sizeof all / sizeof *all; d++)
                all[nall++] = *d;
    *n = nall;
    return all;
}

const check_def *check_find(const char *id)
{
    size_t n;
    const check_def *d = check_registry(&n);
    for (size_t i = 0; id && i < n; i++)
        if (!strcmp(d[i].id, id))
            return &d[i];
    return NULL;
}

const char *check_status_name(check_status s)
{
    return s == CHECK_PASS ? "pass" : s == CHECK_FAIL ? "fail" : "error";
}
