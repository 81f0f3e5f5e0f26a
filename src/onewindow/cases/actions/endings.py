"""Ending a case early: the applicant withdraws (撤回) or the lead department terminates it
(终止办理)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from onewindow.cases.actions.common import lock_case, record, require_state, set_state, today
from onewindow.cases.constants import (
    WITHDRAWABLE_STATES,
    CaseState,
    Colour,
    DraftState,
    ExtensionState,
    StageState,
    TaskState,
)
from onewindow.cases.errors import forbidden, invalid_input
from onewindow.cases.permissions import heads, is_clerk


def _close_pending_extensions(extensions, note):
    """A request whose task has closed can no longer be granted: it is refused with a note."""
    extensions.filter(state=ExtensionState.REQUESTED).update(
        state=ExtensionState.REFUSED, decided_at=timezone.now(), decision_note=note
    )


def _end_early(case, *, state, action, reason, acting_user, client_address):
    reason = (reason or "").strip()
    if not reason:
        raise invalid_input("reason", _("须说明原因"))
    from_state = case.state
    case.tasks.filter(state__in=[TaskState.OPEN, TaskState.PENDING]).update(
        state=TaskState.CANCELLED, colour=Colour.NONE
    )
    case.stages.filter(state__in=[StageState.OPEN, StageState.PENDING]).update(
        state=StageState.CANCELLED
    )
    case.suspensions.filter(ended_on__isnull=True).update(ended_on=today(), ended_by=acting_user)
    _close_pending_extensions(case.extensions.all(), "办件已撤回或终止")
    # A decision awaiting signature can no longer be signed: returned, with the reason.
    case.decision_drafts.filter(state=DraftState.AWAITING_SIGNATURE).update(
        state=DraftState.RETURNED, handled_at=timezone.now(), return_comment="办件已撤回或终止"
    )
    case.reason, case.colour = reason, Colour.NONE
    set_state(case, state, extra_fields=["reason", "colour"])
    record(
        case,
        action,
        acting_user=acting_user,
        from_state=from_state,
        reason=reason,
        client_address=client_address,
    )
    return case


@transaction.atomic
def do_withdraw_case(case, *, reason, acting_user, client_address=None):
    """The applicant withdraws (recorded by a clerk at the window)."""
    if not is_clerk(acting_user):
        raise forbidden()
    case = lock_case(case)
    require_state(case, *WITHDRAWABLE_STATES)
    return _end_early(
        case,
        state=CaseState.WITHDRAWN,
        action="withdraw_case",
        reason=reason,
        acting_user=acting_user,
        client_address=client_address,
    )


@transaction.atomic
def do_terminate_case(case, *, reason, acting_user, client_address=None):
    """A head of the lead department terminates the case (终止办理)."""
    case = lock_case(case)
    if not heads(acting_user, case.item.lead_department_id):
        raise forbidden(_("只有牵头部门负责人可以终止办件"))
    require_state(case, *WITHDRAWABLE_STATES)
    return _end_early(
        case,
        state=CaseState.TERMINATED,
        action="terminate_case",
        reason=reason,
        acting_user=acting_user,
        client_address=client_address,
    )
