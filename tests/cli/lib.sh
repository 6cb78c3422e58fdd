# Shared helpers for the black-box CLI tests. Each test sources this, gets its own workspace in
# a temp directory ($T, removed on exit) and calls `isms` (the binary under test, $ISMS).
set -u
: "${ISMS:?set ISMS to the isms binary}"
: "${FIXTURES:=$(cd "$(dirname "$0")/../fixtures" && pwd)}"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export ISMS_DB="$T/isms.db"
export ISMS_USER=tester
FAILS=0
CHECKS=0

isms() { "$ISMS" "$@"; }

fail() { echo "FAIL: $*" >&2; FAILS=$((FAILS + 1)); }

# expect_rc CODE CMD...: run CMD, keep stdout in $OUT and stderr in $ERR, check the exit code.
expect_rc() {
    want=$1; shift
    CHECKS=$((CHECKS + 1))
    "$@" >"$T/.out" 2>"$T/.err"
    got=$?
    OUT=$(cat "$T/.out"); ERR=$(cat "$T/.err")
    if [ "$got" != "$want" ]; then
        fail "exit $got (wanted $want): $*"
        printf '  stdout: %s\n  stderr: %s\n' "$(head -c 600 "$T/.out")" "$(head -c 600 "$T/.err")" >&2
        return 1
    fi
    if grep -q -e 'AddressSanitizer' -e 'runtime error' -e 'LeakSanitizer' "$T/.err"; then
        fail "sanitizer report: $*"; cat "$T/.err" >&2; return 1
    fi
    return 0
}

# contains HAYSTACK NEEDLE WHAT (an empty needle is in everything: a failure, not a pass)
contains() {
    CHECKS=$((CHECKS + 1))
    [ -n "$2" ] || { fail "$3: nothing to look for (the expected text is empty)"; return 1; }
    case "$1" in *"$2"*) return 0 ;; esac
    fail "$3: expected to find '$2' in: $(printf %s "$1" | head -c 400)"
    return 1
}

not_contains() {
    CHECKS=$((CHECKS + 1))
    case "$1" in *"$2"*) fail "$3: did not expect '$2' in: $(printf %s "$1" | head -c 400)"; return 1 ;; esac
    return 0
}

equals() {
    CHECKS=$((CHECKS + 1))
    [ "$1" = "$2" ] && return 0
    fail "$3: got '$1', wanted '$2'"
    return 1
}

# jget JSON EXPR: evaluate the Python expression EXPR on JSON (as d) with python3 (no jq needed).
# JSON that does not parse or an expression that fails is a failed check (counted by finish, as jget
# runs in a subshell), and answers a text no expected value equals.
jget() {
    printf '%s' "$1" | JGET_FAILURES="$T/.jget-failures" python3 -c 'import json,os,sys
try:
    d=json.load(sys.stdin); v=eval(sys.argv[1],{"d":d,"len":len,"sum":sum,"any":any,"all":all,"sorted":sorted,"set":set})
except Exception as e:
    with open(os.environ["JGET_FAILURES"], "a") as f: f.write("jget %s: %s: %s\n" % (sys.argv[1], type(e).__name__, e))
    print("(jget failed: %s)" % sys.argv[1]); sys.exit(1)
print(json.dumps(v) if isinstance(v,(dict,list,bool)) or v is None else v)' "$2"
}

finish() {
    if [ -s "$T/.jget-failures" ]; then
        while read -r line; do CHECKS=$((CHECKS + 1)); fail "$line"; done < "$T/.jget-failures"
    fi
    if [ "$FAILS" -ne 0 ]; then
        echo "$(basename "$0"): $FAILS of $CHECKS checks failed" >&2
        exit 1
    fi
    echo "$(basename "$0"): $CHECKS checks passed"
    exit 0
}
