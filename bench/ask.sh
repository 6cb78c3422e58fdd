#!/bin/sh
# Times `isms ask` (the FTS5 index is built in memory from the catalog at every call) beside a
# named baseline in the same run: `isms control show A.5.23`, which loads the same catalog and
# prints the same guidance without an index. The target is under 20 ms per question.
#   ISMS   binary to time (default build/isms)
# Run from the repository root. Prints hyperfine's figures, then mean per command and the verdict.
set -eu
ISMS=${ISMS:-build/isms}
[ -x "$ISMS" ] || { echo "no isms binary at $ISMS (make build/isms, or set ISMS)" >&2; exit 2; }
if ! command -v hyperfine >/dev/null 2>&1; then
    echo "bench: installing hyperfine (Debian package)"
    [ "$(id -u)" = 0 ] && SUDO= || SUDO=sudo
    $SUDO apt-get install -y -qq hyperfine >/dev/null
fi
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
unset ISMS_LLM_URL # the optional LLM call is not what is measured

hyperfine -N --warmup 5 --min-runs 50 --export-json "$W/ask.json" \
    -n "baseline: isms control show A.5.23" "$ISMS control show A.5.23" \
    -n "isms ask (id + intent)" "$ISMS ask 'what evidence do I need for A.5.23?'" \
    -n "isms ask (2013 id)" "$ISMS ask A.9.4.2" \
    -n "isms ask (free text, BM25)" "$ISMS ask 'how often should we review user access rights'" \
    -n "isms ask --json --limit 50" "$ISMS ask 'cloud backup logging encryption' --json --limit 50"

echo
python3 - "$W/ask.json" <<'EOF'
import json, sys
res = json.load(open(sys.argv[1]))["results"]
base = res[0]["mean"]
worst = 0.0
print("%-36s %9s %9s %9s %10s" % ("command", "mean ms", "min ms", "max ms", "vs base"))
for r in res:
    print("%-36s %9.2f %9.2f %9.2f %+9.2f ms" % (r["command"], r["mean"] * 1e3, r["min"] * 1e3, r["max"] * 1e3,
                                                (r["mean"] - base) * 1e3))
    if r["command"].startswith("isms ask"):
        worst = max(worst, r["mean"])
print("\nslowest isms ask: %.2f ms mean (target < 20 ms): %s" % (worst * 1e3, "ok" if worst < 0.020 else "TOO SLOW"))
sys.exit(0 if worst < 0.020 else 1)
EOF
