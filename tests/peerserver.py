"""A real HTTP server on 127.0.0.1 standing in for an outside service (a peer site, an API).

Tests program its answers and read what it received; nothing is mocked in-process.
"""

import json
import threading
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    method: str
    path: str
    headers: dict
    body: bytes

    def json(self):
        return json.loads(self.body)


@dataclass
class StubServer:
    """Answers each request with the next queued (status, body, headers), else `default`."""

    default: tuple = (200, b'{"status": "applied"}', {})
    queued: deque = field(default_factory=deque)
    received: list = field(default_factory=list)

    def start(self) -> "StubServer":
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                stub.received.append(
                    Received(
                        self.command,
                        self.path,
                        {k.lower(): v for k, v in self.headers.items()},
                        body,
                    )
                )
                status, payload, headers = stub.queued.popleft() if stub.queued else stub.default
                if callable(payload):
                    payload = payload(self.path)
                self.send_response(status)
                self.send_header("Content-Type", headers.get("Content-Type", "application/json"))
                for name, value in headers.items():
                    if name != "Content-Type":
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_DELETE = _answer

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        return self

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def answer(self, status: int, body: bytes = b"{}", headers: dict | None = None) -> None:
        self.queued.append((status, body, headers or {}))

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
