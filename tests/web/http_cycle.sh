#!/bin/bash
# Black-box HTTP tests of the certification cycle, Stage 1 readiness, the calendar, the audit
# report and evidence package, package verification, the control catalog and the crosswalks:
# the role matrix, answers equal to the CLI's --json, validation with the CLI's messages, hostile
# input, downloads checked with python3/pdftotext, the pages with CSRF, and the audit log.
. "$(dirname "$0")/http_lib.sh"

http_users
http_start

least() {
    case "$1 $2" in
        PUT*) echo editor ;;
        *) echo viewer ;;
    esac
}
body_for() {
    case "$1 $2" in
        "PUT /api/v1/certification") echo '{"body":"Matrix Certification Ltd"}' ;;
        "PUT /api/v1/certification/milestones/{id}") echo '{"due_date":"2027-01-15"}' ;;
        *) echo '{}' ;;
    esac
}
path_for() {
    case "$2" in
        */milestones/{id}) echo "${2//\{id\}/stage1}" ;;
        */controls/{id}) echo "${2//\{id\}/A.5.15}" ;;
        */clauses/{id}) echo "${2//\{id\}/6.1.2}" ;;
        */crosswalk) echo "$2?from=soc2&id=CC6.1" ;;
        *) echo "$2" ;;
    esac
}
role_matrix <<< "$(api_routes cycle)"

# jsame A B WHAT: two JSON documents are equal once parsed.
jsame() {
    CHECKS=$((CHECKS + 1))
    python3 -c 'import json,sys; sys.exit(0 if json.loads(sys.argv[1]) == json.loads(sys.argv[2]) else 1)' "$1" "$2" \
        || fail "$3: API and CLI differ: $(printf %s "$1" | head -c 300) vs $(printf %s "$2" | head -c 300)"
}
msg() { jget "$BODY" 'd["error"]["message"]'; }
put() { req PUT "$1" "$TOK_editor" "$2"; }

# --- the certification cycle ---
req GET /api/v1/certification "$TOK_viewer"
code_is 200 "certification"
equals "$(jget "$BODY" '[m["key"] for m in d["roadmap"]]')" \
    '["scope", "risk_assessment", "soa", "controls", "internal_audit", "management_review", "stage1", "stage2"]' \
    "the eight milestones in order"
put /api/v1/certification '{"stage1_date":"2027-02-30"}'
code_is 422 "a date that does not exist"
expect_rc 2 isms cert set --stage1 2027-02-30
contains "$ERR" "$(msg)" "the CLI's message for a bad date"
equals "$(msg)" "stage 1 date '2027-02-30' is not a date (YYYY-MM-DD)" "bad date named"
put /api/v1/certification '{"stage1_date":"2027-03-01","stage2_date":"2027-02-01"}'
code_is 422 "stage 2 before stage 1"
expect_rc 2 isms cert set --stage1 2027-03-01 --stage2 2027-02-01
contains "$ERR" "$(msg)" "the CLI's message for the stage order"
put /api/v1/certification '{"body":"<script>alert(1)</script> Certification Ltd","stage1_date":"2027-01-10","stage2_date":"2027-02-20"}'
code_is 200 "audits recorded"
equals "$(jget "$BODY" 'd["certification"]["stage2_date"]')" "2027-02-20" "stage 2 returned"
equals "$(jget "$BODY" 'd["certification"]["body"]')" "<script>alert(1)</script> Certification Ltd" "body kept as typed"
put /api/v1/certification '{"issued_on":"2027-02-01"}'
code_is 422 "certificate before stage 2"
contains "$(msg)" "cannot be issued before the stage 2 audit (2027-02-20)" "issue order explained"
put /api/v1/certification '{"issued_on":"2027-03-15","number":"IS 123456"}'
code_is 200 "certificate recorded"
equals "$(jget "$BODY" 'd["certification"]["expires_on"]')" "2030-03-14" "expires the day before the third anniversary"
CERT=$BODY
expect_rc 0 isms cert show --json
jsame "$CERT" "$OUT" "certification as isms cert show --json"
put /api/v1/certification '{"body":"x","colour":"red"}'
code_is 422 "unknown member"
contains "$(msg)" "colour" "unknown member named"
put /api/v1/certification '{"stage1_date":20270110}'
code_is 422 "a number for a date"
put /api/v1/certification '{}'
code_is 422 "nothing to record"
put /api/v1/certification '{"body": "x", '
code_is 400 "malformed JSON"
put /api/v1/certification '["body"]'
code_is 400 "not an object"
put /api/v1/certification "$(jget "$CERT" 'd["certification"]')"
code_is 200 "the GET answer sent back is accepted"
printf '{"body":"\xff\xfe"}' > "$T/bad.json"
CODE=$(curl -s -o "$T/body" -w '%{http_code}' -X PUT -H "Authorization: Bearer $TOK_editor" \
    -H 'Content-Type: application/json' --data-binary @"$T/bad.json" "$URL/api/v1/certification")
code_is 400 "bad UTF-8"
req GET /api/v1/certification "$TOK_auditor"
equals "$(jget "$BODY" 'd["certification"]["number"]')" "IS 123456" "refused writes changed nothing"
req PUT /api/v1/certification "$TOK_auditor" '{"body":"auditor"}'
code_is 403 "the auditor changes nothing"

# milestones
OPEN=$(jget "$CERT" '[m["key"] for m in d["roadmap"] if not m["done_on"]][0]')
put "/api/v1/certification/milestones/$OPEN" '{"due_date":"2026-01-15","note":"plan <b>early</b>"}'
code_is 200 "milestone planned"
equals "$(jget "$BODY" 'd["state"]')" "OVERDUE" "a past due date is overdue"
equals "$(jget "$BODY" 'd["note"]')" "plan <b>early</b>" "note returned"
put "/api/v1/certification/milestones/$OPEN" '{"due_date":"2099-01-15"}'
equals "$(jget "$BODY" '[d["state"], d["note"]]')" '["open", "plan <b>early</b>"]' "open again; the note kept"
put /api/v1/certification/milestones/launch '{"due_date":"2027-01-15"}'
code_is 404 "unknown milestone"
expect_rc 2 isms cert milestone launch --due 2027-01-15
contains "$ERR" "$(msg)" "the CLI's message for an unknown milestone"
put "/api/v1/certification/milestones/soa'%3B--" '{"due_date":"2027-01-15"}'
code_is 404 "SQL metacharacters in the milestone id"
put /api/v1/certification/milestones/soa '{"due_date":"2027-13-01"}'
code_is 422 "bad due date"
expect_rc 2 isms cert milestone soa --due 2027-13-01
contains "$ERR" "$(msg)" "the CLI's message for a bad due date"
put /api/v1/certification/milestones/soa '{"note":"no date"}'
code_is 422 "a due date is required"
put /api/v1/certification/milestones/soa '{"due":"2027-01-01"}'
code_is 422 "unknown milestone member"
req GET /api/v1/certification "$TOK_viewer"
equals "$(jget "$BODY" '[m["due_date"] for m in d["roadmap"] if m["key"]=="soa"][0]')" "null" \
    "refused milestone changes left nothing behind"

# --- readiness ---
req GET /api/v1/readiness "$TOK_viewer"
code_is 200 "readiness"
equals "$(jget "$BODY" 'len(d["requirements"])')" "19" "nineteen requirements"
equals "$(jget "$BODY" 'd["blockers"] == sum(1 for r in d["requirements"] if not r["ok"])')" "true" "blockers counted"
READY=$BODY
expect_rc 1 isms readiness --json
jsame "$READY" "$OUT" "readiness as isms readiness --json"

# --- the calendar ---
CODE=$(curl -s -D "$T/h" -o "$T/cal.ics" -w '%{http_code}' -H "Authorization: Bearer $TOK_auditor" "$URL/api/v1/calendar.ics")
code_is 200 "calendar"
contains "$(cat "$T/h")" "Content-Type: text/calendar" "calendar content type"
contains "$(cat "$T/h")" 'Content-Disposition: attachment; filename="isms.ics"' "calendar is a download"
CHECKS=$((CHECKS + 1))
/usr/bin/python3 - "$T/cal.ics" <<'PY' || fail "the calendar parses with icalendar and has the audits"
import sys, icalendar
cal = icalendar.Calendar.from_ical(open(sys.argv[1], 'rb').read())
ev = {str(e.get('summary')): e.decoded('dtstart').isoformat() for e in cal.walk('VEVENT')}
assert ev.get('Stage 1 audit (documentation review)') == '2027-01-10', ev
assert ev.get('Stage 2 audit (certification audit)') == '2027-02-20', ev
assert any(k.startswith('Recertification') or 'xpir' in k for k in ev), ev
PY

# --- the audit report ---
CODE=$(curl -s -D "$T/h" -o "$T/report.pdf" -w '%{http_code}' -H "Authorization: Bearer $TOK_auditor" \
    "$URL/api/v1/reports/audit?format=pdf")
code_is 200 "audit report as PDF"
contains "$(cat "$T/h")" "Content-Type: application/pdf" "PDF content type"
contains "$(cat "$T/h")" 'attachment; filename="audit-report-' "PDF is a download"
contains "$(pdftotext "$T/report.pdf" - 2>/dev/null)" "Brightline Analytics" "the PDF names the organization"
CODE=$(curl -s -D "$T/h" -o "$T/report.html" -w '%{http_code}' -H "Authorization: Bearer $TOK_viewer" \
    "$URL/api/v1/reports/audit?format=html")
code_is 200 "audit report as HTML"
contains "$(cat "$T/h")" 'Content-Disposition: attachment; filename="audit-report-' "HTML report is a download, not a page"
contains "$(cat "$T/report.html")" "Brightline Analytics" "the HTML report names the organization"
req GET "/api/v1/reports/audit?format=docx" "$TOK_viewer"
code_is 400 "unknown report format"
contains "$(msg)" "html or pdf" "formats named"
req GET "/api/v1/reports/audit?format=pdf'%20OR%201=1--" "$TOK_viewer"
code_is 400 "SQL metacharacters in the format"

# --- the evidence package and its verification ---
CODE=$(curl -s -D "$T/h" -o "$T/pkg.zip" -w '%{http_code}' -H "Authorization: Bearer $TOK_auditor" "$URL/api/v1/reports/package")
code_is 200 "evidence package for the auditor"
contains "$(cat "$T/h")" "Content-Type: application/zip" "zip content type"
contains "$(cat "$T/h")" 'attachment; filename="evidence-package-' "package is a download"
NFILES=$(/usr/bin/python3 -c 'import json,sys,zipfile
z = zipfile.ZipFile(sys.argv[1]); m = json.loads(z.read("manifest.json"))
assert m["format"] == "isms-evidence-package/1", m.get("format")
files = m["files"]
assert "audit-report.html" in z.namelist() and any(n.startswith("evidence/") for n in z.namelist())
print(len(files))' "$T/pkg.zip")
CHECKS=$((CHECKS + 1)); [ -n "$NFILES" ] && [ "$NFILES" -gt 3 ] || fail "the package holds the report, evidence and a manifest ($NFILES)"
expect_rc 0 isms report verify "$T/pkg.zip"
verify() { # FILE [FIELD]: POST FILE for verification as the auditor
    CODE=$(curl -s -o "$T/body" -w '%{http_code}' -H "Authorization: Bearer $TOK_auditor" \
        -F "${2:-file}=@$1" "$URL/api/v1/reports/package-verification"); BODY=$(cat "$T/body")
}
verify "$T/pkg.zip"
code_is 200 "verification of an intact package"
equals "$(jget "$BODY" '[d["intact"], d["files"], d["problems"]]')" "[true, $NFILES, []]" "intact, every file"
expect_rc 0 isms report verify "$T/pkg.zip" --json
jsame "$BODY" "$OUT" "verification as isms report verify --json"
cp "$T/pkg.zip" "$T/changed.zip"
/usr/bin/python3 -c 'import sys
p = sys.argv[1]; b = bytearray(open(p, "rb").read()); b[200] ^= 0x20; open(p, "wb").write(b)' "$T/changed.zip"
verify "$T/changed.zip"
code_is 200 "verification of a changed package"
equals "$(jget "$BODY" 'd["intact"]')" "false" "a changed byte fails"
expect_rc 1 isms report verify "$T/changed.zip" --json
jsame "$BODY" "$OUT" "the same problems as isms report verify"
/usr/bin/python3 -c 'import sys, zipfile, shutil
shutil.copy(sys.argv[1], sys.argv[2])
with zipfile.ZipFile(sys.argv[2], "a") as z: z.writestr("<img src=x onerror=alert(1)>.txt", "added")' "$T/pkg.zip" "$T/added.zip"
verify "$T/added.zip"
code_is 200 "verification of a package with a file added"
equals "$(jget "$BODY" '[p["path"] for p in d["problems"] if "not in the manifest" in p["problem"]]')" \
    '["<img src=x onerror=alert(1)>.txt"]' "the added file is named"
printf 'not a zip at all' > "$T/notes.zip"
verify "$T/notes.zip"
code_is 422 "not a package"
equals "$(msg)" "notes.zip is not a zip package" "the upload is named, not a temporary file"
verify "$T/pkg.zip" package
code_is 422 "the file under another field"
CODE=$(curl -s -o "$T/body" -w '%{http_code}' -H "Authorization: Bearer $TOK_auditor" -F "note=x" \
    "$URL/api/v1/reports/package-verification"); BODY=$(cat "$T/body")
code_is 422 "no file"
contains "$(msg)" "choose the package" "missing file explained"
req POST /api/v1/reports/package-verification "$TOK_auditor" '{"file":"x"}'
code_is 415 "verification needs multipart"
printf -- '--XB\r\nContent-Disposition: form-data; name="file"; filename="a.zip"\r\n\r\nPK' > "$T/trunc"
CODE=$(curl -s -o "$T/body" -w '%{http_code}' -H "Authorization: Bearer $TOK_auditor" \
    -H 'Content-Type: multipart/form-data; boundary=XB' --data-binary @"$T/trunc" "$URL/api/v1/reports/package-verification")
code_is 400 "a truncated multipart body"
# A tampered evidence file stops the package, with the CLI's message.
EVF=$(ls "$T"/isms.db.evidence/*/* 2>/dev/null | head -1)
[ -n "$EVF" ] || EVF=$(find "$T/isms.db.evidence" -type f | head -1)
cp "$EVF" "$T/evidence.keep"
chmod u+w "$EVF"; printf 'tampered' >> "$EVF"
req GET /api/v1/reports/package "$TOK_auditor"
code_is 409 "no package while evidence is tampered"
expect_rc 2 isms report package -o "$T/refused.zip"
contains "$ERR" "$(msg)" "the CLI's message for tampered evidence"
cp "$T/evidence.keep" "$EVF"
req GET /api/v1/reports/package "$TOK_auditor"
code_is 200 "the package again once the evidence is restored"
equals "$(ls -A "$T/tmp")" "" "no temporary files left behind"

# --- the control catalog ---
req GET "/api/v1/controls?limit=500" "$TOK_viewer"
code_is 200 "controls"
equals "$(jget "$BODY" '[d["total"], len(d["items"]), d["items"][0]["id"]]')" '[93, 93, "A.5.1"]' "93 controls"
req GET "/api/v1/controls?theme=people" "$TOK_viewer"
equals "$(jget "$BODY" '[d["total"], sorted(set(c["theme"] for c in d["items"]))]')" '[8, ["People"]]' "theme filter"
req GET "/api/v1/controls?limit=10&offset=90" "$TOK_viewer"
equals "$(jget "$BODY" '[c["id"] for c in d["items"]]')" '["A.8.32", "A.8.33", "A.8.34"]' "paging"
req GET "/api/v1/controls?theme=Cosmic" "$TOK_viewer"
code_is 400 "unknown theme"
req GET "/api/v1/controls?theme=People'%20OR%20'1'='1" "$TOK_viewer"
code_is 400 "SQL metacharacters in the theme"
req GET "/api/v1/controls?limit=0" "$TOK_viewer"
code_is 400 "bad limit"
req GET /api/v1/controls/A.5.23 "$TOK_viewer"
code_is 200 "a control"
CTL=$BODY
expect_rc 0 isms control show A.5.23 --json
jsame "$CTL" "$OUT" "control as isms control show --json"
contains "$(jget "$CTL" 'd["evidence"]')" "|" "guidance lists"
req GET /api/v1/controls/a.9.4.2 "$TOK_viewer"
equals "$(jget "$BODY" 'd["id"]')" "A.8.5" "a 2013 id answers its 2022 control"
req GET /api/v1/controls/6.1.2 "$TOK_viewer"
equals "$(jget "$BODY" '[d["kind"], d["id"]]')" '["clause", "6.1.2"]' "a clause id answers the clause, as the CLI does"
req GET /api/v1/controls/A.99.1 "$TOK_viewer"
code_is 404 "unknown control"
expect_rc 2 isms control show A.99.1
contains "$ERR" "$(msg)" "the CLI's message for an unknown control"
req GET "/api/v1/controls/A.5.1'%20OR%201=1--" "$TOK_viewer"
code_is 404 "SQL metacharacters in a control id"
req GET /api/v1/clauses "$TOK_viewer"
equals "$(jget "$BODY" '[d["items"][0]["id"], d["total"] > 20, all(c["id"][0] in "456789" or c["id"].startswith("10") for c in d["items"])]')" \
    '["4.1", true, true]' "clauses 4-10"
req GET /api/v1/clauses/9.2 "$TOK_viewer"
code_is 200 "a clause"
expect_rc 0 isms control show 9.2 --json
jsame "$BODY" "$OUT" "clause as isms control show --json"
req GET /api/v1/clauses/11.1 "$TOK_viewer"
code_is 404 "unknown clause"

# --- crosswalks ---
xw() { req GET "/api/v1/crosswalk?$1" "$TOK_viewer"; }
xw "from=iso27001:2013&id=A.9.4.2"
code_is 200 "2013 to 2022"
equals "$(jget "$BODY" '[c["id"] for c in d["controls"]]')" '["A.8.5"]' "A.9.4.2 became A.8.5"
expect_rc 0 isms map --from iso27001:2013 A.9.4.2 --json
jsame "$BODY" "$OUT" "as isms map --json (2013)"
xw "from=soc2&id=cc6.1"
expect_rc 0 isms map --from soc2 cc6.1 --json
jsame "$BODY" "$OUT" "as isms map --json (SOC 2)"
xw "to=soc2&id=9.3.1"
expect_rc 0 isms map --to soc2 9.3.1 --json
jsame "$BODY" "$OUT" "as isms map --json (to SOC 2)"
xw "from=iso27001:2022&to=iso27001:2013&id=A.5.23"
equals "$(jget "$BODY" '[d["new_in_2022"], d["controls"]]')" '[true, []]' "A.5.23 is new in 2022"
xw "from=nist&id=CSF.1"
code_is 400 "unknown framework"
expect_rc 2 isms map --from nist CSF.1
contains "$ERR" "$(msg)" "the CLI's message for an unknown framework"
xw "from=iso27001:2013&to=soc2&id=A.9.4.2"
code_is 400 "no such crosswalk"
xw "from=iso27001:2013&id=A.9.4.9"
code_is 404 "unknown 2013 control"
expect_rc 2 isms map --from iso27001:2013 A.9.4.9
contains "$ERR" "$(msg)" "the CLI's message for an unknown 2013 control"
xw "from=soc2&id=CC5.1"
code_is 404 "a criterion the crosswalk leaves out"
contains "$(msg)" "not in the crosswalk" "left-out criterion explained"
xw "from=soc2"
code_is 400 "no id"
xw "from=soc2&id=CC6.1'%3B%20DROP%20TABLE%20cert--"
code_is 404 "SQL metacharacters in a crosswalk id"
req GET /api/v1/soc2-readiness "$TOK_auditor"
code_is 200 "SOC 2 readiness"
SOC=$BODY
expect_rc 0 isms map soc2-readiness --json
jsame "$SOC" "$OUT" "as isms map soc2-readiness --json"
equals "$(jget "$SOC" 'd["totals"]["criteria"] == len(d["criteria"]) > 30')" "true" "every criterion judged"

# --- the audit log ---
expect_rc 0 isms log --json
equals "$(jget "$OUT" 'sorted(set(e["entity"] for e in d if e["actor"] == "editor" and e["entity"] in ("cert", "milestone")))')" \
    '["cert", "milestone"]' "the changes are in the audit log under the editor's name"
req GET /api/v1/audit-log/verification "$TOK_auditor"
code_is 200 "the audit log's chain still verifies"

# --- pages ---
session editor; session viewer; session auditor
page editor /certification
code_is 200 "certification page"
contains "$BODY" "&lt;script&gt;alert(1)&lt;/script&gt; Certification Ltd" "the body is escaped"
not_contains "$BODY" "<script>alert(1)" "no script from stored text"
contains "$BODY" "IS 123456" "certificate number shown"
contains "$BODY" "2030-03-14" "expiry shown"
contains "$BODY" 'id="ms-stage2"' "roadmap rows"
contains "$BODY" "plan &lt;b&gt;early&lt;/b&gt;" "milestone note escaped"
contains "$BODY" 'href="/api/v1/calendar.ics"' "calendar link"
contains "$BODY" 'href="/api/v1/reports/package"' "package link"
contains "$BODY" 'href="/certification"' "nav has Certification"
contains "$BODY" 'href="/readiness"' "nav has Readiness"
form editor /certification stage1_date=2027-01-10 stage2_date=2026-12-01 body="Kept CB"
code_is 422 "refused certification form"
contains "$BODY" "cannot come before stage 1" "the CLI's reason shown"
contains "$BODY" 'value="2026-12-01"' "the typed date is kept"
contains "$BODY" 'value="Kept CB"' "the typed body is kept"
form editor /certification number="IS 999"
code_is 303 "certification form saved"
page editor /certification?saved=1
contains "$BODY" "IS 999" "saved number shown"
contains "$BODY" "&lt;script&gt;alert(1)" "blank fields kept their value"
form editor /certification/milestones key=management_review due_date=2027-05-31 note="Board <meeting>"
code_is 303 "milestone form saved"
req GET /api/v1/certification "$TOK_viewer"
equals "$(jget "$BODY" '[[m["due_date"], m["note"]] for m in d["roadmap"] if m["key"] == "management_review"][0]')" \
    '["2027-05-31", "Board <meeting>"]' "the milestone form's change is stored"
form editor /certification/milestones key=management_review due_date=31/05/2027
code_is 422 "refused milestone form"
contains "$BODY" "is not a date (YYYY-MM-DD)" "the CLI's reason for the date"
contains "$BODY" 'value="31/05/2027"' "the typed due date is kept"
form editor /certification/milestones key="launch<x>" due_date=2027-01-01
code_is 404 "unknown milestone in the form"
contains "$BODY" "no milestone &#39;launch&lt;x&gt;&#39;" "unknown milestone named, escaped"
CODE=$(curl -s -b "$T/jar.editor" -o "$T/body" -w '%{http_code}' --data-urlencode number=IS-csrf "$URL/certification")
code_is 403 "no CSRF token, no change"
CODE=$(curl -s -b "$T/jar.editor" -o "$T/body" -w '%{http_code}' --data-urlencode csrf=0000 \
    --data-urlencode key=soa --data-urlencode due_date=2027-01-01 "$URL/certification/milestones")
code_is 403 "a wrong CSRF token, no change"
req GET /api/v1/certification "$TOK_viewer"
equals "$(jget "$BODY" 'd["certification"]["number"]')" "IS 999" "CSRF refusals changed nothing"
form viewer /certification number=viewer
code_is 403 "a viewer cannot record the certification"
page viewer /certification
not_contains "$BODY" 'id="cert-form"' "no edit form for a viewer"
contains "$BODY" 'id="verify-form"' "a viewer may verify a package"
upload_page() { # ROLE FILE [CSRF]
    local tokvar="CSRF_$1"
    CODE=$(curl -s -b "$T/jar.$1" -o "$T/body" -w '%{http_code}' -F "csrf=${3-${!tokvar}}" -F "file=@$2" \
        "$URL/certification/package-verification"); BODY=$(cat "$T/body")
}
upload_page auditor "$T/pkg.zip"
code_is 200 "the auditor verifies a package in the browser"
contains "$BODY" "pkg.zip is intact" "intact shown"
upload_page auditor "$T/changed.zip"
code_is 200 "a changed package in the browser"
contains "$BODY" "changed.zip has been changed" "changed shown"
upload_page viewer "$T/added.zip"
code_is 200 "a package with a hostile file name in the browser"
contains "$BODY" "&lt;img src=x onerror=alert(1)&gt;.txt" "the added file is named, escaped"
not_contains "$BODY" "<img src=x" "no markup from the package"
cp "$T/notes.zip" "$T/<b>.zip"
upload_page auditor "$T/<b>.zip"
code_is 422 "not a package in the browser"
contains "$BODY" "&lt;b&gt;.zip is not a zip package" "the refusal named, escaped"
upload_page auditor "$T/pkg.zip" 0000
code_is 403 "verification form without the CSRF token"
page viewer /readiness
code_is 200 "readiness page"
contains "$BODY" "Not ready for Stage 1" "readiness summary"
equals "$(printf %s "$BODY" | grep -o '<tr class="\(ok\|blocker\)"' | wc -l)" "19" "nineteen requirements shown"
contains "$BODY" 'href="/objectives"' "blockers link to where they are fixed"
contains "$BODY" 'href="/controls#clause-9.2"' "requirements link to the guidance"
page viewer /controls
code_is 200 "catalog page"
equals "$(printf %s "$BODY" | grep -o 'href="/soa/A\.[0-9.]*"' | sort -u | wc -l)" "93" "93 controls linked"
contains "$BODY" 'id="clause-6.1.2"' "clauses with guidance"
page viewer "/controls?theme=<script>"
code_is 200 "catalog with an unknown theme"
contains "$BODY" "No theme '&lt;script&gt;'" "unknown theme named, escaped"
page viewer "/crosswalk?from=iso27001:2013&id=A.9.4.2"
code_is 200 "crosswalk page"
contains "$BODY" 'href="/soa/A.8.5"' "lookup answered"
contains "$BODY" 'id="soc2"' "SOC 2 readiness table"
page viewer "/crosswalk?from=soc2&id=%3Cimg%20src=x%3E"
code_is 404 "unknown criterion on the page"
contains "$BODY" "unknown SOC 2 criterion &#39;&lt;img src=x&gt;&#39;" "the CLI's message, escaped"
contains "$BODY" 'value="&lt;img src=x&gt;"' "the typed id is kept"
page viewer "/crosswalk?from=nist&id=x"
code_is 422 "unknown framework on the page"

kill -TERM $SERVER; wait $SERVER
CHECKS=$((CHECKS + 1))
grep -q -e AddressSanitizer -e "runtime error" -e LeakSanitizer "$T/serve.err" && fail "sanitizer report: $(cat "$T/serve.err")"
finish
