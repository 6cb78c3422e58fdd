#!/bin/bash
# From nothing to "ready for Stage 1" through the CLI only: `isms readiness` lists blockers, and
# each step resolves exactly the requirements it should, until it exits 0. At every step `isms gap`
# agrees: it exits 1 exactly while readiness does, and both list the same gaps. Then the package of
# the ready ISMS verifies, and fails verification once any byte changes.
. "$(dirname "$0")/lib.sh"
export ISMS_TODAY=2026-11-30

step() { # WHAT EXPECTED-REFS: readiness must list exactly these blockers and exit 1 (0 when none)
    "$ISMS" readiness --json >"$T/r.json" 2>"$T/r.err"
    rrc=$?
    got=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(" ".join(r["ref"] for r in d["requirements"] if not r["ok"]))' "$T/r.json")
    equals "$got" "$2" "$1"
    CHECKS=$((CHECKS + 1))
    if [ -n "$2" ] && [ "$rrc" != 1 ]; then fail "$1: readiness exit $rrc with blockers (wanted 1)"; fi
    if [ -z "$2" ] && [ "$rrc" != 0 ]; then fail "$1: readiness exit $rrc when ready (wanted 0)"; fi
    "$ISMS" gap --json >"$T/g.json" 2>"$T/g.err"
    grc=$?
    equals "$grc" "$rrc" "$1: gap exits as readiness does"
    equals "$(python3 -c 'import json,sys; k=lambda f: sorted((g["ref"], g["code"]) for g in json.load(open(f))["gaps"]); print(k(sys.argv[1]) == k(sys.argv[2]))' "$T/r.json" "$T/g.json")" \
        "True" "$1: readiness and gap list the same gaps"
}

expect_rc 0 isms init --org "Northwind Analytics"
ALL="4.1 4.2 4.3 5.2 6.1.2 6.1.3 6.1.3 d 6.1.3 e 6.2 7.2 7.5.1 b 8.1 8.2 8.3 9.1 9.2 9.3 10.2"
step "a new workspace: everything" "$ALL"
expect_rc 1 isms readiness
contains "$OUT" "Not ready for Stage 1: 18 blocker(s)." "text summary"
contains "$OUT" "BLOCKER  4.3" "blocker listed"

expect_rc 0 isms org set --scope "Design, development and operation of the Northwind analytics service" \
    --context "Analytics SaaS for retailers, 60 staff, hosted on AWS eu-west-1"
step "the context (4.1); a scope statement alone is not enough" "${ALL#4.1 }"
expect_rc 0 isms org scope add --kind system --name "Production AWS account"
step "scope (4.3)" "4.2 5.2 6.1.2 6.1.3 6.1.3 d 6.1.3 e 6.2 7.2 7.5.1 b 8.1 8.2 8.3 9.1 9.2 9.3 10.2"
expect_rc 0 isms org party add --name "Retail customers" --requirements "Data processing agreement, EU hosting, 99.9% availability"
step "interested parties (4.2)" "5.2 6.1.2 6.1.3 6.1.3 d 6.1.3 e 6.2 7.2 7.5.1 b 8.1 8.2 8.3 9.1 9.2 9.3 10.2"

expect_rc 0 isms policy profile set --security-lead "Priya Nair" --approver "Northwind board" --review-months 12 \
    --tools aws,github,gworkspace --work-model remote
expect_rc 0 isms policy generate information-security access-control
step "drafts are not policy" "5.2 6.1.2 6.1.3 6.1.3 d 6.1.3 e 6.2 7.2 7.5.1 b 8.1 8.2 8.3 9.1 9.2 9.3 10.2"
expect_rc 0 isms policy approve information-security --by "Northwind board"
step "the policy (5.2); access control still a draft" "6.1.2 6.1.3 6.1.3 d 6.1.3 e 6.2 7.2 7.5.1 b 8.1 8.2 8.3 9.1 9.2 9.3 10.2"
expect_rc 1 isms readiness --json
contains "$OUT" "1 policy draft(s) never approved" "the draft named"
expect_rc 0 isms policy approve access-control --by "Northwind board"
step "documents (7.5.1 b)" "6.1.2 6.1.3 6.1.3 d 6.1.3 e 6.2 7.2 8.1 8.2 8.3 9.1 9.2 9.3 10.2"

expect_rc 0 isms risk method set --appetite 8
step "risk methodology: 6.1.2 still needs assets and risks" "6.1.2 6.1.3 6.1.3 d 6.1.3 e 6.2 7.2 8.1 8.2 8.3 9.1 9.2 9.3 10.2"
expect_rc 0 isms asset add --name "Analytics warehouse" --type cloud --owner CTO --classification restricted \
    --confidentiality 3 --integrity 3 --availability 2
expect_rc 0 isms risk add --title "Warehouse ransomware" --asset "Analytics warehouse" --threat T01 \
    --vulnerability V03 --likelihood 4 --impact 5 --owner CTO
step "risks assessed (6.1.2, 8.2), not yet treated" "6.1.3 6.1.3 d 6.1.3 e 6.2 7.2 8.3 9.1 9.2 9.3 10.2"
expect_rc 0 isms risk treat 1 --option mitigate --controls A.8.13,A.8.7 --residual-likelihood 2 --residual-impact 3 \
    --due 2027-03-31 --plan "Immutable backups and EDR"
step "treatment (6.1.3, 6.1.3 e, 8.3); its controls need owners (8.1) and evidence" "6.1.3 d 6.2 7.2 8.1 9.1 9.2 9.3 10.2 Annex A"

# Decide all 93 controls in the SoA: applicable and implemented, each with an owner.
isms soa list --json | python3 -c 'import json,sys; print("\n".join(c["id"] for c in json.load(sys.stdin)))' > "$T/ids"
equals "$(wc -l < "$T/ids")" "93" "93 controls"
while read -r id; do
    "$ISMS" soa set "$id" --applicable yes --status implemented --owner "Priya Nair" --reasons business \
        --implementation "Operated as described in the Northwind ISMS manual, section $id" >/dev/null 2>"$T/soa.err" ||
        fail "soa set $id: $(cat "$T/soa.err")"
done < "$T/ids"
CHECKS=$((CHECKS + 1))
step "implemented controls need evidence" "6.1.3 d 6.2 7.2 9.1 9.2 9.3 10.2 Annex A"
expect_rc 1 isms gap --json
equals "$(jget "$OUT" 'sorted(set(g["code"] for g in d["gaps"] if g["ref"].startswith("A.")))')" '["no_evidence"]' \
    "the controls' only gap is evidence"
# One documented procedure per control, in the ISMS manual: evidence for all 93.
printf '# Northwind ISMS manual\n' > "$T/isms-manual.md"
expect_rc 0 isms evidence add "$T/isms-manual.md" --controls "$(paste -sd, "$T/ids")" --type policy \
    --description "ISMS manual: the operating procedure of every Annex A control"
step "operational planning (8.1); SoA not approved" "6.1.3 d 6.2 7.2 9.1 9.2 9.3 10.2"
expect_rc 0 isms soa approve --by "Northwind board"
step "SoA approved (6.1.3 d)" "6.2 7.2 9.1 9.2 9.3 10.2"
expect_rc 2 isms soa set A.7.4 --applicable no --justification "n/a"
contains "$ERR" "boilerplate" "an unjustified exclusion is refused"
step "the refused change leaves the approved SoA" "6.2 7.2 9.1 9.2 9.3 10.2"
expect_rc 0 isms soa set A.7.4 --applicable no \
    --justification "No premises of our own: all staff work remotely and hosting is on AWS, whose physical security monitoring we rely on under A.5.23"
step "a justified exclusion changes the SoA: approve again" "6.1.3 d 6.2 7.2 9.1 9.2 9.3 10.2"
expect_rc 0 isms soa approve --by "Northwind board"
step "SoA version 2" "6.2 7.2 9.1 9.2 9.3 10.2"

expect_rc 0 isms objective add --objective "Patch critical vulnerabilities fast" --measure "Days to patch, median" \
    --target 7 --unit days --direction at_most --owner CTO
step "an objective never measured" "6.2 7.2 9.1 9.2 9.3 10.2"
expect_rc 0 isms objective measure 1 --date 2026-11-15 --value 5
step "objectives (6.2)" "7.2 9.1 9.2 9.3 10.2"
expect_rc 0 isms person add --name "Priya Nair" --email priya@northwind.example --start-date 2025-01-06 \
    --screening-completed 2024-12-15 --terms-signed 2024-12-20
expect_rc 0 isms person add --name "Tom Berg" --email tom@northwind.example --start-date 2026-02-01 \
    --screening-completed 2026-01-10 --terms-signed 2026-01-12
expect_rc 0 isms person train priya@northwind.example --course "Security awareness" --completed 2026-03-01
step "one of two people trained" "7.2 9.1 9.2 9.3 10.2"
expect_rc 0 isms person train tom@northwind.example --course "Security awareness" --completed 2026-02-03
step "competence records (7.2)" "9.1 9.2 9.3 10.2"

printf 'instance,encrypted\ni-0abc,yes\n' > "$T/ebs-encryption.csv"
expect_rc 0 isms evidence add "$T/ebs-encryption.csv" --controls A.8.24 --type config_snapshot \
    --description "EBS encryption export, November"
step "monitoring results (9.1)" "9.2 9.3 10.2"

expect_rc 0 isms audit plan --year 1 --auditor "Lena Ostrowski (external)" --start 2026-11-16 --end 2026-11-18
expect_rc 0 isms audit finding 1 --type minor --ref A.8.13 --description "Restore test not recorded for Q3"
step "a nonconformity without a corrective action (10.2)" "9.2 9.3 10.2"
expect_rc 0 isms action add --finding 1 --root-cause "No owner for restore tests" \
    --actions "Quarterly restore test with a record" --owner CTO --due 2026-12-20
step "the nonconformity has its action" "9.2 9.3"
expect_rc 0 isms audit complete 1 --summary "Conforms with one minor nonconformity" --date 2026-11-18
step "internal audit (9.2)" "9.3"
expect_rc 0 isms review pack -o "$T/pack.md"
expect_rc 0 isms review record --date 2026-11-27 --attendees "CEO, CTO, Priya Nair" \
    --decisions "Accept the risk treatment plan; fund a restore-test tool"
step "management review (9.3): ready" ""
expect_rc 0 isms readiness
contains "$OUT" "Ready for the Stage 1 audit." "ready"
ISMS_TODAY=2026-12-21 expect_rc 1 isms readiness --json
equals "$(jget "$OUT" '[r["detail"] for r in d["requirements"] if not r["ok"]]')" '["1 action(s) overdue"]' \
    "an action past its due date blocks"

# The package of the ready ISMS verifies; any changed byte fails it.
expect_rc 0 isms report package -o "$T/stage1.zip"
expect_rc 0 isms report verify "$T/stage1.zip"
contains "$OUT" "is intact" "package intact"
python3 - "$T/stage1.zip" >"$T/kinds" <<'PYEOF'
import json, sys, zipfile
m = json.loads(zipfile.ZipFile(sys.argv[1]).read('manifest.json'))
print(sorted(set(f['kind'] for f in m['files'])))
print(sorted(c for f in m['files'] if f['kind'] == 'policy' for c in f['controls'])[:3])
PYEOF
contains "$(cat "$T/kinds")" "'policy'" "approved policies are in the package"
contains "$(cat "$T/kinds")" "'A.5.1'" "with their controls"
size=$(stat -c %s "$T/stage1.zip")
step_off=$((size / 37 + 1))
off=0
while [ "$off" -lt "$size" ]; do
    python3 -c 'import sys; d=bytearray(open(sys.argv[1],"rb").read()); o=int(sys.argv[3]); d[o]^=1; open(sys.argv[2],"wb").write(d)' \
        "$T/stage1.zip" "$T/changed.zip" "$off"
    "$ISMS" report verify "$T/changed.zip" >/dev/null 2>&1
    rc=$?
    CHECKS=$((CHECKS + 1))
    [ "$rc" != 0 ] || fail "a flipped bit at offset $off of $size went unnoticed"
    off=$((off + step_off))
done
expect_rc 0 isms report audit --format pdf -o "$T/report.pdf"
CHECKS=$((CHECKS + 1)); command -v pdftotext >/dev/null || fail "pdftotext is missing (Debian package poppler-utils: make deps)"
if command -v pdftotext >/dev/null; then
    pdftotext "$T/report.pdf" "$T/report.txt"
    contains "$(cat "$T/report.txt")" "Northwind Analytics" "PDF text"
    contains "$(tr -s ' \n' '  ' < "$T/report.txt")" "Restore test not recorded" "PDF findings"
    pdftoppm -png -r 40 -f 1 -l 1 "$T/report.pdf" "$T/page"
    CHECKS=$((CHECKS + 1))
    [ -s "$T/page-01.png" ] || [ -s "$T/page-1.png" ] || fail "the PDF's first page renders"
fi
finish
