#!/bin/bash
# One JSON shape per entity: `isms X show ID --json` and `GET /api/v1/X/ID` are the same document,
# for every entity that has both.
. "$(dirname "$0")/http_lib.sh"
http_users
expect_rc 0 isms policy generate --all
expect_rc 0 isms audit plan --scope "9.2,A.5.23" --auditor "Internal Auditor" --start 2026-11-02
expect_rc 0 isms audit finding 1 --type minor --ref A.5.23 --description "Register incomplete"
expect_rc 0 isms action add --finding 1 --actions "Complete it" --owner IT --due 2027-01-15 --root-cause "No owner"
expect_rc 0 isms review record --date 2026-11-20 --attendees "CEO, CISO" --decisions "Fund the SIEM"
printf 'register\n' > "$T/ev.txt"
expect_rc 0 isms evidence add "$T/ev.txt" --controls A.5.23 --description "Cloud register"
EV=$OUT
http_start --quiet

# same CLI_ARGS... -- API_PATH: the CLI's --json and the API's answer, compared as JSON
same() {
    local args=() api
    while [ "$1" != "--" ]; do args+=("$1"); shift; done
    api=$2
    expect_rc 0 isms "${args[@]}" --json
    printf '%s' "$OUT" > "$T/cli.json"
    req GET "$api" "$TOK_viewer"
    code_is 200 "GET $api"
    printf '%s' "$BODY" > "$T/api.json"
    CHECKS=$((CHECKS + 1))
    python3 - "$T/cli.json" "$T/api.json" <<'PY' || fail "isms ${args[*]} --json and GET $api differ"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
def diff(x, y, at=""):
    if type(x) != type(y):
        return [f"{at or '/'}: {json.dumps(x)[:80]} vs {json.dumps(y)[:80]}"]
    if isinstance(x, dict):
        out = [f"{at}/{k}: only in the CLI" for k in x if k not in y] + [f"{at}/{k}: only in the API" for k in y if k not in x]
        for k in x:
            if k in y:
                out += diff(x[k], y[k], f"{at}/{k}")
        return out
    if isinstance(x, list):
        if len(x) != len(y):
            return [f"{at}: {len(x)} items vs {len(y)}"]
        return [d for i in range(len(x)) for d in diff(x[i], y[i], f"{at}/{i}")]
    return [] if x == y else [f"{at}: {json.dumps(x)[:80]} vs {json.dumps(y)[:80]}"]
d = diff(a, b)
for line in d[:20]:
    print("  " + line, file=sys.stderr)
sys.exit(1 if d else 0)
PY
}

same org show -- /api/v1/org
same asset show 1 -- /api/v1/assets/1
same risk show 1 -- /api/v1/risks/1
same soa show A.5.23 -- /api/v1/soa/A.5.23
same control show A.5.23 -- /api/v1/controls/A.5.23
same control show 9.2 -- /api/v1/clauses/9.2
same evidence show "$EV" -- "/api/v1/evidence/$EV"
same policy show access-control -- /api/v1/policies/access-control
same person show 1 -- /api/v1/people/1
same supplier show 1 -- /api/v1/suppliers/1
same incident show 1 -- /api/v1/incidents/1
same objective show 1 -- /api/v1/objectives/1
same audit show 1 -- /api/v1/audits/1
same action show 1 -- /api/v1/actions/1
same review show 1 -- /api/v1/reviews/1
finish
