"""Every change to certificates, deliveries, lockers, shipments and messages."""

from onewindow.delivery.actions.certificates import (
    do_revoke_certificate,
    do_supersede_certificate,
)
from onewindow.delivery.actions.issuing import do_issue_result
from onewindow.delivery.actions.lockers import (
    do_collect_from_locker,
    do_deposit_in_locker,
    do_remind_and_return,
)
from onewindow.delivery.actions.pickup import (
    Collector,
    do_hand_over_at_window,
    do_resend_pickup_code,
)
from onewindow.delivery.actions.transfer import do_transfer_result
from onewindow.notifications.actions import do_retry_message, do_send_message, do_sweep_outbox

__all__ = [
    "Collector",
    "do_collect_from_locker",
    "do_deposit_in_locker",
    "do_hand_over_at_window",
    "do_issue_result",
    "do_remind_and_return",
    "do_resend_pickup_code",
    "do_retry_message",
    "do_revoke_certificate",
    "do_send_message",
    "do_supersede_certificate",
    "do_sweep_outbox",
    "do_transfer_result",
]
