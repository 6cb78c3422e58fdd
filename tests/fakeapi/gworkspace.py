#!/usr/bin/env python3
"""Fake Google OAuth 2.0 token endpoint and Admin SDK Directory API (users.list) for the Google
Workspace collector's tests, serving tests/fixtures/gworkspace/<scenario>/users.json (see the
README there, and common.py for scenarios, injection and the control endpoints).

- POST /token: the service-account JWT bearer grant
  (grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer&assertion=JWT, form-encoded). The
  assertion is checked as Google checks it: an RS256 signature VERIFIED with the test key's public
  key (tests/fixtures/gworkspace/service-account.pub.pem, in pure Python: RSASSA-PKCS1-v1_5 with
  SHA-256), "kid" = the key's private_key_id, iss = its client_email, aud = this endpoint's URL,
  iat within 5 minutes of now and exp - iat at most an hour, the Directory read-only scope, and a
  "sub" that is a user of the scenario. Failures get Google's answers: 400 invalid_grant ("Invalid
  JWT Signature.", "Invalid email or User ID", ...), 401 unauthorized_client (scenario parameter
  "unauthorized": true, domain-wide delegation not granted), 400 unsupported_grant_type.
  Success: {"access_token": "ya29....", "expires_in": 3599, "token_type": "Bearer"}.
- GET /admin/directory/v1/users?customer=my_customer&maxResults=N&pageToken=T: the scenario's
  users in pages of min(maxResults, 500, scenario parameter "page_size") with nextPageToken. With
  "trailing_empty": true a list that ends exactly on a page boundary gets one more page without
  "users" (as Google sometimes answers). Needs "Authorization: Bearer TOKEN" with a token this
  fake issued (401 UNAUTHENTICATED otherwise; "revoke": true makes every issued token invalid);
  a token for a "sub" that is not an administrator gets 403 "Not Authorized to access this
  resource/api". "echo_token": true echoes the Authorization header back in the page (as a
  debugging proxy might), to test that the collector scrubs it from what it keeps.

Parameters that bend well-formed answers: "token_cycle": true gives the last page a nextPageToken
back to the second page (a paging cycle); "no_users": true answers every page without "users"
and without "kind".

Dates in the fixtures may be written "now-Nd" (N days ago) and are served as RFC 3339 times, so
that the dormant-account scenarios stay true as time passes.

Fault injection (common.py) paths: "/token" and "/admin/directory/v1/users", e.g.
    POST /__inject {"path": "/admin/directory/v1/users", "count": 1, "status": 429, "retry_after": "1"}
Injected answers carry Google's error shape unless a body is given.
"""
import base64
import datetime
import hashlib
import json
import os
import re
import secrets
import sys
import threading
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

SCOPE = "https://www.googleapis.com/auth/admin.directory.user.readonly"
GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
USERS_PATH = "/admin/directory/v1/users"
CUSTOMER_ID = "C01acme42"

api = common.FakeAPI("gworkspace")
lock = threading.Lock()
tokens = {}  # access token -> (sub, expiry)


# --- the test key ----------------------------------------------------------------------------------

def _key_dir():
    return os.path.join(common.fixtures_root(), "gworkspace")


def _der_tlv(data, pos):
    """One DER element at pos: (tag, value bytes, next position)."""
    tag = data[pos]
    n = data[pos + 1]
    pos += 2
    if n & 0x80:
        k = n & 0x7F
        n = int.from_bytes(data[pos:pos + k], "big")
        pos += k
    return tag, data[pos:pos + n], pos + n


def load_public_key(path):
    """(n, e) of an RSA SubjectPublicKeyInfo PEM ("BEGIN PUBLIC KEY")."""
    with open(path) as f:
        b64 = "".join(l for l in f.read().splitlines() if l and not l.startswith("-----"))
    der = base64.b64decode(b64)
    _, spki, _ = _der_tlv(der, 0)                 # SEQUENCE
    _, _, p = _der_tlv(spki, 0)                   # AlgorithmIdentifier
    tag, bits, _ = _der_tlv(spki, p)              # BIT STRING
    assert tag == 0x03
    _, rsa, _ = _der_tlv(bits[1:], 0)             # RSAPublicKey SEQUENCE (after the unused-bits byte)
    _, n, p = _der_tlv(rsa, 0)
    _, e, _ = _der_tlv(rsa, p)
    return int.from_bytes(n, "big"), int.from_bytes(e, "big")


# DigestInfo prefix of SHA-256 (RFC 8017, section 9.2, note 1).
SHA256_PREFIX = bytes.fromhex("3031300d060960864801650304020105000420")


def rs256_verify(pub, signing_input, sig):
    """RSASSA-PKCS1-v1_5 verification with SHA-256 (RFC 8017, 8.2.2)."""
    n, e = pub
    k = (n.bit_length() + 7) // 8
    if len(sig) != k:
        return False
    m = pow(int.from_bytes(sig, "big"), e, n).to_bytes(k, "big")
    t = SHA256_PREFIX + hashlib.sha256(signing_input).digest()
    expected = b"\x00\x01" + b"\xff" * (k - len(t) - 3) + b"\x00" + t
    return secrets.compare_digest(m, expected)


def key_info():
    with open(os.path.join(_key_dir(), "service-account.json")) as f:
        sa = json.load(f)
    return sa["client_email"], sa["private_key_id"], load_public_key(
        os.path.join(_key_dir(), "service-account.pub.pem"))


# --- helpers ---------------------------------------------------------------------------------------

def b64url_decode(s):
    if not re.match(r"[A-Za-z0-9_-]*\Z", s):
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def oauth_error(status, error, description):
    return common.json_response({"error": error, "error_description": description}, status)


def google_error(status, message, reason, state=None, headers=None):
    err = {"code": status, "message": message,
           "errors": [{"message": message, "domain": "global", "reason": reason}]}
    if state:
        err["status"] = state
    return common.json_response({"error": err}, status, headers)


REL = re.compile(r"now-(\d+)d\Z")


def expand_dates(obj, now):
    """Replace "now-Nd" strings by the RFC 3339 time N days before now."""
    if isinstance(obj, dict):
        return {k: expand_dates(v, now) for k, v in obj.items()}
    if isinstance(obj, list):
        return [expand_dates(v, now) for v in obj]
    if isinstance(obj, str):
        m = REL.match(obj)
        if m:
            t = now - datetime.timedelta(days=int(m.group(1)))
            return t.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (t.microsecond // 1000)
    return obj


def scenario_users(req):
    doc = req.fixture("users.json") or {}
    now = datetime.datetime.now(datetime.timezone.utc)
    return expand_dates(doc.get("users", []), now)


# Injected faults in Google's error shape (common.py's default body is GitHub's).
STATES = {429: ("Quota exceeded for quota metric 'Queries' and limit 'Queries per minute per user'.",
                "rateLimitExceeded", "RESOURCE_EXHAUSTED"),
          503: ("The service is currently unavailable.", "backendError", "UNAVAILABLE"),
          500: ("Internal error encountered.", "backendError", "INTERNAL")}
_take = api._take_injection


def take_injection(path):
    inj = _take(path)
    if inj and inj.get("status") and inj.get("body") is None:
        st = int(inj["status"])
        msg, reason, state = STATES.get(st, ("injected %d" % st, "injected", None))
        err = {"code": st, "message": msg, "errors": [{"message": msg, "domain": "global", "reason": reason}]}
        if state:
            err["status"] = state
        inj["body"] = {"error": err}
    return inj


api._take_injection = take_injection


# --- the token endpoint ----------------------------------------------------------------------------

@api.route("POST", r"/token")
def token(req):
    ctype = (req.headers.get("Content-Type") or "").split(";")[0].strip().lower()
    if ctype != "application/x-www-form-urlencoded":
        return oauth_error(400, "invalid_request", "Bad Request")
    form = urllib.parse.parse_qs(req.body.decode("utf-8", "replace"), keep_blank_values=True)
    grant = (form.get("grant_type") or [""])[-1]
    if grant != GRANT:
        return oauth_error(400, "unsupported_grant_type", "Invalid grant_type: %s" % grant)
    assertion = (form.get("assertion") or [""])[-1]
    parts = assertion.split(".")
    try:
        if len(parts) != 3:
            raise ValueError("parts")
        header = json.loads(b64url_decode(parts[0]))
        claims = json.loads(b64url_decode(parts[1]))
        sig = b64url_decode(parts[2])
        if not isinstance(header, dict) or not isinstance(claims, dict):
            raise ValueError("not objects")
    except (ValueError, UnicodeDecodeError):
        return oauth_error(400, "invalid_grant", "Invalid JWT: not a valid JWS compact serialization.")
    email, kid, pub = key_info()
    if header.get("alg") != "RS256" or header.get("typ", "JWT") != "JWT":
        return oauth_error(400, "invalid_grant", "Invalid JWT: unsupported algorithm %r." % header.get("alg"))
    if claims.get("iss") != email:
        return oauth_error(400, "invalid_grant", "Invalid grant: account not found")
    if header.get("kid") != kid:
        return oauth_error(400, "invalid_grant", "Invalid JWT Signature.")
    if not rs256_verify(pub, (parts[0] + "." + parts[1]).encode(), sig):
        return oauth_error(400, "invalid_grant", "Invalid JWT Signature.")
    if claims.get("aud") != req.base_url + "/token":
        return oauth_error(400, "invalid_grant", "Invalid JWT: Failed audience check. The expected audience is "
                           "%s/token." % req.base_url)
    now = time.time()
    iat, exp = claims.get("iat"), claims.get("exp")
    if (not isinstance(iat, int) or not isinstance(exp, int) or abs(iat - now) > 300 or exp <= iat
            or exp - iat > 3600):
        return oauth_error(400, "invalid_grant", "Invalid JWT: Token must be a short-lived token (60 minutes) and "
                           "in a reasonable timeframe. Check your iat and exp values in the JWT claim.")
    if req.params.get("unauthorized") or claims.get("scope") != SCOPE:
        return oauth_error(401, "unauthorized_client", "Client is unauthorized to retrieve access tokens using this "
                           "method, or client not authorized for any of the scopes requested.")
    sub = claims.get("sub")
    if not any(u.get("primaryEmail") == sub for u in scenario_users(req)):
        return oauth_error(400, "invalid_grant", "Invalid email or User ID")
    tok = "ya29.c." + secrets.token_urlsafe(48)
    if not req.params.get("revoke"):
        with lock:
            tokens[tok] = (sub, now + 3599)
    return common.json_response({"access_token": tok, "expires_in": 3599, "token_type": "Bearer"})


# --- users.list -----------------------------------------------------------------------------------

def unauthenticated():
    return google_error(401, "Request had invalid authentication credentials. Expected OAuth 2 access token, login "
                        "cookie or other valid authentication credential. See "
                        "https://developers.google.com/identity/sign-in/web/devconsole-project.",
                        "authError", "UNAUTHENTICATED",
                        {"WWW-Authenticate": 'Bearer realm="https://accounts.google.com/"'})


def page_token(offset, scenario):
    return base64.urlsafe_b64encode(json.dumps({"o": offset, "s": scenario}).encode()).decode().rstrip("=")


@api.route("GET", USERS_PATH)
def users(req):
    scheme, _, tok = (req.headers.get("Authorization") or "").partition(" ")
    with lock:
        entry = tokens.get(tok.strip()) if scheme.lower() == "bearer" else None
    if not entry or entry[1] < time.time():
        return unauthenticated()
    people = scenario_users(req)
    me = next((u for u in people if u.get("primaryEmail") == entry[0]), None)
    if not me or not (me.get("isAdmin") or me.get("isDelegatedAdmin")) or me.get("suspended"):
        return google_error(403, "Not Authorized to access this resource/api", "forbidden")
    q = req.query
    if q.get("customer") not in ("my_customer", CUSTOMER_ID) and not q.get("domain"):
        return google_error(400, "Bad Request", "badRequest")
    if q.get("projection", "basic") not in ("basic", "full", "custom"):
        return google_error(400, "Invalid Input: projection", "invalid")
    try:
        size = int(q.get("maxResults", 100))
        if not 1 <= size <= 500:
            raise ValueError
    except ValueError:
        return google_error(400, "Invalid Input: maxResults", "invalid")
    if req.params.get("page_size"):
        size = min(size, int(req.params["page_size"]))
    offset = 0
    if "pageToken" in q:
        try:
            t = json.loads(b64url_decode(q["pageToken"]))
            offset = int(t["o"])
            if t["s"] != req.scenario or offset < 0:
                raise ValueError
        except (ValueError, KeyError, TypeError):
            return google_error(400, "Invalid Input: pageToken", "invalid")
    body = {"kind": "admin#directory#users", "etag": '"fake-etag-%d"' % offset}
    chunk = people[offset:offset + size]
    if chunk:
        body["users"] = chunk
    end = offset + len(chunk)
    if end < len(people) or (req.params.get("trailing_empty") and chunk and end == len(people)):
        body["nextPageToken"] = page_token(end, req.scenario)
    elif req.params.get("token_cycle"):
        body["nextPageToken"] = page_token(size, req.scenario)
    if req.params.get("no_users"):
        body = {"etag": body["etag"]}
    if req.params.get("echo_token"):
        body["debug"] = {"authorization": req.headers.get("Authorization")}
    return common.json_response(body)


if __name__ == "__main__":
    api.serve()
