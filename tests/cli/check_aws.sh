#!/bin/bash
# isms check run aws against the fake AWS (tests/fakeapi/aws.py, which verifies every SigV4
# signature): every check passes on a compliant account, fails naming users, trails, buckets and
# keys on a non-compliant one, and cannot run (error, not fail) without credentials or with a
# wrong secret; the secret key and session token are never printed nor stored. Exported AWS CLI
# documents go through `isms evidence import --check`.
. "$(dirname "$0")/lib.sh"
SECRET='wJalrXUtnFEMI/K7MDENG+bPxRfiCYcliSECRET'
SESSION='FwoGZXIvYXdzEJr//////////wEaDcliSESSIONtoken0123456789'
FAKE_PID=
trap '[ -n "$FAKE_PID" ] && kill "$FAKE_PID" 2>/dev/null; rm -rf "$T"' EXIT
FAKE_AWS_SECRET_KEY=$SECRET FAKE_AWS_REGION=eu-west-1 ISMS_FIXTURES="$FIXTURES" \
    python3 "$(dirname "$0")/../fakeapi/aws.py" > "$T/port" &
FAKE_PID=$!
for _ in $(seq 100); do [ -s "$T/port" ] && break; sleep 0.1; done
PORT=$(head -1 "$T/port")
[ -n "$PORT" ] || { echo "the fake AWS did not start" >&2; exit 1; }
API="http://127.0.0.1:$PORT"

# post PATH JSON: a control request to the fake (scenario switch, fault injection).
post() {
    python3 -c 'import sys,urllib.request
urllib.request.urlopen(urllib.request.Request(sys.argv[1]+sys.argv[2],sys.argv[3].encode(),{"Content-Type":"application/json"}))' \
        "$API" "$1" "$2" > /dev/null
}
scenario() { post /__scenario "{\"name\": \"$1\"}"; }

export AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY=$SECRET AWS_SESSION_TOKEN=$SESSION
export AWS_REGION=eu-west-1 AWS_ENDPOINT_URL=$API ISMS_HTTP_BACKOFF_MS=10
unset AWS_PROFILE AWS_DEFAULT_REGION
IDS='["aws.root_mfa", "aws.root_access_keys", "aws.console_users_without_mfa", "aws.password_policy", "aws.access_keys_rotation", "aws.cloudtrail_multiregion", "aws.s3_encryption", "aws.s3_public_access_block", "aws.kms_rotation"]'
status_of() { jget "$OUT" "[r['status'] for r in d['results'] if r['id']=='$1'][0]"; }
field_of() { jget "$OUT" "[r['$2'] for r in d['results'] if r['id']=='$1'][0]"; }
no_secrets() {
    not_contains "$OUT$ERR" "$SECRET" "$1: the secret key is not printed"
    not_contains "$OUT$ERR" "$SESSION" "$1: the session token is not printed"
}

expect_rc 0 isms init --org "Acme"
expect_rc 0 isms check list --json
contains "$OUT" "aws.cloudtrail_multiregion" "the AWS checks are registered"
equals "$(jget "$OUT" '[c["offline_import"] for c in d if c["id"]=="aws.password_policy"][0]')" "true" \
    "the password policy can be imported offline"

# A compliant account: everything passes, with throttling along the way (IAM's 400 Throttling,
# S3's 503 SlowDown) retried.
scenario default
post /__inject '{"path": "/iam/GetAccountSummary", "count": 2, "status": 400, "retry_after": "0"}'
post /__inject '{"path": "/s3/ListBuckets", "count": 1, "status": 503, "retry_after": "0"}'
expect_rc 0 isms check run aws --json
equals "$(jget "$OUT" '[r["id"] for r in d["results"]]')" "$IDS" "the nine AWS checks, in order"
equals "$(jget "$OUT" 'sorted(set(r["status"] for r in d["results"]))')" '["pass"]' "all pass"
equals "$(jget "$OUT" 'd["failed"]')" "0" "none failed"
equals "$(field_of aws.root_mfa controls)" '["A.5.17", "A.8.5"]' "root MFA supports A.5.17 and A.8.5"
equals "$(field_of aws.cloudtrail_multiregion controls)" '["A.8.15", "A.8.16"]' "CloudTrail controls"
equals "$(field_of aws.s3_public_access_block controls)" '["A.8.3", "A.8.12"]' "public access block controls"
contains "$(field_of aws.s3_encryption summary)" "all 3 buckets" "three buckets over two ListBuckets pages"
contains "$(field_of aws.kms_rotation summary)" "all 2 customer-managed symmetric keys in eu-west-1" "KMS keys"
equals "$(jget "$OUT" 'all(isinstance(r["evidence_id"], int) for r in d["results"])')" "true" "each run kept as evidence"
no_secrets "pass"

# A non-compliant account: fails naming what is wrong, and exit 1.
scenario fail
expect_rc 1 isms check run aws --json
equals "$(jget "$OUT" 'sorted(set(r["status"] for r in d["results"]))')" '["fail"]' "all fail"
equals "$(jget "$OUT" 'd["failed"]')" "9" "nine failed"
D=$(field_of aws.console_users_without_mfa details)
contains "$D" "alice: console password, no MFA device" "alice without MFA"
contains "$D" "carol" "carol without MFA"
not_contains "$D" "dave" "dave has MFA"
contains "$(field_of aws.password_policy details)" "MinimumPasswordLength is 8; the baseline is at least 14" \
    "the short minimum length named"
D=$(field_of aws.access_keys_rotation details)
contains "$D" "dave: access key 1 last rotated" "dave's old key"
contains "$D" "old-svc: access key 2" "old-svc's unused key, slot 2"
contains "$(field_of aws.cloudtrail_multiregion details)" "main (home us-east-1): multi-region, log file validation on, NOT logging" \
    "the stopped trail"
contains "$(field_of aws.s3_encryption details)" "acme-data: no default encryption configured" "unencrypted bucket"
contains "$(field_of aws.s3_public_access_block details)" "acme-public-site: no public access block configured" "open bucket"
contains "$(field_of aws.kms_rotation details)" "1234abcd-12ab-34cd-56ef-1234567890ab" "key without rotation"
no_secrets "fail"
expect_rc 0 isms check history aws.password_policy --json
equals "$(jget "$OUT" '[r["status"] for r in d["runs"]]')" '["fail", "pass"]' "history of the check"

# One check by id; no password policy at all.
scenario nopolicy
expect_rc 1 isms check run aws.password_policy --json
equals "$(jget "$OUT" 'len(d["results"])')" "1" "one check run"
equals "$(field_of aws.password_policy summary)" "no password policy set" "NoSuchEntity is a failure"

# Unreadable bucket configuration: an error, not a pass.
scenario denied
expect_rc 1 isms check run aws.s3_encryption aws.root_mfa --json
equals "$(jget "$OUT" '[r["status"] for r in d["results"]]')" '["error", "error"]' "denied: errors"
contains "$(field_of aws.root_mfa summary)" "AccessDenied" "the AWS error code is reported"

# A wrong secret: every check is an error naming the refusal; neither secret is shown.
scenario default
expect_rc 1 env AWS_SECRET_ACCESS_KEY='wJalrXUtnFEMI/K7MDENG+bPxRfiCYcliWRONG' "$ISMS" check run aws --json
equals "$(jget "$OUT" 'sorted(set(r["status"] for r in d["results"]))')" '["error"]' "wrong secret: errors"
contains "$(field_of aws.s3_encryption summary)" "SignatureDoesNotMatch" "S3's refusal reported"
contains "$(field_of aws.kms_rotation summary)" "InvalidSignatureException" "KMS's refusal reported"
not_contains "$OUT$ERR" "cliWRONG" "the wrong secret is not printed"
no_secrets "wrong secret"

# Missing credentials: an error naming the variables, nothing sent.
expect_rc 1 env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY "$ISMS" check run aws.root_mfa --json
equals "$(status_of aws.root_mfa)" "error" "no credentials: error"
contains "$(field_of aws.root_mfa summary)" "AWS_ACCESS_KEY_ID" "names AWS_ACCESS_KEY_ID"
contains "$(field_of aws.root_mfa summary)" "AWS_SECRET_ACCESS_KEY" "names AWS_SECRET_ACCESS_KEY"

# The raw responses are kept as evidence; the secrets are nowhere in the workspace.
CHECKS=$((CHECKS + 1))
if grep -rqaF -- "$SECRET" "$ISMS_DB"* || grep -rqaF -- "$SESSION" "$ISMS_DB"*; then
    fail "a secret was stored in the workspace"
fi
CHECKS=$((CHECKS + 1))
grep -rqa -- "ServerSideEncryptionConfigurationNotFoundError" "$ISMS_DB"* || fail "the raw AWS responses are kept"

# ---- Answers without the data a check needs ----
# A well-formed answer lacking the operation's data is an error naming the operation and the
# member, never a pass or a count of nothing.
missing() { # CHECK ACTION MEMBER MESSAGE
    post /__scenario "{\"name\": \"default\", \"params\": {\"strip\": {\"$2\": [\"$3\"]}}}"
    expect_rc 1 isms check run "$1" --json
    equals "$(status_of "$1")" "error" "$2 without $3: $1 is an error"
    contains "$(field_of "$1" summary)" "$4" "$2 without $3: named in $1's summary"
}
missing aws.root_mfa GetAccountSummary SummaryMap "iam GetAccountSummary: the answer has no SummaryMap element"
missing aws.root_mfa GetAccountSummary AccountMFAEnabled "SummaryMap has no AccountMFAEnabled entry"
missing aws.root_access_keys GetAccountSummary AccountAccessKeysPresent "SummaryMap has no AccountAccessKeysPresent entry"
missing aws.password_policy GetAccountPasswordPolicy PasswordPolicy \
    "iam GetAccountPasswordPolicy: the answer has no PasswordPolicy element"
missing aws.password_policy GetAccountPasswordPolicy RequireSymbols "PasswordPolicy has no RequireSymbols"
missing aws.console_users_without_mfa GenerateCredentialReport State \
    "iam GenerateCredentialReport: the answer has no State element"
missing aws.access_keys_rotation GetCredentialReport Content "iam GetCredentialReport: the answer has no Content element"
missing aws.cloudtrail_multiregion DescribeTrails trailList "cloudtrail DescribeTrails: the answer has no trailList"
missing aws.cloudtrail_multiregion DescribeTrails 'trailList[].IsMultiRegionTrail' "has no IsMultiRegionTrail"
missing aws.cloudtrail_multiregion GetTrailStatus IsLogging "cloudtrail GetTrailStatus"
contains "$(field_of aws.cloudtrail_multiregion summary)" "the answer has no IsLogging" "GetTrailStatus without IsLogging"
missing aws.s3_encryption ListBuckets Buckets "s3 ListBuckets: the answer has no Buckets element"
missing aws.s3_public_access_block ListBuckets Name "s3 ListBuckets: bucket 1 of page 1 has no Name"
missing aws.s3_encryption GetBucketEncryption Rule "the answer has no Rule element"
missing aws.s3_public_access_block GetPublicAccessBlock BlockPublicPolicy "the answer has no BlockPublicPolicy element"
missing aws.kms_rotation ListKeys Keys "kms ListKeys: the answer has no Keys"
missing aws.kms_rotation ListKeys Truncated "kms ListKeys: the answer has no Truncated"
missing aws.kms_rotation DescribeKey KeyMetadata "the answer has no KeyMetadata"
missing aws.kms_rotation DescribeKey KeyMetadata.KeyState "the answer's KeyMetadata has no KeyState"
missing aws.kms_rotation GetKeyRotationStatus KeyRotationEnabled "the answer has no KeyRotationEnabled"
# An empty list sent as an empty element is a real zero: an account without buckets or keys.
scenario empty
expect_rc 0 isms check run aws.s3_encryption aws.kms_rotation --json
equals "$(field_of aws.s3_encryption summary)" "no S3 buckets" "an empty <Buckets/> is no buckets"
equals "$(status_of aws.kms_rotation)" "pass" "an empty Keys list is no keys"
# Offline documents are held to the same: a trail without IsMultiRegionTrail is not judged.
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); del d["trailList"][1]["IsMultiRegionTrail"]; json.dump(d,open(sys.argv[2],"w"))' \
    "$FIXTURES/aws/offline/describe-trails.pass.json" "$T/trails-cut.json"
expect_rc 2 isms evidence import --check aws.cloudtrail_multiregion "$T/trails-cut.json" --json
contains "$ERR" "has no IsMultiRegionTrail" "an exported trail without IsMultiRegionTrail is refused"
echo '{"PasswordPolicy": {"MinimumPasswordLength": 20, "RequireSymbols": true}}' > "$T/policy-cut.json"
expect_rc 2 isms evidence import --check aws.password_policy "$T/policy-cut.json" --json
contains "$ERR" "the PasswordPolicy has no RequireUppercaseCharacters" "an exported policy without its flags is refused"

# ---- One client, one credential report, one connection per run ----
scenario default
expect_rc 0 isms check run aws --json
LOG=$(python3 -c 'import sys,urllib.request; print(urllib.request.urlopen(sys.argv[1]+"/__requests").read().decode())' "$API")
equals "$(jget "$LOG" 'len([r for r in d if r["action"]=="/iam/GetCredentialReport"])')" "1" \
    "one credential report for the two checks that read it"
equals "$(jget "$LOG" 'len([r for r in d if r["action"]=="/iam/GetAccountSummary"])')" "1" \
    "one account summary for the two root checks"
equals "$(jget "$LOG" 'len([r for r in d if r["action"]=="/s3/ListBuckets"])')" "2" \
    "one bucket listing (two pages) for the two S3 checks"
equals "$(jget "$LOG" 'len(set(r["peer"] for r in d))')" "1" "every request of the run on one connection"

# ---- A paging cycle stops at once ----
post /__scenario '{"name": "default", "params": {"bucket_cycle": true}}'
expect_rc 1 isms check run aws.s3_encryption --json
contains "$(field_of aws.s3_encryption summary)" "leads back to page 2 (a paging cycle)" "a ListBuckets cycle is named"
LOG=$(python3 -c 'import sys,urllib.request; print(urllib.request.urlopen(sys.argv[1]+"/__requests").read().decode())' "$API")
equals "$(jget "$LOG" 'len(d)')" "3" "the cycle A -> B -> A stops at the third page"

# ---- What a check may hold ----
# max_rss_kb OUTFILE CMD...: run CMD (stdout to OUTFILE), print its peak resident set in KiB.
max_rss_kb() {
    python3 -c 'import resource,subprocess,sys
with open(sys.argv[1],"w") as out: subprocess.run(sys.argv[2:], stdout=out, stderr=subprocess.DEVNULL)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)' "$@"
}
# Answers of 20 MB each, generated by the fake: the check stops at 64 MiB, holding one page at a
# time (the sanitizer's quarantine of freed memory kept small so that RSS shows what is held).
post /__scenario '{"name": "default", "params": {"huge_pages": 10, "huge_mb": 20}}'
RSS=$(ASAN_OPTIONS=detect_leaks=1:quarantine_size_mb=16 max_rss_kb "$T/huge.json" "$ISMS" check run aws.s3_encryption --json)
OUT=$(cat "$T/huge.json")
equals "$(status_of aws.s3_encryption)" "error" "pages of 20 MB: an error"
contains "$(field_of aws.s3_encryption summary)" "the answers to s3 ListBuckets exceed the 64 MiB a check may hold" \
    "the check's limit is named"
CHECKS=$((CHECKS + 1))
[ "$RSS" -lt 300000 ] || fail "pages of 20 MB: peak RSS ${RSS} KiB, wanted under 300000 (one page at a time)"
echo "check_aws.sh: 10 pages of 20 MB: peak RSS ${RSS} KiB" >&2
post /__scenario '{"name": "default", "params": {"huge_pages": 1, "huge_mb": 40}}'
expect_rc 1 isms check run aws.s3_encryption --json
contains "$(field_of aws.s3_encryption summary)" "the answer is larger than the 32 MiB one answer may hold" \
    "one answer of 40 MB: its limit is named"

# ---- A stalled endpoint: one timeout for the whole source ----
# It accepts connections and never answers.
python3 -c 'import socket,sys,time
s=socket.socket(); s.bind(("127.0.0.1",0)); s.listen(64); print(s.getsockname()[1], flush=True); time.sleep(600)' \
    > "$T/stall-port" &
STALL_PID=$!
trap '[ -n "$FAKE_PID" ] && kill "$FAKE_PID" 2>/dev/null; kill "$STALL_PID" 2>/dev/null; rm -rf "$T"' EXIT
for _ in $(seq 100); do [ -s "$T/stall-port" ] && break; sleep 0.1; done
STALL="http://127.0.0.1:$(head -1 "$T/stall-port")"
T0=$(date +%s%N)
expect_rc 1 env AWS_ENDPOINT_URL="$STALL" ISMS_HTTP_TIMEOUT_MS=2000 "$ISMS" check run aws --json
MS=$((($(date +%s%N) - T0) / 1000000))
equals "$(jget "$OUT" 'sorted(set(r["status"] for r in d["results"]))')" '["error"]' "stalled: every check an error"
contains "$(field_of aws.root_mfa summary)" "no complete response within 2000 ms" "the first check names the timeout"
contains "$(field_of aws.kms_rotation summary)" "not run: AWS did not answer earlier in this run" \
    "the later checks say AWS did not answer"
CHECKS=$((CHECKS + 1))
[ "$MS" -lt 12000 ] || fail "a stalled endpoint took ${MS} ms for nine checks; wanted about one 2000 ms timeout"
echo "check_aws.sh: nine checks against a stalled endpoint: ${MS} ms" >&2

# ---- Progress on a terminal only ----
scenario default
script -qec "$ISMS check run aws" /dev/null > "$T/tty.out" 2>&1
contains "$(cat "$T/tty.out")" "[1/9] aws.root_mfa" "progress shown on a terminal"
expect_rc 0 isms check run aws
not_contains "$ERR" "[1/9]" "no progress when stderr is not a terminal"
script -qec "$ISMS check run aws --json" /dev/null > "$T/tty.out" 2>&1
not_contains "$(cat "$T/tty.out")" "[1/9]" "no progress with --json"

# Offline: exported AWS CLI documents.
O="$FIXTURES/aws/offline"
expect_rc 1 isms evidence import --check aws.password_policy "$O/get-account-password-policy.fail.json" --json
equals "$(jget "$OUT" 'd["status"]')" "fail" "weak exported password policy"
equals "$(jget "$OUT" 'd["controls"]')" '["A.5.17"]' "the import names the check's controls"
contains "$(jget "$OUT" 'd["summary"]')" "MinimumPasswordLength" "names the failed setting"
equals "$(jget "$OUT" 'isinstance(d["evidence_id"], int)')" "true" "the document is kept as evidence"
expect_rc 0 isms evidence import --check aws.password_policy "$O/get-account-password-policy.pass.json" --json
equals "$(jget "$OUT" 'd["status"]')" "pass" "strong exported password policy"
expect_rc 0 isms evidence import --check aws.cloudtrail_multiregion "$O/describe-trails.pass.json" --json
contains "$(jget "$OUT" 'd["summary"]')" "logging status not checked" "offline trails: configuration only, and says so"
expect_rc 1 isms evidence import --check aws.cloudtrail_multiregion "$O/describe-trails.fail.json" --json
expect_rc 0 isms evidence import --check aws.root_mfa "$O/get-account-summary.pass.json" --json
expect_rc 1 isms evidence import --check aws.root_mfa "$O/get-account-summary.fail.json" --json
expect_rc 1 isms evidence import --check aws.console_users_without_mfa "$O/credential-report.fail.csv" --json
contains "$(jget "$OUT" 'd["details"]')" "carol" "console users from the CSV report"
expect_rc 0 isms evidence import --check aws.console_users_without_mfa "$O/credential-report.pass.csv" --json
expect_rc 1 isms evidence import --check aws.access_keys_rotation "$O/credential-report.fail.csv" --json
contains "$(jget "$OUT" 'd["details"]')" "old-svc: access key 2" "key slot named"
# A report exported just now with a fresh key: passes.
python3 - "$T/fresh.csv" <<'EOF'
import datetime, sys
t = (datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=5)).strftime("%Y-%m-%dT%H:%M:%S+00:00")
open(sys.argv[1], "w").write(
    "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,"
    "mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,"
    "access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,"
    "access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,"
    "cert_1_last_rotated,cert_2_active,cert_2_last_rotated\n"
    "ci,arn:aws:iam::111122223333:user/ci,%s,false,N/A,N/A,N/A,false,true,%s,%s,us-east-1,s3,false,N/A,N/A,N/A,N/A,"
    "false,N/A,false,N/A\n" % (t, t, t))
EOF
expect_rc 0 isms evidence import --check aws.access_keys_rotation "$T/fresh.csv" --json
equals "$(jget "$OUT" 'd["status"]')" "pass" "a fresh key passes"
expect_rc 2 isms evidence import --check aws.password_policy "$O/describe-trails.pass.json" --json
contains "$ERR" "get-account-password-policy" "the wrong document is refused, naming the expected one"
expect_rc 2 isms evidence import --check aws.s3_encryption "$O/describe-trails.pass.json"
finish
