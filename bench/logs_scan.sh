#!/bin/bash
# Benchmark of `isms logs scan` on generated CloudTrail logs, plain and gzip (as CloudTrail
# delivers them), beside baselines measured in the same run: `cat` (the I/O floor of plain
# files), `zcat` (one core inflating the gzip files) and `zcat | jq` doing the same root-usage and
# console-login-without-MFA detection. Rates are MB/s of JSON (uncompressed bytes) in every row.
#   BENCH_CT_MB       size to generate in MB (default 1024)
#   BENCH_CT_FILE_MB  size of each log file in MB (default 16)
#   BENCH_CT_RUNS     timed rounds; each row keeps its best (default 3). Rounds interleave the
#                     commands, so load from other work on the machine hits them alike.
#   ISMS              binary to time (default build/isms)
#   ISMS_BASE         a second binary (e.g. the previous commit's) timed in the same rounds
#   BENCH_CT_NO_JQ=1  skip jq (it is slow: about a minute per GB)
# Run from the repository root. Also prints each binary's max RSS and checks that every way of
# scanning (plain, gzip, one worker, the base binary) found the same.
set -eu
MB=${BENCH_CT_MB:-1024}
FILE_MB=${BENCH_CT_FILE_MB:-16}
RUNS=${BENCH_CT_RUNS:-3}
ISMS=${ISMS:-build/isms}
BASE=${ISMS_BASE:-}
abs() { echo "$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"; }
[ -x "$ISMS" ] || { echo "no isms binary at $ISMS (make build/isms, or set ISMS)" >&2; exit 2; }
ISMS=$(abs "$ISMS")
if [ -n "$BASE" ]; then
    [ -x "$BASE" ] || { echo "no binary at ISMS_BASE=$BASE" >&2; exit 2; }
    BASE=$(abs "$BASE")
fi
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT

if [ -z "${BENCH_CT_NO_JQ:-}" ] && ! command -v jq >/dev/null; then
    echo "installing jq..." >&2
    if [ "$(id -u)" = 0 ]; then apt-get install -y jq >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y jq >/dev/null; }
    else sudo apt-get install -y jq >/dev/null; fi
fi

cc -O2 -o "$W/gen" bench/gen_cloudtrail.c
mkdir "$W/logs" "$W/gz"
echo "generating $MB MB of CloudTrail logs in $FILE_MB MB files..."
GEN=$("$W/gen" "$W/logs" "$MB" "$FILE_MB" 1)
BYTES=$(cat "$W"/logs/*.json | wc -c)
# gzip -6, as CloudTrail writes them; two at a time to save waiting
(cd "$W/logs" && ls | xargs -P 2 -I{} sh -c 'gzip -6 -c "{}" > "../gz/{}.gz"')
GZBYTES=$(cat "$W"/gz/*.gz | wc -c)
NCPU=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)
echo "  $GEN"
echo "  $(ls "$W/logs" | wc -l) files, $BYTES bytes of JSON; gzip -6: $GZBYTES bytes; $NCPU CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"

now() { date +%s.%N; }
rate() { awk -v b="$BYTES" -v s="$1" 'BEGIN { printf "%.0f", b / 1048576 / s }'; }

# isms exits 1 when it finds something: that is the expected outcome here
scan() { "$@" || [ $? = 1 ]; }
run_cat() { cat "$W"/logs/*.json >/dev/null; }
run_zcat() { zcat "$W"/gz/*.gz >/dev/null; }
run_isms_plain() { scan "$ISMS" logs scan "$W/logs" --json >/dev/null; }
run_isms_gz() { scan "$ISMS" logs scan "$W/gz" --json >/dev/null; }
run_isms_gz1() { scan "$ISMS" logs scan "$W/gz" --json --jobs 1 >/dev/null; }
run_base_plain() { scan "$BASE" logs scan "$W/logs" --json >/dev/null; }
run_base_gz() { scan "$BASE" logs scan "$W/gz" --json >/dev/null; }
JQ_FILTER='.Records[]
  | (.userIdentity.type == "Root" and .userIdentity.invokedBy == null
       and .eventType != "AwsServiceEvent") as $root
  | (.eventName == "ConsoleLogin" and .responseElements.ConsoleLogin == "Success"
       and .additionalEventData.MFAUsed == "No"
       and ((.userIdentity.type // "") | IN("SAMLUser", "WebIdentityUser", "AssumedRole", "FederatedUser") | not)
       and (.userIdentity.sessionContext.sessionIssuer // {} | length) == 0) as $nomfa
  | (if $root then "root_account_usage" else empty end), (if $nomfa then "console_login_without_mfa" else empty end)'
run_zcat_jq() { zcat "$W"/gz/*.gz | jq -r "$JQ_FILTER" >"$W/jq.txt"; }

# --jobs 1 (one worker) where the binary has the option
JOBS=; "$ISMS" logs scan --help 2>&1 | grep -q -- --jobs && JOBS=1
ROWS="cat isms_plain zcat isms_gz${JOBS:+ isms_gz1}"
[ -n "$BASE" ] && ROWS="$ROWS base_plain base_gz"
declare -A BEST
for round in $(seq "$RUNS"); do
    for r in $ROWS; do
        t0=$(now); "run_$r"; t1=$(now)
        t=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
        if [ -z "${BEST[$r]:-}" ] || awk -v a="$t" -v b="${BEST[$r]}" 'BEGIN { exit !(a < b) }'; then BEST[$r]=$t; fi
    done
    echo "  round $round done (load $(cut -d' ' -f1 /proc/loadavg))"
done
if [ -z "${BENCH_CT_NO_JQ:-}" ]; then
    t0=$(now); run_zcat_jq; t1=$(now)
    BEST[zcat_jq]=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
    ROWS="$ROWS zcat_jq"
fi

label() {
    case $1 in
    cat) echo "cat *.json > /dev/null" ;;
    isms_plain) echo "isms logs scan *.json" ;;
    zcat) echo "zcat *.gz > /dev/null" ;;
    isms_gz) echo "isms logs scan *.gz" ;;
    isms_gz1) echo "isms ... *.gz --jobs 1" ;;
    base_plain) echo "base: logs scan *.json" ;;
    base_gz) echo "base: logs scan *.gz" ;;
    zcat_jq) echo "zcat | jq (root + no-MFA)" ;;
    esac
}
echo
printf '%-28s %9s %9s   %s\n' "best of $RUNS" "seconds" "MB/s" "(JSON MB per second)"
for r in $ROWS; do
    extra=""
    case $r in
    isms_plain | base_plain) extra=$(awk -v a="${BEST[cat]}" -v b="${BEST[$r]}" 'BEGIN { printf "%.0f%% of cat", 100 * a / b }') ;;
    isms_gz | isms_gz1 | base_gz | zcat_jq) extra=$(awk -v a="${BEST[zcat]}" -v b="${BEST[$r]}" 'BEGIN { printf "%.2fx zcat", a / b }') ;;
    esac
    printf '%-28s %8ss %9s   %s\n' "$(label "$r")" "${BEST[$r]}" "$(rate "${BEST[$r]}")" "$extra"
done

# max RSS: GNU time when present, else the peak (VmHWM) polled from /proc
max_rss() {
    if [ -x /usr/bin/time ] && /usr/bin/time -v true 2>/dev/null; then
        { /usr/bin/time -v "$@" >/dev/null; } 2>&1 | awk '/Maximum resident/ { print $NF }'
        return
    fi
    "$@" >/dev/null &
    local pid=$! rss=0 v
    while kill -0 "$pid" 2>/dev/null; do
        v=$(awk '/VmHWM/ { print $2 }' "/proc/$pid/status" 2>/dev/null || true)
        [ -n "$v" ] && rss=$v
        sleep 0.01
    done
    wait "$pid" || true
    echo "$rss"
}
echo
for what in "isms:$W/logs" "isms:$W/gz" ${BASE:+"base:$W/logs" "base:$W/gz"}; do
    bin=$ISMS; [ "${what%%:*}" = base ] && bin=$BASE
    rss=$(max_rss "$bin" logs scan "${what#*:}" --json)
    echo "max RSS ${what%%:*} $(basename "${what#*:}"): $((rss / 1024)) MB ($rss kB) for $((BYTES / 1048576)) MB of logs"
done

counts() { python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
c = {}
for f in d["findings"]:
    c[f["rule"]] = c.get(f["rule"], 0) + f["count"]
print(" ".join("%s=%d" % kv for kv in sorted(c.items())), "events=%d failed=%d" % (d["events"], len(d["files_failed"])))' "$1"; }
# the findings with file names taken out (plain and gzip files are named differently)
findings() { python3 -c 'import json, sys; print(json.dumps(json.load(open(sys.argv[1]))["findings"]))' "$1"; }
scan "$ISMS" logs scan "$W/logs" --json >"$W/plain.json"
scan "$ISMS" logs scan "$W/gz" --json >"$W/gz.json"
[ -n "$JOBS" ] && scan "$ISMS" logs scan "$W/gz" --json --jobs 1 >"$W/gz1.json"
echo
echo "isms found: $(counts "$W/gz.json")"
same=yes
for f in plain ${JOBS:+gz1}; do [ "$(findings "$W/$f.json")" = "$(findings "$W/gz.json")" ] || same="NO ($f differs)"; done
if [ -n "$BASE" ]; then
    scan "$BASE" logs scan "$W/gz" --json >"$W/base.json"
    [ "$(findings "$W/base.json")" = "$(findings "$W/gz.json")" ] || same="NO (base differs)"
fi
echo "same findings plain / gzip${JOBS:+ / --jobs 1}${BASE:+ / base}: $same"
if [ -z "${BENCH_CT_NO_JQ:-}" ]; then
    echo "jq found:   console_login_without_mfa=$(grep -c '^console_login_without_mfa$' "$W/jq.txt" || true) root_account_usage=$(grep -c '^root_account_usage$' "$W/jq.txt" || true)"
    printf 'speedup of isms on gzip over zcat | jq: %.1fx\n' "$(awk -v a="${BEST[zcat_jq]}" -v b="${BEST[isms_gz]}" 'BEGIN { print a / b }')"
fi
[ "$same" = yes ]
