"""The applicant's choice of how the result reaches them (送达方式), within what the item allows."""

from django.db import transaction
from django.utils.translation import gettext as _

from onewindow.cases.actions.common import lock_case, record, require_state
from onewindow.cases.constants import CaseState
from onewindow.cases.errors import CaseActionError, forbidden
from onewindow.cases.permissions import at_own_point, is_clerk
from onewindow.catalog.constants import DeliveryMethod
from onewindow.delivery.actions import routing
from onewindow.delivery.actions.pickup import waiting_point
from onewindow.delivery.addresses import clean_address
from onewindow.delivery.constants import DeliveryState
from onewindow.delivery.errors import result_at_other_point
from onewindow.delivery.models import Delivery, MailAddress

# From acceptance until the result has left: a result in a locker, in the post or handed over
# can no longer go another way.
CHOOSABLE_CASE_STATES = (
    CaseState.ACCEPTED,
    CaseState.IN_REVIEW,
    CaseState.SUSPENDED,
    CaseState.DECIDED,
    CaseState.ISSUED,
)
LEFT_DELIVERY_STATES = (DeliveryState.IN_LOCKER, DeliveryState.SHIPPED, DeliveryState.DELIVERED)


def method_not_allowed():
    return CaseActionError(
        "delivery_method_not_allowed",
        _("该事项不支持此送达方式"),
        status=422,
    )


def result_has_left(delivery):
    return CaseActionError(
        "delivery_under_way",
        _("结果%(state)s，不能再更改送达方式") % {"state": delivery.get_state_display()},
        status=409,
    )


@transaction.atomic
def do_choose_delivery(case, *, method, address=None, acting_user, client_address=None):
    """Record how the result is to reach the applicant; mail needs a checked address.

    `address` is a dict (or object) with recipient_name, phone, province, city, district, street
    and optionally postcode. Recorded by a window clerk. When the result is already waiting
    (issued) and the method changes, it goes the new way at once.
    """
    if not is_clerk(acting_user):
        raise forbidden(_("只有窗口人员可以登记送达方式"))
    case = lock_case(case)
    require_state(case, *CHOOSABLE_CASE_STATES)
    delivery = Delivery.objects.select_for_update().filter(case=case).first()
    if delivery is not None and delivery.state in LEFT_DELIVERY_STATES:
        raise result_has_left(delivery)
    if case.state == CaseState.ISSUED and delivery is not None:
        # An issued result waiting at a window is that point's to send on (by mail, too).
        point = waiting_point(delivery)
        if point is not None and not at_own_point(acting_user, point.pk):
            raise result_at_other_point(point)
    if method not in DeliveryMethod.values or method not in (case.item.delivery_methods or []):
        raise method_not_allowed()
    checked = clean_address(address) if method == DeliveryMethod.MAIL else None

    if delivery is None:
        delivery = Delivery.objects.create(case=case, method=method)
        previous = ""
    else:
        previous = delivery.method
        delivery.method = method
        delivery.save(update_fields=["method", "updated_at"])
    delivery.case = case
    returned = delivery.state == DeliveryState.RETURNED and case.state == CaseState.ISSUED
    if returned:
        # Back at the window: ready to go again, the way now chosen.
        delivery.state = DeliveryState.READY
        delivery.save(update_fields=["state", "updated_at"])
    if checked is not None:
        MailAddress.objects.update_or_create(delivery=delivery, defaults=checked.as_dict())
    else:
        MailAddress.objects.filter(delivery=delivery).delete()
    details = {"method": method, "previous_method": previous}
    if checked is not None:
        # The audit trail says where it went, not to whom: no name, phone or street.
        details["destination"] = f"{checked.province}{checked.city}{checked.district}"
    record(
        case,
        "choose_delivery",
        acting_user=acting_user,
        from_state=case.state,
        client_address=client_address,
        **details,
    )
    if case.state == CaseState.ISSUED and delivery.state == DeliveryState.READY:
        if returned or method != previous or method == DeliveryMethod.MAIL:
            routing.result_ready(delivery, acting_user=acting_user)
    return delivery
