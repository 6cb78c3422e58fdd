#!/bin/bash
# isms ask: answers from the built-in guidance, ids in every form, hostile input, --json, and the
# optional LLM draft against a local fake endpoint (tests/fakeapi/llm.py), with its fallbacks.
. "$(dirname "$0")/lib.sh"
unset ISMS_LLM_URL ISMS_LLM_MODEL ISMS_LLM_API_KEY ISMS_LLM_TIMEOUT_MS
export NO_PROXY=127.0.0.1 no_proxy=127.0.0.1 # the fake endpoint is local, whatever proxy is set
REQS="$T/llm.jsonl"
LLM=
start_llm() { # [EXPECT_KEY]
    rm -f "$T/port"
    EXPECT_KEY=${1:-} python3 "$(dirname "$0")/../fakeapi/llm.py" "$REQS" >"$T/port" 2>"$T/llm.err" &
    LLM=$!
    for _ in $(seq 50); do [ -s "$T/port" ] && break; sleep 0.1; done
    PORT=$(head -1 "$T/port")
}
stop_llm() { [ -n "$LLM" ] && kill "$LLM" 2>/dev/null; wait "$LLM" 2>/dev/null; LLM=; }
trap 'stop_llm; rm -rf "$T"' EXIT
nreqs() { if [ -f "$REQS" ]; then wc -l <"$REQS" | tr -d ' '; else echo 0; fi; }

# --- the questions of the issue ---
expect_rc 0 isms ask "what evidence do I need for A.5.23?"
contains "$OUT" "A.5.23 Information security for use of cloud services" "top hit named"
contains "$OUT" "Evidence an auditor accepts [A.5.23 evidence]:" "evidence cited first"
contains "$OUT" "  - Shared responsibility matrix per provider" "evidence items listed"
contains "$OUT" "[A.5.23 findings]" "the full guidance of the top hit"
contains "$OUT" "Related guidance:" "related passages"
equals "$(printf '%s\n' "$OUT" | grep -m1 '\[A\.' )" "Evidence an auditor accepts [A.5.23 evidence]:" "evidence is the first section"

expect_rc 0 isms ask "annex a 8.24 how to implement"
contains "$OUT" "A.8.24 Use of cryptography" "annex a form"
equals "$(printf '%s\n' "$OUT" | grep -m1 '\[A\.' )" "How to implement it [A.8.24 implement]:" "implementation first"

expect_rc 0 isms ask "A.9.4.2"
contains "$OUT" "A.9.4.2 (2013) is A.8.5 in 2022." "2013 id mapped and said so"
contains "$OUT" "A.8.5 Secure authentication" "mapped control shown"
expect_rc 0 isms ask "what replaced 18.2.3"
contains "$OUT" "A.18.2.3 (2013) is A.5.36 and A.8.8 in 2022." "one 2013 id to two"

expect_rc 0 isms ask "clause 9.3 what documents"
contains "$OUT" "Clause 9.3 Management review" "clause named"
equals "$(printf '%s\n' "$OUT" | grep -m1 '\[9\.3' )" "Documents and records that prove it [9.3 evidence]:" "documents first"
contains "$OUT" "Signed or approved minutes with decisions" "clause evidence"

expect_rc 0 isms ask "how often should we review user access rights"
contains "$(printf '%s\n' "$OUT" | head -1)" "A.5.18 Access rights" "free text finds access rights"
contains "$OUT" "quarterly" "review frequency in the answer"

# unquoted words are one question
expect_rc 0 isms ask what evidence for 5.23
contains "$OUT" "[A.5.23 evidence]" "words joined"
expect_rc 0 isms ask "backup restore tests" --limit 1 --json
equals "$(jget "$OUT" 'len(d["passages"])')" "1" "--limit"
equals "$(jget "$OUT" 'd["passages"][0]["id"]')" "A.8.13" "backups"

# --- --json shape ---
expect_rc 0 isms ask "what evidence do I need for A.5.23?" --json
equals "$(jget "$OUT" 'sorted(d.keys())')" '["answer", "ids_recognized", "intent", "mapped_from_2013", "model", "passages", "question"]' "json keys"
equals "$(jget "$OUT" 'd["question"]')" "what evidence do I need for A.5.23?" "question echoed"
equals "$(jget "$OUT" 'd["ids_recognized"]')" '["A.5.23"]' "ids"
equals "$(jget "$OUT" 'd["intent"]')" "evidence" "intent"
equals "$(jget "$OUT" 'd["answer"]')" "null" "no answer without an LLM"
equals "$(jget "$OUT" 'len(d["passages"])')" "6" "default limit"
equals "$(jget "$OUT" 'sorted(d["passages"][0].keys())')" '["id", "kind", "match", "score", "text", "title"]' "passage keys"
equals "$(jget "$OUT" '[d["passages"][0][k] for k in ("id","kind","match","score")]')" '["A.5.23", "evidence", "id", null]' "first passage by id"
equals "$(jget "$OUT" 'all(isinstance(p["score"], float) and p["score"] > 0 for p in d["passages"] if p["match"] == "text")')" "true" "ranked passages scored"
equals "$(jget "$OUT" 'any(p["match"] == "text" for p in d["passages"])')" "true" "related passages present"
expect_rc 0 isms ask "A.9.4.2" --json
equals "$(jget "$OUT" 'd["mapped_from_2013"]')" '[{"id_2013": "A.9.4.2", "id": "A.8.5"}]' "json 2013 mapping"
expect_rc 0 isms ask "what evidence do I need for cloud services?" --json
equals "$(jget "$OUT" '[d["passages"][0]["id"], d["passages"][0]["kind"], d["passages"][0]["match"]]')" '["A.5.23", "evidence", "text"]' "BM25 top hit"
equals "$(jget "$OUT" 'd["ids_recognized"]')" '[]' "no ids in free text"
expect_rc 0 isms ask "version 5.2.1 of our backup app" --json
equals "$(jget "$OUT" 'd["ids_recognized"]')" '[]' "a version is not an id"

# --- usage errors ---
expect_rc 2 isms ask
contains "$ERR" "give a question" "no question"
expect_rc 2 isms ask ""
contains "$ERR" "empty" "empty question"
expect_rc 2 isms ask "   "
expect_rc 2 isms ask "$(printf '\001\002\t')"
expect_rc 2 isms ask "x" --limit 0
expect_rc 2 isms ask "x" --limit 51
expect_rc 2 isms ask "x" --limit many
expect_rc 2 isms ask "x" --bogus
expect_rc 0 isms ask --help
contains "$OUT" "ISMS_LLM_URL" "help names the LLM option"

# --- hostile input ---
for q in '"NEAR(cloud services, 2)" OR title:* ^backup -malware (x' '{id title}: backup' 'body:cloud AND NOT "' \
         '* OR *' 'NEAR/2 -' "'; DROP TABLE p; --" '$(id) `id`' 'A.5.23") OR ("x' ')))(((' '"'; do
    expect_rc 0 isms ask --json -- "$q" || continue
    equals "$(jget "$OUT" 'isinstance(d["passages"], list)')" "true" "hostile: $q"
done
expect_rc 0 isms ask --json -- '"NEAR(cloud services, 2)" OR title:* ^backup -malware (x'
equals "$(jget "$OUT" 'd["passages"][0]["id"]')" "A.5.23" "FTS syntax read as words"
# 100 KB: refused with a clear message, nothing else printed
BIG=$(head -c 102400 /dev/zero | tr '\0' 'a')
expect_rc 2 isms ask "$BIG"
contains "$ERR" "too long: 102400 bytes, at most 4096" "long question refused"
equals "$OUT" "" "nothing on stdout for a refused question"
# just under the cap: answered
expect_rc 0 isms ask "$(head -c 4000 /dev/zero | tr '\0' 'b') backup"
# bad UTF-8 and control characters: dropped, the rest answered, JSON stays valid UTF-8
expect_rc 0 isms ask "$(printf 'backup \377\376 policy \303 \033[31m')" --json
equals "$(jget "$OUT" 'd["question"]')" "backup policy [31m" "bad bytes removed from the question"
equals "$(jget "$OUT" 'd["passages"][0]["id"]')" "A.8.13" "the rest still answered"
expect_rc 0 isms ask "$(printf '\377\376')x?!"
contains "$OUT" "No guidance matched" "nothing to search: said so"
not_contains "$OUT" "$(printf '\377')" "bad bytes not echoed"

# --- LLM draft against the fake endpoint ---
start_llm
# unset: nothing is sent, even with a model and key configured
ISMS_LLM_MODEL=m ISMS_LLM_API_KEY=k expect_rc 0 isms ask "what evidence do I need for A.5.23?"
equals "$(nreqs)" "0" "nothing sent without ISMS_LLM_URL"
ISMS_LLM_URL= expect_rc 0 isms ask "A.5.23"
equals "$(nreqs)" "0" "nothing sent with an empty ISMS_LLM_URL"

ISMS_LLM_URL="http://127.0.0.1:$PORT/v1/chat/completions" expect_rc 0 isms ask "what evidence do I need for A.5.23?"
contains "$OUT" "DRAFTED: keep the records" "drafted answer shown"
contains "$OUT" "[A.5.23]" "answer cites the id"
contains "$OUT" "(drafted by gpt-4o-mini from the sources below" "labelled as a draft"
contains "$OUT" "Sources:" "sources follow"
contains "$OUT" "[A.5.23 evidence] Information security for use of cloud services" "first source"
not_contains "$OUT" "$(printf '\033')" "escape sequences from the endpoint removed"
equals "$ERR" "" "no warning when the endpoint answers"
equals "$(nreqs)" "1" "one request"
REQ=$(tail -1 "$REQS")
equals "$(jget "$REQ" 'd["path"]')" "/v1/chat/completions" "posted to the URL given"
equals "$(jget "$REQ" 'd["content_type"]')" "application/json" "json content type"
equals "$(jget "$REQ" 'd["auth"]')" "null" "no Authorization without a key"
equals "$(jget "$REQ" 'd["body"]["model"]')" "gpt-4o-mini" "default model"
equals "$(jget "$REQ" '[m["role"] for m in d["body"]["messages"]]')" '["system", "user"]' "messages"
contains "$(jget "$REQ" 'd["body"]["messages"][1]["content"]')" "Question: what evidence do I need for A.5.23?" "question sent"
contains "$(jget "$REQ" 'd["body"]["messages"][1]["content"]')" "1. [A.5.23 evidence] Information security for use of cloud services: Cloud services policy" "passages sent"

ISMS_LLM_URL="http://127.0.0.1:$PORT/v1/chat/completions" ISMS_LLM_MODEL=local-test \
    expect_rc 0 isms ask "A.9.4.2" --json
equals "$(jget "$OUT" 'd["answer"].startswith("DRAFTED") and "[A.8.5]" in d["answer"]')" "true" "json answer"
equals "$(jget "$OUT" 'd["model"]')" "local-test" "json model"
equals "$(jget "$OUT" '"\u001b" in d["answer"]')" "false" "json answer cleaned"
REQ=$(tail -1 "$REQS")
equals "$(jget "$REQ" 'd["body"]["model"]')" "local-test" "ISMS_LLM_MODEL"
contains "$(jget "$REQ" 'd["body"]["messages"][1]["content"]')" "A.9.4.2 is an ISO 27001:2013 control; in 2022 it is A.8.5" "mapping told to the model"
stop_llm

start_llm sk-test-123
ISMS_LLM_URL="http://127.0.0.1:$PORT/v1/chat/completions" ISMS_LLM_API_KEY=sk-test-123 \
    expect_rc 0 isms ask "clause 9.3 what documents"
contains "$OUT" "DRAFTED" "answer with a key"
equals "$(jget "$(tail -1 "$REQS")" 'd["auth"]')" "Bearer sk-test-123" "key sent as a Bearer token"
not_contains "$OUT$ERR" "sk-test-123" "key never printed"
# a key with a line break could smuggle headers: refused, passages shown
ISMS_LLM_URL="http://127.0.0.1:$PORT/v1/chat/completions" ISMS_LLM_API_KEY="$(printf 'k\r\nX-Evil: 1')" \
    expect_rc 0 isms ask "A.5.23"
contains "$ERR" "line break" "header injection refused"

# --- fallbacks: a warning line on stderr, the passages on stdout, exit 0 ---
before=$(nreqs)
for path in fail garbage nocontent redirect big; do
    ISMS_LLM_URL="http://127.0.0.1:$PORT/$path" ISMS_LLM_API_KEY=sk-test-123 \
        expect_rc 0 isms ask "what evidence do I need for A.5.23?" || continue
    contains "$ERR" "isms: warning: no drafted answer" "fallback warning ($path)"
    equals "$(printf '%s\n' "$ERR" | wc -l | tr -d ' ')" "1" "one warning line ($path)"
    contains "$OUT" "Evidence an auditor accepts [A.5.23 evidence]:" "passages shown ($path)"
    not_contains "$OUT" "DRAFTED" "no draft ($path)"
done
equals "$(nreqs)" "$((before + 5))" "one request per attempt, no redirect followed"
ISMS_LLM_URL="http://127.0.0.1:$PORT/fail" expect_rc 0 isms ask "A.5.23"
contains "$ERR" "HTTP 500" "status named"
ISMS_LLM_URL="http://127.0.0.1:$PORT/fail" expect_rc 0 isms ask "A.5.23" --json
equals "$(jget "$OUT" 'd["answer"]')" "null" "json fallback"
ISMS_LLM_URL="http://127.0.0.1:$PORT/slow" ISMS_LLM_TIMEOUT_MS=500 expect_rc 0 isms ask "A.5.23"
contains "$ERR" "did not answer within 500 ms" "timeout"
contains "$OUT" "[A.5.23 purpose]" "passages after a timeout"
stop_llm
# nothing listening, and a scheme that is not http(s)
ISMS_LLM_URL="http://127.0.0.1:$PORT/v1/chat/completions" expect_rc 0 isms ask "A.5.23"
contains "$ERR" "could not be reached" "connection refused"
ISMS_LLM_URL="file:///etc/passwd" expect_rc 0 isms ask "A.5.23"
contains "$ERR" "no drafted answer" "file: URL refused"
not_contains "$OUT" "root:" "no local file read"
finish
