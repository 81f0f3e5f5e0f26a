"""Issuing the result of a decided case (出件): the result document, then the delivery the
applicant chose is ready to go (Art. 44: within 10 working days of the decision)."""

from django.db import transaction

from onewindow.cases.actions.common import lock_case, record, require_state, set_state
from onewindow.cases.constants import CaseState
from onewindow.delivery.actions import routing
from onewindow.delivery.constants import DeliveryState
from onewindow.delivery.models import Delivery


@transaction.atomic
def do_issue_result(case, *, acting_user=None, client_address=None):
    """DECIDED → ISSUED: the result document exists and the delivery is ready.

    SKELETON: the certificate work adds the Certificate (number, signature, PDF) here.
    """
    case = lock_case(case)
    require_state(case, CaseState.DECIDED)
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
    )
    routing.result_ready(delivery, acting_user=acting_user)
    return case
