#!/bin/bash
# isms check run gworkspace against the fake Google token endpoint and Directory API
# (tests/fakeapi/gworkspace.py): every check passes on a compliant Workspace, fails naming the
# users on a non-compliant one, and cannot run (error, not fail) with a key file others can read,
# a refused assertion or missing configuration; neither the private key nor the access token is
# ever printed or stored. Then the offline form on a saved users.list answer.
. "$(dirname "$0")/lib.sh"
FAKE_PID=
trap '[ -n "$FAKE_PID" ] && kill "$FAKE_PID" 2>/dev/null; rm -rf "$T"' EXIT
ISMS_FIXTURES="$FIXTURES" python3 "$(dirname "$0")/../fakeapi/gworkspace.py" > "$T/port" &
FAKE_PID=$!
for _ in $(seq 100); do [ -s "$T/port" ] && break; sleep 0.1; done
PORT=$(head -1 "$T/port")
[ -n "$PORT" ] || { echo "the fake Google API did not start" >&2; exit 1; }
API="http://127.0.0.1:$PORT"

# The committed test key, pointed at the fake; git does not keep modes, so it is made private here.
KEY="$T/key.json"
python3 -c 'import json,sys
d=json.load(open(sys.argv[1])); d["token_uri"]=sys.argv[2]+"/token"
open(sys.argv[3],"w").write(json.dumps(d, indent=2))' "$FIXTURES/gworkspace/service-account.json" "$API" "$KEY"
chmod 600 "$KEY"
# A line from the middle of the private key: must never show up anywhere.
PEM_LINE=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["private_key"].splitlines()[1])' "$KEY")

# scenario NAME [JSON-PARAMS]: switch the fake to tests/fixtures/gworkspace/NAME.
scenario() {
    python3 -c 'import json,sys,urllib.request
d={"name":sys.argv[2]}
if len(sys.argv)>3: d["params"]=json.loads(sys.argv[3])
urllib.request.urlopen(urllib.request.Request(sys.argv[1]+"/__scenario",json.dumps(d).encode(),{"Content-Type":"application/json"}))' \
        "$API" "$@" > /dev/null
}
# The access tokens the fake has issued and seen since the last scenario switch, one a line.
tokens() {
    python3 -c 'import json,sys,urllib.request
for r in json.load(urllib.request.urlopen(sys.argv[1]+"/__requests")):
    a={k.lower():v for k,v in r["headers"].items()}.get("authorization","")
    if a.startswith("Bearer "): print(a[7:])' "$API"
}
# no_secrets WHAT: neither the private key nor any token seen is in the output nor the workspace.
no_secrets() {
    not_contains "$OUT$ERR" "$PEM_LINE" "$1: the private key is not printed"
    not_contains "$OUT$ERR" "PRIVATE KEY" "$1: no PEM printed"
    for tok in $(tokens); do
        not_contains "$OUT$ERR" "$tok" "$1: the access token is not printed"
        CHECKS=$((CHECKS + 1))
        if grep -rqaF -- "$tok" "$ISMS_DB"*; then fail "$1: the access token was stored in the workspace"; fi
    done
    CHECKS=$((CHECKS + 1))
    if grep -rqaF -- "$PEM_LINE" "$ISMS_DB"*; then fail "$1: the private key was stored in the workspace"; fi
}

export GOOGLE_APPLICATION_CREDENTIALS=$KEY ISMS_GWORKSPACE_ADMIN=alice@acme.example ISMS_GOOGLE_API_URL=$API \
    ISMS_HTTP_BACKOFF_MS=10
IDS='["gworkspace.2sv_enrolled", "gworkspace.2sv_enforced", "gworkspace.admins_2sv", '
IDS+='"gworkspace.super_admin_count", "gworkspace.suspended_archived_users", "gworkspace.dormant_accounts"]'
status_of() { jget "$OUT" "[r['status'] for r in d['results'] if r['id']=='$1'][0]"; }
field_of() { jget "$OUT" "[r['$2'] for r in d['results'] if r['id']=='$1'][0]"; }

expect_rc 0 isms init --org "Acme"
expect_rc 0 isms check list --json
contains "$OUT" "gworkspace.super_admin_count" "the Google Workspace checks are registered"
equals "$(jget "$OUT" '[c["offline_import"] for c in d if c["source"]=="gworkspace"]')" \
    '[true, true, true, true, true, true]' "every check has an offline form"

# A compliant Workspace, its users listed three per page: everything passes.
scenario default '{"page_size": 3}'
expect_rc 0 isms check run gworkspace --json
equals "$(jget "$OUT" '[r["id"] for r in d["results"]]')" "$IDS" "the six Google Workspace checks, in order"
equals "$(jget "$OUT" 'sorted(set(r["status"] for r in d["results"]))')" '["pass"]' "all pass"
equals "$(jget "$OUT" 'd["failed"]')" "0" "none failed"
contains "$(field_of gworkspace.2sv_enrolled summary)" "all 5 active users" "five active users over three pages"
contains "$(field_of gworkspace.super_admin_count summary)" "2 active super admins" "two super admins"
contains "$(field_of gworkspace.suspended_archived_users details)" "1 archived account: grace@acme.example" \
    "informational list of archived accounts (last page)"
equals "$(field_of gworkspace.2sv_enrolled controls)" '["A.5.17", "A.8.5"]' "2SV supports A.5.17 and A.8.5"
equals "$(field_of gworkspace.super_admin_count controls)" '["A.8.2", "A.5.3"]' "super admin count controls"
equals "$(field_of gworkspace.suspended_archived_users controls)" '["A.5.18", "A.6.5"]' "suspended accounts controls"
equals "$(field_of gworkspace.dormant_accounts controls)" '["A.5.18", "A.8.2"]' "dormant accounts controls"
equals "$(jget "$OUT" 'all(isinstance(r["evidence_id"], int) for r in d["results"])')" "true" "each run kept as evidence"
no_secrets "pass run"

# A non-compliant Workspace: every check fails naming the users, and exit 1.
scenario fail
expect_rc 1 isms check run gworkspace --json
equals "$(jget "$OUT" 'sorted(set(r["status"] for r in d["results"]))')" '["fail"]' "all fail"
equals "$(jget "$OUT" 'd["failed"]')" "6" "six failed"
D=$(field_of gworkspace.2sv_enrolled details)
contains "$D" "bob@acme.example (/Sales): not enrolled in 2-Step Verification" "bob not enrolled"
contains "$D" "carol@acme.example" "carol not enrolled"
contains "$D" "erin@acme.example" "erin not enrolled"
not_contains "$D" "heidi@" "suspended users are not judged on 2SV"
contains "$(field_of gworkspace.2sv_enforced details)" "alice@acme.example (/): 2-Step Verification not enforced" \
    "2SV not enforced for alice"
D=$(field_of gworkspace.admins_2sv details)
contains "$D" "alice@acme.example (super admin): 2-Step Verification not enforced" "admin without enforcement"
contains "$D" "carol@acme.example (delegated admin): not enrolled" "delegated admin without 2SV"
contains "$(field_of gworkspace.super_admin_count summary)" "1 active super admin (alice@acme.example)" \
    "the count and the name"
contains "$(field_of gworkspace.super_admin_count details)" "mallory@acme.example: suspended super admin, not counted" \
    "suspended super admin not counted"
D=$(field_of gworkspace.suspended_archived_users details)
contains "$D" "mallory@acme.example: suspended (reason ADMIN), still a super admin" "suspended admin named"
contains "$D" "grace@acme.example: archived, still a delegated admin" "archived admin named"
D=$(field_of gworkspace.dormant_accounts details)
contains "$D" "dave@acme.example (/Sales): last signed in" "dormant user named"
contains "$D" "erin@acme.example (/Sales): never signed in" "never signed in"
not_contains "$D" "frank@" "a new account that has not signed in yet is not dormant"
no_secrets "fail run"
expect_rc 0 isms check history gworkspace.dormant_accounts --json
equals "$(jget "$OUT" '[r["status"] for r in d["runs"]]')" '["fail", "pass"]' "history of the check"

# Too many super admins; one check by id.
scenario toomany
expect_rc 1 isms check run gworkspace.super_admin_count --json
equals "$(jget "$OUT" 'len(d["results"])')" "1" "one check run"
contains "$(field_of gworkspace.super_admin_count summary)" "5 active super admins" "five counted"
contains "$(field_of gworkspace.super_admin_count summary)" "at most 4" "the upper bound"
contains "$(field_of gworkspace.super_admin_count details)" "ken@acme.example: super admin" "each named"

# Rate limited once: retried, honouring Retry-After.
scenario default
python3 -c 'import json,sys,urllib.request
d={"path":"/admin/directory/v1/users","count":1,"status":429,"retry_after":"1"}
urllib.request.urlopen(urllib.request.Request(sys.argv[1]+"/__inject",json.dumps(d).encode(),{"Content-Type":"application/json"}))' \
    "$API"
expect_rc 0 isms check run gworkspace.2sv_enrolled --json
equals "$(status_of gworkspace.2sv_enrolled)" "pass" "429 retried"

# A key file others can read: refused, saying how to fix it.
chmod 644 "$KEY"
expect_rc 1 isms check run gworkspace --json
equals "$(jget "$OUT" 'sorted(set(r["status"] for r in d["results"]))')" '["error"]' "readable key: errors"
contains "$(field_of gworkspace.2sv_enrolled summary)" "chmod 600" "says to chmod 600"
no_secrets "readable key"
chmod 600 "$KEY"

# The Workspace refuses the assertion: the error says why.
expect_rc 1 env ISMS_GWORKSPACE_ADMIN=nobody@acme.example "$ISMS" check run gworkspace.2sv_enrolled --json
equals "$(status_of gworkspace.2sv_enrolled)" "error" "invalid_grant: error, not fail"
contains "$(field_of gworkspace.2sv_enrolled summary)" "invalid_grant" "names invalid_grant"
contains "$(field_of gworkspace.2sv_enrolled summary)" "ISMS_GWORKSPACE_ADMIN" "names the variable to fix"
scenario default '{"unauthorized": true}'
expect_rc 1 isms check run gworkspace.admins_2sv --json
contains "$(field_of gworkspace.admins_2sv summary)" "domain-wide delegation" "delegation not granted"
scenario default '{"revoke": true}'
expect_rc 1 isms check run gworkspace.admins_2sv --json
contains "$(field_of gworkspace.admins_2sv summary)" "401" "a token the API refuses"
no_secrets "refused token"

# Missing configuration: an error naming the variable.
scenario default
expect_rc 1 env -u GOOGLE_APPLICATION_CREDENTIALS "$ISMS" check run gworkspace.2sv_enrolled --json
equals "$(status_of gworkspace.2sv_enrolled)" "error" "no key: error"
contains "$(field_of gworkspace.2sv_enrolled summary)" "GOOGLE_APPLICATION_CREDENTIALS" "names the key variable"
expect_rc 1 env ISMS_GWORKSPACE_ADMIN= "$ISMS" check run gworkspace.dormant_accounts --json
contains "$(field_of gworkspace.dormant_accounts summary)" "ISMS_GWORKSPACE_ADMIN" "names the admin variable"

# The raw users pages are kept as evidence; the token exchange is not.
CHECKS=$((CHECKS + 1))
grep -rqa -- "admin#directory#users" "$ISMS_DB"* || fail "the raw users pages are kept"
CHECKS=$((CHECKS + 1))
if grep -rqa -- "expires_in" "$ISMS_DB"*; then fail "the token response was stored"; fi

# ---- One token and one user list per run; answers without users; paging cycles ----
fake_log() { python3 -c 'import sys,urllib.request; print(urllib.request.urlopen(sys.argv[1]+"/__requests").read().decode())' "$API"; }
scenario default '{"page_size": 3}'
expect_rc 0 isms check run gworkspace --json
LOG=$(fake_log)
equals "$(jget "$LOG" 'len([r for r in d if r["path"]=="/token"])')" "1" "one access token for the six checks"
equals "$(jget "$LOG" 'len([r for r in d if r["path"]=="/admin/directory/v1/users"])')" "3" \
    "the users listed once (three pages) for the six checks"
equals "$(jget "$LOG" 'len(set(r["peer"] for r in d))')" "1" "every request of the run on one connection"
scenario default '{"no_users": true}'
expect_rc 1 isms check run gworkspace.admins_2sv --json
equals "$(status_of gworkspace.admins_2sv)" "error" "a page without users nor kind: an error"
contains "$(field_of gworkspace.admins_2sv summary)" "users.list: the answer of the Admin SDK" "the operation is named"
contains "$(field_of gworkspace.admins_2sv summary)" "has no users" "the missing member is named"
scenario default '{"page_size": 3, "token_cycle": true}'
expect_rc 1 isms check run gworkspace.dormant_accounts --json
contains "$(field_of gworkspace.dormant_accounts summary)" "the nextPageToken of page 3 leads back to page 2 (a paging cycle)" \
    "a nextPageToken cycle is named"
equals "$(jget "$(fake_log)" 'len([r for r in d if r["path"]=="/admin/directory/v1/users"])')" "3" \
    "stopped at once, after the third page"

# Offline: a saved users.list answer.
expect_rc 1 isms evidence import --check gworkspace.2sv_enrolled "$FIXTURES/gworkspace/export/users-fail.json" --json
equals "$(jget "$OUT" 'd["status"]')" "fail" "saved list with unenrolled users"
contains "$(jget "$OUT" 'd["details"]')" "bob@acme.example" "names them"
equals "$(jget "$OUT" 'd["controls"]')" '["A.5.17", "A.8.5"]' "imported for the check's controls"
expect_rc 0 isms evidence import --check gworkspace.2sv_enrolled "$FIXTURES/gworkspace/export/users-pass.json" --json
equals "$(jget "$OUT" 'd["status"]')" "pass" "saved list, every active user enrolled"
expect_rc 1 isms evidence import --check gworkspace.suspended_archived_users \
    "$FIXTURES/gworkspace/export/users-fail.json" --json
equals "$(jget "$OUT" 'd["status"]')" "fail" "saved list: suspended admins"
printf '{"users":[{"primaryEmail":"a@x.example","isEnrolledIn2Sv":true}],"nextPageToken":"p2"}' > "$T/page1.json"
expect_rc 2 isms evidence import --check gworkspace.2sv_enrolled "$T/page1.json" --json
contains "$ERR" "nextPageToken" "one page of a longer list is refused"
finish
