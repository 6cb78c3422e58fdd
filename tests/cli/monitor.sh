#!/bin/bash
# Continuous monitoring: alerts when evidence goes stale, sent once to a webhook (JSON or Slack
# body), retried with backoff when the receiver fails, never blocking the scan.
. "$(dirname "$0")/lib.sh"
# The host checks always run; point them at a hardened fixture tree so they pass.
export ISMS_HOST_ROOT="$FIXTURES/host/hardened"
HOOKS="$T/hooks.jsonl"
start_hook() { # FAIL_FIRST
    rm -f "$T/port"
    FAIL_FIRST=$1 python3 "$(dirname "$0")/../fakeapi/webhook.py" "$HOOKS" > "$T/port" &
    HOOK=$!
    for _ in $(seq 50); do [ -s "$T/port" ] && break; sleep 0.1; done
    PORT=$(head -1 "$T/port")
}
trap 'kill $HOOK 2>/dev/null; rm -rf "$T"' EXIT
expect_rc 0 isms init --org "Acme"
printf 'user,decision\n' > "$T/review.csv"
expect_rc 0 isms evidence add "$T/review.csv" --controls A.5.15,A.5.18 --type access_review --description "Q1 access review" --collected 2025-01-02
expect_rc 0 isms evidence add "$T/review.csv" --controls A.8.5 --type policy --description "Fresh policy"

start_hook 0
expect_rc 0 isms monitor run --once --webhook "http://127.0.0.1:$PORT/hook"
contains "$ERR" "1 alert(s) delivered" "one alert delivered"
equals "$(wc -l < "$HOOKS")" "1" "one POST received"
L=$(head -1 "$HOOKS")
equals "$(jget "$L" 'd["content_type_ok"]')" "true" "sent as JSON"
equals "$(jget "$L" 'd["body"]["kind"]')" "evidence_stale" "alert kind"
contains "$(jget "$L" 'd["body"]["text"]')" "A.5.15,A.5.18" "the alert names the controls"
expect_rc 0 isms monitor run --once --webhook "http://127.0.0.1:$PORT/hook"
equals "$(wc -l < "$HOOKS")" "1" "each alert is sent once"
expect_rc 0 isms monitor alerts --json
equals "$(jget "$OUT" '[a["delivered_at"] is not None for a in d]')" "[true]" "recorded as delivered"
kill $HOOK; wait $HOOK 2>/dev/null

# A receiver that fails twice: the alert is retried with backoff until it gets through.
: > "$HOOKS"
expect_rc 0 isms --db "$T/two.db" init --org "Acme"
expect_rc 0 isms --db "$T/two.db" evidence add "$T/review.csv" --controls A.5.15 --type access_review --description "old" --collected 2025-01-02
start_hook 2
expect_rc 0 env ISMS_ALERT_RETRY_S=1 "$ISMS" --db "$T/two.db" monitor run --once --slack --webhook "http://127.0.0.1:$PORT/hook"
equals "$(wc -l < "$HOOKS")" "1" "delivered after the failures"
equals "$(jget "$(head -1 "$HOOKS")" 'sorted(d["body"].keys())')" '["text"]' "Slack-compatible body"
expect_rc 0 isms --db "$T/two.db" monitor alerts --json
equals "$(jget "$OUT" 'd[0]["attempts"]')" "3" "two failed attempts, then success"
kill $HOOK; wait $HOOK 2>/dev/null

# A receiver that is down: the scan still finishes promptly; the alert waits in the outbox.
expect_rc 0 isms --db "$T/three.db" init --org "Acme"
expect_rc 0 isms --db "$T/three.db" evidence add "$T/review.csv" --controls A.5.15 --type access_review --description "old" --collected 2025-01-02
start=$(date +%s)
expect_rc 0 env ISMS_ALERT_RETRY_S=60 "$ISMS" --db "$T/three.db" monitor run --once --webhook "http://127.0.0.1:9/hook"
CHECKS=$((CHECKS + 1)); [ $(( $(date +%s) - start )) -le 20 ] || fail "an unreachable webhook held the monitor up"
expect_rc 0 isms --db "$T/three.db" monitor alerts --json
equals "$(jget "$OUT" 'd[0]["delivered_at"]')" "null" "still pending"
contains "$(jget "$OUT" 'd[0]["last_error"]')" "127.0.0.1:9" "the failure is recorded, naming the receiver"

# A stalled AWS endpoint (accepts, never answers): one timeout for the whole cycle, then the other
# AWS checks of the cycle are errors saying AWS did not answer, without waiting again.
python3 -c 'import socket,time
s=socket.socket(); s.bind(("127.0.0.1",0)); s.listen(64); print(s.getsockname()[1], flush=True); time.sleep(300)' \
    > "$T/stall-port" &
STALL=$!
trap 'kill $HOOK $STALL 2>/dev/null; rm -rf "$T"' EXIT
for _ in $(seq 50); do [ -s "$T/stall-port" ] && break; sleep 0.1; done
start=$(date +%s)
expect_rc 1 env AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY=secret AWS_REGION=eu-west-1 \
    AWS_ENDPOINT_URL="http://127.0.0.1:$(head -1 "$T/stall-port")" ISMS_HTTP_TIMEOUT_MS=1000 \
    "$ISMS" --db "$T/three.db" monitor run --once --json aws
CHECKS=$((CHECKS + 1)); [ $(( $(date +%s) - start )) -le 10 ] || fail "a stalled AWS endpoint held the monitor cycle up"
equals "$(printf '%s\n' "$OUT" | grep -c '"status":"error"')" "9" "every AWS check of the cycle is an error"
equals "$(printf '%s\n' "$OUT" | grep -c 'not run: AWS did not answer earlier in this run')" "8" \
    "the checks after the first say AWS did not answer"
kill $STALL 2>/dev/null

expect_rc 2 isms monitor run --once --webhook "ftp://example/hook"
contains "$ERR" "http" "only http(s) webhooks"
expect_rc 2 isms monitor run --once --interval 0
finish
