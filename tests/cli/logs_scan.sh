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

finish
