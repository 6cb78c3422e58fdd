#!/bin/bash
# isms policy: the template library, generation from the profile, versions, approval as evidence,
# acknowledgments and their status, and exports to Markdown, HTML and PDF.
. "$(dirname "$0")/lib.sh"

export ISMS_TODAY=2026-01-31
expect_rc 0 isms init --org 'Acme & <Sons>' --scope 'The SaaS platform and its support'

# The library: at least 14 templates, each with its controls.
expect_rc 0 isms policy templates --json
equals "$(jget "$OUT" 'len(d) >= 14')" "true" "at least 14 templates"
equals "$(jget "$OUT" 'all(x["controls"].startswith("A.") for x in d)')" "true" "every template names controls"
expect_rc 0 isms policy templates
contains "$OUT" "access-control" "templates table"
contains "$OUT" "A.8.24" "templates show controls"

# The profile: bad values are refused with the field named, good ones shown back.
expect_rc 2 isms policy profile set --tools aws,floppy
contains "$ERR" "'floppy' is not a known tool" "bad tool named"
expect_rc 2 isms policy profile set --work-model moon
contains "$ERR" "work-model" "bad work model named"
expect_rc 2 isms policy profile set --review-months 99
contains "$ERR" "--review-months" "cadence out of range"
expect_rc 2 isms policy profile set
expect_rc 0 isms policy profile set --security-lead 'Dana Lee' --approver 'The Board' --review-months 1 \
    --tools slack,aws,github,aws --work-model remote
contains "$OUT" "aws,github,slack" "tools normalized"
expect_rc 0 isms policy profile --json
equals "$(jget "$OUT" 'd["review_months"]')" "1" "cadence saved"
equals "$(jget "$OUT" 'd["work_model"]')" "remote" "work model saved"

# Generation: bad names, then every template as a draft filled from the org and the profile.
expect_rc 2 isms policy generate no-such-policy
contains "$ERR" "no policy template 'no-such-policy'" "bad template named"
contains "$ERR" "access-control" "available templates listed"
expect_rc 2 isms policy generate
expect_rc 2 isms policy generate access-control --all
expect_rc 0 isms policy generate --all
contains "$OUT" "14 draft(s) generated" "all drafts generated"
expect_rc 0 isms policy list --json
equals "$(jget "$OUT" 'len(d) >= 14 and all(x["status"] == "draft" and x["version"] == 1 for x in d)')" "true" \
    "14+ drafts at version 1"
for name in $(jget "$OUT" '" ".join(x["name"] for x in d)'); do
    expect_rc 0 isms policy show "$name" --json
    body=$(jget "$OUT" 'd["body"]')
    contains "$body" 'Acme & \<Sons\>' "$name filled with the org name"
    not_contains "$body" "{{" "$name has no template tags left"
done
expect_rc 0 isms policy show access-control
contains "$OUT" "(Dana Lee)" "security lead filled in"
contains "$OUT" "Two-factor authentication is required for every member of the GitHub organization" "github section"
not_contains "$OUT" "Google Workspace" "no section for a tool not in use"
expect_rc 0 isms policy show physical-security
contains "$OUT" "works remotely and has no offices" "remote working model chosen"
expect_rc 0 isms policy generate access-control
contains "$OUT" "exists" "existing policy left alone"

# Approval: next review after the cadence (clamped to the month's end), evidence for the controls.
expect_rc 2 isms policy approve access-control
expect_rc 2 isms policy approve nope --by 'The Board'
contains "$ERR" "no policy 'nope'" "unknown policy named"
expect_rc 0 isms policy approve access-control --by 'The Board'
expect_rc 0 isms policy show access-control --json
equals "$(jget "$OUT" 'd["status"]')" "approved" "approved"
equals "$(jget "$OUT" 'd["approved_by"]')" "The Board" "approved by"
equals "$(jget "$OUT" 'd["approved_at"]')" "2026-01-31" "approved at"
equals "$(jget "$OUT" 'd["next_review"]')" "2026-02-28" "next review = approval + 1 month, clamped"
expect_rc 2 isms policy approve access-control --by 'The Board'
contains "$ERR" "already approved" "second approval refused"
expect_rc 0 isms evidence list --control A.5.15 --json
equals "$(jget "$OUT" 'any(x["type"] == "policy" and "access-control" in x["filename"] and x["valid_until"] == "2026-02-28" for x in d)')" \
    "true" "approved policy is evidence for A.5.15 until the review"
expect_rc 0 isms evidence list --control A.8.5
contains "$OUT" "access-control-v1.md" "evidence for every control of the policy"
expect_rc 1 isms gap --json
equals "$(jget "$OUT" '[x["evidence"] for x in d["controls"] if x["id"] == "A.5.15"][0]')" "passing" \
    "gap analysis counts the policy as evidence"
equals "$(jget "$OUT" '[x["evidence"] for x in d["controls"] if x["id"] == "A.5.7"][0]')" "no_evidence" \
    "controls without a policy still lack evidence"

# Editing: bad files refused; editing an approved policy starts draft v2, the approved v1 stays.
expect_rc 2 isms policy edit access-control --file "$T/missing.md"
contains "$ERR" "missing.md" "missing file named"
printf 'a\0b' >"$T/nul.md"
expect_rc 2 isms policy edit access-control --file "$T/nul.md"
contains "$ERR" "NUL" "binary file refused"
printf '# Title\n\xff\xfe\n' >"$T/latin.md"
expect_rc 2 isms policy edit access-control --file "$T/latin.md"
contains "$ERR" "not valid UTF-8 (line 2)" "invalid UTF-8 refused with its line"
printf '  \n\n' >"$T/empty.md"
expect_rc 2 isms policy edit access-control --file "$T/empty.md"
contains "$ERR" "empty" "empty text refused"
head -c 1100000 /dev/zero | tr '\0' 'a' >"$T/huge.md"
expect_rc 2 isms policy edit access-control --file "$T/huge.md"
contains "$ERR" "limit" "huge file refused"
expect_rc 2 isms policy edit access-control
cat >"$T/v2.md" <<'MD'
# Access Control Policy

**Organization:** Acme

## 1. Purpose

Only *authorized* people get access. <script>alert(1)</script> & more.

- MFA everywhere
- Quarterly reviews

| Role | Duty |
|---|---|
| Owner | Approves <access> |
MD
expect_rc 0 isms policy edit access-control --file "$T/v2.md"
contains "$OUT" "draft version 2" "edit after approval starts v2"
expect_rc 0 isms policy show access-control --json
equals "$(jget "$OUT" '[d["version"], d["status"], d["approved_version"]]')" '[2, "draft", 1]' "v2 draft, v1 in force"
expect_rc 0 isms policy edit access-control --file "$T/v2.md"
contains "$OUT" "draft version 2" "editing a draft keeps its version"
expect_rc 0 isms policy show access-control --version 1 --json
equals "$(jget "$OUT" 'd["status"]')" "approved" "v1 still approved"
expect_rc 2 isms policy show access-control --version 9
contains "$ERR" "no version 9" "missing version named"
expect_rc 2 isms policy show access-control --version x

# Acknowledgments: only of an approved version; status lists who is missing and exits 1.
expect_rc 2 isms policy ack backup --person 'Dana Lee'
contains "$ERR" "no approved version" "ack of a draft-only policy refused"
expect_rc 2 isms policy ack access-control
expect_rc 0 isms policy ack access-control --person 'Dana Lee'
expect_rc 0 isms policy ack access-control --person 'Dana Lee'
contains "$OUT" "already acknowledged" "second ack is a no-op"
printf 'Dana Lee\n# contractors below\n  Sam Roe  \n\n' >"$T/staff.txt"
expect_rc 1 isms policy status access-control --staff "$T/staff.txt"
contains "$OUT" "missing: Sam Roe" "missing person listed"
not_contains "$OUT" "missing: Dana Lee" "acknowledged person not listed"
expect_rc 1 isms policy status --staff "$T/staff.txt" --json
equals "$(jget "$OUT" '[x["missing"] for x in d["policies"] if x["name"] == "access-control"][0]')" '["Sam Roe"]' \
    "status json lists the missing"
expect_rc 2 isms policy status --staff "$T/nope.txt"
expect_rc 0 isms policy ack access-control --person 'Sam Roe'
expect_rc 0 isms policy status access-control --staff "$T/staff.txt"
contains "$OUT" "acknowledged 2 of 2" "everyone acknowledged"
# Without --staff the workspace's users are expected.
echo 'a-long-password-123' | isms user add --name kim.park --role viewer >/dev/null 2>&1
expect_rc 1 isms policy status access-control
contains "$OUT" "missing: kim.park" "users are the default staff"
# A review past its date is overdue.
ISMS_TODAY=2026-03-01 expect_rc 1 isms policy status access-control --staff "$T/staff.txt"
contains "$OUT" "OVERDUE" "overdue review flagged"

# Approving v2 supersedes v1; acknowledgments start again for the new version.
expect_rc 0 isms policy approve access-control --by 'The Board'
expect_rc 0 isms policy show access-control --version 1 --json
equals "$(jget "$OUT" 'd["status"]')" "superseded" "v1 superseded"
expect_rc 1 isms policy status access-control --staff "$T/staff.txt"
contains "$OUT" "acknowledged 0 of 2" "new version needs new acknowledgments"

# Exports.
expect_rc 0 isms policy export access-control --format md -o "$T/ac.md"
equals "$(cat "$T/ac.md")" "$(cat "$T/v2.md")" "Markdown export is the stored text"
expect_rc 0 isms policy export access-control --format html -o "$T/ac.html"
html=$(cat "$T/ac.html")
contains "$html" "Acme &amp; &lt;Sons&gt;" "org escaped in HTML"
contains "$html" "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" "body text escaped"
not_contains "$html" "<script>" "no live script"
contains "$html" "<em>authorized</em>" "emphasis rendered"
contains "$html" "<li>MFA everywhere</li>" "bullets rendered"
contains "$html" "<td>Approves &lt;access&gt;</td>" "table rendered and escaped"
contains "$html" "@media print" "print stylesheet"
contains "$html" "<th>Next review</th><td>2026-02-28</td>" "document control block"
expect_rc 0 isms policy export information-security --format pdf -o "$T/is.pdf"
pages=$(pdfinfo "$T/is.pdf" | awk '/^Pages:/ {print $2}')
CHECKS=$((CHECKS + 1)); [ "${pages:-0}" -ge 2 ] || fail "information security policy PDF has $pages pages"
text=$(pdftotext -layout "$T/is.pdf" -)
contains "$text" "Information Security Policy" "PDF title"
contains "$text" "Acme & <Sons>" "PDF org name, unescaped"
contains "$text" "Document control" "PDF control block"
contains "$text" "Next review" "PDF next review row"
contains "$text" "page 1 of $pages" "PDF page footer"
expect_rc 0 pdftoppm -png -r 30 -f 1 -l 1 "$T/is.pdf" "$T/is"
CHECKS=$((CHECKS + 1)); [ -s "$T/is-1.png" ] || [ -s "$T/is-01.png" ] || fail "PDF first page did not render"
expect_rc 0 isms policy export access-control --version 1 --format pdf -o "$T/ac1.pdf"
contains "$(pdftotext "$T/ac1.pdf" -)" "superseded" "old version exported with its status"
# The PDF follows the Markdown's structure: numbered and nested lists, tables, links with their address.
cat > "$T/struct.md" <<'MD'
# Remote Working Policy

1. Use the VPN.
   - Always on laptops
2. Lock the screen.

| Role | Duty |
|------|------|
| CISO | Approves <access> |

See [the handbook](https://example.com/handbook) for ~~old~~ details.
MD
expect_rc 0 isms policy generate acceptable-use
expect_rc 0 isms policy edit acceptable-use --file "$T/struct.md"
expect_rc 0 isms policy export acceptable-use --format pdf -o "$T/st.pdf"
text=$(pdftotext -layout "$T/st.pdf" -)
contains "$text" "1. Use the VPN." "PDF numbered item"
contains "$text" "   • Always on laptops" "PDF nested bullet indented under its item, one marker"
contains "$text" "2. Lock the screen." "PDF numbering continues after the nested list"
not_contains "$text" "| Role" "PDF table drawn, not its pipes"
contains "$text" "Approves <access>" "PDF table cell"
contains "$text" "the handbook (https://example.com/handbook)" "PDF link keeps its address"
not_contains "$text" "~~" "PDF strikethrough marks removed"
expect_rc 2 isms policy export access-control --format docx -o "$T/x.docx"
expect_rc 2 isms policy export access-control --format pdf
expect_rc 2 isms policy export access-control --format pdf -o "$T/no/such/dir/x.pdf"
contains "$ERR" "does not exist" "missing directory named"
CHECKS=$((CHECKS + 1)); [ -z "$(ls "$T" | grep '\.tmp\.')" ] || fail "temp files left behind"

# Every write is in the audit log, and the chain holds.
expect_rc 0 isms log --json
equals "$(jget "$OUT" 'sorted(set(x["action"] for x in d if x["entity"] == "policy"))')" \
    '["acknowledge", "approve", "create", "supersede", "update"]' "policy writes audited"
equals "$(jget "$OUT" 'any(x["entity"] == "policy_profile" for x in d)')" "true" "profile change audited"
expect_rc 0 isms log verify

finish
