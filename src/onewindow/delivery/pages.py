"""What the case pages show of delivery: the window's choice form and the tracking of a mailed
result (case page), and the tracking alone (public progress page)."""

from onewindow.core.identity import mask_phone
from onewindow.delivery.actions.choice import CHOOSABLE_CASE_STATES, LEFT_DELIVERY_STATES
from onewindow.delivery.forms import DeliveryForm, method_choices
from onewindow.delivery.queries import delivery_of


def _latest_shipment(delivery):
    shipments = list(delivery.shipments.all()) if delivery is not None else []
    return shipments[0] if shipments else None


def case_page_context(case, *, delivery_form=None, masked=False):
    """Context for delivery/_case_delivery.html and delivery/_tracking.html on the case page.
    `masked`: the reader may not see the applicant's phone in full (cases.permissions), so
    neither the mail recipient's nor a form filled with it."""
    delivery = delivery_of(case.pk)
    address = getattr(delivery, "mail_address", None) if delivery else None
    mail_phone = address.phone if address is not None else ""
    can_choose = case.state in CHOOSABLE_CASE_STATES and (
        delivery is None or delivery.state not in LEFT_DELIVERY_STATES
    )
    return {
        "delivery": delivery,
        "shipment": _latest_shipment(delivery),
        "can_choose_delivery": can_choose,
        "delivery_methods": method_choices(case.item),
        "delivery_form": delivery_form or DeliveryForm.for_case(case, delivery, masked=masked),
        "mail_phone": mask_phone(mail_phone) if masked else mail_phone,
    }


def public_context(case):
    """The public page shows how the result travels, never to whom or where."""
    delivery = delivery_of(case.pk)
    return {"delivery": delivery, "shipment": _latest_shipment(delivery)}
