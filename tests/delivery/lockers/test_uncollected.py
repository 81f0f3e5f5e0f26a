"""Results nobody collects from a locker: a reminder after ONEWINDOW_LOCKER_REMIND_DAYS, then back
to the window after ONEWINDOW_LOCKER_RETURN_DAYS with a new window pickup code; run by the
periodic task."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from onewindow.cases.constants import CaseState
from onewindow.cases.errors import CaseActionError
from onewindow.catalog.constants import DeliveryMethod
from onewindow.core.scheduler import registered
from onewindow.delivery.actions import do_collect_from_locker, do_deposit_in_locker
from onewindow.delivery.constants import CompartmentState, DeliveryState
from onewindow.delivery.models import WindowPickup
from onewindow.delivery.tasks import remind_and_return_locker_items
from onewindow.notifications.models import OutboundMessage
from tests.pickup import collect, sent_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def deposited(issued, clerk, locker):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        deposit = do_deposit_in_locker(
            issued(DeliveryMethod.LOCKER), locker=locker, acting_user=clerk
        )
    deposit.start = start
    return deposit


def run_task_at(moment):
    with time_machine.travel(moment, tick=False):
        return remind_and_return_locker_items.call()


def templates(case):
    return list(
        OutboundMessage.objects.filter(case=case, channel="sms")
        .exclude(template__in=["accepted", "decided"])
        .order_by("id")
        .values_list("template", flat=True)
    )


def test_the_task_is_registered_as_periodic():
    assert "onewindow.delivery.tasks.remind_and_return_locker_items" in registered()


def test_nothing_happens_before_the_reminder_day(deposited):
    result = run_task_at(deposited.start + timedelta(days=1, hours=23))

    assert result == {"reminded": 0, "returned": 0}
    assert templates(deposited.delivery.case) == ["locker_code"]


def test_an_uncollected_result_is_reminded_once(deposited, settings):
    result = run_task_at(deposited.start + timedelta(days=2, minutes=1))
    again = run_task_at(deposited.start + timedelta(days=3))

    assert result == {"reminded": 1, "returned": 0} and again == {"reminded": 0, "returned": 0}
    case = deposited.delivery.case
    assert templates(case) == ["locker_code", "locker_reminder"]
    reminder = OutboundMessage.objects.get(case=case, template="locker_reminder", channel="sms")
    assert (
        "仍在政务服务中心一楼取件柜第1号格口" in reminder.body and "逾期将退回窗口" in reminder.body
    )
    deposited.refresh_from_db()
    assert deposited.reminded_at is not None and deposited.returned_at is None


def test_an_overdue_result_returns_to_the_window_with_a_new_code(deposited, clerk, hall):
    run_task_at(deposited.start + timedelta(days=2, minutes=1))
    result = run_task_at(deposited.start + timedelta(days=5, minutes=1))

    assert result == {"reminded": 0, "returned": 1}
    deposited.refresh_from_db()
    assert deposited.returned_at is not None
    assert deposited.compartment.state == CompartmentState.FREE
    case = deposited.delivery.case
    case.refresh_from_db()
    assert case.state == CaseState.ISSUED and case.delivery.state == DeliveryState.RETURNED
    assert templates(case) == ["locker_code", "locker_reminder", "ready_for_pickup"]
    pickup = WindowPickup.objects.get(delivery__case=case)
    assert pickup.service_point == hall

    # The locker code no longer opens anything; the window code hands it over.
    with pytest.raises(CaseActionError) as caught:
        do_collect_from_locker(deposited.locker, code=deposited.code)
    assert (caught.value.status, caught.value.code) == (410, "code_returned")
    assert caught.value.message.startswith("逾期未取，结果已退回窗口")
    collect(case, clerk, code=sent_code(case))
    case.refresh_from_db()
    assert case.state == CaseState.DELIVERED


def test_a_result_collected_in_time_is_neither_reminded_nor_returned(deposited):
    do_collect_from_locker(deposited.locker, code=deposited.code)

    result = run_task_at(deposited.start + timedelta(days=6))

    assert result == {"reminded": 0, "returned": 0}
    assert templates(deposited.delivery.case) == ["locker_code", "delivered"]


def test_the_days_are_settings(deposited, settings):
    settings.ONEWINDOW_LOCKER_REMIND_DAYS = 1

    assert run_task_at(deposited.start + timedelta(days=1, minutes=1))["reminded"] == 1
