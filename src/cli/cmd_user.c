/* isms user, isms token: who may use the web app and the API. */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "report/json.h"
#include "util/json.h"

/* The password: a line from standard input when it is not a terminal and has one, else a new
 * random one printed once. */
static const char *obtain_password(cli_ctx *c, int *generated)
{
    *generated = 0;
    if (!isatty(STDIN_FILENO)) {
        char line[1100];
        if (fgets(line, sizeof line, stdin)) {
            line[strcspn(line, "\r\n")] = '\0';
            if (*line)
                return arena_strdup(c->a, line);
        }
    }
    char *p = arena_alloc(c->a, USER_PASSWORD_GENERATED + 1);
    isms_err err = {0};
    if (user_password_generate(p, &err))
        return NULL;
    *generated = 1;
    return p;
}

static int user_add(cli_ctx *c)
{
    const char *name = NULL, *role = NULL;
    cli_opt opts[] = {{"name", 1, &name}, {"role", 1, &role}, {NULL, 0, NULL}};
    if (cli_parse(c, opts, NULL, 0, NULL))
        return EXIT_USAGE;
    if (!name || !role)
        return cli_usage_error(c, "--name and --role are required");
    int generated;
    const char *pw = obtain_password(c, &generated);
    ws *w;
    int rc = cli_open(c, 0, &w);
    if (rc)
        return rc;
    isms_err err = {0};
    int64_t id;
    if (!pw || ws_begin(w, &err) || store_user_add(w, name, role, pw, &id, &err))
        return cli_abort(w, pw ? &err : &(isms_err){.code = ISMS_EIO, .msg = "cannot generate a password"});
    if ((rc = cli_finish(w, &err)))
        return rc;
    if (generated)
        printf("Created %s (%s). Password, shown once: %s\n", name, role, pw);
    else
        printf("Created %s (%s).\n", name, role);
    return EXIT_OK;
}

static int user_list(cli_ctx *c)
{
    const char *json = NULL;
    cli_opt opts[] = {{"json", 0, &json}, {NULL, 0, NULL}};
    if (cli_parse(c, opts, NULL, 0, NULL))
        return EXIT_USAGE;
    ws *w;
    int rc = cli_open(c, 0, &w);
    if (rc)
        return rc;
    isms_err err = {0};
    user *u;
    size_t n;
    if (store_user_list(w, c->a, &u, &n, &err))
        return cli_abort(w, &err);
    ws_close(w);
    jw j;
    if (json) {
        jw_init_file(&j, stdout, 1);
        jw_arr(&j);
    }
    for (size_t i = 0; i < n; i++) {
        if (json) {
            jw_obj(&j);
            jw_kint(&j, "id", u[i].id);
            jw_kstr(&j, "name", u[i].name);
            jw_kstr(&j, "role", u[i].role);
            jw_kbool(&j, "mfa", u[i].mfa_enabled);
            jw_kbool(&j, "disabled", u[i].disabled);
            jw_kstr(&j, "created_at", u[i].created_at);
            jw_obj_end(&j);
        } else {
            printf("%-24s %-8s %-8s %s%s\n", u[i].name, u[i].role, u[i].mfa_enabled ? "mfa" : "no mfa", u[i].created_at,
                   u[i].disabled ? "  DISABLED" : "");
        }
    }
    if (json) {
        jw_arr_end(&j);
        jw_end(&j);
    }
    return EXIT_OK;
}

/* One-name write commands share their shape: open, begin, act, commit. */
static int with_user(cli_ctx *c, const char *name, int (*act)(ws *, const char *, const void *, isms_err *),
                     const void *arg)
{
    ws *w;
    int rc = cli_open(c, 0, &w);
    if (rc)
        return rc;
    isms_err err = {0};
    if (ws_begin(w, &err) || act(w, name, arg, &err))
        return cli_abort(w, &err);
    return cli_finish(w, &err);
}

static int act_passwd(ws *w, const char *name, const void *arg, isms_err *err)
{
    return store_user_set_password(w, name, arg, err);
}
static int act_role(ws *w, const char *name, const void *arg, isms_err *err)
{
    return store_user_set_role(w, name, arg, err);
}
static int act_disable(ws *w, const char *name, const void *arg, isms_err *err)
{
    return store_user_disable(w, name, *(const int *)arg, err);
}
static int act_mfa_off(ws *w, const char *name, const void *arg, isms_err *err)
{
    (void)arg;
    return store_user_mfa_disable(w, name, err);
}

static int user_passwd(cli_ctx *c)
{
    const char *name = NULL;
    cli_opt opts[] = {{"name", 1, &name}, {NULL, 0, NULL}};
    if (cli_parse(c, opts, NULL, 0, NULL))
        return EXIT_USAGE;
    if (!name)
        return cli_usage_error(c, "--name is required");
    int generated;
    const char *pw = obtain_password(c, &generated);
    if (!pw)
        return cli_fail(&(isms_err){.code = ISMS_EIO, .msg = "cannot generate a password"});
    int rc = with_user(c, name, act_passwd, pw);
    if (!rc && generated)
        printf("New password for %s, shown once: %s\n", name, pw);
    return rc;
}

static int user_role(cli_ctx *c)
{
    const char *name = NULL, *role = NULL;
    cli_opt opts[] = {{"name", 1, &name}, {"role", 1, &role}, {NULL, 0, NULL}};
    if (cli_parse(c, opts, NULL, 0, NULL))
        return EXIT_USAGE;
    if (!name || !role)
        return cli_usage_error(c, "--name and --role are required");
    return with_user(c, name, act_role, role);
}

static int user_disable(cli_ctx *c)
{
    const char *name = NULL, *enable = NULL;
    cli_opt opts[] = {{"name", 1, &name}, {"enable", 0, &enable}, {NULL, 0, NULL}};
    if (cli_parse(c, opts, NULL, 0, NULL))
        return EXIT_USAGE;
    if (!name)
        return cli_usage_error(c, "--name is required");
    int disabled = !enable;
    return with_user(c, name, act_disable, &disabled);
}

static int user_mfa(cli_ctx *c)
{
    const char *name = NULL, *code = NULL, *pos[1];
    int np = 0;
    cli_opt opts[] = {{"name", 1, &name}, {"code", 1, &code}, {NULL, 0, NULL}};
    if (cli_parse(c, opts, pos, 1, &np))
        return EXIT_USAGE;
    if (np != 1 || !name)
        return cli_usage_error(c, "expected `mfa enable|confirm|disable --name N [--code 123456]`");
    if (!strcmp(pos[0], "disable"))
        return with_user(c, name, act_mfa_off, NULL);
    ws *w;
    int rc = cli_open(c, 0, &w);
    if (rc)
        return rc;
    isms_err err = {0};
    org o;
    if (!strcmp(pos[0], "enable")) {
        char secret[64];
        if (ws_begin(w, &err) || store_org_get(w, c->a, &o, &err) ||
            store_user_mfa_begin(w, name, secret, sizeof secret, &err))
            return cli_abort(w, &err);
        if ((rc = cli_finish(w, &err)))
            return rc;
        printf("Secret for %s (add it to an authenticator app, then confirm a code):\n  %s\n"
               "  otpauth://totp/isms:%s?secret=%s&issuer=isms&algorithm=SHA1&digits=6&period=30\n"
               "Confirm: isms user mfa confirm --name %s --code 123456\n",
               name, secret, name, secret, name);
        return EXIT_OK;
    }
    if (!strcmp(pos[0], "confirm")) {
        if (!code) {
            ws_close(w);
            return cli_usage_error(c, "--code is required");
        }
        int ok;
        const char *t = getenv("ISMS_TOTP_TIME"); /* a fixed clock, for tests */
        long long now = t && *t ? atoll(t) : (long long)time(NULL);
        if (ws_begin(w, &err) || store_user_mfa_check(w, name, code, now, &ok, &err))
            return cli_abort(w, &err);
        if ((rc = cli_finish(w, &err)))
            return rc;
        if (!ok) {
            fprintf(stderr, "isms: code refused for %s (wrong, expired or already used)\n", name);
            return EXIT_PROBLEMS;
        }
        printf("Two-factor authentication is on for %s.\n", name);
        return EXIT_OK;
    }
    ws_close(w);
    return cli_usage_error(c, "unknown mfa action '%s' (enable, confirm, disable)", pos[0]);
}

const cli_cmd cmds_user[] = {
    {"add", user_add, "--name N --role admin|editor|viewer|auditor",
     "Add a user. The password is read from standard input when it is piped in, otherwise a random\n"
     "one is generated and printed once. Passwords are stored as argon2id hashes."},
    {"list", user_list, "[--json]", "Users, their roles and whether two-factor authentication is on."},
    {"passwd", user_passwd, "--name N", "Set a new password (from standard input, or generated and printed once)."},
    {"role", user_role, "--name N --role R", "Change a user's role."},
    {"disable", user_disable, "--name N [--enable]", "Disable (or with --enable, re-enable) a user."},
    {"mfa", user_mfa, "enable|confirm|disable --name N [--code 123456]",
     "TOTP two-factor authentication (RFC 6238, any authenticator app): enable prints the secret,\n"
     "confirm checks a first code and turns it on; a code is accepted once."},
    {NULL, NULL, NULL, NULL},
};

static int token_create(cli_ctx *c)
{
    const char *name = NULL, *label = NULL;
    cli_opt opts[] = {{"user", 1, &name}, {"label", 1, &label}, {NULL, 0, NULL}};
    if (cli_parse(c, opts, NULL, 0, NULL))
        return EXIT_USAGE;
    if (!name)
        return cli_usage_error(c, "--user is required");
    ws *w;
    int rc = cli_open(c, 0, &w);
    if (rc)
        return rc;
    isms_err err = {0};
    char token[96];
    int64_t id;
    if (ws_begin(w, &err) || store_token_create(w, name, label, token, sizeof token, &id, &err))
        return cli_abort(w, &err);
    if ((rc = cli_finish(w, &err)))
        return rc;
    printf("%s\n", token);
    fprintf(stderr, "token %lld for %s: shown once, store it now (only its hash is kept)\n", (long long)id, name);
    sodium_memzero(token, sizeof token);
    return EXIT_OK;
}

static int token_list(cli_ctx *c)
{
    const char *json = NULL;
    cli_opt opts[] = {{"json", 0, &json}, {NULL, 0, NULL}};
    if (cli_parse(c, opts, NULL, 0, NULL))
        return EXIT_USAGE;
    ws *w;
    int rc = cli_open(c, 0, &w);
    if (rc)
        return rc;
    isms_err err = {0};
    api_token *t;
    size_t n;
    if (store_token_list(w, c->a, &t, &n, &err))
        return cli_abort(w, &err);
    ws_close(w);
    jw j;
    if (json) {
        jw_init_file(&j, stdout, 1);
        jw_arr(&j);
    }
    for (size_t i = 0; i < n; i++) {
        if (json) {
            json_api_token(&j, &t[i]);
        } else {
            printf("%4lld  %-20s %s…  %-20s %s%s\n", (long long)t[i].id, t[i].user, t[i].prefix,
                   t[i].label ? t[i].label : "", t[i].created_at, t[i].revoked_at ? "  REVOKED" : "");
        }
    }
    if (json) {
        jw_arr_end(&j);
        jw_end(&j);
    }
    return EXIT_OK;
}

static int token_revoke(cli_ctx *c)
{
    const char *pos[1];
    int np = 0;
    if (cli_parse(c, NULL, pos, 1, &np))
        return EXIT_USAGE;
    long id;
    if (np != 1)
        return cli_usage_error(c, "give the token id (see `isms token list`)");
    if (cli_int(c, "token id", pos[0], 1, 1L << 50, &id))
        return EXIT_USAGE;
    ws *w;
    int rc = cli_open(c, 0, &w);
    if (rc)
        return rc;
    isms_err err = {0};
    if (ws_begin(w, &err) || store_token_revoke(w, id, &err))
        return cli_abort(w, &err);
    return cli_finish(w, &err);
}

const cli_cmd cmds_token[] = {
    {"create", token_create, "--user N [--label TEXT]",
     "Create an API token for a user; it is printed once and only its SHA-256 is stored."},
    {"list", token_list, "[--json]", "Tokens with their owner, prefix and state."},
    {"revoke", token_revoke, "ID", "Revoke a token."},
    {NULL, NULL, NULL, NULL},
};
