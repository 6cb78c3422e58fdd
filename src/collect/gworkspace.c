/* The Google Workspace checks. Each run signs a JWT with the service account's key, exchanges it
 * for an access token acting as the configured administrator (gworkspace_auth.c), lists every user
 * of the account (following nextPageToken), keeps each users page in ctx->raw as one JSON line
 * {"method","url","status","body"}, and evaluates. The token exchange is never kept: its
 * request carries a signed credential and its answer the access token. The private key is parsed
 * straight into OpenSSL and its text wiped; neither it nor the access token reaches a message. */
#include "collect/gworkspace_int.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define GWS_USERS_PATH "/admin/directory/v1/users"
#define GWS_MAX_PAGES 20000     /* 10 million users at 500 a page: far beyond any real account */
#define GWS_DORMANT_DAYS 90
#define GWS_MIN_SUPER 2
#define GWS_MAX_SUPER 4
#define GWS_DETAILS_MAX (16u << 20)

const char gworkspace_checks_source[] =
    "Google Workspace: create a service account, give it a JSON key and authorise its client ID for domain-wide "
    "delegation with the single scope " GWS_SCOPE " (Admin console > Security > Access and data control > API "
    "controls). Set GOOGLE_APPLICATION_CREDENTIALS to the key file (chmod 600: it holds the private key), "
    "ISMS_GWORKSPACE_ADMIN to an administrator the service account acts as (one allowed to read users), and, only "
    "for testing, ISMS_GOOGLE_API_URL (default " GWS_DEFAULT_API ").";

/* --- the users list ------------------------------------------------------------------------------- */

/* One line of evidence: the request and the parsed (or verbatim) response body. */
static int gws_keep_raw(gws *g, const char *url, long status, json_t *doc, const char *body, size_t len, isms_err *err)
{
    if (!g->ctx->raw)
        return ISMS_OK;
    json_t *b = doc ? json_incref(doc) : len ? json_stringn(body, len) : json_null();
    json_t *entry = json_pack("{s:s,s:s,s:I,s:o}", "method", "GET", "url", url, "status", (json_int_t)status, "body",
                              b ? b : json_null());
    char *s = entry ? json_dumps(entry, JSON_COMPACT | JSON_ENSURE_ASCII) : NULL;
    json_decref(entry);
    int bad = !s || buf_puts(g->ctx->raw, s) || buf_putc(g->ctx->raw, '\n');
    free(s);
    if (bad)
        return err_set(err, ISMS_ENOMEM, "the answers to users.list exceed the evidence a check may keep");
    return ISMS_OK;
}

/* Google's {"error":{"code","message","status"}} as "STATUS: message", or "". */
static const char *gws_api_message(gws *g, json_t *doc)
{
    json_t *e = json_object_get(doc, "error");
    const char *msg = json_is_object(e) ? json_string_value(json_object_get(e, "message")) : json_string_value(e);
    const char *st = json_is_object(e) ? json_string_value(json_object_get(e, "status")) : NULL;
    if (!msg)
        return "";
    return arena_sprintf(g->a, "%s%s%s", st ? gws_said(g, st) : "", st ? ": " : "", gws_said(g, msg));
}

static int gws_users_error(gws *g, long status, int attempts, json_t *doc, isms_err *err)
{
    const char *m = gws_api_message(g, doc);
    const char *sep = *m ? " " : "";
    if (status == 401)
        return err_set(err, ISMS_EINVAL,
                       "the Admin SDK at %s rejected the access token of the service account (401%s%s)", g->api_host,
                       sep, m);
    if (status == 403)
        return err_set(err, ISMS_EINVAL,
                       "the Admin SDK at %s refused to list users (403%s%s): ISMS_GWORKSPACE_ADMIN (%s) must be an "
                       "administrator allowed to read users, and the Admin SDK API enabled in the service account's "
                       "project",
                       g->api_host, sep, m, g->admin);
    if (status == 429 || status == 503)
        return err_set(err, ISMS_EIO, "the Admin SDK at %s answered %ld to users.list after %d attempts%s%s; try later",
                       g->api_host, status, attempts, *m ? ": " : "", m);
    return err_set(err, ISMS_EIO, "the Admin SDK at %s answered %ld to users.list%s%s", g->api_host, status,
                   *m ? ": " : "", m);
}

/* Every user of the account, over all pages, into one new array. Each page is dropped once its
 * users are taken; the answers count against what the check may hold. */
static int gws_list_users(gws *g, json_t **users, isms_err *err)
{
    arena *a = g->a;
    *users = NULL;
    json_t *all = json_array();
    const char *page_token = NULL;
    http_pages seen;
    http_pages_init(&seen, a);
    int rc = ISMS_OK;
    for (size_t page = 1;; page++) {
        if (page > GWS_MAX_PAGES) {
            rc = err_set(err, ISMS_EIO, "the Admin SDK at %s has more than %d pages of users", g->api_host,
                         GWS_MAX_PAGES);
            break;
        }
        const char *url =
            arena_sprintf(a, "%s" GWS_USERS_PATH "?customer=my_customer&maxResults=500&projection=full%s%s", g->api,
                          page_token ? "&pageToken=" : "", page_token ? http_escape(a, page_token) : "");
        check_note(g->ctx, "users.list page %zu", page);
        http_response h;
        if ((rc = http_request_take(&g->http, "GET", url, g->hdr, 2, NULL, 0, a, &h, err))) {
            gws_gone(g);
            break;
        }
        if ((rc = check_hold(g->ctx, h.len, "users.list", err))) {
            http_response_free(&h);
            break;
        }
        size_t len;
        char *body = gws_scrub(g, h.body, h.len, &len);
        json_error_t jerr;
        json_t *doc = len ? json_loadb(body, len, 0, &jerr) : NULL;
        rc = gws_keep_raw(g, url, h.status, doc, body, len, err);
        http_response_free(&h);
        if (rc) {
            json_decref(doc);
            break;
        }
        if (h.status != 200) {
            rc = gws_users_error(g, h.status, h.attempts, doc, err);
            json_decref(doc);
            break;
        }
        json_t *list = json_object_get(doc, "users");
        const char *kind = json_string_value(json_object_get(doc, "kind"));
        if (!json_is_object(doc) || (list && !json_is_array(list))) {
            rc = err_set(err, ISMS_EIO, "the Admin SDK at %s answered users.list with %s", g->api_host,
                         doc ? "something other than a users page" : "invalid JSON");
            json_decref(doc);
            break;
        }
        /* The last page may have no "users"; a page with neither users nor its kind is no page. */
        if (!list && (!kind || strcmp(kind, "admin#directory#users"))) {
            rc = err_set(err, ISMS_EIO,
                         "users.list: the answer of the Admin SDK at %s has no users (nor kind "
                         "admin#directory#users)",
                         g->api_host);
            json_decref(doc);
            break;
        }
        if (list)
            json_array_extend(all, list);
        /* The last page has no nextPageToken. */
        const char *next = json_string_value(json_object_get(doc, "nextPageToken"));
        page_token = next && *next ? arena_strdup(a, next) : NULL;
        json_decref(doc);
        if (!page_token)
            break;
        size_t again = http_pages_seen(&seen, page_token, page + 1);
        if (again) {
            rc = err_set(err, ISMS_EIO,
                         "users.list: the nextPageToken of page %zu leads back to page %zu (a paging cycle); stopped",
                         page, again);
            break;
        }
    }
    if (rc) {
        json_decref(all);
        return rc;
    }
    *users = all;
    return ISMS_OK;
}

static int gws_read_users(void *ud, void **value, isms_err *err)
{
    json_t *users = NULL;
    int rc = gws_list_users(ud, &users, err);
    *value = users;
    return rc;
}

static void gws_users_free(void *value) { json_decref(value); }

/* --- evaluation ------------------------------------------------------------------------------------ */

typedef enum gws_kind {
    GWS_2SV_ENROLLED,
    GWS_2SV_ENFORCED,
    GWS_ADMINS_2SV,
    GWS_SUPER_COUNT,
    GWS_SUSPENDED,
    GWS_DORMANT,
} gws_kind;

static const char *jstr(json_t *o, const char *k) { return json_string_value(json_object_get(o, k)); }
static int jtrue(json_t *o, const char *k) { return json_is_true(json_object_get(o, k)); }
/* A boolean field: 1, 0, or -1 when absent (a saved export may have been cut down with a fields mask). */
static int jbool(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    return json_is_boolean(v) ? json_is_true(v) : -1;
}

static int is_active(json_t *u) { return !jtrue(u, "suspended") && !jtrue(u, "archived"); }
static int is_admin(json_t *u) { return jtrue(u, "isAdmin") || jtrue(u, "isDelegatedAdmin"); }

static const char *role(json_t *u)
{
    return jtrue(u, "isAdmin") ? "super admin" : jtrue(u, "isDelegatedAdmin") ? "delegated admin" : NULL;
}

/* "alice@example.com (/Sales)" or "alice@example.com (super admin)". */
static const char *who(arena *a, json_t *u, int with_role)
{
    const char *email = jstr(u, "primaryEmail");
    const char *tag = with_role ? role(u) : jstr(u, "orgUnitPath");
    return tag ? arena_sprintf(a, "%s (%s)", email, tag) : email;
}

/* RFC 3339 as Google writes it ("2024-05-01T09:30:00.000Z"); -1 when malformed. */
static long long gws_time(const char *s)
{
    int y, mo, d, h, mi, sec, n = 0;
    if (!s || sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &n) != 6 || n != 19)
        return -1;
    const char *p = s + n;
    if (*p == '.')
        for (p++; *p >= '0' && *p <= '9'; p++)
            ;
    long off = 0;
    if ((*p == '+' || *p == '-') && strlen(p) == 6 && p[3] == ':') {
        int oh, om;
        if (sscanf(p + 1, "%2d:%2d", &oh, &om) != 2)
            return -1;
        off = (*p == '+' ? 1 : -1) * (oh * 3600L + om * 60L);
    } else if (strcmp(p, "Z") && strcmp(p, "z")) {
        return -1;
    }
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
        return -1;
    struct tm tm = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h, .tm_min = mi, .tm_sec = sec};
    return (long long)timegm(&tm) - off;
}

static const char *day(arena *a, long long t)
{
    time_t tt = (time_t)t;
    struct tm tm;
    char s[32];
    gmtime_r(&tt, &tm);
    strftime(s, sizeof s, "%Y-%m-%d", &tm);
    return arena_strdup(a, s);
}

/* Findings as they are gathered: what fails, what could not be told, and notes. */
typedef struct tally {
    int bad, unknown;
    buf bad_lines, unknown_lines, notes;
} tally;

static void tally_init(tally *t)
{
    memset(t, 0, sizeof *t);
    buf_init(&t->bad_lines, GWS_DETAILS_MAX);
    buf_init(&t->unknown_lines, GWS_DETAILS_MAX);
    buf_init(&t->notes, GWS_DETAILS_MAX);
}

static void line(buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void line(buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *tmp = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (!tmp)
        return;
    va_start(ap, fmt);
    vsnprintf(tmp, (size_t)n + 1, fmt, ap);
    va_end(ap);
    if (b->len)
        buf_putc(b, '\n');
    buf_puts(b, tmp);
    free(tmp);
}

static void unknown(tally *t, json_t *u, const char *field)
{
    t->unknown++;
    line(&t->unknown_lines, "%s: no %s in the data", jstr(u, "primaryEmail"), field);
}

/* Status and details from a tally (fail beats error beats pass); the summary is the caller's. */
static void tally_result(check_ctx *ctx, tally *t, check_result *out)
{
    buf d;
    buf_init(&d, 3 * GWS_DETAILS_MAX);
    buf *parts[] = {&t->bad_lines, &t->unknown_lines, &t->notes};
    for (size_t i = 0; i < 3; i++)
        if (parts[i]->len)
            buf_printf(&d, "%s%s", d.len ? "\n" : "", parts[i]->data);
    out->status = t->bad ? CHECK_FAIL : t->unknown ? CHECK_ERROR : CHECK_PASS;
    out->details = d.len ? arena_strndup(ctx->a, d.data, d.len) : NULL;
    buf_free(&d);
    buf_free(&t->bad_lines);
    buf_free(&t->unknown_lines);
    buf_free(&t->notes);
}

static const char *plural(int n, const char *one, const char *many) { return n == 1 ? one : many; }

/* Every active user has the 2SV property `field` (enrolled or enforced). */
static void judge_2sv(check_ctx *ctx, json_t *users, const char *field, check_result *out)
{
    int enrolled = !strcmp(field, "isEnrolledIn2Sv");
    tally t;
    tally_init(&t);
    int active = 0;
    size_t i;
    json_t *u;
    json_array_foreach(users, i, u) {
        if (!is_active(u))
            continue;
        active++;
        int v = jbool(u, field);
        if (v < 0) {
            unknown(&t, u, field);
        } else if (!v) {
            t.bad++;
            line(&t.bad_lines, "%s: %s", who(ctx->a, u, 0),
                 enrolled ? "not enrolled in 2-Step Verification" : "2-Step Verification not enforced");
        }
    }
    tally_result(ctx, &t, out);
    if (t.bad)
        out->summary = enrolled ? arena_sprintf(ctx->a, "%d of %d active users are not enrolled in 2-Step Verification",
                                                t.bad, active)
                                : arena_sprintf(ctx->a, "2-Step Verification is not enforced for %d of %d active users",
                                                t.bad, active);
    else if (t.unknown)
        out->summary = arena_sprintf(ctx->a, "the data does not say for %d of %d active users whether %s", t.unknown,
                                     active,
                                     enrolled ? "they are enrolled in 2-Step Verification"
                                              : "2-Step Verification is enforced");
    else
        out->summary = enrolled ? arena_sprintf(ctx->a, "all %d active users are enrolled in 2-Step Verification",
                                                active)
                                : arena_sprintf(ctx->a, "2-Step Verification is enforced for all %d active users",
                                                active);
}

/* Every active administrator is both enrolled and enforced. Suspended or archived ones cannot sign
 * in; that they keep their rights is gworkspace.suspended_archived_users' finding. */
static void judge_admins_2sv(check_ctx *ctx, json_t *users, check_result *out)
{
    tally t;
    tally_init(&t);
    int admins = 0;
    size_t i;
    json_t *u;
    json_array_foreach(users, i, u) {
        if (!is_active(u))
            continue;
        if (jbool(u, "isAdmin") < 0) {
            unknown(&t, u, "isAdmin");
            continue;
        }
        if (!is_admin(u))
            continue;
        admins++;
        int en = jbool(u, "isEnrolledIn2Sv"), fo = jbool(u, "isEnforcedIn2Sv");
        if (en == 0 || fo == 0) {
            t.bad++;
            line(&t.bad_lines, "%s: %s", who(ctx->a, u, 1),
                 en == 0 && fo == 0 ? "not enrolled in 2-Step Verification; 2-Step Verification not enforced"
                 : en == 0          ? "not enrolled in 2-Step Verification"
                                    : "2-Step Verification not enforced");
        } else if (en < 0 || fo < 0) {
            unknown(&t, u, en < 0 ? "isEnrolledIn2Sv" : "isEnforcedIn2Sv");
        }
    }
    tally_result(ctx, &t, out);
    if (t.bad)
        out->summary = arena_sprintf(ctx->a,
                                     "%d of %d active administrators are not both enrolled in and required to use "
                                     "2-Step Verification",
                                     t.bad, admins);
    else if (t.unknown)
        out->summary = arena_sprintf(ctx->a, "the data lacks the admin or 2-Step Verification status of %d user%s",
                                     t.unknown, plural(t.unknown, "", "s"));
    else if (!admins)
        out->summary = "no active administrator accounts";
    else
        out->summary = arena_sprintf(ctx->a,
                                     "all %d active administrator%s enrolled in and required to use 2-Step "
                                     "Verification",
                                     admins, plural(admins, " is", "s are"));
}

/* Between GWS_MIN_SUPER and GWS_MAX_SUPER active super admins. At least two, so that one can
 * recover the other's account (a lost phone or security key, someone leaving) without waiting on
 * Google's support: the break-glass account Google itself recommends. At most four, since a super
 * admin holds every right in the Workspace, can switch off every other control and is the first
 * target of account takeover; daily administration belongs to narrower delegated roles (A.8.2,
 * and A.5.3's segregation of duties). Suspended or archived super admins cannot sign in, so they
 * do not count towards either bound; they are named as notes. */
static void judge_super_count(check_ctx *ctx, json_t *users, check_result *out)
{
    tally t;
    tally_init(&t);
    buf names, skipped, list;
    buf_init(&names, GWS_DETAILS_MAX);
    buf_init(&skipped, GWS_DETAILS_MAX);
    buf_init(&list, 4096);
    int n = 0;
    size_t i;
    json_t *u;
    json_array_foreach(users, i, u) {
        int adm = jbool(u, "isAdmin");
        if (adm < 0) {
            unknown(&t, u, "isAdmin");
        } else if (adm && !is_active(u)) {
            line(&skipped, "%s: %s super admin, not counted", jstr(u, "primaryEmail"),
                 jtrue(u, "archived") ? "archived" : "suspended");
        } else if (adm) {
            n++;
            line(&names, "%s: super admin", jstr(u, "primaryEmail"));
            if (n <= 5)
                buf_printf(&list, "%s%s", n > 1 ? ", " : "", jstr(u, "primaryEmail"));
        }
    }
    /* Users of unknown rights can only add super admins: too many is certain, too few is not. */
    t.bad = n > GWS_MAX_SUPER || (n < GWS_MIN_SUPER && !t.unknown);
    /* Every super admin is named: as the finding, or as the record of who holds the role. */
    buf *to = t.bad ? &t.bad_lines : &t.notes;
    if (names.len)
        buf_puts(to, names.data);
    if (skipped.len)
        line(&t.notes, "%s", skipped.data);
    const char *who_list = n > 5 ? arena_sprintf(ctx->a, "%s, ...", list.data) : list.data ? list.data : "";
    tally_result(ctx, &t, out);
    if (n > GWS_MAX_SUPER)
        out->summary = arena_sprintf(ctx->a,
                                     "%d active super admins (%s): at most %d, to limit who holds unrestricted rights",
                                     n, who_list, GWS_MAX_SUPER);
    else if (t.unknown)
        out->summary = arena_sprintf(ctx->a, "the data lacks isAdmin for %d user%s: cannot count the super admins",
                                     t.unknown, plural(t.unknown, "", "s"));
    else if (n < GWS_MIN_SUPER)
        out->summary = arena_sprintf(ctx->a,
                                     "%d active super admin%s%s%s%s: at least %d are needed so that one can recover "
                                     "another's account (break-glass)",
                                     n, plural(n, "", "s"), n ? " (" : "", who_list, n ? ")" : "", GWS_MIN_SUPER);
    else
        out->summary = arena_sprintf(ctx->a, "%d active super admins (%s), between %d and %d", n, who_list,
                                     GWS_MIN_SUPER, GWS_MAX_SUPER);
    buf_free(&names);
    buf_free(&skipped);
    buf_free(&list);
}

/* Suspended or archived accounts keeping admin rights fail; the rest is an informational list. */
static void judge_suspended(check_ctx *ctx, json_t *users, check_result *out)
{
    tally t;
    tally_init(&t);
    buf susp, arch;
    buf_init(&susp, GWS_DETAILS_MAX);
    buf_init(&arch, GWS_DETAILS_MAX);
    int ns = 0, na = 0;
    size_t i;
    json_t *u;
    json_array_foreach(users, i, u) {
        int s = jtrue(u, "suspended"), ar = jtrue(u, "archived");
        if (!s && !ar)
            continue;
        const char *email = jstr(u, "primaryEmail");
        const char *reason = jstr(u, "suspensionReason");
        const char *state = s && ar ? "suspended and archived" : s ? "suspended" : "archived";
        if (s)
            buf_printf(&susp, "%s%s", ns++ ? ", " : "", email);
        if (ar)
            buf_printf(&arch, "%s%s", na++ ? ", " : "", email);
        if (jbool(u, "isAdmin") < 0)
            unknown(&t, u, "isAdmin");
        else if (is_admin(u)) {
            t.bad++;
            line(&t.bad_lines, "%s: %s%s%s%s, still a %s", email, state, reason ? " (reason " : "",
                 reason ? reason : "", reason ? ")" : "", role(u));
        }
    }
    if (ns)
        line(&t.notes, "%d suspended account%s: %s", ns, plural(ns, "", "s"), susp.data);
    if (na)
        line(&t.notes, "%d archived account%s: %s", na, plural(na, "", "s"), arch.data);
    tally_result(ctx, &t, out);
    if (t.bad)
        out->summary = arena_sprintf(ctx->a, "%d suspended or archived account%s still hold%s administrator rights",
                                     t.bad, plural(t.bad, "", "s"), plural(t.bad, "s", ""));
    else if (t.unknown)
        out->summary = arena_sprintf(ctx->a, "the data lacks isAdmin for %d suspended or archived account%s",
                                     t.unknown, plural(t.unknown, "", "s"));
    else
        out->summary = arena_sprintf(ctx->a, "%d suspended and %d archived account%s; none holds administrator rights",
                                     ns, na, plural(na, "", "s"));
    buf_free(&susp);
    buf_free(&arch);
}

/* Active users created more than 90 days ago whose last sign-in is older than that, or who never
 * signed in (Google gives 1970-01-01T00:00:00.000Z). Newer accounts are left alone: they may not
 * have been handed over yet. */
static void judge_dormant(check_ctx *ctx, json_t *users, long long now, check_result *out)
{
    tally t;
    tally_init(&t);
    long long cutoff = now - GWS_DORMANT_DAYS * 86400LL;
    int active = 0;
    size_t i;
    json_t *u;
    json_array_foreach(users, i, u) {
        if (!is_active(u))
            continue;
        active++;
        long long created = gws_time(jstr(u, "creationTime")), last = gws_time(jstr(u, "lastLoginTime"));
        if (created < 0) {
            unknown(&t, u, "valid creationTime");
            continue;
        }
        if (created > cutoff)
            continue;
        if (last < 0) {
            unknown(&t, u, "valid lastLoginTime");
        } else if (last == 0) {
            t.bad++;
            line(&t.bad_lines, "%s: never signed in (created %s, %lld days ago)", who(ctx->a, u, 0),
                 day(ctx->a, created), (now - created) / 86400);
        } else if (last < cutoff) {
            t.bad++;
            line(&t.bad_lines, "%s: last signed in %s, %lld days ago", who(ctx->a, u, 0), day(ctx->a, last),
                 (now - last) / 86400);
        }
    }
    tally_result(ctx, &t, out);
    if (t.bad)
        out->summary = arena_sprintf(ctx->a, "%d of %d active users have not signed in for over %d days", t.bad,
                                     active, GWS_DORMANT_DAYS);
    else if (t.unknown)
        out->summary = arena_sprintf(ctx->a, "the data lacks sign-in or creation times of %d user%s", t.unknown,
                                     plural(t.unknown, "", "s"));
    else
        out->summary = arena_sprintf(ctx->a,
                                     "all %d active users signed in within %d days (or were created since)", active,
                                     GWS_DORMANT_DAYS);
}

/* Check the users are user objects, then evaluate one check over them. */
static int gws_eval(check_ctx *ctx, gws_kind kind, json_t *users, check_result *out, isms_err *err)
{
    if (!json_array_size(users))
        return err_set(err, ISMS_EINVAL,
                       "the users list is empty: a Google Workspace account has at least one administrator, so the "
                       "list was read without the right to see users");
    size_t i;
    json_t *u;
    json_array_foreach(users, i, u) {
        const char *email = jstr(u, "primaryEmail");
        if (!json_is_object(u) || !email || !*email)
            return err_set(err, ISMS_EINVAL, "user %zu of the list has no primaryEmail: not a Directory API user",
                           i + 1);
    }
    switch (kind) {
    case GWS_2SV_ENROLLED:
        judge_2sv(ctx, users, "isEnrolledIn2Sv", out);
        break;
    case GWS_2SV_ENFORCED:
        judge_2sv(ctx, users, "isEnforcedIn2Sv", out);
        break;
    case GWS_ADMINS_2SV:
        judge_admins_2sv(ctx, users, out);
        break;
    case GWS_SUPER_COUNT:
        judge_super_count(ctx, users, out);
        break;
    case GWS_SUSPENDED:
        judge_suspended(ctx, users, out);
        break;
    case GWS_DORMANT:
        judge_dormant(ctx, users, (long long)time(NULL), out);
        break;
    }
    return ISMS_OK;
}

static int gws_run(check_ctx *ctx, gws_kind kind, check_result *out, isms_err *err)
{
    gws own, *g;
    int rc = gws_acquire(ctx, &own, &g, err);
    if (rc)
        return rc;
    /* One user list per session: the six checks judge the same users. */
    void *users = NULL;
    int shared = check_shared_slot(ctx, "gworkspace.users") != NULL;
    if (!(rc = check_read_once(ctx, "gworkspace.users", "users.list", gws_read_users, g, gws_users_free, &users,
                               err)))
        rc = gws_eval(ctx, kind, users, out, err);
    if (!shared)
        json_decref(users);
    if (g == &own)
        gws_close(&own);
    return rc;
}

/* Offline: one or more JSON documents, one after another: saved users.list pages
 * ({"kind":"admin#directory#users","users":[...]}), a bare array of users, or the evidence lines
 * a live run keeps ({"method","url","status","body"}). A list cut short (its last page still has a
 * nextPageToken) is refused: a check about every user cannot pass on some of them. */
static int gws_parse_doc(const char *doc, size_t len, json_t **users, isms_err *err)
{
    *users = NULL;
    json_t *all = json_array();
    size_t off = 0;
    int docs = 0, more = 0, rc = ISMS_OK;
    while (!rc) {
        while (off < len && (doc[off] == ' ' || doc[off] == '\t' || doc[off] == '\r' || doc[off] == '\n'))
            off++;
        if (off >= len)
            break;
        json_error_t jerr;
        json_t *j = json_loadb(doc + off, len - off, JSON_DISABLE_EOF_CHECK, &jerr);
        if (!j) {
            rc = err_set(err, ISMS_EINVAL, "invalid JSON at line %d: %s", jerr.line, jerr.text);
            break;
        }
        off += jerr.position;
        docs++;
        json_t *page = j;
        if (json_is_object(j) && json_object_get(j, "body") && json_object_get(j, "status")) {
            json_int_t st = json_integer_value(json_object_get(j, "status"));
            page = json_object_get(j, "body");
            if (st != 200) {
                rc = err_set(err, ISMS_EINVAL, "document %d is a kept response with status %lld, not a users page",
                             docs, (long long)st);
                json_decref(j);
                break;
            }
        }
        json_t *list = json_is_array(page) ? page : json_object_get(page, "users");
        const char *kindv = jstr(page, "kind");
        if (json_is_object(page) && json_object_get(page, "error")) {
            rc = err_set(err, ISMS_EINVAL, "document %d is an error answer from Google, not a users list", docs);
        } else if (!json_is_array(list) && !(list == NULL && kindv && !strcmp(kindv, "admin#directory#users"))) {
            rc = err_set(err, ISMS_EINVAL,
                         "not a Google Workspace users list: save the answer of the Directory API's users.list "
                         "(GET /admin/directory/v1/users, {\"users\":[...]})");
        } else {
            if (list)
                json_array_extend(all, list);
            const char *next = json_is_object(page) ? jstr(page, "nextPageToken") : NULL;
            more = next && *next;
        }
        json_decref(j);
    }
    if (!rc && !docs)
        rc = err_set(err, ISMS_EINVAL, "the document is empty");
    if (!rc && more)
        rc = err_set(err, ISMS_EINVAL,
                     "the list is cut short: its last page has a nextPageToken; save every page of users.list (one "
                     "after another in the file) so that every user is evaluated");
    if (rc) {
        json_decref(all);
        return rc;
    }
    *users = all;
    return ISMS_OK;
}

static int gws_evaluate(check_ctx *ctx, gws_kind kind, const char *doc, size_t len, check_result *out, isms_err *err)
{
    json_t *users;
    int rc = gws_parse_doc(doc, len, &users, err);
    if (rc)
        return rc;
    rc = gws_eval(ctx, kind, users, out, err);
    json_decref(users);
    return rc;
}

#define GWS_CHECK(name, kind)                                                                                   \
    static int run_##name(check_ctx *ctx, check_result *out, isms_err *err) { return gws_run(ctx, kind, out, err); } \
    static int eval_##name(check_ctx *ctx, const char *doc, size_t len, check_result *out, isms_err *err)         \
    {                                                                                                           \
        return gws_evaluate(ctx, kind, doc, len, out, err);                                                     \
    }

GWS_CHECK(2sv_enrolled, GWS_2SV_ENROLLED)
GWS_CHECK(2sv_enforced, GWS_2SV_ENFORCED)
GWS_CHECK(admins_2sv, GWS_ADMINS_2SV)
GWS_CHECK(super_admin_count, GWS_SUPER_COUNT)
GWS_CHECK(suspended, GWS_SUSPENDED)
GWS_CHECK(dormant, GWS_DORMANT)

const check_def checks_gworkspace[] = {
    {"gworkspace.2sv_enrolled", "gworkspace", "Every active Google Workspace user is enrolled in 2-Step Verification",
     "A.5.17,A.8.5", 86400, run_2sv_enrolled, eval_2sv_enrolled},
    {"gworkspace.2sv_enforced", "gworkspace", "2-Step Verification is enforced for every active Google Workspace user",
     "A.5.17,A.8.5", 86400, run_2sv_enforced, eval_2sv_enforced},
    {"gworkspace.admins_2sv", "gworkspace", "Every active Google Workspace admin has 2-Step Verification enrolled and enforced",
     "A.8.2,A.8.5", 86400, run_admins_2sv, eval_admins_2sv},
    {"gworkspace.super_admin_count", "gworkspace",
     "Google Workspace has 2 to 4 super admins (break-glass, least privilege)", "A.8.2,A.5.3", 86400,
     run_super_admin_count, eval_super_admin_count},
    {"gworkspace.suspended_archived_users", "gworkspace",
     "No suspended or archived Google Workspace account keeps administrator rights", "A.5.18,A.6.5", 86400,
     run_suspended, eval_suspended},
    {"gworkspace.dormant_accounts", "gworkspace",
     "No active Google Workspace user has gone 90 days without signing in", "A.5.18,A.8.2", 86400, run_dormant,
     eval_dormant},
    {NULL, NULL, NULL, NULL, 0, NULL, NULL},
};
