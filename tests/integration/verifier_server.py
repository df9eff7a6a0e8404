"""A small identity verification service for the tests, on loopback, in a thread: it answers
each request with the next scripted behaviour (an answer, an HTTP error, a stall), so the
tests can make it slow, fail or flap."""

from __future__ import annotations

import json
import threading
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Script:
    """What the service does next: ``("answer", {...})``, ``("status", 503, headers)``,
    ``("stall",)`` (no answer until the test ends), ``("garbage",)``; when the script runs
    out it repeats `otherwise`."""

    steps: deque[tuple[Any, ...]] = field(default_factory=deque)
    otherwise: tuple[Any, ...] = ("answer", {"verified": True, "code": "match"})
    requests: list[dict[str, Any]] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)

    def then(self, *steps: tuple[Any, ...]) -> Script:
        self.steps.extend(steps)
        return self


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_POST(self) -> None:
        script = self.server.script
        length = int(self.headers.get("Content-Length", "0"))
        body = json.loads(self.rfile.read(length))
        script.requests.append(
            {"path": self.path, "auth": self.headers.get("Authorization"), "body": body}
        )
        step = script.steps.popleft() if script.steps else script.otherwise
        if step[0] == "stall":
            script.release.wait(10)
            return
        if step[0] == "status":
            self.send_response(step[1])
            for name, value in (step[2] if len(step) > 2 else {}).items():
                self.send_header(name, value)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        payload = b"<html>oops" if step[0] == "garbage" else json.dumps(step[1]).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    script: Script


@contextmanager
def verification_service(script: Script) -> Iterator[str]:
    """The service running `script`; its base URL."""
    server = _Server(("127.0.0.1", 0), _Handler)
    server.script = script
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        script.release.set()
        server.shutdown()
        server.server_close()
        thread.join(5)
