#!/bin/bash
# Gap analysis moves as the ISMS is built; the demo workspace; the audit log detects tampering.
. "$(dirname "$0")/lib.sh"
expect_rc 0 isms init --org "Acme"
expect_rc 1 isms gap --json
equals "$(jget "$OUT" 'd["controls_ready"]')" "0" "nothing ready"
equals "$(jget "$OUT" '[c["state"] for c in d["clauses"] if c["id"]=="4.3"][0]')" "gap" "scope missing"
equals "$(jget "$OUT" '[c["missing"] for c in d["controls"] if c["id"]=="A.5.1"][0]')" '["no applicability decision"]' "control gap"
expect_rc 0 isms org set --scope "All of Acme"
expect_rc 0 isms org scope add --kind system --name Production
expect_rc 1 isms gap --json
equals "$(jget "$OUT" '[c["state"] for c in d["clauses"] if c["id"]=="4.3"][0]')" "met" "scope met"
expect_rc 0 isms soa set A.5.1 --applicable yes --status planned --implementation "Draft policy" --owner CISO --reasons business
expect_rc 1 isms gap --json
equals "$(jget "$OUT" '[c["missing"] for c in d["controls"] if c["id"]=="A.5.1"][0][0]')" "applicable but not implemented (planned)" "not implemented"
expect_rc 0 isms soa set A.5.1 --status implemented
expect_rc 1 isms gap --json
equals "$(jget "$OUT" '[c["missing"] for c in d["controls"] if c["id"]=="A.5.1"][0]')" '["no evidence attached"]' "needs evidence"
printf 'policy\n' > "$T/policy.md"
expect_rc 0 isms evidence add "$T/policy.md" --controls A.5.1 --type policy --description "Approved policy" --collected 2020-01-01
expect_rc 1 isms gap --json
equals "$(jget "$OUT" '[c["evidence"] for c in d["controls"] if c["id"]=="A.5.1"][0]')" "stale" "old evidence is stale"
expect_rc 0 isms evidence add "$T/policy.md" --controls A.5.1 --type policy --description "Approved policy, reviewed"
expect_rc 0 isms soa set A.7.4 --applicable no --justification "No premises: every employee works from home and servers are in AWS."
expect_rc 1 isms gap --json
equals "$(jget "$OUT" 'd["controls_ready"]')" "2" "two ready"
equals "$(jget "$OUT" '[t["readiness"] for t in d["themes"] if t["theme"]=="Physical"][0]')" "7.1" "physical 1 of 14"
equals "$(jget "$OUT" 'd["readiness"]')" "2.2" "overall 2 of 93"
expect_rc 1 isms gap
contains "$OUT" "Readiness: 2.2%" "text readiness"
contains "$OUT" "Physical" "themes listed"

# The demo workspace: a realistic company part-way through.
expect_rc 0 isms --db "$T/demo.db" demo
expect_rc 1 isms --db "$T/demo.db" gap --json
equals "$(jget "$OUT" 'd["organization"]')" "Brightline Analytics Ltd" "demo org"
equals "$(jget "$OUT" '0 < d["controls_ready"] < 93')" "true" "demo part-way"
expect_rc 0 isms --db "$T/demo.db" risk list --json
equals "$(jget "$OUT" 'len(d) >= 15')" "true" "demo risks"
expect_rc 0 isms --db "$T/demo.db" asset list --json
equals "$(jget "$OUT" 'len(d) >= 20')" "true" "demo assets"
expect_rc 2 isms --db "$T/demo.db" demo

# Tampering with the audit log is detected: an edit (bypassing the trigger) and a deletion.
expect_rc 0 isms log verify
cp "$ISMS_DB" "$T/edit.db"
python3 - "$T/edit.db" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.execute("drop trigger audit_log_no_update")
c.execute("update audit_log set actor='mallory' where seq=2")
c.commit()
PY
expect_rc 1 isms --db "$T/edit.db" log verify
contains "$OUT" "entry 2 was edited" "edit detected"
cp "$ISMS_DB" "$T/del.db"
python3 - "$T/del.db" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.execute("drop trigger audit_log_no_delete")
c.execute("delete from audit_log where seq=3")
c.commit()
PY
expect_rc 1 isms --db "$T/del.db" log verify --json
equals "$(jget "$OUT" 'd["first_bad_entry"]')" "3" "deletion detected"
python3 - "$ISMS_DB" <<'PY' 2>"$T/trig.err"
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.execute("update audit_log set actor='mallory' where seq=1")
PY
contains "$(cat "$T/trig.err")" "append-only" "the log refuses updates"

# A locked workspace: a writer waits, then fails with a clear message and changes nothing.
python3 - "$ISMS_DB" <<'PY' &
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("begin exclusive")
time.sleep(6)
c.execute("rollback")
PY
sleep 1
expect_rc 2 isms asset add --name Locked --type software --owner IT --classification internal
contains "$ERR" "locked" "locked workspace reported"
wait
expect_rc 0 isms asset list --json
equals "$(jget "$OUT" 'len(d)')" "0" "nothing written while locked"

# A read-only workspace refuses writes clearly and still reads.
cp "$ISMS_DB" "$T/ro.db"; rm -f "$T/ro.db-wal" "$T/ro.db-shm"
chmod 0444 "$T/ro.db"
if [ "$(id -u)" != 0 ]; then
    expect_rc 2 isms --db "$T/ro.db" asset add --name RO --type software --owner IT --classification internal
    contains "$ERR" "read-only" "read-only workspace reported"
fi
finish
