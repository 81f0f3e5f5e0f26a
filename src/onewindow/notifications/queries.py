"""Reads of notifications that need care: the staff notices a person sees and which are unread,
the applicant's in-app messages, the messages that did not go out."""

from django.db.models import Exists, OuterRef, Q, Subquery

from onewindow.notifications.constants import MessageChannel, MessageState
from onewindow.notifications.models import Notification, NotificationRead, OutboundMessage
from onewindow.notifications.notify import APPLICANT_INBOX


def visible_notifications(user):
    """Messages to the user, and to the user's department as a whole.

    Indexes: the foreign-key indexes on recipient and on department (a BitmapOr on PostgreSQL);
    a page newest first may walk the created_at index instead.
    """
    mine = Q(recipient=user)
    if user.department_id:
        mine |= Q(recipient__isnull=True, department_id=user.department_id)
    return Notification.objects.filter(mine)


def _reads_by(user):
    """This user's read marks, for a subquery correlated on the notification's pk.

    Index: notification_read_once (user, notification): one probe per listed notification, or
    one range scan of the user's marks for an anti-join.
    """
    return NotificationRead.objects.filter(user=user, notification=OuterRef("pk"))


def notifications_for(user):
    """visible_notifications with `read_at`: when this user read each one, None while unread.

    The read state comes in the same query (a correlated subquery), so a page of notifications
    is one query however long it is, not one more per row.
    """
    read_at = Subquery(_reads_by(user).values("read_at")[:1])
    return visible_notifications(user).annotate(read_at=read_at)


def unread_notifications(user):
    """The visible notifications this user has not read: NOT EXISTS on notification_read_once."""
    return visible_notifications(user).filter(~Exists(_reads_by(user)))


# The progress page lists at most this many messages (the latest).
APPLICANT_MESSAGES_SHOWN = 30


def applicant_messages(case):
    """The applicant's latest in-app messages about `case`, in the order they were sent, as the
    timeline beside them (index: the foreign key on case)."""
    latest = OutboundMessage.objects.filter(
        case=case, channel=MessageChannel.IN_APP, address=APPLICANT_INBOX
    ).order_by("-created_at", "-id")[:APPLICANT_MESSAGES_SHOWN]
    return list(reversed(latest))


# Messages that have not reached the applicant (held ones wait for a gateway to be configured and
# are listed on the outbox page).
UNSENT_STATES = (MessageState.PENDING, MessageState.SENDING, MessageState.FAILED)


def unsent_messages(before):
    """SMS and e-mails to applicants written before `before` and still not sent: the send task
    failed for good, or is stuck. Index: message_state_due (state first)."""
    return (
        OutboundMessage.objects.filter(
            state__in=UNSENT_STATES,
            channel__in=[MessageChannel.SMS, MessageChannel.EMAIL],
            case__isnull=False,
            created_at__lt=before,
        )
        .select_related("case")
        .order_by("created_at", "id")
    )
