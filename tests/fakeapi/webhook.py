#!/usr/bin/env python3
"""A webhook receiver for the monitoring tests: records every POST body, one JSON line each, into
the file named by the first argument. Prints its port on the first stdout line. With
FAIL_FIRST=N it answers the first N requests with FAIL_STATUS (default 500) and, when set, a
Retry-After of RETRY_AFTER seconds, to exercise retries. GET /page/N answers with a Link header
to page N+1 up to page 3, GET /big with 2 MB, GET /slow after 3 seconds."""
import http.server
import json
import os
import sys
import threading

OUT = sys.argv[1]
fail_left = int(os.environ.get("FAIL_FIRST", "0"))
fail_status = int(os.environ.get("FAIL_STATUS", "500"))
retry_after = os.environ.get("RETRY_AFTER")
lock = threading.Lock()


class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        global fail_left
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        with lock:
            if fail_left > 0:
                fail_left -= 1
                self.send_response(fail_status)
                if retry_after:
                    self.send_header("Retry-After", retry_after)
                self.end_headers()
                return
            ok = self.headers.get("Content-Type", "").startswith("application/json")
            with open(OUT, "a") as f:
                f.write(json.dumps({"content_type_ok": ok, "body": json.loads(body)}) + "\n")
        self.send_response(200)
        self.end_headers()

    def do_GET(self):
        global fail_left
        import time
        with lock:
            failing = fail_left > 0
            if failing:
                fail_left -= 1
        if failing:
            self.send_response(fail_status)
            if retry_after:
                self.send_header("Retry-After", retry_after)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = b'{"ok": true}'
        if self.path == "/big":
            body = b"x" * (2 << 20)
        if self.path == "/slow":
            time.sleep(3)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        if self.path.startswith("/page/"):
            n = int(self.path.split("/")[2])
            if n < 3:
                self.send_header("Link", '<http://127.0.0.1:%d/page/%d>; rel="next", <http://127.0.0.1:%d/page/3>; rel="last"'
                                 % (self.server.server_address[1], n + 1, self.server.server_address[1]))
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
