/* The policy library and documents: every template renders under every working model with and
 * without tools, review dates, body checks, and the Markdown subset rendered as escaped HTML. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "core/policy.h"
#include "report/policy_doc.h"

static void test_library_renders(void **state)
{
    (void)state;
    arena a;
    arena_init(&a);
    isms_err err = {0};
    policy_template *t;
    size_t n;
    assert_int_equal(policy_library(&a, &t, &n, &err), ISMS_OK);
    assert_true(n >= 14);
    const char *models[] = {"office", "remote", "hybrid"};
    const char *tools[] = {"", "aws,azure,gcp,github,gitlab,gworkspace,m365,okta,slack,jira"};
    for (size_t i = 0; i < n; i++) {
        assert_non_null(strstr(t[i].controls, "A."));
        for (int m = 0; m < 3; m++)
            for (int k = 0; k < 2; k++) {
                policy_profile p = {.work_model = models[m], .tools = tools[k], .security_lead = k ? "Dana" : NULL};
                tmpl_vars *v = policy_vars(&a, "Org <X>", m ? "" : "All of it", &p, &t[i]);
                char *out;
                if (policy_render(&t[i], v, &a, &out, &err))
                    fail_msg("%s: %s", t[i].name, err.msg);
                assert_null(strstr(out, "{{"));
                assert_non_null(strstr(out, "Org \\<X\\>"));
                /* Real substance: purpose, scope, roles, rules, exceptions, enforcement, review. */
                const char *parts[] = {"Purpose", "Scope", "Exceptions", "Review", "Role", "nforcement"};
                for (int q = 0; q < 6; q++)
                    if (!strstr(out, parts[q]))
                        fail_msg("%s lacks a %s section", t[i].name, parts[q]);
                assert_true(strlen(out) > 2000);
                if (strstr(out, "\n\n\n"))
                    fail_msg("%s (%s, tools %d): blank lines pile up at: %.60s", t[i].name, models[m], k, strstr(out, "\n\n\n") - 40);
            }
    }
    policy_template one;
    assert_int_equal(policy_template_find(&a, "nope", &one, &err), ISMS_ENOTFOUND);
    assert_non_null(strstr(err.msg, "backup"));
    arena_free(&a);
}

static void test_render_error_names_file_line(void **state)
{
    (void)state;
    arena a;
    arena_init(&a);
    isms_err err = {0};
    policy_template t = {"demo", "Demo", "A.5.1", "", "ok\n{{org.nmae}}\n", 6};
    policy_profile p = {0};
    tmpl_vars *v = policy_vars(&a, "Org", "", &p, &t);
    char *out;
    assert_int_equal(policy_render(&t, v, &a, &out, &err), ISMS_EINVAL);
    assert_string_equal(err.msg, "data/policies/demo.md.tmpl: line 7: unknown variable 'org.nmae'");
    arena_free(&a);
}

static void test_profile_and_dates(void **state)
{
    (void)state;
    arena a;
    arena_init(&a);
    isms_err err = {0};
    const char *tools;
    policy_profile p = {.review_months = 12, .tools = "slack, aws,slack", .work_model = "remote"};
    assert_int_equal(policy_profile_validate(&p, &a, &tools, &err), ISMS_OK);
    assert_string_equal(tools, "aws,slack");
    p.review_months = 0;
    assert_int_equal(policy_profile_validate(&p, &a, &tools, &err), ISMS_EINVAL);
    p.review_months = 6;
    p.work_model = "space";
    assert_int_equal(policy_profile_validate(&p, &a, &tools, &err), ISMS_EINVAL);
    char d[11];
    assert_int_equal(policy_add_months("2026-01-31", 1, d, &err), ISMS_OK);
    assert_string_equal(d, "2026-02-28");
    assert_int_equal(policy_add_months("2027-12-15", 12, d, &err), ISMS_OK);
    assert_string_equal(d, "2028-12-15");
    assert_int_equal(policy_add_months("2027-11-30", 3, d, &err), ISMS_OK);
    assert_string_equal(d, "2028-02-29");
    assert_int_equal(policy_add_months("2027-02-30", 1, d, &err), ISMS_EINVAL);
    assert_int_equal(policy_body_validate("# ok\n", 5, &err), ISMS_OK);
    assert_int_equal(policy_body_validate("a\xc0\xaf", 3, &err), ISMS_EINVAL);
    assert_int_equal(policy_body_validate("\n \n", 3, &err), ISMS_EINVAL);
    arena_free(&a);
}

static void test_staff_list(void **state)
{
    (void)state;
    arena a;
    arena_init(&a);
    isms_err err = {0};
    char text[] = "# staff\n  Ana Ruiz \r\n\n\tBo Li\n#Not Me\nCy";
    const char **v;
    size_t n;
    assert_int_equal(policy_staff_parse(text, strlen(text), &a, &v, &n, &err), ISMS_OK);
    assert_int_equal(n, 3);
    assert_string_equal(v[0], "Ana Ruiz");
    assert_string_equal(v[1], "Bo Li");
    assert_string_equal(v[2], "Cy");
    char nul[] = "a\0b";
    assert_int_equal(policy_staff_parse(nul, 3, &a, &v, &n, &err), ISMS_EINVAL);
    char *long_name = arena_alloc(&a, 300);
    memset(long_name, 'x', 299);
    long_name[299] = '\0';
    long_name[0] = 'o', long_name[1] = 'k', long_name[2] = '\n';
    assert_int_equal(policy_staff_parse(long_name, 299, &a, &v, &n, &err), ISMS_EINVAL);
    assert_non_null(strstr(err.msg, "line 2"));
    arena_free(&a);
}

static void test_markdown_html(void **state)
{
    (void)state;
    buf b;
    buf_init(&b, 1 << 16);
    const char *md = "# T & <x>\n\nPara **bold** and *em* with `co<de>`\nsecond line.\n\n- one\n- two \\*literal\\*\n\n"
                     "| A | B |\n|---|---|\n| 1 \\| 2 | <b> |\n\n### Sub\nafter";
    assert_int_equal(policy_md_html(&b, md), 0);
    assert_string_equal(b.data, "<h1>T &amp; &lt;x&gt;</h1>\n"
                                "<p>Para <strong>bold</strong> and <em>em</em> with <code>co&lt;de&gt;</code>\nsecond "
                                "line.</p>\n<ul>\n<li>one</li>\n<li>two *literal*</li>\n</ul>\n"
                                "<table>\n<thead>\n<tr>\n<th>A</th>\n<th>B</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n"
                                "<td>1 | 2</td>\n<td>&lt;b&gt;</td>\n</tr>\n</tbody>\n</table>\n"
                                "<h3>Sub</h3>\n<p>after</p>\n");
    /* Unbalanced markers stay text, so the page stays well-formed. */
    buf_reset(&b);
    assert_int_equal(policy_md_html(&b, "**open"), 0);
    assert_string_equal(b.data, "<p>**open</p>\n");
    /* What real policies use: numbered and nested lists, links, quotes, code blocks, autolinks. */
    buf_reset(&b);
    assert_int_equal(policy_md_html(&b, "1. first\n   - inner\n2. second\n\n> quoted\n\n```\ncode <x>\n```\n\n"
                                        "See [the register](https://example.com/r) or www.example.org.\n"),
                     0);
    assert_string_equal(b.data, "<ol>\n<li>first\n<ul>\n<li>inner</li>\n</ul>\n</li>\n<li>second</li>\n</ol>\n"
                                "<blockquote>\n<p>quoted</p>\n</blockquote>\n<pre><code>code &lt;x&gt;\n</code></pre>\n"
                                "<p>See <a href=\"https://example.com/r\">the register</a> or "
                                "<a href=\"http://www.example.org\">www.example.org</a>.</p>\n");
    /* Nothing a policy's author writes runs in the reader's browser. */
    buf_reset(&b);
    assert_int_equal(policy_md_html(&b, "<script>alert(1)</script>\n\n[x](javascript:alert(1)) "
                                        "<img src=x onerror=alert(1)> [y](data:text/html;base64,PHNjcmlwdD4=)\n"),
                     0);
    assert_null(strstr(b.data, "<script"));
    assert_null(strstr(b.data, "javascript:"));
    assert_null(strstr(b.data, "<img"));
    assert_null(strstr(b.data, "data:text/html"));
    assert_non_null(strstr(b.data, "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>")); /* shown as text */
    assert_non_null(strstr(b.data, "&lt;img src=x onerror=alert(1)&gt;"));
    buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_library_renders),
        cmocka_unit_test(test_render_error_names_file_line),
        cmocka_unit_test(test_profile_and_dates),
        cmocka_unit_test(test_markdown_html),
        cmocka_unit_test(test_staff_list),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
