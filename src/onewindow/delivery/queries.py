"""Reads of delivery that need care."""

from onewindow.delivery.constants import MessageChannel
from onewindow.delivery.notify import APPLICANT_INBOX

# The progress page lists at most this many messages, newest first.
APPLICANT_MESSAGES_SHOWN = 30


def applicant_messages(case):
    """The applicant's in-app messages about `case`, newest first (index delivery's FK on case)."""
    from onewindow.delivery.models import OutboundMessage

    return list(
        OutboundMessage.objects.filter(
            case=case, channel=MessageChannel.IN_APP, address=APPLICANT_INBOX
        ).order_by("-created_at", "-id")[:APPLICANT_MESSAGES_SHOWN]
    )
