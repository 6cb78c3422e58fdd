/* The registry of every check, source by source. */
#include <string.h>

#include "collect/check.h"

/* Each source's table; a source is added here when its collector lands. */
static const check_def *const sources[] = {NULL};

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
