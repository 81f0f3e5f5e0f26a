"""What happens when a result is ready, by the delivery method the applicant chose.

SKELETON: the window/locker work fills in the window branch (pickup code + SMS), the mail work
the mail branch (shipment through the courier adapter, after commit). A locker waits for a clerk
to deposit the result.
"""

from onewindow.catalog.constants import DeliveryMethod


def result_ready(delivery, *, acting_user=None):
    """Called inside do_issue_result's transaction, with the delivery locked."""
    if delivery.method == DeliveryMethod.MAIL:
        from onewindow.delivery.actions.mail import ship_after_commit

        # Booked by a background task once this transaction commits (the courier is remote).
        ship_after_commit(delivery)
