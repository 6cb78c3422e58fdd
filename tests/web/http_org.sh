#!/bin/bash
# The scope register and interested parties over HTTP: roles, the CLI's validation, removal from
# the organization page with CSRF, and the audit log keeping what was removed.
. "$(dirname "$0")/http_lib.sh"
http_users
http_start

least() { echo editor; }
body_for() {
    case "$2" in
        */scope-items) echo '{"kind":"system","name":"matrix-'"$3"'"}' ;;
        */parties) echo '{"name":"matrix-'"$3"'","requirements":"SLA"}' ;;
    esac
}
path_for() { # a fresh item for each delete
    if [ "$1" = DELETE ]; then
        local coll=${2%/\{id\}}
        req POST "$coll" "$TOK_admin" "$(body_for POST "$coll" "del-$3-$RANDOM")"
        echo "$coll/$(jget "$BODY" 'd["id"]')"
    else
        echo "$2"
    fi
}
role_matrix <<< "$(api_routes org)"

req POST /api/v1/org/scope-items "$TOK_editor" '{"kind":"location","name":"Berlin office","in_scope":false,"note":"sales only"}'
code_is 201 "add an out-of-scope location"
SID=$(jget "$BODY" 'd["id"]')
equals "$(jget "$BODY" '[d["kind"], d["in_scope"], d["note"]]')" '["location", false, "sales only"]' "the item as stored"
req GET /api/v1/org "$TOK_viewer"
equals "$(jget "$BODY" '[i["in_scope"] for i in d["scope_items"] if i["id"] == '"$SID"']')" '[false]' "the organization lists it"
req POST /api/v1/org/scope-items "$TOK_editor" '{"kind":"planet","name":"Mars"}'
code_is 422 "a bad kind"
equals "$(jget "$BODY" '[d["error"]["field"], d["error"]["message"]]')" \
    "[\"kind\", \"kind must be one of unit, location, system, not 'planet'\"]" "the kind named with its choices"
expect_rc 2 isms org scope add --kind planet --name Mars
contains "$ERR" "--kind: kind must be one of unit, location, system, not 'planet'" "the CLI's message is the API's"
req POST /api/v1/org/scope-items "$TOK_editor" '{"kind":"system","name":""}'
code_is 422 "a scope item without a name"
req POST /api/v1/org/scope-items "$TOK_editor" '{"kind":"location","name":"Berlin office"}'
code_is 409 "the same item twice"
req POST /api/v1/org/scope-items "$TOK_editor" '{"kind":"system","name":"x","in_scope":"no"}'
code_is 422 "in_scope must be a boolean"
req POST /api/v1/org/scope-items "$TOK_editor" '{"kind":"system","name":"x","owner":"me"}'
code_is 422 "an unknown member"
contains "$BODY" "owner" "the member is named"
req POST /api/v1/org/scope-items "$TOK_editor" '{"kind":"system",'
code_is 400 "malformed JSON"
req POST /api/v1/org/parties "$TOK_editor" '{"name":"<script>alert(1)</script>","requirements":"GDPR Art. 28"}'
code_is 201 "add an interested party"
PID=$(jget "$BODY" 'd["id"]')
req POST /api/v1/org/parties "$TOK_editor" '{"requirements":"x"}'
code_is 422 "a party without a name"
for bad in 0 -1 abc "1%27%20OR%201=1" 999999; do
    req DELETE "/api/v1/org/scope-items/$bad" "$TOK_editor"
    code_is 404 "delete scope item '$bad'"
done

# The organization page: escaped text, a remove button per row, CSRF enforced.
session editor
page editor /org
contains "$BODY" "&lt;script&gt;alert(1)" "party names are escaped"
contains "$BODY" "/org/parties/$PID/delete" "each party has a remove form"
CODE=$(curl -s -b "$T/jar.editor" -o /dev/null -w '%{http_code}' -X POST "$URL/org/scope/$SID/delete")
code_is 403 "removal without the CSRF token"
form editor "/org/scope/$SID/delete"; code_is 303 "remove the location"
form editor "/org/scope/$SID/delete"; code_is 404 "removing it twice"
contains "$BODY" 'id="form-error"' "the page says why"
form editor "/org/parties/$PID/delete"; code_is 303 "remove the party"
req GET /api/v1/org "$TOK_viewer"
equals "$(jget "$BODY" '[any(i["id"] == '"$SID"' for i in d["scope_items"]), any(p["id"] == '"$PID"' for p in d["interested_parties"])]')" '[false, false]' "both are gone"
session viewer
page viewer /org; not_contains "$BODY" "/delete" "a viewer sees no remove buttons"
CODE=$(curl -s -b "$T/jar.viewer" -o /dev/null -w '%{http_code}' --data-urlencode "csrf=$CSRF_viewer" "$URL/org/parties/1/delete")
code_is 403 "a viewer cannot remove"
isms log --json > "$T/log.json"
equals "$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(sum(1 for e in d if e["action"]=="delete" and e["entity"]=="scope_item" and "Berlin office" in (e["before"] or "")))' "$T/log.json")" "1" "the audit log keeps the removed item"
expect_rc 0 isms log verify
kill -TERM $SERVER; wait $SERVER
grep -q -e AddressSanitizer -e "runtime error" "$T/serve.err" && fail "sanitizer report: $(cat "$T/serve.err")"
finish
