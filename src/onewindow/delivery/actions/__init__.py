"""Every change to certificates, deliveries, lockers, shipments and messages."""

from onewindow.delivery.actions.certificates import (
    do_revoke_certificate,
    do_supersede_certificate,
)
from onewindow.delivery.actions.issuing import do_issue_result
from onewindow.delivery.actions.messages import do_retry_message, do_send_message, do_sweep_outbox

__all__ = [
    "do_issue_result",
    "do_retry_message",
    "do_revoke_certificate",
    "do_send_message",
    "do_supersede_certificate",
    "do_sweep_outbox",
]
