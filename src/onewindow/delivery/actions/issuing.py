"""Issuing the result of a decided case (出件): the result document, then the delivery the
applicant chose is ready to go (Art. 44: within 10 working days of the decision).

Three steps, so that no lock is held while the PDF renders (a department's certificate counter
row would otherwise make its certificates render one at a time, whatever the number of workers):

1. a short transaction numbers, signs and stores the certificate row (no file yet);
2. outside any transaction, the PDF is rendered and its file written;
3. a short transaction attaches the file, moves the case to ISSUED and tells the applicant.

A crash between 1 and 3 leaves the case DECIDED with a numbered row without a file, which
verification does not show; the issue task is retried by the worker (core/workers.py) and the
retry finds that row, keeps its number and renders again (tests/delivery/certificates/
test_issuing_retry.py).
"""

from django.db import transaction

from onewindow.cases.actions.common import lock_case, record, require_state, set_state
from onewindow.cases.constants import CaseState
from onewindow.delivery.actions import routing
from onewindow.delivery.actions.certificates import (
    attach_file,
    claim_certificate,
    discard_file,
    render_and_store,
)
from onewindow.delivery.constants import DeliveryState
from onewindow.delivery.models import Delivery
from onewindow.notifications.notify import tell_applicant

RELATED = ("item", "item__lead_department")


@transaction.atomic
def _claim(case):
    case = lock_case(case, related=RELATED)
    require_state(case, CaseState.DECIDED)
    # The row an earlier attempt may have left is looked for after the lock, in a statement of
    # its own: on PostgreSQL (READ COMMITTED) a subquery of the locking SELECT would still see
    # the snapshot from before a concurrent attempt's claim committed, and claim a second number.
    return case, claim_certificate(case)


def do_issue_result(case, *, acting_user=None, client_address=None):
    """DECIDED → ISSUED: the certificate (or refusal decision) is signed and rendered, the
    delivery is ready, and the applicant is told the decision."""
    case, certificate = _claim(case)
    name, sha256 = render_and_store(certificate, case)
    try:
        return _finish(case.pk, certificate, name, sha256, acting_user, client_address)
    except BaseException:
        discard_file(name)
        raise


@transaction.atomic
def _finish(case_id, certificate, name, sha256, acting_user, client_address):
    # The service point: where a window pickup waits (routing.result_ready reads it).
    case = lock_case(case_id, related=(*RELATED, "service_point"))
    # Another attempt may have issued the case meanwhile: it answers wrong_state, as before.
    require_state(case, CaseState.DECIDED)
    certificate, attached = attach_file(certificate, case, name, sha256, acting_user=acting_user)
    if not attached:
        discard_file(name)
    # The delivery exists when the applicant chose a method; else it is made here, ready. The
    # case lock serialises its creation (no get_or_create savepoint needed).
    delivery = Delivery.objects.select_for_update().filter(case=case).first()
    if delivery is None:
        delivery = Delivery.objects.create(case=case, state=DeliveryState.READY)
    else:
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
