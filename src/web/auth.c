/* Sessions (in memory, idle and absolute timeouts), CSRF tokens, login with optional TOTP (its
 * limits are in throttle.c), and role checks. */
#include <microhttpd.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "web/web.h"

#define DEFAULT_SESSIONS 4096
/* One user's sessions at most: logging in again and again replaces that user's oldest. */
#define SESSIONS_PER_USER 32

struct web_session {
    char token[65];     /* hex; compared in constant time */
    char csrf[65];
    char user[80];
    time_t created, seen;
    uint64_t used_at;   /* order of last use (seconds tie): the least recently used goes first */
    int used;
};

static web_session *sessions;
static int MAX_SESSIONS;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static uint64_t use_clock; /* under mu */
static int idle_s = 1800, max_s = 12 * 3600;

int web_auth_init(const web_opts *o)
{
    if (sodium_init() < 0)
        return -1;
    if (o->session_idle_s > 0)
        idle_s = o->session_idle_s;
    if (o->session_max_s > 0)
        max_s = o->session_max_s;
    int n = o->session_slots > 0 ? o->session_slots : DEFAULT_SESSIONS;
    pthread_mutex_lock(&mu);
    free(sessions);
    sessions = calloc((size_t)n, sizeof *sessions);
    MAX_SESSIONS = sessions ? n : 0;
    pthread_mutex_unlock(&mu);
    web_throttle_init();
    return sessions ? 0 : -1;
}

void web_auth_free(void)
{
    pthread_mutex_lock(&mu);
    if (sessions)
        sodium_memzero(sessions, (size_t)MAX_SESSIONS * sizeof *sessions);
    free(sessions);
    sessions = NULL;
    MAX_SESSIONS = 0;
    pthread_mutex_unlock(&mu);
}

int web_role_allows(const char *role, int perm)
{
    if (!role)
        return 0;
    switch (perm) {
    case PERM_PUBLIC: return 1;
    case PERM_READ: return 1; /* every role reads the registers */
    case PERM_WRITE: return !strcmp(role, "editor") || !strcmp(role, "admin");
    case PERM_AUDIT: return !strcmp(role, "auditor") || !strcmp(role, "admin");
    case PERM_ADMIN: return !strcmp(role, "admin");
    }
    return 0;
}

static void random_hex(char out[65])
{
    unsigned char b[32];
    randombytes_buf(b, sizeof b);
    sodium_bin2hex(out, 65, b, sizeof b);
    sodium_memzero(b, sizeof b);
}

static const char *cookie_token(web_req *rq)
{
    const char *v = MHD_lookup_connection_value(rq->conn, MHD_COOKIE_KIND, "isms_session");
    return v && strlen(v) == 64 ? v : NULL;
}

static int expired(const web_session *s, time_t now) { return now - s->seen > idle_s || now - s->created > max_s; }

/* Find a live session by token; expired ones are cleared on the way. Caller holds mu. */
static web_session *find_session(const char *token, time_t now)
{
    for (int i = 0; i < MAX_SESSIONS; i++) {
        web_session *s = &sessions[i];
        if (!s->used)
            continue;
        if (expired(s, now)) {
            sodium_memzero(s, sizeof *s);
            continue;
        }
        if (sodium_memcmp(s->token, token, 64) == 0)
            return s;
    }
    return NULL;
}

/* The API tokens this worker checked, while the users' change counter (which every change of a
 * user or token moves: a revocation, a disabled user, a new role) stands: a token presented again
 * is then not hashed with SHA-256 and looked up. Kept by a BLAKE2b hash of the token, never the
 * token itself. */
#define TOKEN_MEMO 64
static _Thread_local struct token_memo {
    int valid;
    int64_t gen_user;
    unsigned char hash[32];
    int64_t id;
    char name[80], role[16], created_at[32];
    int mfa_enabled, disabled;
} token_memo[TOKEN_MEMO];

static int token_user(web_req *rq, const char *token, isms_err *err)
{
    int64_t gen, gen_user = -1;
    if (web_req_generation(rq, &gen) == 0)
        gen_user = web_cache_counter(GEN_USER);
    unsigned char h[32];
    crypto_generichash(h, sizeof h, (const unsigned char *)token, strlen(token), NULL, 0);
    struct token_memo *m = &token_memo[h[0] % TOKEN_MEMO];
    if (gen_user >= 0 && m->valid && m->gen_user == gen_user && !sodium_memcmp(m->hash, h, sizeof h)) {
        rq->u = (user){m->id, arena_strdup(rq->a, m->name), arena_strdup(rq->a, m->role),
                       arena_strdup(rq->a, m->created_at), m->mfa_enabled, m->disabled};
        return ISMS_OK;
    }
    int rc = store_token_user(rq->w, token, rq->a, &rq->u, err);
    if (rc == ISMS_OK && gen_user >= 0 && rq->u.name && rq->u.role && strlen(rq->u.name) < sizeof m->name &&
        strlen(rq->u.role) < sizeof m->role) {
        *m = (struct token_memo){.valid = 1, .gen_user = gen_user, .id = rq->u.id,
                                 .mfa_enabled = rq->u.mfa_enabled, .disabled = rq->u.disabled};
        memcpy(m->hash, h, sizeof h);
        snprintf(m->name, sizeof m->name, "%s", rq->u.name);
        snprintf(m->role, sizeof m->role, "%s", rq->u.role);
        snprintf(m->created_at, sizeof m->created_at, "%s", rq->u.created_at ? rq->u.created_at : "");
    }
    return rc;
}

void web_authenticate(web_req *rq)
{
    rq->authed = 0;
    const char *auth = web_header(rq, "Authorization");
    if (auth && !strncmp(auth, "Bearer ", 7)) {
        isms_err err = {0};
        if (token_user(rq, auth + 7, &err) == ISMS_OK) {
            rq->authed = 1;
            rq->via_token = 1;
        }
        return; /* a presented token decides alone: no fallback to a cookie */
    }
    const char *tok = cookie_token(rq);
    if (!tok)
        return;
    time_t now = time(NULL);
    char name[80] = "", csrf[65] = "";
    pthread_mutex_lock(&mu);
    web_session *s = find_session(tok, now);
    if (s) {
        s->seen = now;
        s->used_at = ++use_clock;
        memcpy(name, s->user, sizeof name);
        memcpy(csrf, s->csrf, sizeof csrf);
        rq->sess = s;
    }
    pthread_mutex_unlock(&mu);
    if (!s)
        return;
    /* The role is read fresh: a demoted or disabled user loses rights at once. */
    isms_err err = {0};
    if (store_user_get(rq->w, name, rq->a, &rq->u, &err) == ISMS_OK && !rq->u.disabled) {
        rq->authed = 1;
        rq->csrf = arena_strdup(rq->a, csrf);
    } else {
        rq->sess = NULL;
    }
}

int web_csrf_ok(web_req *rq)
{
    const char *t = web_header(rq, "X-CSRF-Token");
    if (!t)
        t = web_form(rq, "csrf");
    return t && rq->csrf && strlen(t) == 64 && sodium_memcmp(t, rq->csrf, 64) == 0;
}

void web_sessions_end_user(const char *name)
{
    pthread_mutex_lock(&mu);
    for (int i = 0; i < MAX_SESSIONS; i++)
        if (sessions[i].used && !strcmp(sessions[i].user, name))
            sodium_memzero(&sessions[i], sizeof sessions[i]);
    pthread_mutex_unlock(&mu);
}

void web_sessions_end_others(web_req *rq)
{
    pthread_mutex_lock(&mu);
    for (int i = 0; i < MAX_SESSIONS; i++)
        if (sessions[i].used && &sessions[i] != rq->sess && !strcmp(sessions[i].user, rq->u.name))
            sodium_memzero(&sessions[i], sizeof sessions[i]);
    pthread_mutex_unlock(&mu);
}

/* A slot for a new session of name. The table never refuses a login: past the user's own limit,
 * or when the table is full, the user's least recently used session goes first, and only a user
 * with none gives up the least recently used session of anyone. Caller holds mu. */
static web_session *session_slot(const char *name, time_t now)
{
    web_session *empty = NULL, *own = NULL, *any = NULL;
    int mine = 0;
    for (int i = 0; i < MAX_SESSIONS; i++) {
        web_session *s = &sessions[i];
        if (s->used && expired(s, now))
            sodium_memzero(s, sizeof *s);
        if (!s->used) {
            if (!empty)
                empty = s;
            continue;
        }
        if (!strcmp(s->user, name)) {
            mine++;
            if (!own || s->used_at < own->used_at)
                own = s;
        }
        if (!any || s->used_at < any->used_at)
            any = s;
    }
    return mine >= SESSIONS_PER_USER ? own : empty ? empty : own ? own : any;
}

static void login_page(web_req *rq, web_resp *rs, int status, const char *msg)
{
    rs->status = status;
    rs->ctype = "text/html; charset=utf-8";
    web_html(rs,
             "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Log in — isms</title>"
             "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
             "<link rel=\"stylesheet\" href=\"/static/app.css\"></head><body class=\"login\"><main>"
             "<h1>isms</h1><p class=\"sub\">ISO/IEC 27001:2022 management system</p>");
    if (msg)
        web_html(rs, "<p class=\"error\" role=\"alert\">%s</p>", msg);
    web_raw(rs, "<form method=\"post\" action=\"/login\">"
                "<label>User <input name=\"name\" autocomplete=\"username\" required autofocus></label>"
                "<label>Password <input name=\"password\" type=\"password\" autocomplete=\"current-password\" required></label>"
                "<label>Authenticator code <input name=\"code\" inputmode=\"numeric\" autocomplete=\"one-time-code\" "
                "pattern=\"[0-9]{6}\" placeholder=\"only if two-factor is on\"></label>"
                "<button type=\"submit\">Log in</button></form></main></body></html>");
    (void)rq;
}

int web_login(web_req *rq, web_resp *rs)
{
    if (!strcmp(rq->method, "GET")) {
        login_page(rq, rs, 200, NULL);
        return 0;
    }
    const char *name = web_form(rq, "name"), *pw = web_form(rq, "password"), *code = web_form(rq, "code");
    if (!name || !pw || strlen(name) > 64) {
        login_page(rq, rs, 400, "Give a user name and a password.");
        return 0;
    }
    time_t now = time(NULL);
    int wait = web_auth_wait(rq, name, 1);
    if (wait) {
        rs->retry_after = wait;
        login_page(rq, rs, 429,
                   arena_sprintf(rq->a, "Too many failed logins for this user or from this address. Try again in %d "
                                        "second%s.", wait, wait == 1 ? "" : "s"));
        return 0;
    }
    isms_err err = {0};
    int ok = 0;
    if (store_user_check_password(rq->w, name, pw, &ok, &err) != ISMS_OK)
        ok = 0;
    user u;
    if (ok && store_user_get(rq->w, name, rq->a, &u, &err) != ISMS_OK)
        ok = 0;
    if (ok && u.mfa_enabled) {
        int code_ok = 0;
        const char *t = getenv("ISMS_TOTP_TIME"); /* a fixed clock, for tests */
        if (code && *code && ws_begin(rq->w, &err) == ISMS_OK) {
            if (store_user_mfa_check(rq->w, name, code, t && *t ? atoll(t) : (long long)now, &code_ok, &err) ||
                ws_commit(rq->w, &err))
                ws_rollback(rq->w);
        }
        ok = code_ok;
    }
    if (!ok) {
        web_auth_failed(rq, name, 1);
        ws_set_actor(rq->w, "anonymous");
        if (ws_begin(rq->w, &err) == ISMS_OK) {
            char after[200];
            snprintf(after, sizeof after, "{\"address\":\"%s\"}", rq->ip);
            if (store_audit(rq->w, "login_failed", "user", name, NULL, after, &err) || ws_commit(rq->w, &err))
                ws_rollback(rq->w);
        }
        login_page(rq, rs, 401, "Wrong user name, password or code.");
        return 0;
    }
    web_auth_passed(rq, name);
    pthread_mutex_lock(&mu);
    web_session *s = session_slot(name, now);
    char token[65] = "";
    if (s) {
        memset(s, 0, sizeof *s);
        random_hex(s->token);
        random_hex(s->csrf);
        snprintf(s->user, sizeof s->user, "%s", name);
        s->created = s->seen = now;
        s->used_at = ++use_clock;
        s->used = 1;
        memcpy(token, s->token, sizeof token);
    }
    pthread_mutex_unlock(&mu);
    if (!s) {
        login_page(rq, rs, 503, "Too many open sessions; try again later.");
        return 0;
    }
    ws_set_actor(rq->w, name);
    if (ws_begin(rq->w, &err) == ISMS_OK) {
        char after[200];
        snprintf(after, sizeof after, "{\"address\":\"%s\"}", rq->ip);
        if (store_audit(rq->w, "login", "user", name, NULL, after, &err) || ws_commit(rq->w, &err))
            ws_rollback(rq->w);
    }
    rs->cookie = arena_sprintf(rq->a, "isms_session=%s; Path=/; HttpOnly; SameSite=Strict%s; Max-Age=%d", token,
                               rq->tls ? "; Secure" : "", max_s);
    sodium_memzero(token, sizeof token);
    rs->cookie2 = web_throttle_device_cookie(rq, name);
    web_redirect(rs, "/");
    return 0;
}

int web_logout(web_req *rq, web_resp *rs)
{
    pthread_mutex_lock(&mu);
    if (rq->sess)
        sodium_memzero(rq->sess, sizeof *rq->sess);
    pthread_mutex_unlock(&mu);
    rs->cookie = arena_sprintf(rq->a, "isms_session=; Path=/; HttpOnly; SameSite=Strict%s; Max-Age=0",
                               rq->tls ? "; Secure" : "");
    web_redirect(rs, "/login");
    return 0;
}
