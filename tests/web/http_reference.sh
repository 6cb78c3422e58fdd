#!/bin/bash
# The asset CSV import, the risk library and methodology, the treatment plan, the evidence types
# and the evidence integrity check over HTTP: roles, behaviour as the CLI's, hostile uploads.
. "$(dirname "$0")/http_lib.sh"
A="$FIXTURES/assets"
http_users
http_start

least() {
    case "$1 $2" in
        "PUT /api/v1/risk-method") echo admin ;;
        GET*) echo viewer ;;
        *) echo editor ;;
    esac
}
body_for() { case "$1 $2" in "PUT /api/v1/risk-method") echo '{"appetite":6}' ;; *) echo '{}' ;; esac; }
path_for() { echo "$2"; }
role_matrix <<< "$(api_routes reference | grep -v asset-import)"

# The import is a multipart upload: roles by hand.
import() { # TOKEN FILE [NAME]: posts FILE as the field "file"; sets CODE and BODY
    CODE=$(curl -s -o "$T/body" -w '%{http_code}' ${1:+-H "Authorization: Bearer $1"} \
        -F "file=@$2;filename=${3:-$(basename "$2")}" "$URL/api/v1/asset-import"); BODY=$(cat "$T/body")
}
import "" "$A/good.csv"; code_is 401 "an import without a token"
import "$TOK_viewer" "$A/good.csv"; code_is 403 "a viewer cannot import"
import "$TOK_auditor" "$A/good.csv"; code_is 403 "an auditor cannot import"
req GET /api/v1/assets "$TOK_viewer"; before=$(jget "$BODY" 'd["total"]')
import "$TOK_editor" "$A/good.csv"; code_is 201 "an editor imports the good file"
equals "$(jget "$BODY" 'd["imported"]')" "4" "four rows imported"
req GET "/api/v1/assets?q=Payroll%20data" "$TOK_viewer"
equals "$(jget "$BODY" '[d["items"][0]["type"], d["items"][0]["availability"]]')" '["information", 1]' "values as the CLI reads them"
import "$TOK_admin" "$A/good.csv"; code_is 422 "importing the same names again"
contains "$(jget "$BODY" 'd["error"]["problems"][0]')" "already exists" "the duplicate is named"
import "$TOK_editor" "$A/bad.csv"; code_is 422 "a file with bad rows"
equals "$(jget "$BODY" 'd["error"]["code"]')" "invalid" "error code"
contains "$(jget "$BODY" 'd["error"]["message"]')" "nothing was imported" "all or nothing"
contains "$(jget "$BODY" '" | ".join(d["error"]["problems"])')" "line 3, column 2" "problems by line and column"
import "$TOK_editor" "$A/badheader.csv"; code_is 422 "a bad header"
contains "$BODY" "required column" "a missing column is named"
import "$TOK_editor" "$A/unterminated.csv"; code_is 422 "an unterminated quote"
: > "$T/empty.csv"; import "$TOK_editor" "$T/empty.csv"; code_is 422 "an empty file"
contains "$BODY" "empty" "the empty file is named"
import "$TOK_editor" "$A/good.csv" "../../etc/x.csv"; code_is 422 "a file name with a path"
printf 'name,type,owner,classification\nx\x00y,software,o,internal\n' > "$T/nul.csv"
import "$TOK_editor" "$T/nul.csv"; code_is 422 "a NUL byte in the CSV"
python3 -c 'import sys; sys.stdout.write("name,type,owner,classification\n" + "".join("Asset %d,software,IT,internal\n" % i for i in range(3000)))' > "$T/many.csv"
import "$TOK_editor" "$T/many.csv"; code_is 201 "3000 rows in one upload"
equals "$(jget "$BODY" 'd["imported"]')" "3000" "every row of a larger file"
CODE=$(curl -s -o "$T/body" -w '%{http_code}' -H "Authorization: Bearer $TOK_editor" -H 'Content-Type: application/json' \
    --data '{"file":"x"}' "$URL/api/v1/asset-import"); BODY=$(cat "$T/body")
code_is 415 "an import that is not multipart"
req GET /api/v1/assets "$TOK_viewer"
equals "$(jget "$BODY" 'd["total"]')" "$((before + 4 + 3000))" "refused imports left nothing behind"

# The same import from the browser, with the CSRF token and the problems listed on refusal.
session editor
page editor /assets; contains "$BODY" 'href="/assets/import"' "the inventory links to the import"
page editor /assets/import; code_is 200 "the import page"
contains "$BODY" 'enctype="multipart/form-data"' "an upload form"
CODE=$(curl -s -b "$T/jar.editor" -o "$T/body" -w '%{http_code}' -F "file=@$A/bad.csv" "$URL/assets/import"); BODY=$(cat "$T/body")
code_is 403 "an import form without the CSRF token"
CODE=$(curl -s -b "$T/jar.editor" -o "$T/body" -w '%{http_code}' -F "csrf=$CSRF_editor" -F "file=@$A/bad.csv" "$URL/assets/import"); BODY=$(cat "$T/body")
code_is 422 "the form refuses a bad file"
contains "$BODY" 'id="problems"' "the problems are listed"
contains "$BODY" "line 3, column 2" "each by line and column"
printf 'name,type,owner,classification\n<script>alert(1)</script>,spaceship,o,internal\n' > "$T/xss.csv"
CODE=$(curl -s -b "$T/jar.editor" -o "$T/body" -w '%{http_code}' -F "csrf=$CSRF_editor" -F "file=@$T/xss.csv" "$URL/assets/import"); BODY=$(cat "$T/body")
code_is 422 "a hostile file"
not_contains "$BODY" "<script>alert" "file content is escaped on the page"
printf 'name,type,owner,classification\nBrowser import,software,IT,internal\n' > "$T/one.csv"
CODE=$(curl -s -b "$T/jar.editor" -o "$T/body" -D "$T/h" -w '%{http_code}' -F "csrf=$CSRF_editor" -F "file=@$T/one.csv" "$URL/assets/import"); BODY=$(cat "$T/body")
code_is 303 "the form imports a good file"
contains "$(cat "$T/h")" "/assets?imported=1" "and says how many"
page editor "/assets?imported=1"; contains "$BODY" "Imported 1 asset(s)" "the inventory confirms it"
page editor "/assets?imported=%3Cb%3Elots"; not_contains "$BODY" "Imported <b>" "only a number is echoed"
session viewer
page viewer /assets/import; code_is 403 "a viewer has no import page"
isms log --json > "$T/log.json"
contains "$(cat "$T/log.json")" "Browser import" "the import is in the audit log"

# Reference data and the methodology.
req GET /api/v1/risk-library "$TOK_viewer"; code_is 200 "the risk library"
equals "$(jget "$BODY" '[len(d["threats"]) > 20, len(d["vulnerabilities"]) > 20, all(c.startswith("A.") for t in d["threats"] for c in t["controls"])]')" '[true, true, true]' "threats and vulnerabilities with control ids"
isms risk library --json > "$T/lib.json"
equals "$(jget "$BODY" 'len(d["threats"])')" "$(python3 -c 'import json; print(len(json.load(open("'"$T/lib.json"'"))["threats"]))')" "the CLI's library"
req GET /api/v1/risk-method "$TOK_auditor"; code_is 200 "the methodology"
equals "$(jget "$BODY" '[d["likelihood_levels"], len(d["likelihood_labels"])]')" '[5, 5]' "a 5-level scale with labels"
req PUT /api/v1/risk-method "$TOK_admin" '{"appetite":8,"impact_labels":["Minor","Moderate","Major","Severe","Critical"]}'
code_is 200 "an admin changes the appetite"
equals "$(jget "$BODY" '[d["appetite"], d["impact_labels"][4], d["reviewed"]]')" '[8, "Critical", true]' "the change is answered"
isms risk method show --json > "$T/m.json"
equals "$(jget "$(cat "$T/m.json")" 'd["appetite"]')" "8" "the CLI sees the change"
req PUT /api/v1/risk-method "$TOK_admin" '{"low_max":20,"medium_max":10}'
code_is 422 "thresholds out of order"
req PUT /api/v1/risk-method "$TOK_admin" '{"appetite":"high"}'; code_is 422 "a non-integer"
req PUT /api/v1/risk-method "$TOK_admin" '{"colour":"red"}'; code_is 422 "an unknown member"
contains "$BODY" "colour" "the member is named"
req PUT /api/v1/risk-method "$TOK_admin" '{"impact_labels":["a","b","c","d","e","f"]}'; code_is 422 "too many labels"
req PUT /api/v1/risk-method "$TOK_editor" '{"appetite":9}'; code_is 403 "an editor cannot change the methodology"

# The treatment plan: treated risks only, paged, with plan status.
req GET "/api/v1/risk-plan?limit=5" "$TOK_viewer"; code_is 200 "the treatment plan"
equals "$(jget "$BODY" '[len(d["items"]) <= 5, all(r["treatment"] for r in d["items"]), d["total"] > 0]')" '[true, true, true]' "treated risks, paged"
isms risk plan --json > "$T/plan.json"
equals "$(jget "$BODY" 'd["total"]')" "$(python3 -c 'import json; print(len(json.load(open("'"$T/plan.json"'"))))')" "as many as the CLI's plan"
req GET "/api/v1/risk-plan?limit=0" "$TOK_viewer"; code_is 400 "a bad limit"
req GET "/api/v1/risk-plan?offset=1%27%20OR%201=1" "$TOK_viewer"; code_is 400 "SQL metacharacters in the offset"

# Evidence types and the integrity check finds a changed file.
req GET /api/v1/evidence-types "$TOK_viewer"; code_is 200 "evidence types"
equals "$(jget "$BODY" 'all(k["fresh_days"] > 0 for k in d) and len(d) > 3')" "true" "each with its freshness"
printf 'MFA report\n' > "$T/mfa.txt"
expect_rc 0 isms evidence add "$T/mfa.txt" --controls A.5.17 --description "MFA enforcement report"
req GET /api/v1/evidence-verification "$TOK_auditor"; code_is 200 "verify evidence"
equals "$(jget "$BODY" 'd["bad"]')" "0" "every file intact"
f=$(find "$T/isms.db.evidence" -type f | head -1); chmod u+w "$f"; printf 'changed' >> "$f"
req GET /api/v1/evidence-verification "$TOK_auditor"
equals "$(jget "$BODY" '[d["bad"], [x["state"] for x in d["files"] if x["state"] != "ok"]]')" '[1, ["tampered"]]' "a changed file is found"

kill -TERM $SERVER; wait $SERVER
grep -q -e AddressSanitizer -e "runtime error" "$T/serve.err" && fail "sanitizer report: $(cat "$T/serve.err")"
finish
