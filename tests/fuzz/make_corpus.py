#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets (tests/fuzz/corpus/<target>/seed-*) from the
repository's own fixtures, in the input format each target documents at its top. Run from the
repository root; regression inputs found by fuzzing are kept beside the seeds as regress-* files
and are never rewritten here. PDF seeds need poppler-utils (pdfinfo, pdftotext)."""
import base64
import glob
import gzip
import json
import os
import subprocess
import zipfile

SEP = b"\n=====\n"
FX = "tests/fixtures"
OUT = "tests/fuzz/corpus"
MAX = 48 * 1024  # a seed larger than this is cut (keeps the corpora small)


def rd(path):
    with open(path, "rb") as f:
        return f.read()


def put(target, name, data):
    d = os.path.join(OUT, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "seed-" + name), "wb") as f:
        f.write(data[:MAX])


def resp(body, status=None, headers=()):
    """One response part for the loopback peer: "STATUS\\nheaders\\n\\nbody"."""
    if status is None and not headers:
        return body
    head = ("%d\n" % (status or 200)).encode() + b"".join(h.encode() + b"\n" for h in headers)
    return head + b"\n" + body


def responses(*parts):
    return SEP.join(parts)


def small(paths, limit=MAX):
    return [p for p in sorted(paths) if os.path.getsize(p) <= limit]


# --- csv ---
for p in glob.glob(FX + "/assets/*.csv") + glob.glob(FX + "/aws/offline/*.csv"):
    put("csv", os.path.basename(p), rd(p))

# --- cloudtrail (plain: data[0] picks read size and cap) and gzip ---
ct = small(glob.glob(FX + "/cloudtrail/*/*.json") + glob.glob(FX + "/cloudtrail/real/*/*.json"), 32 * 1024)
for i, p in enumerate(ct[:24]):
    put("cloudtrail", "%02d-%s" % (i, os.path.basename(p)), bytes([i * 11 % 256]) + rd(p))
    put("cloudtrail_gz", "%02d-%s" % (i, os.path.basename(p)), bytes([i * 7 % 256]) + rd(p))
for p in small(glob.glob(FX + "/cloudtrail/*/*.json.gz")):
    put("cloudtrail_gz", "raw-" + os.path.basename(p), b"\x00" + rd(p))

# --- AWS: check index in data[0] (checks_aws order), responses in request order ---
A = FX + "/aws/default"
xmlns = 'xmlns="https://iam.amazonaws.com/doc/2010-05-08/"'
gen = ('<GenerateCredentialReportResponse %s><GenerateCredentialReportResult><State>COMPLETE</State>'
       '</GenerateCredentialReportResult></GenerateCredentialReportResponse>' % xmlns).encode()
started = gen.replace(b"COMPLETE", b"STARTED")
report = ('<GetCredentialReportResponse %s><GetCredentialReportResult><Content>%s</Content>'
          '<ReportFormat>text/csv</ReportFormat><GeneratedTime>2026-01-01T00:00:00Z</GeneratedTime>'
          '</GetCredentialReportResult></GetCredentialReportResponse>'
          % (xmlns, base64.b64encode(rd(A + "/iam/credential-report.csv")).decode())).encode()
throttle = resp(b'<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded'
                b'</Message></Error><RequestId>1</RequestId></ErrorResponse>', 400)
buckets = ["acme-app-data", "acme.logs.archive", "acme-backups"]
location = lambda r: ('<?xml version="1.0" encoding="UTF-8"?><LocationConstraint '
                      'xmlns="http://s3.amazonaws.com/doc/2006-03-01/">%s</LocationConstraint>' % r).encode()
s3 = lambda sub: responses(rd(A + "/s3/ListBuckets.xml"), *[location("eu-west-1") for _ in buckets],
                           *[rd("%s/s3/buckets/%s/%s.xml" % (A, b, sub)) for b in buckets])
kms = [rd(A + "/kms/ListKeys.json")]
for k in sorted(glob.glob(A + "/kms/keys/*")):
    kms.append(rd(k + "/DescribeKey.json"))
    if os.path.exists(k + "/GetKeyRotationStatus.json"):
        kms.append(rd(k + "/GetKeyRotationStatus.json"))
aws = {
    0: [responses(rd(A + "/iam/GetAccountSummary.xml")), responses(throttle, rd(A + "/iam/GetAccountSummary.xml"))],
    1: [responses(rd(FX + "/aws/fail/iam/GetAccountSummary.xml"))],
    2: [responses(started, gen, report)],
    3: [responses(rd(A + "/iam/GetAccountPasswordPolicy.xml")),
        responses(resp(b'<ErrorResponse><Error><Code>NoSuchEntity</Code><Message>none</Message></Error>'
                       b'</ErrorResponse>', 404))],
    4: [responses(gen, report)],
    5: [responses(rd(A + "/cloudtrail/DescribeTrails.json"), rd(A + "/cloudtrail/GetTrailStatus/org-trail.json")),
        responses(resp(b'{"__type":"ThrottlingException","message":"slow"}', 400), rd(A + "/cloudtrail/DescribeTrails.json"))],
    6: [s3("encryption")],
    7: [s3("publicAccessBlock"), responses(resp(b"", 503, ["Retry-After: 1"]), rd(A + "/s3/ListBuckets.xml"))],
    8: [responses(*kms)],
}
for i, seeds in aws.items():
    for k, s in enumerate(seeds):
        put("aws", "run-%d-%d" % (i, k), bytes([i]) + s)
offline = {0: "get-account-summary", 1: "get-account-summary", 2: "credential-report", 3: "get-account-password-policy",
           4: "credential-report", 5: "describe-trails"}
for i, stem in offline.items():
    for p in sorted(glob.glob("%s/aws/offline/%s*" % (FX, stem))):
        put("aws", "eval-%d-%s" % (i, os.path.basename(p)), bytes([0x80 | i]) + rd(p))
put("aws", "eval-4-get-credential-report", bytes([0x84]) + rd(FX + "/aws/offline/get-credential-report.fail.json"))

# --- GitHub: checks_github order; the org first, then its lists, then per repository ---
G = FX + "/github/default"
link = lambda n: 'Link: <%s>; rel="next"' % n
repos = json.loads(rd(G + "/repos.json"))
names = [r["name"] for r in repos]
gh = {
    0: [responses(rd(G + "/org.json")), responses(rd(FX + "/github/fail/org.json"))],
    1: [responses(rd(FX + "/github/fail/members_2fa_disabled.json")),
        responses(resp(rd(G + "/members_2fa_disabled.json"), 200,
                       [link("http://127.0.0.1:1/orgs/acme/members?page=2")]), b"[]")],
    2: [responses(rd(G + "/repos.json"), *[rd("%s/protection/%s.json" % (G, n)) for n in names if
                                           os.path.exists("%s/protection/%s.json" % (G, n))])],
    3: [responses(rd(G + "/repos.json"), *[rd("%s/repo/%s.json" % (G, n)) for n in names])],
    4: [responses(rd(G + "/repos.json"), *[p for n in names for p in (rd("%s/repo/%s.json" % (G, n)),
        rd("%s/vulnerability-alerts/%s.json" % (G, n)) if os.path.exists("%s/vulnerability-alerts/%s.json" % (G, n)) else b"")]),
        responses(resp(b'{"message":"API rate limit exceeded"}', 403, ["x-ratelimit-remaining: 0",
                                                                        "x-ratelimit-reset: 1"]))],
}
for i, seeds in gh.items():
    for k, s in enumerate(seeds):
        put("github", "run-%d-%d" % (i, k), bytes([i]) + s)
put("github", "eval-0-org", bytes([0x80]) + rd(G + "/org.json"))
put("github", "eval-1-members", bytes([0x81]) + rd(G + "/members_2fa_disabled.json"))

# --- Google Workspace: the token exchange, then users.list pages ---
W = FX + "/gworkspace"
token = b'{"access_token":"ya29.fuzz","token_type":"Bearer","expires_in":3599}'
users = sorted(glob.glob(W + "/*/users*.json"))
for i in range(6):
    for k, p in enumerate(users[:3]):
        put("gworkspace", "run-%d-%d" % (i, k), bytes([i]) + responses(token, rd(p)))
put("gworkspace", "run-0-denied", b"\x00" + responses(resp(b'{"error":"unauthorized_client","error_description":'
                                                           b'"Client is unauthorized"}', 401)))
for k, p in enumerate(sorted(glob.glob(W + "/export/*.json"))):
    put("gworkspace", "eval-%d" % k, bytes([0x80 | k]) + rd(p))
put("gworkspace", "key", b"\x7f" + rd(W + "/service-account.json"))

# --- multipart: Content-Type, then the body ---
b = "----isms-fuzz"
body = ("--%s\r\nContent-Disposition: form-data; name=\"topic\"\r\n\r\nbackup\r\n--%s\r\nContent-Disposition: "
        "form-data; name=\"files\"; filename=\"backup.md\"\r\nContent-Type: text/markdown\r\n\r\n# Backup\n\nDaily."
        "\r\n--%s--\r\n" % (b, b, b)).encode()
put("multipart", "two-parts", ("multipart/form-data; boundary=%s" % b).encode() + SEP + body)
put("multipart", "quoted", ('multipart/form-data; boundary="%s"' % b).encode() + SEP + body)

# --- policy documents: data[0] picks the name (none, .md, .txt, .html, .docx, .pdf, ...) ---
P = FX + "/policies-real"
for p in small(glob.glob(P + "/*.md"), 16 * 1024)[:6]:
    put("docread", os.path.basename(p), b"\x01" + rd(p))
    put("docread", "noext-" + os.path.basename(p), b"\x00" + rd(p))
put("docread", "clear-desk.txt", b"\x02Clear Desk Policy\n\nScope\nThis policy applies to all offices.\n(a) desks\n")
put("docread", "crypto.html", b"\x03<!DOCTYPE html><html><head><title>Crypto</title></head><body><h1>Cryptography"
    b"</h1><table><tr><td>Data at rest is encrypted.</td></tr></table></body></html>")
put("docread", "remote.docx", b"\x04" + rd(P + "/strongdm__remote_access.docx"))
put("docread", "style-names.docx", b"\x04" + rd(FX + "/policies-hostile/style-names.docx"))

# --- DOCX parts: document.xml, styles.xml, core.xml ---
for p in (P + "/strongdm__remote_access.docx", FX + "/policies-hostile/style-names.docx"):
    with zipfile.ZipFile(p) as z:
        parts = [z.read(n) if n in z.namelist() else b"" for n in
                 ("word/document.xml", "word/styles.xml", "docProps/core.xml")]
    put("docx", os.path.basename(p), SEP.join(parts))

# --- PDF text: pdfinfo's output, then pdftotext's ---
for p in glob.glob(P + "/*.pdf"):
    info = subprocess.run(["pdfinfo", "-enc", "UTF-8", p], capture_output=True).stdout
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", "-eol", "unix", p, "-"], capture_output=True).stdout
    put("pdf_text", os.path.basename(p), info + SEP + text)

# --- templates: data[0] picks Markdown (even) or HTML (odd) ---
for i, p in enumerate(sorted(glob.glob("data/policies/*.md.tmpl"))[:6]):
    put("tmpl", os.path.basename(p), bytes([i % 2]) + rd(p))
put("tmpl", "each-if", b"\x00# {{org.name}}\n{{#each roles}}\n- {{role}}: {{person}}{{#if tools.aws}} (AWS){{/if}}\n"
    b"{{/each}}\n{{#if work.remote}}Remote{{else}}Office{{/if}} {{review.months}}\n")

# --- evidence packages: manifest.json, then "NAME\nCONTENT" files ---
files = [("reports/audit-report.md", b"# Audit report\n"), ("evidence/1/policy.md", b"# Access control\n")]
import hashlib
man = {"format": 1, "files": [{"path": n, "sha256": hashlib.sha256(c).hexdigest(), "size": len(c), "kind": "report",
                               "controls": ["A.5.15"]} for n, c in files]}
put("package", "parts", json.dumps(man).encode() + SEP + SEP.join(n.encode() + b"\n" + c for n, c in files))
put("package", "unlisted", json.dumps(man).encode() + SEP + SEP.join(n.encode() + b"\n" + c for n, c in files) +
    SEP + b"extra.txt\nnot in the manifest")

# --- host configuration texts (data[0] picks the key looked up) and whole fake roots ---
H = FX + "/host"
conf = ["good/etc/nftables.conf", "nftables-saved/etc/nftables.conf", "nftables-saved/etc/iptables/rules.v4",
        "bad/run/isms-host/iptables-S-INPUT.out", "hardened/etc/apt/apt.conf.d/20auto-upgrades",
        "hardened/etc/apt/apt.conf.d/50unattended-upgrades", "rhel/etc/xdg/kscreenlockerrc", "rhel/etc/dnf/automatic.conf",
        "hardened/etc/ufw/ufw.conf", "hardened/etc/dconf/db/local.d/00-screensaver",
        "rhel/etc/crypto-policies/back-ends/opensshserver.config", "rhel/etc/firewalld/firewalld.conf"]
for i, c in enumerate(conf):
    if os.path.exists(os.path.join(H, c)):
        put("host_conf", c.replace("/", "_"), bytes([i]) + rd(os.path.join(H, c)))
tree_files = ["/etc/ssh/sshd_config", "/etc/ssh/sshd_config.d/10-a.conf", "/etc/ssh/b.conf", "/proc/self/mountinfo",
              "/var/lib/dpkg/status", "/etc/apt/apt.conf.d/20auto-upgrades", "/etc/nftables.conf",
              "/run/isms-host/nft-list-ruleset.out", "/run/isms-host/iptables-S-INPUT.out", "/etc/iptables/rules.v4",
              "/etc/ufw/ufw.conf", "/etc/default/ufw", "/etc/dconf/profile/user", "/etc/dconf/db/local.d/00-screensaver",
              "/etc/dconf/db/local.d/locks/screensaver", "/etc/xdg/kscreenlockerrc", "/etc/dnf/automatic.conf",
              "/etc/clamav/freshclam.conf", "/etc/firewalld/firewalld.conf", "/etc/os-release"]
for scen in ("good", "bad", "hardened", "rhel", "default-debian", "desktop-unlocked", "nftables-saved", "include-cycle"):
    parts = []
    for f in tree_files:
        src = H + "/" + scen + f
        if f == "/etc/ssh/sshd_config.d/10-a.conf":
            drop = sorted(glob.glob(H + "/" + scen + "/etc/ssh/sshd_config.d/*.conf"))
            src = drop[0] if drop else src
        if f == "/var/lib/dpkg/status" and os.path.exists(src):
            parts.append(rd(src)[:8192])
            continue
        parts.append(rd(src) if os.path.isfile(src) else b"")
    put("host_tree", scen, SEP.join(parts))

# --- HTTP requests as the server sees them (the credentials are placeholders) ---
def req(method, path, auth="@VIEWER@", body=b"", ctype=None, extra=()):
    h = ["%s %s HTTP/1.1" % (method, path), "Host: 127.0.0.1"]
    if auth:
        h.append("Authorization: Bearer " + auth)
    if ctype:
        h.append("Content-Type: " + ctype)
    h += list(extra)
    if body or method in ("POST", "PUT"):
        h.append("Content-Length: %d" % len(body))
    return ("\r\n".join(h) + "\r\n\r\n").encode() + body


routes = [l.split() for l in open("tests/web/api-routes.txt") if l.strip() and not l.startswith("#")]
for i, (m, p) in enumerate(routes):
    if m == "GET":
        put("http", "route-%03d" % i, req(m, p.replace("{id}", "1").replace("{name}", "access-control") + "?limit=3"))
put("http", "me", req("GET", "/api/v1/me"))
put("http", "asset-create", req("POST", "/api/v1/assets", "@EDITOR@", b'{"name":"Fuzz laptop","type":"hardware",'
                                b'"owner":"IT","classification":"internal"}', "application/json"))
put("http", "risk-update", req("PUT", "/api/v1/risks/1", "@EDITOR@", b'{"likelihood":2}', "application/json"))
put("http", "page-cookie", req("GET", "/assets?q=laptop&sort=name", None, extra=["Cookie: @COOKIE@"]))
put("http", "form-csrf", req("POST", "/policies/profile", None, b"csrf=@CSRF@&review_months=6&approver=Dana",
                             "application/x-www-form-urlencoded", ["Cookie: @COOKIE@"]))
put("http", "login-bad", req("POST", "/login", None, b"name=viewer&password=wrong", "application/x-www-form-urlencoded"))
put("http", "policy-gap", req("POST", "/api/v1/policy-gap", "@VIEWER@", body, "multipart/form-data; boundary=%s" % b))
put("http", "keepalive", req("GET", "/api/v1/org") + req("HEAD", "/api/v1/soa?status=applicable") +
    req("GET", "/static/app.css", None))
put("http", "chunked", b"POST /api/v1/assets HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer @EDITOR@\r\nContent-Type: "
    b"application/json\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{\"a\":\r\n2\r\n1}\r\n0\r\n\r\n")
put("http", "no-auth", req("GET", "/api/v1/assets/%2e%2e/x?a=%ff", None))
