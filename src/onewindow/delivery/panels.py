"""What the window case page shows of a case's delivery: the issue button, the hand-over and
locker deposit forms, where the result is, and the visits the case cost."""

from onewindow.cases.constants import ApplicantKind, CaseState
from onewindow.cases.permissions import at_own_point, service_point_id_of
from onewindow.catalog.constants import DeliveryMethod
from onewindow.delivery.actions.transfer import service_points
from onewindow.delivery.constants import CompartmentState, DeliveryState
from onewindow.delivery.forms import DepositForm, HandOverForm, TransferForm
from onewindow.delivery.models import Delivery, Locker


def clerk_lockers(user):
    """The lockers a clerk may fill: those of their own service point (all for superusers)."""
    lockers = Locker.objects.filter(active=True).select_related("service_point")
    if not user.is_superuser:
        lockers = lockers.filter(service_point_id=service_point_id_of(user))
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
    at_window = (
        issued
        and pickup is not None
        and delivery.state in (DeliveryState.READY, DeliveryState.RETURNED)
    )
    # A result waiting at another service point is handed over (or moved on) there only.
    here = at_window and at_own_point(request.user, pickup.service_point_id)
    can_hand_over = here
    can_deposit = (
        issued
        and delivery is not None
        and delivery.method == DeliveryMethod.LOCKER
        and delivery.state == DeliveryState.READY
    )
    visits = list(case.visits.select_related("service_point").order_by("at", "id"))
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
        "visits": visits,
        # 最多跑一次 / 零跑动 broken: shown on the case page, counted on the supervision board.
        "visits_over_promise": case.item.max_visits is not None
        and len(visits) > case.item.max_visits,
        "can_issue": case.state == CaseState.DECIDED,
        "can_hand_over": can_hand_over,
        "waits_elsewhere": at_window and not here,
        "transfer_points": list(service_points().exclude(pk=pickup.service_point_id))
        if here
        else [],
        "transfer_form": forms_.get("transfer_form") or TransferForm(),
        "can_deposit": can_deposit,
        "locker_rows": locker_rows,
        "hand_over_form": forms_.get("hand_over_form")
        or HandOverForm(initial={"collector_name": _expected_collector(case)}),
        "deposit_form": forms_.get("deposit_form") or DepositForm(lockers=lockers),
    }


def _expected_collector(case):
    """The name the hand-over form starts with: a citizen collects in person; for an enterprise
    the one who comes is its legal representative (their ID is checked) or a proxy, never the
    company's name."""
    if case.applicant_kind == ApplicantKind.ENTERPRISE:
        return case.legal_representative
    return case.applicant_name
