#!/bin/bash
# Evidence store: content-addressed files, freshness windows, integrity verification, control status.
. "$(dirname "$0")/lib.sh"
expect_rc 0 isms init --org "Acme"
printf 'user,role,reviewed\nalice,admin,yes\n' > "$T/access-review-q3.csv"

expect_rc 0 isms evidence add "$T/access-review-q3.csv" --controls A.5.15,8.2 --type access_review \
    --description "Q3 access review of AWS and Okta" --collected 2026-09-30
equals "$OUT" "1" "evidence id"
sha=$(sha256sum "$T/access-review-q3.csv" | cut -d' ' -f1)
[ -f "$ISMS_DB.evidence/${sha:0:2}/$sha" ] || fail "file stored under its SHA-256"
CHECKS=$((CHECKS + 1))
ISMS_TODAY=2026-10-15 expect_rc 0 isms evidence show 1 --json
equals "$(jget "$OUT" 'd["sha256"]')" "$sha" "hash recorded"
equals "$(jget "$OUT" 'd["controls"]')" '["A.5.15", "A.8.2"]' "controls normalized"
equals "$(jget "$OUT" 'd["valid_until"]')" "2026-12-31" "access review fresh for a quarter"
equals "$(jget "$OUT" 'd["freshness"]')" "fresh" "fresh"
ISMS_TODAY=2027-01-05 expect_rc 0 isms evidence list --json
equals "$(jget "$OUT" 'd[0]["freshness"]')" "stale" "stale after its window"
expect_rc 0 isms evidence list --control A.8.2 --json
equals "$(jget "$OUT" 'len(d)')" "1" "filter by control"
expect_rc 0 isms evidence list --control A.5.1 --json
equals "$(jget "$OUT" 'len(d)')" "0" "filter excludes others"

# Same content twice is stored once.
cp "$T/access-review-q3.csv" "$T/copy.csv"
expect_rc 0 isms evidence add "$T/copy.csv" --controls A.5.18 --description "Copy" --valid-until 2030-01-01
equals "$(find "$ISMS_DB.evidence" -type f | wc -l)" "1" "deduplicated"

# Bad input leaves nothing behind.
expect_rc 2 isms evidence add "$T/missing.pdf" --controls A.5.15 --description "x"
contains "$ERR" "missing.pdf" "missing file named"
expect_rc 2 isms evidence add "$T/copy.csv" --controls A.5.99 --description "x"
contains "$ERR" "A.5.99" "bad control named"
expect_rc 2 isms evidence add "$T/copy.csv" --controls A.5.15
contains "$ERR" "description" "description required"
contains "$ERR" "isms: --description: a description is required" "the option named"
expect_rc 2 isms evidence add "$T/copy.csv" --controls A.5.15 --description x --type selfie
contains "$ERR" "selfie" "bad type named"
contains "$ERR" "isms: --type: unknown evidence type 'selfie' (see \`isms evidence types\`)" \
    "the option named, and where the types are listed"
expect_rc 2 isms evidence add "$T/copy.csv" --controls A.5.15 --description x --valid-until 2026-13-01
contains "$ERR" "isms: --valid-until: " "a bad expiry date named by its option"
expect_rc 2 isms evidence add "$T/copy.csv" --controls A.5.15 --description x --collected 2026-02-31
expect_rc 2 isms evidence add "$T" --controls A.5.15 --description x
contains "$ERR" "not a regular file" "directory refused"
expect_rc 0 isms evidence list --json
equals "$(jget "$OUT" 'len(d)')" "2" "refused adds recorded nothing"
expect_rc 2 isms evidence show 99
expect_rc 0 isms evidence types
contains "$OUT" "backup_test" "types listed"

# Integrity: verify passes, then detects a changed and a missing file.
expect_rc 0 isms evidence verify
contains "$OUT" "2 evidence file(s) verified, 0" "verify ok"
f="$ISMS_DB.evidence/${sha:0:2}/$sha"
chmod u+w "$f"; printf 'x' >> "$f"
expect_rc 1 isms evidence verify --json
equals "$(jget "$OUT" 'd["files"][0]["state"]')" "tampered" "tampering detected"
rm -f "$f"
expect_rc 1 isms evidence verify
contains "$OUT" "missing" "missing file detected"

# Control status in the gap analysis comes from evidence.
ISMS_TODAY=2026-10-15 expect_rc 1 isms gap --json
equals "$(jget "$OUT" '[c["evidence"] for c in d["controls"] if c["id"]=="A.5.15"][0]')" "passing" "fresh evidence passes"
equals "$(jget "$OUT" '[c["evidence"] for c in d["controls"] if c["id"]=="A.5.1"][0]')" "no_evidence" "no evidence"
expect_rc 0 isms soa set A.5.15 --applicable no --justification "We hold no information at all and have no systems to control access to."
ISMS_TODAY=2026-10-15 expect_rc 1 isms gap --json
equals "$(jget "$OUT" '[c["evidence"] for c in d["controls"] if c["id"]=="A.5.15"][0]')" "not_applicable" "excluded control"
ISMS_TODAY=2027-06-01 expect_rc 1 isms gap --json
equals "$(jget "$OUT" '[c["evidence"] for c in d["controls"] if c["id"]=="A.8.2"][0]')" "stale" "expired evidence is stale"
expect_rc 0 isms log --json
equals "$(jget "$OUT" 'len([e for e in d if e["entity"]=="evidence"])')" "2" "evidence adds logged"
finish
