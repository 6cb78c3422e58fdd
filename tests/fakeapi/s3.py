#!/usr/bin/env python3
"""Fake S3 for `isms logs scan s3://BUCKET/PREFIX` (on common.py: scenarios, injection, the
control endpoints). Buckets are the directories under $FAKE_S3_ROOT: s3://B/K is the file
$FAKE_S3_ROOT/B/K. Path-style requests, as with AWS_ENDPOINT_URL_S3:

- ListObjectsV2: GET /BUCKET?list-type=2[&prefix=P][&continuation-token=T][&max-keys=N]
  [&start-after=K][&encoding-type=url] -> <ListBucketResult> in S3's shape (Name, Prefix, KeyCount,
  MaxKeys, IsTruncated, ContinuationToken, NextContinuationToken, EncodingType, Contents with Key,
  LastModified, ETag, Size, StorageClass), keys in UTF-8 binary order, 1000 a page at most.
- GetObject: GET /BUCKET/KEY -> the bytes, with ETag, Last-Modified and, for *.gz, the
  Content-Encoding: gzip that CloudTrail sets on its log objects.

Every request must be SigV4-signed as S3 checks it, with the verification of aws.py (its
canonical request, its Authorization grammar): access key $FAKE_AWS_ACCESS_KEY, secret
$FAKE_AWS_SECRET_KEY, $FAKE_AWS_TOKEN when set, scope service s3 and the bucket's region
($FAKE_S3_REGIONS, a JSON object bucket -> region; else $FAKE_AWS_REGION, default us-east-1),
X-Amz-Date within 15 minutes, x-amz-content-sha256 present. Refusals are S3's error XML:
SignatureDoesNotMatch (with StringToSign and CanonicalRequest, as S3 echoes them),
InvalidAccessKeyId, InvalidToken, AuthorizationHeaderMalformed (with the Region to use),
RequestTimeTooSkewed, AccessDenied, NoSuchBucket, NoSuchKey, InvalidArgument.

Scenario parameters (POST /__scenario {"name": ..., "params": {...}}):
  page_size             cap on keys a page, to make the client page
  deny                  list of key prefixes whose GetObject is AccessDenied ("" denies every key;
                        "LIST" denies ListObjectsV2, "LIST_PAGES" its pages after the first)
  truncated_no_token    answer IsTruncated=true without a NextContinuationToken
  cut                   list of keys whose body is cut after half (the connection is closed)
  garbage_list          answer ListObjectsV2 with something that is not XML

Injection (common.py) matches a routing key: /s3/ListObjectsV2/BUCKET or /s3/GetObject/BUCKET/KEY;
an injected status answers in S3's error shape, with code body.code, else 503 SlowDown,
500 InternalError, 403 AccessDenied, 400 (Throttling isn't S3's: InvalidRequest).
GET /__requests lists each request with its routing key ("action") and "auth" ("ok" or the code).
"""
import base64
import datetime
import hashlib
import hmac
import json
import os
import sys
import time
import urllib.parse
import uuid

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402
# The SigV4 verification is aws.py's: the same canonical request and Authorization grammar.
from aws import AUTH, AwsError, canonical_request, hm, xml_escape  # noqa: E402

ROOT = os.environ.get("FAKE_S3_ROOT") or os.getcwd()
ACCESS_KEY = os.environ.get("FAKE_AWS_ACCESS_KEY", "AKIDEXAMPLE")
SECRET_KEY = os.environ.get("FAKE_AWS_SECRET_KEY", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
TOKEN = os.environ.get("FAKE_AWS_TOKEN") or None
REGION = os.environ.get("FAKE_AWS_REGION", "us-east-1")
REGIONS = json.loads(os.environ.get("FAKE_S3_REGIONS") or "{}")
NS = "http://s3.amazonaws.com/doc/2006-03-01/"


class S3API(common.FakeAPI):
    """common.FakeAPI routing by S3 operation, answering in S3's error shape."""

    def handle(self, req):
        if req.path.startswith("/__"):
            return super().handle(req)
        rec = {"method": req.method, "path": req.path, "query": req.query, "action": None, "auth": None}
        resp = None
        try:
            bucket, key = split_path(req.path)
            action = "GetObject" if key else "ListObjectsV2"
            rec["action"] = "/s3/%s/%s%s" % (action, bucket, "/" + key if key else "")
            inj = self._take_injection(rec["action"])
            if inj and inj["sleep"]:
                time.sleep(inj["sleep"])
            if inj and inj["status"]:
                resp = injected(inj)
            else:
                check_auth(req, bucket)
                rec["auth"] = "ok"
                resp = get_object(req, bucket, key) if key else list_objects(req, bucket)
        except AwsError as e:
            if rec["auth"] is None:
                rec["auth"] = e.code
            resp = error(e)
        with self.lock:
            rec["status"] = resp.status
            self.log.append(rec)
        return resp, False


api = S3API("s3", fixtures="")


def split_path(path):
    """(bucket, key) of a path-style request; key "" for the bucket itself."""
    parts = path[1:].split("/", 1)
    bucket = urllib.parse.unquote(parts[0])
    key = urllib.parse.unquote(parts[1]) if len(parts) > 1 else ""
    if not bucket:
        raise AwsError(400, "InvalidRequest", "This fake serves only ListObjectsV2 and GetObject (path style)")
    return bucket, key


def error(e):
    rid = uuid.uuid4().hex[:16].upper()
    extra = "".join("<%s>%s</%s>" % (k, xml_escape(v), k) for k, v in e.extra.items())
    body = ('<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>%s</Code><Message>%s</Message>%s'
            '<RequestId>%s</RequestId><HostId>%s</HostId></Error>'
            % (e.code, xml_escape(e.message), extra, rid, base64.b64encode(uuid.uuid4().bytes).decode()))
    return common.Response(e.status, body, {"x-amz-request-id": rid}, "application/xml")


def injected(inj):
    status = int(inj["status"])
    body = inj["body"] if isinstance(inj["body"], dict) else {}
    code = body.get("code") or {503: "SlowDown", 500: "InternalError", 403: "AccessDenied",
                                429: "SlowDown"}.get(status, "InvalidRequest")
    msg = body.get("message") or {"SlowDown": "Please reduce your request rate.",
                                  "InternalError": "We encountered an internal error. Please try again.",
                                  "AccessDenied": "Access Denied"}.get(code, "injected")
    resp = error(AwsError(status, code, msg))
    resp.headers += list(inj["headers"].items())
    if inj["retry_after"] is not None:
        resp.headers.append(("Retry-After", str(inj["retry_after"])))
    return resp


# ---- SigV4, as S3 checks it ----

def bucket_region(bucket):
    return REGIONS.get(bucket, REGION)


def check_auth(req, bucket):
    h = req.headers
    auth = h.get("Authorization")
    if not auth:
        raise AwsError(403, "AccessDenied", "Access Denied")
    m = AUTH.match(auth)
    if not m:
        raise AwsError(400, "AuthorizationHeaderMalformed", "The authorization header is malformed; the "
                       "Credential is mal-formed; expecting \"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\".")
    akid, date, region, svc, signed, sig = m.groups()
    if akid != ACCESS_KEY:
        raise AwsError(403, "InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.",
                       {"AWSAccessKeyId": akid})
    if svc != "s3":
        raise AwsError(400, "AuthorizationHeaderMalformed", "The authorization header is malformed; incorrect "
                       "service \"%s\". This endpoint belongs to \"s3\"." % svc)
    want = bucket_region(bucket)
    if region != want:
        raise AwsError(400, "AuthorizationHeaderMalformed", "The authorization header is malformed; the region "
                       "'%s' is wrong; expecting '%s'" % (region, want), {"Region": want})
    names = signed.split(";")
    if "host" not in names:
        raise AwsError(403, "AccessDenied", "There were headers present in the request which were not signed",
                       {"HeadersNotSigned": "host"})
    amz_date = h.get("X-Amz-Date") or ""
    try:
        when = datetime.datetime.strptime(amz_date, "%Y%m%dT%H%M%SZ").replace(tzinfo=datetime.timezone.utc)
    except ValueError:
        raise AwsError(403, "AccessDenied", "AWS authentication requires a valid Date or x-amz-date header")
    now = datetime.datetime.now(datetime.timezone.utc)
    if abs((now - when).total_seconds()) > 900:
        raise AwsError(403, "RequestTimeTooSkewed", "The difference between the request time and the current "
                       "time is too large.", {"RequestTime": amz_date, "ServerTime": now.strftime("%Y-%m-%dT%H:%M:%SZ")})
    if amz_date[:8] != date:
        raise AwsError(400, "AuthorizationHeaderMalformed", "The authorization header is malformed; Invalid "
                       "credential date. Date is not the same as X-Amz-Date.")
    if TOKEN is not None:
        if h.get("X-Amz-Security-Token") != TOKEN or "x-amz-security-token" not in names:
            raise AwsError(400, "InvalidToken", "The provided token is malformed or otherwise invalid.")
    payload = h.get("x-amz-content-sha256")
    if not payload:
        raise AwsError(400, "InvalidRequest", "Missing required header for this request: x-amz-content-sha256")
    if payload != "UNSIGNED-PAYLOAD" and payload != hashlib.sha256(req.body).hexdigest():
        raise AwsError(400, "XAmzContentSHA256Mismatch",
                       "The provided 'x-amz-content-sha256' header does not match what was computed.")
    creq = canonical_request(req, "s3", signed, payload)
    sts = "\n".join(["AWS4-HMAC-SHA256", amz_date, "%s/%s/s3/aws4_request" % (date, region),
                     hashlib.sha256(creq.encode()).hexdigest()])
    key = hm(hm(hm(hm(("AWS4" + SECRET_KEY).encode(), date), region), "s3"), "aws4_request")
    if not hmac.compare_digest(hmac.new(key, sts.encode(), hashlib.sha256).hexdigest(), sig):
        raise AwsError(403, "SignatureDoesNotMatch", "The request signature we calculated does not match the "
                       "signature you provided. Check your key and signing method.",
                       {"AWSAccessKeyId": akid, "StringToSign": sts, "SignatureProvided": sig,
                        "CanonicalRequest": creq})


# ---- the bucket: a directory ----

def bucket_dir(bucket):
    d = os.path.join(ROOT, bucket)
    if "/" in bucket or bucket in (".", "..") or not os.path.isdir(d):
        raise AwsError(404, "NoSuchBucket", "The specified bucket does not exist", {"BucketName": bucket})
    return d


def all_keys(d):
    keys = []
    for root, _, names in os.walk(d):
        for n in names:
            p = os.path.join(root, n)
            keys.append(os.path.relpath(p, d).replace(os.sep, "/"))
    return sorted(keys, key=lambda k: k.encode("utf-8"))  # S3 lists in UTF-8 binary order


def etag(path):
    with open(path, "rb") as f:
        return '"%s"' % hashlib.md5(f.read()).hexdigest()


def iso(ts):
    return datetime.datetime.fromtimestamp(ts, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def denied(req, key):
    deny = req.params.get("deny") or []
    return any(key.startswith(p) for p in deny if not p.startswith("LIST"))


def list_objects(req, bucket):
    d = bucket_dir(bucket)
    if req.query.get("list-type") != "2":
        raise AwsError(400, "InvalidArgument", "This fake answers ListObjectsV2 only (list-type=2)",
                       {"ArgumentName": "list-type"})
    deny = req.params.get("deny") or []
    if "LIST" in deny or ("LIST_PAGES" in deny and "continuation-token" in req.query):
        raise AwsError(403, "AccessDenied", "Access Denied")
    if req.params.get("garbage_list"):
        return common.Response(200, b"<ListBucketResult><Contents><Key>", None, "application/xml")
    prefix = req.query.get("prefix", "")
    enc = req.query.get("encoding-type")
    if enc not in (None, "url"):
        raise AwsError(400, "InvalidArgument", "Invalid Encoding Method specified in Request",
                       {"ArgumentName": "encoding-type", "ArgumentValue": enc})
    try:
        max_keys = int(req.query.get("max-keys", 1000))
    except ValueError:
        raise AwsError(400, "InvalidArgument", "Provided max-keys not an integer or within integer range",
                       {"ArgumentName": "max-keys"})
    page = max(0, min(max_keys, 1000, int(req.params.get("page_size") or 1000)))
    token = req.query.get("continuation-token")
    after = req.query.get("start-after", "")
    if token is not None:
        try:
            after = base64.urlsafe_b64decode(token.encode()).decode("utf-8")
            if not after.startswith("k:"):
                raise ValueError
            after = after[2:]
        except ValueError:
            raise AwsError(400, "InvalidArgument", "The continuation token provided is incorrect",
                           {"ArgumentName": "continuation-token"})
    keys = [k for k in all_keys(d) if k.startswith(prefix) and k.encode() > after.encode()]
    chunk, more = keys[:page], len(keys) > page
    quote = (lambda s: urllib.parse.quote_plus(s, safe="/")) if enc == "url" else (lambda s: s)
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult xmlns="%s">' % NS,
           "<Name>%s</Name><Prefix>%s</Prefix>" % (xml_escape(bucket), xml_escape(quote(prefix)))]
    if token is not None:
        out.append("<ContinuationToken>%s</ContinuationToken>" % xml_escape(token))
    if more and chunk and not req.params.get("truncated_no_token"):
        nxt = base64.urlsafe_b64encode(("k:" + chunk[-1]).encode()).decode()
        out.append("<NextContinuationToken>%s</NextContinuationToken>" % nxt)
    out.append("<KeyCount>%d</KeyCount><MaxKeys>%d</MaxKeys>" % (len(chunk), max_keys))
    if enc:
        out.append("<EncodingType>url</EncodingType>")
    out.append("<IsTruncated>%s</IsTruncated>" % ("true" if more else "false"))
    for k in chunk:
        p = os.path.join(d, k)
        st = os.stat(p)
        out.append("<Contents><Key>%s</Key><LastModified>%s</LastModified><ETag>%s</ETag>"
                   "<ChecksumAlgorithm>CRC32</ChecksumAlgorithm><Size>%d</Size>"
                   "<StorageClass>STANDARD</StorageClass></Contents>"
                   % (xml_escape(quote(k)), iso(st.st_mtime), xml_escape(etag(p)), st.st_size))
    out.append("</ListBucketResult>")
    return common.Response(200, "".join(out), None, "application/xml")


def get_object(req, bucket, key):
    d = bucket_dir(bucket)
    p = os.path.join(d, key)
    if ".." in key.split("/") or not os.path.isfile(p):
        raise AwsError(404, "NoSuchKey", "The specified key does not exist.", {"Key": key})
    if denied(req, key):
        raise AwsError(403, "AccessDenied", "Access Denied")
    with open(p, "rb") as f:
        data = f.read()
    st = os.stat(p)
    h = [("ETag", '"%s"' % hashlib.md5(data).hexdigest()), ("Last-Modified", common.http_date(st.st_mtime)),
         ("Accept-Ranges", "bytes"), ("x-amz-server-side-encryption", "AES256")]
    if key.endswith(".gz"):
        h.append(("Content-Encoding", "gzip"))
    resp = common.Response(200, data, h, "application/json")
    if key in (req.params.get("cut") or []):
        resp.cut = len(data) // 2
    return resp


def serve():
    """common.FakeAPI.serve, with bodies that can be cut short (the `cut` parameter)."""
    import http.server
    orig = http.server.BaseHTTPRequestHandler.end_headers

    class Writer:
        """Wraps the socket writer of a cut response: stops after `left` body bytes."""

        def __init__(self, w, left):
            self.w, self.left = w, left

        def write(self, b):
            if self.left <= 0:
                raise BrokenPipeError
            n = min(len(b), self.left)
            self.w.write(b[:n])
            self.w.flush()
            self.left -= n
            if n < len(b):
                raise BrokenPipeError

        def flush(self):
            self.w.flush()

    handle = api.handle

    def handle_and_mark(req):
        resp, logged = handle(req)
        api.local.cut = getattr(resp, "cut", None)
        return resp, logged

    import threading
    api.local = threading.local()
    api.handle = handle_and_mark

    def end_headers(self):
        orig(self)
        cut = getattr(api.local, "cut", None)
        if cut is not None:
            api.local.cut = None
            self.wfile.flush()
            self.wfile = Writer(self.wfile, cut)
            self.close_connection = True
    http.server.BaseHTTPRequestHandler.end_headers = end_headers
    api.serve()


if __name__ == "__main__":
    serve()
