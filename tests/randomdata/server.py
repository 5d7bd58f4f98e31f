"""A stand-in for random-data-api.com on 127.0.0.1, built from the bundled real responses.

Records are generated from the fixture templates with deterministic uids (`uid_for`), handed
out in order (a cursor per resource, `rewind()` to replay them). `faults` is a queue of
programmed misbehaviours, one per request, consumed before normal answers:
  {"status": 500}                          an error status (JSON error body)
  {"status": 429, "headers": {...}}        throttled, e.g. with Retry-After
  {"delay": 0.5}                           answer late (beyond a short read timeout)
  {"body": b"{not json"}                   200 with this raw body
`records[resource] = [...]` replaces the generated records with an explicit list.
"""

import copy
import json
import threading
import time
import uuid
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

FIXTURES = Path(__file__).resolve().parents[2] / "randomdata" / "fixtures"
NAMESPACE = uuid.UUID("0b9f7a8e-6a53-4c8e-8f0e-0d6b54a0c001")
PATTERNS = {
    "users": "user_*.json",
    "addresses": "address_*.json",
    "credit_cards": "credit_card*.json",
}


def fixture_records(resource: str) -> list[dict]:
    out: list[dict] = []
    for path in sorted(FIXTURES.glob(PATTERNS[resource])):
        data = json.loads(path.read_text())
        out.extend(data if isinstance(data, list) else [data])
    return out


TEMPLATES = {resource: fixture_records(resource) for resource in PATTERNS}


def uid_for(resource: str, index: int) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{resource}:{index}"))


def make_record(resource: str, index: int, **overrides) -> dict:
    templates = TEMPLATES[resource]
    record = copy.deepcopy(templates[index % len(templates)])
    record.update({"id": index + 1, "uid": uid_for(resource, index), **overrides})
    if resource == "users":
        record["username"] = f"{record['username']}.{index}"
    return record


class FakeUpstream:
    def __init__(self) -> None:
        self.records: dict[str, list | None] = dict.fromkeys(PATTERNS)
        self.overrides: dict[str, dict] = {resource: {} for resource in PATTERNS}
        self.cursor = dict.fromkeys(PATTERNS, 0)
        self.faults: deque[dict] = deque()
        self.requests: list[tuple[str, int | None]] = []
        self.lock = threading.Lock()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}/api/v2"

    def start(self) -> "FakeUpstream":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def rewind(self) -> None:
        with self.lock:
            self.cursor = dict.fromkeys(PATTERNS, 0)

    def take(self, resource: str, size: int) -> list[dict]:
        with self.lock:
            start = self.cursor[resource]
            self.cursor[resource] = start + size
            explicit = self.records[resource]
            if explicit is not None:
                return copy.deepcopy(explicit[start : start + size])
            return [
                make_record(resource, i, **self.overrides[resource])
                for i in range(start, start + size)
            ]

    def _handler(self):
        upstream = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output quiet
                pass

            def send(self, status: int, body: bytes, headers: dict | None = None) -> None:
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    for name, value in (headers or {}).items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a read-timeout test): expected

            def do_GET(self):
                parsed = urlparse(self.path)
                resource = parsed.path.rsplit("/", 1)[-1]
                raw_size = parse_qs(parsed.query).get("size", [None])[0]
                size = int(raw_size) if raw_size else None
                with upstream.lock:
                    upstream.requests.append((resource, size))
                    fault = upstream.faults.popleft() if upstream.faults else {}
                if resource not in PATTERNS:
                    return self.send(404, b'{"error": "not found"}')
                if "delay" in fault:
                    time.sleep(fault["delay"])
                if "status" in fault:
                    body = json.dumps({"error": f"HTTP {fault['status']}"}).encode()
                    return self.send(fault["status"], body, fault.get("headers"))
                if "body" in fault:
                    return self.send(200, fault["body"])
                records = upstream.take(resource, size or 1)
                payload = records if size and size > 1 else records[0]
                return self.send(200, json.dumps(payload).encode())

        return Handler
