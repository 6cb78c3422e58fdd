#!/bin/bash
# Mixed load on the large workspace: 56 keep-alive connections read (the first pages of the asset
# and risk lists, the SoA, the dashboard and the gap analysis, in turn) while 8 more write (new
# assets and risks through the JSON API, as an editor). First the reads alone, for their baseline
# throughput and p99; then the same reads beside the writes. The writes are measured against the
# sqlite3 shell making the same inserts (a row and its audit-log entry, one transaction each, WAL,
# synchronous=FULL) on the same workspace in the same run: the disk's commit rate.
#   bash bench/mixed.sh WORKSPACE.db     (BENCH_MIXED_SECONDS per wrk run, default 10)
# Targets: reads beside writes keep p99 < 15 ms and at least half their throughput alone; writes
# reach at least half the sqlite3 commit rate.
set -eu
DB=${1:?usage: bench/mixed.sh WORKSPACE.db}
ISMS=${ISMS:-build/isms}
SECS=${BENCH_MIXED_SECONDS:-10}
NSQL=${BENCH_MIXED_SQLITE_N:-3000}
for tool in wrk sqlite3; do
    command -v $tool >/dev/null || { [ "$(id -u)" = 0 ] && SUDO= || SUDO=sudo; $SUDO apt-get install -y -qq wrk sqlite3 >/dev/null; }
done
W=$(mktemp -d)
SRV=
trap '[ -n "$SRV" ] && kill $SRV 2>/dev/null; rm -rf "$W"' EXIT
cp "$DB" "$W/ws.db"
export ISMS_DB="$W/ws.db"
printf 'bench password 12345\n' | $ISMS user add --name bench-editor --role editor >/dev/null
export TOK=$($ISMS token create --user bench-editor 2>/dev/null)
NASSETS=$(sqlite3 "$W/ws.db" 'SELECT max(id) FROM asset')
export NASSETS PREFIX="mixed-$$"
$ISMS serve --listen 127.0.0.1:0 --quiet >"$W/serve.out" 2>&1 &
SRV=$!
for _ in $(seq 100); do grep -q http "$W/serve.out" && break; sleep 0.1; done
URL=$(sed -n 's/.* at \(http[^ ]*\) .*/\1/p' "$W/serve.out"); URL=${URL%/}

cat > "$W/reads.lua" <<'LUA'
local paths = {"/api/v1/assets", "/api/v1/risks", "/", "/api/v1/gap", "/api/v1/assets?offset=50",
               "/api/v1/risks?offset=50", "/api/v1/soa", "/api/v1/assets?limit=20&offset=100"}
local i = 0
wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOK")
request = function()
    i = i + 1
    return wrk.format("GET", paths[i % #paths + 1])
end
LUA
cat > "$W/writes.lua" <<'LUA'
-- Assets and risks in turn, each with a unique name; a risk is on one of the workspace's assets.
local n, prefix, nassets = 0, os.getenv("PREFIX"), tonumber(os.getenv("NASSETS"))
wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOK")
wrk.headers["Content-Type"] = "application/json"
request = function()
    n = n + 1
    if n % 2 == 1 then
        return wrk.format("POST", "/api/v1/assets", nil, string.format(
            '{"name":"%s asset %d","type":"software","owner":"IT","classification":"internal"}', prefix, n))
    end
    return wrk.format("POST", "/api/v1/risks", nil, string.format(
        '{"title":"%s risk %d","asset":%d,"threat":"Ransomware","vulnerability":"Unpatched systems",' ..
        '"owner":"IT","likelihood":%d,"impact":%d}', prefix, n, (n * 7919) % nassets + 1, 1 + n % 5, 1 + n * 3 % 5))
end
LUA
# summary FILE: "p99_ms req_per_s non2xx" from wrk --latency output
summary() {
    awk '/ 99%/ { v = $2; if (v ~ /us$/) p = v / 1000; else if (v ~ /ms$/) p = v + 0; else p = v * 1000 }
         /Requests\/sec/ { r = $2 } /Non-2xx/ { e = $5 }
         END { printf "%.2f %.0f %d\n", p, r, e }' "$1"
}
for p in /api/v1/assets /api/v1/risks / /api/v1/gap /api/v1/soa; do
    curl -s -o /dev/null -H "Authorization: Bearer $TOK" "$URL$p"
done
wrk -t2 -c56 -d"${SECS}s" --latency -s "$W/reads.lua" "$URL" > "$W/alone.txt"
wrk -t2 -c56 -d"${SECS}s" --latency -s "$W/reads.lua" "$URL" > "$W/reads.txt" &
RD=$!
wrk -t1 -c8 -d"${SECS}s" --latency -s "$W/writes.lua" "$URL" > "$W/writes.txt"
wait $RD
kill $SRV; wait $SRV 2>/dev/null || true; SRV=
read -r A_P99 A_RPS A_ERR < <(summary "$W/alone.txt")
read -r R_P99 R_RPS R_ERR < <(summary "$W/reads.txt")
read -r W_P99 W_RPS W_ERR < <(summary "$W/writes.txt")
WROTE=$(sqlite3 "$W/ws.db" "SELECT (SELECT count(*) FROM asset WHERE name LIKE '$PREFIX %') + (SELECT count(*) FROM risk WHERE title LIKE '$PREFIX %')")

# The same inserts by the sqlite3 shell, one transaction each, on the workspace as the run left it.
sql() {
    awk -v n="$NSQL" -v tag="$1" -v na="$NASSETS" 'BEGIN { q = sprintf("%c", 39); for (i = 0; i < n; i++) {
        if (i % 2 == 0) {
            printf "BEGIN IMMEDIATE; INSERT INTO asset(name,type,owner,classification,created_at,updated_at) "
            printf "VALUES (%s%s asset %d%s,%ssoftware%s,%sIT%s,%sinternal%s,%snow%s,%snow%s);", q, tag, i, q, q, q, q, q, q, q, q, q, q, q
            ent = "asset"; id = "last_insert_rowid()"
        } else {
            printf "BEGIN IMMEDIATE; INSERT INTO risk(title,asset_id,threat,vulnerability,likelihood,impact,owner,created_at,updated_at) "
            printf "VALUES (%s%s risk %d%s,%d,%sRansomware%s,%sUnpatched systems%s,%d,%d,%sIT%s,%snow%s,%snow%s);", q, tag, i, q, (i * 7919) % na + 1, q, q, q, q, 1 + i % 5, 1 + i * 3 % 5, q, q, q, q, q, q
            ent = "risk"
        }
        printf " INSERT INTO audit_log(seq,at,actor,action,entity,entity_id,before,after,prev_hash,hash) "
        printf "VALUES ((SELECT coalesce(max(seq),0)+1 FROM audit_log),%snow%s,%sbench%s,%screate%s,%s%s%s,last_insert_rowid(),NULL,%s{}%s,%s%064d%s,%s%064d%s); COMMIT;\n", q, q, q, q, q, q, q, ent, q, q, q, q, i, q, q, i + 1, q
    } }'
}
sqlite_rate() { # SYNC
    sql "sq$1-$$" > "$W/ins.sql"
    # Each run starts from an empty WAL, as the server's did: a WAL left by the run before would
    # be checkpointed in the middle of the timed inserts.
    sqlite3 "$W/ws.db" 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null
    local t0 t1
    t0=$(date +%s.%N); sqlite3 -cmd "PRAGMA synchronous = $1" "$W/ws.db" < "$W/ins.sql" >/dev/null; t1=$(date +%s.%N)
    echo "$NSQL $t0 $t1" | awk '{ printf "%.0f", $1 / ($3 - $2) }'
}
SQ_FULL=$(sqlite_rate FULL)
SQ_NORMAL=$(sqlite_rate NORMAL)

below() { awk -v a="$1" -v b="$2" 'BEGIN { print (a < b) ? "PASS" : "MISS" }'; }
atleast() { awk -v a="$1" -v b="$2" -v f="$3" 'BEGIN { print (a >= f * b) ? "PASS" : "MISS" }'; }
pct() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0f%%", (b > 0 ? 100 * a / b : 0) }'; }
echo "56 connections reading (asset and risk list pages, SoA, dashboard, gap), 8 writing (assets and risks), ${SECS} s:"
printf '  %-44s p99 %8s ms %9s req/s\n' "reads alone" "$A_P99" "$A_RPS" \
    "reads beside the writes" "$R_P99" "$R_RPS"
printf '  %-44s p99 %8s ms %9s req/s  (%s rows written, %s refused)\n' "writes beside the reads" "$W_P99" "$W_RPS" \
    "$WROTE" "${W_ERR:-0}"
printf '  %-44s %22s commits/s\n' "baseline: sqlite3, same inserts, FULL" "$SQ_FULL" \
    "baseline: sqlite3, same inserts, NORMAL" "$SQ_NORMAL"
echo "  reads beside writes: p99 ${R_P99} ms (target < 15 ms): $(below "$R_P99" 15)"
echo "  reads beside writes: $(pct "$R_RPS" "$A_RPS") of their throughput alone (target >= 50%): $(atleast "$R_RPS" "$A_RPS" 0.5)"
echo "  writes: $(pct "$W_RPS" "$SQ_FULL") of sqlite3's commit rate with FULL (target >= 50%): $(atleast "$W_RPS" "$SQ_FULL" 0.5)"
echo "  synchronous=FULL costs sqlite3 $(awk -v f="$SQ_FULL" -v n="$SQ_NORMAL" 'BEGIN { printf "%.0f%%", (n > 0 ? 100 * (1 - f / n) : 0) }') of its NORMAL commit rate"
