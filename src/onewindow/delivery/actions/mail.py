"""Mail delivery (EMS): booking the shipment when the result is ready, and following the
courier's tracking events until the parcel is signed for.

Booking talks to the courier over the network, so it runs in a background task after the
issuing transaction commits, never inside it (no lock is held while the courier answers).
Tracking events arrive through the webhook, each stored once by its event id.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from onewindow.cases.actions.common import record
from onewindow.cases.constants import CaseState
from onewindow.cases.errors import CaseActionError
from onewindow.cases.models import Case
from onewindow.catalog.constants import DeliveryMethod
from onewindow.delivery.actions.routing import waiting_for_tolerated_materials
from onewindow.delivery.constants import (
    SHIPMENT_STATE_FOR_CODE,
    SHIPMENT_STATE_RANK,
    DeliveryState,
    ShipmentState,
    TrackingCode,
)
from onewindow.delivery.models import Delivery, MailAddress, Shipment, TrackingEvent
from onewindow.notifications.notify import tell_applicant

logger = logging.getLogger(__name__)

# Who signed for it, as the case records a collection.
SIGNED_FOR_BY_MAIL = "EMS 签收"
# A tracking event happens now and is posted within minutes. One more than a day ahead comes from
# a broken clock or time zone; one more than a year old belongs to no parcel we still track. Such
# times are refused rather than stored (a year-9999 event once broke every clerk's case page).
EVENT_AT_MOST_AHEAD = timedelta(days=1)
EVENT_AT_MOST_BEHIND = timedelta(days=366)


def ship_after_commit(delivery):
    """Inside the transaction that made the result ready: the booking task commits with it (a
    worker dying right after the commit cannot lose it) and runs once it has committed."""
    from onewindow.core.workers import enqueue_with_transaction
    from onewindow.delivery.tasks import create_shipment

    enqueue_with_transaction(create_shipment, delivery.pk)


def do_create_shipment(delivery_id, *, courier):
    """Book the parcel for a ready mail delivery: the courier gives a tracking number, the
    delivery is SHIPPED and the applicant told. Returns the Shipment, or None when there is
    nothing to ship (the method changed, or the result went another way meanwhile).

    Safe to run twice: an existing shipment is returned, and the courier answers a repeated
    reference with the same tracking number. Raises CourierError when the courier fails.
    """
    delivery = Delivery.objects.select_related("case").filter(pk=delivery_id).first()
    if delivery is None:
        return None
    existing = _current_shipment(delivery)
    if existing is not None:
        return existing
    address = MailAddress.objects.filter(delivery=delivery).first()
    if delivery.method != DeliveryMethod.MAIL or delivery.state != DeliveryState.READY:
        return None
    if waiting_for_tolerated_materials(delivery.case):
        # Switched to mail while 容缺 materials are outstanding: tolerated_materials_arrived
        # books it when the last one comes.
        logger.info("mail delivery %s waits for tolerated materials", delivery.pk)
        return None
    if address is None:
        logger.warning("mail delivery %s has no address: not shipped", delivery.pk)
        return None
    tracking_number = courier.create_shipment(delivery, address)
    return _record_shipment(delivery.pk, tracking_number, courier_code=courier.code)


@transaction.atomic
def _record_shipment(delivery_id, tracking_number, *, courier_code):
    # Locks in the order every delivery action takes them: case, delivery, shipment.
    case_id = Delivery.objects.filter(pk=delivery_id).values_list("case_id", flat=True).get()
    case = Case.objects.select_for_update(of=("self",)).get(pk=case_id)
    delivery = Delivery.objects.select_for_update().get(pk=delivery_id)
    existing = _current_shipment(delivery)
    if existing is not None:
        # Another worker booked it while the courier answered us (with the same number).
        return existing
    if delivery.method != DeliveryMethod.MAIL or delivery.state != DeliveryState.READY:
        logger.warning(
            "delivery %s changed while booking shipment %s: not recorded",
            delivery.pk,
            tracking_number,
        )
        return None
    shipment = Shipment.objects.create(
        delivery=delivery, courier=courier_code, tracking_number=tracking_number
    )
    delivery.state = DeliveryState.SHIPPED
    delivery.save(update_fields=["state", "updated_at"])
    record(
        case,
        "ship_result",
        acting_user=None,
        from_state=case.state,
        courier=courier_code,
        tracking_number=tracking_number,
    )
    # A parcel sent again after one came back is another event to tell.
    again = delivery.shipments.exclude(pk=shipment.pk).exists()
    tell_applicant(
        case,
        "shipped",
        event_key=f"shipped:{delivery.pk}:{shipment.pk}" if again else f"shipped:{delivery.pk}",
        context={"tracking_number": tracking_number},
    )
    return shipment


def _current_shipment(delivery):
    """The parcel on its way or signed for; one that came back does not count."""
    return delivery.shipments.exclude(state=ShipmentState.RETURNED).first()


@dataclass(frozen=True)
class TrackingInput:
    tracking_number: str
    event_id: str
    code: str
    occurred_at: datetime
    description: str = ""
    location: str = ""


def invalid_event(message):
    return CaseActionError("invalid_event", message, status=422)


def unknown_shipment():
    return CaseActionError("unknown_shipment", _("没有这个运单号"), status=404)


def tracking_input(payload):
    """A TrackingInput from the webhook's JSON object; 422 `invalid_event` naming what is wrong."""
    if not isinstance(payload, dict):
        raise invalid_event(_("事件应为 JSON 对象"))
    values = {}
    for name, limit in (("tracking_number", 40), ("event_id", 64)):
        value = payload.get(name)
        if not isinstance(value, str) or not value.strip() or len(value.strip()) > limit:
            raise invalid_event(_("缺少或无效的 %(name)s") % {"name": name})
        values[name] = value.strip()
    code = payload.get("code")
    if code not in TrackingCode.values:
        raise invalid_event(_("未知的事件类型：%(code)s") % {"code": code})
    try:
        occurred_at = datetime.fromisoformat(str(payload.get("occurred_at")))
    except ValueError:
        raise invalid_event(_("occurred_at 应为 ISO 8601 时间")) from None
    if timezone.is_naive(occurred_at):
        try:
            occurred_at = timezone.make_aware(occurred_at)
        except (OverflowError, ValueError):
            occurred_at = None
    now = timezone.now()
    if occurred_at is None or not (
        now - EVENT_AT_MOST_BEHIND <= occurred_at <= now + EVENT_AT_MOST_AHEAD
    ):
        raise invalid_event(_("occurred_at 超出允许的时间范围：不早于一年前，不晚于一天后"))
    return TrackingInput(
        code=code,
        occurred_at=occurred_at,
        description=str(payload.get("description") or "")[:200],
        location=str(payload.get("location") or "")[:100],
        **values,
    )


@transaction.atomic
def do_record_tracking_event(event):
    """Store one tracking event (once per event id) and move the shipment on; a delivered
    parcel delivers the case (ISSUED → DELIVERED, signed for by EMS, no visit). Returns
    (TrackingEvent, created)."""
    found = (
        Shipment.objects.filter(tracking_number=event.tracking_number)
        .values_list("pk", "delivery_id", "delivery__case_id")
        .first()
    )
    if found is None:
        raise unknown_shipment()
    shipment_id, delivery_id, case_id = found
    # Stored events never change: a replay is answered without taking any lock.
    stored = (
        TrackingEvent.objects.filter(shipment_id=shipment_id, event_id=event.event_id)
        .select_related("shipment")
        .first()
    )
    if stored is not None:
        return stored, False
    # Locks in the order every delivery action takes them: case, delivery, shipment.
    case = Case.objects.select_for_update(of=("self",)).get(pk=case_id)
    delivery = Delivery.objects.select_for_update().get(pk=delivery_id)
    shipment = Shipment.objects.select_for_update().get(pk=shipment_id)
    stored = TrackingEvent.objects.filter(shipment=shipment, event_id=event.event_id).first()
    if stored is not None:
        return stored, False
    stored = TrackingEvent.objects.create(
        shipment=shipment,
        event_id=event.event_id,
        code=event.code,
        description=event.description,
        location=event.location,
        occurred_at=event.occurred_at,
    )
    state = SHIPMENT_STATE_FOR_CODE[event.code]
    if SHIPMENT_STATE_RANK[state] <= SHIPMENT_STATE_RANK[shipment.state]:
        return stored, True
    shipment.state = state
    shipment.save(update_fields=["state", "updated_at"])
    if state == ShipmentState.DELIVERED:
        _delivered(case, delivery, shipment, event)
    elif state == ShipmentState.RETURNED:
        _returned(case, delivery, shipment)
    return stored, True


def _delivered(case, delivery, shipment, event):
    if delivery.state != DeliveryState.SHIPPED:
        return
    delivery.state, delivery.delivered_at = DeliveryState.DELIVERED, event.occurred_at
    delivery.save(update_fields=["state", "delivered_at", "updated_at"])
    if case.state != CaseState.ISSUED:
        logger.warning("case %s signed for by mail while %s: state kept", case.pk, case.state)
        return
    from_state = case.state
    case.state = CaseState.DELIVERED
    case.collected_at, case.collected_by = event.occurred_at, SIGNED_FOR_BY_MAIL
    case.save(update_fields=["state", "collected_at", "collected_by", "updated_at"])
    record(
        case,
        "mail_delivered",
        acting_user=None,
        from_state=from_state,
        tracking_number=shipment.tracking_number,
    )
    tell_applicant(case, "delivered", event_key=f"delivered:{delivery.pk}")


def _returned(case, delivery, shipment):
    if delivery.state != DeliveryState.SHIPPED:
        return
    delivery.state = DeliveryState.RETURNED
    delivery.save(update_fields=["state", "updated_at"])
    record(
        case,
        "mail_returned",
        acting_user=None,
        from_state=case.state,
        tracking_number=shipment.tracking_number,
    )
