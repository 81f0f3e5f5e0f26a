"""Reads of delivery that need care."""

from django.db.models import Prefetch

from onewindow.delivery.constants import MessageChannel
from onewindow.delivery.models import Delivery, Shipment, TrackingEvent
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


def delivery_of(case_id):
    """The case's Delivery with its mail address, shipments (newest first) and their tracking
    events (in order) in three queries; None when no method was chosen and nothing issued."""
    events = TrackingEvent.objects.order_by("occurred_at", "id")
    shipments = Shipment.objects.order_by("-created_at", "-id").prefetch_related(
        Prefetch("events", queryset=events)
    )
    return (
        Delivery.objects.select_related("mail_address")
        .prefetch_related(Prefetch("shipments", queryset=shipments))
        .filter(case_id=case_id)
        .first()
    )
