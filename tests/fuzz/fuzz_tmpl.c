/* Policy templates (core/tmpl.c) with the variables the policy library gives them (policy_vars:
 * org.*, role.*, the roles list, tools.* and work.* flags, review.months): data[0] picks Markdown
 * or HTML output; the rest is the template. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/policy.h"
#include "core/tmpl.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!size)
        return 0;
    char *src = fuzz_strdup((fuzz_part){(const char *)data + 1, size - 1});
    arena a;
    arena_init(&a);
    policy_profile prof = {.security_lead = "Sam <Security>", .approver = "Dana *CEO*", .hr_lead = "Lee_HR",
                           .tools = "aws,github", .work_model = "remote"};
    tmpl_vars *v = policy_vars(&a, "Acme & Co {Ltd}", "All\nsystems | # people", &prof, NULL);
    char *out = NULL;
    isms_err err = {0};
    if (!tmpl_render(src, v, (data[0] & 1) ? TMPL_HTML : TMPL_MARKDOWN, 1u << 20, &a, &out, &err))
        (void)strlen(out);
    arena_free(&a);
    free(src);
    return 0;
}
