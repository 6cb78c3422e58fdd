#!/usr/bin/env python3
"""A fake OpenAI-compatible chat completions endpoint for the `isms ask` tests. Records every request
as one JSON line ({"path", "auth", "content_type", "body"}) in the file named by the first argument
and prints its port on the first stdout line.

POST /v1/chat/completions checks the request shape (JSON body with a model and a system then a user
message, the system one saying to answer only from the passages, the user one holding the question
and numbered passages; Authorization "Bearer $EXPECT_KEY" when EXPECT_KEY is set, none otherwise)
and answers with a canned completion citing the first passage's id, with a terminal escape in it
that the client must strip; a bad request gets 400. Other paths fail on purpose: /fail (500),
/slow (answers after 3 s), /garbage (200, not JSON), /nocontent (200, no choices), /redirect (302
to the good path), /big (200, 2 MB)."""
import http.server
import json
import os
import re
import sys
import time

OUT = sys.argv[1]
EXPECT_KEY = os.environ.get("EXPECT_KEY")


def check(req, auth):
    """The reason the request is malformed, or None."""
    if not isinstance(req.get("model"), str) or not req["model"]:
        return "no model"
    msgs = req.get("messages")
    if not isinstance(msgs, list) or len(msgs) != 2:
        return "messages must be [system, user]"
    if msgs[0].get("role") != "system" or "only from" not in msgs[0].get("content", ""):
        return "first message must be the system prompt"
    user = msgs[1].get("content", "")
    if msgs[1].get("role") != "user" or "Question:" not in user or not re.search(r"^1\. \[", user, re.M):
        return "second message must hold the question and numbered passages"
    want = "Bearer " + EXPECT_KEY if EXPECT_KEY else None
    if auth != want:
        return "authorization %r, wanted %r" % (auth, want)
    return None


class Handler(http.server.BaseHTTPRequestHandler):
    def reply(self, status, body, ctype="application/json", extra=None):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        auth = self.headers.get("Authorization")
        try:
            req = json.loads(raw)
        except ValueError:
            req = None
        with open(OUT, "a") as f:
            f.write(json.dumps({"path": self.path, "auth": auth, "content_type": self.headers.get("Content-Type"),
                                "body": req}) + "\n")
        if self.path == "/fail":
            return self.reply(500, b'{"error": "boom"}')
        if self.path == "/slow":
            time.sleep(3)
        if self.path == "/garbage":
            return self.reply(200, b"<html>not json</html>", "text/html")
        if self.path == "/nocontent":
            return self.reply(200, b'{"choices": []}')
        if self.path == "/redirect":
            return self.reply(302, b"", extra={"Location": "/v1/chat/completions"})
        if self.path == "/big":
            return self.reply(200, b'{"choices": [{"message": {"content": "' + b"x" * (2 << 20) + b'"}}]}')
        why = "not JSON" if req is None else check(req, auth)
        if why:
            return self.reply(400, json.dumps({"error": why}).encode())
        first = re.search(r"^1\. \[(\S+) ", req["messages"][1]["content"], re.M).group(1)
        content = ("DRAFTED: keep the records the passages list and show them to the auditor [%s].\u001b[31m "
                   "Review them yearly." % first)
        body = {"id": "chatcmpl-test", "object": "chat.completion", "model": req["model"],
                "choices": [{"index": 0, "finish_reason": "stop",
                             "message": {"role": "assistant", "content": content}}]}
        self.reply(200, json.dumps(body).encode())

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
