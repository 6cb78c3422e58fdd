#!/bin/bash
# isms mcp: the official MCP TypeScript SDK client drives the real binary (mcp_sdk.mjs), then raw
# JSON-RPC lines that no SDK would send: malformed JSON, batches, wrong shapes, oversized messages.
. "$(dirname "$0")/../cli/lib.sh"
DIR=$(cd "$(dirname "$0")" && pwd)
[ -d "$DIR/node_modules/@modelcontextprotocol/sdk" ] || { echo "mcp.sh: @modelcontextprotocol/sdk is not installed (make deps)"; exit 1; }
expect_rc 0 isms demo
expect_rc 0 isms policy generate --all
printf 'Cloud service register: AWS, GitHub, Google Workspace\n' > "$T/register.txt"

CHECKS=$((CHECKS + 1))
if ISMS="$ISMS" DB="$ISMS_DB" EVIDENCE="$T/register.txt" node "$DIR/mcp_sdk.mjs"; then :; else fail "mcp_sdk.mjs"; fi

# Raw lines: each bad message gets its JSON-RPC error and the server goes on to the next.
big=$(head -c 5000000 /dev/zero | tr '\0' 'a')
{
    echo 'not json at all'
    echo '[{"jsonrpc":"2.0","id":1,"method":"ping"}]'
    echo '{"id":2,"method":"ping"}'
    echo '{"jsonrpc":"2.0","id":{"x":1},"method":"ping"}'
    echo '{"jsonrpc":"2.0","id":3,"method":"ping","params":[1]}'
    echo '{"jsonrpc":"2.0","id":4,"method":"no/such"}'
    echo '{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"gap","arguments":[1]}}'
    echo '{"jsonrpc":"2.0","id":6,"method":"tools/call","params":{}}'
    printf '{"jsonrpc":"2.0","id":7,"method":"ping","params":{"pad":"%s"}}\n' "$big"
    printf '\001\002\377\376\n'
    echo '{"jsonrpc":"2.0","id":8,"method":"ping","id":9}'
    echo '{"jsonrpc":"2.0","method":"notifications/initialized"}'
    echo '{"jsonrpc":"2.0","id":99,"result":{}}'
    echo ''
    echo '{"jsonrpc":"2.0","id":"last","method":"ping"}'
} > "$T/raw.in"
"$ISMS" mcp < "$T/raw.in" > "$T/raw.out" 2> "$T/raw.err"
rc=$?
CHECKS=$((CHECKS + 1)); [ $rc -eq 0 ] || fail "mcp exits 0 at the end of its input, not $rc"
python3 - "$T/raw.out" <<'EOF' || fail "raw JSON-RPC answers: $(head -c 2000 "$T/raw.out")"
import json, sys
lines = open(sys.argv[1]).read().splitlines()
got = [json.loads(l) for l in lines]          # every answer is one JSON line
codes = [(m.get("id"), m.get("error", {}).get("code")) for m in got]
want = [(None, -32700), (None, -32600), (2, -32600), (None, -32600), (3, -32600), (4, -32601),
        (5, -32602), (6, -32602), (None, -32600), (None, -32700), (None, -32700), ("last", None)]
assert codes == want, codes
assert "batches" in got[1]["error"]["message"]
assert "larger than" in got[8]["error"]["message"]
assert got[-1]["result"] == {}
print(f"raw: {len(got)} answers as expected")
EOF
CHECKS=$((CHECKS + 1))
grep -q -e AddressSanitizer -e "runtime error" "$T/raw.err" && fail "sanitizer report: $(cat "$T/raw.err")"

# A client that stops reading ends the server with an error, not a crash.
yes '{"jsonrpc":"2.0","id":1,"method":"tools/list"}' | head -2000 | "$ISMS" mcp 2> "$T/pipe.err" | head -c 100 > /dev/null
CHECKS=$((CHECKS + 1))
grep -q -e AddressSanitizer -e "runtime error" "$T/pipe.err" && fail "sanitizer report: $(cat "$T/pipe.err")"

# The role is viewer or editor; a missing workspace is a clear error before anything is served.
expect_rc 2 isms mcp --role admin
contains "$ERR" "viewer" "roles named"
expect_rc 2 isms --db "$T/none.db" mcp < /dev/null
contains "$ERR" "no workspace" "missing workspace named"
finish
