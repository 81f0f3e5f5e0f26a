"""Sending is a background task on the database queue: a failed attempt re-enqueues the task with
exponential backoff; after the last attempt the message is failed, with the error, on the staff
page, whose retry button sends it again. Transactional: the worker reads what was committed."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from onewindow.core.models import AuditEntry
from onewindow.notifications.constants import MessageChannel, MessageState
from onewindow.notifications.models import OutboundMessage
from onewindow.notifications.notify import tell_applicant
from tests.notifications.conftest import queued_sends, run_worker

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def retries(settings, database_tasks):
    settings.ONEWINDOW_MESSAGE_MAX_ATTEMPTS = 3
    settings.ONEWINDOW_MESSAGE_RETRY_SECONDS = 30


def ready_sends():
    return [send for send in queued_sends() if send[2] == "READY"]


def tell_shipped(case):
    """The 'shipped' SMS, committed and enqueued (autocommit: on_commit runs at once)."""
    [sms] = [
        m
        for m in tell_applicant(
            case, "shipped", event_key=f"shipped:{case.pk}", context={"tracking_number": "EM1CN"}
        )
        if m.channel == MessageChannel.SMS
    ]
    return sms


def test_a_failing_gateway_is_retried_with_backoff_until_it_answers(
    accepted_case, sms_gateway, retries
):
    sms_gateway.statuses = [500, 503]  # fails twice, then 200
    with time_machine.travel(timezone.now(), tick=False) as clock:
        start = timezone.now()
        sms = tell_shipped(accepted_case)
        assert queued_sends() == [(sms.pk, None, "READY")]

        run_worker()
        sms.refresh_from_db()
        assert (sms.state, sms.attempts) == (MessageState.PENDING, 1)
        assert sms.last_error == "短信网关返回 HTTP 500"
        assert sms.next_attempt_at == start + timedelta(seconds=30)
        assert ready_sends() == [(sms.pk, start + timedelta(seconds=30), "READY")]

        # Not yet due: the worker leaves it.
        clock.shift(29)
        run_worker()
        assert len(sms_gateway.requests) == 1

        clock.shift(1)
        run_worker()
        sms.refresh_from_db()
        assert (sms.state, sms.attempts) == (MessageState.PENDING, 2)
        assert "HTTP 503" in sms.last_error
        second_try = start + timedelta(seconds=30)
        assert sms.next_attempt_at == second_try + timedelta(seconds=60)  # doubled

        clock.shift(60)
        run_worker()
    sms.refresh_from_db()
    assert (sms.state, sms.attempts, sms.last_error) == (MessageState.SENT, 3, "")
    assert len(sms_gateway.requests) == 3
    assert {r.json()["message_id"] for r in sms_gateway.requests} == {str(sms.pk)}
    assert [status for _, _, status in queued_sends()] == ["SUCCESSFUL"] * 3


def test_a_message_that_keeps_failing_is_shown_to_staff_and_retried_from_there(
    accepted_case, sms_gateway, retries, client, supervisor
):
    sms_gateway.status = 502
    with time_machine.travel(timezone.now(), tick=False) as clock:
        sms = tell_shipped(accepted_case)
        for delay in (0, 30, 60):
            clock.shift(delay)
            run_worker()
    sms.refresh_from_db()
    assert (sms.state, sms.attempts, sms.next_attempt_at) == (MessageState.FAILED, 3, None)
    assert sms.last_error == "短信网关返回 HTTP 502"
    assert len(sms_gateway.requests) == 3

    client.force_login(supervisor)
    page = client.get(reverse("notifications:outbox"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "短信网关返回 HTTP 502" in html and "EM1CN" in html and "重新发送" in html

    sms_gateway.status = 200
    response = client.post(reverse("notifications:outbox_retry", args=[sms.pk]))
    assert response.status_code == 302
    sms.refresh_from_db()
    assert (sms.state, sms.attempts) == (MessageState.PENDING, 0)
    entry = AuditEntry.objects.get(action="retry_message")
    assert (entry.actor_id, entry.from_state, entry.to_state) == (
        supervisor.pk,
        MessageState.FAILED,
        MessageState.PENDING,
    )
    run_worker()
    sms.refresh_from_db()
    assert (sms.state, sms.attempts) == (MessageState.SENT, 1)
    assert len(sms_gateway.requests) == 4


def test_an_unreachable_gateway_is_a_failure_with_its_reason(accepted_case, settings, retries):
    settings.ONEWINDOW_SMS_GATEWAY_URL = "http://127.0.0.1:9/sms/send"  # discard port: refused
    settings.ONEWINDOW_MESSAGE_MAX_ATTEMPTS = 1
    sms = tell_shipped(accepted_case)
    run_worker()
    sms.refresh_from_db()
    assert sms.state == MessageState.FAILED
    assert sms.last_error.startswith("无法连接短信网关")
    assert "refused" in sms.last_error.lower()


def test_the_sweeper_enqueues_messages_whose_task_was_lost(accepted_case, sms_gateway, retries):
    from django_tasks_db.models import DBTaskResult

    from onewindow.notifications.actions import do_sweep_outbox

    sms = tell_shipped(accepted_case)
    DBTaskResult.objects.all().delete()  # the task is lost
    assert do_sweep_outbox() == 0  # too recent to be lost: its task may still come
    later = timezone.now() + timedelta(minutes=6)
    assert do_sweep_outbox(now=later) == 1
    assert do_sweep_outbox(now=later) == 0  # pushed forward: not enqueued twice
    run_worker()
    sms.refresh_from_db()
    assert sms.state == MessageState.SENT and len(sms_gateway.requests) == 1


def test_two_workers_on_the_same_queue_send_once(accepted_case, sms_gateway, retries):
    from onewindow.notifications.tasks import send_message

    sms = tell_shipped(accepted_case)
    send_message.enqueue(sms.pk)  # a duplicate task, as a sweep racing the first would make
    run_worker()
    assert len(sms_gateway.requests) == 1
    assert sorted(status for _, _, status in queued_sends()) == ["SUCCESSFUL", "SUCCESSFUL"]
    assert OutboundMessage.objects.get(pk=sms.pk).attempts == 1


def test_acceptance_enqueues_its_sms_in_its_own_batch(receive, clerk, sms_gateway, retries):
    from onewindow.cases.actions import do_accept_case

    case = do_accept_case(receive(), acting_user=clerk)
    sms = OutboundMessage.objects.get(case=case, channel=MessageChannel.SMS)
    # The task row was written by the acceptance's batch, not after it.
    assert queued_sends() == [(sms.pk, None, "READY")]
    run_worker()
    [text] = sms_gateway.texts()
    assert f"办件编号{case.number}" in text
    sms.refresh_from_db()
    assert sms.state == MessageState.SENT


def test_a_refused_acceptance_enqueues_nothing(receive, clerk, retries):
    from onewindow.cases.actions import do_accept_case
    from onewindow.cases.errors import CaseActionError

    intake = receive(except_names=("营业执照",))
    with pytest.raises(CaseActionError):
        do_accept_case(intake, acting_user=clerk)
    assert queued_sends() == []
    assert not OutboundMessage.objects.exists()


def test_a_rolled_back_action_leaves_neither_message_nor_task(accepted_case, retries):
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        tell_shipped(accepted_case)
        raise RuntimeError("the action failed after telling")
    assert not OutboundMessage.objects.filter(template="shipped").exists()
    assert queued_sends() == []
