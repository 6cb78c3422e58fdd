#!/bin/bash
# Slow clients: connections that trickle their headers are shut at the header deadline, one address
# cannot hold more than its share, and clients from other addresses are served meanwhile.
set -eu
: "${ISMS:?set ISMS to the isms binary}"
W=$(mktemp -d); trap 'kill $SRV 2>/dev/null || true; rm -rf "$W"' EXIT
ISMS_DB=$W/ws.db "$ISMS" init --org T >/dev/null
ISMS_DB=$W/ws.db "$ISMS" serve --listen 127.0.0.1:0 --header-timeout 2 --max-conns-per-address 20 --quiet >"$W/out" 2>&1 &
SRV=$!
for _ in $(seq 100); do grep -q http "$W/out" && break; sleep 0.1; done
PORT=$(sed -n 's/.*127\.0\.0\.1:\([0-9]*\).*/\1/p' "$W/out")
python3 - "$PORT" <<'PY'
import resource, socket, sys, time
port = int(sys.argv[1])
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 4096), hard))
slow = []
for i in range(300):  # one header byte each, from 127.0.0.1
    s = socket.socket(); s.settimeout(5)
    try:
        s.connect(("127.0.0.1", port)); s.send(b"G"); slow.append(s)
    except OSError:
        s.close()
time.sleep(0.5)
c = socket.socket(); c.settimeout(3); c.bind(("127.0.0.2", 0)); c.connect(("127.0.0.1", port))
c.send(b"GET /login HTTP/1.0\r\n\r\n")
head = c.recv(12)
assert head == b"HTTP/1.1 200", "another address is not served while slow clients wait: %r" % head
t0 = time.time(); alive = 0
for s in slow:
    try:
        s.send(b"E")
        if s.recv(10) != b"":
            alive += 1
    except OSError:
        pass
assert alive == 0, "%d slow connections outlived the header deadline" % alive
assert time.time() - t0 < 6, "slow connections were shut late"
print("http_slow.sh: slow connections shut, other clients served")
PY
