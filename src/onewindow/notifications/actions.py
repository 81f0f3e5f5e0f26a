"""Sending outbox messages: claim, send, retry with backoff, give up; staff retry; the sweeper.

A message is sent by the task `notifications.tasks.send_message` (one per message). The task claims
the message with a conditional UPDATE (pending → sending): of two workers given the same message
(a repeated task, a sweep racing a retry), one wins and the other does nothing. The send itself
runs outside any transaction: a slow gateway holds no lock. The claim lasts
ONEWINDOW_MESSAGE_CLAIM_SECONDS: a message still sending after that was left by a worker that
died, and the next send task takes it over; the gateway drops the repeat by the message's id (its
idempotency key) if it had already accepted it.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from onewindow.accounts.constants import Role
from onewindow.core import audit
from onewindow.notifications.channels import SENDERS, SendFailed, masked_address
from onewindow.notifications.constants import RETRYABLE_STATES, MessageState
from onewindow.notifications.errors import MessageActionError, forbidden, not_found
from onewindow.notifications.models import OutboundMessage
from onewindow.notifications.notify import enqueue_sends

logger = logging.getLogger(__name__)

# A pending message whose next attempt is this late has lost its task (the task table was pruned,
# enqueuing failed): the sweeper enqueues it again. (A worker that dies mid-task is handled sooner:
# its task runs again, core/workers.py, and takes the message over once the claim has run out.)
LOST_AFTER_SECONDS = 300


def claim_expiry(now):
    """Claims made before this moment have run out: their worker died mid-send."""
    return now - timedelta(seconds=settings.ONEWINDOW_MESSAGE_CLAIM_SECONDS)


def retry_delay(attempts):
    """Seconds to wait after the `attempts`-th failed attempt: the base delay, doubled each time."""
    return settings.ONEWINDOW_MESSAGE_RETRY_SECONDS * 2 ** (attempts - 1)


def do_send_message(message_id):
    """Send one message if it is still pending, or sending under a claim that ran out; returns
    what became of it ("sent", "held", "retry", "failed", "claimed" when another run holds it,
    or "skipped" when it was done already). Safe to run twice."""
    now = timezone.now()
    claimable = Q(state=MessageState.PENDING) | Q(
        state=MessageState.SENDING, claimed_at__lt=claim_expiry(now)
    )
    claimed = OutboundMessage.objects.filter(claimable, pk=message_id).update(
        state=MessageState.SENDING, claimed_at=now, attempts=F("attempts") + 1
    )
    if not claimed:
        # Nothing got updated: done already, or another worker got there first.
        return _claimed_elsewhere(message_id)
    message = OutboundMessage.objects.get(pk=message_id)
    sender = SENDERS.get(message.channel)
    try:
        if sender is None:
            raise SendFailed(_("无法发送的渠道：%(channel)s") % {"channel": message.channel})
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


def _claimed_elsewhere(message_id):
    claimed_at = (
        OutboundMessage.objects.filter(pk=message_id, state=MessageState.SENDING)
        .values_list("claimed_at", flat=True)
        .first()
    )
    if claimed_at is None:
        return "skipped"
    # Another run is sending it, or died doing so (this may be that task, run again after its
    # worker died): look again when the claim runs out.
    _enqueue_retry(
        message_id, claimed_at + timedelta(seconds=settings.ONEWINDOW_MESSAGE_CLAIM_SECONDS)
    )
    return "claimed"


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
    from onewindow.notifications.tasks import send_message

    if not send_message.get_backend().supports_defer:
        # E.g. the immediate backend of some tests: the sweeper enqueues it when it is due.
        return
    try:
        send_message.using(run_after=run_after).enqueue(message_id)
    except Exception:
        logger.exception("could not enqueue the retry of message %s; the sweeper will", message_id)


def may_see_messages(user):
    """Supervisors (and superusers) see the outbox: failed and held messages and their texts."""
    return user.has_role(Role.SUPERVISOR)


@transaction.atomic
def do_retry_message(message, *, acting_user, client_address=None):
    """A staff member sends a failed (or held) message again, with a fresh set of attempts."""
    if not may_see_messages(acting_user):
        raise forbidden(_("只有电子监察人员可以重发消息"))
    pk = message.pk if isinstance(message, OutboundMessage) else message
    message = OutboundMessage.objects.select_for_update().filter(pk=pk).first()
    if message is None:
        raise not_found(_("消息不存在"))
    if message.state not in RETRYABLE_STATES:
        raise MessageActionError(
            "wrong_state",
            _("当前状态“%(state)s”下不能重发") % {"state": message.get_state_display()},
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
    pending_late = Q(state=MessageState.PENDING) & (
        Q(next_attempt_at__lt=late) | Q(next_attempt_at__isnull=True)
    )
    # Left mid-send by a dead worker: a send task takes the run-out claim over.
    abandoned = Q(state=MessageState.SENDING, claimed_at__lt=claim_expiry(now))
    with transaction.atomic():
        lost = list(
            OutboundMessage.objects.select_for_update(skip_locked=True)
            .filter(pending_late | abandoned)
            .values_list("pk", flat=True)[:1000]
        )
        # Pushed forward: swept again only if this task is lost too.
        OutboundMessage.objects.filter(pk__in=lost, state=MessageState.PENDING).update(
            next_attempt_at=now
        )
        enqueue_sends(lost)
    if lost:
        logger.warning("outbox sweeper re-enqueued %s lost messages", len(lost))
    return len(lost)
