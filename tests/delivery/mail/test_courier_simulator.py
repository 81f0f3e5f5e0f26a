"""The courier simulator speaks its API over real HTTP on loopback: bookings need the key and a
full address, a repeated reference gets the same parcel, and the tracking events it posts are
signed so that the platform's check accepts them."""

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from onewindow.delivery import webhook_signing as signing
from onewindow.delivery.simulator import CourierSimulator
from tests.servers import RecordingHTTPServer

KEY = "sim-key"
SECRET = "sim-secret"


@pytest.fixture
def receiver():
    server = RecordingHTTPServer().start()
    yield server
    server.stop()


@pytest.fixture
def simulator():
    simulator = CourierSimulator(port=0, key=KEY, webhook_secret=SECRET, interval=0.02).start()
    yield simulator
    simulator.stop()


def call(simulator, method, path, payload=None, key=KEY, headers=None):
    request = urllib.request.Request(
        simulator.url + path,
        data=json.dumps(payload).encode() if payload is not None else None,
        headers={
            "Content-Type": "application/json",
            "Authorization": f"Bearer {key}",
            **(headers or {}),
        },
        method=method,
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def booking(receiver, **changes):
    return {
        "reference": "onewindow-delivery-7",
        "sender": {"name": "惠阳区政务服务中心"},
        "recipient": {"name": "李明", "phone": "13800138000"},
        "address": {
            "province": "广东省",
            "city": "惠州市",
            "district": "惠阳区",
            "street": "淡水街道开城大道中 1 号",
        },
        "webhook_url": receiver.url + "/hook",
        **changes,
    }


def test_a_booking_gets_a_tracking_number_and_signed_events(simulator, receiver):
    status, answer = call(simulator, "POST", "/v1/shipments", booking(receiver))

    assert status == 201
    number = answer["tracking_number"]
    assert re.fullmatch(r"EMS\d{10}CN", number) and answer["state"] == "created"
    assert simulator.wait_until_done(number, timeout=10)
    events = [request.json() for request in receiver.requests]
    assert [e["code"] for e in events] == [
        "collected",
        "in_transit",
        "out_for_delivery",
        "delivered",
    ]
    assert {e["tracking_number"] for e in events} == {number}
    assert events[2]["location"] == "惠州市惠阳区揽投部"
    for request in receiver.requests:
        assert request.path == "/hook"
        headers = request.headers
        assert (
            signing.refusal(
                SECRET,
                timestamp=headers["x-courier-timestamp"],
                signature=headers["x-courier-signature"],
                body=request.body,
                tolerance=60,
            )
            is None
        )
    status, tracked = call(simulator, "GET", f"/v1/shipments/{number}")
    assert status == 200 and tracked["state"] == "delivered"
    assert [e["event_id"] for e in tracked["events"]] == [f"{number}-{n}" for n in range(1, 5)]


def test_the_same_reference_books_one_parcel(simulator, receiver):
    first = call(simulator, "POST", "/v1/shipments", booking(receiver))
    again = call(simulator, "POST", "/v1/shipments", booking(receiver))

    assert (first[0], again[0]) == (201, 200)
    assert first[1]["tracking_number"] == again[1]["tracking_number"]
    assert len(simulator.shipments) == 1


def test_the_same_idempotency_key_books_one_parcel(simulator, receiver):
    # A client that names its request by an Idempotency-Key (the platform sends its reference
    # there too) gets the parcel it booked, whatever the body says the second time.
    key = {"Idempotency-Key": "onewindow-delivery-7"}
    first = call(simulator, "POST", "/v1/shipments", booking(receiver), headers=key)
    again = call(
        simulator, "POST", "/v1/shipments", booking(receiver, reference="other"), headers=key
    )
    other = call(simulator, "POST", "/v1/shipments", booking(receiver, reference="other"))

    assert (first[0], again[0], other[0]) == (201, 200, 201)
    assert first[1]["tracking_number"] == again[1]["tracking_number"]
    assert other[1]["tracking_number"] != first[1]["tracking_number"]
    assert len(simulator.shipments) == 2


def test_a_booking_without_the_key_is_refused(simulator, receiver):
    status, answer = call(simulator, "POST", "/v1/shipments", booking(receiver), key="wrong")

    assert status == 401 and answer["error"] == "unauthorized"
    assert simulator.shipments == {}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"recipient": {"name": "李明"}}, "recipient.phone"),
        (
            {"address": {"province": "广东省", "city": "惠州市", "district": "惠阳区"}},
            "address.street",
        ),
        ({"reference": ""}, "reference"),
        ({"webhook_url": "ftp://example"}, "webhook_url"),
    ],
)
def test_a_booking_missing_a_field_names_it(simulator, receiver, changes, field):
    status, answer = call(simulator, "POST", "/v1/shipments", booking(receiver, **changes))

    assert status == 422 and answer == {"error": "missing_field", "field": field}
    assert simulator.shipments == {}


def test_an_unknown_tracking_number_is_not_found(simulator):
    assert call(simulator, "GET", "/v1/shipments/EMS0000000000CN") == (404, {"error": "not_found"})


def test_a_refusing_webhook_is_not_retried_but_a_failing_one_is(simulator):
    refusing = RecordingHTTPServer(status=401).start()
    failing = RecordingHTTPServer(status=503).start()
    try:
        _, one = call(simulator, "POST", "/v1/shipments", booking(refusing))
        _, two = call(
            simulator, "POST", "/v1/shipments", booking(failing, reference="onewindow-delivery-8")
        )
        assert simulator.wait_until_done(one["tracking_number"], timeout=10)
        assert simulator.wait_until_done(two["tracking_number"], timeout=20)
    finally:
        refusing.stop()
        failing.stop()
    assert len(refusing.requests) == 4  # once per event
    assert len(failing.requests) == 4 * 3  # three attempts per event
    events = simulator.shipments[two["tracking_number"]]["events"]
    assert events[0]["webhook_statuses"] == [503, 503, 503]


def test_the_management_command_runs_the_simulator(receiver):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        **os.environ,
        "ONEWINDOW_COURIER_KEY": KEY,
        "ONEWINDOW_COURIER_WEBHOOK_SECRET": SECRET,
        "ONEWINDOW_COURIER_URL": f"http://127.0.0.1:{port}",
    }
    command = [Path(sys.executable).parent / "onewindow", "courier_simulator", "--interval", "0.05"]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        assert (
            process.stdout.readline()
            .decode()
            .startswith(f"Courier simulator: http://127.0.0.1:{port}")
        )

        class Running:
            url = f"http://127.0.0.1:{port}"

        status, _ = call(Running, "POST", "/v1/shipments", booking(receiver))
        assert status == 201
        deadline = time.monotonic() + 20
        while len(receiver.requests) < 4 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert [r.json()["code"] for r in receiver.requests][-1] == "delivered"
        last = receiver.requests[-1]
        assert last.headers["x-courier-signature"] == signing.sign(
            SECRET, last.headers["x-courier-timestamp"], last.body
        )
    finally:
        process.terminate()
        process.wait(timeout=10)
