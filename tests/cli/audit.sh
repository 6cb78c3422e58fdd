#!/bin/bash
# The audit lifecycle: certification cycle and roadmap, the internal audit programme, plans with
# auditor independence, checklists, findings, corrective actions with effectiveness checks,
# management review pack and record, the iCalendar export, the audit report and the evidence package.
. "$(dirname "$0")/lib.sh"
PY=python3
[ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import icalendar' 2>/dev/null && PY=/usr/bin/python3
export ISMS_TODAY=2026-11-30

expect_rc 0 isms init --org "Acme, Inc."
expect_rc 0 isms org set --scope "The Acme platform" --context "SaaS on AWS"
expect_rc 0 isms asset add --name "Customer DB" --type cloud --owner CTO --classification restricted \
    --confidentiality 3 --integrity 3 --availability 2
expect_rc 0 isms risk add --title Ransomware --asset "Customer DB" --threat T01 --vulnerability V03 \
    --likelihood 4 --impact 5 --owner CTO
expect_rc 0 isms risk treat 1 --option mitigate --controls A.8.13 --residual-likelihood 1 --residual-impact 4 \
    --due 2027-03-31 --plan "Immutable backups"
expect_rc 0 isms soa set A.8.13 --applicable yes --status implemented --implementation "Daily immutable backups" \
    --owner "Dana Ops" --reasons risk

# --- certification cycle ---
expect_rc 2 isms cert set --stage1 2027-02-30
contains "$ERR" "stage 1 date '2027-02-30' is not a date" "bad date named"
expect_rc 2 isms cert set --stage1 2027-03-01 --stage2 2027-02-01
contains "$ERR" "cannot come before stage 1" "stage order"
expect_rc 0 isms cert set --body "Example Certification Ltd" --stage1 2027-01-10 --stage2 2027-02-20
expect_rc 2 isms cert set --issued 2027-02-01
contains "$ERR" "cannot be issued before the stage 2 audit" "issue after stage 2"
expect_rc 0 isms cert set --issued 2027-03-15 --number "IS 123456"
expect_rc 0 isms cert show --json
equals "$(jget "$OUT" 'd["certification"]["expires_on"]')" "2030-03-14" "valid three years"
equals "$(jget "$OUT" 'd["certification"]["surveillance1_by"]')" "2028-03-15" "first surveillance"
equals "$(jget "$OUT" 'd["certification"]["surveillance2_by"]')" "2029-03-15" "second surveillance"
equals "$(jget "$OUT" 'd["certification"]["recertification_by"]')" "2029-12-14" "recertification before expiry"
equals "$(jget "$OUT" '[m["key"] for m in d["roadmap"]]')" \
    '["scope", "risk_assessment", "soa", "controls", "internal_audit", "management_review", "stage1", "stage2"]' "roadmap"
equals "$(jget "$OUT" 'd["roadmap"][1]["done_on"] is not None')" "true" "risk assessment done: every risk treated"
equals "$(jget "$OUT" 'd["roadmap"][2]["state"]')" "unplanned" "SoA not approved, no due date"
expect_rc 2 isms cert milestone stage3 --due 2027-01-01
contains "$ERR" "scope, risk_assessment, soa" "milestones listed"
expect_rc 0 isms cert milestone soa --due 2026-11-01 --note "Board sign-off"
expect_rc 0 isms cert show --json
equals "$(jget "$OUT" 'd["roadmap"][2]["state"]')" "OVERDUE" "overdue milestone"

# --- internal audit programme and plans ---
expect_rc 0 isms audit programme --json
equals "$(jget "$OUT" 'len(d["years"])')" "3" "three years"
equals "$(jget "$OUT" 'd["items"]')" "123" "30 clauses + 93 controls"
equals "$(jget "$OUT" 'all(any(i["ref"]=="A.8.13" and i["high_risk"] for i in y["items"]) for y in d["years"])')" "true" \
    "high-risk control every year"
equals "$(jget "$OUT" 'sum(1 for y in d["years"] for i in y["items"] if i["ref"]=="A.5.1")')" "1" "others once"
expect_rc 2 isms audit plan --year 1 --auditor "Dana Ops" --start 2026-11-20 --end 2026-11-25
contains "$ERR" "Dana Ops owns A.8.13" "independence: no auditing one's own work"
expect_rc 2 isms audit plan --scope "4-10,A.99.1" --auditor Sam --start 2026-11-20
contains "$ERR" "A.99.1" "bad scope item named"
expect_rc 2 isms audit plan --year 1 --auditor Sam --start 2026-11-25 --end 2026-11-20
contains "$ERR" "ends (2026-11-20) before it starts" "date order"
expect_rc 2 isms audit plan --year 4 --auditor Sam --start 2026-11-20
expect_rc 0 isms audit plan --year 1 --auditor "Sam Auditor" --start 2026-11-20 --end 2026-11-25
expect_rc 0 isms audit show 1 --json
equals "$(jget "$OUT" 'len(d["audit"]["scope"])')" "62" "year-1 scope: 30 clauses, 31 controls + A.8.13"
equals "$(jget "$OUT" '"A.8.13" in d["audit"]["scope"] and "9.2.1" in d["audit"]["scope"]')" "true" "scope content"
printf 'restore test ok\n' > "$T/restore.txt"
expect_rc 0 isms evidence add "$T/restore.txt" --controls A.8.13 --type backup_test --description "Restore test" \
    --collected 2026-10-01
expect_rc 0 isms audit checklist 1 --json
equals "$(jget "$OUT" 'len(d["items"])')" "62" "a question per scope item"
equals "$(jget "$OUT" '[i for i in d["items"] if i["ref"]=="A.8.13"][0]["evidence"][0]["file"]')" "restore.txt" \
    "evidence on file to sample"
equals "$(jget "$OUT" 'all(i["question"] and i["evidence_to_sample"] for i in d["items"])')" "true" "questions + evidence"
expect_rc 0 isms audit checklist 1
contains "$OUT" "Evidence to sample:" "text checklist"

# --- findings and corrective actions ---
expect_rc 2 isms audit finding 9 --type minor --ref 5.23 --description x
contains "$ERR" "no internal audit with id 9" "unknown audit"
expect_rc 2 isms audit finding 1 --type severe --ref 5.23 --description x
contains "$ERR" "not major, minor, observation or improvement" "bad type"
expect_rc 2 isms audit finding 1 --type minor --ref "1; DROP TABLE audit" --description x
expect_rc 0 isms audit finding 1 --type minor --ref 5.23 --description "No exit plan for cloud services"
expect_rc 0 isms audit finding 1 --type major --ref 9.1 --description "Monitoring results not evaluated"
expect_rc 0 isms audit finding 1 --type improvement --ref A.8.16 --description "Alert on backup failures"
expect_rc 1 isms gap --json
equals "$(jget "$OUT" '[c["missing"] for c in d["clauses"] if c["id"]=="10.2"][0]')" \
    '["2 nonconformities without a corrective action", "1 major nonconformity open"]' "gap shows 10.2"
expect_rc 2 isms action add --finding 1 --actions "Write exit plan" --owner CTO --due 2026-12-15
contains "$ERR" "needs a root cause (10.2 b)" "root cause required for NCs"
contains "$ERR" "isms: --root-cause: finding 1 is a nonconformity" "the option named"
expect_rc 2 isms action add --finding 7 --actions x --owner CTO --due 2026-12-15 --root-cause y
contains "$ERR" "isms: --finding: no finding with id 7" "an unknown finding named by its option"
expect_rc 2 isms action add --finding 1 --actions x --owner CTO --due tomorrow --root-cause y
expect_rc 0 isms action add --finding 1 --actions "Write exit plan" --owner CTO --due 2026-12-15 \
    --root-cause "No owner for supplier exit"
expect_rc 0 isms action add --finding 2 --actions "Monthly metrics review" --owner CISO --due 2026-11-25 \
    --root-cause "No process to evaluate results"
expect_rc 1 isms action list --json
equals "$(jget "$OUT" '[a["overdue"] for a in d]')" '[true, false]' "overdue action flagged"
expect_rc 2 isms action verify 2 --effective yes --note ok --by Sam
contains "$ERR" "once it is implemented" "verify needs implementation first"
expect_rc 0 isms action done 2
expect_rc 0 isms action verify 2 --effective no --note "Only one month reviewed" --by "Sam Auditor"
expect_rc 1 isms action list --json
equals "$(jget "$OUT" '[a["status"] for a in d if a["id"]==2][0]')" "open" "not effective: reopened"
expect_rc 0 isms action done 2
expect_rc 0 isms action verify 2 --effective yes --note "Three monthly reviews on file" --by "Sam Auditor"
expect_rc 0 isms audit complete 1 --summary "ISMS broadly conforms; 1 major, 1 minor" --date 2026-11-25
expect_rc 2 isms audit complete 1 --summary again
contains "$ERR" "already completed" "complete once"
expect_rc 2 isms audit finding 1 --type minor --ref 5.1 --description late
contains "$ERR" "closed records" "no findings after completion"
expect_rc 1 isms gap --json
equals "$(jget "$OUT" '[c["state"] for c in d["clauses"] if c["id"] in ("9.2.1","10.2")]')" '["met", "met"]' \
    "audit done, NCs have actions"

# --- management review ---
expect_rc 0 isms review feedback --party Customers --summary "Asked for the SOC 2 bridge letter" --date 2026-11-10
expect_rc 2 isms review feedback --party Customers --summary x --date 2026-11-31
expect_rc 0 isms review pack --json
equals "$(jget "$OUT" 'sorted(k for k in d if k[1]=="_")')" \
    '["a_previous_actions", "b_changes_in_issues", "c_interested_parties", "d_performance", "e_feedback", "f_risks", "g_opportunities"]' \
    "every 9.3.2 input"
equals "$(jget "$OUT" 'd["d_performance"]["nonconformities"]["major"]')" "1" "NCs in the pack"
equals "$(jget "$OUT" 'd["d_performance"]["audits"][0]["findings"]')" "3" "audit results in the pack"
equals "$(jget "$OUT" 'd["e_feedback"][0]["party"]')" "Customers" "feedback in the pack"
equals "$(jget "$OUT" 'd["f_risks"]["critical"]')" "1" "risk results in the pack"
equals "$(jget "$OUT" 'd["g_opportunities"][0]["ref"]')" "A.8.16" "improvement opportunities"
expect_rc 0 isms review pack -o "$T/pack.md"
contains "$(cat "$T/pack.md")" "## f) Results of risk assessment" "markdown pack"
expect_rc 2 isms review record --attendees "CEO" --decisions ""
contains "$ERR" "isms: --decisions: decisions is required" "decisions required, the option named"
expect_rc 2 isms review record --decisions "Keep the scope"
contains "$ERR" "isms: --attendees: attendees is required: top management must take part (9.3.1)" \
    "attendees required, the option named"
expect_rc 2 isms review record --attendees "CEO" --decisions "x" --date 2027-01-01
contains "$ERR" "in the future" "no future reviews"
contains "$ERR" "isms: --date: the review date" "the review's date named by its option"
expect_rc 0 isms review record --date 2026-11-28 --attendees "CEO, CTO, CISO" \
    --decisions "Fund a DR exercise; keep the scope" --changes "Add the EU region to the scope"
expect_rc 0 isms review show 1 --json
equals "$(jget "$OUT" 'd["pack"]["d_performance"]["nonconformities"]["minor"]')" "1" "pack frozen with the record"
expect_rc 0 isms action add --review 1 --actions "Run the DR exercise" --owner CTO --due 2027-02-28
expect_rc 0 isms action done 3
expect_rc 0 isms action list --json
equals "$(jget "$OUT" '[a["status"] for a in d if a["id"]==3][0]')" "closed" "review actions close when done"
expect_rc 0 isms review pack --json
equals "$(jget "$OUT" 'd["since_last_review"]')" "2026-11-28" "next pack starts at the last review"
equals "$(jget "$OUT" 'd["a_previous_actions"][0]["status"]')" "closed" "status of previous actions"

# --- calendar ---
expect_rc 0 isms calendar -o "$T/isms.ics"
$PY - "$T/isms.ics" >"$T/ics.out" 2>&1 <<'PYEOF'
import sys
try:
    import icalendar
except ImportError:
    icalendar = None
data = open(sys.argv[1], 'rb').read()
assert all(len(l) <= 75 for l in data.split(b'\r\n')), "line longer than 75 octets"
if icalendar:
    cal = icalendar.Calendar.from_ical(data)
    ev = {str(e['UID']): e for e in cal.walk('VEVENT')}
    print("parser icalendar")
    print("events", len(ev))
    print("surv1", ev['cert-surveillance1@isms']['DTSTART'].dt)
    print("expiry", ev['cert-expiry@isms']['DTSTART'].dt)
    print("audit", ev['audit-1@isms']['DTSTART'].dt, ev['audit-1@isms']['DTEND'].dt)
    print("treatment", ev['treatment-1@isms']['DTSTART'].dt)
    print("evidence", ev['evidence-1@isms']['DTSTART'].dt)
    print("action", ev['action-1@isms']['SUMMARY'])
    print("name", cal['X-WR-CALNAME'])
PYEOF
ICS=$(cat "$T/ics.out")
if contains "$ICS" "parser icalendar" "parsed by a real iCalendar parser"; then
    contains "$ICS" "surv1 2028-03-15" "surveillance date"
    contains "$ICS" "expiry 2030-03-14" "expiry date"
    contains "$ICS" "audit 2026-11-20 2026-11-26" "multi-day audit, exclusive end"
    contains "$ICS" "treatment 2027-03-31" "treatment due date"
    contains "$ICS" "evidence 2027-10-02" "evidence expiry"
    contains "$ICS" "action Corrective action due: Write exit plan" "action due date"
    contains "$ICS" "name Acme, Inc. ISMS" "escaped calendar name"
fi

# --- audit report ---
expect_rc 2 isms report audit --format docx -o "$T/r.docx"
expect_rc 2 isms report audit --format html
expect_rc 0 isms report audit --format html -o "$T/report.html"
R=$(cat "$T/report.html")
contains "$R" "ISO/IEC 27001:2022 audit report — Acme, Inc." "title"
contains "$R" "The Acme platform" "scope"
sha=$(sha256sum "$T/restore.txt" | cut -c1-16)
contains "$R" "restore.txt (2026-10-01, sha256 $sha)" "evidence reference with hash"
contains "$R" "No exit plan for cloud services" "findings"
contains "$R" "Three monthly reviews on file" "effectiveness"
contains "$R" "Fund a DR exercise" "review results"
contains "$R" "head hash is" "audit log head"
expect_rc 0 isms soa set A.5.1 --applicable yes --status implemented --implementation "<script>alert(1)</script>" \
    --owner CISO --reasons business
expect_rc 0 isms report audit -o "$T/report2.html"
not_contains "$(cat "$T/report2.html")" "<script>alert" "escaped"

# --- evidence package ---
expect_rc 2 isms report package -o "$T/p.tar"
expect_rc 0 isms report package -o "$T/p.zip"
expect_rc 0 isms report verify "$T/p.zip"
contains "$OUT" "is intact" "intact"
# A decompression bomb with a correct manifest and archive digest is refused without being read.
$PY - "$T/bomb.zip" <<'PYEOF'
import hashlib, io, json, sys, zipfile
big = b"\0" * (64 << 20)
man = {"files": [{"path": "evidence/bomb.bin", "sha256": hashlib.sha256(big).hexdigest(), "size": len(big)}]}
buf = io.BytesIO()
with zipfile.ZipFile(buf, "w") as z:
    z.writestr("manifest.json", json.dumps(man))
    z.writestr(zipfile.ZipInfo("evidence/bomb.bin"), big, compress_type=zipfile.ZIP_BZIP2)
data = buf.getvalue()
comment = ("isms-package-sha256:" + hashlib.sha256(data[:-2]).hexdigest()).encode()
open(sys.argv[1], "wb").write(data[:-2] + len(comment).to_bytes(2, "little") + comment)
PYEOF
expect_rc 1 isms report verify "$T/bomb.zip"
contains "$OUT$ERR" "decompression bomb" "a bomb is named, not expanded"
# A manifest that lists one stored megabyte 2,000 times is not hashed 2,000 times.
$PY - "$T/repeat.zip" <<'PYEOF'
import hashlib, io, json, sys, zipfile
data = b"x" * (1 << 20)
entry = {"path": "evidence/big.bin", "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
man = {"files": [entry] * 2000}
buf = io.BytesIO()
with zipfile.ZipFile(buf, "w") as z:
    z.writestr("manifest.json", json.dumps(man))
    z.writestr("evidence/big.bin", data)
open(sys.argv[1], "wb").write(buf.getvalue())
PYEOF
expect_rc 1 timeout 60 "$ISMS" report verify "$T/repeat.zip"
contains "$OUT$ERR" "evidence/big.bin: listed more than once in the manifest" "a repeated entry is named, not hashed again"
# An independent check of the manifest with Python's zipfile and hashlib.
$PY - "$T/p.zip" >"$T/zip.out" 2>&1 <<'PYEOF'
import hashlib, json, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
m = json.loads(z.read('manifest.json'))
names = set(z.namelist()) - {'manifest.json', 'manifest.sig'}
listed = {f['path'] for f in m['files']}
assert names == listed, (names ^ listed)
for f in m['files']:
    data = z.read(f['path'])
    assert hashlib.sha256(data).hexdigest() == f['sha256'], f['path']
    assert len(data) == f['size'], f['path']
ev = [f for f in m['files'] if f['path'].startswith('evidence/')]
print("files", len(m['files']), "evidence", len(ev), ev[0]['controls'], z.comment.decode()[:20])
PYEOF
equals "$(cat "$T/zip.out")" "files 10 evidence 1 ['A.8.13'] isms-package-sha256:" "manifest checked independently"
size=$(stat -c %s "$T/p.zip")
bad=0
for off in 0 10 40 100 500 1000 2000 $((size / 2)) $((size - 200)) $((size - 90)) $((size - 60)) $((size - 23)) \
    $((size - 2)) $((size - 1)); do
    $PY -c 'import sys; d=bytearray(open(sys.argv[1],"rb").read()); o=int(sys.argv[3]); d[o]^=0x20; open(sys.argv[2],"wb").write(d)' \
        "$T/p.zip" "$T/t.zip" "$off"
    "$ISMS" report verify "$T/t.zip" >"$T/v.out" 2>&1
    rc=$?
    CHECKS=$((CHECKS + 1))
    if [ "$rc" = 0 ] || grep -q -e AddressSanitizer -e 'runtime error' "$T/v.out"; then
        fail "a changed byte at offset $off went unnoticed (rc $rc)"
        bad=1
    fi
done
head -c $((size - 100)) "$T/p.zip" > "$T/trunc.zip"
expect_rc 2 isms report verify "$T/trunc.zip"
echo "not a zip" > "$T/text.zip"
expect_rc 2 isms report verify "$T/text.zip"
contains "$ERR" "not a zip package" "not a zip"
expect_rc 2 isms report verify "$T/missing.zip"
# A tampered evidence file in the store stops packaging.
f=$(find "$ISMS_DB.evidence" -type f | head -1)
chmod u+w "$f"; echo tampered >> "$f"
expect_rc 2 isms report package -o "$T/p2.zip"
contains "$ERR" "tampered" "tampered evidence refused"
[ ! -e "$T/p2.zip" ] || fail "no package left behind"

# --- every change is in the audit log ---
expect_rc 0 isms log --json
equals "$(jget "$OUT" 'sorted(set(e["entity"] for e in d) & {"cert","milestone","audit","finding","action","review","feedback"})')" \
    '["action", "audit", "cert", "feedback", "finding", "milestone", "review"]' "audit log covers the lifecycle"
expect_rc 0 isms log verify

finish
