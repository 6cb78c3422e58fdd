/* Ask isms in the browser and the API: the ranked guidance passages of `isms ask` (store/kb.h)
 * for the question in ?q=. Only the passages: no LLM draft is requested from the web app, so a
 * page view never sends anything anywhere. Every piece of text is escaped. */
#include <stdlib.h>
#include <string.h>

#include "core/ask.h"
#include "core/catalog.h"
#include "report/json.h"
#include "store/kb.h"
#include "web/api.h"


#define ASK_WEB_LIMIT 8

/* Answer q with at most limit passages into r and the cleaned question into clean. */
static int ask_run(web_req *rq, const char *q, size_t limit, char **clean, ask_result **r, isms_err *err)
{
    *clean = arena_alloc(rq->a, ASK_MAX_QUESTION + 1);
    *r = arena_alloc(rq->a, sizeof **r);
    int rc = ask_question_clean(q ? q : "", *clean, err);
    if (rc)
        return rc;
    kb *k;
    if ((rc = kb_open(&k, err)))
        return rc;
    rc = kb_ask(k, *clean, limit, rq->a, *r, err);
    kb_close(k); /* passages point into the catalog, not into the index */
    return rc;
}

static const char *section_label(const char *kind, int is_clause)
{
    int k = ask_kind_index(kind);
    if (is_clause)
        return k == ASK_PURPOSE ? "What the clause requires" : k == ASK_IMPLEMENT ? "How to meet it"
             : k == ASK_EVIDENCE ? "Documents and records that prove it" : "Common audit findings";
    return k == ASK_PURPOSE ? "Purpose" : k == ASK_IMPLEMENT ? "How to implement it"
         : k == ASK_EVIDENCE ? "Evidence an auditor accepts" : "Common audit findings";
}

static void passage_html(web_resp *rs, const ask_passage *p)
{
    int is_clause = p->id[0] != 'A';
    if (is_clause)
        web_html(rs, "<li class=\"passage\"><h2><a href=\"/gap\">Clause %s</a> %s</h2>", p->id, p->title);
    else
        web_html(rs, "<li class=\"passage\"><h2><a href=\"/soa/%s\">%s</a> %s</h2>", p->id, p->id, p->title);
    web_html(rs, "<p class=\"muted\">%s%s</p>", section_label(p->kind, is_clause), p->by_id ? " · named in the question" : "");
    if (ask_kind_index(p->kind) == ASK_PURPOSE) {
        web_html(rs, "<p>%s</p></li>", p->text);
        return;
    }
    web_raw(rs, "<ul>");
    for (const char *s = p->text; s && *s;) {
        const char *bar = strstr(s, " | ");
        size_t len = bar ? (size_t)(bar - s) : strlen(s);
        char item[1024];
        snprintf(item, sizeof item, "%.*s", (int)(len < sizeof item ? len : sizeof item - 1), s);
        web_html(rs, "<li>%s</li>", item);
        s = bar ? bar + 3 : NULL;
    }
    web_raw(rs, "</ul></li>");
}

int page_ask(web_req *rq, web_resp *rs)
{
    const char *q = web_query(rq, "q");
    page_head(rq, rs, "Ask isms", "/ask");
    web_html(rs, "<h1>Ask isms</h1><form class=\"filters\" method=\"get\" action=\"/ask\" role=\"search\">"
                 "<label>Question <input name=\"q\" id=\"ask-q\" size=\"60\" maxlength=\"%d\" value=\"%s\" "
                 "placeholder=\"what evidence do I need for A.5.23?\"></label><button type=\"submit\">Ask</button></form>",
             ASK_MAX_QUESTION, q ? q : "");
    if (!q || !*q) {
        web_raw(rs, "<p class=\"muted\">Ask about a control (A.5.23, 5.23, or a 2013 id such as A.9.4.2), a clause "
                    "(clause 9.3) or a topic; the answers come from the built-in guidance.</p>");
        page_foot(rs);
        return 0;
    }
    char *clean;
    ask_result *r;
    isms_err err = {0};
    if (ask_run(rq, q, ASK_WEB_LIMIT, &clean, &r, &err)) {
        rs->status = err.code == ISMS_EINVAL ? 400 : 500;
        web_html(rs, "<p class=\"error\" role=\"alert\" id=\"form-error\">%s</p>", err.msg);
        page_foot(rs);
        return 0;
    }
    for (size_t i = 0; i < r->nids; i++)
        if (r->ids[i].from2013[0])
            web_html(rs, "<p class=\"muted\">%s (ISO 27001:2013) is %s in 2022.</p>", r->ids[i].from2013, r->ids[i].id);
    if (!r->npassages)
        web_html(rs, "<p id=\"ask-none\">No guidance matched “%s”. Name a control (A.5.23) or a clause (9.3), or try "
                     "other words.</p>", clean);
    web_raw(rs, "<ol class=\"passages\" id=\"ask-results\">");
    for (size_t i = 0; i < r->npassages; i++)
        passage_html(rs, &r->passages[i]);
    web_raw(rs, "</ol>");
    page_foot(rs);
    return 0;
}

/* Where the web app shows a passage's control or clause. */
static const char *passage_link(const ask_passage *p, void *ctx)
{
    return p->id[0] == 'A' ? arena_sprintf(ctx, "/soa/%s", p->id) : "/gap";
}

int api_ask(web_req *rq, web_resp *rs)
{
    const char *q = web_query(rq, "q"), *ls = web_query(rq, "limit");
    long limit = 6;
    if (ls) {
        char *end;
        limit = strtol(ls, &end, 10);
        if (!*ls || *end || limit < 1 || limit > ASK_MAX_PASSAGES) {
            web_json_error(rs, 400, "bad_parameter", "limit must be a number from 1 to %d", ASK_MAX_PASSAGES);
            return 0;
        }
    }
    if (!q || !*q) {
        web_json_error(rs, 400, "bad_parameter", "give a question in q, e.g. ?q=what+evidence+for+A.5.23");
        return 0;
    }
    char *clean;
    ask_result *r;
    isms_err err = {0};
    if (ask_run(rq, q, (size_t)limit, &clean, &r, &err)) {
        if (err.code == ISMS_EINVAL)
            web_json_error(rs, 400, "bad_parameter", "%s", err.msg);
        else
            web_json_fail(rs, &err);
        return 0;
    }
    jw *j = web_json_begin(rq, rs, 200);
    jw_obj(j);
    json_ask_members(j, clean, r, passage_link, rq->a);
    jw_obj_end(j);
    return 0;
}
