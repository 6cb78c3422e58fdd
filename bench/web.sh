#!/bin/bash
# Web benchmark: 64 keep-alive connections (wrk) against `isms serve` on the large workspace, for
# the dashboard and the first page of each API list, beside nginx serving a static copy of the same
# JSON in the same run (the ceiling). Prints p99 latency, requests/s, the server's CPU time per
# request (steady when other work shares the machine, unlike latency) and its RSS.
set -eu
DB=${1:?usage: bench/web.sh WORKSPACE.db}
ISMS=${ISMS:-build/isms}
for tool in wrk nginx; do
    command -v $tool >/dev/null || { [ "$(id -u)" = 0 ] && SUDO= || SUDO=sudo; $SUDO apt-get install -y -qq wrk nginx-light >/dev/null; }
done
W=$(mktemp -d)
trap 'kill $SRV 2>/dev/null || true; nginx -c "$W/ngx.conf" -s stop 2>/dev/null || true; rm -rf "$W"' EXIT
cp "$DB" "$W/ws.db"
export ISMS_DB="$W/ws.db"
printf 'bench password 12345\n' | $ISMS user add --name bench --role viewer >/dev/null
TOK=$($ISMS token create --user bench 2>/dev/null)
$ISMS serve --listen 127.0.0.1:0 --quiet >"$W/serve.out" 2>&1 &
SRV=$!
for _ in $(seq 100); do grep -q http "$W/serve.out" && break; sleep 0.1; done
URL=$(sed -n 's/.* at \(http[^ ]*\) .*/\1/p' "$W/serve.out"); URL=${URL%/}
curl -s -c "$W/jar" -o /dev/null --data-urlencode name=bench --data-urlencode "password=bench password 12345" "$URL/login"
SID=$(awk '/isms_session/ {print $7}' "$W/jar")
# CPU time of processes in clock ticks (user + system).
ticks() { local p t=0; for p in $1; do t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat"))); done; echo $t; }
run() { # name header url [pids]: p99, requests/s and, given the server's pids, its CPU time per request
    curl -s -o /dev/null -H "$2" "$3" # warm
    local t0=0 out
    [ -n "${4:-}" ] && t0=$(ticks "$4")
    out=$(wrk -t1 -c64 -d5s --latency -H "$2" "$3")
    local cpu=""
    if [ -n "${4:-}" ]; then
        cpu=$(printf '%s' "$out" | awk -v t="$(( $(ticks "$4") - t0 ))" -v hz="$(getconf CLK_TCK)" \
            '/requests in/ {printf "%6.0f us CPU/req", t * 1e6 / hz / $1}')
    fi
    printf '%s' "$out" | awk -v n="$1" -v c="$cpu" '/ 99%/ {p=$2} /Requests\/sec/ {r=$2} END {printf "  %-34s p99 %-9s %10s req/s %s\n", n, p, r, c}'
}
echo "64 keep-alive connections, 5 s each:"
run "dashboard (GET /)" "Cookie: isms_session=$SID" "$URL/" $SRV
for p in assets risks soa gap evidence; do run "GET /api/v1/$p" "Authorization: Bearer $TOK" "$URL/api/v1/$p" $SRV; done
echo "  server RSS after the runs: $(($(ps -o rss= -p $SRV) / 1024)) MB"
# Any change makes every cached answer stale: the first request after one recomputes it.
$ISMS org set --context "benchmark change $$" >/dev/null
for p in / /api/v1/risks /api/v1/gap; do
    [ "$p" = / ] && H="Cookie: isms_session=$SID" || H="Authorization: Bearer $TOK"
    curl -s -o /dev/null -H "$H" -w "  first GET $p after a change: %{time_total} s\n" "$URL$p"
done
mkdir -p "$W/www"
curl -s -H "Authorization: Bearer $TOK" "$URL/api/v1/assets" > "$W/www/assets.json"
cat > "$W/ngx.conf" <<NGX
worker_processes 2; pid $W/nginx.pid; error_log $W/nginx.err;
events { worker_connections 1024; }
http { access_log off; server { listen 127.0.0.1:18091; root $W/www; default_type application/json; } }
NGX
nginx -c "$W/ngx.conf"
sleep 0.3
run "baseline: nginx, same JSON static" "X-Bench: 1" "http://127.0.0.1:18091/assets.json" \
    "$(cat "$W/nginx.pid") $(pgrep -P "$(cat "$W/nginx.pid")" | tr '\n' ' ')"
