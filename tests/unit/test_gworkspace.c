/* The Google Workspace checks against the fake Google token endpoint and Directory API
 * (tests/fakeapi/gworkspace.py, fixtures in tests/fixtures/gworkspace): the JWT and its signature,
 * pass and fail of every check, paging, retries, refused key files, missing configuration, token
 * errors, that neither the private key nor the access token is ever kept or told, and the offline
 * evaluations. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "collect/gworkspace.h"
#include "collect/http.h"

#define ADMIN "alice@acme.example"

static pid_t server;
static char base[64];
static char tmpdir[256];
static char keypath[512];
static char pem_line[80]; /* one line of the test private key's base64: must never show up */

/* The environment the checks see, through check_ctx.getenv. */
static struct {
    const char *name, *value;
} envs[8];

static const char *fake_getenv(const char *name)
{
    for (size_t i = 0; i < sizeof envs / sizeof *envs && envs[i].name; i++)
        if (!strcmp(envs[i].name, name))
            return envs[i].value;
    return NULL;
}

static void set_env(const char *name, const char *value)
{
    size_t i = 0;
    while (i < sizeof envs / sizeof *envs - 1 && envs[i].name && strcmp(envs[i].name, name))
        i++;
    envs[i].name = name;
    envs[i].value = value;
}

static const char *fixtures(void) { return getenv("ISMS_FIXTURES") ? getenv("ISMS_FIXTURES") : "tests/fixtures"; }

static const char *fixture_path(const char *rel)
{
    static char path[4][512];
    static int k;
    k = (k + 1) % 4;
    snprintf(path[k], sizeof path[k], "%s/gworkspace/%s", fixtures(), rel);
    return path[k];
}

/* The committed test key, with token_uri pointed at the fake and edit applied, written to
 * tmpdir/name with mode; returns the path (static storage, one of a few). */
static const char *write_key(const char *name, mode_t mode, void (*edit)(json_t *))
{
    static char paths[4][512];
    static int k;
    k = (k + 1) % 4;
    json_t *j = json_load_file(fixture_path("service-account.json"), 0, NULL);
    assert_non_null(j);
    char uri[128];
    snprintf(uri, sizeof uri, "%s/token", base);
    json_object_set_new(j, "token_uri", json_string(uri));
    if (edit)
        edit(j);
    snprintf(paths[k], sizeof paths[k], "%s/%s", tmpdir, name);
    unlink(paths[k]);
    assert_int_equal(json_dump_file(j, paths[k], JSON_INDENT(2)), 0);
    json_decref(j);
    assert_int_equal(chmod(paths[k], mode), 0);
    return paths[k];
}

static int start_server(void **state)
{
    (void)state;
    setenv("ISMS_HTTP_BACKOFF_MS", "10", 1);
    int fds[2];
    if (pipe(fds))
        return -1;
    server = fork();
    if (server < 0)
        return -1;
    if (server == 0) {
        prctl(PR_SET_PDEATHSIG, SIGTERM); /* never outlive a crashed test */
        dup2(fds[1], 1);
        close(fds[0]);
        close(fds[1]);
        const char *root = getenv("ISMS_ROOT") ? getenv("ISMS_ROOT") : ".";
        char script[512];
        snprintf(script, sizeof script, "%s/tests/fakeapi/gworkspace.py", root);
        execlp("python3", "python3", script, (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    char buf_line[32] = {0};
    FILE *f = fdopen(fds[0], "r");
    int ok = f && fgets(buf_line, sizeof buf_line, f) && atoi(buf_line) > 0;
    if (f)
        fclose(f);
    if (!ok)
        return -1;
    snprintf(base, sizeof base, "http://127.0.0.1:%d", atoi(buf_line));
    snprintf(tmpdir, sizeof tmpdir, "/tmp/isms-gws-XXXXXX");
    if (!mkdtemp(tmpdir))
        return -1;
    /* git does not keep modes: the copy is made private, as a user must. */
    snprintf(keypath, sizeof keypath, "%s", write_key("key.json", 0600, NULL));
    /* A line from the middle of the private key, to look for where it must not be. */
    json_t *j = json_load_file(fixture_path("service-account.json"), 0, NULL);
    const char *pem = json_string_value(json_object_get(j, "private_key"));
    const char *l2 = pem ? strchr(pem, '\n') : NULL;
    if (!l2)
        return -1;
    snprintf(pem_line, sizeof pem_line, "%.64s", l2 + 1);
    json_decref(j);
    return strlen(pem_line) == 64 ? 0 : -1;
}

static int stop_server(void **state)
{
    (void)state;
    kill(server, SIGTERM);
    waitpid(server, NULL, 0);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

typedef struct fix {
    arena a;
    buf raw;
    check_ctx ctx;
    check_result res;
    isms_err err;
} fix;

/* A request to a control endpoint of the fake; returns the response body. */
static const char *control(fix *f, const char *method, const char *path, const char *json)
{
    http_client c;
    http_response r;
    assert_int_equal(http_init(&c, &f->err), ISMS_OK);
    http_header h[] = {{"Content-Type", "application/json"}};
    char *url = arena_sprintf(&f->a, "%s%s", base, path);
    assert_int_equal(http_request(&c, method, url, h, 1, json, json ? strlen(json) : 0, &f->a, &r, &f->err), ISMS_OK);
    assert_int_equal(r.status, 200);
    http_cleanup(&c);
    return r.body;
}

static void scenario(fix *f, const char *json) { control(f, "POST", "/__scenario", json); }

static int setup(void **state)
{
    fix *f = calloc(1, sizeof *f);
    arena_init(&f->a);
    buf_init(&f->raw, 64u << 20);
    f->ctx = (check_ctx){.a = &f->a, .raw = &f->raw, .getenv = fake_getenv, .timeout_ms = 5000, .max_retries = 4};
    memset(envs, 0, sizeof envs);
    set_env("GOOGLE_APPLICATION_CREDENTIALS", keypath);
    set_env("ISMS_GWORKSPACE_ADMIN", ADMIN);
    set_env("ISMS_GOOGLE_API_URL", base);
    *state = f;
    scenario(f, "{\"name\":\"default\"}");
    return 0;
}

static int teardown(void **state)
{
    fix *f = *state;
    buf_free(&f->raw);
    arena_free(&f->a);
    free(f);
    return 0;
}

static const check_def *def(const char *id)
{
    for (const check_def *d = checks_gworkspace; d->id; d++)
        if (!strcmp(d->id, id))
            return d;
    fail_msg("no check %s", id);
    return NULL;
}

static void has(const char *hay, const char *needle)
{
    if (!hay || !strstr(hay, needle))
        fail_msg("expected '%s' in: %s", needle, hay ? hay : "(null)");
}

static void lacks(const char *hay, const char *needle)
{
    if (hay && needle && *needle && strstr(hay, needle))
        fail_msg("did not expect '%s' in: %s", needle, hay);
}

/* The access tokens the fake has seen since the scenario was set, newline-separated. */
static const char *tokens_seen(fix *f)
{
    json_t *log = json_loads(control(f, "GET", "/__requests", NULL), 0, NULL);
    assert_non_null(log);
    buf b;
    buf_init(&b, 1 << 20);
    size_t i;
    json_t *e;
    json_array_foreach(log, i, e) {
        json_t *h = json_object_get(e, "headers");
        const char *k;
        json_t *v;
        json_object_foreach(h, k, v) if (!strcasecmp(k, "Authorization"))
            buf_printf(&b, "%s\n", json_string_value(v) + 7); /* after "Bearer " */
    }
    json_decref(log);
    char *s = arena_strdup(&f->a, b.data ? b.data : "");
    buf_free(&b);
    return s;
}

/* Neither the private key nor any access token the fake saw appears in raw, err or the result. */
static void assert_no_secrets(fix *f, int rc)
{
    const char *places[] = {f->raw.data, f->err.msg, rc ? NULL : f->res.summary, rc ? NULL : f->res.details};
    const char *toks = tokens_seen(f);
    for (size_t i = 0; i < 4; i++) {
        lacks(places[i], pem_line);
        lacks(places[i], "PRIVATE KEY");
        lacks(places[i], "access_token");
        for (const char *t = toks; *t;) {
            const char *nl = strchr(t, '\n');
            char *one = arena_strndup(&f->a, t, (size_t)(nl - t));
            lacks(places[i], one);
            t = nl + 1;
        }
    }
}

/* Run a check with a fresh raw buffer; returns its rc. */
static int run(fix *f, const char *id)
{
    buf_reset(&f->raw);
    memset(&f->res, 0, sizeof f->res);
    err_clear(&f->err);
    int rc = def(id)->run(&f->ctx, &f->res, &f->err);
    if (!rc)
        assert_non_null(f->res.summary);
    assert_no_secrets(f, rc);
    return rc;
}

/* How many requests to path the fake served since the scenario was set. */
static int served(fix *f, const char *path)
{
    json_t *log = json_loads(control(f, "GET", "/__requests", NULL), 0, NULL);
    assert_non_null(log);
    size_t i;
    json_t *e;
    int n = 0;
    json_array_foreach(log, i, e) n += !strcmp(json_string_value(json_object_get(e, "path")), path);
    json_decref(log);
    return n;
}

#define USERS "/admin/directory/v1/users"

static void test_table(void **state)
{
    const char *ids[] = {"gworkspace.2sv_enrolled",      "gworkspace.2sv_enforced",
                         "gworkspace.admins_2sv",        "gworkspace.super_admin_count",
                         "gworkspace.suspended_archived_users", "gworkspace.dormant_accounts"};
    const char *controls[] = {"A.5.17,A.8.5", "A.5.17,A.8.5", "A.8.2,A.8.5", "A.8.2,A.5.3", "A.5.18,A.6.5",
                              "A.5.18,A.8.2"};
    size_t n = 0;
    for (const check_def *d = checks_gworkspace; d->id; d++, n++) {
        assert_true(n < 6);
        assert_string_equal(d->id, ids[n]);
        assert_string_equal(d->source, "gworkspace");
        assert_string_equal(d->controls, controls[n]);
        assert_non_null(d->title);
        assert_non_null(d->run);
        assert_non_null(d->evaluate);
        assert_int_equal(d->interval_s, 86400);
    }
    assert_int_equal(n, 6);
    assert_null(checks_gworkspace[6].source);
    assert_null(checks_gworkspace[6].run);
    has(gworkspace_checks_source, "GOOGLE_APPLICATION_CREDENTIALS");
    has(gworkspace_checks_source, "ISMS_GWORKSPACE_ADMIN");
    has(gworkspace_checks_source, GWS_SCOPE);
}

/* Decode unpadded base64url, refusing anything else. */
static unsigned char *b64url_decode(fix *f, const char *s, size_t n, size_t *outlen)
{
    unsigned char *out = arena_alloc(&f->a, n * 3 / 4 + 3);
    unsigned v = 0;
    int bits = 0;
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        const char *al = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        const char *p = strchr(al, s[i]);
        if (!p || !s[i])
            fail_msg("not base64url: '%c'", s[i]);
        v = (v << 6) | (unsigned)(p - al);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[o++] = (unsigned char)(v >> bits);
            v &= (1u << bits) - 1;
        }
    }
    *outlen = o;
    return out;
}

static int verify_rs256(const char *input, size_t inlen, const unsigned char *sig, size_t siglen)
{
    FILE *fp = fopen(fixture_path("service-account.pub.pem"), "r");
    assert_non_null(fp);
    EVP_PKEY *pub = PEM_read_PUBKEY(fp, NULL, NULL, NULL);
    fclose(fp);
    assert_non_null(pub);
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    int ok = EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, pub) == 1 &&
             EVP_DigestVerify(md, sig, siglen, (const unsigned char *)input, inlen) == 1;
    EVP_MD_CTX_free(md);
    EVP_PKEY_free(pub);
    return ok;
}

static void test_jwt(void **state)
{
    fix *f = *state;
    gws_key k;
    assert_int_equal(gws_key_load(&f->a, keypath, &k, &f->err), ISMS_OK);
    assert_string_equal(k.client_email, "isms-reader@isms-test-only.iam.gserviceaccount.com");
    assert_string_equal(k.key_id, "3f2a9c0e7b1d4a6f8e5c2b9d0a7f3e1c6b4d8a2f");
    char *jwt;
    long long now = (long long)time(NULL);
    assert_int_equal(gws_jwt(&f->a, &k, ADMIN, now, &jwt, &f->err), ISMS_OK);
    gws_key_free(&k);
    gws_key_free(&k); /* idempotent */
    lacks(jwt, "=");
    lacks(jwt, "+");
    lacks(jwt, "/");
    char *d1 = strchr(jwt, '.'), *d2 = d1 ? strchr(d1 + 1, '.') : NULL;
    assert_non_null(d2);
    assert_null(strchr(d2 + 1, '.'));
    size_t hl, cl, sl;
    unsigned char *h = b64url_decode(f, jwt, (size_t)(d1 - jwt), &hl);
    unsigned char *c = b64url_decode(f, d1 + 1, (size_t)(d2 - d1 - 1), &cl);
    unsigned char *sig = b64url_decode(f, d2 + 1, strlen(d2 + 1), &sl);
    assert_int_equal(sl, 256); /* RSA 2048 */

    json_t *hj = json_loadb((const char *)h, hl, 0, NULL), *cj = json_loadb((const char *)c, cl, 0, NULL);
    assert_non_null(hj);
    assert_non_null(cj);
    assert_int_equal(json_object_size(hj), 3);
    assert_string_equal(json_string_value(json_object_get(hj, "alg")), "RS256");
    assert_string_equal(json_string_value(json_object_get(hj, "typ")), "JWT");
    assert_string_equal(json_string_value(json_object_get(hj, "kid")), "3f2a9c0e7b1d4a6f8e5c2b9d0a7f3e1c6b4d8a2f");
    assert_int_equal(json_object_size(cj), 6);
    assert_string_equal(json_string_value(json_object_get(cj, "iss")),
                        "isms-reader@isms-test-only.iam.gserviceaccount.com");
    assert_string_equal(json_string_value(json_object_get(cj, "scope")),
                        "https://www.googleapis.com/auth/admin.directory.user.readonly");
    assert_string_equal(json_string_value(json_object_get(cj, "aud")), arena_sprintf(&f->a, "%s/token", base));
    assert_string_equal(json_string_value(json_object_get(cj, "sub")), ADMIN);
    assert_int_equal(json_integer_value(json_object_get(cj, "iat")), now);
    assert_int_equal(json_integer_value(json_object_get(cj, "exp")), now + 3600);
    json_decref(hj);
    json_decref(cj);

    /* The signature covers base64url(header).base64url(claims), under the key's public half... */
    assert_true(verify_rs256(jwt, (size_t)(d2 - jwt), sig, sl));
    /* ...and nothing else. */
    char *forged = arena_strndup(&f->a, jwt, (size_t)(d2 - jwt));
    forged[d1 - jwt + 5] ^= 1;
    assert_false(verify_rs256(forged, strlen(forged), sig, sl));

    /* Without a loaded key nothing is signed. */
    gws_key none = {0};
    assert_int_equal(gws_jwt(&f->a, &none, ADMIN, now, &jwt, &f->err), ISMS_EINVAL);
}

static void test_2sv_enrolled(void **state)
{
    fix *f = *state;
    assert_int_equal(run(f, "gworkspace.2sv_enrolled"), ISMS_OK);
    assert_int_equal(f->res.status, CHECK_PASS);
    has(f->res.summary, "all 5 active users are enrolled in 2-Step Verification");
    assert_null(f->res.details);
    has(f->raw.data, "\"primaryEmail\":\"frank@acme.example\""); /* the raw users page */
    has(f->raw.data, "customer=my_customer&maxResults=500&projection=full");
    assert_int_equal(served(f, "/token"), 1);
    assert_int_equal(served(f, USERS), 1);

    scenario(f, "{\"name\":\"fail\"}");
    assert_int_equal(run(f, "gworkspace.2sv_enrolled"), ISMS_OK);
    assert_int_equal(f->res.status, CHECK_FAIL);
    has(f->res.summary, "3 of 6 active users are not enrolled");
    const char *d = f->res.details;
    has(d, "bob@acme.example (/Sales): not enrolled in 2-Step Verification");
    has(d, "carol@acme.example (/IT): not enrolled");
    has(d, "erin@acme.example (/Sales): not enrolled");
    lacks(d, "alice@");
    lacks(d, "dave@");
    lacks(d, "frank@");
    lacks(d, "heidi@"); /* suspended */
}

static void test_2sv_enforced(void **state)
{
    fix *f = *state;
    assert_int_equal(run(f, "gworkspace.2sv_enforced"), ISMS_OK);
    assert_int_equal(f->res.status, CHECK_PASS);
    has(f->res.summary, "2-Step Verification is enforced for all 5 active users");
    scenario(f, "{\"name\":\"fail\"}");
    assert_int_equal(run(f, "gworkspace.2sv_enforced"), ISMS_OK);
    assert_int_equal(f->res.status, CHECK_FAIL);
    has(f->res.summary, "not enforced for 2 of 6 active users");
    has(f->res.details, "alice@acme.example (/): 2-Step Verification not enforced");
    has(f->res.details, "bob@acme.example (/Sales): 2-Step Verification not enforced");
    lacks(f->res.details, "carol@");
    lacks(f->res.details, "heidi@");
}

static void test_admins_2sv(void **state)
{
    fix *f = *state;
    assert_int_equal(run(f, "gworkspace.admins_2sv"), ISMS_OK);
    assert_int_equal(f->res.status, CHECK_PASS);
    has(f->res.summary, "all 3 active administrators are enrolled in and required to use 2-Step Verification");
    scenario(f, "{\"name\":\"fail\"}");
    assert_int_equal(run(f, "gworkspace.admins_2sv"), ISMS_OK);
    assert_int_equal(f->res.status, CHECK_FAIL);
    has(f->res.summary, "2 of 2 active administrators");
    const char *d = f->res.details;
    has(d, "alice@acme.example (super admin): 2-Step Verification not enforced");
    has(d, "carol@acme.example (delegated admin): not enrolled in 2-Step Verification");
    lacks(d, "bob@"); /* not an administrator */
    lacks(d, "mallory@");
    lacks(d, "grace@");
}

static void test_super_admin_count(void **state)
{
    fix *f = *state;
    assert_int_equal(run(f, "gworkspace.super_admin_count"), ISMS_OK);
    assert_int_equal(f->res.status, CHECK_PASS);
    has(f->res.summary, "2 active super admins (alice@acme.example, bob@acme.example), between 2 and 4");
    has(f->res.details, "alice@acme.example: super admin\nbob@acme.example: super admin");

    scenario(f, "{\"name\":\"fail\"}");
    assert_int_equal(run(f, "gworkspace.super_admin_count"), ISMS_OK);
    assert_int_equal(f->res.status, CHECK_FAIL);
    has(f->res.summary, "1 active super admin (alice@acme.example): at least 2");
    has(f->res.summary, "break-glass");
    has(f->res.details, "alice@acme.example: super admin");
    has(f->res.details, "mallory@acme.example: suspended super admin, not counted");

    scenario(f, "{\"name\":\"toomany\"}");
    assert_int_equal(run(f, "gworkspace.super_admin_count"), ISMS_OK);
    assert_int_equal(f->res.status, CHECK_FAIL);
    has(f->res.summary, "5 active super admins");
    has(f->res.summary, "at most 4");
    const char *names[] = {"alice", "bob", "ivan", "judy", "ken"};
    for (size_t i = 0; i < 5; i++)
        has(f->res.details, arena_sprintf(&f->a, "%s@acme.example: super admin", names[i]));
    lacks(f->res.details, "dave@");
}

static void test_suspended_archived(void **state)
{
    fix *f = *state;
    assert_int_equal(run(f, "gworkspace.suspended_archived_users"), ISMS_OK);
    assert_int_equal(f->res.status, CHECK_PASS);
    has(f->res.summary, "1 suspended and 1 archived account; none holds administrator rights");
    has(f->res.details, "1 suspended account: frank@acme.example");
    has(f->res.details, "1 archived account: grace@acme.example");

    scenario(f, "{\"name\":\"fail\"}");
    assert_int_equal(run(f, "gworkspace.suspended_archived_users"), ISMS_OK);
    assert_int_equal(f->res.status, CHECK_FAIL);
    has(f->res.summary, "2 suspended or archived accounts still hold administrator rights");
    const char *d = f->res.details;
    has(d, "mallory@acme.example: suspended (reason ADMIN), still a super admin");
    has(d, "grace@acme.example: archived, still a delegated admin");
    has(d, "2 suspended accounts: mallory@acme.example, heidi@acme.example");
    has(d, "1 archived account: grace@acme.example");
    lacks(d, "heidi@acme.example: ");
}

static void test_dormant(void **state)
{
    fix *f = *state;
    assert_int_equal(run(f, "gworkspace.dormant_accounts"), ISMS_OK);
    assert_int_equal(f->res.status, CHECK_PASS);
    has(f->res.summary, "all 5 active users signed in within 90 days");
    scenario(f, "{\"name\":\"fail\"}");
    assert_int_equal(run(f, "gworkspace.dormant_accounts"), ISMS_OK);
    assert_int_equal(f->res.status, CHECK_FAIL);
    has(f->res.summary, "2 of 6 active users have not signed in for over 90 days");
    const char *d = f->res.details;
    has(d, "dave@acme.example (/Sales): last signed in ");
    has(d, ", 120 days ago");
    has(d, "erin@acme.example (/Sales): never signed in (created ");
    has(d, ", 200 days ago)");
    lacks(d, "frank@"); /* never signed in, but created 5 days ago */
    lacks(d, "heidi@"); /* suspended */
    lacks(d, "grace@"); /* archived */
}

/* Every raw line is one JSON document of a users page; returns how many. */
static int raw_lines(fix *f)
{
    int lines = 0;
    for (char *p = f->raw.data; p && *p; lines++) {
        char *nl = strchr(p, '\n');
        assert_non_null(nl);
        json_t *j = json_loadb(p, (size_t)(nl - p), 0, NULL);
        assert_non_null(j);
        assert_string_equal(json_string_value(json_object_get(j, "method")), "GET");
        has(json_string_value(json_object_get(j, "url")), USERS "?customer=my_customer");
        assert_true(json_is_integer(json_object_get(j, "status")));
        assert_true(json_is_object(json_object_get(j, "body")));
        json_decref(j);
        p = nl + 1;
    }
    return lines;
}

static void test_paging_three_pages(void **state)
{
    fix *f = *state;
    /* Seven users, three a page: 3 + 3 + 1. */
    scenario(f, "{\"name\":\"default\",\"page_size\":3}");
    assert_int_equal(run(f, "gworkspace.suspended_archived_users"), ISMS_OK);
    assert_int_equal(f->res.status, CHECK_PASS);
    has(f->res.details, "1 archived account: grace@acme.example"); /* the last user, on the third page */
    assert_int_equal(served(f, USERS), 3);
    assert_int_equal(raw_lines(f), 3);
    has(f->raw.data, "&pageToken=");
    lacks(f->raw.data, "/token"); /* the token exchange is not kept */

    /* Nine users, three a page, and a last page without "users" (as Google sometimes answers). */
    scenario(f, "{\"name\":\"fail\",\"page_size\":3,\"trailing_empty\":true}");
    assert_int_equal(run(f, "gworkspace.2sv_enrolled"), ISMS_OK);
    assert_int_equal(f->res.status, CHECK_FAIL);
    has(f->res.summary, "3 of 6 active users");
    assert_int_equal(served(f, USERS), 4);
    assert_int_equal(raw_lines(f), 4);
}

/* The six checks of a session: one token, one user list, each check's evidence holding the pages;
 * then a stalled token endpoint gives up on Google for the rest of the session. */
static void test_session(void **state)
{
    fix *f = *state;
    scenario(f, "{\"name\":\"default\",\"page_size\":3}");
    f->ctx.session = check_session_new();
    for (const check_def *d = checks_gworkspace; d->id; d++) {
        assert_int_equal(run(f, d->id), ISMS_OK);
        assert_int_equal(raw_lines(f), 3);
    }
    check_session_free(f->ctx.session);
    assert_int_equal(served(f, "/token"), 1);
    assert_int_equal(served(f, USERS), 3);

    scenario(f, "{\"name\":\"default\"}");
    f->ctx.session = check_session_new();
    f->ctx.timeout_ms = 300;
    control(f, "POST", "/__inject", "{\"path\":\"/token\",\"count\":5,\"sleep\":1.5}");
    assert_int_equal(run(f, "gworkspace.2sv_enrolled"), ISMS_EIO);
    has(f->err.msg, "timeout");
    assert_int_equal(run(f, "gworkspace.dormant_accounts"), ISMS_EIO);
    has(f->err.msg, "not run: Google Workspace did not answer earlier in this run");
    check_session_free(f->ctx.session);
    f->ctx.session = NULL;
    usleep(1700000); /* the stalled request is logged once the fake has slept */
    assert_int_equal(served(f, "/token"), 1);
    assert_int_equal(served(f, USERS), 0);
}

static void test_retry_429_and_503(void **state)
{
    fix *f = *state;
    control(f, "POST", "/__inject", "{\"path\":\"" USERS "\",\"count\":1,\"status\":429,\"retry_after\":\"1\"}");
    time_t t0 = time(NULL);
    assert_int_equal(run(f, "gworkspace.2sv_enrolled"), ISMS_OK);
    assert_int_equal(f->res.status, CHECK_PASS);
    assert_true(time(NULL) - t0 >= 1); /* Retry-After honoured */
    assert_int_equal(served(f, USERS), 2);
    assert_int_equal(raw_lines(f), 1); /* only the answer that counted */

    scenario(f, "{\"name\":\"default\"}");
    control(f, "POST", "/__inject", "{\"path\":\"/token\",\"count\":2,\"status\":503,\"retry_after\":\"0\"}");
    assert_int_equal(run(f, "gworkspace.2sv_enforced"), ISMS_OK);
    assert_int_equal(f->res.status, CHECK_PASS);
    assert_int_equal(served(f, "/token"), 3);

    /* Still limited after every retry: an error naming the status, not a result. */
    scenario(f, "{\"name\":\"default\"}");
    f->ctx.max_retries = 1;
    control(f, "POST", "/__inject", "{\"path\":\"" USERS "\",\"count\":5,\"status\":429,\"retry_after\":\"0\"}");
    assert_int_equal(run(f, "gworkspace.2sv_enrolled"), ISMS_EIO);
    has(f->err.msg, "429");
    has(f->err.msg, "RESOURCE_EXHAUSTED");
    has(f->err.msg, "after 2 attempts");
    assert_int_equal(served(f, USERS), 2);

    /* The token endpoint down for good: an error, and the users are never asked for. */
    scenario(f, "{\"name\":\"default\"}");
    control(f, "POST", "/__inject", "{\"path\":\"/token\",\"count\":5,\"status\":503,\"retry_after\":\"0\"}");
    assert_int_equal(run(f, "gworkspace.2sv_enrolled"), ISMS_EIO);
    has(f->err.msg, "could not issue a token (503");
    assert_int_equal(served(f, "/token"), 2);
    assert_int_equal(served(f, USERS), 0);
}

static void test_key_file_refused_when_not_private(void **state)
{
    fix *f = *state;
    mode_t modes[] = {0644, 0640, 0604, 0660, 0700 | 0007};
    for (size_t i = 0; i < sizeof modes / sizeof *modes; i++) {
        const char *p = write_key("open.json", modes[i], NULL);
        set_env("GOOGLE_APPLICATION_CREDENTIALS", p);
        assert_int_equal(run(f, "gworkspace.2sv_enrolled"), ISMS_EINVAL);
        has(f->err.msg, "chmod 600");
        has(f->err.msg, p);
        has(f->err.msg, "group or others");
    }
    assert_int_equal(served(f, "/token"), 0); /* refused before anything was signed or sent */
    assert_int_equal(f->raw.len, 0);
    /* Owner-only modes are fine. */
    set_env("GOOGLE_APPLICATION_CREDENTIALS", write_key("ro.json", 0400, NULL));
    assert_int_equal(run(f, "gworkspace.2sv_enrolled"), ISMS_OK);
}

static void set_type_user(json_t *j) { json_object_set_new(j, "type", json_string("authorized_user")); }
static void drop_email(json_t *j) { json_object_del(j, "client_email"); }
static void remote_http_token_uri(json_t *j)
{
    json_object_set_new(j, "token_uri", json_string("http://oauth2.example.com/token"));
}
static void bad_pem(json_t *j)
{
    json_object_set_new(j, "private_key",
                        json_string("-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n"));
}

static void test_key_file_errors(void **state)
{
    fix *f = *state;
    set_env("GOOGLE_APPLICATION_CREDENTIALS", arena_sprintf(&f->a, "%s/nonexistent.json", tmpdir));
    assert_int_equal(run(f, "gworkspace.2sv_enrolled"), ISMS_EINVAL);
    has(f->err.msg, "nonexistent.json");
    has(f->err.msg, "GOOGLE_APPLICATION_CREDENTIALS");

    set_env("GOOGLE_APPLICATION_CREDENTIALS", write_key("user.json", 0600, set_type_user));
    assert_int_equal(run(f, "gworkspace.2sv_enrolled"), ISMS_EINVAL);
    has(f->err.msg, "not a service account key");

    set_env("GOOGLE_APPLICATION_CREDENTIALS", write_key("noemail.json", 0600, drop_email));
    assert_int_equal(run(f, "gworkspace.2sv_enrolled"), ISMS_EINVAL);
    has(f->err.msg, "\"client_email\"");

    set_env("GOOGLE_APPLICATION_CREDENTIALS", write_key("badpem.json", 0600, bad_pem));
    assert_int_equal(run(f, "gworkspace.2sv_enrolled"), ISMS_EINVAL);
    has(f->err.msg, "not an unencrypted PEM private key");

    /* The signed assertion never travels in clear to another machine. */
    set_env("GOOGLE_APPLICATION_CREDENTIALS", write_key("http.json", 0600, remote_http_token_uri));
    assert_int_equal(run(f, "gworkspace.2sv_enrolled"), ISMS_EINVAL);
    has(f->err.msg, "token_uri");

    /* A broken key file: the message gives the position, never the text around it. */
    char *p = arena_sprintf(&f->a, "%s/broken.json", tmpdir);
    FILE *fp = fopen(p, "w");
    assert_non_null(fp);
    fprintf(fp, "{\"type\": \"service_account\", \"private_key\": \"-----BEGIN PRIVATE KEY-----\\n%s\\n", pem_line);
    fclose(fp);
    chmod(p, 0600);
    set_env("GOOGLE_APPLICATION_CREDENTIALS", p);
    assert_int_equal(run(f, "gworkspace.2sv_enrolled"), ISMS_EINVAL);
    has(f->err.msg, "not valid JSON (line 1");
    lacks(f->err.msg, pem_line);
    assert_int_equal(served(f, "/token"), 0);
}

static void test_missing_configuration(void **state)
{
    fix *f = *state;
    set_env("GOOGLE_APPLICATION_CREDENTIALS", NULL);
    assert_int_equal(run(f, "gworkspace.2sv_enrolled"), ISMS_EINVAL);
    has(f->err.msg, "GOOGLE_APPLICATION_CREDENTIALS is not set");
    set_env("GOOGLE_APPLICATION_CREDENTIALS", "");
    assert_int_equal(run(f, "gworkspace.dormant_accounts"), ISMS_EINVAL);
    has(f->err.msg, "GOOGLE_APPLICATION_CREDENTIALS");
    set_env("GOOGLE_APPLICATION_CREDENTIALS", keypath);
    set_env("ISMS_GWORKSPACE_ADMIN", NULL);
    assert_int_equal(run(f, "gworkspace.admins_2sv"), ISMS_EINVAL);
    has(f->err.msg, "ISMS_GWORKSPACE_ADMIN is not set");
    set_env("ISMS_GWORKSPACE_ADMIN", "not an email");
    assert_int_equal(run(f, "gworkspace.admins_2sv"), ISMS_EINVAL);
    has(f->err.msg, "ISMS_GWORKSPACE_ADMIN");
    set_env("ISMS_GWORKSPACE_ADMIN", ADMIN);
    /* The access token never travels in clear to another machine. */
    set_env("ISMS_GOOGLE_API_URL", "http://admin.example.com");
    assert_int_equal(run(f, "gworkspace.2sv_enrolled"), ISMS_EINVAL);
    has(f->err.msg, "ISMS_GOOGLE_API_URL");
    assert_int_equal(served(f, "/token"), 0);
    assert_int_equal(f->raw.len, 0);
    /* Unset, the real Admin SDK is the default (not contacted here: the token request fails first). */
    set_env("ISMS_GOOGLE_API_URL", arena_sprintf(&f->a, "%s/", base));
    assert_int_equal(run(f, "gworkspace.2sv_enrolled"), ISMS_OK); /* a trailing slash is fine */
}

static char *other_key_pem;

static void other_key(json_t *j) { json_object_set_new(j, "private_key", json_string(other_key_pem)); }

static void test_invalid_grant(void **state)
{
    fix *f = *state;
    /* An admin who does not exist in the Workspace. */
    set_env("ISMS_GWORKSPACE_ADMIN", "nobody@acme.example");
    assert_int_equal(run(f, "gworkspace.2sv_enrolled"), ISMS_EINVAL);
    has(f->err.msg, "refused the service account's assertion (400 invalid_grant: Invalid email or User ID)");
    has(f->err.msg, "ISMS_GWORKSPACE_ADMIN (nobody@acme.example) must be an existing user");
    assert_int_equal(served(f, USERS), 0);
    assert_int_equal(f->raw.len, 0);
    set_env("ISMS_GWORKSPACE_ADMIN", ADMIN);

    /* A key that is not the service account's: the fake checks the signature. */
    EVP_PKEY *pk = EVP_RSA_gen(2048);
    assert_non_null(pk);
    BIO *bio = BIO_new(BIO_s_mem());
    assert_int_equal(PEM_write_bio_PrivateKey(bio, pk, NULL, NULL, 0, NULL, NULL), 1);
    char *data;
    long n = BIO_get_mem_data(bio, &data);
    other_key_pem = arena_strndup(&f->a, data, (size_t)n);
    BIO_free(bio);
    EVP_PKEY_free(pk);
    set_env("GOOGLE_APPLICATION_CREDENTIALS", write_key("other.json", 0600, other_key));
    assert_int_equal(run(f, "gworkspace.2sv_enrolled"), ISMS_EINVAL);
    has(f->err.msg, "invalid_grant: Invalid JWT Signature.");
    has(f->err.msg, "create a new JSON key");
    set_env("GOOGLE_APPLICATION_CREDENTIALS", keypath);

    /* Domain-wide delegation not granted for the scope. */
    scenario(f, "{\"name\":\"default\",\"unauthorized\":true}");
    assert_int_equal(run(f, "gworkspace.2sv_enrolled"), ISMS_EINVAL);
    has(f->err.msg, "401 unauthorized_client");
    has(f->err.msg, "domain-wide delegation");
    has(f->err.msg, GWS_SCOPE);
}

static void test_bad_token_and_forbidden(void **state)
{
    fix *f = *state;
    /* The token endpoint answers, but the token is not accepted by the API. */
    scenario(f, "{\"name\":\"default\",\"revoke\":true}");
    assert_int_equal(run(f, "gworkspace.2sv_enrolled"), ISMS_EINVAL);
    has(f->err.msg, "401");
    has(f->err.msg, "UNAUTHENTICATED");
    has(f->err.msg, "rejected the access token");
    has(f->raw.data, "\"status\":401"); /* the refusal is kept as the evidence of why */

    /* The impersonated user is not an administrator. */
    scenario(f, "{\"name\":\"default\"}");
    set_env("ISMS_GWORKSPACE_ADMIN", "dave@acme.example");
    assert_int_equal(run(f, "gworkspace.2sv_enrolled"), ISMS_EINVAL);
    has(f->err.msg, "403");
    has(f->err.msg, "Not Authorized to access this resource/api");
    has(f->err.msg, "ISMS_GWORKSPACE_ADMIN (dave@acme.example) must be an administrator");
}

static void test_secrets_never_kept(void **state)
{
    fix *f = *state;
    /* A page that echoes the Authorization header back: kept scrubbed. run() checks every token. */
    scenario(f, "{\"name\":\"default\",\"echo_token\":true}");
    assert_int_equal(run(f, "gworkspace.2sv_enrolled"), ISMS_OK);
    assert_int_equal(f->res.status, CHECK_PASS);
    has(f->raw.data, "\"authorization\":\"Bearer [redacted]\"");
    lacks(f->raw.data, "ya29.");
    lacks(f->raw.data, "expires_in");
    lacks(f->raw.data, "assertion");
    assert_true(strlen(tokens_seen(f)) > 20); /* there was a token to look for */
    /* Every check, pass or fail. */
    scenario(f, "{\"name\":\"fail\"}");
    for (const check_def *d = checks_gworkspace; d->id; d++) {
        assert_int_equal(run(f, d->id), ISMS_OK);
        lacks(f->raw.data, "ya29.");
    }
}

static char *slurp(fix *f, const char *rel, size_t *len)
{
    FILE *fp = fopen(fixture_path(rel), "rb");
    assert_non_null(fp);
    char *data = arena_alloc(&f->a, 1 << 20);
    *len = fread(data, 1, (1 << 20) - 1, fp);
    fclose(fp);
    return data;
}

static int eval(fix *f, const char *id, const char *doc, size_t len)
{
    memset(&f->res, 0, sizeof f->res);
    err_clear(&f->err);
    return def(id)->evaluate(&f->ctx, doc, len, &f->res, &f->err);
}

static int evals(fix *f, const char *id, const char *doc) { return eval(f, id, doc, strlen(doc)); }

static void test_evaluate_saved_lists(void **state)
{
    fix *f = *state;
    size_t len;
    const char *pass = slurp(f, "export/users-pass.json", &len);
    size_t plen = len;
    const char *failing = slurp(f, "export/users-fail.json", &len);
    size_t flen = len;
    const char *ids[] = {"gworkspace.2sv_enrolled", "gworkspace.2sv_enforced", "gworkspace.admins_2sv",
                         "gworkspace.super_admin_count", "gworkspace.suspended_archived_users"};
    for (size_t i = 0; i < 5; i++) {
        assert_int_equal(eval(f, ids[i], pass, plen), ISMS_OK);
        assert_int_equal(f->res.status, CHECK_PASS);
        assert_int_equal(eval(f, ids[i], failing, flen), ISMS_OK);
        assert_int_equal(f->res.status, CHECK_FAIL);
    }
    assert_int_equal(eval(f, "gworkspace.2sv_enrolled", failing, flen), ISMS_OK);
    has(f->res.details, "bob@acme.example (/Sales): not enrolled");
    /* Saved long ago: every user is dormant by now, except that the check still runs. */
    assert_int_equal(eval(f, "gworkspace.dormant_accounts", failing, flen), ISMS_OK);
    assert_int_equal(f->res.status, CHECK_FAIL);
    assert_int_equal(f->raw.len, 0); /* offline evaluation keeps nothing itself */

    /* A bare array of users (e.g. `jq .users`), and pages saved one after another. */
    assert_int_equal(evals(f, "gworkspace.2sv_enrolled",
                           "[{\"primaryEmail\":\"a@x.example\",\"isEnrolledIn2Sv\":true},"
                           "{\"primaryEmail\":\"b@x.example\",\"isEnrolledIn2Sv\":false}]"),
                     ISMS_OK);
    assert_int_equal(f->res.status, CHECK_FAIL);
    has(f->res.details, "b@x.example: not enrolled");
    const char *pages = "{\"kind\":\"admin#directory#users\",\"users\":[{\"primaryEmail\":\"a@x.example\","
                        "\"isEnrolledIn2Sv\":true}],\"nextPageToken\":\"p2\"}\n"
                        "{\"kind\":\"admin#directory#users\",\"users\":[{\"primaryEmail\":\"b@x.example\","
                        "\"isEnrolledIn2Sv\":false}],\"nextPageToken\":\"p3\"}\n"
                        "{\"kind\":\"admin#directory#users\"}\n";
    assert_int_equal(evals(f, "gworkspace.2sv_enrolled", pages), ISMS_OK);
    assert_int_equal(f->res.status, CHECK_FAIL);
    has(f->res.summary, "1 of 2 active users");
    /* One page of a longer list cannot show that every user is enrolled. */
    assert_int_equal(evals(f, "gworkspace.2sv_enrolled",
                           "{\"users\":[{\"primaryEmail\":\"a@x.example\",\"isEnrolledIn2Sv\":true}],"
                           "\"nextPageToken\":\"p2\"}"),
                     ISMS_EINVAL);
    has(f->err.msg, "cut short");

    /* Exported with a fields mask that left the answer out: cannot tell, an error result. */
    assert_int_equal(evals(f, "gworkspace.2sv_enforced", "{\"users\":[{\"primaryEmail\":\"a@x.example\"}]}"), ISMS_OK);
    assert_int_equal(f->res.status, CHECK_ERROR);
    has(f->res.details, "a@x.example: no isEnforcedIn2Sv in the data");

    /* Not a users list. */
    assert_int_equal(evals(f, "gworkspace.2sv_enrolled", "{\"users\":[1,2"), ISMS_EINVAL);
    has(f->err.msg, "invalid JSON");
    assert_int_equal(evals(f, "gworkspace.2sv_enrolled", "{\"login\":\"acme\"}"), ISMS_EINVAL);
    has(f->err.msg, "users.list");
    assert_int_equal(evals(f, "gworkspace.2sv_enrolled", "{\"users\":[]}"), ISMS_EINVAL);
    has(f->err.msg, "empty");
    assert_int_equal(evals(f, "gworkspace.2sv_enrolled", "{\"users\":[{\"id\":\"1\"}]}"), ISMS_EINVAL);
    has(f->err.msg, "primaryEmail");
    assert_int_equal(evals(f, "gworkspace.2sv_enrolled",
                           "{\"error\":{\"code\":403,\"message\":\"Not Authorized to access this resource/api\"}}"),
                     ISMS_EINVAL);
    has(f->err.msg, "error answer");
    assert_int_equal(evals(f, "gworkspace.2sv_enrolled", "  \n"), ISMS_EINVAL);
}

static const char *ago(fix *f, int days)
{
    time_t t = time(NULL) - (time_t)days * 86400;
    struct tm tm;
    char s[40];
    gmtime_r(&t, &tm);
    strftime(s, sizeof s, "%Y-%m-%dT%H:%M:%S.000Z", &tm);
    return arena_strdup(&f->a, s);
}

static void test_evaluate_dormant_and_counts(void **state)
{
    fix *f = *state;
    const char *doc = arena_sprintf(
        &f->a,
        "{\"users\":["
        "{\"primaryEmail\":\"old@x.example\",\"lastLoginTime\":\"%s\",\"creationTime\":\"%s\"},"
        "{\"primaryEmail\":\"never@x.example\",\"lastLoginTime\":\"1970-01-01T00:00:00.000Z\",\"creationTime\":\"%s\"},"
        "{\"primaryEmail\":\"new@x.example\",\"lastLoginTime\":\"1970-01-01T00:00:00.000Z\",\"creationTime\":\"%s\"},"
        "{\"primaryEmail\":\"busy@x.example\",\"lastLoginTime\":\"%s\",\"creationTime\":\"%s\"},"
        "{\"primaryEmail\":\"edge@x.example\",\"lastLoginTime\":\"%s\",\"creationTime\":\"%s\"},"
        "{\"primaryEmail\":\"gone@x.example\",\"suspended\":true,\"lastLoginTime\":\"%s\",\"creationTime\":\"%s\"}"
        "]}",
        ago(f, 91), ago(f, 500), ago(f, 100), ago(f, 3), ago(f, 1), ago(f, 1000), ago(f, 89), ago(f, 95), ago(f, 400),
        ago(f, 800));
    assert_int_equal(evals(f, "gworkspace.dormant_accounts", doc), ISMS_OK);
    assert_int_equal(f->res.status, CHECK_FAIL);
    has(f->res.summary, "2 of 5 active users");
    has(f->res.details, "old@x.example: last signed in ");
    has(f->res.details, "91 days ago");
    has(f->res.details, "never@x.example: never signed in");
    lacks(f->res.details, "new@");
    lacks(f->res.details, "busy@");
    lacks(f->res.details, "edge@");
    lacks(f->res.details, "gone@");
    /* Times with an offset, and a malformed one (an error, since nothing fails). */
    assert_int_equal(evals(f, "gworkspace.dormant_accounts",
                           "{\"users\":[{\"primaryEmail\":\"a@x.example\","
                           "\"lastLoginTime\":\"2001-01-01T10:00:00+02:00\","
                           "\"creationTime\":\"2000-01-01T00:00:00Z\"}]}"),
                     ISMS_OK);
    assert_int_equal(f->res.status, CHECK_FAIL);
    has(f->res.details, "last signed in 2001-01-01");
    assert_int_equal(evals(f, "gworkspace.dormant_accounts",
                           "{\"users\":[{\"primaryEmail\":\"a@x.example\",\"lastLoginTime\":\"yesterday\","
                           "\"creationTime\":\"2000-01-01T00:00:00Z\"}]}"),
                     ISMS_OK);
    assert_int_equal(f->res.status, CHECK_ERROR);
    has(f->res.details, "no valid lastLoginTime");

    /* Super admins: none at all; and 2 to 4 is the range. */
    assert_int_equal(evals(f, "gworkspace.super_admin_count",
                           "{\"users\":[{\"primaryEmail\":\"a@x.example\",\"isAdmin\":false}]}"),
                     ISMS_OK);
    assert_int_equal(f->res.status, CHECK_FAIL);
    has(f->res.summary, "0 active super admins: at least 2");
    assert_int_equal(evals(f, "gworkspace.super_admin_count",
                           "{\"users\":[{\"primaryEmail\":\"a@x.example\",\"isAdmin\":true},"
                           "{\"primaryEmail\":\"b@x.example\",\"isAdmin\":true},{\"primaryEmail\":\"c@x.example\","
                           "\"isAdmin\":true},{\"primaryEmail\":\"d@x.example\",\"isAdmin\":true}]}"),
                     ISMS_OK);
    assert_int_equal(f->res.status, CHECK_PASS);
    has(f->res.summary, "4 active super admins");
}

static void test_evaluate_kept_evidence(void **state)
{
    fix *f = *state;
    /* What a live run keeps evaluates offline to the same result. */
    scenario(f, "{\"name\":\"fail\",\"page_size\":4}");
    assert_int_equal(run(f, "gworkspace.admins_2sv"), ISMS_OK);
    assert_int_equal(f->res.status, CHECK_FAIL);
    const char *summary = f->res.summary, *details = f->res.details;
    char *kept = arena_strndup(&f->a, f->raw.data, f->raw.len);
    assert_int_equal(evals(f, "gworkspace.admins_2sv", kept), ISMS_OK);
    assert_int_equal(f->res.status, CHECK_FAIL);
    assert_string_equal(f->res.summary, summary);
    assert_string_equal(f->res.details, details);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_table),
        T(test_jwt),
        T(test_session),
        T(test_2sv_enrolled),
        T(test_2sv_enforced),
        T(test_admins_2sv),
        T(test_super_admin_count),
        T(test_suspended_archived),
        T(test_dormant),
        T(test_paging_three_pages),
        T(test_retry_429_and_503),
        T(test_key_file_refused_when_not_private),
        T(test_key_file_errors),
        T(test_missing_configuration),
        T(test_invalid_grant),
        T(test_bad_token_and_forbidden),
        T(test_secrets_never_kept),
        T(test_evaluate_saved_lists),
        T(test_evaluate_dormant_and_counts),
        T(test_evaluate_kept_evidence),
    };
    return cmocka_run_group_tests_name("gworkspace", tests, start_server, stop_server);
}
