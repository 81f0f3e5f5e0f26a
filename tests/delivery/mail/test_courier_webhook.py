"""The courier webhook: only calls signed with the shared secret and a fresh timestamp change
anything; each event is stored once; a delivered parcel delivers the case. Refusals answer with
their status, code and message, are kept and logged, and change nothing."""

import hashlib
import json
import logging
import time
from datetime import datetime

import pytest
from django.core.cache import cache

from onewindow.cases.constants import CaseState
from onewindow.core.models import AuditEntry
from onewindow.delivery.actions.choice import do_choose_delivery
from onewindow.delivery.actions.issuing import do_issue_result
from onewindow.delivery.actions.mail import _record_shipment
from onewindow.delivery.constants import DeliveryState, ShipmentState
from onewindow.delivery.models import Delivery, RefusedWebhookCall, Shipment, TrackingEvent, Visit
from onewindow.delivery.webhook_signing import sign
from onewindow.notifications.models import OutboundMessage
from tests.delivery.mail.conftest import ADDRESS, WEBHOOK_SECRET

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("courier_clock")]

WEBHOOK = "/api/delivery/courier/webhook"
TRACKING_NUMBER = "EMS1234567890CN"


@pytest.fixture(autouse=True)
def _fresh_refusal_counter():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def shipment(accepted_case, clerk, decide, courier_settings):
    """A mailed result: mail chosen, decided, issued, booked as EMS1234567890CN."""
    do_choose_delivery(accepted_case, method="mail", address=ADDRESS, acting_user=clerk)
    case = decide(accepted_case)
    do_issue_result(case, acting_user=clerk)
    delivery = Delivery.objects.get(case=case)
    return _record_shipment(delivery.pk, TRACKING_NUMBER, courier_code="ems")


def event(code="collected", number=1, **changes):
    return {
        "event_id": f"{TRACKING_NUMBER}-{number}",
        "tracking_number": TRACKING_NUMBER,
        "code": code,
        "description": "已揽收",
        "location": "惠州市惠阳区揽投部",
        "occurred_at": "2026-12-01T10:00:00+08:00",
        **changes,
    }


def post(
    client, payload, *, secret=WEBHOOK_SECRET, timestamp=None, signature=None, body=None, **more
):
    body = body if body is not None else json.dumps(payload, ensure_ascii=False).encode()
    timestamp = str(int(time.time())) if timestamp is None else timestamp
    headers = {"X-Courier-Timestamp": timestamp, **more}
    headers["X-Courier-Signature"] = (
        signature if signature is not None else sign(secret, timestamp, body)
    )
    return client.post(WEBHOOK, data=body, content_type="application/json", headers=headers)


def assert_refused(response, status, code, message, *, body_contains=None):
    assert response.status_code == status
    assert response.json() == {"code": code, "message": message}
    refusal = RefusedWebhookCall.objects.get()
    assert refusal.reason == code and refusal.remote_address == "127.0.0.1"
    assert len(refusal.body_sha256) == 64 and refusal.body_size > 0
    return refusal


def nothing_changed(shipment):
    shipment.refresh_from_db()
    assert shipment.state == ShipmentState.CREATED
    assert not TrackingEvent.objects.exists()
    assert Delivery.objects.get().state == DeliveryState.SHIPPED


def test_a_signed_event_is_stored_and_moves_the_shipment(client, shipment):
    response = post(client, event())

    assert response.status_code == 200
    assert response.json() == {
        "status": "stored",
        "event_id": f"{TRACKING_NUMBER}-1",
        "shipment_state": "in_transit",
    }
    stored = TrackingEvent.objects.get()
    assert (stored.code, stored.location) == ("collected", "惠州市惠阳区揽投部")
    shipment.refresh_from_db()
    assert shipment.state == ShipmentState.IN_TRANSIT
    assert not RefusedWebhookCall.objects.exists()


def test_a_replayed_event_is_stored_once(client, shipment):
    post(client, event())
    updated = Shipment.objects.get().updated_at

    response = post(client, event(description="再次推送"))

    assert response.status_code == 200 and response.json()["status"] == "duplicate"
    assert TrackingEvent.objects.get().description == "已揽收"
    assert Shipment.objects.get().updated_at == updated


def test_a_bad_signature_is_refused_logged_and_changes_nothing(client, shipment, caplog):
    payload = event()
    body = json.dumps(payload, ensure_ascii=False).encode()
    with caplog.at_level(logging.WARNING, logger="onewindow.delivery.webhook"):
        response = post(client, payload, secret="not-the-secret")

    refusal = assert_refused(response, 401, "bad_signature", "签名无效")
    assert refusal.body_sha256 == hashlib.sha256(body).hexdigest()
    assert "courier webhook refused: bad_signature from 127.0.0.1" in caplog.text
    nothing_changed(shipment)


def test_a_body_changed_after_signing_is_refused(client, shipment):
    timestamp = str(int(time.time()))
    signed = json.dumps(event(code="collected")).encode()
    forged = json.dumps(event(code="delivered")).encode()

    response = post(
        client,
        None,
        body=forged,
        timestamp=timestamp,
        signature=sign(WEBHOOK_SECRET, timestamp, signed),
    )

    assert_refused(response, 401, "bad_signature", "签名无效")
    nothing_changed(shipment)
    assert Shipment.objects.get().delivery.case.state == CaseState.ISSUED


def test_a_missing_signature_is_refused(client, shipment):
    response = post(client, event(), signature="")

    assert_refused(response, 401, "missing_signature", "缺少签名")
    nothing_changed(shipment)


def test_a_refusal_is_in_the_callers_language(client, shipment):
    response = post(client, event(), signature="", **{"Accept-Language": "en"})

    assert_refused(response, 401, "missing_signature", "Signature missing")
    nothing_changed(shipment)


def test_an_action_refusal_is_in_the_callers_language(client, shipment):
    response = post(client, event(code="teleported"), **{"Accept-Language": "en"})

    assert_refused(response, 422, "invalid_event", "Unknown event code: teleported")
    nothing_changed(shipment)


def test_an_old_timestamp_is_refused_even_when_correctly_signed(client, shipment):
    old = str(int(time.time()) - 301)

    response = post(client, event(), timestamp=old)

    assert_refused(
        response,
        401,
        "stale_timestamp",
        "时间戳已过期或超前，请求被拒绝",
    )
    nothing_changed(shipment)


def test_an_unknown_tracking_number_is_refused(client, shipment):
    response = post(client, event(tracking_number="EMS0000000000CN"))

    assert_refused(
        response,
        404,
        "unknown_shipment",
        "没有这个运单号",
    )
    nothing_changed(shipment)


def test_an_event_with_an_unknown_code_is_refused(client, shipment):
    response = post(client, event(code="teleported"))

    assert_refused(
        response,
        422,
        "invalid_event",
        "未知的事件类型：teleported",
    )
    nothing_changed(shipment)


EVENT_TIME_MESSAGE = "occurred_at 超出允许的时间范围：不早于一年前，不晚于一天后"


@pytest.mark.parametrize(
    "occurred_at",
    [
        "9999-12-31T23:59:59+08:00",
        "9999-12-31T23:59:59-12:00",  # past the end of the calendar in UTC
        "0001-01-01T00:00:00+14:00",
        "2026-12-05T10:00:01+08:00",  # a day and a second ahead of COURIER_NOW
        "2025-12-01T09:59:59+08:00",  # a year and a day behind
    ],
)
def test_an_event_time_outside_a_sane_window_is_refused(client, shipment, occurred_at):
    response = post(client, event(occurred_at=occurred_at))

    assert_refused(response, 422, "invalid_event", EVENT_TIME_MESSAGE)
    nothing_changed(shipment)


@pytest.mark.parametrize("occurred_at", ["2026-12-04T09:59:00+08:00", "2025-12-03T10:01:00+08:00"])
def test_an_event_time_just_inside_the_window_is_stored(client, shipment, occurred_at):
    response = post(client, event(occurred_at=occurred_at))

    assert response.status_code == 200
    assert TrackingEvent.objects.get().occurred_at == datetime.fromisoformat(occurred_at)


def test_an_oversized_body_is_refused_and_kept_as_a_refused_call(client, shipment, settings):
    # Over Django's own request body limit as well, which used to answer an HTML 400 first.
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 70 * 1024
    body = json.dumps(event(description="x" * 100 * 1024)).encode()

    response = post(client, None, body=body)

    assert response.status_code == 413
    assert response.json() == {"code": "request_too_large", "message": "请求内容超过大小上限"}
    refusal = RefusedWebhookCall.objects.get()
    assert refusal.reason == "invalid_event" and refusal.body_size == len(body)
    assert refusal.body_sha256 == hashlib.sha256(body[: 64 * 1024]).hexdigest()
    nothing_changed(shipment)


def test_the_webhook_only_takes_posts(client, shipment):
    assert client.get(WEBHOOK).status_code == 405


def test_a_delivered_parcel_delivers_the_case_without_a_visit(client, shipment):
    for number, code in enumerate(["collected", "in_transit", "out_for_delivery"], start=1):
        post(client, event(code=code, number=number))
    response = post(
        client, event(code="delivered", number=4, occurred_at="2026-12-02T15:30:00+08:00")
    )

    assert response.json()["shipment_state"] == "delivered"
    delivery = Delivery.objects.select_related("case").get()
    case = delivery.case
    assert delivery.state == DeliveryState.DELIVERED
    assert case.state == CaseState.DELIVERED and case.collected_by == "EMS 签收"
    assert case.collected_at.isoformat() == "2026-12-02T07:30:00+00:00"
    assert delivery.delivered_at == case.collected_at
    entry = AuditEntry.objects.get(action="mail_delivered")
    assert entry.from_state == "issued" and entry.to_state == "delivered"
    assert entry.details["tracking_number"] == TRACKING_NUMBER
    told = OutboundMessage.objects.get(event_key=f"delivered:{delivery.pk}", channel="sms")
    assert told.body.endswith("的结果已送达。") and told.address == "13800138000"
    assert not Visit.objects.filter(case=case, kind="pickup").exists()  # mail costs no visit


def test_a_late_event_never_moves_a_delivered_shipment_back(client, shipment):
    post(client, event(code="delivered", number=4))

    post(client, event(code="in_transit", number=2))

    assert Shipment.objects.get().state == ShipmentState.DELIVERED
    assert TrackingEvent.objects.count() == 2
    assert Delivery.objects.get().case.state == CaseState.DELIVERED


def test_a_returned_parcel_goes_back_to_the_window(client, shipment):
    post(client, event(code="returned", number=5, description="收件人拒收，退回"))

    assert Shipment.objects.get().state == ShipmentState.RETURNED
    delivery = Delivery.objects.select_related("case").get()
    assert delivery.state == DeliveryState.RETURNED
    assert delivery.case.state == CaseState.ISSUED
    assert AuditEntry.objects.filter(action="mail_returned").exists()


def test_operators_see_refused_calls_and_shipments_in_the_admin(client, shipment):
    from tests.factories import UserFactory

    post(client, event(), secret="wrong")
    admin_user = UserFactory(username="admin", is_staff=True, is_superuser=True)
    client.force_login(admin_user)

    refused_page = client.get("/admin/delivery/refusedwebhookcall/").content.decode()
    shipment_page = client.get(f"/admin/delivery/shipment/{shipment.pk}/change/").content.decode()

    assert "签名错误" in refused_page and "127.0.0.1" in refused_page
    assert TRACKING_NUMBER in shipment_page
    assert client.get("/admin/delivery/refusedwebhookcall/add/").status_code == 403


def test_a_flood_of_bad_calls_is_logged_but_kept_only_up_to_a_limit(
    client, shipment, monkeypatch, caplog
):
    from onewindow.delivery import webhook

    monkeypatch.setattr(webhook, "REFUSALS_KEPT_PER_MINUTE", 3)
    for _ in range(5):
        response = post(client, event(), secret="wrong")
        assert response.status_code == 401

    assert RefusedWebhookCall.objects.count() == 3
    assert caplog.text.count("courier webhook refused: bad_signature") == 5
    assert caplog.text.count("not kept: too many refusals from this address") == 2
    nothing_changed(shipment)


def test_an_event_costs_a_fixed_number_of_queries_and_a_replay_takes_no_lock(
    client, shipment, django_assert_num_queries
):
    # Inside the transaction (a savepoint here, BEGIN/COMMIT in production): find the shipment,
    # the duplicate check, lock case, delivery and shipment, check again under the locks, insert
    # the event, update the shipment.
    with django_assert_num_queries(2 + 8):
        assert post(client, event()).json()["status"] == "stored"
    # A replay: find the shipment and its stored event, nothing locked or written.
    with django_assert_num_queries(2 + 2):
        assert post(client, event()).json()["status"] == "duplicate"
