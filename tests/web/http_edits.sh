#!/bin/bash
# Edits over HTTP change only what they name: a PUT's absent (or null) member keeps its value, a
# form keeps every field it does not post and clears one posted empty where clearing is allowed.
# Blank values are refused where a value is required. Readiness and the gap analysis of the API
# list the same gaps.
. "$(dirname "$0")/http_lib.sh"
export ISMS_TODAY=2026-11-30
http_users
http_start
NBSP=$(printf '\302\240')

# same WHAT BEFORE AFTER FIELD...: the JSON objects agree on every member but FIELD...
same() {
    CHECKS=$((CHECKS + 1))
    local what=$1 before=$2 after=$3; shift 3
    local diff
    diff=$(python3 -c 'import json,sys
b, a = json.loads(sys.argv[1]), json.loads(sys.argv[2])
skip = set(sys.argv[3:]) | {"updated_at", "problems"}
print(" ".join(sorted(k for k in set(b) | set(a) if k not in skip and b.get(k) != a.get(k))))' "$before" "$after" "$@")
    [ -z "$diff" ] || fail "$what: also changed $diff"
}

# --- the API ---
req POST /api/v1/assets "$TOK_editor" '{"name":"Ledger","type":"software","owner":"CFO","classification":"confidential","confidentiality":3,"integrity":3,"availability":2,"description":"GL"}'
code_is 201 "create an asset"
AID=$(jget "$BODY" 'd["id"]'); B=$BODY
req PUT "/api/v1/assets/$AID" "$TOK_editor" '{"description":"General ledger"}'
code_is 200 "PUT one member"
same "PUT asset description" "$B" "$BODY" description
req PUT "/api/v1/assets/$AID" "$TOK_editor" '{"owner":"   "}'
code_is 422 "a blank asset owner is refused"
req PUT "/api/v1/assets/$AID" "$TOK_editor" "{\"owner\":\"$NBSP\"}"
code_is 422 "an owner of no-break spaces is refused"

req POST /api/v1/risks "$TOK_editor" "{\"title\":\"Ledger fraud\",\"asset\":$AID,\"threat\":\"T01\",\"vulnerability\":\"V01\",\"likelihood\":4,\"impact\":4,\"owner\":\"CFO\"}"
code_is 201 "create a risk"
RID=$(jget "$BODY" 'd["id"]')
req POST "/api/v1/risks/$RID/treatment" "$TOK_editor" '{"option":"mitigate","controls":["A.8.5"],"residual_likelihood":2,"residual_impact":2,"treatment_owner":"IT","due_date":"2027-03-31","plan":"MFA","done":true}'
code_is 200 "treat the risk"
B=$BODY
req PUT "/api/v1/risks/$RID" "$TOK_editor" '{"title":"Ledger fraud by insiders"}'
code_is 200 "PUT one member of a risk"
same "PUT risk title" "$B" "$BODY" title
B=$BODY
req POST "/api/v1/risks/$RID/treatment" "$TOK_editor" '{"due_date":"2027-06-30"}'
code_is 200 "re-treat naming only the due date"
same "re-treatment" "$B" "$BODY" due_date plan_status status
req PUT "/api/v1/risks/$RID" "$TOK_editor" '{"owner":" \t "}'
code_is 422 "a blank risk owner is refused"

req PUT /api/v1/soa/A.5.15 "$TOK_editor" '{"applicable":true,"status":"implemented","owner":"CISO","implementation":"IAM","reasons":["business"]}'
code_is 200 "an SoA decision"
B=$BODY
req PUT /api/v1/soa/A.5.15 "$TOK_editor" '{"status":"partial"}'
code_is 200 "PUT one member of an SoA entry"
same "PUT soa status" "$B" "$BODY" status
req PUT /api/v1/soa/A.5.15 "$TOK_editor" '{"owner":"   "}'
code_is 200 "a blank SoA owner clears it"
equals "$(jget "$BODY" 'd["owner"]')" "null" "stored as no owner"
req GET /api/v1/soa-validation "$TOK_viewer"
equals "$(jget "$BODY" 'any(i["control"] == "A.5.15" and i["code"] == "no_owner" for i in d["issues"])')" "true" \
    "the blank owner is a weakness"

req GET /api/v1/org "$TOK_viewer"; B=$BODY
req PUT /api/v1/org "$TOK_editor" '{"context":"Payments SaaS"}'
code_is 200 "PUT the context alone"
equals "$(jget "$BODY" '[d["name"], d["scope"]]')" "$(jget "$B" '[d["name"], d["scope"]]')" "name and scope kept"
req PUT /api/v1/org "$TOK_editor" '{"name":"  "}'
code_is 422 "a blank organization name is refused"

req GET /api/v1/people "$TOK_viewer"
PID=$(jget "$BODY" 'd["items"][0]["id"]')
req GET "/api/v1/people/$PID" "$TOK_viewer"; B=$BODY
req PUT "/api/v1/people/$PID" "$TOK_editor" '{"department":"Finance"}'
code_is 200 "PUT one field of a person"
same "PUT person department" "$B" "$BODY" department
req PUT "/api/v1/people/$PID" "$TOK_editor" '{"name":"   "}'
code_is 422 "a blank person name is refused"
req GET /api/v1/objectives "$TOK_viewer"
OID=$(jget "$BODY" 'd["items"][0]["id"]')
req PUT "/api/v1/objectives/$OID" "$TOK_editor" "{\"measure\":\"$NBSP \"}"
code_is 422 "a blank objective measure is refused"

req PUT /api/v1/certification/milestones/stage1 "$TOK_editor" '{"due_date":"2027-02-01","note":"Book the auditor"}'
code_is 200 "plan a milestone"
req PUT /api/v1/certification/milestones/stage1 "$TOK_editor" '{"note":"Auditor booked"}'
code_is 200 "PUT the note alone"
equals "$(jget "$BODY" '[d["due_date"], d["note"]]')" '["2027-02-01", "Auditor booked"]' "the due date is kept"

# --- the forms, with a session ---
session editor
form editor /assets/edit id="$AID" integrity=2
code_is 303 "edit one rating from the form"
req GET "/api/v1/assets/$AID" "$TOK_viewer"
equals "$(jget "$BODY" '[d["confidentiality"], d["integrity"], d["availability"], d["owner"], d["description"]]')" \
    '[3, 2, 2, "CFO", "General ledger"]' "the form changed only the rating"
form editor /assets/edit id="$AID" owner="   "
code_is 422 "the form refuses a blank owner"
req GET "/api/v1/risks/$RID" "$TOK_viewer"; B=$BODY
form editor /risks/treatment id="R$RID" plan="MFA and hardware keys"
code_is 303 "re-treat from the form naming only the plan"
req GET "/api/v1/risks/$RID" "$TOK_viewer"
same "form re-treatment" "$B" "$BODY" plan plan_status status
equals "$(jget "$BODY" 'd["done"]')" "true" "done is kept when the form leaves it unchanged"
form editor /risks/treatment id="R$RID" done=no
code_is 303 "done set back from the form"
req GET "/api/v1/risks/$RID" "$TOK_viewer"
equals "$(jget "$BODY" 'd["done"]')" "false" "done: no"
req GET /api/v1/soa/A.5.15 "$TOK_viewer"; B=$BODY
form editor /soa/A.5.15 status=implemented
code_is 303 "an SoA form posting only the status"
req GET /api/v1/soa/A.5.15 "$TOK_viewer"
same "SoA form status" "$B" "$BODY" status
req GET /api/v1/org "$TOK_viewer"; B=$BODY
form editor /org context="Payments SaaS in the EU"
code_is 303 "the organization form posting only the context"
req GET /api/v1/org "$TOK_viewer"
equals "$(jget "$BODY" '[d["name"], d["scope"], d["context"]]')" "$(jget "$B" '[d["name"], d["scope"], "Payments SaaS in the EU"]')" \
    "name and scope kept by the form"
req GET "/api/v1/people/$PID" "$TOK_viewer"; B=$BODY
form editor /people/edit id="$PID" title="Controller"
code_is 303 "edit one field of a person from the form"
req GET "/api/v1/people/$PID" "$TOK_viewer"
same "person form title" "$B" "$BODY" title

# --- one truth over the API ---
req GET /api/v1/readiness "$TOK_viewer"; R=$BODY
req GET /api/v1/gap "$TOK_viewer"; G=$BODY
equals "$(python3 -c 'import json,sys; k=lambda s: sorted((g["ref"], g["code"]) for g in json.loads(s)["gaps"]); print(k(sys.argv[1]) == k(sys.argv[2]))' "$R" "$G")" \
    "True" "the API's readiness and gap list the same gaps"
equals "$(jget "$R" 'd["ready"] == (len(d["gaps"]) == 0)')" "true" "ready exactly when there is no gap"
page editor /readiness
contains "$BODY" 'id="gap-blockers"' "the readiness page lists the gaps"
page editor /
contains "$BODY" 'id="stage1-blockers"' "the dashboard shows the Stage 1 blockers"
finish
