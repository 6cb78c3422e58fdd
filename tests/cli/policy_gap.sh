# isms policy gap: real organizations' policies (Markdown, DOCX, PDF) checked for what they are known
# to say and to leave out, hostile files in the same batch, the JSON structure and the exit codes.
. "$(dirname "$0")/lib.sh"
R="$FIXTURES/policies-real"

# --- one real access control policy (JupiterOne template) ---
expect_rc 1 isms policy gap "$R/jupiterone__access_control.md" --json
J=$OUT
req() { jget "$J" "[r for r in d['requirements'] if r['id']=='$1'][0]$2"; }
equals "$(jget "$J" 'd["files"][0]["format"]')" markdown "format"
equals "$(jget "$J" 'd["files"][0]["topics"]')" '["access"]' "recognized as an access control policy"
equals "$(req ACC-06 '["status"]')" covered "periodic access review is stated"
contains "$(req ACC-06 '["evidence"]["sentence"]')" "Access must be reviewed on a regular basis" "with its sentence"
contains "$(req ACC-06 '["evidence"]["location"]')" 'section "Access Authorization and Termination", line 62' "and where it stands"
equals "$(req ACC-05 '["status"]')" covered "revocation on termination"
contains "$(req ACC-05 '["evidence"]["sentence"]')" "Upon termination of employment, all system access must be revoked" "revocation sentence"
equals "$(req ACC-14 '["status"]')" missing "nothing on failed login attempts"
equals "$(req ACC-14 '["evidence"]')" null "no evidence for a missing requirement"
equals "$(jget "$J" 'sorted(d["files"][0]["weaknesses"])')" '["no_owner", "no_scope", "no_version"]' "document control weaknesses"
equals "$(jget "$J" 'sorted(d["requirements"][0].keys())')" '["control", "evidence", "id", "status", "text", "topic"]' "requirement keys"
equals "$(jget "$J" 'sorted(d["files"][0].keys())')" '["error", "file", "format", "pages", "title", "topics", "weaknesses", "words"]' "file keys"
equals "$(jget "$J" '[c["status"] for c in d["controls"] if c["control"]=="A.8.18"][0]')" missing "per control: A.8.18"
equals "$(jget "$J" '[c["status"] for c in d["controls"] if c["control"]=="A.5.18"][0]')" covered "per control: A.5.18"

# --- PDF (pages from form feeds) and DOCX (styles, core properties) ---
expect_rc 1 isms policy gap "$R/strongdm__log_management.pdf" "$R/strongdm__remote_access.docx" --json
J=$OUT
equals "$(jget "$J" '[d["files"][0]["format"], d["files"][0]["pages"], d["files"][0]["title"]]')" \
    '["pdf", 2, "Log Management Policy"]' "PDF read with its page count and title"
equals "$(jget "$J" '[d["files"][1]["format"], d["files"][1]["title"], d["files"][1]["topics"]]')" \
    '["docx", "Remote Access Policy", ["remote"]]' "DOCX read with its core title"
contains "$(req LOG-07 '["evidence"]["sentence"]')" "synchronize their clocks" "clock synchronisation in the PDF"
contains "$(req LOG-07 '["evidence"]["location"]')" "page 2" "on page 2"
equals "$(req LOG-04 '["status"]')" missing "the log policy sets no retention period"
contains "$(req REM-02 '["evidence"]["sentence"]')" "VPN connection with multi-factor authentication" "VPN rule in the DOCX"
contains "$(req REM-02 '["evidence"]["location"]')" 'section "Policy"' "DOCX heading styles give sections"

# --- a whole folder of real policies ---
expect_rc 1 isms policy gap "$R"/*.md "$R"/*.pdf "$R"/*.docx
contains "$OUT" "Backup: 4 of 6 requirements covered" "backup, across the documents"
contains "$OUT" "MISSING  A.8.13  BAK-06  Backup failures are monitored" "nobody watches for failed backups"
contains "$OUT" "MISSING  A.8.13  BAK-03  Backup retention is defined" "no document sets backup retention"
contains "$OUT" "The restoration testing plan and frequency of testing" "restore tests come from the continuity policy"
expect_rc 1 isms policy gap "$R/lullabot__backup.md"
contains "$OUT" "MISSING  A.8.13  BAK-04  Restores are tested" "Lullabot's backup policy alone never asks for restore tests"
contains "$OUT" "Summary:" "summary line"

# --- bad files in the same batch: each named, the rest still analysed ---
: > "$T/empty.md"
printf 'This is plain text, not a PDF.\n' > "$T/fake.pdf"
head -c 2000 "$R/strongdm__remote_access.docx" > "$T/truncated.docx"
printf 'Backup policy\n\nBackups are taken daily \xff\xfe of every server.\n' > "$T/latin1.txt"
printf 'PK\003\004garbage that is no zip at all' > "$T/corrupt.docx"
head -c 4096 /dev/urandom > "$T/noise.bin"
expect_rc 1 isms policy gap "$T/empty.md" "$T/fake.pdf" "$T/truncated.docx" "$T/latin1.txt" "$T/corrupt.docx" \
    "$T/noise.bin" "$T/missing.md" "$R/lullabot__backup.md" --json
J=$OUT
equals "$(jget "$J" 'd["summary"]["read"]')" 1 "only the real policy is read"
equals "$(jget "$J" 'd["summary"]["failed"]')" 7 "seven files refused"
equals "$(jget "$J" 'd["files"][0]["error"]')" "is empty" "empty file"
equals "$(jget "$J" 'd["files"][1]["error"]')" "is named .pdf but its content is text" "fake PDF"
contains "$(jget "$J" 'd["files"][2]["error"]')" "corrupt or truncated" "truncated DOCX"
contains "$(jget "$J" 'd["files"][3]["error"]')" "not valid UTF-8 text (byte 39)" "non-UTF-8 text"
contains "$(jget "$J" 'd["files"][4]["error"]')" "corrupt or truncated" "corrupt zip"
contains "$(jget "$J" 'd["files"][6]["error"]')" "cannot be opened" "missing file"
equals "$(jget "$J" 'd["files"][7]["topics"]')" '["backup"]' "the good file is still analysed"
contains "$ERR" "fake.pdf: is named .pdf but its content is text" "stderr names file and problem"

# --- a 755-byte DOCX whose style has 300 names: it overflowed a stack array (SIGBUS/SIGSEGV) ---
H="$FIXTURES/policies-hostile"
expect_rc 1 isms policy gap "$H/style-names.docx" --json
equals "$(jget "$OUT" '[d["files"][0]["format"], d["files"][0]["title"], d["files"][0]["error"]]')" \
    '["docx", "Backup Policy", null]' "read, its style's first name making the title"
expect_rc 1 isms policy gap "$H/style-names.docx" "$R/lullabot__backup.md"
contains "$OUT" "Summary:" "read beside a real policy"

# --- HTML and plain text, told apart by content whatever their names ---
cat > "$T/clear-desk.txt" <<'DOC'
Clear Desk Policy

Scope
This policy applies to all offices.
Staff keep desks clear of papers
at the end of each day.
DOC
printf '<!DOCTYPE html><html><head><title>Crypto</title><script>var aes = 1;</script></head><body>\n<h1>Cryptography Policy</h1><h2>Rules</h2><ul><li>Data at rest is encrypted with AES-256.</li></ul></body></html>\n' > "$T/crypto.page"
expect_rc 1 isms policy gap "$T/clear-desk.txt" "$T/crypto.page" --json
J=$OUT
equals "$(jget "$J" '[f["format"] for f in d["files"]]')" '["text", "html"]' "formats by content"
equals "$(jget "$J" '[f["topics"] for f in d["files"]]')" '[["physical"], ["crypto"]]' "topics from the titles"
equals "$(req PHY-07 '["evidence"]["location"]')" 'section "Scope", line 4' "the first line of its paragraph"
equals "$(req CRY-04 '["evidence"]["sentence"]')" "Data at rest is encrypted with AES-256." "HTML list item"
equals "$(req CRY-04 '["evidence"]["location"]')" 'section "Rules", paragraph 3' "HTML location"

# --- exit codes and usage ---
expect_rc 2 isms policy gap "$T/empty.md" "$T/fake.pdf"
contains "$ERR" "none of the 2 files could be read" "nothing readable"
expect_rc 2 isms policy gap
expect_rc 2 isms policy gap "$R/lullabot__backup.md" --topic nonsense
contains "$ERR" "unknown topic 'nonsense'" "bad topic named"
expect_rc 0 isms policy gap --help
contains "$OUT" "Exit codes: 0" "help documents the exit codes"
expect_rc 1 isms policy gap "$R/lullabot__backup.md" --topic backup,crypto --json
equals "$(jget "$OUT" '[t["id"] for t in d["topics"]]')" '["crypto", "backup"]' "--topic chooses the topics"

# a document that covers everything of its topic and names owner, review, approval, scope, version
cat > "$T/backup-policy.md" <<'DOC'
# Backup Policy

Version 1.2. Owner: Head of IT. Approved by the CEO on 2026-01-10. This policy is reviewed annually.

## Scope

This policy applies to all production systems and company laptops.

## Policy

All production databases must be backed up daily. Backups are retained for 35 days.
Restores are tested every quarter by restoring a database into a staging environment.
Backups must be encrypted and stored in a separate cloud region.
The backup system sends an alert to the on-call engineer when a backup job fails.
DOC
expect_rc 0 isms policy gap "$T/backup-policy.md"
contains "$OUT" "Backup: 6 of 6 requirements covered" "a complete backup policy"
contains "$OUT" "0 documents with weaknesses" "and no document weakness"
finish
