# Crash consistency: CLI writers in parallel and a server under a burst of POSTs are killed with
# SIGKILL at random points; then the workspace passes SQLite's integrity and foreign-key checks and
# `isms log verify` (chain and signed checkpoint), and every write that was acknowledged (exit 0,
# HTTP 2xx) is there. Last, writers are killed around the checkpoint write, and after each kill the
# checkpoint file still holds a validly signed checkpoint that is not ahead of the log.
# CRASH_SEED=N replays a run.
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3

expect_rc 0 isms init --org "Crash Ltd"
expect_rc 0 isms asset add --name Base --type software --owner IT --classification internal
for w in 0 1 2 3 4; do
    expect_rc 0 isms asset add --name "edit-$w" --type software --owner start --classification internal
done
printf 'admin password 1234\n' > "$T/pw"
expect_rc 0 isms user add --name admin --role admin < "$T/pw"
expect_rc 0 isms token create --user admin
TOKEN=$OUT
PUB=$(isms log key)

mkdir -p "$T/tmp"
TMPDIR="$T/tmp" $PY - "$ISMS" "$ISMS_DB" "$T" "$TOKEN" "$PUB" <<'PY' > "$T/driver.out" 2>&1
import json, os, random, re, signal, sqlite3, subprocess, sys, threading, time, urllib.request
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

isms, db, tdir, token, pub = sys.argv[1:6]
seed = int(os.environ.get("CRASH_SEED") or time.time_ns() % 1000000)
random.seed(seed)
print("seed", seed)
env = dict(os.environ, ISMS_DB=db)
lock = threading.Lock()
acked = {"asset": [], "risk": []}
edits = {}          # writer -> list of (owner, acked)
problems = []
counts = {"cli": 0, "killed": 0, "acked": 0, "http_acked": 0, "server_kills": 0}

def note(msg):
    with lock:
        problems.append(msg)

def run(args, kill_after=None):
    """Run isms; SIGKILL it after kill_after seconds (None: let it finish). (rc, stderr, killed)"""
    p = subprocess.Popen([isms] + args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    killed = False
    if kill_after is not None:
        try:
            p.wait(timeout=kill_after)
        except subprocess.TimeoutExpired:
            p.send_signal(signal.SIGKILL)   # not yet reaped, so the pid cannot be reused
            killed = True
    err = p.communicate()[1].decode(errors="replace")
    return p.returncode, err, killed

# How long a write takes here, to aim the kills inside it.
t0 = time.time()
for i in range(3):
    run(["asset", "add", "--name", "probe-%d" % i, "--type", "software", "--owner", "IT",
         "--classification", "internal"])
    acked["asset"].append("probe-%d" % i)
span = (time.time() - t0) / 3
print("one write takes %.0f ms" % (span * 1000))

def cli_writer(w, n):
    edits[w] = []
    for i in range(n):
        op = random.choice(["asset", "risk", "edit"])
        kill = random.uniform(0.2, 1.3) * span if random.random() < 0.6 else None
        if op == "asset":
            name = "cli-%d-%d" % (w, i)
            args = ["asset", "add", "--name", name, "--type", "software", "--owner", "IT", "--classification", "internal"]
        elif op == "risk":
            name = "risk-%d-%d" % (w, i)
            args = ["risk", "add", "--title", name, "--asset", "Base", "--threat", "T01", "--vulnerability", "V03",
                    "--likelihood", "3", "--impact", "4", "--owner", "CTO"]
        else:
            name = "owner-%d" % i
            args = ["asset", "edit", "edit-%d" % w, "--owner", name]
        rc, err, killed = run(args, kill)
        with lock:
            counts["cli"] += 1
            counts["killed"] += killed
        if rc == 0:
            with lock:
                counts["acked"] += 1
            if op == "edit":
                edits[w].append((name, True))
            else:
                with lock:
                    acked[op].append(name)
        else:
            if op == "edit":
                edits[w].append((name, False))
            if not killed and "locked" not in err:
                note("%s failed without being killed: %s" % (" ".join(args), err.strip()[:300]))
            if "AddressSanitizer" in err or "runtime error" in err:
                note("sanitizer: " + err[:500])

threads = [threading.Thread(target=cli_writer, args=(w, 14)) for w in range(4)]
for t in threads: t.start()
for t in threads: t.join()

# The server under a burst of POSTs, killed mid-burst, three times, beside a CLI writer.
def server_cycle(cycle):
    p = subprocess.Popen([isms, "serve", "--listen", "127.0.0.1:0", "--quiet"], stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, env=env)
    line = p.stdout.readline().decode()
    m = re.search(r" at (http://[^ ]+?)/? ", line)
    if not m:
        note("the server did not start: " + line)
        p.kill(); p.wait()
        return
    url = m.group(1).rstrip("/")
    stop = threading.Event()
    def poster(k):
        i = 0
        while not stop.is_set():
            name = "http-%d-%d-%d" % (cycle, k, i)
            i += 1
            body = json.dumps({"name": name, "type": "software", "owner": "IT", "classification": "internal"}).encode()
            rq = urllib.request.Request(url + "/api/v1/assets", data=body, method="POST",
                                        headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})
            try:
                with urllib.request.urlopen(rq, timeout=10) as r:
                    if 200 <= r.status < 300:
                        with lock:
                            acked["asset"].append(name)
                            counts["http_acked"] += 1
            except urllib.error.HTTPError as e:
                note("POST %s answered %d: %s" % (name, e.code, e.read()[:200]))
            except Exception:
                if not stop.is_set():
                    stop.set()   # the server is gone
    ps = [threading.Thread(target=poster, args=(k,)) for k in range(3)]
    for t in ps: t.start()
    time.sleep(random.uniform(0.4, 1.2))
    p.send_signal(signal.SIGKILL)
    p.wait()
    counts["server_kills"] += 1
    stop.set()
    for t in ps: t.join()

# A CLI writer keeps writing meanwhile: checkpoints from both must only move forward.
side = threading.Thread(target=cli_writer, args=(4, 8))
side.start()
for c in range(3):
    server_cycle(c)
side.join()

# Kills aimed at the checkpoint write, which comes last in a write: the checkpoint file must hold
# a validly signed checkpoint, never ahead of the log, after each.
pk = Ed25519PublicKey.from_public_bytes(bytes.fromhex(pub))
def checkpoint_state():
    raw = open(db + ".checkpoint", "rb").read()
    best, torn = None, 0
    for i in range(2):
        s = raw[i * 4096:(i + 1) * 4096].split(b"\n")[0]
        try:
            c = json.loads(s)
            msg = "isms-checkpoint/1\nworkspace %s\ncount %d\nhead %s\nat %s\n" % (c["workspace"], c["count"], c["head"], c["at"])
            pk.verify(bytes.fromhex(c["signature"]), msg.encode())
        except Exception:
            torn += 1
            continue
        if best is None or c["count"] > best["count"]:
            best = c
    return best, torn
torn_seen = lagging = 0
for i in range(30):
    name = "ck-%d" % i
    rc, err, killed = run(["asset", "add", "--name", name, "--type", "software", "--owner", "IT",
                           "--classification", "internal"], random.uniform(0.6, 1.2) * span)
    counts["cli"] += 1
    counts["killed"] += killed
    if rc == 0:
        acked["asset"].append(name)
    elif not killed:
        note("asset add %s failed without being killed: %s" % (name, err.strip()[:300]))
    best, torn = checkpoint_state()
    torn_seen += torn
    c = sqlite3.connect(db)
    n = c.execute("select coalesce(max(seq), 0) from audit_log").fetchone()[0]
    if best is None:
        note("after kill %d no slot of the checkpoint verifies" % i)
        continue
    row = c.execute("select hash from audit_log where seq = ?", (best["count"],)).fetchone()
    c.close()
    lagging += best["count"] < n
    if best["count"] > n:
        note("after kill %d the checkpoint covers %d entries, the log has %d" % (i, best["count"], n))
    elif best["count"] and (row is None or row[0] != best["head"]):
        note("after kill %d the checkpoint's head is not entry %d's hash" % (i, best["count"]))
print("writes %(cli)d (killed %(killed)d, acknowledged %(acked)d), HTTP acknowledged %(http_acked)d, "
      "server kills %(server_kills)d" % counts, "| after the 30 checkpoint kills: torn slots %d, checkpoint behind "
      "the log %d times" % (torn_seen, lagging))
json.dump({"acked": acked, "edits": edits, "problems": problems}, open(os.path.join(tdir, "acked.json"), "w"))
PY
CHECKS=$((CHECKS + 1))
grep -q "^writes" "$T/driver.out" || fail "the crash driver did not finish: $(tail -c 1500 "$T/driver.out")"
echo "crash.sh: $(grep -e '^seed' -e '^one write' -e '^writes' "$T/driver.out" | tr '\n' ' ')"

equals "$($PY -c 'import json,sys; print("\n".join(json.load(open(sys.argv[1]))["problems"]))' "$T/acked.json")" "" \
    "no write failed unless killed, no refused POST, a valid checkpoint after every kill"
equals "$($PY -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("pragma integrity_check").fetchone()[0])' "$ISMS_DB")" \
    "ok" "integrity_check"
equals "$($PY -c 'import sqlite3,sys; print(len(sqlite3.connect(sys.argv[1]).execute("pragma foreign_key_check").fetchall()))' "$ISMS_DB")" \
    "0" "foreign_key_check"
expect_rc 0 isms log verify
contains "$OUT" "audit log intact" "chain and checkpoint verify after the kills"
# Every acknowledged write is there; each edited asset holds its last acknowledged owner or a
# later attempt's (a write killed after its commit is saved without being acknowledged).
equals "$($PY - "$ISMS_DB" "$T/acked.json" <<'PY'
import json, sqlite3, sys
c = sqlite3.connect(sys.argv[1])
a = json.load(open(sys.argv[2]))
assets = {r[0] for r in c.execute("select name from asset")}
risks = {r[0] for r in c.execute("select title from risk")}
missing = [n for n in a["acked"]["asset"] if n not in assets] + [n for n in a["acked"]["risk"] if n not in risks]
bad = []
for w, tries in a["edits"].items():
    owner = c.execute("select owner from asset where name = ?", ("edit-" + w,)).fetchone()[0]
    last = max([i for i, t in enumerate(tries) if t[1]], default=-1)
    allowed = {tries[last][0]} if last >= 0 else {"start"}
    allowed |= {t[0] for t in tries[last + 1:]}
    if owner not in allowed:
        bad.append("edit-%s has owner %s, expected one of %s" % (w, owner, sorted(allowed)))
print(" ".join(missing + bad) or "all %d acknowledged writes present" % (len(a["acked"]["asset"]) + len(a["acked"]["risk"])))
PY
)" "$(grep -q . "$T/acked.json" && $PY -c 'import json,sys; a=json.load(open(sys.argv[1]))["acked"]; print("all %d acknowledged writes present" % (len(a["asset"]) + len(a["risk"])))' "$T/acked.json")" \
    "every acknowledged write survives"
# And the workspace takes writes again, signed up to its head.
expect_rc 0 isms asset add --name After --type software --owner IT --classification internal
expect_rc 0 isms log verify --json
equals "$(jget "$OUT" '[d["intact"], d["unsigned_entries"]]')" "[true, 0]" "signed up to the head after the crashes"
equals "$(ls "$T/tmp" | wc -l)" "0" "no temporary files left"
finish
