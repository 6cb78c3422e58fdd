#!/bin/bash
# isms check run github against the fake GitHub API (tests/fakeapi/github.py): every check passes
# on a compliant organization, fails naming repositories and members on a non-compliant one, and
# cannot run (error, not fail) with a bad token or missing configuration; the token is never
# printed nor stored.
. "$(dirname "$0")/lib.sh"
TOKEN=ghp_cliFAKEtoken0123456789abcdefABCD
FAKE_PID=
trap '[ -n "$FAKE_PID" ] && kill "$FAKE_PID" 2>/dev/null; rm -rf "$T"' EXIT
FAKE_GITHUB_TOKEN=$TOKEN ISMS_FIXTURES="$FIXTURES" python3 "$(dirname "$0")/../fakeapi/github.py" > "$T/port" &
FAKE_PID=$!
for _ in $(seq 100); do [ -s "$T/port" ] && break; sleep 0.1; done
PORT=$(head -1 "$T/port")
[ -n "$PORT" ] || { echo "the fake GitHub API did not start" >&2; exit 1; }
API="http://127.0.0.1:$PORT"

# scenario NAME [PAGE_SIZE]: switch the fake to tests/fixtures/github/NAME.
scenario() {
    python3 -c 'import json,sys,urllib.request
d={"name":sys.argv[2]}
if len(sys.argv)>3: d["page_size"]=int(sys.argv[3])
urllib.request.urlopen(urllib.request.Request(sys.argv[1]+"/__scenario",json.dumps(d).encode(),{"Content-Type":"application/json"}))' \
        "$API" "$@" > /dev/null
}

export GITHUB_TOKEN=$TOKEN ISMS_GITHUB_ORG=acme ISMS_GITHUB_API_URL=$API ISMS_HTTP_BACKOFF_MS=10
IDS='["github.org_2fa_required", "github.members_without_2fa", "github.branch_protection", "github.secret_scanning", "github.dependabot_security_updates"]'
status_of() { jget "$OUT" "[r['status'] for r in d['results'] if r['id']=='$1'][0]"; }
field_of() { jget "$OUT" "[r['$2'] for r in d['results'] if r['id']=='$1'][0]"; }

expect_rc 0 isms init --org "Acme"
expect_rc 0 isms check list --json
contains "$OUT" "github.branch_protection" "the GitHub checks are registered"

# A compliant organization, its repositories listed two per page: everything passes.
scenario default 2
expect_rc 0 isms check run github --json
equals "$(jget "$OUT" '[r["id"] for r in d["results"]]')" "$IDS" "the five GitHub checks, in order"
equals "$(jget "$OUT" 'sorted(set(r["status"] for r in d["results"]))')" '["pass"]' "all pass"
contains "$(field_of github.branch_protection summary)" "all 5 repositories" "five active repositories over three pages"
equals "$(field_of github.org_2fa_required controls)" '["A.5.17", "A.8.5"]' "2FA supports A.5.17 and A.8.5"
equals "$(field_of github.branch_protection controls)" '["A.8.32", "A.8.25", "A.8.4"]' "branch protection controls"
equals "$(jget "$OUT" 'all(isinstance(r["evidence_id"], int) for r in d["results"])')" "true" "each run kept as evidence"
not_contains "$OUT$ERR" "$TOKEN" "the token is not printed"

# A non-compliant organization: fails naming what is wrong, and exit 1.
scenario fail
expect_rc 1 isms check run github --json
equals "$(jget "$OUT" 'sorted(set(r["status"] for r in d["results"]))')" '["fail"]' "all fail"
equals "$(jget "$OUT" 'd["failed"]')" "5" "five failed"
contains "$(field_of github.org_2fa_required summary)" "does not require two-factor" "2FA not required"
D=$(field_of github.members_without_2fa details)
contains "$D" "bob" "bob without 2FA"
contains "$D" "carol" "carol without 2FA"
contains "$D" "dave" "dave without 2FA"
not_contains "$D" "alice" "alice has 2FA"
D=$(field_of github.branch_protection details)
contains "$D" "acme/web (main): not protected" "unprotected branch named"
contains "$D" "acme/infra (release/prod)" "weak protection named, with its branch"
contains "$D" "force pushes allowed" "force pushes reported"
contains "$D" "acme/tools (trunk): pull request reviews not required" "no required reviews"
not_contains "$D" "legacy" "archived repositories skipped"
not_contains "$D" "acme/api" "compliant repository not listed"
contains "$(field_of github.secret_scanning details)" "acme/infra: push protection disabled" "push protection"
contains "$(field_of github.dependabot_security_updates details)" "acme/web: Dependabot security updates disabled" "Dependabot"
expect_rc 0 isms check history github.branch_protection --json
equals "$(jget "$OUT" '[r["status"] for r in d["runs"]]')" '["fail", "pass"]' "history of the check"

# One check by id.
expect_rc 1 isms check run github.org_2fa_required --json
equals "$(jget "$OUT" 'len(d["results"])')" "1" "one check run"

# A token that is not an owner's: the 2FA checks cannot run, and say why.
scenario nonowner
expect_rc 1 isms check run github.org_2fa_required github.members_without_2fa --json
equals "$(jget "$OUT" '[r["status"] for r in d["results"]]')" '["error", "error"]' "errors, not failures"
contains "$(field_of github.org_2fa_required summary)" "owner" "explains the owner token"
contains "$(field_of github.members_without_2fa summary)" "owner" "explains the owner token"

# A bad token: every check is an error naming the problem, and the token is not shown.
scenario default
expect_rc 1 env GITHUB_TOKEN=ghp_cliWRONGtoken000000000000000000 "$ISMS" check run github --json
equals "$(jget "$OUT" 'sorted(set(r["status"] for r in d["results"]))')" '["error"]' "bad token: errors"
contains "$(field_of github.secret_scanning summary)" "401" "the 401 is reported"
contains "$(field_of github.secret_scanning summary)" "GITHUB_TOKEN" "names the variable"
not_contains "$OUT$ERR" "WRONGtoken" "the bad token is not printed"

# Missing configuration: an error naming the variable.
expect_rc 1 env ISMS_GITHUB_ORG= "$ISMS" check run github.org_2fa_required --json
equals "$(status_of github.org_2fa_required)" "error" "no org: error"
contains "$(field_of github.org_2fa_required summary)" "ISMS_GITHUB_ORG" "names ISMS_GITHUB_ORG"
expect_rc 1 env -u GITHUB_TOKEN "$ISMS" check run github.branch_protection --json
contains "$(field_of github.branch_protection summary)" "GITHUB_TOKEN" "names GITHUB_TOKEN"

# The raw responses are kept as evidence, and the token is nowhere in the workspace.
CHECKS=$((CHECKS + 1))
if grep -rqa -- "$TOKEN" "$ISMS_DB"*; then fail "the token was stored in the workspace"; fi
CHECKS=$((CHECKS + 1))
grep -rqa -- "Branch not protected" "$ISMS_DB"* || fail "the raw GitHub responses are kept"

# ---- Answers without the data a check needs, shared reads, paging cycles ----
# post_scenario JSON: switch the fake with parameters.
post_scenario() {
    python3 -c 'import sys,urllib.request
urllib.request.urlopen(urllib.request.Request(sys.argv[1]+"/__scenario",sys.argv[2].encode(),{"Content-Type":"application/json"}))' \
        "$API" "$1" > /dev/null
}
fake_log() { python3 -c 'import sys,urllib.request; print(urllib.request.urlopen(sys.argv[1]+"/__requests").read().decode())' "$API"; }
post_scenario '{"name": "fail", "strip": {"/orgs/acme/members": ["login"]}}'
expect_rc 1 isms check run github.members_without_2fa --json
equals "$(status_of github.members_without_2fa)" "error" "members without login: an error, not a count"
contains "$(field_of github.members_without_2fa summary)" "GET /orgs/{org}/members: member 1 of the answer has no login" \
    "the missing login is named"
post_scenario '{"name": "default", "strip": {"/orgs/acme/repos": ["name"]}}'
expect_rc 1 isms check run github.branch_protection --json
equals "$(status_of github.branch_protection)" "error" "repositories without name: an error"
contains "$(field_of github.branch_protection summary)" "repository 1 of the answer has no name" "the missing name is named"
post_scenario '{"name": "default", "strip": {"/orgs/acme/repos": ["archived"]}}'
expect_rc 1 isms check run github.secret_scanning --json
contains "$(field_of github.secret_scanning summary)" "has no archived" "repositories without archived: an error"
post_scenario '{"name": "default", "replace": {"/repos/acme/[^/]+/branches/[^/]+/protection": []}}'
expect_rc 1 isms check run github.branch_protection --json
equals "$(status_of github.branch_protection)" "error" "a protection answer that is no object: an error"
contains "$(field_of github.branch_protection summary)" "is not a protection object" "named"

# One client and one repository list for the whole run, on one connection.
scenario default 2
expect_rc 0 isms check run github --json
LOG=$(fake_log)
equals "$(jget "$LOG" 'len([r for r in d if r["path"]=="/orgs/acme/repos"])')" "3" \
    "the repositories listed once (three pages) for the three sweeps"
equals "$(jget "$LOG" 'len(set(r["peer"] for r in d))')" "1" "every request of the run on one connection"

# A Link cycle A -> B -> A stops at once, not at the 1000-page cap.
post_scenario '{"name": "default", "page_size": 3, "cycle_to": 1}'
expect_rc 1 isms check run github.branch_protection --json
contains "$(field_of github.branch_protection summary)" "(a paging cycle); stopped" "the cycle is named"
equals "$(jget "$(fake_log)" 'len([r for r in d if r["path"]=="/orgs/acme/repos"])')" "3" \
    "pages 1, 2 and 1 again, then stopped"

# Offline: a saved GET /orgs/{org} document.
expect_rc 1 isms evidence import --check github.org_2fa_required "$FIXTURES/github/fail/org.json" --json
equals "$(jget "$OUT" 'd["status"]')" "fail" "saved organization without required 2FA"
expect_rc 0 isms evidence import --check github.org_2fa_required "$FIXTURES/github/default/org.json" --json
equals "$(jget "$OUT" 'd["status"]')" "pass" "saved organization requiring 2FA"
finish
