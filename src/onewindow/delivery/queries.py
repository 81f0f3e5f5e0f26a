"""Reads of delivery that need care."""

from onewindow.delivery.constants import MessageChannel
from onewindow.delivery.notify import APPLICANT_INBOX

# The progress page lists at most this many messages (the latest).
APPLICANT_MESSAGES_SHOWN = 30


def applicant_messages(case):
    """The applicant's latest in-app messages about `case`, in the order they were sent, as the
    timeline beside them (index: delivery's foreign key on case)."""
    from onewindow.delivery.models import OutboundMessage

    latest = OutboundMessage.objects.filter(
        case=case, channel=MessageChannel.IN_APP, address=APPLICANT_INBOX
    ).order_by("-created_at", "-id")[:APPLICANT_MESSAGES_SHOWN]
    return list(reversed(latest))
