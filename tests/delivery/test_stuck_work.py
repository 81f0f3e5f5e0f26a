"""The supervisor's board lists the background work left undone after
ONEWINDOW_STUCK_AFTER_MINUTES: cases decided but not issued, and issued results whose SMS did
not go out or whose parcel was not booked. Held messages (no gateway configured) are not stuck."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from onewindow.delivery.actions.choice import do_choose_delivery
from onewindow.delivery.actions.issuing import do_issue_result
from onewindow.notifications.constants import MessageChannel, MessageState
from onewindow.notifications.models import OutboundMessage
from tests.cases.conftest import citizen, clerk, hall, reviewer_market, supervisor  # noqa: F401
from tests.delivery.mail.conftest import ADDRESS, accept, decide, mail_item  # noqa: F401

pytestmark = pytest.mark.django_db

BOARD = "/supervision/"
T = timezone.make_aware(timezone.datetime(2026, 11, 25, 10, 0))


@pytest.fixture(autouse=True)
def _stuck_after(settings):
    settings.ONEWINDOW_STUCK_AFTER_MINUTES = 30


def stuck_rows(client, kind):
    """The case numbers of the board's stuck rows of `kind` (decided, message, parcel)."""
    page = client.get(BOARD).content.decode()
    rows = re.findall(rf'<tr class="stuck-{kind}">(.*?)</tr>', page, re.S)
    return [re.search(r">(\d{20})</a>", row).group(1) for row in rows]


def board(client):
    return re.sub(r"\s+", " ", client.get(BOARD).content.decode())


def test_a_case_decided_and_not_issued_is_listed_after_the_configured_minutes(
    settings,
    client,
    supervisor,  # noqa: F811
    accept,  # noqa: F811
    decide,  # noqa: F811
    mail_item,  # noqa: F811
    clerk,  # noqa: F811
):
    settings.ONEWINDOW_ISSUE_AFTER_DECISION = True  # (its task is never run here)
    client.force_login(supervisor)
    with time_machine.travel(T, tick=False) as clock:
        case = decide(accept(mail_item))
        clock.shift(timedelta(minutes=29))
        assert stuck_rows(client, "decided") == []
        assert "没有滞留的后台作业。" in board(client)
        clock.shift(timedelta(minutes=2))
        assert stuck_rows(client, "decided") == [case.number]
        assert "已决定，未出件" in board(client)
        do_issue_result(case, acting_user=clerk)
        assert stuck_rows(client, "decided") == []


def test_cases_issued_by_hand_are_not_stuck_work(
    client,
    supervisor,  # noqa: F811
    accept,  # noqa: F811
    decide,  # noqa: F811
    mail_item,  # noqa: F811
):
    # ONEWINDOW_ISSUE_AFTER_DECISION off (the suite's default): clerks issue with 出件.
    client.force_login(supervisor)
    with time_machine.travel(T, tick=False) as clock:
        decide(accept(mail_item))
        clock.shift(timedelta(hours=2))
        assert stuck_rows(client, "decided") == []


def test_an_issued_result_whose_sms_and_parcel_did_not_go_out_is_listed(
    client,
    supervisor,  # noqa: F811
    accept,  # noqa: F811
    decide,  # noqa: F811
    mail_item,  # noqa: F811
    clerk,  # noqa: F811
    database_tasks,
    sms_gateway,
):
    # The database queue and no worker: the SMS stay pending and the booking is never made.
    client.force_login(supervisor)
    with time_machine.travel(T, tick=False) as clock:
        case = accept(mail_item)
        do_choose_delivery(case, method="mail", address=ADDRESS, acting_user=clerk)
        do_issue_result(decide(case), acting_user=clerk)
        clock.shift(timedelta(minutes=29))
        assert stuck_rows(client, "message") == stuck_rows(client, "parcel") == []
        clock.shift(timedelta(minutes=2))
        unsent = OutboundMessage.objects.filter(channel=MessageChannel.SMS, case=case)
        assert {m.state for m in unsent} == {MessageState.PENDING}
        assert stuck_rows(client, "message") == [case.number] * unsent.count()
        assert stuck_rows(client, "parcel") == [case.number]
        page = board(client)
        assert "短信未发出" in page and "邮寄未向快递下单" in page
        assert f'<span class="dept-count is-red">{unsent.count() + 1}</span>' in page


def test_held_messages_are_not_stuck(
    client,
    supervisor,  # noqa: F811
    accept,  # noqa: F811
    decide,  # noqa: F811
    mail_item,  # noqa: F811
    clerk,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    # No gateway configured (the demo): SMS are held for staff to read, not stuck.
    client.force_login(supervisor)
    with time_machine.travel(T, tick=False) as clock:
        with django_capture_on_commit_callbacks(execute=True):
            case = decide(accept(mail_item))
            do_issue_result(case, acting_user=clerk)
        clock.shift(timedelta(hours=2))
        assert set(
            OutboundMessage.objects.filter(channel=MessageChannel.SMS).values_list(
                "state", flat=True
            )
        ) == {MessageState.HELD}
        assert stuck_rows(client, "message") == []
        assert "没有滞留的后台作业。" in board(client)
