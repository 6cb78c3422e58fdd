/* GitHub REST answers as the GitHub checks read them: the organization, member and repository
 * lists with Link paging, branch protection, security settings, error bodies, rate-limit headers;
 * each check run against the loopback peer answering with the input's responses in order, or
 * (high bit of data[0]) a saved API document given to its evaluate. */
#include <stdint.h>
#include <string.h>

#include "collect/github.h"
#include "fuzz.h"

static const char *env(const char *name)
{
    if (!strcmp(name, "GITHUB_TOKEN"))
        return "ghp_fuzzfuzzfuzzfuzzfuzzfuzzfuzzfuzz";
    if (!strcmp(name, "ISMS_GITHUB_ORG"))
        return "acme";
    if (!strcmp(name, "ISMS_GITHUB_API_URL"))
        return fuzz_peer_url();
    return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_run_check(checks_github, data, size, env);
    return 0;
}
