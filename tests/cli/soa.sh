#!/bin/bash
# Statement of Applicability: list, set with validation, validate, approve and versions, export; gap analysis.
. "$(dirname "$0")/lib.sh"
expect_rc 0 isms init --org "Acme"

expect_rc 0 isms soa list --json
equals "$(jget "$OUT" 'len(d)')" "93" "93 controls"
equals "$(jget "$OUT" 'd[0]["id"]')" "A.5.1" "first control id"
equals "$(jget "$OUT" 'd[0]["theme"]')" "Organizational" "theme"
equals "$(jget "$OUT" 'd[0]["applicable"]')" "null" "undecided is null"
equals "$(jget "$OUT" 'sorted(set(k for c in d for k in ("id","theme","title","applicable","justification","status")) )')" \
    '["applicable", "id", "justification", "status", "theme", "title"]' "documented fields present"
expect_rc 0 isms soa list --theme physical --json
equals "$(jget "$OUT" 'len(d)')" "14" "theme filter"

# Weak justifications refused with guidance, the workspace unchanged.
for weak in "" "N/A" "n/a" "Not applicable" "not relevant" "TBD" "-" "Does not apply."; do
    expect_rc 2 isms soa set A.7.4 --applicable no --justification "$weak"
    contains "$ERR" "auditor expects" "weak justification '$weak' refused with guidance"
done
expect_rc 2 isms soa set A.7.4 --applicable no
expect_rc 0 isms soa show A.7.4 --json
equals "$(jget "$OUT" 'd["applicable"]')" "null" "refused exclusions left no trace"
expect_rc 0 isms soa set A.7.4 --applicable no --justification "All staff work remotely; we have no premises to monitor."
expect_rc 2 isms soa set A.99.1 --applicable yes
contains "$ERR" "unknown control id 'A.99.1'" "unknown control named"
expect_rc 2 isms soa set A.5.1 --applicable maybe
expect_rc 2 isms soa set A.5.1 --status finished
contains "$ERR" "finished" "bad status named"
expect_rc 2 isms soa set A.5.1 --reasons legal,vibes
contains "$ERR" "vibes" "bad reason named"
expect_rc 0 isms soa set 5.1 --applicable yes --status implemented --implementation "Policy approved by CEO" \
    --owner CISO --reasons business,contractual
expect_rc 0 isms soa show A.5.1 --json
equals "$(jget "$OUT" 'd["reasons"]')" '["contractual", "business"]' "reasons"
equals "$(jget "$OUT" 'd["status"]')" "implemented" "status"
expect_rc 0 isms soa show A.5.1
contains "$OUT" "Evidence an auditor accepts" "show includes guidance"

# Validate lists every weakness and exits 1 until none remain.
expect_rc 1 isms soa validate --json
equals "$(jget "$OUT" 'd["valid"]')" "false" "not valid"
equals "$(jget "$OUT" 'len([i for i in d["issues"] if i["code"]=="undecided"])')" "91" "91 undecided"
expect_rc 0 isms soa set A.5.2 --applicable yes
expect_rc 1 isms soa validate --json
equals "$(jget "$OUT" 'sorted(i["code"] for i in d["issues"] if i["control"]=="A.5.2")')" \
    '["no_implementation", "no_owner", "no_reason", "no_status"]' "every weakness of A.5.2"
expect_rc 2 isms soa approve --by "CEO"
contains "$ERR" "cannot be approved" "approval refused while undecided"

# Decide everything: the SoA becomes valid, is approved and versioned.
ids=$(isms soa list --json | python3 -c 'import json,sys; print(" ".join(c["id"] for c in json.load(sys.stdin) if c["applicable"] is None or c["id"]=="A.5.2"))')
for id in $ids; do
    "$ISMS" soa set "$id" --applicable yes --status implemented --implementation "Implemented per runbook $id" --owner CISO --reasons business \
        || fail "set $id"
done
expect_rc 0 isms soa validate
contains "$OUT" "no weaknesses" "valid SoA"
expect_rc 1 isms gap --json
equals "$(jget "$OUT" 'd["controls_ready"]')" "1" "only the justified exclusion is ready: implemented controls need evidence"
printf 'ISMS manual v1, approved\n' > "$T/manual.txt"
all=$(isms soa list --json | python3 -c 'import json,sys; print(",".join(c["id"] for c in json.load(sys.stdin)))')
expect_rc 0 isms evidence add "$T/manual.txt" --controls "$all" --type policy --description "ISMS manual covering every control"
expect_rc 1 isms gap --json
equals "$(jget "$OUT" 'd["controls_ready"]')" "93" "all controls ready once evidenced"
expect_rc 0 isms soa approve --by "Dana Lee (CEO)" --note "Stage 1 baseline"
contains "$OUT" "version 1" "version 1 approved"
expect_rc 2 isms soa approve --by "Dana Lee (CEO)"
contains "$ERR" "has not changed" "no empty re-approval"
expect_rc 0 isms soa versions --json
equals "$(jget "$OUT" 'd["changed_since_last_approval"]')" "false" "unchanged since v1"
expect_rc 0 isms soa set A.8.11 --status partial
expect_rc 0 isms soa versions --json
equals "$(jget "$OUT" 'd["changed_since_last_approval"]')" "true" "a change starts the next version"
expect_rc 0 isms soa list --version 1 --json
equals "$(jget "$OUT" '[c["status"] for c in d if c["id"]=="A.8.11"][0]')" "implemented" "version 1 is frozen"
expect_rc 0 isms soa list --json
equals "$(jget "$OUT" '[c["status"] for c in d if c["id"]=="A.8.11"][0]')" "partial" "live SoA changed"
expect_rc 2 isms soa list --version 7
contains "$ERR" "version 7" "unknown version named"
expect_rc 0 isms soa approve --by "Dana Lee (CEO)"
contains "$OUT" "version 2" "version 2"

# Exports for the auditor.
expect_rc 0 isms soa export --format csv -o "$T/soa.csv"
equals "$(python3 -c 'import csv,sys; r=list(csv.reader(open(sys.argv[1],newline="",encoding="utf-8"))); print(len(r), r[1][0])' "$T/soa.csv")" "94 A.5.1" "CSV has header + 93 rows"
expect_rc 0 isms soa export --format xlsx -o "$T/soa.xlsx"
equals "$(python3 -c 'import zipfile,sys,re; z=zipfile.ZipFile(sys.argv[1]); s=z.read("xl/worksheets/sheet1.xml").decode(); print("autoFilter" in s, "A.8.34" in s or "A.8.34" in z.read("xl/sharedStrings.xml").decode())' "$T/soa.xlsx")" "True True" "XLSX has filters and all controls"
expect_rc 0 isms soa export --format html -o "$T/soa.html"
contains "$(cat "$T/soa.html")" "A.8.34" "HTML has every control"
contains "$(cat "$T/soa.html")" "version 2" "HTML names the approved version"
expect_rc 0 isms soa export --format csv --version 1 -o "$T/soa-v1.csv"
contains "$(cat "$T/soa-v1.csv")" "Implemented per runbook A.8.11" "versioned export"
expect_rc 2 isms soa export --format pdf -o "$T/x.pdf"
expect_rc 2 isms soa export --format csv -o "$T/no/such/dir/soa.csv"
contains "$ERR" "$T/no/such/dir/soa.csv" "unwritable path named"
expect_rc 0 isms risk export --format csv -o "$T/risks.csv"
expect_rc 0 isms risk export --format xlsx -o "$T/risks.xlsx"
finish
