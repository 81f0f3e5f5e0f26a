"""What happens when a result is ready, by the delivery method the applicant chose.

Window: a pickup code goes to the applicant (ready_for_pickup). Locker: nothing yet, the clerk
deposits the result (do_deposit_in_locker), which sends the locker code. The mail work fills in
the mail branch (shipment through the courier adapter, after commit).
"""

from onewindow.catalog.constants import DeliveryMethod


def result_ready(delivery, *, acting_user=None):
    """Called inside do_issue_result's transaction, with the delivery locked."""
    if delivery.method == DeliveryMethod.WINDOW:
        from onewindow.delivery.actions.pickup import start_window_pickup

        start_window_pickup(delivery)
    elif delivery.method == DeliveryMethod.MAIL:
        from onewindow.delivery.actions.mail import ship_after_commit

        # Booked by a background task once this transaction commits (the courier is remote).
        ship_after_commit(delivery)
