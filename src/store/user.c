/* Users (argon2id password hashes, TOTP second factor) and API tokens (SHA-256 hashes only). */
#include <openssl/evp.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "core/totp.h"
#include "store/internal.h"

static const char *const roles[] = {"admin", "editor", "viewer", "auditor", NULL};

int user_role_valid(const char *role)
{
    for (const char *const *r = roles; *r; r++)
        if (role && !strcmp(*r, role))
            return 1;
    return 0;
}

static int sodium_ready(isms_err *err)
{
    if (sodium_init() < 0)
        return err_set(err, ISMS_EIO, "cannot initialise libsodium");
    return ISMS_OK;
}

int user_password_generate(char out[USER_PASSWORD_GENERATED + 1], isms_err *err)
{
    int rc = sodium_ready(err);
    if (rc)
        return rc;
    /* No look-alike characters: the password is read off a screen and typed once. */
    static const char alphabet[] = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    for (int i = 0; i < USER_PASSWORD_GENERATED; i++)
        out[i] = alphabet[randombytes_uniform(sizeof alphabet - 1)];
    out[USER_PASSWORD_GENERATED] = '\0';
    return ISMS_OK;
}

static int hash_password(const char *password, char out[crypto_pwhash_STRBYTES], isms_err *err)
{
    size_t len = password ? strlen(password) : 0;
    if (len < 12)
        return err_set(err, ISMS_EINVAL, "passwords need at least 12 characters");
    if (len > 1024)
        return err_set(err, ISMS_EINVAL, "passwords are limited to 1024 characters");
    if (crypto_pwhash_str_alg(out, password, len, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                              crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) != 0)
        return err_set(err, ISMS_ENOMEM, "out of memory hashing the password");
    return ISMS_OK;
}

static int exec_user(ws *w, const char *sql, const char *a1, const char *a2, const char *what, isms_err *err)
{
    sqlite3_stmt *st;
    int rc = st_prepare(w, sql, &st, err);
    if (rc)
        return rc;
    char now[32];
    store_now(now);
    st_text(st, 1, a1);
    st_text(st, 2, now);
    st_text(st, 3, a2);
    int s = sqlite3_step(st);
    st_release(w, st);
    if (s != SQLITE_DONE)
        return st_error(w, s, what, err);
    if (sqlite3_changes(w->db) == 0)
        return err_set(err, ISMS_ENOTFOUND, "no user '%s'", a2 ? a2 : "");
    return ISMS_OK;
}

int store_user_add(ws *w, const char *name, const char *role, const char *password, int64_t *id, isms_err *err)
{
    int rc;
    if (!name || !*name || strlen(name) > 64)
        return err_field(err, ISMS_EINVAL, "name", "a user name has 1 to 64 characters");
    for (const char *p = name; *p; p++)
        if ((unsigned char)*p < 0x21 || *p == 0x7f)
            return err_field(err, ISMS_EINVAL, "name", "a user name has no spaces or control characters");
    if (!user_role_valid(role))
        return err_field(err, ISMS_EINVAL, "role", "the role must be admin, editor, viewer or auditor, not '%s'",
                         role ? role : "");
    char hash[crypto_pwhash_STRBYTES];
    if ((rc = sodium_ready(err)) || (rc = hash_password(password, hash, err)))
        return rc;
    sqlite3_stmt *st;
    char now[32];
    store_now(now);
    if ((rc = st_prepare(w, "INSERT INTO user(name, role, pw_hash, created_at, updated_at) VALUES (?,?,?,?,?4)", &st,
                         err)))
        return rc;
    st_text(st, 1, name);
    st_text(st, 2, role);
    st_text(st, 3, hash);
    st_text(st, 4, now);
    int s = sqlite3_step(st);
    st_release(w, st);
    sodium_memzero(hash, sizeof hash);
    if ((s & 0xff) == SQLITE_CONSTRAINT)
        return err_set(err, ISMS_ECONFLICT, "a user named '%s' already exists", name);
    if (s != SQLITE_DONE)
        return st_error(w, s, "adding a user", err);
    *id = sqlite3_last_insert_rowid(w->db);
    char ids[24], after[160];
    snprintf(ids, sizeof ids, "%lld", (long long)*id);
    snprintf(after, sizeof after, "{\"name\":\"%s\",\"role\":\"%s\"}", name, role);
    return store_audit(w, "create", "user", ids, NULL, after, err);
}

int store_user_list(ws *w, arena *a, user **out, size_t *n, isms_err *err)
{
    sqlite3_stmt *st;
    int rc = st_prepare(w, "SELECT id, name, role, created_at, mfa_enabled, disabled FROM user ORDER BY name", &st, err);
    if (rc)
        return rc;
    size_t cap = 16, cnt = 0;
    user *arr = arena_alloc(a, cap * sizeof *arr);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (cnt == cap) {
            user *na = arena_alloc(a, cap * 2 * sizeof *na);
            memcpy(na, arr, cnt * sizeof *na);
            arr = na;
            cap *= 2;
        }
        arr[cnt++] = (user){sqlite3_column_int64(st, 0), st_col(st, 1, a), st_col(st, 2, a), st_col(st, 3, a),
                            sqlite3_column_int(st, 4), sqlite3_column_int(st, 5)};
    }
    st_release(w, st);
    *out = arr;
    *n = cnt;
    return rc == SQLITE_DONE ? ISMS_OK : st_error(w, rc, "listing users", err);
}

int store_user_get(ws *w, const char *name, arena *a, user *u, isms_err *err)
{
    sqlite3_stmt *st;
    int rc = st_prepare(w, "SELECT id, name, role, created_at, mfa_enabled, disabled FROM user WHERE name = ?", &st, err);
    if (rc)
        return rc;
    st_text(st, 1, name);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *u = (user){sqlite3_column_int64(st, 0), st_col(st, 1, a), st_col(st, 2, a), st_col(st, 3, a),
                    sqlite3_column_int(st, 4), sqlite3_column_int(st, 5)};
    st_release(w, st);
    if (rc == SQLITE_DONE)
        return err_set(err, ISMS_ENOTFOUND, "no user '%s'", name ? name : "");
    return rc == SQLITE_ROW ? ISMS_OK : st_error(w, rc, "reading a user", err);
}

int store_user_set_password(ws *w, const char *name, const char *password, isms_err *err)
{
    char hash[crypto_pwhash_STRBYTES];
    int rc;
    if ((rc = sodium_ready(err)) || (rc = hash_password(password, hash, err)))
        return rc;
    rc = exec_user(w, "UPDATE user SET pw_hash = ?1, updated_at = ?2 WHERE name = ?3", hash, name, "changing a password",
                   err);
    sodium_memzero(hash, sizeof hash);
    return rc ? rc : store_audit(w, "password", "user", name, NULL, NULL, err);
}

int store_user_set_role(ws *w, const char *name, const char *role, isms_err *err)
{
    if (!user_role_valid(role))
        return err_field(err, ISMS_EINVAL, "role", "the role must be admin, editor, viewer or auditor, not '%s'",
                         role ? role : "");
    int rc = exec_user(w, "UPDATE user SET role = ?1, updated_at = ?2 WHERE name = ?3", role, name, "changing a role", err);
    char after[64];
    snprintf(after, sizeof after, "{\"role\":\"%s\"}", role);
    return rc ? rc : store_audit(w, "update", "user", name, NULL, after, err);
}

int store_user_disable(ws *w, const char *name, int disabled, isms_err *err)
{
    int rc = exec_user(w, disabled ? "UPDATE user SET disabled = 1, updated_at = ?2 WHERE name = ?3 AND ?1 IS NULL"
                                   : "UPDATE user SET disabled = 0, updated_at = ?2 WHERE name = ?3 AND ?1 IS NULL",
                       NULL, name, "changing a user", err);
    return rc ? rc : store_audit(w, disabled ? "disable" : "enable", "user", name, NULL, NULL, err);
}

int store_user_check_password(ws *w, const char *name, const char *password, int *ok, isms_err *err)
{
    *ok = 0;
    int rc = sodium_ready(err);
    if (rc)
        return rc;
    sqlite3_stmt *st;
    if ((rc = st_prepare(w, "SELECT pw_hash, disabled FROM user WHERE name = ?", &st, err)))
        return rc;
    st_text(st, 1, name);
    int s = sqlite3_step(st);
    /* An unknown user is checked against a hash with the same cost, so timing does not reveal
     * which names exist. */
    static const char dummy[] = "$argon2id$v=19$m=65536,t=2,p=1$5PzJrreNEMmd5jKVtTky1Q$"
                                "4m3pcLg0rOmPZMzZeMW57iKYvklJfGPs4shXxX9l6h4";
    const char *hash = s == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 0) : dummy;
    int disabled = s == SQLITE_ROW ? sqlite3_column_int(st, 1) : 1;
    size_t len = password ? strlen(password) : 0;
    int match = len <= 1024 && hash && crypto_pwhash_str_verify(hash, password ? password : "", len) == 0;
    st_release(w, st);
    if (s != SQLITE_ROW && s != SQLITE_DONE)
        return st_error(w, s, "checking a password", err);
    *ok = match && !disabled && s == SQLITE_ROW;
    return ISMS_OK;
}

int store_user_mfa_begin(ws *w, const char *name, char *secret_b32, size_t sz, isms_err *err)
{
    int rc = sodium_ready(err);
    if (rc)
        return rc;
    if (sz < 40)
        return err_set(err, ISMS_EINVAL, "secret buffer too small");
    unsigned char key[TOTP_SECRET_BYTES];
    randombytes_buf(key, sizeof key);
    totp_base32_encode(key, sizeof key, secret_b32);
    sodium_memzero(key, sizeof key);
    rc = exec_user(w, "UPDATE user SET totp_secret = ?1, mfa_enabled = 0, totp_last_step = NULL, updated_at = ?2 "
                      "WHERE name = ?3",
                   secret_b32, name, "starting MFA", err);
    return rc ? rc : store_audit(w, "mfa_begin", "user", name, NULL, NULL, err);
}

int store_user_mfa_check(ws *w, const char *name, const char *code, long long t, int *ok, isms_err *err)
{
    *ok = 0;
    sqlite3_stmt *st;
    int rc = st_prepare(w, "SELECT totp_secret, coalesce(totp_last_step, -1), mfa_enabled FROM user WHERE name = ?", &st,
                        err);
    if (rc)
        return rc;
    st_text(st, 1, name);
    int s = sqlite3_step(st);
    unsigned char key[64];
    int keylen = -1;
    long long last = -1;
    int enabled = 0;
    if (s == SQLITE_ROW && sqlite3_column_text(st, 0)) {
        keylen = totp_base32_decode((const char *)sqlite3_column_text(st, 0), key, sizeof key);
        last = sqlite3_column_int64(st, 1);
        enabled = sqlite3_column_int(st, 2);
    }
    st_release(w, st);
    if (s == SQLITE_DONE)
        return err_set(err, ISMS_ENOTFOUND, "no user '%s'", name ? name : "");
    if (s != SQLITE_ROW)
        return st_error(w, s, "checking a code", err);
    if (keylen <= 0)
        return err_set(err, ISMS_EINVAL, "user '%s' has no MFA secret: enable two-factor authentication first", name);
    int64_t step = totp_verify(key, (size_t)keylen, code, (time_t)t);
    sodium_memzero(key, sizeof key);
    /* A code is good once: replaying an observed code in the same window is refused. */
    if (step < 0 || step <= last)
        return ISMS_OK;
    char steps[24];
    snprintf(steps, sizeof steps, "%lld", (long long)step);
    if ((rc = exec_user(w, "UPDATE user SET totp_last_step = ?1, mfa_enabled = 1, updated_at = ?2 WHERE name = ?3",
                        steps, name, "recording a code", err)))
        return rc;
    *ok = 1;
    return enabled ? ISMS_OK : store_audit(w, "mfa_enable", "user", name, NULL, NULL, err);
}

int store_user_mfa_disable(ws *w, const char *name, isms_err *err)
{
    int rc = exec_user(w, "UPDATE user SET totp_secret = NULL, mfa_enabled = 0, totp_last_step = NULL, updated_at = ?2 "
                          "WHERE name = ?3 AND ?1 IS NULL",
                       NULL, name, "disabling MFA", err);
    return rc ? rc : store_audit(w, "mfa_disable", "user", name, NULL, NULL, err);
}

static void sha256_hex(const char *s, char out[65])
{
    unsigned char md[32];
    EVP_Digest(s, strlen(s), md, NULL, EVP_sha256(), NULL);
    for (int i = 0; i < 32; i++)
        snprintf(out + 2 * i, 3, "%02x", md[i]);
}

int store_token_create(ws *w, const char *name, const char *label, char *token_out, size_t sz, int64_t *id,
                       isms_err *err)
{
    int rc = sodium_ready(err);
    if (rc)
        return rc;
    if (sz < 64)
        return err_set(err, ISMS_EINVAL, "token buffer too small");
    arena a;
    arena_init(&a);
    user u;
    rc = store_user_get(w, name, &a, &u, err);
    arena_free(&a);
    if (rc)
        return rc;
    /* 32 random bytes as hex behind a recognisable prefix, so leaked tokens can be found by scanners. */
    unsigned char rnd[32];
    randombytes_buf(rnd, sizeof rnd);
    char hexs[65];
    sodium_bin2hex(hexs, sizeof hexs, rnd, sizeof rnd);
    sodium_memzero(rnd, sizeof rnd);
    snprintf(token_out, sz, "isms_%s", hexs);
    sodium_memzero(hexs, sizeof hexs);
    char hash[65], prefix[16];
    sha256_hex(token_out, hash);
    snprintf(prefix, sizeof prefix, "%.11s", token_out);
    sqlite3_stmt *st;
    char now[32];
    store_now(now);
    if ((rc = st_prepare(w, "INSERT INTO api_token(user_id, prefix, hash, label, created_at) VALUES (?,?,?,?,?)", &st,
                         err)))
        return rc;
    sqlite3_bind_int64(st, 1, u.id);
    st_text(st, 2, prefix);
    st_text(st, 3, hash);
    st_text(st, 4, label);
    st_text(st, 5, now);
    int s = sqlite3_step(st);
    st_release(w, st);
    if (s != SQLITE_DONE)
        return st_error(w, s, "creating a token", err);
    *id = sqlite3_last_insert_rowid(w->db);
    char ids[24], after[200];
    snprintf(ids, sizeof ids, "%lld", (long long)*id);
    snprintf(after, sizeof after, "{\"user\":\"%s\",\"prefix\":\"%s\"}", name, prefix);
    return store_audit(w, "create", "api_token", ids, NULL, after, err);
}

int store_token_list(ws *w, arena *a, api_token **out, size_t *n, isms_err *err)
{
    sqlite3_stmt *st;
    int rc = st_prepare(w,
                        "SELECT t.id, u.name, t.prefix, t.label, t.created_at, t.last_used_at, t.revoked_at "
                        "FROM api_token t JOIN user u ON u.id = t.user_id ORDER BY t.id",
                        &st, err);
    if (rc)
        return rc;
    size_t cap = 16, cnt = 0;
    api_token *arr = arena_alloc(a, cap * sizeof *arr);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (cnt == cap) {
            api_token *na = arena_alloc(a, cap * 2 * sizeof *na);
            memcpy(na, arr, cnt * sizeof *na);
            arr = na;
            cap *= 2;
        }
        arr[cnt++] = (api_token){sqlite3_column_int64(st, 0), st_col(st, 1, a), st_col(st, 2, a), st_col(st, 3, a),
                                 st_col(st, 4, a), st_col(st, 5, a), st_col(st, 6, a)};
    }
    st_release(w, st);
    *out = arr;
    *n = cnt;
    return rc == SQLITE_DONE ? ISMS_OK : st_error(w, rc, "listing tokens", err);
}

int store_token_revoke(ws *w, int64_t id, isms_err *err)
{
    sqlite3_stmt *st;
    char now[32];
    store_now(now);
    int rc = st_prepare(w, "UPDATE api_token SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", &st, err);
    if (rc)
        return rc;
    st_text(st, 1, now);
    sqlite3_bind_int64(st, 2, id);
    int s = sqlite3_step(st);
    st_release(w, st);
    if (s != SQLITE_DONE)
        return st_error(w, s, "revoking a token", err);
    if (sqlite3_changes(w->db) == 0)
        return err_set(err, ISMS_ENOTFOUND, "no active token with id %lld", (long long)id);
    char ids[24];
    snprintf(ids, sizeof ids, "%lld", (long long)id);
    return store_audit(w, "revoke", "api_token", ids, NULL, NULL, err);
}

int store_token_user(ws *w, const char *token, arena *a, user *u, isms_err *err)
{
    if (!token || strncmp(token, "isms_", 5) || strlen(token) != 69)
        return err_set(err, ISMS_ENOTFOUND, "invalid token");
    char hash[65];
    sha256_hex(token, hash);
    sqlite3_stmt *st;
    int rc = st_prepare(w,
                       "SELECT u.id, u.name, u.role, u.created_at, u.mfa_enabled, u.disabled FROM api_token t "
                       "JOIN user u ON u.id = t.user_id WHERE t.hash = ? AND t.revoked_at IS NULL AND u.disabled = 0",
                       &st, err);
    if (rc)
        return rc;
    st_text(st, 1, hash);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *u = (user){sqlite3_column_int64(st, 0), st_col(st, 1, a), st_col(st, 2, a), st_col(st, 3, a),
                    sqlite3_column_int(st, 4), sqlite3_column_int(st, 5)};
    st_release(w, st);
    if (rc == SQLITE_DONE)
        return err_set(err, ISMS_ENOTFOUND, "invalid token");
    return rc == SQLITE_ROW ? ISMS_OK : st_error(w, rc, "checking a token", err);
}
