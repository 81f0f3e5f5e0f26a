"""Sending outbox messages: claim, send, retry with backoff, give up; staff retry; the sweeper.

A message is sent by the task `delivery.tasks.send_message` (one per message). The task claims
the message with a conditional UPDATE (pending → sending): of two workers given the same message
(a repeated task, a sweep racing a retry), one wins and the other does nothing. The send itself
runs outside any transaction: a slow gateway holds no lock.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from onewindow.cases.errors import CaseActionError, forbidden, not_found
from onewindow.cases.permissions import is_supervisor
from onewindow.core import audit
from onewindow.delivery.channels import SENDERS, SendFailed, masked_address
from onewindow.delivery.constants import RETRYABLE_STATES, MessageState
from onewindow.delivery.models import OutboundMessage
from onewindow.delivery.notify import enqueue_sends

logger = logging.getLogger(__name__)

# A pending message whose next attempt is this late has lost its task (a worker died, the task
# table was pruned, enqueuing failed): the sweeper enqueues it again. So is a message claimed this
# long ago and never finished (its worker died mid-send; the gateway may drop the repeat by id).
LOST_AFTER_SECONDS = 300


def retry_delay(attempts):
    """Seconds to wait after the `attempts`-th failed attempt: the base delay, doubled each time."""
    return settings.ONEWINDOW_MESSAGE_RETRY_SECONDS * 2 ** (attempts - 1)


def do_send_message(message_id):
    """Send one message if it is still pending; returns what became of it ("sent", "held",
    "retry", "failed", or "skipped" when it was not pending). Safe to run twice."""
    now = timezone.now()
    claimed = OutboundMessage.objects.filter(pk=message_id, state=MessageState.PENDING).update(
        state=MessageState.SENDING, claimed_at=now, attempts=F("attempts") + 1
    )
    if not claimed:
        # Nothing got updated: sent already, or another worker got there first.
        return "skipped"
    message = OutboundMessage.objects.get(pk=message_id)
    sender = SENDERS.get(message.channel)
    try:
        if sender is None:
            raise SendFailed(f"无法发送的渠道 / No sender for channel {message.channel}")
        state = sender(message)
    except SendFailed as error:
        return _attempt_failed(message, str(error))
    except Exception as error:  # a bug must not leave the message stuck in "sending"
        logger.exception("message %s: unexpected error while sending", message.pk)
        return _attempt_failed(message, f"{type(error).__name__}: {error}")
    OutboundMessage.objects.filter(pk=message.pk, state=MessageState.SENDING).update(
        state=state,
        sent_at=timezone.now() if state == MessageState.SENT else None,
        next_attempt_at=None,
        last_error="",
    )
    logger.info(
        "message %s (%s %s to %s): %s",
        message.pk,
        message.template,
        message.channel,
        masked_address(message),
        state,
    )
    return str(state)


def _attempt_failed(message, error):
    attempts = message.attempts
    if attempts >= settings.ONEWINDOW_MESSAGE_MAX_ATTEMPTS:
        OutboundMessage.objects.filter(pk=message.pk, state=MessageState.SENDING).update(
            state=MessageState.FAILED, last_error=error, next_attempt_at=None
        )
        logger.warning(
            "message %s (%s to %s) failed after %s attempts: %s",
            message.pk,
            message.channel,
            masked_address(message),
            attempts,
            error,
        )
        return "failed"
    run_after = timezone.now() + timedelta(seconds=retry_delay(attempts))
    OutboundMessage.objects.filter(pk=message.pk, state=MessageState.SENDING).update(
        state=MessageState.PENDING, last_error=error, next_attempt_at=run_after
    )
    logger.info(
        "message %s (%s to %s) attempt %s failed, retrying at %s: %s",
        message.pk,
        message.channel,
        masked_address(message),
        attempts,
        run_after.isoformat(),
        error,
    )
    _enqueue_retry(message.pk, run_after)
    return "retry"


def _enqueue_retry(message_id, run_after):
    from onewindow.delivery.tasks import send_message

    if not send_message.get_backend().supports_defer:
        # E.g. the immediate backend of some tests: the sweeper enqueues it when it is due.
        return
    try:
        send_message.using(run_after=run_after).enqueue(message_id)
    except Exception:
        logger.exception("could not enqueue the retry of message %s; the sweeper will", message_id)


def may_see_messages(user):
    """Supervisors (and superusers) see the outbox: failed and held messages and their texts."""
    return is_supervisor(user)


@transaction.atomic
def do_retry_message(message, *, acting_user, client_address=None):
    """A staff member sends a failed (or held) message again, with a fresh set of attempts."""
    if not may_see_messages(acting_user):
        raise forbidden("只有电子监察人员可以重发消息 / Only supervisors can resend messages")
    pk = message.pk if isinstance(message, OutboundMessage) else message
    message = OutboundMessage.objects.select_for_update().filter(pk=pk).first()
    if message is None:
        raise not_found("消息不存在 / Message not found")
    if message.state not in RETRYABLE_STATES:
        raise CaseActionError(
            "wrong_state",
            f"当前状态“{message.get_state_display()}”下不能重发 / "
            f"Only failed or held messages can be resent (state '{message.state}')",
        )
    from_state = message.state
    message.state, message.attempts = MessageState.PENDING, 0
    message.next_attempt_at = timezone.now()
    message.save(update_fields=["state", "attempts", "next_attempt_at"])
    audit.record(
        action="retry_message",
        obj=message,
        acting_user=acting_user,
        from_state=from_state,
        to_state=message.state,
        client_address=client_address,
        details={"event_key": message.event_key, "channel": message.channel},
    )
    enqueue_sends([message.pk])
    return message


def do_sweep_outbox(*, now=None):
    """Enqueue again the messages whose task was lost; returns how many. Index message_state_due."""
    now = now or timezone.now()
    late = now - timedelta(seconds=LOST_AFTER_SECONDS)
    with transaction.atomic():
        # A worker died mid-send: give the message back (its attempt counts).
        OutboundMessage.objects.filter(state=MessageState.SENDING, claimed_at__lt=late).update(
            state=MessageState.PENDING, next_attempt_at=now
        )
        lost = list(
            OutboundMessage.objects.select_for_update(skip_locked=True)
            .filter(Q(next_attempt_at__lt=late) | Q(next_attempt_at__isnull=True))
            .filter(state=MessageState.PENDING)
            .values_list("pk", flat=True)[:1000]
        )
        # Pushed forward: swept again only if this task is lost too.
        OutboundMessage.objects.filter(pk__in=lost).update(next_attempt_at=now)
        enqueue_sends(lost)
    if lost:
        logger.warning("outbox sweeper re-enqueued %s lost messages", len(lost))
    return len(lost)
