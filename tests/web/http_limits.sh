#!/bin/bash
# The server's own limits, met as a user would meet them: an answer larger than the cap is refused
# with an error naming it (never sent cut off with 200), and a user who logs in again and again fills
# only their own share of a full session table: their oldest sessions go, nobody else is locked out.
# A token the server has seen follows a change made by another program at once.
. "$(dirname "$0")/http_lib.sh"
http_users
for i in $(seq 60); do
    expect_rc 0 isms asset add --name "limit asset $i with a rather long name to fill the answer" --type software --owner IT --classification internal
done

# --- answers over the cap ---
http_start --max-answer 4096 --quiet
req GET "/api/v1/assets?limit=500" "$TOK_viewer"
code_is 500 "a list larger than the answer cap is refused"
equals "$(jget "$BODY" 'd["error"]["code"]')" answer_too_large "the refusal names the cap"
contains "$(jget "$BODY" 'd["error"]["message"]')" "4096 bytes" "the message says how large an answer may be"
not_contains "$BODY" "limit asset" "no part of the cut answer is sent"
req GET "/api/v1/assets?limit=2" "$TOK_viewer"
code_is 200 "a small page of the same list is answered"
equals "$(jget "$BODY" 'len(d["items"])')" 2 "the small page is whole"
# A page for people: the login page itself fits; the asset register does not.
session viewer
page viewer "/assets?limit=500"
code_is 500 "a page larger than the answer cap is refused"
contains "$BODY" "larger than" "the person is told the page was too large"
not_contains "$BODY" "limit asset 60" "no part of the cut page is shown"
kill "$SERVER"; wait "$SERVER" 2>/dev/null

# --- a full session table ---
ISMS_SESSION_SLOTS=8 http_start --quiet
login_as() { # NAME JAR: log in through the form; echoes the HTTP status
    curl -s -c "$2" -o /dev/null -w '%{http_code}' --data-urlencode "name=$1" \
        --data-urlencode "password=$1 password 1234" "$URL/login"
}
me_as() { curl -s -b "$1" -o /dev/null -w '%{http_code}' "$URL/api/v1/me"; }
ok=0
for i in $(seq 20); do
    [ "$(login_as editor "$T/jar.e$i")" = 303 ] && ok=$((ok + 1))
done
equals "$ok" 20 "one user logs in 20 times into 8 slots, every time"
equals "$(me_as "$T/jar.e20")" 200 "their newest session works"
equals "$(me_as "$T/jar.e1")" 401 "their oldest session was the one let go"
equals "$(login_as viewer "$T/jar.v")" 303 "another user can still log in"
equals "$(me_as "$T/jar.v")" 200 "and their session works"
equals "$(me_as "$T/jar.e20")" 200 "the first user's newest session still works"

# --- a known token, changed from outside the server ---
req GET /api/v1/me "$TOK_auditor"
equals "$(jget "$BODY" 'd["role"]')" auditor "the token works"
req GET /api/v1/me "$TOK_auditor"
expect_rc 0 isms user role --name auditor --role viewer
req GET /api/v1/me "$TOK_auditor"
equals "$(jget "$BODY" 'd["role"]')" viewer "a role changed by the CLI holds at the next request"
expect_rc 0 isms user disable --name auditor
req GET /api/v1/me "$TOK_auditor"
code_is 401 "a user disabled by the CLI is refused at the next request"
expect_rc 0 isms user disable --name auditor --enable
req GET /api/v1/me "$TOK_auditor"
code_is 200 "and let in again once enabled"
finish
