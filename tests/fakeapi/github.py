#!/usr/bin/env python3
"""Fake GitHub REST API (version 2022-11-28) for the GitHub collector's tests, serving
tests/fixtures/github/<scenario>/ (see the README there and common.py for the machinery).

Endpoints: GET /orgs/{org}, /orgs/{org}/members[?filter=2fa_disabled], /orgs/{org}/repos,
/repos/{o}/{r}, /repos/{o}/{r}/branches/{b}/protection, /repos/{o}/{r}/vulnerability-alerts.
Lists are paged with Link headers (per_page, at most 100, default 30; the scenario parameter
page_size caps it, e.g. POST /__scenario {"name": "fail", "page_size": 2}).

Every request must carry what the real API expects, else the answer GitHub would give:
User-Agent (403), Authorization "Bearer TOKEN" or "token TOKEN" with the token from
$FAKE_GITHUB_TOKEN (401 "Requires authentication" / "Bad credentials"), Accept
application/vnd.github+json (415) and X-GitHub-Api-Version 2022-11-28 (400; the real API defaults
a missing one, this fake insists). Responses carry x-ratelimit-* headers; the scenario
"ratelimited" answers everything with GitHub's primary rate limit 403 (x-ratelimit-remaining: 0,
reset an hour ahead).

Scenario parameters that bend well-formed answers: "strip": {"PATH_REGEX": ["KEY", ...]} removes
KEY from the object answered for a matching path (from each object of a list); "replace":
{"PATH_REGEX": JSON} answers JSON instead; "cycle_to": N (common.paginate) loops the last page of
a list back to page N.
"""
import json
import os
import re
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

TOKEN = os.environ.get("FAKE_GITHUB_TOKEN", "ghp_fakeTOKEN4isms0123456789abcdef")
API_VERSION = "2022-11-28"
DOCS = "https://docs.github.com/rest"
NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]*\Z")

api = common.FakeAPI("github")
served = [0]


def gh_error(status, message, doc=DOCS, headers=None):
    return common.error_response(status, message, doc, headers)


def before(req):
    h = req.headers
    if not h.get("User-Agent"):
        return gh_error(403, "Request forbidden by administrative rules. Please make sure your request has a "
                        "User-Agent header (https://docs.github.com/en/rest/overview/resources-in-the-rest-api"
                        "#user-agent-required). Check https://developer.github.com for other possible causes.")
    auth = h.get("Authorization")
    if not auth:
        return gh_error(401, "Requires authentication")
    scheme, _, tok = auth.partition(" ")
    if scheme.lower() not in ("bearer", "token") or tok.strip() != TOKEN:
        return gh_error(401, "Bad credentials")
    if "application/vnd.github+json" not in (h.get("Accept") or ""):
        return gh_error(415, "Unsupported 'Accept' header: %r. Must accept 'application/vnd.github+json'."
                        % (h.get("Accept") or ""))
    if h.get("X-GitHub-Api-Version") != API_VERSION:
        return gh_error(400, "Invalid or missing API version %r. Send X-GitHub-Api-Version: %s."
                        % (h.get("X-GitHub-Api-Version") or "", API_VERSION))
    if req.scenario == "ratelimited":
        return gh_error(403, "API rate limit exceeded for user ID 42. If you reach out to GitHub Support for help, "
                        "please include the request ID 0000:0000:0000000:0000000:00000000.",
                        "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api",
                        {"x-ratelimit-limit": "5000", "x-ratelimit-remaining": "0",
                         "x-ratelimit-reset": str(int(time.time()) + 3600), "x-ratelimit-used": "5000",
                         "x-ratelimit-resource": "core"})
    return None


def after(req, resp):
    if resp.status == 200:
        for rx, keys in (req.params.get("strip") or {}).items():
            if re.fullmatch(rx, req.path):
                doc = json.loads(resp.body)
                for item in doc if isinstance(doc, list) else [doc]:
                    for k in keys:
                        item.pop(k, None)
                resp.body = json.dumps(doc).encode()
        for rx, doc in (req.params.get("replace") or {}).items():
            if re.fullmatch(rx, req.path):
                resp.body = json.dumps(doc).encode()
    names = {k.lower() for k, _ in resp.headers}
    if "x-ratelimit-remaining" not in names:
        served[0] += 1
        resp.headers += [("x-ratelimit-limit", "5000"), ("x-ratelimit-remaining", str(max(0, 4999 - served[0]))),
                         ("x-ratelimit-reset", str(int(time.time()) + 3600)), ("x-ratelimit-used", str(served[0])),
                         ("x-ratelimit-resource", "core")]
    resp.headers.append(("x-github-api-version-selected", API_VERSION))


api.before = before
api.after = after


def not_found():
    return gh_error(404, "Not Found")


def org_ok(req, org):
    o = req.fixture("org.json")
    return o is not None and o.get("login") == org


def repo_ok(req, owner, repo):
    """The repository's full object when {owner}/{repo} exists, else None."""
    if not NAME.match(repo) or not org_ok(req, owner):
        return None
    return req.fixture("repo/%s.json" % repo)


def listing(req, name):
    doc = req.fixture(name)
    if isinstance(doc, dict) and "__status" in doc:
        return req.fixture_response(name)
    return common.paginate(req, doc or [], 30, 100)


@api.route("GET", r"/orgs/(?P<org>[^/]+)")
def get_org(req, org):
    return req.fixture_response("org.json") if org_ok(req, org) else not_found()


@api.route("GET", r"/orgs/(?P<org>[^/]+)/members")
def members(req, org):
    if not org_ok(req, org):
        return not_found()
    f = req.query.get("filter", "all")
    if f not in ("all", "2fa_disabled"):
        return gh_error(422, "Validation Failed")
    return listing(req, "members_2fa_disabled.json" if f == "2fa_disabled" else "members.json")


@api.route("GET", r"/orgs/(?P<org>[^/]+)/repos")
def repos(req, org):
    if not org_ok(req, org):
        return not_found()
    t = req.query.get("type", "all")
    items = req.fixture("repos.json") or []
    if t == "public":
        items = [r for r in items if not r.get("private")]
    elif t == "private":
        items = [r for r in items if r.get("private")]
    return common.paginate(req, items, 30, 100)


@api.route("GET", r"/repos/(?P<owner>[^/]+)/(?P<repo>[^/]+)")
def get_repo(req, owner, repo):
    r = repo_ok(req, owner, repo)
    return common.json_response(r) if r is not None else not_found()


@api.route("GET", r"/repos/(?P<owner>[^/]+)/(?P<repo>[^/]+)/branches/(?P<branch>[^/]+)/protection")
def protection(req, owner, repo, branch):
    r = repo_ok(req, owner, repo)
    if r is None:
        return not_found()
    if urllib.parse.unquote(branch) != r.get("default_branch"):
        return gh_error(404, "Branch not found", DOCS + "/branches/branch-protection#get-branch-protection")
    resp = req.fixture_response("protection/%s.json" % repo)
    return resp or gh_error(404, "Branch not protected", DOCS + "/branches/branch-protection#get-branch-protection")


@api.route("GET", r"/repos/(?P<owner>[^/]+)/(?P<repo>[^/]+)/vulnerability-alerts")
def vulnerability_alerts(req, owner, repo):
    if repo_ok(req, owner, repo) is None:
        return not_found()
    resp = req.fixture_response("vulnerability-alerts/%s.json" % repo)
    return resp or gh_error(404, "Vulnerability alerts are disabled.",
                            DOCS + "/repos/repos#check-if-vulnerability-alerts-are-enabled-for-a-repository")


if __name__ == "__main__":
    api.serve()
