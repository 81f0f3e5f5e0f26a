"""Delivery actions racing from threads, each on its own connection (PostgreSQL only, as in
tests/cases/test_concurrency.py): the same tracking event posted twice at once is stored once and
delivers the case once; two workers booking one delivery record one shipment; a webhook event and
a change of delivery method never deadlock (both lock the case first)."""

import pytest
from django.db import connection

from onewindow.cases.errors import CaseActionError
from onewindow.core.models import AuditEntry
from onewindow.delivery.actions.choice import do_choose_delivery
from onewindow.delivery.actions.issuing import do_issue_result
from onewindow.delivery.actions.mail import (
    _record_shipment,
    do_create_shipment,
    do_record_tracking_event,
    tracking_input,
)
from onewindow.delivery.couriers import courier
from onewindow.delivery.models import Delivery, Shipment, TrackingEvent
from onewindow.notifications.models import OutboundMessage
from tests.cases.test_concurrency import race
from tests.delivery.mail.conftest import ADDRESS

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("courier_clock"),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs concurrent transactions (run with DATABASE_URL set to PostgreSQL)",
    ),
]


@pytest.fixture
def ready_by_mail(accepted_case, clerk, decide):
    do_choose_delivery(accepted_case, method="mail", address=ADDRESS, acting_user=clerk)
    case = decide(accepted_case)
    do_issue_result(case, acting_user=clerk)
    return Delivery.objects.get(case=case)


def delivered_event():
    return tracking_input(
        {
            "event_id": "EMS7770000001CN-4",
            "tracking_number": "EMS7770000001CN",
            "code": "delivered",
            "occurred_at": "2026-12-01T10:00:00+08:00",
        }
    )


@pytest.mark.parametrize("round_", range(3))
def test_the_same_event_at_once_is_stored_once(round_, ready_by_mail):
    _record_shipment(ready_by_mail.pk, "EMS7770000001CN", courier_code="ems")

    results = race(
        lambda: do_record_tracking_event(delivered_event()),
        lambda: do_record_tracking_event(delivered_event()),
    )

    assert sorted(created for _, created in results) == [False, True]
    assert TrackingEvent.objects.count() == 1
    assert AuditEntry.objects.filter(action="mail_delivered").count() == 1
    assert OutboundMessage.objects.filter(template="delivered", channel="sms").count() == 1


def test_two_workers_booking_one_delivery_record_one_shipment(ready_by_mail, courier_simulator):
    results = race(
        lambda: do_create_shipment(ready_by_mail.pk, courier=courier()),
        lambda: do_create_shipment(ready_by_mail.pk, courier=courier()),
    )

    assert not [r for r in results if isinstance(r, Exception)], results
    assert results[0].tracking_number == results[1].tracking_number
    assert Shipment.objects.count() == 1 and len(courier_simulator.shipments) == 1
    assert AuditEntry.objects.filter(action="ship_result").count() == 1


def test_an_event_and_a_change_of_method_do_not_deadlock(ready_by_mail, clerk):
    _record_shipment(ready_by_mail.pk, "EMS7770000001CN", courier_code="ems")
    case = ready_by_mail.case

    results = race(
        lambda: do_record_tracking_event(delivered_event()),
        lambda: do_choose_delivery(case, method="window", acting_user=clerk),
    )

    # The change comes too late either way: the result has left.
    assert isinstance(results[1], CaseActionError) and results[1].status == 409
    assert Delivery.objects.get().method == "mail"
