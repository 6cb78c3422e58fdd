/* The logged-in user's own account: change the password (the current one required), and turn
 * two-factor authentication (TOTP) on — the secret shown once as an otpauth:// URI and grouped
 * base32 for typing in, enabled only after a code from the app is confirmed — or off, which
 * needs a current code. A password change ends the user's other sessions. There is no QR code: no QR library is among the project's dependencies. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "web/api.h"


/* The clock for codes: ISMS_TOTP_TIME fixes it for tests, as at login. */
static long long totp_now(void)
{
    const char *t = getenv("ISMS_TOTP_TIME");
    return t && *t ? atoll(t) : (long long)time(NULL);
}

static void csrf_field(web_req *rq, web_resp *rs)
{
    web_html(rs, "<input type=\"hidden\" name=\"csrf\" value=\"%s\">", rq->csrf ? rq->csrf : "");
}

static void code_input(web_resp *rs)
{
    web_raw(rs, "<label>Code from the app <input name=\"code\" inputmode=\"numeric\" autocomplete=\"one-time-code\" "
                "pattern=\"[0-9]{6}\" maxlength=\"6\" required></label>");
}

/* Percent-encode s for a URI path or query component. */
static const char *uri_escape(arena *a, const char *s)
{
    char *o = arena_alloc(a, strlen(s) * 3 + 1), *p = o;
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || strchr("-._~", ch))
            *p++ = (char)ch;
        else
            p += snprintf(p, 4, "%%%02X", ch);
    }
    *p = '\0';
    return o;
}

/* The page; secret is the new TOTP secret right after enrolment starts (shown only then). */
static void account_page(web_req *rq, web_resp *rs, const char *error, const char *notice, const char *secret)
{
    page_head(rq, rs, "Your account", "/account");
    web_html(rs, "<h1>Your account</h1><p>%s · %s</p>", rq->u.name, rq->u.role);
    if (error)
        web_html(rs, "<p class=\"error\" role=\"alert\" id=\"form-error\">%s</p>", error);
    if (notice)
        web_html(rs, "<p class=\"notice\" role=\"status\" id=\"notice\">%s</p>", notice);
    web_raw(rs, "<section class=\"grid\"><div><h2>Password</h2><form class=\"edit\" id=\"password-form\" method=\"post\" "
                "action=\"/account/password\">");
    csrf_field(rq, rs);
    web_raw(rs, "<label>Current password <input name=\"current\" type=\"password\" autocomplete=\"current-password\" required></label>"
                "<label>New password (at least 12 characters) <input name=\"new\" type=\"password\" "
                "autocomplete=\"new-password\" minlength=\"12\" required></label>"
                "<label>New password again <input name=\"confirm\" type=\"password\" autocomplete=\"new-password\" "
                "minlength=\"12\" required></label><button type=\"submit\">Change password</button></form></div>"
                "<div><h2>Two-factor authentication</h2>");
    if (secret) {
        web_html(rs, "<p>Add this account to your authenticator app, then enter the code it shows to turn two-factor "
                     "on. The secret is shown only now.</p><p>Setup URI: <code id=\"mfa-uri\">otpauth://totp/isms:%s?"
                     "secret=%s&amp;issuer=isms&amp;algorithm=SHA1&amp;digits=6&amp;period=30</code></p>"
                     "<p>Or type the key: <code id=\"mfa-secret\" class=\"secret\">",
                 uri_escape(rq->a, rq->u.name), secret);
        for (size_t i = 0; secret[i]; i++) {
            if (i && i % 4 == 0)
                web_raw(rs, " ");
            char ch[2] = {secret[i], '\0'};
            web_html(rs, "%s", ch);
        }
        web_raw(rs, "</code> (time-based, 6 digits, every 30 seconds)</p>"
                    "<form class=\"edit\" id=\"mfa-confirm\" method=\"post\" action=\"/account/mfa\">");
        csrf_field(rq, rs);
        web_raw(rs, "<input type=\"hidden\" name=\"action\" value=\"confirm\">");
        code_input(rs);
        web_raw(rs, "<button type=\"submit\">Turn on two-factor</button></form>");
    } else if (rq->u.mfa_enabled) {
        web_raw(rs, "<p id=\"mfa-state\">Two-factor is <strong>on</strong>: logging in needs a code from your app.</p>"
                    "<form class=\"edit\" id=\"mfa-disable\" method=\"post\" action=\"/account/mfa\">");
        csrf_field(rq, rs);
        web_raw(rs, "<input type=\"hidden\" name=\"action\" value=\"disable\">");
        code_input(rs);
        web_raw(rs, "<button type=\"submit\">Turn off two-factor</button></form>");
    } else {
        web_raw(rs, "<p id=\"mfa-state\">Two-factor is <strong>off</strong>.</p>"
                    "<form class=\"edit\" id=\"mfa-begin\" method=\"post\" action=\"/account/mfa\">");
        csrf_field(rq, rs);
        web_raw(rs, "<input type=\"hidden\" name=\"action\" value=\"begin\"><button type=\"submit\">Set up two-factor"
                    "</button></form>");
    }
    web_raw(rs, "</div></section>");
    page_foot(rs);
}

int page_account(web_req *rq, web_resp *rs)
{
    const char *done = web_query(rq, "done");
    const char *notice = !done ? NULL
                       : !strcmp(done, "password") ? "Your password is changed."
                       : !strcmp(done, "mfa-on") ? "Two-factor authentication is on."
                       : !strcmp(done, "mfa-off") ? "Two-factor authentication is off." : NULL;
    account_page(rq, rs, NULL, notice, NULL);
    return 0;
}

static int refuse(web_req *rq, web_resp *rs, int status, const char *msg)
{
    rs->status = status;
    account_page(rq, rs, msg, NULL, NULL);
    return 0;
}

int form_account_password(web_req *rq, web_resp *rs)
{
    const char *cur = web_form(rq, "current"), *pw = web_form(rq, "new"), *again = web_form(rq, "confirm");
    if (!cur || !*cur || !pw || !*pw)
        return refuse(rq, rs, 422, "Give your current password and a new one.");
    if (!again || strcmp(pw, again))
        return refuse(rq, rs, 422, "The two new passwords differ.");
    int wait = web_auth_wait(rq, rq->u.name, 0);
    if (wait)
        return refuse(rq, rs, 429, arena_sprintf(rq->a, "Too many wrong passwords or codes. Try again in %d seconds.", wait));
    isms_err err = {0};
    int ok = 0;
    if (store_user_check_password(rq->w, rq->u.name, cur, &ok, &err) || !ok) {
        web_auth_failed(rq, rq->u.name, 0);
        return refuse(rq, rs, 403, "The current password is wrong; nothing was changed.");
    }
    if (ws_begin(rq->w, &err) || store_user_set_password(rq->w, rq->u.name, pw, &err) || ws_commit(rq->w, &err)) {
        ws_rollback(rq->w);
        return refuse(rq, rs, err.code == ISMS_EINVAL ? 422 : 500, err.msg);
    }
    web_sessions_end_others(rq); /* whoever knew the old password is logged out */
    web_redirect(rs, "/account?done=password");
    return 0;
}

/* Check a code in the open transaction: *ok when it is right and not used before. */
static int code_ok(web_req *rq, const char *code, int *ok, isms_err *err)
{
    *ok = 0;
    if (!code || strlen(code) != 6 || strspn(code, "0123456789") != 6)
        return ISMS_OK;
    return store_user_mfa_check(rq->w, rq->u.name, code, totp_now(), ok, err);
}

int form_account_mfa(web_req *rq, web_resp *rs)
{
    const char *action = web_form(rq, "action"), *code = web_form(rq, "code");
    isms_err err = {0};
    int ok = 0;
    /* codes are six digits: guessing is stopped by the login limits */
    int wait = action && strcmp(action, "begin") ? web_auth_wait(rq, rq->u.name, 0) : 0;
    if (wait)
        return refuse(rq, rs, 429, arena_sprintf(rq->a, "Too many wrong passwords or codes. Try again in %d seconds.", wait));
    if (action && !strcmp(action, "begin")) {
        if (rq->u.mfa_enabled)
            return refuse(rq, rs, 409, "Two-factor is already on; turn it off first to set up a new app.");
        char secret[64];
        if (ws_begin(rq->w, &err) || store_user_mfa_begin(rq->w, rq->u.name, secret, sizeof secret, &err) ||
            ws_commit(rq->w, &err)) {
            ws_rollback(rq->w);
            return refuse(rq, rs, 500, err.msg);
        }
        account_page(rq, rs, NULL, NULL, secret);
        return 0;
    }
    if (action && !strcmp(action, "confirm")) {
        if (rq->u.mfa_enabled)
            return refuse(rq, rs, 409, "Two-factor is already on.");
        if (ws_begin(rq->w, &err) || code_ok(rq, code, &ok, &err) || ws_commit(rq->w, &err)) {
            ws_rollback(rq->w);
            return refuse(rq, rs, 422, err.code == ISMS_EINVAL ? "Set up two-factor first." : err.msg);
        }
        if (!ok)
            web_auth_failed(rq, rq->u.name, 0);
        if (!ok)
            return refuse(rq, rs, 422, "That code is wrong or was used already; two-factor stays off. Set it up "
                                       "again if the app does not show this account.");
        web_redirect(rs, "/account?done=mfa-on");
        return 0;
    }
    if (action && !strcmp(action, "disable")) {
        if (!rq->u.mfa_enabled)
            return refuse(rq, rs, 409, "Two-factor is already off.");
        if (ws_begin(rq->w, &err) || code_ok(rq, code, &ok, &err) || (ok && store_user_mfa_disable(rq->w, rq->u.name, &err)) ||
            ws_commit(rq->w, &err)) {
            ws_rollback(rq->w);
            return refuse(rq, rs, 500, err.msg);
        }
        if (!ok) {
            web_auth_failed(rq, rq->u.name, 0);
            return refuse(rq, rs, 422, "That code is wrong or was used already; two-factor stays on.");
        }
        web_redirect(rs, "/account?done=mfa-off");
        return 0;
    }
    return refuse(rq, rs, 400, "Unknown action: use begin, confirm or disable.");
}
