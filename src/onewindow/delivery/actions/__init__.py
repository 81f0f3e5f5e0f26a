"""Every change to certificates, deliveries, lockers, shipments and messages."""

from onewindow.delivery.actions.certificates import (
    do_revoke_certificate,
    do_supersede_certificate,
)
from onewindow.delivery.actions.issuing import do_issue_result

__all__ = ["do_issue_result", "do_revoke_certificate", "do_supersede_certificate"]
