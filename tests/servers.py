"""Real servers on loopback for the tests: what the platform talks to in production.

RecordingHTTPServer answers every POST with a configurable status and keeps the requests, as an
SMS gateway (or a courier's webhook receiver) would see them.
"""

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class RecordedRequest:
    path: str
    headers: dict
    body: bytes

    def json(self):
        return json.loads(self.body)


@dataclass
class RecordingHTTPServer:
    """A loopback HTTP server; `url` is its address, `requests` what it received."""

    status: int = 200
    response: dict = field(default_factory=lambda: {"ok": True})
    requests: list = field(default_factory=list)

    def start(self):
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                recorder.requests.append(
                    RecordedRequest(
                        self.path, {k.lower(): v for k, v in self.headers.items()}, body
                    )
                )
                payload = json.dumps(recorder.response).encode()
                self.send_response(recorder.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self):
        self._server.shutdown()
        self._server.server_close()

    def texts(self):
        """The SMS texts received, in order."""
        return [request.json()["text"] for request in self.requests]
