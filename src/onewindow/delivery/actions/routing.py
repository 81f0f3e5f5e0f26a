"""What happens when a result is ready, by the delivery method the applicant chose.

Window: a pickup code goes to the applicant (ready_for_pickup). Locker: nothing yet, the clerk
deposits the result (do_deposit_in_locker), which sends the locker code. Mail: a background task
books the parcel with the courier once the transaction commits. Electronic (电子证照): the signed
certificate is the result, delivered at once. Mail and electronic results wait while 容缺
materials are outstanding (a window or locker hand-over refuses then); the last one arriving
sends them on (tolerated_materials_arrived).
"""

from django.utils import timezone

from onewindow.cases.actions.common import record
from onewindow.cases.constants import CaseState, MaterialStatus
from onewindow.catalog.constants import DeliveryMethod
from onewindow.delivery.constants import DeliveryState
from onewindow.notifications.notify import tell_applicant

DELIVERED_ELECTRONICALLY = "电子证照"


def waiting_for_tolerated_materials(case):
    """容缺 materials still outstanding: the result may not leave yet."""
    return (
        case.supplement_due is not None
        and case.materials.filter(status=MaterialStatus.TOLERATED).exists()
    )


def result_ready(delivery, *, acting_user=None):
    """Called inside do_issue_result's transaction, with the delivery locked."""
    if delivery.method == DeliveryMethod.WINDOW:
        from onewindow.delivery.actions.pickup import start_window_pickup

        start_window_pickup(delivery)
    elif waiting_for_tolerated_materials(delivery.case):
        return
    elif delivery.method == DeliveryMethod.MAIL:
        from onewindow.delivery.actions.mail import ship_after_commit

        # Booked by a background task once this transaction commits (the courier is remote).
        ship_after_commit(delivery)
    elif delivery.method == DeliveryMethod.ELECTRONIC:
        _deliver_electronically(delivery, acting_user=acting_user)


def tolerated_materials_arrived(case, *, acting_user=None):
    """The last 容缺 material arrived (inside that action's transaction): an issued mail or
    electronic result that waited for it goes on."""
    from onewindow.delivery.models import Delivery

    if case.state != CaseState.ISSUED:
        return
    delivery = Delivery.objects.select_for_update().filter(case=case).first()
    if delivery is None or delivery.state != DeliveryState.READY:
        return
    if delivery.method in (DeliveryMethod.MAIL, DeliveryMethod.ELECTRONIC):
        delivery.case = case
        result_ready(delivery, acting_user=acting_user)


def _deliver_electronically(delivery, *, acting_user):
    case = delivery.case
    now = timezone.now()
    delivery.state, delivery.delivered_at = DeliveryState.DELIVERED, now
    delivery.save(update_fields=["state", "delivered_at", "updated_at"])
    from_state = case.state
    case.state, case.collected_at, case.collected_by = (
        CaseState.DELIVERED,
        now,
        DELIVERED_ELECTRONICALLY,
    )
    case.save(update_fields=["state", "collected_at", "collected_by", "updated_at"])
    record(case, "deliver_electronically", acting_user=acting_user, from_state=from_state)
    tell_applicant(case, "delivered", event_key=f"delivered:{delivery.pk}")
