"""Real servers on loopback for the tests: what the platform talks to in production.

RecordingHTTPServer answers every POST with a configurable status and keeps the requests, as an
SMS gateway (or a courier's webhook receiver) would see them. As a gateway it keeps what it
delivered once per Idempotency-Key, and it can hold requests unanswered (a worker killed while
waiting for the gateway). RecordingSMTPServer is a mail server
(aiosmtpd) that keeps the mails.
"""

import email
import email.policy
import json
import socket
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
    # Statuses for the next requests, in order (e.g. [500, 503] fails twice); then `status`.
    statuses: list = field(default_factory=list)
    # What a gateway that honours Idempotency-Key delivered: the first request of each key (or
    # every request without one). A repeated key is answered with `status` and not delivered.
    delivered: list = field(default_factory=list)
    # While set, requests are taken (and delivered) but answered only when `release` is set.
    hold: bool = False
    release: threading.Event = field(default_factory=threading.Event)

    def start(self):
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                request = RecordedRequest(
                    self.path, {k.lower(): v for k, v in self.headers.items()}, body
                )
                status = recorder.statuses.pop(0) if recorder.statuses else recorder.status
                key = request.headers.get("idempotency-key")
                with recorder._lock:
                    recorder.requests.append(request)
                    seen = key is not None and key in recorder._keys
                    if status // 100 == 2 and not seen:
                        recorder.delivered.append(request)
                        if key is not None:
                            recorder._keys.add(key)
                if recorder.hold:
                    recorder.release.wait(timeout=60)
                payload = json.dumps(recorder.response).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except OSError:
                    pass  # the client died while the request was held

            def log_message(self, *args):
                pass

        self._lock, self._keys = threading.Lock(), set()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self):
        self.release.set()
        self._server.shutdown()
        self._server.server_close()

    def texts(self):
        """The SMS texts received, in order."""
        return [request.json()["text"] for request in self.requests]


@dataclass
class RecordingSMTPServer:
    """An SMTP server on loopback (aiosmtpd); `port` is where it listens, `messages` what it got."""

    messages: list = field(default_factory=list)
    envelopes: list = field(default_factory=list)

    def start(self):
        from aiosmtpd.controller import Controller

        recorder = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                recorder.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
                recorder.messages.append(
                    email.message_from_bytes(envelope.content, policy=email.policy.default)
                )
                return "250 Message accepted for delivery"

        # The controller checks its server by connecting to the port: it needs a real one.
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self._controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self._controller.start()
        return self

    def stop(self):
        self._controller.stop()
