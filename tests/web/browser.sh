#!/bin/bash
# Runs every tests/web/*.mjs browser test against a real `isms serve` on 127.0.0.1 with a demo workspace.
. "$(dirname "$0")/../cli/lib.sh"
DIR=$(cd "$(dirname "$0")" && pwd)
[ -x /usr/bin/chromium ] || { echo "browser.sh: Debian's chromium is not installed (make deps)"; exit 1; }
[ -d "$DIR/node_modules/playwright-core" ] || { echo "browser.sh: playwright-core is not installed (make deps)"; exit 1; }
ARTIFACTS=${ARTIFACTS:-$(cd "$DIR/../.." && pwd)/build/test-artifacts}
mkdir -p "$ARTIFACTS"
expect_rc 0 isms demo
printf 'browser test password\n' > "$T/pw"
expect_rc 0 isms user add --name lead --role editor < "$T/pw"
"$ISMS" serve --listen 127.0.0.1:0 --quiet >"$T/serve.out" 2>"$T/serve.err" &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; rm -rf "$T"' EXIT
for _ in $(seq 50); do grep -q http "$T/serve.out" 2>/dev/null && break; sleep 0.1; done
URL=$(sed -n 's/.* at \(http[^ ]*\) .*/\1/p' "$T/serve.out")
for t in "$DIR"/*.mjs; do
    CHECKS=$((CHECKS + 1))
    # browser.mjs turns on two-factor for "lead": every other test logs in as an editor of its own
    u=lead
    if [ "$(basename "$t")" != browser.mjs ]; then
        u=$(basename "$t" .mjs)
        expect_rc 0 isms user add --name "$u" --role editor < "$T/pw"
    fi
    if URL=${URL%/} WEB_USER=$u WEB_PASSWORD='browser test password' ARTIFACTS="$ARTIFACTS" \
        node "$t"; then :; else fail "browser test $(basename "$t")"; fi
done
kill -TERM $SERVER; wait $SERVER
grep -q -e AddressSanitizer -e "runtime error" "$T/serve.err" && fail "sanitizer report: $(cat "$T/serve.err")"
echo "screenshots in $ARTIFACTS"
finish
