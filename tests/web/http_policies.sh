#!/bin/bash
# Black-box HTTP tests of the policy library and the document gap analysis: the role matrix, every
# API route's success path and refusals with the CLI's messages, hostile ids and uploads, the
# pages with their forms (CSRF, refused forms, escaping), downloads and the audit log.
. "$(dirname "$0")/http_lib.sh"
R="$FIXTURES/policies-real"

http_users
http_start
session editor
session viewer

# --- generate, list, templates (also gives the role matrix policies to work on) ---
req GET /api/v1/policies "$TOK_viewer"
code_is 200 "empty policy list"
equals "$(jget "$BODY" 'd["total"]')" 0 "no policies yet"
req GET /api/v1/policy-templates "$TOK_viewer"
code_is 200 "templates"
NT=$(jget "$BODY" 'd["total"]')
equals "$(jget "$BODY" '[t["title"] for t in d["items"] if t["name"]=="access-control"][0]')" "Access Control Policy" "access control template"
contains "$(jget "$BODY" '[t["controls"] for t in d["items"] if t["name"]=="access-control"][0]')" "A.5.15" "its controls"

req POST /api/v1/policies "$TOK_editor" '{"names":["access-control","backup"]}'
code_is 201 "generate two drafts"
equals "$(jget "$BODY" '[(i["name"], i["result"], i["version"], i["status"]) for i in d["items"]]')" \
    '[["access-control", "generated", 1, "draft"], ["backup", "generated", 1, "draft"]]' "generated as drafts v1"
req POST /api/v1/policies "$TOK_editor" '{"all":true}'
code_is 201 "generate all"
equals "$(jget "$BODY" '[d["generated"], d["skipped"]]')" "[$((NT - 2)), 2]" "existing policies skipped without force"
equals "$(jget "$BODY" '[i["result"] for i in d["items"] if i["name"]=="backup"][0]')" skipped "backup skipped"
req POST /api/v1/policies "$TOK_editor" '{"names":["backup"],"force":true}'
code_is 201 "force regenerates"
equals "$(jget "$BODY" 'd["items"][0]["result"]')" generated "forced draft"
req POST /api/v1/policies "$TOK_editor" '{"names":["no-such-template"]}'
code_is 422 "unknown template"
contains "$BODY" "no-such-template" "the message names the template"
req POST /api/v1/policies "$TOK_editor" '{}'
code_is 422 "nothing to generate"
contains "$BODY" "name a template" "asks for a template"
req POST /api/v1/policies "$TOK_editor" '{"names":["backup"],"all":true}'
code_is 422 "names and all"
contains "$BODY" "not both" "names or all, not both"
req POST /api/v1/policies "$TOK_editor" '{"names":"backup"}'
code_is 422 "names not an array"
req POST /api/v1/policies "$TOK_editor" '{"names":[1]}'
code_is 422 "a name that is not a string"
req POST /api/v1/policies "$TOK_editor" '{"names":['
code_is 400 "malformed JSON"
contains "$BODY" "invalid_json" "malformed JSON code"

req GET /api/v1/policies "$TOK_viewer"
code_is 200 "list"
equals "$(jget "$BODY" 'd["total"]')" "$NT" "every template became a policy"
equals "$(jget "$BODY" 'sorted(d["items"][0].keys())')" \
    '["acknowledgments", "approved_at", "approved_by", "approved_version", "clauses", "controls", "created_at", "created_by", "current_next_review", "latest_version", "name", "next_review", "status", "title", "version"]' \
    "list item keys (as isms policy list --json)"
req GET "/api/v1/policies?limit=2&offset=1" "$TOK_viewer"
code_is 200 "paging"
equals "$(jget "$BODY" '[len(d["items"]), d["limit"], d["offset"], d["total"]]')" "[2, 2, 1, $NT]" "a page of two"
req GET "/api/v1/policies?limit=0" "$TOK_viewer"
code_is 400 "bad limit"
req GET "/api/v1/policies?status=approved" "$TOK_viewer"
code_is 200 "status filter"
equals "$(jget "$BODY" 'd["total"]')" 0 "nothing approved yet"
req GET "/api/v1/policies?status=x%27%20OR%201=1--" "$TOK_viewer"
code_is 400 "SQL in the status filter"
contains "$BODY" "status must be draft, approved or superseded" "status filter message"

# --- the role matrix over this file's routes ---
least() {
    case "$1 $2" in
        GET*) echo viewer ;;
        "POST /api/v1/policy-gap") echo viewer ;;
        *) echo editor ;;
    esac
}
body_for() {
    case "$1 $2" in
        "PUT /api/v1/policy-profile") echo '{"review_months":12}' ;;
        "POST /api/v1/policies") echo '{"names":["backup"]}' ;;
        "PUT /api/v1/policies/{id}") printf '{"body":"# Matrix Policy\\n\\nEdited by %s.\\n"}' "$3" ;;
        "POST /api/v1/policies/{id}/approval") echo '{"by":"CEO"}' ;;
        "POST /api/v1/policies/{id}/acknowledgments") echo '{"person":"matrix-'"$3"'"}' ;;
        *) echo '{}' ;;
    esac
}
path_for() {
    case "$1 $2" in
        "GET /api/v1/policies/{id}/export") echo "/api/v1/policies/backup/export?format=md" ;;
        *) echo "${2//\{id\}/backup}" ;;
    esac
}
# backup is a draft: the matrix edits it, approves it (a second approval is a 409) and acknowledges it
role_matrix <<< "$(api_routes policies)"
req GET /api/v1/policies/backup "$TOK_viewer"
equals "$(jget "$BODY" '[d["status"], d["approved_by"]]')" '["approved", "CEO"]' "the matrix approved backup"

# --- the profile ---
req GET /api/v1/policy-profile "$TOK_viewer"
code_is 200 "profile"
equals "$(jget "$BODY" '[d["review_months"], d["work_model"], d["approver"]]')" '[12, "hybrid", null]' "defaults"
req PUT /api/v1/policy-profile "$TOK_editor" '{"approver":"Dana CEO","review_months":6,"tools":"slack, aws","work_model":"remote"}'
code_is 200 "set the profile"
equals "$(jget "$BODY" '[d["approver"], d["review_months"], d["tools"], d["work_model"]]')" '["Dana CEO", 6, "aws,slack", "remote"]' "profile saved and tools normalized"
expect_rc 0 isms policy profile --json
equals "$(jget "$OUT" 'd["approver"]')" "Dana CEO" "the CLI sees the web's profile"
req PUT /api/v1/policy-profile "$TOK_editor" '{"review_months":40}'
code_is 422 "cadence out of range"
contains "$BODY" "review-months: 40 is out of range (1 to 36 months)" "the CLI's cadence message"
req PUT /api/v1/policy-profile "$TOK_editor" '{"work_model":"castle"}'
code_is 422 "bad work model"
contains "$BODY" "work-model: 'castle' is not one of office, remote, hybrid" "work model message"
req PUT /api/v1/policy-profile "$TOK_editor" '{"tools":"aws,floppy"}'
code_is 422 "unknown tool"
contains "$BODY" "tools: 'floppy' is not a known tool" "tool message"
req PUT /api/v1/policy-profile "$TOK_editor" '{"review_months":"six"}'
code_is 422 "cadence not a number"
req PUT /api/v1/policy-profile "$TOK_editor" '{"favourite_colour":"blue"}'
code_is 422 "unknown profile field"
contains "$BODY" "favourite_colour: not a field of the policy profile" "unknown field named"
req GET /api/v1/policy-profile "$TOK_viewer"
equals "$(jget "$BODY" '[d["review_months"], d["work_model"]]')" '[6, "remote"]' "refused changes left the profile alone"

# --- one policy: read, edit, approve, versions ---
req GET /api/v1/policies/access-control "$TOK_viewer"
code_is 200 "get a policy"
equals "$(jget "$BODY" '[d["name"], d["version"], d["status"], d["approved_version"]]')" '["access-control", 1, "draft", null]' "a draft v1"
contains "$(jget "$BODY" 'd["body"]')" "Access Control Policy" "with its Markdown text"
expect_rc 0 isms policy show access-control --json
equals "$(jget "$BODY" 'd')" "$(jget "$OUT" 'd')" "the same JSON as isms policy show --json"
req GET /api/v1/policies/no-such-policy "$TOK_viewer"
code_is 404 "unknown policy"
contains "$BODY" "no policy 'no-such-policy'" "the CLI's message"
req GET "/api/v1/policies/x'%20OR%20'1'='1" "$TOK_viewer"
code_is 404 "SQL in the id"
req GET "/api/v1/policies/%3Bdrop%20table%20policy" "$TOK_viewer"
code_is 404 "SQL statement in the id"
req GET "/api/v1/policies/access-control?version=abc" "$TOK_viewer"
code_is 400 "version not a number"
contains "$BODY" "version must be a whole number" "version message"
req GET "/api/v1/policies/access-control?version=9" "$TOK_viewer"
code_is 404 "no such version"
contains "$BODY" "has no version 9 (latest is 1)" "names the latest version"

NEW='# Access Control Policy\n\nUsers get the least access they need. <script>alert(1)</script>\n\n- **Reviews** every quarter\n'
req PUT /api/v1/policies/access-control "$TOK_editor" "{\"body\":\"$NEW\"}"
code_is 200 "edit the draft"
equals "$(jget "$BODY" '[d["version"], d["status"]]')" '[1, "draft"]' "a draft is replaced in place"
contains "$(jget "$BODY" 'd["body"]')" "least access they need" "new text"
req PUT /api/v1/policies/access-control "$TOK_editor" '{"body":"  \n\n"}'
code_is 422 "blank text"
contains "$BODY" "the policy text is empty" "the CLI's message for an empty text"
req PUT /api/v1/policies/access-control "$TOK_editor" '{}'
code_is 422 "no body"
contains "$BODY" "body is required: the policy's whole new text in Markdown" "asks for the text"
equals "$(jget "$BODY" 'd["error"]["field"]')" "body" "the error names the body member"
req PUT /api/v1/policies/access-control "$TOK_editor" '{"body":42}'
code_is 422 "body not a string"
req PUT /api/v1/policies/access-control "$TOK_editor" '{"body":"nul \u0000 byte"}'
code_is 400 "NUL in the text"
contains "$BODY" "invalid_json" "NUL refused by the JSON reader"
printf '{"body":"\xff\xfe bad"}' > "$T/bad.json"
CODE=$(curl -s -o "$T/body" -w '%{http_code}' -X PUT -H "Authorization: Bearer $TOK_editor" -H 'Content-Type: application/json' --data-binary @"$T/bad.json" "$URL/api/v1/policies/access-control"); BODY=$(cat "$T/body")
code_is 400 "text that is not UTF-8"
python3 -c 'import json; print(json.dumps({"body": "# Big\n\n" + "x" * (1100 * 1024)}))' > "$T/big.json"
CODE=$(curl -s -o "$T/body" -w '%{http_code}' -X PUT -H "Authorization: Bearer $TOK_editor" -H 'Content-Type: application/json' --data-binary @"$T/big.json" "$URL/api/v1/policies/access-control"); BODY=$(cat "$T/body")
code_is 413 "a text over the body limit"
req GET /api/v1/policies/access-control "$TOK_viewer"
SENT=$(jget "$BODY" 'dict(d, body=d["body"] + "\nSent back whole.\n")')
req PUT /api/v1/policies/access-control "$TOK_editor" "$SENT"
code_is 200 "a policy read and sent back changed"
contains "$(jget "$BODY" 'd["body"]')" "Sent back whole." "its new text kept"
req PUT /api/v1/policies/access-control "$TOK_editor" '{"body":"# A\n\nB\n","owner":"me"}'
code_is 422 "an unknown member"
contains "$BODY" "owner: not a field of a policy" "names the member"
req POST /api/v1/policies/access-control/approval "$TOK_editor" '{"by":"X","when":"now"}'
code_is 422 "an unknown approval member"
req GET /api/v1/policies/access-control "$TOK_viewer"
equals "$(jget "$BODY" 'd["status"]')" draft "the refused approval changed nothing"
req PUT /api/v1/policies/access-control "$TOK_editor" "{\"body\":\"$NEW\"}"
code_is 200 "the text again"
req PUT /api/v1/policies/no-such-policy "$TOK_editor" '{"body":"# X\n\ntext\n"}'
code_is 404 "edit an unknown policy"

req POST /api/v1/policies/access-control/approval "$TOK_editor" '{"by":""}'
code_is 422 "approval without approver"
contains "$BODY" "by is required: who approves the policy" "approver message"
equals "$(jget "$BODY" 'd["error"]["field"]')" "by" "the error names the by member"
req POST /api/v1/policies/access-control/approval "$TOK_editor" '{"by":"Dana CEO"}'
code_is 200 "approve"
equals "$(jget "$BODY" '[d["version"], d["status"], d["approved_by"], d["approved_version"]]')" '[1, "approved", "Dana CEO", 1]' "approved v1"
equals "$(jget "$BODY" 'd["evidence_id"] > 0')" true "recorded as evidence"
DUE=$(jget "$BODY" 'd["next_review"]')
equals "$DUE" "$(python3 -c 'import datetime,calendar; t=datetime.date.today(); m=t.month+5; y=t.year+m//12; m=m%12+1; print(t.replace(year=y,month=m,day=min(t.day,calendar.monthrange(y,m)[1])))')" "next review after the profile's 6 months"
req POST /api/v1/policies/access-control/approval "$TOK_editor" '{"by":"Dana CEO"}'
code_is 409 "nothing left to approve"
req POST /api/v1/policies/no-such-policy/approval "$TOK_editor" '{"by":"Dana CEO"}'
code_is 404 "approve an unknown policy"
req PUT /api/v1/policies/access-control "$TOK_editor" '{"body":"# Access Control Policy\n\nVersion two.\n"}'
code_is 200 "edit the approved policy"
equals "$(jget "$BODY" '[d["version"], d["status"], d["approved_version"]]')" '[2, "draft", 1]' "a new draft, the approved one stays in force"
req GET "/api/v1/policies/access-control?version=1" "$TOK_viewer"
equals "$(jget "$BODY" '[d["version"], d["status"]]')" '[1, "approved"]' "version 1 is still approved"
req GET /api/v1/policies/access-control/versions "$TOK_viewer"
code_is 200 "versions"
equals "$(jget "$BODY" '[(v["version"], v["status"]) for v in d["items"]]')" '[[2, "draft"], [1, "approved"]]' "version history, newest first"

# --- acknowledgments and their status ---
req POST /api/v1/policies/access-control/acknowledgments "$TOK_editor" '{"person":"viewer"}'
code_is 201 "acknowledge"
equals "$(jget "$BODY" '[d["version"], d["person"], d["already"], d["acknowledgments"]]')" '[1, "viewer", false, 1]' "recorded for v1"
req POST /api/v1/policies/access-control/acknowledgments "$TOK_editor" '{"person":"viewer"}'
code_is 200 "acknowledge again"
equals "$(jget "$BODY" 'd["already"]')" true "already acknowledged"
req POST /api/v1/policies/access-control/acknowledgments "$TOK_editor" '{"person":""}'
code_is 422 "nobody acknowledges"
contains "$BODY" "person is required: who has read and accepted the policy" "person message"
equals "$(jget "$BODY" 'd["error"]["field"]')" "person" "the error names the person member"
req POST /api/v1/policies/cryptography/acknowledgments "$TOK_editor" '{"person":"viewer"}'
code_is 409 "a draft cannot be acknowledged"
contains "$BODY" "has no approved version to acknowledge yet" "the CLI's message"
req GET /api/v1/policies/access-control/status "$TOK_viewer"
code_is 200 "status"
equals "$(jget "$BODY" '[d["staff"], d["policies"][0]["acknowledged"], d["policies"][0]["missing"]]')" \
    '[4, 1, ["admin", "auditor", "editor"]]' "the users who have not acknowledged"
expect_rc 1 isms policy status access-control --json
equals "$(jget "$BODY" 'd')" "$(jget "$OUT" 'd')" "the same JSON as isms policy status --json"
req GET "/api/v1/policies/access-control/status?staff=people" "$TOK_viewer"
code_is 200 "status against the people register"
NPEOPLE=$(jget "$BODY" 'd["staff"]')
equals "$(jget "$BODY" 'len(d["policies"][0]["missing"]) == d["staff"] and d["staff"] > 0')" true "nobody of the people register has acknowledged"
req GET "/api/v1/policies/access-control/status?staff=everyone" "$TOK_viewer"
code_is 400 "unknown staff source"
contains "$BODY" "staff must be users or people" "staff message"
req GET /api/v1/policies/nope/status "$TOK_viewer"
code_is 404 "status of an unknown policy"
req GET /api/v1/policy-status "$TOK_viewer"
code_is 200 "status of every policy"
equals "$(jget "$BODY" 'len(d["policies"])')" "$NT" "every policy"
equals "$(jget "$BODY" 'd["problems"]')" 2 "access-control and backup are missing acknowledgments"

# --- downloads ---
dl() { CODE=$(curl -s -D "$T/hdr" -o "$T/dl" -w '%{http_code}' -H "Authorization: Bearer $TOK_viewer" "$URL$1"); BODY=$(head -c 300 "$T/dl"); }
dl "/api/v1/policies/access-control/export?format=md"
code_is 200 "Markdown download"
contains "$(cat "$T/hdr")" 'attachment; filename="access-control-v2.md"' "Markdown file name"
equals "$(cat "$T/dl")" "$(printf '# Access Control Policy\n\nVersion two.')" "the stored Markdown"
dl "/api/v1/policies/access-control/export?format=html&version=1"
code_is 200 "HTML download"
contains "$(cat "$T/hdr")" 'filename="access-control-v1.html"' "HTML file name"
contains "$(cat "$T/hdr")" "text/html" "HTML type"
contains "$(cat "$T/dl")" "&lt;script&gt;alert(1)&lt;/script&gt;" "user text escaped in the HTML document"
not_contains "$(cat "$T/dl")" "<script>alert" "no live script"
contains "$(cat "$T/dl")" "Dana CEO" "document control names the approver"
dl "/api/v1/policies/access-control/export?format=pdf&version=1"
code_is 200 "PDF download"
contains "$(cat "$T/hdr")" 'filename="access-control-v1.pdf"' "PDF file name"
contains "$(cat "$T/hdr")" "application/pdf" "PDF type"
pdftotext "$T/dl" "$T/dl.txt" 2>/dev/null
contains "$(cat "$T/dl.txt")" "least access they need" "the PDF holds the approved text"
contains "$(cat "$T/dl.txt")" "Dana CEO" "and its approval"
dl "/api/v1/policies/access-control/export?format=docx"
code_is 400 "unknown format"
contains "$BODY" "format must be md, html or pdf" "format message"
dl "/api/v1/policies/access-control/export?format=pdf&version=7"
code_is 404 "download a missing version"
equals "$(ls -A "$T/tmp")" "" "export left no temporary directory"

# --- the gap analysis upload ---
gap() { # TOKEN curl-form-args...
    local tok=$1; shift
    CODE=$(curl -s -o "$T/body" -w '%{http_code}' -H "Authorization: Bearer $tok" "$@" "$URL/api/v1/policy-gap"); BODY=$(cat "$T/body")
}
gap "$TOK_viewer" -F "files=@$R/jupiterone__access_control.md"
code_is 200 "gap analysis of a real policy"
expect_rc 1 isms policy gap "$R/jupiterone__access_control.md" --json
CLI=$OUT
equals "$(jget "$BODY" '[(r["id"], r["status"]) for r in d["requirements"]]')" "$(jget "$CLI" '[(r["id"], r["status"]) for r in d["requirements"]]')" "the same findings as isms policy gap"
equals "$(jget "$BODY" 'd["files"][0]["file"]')" "jupiterone__access_control.md" "the report names the upload"
contains "$(jget "$BODY" '[r for r in d["requirements"] if r["id"]=="ACC-06"][0]["evidence"]["sentence"]')" "Access must be reviewed on a regular basis" "with the covering sentence"
equals "$(jget "$BODY" 'sorted(d["files"][0]["weaknesses"])')" '["no_owner", "no_scope", "no_version"]' "document weaknesses"
equals "$(jget "$BODY" '[c["status"] for c in d["controls"] if c["control"]=="A.8.18"][0]')" missing "per control"
gap "$TOK_viewer" -F "files=@$R/strongdm__log_management.pdf" -F "files=@$R/strongdm__remote_access.docx"
code_is 200 "PDF and DOCX"
equals "$(jget "$BODY" '[(f["format"], f["title"]) for f in d["files"]]')" '[["pdf", "Log Management Policy"], ["docx", "Remote Access Policy"]]' "both read"
contains "$(jget "$BODY" '[r for r in d["requirements"] if r["id"]=="LOG-07"][0]["evidence"]["location"]')" "page 2" "PDF page in the location"
gap "$TOK_auditor" -F "files=@$R/lullabot__backup.md" -F "topic=backup,crypto"
code_is 200 "topics chosen"
equals "$(jget "$BODY" '[t["id"] for t in d["topics"]]')" '["crypto", "backup"]' "the chosen topics"
gap "$TOK_viewer" -F "files=@$R/lullabot__backup.md" -F "topic=nonsense"
code_is 422 "unknown topic"
contains "$BODY" "unknown topic 'nonsense'" "topic message"
# hostile files in one batch with a good one: each named, the rest analysed
: > "$T/empty.md"
printf 'This is plain text, not a PDF.\n' > "$T/fake.pdf"
printf 'PK\003\004garbage that is no zip at all' > "$T/corrupt.docx"
python3 - "$T/bomb.docx" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
    z.writestr("word/document.xml", "<w:document>" + " " * (80 << 20) + "</w:document>")
PY
gap "$TOK_viewer" -F "files=@$T/empty.md" -F "files=@$T/fake.pdf" -F "files=@$T/corrupt.docx" -F "files=@$T/bomb.docx" \
    -F "files=@$R/lullabot__backup.md"
code_is 200 "a batch with hostile files"
equals "$(jget "$BODY" '[d["summary"]["read"], d["summary"]["failed"]]')" '[1, 4]' "four refused, one read"
equals "$(jget "$BODY" 'd["files"][0]["error"]')" "is empty" "empty file"
equals "$(jget "$BODY" 'd["files"][1]["error"]')" "is named .pdf but its content is text" "fake extension"
contains "$(jget "$BODY" 'd["files"][2]["error"]')" "corrupt or truncated" "corrupt zip"
equals "$(jget "$BODY" 'd["files"][3]["error"] is not None')" true "zip bomb refused"
equals "$(jget "$BODY" 'd["files"][4]["topics"]')" '["backup"]' "the good file is still analysed"
# a viewer's 755-byte DOCX whose style has 300 names overflowed a stack array and killed the server
gap "$TOK_viewer" -F "files=@$FIXTURES/policies-hostile/style-names.docx"
code_is 200 "a DOCX with hundreds of names in one style"
equals "$(jget "$BODY" '[d["files"][0]["format"], d["files"][0]["title"]]')" '["docx", "Backup Policy"]' "read as a document"
req GET /api/v1/me "$TOK_viewer"
code_is 200 "the server is still alive after it"
CHECKS=$((CHECKS + 1)); kill -0 "$SERVER" 2>/dev/null || fail "the server process died"
gap "$TOK_viewer" -F "files=@$T/empty.md" -F "files=@$T/fake.pdf"
code_is 422 "nothing readable"
contains "$BODY" "none of the 2 files could be read" "the CLI's message"
gap "$TOK_viewer" -F "topic=backup"
code_is 422 "no files"
contains "$BODY" "give one or more policy documents" "asks for documents"
gap "$TOK_viewer" -F "evidence=@$R/lullabot__backup.md"
code_is 422 "wrong file field"
gap "$TOK_viewer" -F "files=@$R/lullabot__backup.md;filename=../../etc/passwd.md"
code_is 200 "a file name with a path"
equals "$(jget "$BODY" 'd["files"][0]["file"]')" "passwd.md" "only the last component is kept"
gap "$TOK_viewer" -H 'Content-Type: application/json' --data-binary '{"files":[]}'
code_is 415 "not multipart"
head -c $((26 << 20)) /dev/zero > "$T/huge.md"
gap "$TOK_viewer" -F "files=@$T/huge.md"
code_is 413 "an upload over the limit"
equals "$(ls -A "$T/tmp")" "" "the gap analysis left no temporary directory"

# --- pages ---
page viewer /policies
code_is 200 "library page"
contains "$BODY" 'href="/policies/access-control"' "policies listed with links"
contains "$BODY" "Access Control Policy" "titles"
contains "$BODY" '<a href="/policies"' "the nav entry"
not_contains "$BODY" 'id="generate-form"' "no generate form for a viewer"
page editor /policies
contains "$BODY" 'id="generate-form"' "generate form for an editor"
contains "$BODY" 'name="approver" value="Dana CEO"' "profile form filled"
form editor /policies/generate
code_is 422 "generate nothing"
contains "$BODY" 'id="form-error">name a template' "refused generate form says why"
form editor /policies/generate template=no-such-template
code_is 422 "generate an unknown template"
contains "$BODY" "no-such-template" "names it"
form editor /policies/generate template=cryptography force=1
code_is 303 "generate from the form"
req GET /api/v1/policies/cryptography "$TOK_viewer"
equals "$(jget "$BODY" 'd["version"]')" 1 "the cryptography draft was replaced in place"
CODE=$(curl -s -b "$T/jar.editor" -o "$T/body" -w '%{http_code}' --data-urlencode "template=cryptography" "$URL/policies/generate")
code_is 403 "generate without the CSRF token"
form viewer /policies/generate template=cryptography
code_is 403 "a viewer cannot generate"
form editor /policies/profile review_months=99 approver="Kept <Input>"
code_is 422 "refused profile form"
contains "$BODY" "is out of range (1 to 36 months)" "says why"
contains "$BODY" 'value="Kept &lt;Input&gt;"' "keeps the input, escaped"
form editor /policies/profile approver="Erin Board" work_model=office
code_is 303 "save the profile"
req GET /api/v1/policy-profile "$TOK_viewer"
equals "$(jget "$BODY" '[d["approver"], d["work_model"], d["review_months"]]')" '["Erin Board", "office", 6]' "blank fields left alone"

page viewer /policies/access-control
code_is 200 "policy page"
contains "$BODY" '<h1>Access Control Policy</h1>' "rendered Markdown heading"
contains "$BODY" 'id="versions"' "version history"
contains "$BODY" 'href="/api/v1/policies/access-control/export?format=pdf&amp;version=2"' "PDF download link"
not_contains "$BODY" 'id="edit-form"' "no edit form for a viewer"
page viewer "/policies/access-control?version=1"
contains "$BODY" "&lt;script&gt;alert(1)&lt;/script&gt;" "stored script shown escaped"
not_contains "$BODY" "<script>alert" "never live"
contains "$BODY" "<strong>Reviews</strong>" "Markdown emphasis rendered"
page viewer /policies/no-such-policy
code_is 404 "unknown policy page"
page viewer "/policies/x'%20OR%201=1--"
code_is 404 "SQL in the page id"
page viewer "/policies/access-control?version=zz"
code_is 400 "bad version on the page"
page editor /policies/access-control
contains "$BODY" 'id="edit-form"' "edit form for an editor"
contains "$BODY" 'id="approve-form"' "approve form for a draft"
contains "$BODY" 'name="by" value="Erin Board"' "approver from the profile"
contains "$BODY" 'id="ack-missing"' "who is missing"
form editor /policies/access-control/edit body="   "
code_is 422 "refused edit"
contains "$BODY" 'id="form-error">the policy text is empty' "edit refused with the CLI's message"
form editor /policies/access-control/edit body="# Access Control Policy

Version two, edited in the browser."
code_is 303 "edit from the form"
req GET /api/v1/policies/access-control "$TOK_viewer"
equals "$(jget "$BODY" '[d["version"], d["body"]]')" '[2, "# Access Control Policy\n\nVersion two, edited in the browser."]' "saved without carriage returns"
CODE=$(curl -s -b "$T/jar.editor" -o "$T/body" -w '%{http_code}' --data-urlencode "by=X" "$URL/policies/access-control/approve")
code_is 403 "approve without the CSRF token"
form editor /policies/access-control/approve by=
code_is 422 "approve without approver"
contains "$BODY" "by is required: who approves the policy" "says why"
form editor /policies/access-control/approve "by=Erin Board"
code_is 303 "approve from the form"
req GET /api/v1/policies/access-control "$TOK_viewer"
equals "$(jget "$BODY" '[d["status"], d["approved_by"], d["approved_version"]]')" '["approved", "Erin Board", 2]' "v2 approved"
req GET "/api/v1/policies/access-control?version=1" "$TOK_viewer"
equals "$(jget "$BODY" 'd["status"]')" superseded "v1 superseded"
form editor /policies/access-control/ack "person=<script>x</script>"
code_is 303 "acknowledge from the form"
form editor /policies/access-control/ack person=
code_is 422 "acknowledge nobody"
contains "$BODY" "person is required: who has read and accepted the policy" "says why"
CODE=$(curl -s -b "$T/jar.editor" -o "$T/body" -w '%{http_code}' --data-urlencode "person=x" "$URL/policies/access-control/ack")
code_is 403 "acknowledge without the CSRF token"
form viewer /policies/access-control/ack person=viewer
code_is 403 "a viewer cannot record acknowledgments"
page viewer /policies/access-control
contains "$BODY" "<li>&lt;script&gt;x&lt;/script&gt;</li>" "acknowledger escaped"
contains "$BODY" "acknowledged by 0 of 4 expected" "counted against the users"
page viewer "/policies/access-control?staff=people"
contains "$BODY" "of $NPEOPLE expected (the people register" "or the people register"

# the gap page
page viewer /policies/gap
code_is 200 "gap page"
contains "$BODY" 'id="gap-form"' "upload form"
upload_page() { # ROLE curl-args...
    local role=$1; shift
    CODE=$(curl -s -b "$T/jar.$role" -o "$T/body" -w '%{http_code}' "$@" "$URL/policies/gap"); BODY=$(cat "$T/body")
}
upload_page viewer -F "csrf=$CSRF_viewer" -F "files=@$R/lullabot__backup.md;filename=<script>bk.md" -F "files=@$T/fake.pdf"
code_is 200 "gap report page"
contains "$BODY" "&lt;script&gt;bk.md" "uploaded file name escaped"
not_contains "$BODY" "<script>bk" "never live"
contains "$BODY" 'id="req-BAK-04"' "requirement rows"
contains "$BODY" "Backup: " "per topic"
contains "$BODY" "is named .pdf but its content is text" "the refused file says why"
contains "$BODY" 'id="gap-controls"' "per control"
upload_page viewer -F "files=@$R/lullabot__backup.md"
code_is 403 "gap upload without the CSRF token"
upload_page viewer -F "csrf=$CSRF_viewer" -F "topic=backup"
code_is 422 "gap form without files"
contains "$BODY" 'id="form-error">give one or more policy documents' "says why"

# --- the audit log ---
expect_rc 0 isms log --json
LOG=$OUT
equals "$(jget "$LOG" 'any(e["action"]=="update" and e["entity"]=="policy_profile" and e["actor"]=="editor" for e in d)')" true "profile change logged with its actor"
equals "$(jget "$LOG" 'any(e["action"]=="approve" and e["entity_id"]=="access-control" for e in d)')" true "approval logged"
equals "$(jget "$LOG" 'any(e["action"]=="acknowledge" and "<script>x</script>" in (e["after"] or "") for e in d)')" true "acknowledgment logged"
equals "$(jget "$LOG" 'sum(1 for e in d if e["entity"]=="policy" and e["action"]=="create")')" "$((NT + 1))" "each new draft version logged"
req GET "/api/v1/audit-log?limit=500" "$TOK_auditor"
contains "$BODY" '"entity_id":"access-control"' "the audit log API shows policy changes"
expect_rc 0 isms log verify

# A real organization's policy shows as its author wrote it: links, lists and tables; and what a
# hostile author writes (a script, an event handler, a javascript: link) never runs.
expect_rc 0 isms policy edit backup --file "$R/lullabot__malware_protection.md"
page viewer /policies/backup
code_is 200 "a real-world policy's page"
contains "$BODY" '<a href="https://github.com/gorhill/uBlock">uBlock Origin</a>' "its links are links"
contains "$BODY" '<li>' "its lists are lists"
printf '# Hostile\n\n<script>alert(1)</script>\n\n[click](javascript:alert(2)) <img src=x onerror=alert(3)>\n\n| a | b |\n|---|---|\n| 1 | 2 |\n' > "$T/hostile.md"
expect_rc 0 isms policy edit backup --file "$T/hostile.md"
page viewer /policies/backup
ARTICLE=$(printf %s "$BODY" | python3 -c 'import sys,re; print(re.search(r"<article class=\"policy\".*?</article>", sys.stdin.read(), re.S).group(0))')
not_contains "$ARTICLE" "<script" "no script in a policy's text"
not_contains "$ARTICLE" "javascript:" "no javascript: link"
not_contains "$ARTICLE" "<img" "no image with an event handler"
contains "$ARTICLE" "&lt;script&gt;alert(1)&lt;/script&gt;" "the script shows as the text it is"
contains "$ARTICLE" "<td>2</td>" "its table is a table"

# The server stops cleanly, and the sanitizers found nothing in it (leaks are reported at exit).
kill -TERM $SERVER
for _ in $(seq 50); do kill -0 $SERVER 2>/dev/null || break; sleep 0.1; done
CHECKS=$((CHECKS + 1))
if kill -0 $SERVER 2>/dev/null; then fail "server did not stop on SIGTERM"; else wait $SERVER; [ $? = 0 ] || fail "server exit status"; fi
grep -q -e AddressSanitizer -e "runtime error" -e LeakSanitizer "$T/serve.err" && fail "sanitizer report in the server: $(cat "$T/serve.err")"
finish
