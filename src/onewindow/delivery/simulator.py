"""A courier simulator: a small HTTP service speaking a plausible EMS-like API, so that mail
delivery can be demonstrated and tested without a real courier. Standalone (http.server, no
Django models, shipments kept in memory); `onewindow courier_simulator` runs it, and `onewindow
serve` starts it for the demo.

    POST /v1/shipments          (Authorization: Bearer <key>, optional Idempotency-Key) JSON
                                sender / recipient / address / reference / webhook_url → 201
                                {"tracking_number": "EMS…", …}; the same Idempotency-Key (or,
                                without one, the same reference) again → 200 with the same
                                shipment
    GET  /v1/shipments/<number> (Authorization: Bearer <key>) → the shipment and its events

After booking, a background thread posts the tracking events collected → in_transit →
out_for_delivery → delivered to the webhook URL, `interval` seconds apart, each signed
(delivery.webhook_signing: HMAC-SHA256 over timestamp + "." + body). A webhook answering other than 2xx
is retried a few times; each attempt's status is kept with the event.
"""

import json
import secrets
import threading
import urllib.error
import urllib.request
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from onewindow.delivery.webhook_signing import signed_headers

EVENTS = (
    ("collected", "已揽收", "{sender}揽投部"),
    ("in_transit", "运输中，已到达处理中心", "{city}邮件处理中心"),
    ("out_for_delivery", "派送中，投递员正在派送", "{city}{district}揽投部"),
    ("delivered", "已签收（本人签收）", "{city}{district}"),
)
REQUIRED = {
    "recipient": ("name", "phone"),
    "address": ("province", "city", "district", "street"),
}
WEBHOOK_ATTEMPTS = 3


class CourierSimulator:
    """The simulator's state and server. `start()` serves in a thread (tests, port 0 picks a
    free port); `serve_forever()` serves in the calling thread (the management command)."""

    def __init__(self, *, host="127.0.0.1", port=0, key, webhook_secret, interval=1.0, log=None):
        self.key, self.webhook_secret, self.interval = key, webhook_secret, interval
        self.log = log or (lambda message: None)
        self.shipments = {}
        self._by_reference = {}
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._threads = []
        self._server = ThreadingHTTPServer((host, port), self._handler())
        self._server.daemon_threads = True
        self.url = f"http://{host}:{self._server.server_port}"

    # --- running -----------------------------------------------------------------------------

    def start(self):
        thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        thread.start()
        return self

    def serve_forever(self):
        self._server.serve_forever()

    def stop(self):
        self._stopping.set()
        self._server.shutdown()
        self._server.server_close()
        for thread in list(self._threads):
            thread.join(timeout=5)

    def wait_until_done(self, tracking_number, timeout=30):
        """Tests: wait until every event of a shipment has been posted (or given up)."""
        shipment = self.shipments[tracking_number]
        return shipment["done"].wait(timeout)

    # --- the API -----------------------------------------------------------------------------

    def book(self, payload, *, idempotency_key=None):
        """(status, answer) for a booking request already authenticated. A repeated
        `idempotency_key` (the reference when there is none) answers the shipment it made."""
        if not isinstance(payload, dict):
            return 400, {"error": "invalid_json", "message": "body must be a JSON object"}
        for part, names in REQUIRED.items():
            section = payload.get(part)
            for name in names:
                if not isinstance(section, dict) or not str(section.get(name) or "").strip():
                    return 422, {"error": "missing_field", "field": f"{part}.{name}"}
        reference = str(payload.get("reference") or "").strip()
        webhook_url = str(payload.get("webhook_url") or "").strip()
        if not reference:
            return 422, {"error": "missing_field", "field": "reference"}
        if not webhook_url.startswith(("http://", "https://")):
            return 422, {"error": "missing_field", "field": "webhook_url"}
        key = (idempotency_key or "").strip() or reference
        with self._lock:
            known = self._by_reference.get(key)
            if known is not None:
                return 200, self._public(self.shipments[known])
            number = self._new_number()
            shipment = {
                "tracking_number": number,
                "reference": reference,
                "recipient": payload["recipient"],
                "address": payload["address"],
                "sender": payload.get("sender") or {},
                "webhook_url": webhook_url,
                "created_at": _now(),
                "events": [],
                "done": threading.Event(),
            }
            self.shipments[number] = shipment
            self._by_reference[key] = number
        thread = threading.Thread(target=self._post_events, args=(shipment,), daemon=True)
        self._threads.append(thread)
        thread.start()
        self.log(f"booked {number} for {reference}")
        return 201, self._public(shipment)

    def _new_number(self):
        while True:
            number = f"EMS{secrets.randbelow(10**10):010d}CN"
            if number not in self.shipments:
                return number

    def _public(self, shipment):
        events = shipment["events"]
        return {
            "tracking_number": shipment["tracking_number"],
            "reference": shipment["reference"],
            "state": events[-1]["code"] if events else "created",
            "created_at": shipment["created_at"],
            "events": [
                {**event, "webhook_statuses": list(event["webhook_statuses"])} for event in events
            ],
        }

    # --- tracking events ---------------------------------------------------------------------

    def _post_events(self, shipment):
        try:
            places = {
                "sender": str(shipment["sender"].get("name") or ""),
                "city": str(shipment["address"].get("city") or ""),
                "district": str(shipment["address"].get("district") or ""),
            }
            for position, (code, description, location) in enumerate(EVENTS, start=1):
                if self._stopping.wait(self.interval):
                    return
                event = {
                    "event_id": f"{shipment['tracking_number']}-{position}",
                    "tracking_number": shipment["tracking_number"],
                    "code": code,
                    "description": description,
                    "location": location.format(**places),
                    "occurred_at": _now(),
                }
                record = {**event, "webhook_statuses": []}
                with self._lock:
                    shipment["events"].append(record)
                self._deliver(shipment["webhook_url"], event, record["webhook_statuses"])
        finally:
            shipment["done"].set()

    def _deliver(self, url, event, statuses):
        body = json.dumps(event, ensure_ascii=False).encode()
        for attempt in range(WEBHOOK_ATTEMPTS):
            # Signed afresh on each attempt: the timestamp is part of the signature.
            headers = {
                "Content-Type": "application/json",
                **signed_headers(self.webhook_secret, body),
            }
            request = urllib.request.Request(url, data=body, headers=headers, method="POST")
            try:
                with urllib.request.urlopen(request, timeout=10) as response:
                    statuses.append(response.status)
                    return True
            except urllib.error.HTTPError as error:
                statuses.append(error.code)
                if error.code < 500:
                    # The receiver refused it (signature, unknown number): retrying will not help.
                    return False
            except OSError:
                statuses.append(0)
            if self._stopping.wait(min(self.interval, 1.0) * (attempt + 1)):
                return False
        self.log(f"webhook gave up on {event['event_id']}")
        return False

    # --- HTTP --------------------------------------------------------------------------------

    def _handler(self):
        simulator = self

        class Handler(BaseHTTPRequestHandler):
            server_version = "CourierSimulator/1"

            def _answer(self, status, answer):
                payload = json.dumps(answer, ensure_ascii=False).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def _authorised(self):
                given = self.headers.get("Authorization", "")
                expected = f"Bearer {simulator.key}"
                if secrets.compare_digest(given.encode(), expected.encode()):
                    return True
                self._answer(401, {"error": "unauthorized", "message": "bad or missing key"})
                return False

            def do_POST(self):
                if self.path.rstrip("/") != "/v1/shipments":
                    return self._answer(404, {"error": "not_found"})
                if not self._authorised():
                    return None
                length = int(self.headers.get("Content-Length") or 0)
                try:
                    payload = json.loads(self.rfile.read(length) or b"null")
                except ValueError:
                    return self._answer(400, {"error": "invalid_json"})
                key = self.headers.get("Idempotency-Key")
                return self._answer(*simulator.book(payload, idempotency_key=key))

            def do_GET(self):
                prefix = "/v1/shipments/"
                if not self.path.startswith(prefix):
                    return self._answer(404, {"error": "not_found"})
                if not self._authorised():
                    return None
                shipment = simulator.shipments.get(self.path[len(prefix) :].strip("/"))
                if shipment is None:
                    return self._answer(404, {"error": "not_found"})
                with simulator._lock:
                    return self._answer(200, simulator._public(shipment))

            def log_message(self, format, *args):
                simulator.log(format % args)

        return Handler


def _now():
    return datetime.now(UTC).isoformat(timespec="milliseconds")
