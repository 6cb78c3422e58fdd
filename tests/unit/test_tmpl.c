/* The template engine: variables, #if with else, #each with item fields, escaping per format,
 * errors with line numbers, and the caps on nesting and output size. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "core/tmpl.h"

static arena a;
static tmpl_vars *v;

static int setup(void **state)
{
    (void)state;
    arena_init(&a);
    v = tmpl_vars_new(&a);
    tmpl_set(v, "org.name", "Acme & <Sons>");
    tmpl_set(v, "review.months", "12");
    tmpl_set_flag(v, "tools.aws", 1);
    tmpl_set_flag(v, "tools.slack", 0);
    static const char *const fields[] = {"role", "person", NULL};
    tmpl_list *l = tmpl_add_list(v, "roles", fields);
    tmpl_list_push(l, (const char *const[]){"Security lead", "Dana *Lee*"});
    tmpl_list_push(l, (const char *const[]){"Approver", "Sam"});
    tmpl_add_list(v, "empty", fields);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    arena_free(&a);
    return 0;
}

static char *render(const char *src, tmpl_format f, isms_err *err)
{
    char *out = NULL;
    err_clear(err);
    if (tmpl_render(src, v, f, 1 << 16, &a, &out, err))
        return NULL;
    return out;
}

static void test_variables(void **state)
{
    (void)state;
    isms_err err;
    char *o = render("Policy of {{org.name}}, reviewed every {{ review.months }} months.", TMPL_HTML, &err);
    assert_non_null(o);
    assert_string_equal(o, "Policy of Acme &amp; &lt;Sons&gt;, reviewed every 12 months.");
    o = render("# {{org.name}}", TMPL_MARKDOWN, &err);
    assert_string_equal(o, "# Acme & \\<Sons\\>");
    o = render("no tags at all\n", TMPL_MARKDOWN, &err);
    assert_string_equal(o, "no tags at all\n");
}

static void test_conditionals(void **state)
{
    (void)state;
    isms_err err;
    char *o = render("A{{#if tools.aws}}aws{{else}}no aws{{/if}}B{{#if tools.slack}}slack{{else}}no slack{{/if}}",
                     TMPL_MARKDOWN, &err);
    assert_string_equal(o, "AawsBno slack");
    /* Block tags alone on a line leave no blank lines. */
    o = render("one\n{{#if tools.slack}}\nslack\n{{else}}\nnone\n{{/if}}\ntwo\n", TMPL_MARKDOWN, &err);
    assert_string_equal(o, "one\nnone\ntwo\n");
    o = render("{{#if roles}}has roles{{/if}}{{#if empty}}never{{else}}, no items{{/if}}", TMPL_MARKDOWN, &err);
    assert_string_equal(o, "has roles, no items");
    o = render("{{#if tools.aws}}{{#if tools.slack}}x{{else}}nested{{/if}}{{/if}}", TMPL_MARKDOWN, &err);
    assert_string_equal(o, "nested");
}

static void test_lists(void **state)
{
    (void)state;
    isms_err err;
    char *o = render("{{#each roles}}\n- {{role}}: {{person}} ({{org.name}})\n{{/each}}", TMPL_MARKDOWN, &err);
    assert_non_null(o);
    assert_string_equal(o, "- Security lead: Dana \\*Lee\\* (Acme & \\<Sons\\>)\n- Approver: Sam (Acme & \\<Sons\\>)\n");
    o = render("[{{#each empty}}{{role}}{{/each}}]", TMPL_MARKDOWN, &err);
    assert_string_equal(o, "[]");
    o = render("{{#each roles}}<li>{{person}}</li>{{/each}}", TMPL_HTML, &err);
    assert_string_equal(o, "<li>Dana *Lee*</li><li>Sam</li>");
}

static void test_escaping(void **state)
{
    (void)state;
    isms_err err;
    tmpl_set(v, "evil", "x\n# Heading\n<script>'\"");
    char *o = render("{{evil}}", TMPL_MARKDOWN, &err);
    assert_string_equal(o, "x \\# Heading \\<script\\>'\"");
    o = render("{{evil}}", TMPL_HTML, &err);
    assert_string_equal(o, "x\n# Heading\n&lt;script&gt;&#39;&quot;");
    /* Values are never re-parsed as template syntax. */
    tmpl_set(v, "evil", "{{org.name}}");
    o = render("{{evil}}", TMPL_HTML, &err);
    assert_string_equal(o, "{{org.name}}");
}

static void expect_error(const char *src, const char *msg)
{
    isms_err err;
    assert_null(render(src, TMPL_MARKDOWN, &err));
    assert_int_equal(err.code, ISMS_EINVAL);
    if (!strstr(err.msg, msg))
        fail_msg("error '%s' does not contain '%s'", err.msg, msg);
}

static void test_errors(void **state)
{
    (void)state;
    expect_error("a\nb\n{{org.nam}}", "line 3: unknown variable 'org.nam'");
    /* Even in a branch that is not taken. */
    expect_error("{{#if tools.slack}}\n{{nope}}\n{{/if}}", "line 2: unknown variable 'nope'");
    expect_error("x\n{{#if tools.aws}}\nopen", "line 2: {{#if tools.aws}} is never closed");
    expect_error("{{#each roles}}\n{{role}}\n", "line 1: {{#each roles}} is never closed");
    expect_error("a\n\n{{/if}}", "line 3: {{/if}} without");
    expect_error("{{else}}", "line 1: {{else}} without");
    expect_error("{{#if tools.aws}}{{/each}}", "closes the {{#if}} of line 1");
    expect_error("\n{{org.name", "line 2: '{{' is not closed");
    expect_error("{{#while x}}{{/while}}", "unknown section '{{#while}}'");
    expect_error("{{#each nolist}}{{/each}}", "unknown list 'nolist'");
    expect_error("{{roles}}", "'roles' is a list");
    expect_error("{{#if}}{{/if}}", "needs one variable name");
    expect_error("{{a b}}", "malformed tag");
    expect_error("{{#each roles}}{{else}}{{/each}}", "only #if has an else");
    expect_error("{{#if tools.aws}}{{role}}{{/if}}", "unknown variable 'role'");
}

static void test_caps(void **state)
{
    (void)state;
    char src[4096] = "", *p = src;
    for (int i = 0; i < TMPL_MAX_DEPTH + 1; i++)
        p += sprintf(p, "{{#if tools.aws}}");
    for (int i = 0; i < TMPL_MAX_DEPTH + 1; i++)
        p += sprintf(p, "{{/if}}");
    expect_error(src, "nested deeper than 16");
    /* At the limit it works. */
    p = src;
    for (int i = 0; i < TMPL_MAX_DEPTH; i++)
        p += sprintf(p, "{{#if tools.aws}}");
    p += sprintf(p, "deep");
    for (int i = 0; i < TMPL_MAX_DEPTH; i++)
        p += sprintf(p, "{{/if}}");
    isms_err err;
    assert_string_equal(render(src, TMPL_MARKDOWN, &err), "deep");
    /* Output over the cap is refused, not truncated. */
    char *out = NULL;
    assert_int_equal(tmpl_render("{{#each roles}}{{org.name}}{{org.name}}{{/each}}", v, TMPL_MARKDOWN, 40, &a, &out,
                                 &err),
                     ISMS_ENOMEM);
    assert_null(out);
    assert_non_null(strstr(err.msg, "40-byte limit"));
    /* Nested lists whose bodies output nothing never reach the output cap: 4^16 steps used to run
     * for hours; the step bound stops them. 2^16 steps are fine. */
    static const char *const fields[] = {"x", NULL};
    tmpl_list *many = tmpl_add_list(v, "many", fields);
    for (int i = 0; i < 4; i++)
        tmpl_list_push(many, (const char *const[]){"y"});
    p = src;
    for (int i = 0; i < TMPL_MAX_DEPTH; i++)
        p += sprintf(p, "{{#each many}}");
    for (int i = 0; i < TMPL_MAX_DEPTH; i++)
        p += sprintf(p, "{{/each}}");
    expect_error(src, "line 1: the template expands to more than 2000000 sections and values");
    p = src;
    for (int i = 0; i < TMPL_MAX_DEPTH; i++)
        p += sprintf(p, "{{#each roles}}");
    for (int i = 0; i < TMPL_MAX_DEPTH; i++)
        p += sprintf(p, "{{/each}}");
    assert_string_equal(render(src, TMPL_MARKDOWN, &err), "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_variables, setup, teardown),
        cmocka_unit_test_setup_teardown(test_conditionals, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lists, setup, teardown),
        cmocka_unit_test_setup_teardown(test_escaping, setup, teardown),
        cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_caps, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
