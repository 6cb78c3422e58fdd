#!/bin/sh
# `make bench`: times the core commands on a 100,000-asset / 100,000-risk workspace, beside a
# named baseline measured in the same run: the sqlite3 shell dumping the same rows as JSON.
set -eu
N=${BENCH_N:-100000}
DIR=${BENCH_DIR:-build/bench}
DB="$DIR/ws-$N.db"
ISMS=./build/isms
mkdir -p "$DIR"
if ! command -v sqlite3 >/dev/null 2>&1 || ! command -v hyperfine >/dev/null 2>&1 || [ ! -x /usr/bin/time ]; then
    echo "bench: installing sqlite3, hyperfine and time (Debian packages)"
    [ "$(id -u)" = 0 ] && SUDO= || SUDO=sudo
    $SUDO apt-get install -y -qq sqlite3 hyperfine time >/dev/null
fi
if [ ! -f "$DB" ]; then
    echo "bench: generating $N assets and $N risks in $DB (once)"
    build/bench/gen_workspace "$DB" "$N"
fi
export ISMS_DB="$DB"
OUT="$DIR/results.md"
hyperfine --warmup 1 --runs 5 -N --ignore-failure --export-markdown "$OUT" \
    -n "baseline: sqlite3 -json SELECT * FROM asset" "sqlite3 -json $DB 'SELECT * FROM asset'" \
    -n "isms asset list --json" "$ISMS asset list --json" \
    -n "baseline: sqlite3 -json SELECT * FROM risk" "sqlite3 -json $DB 'SELECT * FROM risk'" \
    -n "isms risk list --json" "$ISMS risk list --json" \
    -n "isms risk plan --json" "$ISMS risk plan --json" \
    -n "isms gap --json" "$ISMS gap --json" \
    -n "isms soa list --json" "$ISMS soa list --json" \
    -n "isms soa export --format xlsx" "$ISMS soa export --format xlsx -o $DIR/soa.xlsx" \
    -n "isms risk export --format csv" "$ISMS risk export --format csv -o $DIR/risks.csv" \
    -n "isms risk export --format xlsx" "$ISMS risk export --format xlsx -o $DIR/risks.xlsx"
echo
echo "peak memory (max RSS):"
for c in "asset list --json" "risk list --json" "gap --json" "risk export --format xlsx -o $DIR/risks.xlsx"; do
    /usr/bin/env time -f "  isms $c: %M KB" $ISMS $c >/dev/null 2>"$DIR/time.txt" || true
    tail -n 1 "$DIR/time.txt"
done
echo "results: $OUT"

echo
echo "CloudTrail log analysis (isms logs scan vs jq and cat):"
ISMS=$ISMS bash bench/logs_scan.sh

echo
echo "Web app and API (isms serve vs nginx):"
ISMS=$ISMS bash bench/web.sh "$DB"

echo
echo "isms ask (target under 20 ms):"
ISMS=$ISMS bash bench/ask.sh

echo
echo "isms policy gap over 100 policies of 20 pages (target under 5 s):"
ISMS=$ISMS bash bench/policy_gap.sh
