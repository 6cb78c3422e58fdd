/* isms ask: answers a question from the built-in guidance (store/kb.h ranks the passages), and,
 * when $ISMS_LLM_URL names an OpenAI-compatible chat endpoint, drafts an answer from them. */
#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "core/ask.h"
#include "core/catalog.h"
#include "report/json.h"
#include "store/kb.h"
#include "util/buf.h"
#include "util/json.h"

#define DEFAULT_LIMIT 6
#define LLM_TIMEOUT_MS 10000L
#define LLM_MAX_RESPONSE (1 << 20)
#define LLM_DEFAULT_MODEL "gpt-4o-mini"

/* --- the optional LLM draft --- */

static size_t on_body(char *p, size_t size, size_t n, void *ud)
{
    buf *b = ud;
    /* returning less than given aborts the transfer: a runaway answer is refused, not truncated */
    return buf_append(b, p, size * n) ? 0 : size * n;
}

/* ISMS_LLM_TIMEOUT_MS, for tests that must see a timeout without waiting 10 s. */
static long llm_timeout(void)
{
    const char *s = getenv("ISMS_LLM_TIMEOUT_MS");
    char *end;
    long v = s ? strtol(s, &end, 10) : 0;
    return s && *s && !*end && v >= 100 && v <= 600000 ? v : LLM_TIMEOUT_MS;
}

/* POST body to the chat endpoint and return the response body. Never follows redirects (the key
 * would travel with them) and speaks only http and https. */
static int llm_post(const char *url, const char *key, const char *body, buf *resp, isms_err *err)
{
    if (key && strpbrk(key, "\r\n"))
        return err_set(err, ISMS_EINVAL, "ISMS_LLM_API_KEY contains a line break");
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return err_set(err, ISMS_EIO, "cannot initialise libcurl");
    CURL *h = curl_easy_init();
    if (!h) {
        curl_global_cleanup();
        return err_set(err, ISMS_ENOMEM, "cannot initialise libcurl");
    }
    struct curl_slist *hl = curl_slist_append(NULL, "Content-Type: application/json");
    hl = hl ? curl_slist_append(hl, "Accept: application/json") : NULL;
    char *auth = NULL;
    if (hl && key && *key) {
        size_t n = strlen(key) + 32;
        auth = malloc(n);
        if (auth) {
            snprintf(auth, n, "Authorization: Bearer %s", key);
            hl = curl_slist_append(hl, auth);
        }
    }
    char errbuf[CURL_ERROR_SIZE] = "";
    long timeout = llm_timeout();
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hl);
    curl_easy_setopt(h, CURLOPT_USERAGENT, "isms/" ISMS_VERSION);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(body));
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, timeout);
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
#if LIBCURL_VERSION_NUM >= 0x075500
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
#else
    curl_easy_setopt(h, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, resp);
    int rc = ISMS_OK;
    CURLcode cc = hl ? curl_easy_perform(h) : CURLE_OUT_OF_MEMORY;
    long status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    if (cc == CURLE_WRITE_ERROR)
        rc = err_set(err, ISMS_EIO, "the LLM endpoint's answer is larger than %d bytes", LLM_MAX_RESPONSE);
    else if (cc == CURLE_OPERATION_TIMEDOUT)
        rc = err_set(err, ISMS_EIO, "the LLM endpoint did not answer within %ld ms", timeout);
    else if (cc != CURLE_OK)
        rc = err_set(err, ISMS_EIO, "the LLM endpoint could not be reached: %s",
                     errbuf[0] ? errbuf : curl_easy_strerror(cc));
    else if (status != 200)
        rc = err_set(err, ISMS_EIO, "the LLM endpoint answered HTTP %ld", status);
    curl_slist_free_all(hl);
    if (auth) {
        memset(auth, 0, strlen(auth)); /* the key should not linger in freed memory */
        free(auth);
    }
    curl_easy_cleanup(h);
    curl_global_cleanup();
    return rc;
}

/* The drafted answer, or NULL with a one-line warning when the endpoint fails: the passages are
 * the answer then, and the command still succeeds. */
static const char *llm_draft(cli_ctx *c, const char *url, const char *question, const ask_result *r,
                             const char **model)
{
    const char *m = getenv("ISMS_LLM_MODEL");
    *model = m && *m ? m : LLM_DEFAULT_MODEL;
    const char *body = ask_llm_request(*model, question, r, c->a);
    isms_err err = {0};
    buf resp;
    buf_init(&resp, LLM_MAX_RESPONSE);
    const char *answer = NULL;
    if (!body)
        err_set(&err, ISMS_ENOMEM, "cannot build the request");
    else if (llm_post(url, getenv("ISMS_LLM_API_KEY"), body, &resp, &err) == ISMS_OK)
        ask_llm_answer(resp.data, resp.len, c->a, &answer, &err);
    buf_free(&resp);
    if (!answer)
        fprintf(stderr, "isms: warning: no drafted answer (%s); showing the passages\n", err.msg);
    return answer;
}

/* --- output --- */

static const char *section_label(const ask_passage *p, int is_clause)
{
    int k = ask_kind_index(p->kind);
    if (is_clause)
        return k == ASK_PURPOSE     ? "What the clause requires"
               : k == ASK_IMPLEMENT ? "How to meet it"
               : k == ASK_EVIDENCE  ? "Documents and records that prove it"
                                    : "Common audit findings";
    return k == ASK_PURPOSE     ? "Purpose"
           : k == ASK_IMPLEMENT ? "How to implement it"
           : k == ASK_EVIDENCE  ? "Evidence an auditor accepts"
                                : "Common audit findings";
}

/* A passage body: the purpose as one indented paragraph, lists as one item a line. */
static void print_body(const ask_passage *p)
{
    if (ask_kind_index(p->kind) == ASK_PURPOSE) {
        printf("  %s\n", p->text);
        return;
    }
    for (const char *s = p->text; s && *s;) {
        const char *bar = strstr(s, " | ");
        size_t len = bar ? (size_t)(bar - s) : strlen(s);
        printf("  - %.*s\n", (int)len, s);
        s = bar ? bar + 3 : NULL;
    }
}

static void print_mappings(const ask_result *r)
{
    for (size_t i = 0; i < r->nids; i++) {
        const char *from = r->ids[i].from2013;
        if (!from[0] || (i > 0 && !strcmp(r->ids[i - 1].from2013, from)))
            continue;
        printf("%s (2013) is", from);
        size_t k = i;
        for (; k < r->nids && !strcmp(r->ids[k].from2013, from); k++)
            printf("%s%s", k > i ? " and " : " ", r->ids[k].id);
        printf(" in 2022.\n");
    }
}

/* The whole guidance of the top hit, the kind it was found for first. */
static void print_top(const ask_passage *top)
{
    const catalog_control *ctl = top->id[0] == 'A' ? catalog_control_find(top->id) : NULL;
    const catalog_clause *cl = ctl ? NULL : catalog_clause_find(top->id);
    if (ctl)
        printf("%s %s (%s control)\n", ctl->id, ctl->title, ctl->theme);
    else
        printf("Clause %s %s\n", top->id, top->title);
    const catalog_guidance *g = ctl ? &ctl->g : &cl->g;
    const char *texts[ASK_NKINDS] = {g->purpose, g->implement, g->evidence, g->findings};
    int first = ask_kind_index(top->kind);
    for (int round = 0; round < 2; round++)
        for (int k = 0; k < ASK_NKINDS; k++) {
            if ((round == 0) != (k == first) || !texts[k] || !*texts[k])
                continue;
            ask_passage p = {top->id, ask_kind_name(k), top->title, texts[k], 0, 0};
            printf("\n%s [%s %s]:\n", section_label(&p, !ctl), p.id, p.kind);
            print_body(&p);
        }
}

static void print_text(const char *question, const ask_result *r, const char *answer, const char *model)
{
    print_mappings(r);
    if (!r->npassages) {
        printf("No guidance matched \"%s\". Name a control (A.5.23) or a clause (9.3), or try other words; "
               "`isms control list` lists them all.\n", question);
        return;
    }
    if (answer) {
        printf("%s\n\n(drafted by %s from the sources below; check it against them)\n\nSources:\n", answer, model);
        for (size_t i = 0; i < r->npassages; i++) {
            const ask_passage *p = &r->passages[i];
            printf("\n[%s %s] %s\n", p->id, p->kind, p->title);
            print_body(p);
        }
        return;
    }
    if (r->nids)
        printf("\n");
    print_top(&r->passages[0]);
    int header = 0;
    for (size_t i = 1; i < r->npassages; i++) {
        const ask_passage *p = &r->passages[i];
        if (!strcmp(p->id, r->passages[0].id))
            continue;
        if (!header++)
            printf("\nRelated guidance:\n");
        printf("\n[%s %s] %s\n", p->id, p->kind, p->title);
        print_body(p);
    }
}

static void print_json(const char *question, const ask_result *r, const char *answer, const char *model)
{
    jw j;
    jw_init_file(&j, stdout, 1);
    jw_obj(&j);
    json_ask_members(&j, question, r, NULL, NULL);
    jw_kstr(&j, "answer", answer);
    jw_kstr(&j, "model", answer ? model : NULL);
    jw_obj_end(&j);
    jw_end(&j);
}

static int ask_run(cli_ctx *c)
{
    const char *json = NULL, *limit_s = NULL, *pos[64];
    int np = 0;
    cli_opt opts[] = {{"json", 0, &json}, {"limit", 1, &limit_s}, {NULL, 0, NULL}};
    if (cli_parse(c, opts, pos, 64, &np))
        return EXIT_USAGE;
    long limit = DEFAULT_LIMIT;
    if (limit_s && cli_int(c, "--limit", limit_s, 1, ASK_MAX_PASSAGES, &limit))
        return EXIT_USAGE;
    if (!np)
        return cli_usage_error(c, "give a question, e.g. isms ask \"what evidence do I need for A.5.23?\"");
    /* the words of an unquoted question arrive as separate arguments */
    size_t total = 0;
    for (int i = 0; i < np; i++)
        total += strlen(pos[i]) + 1;
    char *question = arena_alloc(c->a, total + 1);
    for (int i = 0; i < np; i++) {
        strcat(question, pos[i]);
        if (i + 1 < np)
            strcat(question, " ");
    }
    isms_err err = {0};
    char *clean = arena_alloc(c->a, ASK_MAX_QUESTION + 1);
    if (ask_question_clean(question, clean, &err))
        return cli_fail(&err);
    kb *k;
    ask_result *r = arena_alloc(c->a, sizeof *r);
    if (kb_open(&k, &err))
        return cli_fail(&err);
    int rc = kb_ask(k, clean, (size_t)limit, c->a, r, &err);
    kb_close(k); /* passages point into the catalog, not into the index */
    if (rc)
        return cli_fail(&err);
    const char *url = getenv("ISMS_LLM_URL"), *answer = NULL, *model = NULL;
    /* nothing is sent unless asked for, and there is nothing to ground an answer on without passages */
    if (url && *url && r->npassages)
        answer = llm_draft(c, url, clean, r, &model);
    if (json)
        print_json(clean, r, answer, model);
    else
        print_text(clean, r, answer, model);
    return EXIT_OK;
}

const cli_cmd cmds_ask[] = {
    {NULL, ask_run, "QUESTION [--limit N] [--json]",
     "Answers a question from the built-in guidance: per control its purpose, how to implement it, the\n"
     "evidence an auditor accepts and common findings; per clause what it requires and the documents\n"
     "that prove it. Names a control in any common form (A.5.23, 5.23, annex a 5.23, control 5.23,\n"
     "A5.23), a clause (clause 6.1.2, 9.3) or a 2013 control (A.9.4.2, mapped to 2022); its passages\n"
     "come first, the kind asked for (evidence, how to, findings, purpose) leading, then related\n"
     "passages ranked by BM25 over the whole catalog. Without an id the question's words are searched.\n"
     "  --limit N   passages to return, 1-50 (default 6)\n"
     "  --json      {question, ids_recognized, mapped_from_2013, intent, passages:[{id, kind, title,\n"
     "              text, score, match}], answer, model}; score is null for passages chosen by id\n"
     "With ISMS_LLM_URL set to an OpenAI-compatible chat completions URL (ISMS_LLM_MODEL, default\n"
     "gpt-4o-mini; ISMS_LLM_API_KEY sent as a Bearer token), the question and the passages are sent there\n"
     "and the drafted answer, citing the ids, is shown before its sources. If the endpoint fails or takes\n"
     "over 10 s (ISMS_LLM_TIMEOUT_MS) a warning is printed and the passages are the answer. Nothing is\n"
     "sent when ISMS_LLM_URL is unset.\n"
     "Exit codes: 0 answered (also when nothing matched), 2 empty or over-long question, bad option."},
    {NULL, NULL, NULL, NULL},
};
