#!/bin/bash
# User administration over HTTP: admin only, the CLI's rules, generated passwords shown once,
# sessions ending on a reset or when disabled, two-factor turned off for a lost device.
. "$(dirname "$0")/http_lib.sh"
http_users
printf 'mfa person password 1\n' > "$T/pw"
expect_rc 0 isms user add --name mfa-person --role viewer < "$T/pw"
expect_rc 0 isms user mfa enable --name mfa-person
SECRET=$(printf %s "$OUT" | sed -n '2p' | tr -d ' ')
T0=1700000000
code_at() { python3 -c 'import base64,hmac,hashlib,struct,sys
k=base64.b32decode(sys.argv[1]); c=int(sys.argv[2])//30
h=hmac.new(k,struct.pack(">Q",c),hashlib.sha1).digest(); o=h[-1]&15
print("%06d" % ((struct.unpack(">I",h[o:o+4])[0]&0x7fffffff)%1000000))' "$SECRET" "$1"; }
expect_rc 0 env ISMS_TOTP_TIME=$T0 "$ISMS" user mfa confirm --name mfa-person --code "$(code_at $T0)"
export ISMS_TOTP_TIME=$((T0 + 60))
http_start
unset ISMS_TOTP_TIME

least() { echo admin; }
body_for() {
    case "$1 $2" in
        "POST /api/v1/users") echo '{"name":"matrix-'"$3"'","role":"viewer"}' ;;
        "PUT /api/v1/users/{id}") echo '{"role":"editor"}' ;;
        *) echo '{}' ;;
    esac
}
path_for() { # a fresh user for each change
    if [[ $2 == */{id}* ]]; then
        local n="m-$3-$RANDOM"
        req POST /api/v1/users "$TOK_admin" '{"name":"'"$n"'","role":"viewer"}'
        echo "${2//\{id\}/$n}"
    else
        echo "$2"
    fi
}
role_matrix <<< "$(api_routes users)"

login() { # NAME PASSWORD [JAR]: sets CODE
    CODE=$(curl -s -o /dev/null -w '%{http_code}' ${3:+-c "$3"} --data-urlencode "name=$1" --data-urlencode "password=$2" "$URL/login")
}
req POST /api/v1/users "$TOK_admin" '{"name":"dana","role":"editor"}'
code_is 201 "create a user"
PW=$(jget "$BODY" 'd["password"]')
equals "$(jget "$BODY" '[d["name"], d["role"], d["mfa"], d["disabled"], len(d["password"])]')" '["dana", "editor", false, false, 20]' "a generated password, shown once"
login dana "$PW" "$T/jar.dana"; code_is 303 "the new user logs in with it"
req GET /api/v1/users "$TOK_admin"
not_contains "$BODY" "$PW" "the password is never listed"
req POST /api/v1/users "$TOK_admin" '{"name":"erin","role":"viewer","password":"short"}'
code_is 422 "a short password"
contains "$(jget "$BODY" 'd["error"]["message"]')" "12" "the minimum is named"
req POST /api/v1/users "$TOK_admin" '{"name":"erin","role":"superuser"}'
code_is 422 "an unknown role"
req POST /api/v1/users "$TOK_admin" '{"name":"dana","role":"viewer"}'
code_is 409 "a name already taken"
req POST /api/v1/users "$TOK_admin" '{"name":"erin","role":"viewer","is_admin":true}'
code_is 422 "an unknown member"
req POST /api/v1/users "$TOK_admin" '{"name":"erin","role":"viewer","password":"erin has a long password"}'
code_is 201 "create with a given password"
equals "$(jget "$BODY" '"password" in d')" "false" "a given password is not echoed"

req PUT /api/v1/users/dana "$TOK_admin" '{"role":"auditor"}'
code_is 200 "change a role"
CODE=$(curl -s -b "$T/jar.dana" -o /dev/null -w '%{http_code}' "$URL/api/v1/audit-log")
code_is 200 "the new role applies to the open session at once"
req PUT /api/v1/users/admin "$TOK_admin" '{"disabled":true}'
code_is 422 "an admin cannot disable themselves"
req PUT /api/v1/users/nobody "$TOK_admin" '{"role":"viewer"}'
code_is 404 "an unknown user"
req PUT "/api/v1/users/x'%20OR%201=1--" "$TOK_admin" '{"role":"viewer"}'
code_is 404 "SQL metacharacters as a user name"
req PUT /api/v1/users/dana "$TOK_admin" '{"disabled":"yes"}'
code_is 422 "disabled must be a boolean"
expect_rc 0 isms token create --user erin
TOK_erin=$OUT
req GET /api/v1/me "$TOK_erin"; code_is 200 "erin's token works"
req PUT /api/v1/users/erin "$TOK_admin" '{"disabled":true}'
code_is 200 "disable a user"
equals "$(jget "$BODY" 'd["disabled"]')" "true" "answered disabled"
req GET /api/v1/me "$TOK_erin"; code_is 401 "a disabled user's token stops working"
login erin "erin has a long password"; CHECKS=$((CHECKS + 1)); [ "$CODE" != 303 ] || fail "a disabled user cannot log in"
req PUT /api/v1/users/erin "$TOK_admin" '{"disabled":false}'
req GET /api/v1/me "$TOK_erin"; code_is 200 "enabled again"

# A password reset: the old password and the open sessions stop working.
req POST /api/v1/users/dana/password "$TOK_admin"
code_is 200 "reset a password"
NEW=$(jget "$BODY" 'd["password"]')
CHECKS=$((CHECKS + 1)); [ "$NEW" != "$PW" ] && [ ${#NEW} = 20 ] || fail "a new generated password"
CODE=$(curl -s -b "$T/jar.dana" -o /dev/null -w '%{http_code}' "$URL/api/v1/me")
code_is 401 "dana's session ended with the reset"
login dana "$PW"; CHECKS=$((CHECKS + 1)); [ "$CODE" != 303 ] || fail "the old password no longer works"
login dana "$NEW"; code_is 303 "the new one does"
req POST /api/v1/users/dana/password "$TOK_admin" '{"password":"too short"}'
code_is 422 "a short password is refused"
req POST /api/v1/users/admin/password "$TOK_admin"
code_is 422 "not your own password here"
req POST /api/v1/users/ghost/password "$TOK_admin"
code_is 404 "no such user"

# Two-factor off for a lost device: the password alone is enough again, until they enrol again.
CODE=$(curl -s -o /dev/null -w '%{http_code}' --data-urlencode name=mfa-person --data-urlencode "password=mfa person password 1" "$URL/login")
CHECKS=$((CHECKS + 1)); [ "$CODE" != 303 ] || fail "two-factor asks for a code"
req DELETE /api/v1/users/mfa-person/mfa "$TOK_admin"
code_is 204 "turn two-factor off"
login mfa-person "mfa person password 1"; code_is 303 "the password alone works after"
req GET /api/v1/users "$TOK_admin"
equals "$(jget "$BODY" '[u["mfa"] for u in d["items"] if u["name"] == "mfa-person"]')" '[false]' "listed without two-factor"

# The users page: CSRF, refusals with reasons, escaped names, the password shown once.
session admin
page admin /users; contains "$BODY" 'action="/users/reset"' "the users page has the reset form"
CODE=$(curl -s -b "$T/jar.admin" -o /dev/null -w '%{http_code}' --data-urlencode name=dana --data-urlencode action=password "$URL/users/reset")
code_is 403 "a reset without the CSRF token"
form admin /users/reset name=dana action=password; code_is 200 "reset from the page"
PAGEPW=$(printf %s "$BODY" | sed -n 's/.*<code id="new-password">\([^<]*\)<.*/\1/p')
login dana "$PAGEPW"; code_is 303 "the page's password works"
form admin /users/reset name=admin action=password; code_is 422 "the page refuses resetting yourself"
contains "$BODY" "another user" "and says why"
form admin /users/reset name='<b>x</b>' action=mfa_off; code_is 404 "an unknown name on the page"
not_contains "$BODY" "<b>x</b>" "the name is escaped"
form admin /users/reset name=dana action=explode; code_is 422 "an unknown action"
session editor
CODE=$(curl -s -b "$T/jar.editor" -o /dev/null -w '%{http_code}' --data-urlencode "csrf=$CSRF_editor" --data-urlencode name=dana --data-urlencode action=password "$URL/users/reset")
code_is 403 "an editor cannot reset passwords"

isms log --json > "$T/log.json"
not_contains "$(cat "$T/log.json")" "$NEW" "passwords never reach the audit log"
contains "$(cat "$T/log.json")" '"entity":"user"' "user changes are in the audit log"
not_contains "$(cat "$T/serve.err")" "$NEW" "nor the server's output"

kill -TERM $SERVER; wait $SERVER
grep -q -e AddressSanitizer -e "runtime error" "$T/serve.err" && fail "sanitizer report: $(cat "$T/serve.err")"
finish
