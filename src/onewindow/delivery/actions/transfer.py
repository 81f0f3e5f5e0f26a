"""Moving a result that waits at a window to another service point (结果转移), e.g. from the
district hall to the village where the applicant lives.

Clerks hand over only the results waiting at their own point (do_hand_over_at_window), so a
hand-over elsewhere is this explicit step, taken by a clerk of the point that holds the result
(they send the paper on): the codes sent so far stop working, a new pickup code at the new point
goes to the applicant with the usual ready_for_pickup message, and the audit row says from
where, to where and why.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from onewindow.cases.actions.common import lock_case, record
from onewindow.cases.errors import CaseActionError, forbidden, invalid_input
from onewindow.cases.permissions import at_own_point, is_clerk
from onewindow.catalog.constants import DepartmentKind
from onewindow.catalog.models import Department
from onewindow.core.identity import is_ascii_digits
from onewindow.delivery.actions.pickup import (
    AT_WINDOW,
    require_issued_delivery,
    start_window_pickup,
    waiting_point,
)
from onewindow.delivery.constants import DeliveryState
from onewindow.delivery.errors import result_at_other_point

# The kinds of department a result can wait at: the hall and the town and village points.
SERVICE_POINT_KINDS = (DepartmentKind.HALL, DepartmentKind.TOWN, DepartmentKind.VILLAGE)
REASON_MAX_LENGTH = 200


def service_points():
    """The places a result can be moved to, in the catalogue's order."""
    return Department.objects.filter(kind__in=SERVICE_POINT_KINDS).order_by("code")


def _target(to_point):
    pk = getattr(to_point, "pk", to_point)  # a Department, its pk, or a form's text
    target = None
    if isinstance(pk, int) or (isinstance(pk, str) and is_ascii_digits(pk)):
        target = service_points().filter(pk=int(pk)).first()
    if target is None:
        raise invalid_input("to_point", _("请选择政务服务中心、镇或村（社区）服务点。"))
    return target


@transaction.atomic
def do_transfer_result(case, *, to_point, reason, acting_user, client_address=None):
    """Move the result of an ISSUED case, waiting at the acting clerk's window, to `to_point` (a
    Department or its pk). Returns the new WindowPickup (its code in clear as `.code`)."""
    if not is_clerk(acting_user):
        raise forbidden()
    reason = (reason or "").strip()
    if not reason:
        raise invalid_input("reason", _("请填写转移原因。"))
    if len(reason) > REASON_MAX_LENGTH:
        raise invalid_input("reason", _("转移原因不超过 %(n)d 个字。") % {"n": REASON_MAX_LENGTH})
    target = _target(to_point)
    case = lock_case(case)
    delivery = require_issued_delivery(case)
    if delivery.state == DeliveryState.IN_LOCKER:
        raise CaseActionError(
            "in_locker", _("结果已放入自助取件柜，不能转移；逾期未取退回窗口后可转移。")
        )
    current = waiting_point(delivery) if delivery.state in AT_WINDOW else None
    if current is None:
        raise CaseActionError("not_at_window", _("结果不在窗口待领取，不能转移。"))
    if not at_own_point(acting_user, current.pk):
        raise result_at_other_point(current)
    if current.pk == target.pk:
        raise CaseActionError(
            "same_service_point", _("结果已在%(point)s待领取。") % {"point": target.name}
        )
    now = timezone.now()
    # The codes sent so far stop working: only the new point's code hands the result over.
    delivery.window_pickups.filter(collected_at__isnull=True, expires_at__gt=now).update(
        expires_at=now
    )
    delivery.case = case
    count = delivery.window_pickups.count()
    pickup = start_window_pickup(
        delivery,
        place=target,
        event_key=f"ready_for_pickup:{delivery.pk}:transferred:{count}",
        now=now,
    )
    record(
        case,
        "transfer_result",
        acting_user=acting_user,
        from_state=case.state,
        reason=reason,
        client_address=client_address,
        from_point=current.code,
        to_point=target.code,
        department_name=target.name,
    )
    return pickup
