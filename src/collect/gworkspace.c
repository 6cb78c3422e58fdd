/* The Google Workspace checks. Each run signs a JWT with the service account's key, exchanges it
 * for an access token acting as the configured administrator, lists every user of the account
 * (following nextPageToken), keeps each users page in ctx->raw as one JSON line
 * {"method","url","status","body"}, and evaluates. The token exchange is never kept: its
 * request carries a signed credential and its answer the access token. The private key is parsed
 * straight into OpenSSL and its text wiped; neither it nor the access token reaches a message. */
#include "collect/gworkspace.h"

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <jansson.h>
#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "collect/http.h"

#define GWS_DEFAULT_API "https://admin.googleapis.com"
#define GWS_DEFAULT_TOKEN_URI "https://oauth2.googleapis.com/token"
#define GWS_GRANT "urn:ietf:params:oauth:grant-type:jwt-bearer"
#define GWS_USERS_PATH "/admin/directory/v1/users"
#define GWS_MAX_PAGES 20000     /* 10 million users at 500 a page: far beyond any real account */
#define GWS_KEY_MAX (64 * 1024) /* a key file is about 2.3 KiB */
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

static const char *env(check_ctx *ctx, const char *name)
{
    const char *v = ctx->getenv ? ctx->getenv(name) : getenv(name);
    return v && *v ? v : NULL;
}

/* --- the key and the JWT ------------------------------------------------------------------------- */

/* Refuses the passphrase prompt OpenSSL would otherwise put on the terminal for an encrypted key. */
static int gws_no_passphrase(char *b, int size, int rwflag, void *u) { return 0; }

static int gws_key_field(json_t *j, const char *name, const char **out, arena *a, const char *path, isms_err *err)
{
    const char *v = json_string_value(json_object_get(j, name));
    if (!v || !*v)
        return err_set(err, ISMS_EINVAL,
                       "the service account key %s has no \"%s\": download a new JSON key of the service account", path,
                       name);
    if (strpbrk(v, "\r\n\"\\"))
        return err_set(err, ISMS_EINVAL, "the \"%s\" of the service account key %s is malformed", name, path);
    *out = arena_strdup(a, v);
    return ISMS_OK;
}

int gws_key_load(arena *a, const char *path, gws_key *k, isms_err *err)
{
    memset(k, 0, sizeof *k);
    k->path = arena_strdup(a, path);
    /* Opened first and checked through the descriptor, so the file checked is the file read. */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
        return err_set(err, ISMS_EINVAL, "cannot open the service account key %s (GOOGLE_APPLICATION_CREDENTIALS): %s",
                       path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
        close(fd);
        return err_set(err, ISMS_EINVAL, "the service account key %s (GOOGLE_APPLICATION_CREDENTIALS) is not a file",
                       path);
    }
    /* The key lets anyone holding it read the whole directory as an administrator. */
    if (st.st_mode & 077) {
        close(fd);
        return err_set(err, ISMS_EINVAL,
                       "the service account key %s is accessible to group or others (mode %04o) and holds a private "
                       "key: run chmod 600 %s",
                       path, (unsigned)(st.st_mode & 07777), path);
    }
    if (st.st_size > GWS_KEY_MAX) {
        close(fd);
        return err_set(err, ISMS_EINVAL, "the service account key %s is larger than %d KiB: not a key file", path,
                       GWS_KEY_MAX / 1024);
    }
    char *text = malloc(GWS_KEY_MAX + 1);
    size_t len = 0;
    ssize_t got = 0;
    while (text && len < GWS_KEY_MAX && (got = read(fd, text + len, GWS_KEY_MAX - len)) != 0) {
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            break;
        len += (size_t)got;
    }
    int rerr = got < 0 ? errno : 0;
    close(fd);
    if (!text)
        return err_set(err, ISMS_ENOMEM, "out of memory reading %s", path);
    if (rerr) {
        free(text);
        return err_set(err, ISMS_EIO, "cannot read the service account key %s: %s", path, strerror(rerr));
    }
    json_error_t jerr;
    json_t *j = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
    OPENSSL_cleanse(text, len);
    free(text);
    /* Only the position of a syntax error: jansson's text can quote the key itself. */
    if (!j || !json_is_object(j)) {
        int rc = j ? err_set(err, ISMS_EINVAL, "the service account key %s is not a JSON object", path)
                   : err_set(err, ISMS_EINVAL, "the service account key %s is not valid JSON (line %d, column %d)",
                             path, jerr.line, jerr.column);
        json_decref(j);
        return rc;
    }
    int rc = ISMS_OK;
    const char *type = json_string_value(json_object_get(j, "type"));
    const char *pem = json_string_value(json_object_get(j, "private_key"));
    if (!type || strcmp(type, "service_account"))
        rc = err_set(err, ISMS_EINVAL,
                     "%s is not a service account key (type \"%.40s\"): create a JSON key for a service account with "
                     "domain-wide delegation",
                     path, type ? type : "");
    else if (!pem || !*pem)
        rc = err_set(err, ISMS_EINVAL, "the service account key %s has no \"private_key\"", path);
    if (!rc && !(rc = gws_key_field(j, "client_email", &k->client_email, a, path, err)))
        rc = gws_key_field(j, "private_key_id", &k->key_id, a, path, err);
    if (!rc && json_object_get(j, "token_uri"))
        rc = gws_key_field(j, "token_uri", &k->token_uri, a, path, err);
    else if (!rc)
        k->token_uri = GWS_DEFAULT_TOKEN_URI;
    if (!rc) {
        BIO *bio = BIO_new_mem_buf(pem, -1);
        EVP_PKEY *pk = bio ? PEM_read_bio_PrivateKey(bio, NULL, gws_no_passphrase, NULL) : NULL;
        BIO_free(bio);
        if (!pk)
            rc = err_set(err, ISMS_EINVAL, "the private_key of %s is not an unencrypted PEM private key", path);
        else if (!EVP_PKEY_is_a(pk, "RSA"))
            rc = err_set(err, ISMS_EINVAL, "the private_key of %s is not an RSA key (RS256 needs one)", path);
        if (rc)
            EVP_PKEY_free(pk);
        else
            k->pkey = pk;
        ERR_clear_error(); /* nothing of a failed parse lingers in OpenSSL's error queue */
    }
    /* jansson's copy of the PEM is wiped before it goes back to the allocator. */
    if (pem)
        OPENSSL_cleanse((char *)pem, strlen(pem));
    json_decref(j);
    return rc;
}

void gws_key_free(gws_key *k)
{
    EVP_PKEY_free(k->pkey);
    k->pkey = NULL;
}

/* Unpadded base64url (RFC 4648, section 5), as JWS wants. */
static char *gws_b64url(arena *a, const unsigned char *p, size_t n)
{
    static const char al[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    char *out = arena_alloc(a, (n + 2) / 3 * 4 + 1), *o = out;
    size_t i = 0;
    for (; i + 2 < n; i += 3) {
        unsigned v = (unsigned)p[i] << 16 | (unsigned)p[i + 1] << 8 | p[i + 2];
        *o++ = al[v >> 18];
        *o++ = al[(v >> 12) & 63];
        *o++ = al[(v >> 6) & 63];
        *o++ = al[v & 63];
    }
    if (i < n) {
        unsigned v = (unsigned)p[i] << 16 | (i + 1 < n ? (unsigned)p[i + 1] << 8 : 0);
        *o++ = al[v >> 18];
        *o++ = al[(v >> 12) & 63];
        if (i + 1 < n)
            *o++ = al[(v >> 6) & 63];
    }
    *o = '\0';
    return out;
}

static char *gws_b64url_json(arena *a, json_t *j)
{
    char *s = j ? json_dumps(j, JSON_COMPACT) : NULL;
    json_decref(j);
    if (!s)
        return NULL;
    char *out = gws_b64url(a, (const unsigned char *)s, strlen(s));
    free(s);
    return out;
}

int gws_jwt(arena *a, const gws_key *k, const char *sub, long long now, char **jwt, isms_err *err)
{
    *jwt = NULL;
    if (!k->pkey)
        return err_set(err, ISMS_EINVAL, "no service account key loaded");
    char *h = gws_b64url_json(a, json_pack("{s:s,s:s,s:s}", "alg", "RS256", "typ", "JWT", "kid", k->key_id));
    char *c = gws_b64url_json(a, json_pack("{s:s,s:s,s:s,s:I,s:I,s:s}", "iss", k->client_email, "scope", GWS_SCOPE,
                                           "aud", k->token_uri, "iat", (json_int_t)now, "exp",
                                           (json_int_t)(now + 3600), "sub", sub));
    if (!h || !c)
        return err_set(err, ISMS_ENOMEM, "out of memory building the JWT");
    char *input = arena_sprintf(a, "%s.%s", h, c);
    size_t inlen = strlen(input), siglen = 0;
    unsigned char *sig = NULL;
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    int ok = md && EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, (EVP_PKEY *)k->pkey) == 1 &&
             EVP_DigestSign(md, NULL, &siglen, (const unsigned char *)input, inlen) == 1 &&
             (sig = malloc(siglen)) != NULL &&
             EVP_DigestSign(md, sig, &siglen, (const unsigned char *)input, inlen) == 1;
    EVP_MD_CTX_free(md);
    if (!ok) {
        free(sig);
        ERR_clear_error();
        return err_set(err, ISMS_EINVAL, "cannot sign the JWT with the key of %s",
                       k->path ? k->path : "the service account");
    }
    *jwt = arena_sprintf(a, "%s.%s", input, gws_b64url(a, sig, siglen));
    free(sig);
    return ISMS_OK;
}

/* --- the client ------------------------------------------------------------------------------------ */

typedef struct gws {
    check_ctx *ctx;        /* the check being run: its evidence, budget and progress */
    arena *a;              /* what the client allocates: the session's when shared */
    http_client http;
    gws_key key;
    const char *admin, *api, *api_host, *token_host;
    const char *jwt, *token; /* secrets: scrubbed from anything a server echoes */
    http_header hdr[2];
} gws;

/* Plain http would expose the credentials on the wire: allowed only to this machine (test fakes). */
static int gws_loopback(const char *url)
{
    char host[256];
    http_url_host(url, host, sizeof host);
    char *colon = host[0] == '[' ? strchr(host, ']') : strchr(host, ':');
    if (colon)
        colon[host[0] == '['] = '\0';
    return !strcmp(host, "127.0.0.1") || !strcasecmp(host, "localhost") || !strcmp(host, "[::1]");
}

static int gws_url_ok(const char *url)
{
    return (!strncasecmp(url, "https://", 8) || (!strncasecmp(url, "http://", 7) && gws_loopback(url))) &&
           !strpbrk(url, "#\r\n \t");
}

static int gws_valid_admin(const char *s)
{
    const char *at = strchr(s, '@');
    if (!at || at == s || !at[1] || strlen(s) > 254)
        return 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p <= ' ' || *p == 0x7f || *p == '"' || *p == '\\')
            return 0;
    return 1;
}

/* The first occurrence of needle (nl > 0 bytes) in s, or NULL. */
static const char *gws_find(const char *s, size_t len, const char *needle, size_t nl)
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

/* s with every occurrence of the assertion and the access token replaced, in case a server
 * echoes them back into what is kept or told. */
static char *gws_scrub(gws *g, const char *s, size_t len, size_t *outlen)
{
    const char *secrets[] = {g->jwt, g->token};
    char *cur = (char *)s;
    for (size_t i = 0; i < 2; i++) {
        size_t tl = secrets[i] ? strlen(secrets[i]) : 0;
        if (tl < 8 || !gws_find(cur, len, secrets[i], tl))
            continue;
        buf b;
        buf_init(&b, 2 * len + 64);
        const char *p = cur, *end = cur + len, *hit;
        while ((hit = gws_find(p, (size_t)(end - p), secrets[i], tl))) {
            buf_append(&b, p, (size_t)(hit - p));
            buf_puts(&b, "[redacted]");
            p = hit + tl;
        }
        buf_append(&b, p, (size_t)(end - p));
        cur = arena_strndup(g->a, b.data ? b.data : "", b.len);
        len = b.len;
        buf_free(&b);
    }
    if (outlen)
        *outlen = len;
    return cur;
}

/* A server-supplied text fit for a message: scrubbed, one line, at most 200 bytes, cut on a
 * UTF-8 character boundary. */
static const char *gws_said(gws *g, const char *s)
{
    if (!s)
        return "";
    size_t len;
    char *t = gws_scrub(g, s, strlen(s), &len);
    size_t n = len < 200 ? len : 200;
    while (n && n < len && ((unsigned char)t[n] & 0xC0) == 0x80)
        n--;
    t = arena_strndup(g->a, t, n);
    for (char *p = t; *p; p++)
        if ((unsigned char)*p < ' ')
            *p = ' ';
    return t;
}

/* Why the token endpoint refused, and what usually fixes it. */
static const char *gws_grant_hint(gws *g, const char *error, const char *desc)
{
    if (!strcmp(error, "unauthorized_client"))
        return arena_sprintf(g->a,
                             "authorise the service account's client ID for domain-wide delegation with the scope %s "
                             "(Admin console > Security > Access and data control > API controls)",
                             GWS_SCOPE);
    if (!strcmp(error, "invalid_grant")) {
        if (strstr(desc, "email or User ID"))
            return arena_sprintf(g->a, "ISMS_GWORKSPACE_ADMIN (%s) must be an existing user of the Workspace",
                                 g->admin);
        if (strstr(desc, "Signature"))
            return "the key in GOOGLE_APPLICATION_CREDENTIALS is not (or no longer) a key of this service account; "
                   "create a new JSON key";
        if (strstr(desc, "iat") || strstr(desc, "exp") || strstr(desc, "timeframe"))
            return "check that this machine's clock is right";
        if (strstr(desc, "account not found"))
            return "the service account of GOOGLE_APPLICATION_CREDENTIALS no longer exists";
        return "check the service account key and its domain-wide delegation";
    }
    return NULL;
}

/* Exchange a fresh JWT for an access token. */
static int gws_token(gws *g, isms_err *err)
{
    arena *a = g->a;
    char *jwt;
    int rc = gws_jwt(a, &g->key, g->admin, (long long)time(NULL), &jwt, err);
    if (rc)
        return rc;
    g->jwt = jwt;
    const char *body = arena_sprintf(a, "grant_type=%s&assertion=%s", http_escape(a, GWS_GRANT), jwt);
    http_header h[] = {{"Content-Type", "application/x-www-form-urlencoded"}, {"Accept", "application/json"}};
    http_response r;
    if ((rc = http_request(&g->http, "POST", g->key.token_uri, h, 2, body, strlen(body), a, &r, err)))
        return rc;
    json_t *j = r.len ? json_loadb(r.body, r.len, 0, NULL) : NULL;
    const char *tok = json_string_value(json_object_get(j, "access_token"));
    const char *type = json_string_value(json_object_get(j, "token_type"));
    if (r.status == 200 && tok && *tok && !strpbrk(tok, " \t\r\n") && (!type || !strcasecmp(type, "Bearer"))) {
        g->token = arena_strdup(a, tok);
        g->hdr[0] = (http_header){"Authorization", arena_sprintf(a, "Bearer %s", g->token)};
        g->hdr[1] = (http_header){"Accept", "application/json"};
        json_decref(j);
        return ISMS_OK;
    }
    if (r.status == 200) {
        json_decref(j);
        return err_set(err, ISMS_EIO, "the token endpoint at %s answered 200 without a Bearer access_token",
                       g->token_host);
    }
    /* OAuth's {"error","error_description"}; some proxies answer {"error":{"message"}}. */
    json_t *e = json_object_get(j, "error");
    const char *code = json_is_string(e) ? gws_said(g, json_string_value(e)) : "";
    const char *desc = gws_said(g, json_is_string(e) ? json_string_value(json_object_get(j, "error_description"))
                                                     : json_string_value(json_object_get(e, "message")));
    const char *hint = gws_grant_hint(g, code, desc);
    int refused = r.status >= 400 && r.status < 500 && r.status != 429;
    rc = err_set(err, refused ? ISMS_EINVAL : ISMS_EIO, "the Google token endpoint at %s %s (%ld%s%s%s%s)%s%s",
                 g->token_host, refused ? "refused the service account's assertion" : "could not issue a token",
                 r.status, *code ? " " : "", code, *desc ? ": " : "", desc, hint ? ": " : "", hint ? hint : "");
    json_decref(j);
    return rc;
}

static void gws_close(gws *g)
{
    http_cleanup(&g->http);
    gws_key_free(&g->key);
}

/* Read the configuration, load the key and sign in. On error everything is released. */
static int gws_open(gws *g, check_ctx *ctx, arena *a, isms_err *err)
{
    memset(g, 0, sizeof *g);
    g->ctx = ctx;
    g->a = a;
    const char *path = env(ctx, "GOOGLE_APPLICATION_CREDENTIALS");
    if (!path)
        return err_set(err, ISMS_EINVAL,
                       "GOOGLE_APPLICATION_CREDENTIALS is not set: give the path of the service account's JSON key "
                       "(with domain-wide delegation for %s)",
                       GWS_SCOPE);
    g->admin = env(ctx, "ISMS_GWORKSPACE_ADMIN");
    if (!g->admin)
        return err_set(err, ISMS_EINVAL,
                       "ISMS_GWORKSPACE_ADMIN is not set: give the email of a Workspace administrator the service "
                       "account acts as");
    if (!gws_valid_admin(g->admin))
        return err_set(err, ISMS_EINVAL, "ISMS_GWORKSPACE_ADMIN '%.100s' is not an email address", g->admin);
    const char *api = env(ctx, "ISMS_GOOGLE_API_URL");
    api = api ? api : GWS_DEFAULT_API;
    if (!gws_url_ok(api) || strchr(api, '?'))
        return err_set(err, ISMS_EINVAL,
                       "ISMS_GOOGLE_API_URL must be an https:// URL without query (plain http only to this machine)");
    size_t n = strlen(api);
    while (n && api[n - 1] == '/')
        n--;
    g->api = arena_strndup(a, api, n);
    char host[256];
    http_url_host(g->api, host, sizeof host);
    g->api_host = arena_strdup(a, host);
    g->admin = arena_strdup(a, g->admin);
    int rc = gws_key_load(a, path, &g->key, err);
    if (rc)
        return rc;
    if (!gws_url_ok(g->key.token_uri)) {
        gws_key_free(&g->key);
        return err_set(err, ISMS_EINVAL,
                       "the token_uri of %s must be an https:// URL (plain http only to this machine): the signed "
                       "assertion must not travel in clear",
                       path);
    }
    http_url_host(g->key.token_uri, host, sizeof host);
    g->token_host = arena_strdup(a, host);
    if ((rc = http_init(&g->http, err))) {
        gws_key_free(&g->key);
        return rc;
    }
    g->http.timeout_ms = ctx->timeout_ms > 0 ? ctx->timeout_ms : 15000;
    g->http.max_retries = ctx->max_retries > 0 ? ctx->max_retries : 4;
    g->http.max_body = CHECK_MAX_ANSWER;
    /* A stalled endpoint costs one timeout, not one per attempt and check. */
    g->http.stop_after_timeout = 1;
    check_note(ctx, "token exchange at %s", g->token_host);
    if ((rc = gws_token(g, err)))
        gws_close(g);
    return rc;
}

/* Remember that Google stopped answering, so that the session's later checks are not run. */
static void gws_gone(gws *g)
{
    if (g->http.stopped[0])
        check_source_give_up(g->ctx, "Google Workspace", g->http.stopped);
}

/* The session's client: signed in once, or the reason it could not be. */
typedef struct gws_shared {
    gws g;
    int rc;
    isms_err err;
} gws_shared;

static void gws_shared_free(void *data)
{
    gws_shared *s = data;
    if (!s->rc)
        gws_close(&s->g);
    free(s);
}

/* The client of ctx's session, signed in by its first Google check (one token for the run), now
 * working for ctx; without a session a new one of the check's own (*own set: gws_close it). */
static int gws_acquire(check_ctx *ctx, gws *own, gws **out, isms_err *err)
{
    *out = NULL;
    int rc = check_source_gone(ctx, "Google Workspace", err);
    if (rc)
        return rc;
    check_shared *slot = check_shared_slot(ctx, "gworkspace");
    if (!slot) {
        if ((rc = gws_open(own, ctx, ctx->a, err))) {
            gws_gone(own);
            return rc;
        }
        *out = own;
        return ISMS_OK;
    }
    gws_shared *s = slot->data;
    if (!s) {
        if (!(s = calloc(1, sizeof *s)))
            return err_set(err, ISMS_ENOMEM, "out of memory");
        s->rc = gws_open(&s->g, ctx, check_shared_arena(ctx), &s->err);
        if (s->rc)
            gws_gone(&s->g);
        slot->data = s;
        slot->release = gws_shared_free;
    }
    if (s->rc) {
        *err = s->err;
        return s->rc;
    }
    s->g.ctx = ctx;
    *out = &s->g;
    return ISMS_OK;
}

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
