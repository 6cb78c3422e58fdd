#!/bin/bash
# Black-box HTTP tests of `isms serve` on 127.0.0.1: the OpenAPI document against the real routes,
# every route's role matrix, sessions, CSRF, login rate limiting, TOTP, hostile input, keep-alive.
. "$(dirname "$0")/http_lib.sh"

http_users
printf 'mfa user password 1\n' > "$T/pw"
expect_rc 0 isms user add --name mfa --role viewer < "$T/pw"
expect_rc 0 isms user mfa enable --name mfa
SECRET=$(printf %s "$OUT" | sed -n '2p' | tr -d ' ')
totp() { python3 -c 'import base64,hmac,hashlib,struct,sys
k=base64.b32decode(sys.argv[1]); c=int(sys.argv[2])//30
h=hmac.new(k,struct.pack(">Q",c),hashlib.sha1).digest(); o=h[-1]&15
print("%06d" % ((struct.unpack(">I",h[o:o+4])[0]&0x7fffffff)%1000000))' "$SECRET" "$1"; }
T0=1700000000
expect_rc 0 env ISMS_TOTP_TIME=$T0 "$ISMS" user mfa confirm --name mfa --code "$(totp $T0)"
printf 'enrol password 12345\n' > "$T/pw"
expect_rc 0 isms user add --name enrol --role viewer < "$T/pw"

export ISMS_TOTP_TIME=$((T0 + 60))
http_start --max-body 65536
unset ISMS_TOTP_TIME

# The OpenAPI document lists exactly the API routes the server answers.
req GET /api/v1/openapi.json
code_is 200 "openapi document"
DOC_ROUTES=$(printf %s "$BODY" | python3 -c 'import json,sys; d=json.load(sys.stdin)
print("\n".join(sorted(m.upper()+" "+p for p,ops in d["paths"].items() for m in ops)))')
WANT_ROUTES=$(api_routes | sort)
equals "$DOC_ROUTES" "$WANT_ROUTES" "OpenAPI paths are the server's API routes"

# Role matrix: every documented route, without auth, with the wrong role, with the right one.
# role(METHOD PATH) -> the least role allowed
least() {
    case "$1 $2" in
        "GET /api/v1/openapi.json") echo public ;;
        "GET /api/v1/audit-log"*) echo auditor ;;
        "GET /api/v1/users") echo admin ;;
        GET*) echo viewer ;;
        *) echo editor ;;
    esac
}
body_for() {
    case "$1 $2" in
        "PUT /api/v1/org") echo '{"context":"SaaS on AWS; rapid growth"}' ;;
        "POST /api/v1/assets") echo '{"name":"matrix-'"$3"'","type":"software","owner":"IT","classification":"internal"}' ;;
        "PUT /api/v1/assets/{id}") echo '{"owner":"Platform team"}' ;;
        "POST /api/v1/risks") echo '{"title":"matrix risk","asset":1,"threat":"T01","vulnerability":"V01","likelihood":2,"impact":2,"owner":"CTO"}' ;;
        "PUT /api/v1/risks/{id}") echo '{"title":"matrix risk renamed"}' ;;
        "POST /api/v1/risks/{id}/treatment") echo '{"option":"accept"}' ;;
        "POST /api/v1/risks/{id}/acceptance") echo '{"by":"CTO"}' ;;
        "PUT /api/v1/soa/{id}") echo '{"owner":"CISO"}' ;;
        "POST /api/v1/soa-versions") echo '{"by":"CEO"}' ;;
        "POST /api/v1/people") echo '{"name":"Matrix Person","email":"m-'"$3"'@acme.test"}' ;;
        "PUT /api/v1/people/{id}") echo '{"department":"Security"}' ;;
        "POST /api/v1/people/{id}/training") echo '{"course":"Awareness","completed":"2026-01-05"}' ;;
        "POST /api/v1/suppliers") echo '{"name":"matrix-'"$3"'","owner":"CTO","risk_rating":"low"}' ;;
        "PUT /api/v1/suppliers/{id}") echo '{"security_clauses":true}' ;;
        "POST /api/v1/incidents") echo '{"title":"matrix incident","severity":"low","detected_at":"2026-01-05T10:00"}' ;;
        "PUT /api/v1/incidents/{id}") echo '{"reported_by":"SOC"}' ;;
        "POST /api/v1/incidents/{id}/events") echo '{"at":"2026-01-05T11:00","note":"triaged"}' ;;
        "POST /api/v1/objectives") echo '{"objective":"matrix objective","measure":"count","target":3,"owner":"CISO"}' ;;
        "PUT /api/v1/objectives/{id}") echo '{"target":4}' ;;
        "POST /api/v1/objectives/{id}/measurements") echo '{"date":"2026-01-05","value":2.5}' ;;
        *) echo '{}' ;;
    esac
}
path_for() { # fresh objects for the destructive routes so each role acts on something that exists
    local p=$2
    if [[ $2 == */assets/{id}* ]]; then
        req POST /api/v1/assets "$TOK_admin" "$(body_for POST /api/v1/assets "$3-$RANDOM")"
        p=${2//\{id\}/$(printf %s "$BODY" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')}
    elif [[ $2 == */risks/{id}* ]]; then
        req POST /api/v1/risks "$TOK_admin" "$(body_for POST /api/v1/risks)"
        rid=$(printf %s "$BODY" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
        [[ $2 == */acceptance ]] && req POST "/api/v1/risks/$rid/treatment" "$TOK_admin" '{"option":"accept"}'
        p=${2//\{id\}/$rid}
    elif [[ $2 =~ ^/api/v1/(people|suppliers|incidents|objectives)/ ]]; then
        reg=/api/v1/${BASH_REMATCH[1]}
        req POST "$reg" "$TOK_admin" "$(body_for POST "$reg" "$3-$RANDOM")"
        p=${2//\{id\}/$(printf %s "$BODY" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')}
    fi
    [[ $2 == */evidence/{id}* ]] && p=${2//\{id\}/1}
    echo "${p//\{id\}/A.5.9}"
}
role_matrix <<< "$(api_routes core)"

# API behaviour: paging, validation messages as the CLI's, errors as JSON.
req GET "/api/v1/assets?limit=5&offset=2" "$TOK_viewer"
code_is 200 "paging"
equals "$(jget "$BODY" 'len(d["items"])')" "5" "page size"
equals "$(jget "$BODY" 'd["offset"]')" "2" "offset echoed"
req GET "/api/v1/assets?limit=0" "$TOK_viewer"
code_is 400 "bad limit"
equals "$(jget "$BODY" 'd["error"]["code"]')" "bad_parameter" "JSON error code"
req GET "/api/v1/risks?treatment=untreated" "$TOK_viewer"
equals "$(jget "$BODY" 'all(r["treatment"] is None for r in d["items"])')" "true" "filter by treatment"
req PUT /api/v1/soa/A.8.5 "$TOK_editor" '{"applicable":false,"justification":"We have a long reason that should not matter here"}'
code_is 409 "excluding a control that treats a risk"
contains "$(jget "$BODY" 'd["error"]["message"]')" "treats risk" "same message as the CLI"
req PUT /api/v1/soa/A.7.4 "$TOK_editor" '{"applicable":false,"justification":"N/A"}'
code_is 422 "weak justification"
contains "$(jget "$BODY" 'd["error"]["message"]')" "auditor expects" "guidance in the error"
req PUT /api/v1/soa/A.99.1 "$TOK_editor" '{"applicable":true}'
code_is 404 "unknown control"
req POST /api/v1/assets "$TOK_editor" '{"name":"x","type":"spaceship","owner":"o","classification":"internal"}'
code_is 422 "bad asset type"
contains "$BODY" "spaceship" "bad value named"
req POST /api/v1/risks "$TOK_editor" '{"title":"t","threat":"t","vulnerability":"v","likelihood":9,"impact":1,"owner":"o"}'
code_is 422 "likelihood out of range"
req POST /api/v1/risks/1/acceptance "$TOK_editor" '{"by":"someone else"}'
code_is 422 "only the owner accepts"

# Hostile input.
req POST /api/v1/assets "$TOK_editor" '{"name": "x", '
code_is 400 "malformed JSON"
equals "$(jget "$BODY" 'd["error"]["code"]')" "invalid_json" "malformed JSON code"
req POST /api/v1/assets "$TOK_editor" '[1,2,3]'
code_is 400 "JSON that is not an object"
req POST /api/v1/assets "$TOK_editor" '{"name":"a","name":"b"}'
code_is 400 "duplicate keys"
printf '{"name":"\xff\xfe","type":"software","owner":"o","classification":"internal"}' > "$T/bad.json"
CODE=$(curl -s -o "$T/body" -w '%{http_code}' -H "Authorization: Bearer $TOK_editor" -H 'Content-Type: application/json' \
    --data-binary @"$T/bad.json" "$URL/api/v1/assets"); BODY=$(cat "$T/body")
code_is 400 "bad UTF-8"
head -c 200000 /dev/zero | tr '\0' 'a' > "$T/big.json"
CODE=$(curl -s -o "$T/body" -w '%{http_code}' -H "Authorization: Bearer $TOK_editor" -H 'Content-Type: application/json' \
    --data-binary @"$T/big.json" "$URL/api/v1/assets"); BODY=$(cat "$T/body")
code_is 413 "oversized body"
req GET "/static/../../etc/passwd"
CHECKS=$((CHECKS + 1)); case "$CODE" in 400|404) ;; *) fail "path traversal: HTTP $CODE" ;; esac
CODE=$(curl -s --path-as-is -o "$T/body" -w '%{http_code}' "$URL/static/../../../etc/passwd")
CHECKS=$((CHECKS + 1)); case "$CODE" in 400|404) ;; *) fail "raw path traversal: HTTP $CODE" ;; esac
not_contains "$(cat "$T/body")" "root:" "no file outside the app is served"
req GET /api/v1/assets "$TOK_viewer"
before=$(jget "$BODY" 'd["total"]')
for inj in "'%20OR%201=1--" "1;DROP%20TABLE%20asset" "%22%29%3B--" "A.5.1'--"; do
    req GET "/api/v1/assets?q=$inj&owner=$inj&type=$inj" "$TOK_viewer"
    code_is 200 "SQL metacharacters in filters ($inj)"
    equals "$(jget "$BODY" 'd["total"]')" "0" "metacharacters match nothing ($inj)"
    req GET "/api/v1/assets/$inj" "$TOK_viewer"
    code_is 404 "SQL metacharacters in an id ($inj)"
    req GET "/api/v1/soa/$inj" "$TOK_viewer"
    code_is 404 "SQL metacharacters in a control id ($inj)"
done
req GET /api/v1/assets "$TOK_viewer"
equals "$(jget "$BODY" 'd["total"]')" "$before" "nothing was dropped or changed"
req GET /api/v1/assets "isms_0000000000000000000000000000000000000000000000000000000000000000"
code_is 401 "forged token"

# Evidence upload (multipart) and download through the API.
EVDIR="$T/isms.db.evidence"
store_files() { find "$EVDIR" -type f | wc -l; }
upload() { # TOKEN curl-args...: posts to /api/v1/evidence; sets CODE and BODY
    local tok=$1; shift
    CODE=$(curl -s -o "$T/body" -w '%{http_code}' -H "Authorization: Bearer $tok" "$@" "$URL/api/v1/evidence"); BODY=$(cat "$T/body")
}
raw_upload() { # TOKEN CONTENT-TYPE FILE: posts FILE as the body
    CODE=$(curl -s -o "$T/body" -w '%{http_code}' -H "Authorization: Bearer $1" -H "Content-Type: $2" \
        --data-binary @"$3" "$URL/api/v1/evidence"); BODY=$(cat "$T/body")
}
printf 'user,mfa\nana,webauthn\nbo,totp\n' > "$T/mfa-report.csv"
upload "$TOK_editor" -F file=@"$T/mfa-report.csv" -F controls=A.5.17,a.8.5 -F type=access_review -F "description=MFA enrolment, Q4"
code_is 201 "an editor uploads evidence"
EVID=$(jget "$BODY" 'd["id"]')
equals "$(jget "$BODY" 'd["sha256"]')" "$(sha256sum "$T/mfa-report.csv" | cut -d' ' -f1)" "stored under its SHA-256"
equals "$(jget "$BODY" '[d["filename"], d["type"], d["controls"], d["collected_by"], d["size"]]')" \
    '["mfa-report.csv", "access_review", ["A.5.17", "A.8.5"], "editor", '"$(stat -c %s "$T/mfa-report.csv")"']' "the upload's metadata"
[ -f "$EVDIR/$(jget "$BODY" 'd["sha256"][:2]')/$(jget "$BODY" 'd["sha256"]')" ]; equals "$?" 0 "the file is in the content-addressed store"
req GET "/api/v1/evidence?control=A.5.17" "$TOK_auditor"
contains "$BODY" "mfa-report.csv" "the upload is listed"
expect_rc 0 isms log --json
equals "$(jget "$OUT" 'any(e["entity"] == "evidence" and e["entity_id"] == "'"$EVID"'" and e["actor"] == "editor" for e in d)')" \
    "true" "the upload is in the audit log under the editor"
for role in viewer auditor editor admin; do
    tokvar="TOK_$role"
    CODE=$(curl -s -D "$T/dh" -o "$T/dl" -w '%{http_code}' -H "Authorization: Bearer ${!tokvar}" "$URL/api/v1/evidence/$EVID/file")
    code_is 200 "the $role downloads the evidence file"
done
cmp -s "$T/dl" "$T/mfa-report.csv"; equals "$?" 0 "the download is the uploaded file"
DH=$(tr -d '\r' < "$T/dh")
contains "$DH" "Content-Type: text/csv" "download content type"
contains "$DH" 'Content-Disposition: attachment; filename="mfa-report.csv"' "download as an attachment"
contains "$DH" "X-Content-Type-Options: nosniff" "download is not sniffed"
CODE=$(curl -s -o /dev/null -w '%{http_code}' "$URL/api/v1/evidence/$EVID/file"); code_is 401 "download needs a login"
req GET /api/v1/evidence/abc/file "$TOK_viewer"; code_is 404 "download with a bad id"
req GET /api/v1/evidence/99999/file "$TOK_viewer"; code_is 404 "download of unknown evidence"
upload "$TOK_viewer" -F file=@"$T/mfa-report.csv" -F controls=A.5.17 -F "description=x"; code_is 403 "a viewer cannot upload"
upload "$TOK_auditor" -F file=@"$T/mfa-report.csv" -F controls=A.5.17 -F "description=x"; code_is 403 "an auditor cannot upload"
# A crafted name is made safe in the download header; what was uploaded is kept in the record.
printf -- '--b1\r\nContent-Disposition: form-data; name="controls"\r\n\r\nA.5.15\r\n--b1\r\nContent-Disposition: form-data; name="description"\r\n\r\nodd name\r\n--b1\r\nContent-Disposition: form-data; name="file"; filename="r\xc3\xa9sum\xc3\xa9; x=1.txt"\r\nContent-Type: text/plain\r\n\r\nbody\x00bytes\xff\r\n--b1--\r\n' > "$T/odd.bin"
raw_upload "$TOK_editor" "multipart/form-data; boundary=b1" "$T/odd.bin"
code_is 201 "binary content and a non-ASCII name upload"
ODD=$(jget "$BODY" 'd["id"]')
equals "$(jget "$BODY" 'd["size"]')" "11" "binary bytes kept exactly"
CODE=$(curl -s -D "$T/dh" -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOK_viewer" "$URL/api/v1/evidence/$ODD/file")
contains "$(tr -d '\r' < "$T/dh")" 'filename="r__sum____x_1.txt"' "the download name is made safe"
# A stored file changed behind the store's back is refused, not served.
req GET "/api/v1/evidence?control=A.5.15" "$TOK_viewer"
ODDSHA=$(jget "$BODY" '[e["sha256"] for e in d["items"] if e["id"] == '"$ODD"'][0]')
ODDPATH="$EVDIR/${ODDSHA:0:2}/$ODDSHA"
chmod u+w "$ODDPATH"; cp "$ODDPATH" "$T/odd.keep"; printf 'changed' > "$ODDPATH"
req GET "/api/v1/evidence/$ODD/file" "$TOK_viewer"
code_is 409 "a changed evidence file is not served"
contains "$BODY" "no longer matches its SHA-256" "the change is named"
cp "$T/odd.keep" "$ODDPATH"; chmod 0440 "$ODDPATH"
CODE=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOK_viewer" "$URL/api/v1/evidence/$ODD/file")
code_is 200 "the restored file is served again"
# The server runs with --max-body 64 KiB: an editor's upload may still be up to 25 MiB.
head -c $((2 * 1024 * 1024)) /dev/urandom > "$T/two-mb.bin"
upload "$TOK_admin" -F file=@"$T/two-mb.bin" -F controls=A.8.13 -F type=backup_test -F "description=2 MB dump"
code_is 201 "an upload larger than the ordinary body cap"
CODE=$(curl -s -o "$T/dl" -w '%{http_code}' -H "Authorization: Bearer $TOK_viewer" "$URL/api/v1/evidence/$(jget "$BODY" 'd["id"]')/file")
cmp -s "$T/dl" "$T/two-mb.bin"; equals "$?" 0 "a binary upload downloads byte for byte"
# Hostile uploads: each refused with the problem named, and nothing written.
BEFORE_FILES=$(store_files)
req GET /api/v1/evidence "$TOK_viewer"; BEFORE_EV=$(jget "$BODY" 'len(d["items"])')
upload "$TOK_editor" -H 'Content-Type: multipart/form-data' --data-binary 'no boundary here'
code_is 400 "multipart without a boundary"; contains "$BODY" "boundary" "the missing boundary is named"
printf -- '--b1\r\nContent-Disposition: form-data; name="controls"\r\n\r\nA.5.15\r\n--b1\r\nContent-Disposition: form-data; name="file"; filename="cut.txt"\r\n\r\nhalf a fi' > "$T/cut.bin"
raw_upload "$TOK_editor" "multipart/form-data; boundary=b1" "$T/cut.bin"
code_is 400 "a truncated body"; contains "$BODY" "truncated" "truncation named"
printf -- '--b1\r\nContent-Disposition: form-data; name="file"; filename="a\x00b.txt"\r\n\r\nx\r\n--b1--\r\n' > "$T/nul.bin"
raw_upload "$TOK_editor" "multipart/form-data; boundary=b1" "$T/nul.bin"
code_is 400 "a NUL in the file name"; contains "$BODY" "NUL" "the NUL is named"
upload "$TOK_editor" -F "file=@$T/mfa-report.csv;filename=../../etc/passwd" -F controls=A.5.17 -F "description=x"
code_is 422 "a file name with ../"; contains "$BODY" "contains a path" "the path is named"
upload "$TOK_editor" -F "file=@$T/mfa-report.csv;filename=..\\\\boot.ini" -F controls=A.5.17 -F "description=x"
code_is 422 "a file name with a backslash"
upload "$TOK_editor" -F file=@"$T/mfa-report.csv" -F controls=A.5.17,A.99.1 -F "description=x"
code_is 422 "a bad control id"; contains "$BODY" "A.99.1" "the bad control is named"
upload "$TOK_editor" -F file=@"$T/mfa-report.csv" -F controls=A.5.17 -F type=selfie -F "description=x"
code_is 422 "a bad evidence type"; contains "$BODY" "selfie" "the bad type is named"
upload "$TOK_editor" -F file=@"$T/mfa-report.csv" -F controls=A.5.17
code_is 422 "no description"; contains "$BODY" "description" "the missing description is named"
upload "$TOK_editor" -F file=@"$T/mfa-report.csv" -F controls=A.5.17 -F "description=x" -F collected=2026-13-45
code_is 422 "a bad collection date"; contains "$BODY" "2026-13-45" "the bad date is named"
upload "$TOK_editor" -F controls=A.5.17 -F "description=x"
code_is 422 "no file"; contains "$BODY" "file" "the missing file is named"
req POST /api/v1/evidence "$TOK_editor" '{"controls":"A.5.17"}'
code_is 415 "JSON instead of multipart"
head -c $((26 * 1024 * 1024)) /dev/zero > "$T/huge.bin"
upload "$TOK_editor" -F file=@"$T/huge.bin" -F controls=A.5.17 -F "description=too big"
code_is 413 "a file over 25 MiB"; contains "$BODY" "25 MiB" "the limit is named"
rm -f "$T/huge.bin"
CODE=$(curl -s -o /dev/null -w '%{http_code}' -F file=@"$T/mfa-report.csv" -F controls=A.5.17 -F "description=x" "$URL/api/v1/evidence")
code_is 401 "an anonymous upload"
# Only users who may upload get the larger cap; the others are cut off at the ordinary one.
CODE=$(curl -s -o "$T/body" -w '%{http_code}' -F file=@"$T/two-mb.bin" -F controls=A.5.17 -F "description=x" "$URL/api/v1/evidence")
code_is 413 "an anonymous large upload is cut off at the body cap"
upload "$TOK_viewer" -F file=@"$T/two-mb.bin" -F controls=A.5.17 -F "description=x"
code_is 413 "a viewer's large upload is cut off at the body cap"
upload "isms_0000000000000000000000000000000000000000000000000000000000000000" -F file=@"$T/two-mb.bin" -F controls=A.5.17 -F "description=x"
code_is 413 "a forged token's large upload is cut off at the body cap"
equals "$(store_files)" "$BEFORE_FILES" "refused uploads leave no file behind"
req GET /api/v1/evidence "$TOK_viewer"
equals "$(jget "$BODY" 'len(d["items"])')" "$BEFORE_EV" "refused uploads leave no record behind"
expect_rc 0 isms evidence verify

# Ask isms: the guidance passages as JSON, every id linked.
req GET "/api/v1/ask?q=what+evidence+do+I+need+for+A.5.23%3F&limit=3" "$TOK_viewer"
code_is 200 "ask through the API"
equals "$(jget "$BODY" '[d["ids_recognized"], d["intent"], d["passages"][0]["id"], d["passages"][0]["kind"], d["passages"][0]["link"], len(d["passages"])]')" \
    '[["A.5.23"], "evidence", "A.5.23", "evidence", "/soa/A.5.23", 3]' "the passages of the control asked about"
req GET "/api/v1/ask?q=A.9.4.2" "$TOK_auditor"
contains "$(jget "$BODY" 'd["mapped_from_2013"]')" "A.9.4.2" "a 2013 id is mapped"
req GET "/api/v1/ask?q=" "$TOK_viewer"; code_is 400 "an empty question"
req GET "/api/v1/ask?q=backup&limit=0" "$TOK_viewer"; code_is 400 "a bad limit"
req GET "/api/v1/ask?q=$(head -c 5000 /dev/zero | tr '\0' 'a')" "$TOK_viewer"; code_is 400 "an over-long question"
req GET "/api/v1/ask?q=%22%29%20OR%20NEAR%28x%29%20*" "$TOK_viewer"; code_is 200 "FTS syntax in a question is only words"
# The registers (people, suppliers, incidents, objectives): validation as the CLI's, problems,
# filters, paging, sub-resources, hostile values.
req POST /api/v1/people "$TOK_editor" '{"name":"Rita Vale","email":"rita@acme.test","start_date":"2026-01-05","screening_completed":"2026-01-02","terms_signed":"2026-01-02"}'
code_is 201 "create a person"
PID=$(jget "$BODY" 'd["id"]')
equals "$(jget "$BODY" '[d["trained"], d["training"], d["problems"]]')" '[false, [], ["no security awareness training recorded (A.6.3)"]]' "a new person's problems"
req POST "/api/v1/people/rita@acme.test/training" "$TOK_editor" '{"course":"Security awareness","completed":"2026-01-20"}'
code_is 201 "add a training record by email"
req GET "/api/v1/people/$PID/training" "$TOK_viewer"
equals "$(jget "$BODY" '[t["course"] for t in d["items"]]')" '["Security awareness"]' "the training sub-resource"
req GET "/api/v1/people/$PID" "$TOK_viewer"
equals "$(jget "$BODY" 'd["problems"]')" '[]' "trained: no problems"
req POST /api/v1/people "$TOK_editor" '{"name":"Dup","email":"RITA@acme.test"}'
code_is 409 "a duplicate email"
req POST /api/v1/people "$TOK_editor" '{"name":"X","email":"x@acme.test","start_date":"2026-02-30"}'
code_is 422 "an impossible date"
contains "$(jget "$BODY" 'd["error"]["message"]')" "start_date: '2026-02-30' is not a date" "the CLI's message"
req POST /api/v1/people "$TOK_editor" '{"name":"X","email":"x@acme.test","shoe_size":44}'
code_is 422 "an unknown field"
contains "$BODY" "shoe_size" "the unknown field is named"
req POST /api/v1/people "$TOK_editor" '{"name":["X"],"email":"x@acme.test"}'
code_is 422 "a field of the wrong type"
req PUT "/api/v1/people/$PID" "$TOK_editor" '{"end_date":"2025-01-01"}'
code_is 422 "an end date before the start"
req PUT "/api/v1/people/$PID" "$TOK_editor" '{"name":null}'
code_is 422 "a required field cannot be cleared"
req GET "/api/v1/people/$PID" "$TOK_viewer"
equals "$(jget "$BODY" '[d["name"], d["end_date"]]')" '["Rita Vale", null]' "refused updates change nothing"
req POST /api/v1/people/999999/training "$TOK_editor" '{"course":"x","completed":"2026-01-01"}'
code_is 404 "training for a missing person"
req POST /api/v1/suppliers "$TOK_editor" '{"name":"Risky SaaS","owner":"CTO","risk_rating":"critical","data_access":"restricted","security_clauses":false}'
code_is 201 "create a supplier"
SID=$(jget "$BODY" 'd["id"]')
contains "$(jget "$BODY" 'd["problems"]')" "without security clauses" "a critical supplier without clauses is flagged"
req POST /api/v1/suppliers "$TOK_editor" '{"name":"Other","owner":"CTO","risk_rating":"low","security_clauses":"perhaps"}'
code_is 422 "yes/no fields take booleans or yes/no"
req POST /api/v1/suppliers "$TOK_editor" '{"name":"Other","owner":"CTO","risk_rating":"low","security_clauses":1}'
code_is 422 "a number is not a yes/no"
req GET "/api/v1/suppliers?risk_rating=critical&problems=true" "$TOK_viewer"
code_is 200 "filter suppliers by risk and problems"
equals "$(jget "$BODY" '[s["name"] for s in d["items"]]')" '["Risky SaaS"]' "the filters apply"
req GET "/api/v1/suppliers?risk_rating=enormous" "$TOK_viewer"
code_is 400 "a bad filter value"
req GET "/api/v1/suppliers?problems=maybe" "$TOK_viewer"
code_is 400 "a bad problems flag"
req PUT "/api/v1/suppliers/$SID" "$TOK_editor" '{"security_clauses":true,"last_review":"2026-01-10","next_review":"2027-01-10"}'
code_is 200 "update a supplier"
equals "$(jget "$BODY" '[d["security_clauses"], d["problems"]]')" '[true, []]' "the supplier's problems are gone"
req POST /api/v1/incidents "$TOK_editor" '{"title":"Laptop stolen","severity":"medium","detected_at":"2026-01-05T08:00","personal_data_breach":true}'
code_is 201 "create an incident"
IID=$(jget "$BODY" 'd["id"]')
equals "$(jget "$BODY" 'd["status"]')" "open" "incidents start open"
req POST "/api/v1/incidents/$IID/events" "$TOK_editor" '{"at":"2026-01-05T09:00","note":"Device wiped remotely"}'
code_is 201 "add a timeline event"
req POST "/api/v1/incidents/$IID/events" "$TOK_editor" '{"at":"soon","note":"x"}'
code_is 422 "a bad event time"
req PUT "/api/v1/incidents/$IID" "$TOK_editor" '{"status":"closed","resolved_at":"2026-01-06"}'
code_is 422 "closing without lessons learned"
contains "$(jget "$BODY" 'd["error"]["message"]')" "lessons_learned" "the missing field is named"
req PUT "/api/v1/incidents/$IID" "$TOK_editor" '{"status":"closed","resolved_at":"2026-01-06","lessons_learned":"Disk encryption verified","notified_at":"2026-01-06"}'
code_is 200 "close with lessons learned"
equals "$(jget "$BODY" '[d["status"], len(d["events"]), d["problems"]]')" '["closed", 1, []]' "closed with its timeline"
req POST /api/v1/objectives "$TOK_editor" '{"objective":"MFA coverage","measure":"IdP report","target":100,"unit":"%","owner":"IT"}'
code_is 201 "create an objective"
OID=$(jget "$BODY" 'd["id"]')
req POST "/api/v1/objectives/$OID/measurements" "$TOK_editor" '{"date":"2026-01-31","value":97.5}'
code_is 201 "record a measurement"
req GET "/api/v1/objectives/$OID" "$TOK_viewer"
equals "$(jget "$BODY" '[d["latest_value"], d["track"], len(d["measurements"])]')" '[97.5, "off_track", 1]' "off track from the latest measurement"
req POST "/api/v1/objectives/$OID/measurements" "$TOK_editor" '{"date":"2026-01-31","value":"lots"}'
code_is 422 "a non-numeric measurement"
req POST /api/v1/objectives "$TOK_editor" '{"objective":"x","measure":"y","target":1e999,"owner":"z"}'
code_is 400 "a number JSON cannot hold"
req GET "/api/v1/objectives?limit=1&offset=0" "$TOK_viewer"
equals "$(jget "$BODY" '[len(d["items"]), d["limit"]]')" '[1, 1]' "register paging"
req GET "/api/v1/incidents?limit=0" "$TOK_viewer"
code_is 400 "a bad register limit"
for inj in "'%20OR%201=1--" "1;DROP%20TABLE%20person" "%22%29%3B--"; do
    req GET "/api/v1/people?q=$inj" "$TOK_viewer"
    equals "$(jget "$BODY" 'd["total"]')" "0" "SQL metacharacters in a register search ($inj)"
    req GET "/api/v1/people/$inj" "$TOK_viewer"
    code_is 404 "SQL metacharacters as a person id ($inj)"
    req GET "/api/v1/incidents/$inj/events" "$TOK_viewer"
    code_is 404 "SQL metacharacters as an incident id ($inj)"
done
req POST /api/v1/people "$TOK_editor" "{\"name\":\"<script>alert(1)</script>\",\"email\":\"xss@acme.test\"}"
code_is 201 "markup is stored as text"
req POST /api/v1/people "$TOK_editor" '{"name":"Ctl\u0001","email":"ctl@acme.test"}'
code_is 422 "control characters are refused"
req POST /api/v1/people "$TOK_editor" "{\"name\":\"$(head -c 5000 /dev/zero | tr '\0' x)\",\"email\":\"long@acme.test\"}"
code_is 422 "an overlong name"
req DELETE "/api/v1/suppliers/$SID" "$TOK_editor"
code_is 204 "delete a supplier"
req GET "/api/v1/suppliers/$SID" "$TOK_viewer"
code_is 404 "the supplier is gone"

# Sessions: login form, cookie flags, CSRF on every state change, logout.
J="$T/jar"
CODE=$(curl -s -c "$J" -o /dev/null -D "$T/h" -w '%{http_code}' --data-urlencode name=editor \
    --data-urlencode "password=editor password 1234" "$URL/login")
code_is 303 "login redirects"
contains "$(cat "$T/h")" "HttpOnly" "session cookie is HttpOnly"
contains "$(cat "$T/h")" "SameSite=Strict" "session cookie is SameSite=Strict"
for h in "Content-Security-Policy" "X-Content-Type-Options: nosniff" "X-Frame-Options: DENY" "Referrer-Policy"; do
    contains "$(cat "$T/h")" "$h" "security header $h"
done
CODE=$(curl -s -b "$J" -o "$T/body" -w '%{http_code}' "$URL/"); code_is 200 "dashboard with a session"
contains "$(cat "$T/body")" "Brightline Analytics" "dashboard shows the organization"
contains "$(cat "$T/body")" "<svg class=\"heat\"" "dashboard has the heat map"
contains "$(cat "$T/body")" 'href="/" class="on" aria-current="page">Dashboard' "the nav marks the page shown"
not_contains "$(cat "$T/body")" "&quot;on" "the nav's marker is markup, not escaped text"
not_contains "$(cat "$T/body")" 'href="/users"' "an editor's nav has no users link"
CSRF=$(curl -s -b "$J" "$URL/api/v1/me" | python3 -c 'import json,sys; print(json.load(sys.stdin)["csrf"])')
CODE=$(curl -s -b "$J" -o /dev/null -w '%{http_code}' --data-urlencode applicable=yes "$URL/soa/A.5.7")
code_is 403 "a form without the CSRF token is refused"
CODE=$(curl -s -b "$J" -o /dev/null -w '%{http_code}' --data-urlencode applicable=yes --data-urlencode csrf=0000 "$URL/soa/A.5.7")
code_is 403 "a wrong CSRF token is refused"
CODE=$(curl -s -b "$J" -o /dev/null -w '%{http_code}' -X PUT -H 'Content-Type: application/json' --data '{"owner":"x"}' "$URL/api/v1/soa/A.5.7")
code_is 403 "API calls with a session cookie need the CSRF header"
CODE=$(curl -s -b "$J" -o /dev/null -w '%{http_code}' -X PUT -H "X-CSRF-Token: $CSRF" -H 'Content-Type: application/json' \
    --data '{"owner":"CISO"}' "$URL/api/v1/soa/A.5.7")
code_is 200 "session + CSRF header works"
CODE=$(curl -s -b "$J" -o "$T/body" -w '%{http_code}' --data-urlencode applicable=no --data-urlencode "justification=N/A" \
    --data-urlencode csrf="$CSRF" "$URL/soa/A.7.4")
code_is 422 "a weak justification in the form is refused"
contains "$(cat "$T/body")" "auditor expects" "the form shows why"
CODE=$(curl -s -b "$J" -o /dev/null -w '%{http_code}' --data-urlencode applicable=no \
    --data-urlencode "justification=No premises: all staff work remotely and hosting is on AWS under its certificate." \
    --data-urlencode csrf="$CSRF" "$URL/soa/A.7.4")
code_is 303 "a real justification is saved"
req GET /api/v1/soa/A.7.4 "$TOK_viewer"
equals "$(jget "$BODY" 'd["applicable"]')" "false" "the form's decision is stored"
# Every register is editable in the browser, with the CLI's rules; forms without the token are refused.
post() { # PATH field=value...: posts a form as the editor session with the CSRF token
    local path=$1; shift
    local args=(-s -b "$J" -o "$T/body" -w '%{http_code}' --data-urlencode "csrf=$CSRF")
    for kv in "$@"; do args+=(--data-urlencode "$kv"); done
    CODE=$(curl "${args[@]}" "$URL$path"); BODY=$(cat "$T/body")
}
post /assets name="Payroll export" type=information owner="HR lead" classification=confidential confidentiality=3 integrity=2 availability=1
code_is 303 "add an asset from the form"
req GET "/api/v1/assets?q=Payroll%20export" "$TOK_viewer"
equals "$(jget "$BODY" 'd["items"][0]["classification"]')" "confidential" "the form's asset is stored"
AID=$(jget "$BODY" 'd["items"][0]["id"]')
post /assets name="Bad" type=spaceship owner=o classification=internal
code_is 422 "a bad asset type is refused in the form"
contains "$BODY" "spaceship" "the form names the bad value"
post /assets/edit id="$AID" owner="People team" availability=2
code_is 303 "edit an asset from the form"
req GET "/api/v1/assets/$AID" "$TOK_viewer"
equals "$(jget "$BODY" '[d["owner"], d["availability"], d["classification"]]')" '["People team", 2, "confidential"]' "only the given fields change"
post /assets/edit id="$AID" classification=secret
code_is 422 "a bad classification in the edit form"
post /risks title="Payroll leak" asset="$AID" threat=T01 vulnerability=V01 likelihood=4 impact=4 owner="HR lead"
code_is 303 "add a risk from the form"
req GET "/api/v1/risks?q=Payroll%20leak" "$TOK_viewer"
RID=$(jget "$BODY" 'd["items"][0]["id"]')
post /risks/assessment id="R$RID" likelihood=5
code_is 303 "re-assess a risk from the form"
req GET "/api/v1/risks/$RID" "$TOK_viewer"
equals "$(jget "$BODY" 'd["score"]')" "20" "the new assessment is stored"
post /risks/assessment id="R$RID" impact=9
code_is 422 "an impact out of range is refused"
post /risks/treatment id="R$RID" option=mitigate controls="A.8.12,A.5.15" residual_likelihood=3 residual_impact=3 due_date=2027-03-31
code_is 303 "treat a risk from the form"
req GET "/api/v1/risks/$RID" "$TOK_viewer"
equals "$(jget "$BODY" 'd["controls"]')" '["A.5.15", "A.8.12"]' "the treatment's controls are stored"
post /risks/acceptance id="$RID" by="Someone else"
code_is 422 "only the owner accepts, in the form too"
post /risks/acceptance id="$RID" by="HR lead"
code_is 303 "the owner accepts"
post /assets/$AID/delete
code_is 409 "an asset with risks cannot be deleted"
post /risks/deletion id="$RID"
code_is 303 "delete a risk"
post /assets/$AID/delete
code_is 303 "delete the asset"
post /org context="SaaS on AWS; growing in the EU"
code_is 303 "edit the organization"
post /org/scope kind=system name="Data warehouse"
code_is 303 "add to the scope register"
post /org/scope kind=planet name="Mars"
code_is 422 "a bad scope kind is refused"
post /org/parties name="Regulator" requirements="Annual attestation"
code_is 303 "add an interested party"
req GET /api/v1/org "$TOK_viewer"
equals "$(jget "$BODY" 'd["context"]')" "SaaS on AWS; growing in the EU" "the organization form is stored"
CODE=$(curl -s -b "$J" -o /dev/null -w '%{http_code}' --data-urlencode name=x --data-urlencode type=software \
    --data-urlencode owner=o --data-urlencode classification=internal "$URL/assets")
code_is 403 "a register form without the CSRF token is refused"
post /people name="Form Person" email=form@acme.test start_date=2026-01-05
code_is 303 "add a person from the form"
req GET "/api/v1/people/form@acme.test" "$TOK_viewer"
FPID=$(jget "$BODY" 'd["id"]')
post /people/edit id="$FPID" department="Finance" screening_completed=2026-01-01
code_is 303 "edit a person from the form"
req GET "/api/v1/people/$FPID" "$TOK_viewer"
equals "$(jget "$BODY" '[d["department"], d["screening_completed"], d["start_date"]]')" '["Finance", "2026-01-01", "2026-01-05"]' "only the given fields change"
post /people/edit id="$FPID" end_date=2025-13-01
code_is 422 "a bad date in the form"
contains "$BODY" "end_date: &#39;2025-13-01&#39; is not a date" "the form names the bad value"
post /people/training id="$FPID" course="Awareness" completed=2026-01-10
code_is 303 "add training from the form"
CODE=$(curl -s -b "$J" -o "$T/body" -w '%{http_code}' "$URL/people/$FPID"); code_is 200 "a person's page"
contains "$(cat "$T/body")" "<td>Awareness</td>" "the page lists the training records"
contains "$(cat "$T/body")" "value=\"Finance\"" "the edit form shows the current values"
contains "$(cat "$T/body")" "no signed terms" "the page shows the problems"
post /people/edit id="$FPID" replace=1 name="Form Person" email=form@acme.test department= start_date=2026-01-05 screening_completed=2026-01-01
code_is 303 "save the full edit form"
req GET "/api/v1/people/$FPID" "$TOK_viewer"
equals "$(jget "$BODY" '[d["department"], d["start_date"]]')" '[null, "2026-01-05"]' "a field emptied in the full form is cleared"
post /people/edit id="$FPID" replace=1 name= email=form@acme.test
code_is 422 "the full form cannot clear a required field"
CODE=$(curl -s -b "$J" -o /dev/null -w '%{http_code}' "$URL/people/999999"); code_is 404 "a missing person's page"
CODE=$(curl -s -b "$J" -o /dev/null -w '%{http_code}' "$URL/people/%27%20OR%201=1"); code_is 404 "metacharacters in a page id"
post /incidents title="Form incident" severity=critical detected_at=2026-01-01T10:00
code_is 303 "add an incident from the form"
post /incidents/events id=999999 at=2026-01-01 note=x
code_is 404 "an event for a missing incident"
post /objectives objective="Form objective" measure="count" target=abc owner=CISO
code_is 422 "a non-numeric target in the form"
post /suppliers name="Form supplier" owner=CTO risk_rating=high security_clauses=no
code_is 303 "add a supplier from the form"
CODE=$(curl -s -b "$J" -o "$T/body" -w '%{http_code}' "$URL/people?problems=1"); code_is 200 "the people page"
contains "$(cat "$T/body")" "Form Person" "the page lists people with problems"
contains "$(cat "$T/body")" "no signed terms" "problem badges"
contains "$(cat "$T/body")" "&lt;script&gt;" "names are escaped"
not_contains "$(cat "$T/body")" "<script>alert" "no markup injection"
XID=$(curl -s -H "Authorization: Bearer $TOK_viewer" "$URL/api/v1/people/xss@acme.test" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
CODE=$(curl -s -b "$J" -o "$T/body" -w '%{http_code}' "$URL/people/$XID"); code_is 200 "a record page with markup in its name"
not_contains "$(cat "$T/body")" "<script>alert" "no markup injection in the record page or its form values"
contains "$(cat "$T/body")" "action=\"/people/training\"" "an editor gets the training form"
for pg in suppliers incidents objectives; do
    CODE=$(curl -s -b "$J" -o "$T/body" -w '%{http_code}' "$URL/$pg"); code_is 200 "the $pg page"
    contains "$(cat "$T/body")" "<a href=\"/$pg\"" "the $pg nav link"
done
contains "$(curl -s -b "$J" "$URL/incidents")" "past the 3-day target" "an overdue critical incident has a badge"
CODE=$(curl -s -b "$J" -o /dev/null -w '%{http_code}' --data-urlencode name=x --data-urlencode email=x@y.test "$URL/people")
code_is 403 "a people form without the CSRF token is refused"
CODE=$(curl -s -b "$J" -o /dev/null -w '%{http_code}' --data-urlencode csrf=0000 "$URL/people/$FPID/delete")
code_is 403 "a delete with a wrong CSRF token is refused"
post /people/$FPID/delete
code_is 303 "delete a person from the form"
req GET "/api/v1/people/$FPID" "$TOK_viewer"
code_is 404 "the person is gone"
JV="$T/jar-viewer"
curl -s -c "$JV" -o /dev/null --data-urlencode name=viewer --data-urlencode "password=viewer password 1234" "$URL/login"
CODE=$(curl -s -b "$JV" -o "$T/body" -w '%{http_code}' "$URL/people"); code_is 200 "a viewer reads the people page"
not_contains "$(cat "$T/body")" "action=\"/people\"" "a viewer gets no forms"
VCSRF=$(curl -s -b "$JV" "$URL/api/v1/me" | python3 -c 'import json,sys; print(json.load(sys.stdin)["csrf"])')
CODE=$(curl -s -b "$JV" -o /dev/null -w '%{http_code}' --data-urlencode csrf="$VCSRF" --data-urlencode name=x \
    --data-urlencode email=v@acme.test "$URL/people")
code_is 403 "a viewer cannot add a person"
CODE=$(curl -s -b "$J" -o "$T/body" -w '%{http_code}' "$URL/evidence"); code_is 200 "the evidence page"
contains "$(cat "$T/body")" "access-review-2026-Q3.csv" "evidence listed"
contains "$(cat "$T/body")" "id=\"upload-form\"" "the evidence page has the upload form for an editor"
printf 'Backup restore test 2026-11\nrestored 12 GB in 41 min\n' > "$T/restore-test.txt"
CODE=$(curl -s -b "$J" -o /dev/null -D "$T/h" -w '%{http_code}' -F csrf="$CSRF" -F file=@"$T/restore-test.txt" \
    -F controls=A.8.13 -F type=backup_test -F "description=Quarterly restore test" "$URL/evidence")
code_is 303 "an upload from the evidence form"
contains "$(cat "$T/h")" "/evidence?added=" "back to the list after the upload"
CODE=$(curl -s -b "$J" -o "$T/body" -w '%{http_code}' "$URL/evidence?control=A.8.13")
contains "$(cat "$T/body")" "restore-test.txt" "the uploaded file is listed"
CODE=$(curl -s -b "$J" -o /dev/null -w '%{http_code}' -F file=@"$T/restore-test.txt" -F controls=A.8.13 \
    -F "description=no token" "$URL/evidence")
code_is 403 "an upload form without the CSRF token is refused"
CODE=$(curl -s -b "$J" -o "$T/body" -w '%{http_code}' -F csrf="$CSRF" -F file=@"$T/restore-test.txt" -F controls=A.8.99 \
    -F "description=bad control" "$URL/evidence")
code_is 422 "a bad control in the upload form"
contains "$(cat "$T/body")" "A.8.99" "the upload form names the bad control"
contains "$(cat "$T/body")" "id=\"form-error\"" "shown as a form error"
CODE=$(curl -s -b "$J" -o "$T/body" -w '%{http_code}' -F csrf="$CSRF" -F "file=@$T/restore-test.txt;filename=../up.txt" \
    -F controls=A.8.13 -F "description=path" "$URL/evidence")
code_is 422 "a path in the upload form's file name"
CODE=$(curl -s -b "$J" -o "$T/body" -w '%{http_code}' -H 'Content-Type: multipart/form-data' --data-binary x "$URL/evidence")
code_is 400 "a form body without a boundary"
contains "$(cat "$T/body")" "id=\"form-error\">the multipart Content-Type has no boundary" "shown as a form error naming the problem"
head -c $((26 * 1024 * 1024)) /dev/zero > "$T/huge.bin"
CODE=$(curl -s -b "$J" -o "$T/body" -w '%{http_code}' -F csrf="$CSRF" -F file=@"$T/huge.bin" -F controls=A.8.13 \
    -F "description=too big" "$URL/evidence")
rm -f "$T/huge.bin"
code_is 413 "a file over 25 MiB in the upload form"
contains "$(cat "$T/body")" "larger than the 25 MiB limit" "the form says the limit"
CODE=$(curl -s -b "$J" -o "$T/body" -w '%{http_code}' "$URL/ask?q=%3Cscript%3Ealert(1)%3C/script%3E+backup+A.8.13")
code_is 200 "the Ask isms page"
not_contains "$(cat "$T/body")" "<script>alert" "the question is escaped"
contains "$(cat "$T/body")" "&lt;script&gt;alert" "the question is shown escaped"
contains "$(cat "$T/body")" "<a href=\"/soa/A.8.13\">A.8.13</a>" "control ids link to the SoA"
contains "$(cat "$T/body")" "id=\"ask-box\"" "the search box is in the header"
CODE=$(curl -s -b "$J" -o "$T/body" -w '%{http_code}' "$URL/ask?q=clause+9.3")
contains "$(cat "$T/body")" "Clause 9.3" "a clause is answered"
CODE=$(curl -s -b "$J" -o /dev/null -w '%{http_code}' "$URL/ask?q=$(head -c 5000 /dev/zero | tr '\0' 'b')")
code_is 400 "an over-long question on the page"
CODE=$(curl -s -b "$J" -o /dev/null -w '%{http_code}' "$URL/users"); code_is 403 "an editor cannot manage users"
CODE=$(curl -s -b "$J" -o /dev/null -w '%{http_code}' "$URL/audit-log"); code_is 403 "an editor cannot read the audit log page"
JA="$T/jar-admin"
curl -s -c "$JA" -o /dev/null --data-urlencode name=admin --data-urlencode "password=admin password 1234" "$URL/login"
ACSRF=$(curl -s -b "$JA" "$URL/api/v1/me" | python3 -c 'import json,sys; print(json.load(sys.stdin)["csrf"])')
CODE=$(curl -s -b "$JA" -o "$T/body" -w '%{http_code}' --data-urlencode csrf="$ACSRF" --data-urlencode name=newbie \
    --data-urlencode role=viewer "$URL/users")
code_is 200 "an admin adds a user"
contains "$(cat "$T/body")" "shown once" "the new password is shown once"
CODE=$(curl -s -b "$JA" -o "$T/body" -w '%{http_code}' "$URL/audit-log"); code_is 200 "the admin reads the audit log page"
contains "$(cat "$T/body")" "Every entry is intact" "the page verifies the chain"
req GET /api/v1/users "$TOK_admin"
contains "$BODY" "newbie" "the user exists"
CODE=$(curl -s -b "$JA" -o /dev/null -w '%{http_code}' --data-urlencode csrf="$ACSRF" --data-urlencode name=newbie \
    --data-urlencode action=role --data-urlencode role=auditor "$URL/users/change")
code_is 303 "the admin changes a role"
CODE=$(curl -s -b "$JA" -o /dev/null -w '%{http_code}' --data-urlencode csrf="$ACSRF" --data-urlencode name=newbie \
    --data-urlencode action=disable "$URL/users/change")
code_is 303 "the admin disables a user"
CODE=$(curl -s -b "$JA" -o /dev/null -w '%{http_code}' --data-urlencode csrf="$ACSRF" --data-urlencode name=admin \
    --data-urlencode action=disable "$URL/users/change")
code_is 422 "an admin cannot disable themselves"
req GET /api/v1/users "$TOK_admin"
equals "$(jget "$BODY" '[[u["role"], u["disabled"]] for u in d["items"] if u["name"]=="newbie"][0]')" '["auditor", true]' "role and state stored"
CODE=$(curl -s -b "$JA" -o /dev/null -w '%{http_code}' --data-urlencode csrf="$ACSRF" --data-urlencode appetite=6 "$URL/settings/method")
code_is 303 "the admin sets the risk appetite"
CODE=$(curl -s -b "$JA" -o "$T/body" -w '%{http_code}' --data-urlencode csrf="$ACSRF" --data-urlencode low_max=30 "$URL/settings/method")
code_is 422 "bad level bands refused"
CODE=$(curl -s -b "$JA" -o "$T/body" -w '%{http_code}' "$URL/settings"); code_is 200 "settings page"
contains "$(cat "$T/body")" "Reviewed and saved" "the methodology is recorded as reviewed"
CODE=$(curl -s -b "$J" -o /dev/null -w '%{http_code}' --data-urlencode csrf="$CSRF" --data-urlencode appetite=5 "$URL/settings/method")
code_is 403 "an editor cannot change settings"
CODE=$(curl -s -b "$J" -o "$T/body" -w '%{http_code}' --data-urlencode csrf="$CSRF" --data-urlencode by=CEO "$URL/soa/approval")
code_is 422 "approving an SoA with undecided controls is refused in the browser"
contains "$(cat "$T/body")" "cannot be approved" "with the reason"

CODE=$(curl -s -b "$J" -c "$J" -o /dev/null -w '%{http_code}' --data-urlencode csrf="$CSRF" "$URL/logout")
code_is 303 "logout"
CODE=$(curl -s -b "$J" -o /dev/null -w '%{http_code}' "$URL/api/v1/me"); code_is 401 "the session is gone after logout"

# TOTP: a user with two-factor needs the code (the server's clock is fixed by ISMS_TOTP_TIME).
CODE=$(curl -s -o /dev/null -w '%{http_code}' --data-urlencode name=mfa --data-urlencode "password=mfa user password 1" "$URL/login")
code_is 401 "password alone is not enough with MFA on"
CODE=$(curl -s -o /dev/null -w '%{http_code}' --data-urlencode name=mfa --data-urlencode "password=mfa user password 1" \
    --data-urlencode code="$(totp $((T0 + 60)))" "$URL/login")
code_is 303 "password + TOTP code logs in"

# The account page: change the password, enrol two-factor with a confirmed code, log in with a
# code, turn two-factor off with a code. The server's clock is T0+60; codes of T0+30..T0+90 pass.
totp_k() { python3 -c 'import base64,hmac,hashlib,struct,sys
k=base64.b32decode(sys.argv[1]); c=int(sys.argv[2])//30
h=hmac.new(k,struct.pack(">Q",c),hashlib.sha1).digest(); o=h[-1]&15
print("%06d" % ((struct.unpack(">I",h[o:o+4])[0]&0x7fffffff)%1000000))' "$1" "$2"; }
JE="$T/jar-enrol"
login_enrol() { # PASSWORD [CODE]
    CODE=$(curl -s -c "$JE" -o /dev/null -w '%{http_code}' --data-urlencode name=enrol --data-urlencode "password=$1" \
        --data-urlencode "code=${2:-}" "$URL/login")
}
acct() { # PATH field=value...: posts as enrol with the CSRF token
    local path=$1; shift
    local args=(-s -b "$JE" -o "$T/body" -w '%{http_code}' --data-urlencode "csrf=$ECSRF")
    for kv in "$@"; do args+=(--data-urlencode "$kv"); done
    CODE=$(curl "${args[@]}" "$URL$path"); BODY=$(cat "$T/body")
}
me_enrol() { curl -s -b "$JE" "$URL/api/v1/me"; }
login_enrol "enrol password 12345"
code_is 303 "log in to enrol"
ECSRF=$(me_enrol | python3 -c 'import json,sys; print(json.load(sys.stdin)["csrf"])')
CODE=$(curl -s -b "$JE" -o "$T/body" -w '%{http_code}' "$URL/account"); code_is 200 "the account page"
CODE=$(curl -s -b "$JE" -o "$T/dl" -w '%{http_code}' "$URL/evidence"); code_is 200 "a viewer sees the evidence page"
not_contains "$(cat "$T/dl")" "upload-form" "but no upload form"
CODE=$(curl -s -b "$JE" -o /dev/null -w '%{http_code}' -F csrf=x -F file=@"$T/mfa-report.csv" "$URL/evidence")
code_is 403 "and cannot upload through the page"
contains "$(cat "$T/body")" "Two-factor is <strong>off" "two-factor starts off"
CODE=$(curl -s -b "$JE" -o /dev/null -w '%{http_code}' --data-urlencode action=begin "$URL/account/mfa")
code_is 403 "enrolment without the CSRF token is refused"
CODE=$(curl -s -b "$JE" -o /dev/null -w '%{http_code}' --data-urlencode "current=enrol password 12345" \
    --data-urlencode "new=another password 1" --data-urlencode "confirm=another password 1" "$URL/account/password")
code_is 403 "a password change without the CSRF token is refused"
acct /account/mfa action=begin
code_is 200 "start enrolment"
ESECRET=$(printf %s "$BODY" | sed -n 's/.*id="mfa-secret" class="secret">\([A-Z2-7 ]*\)<.*/\1/p' | tr -d ' ')
[ ${#ESECRET} -ge 16 ]; equals "$?" 0 "the secret is shown grouped for typing ($ESECRET)"
contains "$BODY" "otpauth://totp/isms:enrol?secret=$ESECRET&amp;issuer=isms" "the otpauth URI is shown"
acct /account/mfa action=confirm code=000000
code_is 422 "a wrong code does not enable two-factor"
equals "$(me_enrol | python3 -c 'import json,sys; print(json.load(sys.stdin)["mfa"])')" "False" "still off"
acct /account/mfa action=confirm code="$(totp_k "$ESECRET" $((T0 + 30)))"
code_is 303 "a right code enables two-factor"
equals "$(me_enrol | python3 -c 'import json,sys; print(json.load(sys.stdin)["mfa"])')" "True" "two-factor is on"
acct /account/mfa action=begin
code_is 409 "no second enrolment while on"
curl -s -b "$JE" -o /dev/null --data-urlencode csrf="$ECSRF" "$URL/logout"
login_enrol "enrol password 12345"
code_is 401 "after enrolment the password alone is refused"
login_enrol "enrol password 12345" "$(totp_k "$ESECRET" $((T0 + 30)))"
code_is 401 "a code already used is refused"
login_enrol "enrol password 12345" "$(totp_k "$ESECRET" $((T0 + 60)))"
code_is 303 "password and a fresh code log in"
ECSRF=$(me_enrol | python3 -c 'import json,sys; print(json.load(sys.stdin)["csrf"])')
acct /account/password current=wrong new="new enrol password" confirm="new enrol password"
code_is 403 "a wrong current password is refused"
acct /account/password current="enrol password 12345" new="new enrol password" confirm="other enrol password"
code_is 422 "differing new passwords are refused"
acct /account/password current="enrol password 12345" new="short" confirm="short"
code_is 422 "a short password is refused"
contains "$BODY" "12 characters" "with the rule"
acct /account/password current="enrol password 12345" new="new enrol password" confirm="new enrol password"
code_is 303 "the password is changed"
acct /account/mfa action=disable code=123456
code_is 422 "turning two-factor off needs a right code"
acct /account/mfa action=disable code="$(totp_k "$ESECRET" $((T0 + 60)))"
code_is 422 "and not a used one"
equals "$(me_enrol | python3 -c 'import json,sys; print(json.load(sys.stdin)["mfa"])')" "True" "two-factor stays on"
acct /account/mfa action=disable code="$(totp_k "$ESECRET" $((T0 + 90)))"
code_is 303 "two-factor is turned off with a fresh code"
curl -s -b "$JE" -o /dev/null --data-urlencode csrf="$ECSRF" "$URL/logout"
login_enrol "enrol password 12345"
code_is 401 "the old password no longer works"
login_enrol "new enrol password"
code_is 303 "the new password works without a code"
CODE=$(curl -s -c "$T/jar-enrol2" -o /dev/null -w '%{http_code}' --data-urlencode name=enrol \
    --data-urlencode "password=new enrol password" "$URL/login")
code_is 303 "a second session"
ECSRF=$(me_enrol | python3 -c 'import json,sys; print(json.load(sys.stdin)["csrf"])')
acct /account/password current="new enrol password" new="enrol password 12345" confirm="enrol password 12345"
code_is 303 "the password is changed back"
CODE=$(curl -s -b "$T/jar-enrol2" -o /dev/null -w '%{http_code}' "$URL/api/v1/me")
code_is 401 "a password change ends the user's other sessions"
CODE=$(curl -s -b "$JE" -o /dev/null -w '%{http_code}' "$URL/api/v1/me")
code_is 200 "but not the one that changed it"
expect_rc 0 isms log --json
equals "$(jget "$OUT" '[e["action"] for e in d if e["entity_id"] == "enrol" and e["action"] in ("mfa_begin", "mfa_enable", "password", "mfa_disable")]')" \
    '["mfa_begin", "mfa_enable", "password", "mfa_disable", "password"]' "the account changes are in the audit log"

# Rate limiting: after five failures each further try for the account must wait longer, even with
# the right password — but a browser that has logged in as the user before is not slowed down.
JD="$T/jar-device"
curl -s -c "$JD" -o /dev/null --data-urlencode name=viewer --data-urlencode "password=viewer password 1234" "$URL/login"
CHECKS=$((CHECKS + 1)); grep -q isms_device "$JD" || fail "a login sets no device cookie"
for i in 1 2 3 4 5; do
    CODE=$(curl -s -o /dev/null -w '%{http_code}' --data-urlencode name=viewer --data-urlencode password=wrong "$URL/login")
    code_is 401 "wrong password $i"
done
CODE=$(curl -s -o /dev/null -w '%{http_code}' --data-urlencode name=viewer --data-urlencode "password=viewer password 1234" "$URL/login")
code_is 429 "slowed down after repeated failures"
CODE=$(curl -s -b "$JD" -o /dev/null -w '%{http_code}' --data-urlencode name=viewer --data-urlencode "password=viewer password 1234" "$URL/login")
code_is 303 "the owner's known browser logs in at once: guessing does not lock the owner out"
sleep 2
CODE=$(curl -s -o /dev/null -w '%{http_code}' --data-urlencode name=viewer --data-urlencode "password=viewer password 1234" "$URL/login")
code_is 303 "and anyone with the password gets in once the short wait is over"
# The account page's password and code checks count against the same limits.
JL="$T/jar-limit"
curl -s -c "$JL" -o /dev/null --data-urlencode name=auditor --data-urlencode "password=auditor password 1234" "$URL/login"
LCSRF=$(curl -s -b "$JL" "$URL/api/v1/me" | python3 -c 'import json,sys; print(json.load(sys.stdin)["csrf"])')
for i in 1 2 3 4 5; do
    CODE=$(curl -s -b "$JL" -o /dev/null -w '%{http_code}' --data-urlencode csrf="$LCSRF" --data-urlencode current=guess$i \
        --data-urlencode "new=a new password 123" --data-urlencode "confirm=a new password 123" "$URL/account/password")
    code_is 403 "wrong current password $i"
done
CODE=$(curl -s -b "$JL" -o "$T/body" -w '%{http_code}' --data-urlencode csrf="$LCSRF" --data-urlencode "current=auditor password 1234" \
    --data-urlencode "new=a new password 123" --data-urlencode "confirm=a new password 123" "$URL/account/password")
code_is 429 "password guesses on the account page are limited"
contains "$(cat "$T/body")" "Try again in" "with when to try again"

# Keep-alive: two requests reuse one connection.
curl -s -v -o /dev/null -o /dev/null -H "Authorization: Bearer $TOK_viewer" "$URL/api/v1/me" "$URL/api/v1/me" 2>"$T/v"
contains "$(cat "$T/v")" "Re-using existing connection" "HTTP keep-alive"

# Every change through the API is in the audit log, with who made it.
req GET "/api/v1/audit-log?limit=500&offset=0" "$TOK_auditor"
contains "$(jget "$BODY" 'sorted(set(e["actor"] for e in d["items"]))')" "editor" "API changes logged under the user"
req GET /api/v1/audit-log/verification "$TOK_auditor"
equals "$(jget "$BODY" 'd["intact"]')" "true" "audit log intact"
contains "$(cat "$T/serve.err")" "POST /api/v1/assets" "access log"
for secret in "password=" "admin password 1234" "editor password 1234" "enrol password 12345" "new enrol password"; do
    not_contains "$(cat "$T/serve.err")" "$secret" "no passwords in the access log"
done
not_contains "$(cat "$T/serve.err")" "$TOK_admin" "no tokens in the access log"

# Graceful shutdown.
kill -TERM $SERVER
for _ in $(seq 50); do kill -0 $SERVER 2>/dev/null || break; sleep 0.1; done
CHECKS=$((CHECKS + 1))
if kill -0 $SERVER 2>/dev/null; then fail "server did not stop on SIGTERM"; else wait $SERVER; [ $? = 0 ] || fail "server exit status"; fi
grep -q -e AddressSanitizer -e "runtime error" "$T/serve.err" && fail "sanitizer report in the server: $(cat "$T/serve.err")"

# TLS: a self-signed certificate made for the test; the session cookie is Secure, HSTS is sent.
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/key.pem" -out "$T/cert.pem" -days 2 -subj /CN=127.0.0.1 2>/dev/null
expect_rc 2 isms serve --listen 127.0.0.1:0 --tls-cert "$T/cert.pem"
contains "$ERR" "both" "TLS needs a key too"
"$ISMS" serve --listen 127.0.0.1:0 --tls-cert "$T/cert.pem" --tls-key "$T/key.pem" >"$T/tls.out" 2>"$T/tls.err" &
SERVER=$!
for _ in $(seq 50); do grep -q https "$T/tls.out" 2>/dev/null && break; sleep 0.1; done
TURL=$(sed -n 's/.* at \(https[^ ]*\) .*/\1/p' "$T/tls.out")
CODE=$(curl -sk -D "$T/th" -o /dev/null -w '%{http_code}' --data-urlencode name=editor \
    --data-urlencode "password=editor password 1234" "${TURL}login")
code_is 303 "login over TLS"
contains "$(cat "$T/th")" "Secure" "the session cookie is Secure under TLS"
contains "$(cat "$T/th")" "Strict-Transport-Security" "HSTS under TLS"
CODE=$(curl -s -o /dev/null -w '%{http_code}' "${TURL/https/http}login" || true)
CHECKS=$((CHECKS + 1)); [ "$CODE" != 200 ] || fail "plain HTTP must not be answered on the TLS port"
kill -TERM $SERVER; wait $SERVER
finish
