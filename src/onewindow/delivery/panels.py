"""What the window case page shows of a case's delivery: the issue button, the hand-over and
locker deposit forms, where the result is, and the visits the case cost."""

from onewindow.cases.constants import CaseState
from onewindow.catalog.constants import DeliveryMethod
from onewindow.delivery.constants import CompartmentState, DeliveryState
from onewindow.delivery.forms import DepositForm, HandOverForm
from onewindow.delivery.models import Delivery, Locker


def clerk_lockers(user):
    lockers = Locker.objects.filter(active=True).select_related("service_point")
    if not user.is_superuser:
        lockers = lockers.filter(service_point_id=user.department_id)
    return lockers.order_by("code")


def case_panel(request, case, forms_):
    delivery = Delivery.objects.filter(case=case).first()
    pickup = deposit = None
    if delivery is not None:
        pickup = delivery.window_pickups.filter(collected_at__isnull=True).first()
        deposit = (
            delivery.locker_deposits.select_related("locker", "compartment")
            .order_by("-deposited_at")
            .first()
        )
    issued = case.state == CaseState.ISSUED
    can_hand_over = (
        issued
        and pickup is not None
        and delivery.state in (DeliveryState.READY, DeliveryState.RETURNED)
    )
    can_deposit = (
        issued
        and delivery is not None
        and delivery.method == DeliveryMethod.LOCKER
        and delivery.state == DeliveryState.READY
    )
    lockers = clerk_lockers(request.user)
    locker_rows = []
    if can_deposit:
        for locker in lockers.prefetch_related("compartments"):
            free = [c for c in locker.compartments.all() if c.state == CompartmentState.FREE]
            locker_rows.append((locker, len(free)))
    return {
        "delivery": delivery,
        "pickup": pickup,
        "deposit": deposit,
        "visits": list(case.visits.select_related("service_point").order_by("at", "id")),
        "can_issue": case.state == CaseState.DECIDED,
        "can_hand_over": can_hand_over,
        "can_deposit": can_deposit,
        "locker_rows": locker_rows,
        "hand_over_form": forms_.get("hand_over_form")
        or HandOverForm(initial={"collector_name": case.applicant_name}),
        "deposit_form": forms_.get("deposit_form") or DepositForm(lockers=lockers),
    }
