# isms logs scan: CloudTrail findings on real logs (checked against an independent Python reading
# of the same files), hand-made cases per rule, broken files, directory walks and exit codes.
. "$(dirname "$0")/lib.sh"
CT="$FIXTURES/cloudtrail"
REAL="$CT/real"

# --- real logs: the whole set, recursively, with the malformed file among them ---
expect_rc 1 isms logs scan "$REAL" --json
J=$OUT
equals "$(jget "$J" 'd["files_scanned"]')" 93 "every .json/.json.gz under real/ is scanned"
equals "$(jget "$J" 'len(d["files_failed"])')" 1 "one broken file"
contains "$(jget "$J" 'd["files_failed"][0]["file"]')" "malformed/aws.execution.ec2-user-data.json" "the malformed file is named"
equals "$(jget "$J" 'd["files_failed"][0]["error"]')" "invalid JSON at byte 3327: expected ',' or ']' after record 1" "what is wrong with it"
equals "$(jget "$J" 'd["events"]')" 12144 "events (12143 in the readable files + the record before the corruption)"
# findings verified by hand in the data, then by the independent reading below
find_count() { jget "$J" "sum(f['count'] for f in d['findings'] if f['rule']=='$1' and f['principal']=='$2')"; }
equals "$(find_count cloudtrail_tampering arn:aws:iam::123837392027:user/bert-jan)" 6 \
    "bert-jan: 4 StopLogging/DeleteTrail tries (TrailNotFoundException) and 2 DeleteTrail"
equals "$(find_count console_login_without_mfa arn:aws:iam::123837392027:user/stratus-red-team-nmfalu-gfjyeaypjt)" 1 \
    "the stratus-red-team user signed in without MFA"
equals "$(find_count console_login_without_mfa arn:aws:iam::123837392027:user/bert-jan)" 0 \
    "bert-jan signed in with MFA"
equals "$(find_count iam_policy_change arn:aws:iam::123837392027:user/bert-jan)" 28 "bert-jan changed IAM policies"
equals "$(find_count security_group_open_to_world arn:aws:iam::123837392027:user/bert-jan)" 2 "SSH and TLS opened to the world"
equals "$(find_count cloudtrail_tampering arn:aws:sts::677301038893:assumed-role/account-admin/christophe.tafanidereeper)" 1 \
    "DeleteTrail in the pipeline-processed (zmallen) records"
equals "$(jget "$J" '[f for f in d["findings"] if f["rule"]=="console_login_without_mfa"][0]["first_seen"]')" \
    "2023-07-10T12:23:15Z" "first_seen"
equals "$(jget "$J" '[f["source_ip"] for f in d["findings"] if "christophe" in f["principal"]][0]')" null \
    "no sourceIPAddress in those records: null"
equals "$(jget "$J" 'sorted(d["findings"][0].keys())')" \
    '["count", "event_name", "first_seen", "last_seen", "principal", "region", "rule", "source_ip"]' "finding keys"
equals "$(jget "$J" 'sum(1 for f in d["findings"] if f["rule"] in ("root_account_usage","root_access_key_created"))')" 0 \
    "no root activity in these accounts"

# The same findings from an independent implementation of the rules over Python's json module
# (files it cannot parse are left out, as isms reports them).
REF=$(python3 - "$REAL" <<'EOF'
import gzip, json, os, sys
POL = set("PutUserPolicy PutGroupPolicy PutRolePolicy DeleteUserPolicy DeleteGroupPolicy "
          "DeleteRolePolicy AttachUserPolicy AttachGroupPolicy AttachRolePolicy DetachUserPolicy "
          "DetachGroupPolicy DetachRolePolicy CreatePolicy DeletePolicy CreatePolicyVersion "
          "DeletePolicyVersion SetDefaultPolicyVersion UpdateAssumeRolePolicy "
          "PutUserPermissionsBoundary PutRolePermissionsBoundary DeleteUserPermissionsBoundary "
          "DeleteRolePermissionsBoundary".split())
s = lambda v: v if isinstance(v, str) else None
o = lambda v: v if isinstance(v, dict) else {}
def world(v):
    if isinstance(v, dict):
        return any((k in ("cidrIp", "cidrIpv6") and x in ("0.0.0.0/0", "::/0")) or world(x) for k, x in v.items())
    return isinstance(v, list) and any(world(x) for x in v)
agg, seen = {}, set()
for root, _, names in sorted(os.walk(sys.argv[1])):
    for name in sorted(names):
        raw = open(os.path.join(root, name), "rb").read()
        try:
            recs = json.loads(gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw)["Records"]
        except Exception:
            continue
        for r in recs:
            ui, name_, err, ip = o(r.get("userIdentity")), s(r.get("eventName")), s(r.get("errorCode")), s(r.get("sourceIPAddress"))
            t, rp = s(ui.get("type")), r.get("requestParameters")
            hits = []
            if t == "Root" and not s(ui.get("invokedBy")) and s(r.get("eventType")) != "AwsServiceEvent" and not (ip or "").endswith(".amazonaws.com"):
                hits.append("root_account_usage")
            if name_ == "ConsoleLogin":
                sc = o(ui.get("sessionContext"))
                fed = any(o(sc.get(k)) for k in ("sessionIssuer", "webIdFederationData")) or t in ("SAMLUser", "WebIdentityUser", "AssumedRole", "FederatedUser")
                res = s(o(r.get("responseElements")).get("ConsoleLogin"))
                if res == "Success" and s(o(r.get("additionalEventData")).get("MFAUsed")) == "No" and not fed:
                    hits.append("console_login_without_mfa")
                if res == "Failure":
                    hits.append("console_login_failures")
            if s(r.get("eventSource")) == "cloudtrail.amazonaws.com" and name_ in ("StopLogging", "DeleteTrail", "UpdateTrail"):
                hits.append("cloudtrail_tampering")
            if not err and s(r.get("eventSource")) == "iam.amazonaws.com" and name_ in POL:
                hits.append("iam_policy_change")
            if t == "Root" and not err and name_ == "CreateAccessKey" and not s(o(rp).get("userName")):
                hits.append("root_access_key_created")
            if not err and name_ == "AuthorizeSecurityGroupIngress" and world(o(rp)):
                hits.append("security_group_open_to_world")
            eid = s(r.get("eventID"))
            if not hits or (eid and eid in seen):
                continue
            seen.add(eid)
            who = s(ui.get("arn")) or s(ui.get("userName")) or t or "unknown"
            for h in hits:
                k = (h, who, ip, s(r.get("awsRegion")))
                agg[k] = agg.get(k, 0) + 1
print(json.dumps(sorted([list(k) + [v] for k, v in agg.items()], key=str)))
EOF
)
MINE=$(jget "$J" 'sorted([[f["rule"],f["principal"],f["source_ip"],f["region"],f["count"]] for f in d["findings"]], key=str)')
equals "$MINE" "$REF" "findings equal those of an independent Python reading"
contains "$REF" "cloudtrail_tampering" "the reference found something (sanity)"

# text mode: a table on stdout, the broken file on stderr
expect_rc 1 isms logs scan "$REAL"
contains "$OUT" "CloudTrail scan: 93 files (1 could not be read, see above), 12144 events, 8 findings" "summary line"
contains "$OUT" "RULE" "table header"
contains "$OUT" "cloudtrail_tampering" "rule in the table"
contains "$ERR" "malformed/aws.execution.ec2-user-data.json: invalid JSON at byte 3327" "stderr names the broken file"
contains "$ERR" "skipped the rest; the 1 records before were scanned" "and says what was kept"

# the malformed file alone: nothing readable, no findings -> 2; with a good file, its findings stay
expect_rc 2 isms logs scan "$REAL/malformed/aws.execution.ec2-user-data.json" --json
equals "$(jget "$OUT" 'len(d["files_failed"])')" 1 "malformed alone: reported"
equals "$(jget "$OUT" 'd["findings"]')" "[]" "malformed alone: no findings"
expect_rc 1 isms logs scan "$REAL/malformed" "$REAL/zmallen_cloudtrail2sightings/aws.defense-evasion.cloudtrail-delete.json" --json
equals "$(jget "$OUT" 'd["files_scanned"]')" 2 "two files"
equals "$(jget "$OUT" 'd["findings"][0]["rule"]')" cloudtrail_tampering "the good file's finding remains"

# gzip files only, and a plain file with no findings -> 0
expect_rc 0 isms logs scan "$REAL/flosell_trailscraper" --json
equals "$(jget "$OUT" 'd["events"]')" 2 "gzip file read"
expect_rc 1 isms logs scan "$REAL/permiso_CloudConsoleCartographer" --json
equals "$(jget "$OUT" 'd["files_scanned"]')" 32 "permiso files"
# Demo_InputEvents and Session_96db96348347 hold the same 1000 events: counted once
equals "$(jget "$OUT" 'sum(f["count"] for f in d["findings"] if f["rule"]=="iam_policy_change")')" 2 \
    "duplicated events across files count once"

# --- hand-made cases, one rule at a time (see tests/fixtures/cloudtrail/make_hand.py) ---
expect_rc 1 isms logs scan "$CT/hand" --json
H=$OUT
equals "$(jget "$H" 'd["files_scanned"]')" 4 "hand/ walked into more/"
equals "$(jget "$H" 'd["files_failed"]')" "[]" "hand files all readable"
hc() { jget "$H" "sum(f['count'] for f in d['findings'] if f['rule']=='$1' and f['principal'].endswith('$2'))"; }
equals "$(hc console_login_without_mfa user/alice)" 2 "alice twice without MFA"
equals "$(hc console_login_without_mfa user/bob)" 0 "bob used MFA"
equals "$(hc console_login_without_mfa carol@example.com)" 0 "SAML federated user: not a no-MFA finding"
equals "$(hc console_login_without_mfa /dave)" 0 "SSO role session: not a no-MFA finding"
equals "$(hc console_login_without_mfa user/erin)" 0 "a failed login is not a success"
equals "$(hc console_login_without_mfa :root)" 1 "root signed in without MFA"
equals "$(hc console_login_failures user/erin)" 3 "erin's three failures, one finding"
equals "$(hc console_login_failures HIDDEN_DUE_TO_SECURITY_REASONS)" 1 "failure for an unknown user name"
equals "$(hc root_account_usage :root)" 4 "root: login, ListBuckets, 2 CreateAccessKey (not AWS on its behalf)"
equals "$(hc root_access_key_created :root)" 1 "root key, not the key root made for an IAM user"
equals "$(hc cloudtrail_tampering user/mallory)" 2 "StopLogging and the failed DeleteTrail, not StartLogging"
equals "$(hc iam_policy_change user/alice)" 2 "attach + put, not the denied delete nor reads"
equals "$(hc security_group_open_to_world user/alice)" 3 "0.0.0.0/0, ::/0 and top-level cidrIp, not 10.0.0.0/8"
equals "$(jget "$H" '[f["event_name"] for f in d["findings"] if f["rule"]=="root_account_usage"][0]')" \
    "ConsoleLogin,ListBuckets,CreateAccessKey" "event names of a finding"
equals "$(jget "$H" '[f["last_seen"] for f in d["findings"] if f["rule"]=="console_login_failures" and f["principal"].endswith("erin")][0]')" \
    "2024-03-01T11:00:09Z" "last_seen"
# escapes decoded; control characters escaped in JSON and neutralised on a terminal
equals "$(jget "$H" '[f["principal"] for f in d["findings"] if "evil" in f["principal"]][0]')" \
    "$(printf '\033[2J\033[31mevil\007 "quoted" caf\303\251')" "escaped user name decoded"
contains "$H" '"\u001b[2J\u001b[31mevil\u0007 \"quoted\" café"' "JSON escapes control characters"
contains "$H" '"arn:aws:iam::111122223333:user/zürich/ops"' "\\u00fc and \\/ decoded"
expect_rc 1 isms logs scan "$CT/hand/more/escapes.json"
not_contains "$OUT" "$(printf '\033')" "no terminal escape reaches the screen"
contains "$OUT" '?[2J?[31mevil? "quoted" café' "shown with ? instead"

# --- broken files: each reported, named, skipped ---
expect_rc 1 isms logs scan "$CT/bad" "$CT/clean" --json
B=$OUT
equals "$(jget "$B" 'd["files_scanned"]')" 6 "bad/ + clean/"
bad_err() { jget "$B" "[x['error'] for x in d['files_failed'] if x['file'].endswith('/$1')][0]"; }
equals "$(bad_err empty.json)" "empty file" "empty"
equals "$(bad_err garbage.json)" "not a CloudTrail log: not a JSON object" "garbage"
equals "$(bad_err package.json)" 'not a CloudTrail log: no "Records" array' "other JSON"
equals "$(bad_err truncated.json)" "truncated: the file ends inside record 7" "truncated JSON"
equals "$(bad_err truncated.json.gz)" "truncated gzip data (unexpected end of file)" "truncated gzip"
# the records before the cut in both truncated files: tampering + policy changes, each seen twice
# (the same eventIDs), counted once
equals "$(jget "$B" 'sorted((f["rule"],f["count"]) for f in d["findings"])')" \
    '[["cloudtrail_tampering", 2], ["iam_policy_change", 2]]' "findings before the cut kept, once"
expect_rc 2 isms logs scan "$CT/bad/garbage.json" "$CT/bad/empty.json"
contains "$ERR" "garbage.json: not a CloudTrail log" "text mode names it"
contains "$OUT" "0 findings" "summary still printed"
expect_rc 0 isms logs scan "$CT/clean/quiet.json"
contains "$OUT" "2 events, 0 findings" "clean file"

# --- several files at a time: the same answer as one at a time, failures included ---
expect_rc 1 isms logs scan "$REAL" "$CT/hand" "$CT/bad" --json --jobs 1
ONE=$OUT
for j in 2 3 8; do
    expect_rc 1 isms logs scan "$REAL" "$CT/hand" "$CT/bad" --json --jobs $j
    equals "$OUT" "$ONE" "--jobs $j gives the --jobs 1 answer, byte for byte"
done
expect_rc 1 isms logs scan "$REAL" "$CT/hand" "$CT/bad" --json
equals "$OUT" "$ONE" "the default (every core) too"
expect_rc 2 isms logs scan "$CT/clean" --jobs 0
contains "$ERR" "--jobs: '0' is not a whole number from 1 to 64" "--jobs checked"

# --- usage and path errors ---
expect_rc 2 isms logs scan "$T/nope.json"
contains "$ERR" "$T/nope.json: No such file or directory" "missing path named"
expect_rc 2 isms logs scan "$CT/clean" "$T/nope"
equals "$OUT" "" "nothing scanned when a path is missing"
mkdir -p "$T/empty/sub"
expect_rc 2 isms logs scan "$T/empty"
contains "$ERR" "no CloudTrail files" "empty directory"
expect_rc 2 isms logs scan
contains "$ERR" "FILE_OR_DIR" "no path"
expect_rc 2 isms logs scan "$CT/clean" --bogus
contains "$ERR" "unknown option '--bogus'" "unknown option"
expect_rc 0 isms logs scan --help
contains "$OUT" "security_group_open_to_world" "help lists the rules"

# a file given by name is scanned whatever its extension; a .gz named .json is still gzip
cp "$CT/hand/changes.json.gz" "$T/changes.log"
cp "$CT/hand/changes.json.gz" "$T/looks-plain.json"
expect_rc 1 isms logs scan "$T/changes.log" "$T/looks-plain.json" --json
equals "$(jget "$OUT" 'd["files_failed"]')" "[]" "gzip recognised by its magic bytes"
equals "$(jget "$OUT" 'd["events"]')" 24 "both read"

# --- straight from S3 (tests/fakeapi/s3.py, which verifies every SigV4 signature) ---
SECRET='wJalrXUtnFEMI/K7MDENG+bPxRfiCYlogsSECRET'
SESSION='FwoGZXIvYXdzEJr//////////wEaDlogsSESSIONtoken0123456789'
B="$T/s3/trail"
mkdir -p "$B/AWSLogs/111122223333/CloudTrail-Digest/us-east-1" "$T/s3/eu-trail" "$T/s3/empty"
cp -r "$REAL" "$B/AWSLogs/real"
cp -r "$CT/hand" "$B/AWSLogs/hand"
echo "not a log" > "$B/README.txt"
printf '{"awsAccountId":"111122223333","digestStartTime":"2024-01-01T00:00:00Z","logFiles":[]}' |
    gzip > "$B/AWSLogs/111122223333/CloudTrail-Digest/us-east-1/111122223333_CloudTrail-Digest_us-east-1_x.json.gz"
echo "this is not gzip nor JSON" | gzip | head -c 20 > "$B/AWSLogs/zz-notalog.json.gz"
cp "$CT/hand/changes.json.gz" "$T/s3/eu-trail/changes.json.gz"
FAKE_PID=
trap '[ -n "$FAKE_PID" ] && kill "$FAKE_PID" 2>/dev/null; rm -rf "$T"' EXIT
FAKE_S3_ROOT="$T/s3" FAKE_AWS_SECRET_KEY=$SECRET FAKE_AWS_TOKEN=$SESSION FAKE_AWS_REGION=us-east-2 \
    FAKE_S3_REGIONS='{"eu-trail": "eu-west-1"}' python3 "$(dirname "$0")/../fakeapi/s3.py" > "$T/port" &
FAKE_PID=$!
for _ in $(seq 100); do [ -s "$T/port" ] && break; sleep 0.1; done
API="http://127.0.0.1:$(head -1 "$T/port")"
post() {
    python3 -c 'import sys,urllib.request
urllib.request.urlopen(urllib.request.Request(sys.argv[1]+sys.argv[2],sys.argv[3].encode(),{"Content-Type":"application/json"}))' \
        "$API" "$1" "$2" > /dev/null
}
scenario() { post /__scenario "{\"name\": \"t\", \"params\": ${1:-{\}}}"; }
requests() { python3 -c 'import json,sys,urllib.request; d=json.load(urllib.request.urlopen(sys.argv[1]+"/__requests")); print(eval(sys.argv[2]))' "$API" "$1"; }
export AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY=$SECRET AWS_SESSION_TOKEN=$SESSION
export AWS_REGION=us-east-2 AWS_ENDPOINT_URL_S3=$API ISMS_HTTP_BACKOFF_MS=10
unset AWS_PROFILE AWS_DEFAULT_REGION AWS_ENDPOINT_URL
no_secrets() {
    not_contains "$OUT$ERR" "$SECRET" "$1: the secret key is not printed"
    not_contains "$OUT$ERR" "$SESSION" "$1: the session token is not printed"
}
# what must be equal between a scan of S3 and of the same files on disk (names aside)
same_as() { jget "$1" '[d["files_scanned"], d["events"], d["findings"], [x["error"] for x in d["files_failed"]]]'; }

expect_rc 1 isms logs scan "$B/AWSLogs/real" "$B/AWSLogs/hand" "$B/AWSLogs/zz-notalog.json.gz" --json
DISK=$OUT
scenario
expect_rc 1 isms logs scan s3://trail/AWSLogs/ --json
S3=$OUT
equals "$(same_as "$S3")" "$(same_as "$DISK")" "the same findings, events and errors from S3 as from the files on disk"
equals "$(jget "$S3" 'd["files_scanned"]')" 98 "93 real + 4 hand + the key that is not a log; the digest and README left out"
equals "$(jget "$S3" '[x["file"] for x in d["files_failed"]]')" \
    '["s3://trail/AWSLogs/real/malformed/aws.execution.ec2-user-data.json", "s3://trail/AWSLogs/zz-notalog.json.gz"]' \
    "failed objects named by their s3:// URL"
equals "$(jget "$S3" 'd["files_failed"][1]["error"]')" "not a CloudTrail log: not a JSON object" \
    "a key that is not a log: what is wrong with it"
equals "$(requests 'sum(1 for r in d if r["action"].startswith("/s3/ListObjectsV2"))')" 1 "one page of 1000 keys"
equals "$(requests 'sorted(set(r["auth"] for r in d))')" "['ok']" "every request signed (session token too)"
equals "$(requests 'sum(1 for r in d if "CloudTrail-Digest" in r["path"] or "README" in r["path"])')" 0 \
    "digest files and other keys are not fetched"
no_secrets "S3 scan"

# paging: 7 keys a page, the listing and the fetching overlapping
scenario '{"page_size": 7}'
expect_rc 1 isms logs scan s3://trail/AWSLogs/ --json
equals "$(same_as "$OUT")" "$(same_as "$DISK")" "the same answer over 15 list pages"
equals "$(requests 'sum(1 for r in d if r["action"].startswith("/s3/ListObjectsV2"))')" 15 "15 ListObjectsV2 pages"
equals "$(requests 'sum(1 for r in d if "continuation-token" in r["query"])')" 14 "14 followed a continuation token"
expect_rc 1 isms logs scan s3://trail/AWSLogs/ --json --jobs 1
equals "$(same_as "$OUT")" "$(same_as "$DISK")" "one object at a time: the same"
expect_rc 1 isms logs scan "$REAL" s3://trail/AWSLogs/hand/ --json
equals "$(jget "$OUT" 'd["files_scanned"]')" 97 "a directory and an S3 prefix in one scan"

# a prefix is a prefix of keys, not a directory: AWSLogs/hand matches AWSLogs/hand/...
scenario
expect_rc 1 isms logs scan s3://trail/AWSLogs/han --json
equals "$(jget "$OUT" 'd["files_scanned"]')" 4 "prefix AWSLogs/han"

# throttling and server errors are retried; an object still refused after the retries is reported
scenario
post /__inject '{"path": "/s3/ListObjectsV2/trail", "count": 2, "status": 503, "retry_after": "0"}'
post /__inject '{"path": "/s3/GetObject/trail/AWSLogs/hand/logins.json", "count": 2, "status": 500}'
expect_rc 1 isms logs scan s3://trail/AWSLogs/hand/ --json
equals "$(jget "$OUT" '[d["files_scanned"], d["files_failed"]]')" "[4, []]" "SlowDown and InternalError retried"
equals "$(requests '[r["status"] for r in d if r["action"]=="/s3/ListObjectsV2/trail"]')" "[503, 503, 200]" \
    "the listing retried twice"
post /__inject '{"path": "/s3/GetObject/trail/AWSLogs/hand/root.json", "count": 20, "status": 503}'
expect_rc 1 isms logs scan s3://trail/AWSLogs/hand/ --json
equals "$(jget "$OUT" '[[x["file"], x["error"]] for x in d["files_failed"]]')" \
    '[["s3://trail/AWSLogs/hand/root.json", "GetObject: HTTP 503 SlowDown: Please reduce your request rate. (after 5 attempts)"]]' \
    "a slow-down that does not end: the object named, the rest scanned"
equals "$(jget "$OUT" 'd["files_scanned"]')" 4 "four objects"

# an object deleted between the listing and the fetch; an endpoint echoing the secret key
scenario
post /__inject '{"path": "/s3/GetObject/trail/AWSLogs/hand/root.json", "status": 404, "body": {"code": "NoSuchKey", "message": "The specified key does not exist."}}'
post /__inject "{\"path\": \"/s3/GetObject/trail/AWSLogs/hand/logins.json\", \"status\": 403, \"body\": {\"message\": \"denied for $SECRET\"}}"
expect_rc 1 isms logs scan s3://trail/AWSLogs/hand/ --json
equals "$(jget "$OUT" '[[x["file"], x["error"]] for x in d["files_failed"]]')" \
    '[["s3://trail/AWSLogs/hand/logins.json", "GetObject: HTTP 403 AccessDenied: denied for [REDACTED]"], ["s3://trail/AWSLogs/hand/root.json", "GetObject: HTTP 404 NoSuchKey: The specified key does not exist."]]' \
    "NoSuchKey named; a secret echoed by the endpoint is blanked out"
no_secrets "echoed secret"

# refusals: one object, the whole listing, a later page
scenario '{"deny": ["AWSLogs/hand/more/"]}'
expect_rc 1 isms logs scan s3://trail/AWSLogs/hand/
contains "$ERR" "s3://trail/AWSLogs/hand/more/escapes.json: GetObject: HTTP 403 AccessDenied: Access Denied (skipped)" \
    "a refused object: bucket, key, operation and S3's answer"
scenario '{"deny": ["LIST"]}'
expect_rc 2 isms logs scan s3://trail/AWSLogs/
equals "$ERR" "isms: s3://trail/AWSLogs/: ListObjectsV2: HTTP 403 AccessDenied: Access Denied" "listing refused"
equals "$OUT" "" "nothing reported"
scenario '{"page_size": 50, "deny": ["LIST_PAGES"]}'
expect_rc 1 isms logs scan s3://trail/AWSLogs/ --json
FIRST=$(cd "$B" && find AWSLogs README.txt -type f | LC_ALL=C sort | head -50 | grep -v CloudTrail-Digest | grep -c '\.json\(\.gz\)\?$')
equals "$(jget "$OUT" 'd["files_scanned"]')" "$FIRST" "the logs among the first page's 50 keys scanned"
equals "$(jget "$OUT" 'd["files_failed"][-1]')" \
    '{"file": "s3://trail/AWSLogs/", "error": "ListObjectsV2 (page 2, after 50 keys): HTTP 403 AccessDenied: Access Denied"}' \
    "the failed page is reported, not hidden"
scenario '{"page_size": 10, "truncated_no_token": 1}'
expect_rc 2 isms logs scan s3://trail/AWSLogs/
contains "$ERR" "ListObjectsV2: the listing is truncated but has no NextContinuationToken" "a truncated listing"
scenario '{"garbage_list": 1}'
expect_rc 2 isms logs scan s3://trail/AWSLogs/
contains "$ERR" "ListObjectsV2: the answer is not a ListBucketResult document" "a listing that is not XML"
scenario '{"cut": ["AWSLogs/hand/changes.json.gz"]}'
expect_rc 1 isms logs scan s3://trail/AWSLogs/hand/ --json
contains "$(jget "$OUT" 'd["files_failed"][0]["error"]')" "GetObject: the transfer broke after" "a body cut short"

# credentials and buckets
scenario
AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG+bPxRfiCYwrongKEY expect_rc 2 isms logs scan s3://trail/AWSLogs/
contains "$ERR" "isms: s3://trail/AWSLogs/: ListObjectsV2: HTTP 403 SignatureDoesNotMatch: The request signature we calculated does not match" \
    "a wrong secret key is refused by the signature check"
equals "$(requests '[r["auth"] for r in d]')" "['SignatureDoesNotMatch']" "no retry of a refused signature"
no_secrets "bad signature"
AWS_ACCESS_KEY_ID=AKIDNOTKNOWN expect_rc 2 isms logs scan s3://trail/
contains "$ERR" "HTTP 403 InvalidAccessKeyId: The AWS Access Key Id you provided does not exist in our records." "unknown key id"
AWS_SESSION_TOKEN= expect_rc 2 isms logs scan s3://trail/
contains "$ERR" "HTTP 400 InvalidToken" "session token missing"
AWS_ACCESS_KEY_ID= expect_rc 2 isms logs scan s3://trail/
contains "$ERR" "no AWS credentials: AWS_ACCESS_KEY_ID is not set" "no credentials: the variables named"
expect_rc 2 isms logs scan s3://no-such-bucket/AWSLogs/
equals "$ERR" "isms: s3://no-such-bucket/AWSLogs/: ListObjectsV2: HTTP 404 NoSuchBucket: The specified bucket does not exist" \
    "a missing bucket"
expect_rc 2 isms logs scan s3://empty/
equals "$ERR" "isms: no CloudTrail logs (*.json, *.json.gz) under s3://empty/ (0 other keys)" "an empty bucket"
expect_rc 2 isms logs scan s3://trail/AWSLogs/111122223333/
contains "$ERR" "no CloudTrail logs (*.json, *.json.gz) under s3://trail/AWSLogs/111122223333/ (1 other key)" \
    "only a digest file: no logs"
expect_rc 2 isms logs scan "s3://a b/x"
contains "$ERR" "'a b' is not an S3 bucket name" "a bad bucket name"
scenario
expect_rc 2 isms logs scan s3://trail/x "$T/nope"
contains "$ERR" "No such file or directory" "a missing local path stops the scan before S3 is asked"
equals "$(requests 'len(d)')" 0 "S3 not asked"
# large objects: a 40 MB plain log pulled through the scanner's window as it reads, and the same
# gzipped, past the 32 MiB that are inflated whole, so read whole and inflated by zlib; the
# transfers paused and resumed as the scanner takes the body
mkdir -p "$T/s3/big" "$T/bigdisk"
cc -O2 -o "$T/gen" "$(dirname "$0")/../../bench/gen_cloudtrail.c"
"$T/gen" "$T/bigdisk" 40 40 7 > /dev/null
gzip -1 -c "$T/bigdisk/ct_0000.json" > "$T/s3/big/ct_0000.json.gz"
mv "$T/bigdisk/ct_0000.json" "$T/s3/big/ct_0001.json"
expect_rc 1 isms logs scan "$T/s3/big" --json
DISK=$OUT
scenario
expect_rc 1 isms logs scan s3://big/ --json
equals "$(same_as "$OUT")" "$(same_as "$DISK")" "40 MB logs streamed from S3: the same findings as on disk"
equals "$(jget "$OUT" 'd["files_failed"]')" "[]" "read to its end"

# a bucket in another region than AWS_REGION: S3 says which, the scan follows
scenario
expect_rc 1 isms logs scan s3://eu-trail/ --json
equals "$(jget "$OUT" 'd["files_failed"]')" "[]" "bucket in eu-west-1 read"
equals "$(requests '[(r["auth"], r["status"]) for r in d][:2]')" "[('AuthorizationHeaderMalformed', 400), ('ok', 200)]" \
    "signed for us-east-2 first, then for the region S3 named"
equals "$(requests 'sum(1 for r in d if r["auth"] != "ok")')" 1 "the objects signed for eu-west-1 from the start"

finish
