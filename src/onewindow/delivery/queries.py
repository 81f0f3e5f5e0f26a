"""Reads of delivery: a case's delivery with its address, shipments and tracking events."""

from django.db.models import Prefetch

from onewindow.delivery.models import Delivery, Shipment, TrackingEvent


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
