#!/bin/bash
# Cached answers stay right while the workspace changes under the server: a change made by the CLI
# (another process, beside the running server) or through the API shows at once in every answer
# that depends on it (the lists, the SoA, the gap analysis, the dashboard), while answers that do
# not depend on it stay as they were. (Which answers are served from the cache without being
# computed again is tests/unit/test_cache.c's.)
. "$(dirname "$0")/http_lib.sh"
export ISMS_TODAY=2026-11-30
http_users
http_start
session viewer

get() { req GET "$1" "$TOK_viewer"; code_is 200 "GET $1"; }
total() { jget "$1" 'd["total"]'; }
untreated() { printf '%s' "$1" | grep -o '[0-9]* risk(s) without a treatment decision' | head -1 | cut -d' ' -f1; }
card() { page viewer /; printf '%s' "$BODY" | sed -n 's/.*<div class="num">\([0-9]*\)<\/div><div>risks, \([0-9]*\) untreated.*/\1 \2/p'; }

# Every answer once, so that each is cached.
get /api/v1/assets; A0=$BODY
get /api/v1/risks; R0=$BODY
get /api/v1/soa; S0=$BODY
get /api/v1/controls; C0=$BODY
get /api/v1/gap; G0=$BODY
D0=$(card)
read -r RISKS0 UNTREATED0 <<< "$D0"
[ -n "$RISKS0" ] || fail "the dashboard shows the number of risks"

# A risk added by the CLI while the server runs.
expect_rc 0 isms risk add --title "Courier loses the backup tapes" --asset 3 --threat T01 --vulnerability V01 \
    --likelihood 3 --impact 4 --owner "Tom Okafor"
get /api/v1/risks
equals "$(total "$BODY")" "$(($(total "$R0") + 1))" "the risk list counts the CLI's new risk"
req GET "/api/v1/risks?offset=$(($(total "$R0")))" "$TOK_viewer"
contains "$BODY" "Courier loses the backup tapes" "the risk list shows it"
get /api/v1/assets
equals "$(jget "$BODY" '[a["risks"] for a in d["items"] if a["id"] == 3][0]')" \
    "$(($(jget "$A0" '[a["risks"] for a in d["items"] if a["id"] == 3][0]') + 1))" "its asset's risk count"
get /api/v1/gap
equals "$(untreated "$BODY")" "$(($(untreated "$G0") + 1))" "the gap analysis counts it untreated"
equals "$(card)" "$((RISKS0 + 1)) $((UNTREATED0 + 1))" "the dashboard counts it"
get /api/v1/soa
equals "$BODY" "$S0" "the SoA is as it was"
get /api/v1/controls
equals "$BODY" "$C0" "the catalog is as it was"

# Its treatment links a control: the SoA lists the risk under it.
expect_rc 0 isms risk list --json
RID=$(jget "$OUT" '[r["id"] for r in d if r["title"].startswith("Courier")][0]')
expect_rc 0 isms risk treat "$RID" --option mitigate --controls A.8.13 --residual-likelihood 1 --residual-impact 4 \
    --owner "Tom Okafor" --due 2026-12-15 --plan "Encrypted tapes"
get /api/v1/soa
contains "$(jget "$BODY" '[e["risks"] for e in d["items"] if e["id"] == "A.8.13"][0]')" "R$RID" "the SoA shows the new link"
get /api/v1/gap
equals "$(untreated "$BODY")" "$(untreated "$G0")" "the gap analysis no longer counts it untreated"
get "/api/v1/risks/$RID"
equals "$(jget "$BODY" 'd["treatment"]')" "mitigate" "the risk shows its treatment"

# An asset renamed by the CLI: the risks on it show the new name; its new owner is in the asset list.
R1=$(curl -s -H "Authorization: Bearer $TOK_viewer" "$URL/api/v1/risks")
expect_rc 0 isms asset edit 3 --owner "Facilities"
get /api/v1/risks
equals "$BODY" "$R1" "a new owner of an asset changes no risk"
get /api/v1/assets
equals "$(jget "$BODY" '[a["owner"] for a in d["items"] if a["id"] == 3][0]')" "Facilities" "the asset list shows the owner"
expect_rc 0 isms asset edit 3 --name "HR records (archive)"
get "/api/v1/risks/$RID"
equals "$(jget "$BODY" 'd["asset"]')" "HR records (archive)" "the risk shows its asset's new name"

# Through the API too, and deleted again.
req POST /api/v1/assets "$TOK_editor" '{"name":"Tape library","type":"hardware","owner":"IT","classification":"internal"}'
code_is 201 "an asset added through the API"
AID=$(jget "$BODY" 'd["id"]')
get /api/v1/assets
equals "$(total "$BODY")" "$(($(total "$A0") + 1))" "the asset list counts it"
req DELETE "/api/v1/assets/$AID" "$TOK_editor"
code_is 204 "and deleted"
get /api/v1/assets
equals "$(total "$BODY")" "$(total "$A0")" "the asset list no longer counts it"

finish
