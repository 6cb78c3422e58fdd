#!/usr/bin/env python3
"""Fake AWS (IAM, S3, CloudTrail, KMS) for the AWS collector's tests, serving
tests/fixtures/aws/<scenario>/ (see the README there, and common.py for scenarios, injection and
the control endpoints). Everything is served from one base URL, as with AWS_ENDPOINT_URL:

- IAM, query protocol: POST / with a form body Action=X&Version=2010-05-08 -> XML.
- CloudTrail and KMS, JSON 1.1: POST / with X-Amz-Target
  com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.X or TrentService.X -> JSON.
- S3, REST: GET / (ListBuckets, paged by continuation-token), GET /BUCKET?encryption,
  ?publicAccessBlock, ?location (path style) -> XML.

Every request must be SigV4-signed as AWS checks it: Authorization AWS4-HMAC-SHA256 with
Credential=KEY/DATE/REGION/SERVICE/aws4_request where SERVICE is the one the request is routed to
(iam, s3, cloudtrail, kms) and REGION is us-east-1 for IAM and GetBucketLocation, the bucket's
region for other bucket operations and $FAKE_AWS_REGION (default us-east-1) otherwise; X-Amz-Date
within 15 minutes; the signature is recomputed with $FAKE_AWS_SECRET_KEY; with $FAKE_AWS_TOKEN set
the X-Amz-Security-Token must match; the access key id must be $FAKE_AWS_ACCESS_KEY (default
AKIDEXAMPLE); S3 requests need x-amz-content-sha256. Failures get the
error each service really returns (SignatureDoesNotMatch, InvalidClientTokenId, ...).

Fault injection (common.py) matches a routing key instead of the URL path, since IAM, CloudTrail
and KMS all POST to "/": /iam/ACTION, /cloudtrail/ACTION, /kms/ACTION, /s3/ListBuckets,
/s3/ACTION/BUCKET (ACTION GetBucketEncryption, GetPublicAccessBlock, GetBucketLocation). An
injected status is answered in the service's error shape; its code is body.code when given, else
400 Throttling / ThrottlingException, 429 TooManyRequestsException, 503 SlowDown /
ServiceUnavailable, 500 InternalFailure, 403 AccessDenied. E.g.
    POST /__inject {"path": "/iam/GetAccountSummary", "count": 2, "status": 400, "retry_after": "0"}
GET /__requests lists each request with its routing key ("action"), the signing scope it carried
("scope_service", "scope_region"), "auth" ("ok" or the error code given) and "peer" (the client's
address and port: one peer for many requests means the connection was reused).

Scenario parameters that bend well-formed answers (POST /__scenario {"name": ..., "params": ...}):
- "strip": {"ACTION": ["MEMBER", ...]} removes members from ACTION's successful answers: for XML
  the element MEMBER (or the SummaryMap entry whose key is MEMBER); for JSON a key path such as
  "KeyMetadata", "KeyMetadata.KeyState" or "trailList[].IsMultiRegionTrail".
- "huge_pages": N, "huge_mb": M: ListBuckets answers N pages (one bucket each, ContinuationToken
  huge-1, huge-2, ...) of about M MB each, generated here (the bulk is the Owner's DisplayName).
- "bucket_cycle": true: ListBuckets pages first -> cycle-a -> cycle-b -> cycle-a ... (a paging cycle).
"""
import base64
import datetime
import hashlib
import hmac
import json
import os
import re
import sys
import time
import urllib.parse
import uuid

sys.dont_write_bytecode = True  # no __pycache__ beside the sources
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

ACCESS_KEY = os.environ.get("FAKE_AWS_ACCESS_KEY", "AKIDEXAMPLE")
SECRET_KEY = os.environ.get("FAKE_AWS_SECRET_KEY", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
TOKEN = os.environ.get("FAKE_AWS_TOKEN") or None
REGION = os.environ.get("FAKE_AWS_REGION", "us-east-1")
IAM_NS = "https://iam.amazonaws.com/doc/2010-05-08/"
S3_NS = "http://s3.amazonaws.com/doc/2006-03-01/"
CT_PREFIX = "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101."
KMS_PREFIX = "TrentService."
SAFE = re.compile(r"[A-Za-z0-9._:/=+-]+\Z")


class AwsError(Exception):
    def __init__(self, status, code, message, extra=None):
        super().__init__(message)
        self.status, self.code, self.message, self.extra = status, code, message, extra or {}


class AwsAPI(common.FakeAPI):
    """common.FakeAPI with routing by AWS action and AWS-shaped errors."""

    def reset(self):
        super().reset()
        self.report_calls = 0

    def set_scenario(self, name, params=None):
        super().set_scenario(name, params)
        self.report_calls = 0

    def handle(self, req):
        if req.path.startswith("/__"):
            return super().handle(req)
        rec = {"method": req.method, "path": req.path, "query": req.query, "action": None, "auth": None,
               "scope_service": None, "scope_region": None, "token": "X-Amz-Security-Token" in req.headers,
               "peer": req.peer}
        service = guess_service(req)
        try:
            service, action, key = classify(req)
            rec["action"] = key
            inj = self._take_injection(key)
            if inj and inj["sleep"]:
                time.sleep(inj["sleep"])
            if inj and inj["status"]:
                resp = injected(service, inj, req)
            else:
                check_auth(req, service, action, rec)
                rec["auth"] = "ok"
                resp = HANDLERS[service](req, action)
                strip = (req.params.get("strip") or {}).get(action)
                if strip and resp.status == 200:
                    resp.body = stripped(resp.body, strip, service in ("iam", "s3"))
        except AwsError as e:
            if rec["auth"] is None and rec["action"]:
                rec["auth"] = e.code
            resp = error(service, e, req)
        with self.lock:
            rec["status"] = resp.status
            self.log.append(rec)
        return resp, False


api = AwsAPI("aws")


# ---- routing ----

def guess_service(req):
    if req.method == "GET":
        return "s3"
    t = req.headers.get("X-Amz-Target") or ""
    if t.startswith(CT_PREFIX):
        return "cloudtrail"
    if t.startswith(KMS_PREFIX):
        return "kms"
    return "iam"


def form(req):
    return {k: v[-1] for k, v in urllib.parse.parse_qs(req.body.decode("utf-8", "replace"),
                                                       keep_blank_values=True).items()}


S3_SUBRESOURCES = {"encryption": "GetBucketEncryption", "publicAccessBlock": "GetPublicAccessBlock",
                   "location": "GetBucketLocation"}


def classify(req):
    """(service, action, routing key) of a request; AwsError when it is not one we know."""
    if req.method == "GET":
        if req.path == "/":
            return "s3", "ListBuckets", "/s3/ListBuckets"
        bucket = urllib.parse.unquote(req.path[1:])
        subs = [s for s in S3_SUBRESOURCES if s in req.query]
        if "/" in bucket or len(subs) != 1:
            raise AwsError(400, "InvalidRequest", "This fake serves only ListBuckets and ?encryption, "
                           "?publicAccessBlock, ?location of a bucket")
        action = S3_SUBRESOURCES[subs[0]]
        return "s3", action, "/s3/%s/%s" % (action, bucket)
    if req.method != "POST" or req.path != "/":
        raise AwsError(404, "NotFound", "Unknown path")
    target = req.headers.get("X-Amz-Target")
    if target:
        for service, prefix in (("cloudtrail", CT_PREFIX), ("kms", KMS_PREFIX)):
            if target.startswith(prefix):
                if not (req.headers.get("Content-Type") or "").startswith("application/x-amz-json-1.1"):
                    raise AwsError(400, "SerializationException", "Content-Type must be application/x-amz-json-1.1")
                action = target[len(prefix):]
                return service, action, "/%s/%s" % (service, action)
        raise AwsError(400, "UnknownOperationException", "Unknown X-Amz-Target")
    if not (req.headers.get("Content-Type") or "").startswith("application/x-www-form-urlencoded"):
        raise AwsError(400, "InvalidAction", "IAM wants a form-encoded body")
    f = form(req)
    if f.get("Version") != "2010-05-08":
        raise AwsError(400, "InvalidAction", "Could not find operation %s for version %s"
                       % (f.get("Action"), f.get("Version")))
    return "iam", f.get("Action") or "", "/iam/%s" % (f.get("Action") or "")


# ---- answers without their data ----

def stripped(body, members, is_xml):
    """body without members (see "strip" above): still well-formed, lacking what a check needs."""
    if is_xml:
        text = body.decode()
        for m in members:
            n = re.escape(m)
            text = re.sub(r"<entry>\s*<key>%s</key>.*?</entry>\s*" % n, "", text, flags=re.S)
            text = re.sub(r"<%s(\s[^>]*)?/>\s*|<%s(\s[^>]*)?>.*?</%s>\s*" % (n, n, n), "", text, count=1, flags=re.S)
        return text.encode()
    doc = json.loads(body)
    for m in members:
        drop(doc, m.split("."))
    return json.dumps(doc, indent=1).encode()


def drop(obj, path):
    head, rest = path[0], path[1:]
    many = head.endswith("[]")
    key = head[:-2] if many else head
    if not isinstance(obj, dict) or key not in obj:
        return
    if not rest:
        del obj[key]
    elif many:
        for item in obj[key]:
            drop(item, rest)
    else:
        drop(obj[key], rest)


# ---- errors ----

def error(service, e, req):
    rid = str(uuid.uuid4())
    if service == "iam":
        body = ('<ErrorResponse xmlns="%s">\n  <Error>\n    <Type>Sender</Type>\n    <Code>%s</Code>\n'
                '    <Message>%s</Message>\n  </Error>\n  <RequestId>%s</RequestId>\n</ErrorResponse>\n'
                % (IAM_NS, e.code, xml_escape(e.message), rid))
        return common.Response(e.status, body, None, "text/xml")
    if service == "s3":
        extra = "".join("<%s>%s</%s>" % (k, xml_escape(v), k) for k, v in e.extra.items())
        body = ('<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>%s</Code><Message>%s</Message>%s'
                '<RequestId>%s</RequestId><HostId>%s</HostId></Error>'
                % (e.code, xml_escape(e.message), extra, rid[:16].upper(), base64.b64encode(rid.encode()).decode()))
        return common.Response(e.status, body, None, "application/xml")
    # JSON 1.1: CloudTrail names its types with the service namespace, KMS does not.
    t = "com.amazonaws.cloudtrail.v20131101#" + e.code if service == "cloudtrail" else e.code
    body = json.dumps({"__type": t, "message": e.message})
    return common.Response(e.status, body, {"x-amzn-ErrorType": e.code, "x-amzn-RequestId": rid},
                           "application/x-amz-json-1.1")


def injected(service, inj, req):
    status = int(inj["status"])
    code = (inj["body"] or {}).get("code") if isinstance(inj["body"], dict) else None
    if not code:
        json_proto = service in ("cloudtrail", "kms")
        code = {400: "ThrottlingException" if json_proto else "Throttling",
                429: "TooManyRequestsException",
                503: "SlowDown" if service == "s3" else "ServiceUnavailable",
                500: "InternalFailure" if service != "s3" else "InternalError",
                403: "AccessDeniedException" if json_proto else "AccessDenied"}.get(status, "InjectedError")
    msg = (inj["body"] or {}).get("message") if isinstance(inj["body"], dict) else None
    resp = error(service, AwsError(status, code, msg or "Rate exceeded"), req)
    resp.headers += list(inj["headers"].items())
    if inj["retry_after"] is not None:
        resp.headers.append(("Retry-After", str(inj["retry_after"])))
    return resp


def xml_escape(s):
    return str(s).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# ---- SigV4 verification ----

AUTH = re.compile(r"AWS4-HMAC-SHA256 Credential=([^/,]+)/(\d{8})/([^/,]+)/([^/,]+)/aws4_request,\s*"
                  r"SignedHeaders=([a-z0-9;-]+),\s*Signature=([0-9a-f]{64})\Z")


def expected_region(req, service, action):
    if service == "iam" or action == "GetBucketLocation":
        return "us-east-1"
    if service == "s3" and action != "ListBuckets":
        return bucket_region(req, urllib.parse.unquote(req.path[1:]))
    return REGION


def quote(s, safe="-_.~"):
    return urllib.parse.quote(s, safe=safe)


def canonical_request(req, service, signed, payload_hash):
    path = req.path
    if service != "s3":
        # Every service but S3 normalizes the path and encodes it a second time.
        parts = [p for p in path.split("/") if p not in ("", ".")]
        path = "/" + "/".join(parts) + ("/" if path.endswith("/") and parts else "")
        path = quote(path, safe="/-_.~")
    else:
        path = quote(urllib.parse.unquote(path), safe="/-_.~")
    pairs = sorted((quote(k), quote(v)) for k, vs in req.query_list.items() for v in vs)
    query = "&".join("%s=%s" % kv for kv in pairs)
    heads = ""
    for h in signed.split(";"):
        vals = req.headers.get_all(h) or []
        heads += "%s:%s\n" % (h, ",".join(" ".join(v.split()) for v in vals))
    return "\n".join([req.method, path, query, heads, signed, payload_hash])


def hm(key, msg):
    return hmac.new(key, msg.encode(), hashlib.sha256).digest()


def check_auth(req, service, action, rec):
    h = req.headers
    auth = h.get("Authorization")
    deny = {"iam": (403, "SignatureDoesNotMatch"), "s3": (403, "SignatureDoesNotMatch"),
            "cloudtrail": (400, "InvalidSignatureException"), "kms": (400, "InvalidSignatureException")}[service]
    if not auth:
        if service == "s3":
            raise AwsError(403, "AccessDenied", "Access Denied")
        raise AwsError(403 if service == "iam" else 400,
                       "MissingAuthenticationToken" if service == "iam" else "MissingAuthenticationTokenException",
                       "Request is missing Authentication Token")
    m = AUTH.match(auth)
    if not m:
        raise AwsError(400 if service == "s3" else deny[0],
                       "AuthorizationHeaderMalformed" if service == "s3" else "IncompleteSignature",
                       "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature'")
    akid, date, region, svc, signed, sig = m.groups()
    rec["scope_service"], rec["scope_region"] = svc, region
    if akid != ACCESS_KEY:
        raise AwsError(403 if service in ("iam", "s3") else 400,
                       {"iam": "InvalidClientTokenId", "s3": "InvalidAccessKeyId"}.get(service,
                                                                                    "UnrecognizedClientException"),
                       "The security token included in the request is invalid.")
    if svc != service:
        raise AwsError(*deny, "Credential should be scoped to correct service: '%s'." % service)
    want = expected_region(req, service, action)
    if region != want:
        if service == "s3":
            raise AwsError(400, "AuthorizationHeaderMalformed", "The authorization header is malformed; the region "
                           "'%s' is wrong; expecting '%s'" % (region, want), {"Region": want})
        raise AwsError(*deny, "Credential should be scoped to a valid region. ")
    names = signed.split(";")
    if "host" not in names or "x-amz-date" not in names:
        raise AwsError(*deny, "Host and X-Amz-Date must be signed")
    amz_date = h.get("X-Amz-Date") or ""
    try:
        when = datetime.datetime.strptime(amz_date, "%Y%m%dT%H%M%SZ").replace(tzinfo=datetime.timezone.utc)
    except ValueError:
        raise AwsError(*deny, "Invalid X-Amz-Date")
    now = datetime.datetime.now(datetime.timezone.utc)
    if abs((now - when).total_seconds()) > 900 or amz_date[:8] != date:
        raise AwsError(*deny, "Signature expired: %s is now earlier than the allowed window" % amz_date)
    if TOKEN is not None:
        tok = h.get("X-Amz-Security-Token")
        if tok != TOKEN or "x-amz-security-token" not in names:
            raise AwsError(403 if service in ("iam", "s3") else 400,
                           {"iam": "InvalidClientTokenId", "s3": "InvalidToken"}.get(service,
                                                                                   "UnrecognizedClientException"),
                           "The security token included in the request is invalid.")
    body_hash = hashlib.sha256(req.body).hexdigest()
    if service == "s3":
        payload = h.get("x-amz-content-sha256")
        if not payload:
            raise AwsError(400, "InvalidRequest", "Missing required header for this request: x-amz-content-sha256")
        if payload != "UNSIGNED-PAYLOAD" and payload != body_hash:
            raise AwsError(400, "XAmzContentSHA256Mismatch",
                           "The provided 'x-amz-content-sha256' header does not match what was computed.")
    else:
        payload = body_hash
    creq = canonical_request(req, service, signed, payload)
    sts = "\n".join(["AWS4-HMAC-SHA256", amz_date, "%s/%s/%s/aws4_request" % (date, region, svc),
                     hashlib.sha256(creq.encode()).hexdigest()])
    key = hm(hm(hm(hm(("AWS4" + SECRET_KEY).encode(), date), region), svc), "aws4_request")
    if not hmac.compare_digest(hmac.new(key, sts.encode(), hashlib.sha256).hexdigest(), sig):
        msg = ("The request signature we calculated does not match the signature you provided. Check your AWS "
               "Secret Access Key and signing method. Consult the service documentation for details.")
        # Like S3, echo the canonical request (it carries the session token header when signed):
        # the client must not keep such a body as evidence.
        raise AwsError(*deny, msg, {"StringToSign": sts, "CanonicalRequest": creq} if service == "s3" else None)


# ---- fixtures ----

def fixture_path(req, name):
    """The fixture file of the current scenario, falling back to default/; NAME.error.json beside
    NAME.xml / NAME.json (in the scenario, else in default/) says the call fails: {"status",
    "code", "message"[, "extra": {element: text}]}."""
    for sc in (req.scenario, "default"):
        base = os.path.join(common.fixtures_root(), "aws", sc, name)
        err = os.path.splitext(base)[0] + ".error.json"
        if os.path.isfile(err):
            return err
        if os.path.isfile(base):
            return base
    return None


def load(req, name, missing=None):
    p = fixture_path(req, name)
    if not p:
        if missing:
            raise missing
        return None
    with open(p, "rb") as f:
        data = f.read()
    if p.endswith(".error.json"):
        e = json.loads(data)
        raise AwsError(int(e["status"]), e["code"], e.get("message", ""), e.get("extra"))
    return data


def xml(data):
    return common.Response(200, data, None, "text/xml")


def safe_name(s, what):
    if not s or not SAFE.match(s) or ".." in s:
        raise AwsError(400, "ValidationException", "invalid %s" % what)
    return s.replace("/", "_").replace(":", "_")


# ---- IAM ----

def report_states(req):
    doc = load(req, "iam/GenerateCredentialReport.json")
    return json.loads(doc)["states"] if doc else ["STARTED", "COMPLETE"]


def days_ago(m):
    t = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=int(m.group(1)), hours=1)
    return t.strftime("%Y-%m-%dT%H:%M:%S+00:00")


def iam(req, action):
    rid = str(uuid.uuid4())
    meta = "  <ResponseMetadata>\n    <RequestId>%s</RequestId>\n  </ResponseMetadata>\n" % rid
    if action == "GenerateCredentialReport":
        states = report_states(req)
        with api.lock:
            state = states[min(api.report_calls, len(states) - 1)]
            api.report_calls += 1
        desc = {"STARTED": "No report exists. Starting a new report generation task",
                "INPROGRESS": "Report generation in progress", "COMPLETE": "Report generation complete"}.get(state, "")
        return xml('<GenerateCredentialReportResponse xmlns="%s">\n  <GenerateCredentialReportResult>\n'
                   '    <Description>%s</Description>\n    <State>%s</State>\n  </GenerateCredentialReportResult>\n'
                   '%s</GenerateCredentialReportResponse>\n' % (IAM_NS, desc, state, meta))
    if action == "GetCredentialReport":
        states = report_states(req)
        with api.lock:
            calls = api.report_calls
        if calls == 0:
            raise AwsError(410, "ReportNotPresent", "Credential report not present.")
        if states[min(calls - 1, len(states) - 1)] != "COMPLETE":
            raise AwsError(404, "ReportInProgress", "Credential report generation is in progress.")
        csv = load(req, "iam/credential-report.csv").decode()
        csv = re.sub(r"@DAYS_AGO:(\d+)@", days_ago, csv)
        now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        return xml('<GetCredentialReportResponse xmlns="%s">\n  <GetCredentialReportResult>\n'
                   '    <Content>%s</Content>\n    <ReportFormat>text/csv</ReportFormat>\n'
                   '    <GeneratedTime>%s</GeneratedTime>\n  </GetCredentialReportResult>\n'
                   '%s</GetCredentialReportResponse>\n'
                   % (IAM_NS, base64.b64encode(csv.encode()).decode(), now, meta))
    if action in ("GetAccountSummary", "GetAccountPasswordPolicy"):
        return xml(load(req, "iam/%s.xml" % action,
                        AwsError(500, "InternalFailure", "fixture iam/%s.xml missing" % action)))
    raise AwsError(400, "InvalidAction", "Could not find operation %s for version 2010-05-08" % action)


# ---- S3 ----

def bucket_files(req):
    """The ListBuckets pages of the scenario, parsed: {bucket: BucketRegion or None}."""
    out = {}
    token = None
    for _ in range(100):
        data = load(req, "s3/ListBuckets.%s.xml" % token if token else "s3/ListBuckets.xml")
        if not data:
            break
        text = data.decode()
        for b in re.findall(r"<Bucket>(.*?)</Bucket>", text, re.S):
            name = re.search(r"<Name>(.*?)</Name>", b).group(1)
            r = re.search(r"<BucketRegion>(.*?)</BucketRegion>", b)
            out[name] = r.group(1) if r else None
        t = re.search(r"<ContinuationToken>(.*?)</ContinuationToken>", text)
        token = t.group(1) if t else None
        if not token:
            break
    return out


def bucket_region(req, bucket):
    data = load(req, "s3/buckets/%s/location.xml" % safe_name(bucket, "bucket"))
    if data:
        loc = re.search(r">([^<]*)</LocationConstraint>", data.decode())
        loc = loc.group(1) if loc else ""
        return "us-east-1" if not loc else "eu-west-1" if loc == "EU" else loc
    return bucket_files(req).get(bucket) or REGION


def huge_page(req, token):
    """ListBuckets page K of the "huge_pages" parameter: one bucket and M MB of owner name."""
    k = int(token.split("-")[1]) if token else 0
    pad = "x" * int(float(req.params.get("huge_mb", 20)) * 1000000)
    nxt = "<ContinuationToken>huge-%d</ContinuationToken>" % (k + 1) if k + 1 < int(req.params["huge_pages"]) else ""
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<ListAllMyBucketsResult xmlns="%s"><Owner><ID>%s</ID>'
            '<DisplayName>%s</DisplayName></Owner><Buckets><Bucket><Name>huge-%d</Name>'
            '<CreationDate>2024-01-01T00:00:00.000Z</CreationDate><BucketRegion>%s</BucketRegion></Bucket>'
            '</Buckets>%s</ListAllMyBucketsResult>' % (S3_NS, "0" * 64, pad, k, REGION, nxt)).encode()


def s3(req, action):
    if action == "ListBuckets" and req.params.get("huge_pages"):
        return common.Response(200, huge_page(req, req.query.get("continuation-token")), None, "application/xml")
    if action == "ListBuckets":
        token = req.query.get("continuation-token")
        name = "s3/ListBuckets.%s.xml" % safe_name(token, "continuation-token") if token else "s3/ListBuckets.xml"
        if req.params.get("bucket_cycle"):
            # Page 1 -> cycle-a -> cycle-b -> cycle-a -> ...: a paging cycle that never repeats a
            # token twice in a row.
            nxt = {None: "cycle-a", "cycle-a": "cycle-b", "cycle-b": "cycle-a"}.get(token, "cycle-a")
            data = ('<?xml version="1.0" encoding="UTF-8"?>\n<ListAllMyBucketsResult xmlns="%s"><Buckets><Bucket>'
                    '<Name>%s</Name><BucketRegion>%s</BucketRegion></Bucket></Buckets>'
                    '<ContinuationToken>%s</ContinuationToken></ListAllMyBucketsResult>'
                    % (S3_NS, token or "first", REGION, nxt)).encode()
            return common.Response(200, data, None, "application/xml")
        data = load(req, name, AwsError(400, "InvalidArgument", "The continuation token provided is incorrect"))
        return common.Response(200, data, None, "application/xml")
    bucket = urllib.parse.unquote(req.path[1:])
    if bucket not in bucket_files(req):
        raise AwsError(404, "NoSuchBucket", "The specified bucket does not exist", {"BucketName": bucket})
    d = "s3/buckets/%s/" % safe_name(bucket, "bucket")
    if action == "GetBucketLocation":
        data = load(req, d + "location.xml")
        if not data:
            r = bucket_region(req, bucket)
            data = ('<?xml version="1.0" encoding="UTF-8"?>\n<LocationConstraint xmlns="%s">%s</LocationConstraint>'
                    % (S3_NS, "" if r == "us-east-1" else r)).encode()
        return common.Response(200, data, None, "application/xml")
    if action == "GetBucketEncryption":
        miss = AwsError(404, "ServerSideEncryptionConfigurationNotFoundError",
                        "The server side encryption configuration was not found", {"BucketName": bucket})
        return common.Response(200, load(req, d + "encryption.xml", miss), None, "application/xml")
    miss = AwsError(404, "NoSuchPublicAccessBlockConfiguration",
                    "The public access block configuration was not found", {"BucketName": bucket})
    return common.Response(200, load(req, d + "publicAccessBlock.xml", miss), None, "application/xml")


# ---- CloudTrail and KMS ----

def jbody(req):
    doc = req.json()
    if not isinstance(doc, dict):
        raise AwsError(400, "SerializationException", "the body is not a JSON object")
    return doc


def json11(data):
    return common.Response(200, data, None, "application/x-amz-json-1.1")


def cloudtrail(req, action):
    doc = jbody(req)
    if action == "DescribeTrails":
        return json11(load(req, "cloudtrail/DescribeTrails.json"))
    if action == "GetTrailStatus":
        name = doc.get("Name") or ""
        short = name.split(":trail/")[-1]
        data = load(req, "cloudtrail/GetTrailStatus/%s.json" % safe_name(short, "Name"),
                    AwsError(400, "TrailNotFoundException", "Unknown trail: %s for the user" % name))
        return json11(data)
    raise AwsError(400, "UnknownOperationException", "Unknown operation %s" % action)


def kms(req, action):
    doc = jbody(req)
    if action == "ListKeys":
        marker = doc.get("Marker")
        name = "kms/ListKeys.%s.json" % safe_name(marker, "Marker") if marker else "kms/ListKeys.json"
        return json11(load(req, name, AwsError(400, "InvalidMarkerException", "Invalid marker")))
    key = doc.get("KeyId") or ""
    key = key.split(":key/")[-1]
    missing = AwsError(400, "NotFoundException", "Key '%s' does not exist" % key)
    meta = json.loads(load(req, "kms/keys/%s/DescribeKey.json" % safe_name(key, "KeyId"), missing))
    if action == "DescribeKey":
        return json11(json.dumps(meta, indent=1))
    if action == "GetKeyRotationStatus":
        m = meta["KeyMetadata"]
        if m.get("KeySpec", "SYMMETRIC_DEFAULT") != "SYMMETRIC_DEFAULT" or m.get("Origin", "AWS_KMS") != "AWS_KMS":
            raise AwsError(400, "UnsupportedOperationException",
                           "%s key material does not support automatic rotation" % m.get("KeySpec"))
        if m.get("KeyState") == "PendingDeletion":
            raise AwsError(400, "KMSInvalidStateException", "%s is pending deletion." % m.get("Arn"))
        return json11(load(req, "kms/keys/%s/GetKeyRotationStatus.json" % safe_name(key, "KeyId"), missing))
    raise AwsError(400, "UnsupportedOperationException", "Unknown operation %s" % action)


HANDLERS = {"iam": iam, "s3": s3, "cloudtrail": cloudtrail, "kms": kms}

if __name__ == "__main__":
    api.serve()
