#!/bin/bash
# Crosswalks: isms map both ways and its errors, isms soa import-2013 (merge rules, all-or-nothing,
# SoA refusals named by 2013 line), and the SOC 2 readiness view as evidence arrives.
. "$(dirname "$0")/lib.sh"
S="$FIXTURES/soa2013"
ids() { jget "$1" "$2"; }

# --- isms map: ISO 27001:2013 -> 2022 and back ---
expect_rc 0 isms map --from iso27001:2013 A.9.4.2 --json
equals "$(ids "$OUT" '[c["id"] for c in d["controls"]]')" '["A.8.5"]' "A.9.4.2 became A.8.5"
equals "$(ids "$OUT" 'd["controls"][0]["title"]')" "Secure authentication" "with its title"
for form in 9.4.2 a.9.4.2; do
    expect_rc 0 isms map --from iso27001:2013 "$form" --json
    equals "$(ids "$OUT" 'd["id"]')" "A.9.4.2" "'$form' read as A.9.4.2"
done
expect_rc 0 isms map --from iso27001:2013 A.18.2.3
contains "$OUT" "A.5.36" "18.2.3 maps to A.5.36"
contains "$OUT" "A.8.8" "and to A.8.8"
contains "$OUT" "Management of technical vulnerabilities" "titles printed"
expect_rc 0 isms map --from iso27001:2022 A.5.15 --to iso27001:2013 --json
equals "$(ids "$OUT" '[c["id"] for c in d["controls"]]')" '["A.9.1.1", "A.9.1.2"]' "reverse of the 2013 map"
equals "$(ids "$OUT" 'd["new_in_2022"]')" "false" "A.5.15 is not new"
expect_rc 0 isms map --from iso27001:2022 a.8.32 --to iso27001:2013 --json
equals "$(ids "$OUT" 'len(d["controls"])')" "4" "A.8.32 gathers four 2013 controls"
expect_rc 0 isms map --from iso27001:2022 A.5.23 --to iso27001:2013
contains "$OUT" "new in 2022" "a new control has no 2013 source"

# --- SOC 2 -> ISO 27001:2022 and back ---
expect_rc 0 isms map --from soc2 CC6.1 --json
equals "$(ids "$OUT" '"A.8.5" in [t["id"] for t in d["targets"]] and all(t["kind"]=="control" for t in d["targets"])')" \
    "true" "CC6.1 maps to Annex A controls incl. A.8.5"
contains "$(ids "$OUT" 'd["source"]')" "CISO Assistant" "source of the crosswalk named"
contains "$(ids "$OUT" 'd["source"]')" "not from an AICPA table" "not an AICPA table"
expect_rc 0 isms map --from soc2 cc1.3
contains "$OUT" "clause" "clauses among the targets"
contains "$OUT" "9.3.1" "management review clause"
contains "$OUT" "CC5.1, CC5.2" "says which criteria are missing"
contains "$OUT" "Privacy" "privacy criteria missing"
expect_rc 0 isms map --to soc2 A.5.15 --json
equals "$(ids "$OUT" '[c["id"] for c in d["criteria"]]')" '["CC6.2", "CC6.3", "CC6.4"]' "reverse SOC 2 lookup"
expect_rc 0 isms map --to soc2 9.3.1 --json
equals "$(ids "$OUT" 'd["target"]["kind"]')" "clause" "a bare clause number is a clause"
equals "$(ids "$OUT" '[c["id"] for c in d["criteria"]]')" '["CC1.3", "CC2.1", "CC4.1", "CC4.2"]' "criteria of 9.3.1"
expect_rc 0 isms map --to soc2 5.1
contains "$OUT" "write A.5.1" "ambiguous 5.1 explained"

# --- unknown ids and frameworks: exit 2 naming them ---
expect_rc 2 isms map --from iso27001:2013 A.9.4.9
contains "$ERR" "'A.9.4.9'" "unknown 2013 id named"
expect_rc 2 isms map --from iso27001:2013 A.5.23
contains "$ERR" "it is a 2022 id: map A.5.23 from iso27001:2022 to iso27001:2013" "a 2022 id given as 2013: said so"
contains "$ERR" "isms map --from iso27001:2022 A.5.23 --to iso27001:2013" "and the CLI's command for it suggested"
expect_rc 2 isms map --from iso27001:2022 A.5.99 --to iso27001:2013
contains "$ERR" "'A.5.99'" "unknown 2022 id named"
expect_rc 2 isms map --from soc2 CC5.1
contains "$ERR" "'CC5.1' is not in the crosswalk" "real criterion outside the crosswalk"
expect_rc 2 isms map --from soc2 PI1.3
contains "$ERR" "not in the crosswalk" "processing integrity outside the crosswalk"
expect_rc 2 isms map --from soc2 CC42.1
contains "$ERR" "unknown SOC 2 criterion 'CC42.1'" "unknown criterion named"
expect_rc 2 isms map --to soc2 A.5.99
contains "$ERR" "'A.5.99'" "unknown target named"
expect_rc 2 isms map --from nist CSF.1
contains "$ERR" "nist" "unknown framework named"
expect_rc 2 isms map --from iso27001:2013 A.9.4.2 --to soc2
contains "$ERR" "no crosswalk" "unsupported direction"
expect_rc 2 isms map A.9.4.2
contains "$ERR" "isms: --from: say where the id comes from" "no direction: the option named"
expect_rc 2 isms map --from iso27001:2022 A.5.15
expect_rc 0 isms map --help
contains "$OUT" "soc2-readiness" "help lists the readiness view"

# --- import-2013 of a full 114-control SoA ---
expect_rc 0 isms init --org "Northwind Analytics"
expect_rc 0 isms soa import-2013 "$S/soa2013.csv" --json
equals "$(ids "$OUT" 'd["rows_read"]')" "114" "114 rows read (section headings skipped)"
equals "$(ids "$OUT" 'd["entries_written"]')" "82" "82 entries written"
equals "$(ids "$OUT" '[c["id"] for c in d["new_controls_needing_decision"]]')" \
    '["A.5.7", "A.5.23", "A.5.30", "A.7.4", "A.8.9", "A.8.10", "A.8.11", "A.8.12", "A.8.16", "A.8.23", "A.8.28"]' \
    "the 11 new controls need a decision"
equals "$(ids "$OUT" 'd["also_undecided"]')" "[]" "nothing else left undecided"
expect_rc 0 isms soa show A.8.5 --json
equals "$(ids "$OUT" '[d["applicable"], d["status"], d["owner"]]')" '[true, "implemented", "Head of IT"]' \
    "A.9.4.2 decision carried to A.8.5"
contains "$(ids "$OUT" 'd["justification"]')" "A.9.4.2: Risk R-01" "justification carried with its 2013 id"
contains "$(ids "$OUT" 'd["implementation"]')" "WebAuthn" "implementation carried"
expect_rc 0 isms soa show A.7.10 --json
equals "$(ids "$OUT" 'd["applicable"]')" "false" "A.7.10 excluded: all four 2013 controls excluded"
equals "$(ids "$OUT" '[k for k in ("A.8.3.1","A.8.3.2","A.8.3.3","A.11.2.5") if k+": " in d["justification"]]')" \
    '["A.8.3.1", "A.8.3.2", "A.8.3.3", "A.11.2.5"]' "four justifications joined with their ids"
expect_rc 0 isms soa show A.8.32 --json
equals "$(ids "$OUT" 'd["applicable"]')" "true" "one excluded source does not exclude A.8.32"
contains "$(ids "$OUT" 'd["justification"]')" "A.14.2.4 (excluded in 2013): We never modify" "the exclusion kept, marked"
expect_rc 0 isms soa show A.8.8 --json
equals "$(ids "$OUT" 'd["status"]')" "partial" "least implemented status wins (A.12.6.1 implemented, A.18.2.3 partial)"
expect_rc 0 isms soa show A.8.29 --json
equals "$(ids "$OUT" 'd["status"]')" "planned" "implemented + planned gives planned"
expect_rc 0 isms soa show A.5.17 --json
equals "$(ids "$OUT" 'd["owner"]')" "Head of IT, CISO" "owners of merged controls joined"
expect_rc 0 isms soa show A.7.2 --json
equals "$(ids "$OUT" 'd["applicable"]')" "true" "A.7.2 applicable: A.11.1.2 yes, A.11.1.6 no"
expect_rc 1 isms soa validate --json
equals "$(ids "$OUT" 'sorted(set(i["code"] for i in d["issues"]))')" '["undecided"]' "only the new controls remain"
equals "$(ids "$OUT" 'len(d["issues"])')" "11" "11 weaknesses"

# Deciding a new control removes it from the list; importing again changes nothing else.
expect_rc 0 isms soa set A.5.23 --applicable yes --status implemented --implementation "AWS shared responsibility matrix" \
    --owner CTO --reasons business
expect_rc 0 isms soa import-2013 "$S/soa2013.csv"
contains "$OUT" "114 2013 row(s) read, 82 2022 entries written" "summary line"
contains "$OUT" "A.8.28  Secure coding" "new controls listed with titles"
not_contains "$OUT" "A.5.23  Information" "a decided new control is not listed"
contains "$OUT" "10 new control(s)" "ten left"
main_db="$ISMS_DB"

# --- a bad file: every bad line with line and column, nothing written ---
export ISMS_DB="$T/bad.db"
expect_rc 0 isms init --org "Bad file Ltd"
expect_rc 0 isms soa set A.5.1 --applicable yes --reasons business
before=$(isms soa list --json)
expect_rc 2 isms soa import-2013 "$S/bad.csv"
contains "$ERR" "line 4, column 1 (control): 'A.9.4.9' is not an ISO 27001:2013" "unknown 2013 id located"
contains "$ERR" "line 5, column 3 (applicable): 'maybe' is not yes or no" "bad yes/no located"
contains "$ERR" "line 6, column 1 (control): 'A.5.23'" "a 2022 id in a 2013 file located"
contains "$ERR" "line 7, column 1 (control): A.9.4.2 is already on line 5" "duplicate located"
contains "$ERR" "line 8, column 5 (status): 'done'" "bad status located"
contains "$ERR" "line 9, column 4 (justification): A.11.1.5 (carried to A.7.6)" "weak exclusion located"
contains "$ERR" "line 10, column 3 (applicable): no decision" "missing decision located"
contains "$ERR" "line 11, column 4 (justification): A.11.2.2 (carried to A.7.11)" \
    "boilerplate caught even though the 2013 id prefix would lengthen it"
not_contains "$ERR" "line 3" "a quoted line break is not a record"
not_contains "$ERR" "line 12" "the good last row is fine"
contains "$ERR" "8 error(s); nothing was written" "all or nothing"
equals "$(isms soa list --json)" "$before" "the SoA is unchanged"
expect_rc 2 isms soa import-2013 "$S/badheader.csv"
contains "$ERR" "no control column" "missing control column"
contains "$ERR" "no applicable column" "missing applicable column"
printf 'control,applicable\nA.5.1.1,yes\n"A.5.1.2,no\n' > "$T/unterminated.csv"
expect_rc 2 isms soa import-2013 "$T/unterminated.csv"
contains "$ERR" "line 3: quoted field never closed" "unterminated quote"
expect_rc 2 isms soa import-2013 "$T/missing.csv"
contains "$ERR" "missing.csv" "missing file named"
: > "$T/empty.csv"
expect_rc 2 isms soa import-2013 "$T/empty.csv"
contains "$ERR" "empty" "empty file"
expect_rc 2 isms soa import-2013
equals "$(isms soa list --json)" "$before" "failed imports left the SoA as it was"

# A partial file: an exclusion is only carried when every mapped 2013 control agrees.
expect_rc 0 isms soa import-2013 "$S/partial.csv" --json
equals "$(ids "$OUT" '[c["id"] for c in d["entries"]]')" '["A.5.1", "A.7.1", "A.8.8"]' "decided entries"
equals "$(ids "$OUT" '[c["why"] for c in d["also_undecided"] if c["id"]=="A.7.10"][0]')" \
    "excluded by A.8.3.1, but the file has no row for A.8.3.2, A.8.3.3, A.11.2.5" "why A.7.10 stays undecided"
expect_rc 0 isms soa show A.7.10 --json
equals "$(ids "$OUT" 'd["applicable"]')" "null" "A.7.10 not excluded on one source's word"

# --- excluding a control that treats a risk is refused, named by the 2013 lines ---
export ISMS_DB="$T/risk.db"
expect_rc 0 isms init --org "Risky Ltd"
expect_rc 0 isms asset add --name "Laptops" --type hardware --owner "Head of IT" --classification confidential
expect_rc 0 isms risk add --title "Data copied to USB sticks" --asset Laptops --threat T01 --vulnerability V03 \
    --likelihood 3 --impact 4 --owner "Head of IT"
expect_rc 0 isms risk treat 1 --option mitigate --controls A.7.10 --residual-likelihood 1 --residual-impact 4 \
    --due 2027-06-30 --plan "Block USB storage"
before=$(isms soa list --json)
expect_rc 2 isms soa import-2013 "$S/soa2013.csv"
for id in A.8.3.1 A.8.3.2 A.8.3.3 A.11.2.5; do
    line=$(grep -n "^$id," "$S/soa2013.csv" | cut -d: -f1)
    contains "$ERR" "line $line, column 3 (applicable): $id (carried to A.7.10): A.7.10 cannot be excluded" \
        "refusal names 2013 $id on line $line"
done
contains "$ERR" "4 error(s); nothing was written" "refused as a whole"
equals "$(isms soa list --json)" "$before" "nothing written after a refusal"

# --- SOC 2 readiness from ISO evidence ---
export ISMS_DB="$main_db"
state() { jget "$OUT" "[c['state'] for c in d['criteria'] if c['id']=='$1'][0]"; }
missing() { jget "$OUT" "[t['missing'] for c in d['criteria'] if c['id']=='$1' for t in c['targets'] if t['id']=='$2'][0]"; }
expect_rc 0 isms map soc2-readiness --json
equals "$(ids "$OUT" 'd["totals"]["criteria"]')" "36" "36 criteria in the crosswalk"
equals "$(ids "$OUT" 'd["totals"]["covered"]')" "0" "no evidence yet: nothing covered"
equals "$(state CC6.6)" "not_covered" "CC6.6 not covered"
equals "$(missing CC6.6 A.8.2)" "not implemented (partial); no evidence" "why A.8.2 does not count"
expect_rc 0 isms soa set A.8.2 --status implemented --implementation "Privileged roles via AWS IAM Identity Center" \
    --owner CTO --reasons business
expect_rc 0 isms map soc2-readiness --json
equals "$(missing CC6.6 A.8.2)" "no evidence" "implemented but not evidenced"
printf 'Privileged access standard v1\n' > "$T/pam.txt"
expect_rc 0 isms evidence add "$T/pam.txt" --controls A.8.2,A.5.9,A.5.15 --type policy --description "Privileged access standard"
expect_rc 0 isms map soc2-readiness --json
equals "$(state CC6.6)" "covered" "CC6.6 covered by A.8.2 with fresh evidence"
equals "$(state CC6.2)" "partial" "CC6.2 partial: A.5.9, A.5.15 covered, A.5.18 partial"
equals "$(missing CC6.2 A.5.18)" "not implemented (partial); no evidence" "A.5.18 named"
equals "$(state CC1.1)" "not_covered" "CC1.1 maps to an untracked clause"
contains "$(missing CC1.1 5.1)" "not tracked" "untracked clause explained"
# Partial: CC6.2-CC6.4, and CC1.3, CC2.2 and CC5.3, whose clauses (5.2, 7.2, 7.5.1) the gap analysis
# tracks for Stage 1: met in part by the approved policy evidence above
equals "$(ids "$OUT" '[d["totals"][k] for k in ("covered","partial")]')" "[1, 6]" "totals: CC6.6 covered; six partial"
equals "$(ids "$OUT" 'sorted(c["id"] for c in d["criteria"] if c["state"] == "partial")')" \
    '["CC1.3", "CC2.2", "CC5.3", "CC6.2", "CC6.3", "CC6.4"]' "the partial criteria"
expect_rc 0 isms org set --context "SaaS analytics on AWS; 60 staff, mostly remote"
expect_rc 0 isms map soc2-readiness --json
equals "$(state CC3.3)" "partial" "clause 4.1 met once the context is recorded"
ISMS_TODAY=2099-01-01 expect_rc 0 isms map soc2-readiness --json
equals "$(missing CC6.6 A.8.2)" "evidence expired" "stale evidence no longer covers"
expect_rc 0 isms map soc2-readiness
contains "$OUT" "CC6.6  Logical and Physical Access Controls   covered (1 of 1)" "text view per criterion"
contains "$OUT" "Totals: 36 criteria: 1 covered" "text totals"
contains "$OUT" "not from an AICPA table" "text view names the source"
expect_rc 2 isms map soc2-readiness CC6.1

finish
