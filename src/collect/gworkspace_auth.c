/* The Google Workspace sign-in: the service account's key, its RS256 JWT and the access token for it. */
#include "collect/gworkspace_int.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define GWS_DEFAULT_TOKEN_URI "https://oauth2.googleapis.com/token"
#define GWS_GRANT "urn:ietf:params:oauth:grant-type:jwt-bearer"
#define GWS_KEY_MAX (64 * 1024) /* a key file is about 2.3 KiB */

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

/* --- signing in ----------------------------------------------------------------------------------- */

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
char *gws_scrub(gws *g, const char *s, size_t len, size_t *outlen)
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
const char *gws_said(gws *g, const char *s)
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

void gws_close(gws *g)
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
void gws_gone(gws *g)
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
int gws_acquire(check_ctx *ctx, gws *own, gws **out, isms_err *err)
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
