#!/bin/bash
# Black-box HTTP tests of the automated checks, monitoring alerts, CloudTrail log scans and API
# tokens: the role matrix of their API routes; runs against the fake GitHub API and fake host
# trees (never the internet) recorded as the CLI records them; the log scan on real CloudTrail
# files equal to `isms logs scan --json`, and hostile uploads; tokens created once, used and
# revoked; the pages, their forms, CSRF and escaping; every change in the audit log.
. "$(dirname "$0")/http_lib.sh"
CT="$FIXTURES/cloudtrail"
GH_TOKEN=ghp_webFAKEtoken0123456789abcdefABCD
FAKE_PID=
HOOK=

# --- the fakes: GitHub's API and a webhook receiver; host trees copied (git keeps no mtimes) ---
FAKE_GITHUB_TOKEN=$GH_TOKEN ISMS_FIXTURES="$FIXTURES" python3 "$(dirname "$0")/../fakeapi/github.py" > "$T/ghport" &
FAKE_PID=$!
python3 "$(dirname "$0")/../fakeapi/webhook.py" "$T/hooks.jsonl" > "$T/hookport" &
HOOK=$!
for _ in $(seq 100); do [ -s "$T/ghport" ] && [ -s "$T/hookport" ] && break; sleep 0.1; done
GH="http://127.0.0.1:$(head -1 "$T/ghport")"
scenario() {
    python3 -c 'import json,sys,urllib.request
urllib.request.urlopen(urllib.request.Request(sys.argv[1]+"/__scenario",json.dumps({"name":sys.argv[2]}).encode(),{"Content-Type":"application/json"}))' \
        "$GH" "$1" > /dev/null
}
cp -a "$FIXTURES/host/good" "$FIXTURES/host/bad" "$T/"
touch "$T/good/var/lib/clamav/"*
touch -d '30 days ago' "$T/bad/var/lib/clamav/"*
mkdir -p "$T/tmp"

http_users
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_PROFILE GOOGLE_APPLICATION_CREDENTIALS
export GITHUB_TOKEN=$GH_TOKEN ISMS_GITHUB_ORG=acme ISMS_GITHUB_API_URL=$GH ISMS_HTTP_BACKOFF_MS=10
export ISMS_HOST_ROOT="$T/good" TMPDIR="$T/tmp"
http_start
unset TMPDIR
trap 'kill $SERVER $FAKE_PID $HOOK 2>/dev/null; rm -rf "$T"' EXIT
j() { jget "$BODY" "$1"; }

# --- the checks before any run ---
req GET /api/v1/checks "$TOK_viewer"
code_is 200 "list the checks"
equals "$(j '[c for c in d["items"] if c["id"]=="github.branch_protection"][0]["controls"]')" '["A.8.32", "A.8.25", "A.8.4"]' \
    "each check with its controls"
equals "$(j 'd["total"] == len(d["items"]) and d["total"] > 20')" true "every check, one page"
equals "$(j '{s["source"]: s["configured"] for s in d["sources"]}')" \
    '{"aws": false, "github": true, "gworkspace": false, "host": true}' "which sources this server can run"
equals "$(j '[c["last_status"] for c in d["items"] if c["source"]=="github"]')" '[null, null, null, null, null]' "never run yet"
req GET "/api/v1/checks?source=github&limit=2&offset=1" "$TOK_viewer"
equals "$(j '[d["total"], len(d["items"]), d["items"][0]["id"]]')" '[5, 2, "github.members_without_2fa"]' "filter and page"
for bad in "source=nope" "source=aws%27%20OR%201=1--" "status=passed" "limit=0" "offset=-1"; do
    req GET "/api/v1/checks?$bad" "$TOK_viewer"
    code_is 400 "checks?$bad refused"
done

# --- runs: the same selection, results and records as `isms check run` ---
scenario default
req POST /api/v1/check-runs "$TOK_editor" '{"sources":["github"]}'
code_is 201 "run the GitHub checks"
equals "$(j '[r["id"] for r in d["results"]]')" \
    '["github.org_2fa_required", "github.members_without_2fa", "github.branch_protection", "github.secret_scanning", "github.dependabot_security_updates"]' \
    "the five GitHub checks, in order"
equals "$(j '[sorted(set(r["status"] for r in d["results"])), d["failed"]]')" '[["pass"], 0]' "all pass"
equals "$(j 'all(isinstance(r["evidence_id"], int) for r in d["results"])')" true "each run kept as evidence"
EV=$(j 'd["results"][2]["evidence_id"]')
not_contains "$BODY" "$GH_TOKEN" "the GitHub token is not in the answer"
req GET "/api/v1/evidence/$EV/file" "$TOK_auditor"
code_is 200 "the raw responses are evidence"
contains "$BODY" "acme/web" "the evidence holds what the API answered"
not_contains "$BODY" "$GH_TOKEN" "the GitHub token is not in the evidence"

scenario fail
req POST /api/v1/check-runs "$TOK_admin" '{"ids":["github.members_without_2fa"]}'
code_is 201 "run one check by id"
equals "$(j '[d["results"][0]["status"], d["failed"], len(d["results"])]')" '["fail", 1, 1]' "it fails"
for who in bob carol dave; do contains "$(j 'd["results"][0]["details"]')" "$who" "$who without 2FA named"; done
FAIL_AT=$(j 'd["results"][0]["ran_at"]')

# Nothing named: every configured source (GitHub and this host), the others skipped.
req POST /api/v1/check-runs "$TOK_editor" ''
code_is 201 "run every configured source"
equals "$(j 'sorted(set(r["id"].split(".")[0] for r in d["results"]))')" '["github", "host"]' "github and host ran"
equals "$(j 'd["skipped"]')" '["aws", "gworkspace"]' "the unconfigured sources are skipped"
equals "$(j '[r["status"] for r in d["results"] if r["id"].startswith("host.")]')" \
    '["pass", "pass", "pass", "pass", "pass", "pass"]' "the good host tree passes"

# The refusals are the CLI's.
expect_rc 2 isms check run nope
CLI_MSG=$(printf %s "$ERR" | sed 's/^isms: //')
req POST /api/v1/check-runs "$TOK_editor" '{"sources":["nope"]}'
code_is 422 "an unknown source"
equals "$(j 'd["error"]["message"]')" "no check or source 'nope'" "the message"
contains "$CLI_MSG" "$(j 'd["error"]["message"]')" "the CLI's message"
contains "$CLI_MSG" "isms check list" "the CLI says where to look"
req POST /api/v1/check-runs "$TOK_editor" '{"ids":["x'"'"'; DROP TABLE check_run;--"]}'
code_is 422 "SQL in an id is just an unknown id"
for body in '{"sources":"github"}' '{"sources":[1]}' '{"sources":[""]}' '{"source":["github"]}' '{"ids":null}'; do
    req POST /api/v1/check-runs "$TOK_editor" "$body"
    code_is 422 "refused: $body"
done
for body in '{' '[1]' '"github"'; do
    req POST /api/v1/check-runs "$TOK_editor" "$body"
    code_is 400 "malformed: $body"
done
CODE=$(printf '{"sources":["\xff"]}' | curl -s -o "$T/body" -w '%{http_code}' -H "Authorization: Bearer $TOK_editor" \
    -H 'Content-Type: application/json' --data-binary @- "$URL/api/v1/check-runs"); BODY=$(cat "$T/body")
code_is 400 "bad UTF-8"
req POST /api/v1/check-runs "$TOK_viewer" '{"sources":["host"]}'
code_is 403 "a viewer cannot run checks"
req POST /api/v1/check-runs "$TOK_auditor" '{"sources":["host"]}'
code_is 403 "an auditor cannot run checks"

# --- history ---
req GET /api/v1/checks/github.members_without_2fa/history "$TOK_auditor"
code_is 200 "history"
equals "$(j '[r["status"] for r in d["runs"]]')" '["fail", "fail", "pass"]' "newest first"
equals "$(j 'd["failing_since"]')" "$FAIL_AT" "failing since the first failing run"
expect_rc 0 isms check history github.members_without_2fa --json
equals "$(jget "$OUT" 'd')" "$(j 'd')" "the same answer as the CLI"
req GET "/api/v1/checks/github.members_without_2fa/history?limit=1" "$TOK_viewer"
equals "$(j 'len(d["runs"])')" 1 "limit"
req GET /api/v1/checks/host.firewall/history "$TOK_viewer"
equals "$(j '[d["failing_since"], d["runs"][0]["status"]]')" '[null, "pass"]' "a passing check is not failing"
for bad in "limit=0" "limit=abc" "limit=100001"; do
    req GET "/api/v1/checks/host.firewall/history?$bad" "$TOK_viewer"
    code_is 400 "history?$bad refused"
done
for id in nope "x%27%3B%20DROP%20TABLE%20check_run%3B--" "aws.root_mfa%22%3E%3Cscript%3E"; do
    req GET "/api/v1/checks/$id/history" "$TOK_viewer"
    code_is 404 "history of unknown check $id"
done
contains "$BODY" "see \`isms check list\`" "404 says where to look"
req GET "/api/v1/checks?status=fail" "$TOK_viewer"
equals "$(j '[c["id"] for c in d["items"]]')" '["github.org_2fa_required", "github.members_without_2fa", "github.branch_protection", "github.secret_scanning", "github.dependabot_security_updates"]' \
    "status filter: the failing checks"
equals "$(j '[c["last_summary"] is not None and c["last_details"] is not None for c in d["items"]][:2]')" '[true, true]' \
    "the latest result's summary and details"

# --- the audit log: each run recorded, by the web user ---
req GET "/api/v1/audit-log?limit=500" "$TOK_auditor"
RUNS=$(j 'len([e for e in d["items"] if e["entity"]=="check" and e["action"]=="run"])')
equals "$RUNS" 17 "every run in the audit log (5 + 1 + 11)"
equals "$(j 'sorted(set(e["actor"] for e in d["items"] if e["entity"]=="check"))')" '["admin", "editor"]' "by who ran them"
not_contains "$BODY" "$GH_TOKEN" "no secret in the audit log"

# --- monitoring alerts: what `isms monitor run` queued, as `isms monitor alerts --json` ---
req GET /api/v1/monitor-alerts "$TOK_viewer"
code_is 200 "alerts"
equals "$(j 'd["items"]')" '[]' "none before monitoring"
printf 'user,decision\n' > "$T/review.csv"
expect_rc 0 isms evidence add "$T/review.csv" --controls A.5.15 --type access_review --description "old review" --collected 2025-01-02
expect_rc 0 env ISMS_HOST_ROOT="$T/good" "$ISMS" monitor run --once host --webhook "http://127.0.0.1:$(head -1 "$T/hookport")/hook"
req GET /api/v1/monitor-alerts "$TOK_viewer"
expect_rc 0 isms monitor alerts --json
equals "$(j 'd["items"]')" "$(jget "$OUT" 'd[:50]')" "the same alerts as the CLI"
contains "$(j '[a["kind"] for a in d["items"]]')" "evidence_stale" "a stale-evidence alert"
equals "$(j 'all(a["delivered_at"] for a in d["items"])')" true "delivered to the webhook"
req GET "/api/v1/monitor-alerts?limit=1&offset=0" "$TOK_viewer"
equals "$(j 'len(d["items"])')" 1 "alerts paged"
req GET "/api/v1/monitor-alerts?limit=501" "$TOK_viewer"
code_is 400 "alert limit checked"

# --- CloudTrail log scans: the answer of `isms logs scan --json` ---
R="$CT/real/invictus-ir_aws_dataset"
F1="$R/218007301253_CloudTrail_us-east-1_20230710T1205Z_UljXNp9xLp8nsAGc.json.gz"
F2="$R/218007301253_CloudTrail_us-east-1_20230710T1205Z_SjF3IkuNXJkoHyar.json"
MAL=$(ls "$CT/real/malformed/"* | head -1)
upload() { # TOKEN curl-args...: POST /api/v1/log-scans; sets CODE and BODY
    local tok=$1; shift
    CODE=$(curl -s -o "$T/body" -w '%{http_code}' ${tok:+-H "Authorization: Bearer $tok"} "$@" "$URL/api/v1/log-scans")
    BODY=$(cat "$T/body")
}
upload "$TOK_viewer" -F "file=@$F1" -F "file=@$F2"
code_is 200 "scan two real logs (one gzip)"
expect_rc 1 isms logs scan "$F1" "$F2" --json
equals "$(j 'd')" "$(jget "$OUT" 'd')" "the same findings, counts and times as the CLI"
equals "$(j '[d["files_scanned"], d["files_failed"]]')" '[2, []]' "both files read"
equals "$(j 'sorted(set(f["rule"] for f in d["findings"]))')" '["cloudtrail_tampering", "iam_policy_change"]' "findings found"
upload "$TOK_auditor" -F "file=@$MAL;filename=broken log.json" -F "file=@$F1"
code_is 200 "a broken file among good ones"
equals "$(j 'd["files_failed"][0]["file"]')" "broken log.json" "named by its uploaded name, never a temporary path"
expect_rc 1 isms logs scan "$MAL" "$F1" --json
equals "$(j 'd["files_failed"][0]["error"]')" "$(jget "$OUT" 'd["files_failed"][0]["error"]')" "the CLI's reason"
equals "$(j 'd["findings"]')" "$(jget "$OUT" 'd["findings"]')" "the good file's findings still count"
upload "$TOK_viewer" -F "file=@$MAL"
code_is 422 "only a broken file: nothing to show"
contains "$(j 'd["error"]["message"]')" "invalid JSON at byte" "why"
printf '{"Items":[{"a":1}]}' > "$T/other.json"
upload "$TOK_viewer" -F "file=@$T/other.json"
code_is 422 "JSON that is not CloudTrail"
contains "$(j 'd["error"]["message"]')" "not a CloudTrail log" "says so"
printf 'not json at all' > "$T/garbage.json"
upload "$TOK_viewer" -F "file=@$T/garbage.json"
code_is 422 "garbage"
head -c 100000 /dev/zero | gzip -9 > "$T/zeros.json.gz"
upload "$TOK_viewer" -F "file=@$T/zeros.json.gz"
code_is 422 "a gzip bomb of zeros"
python3 - "$T/bomb.json.gz" <<'EOF'
import gzip, sys
# 600 MiB of tiny records in a small gzip: over the 512 MiB a log may expand to.
with gzip.open(sys.argv[1], "wb", compresslevel=1) as f:
    f.write(b'{"Records":[')
    chunk = b'{"eventName":"x"},' * (1 << 16)
    for _ in range(600 * (1 << 20) // len(chunk)):
        f.write(chunk)
    f.write(b'{}]}')
EOF
start=$(date +%s)
upload "$TOK_viewer" -F "file=@$T/bomb.json.gz"
code_is 422 "a gzip bomb of records ($(stat -c %s "$T/bomb.json.gz") bytes)"
contains "$(j 'd["error"]["message"]')" "expands to more than 512 MiB" "why"
CHECKS=$((CHECKS + 1)); [ $(($(date +%s) - start)) -lt 120 ] || fail "the bomb took too long"
upload "$TOK_viewer" -F "file=@$F1;filename=../../etc/passwd.json"
code_is 422 "a path in the file name"
contains "$(j 'd["error"]["message"]')" "contains a path" "why"
: > "$T/empty.json"
upload "$TOK_viewer" -F "file=@$T/empty.json"
code_is 422 "an empty file"
args=(); for i in $(seq 65); do args+=(-F "file=@$T/other.json;filename=f$i.json"); done
upload "$TOK_viewer" "${args[@]}"
code_is 400 "more than 64 parts"
contains "$(j 'd["error"]["message"]')" "more than 64 parts" "why"
upload "$TOK_viewer" -F "log=@$F1"
code_is 422 "the wrong field"
upload "$TOK_viewer" -F "note=hello"
code_is 422 "no file"
contains "$(j 'd["error"]["message"]')" "choose one or more CloudTrail files" "why"
head -c $((26 << 20)) /dev/zero > "$T/big.json"
upload "$TOK_viewer" -F "file=@$T/big.json"
code_is 413 "over 25 MiB"
upload "" -F "file=@$F1"
code_is 401 "no token, no scan"
upload "$TOK_viewer" -H 'Content-Type: application/json' --data-binary '{}'
code_is 415 "not multipart"
equals "$(find "$T/tmp" -mindepth 1 | wc -l)" 0 "every temporary file and directory removed"

# --- API tokens: admin only, shown once, usable, revocable ---
req POST /api/v1/users/viewer/tokens "$TOK_admin" '{"label":"CI <script>x</script>"}'
code_is 201 "create a token for a user"
NEW=$(j 'd["token"]'); NEW_ID=$(j 'd["id"]')
contains "$NEW" "isms_" "the token, answered once"
equals "$(j '[d["user"], d["label"]]')" '["viewer", "CI <script>x</script>"]' "for whom, with its label"
req GET /api/v1/me "$NEW"
equals "$(j 'd["name"]')" viewer "the new token works"
VIEWER_ID=$(curl -s -H "Authorization: Bearer $TOK_admin" "$URL/api/v1/users" | python3 -c 'import json,sys; print([u["id"] for u in json.load(sys.stdin)["items"] if u["name"]=="viewer"][0])')
req GET "/api/v1/users/$VIEWER_ID/tokens" "$TOK_admin"
code_is 200 "a user's tokens by user id"
equals "$(j '[t["id"] for t in d["items"]][-1]')" "$NEW_ID" "listed"
equals "$(j 'sorted(set(t["user"] for t in d["items"]))')" '["viewer"]' "only that user's"
equals "$(j 'd["items"][-1]["prefix"] == "'"${NEW:0:11}"'"')" true "by its prefix"
not_contains "$BODY" "$NEW" "never the token again"
expect_rc 0 isms token list --json
equals "$(jget "$OUT" '[t for t in d if t["user"]=="viewer"]')" "$(j 'd["items"]')" "as the CLI lists them"
req DELETE "/api/v1/tokens/$NEW_ID" "$TOK_admin"
code_is 204 "revoke it"
req GET /api/v1/me "$NEW"
code_is 401 "a revoked token is refused"
req DELETE "/api/v1/tokens/$NEW_ID" "$TOK_admin"
code_is 404 "revoked already"
for id in abc 0 99999 "1%20OR%201=1" "1%27--"; do
    req DELETE "/api/v1/tokens/$id" "$TOK_admin"
    code_is 404 "no token $id"
done
for u in nobody "x%27%20OR%20%271%27=%271" 9999; do
    req POST "/api/v1/users/$u/tokens" "$TOK_admin" '{}'
    code_is 404 "no user $u"
done
req POST /api/v1/users/viewer/tokens "$TOK_admin" "{\"label\":\"$(printf 'x%.0s' $(seq 201))\"}"
code_is 422 "a label over 200 characters"
for body in '{"label":5}' '{"user":"admin"}' '{"label":"a\u0001b"}'; do
    req POST /api/v1/users/viewer/tokens "$TOK_admin" "$body"
    code_is 422 "refused: $body"
done
req POST /api/v1/users/viewer/tokens "$TOK_admin" '{'
code_is 400 "malformed JSON"
req POST /api/v1/users/viewer/tokens "$TOK_editor" '{}'
code_is 403 "an editor cannot make tokens"
req GET /api/v1/users/viewer/tokens "$TOK_auditor"
code_is 403 "an auditor cannot list tokens"
req GET "/api/v1/audit-log?limit=500" "$TOK_auditor"
equals "$(j '[e["action"] for e in d["items"] if e["entity"]=="api_token" and e["entity_id"]=="'"$NEW_ID"'"]')" \
    '["create", "revoke"]' "created and revoked in the audit log"
not_contains "$BODY" "$NEW" "the token is not in the audit log"
not_contains "$(cat "$T/serve.out" "$T/serve.err")" "$NEW" "nor in the server's output"

# --- pages ---
session editor; session viewer; session admin
page editor /checks
code_is 200 "the checks page"
contains "$BODY" '<a href="/checks"' "Checks in the nav"
contains "$BODY" 'id="source-github"' "grouped by source"
contains "$BODY" '<td class="st-gap">FAIL</td>' "a failing badge"
contains "$BODY" '<td class="st-met">pass</td>' "a passing badge"
contains "$BODY" "<li>bob" "the failing details"
contains "$BODY" 'href="/checks/github.members_without_2fa"' "links to the history"
contains "$BODY" 'action="/checks/runs"' "a run-now form for editors"
contains "$BODY" 'href="/logs"' "the log scan linked"
contains "$BODY" 'id="alert-list"' "the alerts section"
contains "$BODY" "evidence_stale" "an alert shown"
page viewer /checks
code_is 200 "viewers see the checks"
not_contains "$BODY" 'action="/checks/runs"' "but no run form"
form editor /checks/runs source=host
code_is 303 "run the host checks from the page"
CODE=$(curl -s -b "$T/jar.editor" -o "$T/body" -w '%{redirect_url}' --data-urlencode "csrf=$CSRF_editor" \
    --data-urlencode source=host "$URL/checks/runs")
contains "$CODE" "/checks?ran=6&failed=0" "redirected with what ran"
page editor "/checks?ran=6&failed=0"
contains "$BODY" "6 check(s) run, 0 failed or could not run." "the notice"
CODE=$(curl -s -b "$T/jar.editor" -o "$T/body" -w '%{http_code}' --data-urlencode source=host "$URL/checks/runs")
code_is 403 "no CSRF token, no run"
form editor /checks/runs "source=<script>alert(1)</script>"
code_is 422 "an unknown source from the form"
contains "$BODY" "no check or source &#39;&lt;script&gt;alert(1)&lt;/script&gt;&#39;" "the CLI's message, escaped"
not_contains "$BODY" "<script>alert" "never raw"
form viewer /checks/runs source=host
code_is 403 "a viewer cannot run"
page viewer /checks/github.members_without_2fa
code_is 200 "a check's history"
contains "$BODY" 'id="failing-since"' "since when it fails"
contains "$BODY" "$FAIL_AT" "the first failing run"
contains "$BODY" '/api/v1/evidence/' "each run's evidence"
CODE=$(curl -s -b "$T/jar.editor" -o "$T/body" -w '%{redirect_url}' --data-urlencode "csrf=$CSRF_editor" \
    --data-urlencode id=host.firewall "$URL/checks/runs")
contains "$CODE" "/checks/host.firewall?ran=1&failed=0" "a run from a check's page goes back to it"
page editor "/checks/host.firewall?ran=1&failed=0"
contains "$BODY" 'id="run-ok">Run: it passes.' "with the result"
contains "$BODY" 'id="run-one"' "and its run form"
page viewer "/checks/%3Cscript%3E"
code_is 404 "an unknown check"
contains "$BODY" "no check &#39;&lt;script&gt;&#39;" "named, escaped"

page viewer /logs
code_is 200 "the log scan page"
contains "$BODY" 'enctype="multipart/form-data"' "the upload form"
python3 - "$T/xss.json" <<'EOF'
import json, sys
rec = {"eventVersion": "1.08", "eventTime": "2026-01-05T10:00:00Z", "eventSource": "signin.amazonaws.com",
       "eventName": "ConsoleLogin", "awsRegion": "us-east-1", "sourceIPAddress": "203.0.113.9",
       "userIdentity": {"type": "IAMUser", "userName": "<script>alert(1)</script>"},
       "responseElements": {"ConsoleLogin": "Failure"}, "eventID": "e1"}
json.dump({"Records": [rec]}, open(sys.argv[1], "w"))
EOF
CODE=$(curl -s -b "$T/jar.viewer" -o "$T/body" -w '%{http_code}' -F "csrf=$CSRF_viewer" -F "file=@$T/xss.json" \
    -F "file=@$F1" "$URL/logs"); BODY=$(cat "$T/body")
code_is 200 "scan from the page"
contains "$BODY" 'id="findings"' "the findings table"
contains "$BODY" "console_login_failures" "the failed login found"
contains "$BODY" "&lt;script&gt;alert(1)&lt;/script&gt;" "an attacker's user name, escaped"
not_contains "$BODY" "<script>alert" "never raw"
CODE=$(curl -s -b "$T/jar.viewer" -o "$T/body" -w '%{http_code}' -F "csrf=$CSRF_viewer" -F "file=@$T/other.json" \
    "$URL/logs"); BODY=$(cat "$T/body")
code_is 422 "a refused scan"
contains "$BODY" 'id="form-error"' "shows why"
contains "$BODY" "not a CloudTrail log" "the scanner's reason"
CODE=$(curl -s -b "$T/jar.viewer" -o "$T/body" -w '%{http_code}' -F "file=@$F1" "$URL/logs")
code_is 403 "no CSRF token, no scan"

page admin /users
code_is 200 "the users page"
contains "$BODY" 'id="token-form"' "the token form"
contains "$BODY" "CI &lt;script&gt;x&lt;/script&gt;" "a token's label, escaped"
not_contains "$BODY" "<script>x" "never raw"
form admin /users/tokens user=editor "label=from the page"
code_is 200 "create a token on the page"
PT=$(printf %s "$BODY" | sed -n 's/.*id="new-token">\(isms_[0-9a-f]*\)<.*/\1/p')
contains "$PT" "isms_" "shown once"
req GET /api/v1/me "$PT"
equals "$(j 'd["name"]')" editor "the page's token works"
page admin /users
not_contains "$BODY" "$PT" "not shown again"
PT_ID=$(curl -s -H "Authorization: Bearer $TOK_admin" "$URL/api/v1/users/editor/tokens" | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][-1]["id"])')
form admin /users/tokens/revocation "id=$PT_ID"
code_is 303 "revoke on the page"
req GET /api/v1/me "$PT"
code_is 401 "revoked"
page admin "/users?revoked=$PT_ID"
contains "$BODY" "Token $PT_ID revoked." "the notice"
form admin /users/tokens/revocation "id=$PT_ID"
code_is 404 "revoked already"
contains "$BODY" "no active token with id $PT_ID" "the store's message"
form admin /users/tokens/revocation "id=1 OR 1=1"
code_is 422 "not a token id"
form admin /users/tokens user=nobody
code_is 404 "no such user"
contains "$BODY" "no user &#39;nobody&#39;" "the store's message"
form admin /users/tokens user=viewer "label=$(printf 'y%.0s' $(seq 201))"
code_is 422 "a long label"
form editor /users/tokens user=editor
code_is 403 "an editor cannot make tokens on the page"
CODE=$(curl -s -b "$T/jar.admin" -o "$T/body" -w '%{http_code}' --data-urlencode user=viewer "$URL/users/tokens")
code_is 403 "no CSRF token, no token"

# --- the role matrix of this area's routes ---
least() {
    case "$1 $2" in
        "POST /api/v1/check-runs") echo editor ;;
        *tokens*) echo admin ;;
        *) echo viewer ;;
    esac
}
body_for() {
    case "$1 $2" in
        "POST /api/v1/check-runs") echo '{"sources":["host"]}' ;;
        "POST /api/v1/users/{id}/tokens") echo '{"label":"matrix"}' ;;
        *) echo '{}' ;;
    esac
}
path_for() {
    case "$2" in
        */checks/{id}/history) echo /api/v1/checks/host.firewall/history ;;
        /api/v1/users/{id}/tokens) echo /api/v1/users/auditor/tokens ;;
        /api/v1/tokens/{id})
            req POST /api/v1/users/auditor/tokens "$TOK_admin" '{}'
            echo "/api/v1/tokens/$(printf %s "$BODY" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')" ;;
        *) echo "$2" ;;
    esac
}
api_routes checks | role_matrix

kill -TERM $SERVER; wait $SERVER
grep -q -e AddressSanitizer -e "runtime error" "$T/serve.err" && fail "sanitizer report: $(cat "$T/serve.err")"
finish
