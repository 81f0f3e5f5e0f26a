"""Booking the parcel in the background: after the issuing transaction commits, with retries
(a doubling delay) while the courier is down, never twice, and not at all when the result went
another way meanwhile."""

import socket
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from onewindow.core.models import AuditEntry
from onewindow.delivery.actions.choice import do_choose_delivery
from onewindow.delivery.actions.issuing import do_issue_result
from onewindow.delivery.constants import DeliveryState
from onewindow.delivery.models import Delivery, Shipment
from onewindow.delivery.tasks import create_shipment
from onewindow.notifications.models import OutboundMessage
from tests.delivery.mail.conftest import ADDRESS, run_tasks
from tests.servers import RecordingHTTPServer

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("courier_clock")]

TASK = "onewindow.delivery.tasks.create_shipment"


@pytest.fixture
def issued_by_mail(
    accepted_case, clerk, decide, courier_settings, django_capture_on_commit_callbacks
):
    do_choose_delivery(accepted_case, method="mail", address=ADDRESS, acting_user=clerk)
    case = decide(accepted_case)
    with django_capture_on_commit_callbacks(execute=True):
        do_issue_result(case, acting_user=clerk)
    return Delivery.objects.get(case=case)


@pytest.fixture
def courier_down(courier_settings):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # Nothing listens there any more: connections are refused.
    courier_settings.ONEWINDOW_COURIER_URL = f"http://127.0.0.1:{port}"
    courier_settings.ONEWINDOW_COURIER_RETRY_SECONDS = 30
    courier_settings.ONEWINDOW_COURIER_ATTEMPTS = 3
    return courier_settings


def test_issuing_a_mail_result_queues_the_booking(issued_by_mail):
    queued = DBTaskResult.objects.get(task_path=TASK)
    assert queued.args_kwargs == {"args": [issued_by_mail.pk], "kwargs": {}}
    assert issued_by_mail.state == DeliveryState.READY


def test_the_booking_task_is_written_in_the_issuing_transaction(
    accepted_case, clerk, decide, courier_settings
):
    # Not on commit: a worker that dies right after committing the issue cannot lose it.
    do_choose_delivery(accepted_case, method="mail", address=ADDRESS, acting_user=clerk)
    case = decide(accepted_case)
    with pytest.raises(RuntimeError), transaction.atomic():
        do_issue_result(case, acting_user=clerk)
        assert DBTaskResult.objects.filter(task_path=TASK).count() == 1
        raise RuntimeError("rolled back")
    # ...and a rolled-back issue takes its task back.
    assert not DBTaskResult.objects.filter(task_path=TASK).exists()


def test_the_booking_names_itself_by_an_idempotency_key(issued_by_mail, courier_settings):
    courier = RecordingHTTPServer(response={"tracking_number": "EMS0000000001CN"}).start()
    courier_settings.ONEWINDOW_COURIER_URL = courier.url
    try:
        assert create_shipment.call(issued_by_mail.pk)["tracking_number"] == "EMS0000000001CN"
    finally:
        courier.stop()
    [request] = courier.requests
    reference = f"onewindow-delivery-{issued_by_mail.pk}"
    assert (request.headers["idempotency-key"], request.json()["reference"]) == (
        reference,
        reference,
    )


# The worker closes its connection when done, as a real one does: a transactional test.
@pytest.mark.django_db(transaction=True)
def test_a_courier_that_is_down_is_tried_again_later(issued_by_mail, courier_down):
    started = timezone.now()

    run_tasks()

    first, retry = DBTaskResult.objects.filter(task_path=TASK).order_by("enqueued_at")
    assert first.status == "SUCCESSFUL" and first.return_value["retry_in"] == 30
    assert "courier unreachable" in first.return_value["error"]
    assert retry.status == "READY" and retry.args_kwargs["kwargs"] == {"attempt": 2}
    assert retry.run_after >= started + timedelta(seconds=30)
    assert not Shipment.objects.exists()
    issued_by_mail.refresh_from_db()
    assert issued_by_mail.state == DeliveryState.READY


def test_the_retry_delay_doubles_and_the_last_attempt_gives_up(
    issued_by_mail, courier_down, caplog
):
    assert create_shipment.call(issued_by_mail.pk, attempt=2)["retry_in"] == 60

    result = create_shipment.call(issued_by_mail.pk, attempt=3)

    assert result["shipped"] is False and "retry_in" not in result
    assert f"shipment for delivery {issued_by_mail.pk} failed after 3 attempts" in caplog.text
    # The first queued task and the retry of attempt 2; nothing after the last attempt.
    assert DBTaskResult.objects.filter(task_path=TASK).count() == 2


def test_the_booking_is_made_once_however_often_the_task_runs(issued_by_mail, courier_simulator):
    first = create_shipment.call(issued_by_mail.pk)
    again = create_shipment.call(issued_by_mail.pk)

    assert first["shipped"] and again["tracking_number"] == first["tracking_number"]
    assert Shipment.objects.count() == 1 and len(courier_simulator.shipments) == 1
    assert OutboundMessage.objects.filter(template="shipped", channel="sms").count() == 1
    assert AuditEntry.objects.filter(action="ship_result").count() == 1
    issued_by_mail.refresh_from_db()
    assert issued_by_mail.state == DeliveryState.SHIPPED


def test_nothing_is_booked_when_the_applicant_switched_to_the_window(
    issued_by_mail, courier_simulator, clerk
):
    do_choose_delivery(issued_by_mail.case, method="window", acting_user=clerk)

    assert create_shipment.call(issued_by_mail.pk) == {"shipped": False, "attempt": 1}
    assert not Shipment.objects.exists() and courier_simulator.shipments == {}


# The worker closes its connection when done, as a real one does: a transactional test.
@pytest.mark.django_db(transaction=True)
def test_switching_an_issued_result_to_mail_books_it(
    accepted_case, clerk, decide, courier_simulator, django_capture_on_commit_callbacks
):
    case = decide(accepted_case)
    with django_capture_on_commit_callbacks(execute=True):
        do_issue_result(case, acting_user=clerk)  # window pickup, the default
    assert not DBTaskResult.objects.filter(task_path=TASK).exists()

    with django_capture_on_commit_callbacks(execute=True):
        do_choose_delivery(case, method="mail", address=ADDRESS, acting_user=clerk)
    run_tasks()

    assert Shipment.objects.get().delivery.case_id == case.pk


# The worker closes its connection when done, as a real one does: a transactional test.
@pytest.mark.django_db(transaction=True)
def test_a_parcel_that_came_back_can_be_mailed_again(
    issued_by_mail, courier_simulator, clerk, django_capture_on_commit_callbacks
):
    from onewindow.delivery.actions.mail import do_record_tracking_event, tracking_input

    first = create_shipment.call(issued_by_mail.pk)["tracking_number"]
    do_record_tracking_event(
        tracking_input(
            {
                "event_id": "back",
                "tracking_number": first,
                "code": "returned",
                "occurred_at": "2026-12-03T10:00:00+08:00",
            }
        )
    )
    issued_by_mail.refresh_from_db()
    assert issued_by_mail.state == DeliveryState.RETURNED

    with django_capture_on_commit_callbacks(execute=True):
        do_choose_delivery(
            issued_by_mail.case,
            method="mail",
            address={**ADDRESS, "street": "淡水街道人民四路 8 号"},
            acting_user=clerk,
        )
    run_tasks()

    second = Shipment.objects.exclude(tracking_number=first).get()
    assert second.state == "created"
    assert courier_simulator.shipments[second.tracking_number]["address"]["street"] == (
        "淡水街道人民四路 8 号"
    )
    assert courier_simulator.shipments[second.tracking_number]["reference"].endswith("-2")
    issued_by_mail.refresh_from_db()
    assert issued_by_mail.state == DeliveryState.SHIPPED
    shipped = OutboundMessage.objects.filter(template="shipped", channel="sms").order_by("id")
    assert [m.body.split("运单号")[1] for m in shipped] == [
        f"{first}。",
        f"{second.tracking_number}。",
    ]
