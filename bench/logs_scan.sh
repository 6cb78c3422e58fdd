#!/bin/bash
# Benchmark of `isms logs scan` against `cat` (the I/O floor) and jq doing the same root-usage and
# console-login-without-MFA detection, on generated CloudTrail logs.
#   BENCH_CT_MB       size to generate in MB (default 1024)
#   BENCH_CT_FILE_MB  size of each log file in MB (default 16)
#   ISMS              binary to time (default build/isms)
#   BENCH_CT_NO_JQ=1  skip jq (it is slow: about a minute per GB)
# Run from the repository root. Prints MB/s of each, the speedup over jq and the max RSS.
set -eu
MB=${BENCH_CT_MB:-1024}
FILE_MB=${BENCH_CT_FILE_MB:-16}
ISMS=${ISMS:-build/isms}
[ -x "$ISMS" ] || { echo "no isms binary at $ISMS (make build/isms, or set ISMS)" >&2; exit 2; }
ISMS=$(cd "$(dirname "$ISMS")" && pwd)/$(basename "$ISMS")
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT

if [ -z "${BENCH_CT_NO_JQ:-}" ] && ! command -v jq >/dev/null; then
    echo "installing jq..." >&2
    if [ "$(id -u)" = 0 ]; then apt-get install -y jq >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y jq >/dev/null; }
    else sudo apt-get install -y jq >/dev/null; fi
fi

cc -O2 -o "$W/gen" bench/gen_cloudtrail.c
mkdir "$W/logs"
echo "generating $MB MB of CloudTrail logs in $FILE_MB MB files..."
GEN=$("$W/gen" "$W/logs" "$MB" "$FILE_MB" 1)
BYTES=$(cat "$W"/logs/*.json | wc -c)
echo "  $GEN"
echo "  $(ls "$W/logs" | wc -l) files, $BYTES bytes"

now() { date +%s.%N; }
rate() { awk -v b="$BYTES" -v s="$1" 'BEGIN { printf "%.0f", b / 1048576 / s }'; }
# best of 3 runs (the first also warms the page cache)
best() {
    local bestt=""
    for _ in 1 2 3; do
        local t0 t1 t
        t0=$(now); "$@"; t1=$(now)
        t=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
        if [ -z "$bestt" ] || awk -v a="$t" -v b="$bestt" 'BEGIN { exit !(a < b) }'; then bestt=$t; fi
    done
    echo "$bestt"
}

run_cat() { cat "$W"/logs/*.json >/dev/null; }
run_isms() { "$ISMS" logs scan "$W/logs" --json >"$W/isms.json" || [ $? = 1 ]; }
JQ_FILTER='.Records[]
  | (.userIdentity.type == "Root" and .userIdentity.invokedBy == null
       and .eventType != "AwsServiceEvent") as $root
  | (.eventName == "ConsoleLogin" and .responseElements.ConsoleLogin == "Success"
       and .additionalEventData.MFAUsed == "No"
       and ((.userIdentity.type // "") | IN("SAMLUser", "WebIdentityUser", "AssumedRole", "FederatedUser") | not)
       and (.userIdentity.sessionContext.sessionIssuer // {} | length) == 0) as $nomfa
  | (if $root then "root_account_usage" else empty end), (if $nomfa then "console_login_without_mfa" else empty end)'
run_jq() { jq -r "$JQ_FILTER" "$W"/logs/*.json >"$W/jq.txt"; }

T_CAT=$(best run_cat)
T_ISMS=$(best run_isms)
printf '%-28s %8ss %8s MB/s\n' "cat > /dev/null" "$T_CAT" "$(rate "$T_CAT")"
printf '%-28s %8ss %8s MB/s   (%.0f%% of cat)\n' "isms logs scan --json" "$T_ISMS" "$(rate "$T_ISMS")" \
    "$(awk -v a="$T_CAT" -v b="$T_ISMS" 'BEGIN { print 100 * a / b }')"

# max RSS of isms: GNU time when present, else the peak (VmHWM) polled from /proc
if [ -x /usr/bin/time ] && /usr/bin/time -v true 2>/dev/null; then
    RSS=$( { /usr/bin/time -v "$ISMS" logs scan "$W/logs" --json >/dev/null; } 2>&1 | awk '/Maximum resident/ { print $NF }')
else
    "$ISMS" logs scan "$W/logs" --json >/dev/null &
    pid=$!
    RSS=0
    while kill -0 "$pid" 2>/dev/null; do
        v=$(awk '/VmHWM/ { print $2 }' "/proc/$pid/status" 2>/dev/null || true)
        [ -n "$v" ] && RSS=$v
        sleep 0.01
    done
    wait "$pid" || true
fi
echo "isms max RSS: $((RSS / 1024)) MB ($RSS kB) for $((BYTES / 1048576)) MB of logs"

counts() { python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
c = {}
for f in d["findings"]:
    c[f["rule"]] = c.get(f["rule"], 0) + f["count"]
print("root_account_usage=%d console_login_without_mfa=%d events=%d failed=%d" % (
    c.get("root_account_usage", 0), c.get("console_login_without_mfa", 0), d["events"], len(d["files_failed"])))' "$1"; }
echo "isms found: $(counts "$W/isms.json")"

if [ -z "${BENCH_CT_NO_JQ:-}" ]; then
    t0=$(now); run_jq; t1=$(now)
    T_JQ=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
    printf '%-28s %8ss %8s MB/s\n' "jq (root + no-MFA login)" "$T_JQ" "$(rate "$T_JQ")"
    echo "jq found:   root_account_usage=$(grep -c '^root_account_usage$' "$W/jq.txt" || true) console_login_without_mfa=$(grep -c '^console_login_without_mfa$' "$W/jq.txt" || true)"
    printf 'speedup of isms over jq: %.1fx\n' "$(awk -v a="$T_JQ" -v b="$T_ISMS" 'BEGIN { print a / b }')"
fi
