"""A message left "sending" by a worker that died is sent again once its claim runs out (seconds,
ONEWINDOW_MESSAGE_CLAIM_SECONDS), with the same idempotency key, so that a gateway that had
accepted it drops the repeat; a live claim is left to its worker. The kill of a real worker:
tests/delivery/test_worker_crash.py."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from onewindow.cases.models import Case
from onewindow.notifications.actions import do_send_message, do_sweep_outbox
from onewindow.notifications.constants import MessageChannel, MessageState
from onewindow.notifications.models import OutboundMessage
from onewindow.notifications.notify import tell_applicant
from tests.notifications.conftest import queued_sends

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(timezone.datetime(2026, 11, 25, 10, 0))


@pytest.fixture
def claims(settings):
    settings.ONEWINDOW_MESSAGE_CLAIM_SECONDS = 30


def left_sending(case, *, channel=MessageChannel.SMS, claimed_seconds_ago):
    """The message of an event, claimed and attempted once by a worker that then died."""
    [message] = [
        m
        for m in tell_applicant(case, "delivered", event_key=f"delivered:{case.pk}")
        if m.channel == channel
    ]
    OutboundMessage.objects.filter(pk=message.pk).update(
        state=MessageState.SENDING,
        attempts=1,
        claimed_at=NOW - timedelta(seconds=claimed_seconds_ago),
    )
    return message


def test_a_message_whose_claim_ran_out_is_sent_again_with_its_idempotency_key(
    accepted_case, sms_gateway, claims
):
    sms = left_sending(accepted_case, claimed_seconds_ago=31)
    with time_machine.travel(NOW, tick=False):
        assert do_send_message(sms.pk) == "sent"
    sms.refresh_from_db()
    assert (sms.state, sms.attempts, sms.claimed_at) == (MessageState.SENT, 2, NOW)
    [request] = sms_gateway.requests
    assert request.headers["idempotency-key"] == str(sms.pk)
    assert request.json()["message_id"] == str(sms.pk)


def test_a_live_claim_is_left_to_its_worker_and_looked_at_again_when_it_runs_out(
    accepted_case, sms_gateway, claims, database_tasks
):
    sms = left_sending(accepted_case, claimed_seconds_ago=5)
    with time_machine.travel(NOW, tick=False):
        assert do_send_message(sms.pk) == "claimed"
    assert sms_gateway.requests == []
    sms.refresh_from_db()
    assert (sms.state, sms.attempts) == (MessageState.SENDING, 1)
    # The task that found it claimed comes back when the claim runs out (25 s later).
    assert (sms.pk, NOW + timedelta(seconds=25), "READY") in queued_sends()


def test_the_sweeper_sends_a_message_abandoned_mid_send_at_once(
    accepted_case, sms_gateway, claims, database_tasks
):
    sms = left_sending(accepted_case, claimed_seconds_ago=31)
    before = len(queued_sends())
    with time_machine.travel(NOW, tick=False):
        # Not after LOST_AFTER_SECONDS twice over (11.5 minutes), but once its claim ran out.
        assert do_sweep_outbox() == 1
    assert queued_sends()[before:] == [(sms.pk, None, "READY")]


def test_the_sweeper_leaves_a_live_claim_alone(accepted_case, claims, database_tasks):
    left_sending(accepted_case, claimed_seconds_ago=29)
    with time_machine.travel(NOW, tick=False):
        assert do_sweep_outbox() == 0


def test_a_mail_sent_again_keeps_its_message_id(accepted_case, smtp_server, claims):
    Case.objects.filter(pk=accepted_case.pk).update(applicant_email="liming@example.cn")
    accepted_case.refresh_from_db()
    mail = left_sending(accepted_case, channel=MessageChannel.EMAIL, claimed_seconds_ago=31)
    with time_machine.travel(NOW, tick=False):
        assert do_send_message(mail.pk) == "sent"
    OutboundMessage.objects.filter(pk=mail.pk).update(
        state=MessageState.SENDING, claimed_at=NOW - timedelta(seconds=31)
    )
    with time_machine.travel(NOW, tick=False):
        assert do_send_message(mail.pk) == "sent"
    first, second = smtp_server.messages
    assert (
        first["Message-ID"]
        == second["Message-ID"]
        == f"<onewindow-message-{mail.pk}@zwfw.example.gov.cn>"
    )
