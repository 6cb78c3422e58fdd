#!/bin/bash
# One truth on readiness: on every workspace `isms readiness`, `isms gap` and `isms soa validate`
# agree. Readiness is ready exactly when gap exits 0; both list the same gaps (ref, code) in their
# JSON; soa validate's weaknesses are exactly the SoA gaps among them, so a weakness it reports is
# always a blocker. Workspaces: empty, the demo, half-done, ready (the Stage 1 journey), and the
# ready one with each single blocker, including blank values stored by an older isms.
. "$(dirname "$0")/lib.sh"
export ISMS_TODAY=2026-11-30
W="$T/ws"
mkdir -p "$W"

# agree NAME DB [EXPECTED]: the three commands agree on DB; EXPECTED is "ready", or the sorted
# "ref:code" gaps wanted (checked when given).
agree() {
    local name=$1 db=$2 want=${3:-}
    ISMS_DB=$db "$ISMS" readiness --json >"$T/r.json" 2>"$T/r.err"; local rrc=$?
    ISMS_DB=$db "$ISMS" gap --json >"$T/g.json" 2>"$T/g.err"; local grc=$?
    ISMS_DB=$db "$ISMS" soa validate --json >"$T/v.json" 2>"$T/v.err"; local vrc=$?
    CHECKS=$((CHECKS + 1))
    if grep -q -e AddressSanitizer -e 'runtime error' -e LeakSanitizer "$T/r.err" "$T/g.err" "$T/v.err"; then
        fail "$name: sanitizer report"; cat "$T/r.err" "$T/g.err" "$T/v.err" >&2
    fi
    equals "$grc" "$rrc" "$name: gap exits as readiness does"
    python3 - "$T/r.json" "$T/g.json" "$T/v.json" "$rrc" "$vrc" >"$T/verdict" <<'PYEOF'
import json, sys
r, g, v = (json.load(open(p)) for p in sys.argv[1:4])
rrc, vrc = int(sys.argv[4]), int(sys.argv[5])
soa_codes = {"undecided", "excluded_but_treats_risk", "weak_justification", "no_reason", "no_status",
             "no_implementation", "no_owner"}
rg = sorted((x["ref"], x["code"]) for x in r["gaps"])
gg = sorted((x["ref"], x["code"]) for x in g["gaps"])
vi = sorted((x["control"], x["code"]) for x in v["issues"])
soa_gaps = sorted(x for x in gg if x[0].startswith("A.") and x[1] in soa_codes)
problems = []
if rg != gg: problems.append("readiness and gap list different gaps")
if vi != soa_gaps: problems.append("soa validate's weaknesses %s are not the SoA gaps %s" % (vi[:3], soa_gaps[:3]))
if r["ready"] != (not gg): problems.append("ready=%s with %d gaps" % (r["ready"], len(gg)))
if (rrc == 0) != r["ready"]: problems.append("readiness exit %d but ready=%s" % (rrc, r["ready"]))
if (vrc == 0) != (not vi): problems.append("validate exit %d with %d issues" % (vrc, len(vi)))
if vi and rrc == 0: problems.append("validate finds weaknesses but readiness is ready")
blocked = [x for x in r["requirements"] if not x["ok"]]
if r["blockers"] != len(blocked): problems.append("blocker count")
print("OK" if not problems else "; ".join(problems))
print("ready" if not gg else " ".join(sorted(set("%s:%s" % x for x in gg))))
PYEOF
    equals "$(sed -n 1p "$T/verdict")" "OK" "$name: readiness, gap and soa validate agree"
    [ -n "$want" ] && equals "$(sed -n 2p "$T/verdict")" "$want" "$name: the gaps"
    return 0
}

sql() { python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute(sys.argv[2]); c.commit()' "$@"; }
copy() { cp "$1" "$2"; [ -d "$1.evidence" ] && cp -r "$1.evidence" "$2.evidence"; return 0; }

# The empty workspace: nothing is ready, 93 controls undecided.
ISMS_DB="$W/empty.db" expect_rc 0 isms init --org "Empty Ltd"
agree "empty" "$W/empty.db"
equals "$(jget "$(cat "$T/v.json")" 'd["count"]')" "93" "empty: 93 undecided controls"

# The demo: part-way to certification.
ISMS_DB="$W/demo.db" expect_rc 0 isms demo
agree "demo" "$W/demo.db"
equals "$(jget "$(cat "$T/r.json")" 'd["ready"]')" "false" "demo: not ready"

# Half-done: scope, an asset and a treated risk, a few SoA decisions.
H="$W/half.db"
export ISMS_DB=$H
expect_rc 0 isms init --org "Half Done GmbH" --scope "The payments platform"
expect_rc 0 isms org scope add --kind system --name "Payments cluster"
expect_rc 0 isms asset add --name "Card vault" --type software --owner CTO --classification restricted
expect_rc 0 isms risk add --title "Vault breach" --asset "Card vault" --threat T01 --vulnerability V01 --likelihood 3 --impact 4 --owner CTO
expect_rc 0 isms risk treat 1 --option mitigate --controls A.8.24 --due 2027-01-31
expect_rc 0 isms soa set A.5.1 --applicable yes --status implemented --owner CISO --reasons business --implementation "Policy set"
expect_rc 0 isms soa set A.7.4 --applicable no \
    --justification "No premises of our own: all staff work remotely and hosting is on AWS, covered under A.5.23"
agree "half-done" "$H"

# Ready: the Stage 1 journey of stage1.sh, with every control evidenced.
R="$W/ready.db"
export ISMS_DB=$R
expect_rc 0 isms init --org "Northwind Analytics"
expect_rc 0 isms org set --scope "The Northwind analytics service" --context "Analytics SaaS, 60 staff, on AWS"
expect_rc 0 isms org scope add --kind system --name "Production AWS account"
expect_rc 0 isms org party add --name "Retail customers" --requirements "Data processing agreement, EU hosting"
expect_rc 0 isms policy profile set --security-lead "Priya Nair" --approver "Northwind board" --review-months 12 \
    --tools aws,github,gworkspace --work-model remote
expect_rc 0 isms policy generate information-security
expect_rc 0 isms policy approve information-security --by "Northwind board"
expect_rc 0 isms risk method set --appetite 8
expect_rc 0 isms asset add --name "Analytics warehouse" --type cloud --owner CTO --classification restricted
expect_rc 0 isms risk add --title "Warehouse ransomware" --asset "Analytics warehouse" --threat T01 \
    --vulnerability V03 --likelihood 4 --impact 5 --owner CTO
expect_rc 0 isms risk treat 1 --option mitigate --controls A.8.13,A.8.7 --residual-likelihood 2 --residual-impact 3 \
    --due 2027-03-31 --plan "Immutable backups and EDR"
isms soa list --json | python3 -c 'import json,sys; print("\n".join(c["id"] for c in json.load(sys.stdin)))' > "$T/ids"
while read -r id; do
    "$ISMS" soa set "$id" --applicable yes --status implemented --owner "Priya Nair" --reasons business \
        --implementation "Operated as described in the ISMS manual, section $id" >/dev/null 2>"$T/soa.err" ||
        fail "soa set $id: $(cat "$T/soa.err")"
done < "$T/ids"
expect_rc 0 isms soa approve --by "Northwind board"
expect_rc 0 isms objective add --objective "Patch fast" --measure "Days to patch" --target 7 --direction at_most --owner CTO
expect_rc 0 isms objective measure 1 --date 2026-11-15 --value 5
expect_rc 0 isms person add --name "Priya Nair" --email priya@northwind.example
expect_rc 0 isms person train priya@northwind.example --course "Security awareness" --completed 2026-03-01
printf '# ISMS manual\n' > "$T/manual.md"
expect_rc 0 isms evidence add "$T/manual.md" --controls "$(grep -v '^A.5.3$' "$T/ids" | paste -sd,)" --type policy \
    --description "ISMS manual: the procedure of every control"
printf 'instance,encrypted\ni-0abc,yes\n' > "$T/ebs.csv"
expect_rc 0 isms evidence add "$T/ebs.csv" --controls A.8.24 --type config_snapshot --description "EBS encryption export"
printf 'duties,separated\n' > "$T/sod.csv"
copy "$R" "$W/noevidence.db"      # implemented, but A.5.3 has no evidence
copy "$R" "$W/expired.db"
expect_rc 0 isms evidence add "$T/sod.csv" --controls A.5.3 --type access_review --description "Segregation review"
ISMS_DB="$W/expired.db" expect_rc 0 isms evidence add "$T/sod.csv" --controls A.5.3 --type access_review \
    --collected 2026-06-01 --description "Segregation review, June"
expect_rc 0 isms audit plan --year 1 --auditor "Lena Ostrowski (external)" --start 2026-11-16 --end 2026-11-18
expect_rc 0 isms audit finding 1 --type minor --ref A.8.13 --description "Restore test not recorded"
expect_rc 0 isms action add --finding 1 --root-cause "No owner" --actions "Quarterly restore test" --owner CTO --due 2026-12-20
expect_rc 0 isms audit complete 1 --summary "Conforms with one minor nonconformity" --date 2026-11-18
expect_rc 0 isms review record --date 2026-11-27 --attendees "CEO, CTO" --decisions "Fund a restore-test tool"
agree "ready" "$R" "ready"
expect_rc 0 isms readiness
expect_rc 0 isms gap
expect_rc 0 isms soa validate
unset ISMS_DB
for ws in noevidence expired; do   # bring the copies to the same point
    for cmd in "audit plan --year 1 --auditor Lena --start 2026-11-16 --end 2026-11-18" \
               "audit finding 1 --type minor --ref A.8.13 --description Restore" \
               "action add --finding 1 --root-cause None --actions Test --owner CTO --due 2026-12-20" \
               "audit complete 1 --summary Conforms --date 2026-11-18" \
               "review record --date 2026-11-27 --attendees CEO --decisions Fund"; do
        # shellcheck disable=SC2086
        ISMS_DB="$W/$ws.db" "$ISMS" $cmd >/dev/null 2>"$T/c.err" || fail "$ws: $cmd: $(cat "$T/c.err")"
    done
done
agree "implemented without evidence" "$W/noevidence.db" "A.5.3:no_evidence"
agree "expired evidence" "$W/expired.db" "A.5.3:evidence_expired"

# One blocker at a time on copies of the ready workspace.
copy "$R" "$W/noparty.db"
ISMS_DB="$W/noparty.db" expect_rc 0 isms org party rm 1
agree "no interested parties" "$W/noparty.db" "4.2:no_parties"

copy "$R" "$W/changed.db"
ISMS_DB="$W/changed.db" expect_rc 0 isms soa set A.5.3 --implementation "Four-eyes rule on every production change"
agree "SoA changed since approval" "$W/changed.db" "6.1.3:soa_changed"

copy "$R" "$W/late.db"
ISMS_TODAY=2026-12-21 agree "an overdue action" "$W/late.db" "10.2:actions_overdue"

# Blank values stored by an older isms count as missing everywhere.
copy "$R" "$W/blankasset.db"
sql "$W/blankasset.db" "UPDATE asset SET owner = '   '"
agree "an asset whose owner is blank" "$W/blankasset.db" "6.1.2:assets_without_owner 8.2:assets_without_owner"
copy "$R" "$W/blanksoa.db"
sql "$W/blanksoa.db" "UPDATE soa SET owner = ' '||char(160)||' ' WHERE control_id = 'A.5.9'"
agree "an SoA owner that is blank" "$W/blanksoa.db" "6.1.3:soa_changed 8.1:controls_without_owner A.5.9:no_owner"
ISMS_DB="$W/blanksoa.db" expect_rc 2 isms soa approve --by "Northwind board"
contains "$ERR" "A.5.9 no_owner" "approval refused while an owner is blank"
copy "$R" "$W/blankimpl.db"
sql "$W/blankimpl.db" "UPDATE soa SET implementation = char(9)||char(10) WHERE control_id = 'A.8.1'"
agree "an implementation text that is blank" "$W/blankimpl.db" "6.1.3:soa_changed A.8.1:no_implementation"
ISMS_DB="$W/blankimpl.db" expect_rc 2 isms soa approve --by "Northwind board"
contains "$ERR" "no_implementation" "approval refused without implementation text"
finish
