#!/bin/bash
# The people, supplier, incident and objective registers: every command, bad input refused with
# exit 2 and nothing written, the auditor's problems (exit 1), --json, and the audit log.
. "$(dirname "$0")/lib.sh"
export ISMS_TODAY=2026-06-15

expect_rc 0 isms init --org "Acme Cloud Ltd"
audit_count() { isms log --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))'; }

# --- people ---
expect_rc 0 isms person add --name "Dana Lee" --email dana@acme.test --title CEO --department Board \
    --start-date 2024-01-08 --screening-completed 2024-01-02 --terms-signed 2024-01-03
DANA=$OUT
equals "$DANA" "1" "the first person's id is printed"
expect_rc 0 isms person add --name "Sam Ortiz" --email sam@acme.test --department Engineering --start-date 2025-03-01
SAM=$OUT
expect_rc 0 isms person train "$DANA" --course "Security awareness 2026" --completed 2026-02-01 --expires 2027-02-01
expect_rc 0 isms person train dana@acme.test --course "Phishing drill" --completed 2025-01-10
expect_rc 0 isms person show dana@acme.test
contains "$OUT" "Security awareness 2026" "show lists the training records"
contains "$OUT" "Phishing drill" "show lists every training record"
expect_rc 0 isms person show "$DANA" --json
equals "$(jget "$OUT" '[d["email"], d["trained"], d["last_training"], len(d["training"]), d["problems"]]')" \
    '["dana@acme.test", true, "2026-02-01", 2, []]' "a screened, trained person with signed terms has no problems"
expect_rc 0 isms person list
contains "$OUT" "Dana Lee" "list shows people"
contains "$OUT" "Sam Ortiz" "list shows every person"
expect_rc 1 isms person list --problems
contains "$OUT" "no background screening recorded" "screening missing is flagged"
contains "$OUT" "no signed terms" "terms/NDA missing is flagged"
contains "$OUT" "no security awareness training recorded" "training missing is flagged"
not_contains "$OUT" "Dana Lee" "people without problems are not listed with --problems"
expect_rc 1 isms person list --problems --json
equals "$(jget "$OUT" '[p["email"] for p in d]')" '["sam@acme.test"]' "--problems --json lists only flagged people"
expect_rc 0 isms person update "$SAM" --screening-completed 2025-02-20 --terms-signed 2025-02-21
expect_rc 0 isms person train "$SAM" --course "Security awareness 2025" --completed 2025-06-15
expect_rc 0 isms person list --problems
contains "$OUT" "(no problems)" "training exactly 12 months ago still counts"
expect_rc 1 env ISMS_TODAY=2026-06-16 "$ISMS" person list --problems --json
equals "$(jget "$OUT" '[p["problems"] for p in d]')" \
    '[["no security awareness training in the last 12 months (A.6.3); last 2025-06-15"]]' "a day later it is flagged"
# leavers
expect_rc 2 isms person leave "$SAM"
contains "$ERR" "--end-date" "leave needs the end date"
expect_rc 0 isms person leave "$SAM" --end-date 2026-05-31
expect_rc 1 isms person list --problems
contains "$OUT" "leaver since 2026-05-31 whose access removal is not recorded" "leaver without access removal"
expect_rc 0 isms person update "$SAM" --access-removed 2026-06-03
expect_rc 1 isms person list --problems
contains "$OUT" "access removed on 2026-06-03, after the end date 2026-05-31" "late access removal is flagged"
expect_rc 0 isms person update "$SAM" --access-removed 2026-05-31
expect_rc 0 isms person list --problems
# bad input
N=$(audit_count)
expect_rc 2 isms person add --name X --email not-an-email
contains "$ERR" "email: 'not-an-email' is not an email address" "bad email named"
expect_rc 2 isms person add --name X --email x@acme.test --start-date 2026-02-29
contains "$ERR" "start_date: '2026-02-29' is not a date" "impossible date named"
expect_rc 2 isms person add --name X --email x@acme.test --start-date 15/06/2026
expect_rc 2 isms person add --email x@acme.test
contains "$ERR" "name: required" "missing name named"
expect_rc 2 isms person add --name X --email DANA@acme.test
contains "$ERR" "already exists" "email is unique regardless of case"
expect_rc 2 isms person add --name "$(head -c 300 /dev/zero | tr '\0' x)" --email x@acme.test
contains "$ERR" "longer than 200" "text length is capped"
expect_rc 2 isms person add --name X --email x@acme.test --shoe-size 44
expect_rc 2 isms person show 999
contains "$ERR" "no person '999'" "unknown id named"
expect_rc 2 isms person show nobody@acme.test
expect_rc 2 isms person show
expect_rc 2 isms person train "$DANA" --course "X" --completed 2026-01-01 --expires 2025-01-01
contains "$ERR" "expires" "training expiring before completion is refused"
expect_rc 2 isms person train 999 --course "X" --completed 2026-01-01
expect_rc 2 isms person update "$DANA" --end-date 2023-01-01
contains "$ERR" "end_date" "an end date before the start date is refused"
expect_rc 2 isms person update "$DANA" --access-removed 2026-01-01 --end-date ""
equals "$(audit_count)" "$N" "refused changes write nothing to the audit log"
expect_rc 0 isms person show "$DANA" --json
equals "$(jget "$OUT" 'd["end_date"]')" "null" "a refused update leaves the record as it was"

# --- suppliers ---
expect_rc 0 isms supplier add --name "AWS" --service "Hosting" --data-access restricted --criticality critical \
    --risk-rating high --security-clauses yes --certifications "ISO 27001, SOC 2" --owner CTO \
    --last-review 2025-09-01 --next-review 2026-09-01
AWS=$OUT
expect_rc 0 isms supplier add --name "Tiny CRM" --data-access confidential --risk-rating critical --owner Sales
expect_rc 0 isms supplier add --name "Snacks" --risk-rating low --owner Office --last-review 2025-01-01 --next-review 2026-01-01
expect_rc 1 isms supplier list --problems
contains "$OUT" "never reviewed" "never reviewed supplier"
contains "$OUT" "critical-risk supplier without security clauses" "critical supplier without clauses"
contains "$OUT" "review overdue since 2026-01-01" "overdue review"
not_contains "$OUT" "AWS" "a reviewed supplier with clauses has no problems"
expect_rc 0 isms supplier list --risk-rating low --json
equals "$(jget "$OUT" '[s["name"] for s in d]')" '["Snacks"]' "filter by risk rating"
expect_rc 2 isms supplier list --risk-rating enormous
expect_rc 0 isms supplier review Snacks
expect_rc 0 isms supplier show Snacks --json
equals "$(jget "$OUT" '[d["last_review"], d["next_review"], d["problems"]]')" '["2026-06-15", "2027-06-15", []]' \
    "a review records today and the next one a year later"
expect_rc 0 isms supplier review "Tiny CRM" --on 2026-06-01 --next 2026-12-01
expect_rc 0 isms supplier update "Tiny CRM" --security-clauses yes
expect_rc 0 isms supplier list --problems
expect_rc 0 isms supplier show "$AWS"
contains "$OUT" "ISO 27001, SOC 2" "show has the certifications"
expect_rc 2 isms supplier add --name AWS --risk-rating low --owner X
contains "$ERR" "already exists" "supplier names are unique"
expect_rc 2 isms supplier add --name Y --risk-rating severe --owner X
contains "$ERR" "risk_rating: 'severe' is not one of low, medium, high, critical" "bad risk rating named"
expect_rc 2 isms supplier add --name Y --risk-rating low --owner X --data-access secret
expect_rc 2 isms supplier add --name Y --risk-rating low --owner X --security-clauses maybe
expect_rc 2 isms supplier review Snacks --on 2026-13-01
expect_rc 2 isms supplier review Snacks --on 2026-06-01 --next 2026-01-01
contains "$ERR" "next_review" "next review before the last one is refused"
expect_rc 0 isms supplier remove Snacks
expect_rc 2 isms supplier show Snacks

# --- incidents ---
expect_rc 0 isms incident add --title "Phishing led to mailbox access" --severity high --reported-by "Sam Ortiz" \
    --detected-at 2026-06-01T09:30 --reported-at 2026-06-01T10:00 --controls A.5.24,A.6.8 \
    --affected-assets "Mail" --personal-data-breach yes --description $'Multi-line\ndescription'
INC=$OUT
expect_rc 0 isms incident event "$INC" --at 2026-06-01T10:15 --note "Password reset, sessions revoked"
expect_rc 0 isms incident event "$INC" --at 2026-06-01T09:45 --note "Triage started"
expect_rc 0 isms incident show "$INC" --json
equals "$(jget "$OUT" '[e["note"] for e in d["events"]]')" '["Triage started", "Password reset, sessions revoked"]' \
    "the timeline is in time order"
equals "$(jget "$OUT" 'd["personal_data_breach"]')" "true" "the breach flag is a boolean in JSON"
expect_rc 1 isms incident list --problems
contains "$OUT" "open for 14 days, past the 7-day target for a high incident" "open past the severity target"
contains "$OUT" "personal data breach without a recorded notification" "breach without notification"
expect_rc 2 isms incident close "$INC"
contains "$ERR" "lessons_learned" "closing needs lessons learned"
expect_rc 2 isms incident update "$INC" --status contained
contains "$ERR" "contained_at" "containment needs its time"
expect_rc 2 isms incident update "$INC" --contained-at 2026-06-01T09:00
contains "$ERR" "contained_at" "containment before detection is refused"
expect_rc 0 isms incident update "$INC" --status contained --contained-at 2026-06-01T11:00 --notified-at 2026-06-02
expect_rc 0 isms incident close "$INC" --lessons-learned "Phishing-resistant MFA for mail" --root-cause "No MFA on mail"
expect_rc 0 isms incident list --problems
expect_rc 0 isms incident list --status closed --json
equals "$(jget "$OUT" '[[i["status"], i["resolved_at"] is not None, i["events"]] for i in d]')" '[["closed", true, 2]]' \
    "closing sets the status and the resolution time"
expect_rc 2 isms incident add --title X --severity urgent --detected-at 2026-06-01
expect_rc 2 isms incident add --title X --severity low
contains "$ERR" "detected_at: required" "detection time required"
expect_rc 2 isms incident add --title X --severity low --detected-at 2026-06-01T25:00
expect_rc 2 isms incident add --title X --severity low --detected-at 2026-06-01 --controls A.5.24,A.42
contains "$ERR" "A.42" "unknown control named"
expect_rc 2 isms incident add --title X --severity low --detected-at 2026-06-01 --notified-at 2026-06-02
contains "$ERR" "personal_data_breach" "a notification without a breach is refused"
expect_rc 2 isms incident event "$INC" --at yesterday --note x
expect_rc 2 isms incident show R1
expect_rc 0 isms incident add --title "Lost badge" --severity low --detected-at 2026-06-10
expect_rc 0 isms incident remove "$OUT"

# --- objectives ---
expect_rc 0 isms objective add --objective "Staff complete awareness training" --measure "LMS completion report" \
    --target 95 --unit % --owner "HR lead" --due-date 2026-12-31
OBJ=$OUT
expect_rc 0 isms objective add --objective "Critical patches applied fast" --measure "median days to patch" \
    --target 7 --unit days --direction at_most --owner CTO
OBJ2=$OUT
expect_rc 1 isms objective list --problems
contains "$OUT" "never measured" "an unmeasured objective is flagged"
expect_rc 0 isms objective measure "$OBJ" --date 2026-03-31 --value 97.5 --note "Q1"
expect_rc 0 isms objective measure "$OBJ" --date 2026-06-01 --value 91
expect_rc 0 isms objective measure "$OBJ2" --date 2026-06-01 --value 5
expect_rc 0 isms objective list --json
equals "$(jget "$OUT" '[[o["latest_value"], o["track"]] for o in d]')" '[[91, "off_track"], [5, "on_track"]]' \
    "on and off track from the latest measurement against the target and direction"
expect_rc 1 isms objective list --problems
contains "$OUT" "off track: latest value 91 against a target of at least 95" "off track is flagged"
expect_rc 0 isms objective show "$OBJ" --json
equals "$(jget "$OUT" '[m["value"] for m in d["measurements"]]')" '[97.5, 91]' "measurement history"
expect_rc 0 isms objective update "$OBJ" --status achieved
expect_rc 0 isms objective list --problems
expect_rc 2 isms objective add --objective X --measure Y --target lots --owner Z
contains "$ERR" "target: 'lots' is not a number" "a non-numeric target is refused"
expect_rc 2 isms objective add --objective X --measure Y --target 5 --owner Z --direction sideways
expect_rc 2 isms objective measure "$OBJ" --date 2026-06-02 --value 1e400
expect_rc 2 isms objective measure "$OBJ" --value 3
expect_rc 0 isms objective remove "$OBJ2"
expect_rc 2 isms objective show "$OBJ2"

# --- the audit log has every change with before and after ---
expect_rc 0 isms log --json
equals "$(jget "$OUT" 'sorted(set(e["entity"] for e in d if e["entity"] not in ("org",)))')" \
    '["incident", "incident_event", "measurement", "objective", "person", "supplier", "training"]' \
    "every register and child record is in the audit log"
equals "$(jget "$OUT" '[e["action"] for e in d if e["entity"] == "supplier" and e["entity_id"] == "3"]')" \
    '["create", "update", "delete"]' "a supplier's create, review and delete"
equals "$(printf %s "$OUT" | python3 -c 'import json,sys; d=json.load(sys.stdin); print([(json.loads(e["before"])["next_review"], json.loads(e["after"])["next_review"]) for e in d if e["entity"]=="supplier" and e["action"]=="update" and e["entity_id"]=="3"])')" \
    "[('2026-01-01', '2027-06-15')]" "the review's before and after values are recorded"
equals "$(printf %s "$OUT" | python3 -c 'import json,sys; d=json.load(sys.stdin); e=[e for e in d if e["entity"]=="objective" and e["action"]=="delete"][0]; print(len(json.loads(e["before"])["measurements"]))')" \
    "1" "deleting an objective keeps its measurements in the audit entry"
expect_rc 0 isms log verify

# --- the demo company has registers with the gaps an auditor would find ---
expect_rc 0 isms --db "$T/demo.db" demo
for r in person supplier incident objective; do
    expect_rc 1 isms --db "$T/demo.db" $r list --problems
done
expect_rc 1 isms --db "$T/demo.db" person list --problems --json
equals "$(jget "$OUT" 'sorted(p["name"] for p in d)')" '["Hannah Byrne", "Marta Kowalska", "Tom Okafor"]' "demo people with gaps"
expect_rc 0 isms --db "$T/demo.db" incident list --json
equals "$(jget "$OUT" '[i["status"] for i in d]')" '["closed", "open"]' "demo incidents"

expect_rc 0 isms person --help
contains "$OUT" "train" "help lists the commands"

finish
