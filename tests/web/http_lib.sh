# Shared helpers for the black-box HTTP tests: a demo workspace with one user and API token per
# role, the server on 127.0.0.1, requests as a token or a browser session, and the role matrix.
. "$(dirname "$0")/../cli/lib.sh"
command -v curl >/dev/null || { echo "$(basename "$0"): curl is required"; exit 1; }

# http_users: the demo workspace and users admin, editor, viewer, auditor (password
# "<role> password 1234") with their API tokens in TOK_<role>.
http_users() {
    expect_rc 0 isms demo
    for u in admin editor viewer auditor; do
        printf '%s password 1234\n' "$u" > "$T/pw"
        expect_rc 0 isms user add --name "$u" --role "$u" < "$T/pw"
        expect_rc 0 isms token create --user "$u"
        eval "TOK_$u=\$OUT"
    done
}

# http_start [serve options...]: start `isms serve` on a free port; sets URL and SERVER. Its
# temporary files go to $T/tmp, which every request must leave empty.
http_start() {
    mkdir -p "$T/tmp"
    TMPDIR="$T/tmp" "$ISMS" serve --listen 127.0.0.1:0 "$@" >"$T/serve.out" 2>"$T/serve.err" &
    SERVER=$!
    trap 'kill $SERVER 2>/dev/null; rm -rf "$T"' EXIT
    for _ in $(seq 50); do grep -q http "$T/serve.out" 2>/dev/null && break; sleep 0.1; done
    URL=$(sed -n 's/.* at \(http[^ ]*\) .*/\1/p' "$T/serve.out")
    URL=${URL%/}
    [ -n "$URL" ] || { fail "server did not start: $(cat "$T/serve.err")"; finish; }
}

# req METHOD PATH [TOKEN] [BODY]: sets CODE and BODY
req() {
    local args=(-s -o "$T/body" -w '%{http_code}' -X "$1")
    [ -n "${3:-}" ] && args+=(-H "Authorization: Bearer $3")
    [ -n "${4:-}" ] && args+=(-H 'Content-Type: application/json' --data-binary "$4")
    CODE=$(curl "${args[@]}" "$URL$2"); BODY=$(tr -d '\000' < "$T/body") # binary downloads: bytes are checked from the file
}
code_is() { CHECKS=$((CHECKS + 1)); [ "$CODE" = "$1" ] || fail "$2: HTTP $CODE, wanted $1 (body: $(printf %s "$BODY" | head -c 200))"; }

# session ROLE: log in through the form; the cookie jar is $T/jar.ROLE, the CSRF token CSRF_<role>.
session() {
    curl -s -c "$T/jar.$1" -o /dev/null --data-urlencode "name=$1" --data-urlencode "password=$1 password 1234" "$URL/login"
    eval "CSRF_$1=\$(curl -s -b \"\$T/jar.$1\" \"\$URL/api/v1/me\" | python3 -c 'import json,sys; print(json.load(sys.stdin)[\"csrf\"])')"
}
# page ROLE PATH: GET a page with ROLE's session; sets CODE and BODY.
page() { CODE=$(curl -s -b "$T/jar.$1" -o "$T/body" -w '%{http_code}' "$URL$2"); BODY=$(cat "$T/body"); }
# form ROLE PATH field=value...: POST a form with ROLE's session and CSRF token; sets CODE and BODY.
form() {
    local role=$1 path=$2; shift 2
    local tokvar="CSRF_$role"
    local args=(-s -b "$T/jar.$role" -o "$T/body" -w '%{http_code}' --data-urlencode "csrf=${!tokvar}")
    for kv in "$@"; do args+=(--data-urlencode "$kv"); done
    CODE=$(curl "${args[@]}" "$URL$path"); BODY=$(cat "$T/body")
}

# The role matrix. role_matrix reads "METHOD PATH" lines and requests each as no one, viewer,
# editor, auditor and admin: 401 without a token, 403 below the least role, and for the allowed
# roles anything but an authorization refusal, a missing route or a server error. The caller
# defines least METHOD PATH (public|viewer|editor|auditor|admin), body_for METHOD PATH ROLE (the
# JSON body of a write) and path_for METHOD PATH ROLE (the concrete path, e.g. a fresh object's id).
allowed() { # role least
    case "$2" in
        public|viewer) return 0 ;;
        editor) [ "$1" = editor ] || [ "$1" = admin ] ;;
        auditor) [ "$1" = auditor ] || [ "$1" = admin ] ;;
        admin) [ "$1" = admin ] ;;
    esac
}
# documented_status METHOD PATH: the success status the OpenAPI document gives is the one answered.
documented_status() {
    [ -s "$T/openapi.json" ] || curl -s -o "$T/openapi.json" "$URL/api/v1/openapi.json"
    local doc
    doc=$(python3 -c 'import json,sys; op=json.load(open(sys.argv[1]))["paths"][sys.argv[3]][sys.argv[2].lower()]
print(" ".join(k for k in op["responses"] if k.startswith("2")))' "$T/openapi.json" "$1" "$2")
    CHECKS=$((CHECKS + 1))
    case " $doc " in *" $CODE "*) ;; *) fail "$1 $2 answers $CODE but the OpenAPI document says $doc" ;; esac
}
role_matrix() {
    local method path l role tokvar tok p body
    while read -r method path; do
        [ -n "$method" ] || continue
        l=$(least "$method" "$path")
        for role in none viewer editor auditor admin; do
            tokvar="TOK_$role"; tok=${!tokvar:-}
            p=$(path_for "$method" "$path" "$role")
            body=""
            [ "$method" != GET ] && [ "$method" != DELETE ] && body=$(body_for "$method" "$path" "$role")
            req "$method" "$p" "$tok" "$body"
            if [ "$role" = none ]; then
                [ "$l" = public ] && code_is 200 "$method $path public" || code_is 401 "$method $path without a token"
            elif allowed "$role" "$l"; then
                CHECKS=$((CHECKS + 1))
                case "$CODE" in 401|403|404|405|5??) fail "$method $path as $role: HTTP $CODE ($(head -c 200 "$T/body"))" ;; esac
                case "$CODE" in 2??) documented_status "$method" "$path" ;; esac
            else
                code_is 403 "$method $path as $role"
            fi
        done
    done
}

# api_routes [SECTION]: the "METHOD PATH" lines of tests/web/api-routes.txt, all of them or those
# under the "# SECTION: ..." heading. The file lists every API route; http.sh checks it against
# the OpenAPI document and each test runs the role matrix over its own section.
api_routes() {
    awk -v want="${1:-}" '/^#/ { split($2, w, ":"); sec = w[1]; next }
        NF && (want == "" || sec == want)' "$(dirname "$0")/api-routes.txt"
}
