#!/bin/bash
# Black-box HTTP tests of internal audits, findings, actions, management reviews and feedback:
# the role matrix of their API routes, each route's answers, the CLI's validation messages,
# hostile input, the pages and their forms (CSRF, refusals, escaping), the Markdown download and
# the audit log.
. "$(dirname "$0")/http_lib.sh"

http_users
http_start --max-body 65536

jid() { printf %s "$BODY" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])'; }
# Dates relative to today: the store refuses reviews in the future and flags actions past due.
day() { date -u -d "$1 days" +%F; }
PAST=$(day -60); LATER=$(day 60)

# Something to act on: an audit with an observation (no root cause needed) and a review.
req POST /api/v1/audits "$TOK_editor" '{"auditor":"Setup Auditor","start":"'$PAST'","scope":"9.2,A.5.23"}'
code_is 201 "plan the setup audit"
SETUP_AUDIT=$(jget "$BODY" 'd["audit"]["id"]')
req POST "/api/v1/audits/$SETUP_AUDIT/findings" "$TOK_editor" '{"type":"observation","ref":"9.2","description":"setup"}'
code_is 201 "setup finding"
SETUP_FINDING=$(jid)
req POST /api/v1/reviews "$TOK_editor" '{"attendees":"CEO, CTO","decisions":"Keep going"}'
code_is 201 "setup review"
SETUP_REVIEW=$(jid)

# --- role matrix ---
least() { case "$1" in GET) echo viewer ;; *) echo editor ;; esac; }
body_for() {
    case "$1 $2" in
        "POST /api/v1/audits") echo '{"auditor":"Matrix '"$3"'","start":"'$PAST'","scope":"9.2"}' ;;
        "POST /api/v1/audits/{id}/findings") echo '{"type":"observation","ref":"A.5.23","description":"matrix"}' ;;
        "POST /api/v1/audits/{id}/completion") echo '{"summary":"matrix results"}' ;;
        "POST /api/v1/actions") echo '{"finding":'"$SETUP_FINDING"',"actions":"matrix","owner":"CTO","due":"'$LATER'"}' ;;
        "POST /api/v1/actions/{id}/verification") echo '{"effective":true,"note":"checked","by":"QA"}' ;;
        "POST /api/v1/reviews") echo '{"attendees":"CEO","decisions":"matrix"}' ;;
        "POST /api/v1/feedback") echo '{"party":"Customers","summary":"matrix '"$3"'"}' ;;
        *) echo '{}' ;;
    esac
}
path_for() { # a fresh audit or action for each role, so each change acts on something it may change
    local p=$2
    if [[ $2 == /api/v1/audits/{id}* ]]; then
        req POST /api/v1/audits "$TOK_admin" '{"auditor":"Fresh","start":"'$PAST'","scope":"9.2"}'
        p=${2//\{id\}/$(jget "$BODY" 'd["audit"]["id"]')}
    elif [[ $2 == /api/v1/actions/{id}* ]]; then
        req POST /api/v1/actions "$TOK_admin" "$(body_for POST /api/v1/actions)"
        local aid; aid=$(jid)
        [[ $2 == */verification ]] && req POST "/api/v1/actions/$aid/done" "$TOK_admin"
        p=${2//\{id\}/$aid}
    fi
    echo "${p//\{id\}/$SETUP_REVIEW}"
}
role_matrix <<< "$(api_routes audits)"

# --- planning: the programme's year, the CLI's refusals ---
req GET /api/v1/audit-programme "$TOK_viewer"
code_is 200 "programme"
equals "$(jget "$BODY" 'len(d["years"])')" "3" "three cycle years"
equals "$(jget "$BODY" 'all("9.1" in [i["ref"] for i in y["items"]] for y in d["years"])')" "true" "clause 9.1 every year"
equals "$(jget "$BODY" 'd["items"] > 20 and all(y["planned"] > 0 for y in d["years"])')" "true" "items planned each year"

req POST /api/v1/audits "$TOK_editor" '{"auditor":"Sam Lee","start":"'$PAST'","end":"'$(day -58)'","year":1}'
code_is 201 "plan programme year 1"
Y1=$(jget "$BODY" 'd["audit"]["id"]')
equals "$(jget "$BODY" 'd["audit"]["title"]')" "Internal audit, programme year 1" "default title names the year"
equals "$(jget "$BODY" 'd["audit"]["status"]')" "planned" "planned"
equals "$(jget "$BODY" '"4.1" in d["audit"]["scope"] and "10.2" in d["audit"]["scope"]')" "true" "year 1 covers clauses 4-10"
contains "$(jget "$BODY" 'd["audit"]["criteria"]')" "ISO/IEC 27001:2022 clauses 4-10" "default criteria"
equals "$(jget "$BODY" 'd["findings"]')" "[]" "no findings yet"

req POST /api/v1/audits "$TOK_editor" '{"auditor":"Alex Morgan","start":"'$PAST'","scope":"A.5.1,9.2"}'
code_is 409 "the auditor owns a control in scope"
MSG=$(jget "$BODY" 'd["error"]["message"]')
contains "$MSG" "auditors must not audit their own work" "independence refusal"
expect_rc 2 isms audit plan --auditor "Alex Morgan" --start $PAST --scope A.5.1,9.2 || true
contains "$ERR" "$MSG" "the CLI refuses with the same message"
req POST /api/v1/audits "$TOK_editor" '{"auditor":"Sam Lee","start":"'$PAST'","scope":"9.2","year":2}'
code_is 422 "scope and year together"
contains "$BODY" "give the scope" "scope or year"
req POST /api/v1/audits "$TOK_editor" '{"auditor":"Sam Lee","start":"'$PAST'","year":4}'
code_is 422 "year 4"
req POST /api/v1/audits "$TOK_editor" '{"auditor":"Sam Lee","start":"2026-02-30","scope":"9.2"}'
code_is 422 "not a calendar date"
contains "$(jget "$BODY" 'd["error"]["message"]')" "start date '2026-02-30' is not a date (YYYY-MM-DD)" "date message"
req POST /api/v1/audits "$TOK_editor" '{"auditor":"Sam Lee","start":"'$PAST'","end":"'$(day -61)'","scope":"9.2"}'
code_is 422 "ends before it starts"
contains "$BODY" "before it starts" "end before start message"
equals "$(jget "$BODY" '"field" in d["error"]')" "false" "an error about no one member names none"
req POST /api/v1/audits "$TOK_editor" '{"start":"'$PAST'","scope":"9.2"}'
code_is 422 "no auditor"
contains "$BODY" "the auditor is required" "auditor required"
equals "$(jget "$BODY" 'd["error"]["field"]')" "auditor" "the error names the auditor member"
req POST /api/v1/audits "$TOK_editor" '{"auditor":"Sam Lee","start":"'$PAST'","scope":"9.2; DROP TABLE audit"}'
code_is 422 "a scope that is no clause or control"
req POST /api/v1/audits "$TOK_editor" '{"auditor":"Sam Lee","start":"'$PAST'","scope":"9.2","colour":"red"}'
code_is 422 "unknown member"
contains "$BODY" "colour: not a field" "names the member"
req POST /api/v1/audits "$TOK_editor" '{"auditor":42,"start":"'$PAST'","scope":"9.2"}'
code_is 422 "wrong type"
req POST /api/v1/audits "$TOK_editor" '{"auditor":"Sam Lee",'
code_is 400 "malformed JSON"
equals "$(jget "$BODY" 'd["error"]["code"]')" "invalid_json" "JSON error code"
req POST /api/v1/audits "$TOK_editor" '["not an object"]'
code_is 400 "an array body"
CODE=$(printf '{"auditor":"\xff\xfe","start":"'$PAST'","scope":"9.2"}' | curl -s -o "$T/body" -w '%{http_code}' \
    -H "Authorization: Bearer $TOK_editor" -H 'Content-Type: application/json' --data-binary @- "$URL/api/v1/audits")
BODY=$(cat "$T/body")
code_is 400 "bad UTF-8"
python3 -c 'import sys; sys.stdout.write("{\"auditor\":\"" + "x"*70000 + "\",\"start\":\"'"$PAST"'\",\"scope\":\"9.2\"}")' > "$T/big"
CODE=$(curl -s -o "$T/body" -w '%{http_code}' -H "Authorization: Bearer $TOK_editor" -H 'Content-Type: application/json' \
    --data-binary @"$T/big" "$URL/api/v1/audits"); BODY=$(cat "$T/body")
code_is 413 "oversized body"
req POST /api/v1/audits "$TOK_editor" '{"auditor":"Sam Lee","start":"'$PAST'","scope":["9.2","A.5.23"],"title":"Robert'"'"'); DROP TABLE audit;--"}'
code_is 201 "scope as a list; SQL metacharacters are text"
SQLA=$(jget "$BODY" 'd["audit"]["id"]')
equals "$(jget "$BODY" 'd["audit"]["title"]')" "Robert'); DROP TABLE audit;--" "title stored as given"
equals "$(jget "$BODY" 'd["audit"]["scope"]')" '["9.2", "A.5.23"]' "scope normalized"

# --- reading audits ---
req GET "/api/v1/audits?limit=2&offset=1" "$TOK_viewer"
code_is 200 "list audits"
equals "$(jget "$BODY" 'len(d["items"])')" "2" "page size"
equals "$(jget "$BODY" 'd["total"] >= 4')" "true" "total counts every audit"
req GET "/api/v1/audits?status=completed" "$TOK_viewer"
equals "$(jget "$BODY" 'all(a["status"] == "completed" for a in d["items"])')" "true" "status filter"
req GET "/api/v1/audits?status=done'--" "$TOK_viewer"
code_is 400 "bad status filter"
req GET "/api/v1/audits?limit=0" "$TOK_viewer"
code_is 400 "bad limit"
for bad in 0 -1 abc 99999 "1%27%20OR%201=1" "1;DROP%20TABLE%20audit" 1.5 %20; do
    req GET "/api/v1/audits/$bad" "$TOK_viewer"
    code_is 404 "audit id '$bad'"
done
contains "$(req GET /api/v1/audits/99999 "$TOK_viewer"; jget "$BODY" 'd["error"]["message"]')" "no internal audit with id 99999" "CLI's not-found message"
req GET "/api/v1/audits/$Y1" "$TOK_auditor"
code_is 200 "an auditor reads an audit"
req GET "/api/v1/audits/$SQLA/checklist" "$TOK_viewer"
code_is 200 "checklist"
equals "$(jget "$BODY" '[i["ref"] for i in d["items"]]')" '["9.2", "A.5.23"]' "checklist items follow the scope"
contains "$(jget "$BODY" 'd["items"][0]["question"]')" "How does the organization meet clause 9.2" "clause question"
contains "$(jget "$BODY" 'd["items"][1]["question"]')" "Is A.5.23" "control question"
equals "$(jget "$BODY" 'isinstance(d["items"][1]["evidence"], list) and "evidence" not in d["items"][0]')" "true" "evidence on file for controls"
expect_rc 0 isms audit checklist "$SQLA" --json
equals "$(printf %s "$OUT" | python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin), sort_keys=True))')" \
    "$(printf %s "$BODY" | python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin), sort_keys=True))')" \
    "the API's checklist is the CLI's"
req GET "/api/v1/audits/99999/checklist" "$TOK_viewer"
code_is 404 "checklist of no audit"

# --- findings ---
req POST "/api/v1/audits/$Y1/findings" "$TOK_editor" '{"type":"minor","ref":"5.23","description":"No exit plan for cloud services","evidence":"Interview with the CTO"}'
code_is 201 "record a minor nonconformity"
NC=$(jid)
equals "$(jget "$BODY" 'd["ref"]')" "A.5.23" "ref normalized as the CLI does"
equals "$(jget "$BODY" 'd["audit"]')" "$Y1" "finding names its audit"
req POST "/api/v1/audits/$Y1/findings" "$TOK_editor" '{"type":"improvement","ref":"9.2","description":"Automate the checklist"}'
code_is 201 "record an improvement"
req POST "/api/v1/audits/$Y1/findings" "$TOK_editor" '{"type":"bogus","ref":"9.2","description":"x"}'
code_is 422 "bad finding type"
contains "$BODY" "finding type 'bogus' is not major, minor, observation or improvement" "type message"
req POST "/api/v1/audits/$Y1/findings" "$TOK_editor" '{"type":"minor","ref":"Z.9","description":"x"}'
code_is 422 "bad ref"
req POST "/api/v1/audits/$Y1/findings" "$TOK_editor" '{"type":"minor","ref":"9.2"}'
code_is 422 "no description"
req POST "/api/v1/audits/99999/findings" "$TOK_editor" '{"type":"minor","ref":"9.2","description":"x"}'
code_is 404 "finding for no audit"
req GET "/api/v1/audits/$Y1/findings" "$TOK_viewer"
code_is 200 "the audit's findings"
equals "$(jget "$BODY" '[f["type"] for f in d["items"]]')" '["minor", "improvement"]' "both findings"
req GET "/api/v1/findings?type=minor&open=true" "$TOK_viewer"
code_is 200 "open nonconformities"
equals "$(jget "$BODY" "[f['id'] for f in d['items']] == [$NC]")" "true" "the minor NC is open"
req GET "/api/v1/findings?audit=$Y1&type=improvement" "$TOK_viewer"
equals "$(jget "$BODY" 'd["total"]')" "1" "filter by audit and type"
req GET "/api/v1/findings?type=minor'%20OR%201=1--" "$TOK_viewer"
code_is 400 "SQL in the type filter"
req GET "/api/v1/findings?audit=1%20OR%201=1" "$TOK_viewer"
code_is 400 "SQL in the audit filter"
req GET "/api/v1/findings?open=maybe" "$TOK_viewer"
code_is 400 "bad open filter"

# --- actions: root cause, done, verification, overdue ---
req POST /api/v1/actions "$TOK_editor" '{"finding":'"$NC"',"actions":"Write the exit plan","owner":"CTO","due":"'$(day -59)'"}'
code_is 422 "a nonconformity's action needs its root cause"
contains "$(jget "$BODY" 'd["error"]["message"]')" "needs a root cause (10.2 b)" "root cause message as the CLI's"
equals "$(jget "$BODY" 'd["error"]["field"]')" "root_cause" "the error names the root_cause member"
req POST /api/v1/actions "$TOK_editor" '{"finding":'"$NC"',"review":'"$SETUP_REVIEW"',"actions":"x","owner":"CTO","due":"'$(day -59)'"}'
code_is 422 "finding and review together"
contains "$BODY" "either a finding or a management review" "one source"
req POST /api/v1/actions "$TOK_editor" '{"finding":99999,"actions":"x","owner":"CTO","due":"'$(day -59)'"}'
code_is 404 "action for no finding"
req POST /api/v1/actions "$TOK_editor" '{"finding":"1 OR 1=1","actions":"x","owner":"CTO","due":"'$(day -59)'"}'
code_is 422 "finding id as text"
req POST /api/v1/actions "$TOK_editor" '{"finding":'"$NC"',"actions":"x","owner":"CTO","due":"soon","root_cause":"y"}'
code_is 422 "bad due date"
req POST /api/v1/actions "$TOK_editor" '{"finding":'"$NC"',"root_cause":"No owner for supplier exits","actions":"Write the exit plan","owner":"CTO","due":"'$(day -59)'"}'
code_is 201 "add the corrective action"
ACT=$(jid)
equals "$(jget "$BODY" '[d["status"], d["overdue"], d["source"], d["finding_type"]]')" '["open", true, "finding", "minor"]' "open and overdue"
req GET "/api/v1/actions?overdue=true" "$TOK_viewer"
code_is 200 "overdue actions"
equals "$(jget "$BODY" "$ACT in [a['id'] for a in d['items']] and d['overdue'] >= 1")" "true" "overdue listed and counted"
req GET "/api/v1/actions?open=true&source=review" "$TOK_viewer"
equals "$(jget "$BODY" 'all(a["source"] == "review" and a["status"] != "closed" for a in d["items"])')" "true" "open review actions"
req GET "/api/v1/actions?source=x" "$TOK_viewer"
code_is 400 "bad source"
req GET "/api/v1/actions/$ACT" "$TOK_viewer"
code_is 200 "one action"
equals "$(jget "$BODY" 'd["root_cause"]')" "No owner for supplier exits" "root cause kept"
req GET "/api/v1/actions/abc" "$TOK_viewer"
code_is 404 "action id as text"
req GET "/api/v1/actions/99999" "$TOK_viewer"
code_is 404 "no such action"
req POST "/api/v1/actions/$ACT/verification" "$TOK_editor" '{"effective":true,"note":"n","by":"QA"}'
code_is 409 "verify before done"
contains "$BODY" "can be checked once it is implemented" "verification order message"
req POST "/api/v1/actions/$ACT/done" "$TOK_editor" '{"date":"2026-13-01"}'
code_is 422 "bad done date"
req POST "/api/v1/actions/$ACT/done" "$TOK_editor"
code_is 200 "report done (no body)"
equals "$(jget "$BODY" 'd["status"]')" "implemented" "implemented"
req POST "/api/v1/actions/$ACT/done" "$TOK_editor" '{}'
code_is 409 "done twice"
contains "$BODY" "is already implemented" "done twice message"
req POST "/api/v1/actions/$ACT/verification" "$TOK_editor" '{"effective":"maybe","note":"n","by":"QA"}'
code_is 422 "effective maybe"
contains "$BODY" "is yes or no, not 'maybe'" "effective message"
req POST "/api/v1/actions/$ACT/verification" "$TOK_editor" '{"effective":"no","by":"QA"}'
code_is 422 "no note"
req POST "/api/v1/actions/$ACT/verification" "$TOK_editor" '{"effective":"no","note":"Plan not tested","by":"Sam Lee"}'
code_is 200 "not effective"
equals "$(jget "$BODY" '[d["status"], d["effectiveness"]]')" '["open", "not effective: Plan not tested"]' "back to its owner"
req POST "/api/v1/actions/$ACT/done" "$TOK_editor" '{"date":"'$(day -50)'"}'
code_is 200 "done again"
req POST "/api/v1/actions/$ACT/verification" "$TOK_editor" '{"effective":true,"note":"Exit plan tested","by":"Sam Lee","date":"'$(day -40)'"}'
code_is 200 "effective"
equals "$(jget "$BODY" '[d["status"], d["closed_on"], d["overdue"]]')" '["closed", "'$(day -40)'", false]' "closed"
req GET "/api/v1/findings?type=minor&open=false" "$TOK_viewer"
equals "$(jget "$BODY" "$NC in [f['id'] for f in d['items']]")" "true" "the NC is closed with its action"

# --- completion ---
req POST "/api/v1/audits/$Y1/completion" "$TOK_editor" '{"date":"'$(day -57)'"}'
code_is 422 "completion without summary"
contains "$BODY" "a summary of the audit results is required" "summary message"
req POST "/api/v1/audits/$Y1/completion" "$TOK_editor" '{"summary":"x","date":"'$(day -61)'"}'
code_is 422 "completed before it starts"
req POST "/api/v1/audits/$Y1/completion" "$TOK_editor" '{"summary":"One minor nonconformity","date":"'$(day -57)'"}'
code_is 200 "complete"
equals "$(jget "$BODY" '[d["audit"]["status"], d["audit"]["completed_on"], d["audit"]["summary"]]')" '["completed", "'$(day -57)'", "One minor nonconformity"]' "completed"
req POST "/api/v1/audits/$Y1/completion" "$TOK_editor" '{"summary":"again"}'
code_is 409 "complete twice"
req POST "/api/v1/audits/$Y1/findings" "$TOK_editor" '{"type":"minor","ref":"9.2","description":"late"}'
code_is 409 "no findings after completion"
contains "$BODY" "its findings are closed records" "completed message"
req GET /api/v1/audit-programme "$TOK_viewer"
equals "$(jget "$BODY" 'd["years"][0]["audited"] > 0 and d["items_audited"] > 0')" "true" "the completed audit counts in the programme"
expect_rc 0 isms audit programme --json
equals "$(printf %s "$OUT" | python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin), sort_keys=True))')" \
    "$(printf %s "$BODY" | python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin), sort_keys=True))')" \
    "the API's programme is the CLI's"

# --- reviews, feedback, the input pack ---
req POST /api/v1/feedback "$TOK_editor" '{"party":"Customers","summary":"Want SSO <b>now</b>"}'
code_is 201 "feedback"
equals "$(jget "$BODY" '[d["party"], d["received_on"]]')" '["Customers", "'$(day 0)'"]' "feedback recorded"
req POST /api/v1/feedback "$TOK_editor" '{"summary":"no party"}'
code_is 422 "feedback without party"
contains "$BODY" "party is required" "party message"
equals "$(jget "$BODY" 'd["error"]["field"]')" "party" "the error names the party member"
req GET "/api/v1/feedback?since=$PAST" "$TOK_viewer"
code_is 200 "feedback since"
equals "$(jget "$BODY" 'all(f["received_on"] >= "'$PAST'" for f in d["items"]) and d["total"] >= 1')" "true" "since filter"
req GET "/api/v1/feedback?since=yesterday" "$TOK_viewer"
code_is 400 "bad since"
req GET /api/v1/review-pack "$TOK_viewer"
code_is 200 "input pack"
equals "$(jget "$BODY" 'sorted(k[:2] for k in d if k[1] == "_")')" '["a_", "b_", "c_", "d_", "e_", "f_", "g_"]' "sections a-g"
equals "$(jget "$BODY" 'any(f["summary"] == "Want SSO <b>now</b>" for f in d["e_feedback"])')" "true" "feedback in the pack"
CODE=$(curl -s -D "$T/headers" -o "$T/pack.md" -w '%{http_code}' -H "Authorization: Bearer $TOK_viewer" "$URL/api/v1/review-pack?format=md")
code_is 200 "pack as Markdown"
contains "$(cat "$T/headers")" 'Content-Disposition: attachment; filename="review-pack-' "Markdown is a download"
contains "$(cat "$T/headers")" "text/markdown" "Markdown type"
expect_rc 0 isms review pack -o "$T/cli-pack.md"
CHECKS=$((CHECKS + 1)); cmp -s "$T/pack.md" "$T/cli-pack.md" || fail "the downloaded pack is the CLI's"
req GET "/api/v1/review-pack?format=pdf" "$TOK_viewer"
code_is 400 "bad format"
req POST /api/v1/reviews "$TOK_editor" '{"decisions":"x"}'
code_is 422 "review without attendees"
contains "$BODY" "top management must take part (9.3.1)" "attendees message"
req POST /api/v1/reviews "$TOK_editor" '{"attendees":"CEO","decisions":"x","date":"2099-01-01"}'
code_is 422 "review in the future"
req POST /api/v1/reviews "$TOK_editor" '{"attendees":"CEO, CTO, CISO","decisions":"Fund SSO","resources":"One engineer","date":"'$(day 0)'"}'
code_is 201 "record a review"
REV=$(jid)
equals "$(jget "$BODY" '[d["held_on"], d["resources"], sorted(d["pack"])[0]]')" '["'$(day 0)'", "One engineer", "a_previous_actions"]' "the pack is stored with it"
req GET "/api/v1/reviews/$REV" "$TOK_auditor"
code_is 200 "get a review"
equals "$(jget "$BODY" 'any(f["party"] == "Customers" for f in d["pack"]["e_feedback"])')" "true" "the stored pack has the feedback"
req GET "/api/v1/reviews/0" "$TOK_viewer"
code_is 404 "review 0"
req GET "/api/v1/reviews?limit=1" "$TOK_viewer"
equals "$(jget "$BODY" 'len(d["items"]) == 1 and d["total"] >= 2')" "true" "reviews paged"
req POST /api/v1/actions "$TOK_editor" '{"review":'"$REV"',"actions":"Roll out SSO","owner":"CTO","due":"'$LATER'"}'
code_is 201 "an action from the review"
RACT=$(jid)
req POST "/api/v1/actions/$RACT/done" "$TOK_editor" '{}'
equals "$(jget "$BODY" 'd["status"]')" "closed" "review actions close when done"
req POST "/api/v1/actions/$RACT/verification" "$TOK_editor" '{"effective":true,"note":"n","by":"QA"}'
code_is 422 "review actions are not verified"

# Everything above is in the hash-chained audit log, as the editor.
expect_rc 0 isms log --json
LOG=$OUT
for ent in audit finding action review feedback; do
    equals "$(printf %s "$LOG" | python3 -c 'import json,sys; print(any(e["entity"] == sys.argv[1] and e["actor"] == "editor" for e in json.load(sys.stdin)))' "$ent")" \
        "True" "the audit log has the editor's $ent"
done
expect_rc 0 isms log verify

# --- pages ---
session editor; session viewer; session auditor
page viewer /audits
code_is 200 "audits page"
contains "$BODY" 'id="programme"' "programme coverage"
contains "$BODY" "Robert&#39;); DROP TABLE audit;--" "titles escaped"
not_contains "$BODY" 'id="plan-form"' "no plan form for a viewer"
page editor /audits
contains "$BODY" 'id="plan-form"' "plan form for an editor"
contains "$BODY" '<a href="/audits"' "nav entry"
CODE=$(curl -s -b "$T/jar.editor" -o "$T/body" -w '%{http_code}' --data-urlencode "auditor=X" --data-urlencode "start=$PAST" \
    --data-urlencode "scope=9.2" "$URL/audits"); BODY=$(cat "$T/body")
code_is 403 "a form without the CSRF token"
form viewer /audits auditor=X start=$PAST scope=9.2
code_is 403 "a viewer cannot plan"
form auditor /audits auditor=X start=$PAST scope=9.2
code_is 403 "an auditor changes nothing"
form editor /audits "auditor=Kim <Park>" start=2026-02-31 scope=9.2
code_is 422 "a refused plan"
contains "$BODY" "start date &#39;2026-02-31&#39; is not a date" "the refusal says why"
contains "$BODY" 'value="Kim &lt;Park&gt;"' "the user's input is kept, escaped"
form editor /audits "auditor=Alex Morgan" start=$PAST scope=A.5.1
code_is 409 "a plan refused for independence"
contains "$BODY" "auditors must not audit their own work" "independence on the page"
form editor /audits "auditor=Kim Park" start=$PAST end=$(day -59) year=2 "title=<script>alert(1)</script>"
code_is 303 "plan from the page"
PA=$(sed -n 's/^location: //Ip' <(curl -s -D - -o /dev/null -b "$T/jar.editor" --data-urlencode "csrf=$CSRF_editor" \
    --data-urlencode "auditor=Kim Park" --data-urlencode start=$PAST --data-urlencode scope=9.2,A.5.23 "$URL/audits") | tr -d '\r')
contains "$PA" "/audits/" "redirect to the new audit"
page editor "$PA"
code_is 200 "audit page"
contains "$BODY" 'id="checklist"' "checklist"
contains "$BODY" "How does the organization meet clause 9.2" "checklist question"
contains "$BODY" 'id="finding-form"' "finding form"
form editor "$PA/findings" type=major ref=A.5.23 "description=<script>alert('x')</script> no exit plan"
code_is 303 "finding from the page"
page viewer "$PA"
contains "$BODY" "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; no exit plan" "finding escaped"
not_contains "$BODY" "<script>alert" "no raw script"
contains "$BODY" "needs a corrective action" "an NC without action is flagged"
not_contains "$BODY" 'id="finding-form"' "no finding form for a viewer"
form editor "$PA/findings" type=minor ref=Q.1 "description=kept text"
code_is 422 "a refused finding"
contains "$BODY" 'id="form-error"' "refusal shown"
contains "$BODY" ">kept text</textarea>" "description kept"
form editor /audits/99999/findings type=minor ref=9.2 description=x
code_is 404 "finding for no audit"
form editor "/audits/1%27%20OR%201=1/completion" summary=x
code_is 404 "completion of a bad id"
page viewer /audits/abc
code_is 404 "audit page of a bad id"
page viewer /audits/99999
code_is 404 "audit page of no audit"
PF=$(jget "$(curl -s -H "Authorization: Bearer $TOK_viewer" "$URL/api/v1/findings?type=major")" 'd["items"][-1]["id"]')

page editor "/actions?finding=$PF"
code_is 200 "actions page"
contains "$BODY" "name=\"finding\" inputmode=\"numeric\" value=\"$PF\"" "finding preset from the link"
form editor /actions finding="$PF" "actions=Write <the> plan" owner=CTO due=$(day -30)
code_is 422 "an action without root cause"
contains "$BODY" "needs a root cause (10.2 b)" "root cause on the page"
contains "$BODY" ">Write &lt;the&gt; plan</textarea>" "actions text kept"
form editor /actions finding="$PF" "actions=Write <the> plan" "root_cause=No exit owner" owner=CTO due=$(day -30)
code_is 303 "action from the page"
PACT=$(jget "$(curl -s -H "Authorization: Bearer $TOK_viewer" "$URL/api/v1/actions")" "[a['id'] for a in d['items'] if a.get('finding') == $PF][0]")
page viewer /actions
contains "$BODY" "<tr id=\"action-$PACT\" class=\"overdue\">" "the page's overdue action"
contains "$BODY" "Write &lt;the&gt; plan" "action escaped"
not_contains "$BODY" "/actions/$PACT/done" "no forms for a viewer"
form editor "/actions/$PACT/verification" effective=yes note=n by=QA
code_is 409 "verify before done, on the page"
form editor "/actions/$PACT/done" date=
code_is 303 "mark done"
form editor "/actions/$PACT/verification" effective=perhaps note=n by=QA
code_is 422 "bad effective on the page"
form editor "/actions/$PACT/verification" effective=yes "note=Plan tested" "by=Sam Lee"
code_is 303 "verify"
req GET "/api/v1/actions/$PACT" "$TOK_viewer"
equals "$(jget "$BODY" '[d["status"], d["verified_by"]]')" '["closed", "Sam Lee"]' "closed from the page"
form editor "/actions/abc/done"
code_is 404 "done for a bad id"
form editor "$PA/completion" "summary=Major NC on exits" date=
code_is 303 "complete from the page"
page viewer "$PA"
contains "$BODY" "completed on" "shown completed"
not_contains "$BODY" 'id="complete-form"' "no completion form once completed"

page viewer /reviews
code_is 200 "reviews page"
contains "$BODY" "Fund SSO" "reviews listed"
contains "$BODY" "Want SSO &lt;b&gt;now&lt;/b&gt;" "feedback escaped"
form editor /reviews "decisions=Keep <it>"
code_is 422 "a review without attendees"
contains "$BODY" "top management must take part" "review refusal"
contains "$BODY" ">Keep &lt;it&gt;</textarea>" "decisions kept"
form editor /reviews/feedback "party=Auditors" "summary=<img src=x onerror=alert(1)>"
code_is 303 "feedback from the page"
form editor /reviews/feedback summary=x
code_is 422 "feedback refused"
form editor /reviews "attendees=CEO" "decisions=Approve <the> budget"
code_is 303 "review from the page"
PR=$(jget "$(curl -s -H "Authorization: Bearer $TOK_viewer" "$URL/api/v1/reviews?limit=500")" 'd["items"][-1]["id"]')
page viewer "/reviews/$PR"
code_is 200 "review page"
contains "$BODY" "Approve &lt;the&gt; budget" "review escaped"
contains "$BODY" 'id="stored-pack"' "stored pack shown"
contains "$BODY" "&lt;img src=x onerror=alert(1)&gt;" "stored feedback escaped"
not_contains "$BODY" "<img src=x" "no raw markup from the pack"
page viewer /reviews/0
code_is 404 "review page of no review"
page viewer /reviews/pack
code_is 200 "pack page"
for s in a b c d e f g; do contains "$BODY" "id=\"pack-$s\"" "pack section $s"; done
contains "$BODY" "Want SSO &lt;b&gt;now&lt;/b&gt;" "pack page escapes feedback"
CODE=$(curl -s -D "$T/headers" -o "$T/page-pack.md" -w '%{http_code}' -b "$T/jar.viewer" "$URL/reviews/pack.md")
code_is 200 "pack download"
contains "$(cat "$T/headers")" 'Content-Disposition: attachment; filename="review-pack-' "download header"
contains "$(head -1 "$T/page-pack.md")" "# Management review input pack" "Markdown content"
contains "$(cat "$T/page-pack.md")" "## g) Opportunities for continual improvement" "all sections"

expect_rc 0 isms log --json
for ent in audit finding action review feedback; do
    equals "$(printf %s "$OUT" | python3 -c 'import json,sys; print(sum(e["entity"] == sys.argv[1] and e["actor"] == "editor" for e in json.load(sys.stdin)) > 1)' "$ent")" \
        "True" "page changes to $ent in the audit log"
done

kill -TERM "$SERVER"; wait "$SERVER"
grep -q -e AddressSanitizer -e "runtime error" -e LeakSanitizer "$T/serve.err" && fail "sanitizer report: $(head -c 3000 "$T/serve.err")"
finish
