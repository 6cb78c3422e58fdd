#!/bin/sh
# Write durability and its cost: commits per second of isms writes, one transaction each, beside
# the sqlite3 shell doing the same inserts (an asset row and an audit-log row per transaction) on
# the same schema, with the same journal (WAL) and synchronous setting, in the same run.
#   sh bench/writes.sh            (after `make build/isms build/bench/write_bench`; BENCH_N=300)
# BENCH_OLD_ISMS=path/to/an/older/isms adds its CLI writes (e.g. before the checkpoint and FULL).
set -eu
N=${BENCH_N:-300}
DIR=${BENCH_DIR:-build/bench/writes}
ISMS=./build/isms
command -v sqlite3 >/dev/null || { echo "bench: the sqlite3 shell is required (Debian package sqlite3)"; exit 1; }
rm -rf "$DIR"; mkdir -p "$DIR"
fresh() { rm -f "$DIR/$1"*; ISMS_DB="$DIR/$1" $ISMS init --org Bench >/dev/null; }
now() { date +%s.%N; }
rate() { echo "$1 $2 $3" | awk '{ printf "%.0f", $1 / ($3 - $2) }'; }
# The same two inserts each isms write makes, as SQL, one transaction each.
sql() {
    awk -v n="$N" -v tag="$1" 'BEGIN { for (i = 0; i < n; i++) {
        printf "BEGIN IMMEDIATE; INSERT INTO asset(name,type,owner,classification,created_at,updated_at) "
        printf "VALUES (%c%s %d%c,%csoftware%c,%cIT%c,%cinternal%c,%cnow%c,%cnow%c);", 39, tag, i, 39, 39, 39, 39, 39, 39, 39, 39, 39, 39, 39
        printf " INSERT INTO audit_log(seq,at,actor,action,entity,entity_id,before,after,prev_hash,hash) "
        printf "VALUES ((SELECT coalesce(max(seq),0)+1 FROM audit_log),%cnow%c,%cbench%c,%ccreate%c,%casset%c,%c%d%c,NULL,%c{}%c,%c%064d%c,%c%064d%c); COMMIT;\n", 39, 39, 39, 39, 39, 39, 39, 39, 39, i, 39, 39, 39, 39, i, 39, 39, i + 1, 39
    } }'
}
sqlite_rate() { # SYNC: one sqlite3 process, N transactions
    fresh "sq-$1.db"; sql "sq$1" > "$DIR/ins.sql"
    t0=$(now); sqlite3 -cmd "PRAGMA synchronous = $1" "$DIR/sq-$1.db" < "$DIR/ins.sql" >/dev/null; t1=$(now)
    rate "$N" "$t0" "$t1"
}
store_rate() { fresh "st-$1-$2.db"; build/bench/write_bench "$DIR/st-$1-$2.db" "$N" "$1" "$2"; }
cli_rate() { # BINARY: N isms processes
    fresh cli.db; t0=$(now)
    for i in $(seq "$N"); do
        ISMS_DB="$DIR/cli.db" $1 asset add --name "cli $i" --type software --owner IT --classification internal >/dev/null
    done
    t1=$(now); rate "$N" "$t0" "$t1"
}
sqlite_cli_rate() { # N sqlite3 processes, FULL
    fresh sqcli.db; sql sqcli > "$DIR/ins.sql"; t0=$(now)
    while IFS= read -r line; do
        printf '%s\n' "$line" | sqlite3 -cmd "PRAGMA synchronous = FULL" "$DIR/sqcli.db" >/dev/null
    done < "$DIR/ins.sql"
    t1=$(now); rate "$N" "$t0" "$t1"
}
echo "commits per second, $N transactions each (higher is better); WAL journal throughout"
SQ_FULL=$(sqlite_rate FULL); SQ_NORMAL=$(sqlite_rate NORMAL)
ST_FULL=$(store_rate full checkpoint); ST_FULL_NOCK=$(store_rate full nocheckpoint)
ST_NORMAL=$(store_rate normal checkpoint); ST_NORMAL_NOCK=$(store_rate normal nocheckpoint)
printf '  %-58s %6s\n' "baseline: sqlite3, synchronous=FULL" "$SQ_FULL" \
    "isms store, FULL + signed checkpoint (the product)" "$ST_FULL" \
    "isms store, FULL, no checkpoint" "$ST_FULL_NOCK" \
    "baseline: sqlite3, synchronous=NORMAL" "$SQ_NORMAL" \
    "isms store, NORMAL + signed checkpoint" "$ST_NORMAL" \
    "isms store, NORMAL, no checkpoint (before this change)" "$ST_NORMAL_NOCK"
echo "  store FULL + checkpoint vs sqlite3 FULL: $(echo "$ST_FULL $SQ_FULL" | awk '{ printf "%.0f%%", 100 * $1 / $2 }') (target: at least 50%)"
if [ "${BENCH_CLI:-1}" = 1 ]; then
    SQC=$(sqlite_cli_rate); CLI=$(cli_rate "$ISMS")
    printf '  %-58s %6s\n' "baseline: one sqlite3 process per insert, FULL" "$SQC" \
        "one isms asset add process per insert, FULL + checkpoint" "$CLI"
    if [ -n "${BENCH_OLD_ISMS:-}" ]; then
        printf '  %-58s %6s\n' "one $BENCH_OLD_ISMS asset add per insert" "$(cli_rate "$BENCH_OLD_ISMS")"
    fi
fi
