/* The GitHub checks. Each run opens its own client, reads what it needs (following Link
 * rel="next" through every list), keeps every response in ctx->raw as one JSON line
 * {"method","url","status","body"}, and evaluates. The token only ever goes into the
 * Authorization header: it is scrubbed from anything a server might echo back, and paging links
 * are followed only on the configured API host so that it cannot be sent elsewhere. */
#include "collect/github.h"

#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "collect/http.h"

#define GITHUB_API_VERSION "2022-11-28"
#define GITHUB_MAX_PAGES 1000

const char github_checks_source[] =
    "GitHub: set GITHUB_TOKEN (a classic token of an organization owner with the read:org and repo scopes, or a "
    "fine-grained token with organization Members: read and repository Administration: read), ISMS_GITHUB_ORG (the "
    "organization login) and, for GitHub Enterprise Server, ISMS_GITHUB_API_URL (e.g. "
    "https://github.example.com/api/v3; default https://api.github.com). Archived repositories are skipped.";

typedef struct gh {
    check_ctx *ctx;        /* the check being run: its evidence, budget and progress */
    arena *a;              /* what the client allocates: the session's when shared */
    http_client http;
    const char *token, *org, *api, *host;
    http_header hdr[3];
} gh;

typedef struct gh_resp {
    long status;
    json_t *doc;          /* parsed body, NULL when empty; the caller releases it */
    const char *next;     /* rel="next" URL, checked to be on the API host */
    const char *message;  /* GitHub's "message", scrubbed and shortened, or "" */
} gh_resp;

static const char *env(check_ctx *ctx, const char *name)
{
    const char *v = ctx->getenv ? ctx->getenv(name) : getenv(name);
    return v && *v ? v : NULL;
}

static int gh_valid_name(const char *s)
{
    if (!*s || strlen(s) > 100)
        return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '-' ||
              *s == '_' || *s == '.'))
            return 0;
    return 1;
}

/* Plain http would expose the token on the wire: allowed only to this machine (test fakes). */
static int gh_loopback(const char *url)
{
    char host[256];
    http_url_host(url, host, sizeof host);
    char *colon = host[0] == '[' ? strchr(host, ']') : strchr(host, ':');
    if (colon)
        colon[host[0] == '['] = '\0';
    return !strcmp(host, "127.0.0.1") || !strcasecmp(host, "localhost") || !strcmp(host, "[::1]");
}

static int gh_open(gh *g, check_ctx *ctx, arena *a, isms_err *err)
{
    memset(g, 0, sizeof *g);
    g->ctx = ctx;
    g->a = a;
    g->token = env(ctx, "GITHUB_TOKEN");
    if (!g->token)
        return err_set(err, ISMS_EINVAL,
                       "GITHUB_TOKEN is not set: give a GitHub token of an owner of the organization (read:org and "
                       "repo scopes)");
    if (strpbrk(g->token, " \t\r\n"))
        return err_set(err, ISMS_EINVAL, "GITHUB_TOKEN contains whitespace; it must be the bare token");
    g->org = env(ctx, "ISMS_GITHUB_ORG");
    if (!g->org)
        return err_set(err, ISMS_EINVAL, "ISMS_GITHUB_ORG is not set: give the login of the GitHub organization");
    if (!gh_valid_name(g->org))
        return err_set(err, ISMS_EINVAL, "ISMS_GITHUB_ORG '%.100s' is not a GitHub organization login", g->org);
    const char *api = env(ctx, "ISMS_GITHUB_API_URL");
    api = api ? api : "https://api.github.com";
    int https = !strncasecmp(api, "https://", 8);
    if (!https && (strncasecmp(api, "http://", 7) || !gh_loopback(api)))
        return err_set(err, ISMS_EINVAL,
                       "ISMS_GITHUB_API_URL must be an https:// URL (plain http only to this machine)");
    if (strpbrk(api, "?#"))
        return err_set(err, ISMS_EINVAL, "ISMS_GITHUB_API_URL must have no query or fragment");
    size_t n = strlen(api);
    while (n && api[n - 1] == '/')
        n--;
    g->api = arena_strndup(a, api, n);
    g->org = arena_strdup(a, g->org);
    g->token = arena_strdup(a, g->token);
    char host[256];
    http_url_host(g->api, host, sizeof host);
    g->host = arena_strdup(a, host);
    int rc = http_init(&g->http, err);
    if (rc)
        return rc;
    g->http.timeout_ms = ctx->timeout_ms > 0 ? ctx->timeout_ms : 15000;
    g->http.max_retries = ctx->max_retries > 0 ? ctx->max_retries : 4;
    g->http.max_body = CHECK_MAX_ANSWER;
    /* A stalled endpoint costs one timeout, not one per attempt, repository and check. */
    g->http.stop_after_timeout = 1;
    g->hdr[0] = (http_header){"Authorization", arena_sprintf(a, "Bearer %s", g->token)};
    g->hdr[1] = (http_header){"Accept", "application/vnd.github+json"};
    g->hdr[2] = (http_header){"X-GitHub-Api-Version", GITHUB_API_VERSION};
    return ISMS_OK;
}

static void gh_close(gh *g) { http_cleanup(&g->http); }

static void gh_shared_free(void *data)
{
    gh_close(data);
    free(data);
}

/* The client of ctx's session, opened by its first GitHub check and shared by the rest (one
 * connection), now working for ctx; without a session own, opened for the check (gh_done it). */
static int gh_acquire(check_ctx *ctx, gh *own, gh **out, isms_err *err)
{
    *out = NULL;
    int rc = check_source_gone(ctx, "GitHub", err);
    if (rc)
        return rc;
    check_shared *slot = check_shared_slot(ctx, "github");
    if (!slot) {
        if ((rc = gh_open(own, ctx, ctx->a, err)))
            return rc;
        *out = own;
        return ISMS_OK;
    }
    gh *g = slot->data;
    if (!g) {
        if (!(g = calloc(1, sizeof *g)))
            return err_set(err, ISMS_ENOMEM, "out of memory");
        if ((rc = gh_open(g, ctx, check_shared_arena(ctx), err))) {
            gh_close(g);
            free(g);
            return rc;
        }
        slot->data = g;
        slot->release = gh_shared_free;
    }
    g->ctx = ctx;
    *out = g;
    return ISMS_OK;
}

/* Done with a client of gh_acquire: a check's own is closed, the session's stays open. */
static void gh_done(gh *g, gh *own)
{
    if (g == own)
        gh_close(own);
}

/* The first occurrence of needle (nl > 0 bytes) in s, or NULL. */
static const char *gh_find(const char *s, size_t len, const char *needle, size_t nl)
{
    if (!nl || len < nl)
        return NULL;
    const char *last = s + (len - nl);
    for (const char *p = s; p <= last; p++) {
        if (!(p = memchr(p, needle[0], (size_t)(last - p) + 1)))
            return NULL;
        if (!memcmp(p, needle, nl))
            return p;
    }
    return NULL;
}

/* s with every occurrence of the token replaced, in case a server echoes it back. */
static char *gh_scrub(gh *g, const char *s, size_t len, size_t *outlen)
{
    size_t tl = strlen(g->token);
    if (tl < 8 || !gh_find(s, len, g->token, tl)) {
        *outlen = len;
        return (char *)s;
    }
    buf b;
    buf_init(&b, 2 * len + 64); /* "[redacted]" may be longer than a short token */
    const char *p = s, *end = s + len, *hit;
    while ((hit = gh_find(p, (size_t)(end - p), g->token, tl))) {
        buf_append(&b, p, (size_t)(hit - p));
        buf_puts(&b, "[redacted]");
        p = hit + tl;
    }
    buf_append(&b, p, (size_t)(end - p));
    char *out = arena_strndup(g->a, b.data ? b.data : "", b.len);
    *outlen = b.len;
    buf_free(&b);
    return out;
}

static const char *gh_path(gh *g, const char *url)
{
    const char *p = url + strlen(g->api);
    return arena_strndup(g->a, p, strcspn(p, "?#"));
}

/* One line of evidence: the request and the parsed (or verbatim) response body. */
static int gh_keep_raw(gh *g, const char *url, long status, json_t *doc, const char *body, size_t len,
                       isms_err *err)
{
    if (!g->ctx->raw)
        return ISMS_OK;
    json_t *b = doc ? json_incref(doc) : len ? json_stringn(body, len) : json_null();
    json_t *line = json_pack("{s:s,s:s,s:I,s:o}", "method", "GET", "url", url, "status", (json_int_t)status, "body",
                             b ? b : json_null());
    char *s = line ? json_dumps(line, JSON_COMPACT | JSON_ENSURE_ASCII) : NULL;
    json_decref(line);
    int bad = !s || buf_puts(g->ctx->raw, s) || buf_putc(g->ctx->raw, '\n');
    free(s);
    if (bad)
        return err_set(err, ISMS_ENOMEM, "the answers to GET %s exceed the evidence a check may keep", gh_path(g, url));
    return ISMS_OK;
}

/* GET a path under the API (or a paging URL). 401 and rate limits are errors; every other
 * status is for the caller, with the body parsed. */
static int gh_get(gh *g, const char *path_or_url, gh_resp *r, isms_err *err)
{
    memset(r, 0, sizeof *r);
    r->message = "";
    const char *url = path_or_url[0] == '/' ? arena_sprintf(g->a, "%s%s", g->api, path_or_url) : path_or_url;
    const char *what = gh_path(g, url);
    check_note(g->ctx, "GET %s", what);
    http_response h;
    int rc = http_request_take(&g->http, "GET", url, g->hdr, 3, NULL, 0, g->a, &h, err);
    if (rc) {
        if (g->http.stopped[0])
            check_source_give_up(g->ctx, "GitHub", g->http.stopped);
        return rc;
    }
    /* The page is parsed and dropped here: only the parsed document goes on. */
    if ((rc = check_hold(g->ctx, h.len, arena_sprintf(g->a, "GET %s", what), err))) {
        http_response_free(&h);
        return rc;
    }
    size_t len;
    char *body = gh_scrub(g, h.body, h.len, &len);
    json_error_t jerr;
    r->status = h.status;
    r->doc = len ? json_loadb(body, len, JSON_DECODE_ANY, &jerr) : NULL;
    rc = gh_keep_raw(g, url, h.status, r->doc, body, len, err);
    http_response_free(&h);
    if (rc)
        goto fail;
    if (h.status >= 200 && h.status < 300 && len && !r->doc) {
        rc = err_set(err, ISMS_EIO, "%s: GET %s answered %ld with invalid JSON (%s)", g->host, what, h.status,
                     jerr.text);
        goto fail;
    }
    const char *m = json_string_value(json_object_get(r->doc, "message"));
    if (m)
        r->message = arena_sprintf(g->a, "%.200s", m);
    if (h.status == 401) {
        rc = err_set(err, ISMS_EINVAL,
                     "GitHub at %s rejected GITHUB_TOKEN (401 %s): check that the token is valid and not expired",
                     g->host, *r->message ? r->message : "Unauthorized");
        goto fail;
    }
    /* GitHub signals its primary limit by remaining 0, its secondary ones by Retry-After or the message. */
    if (h.status == 429 ||
        (h.status == 403 && (h.ratelimit_remaining == 0 || h.retry_after_ms >= 0 || strstr(r->message, "rate limit")))) {
        char when[64] = "later";
        if (h.ratelimit_reset > 0) {
            time_t t = (time_t)h.ratelimit_reset;
            struct tm tm;
            gmtime_r(&t, &tm);
            strftime(when, sizeof when, "at %Y-%m-%dT%H:%M:%SZ", &tm);
        }
        rc = err_set(err, ISMS_EIO, "GitHub API rate limit exceeded at %s (%ld on GET %s); the limit resets %s",
                     g->host, h.status, what, when);
        goto fail;
    }
    if (h.link_next) {
        if (!http_same_origin(g->api, h.link_next)) {
            rc = err_set(err, ISMS_EIO, "%s: GET %s gave a paging link off the API URL; not followed", g->host, what);
            goto fail;
        }
        r->next = h.link_next;
    }
    return ISMS_OK;
fail:
    json_decref(r->doc);
    r->doc = NULL;
    return rc;
}

static int gh_unexpected(gh *g, const char *what, const gh_resp *r, isms_err *err)
{
    return err_set(err, ISMS_EIO, "GitHub at %s answered %ld to %s%s%s", g->host, r->status, what,
                   *r->message ? ": " : "", r->message);
}

/* GET every page of a list into one array. A non-200 page stops with *status set and *arr NULL.
 * A next link already followed is a paging cycle: stopped at once. */
static int gh_list(gh *g, const char *path, json_t **arr, gh_resp *last, isms_err *err)
{
    *arr = NULL;
    json_t *all = json_array();
    const char *url = path;
    http_pages seen;
    http_pages_init(&seen, g->a);
    http_pages_seen(&seen, arena_sprintf(g->a, "%s%s", g->api, path), 1);
    for (size_t page = 1; url; page++) {
        if (page > GITHUB_MAX_PAGES) {
            json_decref(all);
            return err_set(err, ISMS_EIO, "%s: GET %s has more than %d pages", g->host, path, GITHUB_MAX_PAGES);
        }
        int rc = gh_get(g, url, last, err);
        if (rc) {
            json_decref(all);
            return rc;
        }
        if (last->status != 200) {
            json_decref(all);
            return ISMS_OK;
        }
        if (!json_is_array(last->doc)) {
            json_decref(last->doc);
            json_decref(all);
            return err_set(err, ISMS_EIO, "%s: GET %s did not answer a JSON array", g->host, path);
        }
        json_array_extend(all, last->doc);
        json_decref(last->doc);
        last->doc = NULL;
        size_t again = last->next ? http_pages_seen(&seen, last->next, page + 1) : 0;
        if (again) {
            json_decref(all);
            return err_set(err, ISMS_EIO,
                           "%s: GET %s: the next link of page %zu leads back to page %zu (a paging cycle); stopped",
                           g->host, gh_path(g, url), page, again);
        }
        url = last->next;
    }
    *arr = all;
    return ISMS_OK;
}

static const char *jstr(json_t *o, const char *k) { return json_string_value(json_object_get(o, k)); }
static int jtrue(json_t *o, const char *k) { return json_is_true(json_object_get(o, k)); }

/* --- two-factor authentication ------------------------------------------------------------------ */

static int gh_eval_org(check_ctx *ctx, json_t *org, check_result *out, isms_err *err)
{
    const char *login = jstr(org, "login");
    json_t *v = json_object_get(org, "two_factor_requirement_enabled");
    if (!json_is_object(org) || !login)
        return err_set(err, ISMS_EINVAL, "not a GitHub organization (the JSON of GET /orgs/{org}): no \"login\"");
    if (!json_is_boolean(v))
        return err_set(err, ISMS_EINVAL,
                       "GitHub did not say whether %.100s requires two-factor authentication "
                       "(two_factor_requirement_enabled is null): it shows this only to organization owners, so "
                       "use a token of an owner of %.100s (read:org scope)",
                       login, login);
    const char *perm = jstr(org, "default_repository_permission");
    const char *extra = perm ? arena_sprintf(ctx->a, "\ndefault repository permission for members: %s", perm) : "";
    if (json_is_true(v)) {
        out->status = CHECK_PASS;
        out->summary = arena_sprintf(ctx->a, "%s requires two-factor authentication of every member", login);
        out->details = arena_sprintf(ctx->a, "two_factor_requirement_enabled: true%s", extra);
    } else {
        out->status = CHECK_FAIL;
        out->summary = arena_sprintf(ctx->a, "%s does not require two-factor authentication", login);
        out->details = arena_sprintf(ctx->a,
                                     "two_factor_requirement_enabled: false (enable it under the organization's "
                                     "Settings > Authentication security)%s",
                                     extra);
    }
    return ISMS_OK;
}

static int run_org_2fa(check_ctx *ctx, check_result *out, isms_err *err)
{
    gh own, *g;
    int rc = gh_acquire(ctx, &own, &g, err);
    if (rc)
        return rc;
    gh_resp r;
    const char *path = arena_sprintf(ctx->a, "/orgs/%s", http_escape(ctx->a, g->org));
    if (!(rc = gh_get(g, path, &r, err))) {
        if (r.status == 200 && !json_is_object(r.doc))
            rc = err_set(err, ISMS_EIO, "GET %s: the answer is not an organization object", path);
        else if (r.status == 200 && !jstr(r.doc, "login"))
            rc = err_set(err, ISMS_EIO, "GET %s: the answer has no login", path);
        else if (r.status == 200)
            rc = gh_eval_org(ctx, r.doc, out, err);
        else if (r.status == 404)
            rc = err_set(err, ISMS_ENOTFOUND, "GitHub at %s has no organization '%s' visible to this token", g->host,
                         g->org);
        else
            rc = gh_unexpected(g, arena_sprintf(ctx->a, "GET %s", path), &r, err);
        json_decref(r.doc);
    }
    gh_done(g, &own);
    return rc;
}

static int eval_org_2fa(check_ctx *ctx, const char *doc, size_t len, check_result *out, isms_err *err)
{
    json_error_t jerr;
    json_t *j = json_loadb(doc, len, 0, &jerr);
    if (!j)
        return err_set(err, ISMS_EINVAL, "invalid JSON at line %d: %s", jerr.line, jerr.text);
    int rc = gh_eval_org(ctx, j, out, err);
    json_decref(j);
    return rc;
}

static int gh_eval_members(check_ctx *ctx, const char *org, json_t *arr, check_result *out, isms_err *err)
{
    if (!json_is_array(arr))
        return err_set(err, ISMS_EINVAL, "not a list of GitHub users (GET /orgs/{org}/members?filter=2fa_disabled)");
    buf b;
    buf_init(&b, 4u << 20);
    size_t i, n = 0;
    json_t *u;
    json_array_foreach(arr, i, u) {
        const char *login = jstr(u, "login");
        if (!login) {
            buf_free(&b);
            return err_set(err, ISMS_EIO, "GET /orgs/{org}/members: member %zu of the answer has no login", i + 1);
        }
        buf_printf(&b, "%s%s: two-factor authentication disabled%s", n ? "\n" : "", login,
                   jtrue(u, "site_admin") ? " (site administrator)" : "");
        n++;
    }
    out->status = n ? CHECK_FAIL : CHECK_PASS;
    out->summary = n ? arena_sprintf(ctx->a, "%zu member%s of %s without two-factor authentication", n,
                                     n == 1 ? "" : "s", org)
                     : arena_sprintf(ctx->a, "every member of %s has two-factor authentication enabled", org);
    out->details = n ? arena_strndup(ctx->a, b.data, b.len) : NULL;
    buf_free(&b);
    return ISMS_OK;
}

static int run_members_2fa(check_ctx *ctx, check_result *out, isms_err *err)
{
    gh own, *g;
    int rc = gh_acquire(ctx, &own, &g, err);
    if (rc)
        return rc;
    const char *path =
        arena_sprintf(ctx->a, "/orgs/%s/members?filter=2fa_disabled&per_page=100", http_escape(ctx->a, g->org));
    json_t *arr;
    gh_resp r;
    if (!(rc = gh_list(g, path, &arr, &r, err))) {
        if (arr)
            rc = gh_eval_members(ctx, g->org, arr, out, err);
        else if (r.status == 403 || r.status == 422)
            rc = err_set(err, ISMS_EINVAL,
                         "only an organization owner's token can list members without two-factor authentication "
                         "(GitHub answered %ld%s%s)",
                         r.status, *r.message ? ": " : "", r.message);
        else if (r.status == 404)
            rc = err_set(err, ISMS_ENOTFOUND, "GitHub at %s has no organization '%s' visible to this token", g->host,
                         g->org);
        else
            rc = gh_unexpected(g, "GET /orgs/{org}/members", &r, err);
        json_decref(arr);
        json_decref(r.doc);
    }
    gh_done(g, &own);
    return rc;
}

static int eval_members_2fa(check_ctx *ctx, const char *doc, size_t len, check_result *out, isms_err *err)
{
    json_error_t jerr;
    json_t *j = json_loadb(doc, len, 0, &jerr);
    if (!j)
        return err_set(err, ISMS_EINVAL, "invalid JSON at line %d: %s", jerr.line, jerr.text);
    int rc = gh_eval_members(ctx, "the organization", j, out, err);
    json_decref(j);
    return rc;
}

/* --- per-repository sweeps ---------------------------------------------------------------------- */

/* Findings over repositories: non-compliant ones, ones that could not be read, notes. */
typedef struct tally {
    int total, bad, unknown;
    buf bad_lines, unknown_lines, notes;
} tally;

static void tally_line(buf *b, const char *repo, const char *text)
{
    buf_printf(b, "%s%s: %s", b->len ? "\n" : "", repo, text);
}

/* Examines one repository (a list entry); adds to t; non-OK only when the run must stop. */
typedef int (*repo_fn)(gh *g, json_t *repo, const char *owner, const char *name, tally *t, isms_err *err);

/* The organization's repositories, every page; each needs a name and whether it is archived. */
static int gh_read_repos(void *ud, void **value, isms_err *err)
{
    gh *g = ud;
    const char *path = arena_sprintf(g->a, "/orgs/%s/repos?per_page=100&type=all", http_escape(g->a, g->org));
    json_t *arr;
    gh_resp r;
    int rc = gh_list(g, path, &arr, &r, err);
    if (rc)
        return rc;
    if (!arr) {
        if (r.status == 404)
            rc = err_set(err, ISMS_ENOTFOUND, "GitHub at %s has no organization '%s' visible to this token", g->host,
                         g->org);
        else
            rc = gh_unexpected(g, "GET /orgs/{org}/repos", &r, err);
        json_decref(r.doc);
        return rc;
    }
    size_t i;
    json_t *repo;
    json_array_foreach(arr, i, repo) {
        const char *lacks = !jstr(repo, "name")                                  ? "name"
                            : !json_is_boolean(json_object_get(repo, "archived")) ? "archived"
                                                                                  : NULL;
        if (lacks) {
            rc = err_set(err, ISMS_EIO, "GET /orgs/{org}/repos: repository %zu of the answer has no %s", i + 1, lacks);
            json_decref(arr);
            return rc;
        }
    }
    *value = arr;
    return ISMS_OK;
}

static void gh_repos_free(void *value) { json_decref(value); }

/* Runs fn on every non-archived repository of the organization (listed once per session). */
static int gh_sweep(gh *g, repo_fn fn, tally *t, isms_err *err)
{
    memset(t, 0, sizeof *t);
    buf_init(&t->bad_lines, 8u << 20);
    buf_init(&t->unknown_lines, 8u << 20);
    buf_init(&t->notes, 8u << 20);
    void *v = NULL;
    int shared = check_shared_slot(g->ctx, "github.repos") != NULL;
    int rc = check_read_once(g->ctx, "github.repos", "GET /orgs/{org}/repos", gh_read_repos, g, gh_repos_free, &v,
                             err);
    if (rc)
        return rc;
    json_t *arr = v;
    size_t i;
    json_t *repo;
    json_array_foreach(arr, i, repo) {
        const char *name = jstr(repo, "name");
        const char *owner = jstr(json_object_get(repo, "owner"), "login");
        if (jtrue(repo, "archived"))
            continue;
        t->total++;
        if ((rc = fn(g, repo, owner ? owner : g->org, name, t, err)))
            break;
    }
    if (!shared)
        json_decref(arr); /* this check's own list */
    return rc;
}

static void tally_free(tally *t)
{
    buf_free(&t->bad_lines);
    buf_free(&t->unknown_lines);
    buf_free(&t->notes);
}

/* Status and details from a tally; the summary is the caller's. */
static void tally_result(check_ctx *ctx, tally *t, check_result *out)
{
    buf d;
    buf_init(&d, 24u << 20);
    buf *parts[] = {&t->bad_lines, &t->unknown_lines, &t->notes};
    for (size_t i = 0; i < 3; i++)
        if (parts[i]->len)
            buf_printf(&d, "%s%s", d.len ? "\n" : "", parts[i]->data);
    out->status = t->bad ? CHECK_FAIL : t->unknown ? CHECK_ERROR : CHECK_PASS;
    out->details = d.len ? arena_strndup(ctx->a, d.data, d.len) : NULL;
    buf_free(&d);
}

/* A check that examines every repository: what fn finds, summarised in the words given. */
typedef struct sweep_def {
    repo_fn fn;
    const char *lacking;  /* failure: "N of M repositories <lacking>" */
    const char *settings; /* unreadable: "could not read the <settings> of N of M repositories" */
    const char *holds;    /* pass: "<holds> in all M repositories" */
} sweep_def;

static int gh_run_sweep(check_ctx *ctx, const sweep_def *s, check_result *out, isms_err *err)
{
    gh own, *g;
    int rc = gh_acquire(ctx, &own, &g, err);
    if (rc)
        return rc;
    tally t;
    if (!(rc = gh_sweep(g, s->fn, &t, err))) {
        tally_result(ctx, &t, out);
        if (t.bad)
            out->summary = arena_sprintf(ctx->a, "%d of %d repositories %s", t.bad, t.total, s->lacking);
        else if (t.unknown)
            out->summary = arena_sprintf(ctx->a, "could not read the %s of %d of %d repositories", s->settings,
                                         t.unknown, t.total);
        else if (!t.total)
            out->summary = arena_sprintf(ctx->a, "%s has no active repositories", g->org);
        else
            out->summary = arena_sprintf(ctx->a, "%s in all %d repositories", s->holds, t.total);
    }
    tally_free(&t);
    gh_done(g, &own);
    return rc;
}

static const char *full_name(gh *g, const char *owner, const char *name)
{
    return arena_sprintf(g->a, "%s/%s", owner, name);
}

/* --- branch protection -------------------------------------------------------------------------- */

/* What a protection document (GET .../branches/{b}/protection) lacks, "; "-separated, or "". */
static const char *gh_protection_gaps(arena *a, json_t *p)
{
    buf b;
    buf_init(&b, 4096);
    json_t *rev = json_object_get(p, "required_pull_request_reviews");
    if (!json_is_object(rev)) {
        buf_puts(&b, "pull request reviews not required");
    } else {
        json_int_t n = json_integer_value(json_object_get(rev, "required_approving_review_count"));
        if (n < 1)
            buf_printf(&b, "%lld approving reviews required (needs at least 1)", (long long)n);
        if (!jtrue(rev, "dismiss_stale_reviews"))
            buf_printf(&b, "%sstale approvals not dismissed on new commits", b.len ? "; " : "");
    }
    if (!jtrue(json_object_get(p, "enforce_admins"), "enabled"))
        buf_printf(&b, "%sadministrators not included (enforce_admins off)", b.len ? "; " : "");
    if (jtrue(json_object_get(p, "allow_force_pushes"), "enabled"))
        buf_printf(&b, "%sforce pushes allowed", b.len ? "; " : "");
    char *s = arena_strndup(a, b.data ? b.data : "", b.len);
    buf_free(&b);
    return s;
}

static int repo_protection(gh *g, json_t *repo, const char *owner, const char *name, tally *t, isms_err *err)
{
    arena *a = g->a;
    const char *fn = full_name(g, owner, name);
    const char *branch = jstr(repo, "default_branch");
    if (!branch) {
        t->unknown++;
        tally_line(&t->unknown_lines, fn, "no default branch (empty repository?); not checked");
        return ISMS_OK;
    }
    const char *path = arena_sprintf(a, "/repos/%s/%s/branches/%s/protection", http_escape(a, owner),
                                     http_escape(a, name), http_escape(a, branch));
    gh_resp r;
    int rc = gh_get(g, path, &r, err);
    if (rc)
        return rc;
    const char *label = arena_sprintf(a, "%s (%s)", fn, branch);
    if (r.status == 200 && !json_is_object(r.doc)) {
        json_decref(r.doc);
        return err_set(err, ISMS_EIO, "GET /repos/%s/branches/%s/protection: the answer is not a protection object",
                       fn, branch);
    } else if (r.status == 200) {
        const char *gaps = gh_protection_gaps(a, r.doc);
        if (*gaps) {
            t->bad++;
            tally_line(&t->bad_lines, label, gaps);
        }
    } else if (r.status == 404 && !strcasecmp(r.message, "Branch not protected")) {
        t->bad++;
        tally_line(&t->bad_lines, label, "not protected");
    } else if (r.status == 403 && strstr(r.message, "Upgrade to GitHub Pro")) {
        t->bad++;
        tally_line(&t->bad_lines, label, "not protected (a private repository needs a paid plan for protection)");
    } else {
        t->unknown++;
        tally_line(&t->unknown_lines, label,
                   arena_sprintf(a, "could not read branch protection (%ld%s%s)", r.status, *r.message ? " " : "",
                                 r.message));
    }
    json_decref(r.doc);
    return ISMS_OK;
}


/* "owner/repo (branch)" from a protection document's own url, .../repos/{o}/{r}/branches/{b}/protection. */
static const char *gh_protection_label(arena *a, const char *u)
{
    const char *rp = u ? strstr(u, "/repos/") : NULL;
    const char *br = rp ? strstr(rp, "/branches/") : NULL;
    const char *end = br ? strstr(br, "/protection") : NULL;
    if (!end)
        return "the branch";
    char *b = arena_strndup(a, br + 10, (size_t)(end - br - 10)), *o = b;
    for (const char *p = b; *p; p++) {
        if (p[0] == '%' && isxdigit((unsigned char)p[1]) && isxdigit((unsigned char)p[2])) {
            char hex[3] = {p[1], p[2], 0};
            *o++ = (char)strtol(hex, NULL, 16);
            p += 2;
        } else {
            *o++ = *p;
        }
    }
    *o = '\0';
    return arena_sprintf(a, "%.*s (%s)", (int)(br - rp - 7), rp + 7, b);
}

/* Offline: one saved protection document, or GitHub's 404 "Branch not protected" answer. */
static int eval_branch_protection(check_ctx *ctx, const char *doc, size_t len, check_result *out, isms_err *err)
{
    json_error_t jerr;
    json_t *j = json_loadb(doc, len, 0, &jerr);
    if (!j)
        return err_set(err, ISMS_EINVAL, "invalid JSON at line %d: %s", jerr.line, jerr.text);
    int rc = ISMS_OK;
    const char *msg = jstr(j, "message");
    const char *label = gh_protection_label(ctx->a, jstr(j, "url"));
    if (!json_is_object(j)) {
        rc = err_set(err, ISMS_EINVAL, "not a GitHub branch protection document");
    } else if (msg && !strcasecmp(msg, "Branch not protected")) {
        out->status = CHECK_FAIL;
        out->summary = "the branch is not protected";
        out->details = "GitHub answered: Branch not protected";
    } else if (msg || (!json_object_get(j, "enforce_admins") && !json_object_get(j, "required_status_checks") &&
                       !json_object_get(j, "required_pull_request_reviews"))) {
        rc = err_set(err, ISMS_EINVAL, "not a GitHub branch protection document (GET "
                                       "/repos/{owner}/{repo}/branches/{branch}/protection)%s%.200s",
                     msg ? ": " : "", msg ? msg : "");
    } else {
        const char *gaps = gh_protection_gaps(ctx->a, j);
        out->status = *gaps ? CHECK_FAIL : CHECK_PASS;
        out->summary = *gaps ? arena_sprintf(ctx->a, "%s lacks required protection", label)
                             : arena_sprintf(ctx->a,
                                             "%s requires reviews, dismisses stale approvals, includes administrators "
                                             "and refuses force pushes",
                                             label);
        out->details = *gaps ? arena_sprintf(ctx->a, "%s: %s", label, gaps) : NULL;
    }
    json_decref(j);
    return rc;
}

/* --- security and analysis ---------------------------------------------------------------------- */

/* GET /repos/{o}/{r}; *sa is its security_and_analysis (NULL when not shown to this token).
 * Returns ISMS_OK with *doc NULL when the repository could not be read (recorded as unknown). */
static int repo_details(gh *g, const char *owner, const char *name, tally *t, json_t **doc, json_t **sa,
                        isms_err *err)
{
    arena *a = g->a;
    *doc = *sa = NULL;
    gh_resp r;
    int rc = gh_get(g, arena_sprintf(a, "/repos/%s/%s", http_escape(a, owner), http_escape(a, name)), &r, err);
    if (rc)
        return rc;
    if (r.status != 200 || !json_is_object(r.doc)) {
        t->unknown++;
        tally_line(&t->unknown_lines, full_name(g, owner, name),
                   arena_sprintf(a, "could not read the repository (%ld%s%s)", r.status, *r.message ? " " : "",
                                 r.message));
        json_decref(r.doc);
        return ISMS_OK;
    }
    *doc = r.doc;
    json_t *s = json_object_get(r.doc, "security_and_analysis");
    *sa = json_is_object(s) ? s : NULL;
    return ISMS_OK;
}

static const char *sa_status(json_t *sa, const char *k) { return jstr(json_object_get(sa, k), "status"); }

static int repo_secret_scanning(gh *g, json_t *repo, const char *owner, const char *name, tally *t, isms_err *err)
{
    json_t *doc, *sa;
    int rc = repo_details(g, owner, name, t, &doc, &sa, err);
    if (rc || !doc)
        return rc;
    const char *fn = full_name(g, owner, name);
    if (!sa) {
        t->unknown++;
        tally_line(&t->unknown_lines, fn,
                   "secret scanning settings not visible (security_and_analysis needs admin rights on the repository)");
    } else {
        const char *ss = sa_status(sa, "secret_scanning"), *pp = sa_status(sa, "secret_scanning_push_protection");
        int ss_on = ss && !strcmp(ss, "enabled"), pp_on = pp && !strcmp(pp, "enabled");
        if (!ss_on || !pp_on) {
            t->bad++;
            tally_line(&t->bad_lines, fn,
                       !ss_on && !pp_on ? "secret scanning disabled; push protection disabled"
                       : !ss_on         ? "secret scanning disabled"
                                        : "push protection disabled");
        }
    }
    json_decref(doc);
    return ISMS_OK;
}


#define NOT_VISIBLE " (the security updates setting is not visible to this token)"

static int repo_dependabot(gh *g, json_t *repo, const char *owner, const char *name, tally *t, isms_err *err)
{
    arena *a = g->a;
    json_t *doc, *sa;
    int rc = repo_details(g, owner, name, t, &doc, &sa, err);
    if (rc || !doc)
        return rc;
    const char *fn = full_name(g, owner, name);
    const char *st = sa ? sa_status(sa, "dependabot_security_updates") : NULL;
    int known = st != NULL, on = st && !strcmp(st, "enabled");
    json_decref(doc);
    if (known) {
        if (!on) {
            t->bad++;
            tally_line(&t->bad_lines, fn, "Dependabot security updates disabled");
        }
        return ISMS_OK;
    }
    /* The setting is not shown to this token: fall back to whether Dependabot alerts are on. */
    gh_resp r;
    rc = gh_get(g, arena_sprintf(a, "/repos/%s/%s/vulnerability-alerts", http_escape(a, owner), http_escape(a, name)),
                &r, err);
    if (rc)
        return rc;
    if (r.status == 204) {
        tally_line(&t->notes, fn, "Dependabot alerts enabled" NOT_VISIBLE);
    } else if (r.status == 404) {
        t->bad++;
        tally_line(&t->bad_lines, fn, "Dependabot alerts disabled" NOT_VISIBLE);
    } else {
        t->unknown++;
        tally_line(&t->unknown_lines, fn,
                   arena_sprintf(a, "Dependabot settings not readable (%ld%s%s)", r.status, *r.message ? " " : "",
                                 r.message));
    }
    json_decref(r.doc);
    return ISMS_OK;
}


static int run_branch_protection(check_ctx *ctx, check_result *out, isms_err *err)
{
    static const sweep_def s = {repo_protection, "lack the required default-branch protection", "branch protection",
                                "default branches require reviews, dismiss stale approvals, include administrators "
                                "and refuse force pushes"};
    return gh_run_sweep(ctx, &s, out, err);
}

static int run_secret_scanning(check_ctx *ctx, check_result *out, isms_err *err)
{
    static const sweep_def s = {repo_secret_scanning, "lack secret scanning or push protection",
                                "secret scanning settings", "secret scanning and push protection are on"};
    return gh_run_sweep(ctx, &s, out, err);
}

static int run_dependabot(check_ctx *ctx, check_result *out, isms_err *err)
{
    static const sweep_def s = {repo_dependabot, "without Dependabot security updates", "Dependabot settings",
                                "Dependabot security updates are on"};
    return gh_run_sweep(ctx, &s, out, err);
}

const check_def checks_github[] = {
    {"github.org_2fa_required", "github", "The GitHub organization requires two-factor authentication",
     "A.5.17,A.8.5", 86400, run_org_2fa, eval_org_2fa},
    {"github.members_without_2fa", "github", "No GitHub organization member has two-factor authentication disabled",
     "A.5.17,A.8.5", 86400, run_members_2fa, eval_members_2fa},
    {"github.branch_protection", "github",
     "Default branches require reviews, dismiss stale approvals, bind admins, refuse force pushes",
     "A.8.32,A.8.25,A.8.4", 86400, run_branch_protection, eval_branch_protection},
    {"github.secret_scanning", "github", "Secret scanning and push protection are on in every repository",
     "A.8.4,A.8.12", 86400, run_secret_scanning, NULL},
    {"github.dependabot_security_updates", "github", "Dependabot security updates are on in every repository", "A.8.8",
     86400, run_dependabot, NULL},
    {NULL, NULL, NULL, NULL, 0, NULL, NULL},
};
