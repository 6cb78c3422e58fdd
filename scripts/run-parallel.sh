#!/bin/sh
# Runs tests side by side: each TEST is a unit test binary or a bash script, run from the
# repository root with the caller's environment. $ISMS_TEST_JOBS run at a time (default: one per
# processor and one more, as many tests spend their time waiting on a server or a sleep; on 2 cores
# the scripts took 379 s 3 at a time and 473 s 2 at a time). The slowest of the previous run start
# first, so the run does not end waiting on one long test started last. Each test's output goes to
# build/test-logs/LABEL/NAME.log and is printed when it fails; a test still running after
# $ISMS_TEST_TIMEOUT seconds (default 1200) is stopped and failed. The end lists the failures and
# the slowest tests, then "LABEL: N passed, N failed".
# usage: sh scripts/run-parallel.sh LABEL TEST...   (exit 0 when every test passed, else 1)
set -u
label=$1
shift
logs=build/test-logs/$label
jobs=${ISMS_TEST_JOBS:-$(( $(nproc 2>/dev/null || echo 1) + 1 ))}
ISMS_TEST_TIMEOUT=${ISMS_TEST_TIMEOUT:-1200}
export ISMS_TEST_TIMEOUT
log_name() { printf '%s' "$1" | tr '/' '_'; }

# The previous run's "exit seconds test" lines, for the order: longest first, new tests before all.
prev=$(cat "$logs"/*.status 2>/dev/null)
rm -rf "$logs"
mkdir -p "$logs"
order=$(for t in "$@"; do
    secs=$(printf '%s\n' "$prev" | awk -v t="$t" '$3 == t { print $2 }')
    echo "${secs:-999999} $t"
done | sort -k1,1nr | cut -d' ' -f2-)

# timeout runs each test in a process group of its own (so that a test stopped for taking too
# long takes its servers with it); Ctrl-C reaches only this script, which stops those groups.
stop() {
    for f in "$logs"/*.pid; do
        [ -f "$f" ] && kill -TERM "-$(cat "$f")" 2>/dev/null
    done
    echo "$label: stopped" >&2
    exit 130
}
trap stop INT TERM HUP

started=$(date +%s)
# One job: run the test with its output in its log; record "exit seconds test"; say how it went.
# shellcheck disable=SC2016 # expanded by the job's shell
printf '%s\n' $order | xargs -r -P "$jobs" -n 1 sh -c '
    logs=$1 t=$2
    name=$(printf "%s" "$t" | tr "/" "_")
    s=$(date +%s)
    case "$t" in
        *.sh) timeout -k 10 "$ISMS_TEST_TIMEOUT" bash "$t" ;;
        *) timeout -k 10 "$ISMS_TEST_TIMEOUT" "$t" ;;
    esac > "$logs/$name.log" 2>&1 < /dev/null &
    echo $! > "$logs/$name.pid"
    wait $!
    rc=$?
    rm -f "$logs/$name.pid"
    secs=$(( $(date +%s) - s ))
    echo "$rc $secs $t" > "$logs/$name.status"
    case $rc in
        0) echo "  ok    $t (${secs}s)" ;;
        124 | 137) echo "  FAIL  $t (stopped after ${secs}s: more than $ISMS_TEST_TIMEOUT s)" ;;
        *) echo "  FAIL  $t (exit $rc, ${secs}s)" ;;
    esac
' sh "$logs"
elapsed=$(( $(date +%s) - started ))

pass=0 failn=0 failed=""
for t in "$@"; do
    st=$(cat "$logs/$(log_name "$t").status" 2>/dev/null)
    if [ "${st%% *}" = 0 ]; then
        pass=$((pass + 1))
    else
        failn=$((failn + 1)); failed="$failed $t"
    fi
done
for t in $failed; do
    log=$logs/$(log_name "$t").log
    echo
    echo "==== $label test failed: $t (the last 150 lines of $log)"
    tail -n 150 "$log" 2>/dev/null || echo "(no log: the test did not run)"
done
echo
echo "$label: the slowest:$(cat "$logs"/*.status 2>/dev/null | sort -k2,2nr | head -5 | awk '{ printf " %s %ss,", $3, $2 }' | sed 's/,$//')"
echo "$label: $pass passed, $failn failed ($elapsed s, $jobs at a time)"
[ "$failn" -eq 0 ]
