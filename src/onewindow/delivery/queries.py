"""Reads of delivery that need care."""

from django.db.models import Count, F, Max, OuterRef, Prefetch, Subquery

from onewindow.catalog.constants import DeliveryMethod
from onewindow.delivery.constants import DeliveryState
from onewindow.delivery.models import Delivery, Shipment, TrackingEvent, Visit


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


def unbooked_parcels(before):
    """Mailed results ready since before `before` and still not booked with the courier (the
    booking task gave up, or was lost), leaving out those waiting for 容缺 materials."""
    from onewindow.cases.queries import owing_tolerated_materials

    return (
        Delivery.objects.filter(
            method=DeliveryMethod.MAIL, state=DeliveryState.READY, updated_at__lt=before
        )
        .exclude(case__in=owing_tolerated_materials())
        .select_related("case")
        .order_by("updated_at", "id")
    )


def visits_over_promise():
    """The cases that cost their applicant more visits than their item promises (max_visits: 0
    零跑动, 1 最多跑一次), as rows {"case": id, "visits": n, "promised": m}, most visits first.

    Grouped over the visits (index: Visit's foreign key on case); cases are named by id, so that
    `cases` reads its own table (called lazily from cases.views.supervision)."""
    return (
        Visit.objects.filter(case__item__max_visits__isnull=False)
        .values("case")
        .annotate(visits=Count("id"), promised=Max("case__item__max_visits"))
        .filter(visits__gt=F("promised"))
        .order_by("-visits", "case")
    )


def results_waiting_at(point_id=None):
    """Issued results waiting at a window for their collector (窗口待领取), at the service point
    `point_id` (every point when None, for supervisors), the longest waiting first. A result
    waits where its latest uncollected pickup code sends the applicant (pickup.waiting_point);
    results still owing 容缺 materials are left out: they cannot be handed over yet, and are on
    the 容缺 worklist.

    Index: case_state_deadline (state first) narrows to the issued cases, few beside the whole
    table; then the one-to-one delivery by its unique case index and the pickups by their
    delivery's foreign-key index.
    """
    from onewindow.cases.constants import CaseState
    from onewindow.cases.queries import owing_tolerated_materials
    from onewindow.delivery.actions.pickup import AT_WINDOW
    from onewindow.delivery.models import WindowPickup

    latest = WindowPickup.objects.filter(
        delivery=OuterRef("pk"), collected_at__isnull=True
    ).order_by("-issued_at", "-id")
    waiting = (
        Delivery.objects.filter(case__state=CaseState.ISSUED, state__in=AT_WINDOW)
        .annotate(
            point_id=Subquery(latest.values("service_point_id")[:1]),
            waiting_since=Subquery(latest.values("issued_at")[:1]),
        )
        .filter(point_id__isnull=False)
        .exclude(case__in=owing_tolerated_materials())
        .select_related("case__item")
    )
    if point_id is not None:
        waiting = waiting.filter(point_id=point_id)
    return waiting.order_by("waiting_since", "id")
