# The audit log's anchor: signed checkpoints beside the workspace catch what the hash chain alone
# cannot (deleting the newest entries, rewriting an entry and recomputing every hash), and an
# auditor checks a package offline with the public key alone.
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3

add() { expect_rc 0 isms asset add --name "$1" --type software --owner IT --classification internal; }
entries() { $PY -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("select count(*) from audit_log").fetchone()[0])' "$1"; }
# clone NAME: a copy of the workspace with its key and checkpoint, as $T/NAME.db
clone() {
    for s in "" .key .checkpoint; do [ -e "$ISMS_DB$s" ] && cp -p "$ISMS_DB$s" "$T/$1.db$s"; done
    rm -f "$T/$1.db-wal" "$T/$1.db-shm"
}
# cut DB N: delete the newest N entries behind isms's back (dropping the trigger that forbids it)
cut() {
    $PY - "$1" "$2" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.execute("drop trigger audit_log_no_delete")
c.execute("delete from audit_log where seq > (select max(seq) from audit_log) - ?", (int(sys.argv[2]),))
c.commit()
PY
}
# rewrite DB SEQ: change entry SEQ's actor and recompute every hash after it, as src/store/ws.c does
rewrite() {
    $PY - "$1" "$2" <<'PY'
import hashlib, sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.execute("drop trigger audit_log_no_update")
c.execute("update audit_log set actor = 'mallory' where seq = ?", (int(sys.argv[2]),))
def h(prev, row):
    d = hashlib.sha256()
    for p in [prev, str(row[0])] + list(row[1:]):
        b = (p if p is not None else "").encode()
        d.update(("%d%s:" % (len(b), "s" if p is not None else "n")).encode() + b)
    return d.hexdigest()
prev = "0" * 64
for row in c.execute("select seq, at, actor, action, entity, entity_id, before, after from audit_log order by seq").fetchall():
    new = h(prev, row)
    c.execute("update audit_log set prev_hash = ?, hash = ? where seq = ?", (prev, new, row[0]))
    prev = new
c.commit()
PY
}

expect_rc 0 isms init --org "Anchor Ltd"
for i in 1 2 3 4 5 6 7 8; do add "Asset $i"; done
N=$(entries "$ISMS_DB")

# The key: beside the workspace, mode 0600, never in the database; the checkpoint beside it.
equals "$(stat -c %a "$ISMS_DB.key")" "600" "the signing key is private"
CHECKS=$((CHECKS + 1)); [ -s "$ISMS_DB.checkpoint" ] || fail "a checkpoint beside the workspace"
SECRET=$(sed -n 's/^secret //p' "$ISMS_DB.key")
not_contains "$($PY -c 'import sqlite3,sys; print(list(sqlite3.connect(sys.argv[1]).iterdump()))' "$ISMS_DB")" \
    "${SECRET:0:32}" "the secret key is not in the database"
expect_rc 0 isms log key
PUB=$OUT
equals "${#PUB}" "64" "the public key is 64 hex digits"
expect_rc 0 isms log verify --json
equals "$(jget "$OUT" '[d["intact"], d["anchored"], d["checkpoint"]["count"], d["entries"], d["public_key"]]')" \
    "[true, true, $N, $N, \"$PUB\"]" "intact and the checkpoint covers every entry"
expect_rc 0 isms log verify
contains "$OUT" "checkpoint: entry $N" "the checkpoint is shown"
contains "$OUT" "$PUB" "the public key is shown"

# An independent check of the checkpoint's signature, as README tells an auditor to do it.
CK=$(head -c 4096 "$ISMS_DB.checkpoint" | head -1)
equals "$($PY - "$CK" "$PUB" <<'PY'
import json, sys
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
c = json.loads(sys.argv[1])
msg = "isms-checkpoint/1\nworkspace %s\ncount %d\nhead %s\nat %s\n" % (c["workspace"], c["count"], c["head"], c["at"])
Ed25519PublicKey.from_public_bytes(bytes.fromhex(sys.argv[2])).verify(bytes.fromhex(c["signature"]), msg.encode())
print("valid")
PY
)" "valid" "the checkpoint's signature verifies with Python's cryptography"

# Deleting the newest entry, or the newest five, is reported (the chain alone cannot see it).
clone last1; cut "$T/last1.db" 1
expect_rc 1 isms --db "$T/last1.db" log verify --json
equals "$(jget "$OUT" 'd["first_bad_entry"]')" "$N" "the deleted newest entry is named"
contains "$(jget "$OUT" 'd["problem"]')" "entries $N to $N were deleted" "truncation by one reported"
clone last5; cut "$T/last5.db" 5
expect_rc 1 isms --db "$T/last5.db" log verify
contains "$OUT" "entries $((N - 4)) to $N were deleted" "truncation by five reported"
# A change on top of a cut log is refused, not signed over it (which would hide the cut).
expect_rc 2 isms --db "$T/last5.db" asset add --name Later --type software --owner IT --classification internal
contains "$ERR" "not saved" "no change on a cut log"
equals "$(entries "$T/last5.db")" "$((N - 5))" "nothing was written"

# Rewriting an entry and recomputing the whole chain: the chain is consistent, the checkpoint is not.
clone rewrite; rewrite "$T/rewrite.db" 2
expect_rc 1 isms --db "$T/rewrite.db" log verify --json
equals "$(jget "$OUT" 'len(d["problems"])')" "1" "the chain itself holds"
contains "$(jget "$OUT" 'd["problem"]')" "entry $N does not have the hash the checkpoint signed" "recomputed chain reported"
expect_rc 2 isms --db "$T/rewrite.db" asset add --name Later --type software --owner IT --classification internal
contains "$ERR" "rewritten" "no change on a rewritten log"

# The key file readable by others: reported, and writes refused until it is private again.
clone mode; chmod 0644 "$T/mode.db.key"
expect_rc 1 isms --db "$T/mode.db" log verify
contains "$OUT" "chmod 600" "a key others can read is reported with the fix"
expect_rc 2 isms --db "$T/mode.db" asset add --name Later --type software --owner IT --classification internal
contains "$ERR" "chmod 600" "writes refused with the key exposed"
chmod 0600 "$T/mode.db.key"
expect_rc 0 isms --db "$T/mode.db" asset add --name Later --type software --owner IT --classification internal
expect_rc 0 isms --db "$T/mode.db" log verify

# A missing checkpoint or key beside a log with entries is reported, never passed.
clone nock; rm "$T/nock.db.checkpoint"
expect_rc 1 isms --db "$T/nock.db" log verify
contains "$OUT" "no checkpoint" "a missing checkpoint reported"
expect_rc 2 isms --db "$T/nock.db" asset add --name Later --type software --owner IT --classification internal
contains "$ERR" "checkpoint" "writes refused without the checkpoint"
expect_rc 0 isms --db "$T/nock.db" log anchor
expect_rc 0 isms --db "$T/nock.db" log verify
clone nokey; rm "$T/nokey.db.key"
expect_rc 1 isms --db "$T/nokey.db" log verify
contains "$OUT" "signing key" "a missing key reported"
# The auditor's way: the pinned public key, no key file needed.
expect_rc 0 isms --db "$T/nokey.db" log verify --public-key "$PUB"
contains "$OUT" "the public key given" "checked with the pinned key"
printf '# pinned from the audit report\n%s\n' "$PUB" > "$T/pinned.pub"
expect_rc 0 isms --db "$T/nokey.db" log verify --public-key "$T/pinned.pub"
expect_rc 1 isms --db "$T/last1.db" log verify --public-key "$T/pinned.pub"
OTHER=$($PY -c 'import os; print(os.urandom(32).hex())')
expect_rc 1 isms log verify --public-key "$OTHER"
contains "$OUT" "signature does not verify" "another key fails the signature"
expect_rc 2 isms log verify --public-key nonsense
contains "$ERR" "64 hexadecimal digits" "a bad key is explained"
contains "$ERR" "isms: --public-key: the public key 'nonsense'" "the option named"
# A forged checkpoint (signed by another key, with that key's public key in it) fails too.
clone forged
$PY - "$T/forged.db.checkpoint" <<'PY'
import json, sys
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives import serialization
p = sys.argv[1]
c = json.loads(open(p).read(4096).split("\n")[0])
k = Ed25519PrivateKey.generate()
c["count"] = 1
msg = "isms-checkpoint/1\nworkspace %s\ncount %d\nhead %s\nat %s\n" % (c["workspace"], c["count"], c["head"], c["at"])
c["signature"] = k.sign(msg.encode()).hex()
c["public_key"] = k.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw).hex()
slot = json.dumps(c, separators=(",", ":")) + "\n"
slot = slot + " " * (4095 - len(slot)) + "\n"
open(p, "w").write(slot + slot)
PY
expect_rc 1 isms --db "$T/forged.db" log verify
contains "$OUT" "signature does not verify" "a checkpoint signed by another key fails"

# An older, validly signed checkpoint put back: it still pins entries 1..K, so rewriting any of
# them is caught; it cannot show that entries after K were deleted. A checkpoint the auditor kept
# (a package's checkpoint.json) closes that gap: `log verify --checkpoint` checks against it.
clone old
K=$(entries "$ISMS_DB")
cp "$ISMS_DB.checkpoint" "$T/older.checkpoint"
add "Asset 9"; add "Asset 10"
expect_rc 0 isms report package -o "$T/pkg.zip"
$PY -c 'import sys,zipfile; open(sys.argv[2],"wb").write(zipfile.ZipFile(sys.argv[1]).read("checkpoint.json"))' "$T/pkg.zip" "$T/kept.json"
N=$(entries "$ISMS_DB")
clone swapped; cp "$T/older.checkpoint" "$T/swapped.db.checkpoint"; cut "$T/swapped.db" 2
expect_rc 0 isms --db "$T/swapped.db" log verify
contains "$OUT" "checkpoint: entry $K" "an older checkpoint is accepted as lagging (the limit of a swap)"
expect_rc 1 isms --db "$T/swapped.db" log verify --checkpoint "$T/kept.json"
contains "$OUT" "entries $((N - 1)) to $N were deleted" "the auditor's kept checkpoint catches the cut"
clone swapped2; cp "$T/older.checkpoint" "$T/swapped2.db.checkpoint"; rewrite "$T/swapped2.db" 3
expect_rc 1 isms --db "$T/swapped2.db" log verify
contains "$OUT" "entry $K does not have the hash" "a rewrite under an older checkpoint is still caught"
# A lagging checkpoint (a write cut off before signing) is not a failure; the next change signs.
clone lag; cp "$T/older.checkpoint" "$T/lag.db.checkpoint"
expect_rc 0 isms --db "$T/lag.db" log verify
contains "$OUT" "newer than the checkpoint" "the unsigned entries are named"
expect_rc 0 isms --db "$T/lag.db" asset add --name Later --type software --owner IT --classification internal
expect_rc 0 isms --db "$T/lag.db" log verify --json
equals "$(jget "$OUT" '[d["unsigned_entries"], d["checkpoint"]["count"] == d["entries"]]')" "[0, true]" "caught up"

# log anchor refuses to sign over evidence of change unless forced.
expect_rc 2 isms --db "$T/last1.db" log anchor
contains "$ERR" "were deleted" "anchor names what it would hide"
expect_rc 0 isms --db "$T/last1.db" log anchor --force
contains "$OUT" "Kept the checkpoint it replaces as $T/last1.db.checkpoint.replaced-" "the replaced checkpoint is kept"
expect_rc 1 isms --db "$T/last1.db" log verify --checkpoint "$(ls "$T"/last1.db.checkpoint.replaced-*)"
expect_rc 0 isms --db "$T/last1.db" log verify
expect_rc 1 isms --db "$T/last1.db" log verify --checkpoint "$T/kept.json"

# The audit report carries the head and the checkpoint with its public key.
expect_rc 0 isms report audit -o "$T/report.html"
R=$(cat "$T/report.html")
contains "$R" "$PUB" "the report shows the public key to pin"
contains "$R" "Entries covered" "the report shows the checkpoint"

# The package: verified offline with the public key alone.
expect_rc 0 isms report verify "$T/pkg.zip" --public-key "$PUB"
contains "$OUT" "verify with the public key given" "the pinned key is named"
expect_rc 0 isms report verify "$T/pkg.zip"
contains "$OUT" "inside the package (not pinned" "without a pinned key, says which key it used"
expect_rc 1 isms report verify "$T/pkg.zip" --public-key "$OTHER"
contains "$OUT" "manifest.sig" "another key fails the manifest's signature"
# reseal PKG OUT EDIT: rewrite entries, fix the manifest's hashes and the archive digest (all
# unkeyed), so only the signatures can tell.
reseal() {
    $PY - "$1" "$2" "$3" <<'PY'
import hashlib, io, json, sys, zipfile
src, out, edit = sys.argv[1:]
z = zipfile.ZipFile(src)
files = {n: z.read(n) for n in z.namelist()}
if edit == "checkpoint":
    c = json.loads(files["checkpoint.json"]); c["count"] -= 1
    files["checkpoint.json"] = (json.dumps(c, separators=(",", ":")) + "\n").encode()
elif edit == "log":
    log = json.loads(files["registers/audit-log.json"]); log.pop()
    files["registers/audit-log.json"] = json.dumps(log).encode()
if edit != "none":
    m = json.loads(files["manifest.json"])
    for f in m["files"]:
        f["sha256"] = hashlib.sha256(files[f["path"]]).hexdigest(); f["size"] = len(files[f["path"]])
    files["manifest.json"] = json.dumps(m).encode()
buf = io.BytesIO()
with zipfile.ZipFile(buf, "w") as w:
    for n, d in files.items():
        w.writestr(n, d)
data = buf.getvalue()
comment = ("isms-package-sha256:" + hashlib.sha256(data[:-2]).hexdigest()).encode()
open(out, "wb").write(data[:-2] + len(comment).to_bytes(2, "little") + comment)
PY
}
reseal "$T/pkg.zip" "$T/ck.zip" checkpoint
expect_rc 1 isms report verify "$T/ck.zip" --public-key "$PUB"
contains "$OUT" "checkpoint.json: its signature does not verify" "an altered checkpoint fails"
contains "$OUT" "manifest.sig: the manifest's signature does not verify" "the resealed manifest fails"
not_contains "$OUT" "archive digest" "the unkeyed digest was made to match: only the signatures tell"
reseal "$T/pkg.zip" "$T/log.zip" log
expect_rc 1 isms report verify "$T/log.zip" --public-key "$PUB"
contains "$OUT" "were deleted" "a package whose audit log was cut fails against its checkpoint"
# Rebuilt with the same contents (another zip, same files and manifest bytes): still verifies.
reseal "$T/pkg.zip" "$T/same.zip" none
expect_rc 0 isms report verify "$T/same.zip" --public-key "$PUB"
# A package is refused while the log fails verification.
expect_rc 2 isms --db "$T/rewrite.db" report package -o "$T/refused.zip"
contains "$ERR" "verify the log" "no package of a rewritten log"
contains "$ERR" "isms log verify" "the CLI names the command that shows why"
finish
