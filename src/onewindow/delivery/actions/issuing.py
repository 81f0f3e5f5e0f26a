"""Issuing the result of a decided case (出件): the result document, then the delivery the
applicant chose is ready to go (Art. 44: within 10 working days of the decision)."""

from django.db import transaction

from onewindow.cases.actions.common import lock_case, record, require_state, set_state
from onewindow.cases.constants import CaseState
from onewindow.delivery.actions import routing
from onewindow.delivery.actions.certificates import issue_certificate
from onewindow.delivery.constants import DeliveryState
from onewindow.delivery.models import Delivery
from onewindow.delivery.notify import tell_applicant


@transaction.atomic
def do_issue_result(case, *, acting_user=None, client_address=None):
    """DECIDED → ISSUED: the certificate (or refusal decision) is signed and rendered, the
    delivery is ready, and the applicant is told the decision."""
    case = lock_case(case, related=("item", "item__lead_department"))
    require_state(case, CaseState.DECIDED)
    certificate = issue_certificate(case, acting_user=acting_user)
    delivery, _ = Delivery.objects.select_for_update().get_or_create(case=case)
    delivery.state = DeliveryState.READY
    delivery.save(update_fields=["state", "updated_at"])
    set_state(case, CaseState.ISSUED)
    record(
        case,
        "issue_result",
        acting_user=acting_user,
        from_state=CaseState.DECIDED,
        client_address=client_address,
        certificate=certificate.number,
    )
    tell_applicant(
        case,
        "decided",
        event_key=f"decided:{case.pk}",
        context={
            "decision": f"{case.get_decision_display()}，"
            f"{certificate.get_kind_display()}编号{certificate.number}"
        },
    )
    # After the decision message: the pickup code, the parcel, or the electronic delivery.
    routing.result_ready(delivery, acting_user=acting_user)
    case.certificate = certificate
    return case
