#!/usr/bin/env python3
"""Shared machinery for the fake APIs the collector tests run against (python3 stdlib only).

A fake API is a small script on top of this module:

    import common
    api = common.FakeAPI("github")                 # fixtures from tests/fixtures/github/

    @api.route("GET", r"/orgs/(?P<org>[^/]+)")
    def org(req, org):
        return req.fixture_response("org.json")   # or common.json_response({...})

    if __name__ == "__main__":
        api.serve()

Running it (`python3 tests/fakeapi/NAME.py`) binds 127.0.0.1 on an ephemeral port ($FAKEAPI_PORT
picks one), prints the port alone on the first stdout line (flushed) and serves, one thread per
connection, HTTP/1.1 with keep-alive, until killed. Nothing else goes to stdout; each request is
logged to stderr only when $FAKEAPI_LOG is set. `python3 tests/fakeapi/common.py` serves only the
generic routes of add_generic_routes() (used by tests/unit/test_http.c).

Routes: api.route(method, regex) registers handler(req, **named_groups), matched in order against
the whole path (no query). A handler returns a Response (see json_response, text_response,
empty_response, file_response, error_response, paginate), or a (status, obj) tuple served as
JSON. No match gives 404 {"message": "Not Found"}; an exception gives 500 with the traceback on
stderr.

Request (req): method, path, query (dict name -> last value), query_list (dict name -> list),
headers (case-insensitive), body (bytes), json() (parsed body or None), peer ("127.0.0.1:PORT"
of the client's connection, also in the request log: one peer for many requests means the
client reused its connection), base_url
("http://host:port" as the client addressed us), scenario (name), params (scenario parameters,
a dict), api (the FakeAPI), fixture(name) / fixture_response(name) (below).

Scenarios: a named state of the fake, "default" unless $FAKEAPI_SCENARIO names another, with
optional parameters from $FAKEAPI_PARAMS (a JSON object). Switched at run time by
    POST /__scenario {"name": "fail", "params": {"page_size": 2}}
(other top-level keys are taken as parameters too), which also clears injections and the
request log; GET /__scenario shows the current one. Handlers read req.scenario / req.params.

Fixtures: files under $ISMS_FIXTURES (default tests/fixtures beside this directory) /<fixtures
name>/<scenario>/<file>, falling back to .../default/<file>, so a scenario holds only what differs.
req.fixture(name) returns the parsed JSON (None when absent in both). req.fixture_response(name)
serves it (None when absent); a fixture that is an object with a "__status" key is an envelope:
{"__status": 404, "__headers": {...}, "__body": <JSON>} ("__body" absent: empty body).

Fault injection: the first `count` requests whose path matches answer `status` (with Retry-After
`retry_after` and extra `headers`) instead of the handler, after sleeping `sleep` seconds; with no
status they only sleep and then go to the handler (to provoke client timeouts):
    POST /__inject {"path": "/orgs/acme/repos", "count": 1, "status": 429, "retry_after": "1"}
or api.inject(...), or $FAKEAPI_INJECT (a JSON list of such objects) at start. A path ending in
"*" is a prefix; "*" alone matches everything. "body" sets the JSON body of the injected answer
(default {"message": "injected <status>"}).

Control: GET /__requests lists the requests served since the last reset (method, path, query,
headers, status); POST /__reset returns to the starting scenario with no injections and an empty
log. Control paths are never logged nor subject to injection.

Subclassing (as aws.py does): override handle(req) -> (Response, logged) to route by something
other than the path, passing control paths ("/__...") to super().handle(req); inside it,
self._take_injection(key) consumes a matching injection (a dict with path, left, status, sleep,
retry_after, headers, body, or None) and appending to self.log under self.lock records the request
(return logged=False then, so it is not recorded twice). reset() and set_scenario() may be
extended to clear state of the subclass.

Paging: paginate(req, items, default_per_page=30, max_per_page=100) serves one page of a list
with an RFC 8288 Link header (rel="next", "last", "first", "prev"), GitHub-style `page` and
`per_page` query parameters; the scenario parameter "page_size" caps the page size further, and
"cycle_to": N gives the last page a rel="next" back to page N (a paging cycle).
"""
import email.utils
import gzip
import http.server
import json
import os
import re
import sys
import threading
import time
import traceback
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))


def fixtures_root():
    return os.environ.get("ISMS_FIXTURES") or os.path.join(os.path.dirname(HERE), "fixtures")


class Response:
    """An answer: status, headers (list of (name, value)), body bytes, and an optional delay."""

    def __init__(self, status=200, body=b"", headers=None, content_type=None, sleep=0.0):
        self.status = status
        self.body = body if isinstance(body, bytes) else str(body).encode()
        self.headers = list(headers.items()) if isinstance(headers, dict) else list(headers or [])
        if content_type:
            self.headers.append(("Content-Type", content_type))
        self.sleep = sleep


def json_response(obj, status=200, headers=None):
    return Response(status, json.dumps(obj, indent=1).encode(), headers, "application/json; charset=utf-8")


def text_response(text, status=200, content_type="text/plain; charset=utf-8", headers=None):
    return Response(status, text, headers, content_type)


def empty_response(status=204, headers=None):
    return Response(status, b"", headers)


def file_response(path, content_type="application/octet-stream", status=200, headers=None):
    with open(path, "rb") as f:
        return Response(status, f.read(), headers, content_type)


def error_response(status, message, documentation_url=None, headers=None):
    """The common {"message", "documentation_url"} error shape (GitHub's, and many others')."""
    obj = {"message": message}
    if documentation_url:
        obj["documentation_url"] = documentation_url
    return json_response(obj, status, headers)


def http_date(ts):
    return email.utils.formatdate(ts, usegmt=True)


def paginate(req, items, default_per_page=30, max_per_page=100, headers=None):
    try:
        per_page = int(req.query.get("per_page", default_per_page))
        page = int(req.query.get("page", 1))
    except ValueError:
        return error_response(400, "invalid page or per_page")
    per_page = max(1, min(per_page, max_per_page))
    cap = req.params.get("page_size")
    if cap:
        per_page = min(per_page, int(cap))
    page = max(1, page)
    last = max(1, (len(items) + per_page - 1) // per_page)
    chunk = items[(page - 1) * per_page: page * per_page]

    def url(n):
        q = dict(req.query)
        q["page"] = str(n)
        return "%s%s?%s" % (req.base_url, req.path, urllib.parse.urlencode(q))

    links = []
    if page < last:
        links += ['<%s>; rel="next"' % url(page + 1), '<%s>; rel="last"' % url(last)]
    elif req.params.get("cycle_to"):
        links.append('<%s>; rel="next"' % url(int(req.params["cycle_to"])))
    if page > 1:
        links += ['<%s>; rel="first"' % url(1), '<%s>; rel="prev"' % url(page - 1)]
    h = list(headers.items()) if isinstance(headers, dict) else list(headers or [])
    if links:
        h.append(("Link", ", ".join(links)))
    return json_response(chunk, 200, h)


class Request:
    def __init__(self, api, handler, body):
        self.api = api
        self.method = handler.command
        u = urllib.parse.urlsplit(handler.path)
        self.path = u.path
        self.query_list = urllib.parse.parse_qs(u.query, keep_blank_values=True)
        self.query = {k: v[-1] for k, v in self.query_list.items()}
        self.headers = handler.headers
        self.body = body
        self.peer = "%s:%d" % handler.client_address[:2]
        host = handler.headers.get("Host") or "127.0.0.1:%d" % handler.server.server_address[1]
        self.base_url = "http://" + host
        with api.lock:
            self.scenario = api.scenario
            self.params = dict(api.params)

    def json(self):
        try:
            return json.loads(self.body or b"null")
        except ValueError:
            return None

    def _fixture_path(self, name):
        if not self.api.fixtures:
            return None
        for sc in (self.scenario, "default"):
            p = os.path.join(fixtures_root(), self.api.fixtures, sc, name)
            if os.path.isfile(p):
                return p
        return None

    def fixture(self, name):
        p = self._fixture_path(name)
        if not p:
            return None
        with open(p, "rb") as f:
            return json.load(f)

    def fixture_response(self, name, headers=None):
        p = self._fixture_path(name)
        if not p:
            return None
        with open(p, "rb") as f:
            doc = json.load(f)
        h = list(headers.items()) if isinstance(headers, dict) else list(headers or [])
        if isinstance(doc, dict) and "__status" in doc:
            h += list(doc.get("__headers", {}).items())
            if "__body" not in doc:
                return empty_response(doc["__status"], h)
            return json_response(doc["__body"], doc["__status"], h)
        return json_response(doc, 200, h)


class FakeAPI:
    def __init__(self, name, fixtures=None):
        self.name = name
        self.fixtures = fixtures if fixtures is not None else name
        self.routes = []
        self.lock = threading.Lock()
        self.start_scenario = os.environ.get("FAKEAPI_SCENARIO") or "default"
        self.start_params = json.loads(os.environ.get("FAKEAPI_PARAMS") or "{}")
        self.before = None  # optional hook(req) -> Response or None, run before routing
        self.after = None   # optional hook(req, resp) -> None, e.g. to add common headers
        self.reset()
        for inj in json.loads(os.environ.get("FAKEAPI_INJECT") or "[]"):
            self.inject(**inj)

    def reset(self):
        with self.lock:
            self.scenario = self.start_scenario
            self.params = dict(self.start_params)
            self.injections = []
            self.log = []

    def set_scenario(self, name, params=None):
        with self.lock:
            self.scenario = name or "default"
            self.params = dict(params or {})
            self.injections = []
            self.log = []

    def inject(self, path="*", count=1, status=None, retry_after=None, headers=None, sleep=0.0, body=None):
        with self.lock:
            self.injections.append({"path": path, "left": int(count), "status": status, "sleep": float(sleep),
                                    "retry_after": retry_after, "headers": dict(headers or {}), "body": body})

    def route(self, method, pattern):
        rx = re.compile(pattern + r"\Z")

        def add(fn):
            self.routes.append((method.upper(), rx, fn))
            return fn
        return add

    def _take_injection(self, path):
        with self.lock:
            for inj in self.injections:
                p = inj["path"]
                hit = p == "*" or p == path or (p.endswith("*") and path.startswith(p[:-1]))
                if hit and inj["left"] > 0:
                    inj["left"] -= 1
                    return dict(inj)
        return None

    def _control(self, req):
        if req.path == "/__scenario":
            if req.method == "POST":
                doc = req.json() or {}
                params = dict(doc.get("params") or {})
                params.update({k: v for k, v in doc.items() if k not in ("name", "params")})
                self.set_scenario(doc.get("name"), params)
            with self.lock:
                return json_response({"name": self.scenario, "params": self.params})
        if req.path == "/__inject" and req.method == "POST":
            doc = req.json()
            for inj in doc if isinstance(doc, list) else [doc or {}]:
                self.inject(**inj)
            return json_response({"ok": True})
        if req.path == "/__requests":
            with self.lock:
                return json_response(self.log)
        if req.path == "/__reset" and req.method == "POST":
            self.reset()
            return json_response({"ok": True})
        return error_response(404, "unknown control endpoint")

    def handle(self, req):
        if req.path.startswith("/__"):
            return self._control(req), False
        inj = self._take_injection(req.path)
        if inj:
            if inj["sleep"]:
                time.sleep(inj["sleep"])
            if inj["status"]:
                h = list(inj["headers"].items())
                if inj["retry_after"] is not None:
                    h.append(("Retry-After", str(inj["retry_after"])))
                body = inj["body"] if inj["body"] is not None else {"message": "injected %d" % inj["status"]}
                return json_response(body, int(inj["status"]), h), True
        resp = self.before(req) if self.before else None
        if resp is None:
            resp = self._route(req)
        if isinstance(resp, tuple):
            resp = json_response(resp[1], resp[0])
        if self.after:
            self.after(req, resp)
        return resp, True

    def _route(self, req):
        path_matched = False
        for method, rx, fn in self.routes:
            m = rx.match(req.path)
            if not m:
                continue
            path_matched = True
            if method == req.method or (method == "GET" and req.method == "HEAD"):
                return fn(req, **m.groupdict())
        if path_matched:
            return error_response(405, "Method Not Allowed")
        return error_response(404, "Not Found")

    def serve(self):
        api = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _any(self):
                n = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(n) if n > 0 else b""
                req = Request(api, self, body)
                try:
                    resp, logged = api.handle(req)
                except Exception:
                    traceback.print_exc()
                    resp, logged = error_response(500, "fake server error"), True
                if logged:
                    with api.lock:
                        api.log.append({"method": req.method, "path": req.path, "query": req.query,
                                        "headers": dict(req.headers.items()), "status": resp.status,
                                        "peer": req.peer})
                if os.environ.get("FAKEAPI_LOG"):
                    sys.stderr.write("%s %s %s -> %d\n" % (api.name, req.method, self.path, resp.status))
                if resp.sleep:
                    time.sleep(resp.sleep)
                try:
                    self.send_response(resp.status)
                    for k, v in resp.headers:
                        self.send_header(k, v)
                    self.send_header("Content-Length", str(len(resp.body)))
                    self.end_headers()
                    if req.method != "HEAD" and resp.status not in (204, 304):
                        self.wfile.write(resp.body)
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _any

            def log_message(self, *args):
                pass

        class Server(http.server.ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request, client_address):
                pass  # clients that time out and hang up are expected here

        port = int(os.environ.get("FAKEAPI_PORT") or 0)
        srv = Server(("127.0.0.1", port), Handler)
        sys.stdout.write("%d\n" % srv.server_address[1])
        sys.stdout.flush()
        try:
            srv.serve_forever()
        except KeyboardInterrupt:
            pass


def add_generic_routes(api):
    """Routes for testing HTTP clients: /status/N[?retry_after=S], /echo (the request as JSON),
    /sleep/MS, /bytes/N[?gzip=1], /page/N[?last=L&relative=1] (Link paging), /redirect (302)."""

    @api.route("GET", r"/status/(?P<code>\d{3})")
    def status(req, code):
        h = {}
        if "retry_after" in req.query:
            h["Retry-After"] = req.query["retry_after"]
        return json_response({"status": int(code)}, int(code), h)

    @api.route("POST", r"/status/(?P<code>\d{3})")
    def status_post(req, code):
        return status(req, code)

    def echo(req):
        return json_response({"method": req.method, "path": req.path, "query": req.query,
                              "headers": {k.lower(): v for k, v in req.headers.items()},
                              "body": req.body.decode("utf-8", "replace")})

    for m in ("GET", "POST", "PUT", "PATCH", "DELETE"):
        api.route(m, r"/echo")(echo)

    @api.route("GET", r"/sleep/(?P<ms>\d+)")
    def sleep(req, ms):
        return Response(200, b'{"slept": true}', None, "application/json", sleep=int(ms) / 1000.0)

    @api.route("GET", r"/bytes/(?P<n>\d+)")
    def nbytes(req, n):
        body = b"x" * int(n)
        if req.query.get("gzip") and "gzip" in (req.headers.get("Accept-Encoding") or ""):
            # Small on the wire, large decoded: a cap must count decoded bytes.
            return Response(200, gzip.compress(body), {"Content-Encoding": "gzip"}, "application/octet-stream")
        return Response(200, body, None, "application/octet-stream")

    @api.route("GET", r"/page/(?P<n>\d+)")
    def page(req, n):
        n, last = int(n), int(req.query.get("last", 3))
        base = "" if req.query.get("relative") else req.base_url  # relative links: "/page/2?..."
        q = "last=%d%s" % (last, "&relative=1" if not base else "")
        links = []
        if n < last:
            links.append('<%s/page/%d?%s>; rel="next"' % (base, n + 1, q))
        links.append('<%s/page/%d?%s>; rel="last"' % (base, last, q))
        return json_response({"page": n}, 200, {"Link": ", ".join(links)})

    @api.route("GET", r"/redirect")
    def redirect(req):
        return Response(302, b"", {"Location": "http://example.invalid/elsewhere"})


if __name__ == "__main__":
    fake = FakeAPI("generic", fixtures="")
    add_generic_routes(fake)
    fake.serve()
