#!/bin/bash
# An edit changes only what it names: for each entity, an edit naming one field leaves every other
# field as it was. A value of only white space is no value: refused where one is required, never
# counted as present, and stored values are trimmed.
. "$(dirname "$0")/lib.sh"
export ISMS_TODAY=2026-11-30
NBSP=$(printf '\302\240')

# same WHAT BEFORE AFTER FIELD...: the JSON objects BEFORE and AFTER agree on every field but FIELD...
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

expect_rc 0 isms init --org "Acme" --scope "The Acme platform"

# --- assets: the issue's data loss (C/I/A set to 0 by an edit that does not name them) ---
expect_rc 0 isms asset add --name CRM --type service --owner "Sales ops" --classification internal \
    --confidentiality 3 --integrity 2 --availability 1 --description "Customer records"
expect_rc 0 isms asset show CRM --json; B=$OUT
expect_rc 0 isms asset edit CRM --description "Customer records and deals"
expect_rc 0 isms asset show CRM --json; A=$OUT
equals "$(jget "$A" '[d["confidentiality"], d["integrity"], d["availability"]]')" "[3, 2, 1]" "asset edit keeps C/I/A"
equals "$(jget "$A" 'd["description"]')" "Customer records and deals" "asset edit changes the description"
same "asset edit --description" "$B" "$A" description
expect_rc 0 isms asset edit CRM --integrity 3
expect_rc 0 isms asset show CRM --json
equals "$(jget "$OUT" '[d["confidentiality"], d["integrity"], d["availability"]]')" "[3, 3, 1]" "one rating changes alone"
expect_rc 2 isms asset edit CRM --owner "   "
contains "$ERR" "owner" "a blank asset owner is refused"
expect_rc 2 isms asset edit CRM --owner "$NBSP$NBSP"
contains "$ERR" "owner" "an owner of no-break spaces is refused"
expect_rc 2 isms asset add --name "Wiki" --type software --owner "	" --classification internal
contains "$ERR" "owner" "a tab is no owner"
expect_rc 2 isms asset add --name "  " --type software --owner IT --classification internal
contains "$ERR" "name" "a blank name is refused"
expect_rc 0 isms asset add --name "  Wiki  " --type software --owner "  IT team " --classification internal
expect_rc 0 isms asset show Wiki --json
equals "$(jget "$OUT" '[d["name"], d["owner"]]')" '["Wiki", "IT team"]' "asset values are stored trimmed"

# --- risks: the assessment and the treatment ---
expect_rc 0 isms risk add --title "CRM breach" --asset CRM --threat T01 --vulnerability V01 --likelihood 4 --impact 4 --owner CTO
expect_rc 0 isms risk treat 1 --option mitigate --controls A.8.5,A.5.15 --residual-likelihood 2 --residual-impact 2 \
    --owner "IT lead" --due 2027-03-31 --plan "MFA everywhere"
expect_rc 0 isms risk show 1 --json; B=$OUT
expect_rc 0 isms risk edit 1 --title "CRM data breach"
expect_rc 0 isms risk show 1 --json; A=$OUT
same "risk edit --title" "$B" "$A" title
expect_rc 0 isms risk treat 1 --due 2027-06-30
expect_rc 0 isms risk show 1 --json; A2=$OUT
same "risk treat --due" "$A" "$A2" due_date
equals "$(jget "$A2" '[d["treatment"], d["controls"], d["plan"], d["treatment_owner"], d["residual_likelihood"]]')" \
    '["mitigate", ["A.5.15", "A.8.5"], "MFA everywhere", "IT lead", 2]' "re-treating keeps the treatment"
expect_rc 0 isms risk treat 1 --done
expect_rc 0 isms risk show 1 --json
equals "$(jget "$OUT" 'd["done"]')" "true" "--done"
expect_rc 0 isms risk treat 1 --plan "MFA everywhere, hardware keys for admins"
expect_rc 0 isms risk show 1 --json
equals "$(jget "$OUT" 'd["done"]')" "true" "a treatment change not naming done keeps it"
expect_rc 0 isms risk treat 1 --not-done
expect_rc 0 isms risk show 1 --json
equals "$(jget "$OUT" 'd["done"]')" "false" "--not-done"
expect_rc 0 isms risk add --title "Laptop theft" --threat T02 --vulnerability V02 --likelihood 2 --impact 2 --owner CTO
expect_rc 2 isms risk treat 2 --due 2027-01-01
contains "$ERR" "option is required" "a first treatment needs its option"
expect_rc 2 isms risk edit 1 --owner "  "
contains "$ERR" "owner" "a blank risk owner is refused"
expect_rc 2 isms risk add --title "X" --threat T01 --vulnerability V01 --likelihood 2 --impact 2 --owner " $NBSP "
contains "$ERR" "owner" "a risk owner of spaces is refused"

# --- the SoA ---
expect_rc 0 isms soa set A.5.15 --applicable yes --status implemented --owner CISO --implementation "IAM roles" --reasons business
expect_rc 0 isms soa show A.5.15 --json; B=$OUT
expect_rc 0 isms soa set A.5.15 --status partial
expect_rc 0 isms soa show A.5.15 --json; A=$OUT
same "soa set --status" "$B" "$A" status
expect_rc 0 isms soa set A.5.15 --owner "   " --implementation "$NBSP"
expect_rc 0 isms soa show A.5.15 --json
equals "$(jget "$OUT" '[d["owner"], d["implementation"]]')" "[null, null]" "blank SoA texts are stored as none"
expect_rc 1 isms soa validate --json
equals "$(jget "$OUT" 'sorted(i["code"] for i in d["issues"] if i["control"] == "A.5.15")')" \
    '["no_implementation", "no_owner"]' "soa validate does not count blanks as present"

# --- organization ---
expect_rc 0 isms org set --context "Internal issues: growth"
expect_rc 0 isms org show --json
equals "$(jget "$OUT" '[d["name"], d["scope"]]')" '["Acme", "The Acme platform"]' "org set --context keeps name and scope"
expect_rc 2 isms org set --name "  "
contains "$ERR" "name" "a blank organization name is refused"
expect_rc 2 isms org party add --name " " --requirements "x"
contains "$ERR" "name" "a blank interested party is refused"

# --- the registers: people, suppliers, incidents, objectives ---
expect_rc 0 isms person add --name "Dana Lee" --email dana@acme.example --title CEO --department Board --start-date 2024-01-02
expect_rc 0 isms person show 1 --json; B=$OUT
expect_rc 0 isms person update 1 --department "Leadership"
expect_rc 0 isms person show 1 --json; A=$OUT
same "person update --department" "$B" "$A" department
expect_rc 2 isms person update 1 --name "   "
contains "$ERR" "name" "a blank person name is refused"
expect_rc 0 isms supplier add --name "CloudCo" --service Hosting --data-access confidential --risk-rating high \
    --security-clauses yes --owner CTO --criticality high
expect_rc 0 isms supplier show CloudCo --json; B=$OUT
expect_rc 0 isms supplier update CloudCo --certifications "ISO 27001"
expect_rc 0 isms supplier show CloudCo --json; A=$OUT
same "supplier update --certifications" "$B" "$A" certifications
expect_rc 2 isms supplier update CloudCo --owner "$NBSP"
contains "$ERR" "owner" "a blank supplier owner is refused"
expect_rc 0 isms incident add --title "Phishing" --severity medium --detected-at 2026-11-02 --root-cause "Weak filter"
expect_rc 0 isms incident show 1 --json; B=$OUT
expect_rc 0 isms incident update 1 --description "A fake invoice"
expect_rc 0 isms incident show 1 --json; A=$OUT
same "incident update --description" "$B" "$A" description
expect_rc 0 isms objective add --objective "Patch fast" --measure "Days to patch" --target 7 --direction at_most --owner CTO
expect_rc 0 isms objective show 1 --json; B=$OUT
expect_rc 0 isms objective update 1 --target 5
expect_rc 0 isms objective show 1 --json; A=$OUT
same "objective update --target" "$B" "$A" target track
expect_rc 2 isms objective update 1 --measure "  "
contains "$ERR" "measure" "a blank measure is refused"
expect_rc 2 isms objective add --objective "X" --measure " 	 " --target 1 --owner CTO
contains "$ERR" "measure" "an objective needs a measure that is not blank"
expect_rc 0 isms objective add --objective "  Train everyone  " --measure "Share trained" --target 100 --owner " CTO "
expect_rc 0 isms objective show 2 --json
equals "$(jget "$OUT" '[d["objective"], d["owner"]]')" '["Train everyone", "CTO"]' "register values are stored trimmed"

# --- audits, findings, actions ---
expect_rc 0 isms audit plan --auditor "Lena (external)" --start 2026-11-16 --end 2026-11-18 --scope 9.2
expect_rc 2 isms audit plan --auditor "   " --start 2026-11-16 --scope 9.2
contains "$ERR" "auditor" "a blank auditor is refused"
expect_rc 0 isms audit finding 1 --type minor --ref 9.2 --description "No programme"
expect_rc 2 isms action add --finding 1 --root-cause "   " --actions "Write it" --owner CTO --due 2026-12-20
contains "$ERR" "root-cause" "a blank root cause is no root cause"
expect_rc 2 isms action add --finding 1 --root-cause "No owner" --actions "Write it" --owner "$NBSP" --due 2026-12-20
contains "$ERR" "owner" "a blank action owner is refused"
expect_rc 0 isms action add --finding 1 --root-cause "No owner" --actions "Write it" --owner CTO --due 2026-12-20
expect_rc 0 isms action done 1 --date 2026-11-25
expect_rc 2 isms action verify 1 --effective yes --note "  " --by QA
contains "$ERR" "note" "a blank verification note is refused"
expect_rc 2 isms action verify 1 --effective yes --note "Programme exists" --by " "
contains "$ERR" "by" "a blank verifier is refused"
expect_rc 0 isms action verify 1 --effective yes --note "Programme exists" --by QA
expect_rc 2 isms action verify 1 --effective yes --note "again" --by QA
contains "$ERR" "action 1 is closed" "verifying a closed action says it is closed"
not_contains "$ERR" "once it is implemented" "and not that it awaits implementation"
expect_rc 2 isms review record --date 2026-11-27 --attendees "  " --decisions "Fund it"
contains "$ERR" "attendees" "blank attendees are refused"
expect_rc 2 isms review record --date 2026-11-27 --attendees "CEO" --decisions "$NBSP"
contains "$ERR" "decisions" "blank decisions are refused"
finish
