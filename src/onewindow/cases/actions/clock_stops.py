"""Clock stops: a reviewer asks for supplementary materials or starts a special procedure, and
the clock resumes when it ends."""

from datetime import timedelta

from django.db import transaction
from django.utils.translation import gettext as _

from onewindow.cases.actions.common import (
    lock_case,
    lock_task,
    notify,
    recompute_deadlines,
    record,
    require_reviewer,
    require_state,
    set_state,
    today,
)
from onewindow.cases.constants import CaseState, SuspensionKind, TaskState
from onewindow.cases.errors import CaseActionError, forbidden, invalid_input
from onewindow.cases.models import Suspension
from onewindow.cases.permissions import is_clerk, works_for
from onewindow.notifications.notify import tell_applicant


def _stop_clock(task, *, kind, reason, expected_end, acting_user, client_address):
    require_reviewer(task.department_id, acting_user)
    reason = (reason or "").strip()
    if not reason:
        raise invalid_input("reason", _("须说明原因"))
    case = lock_case(task.case)
    task = lock_task(task)
    require_state(case, CaseState.IN_REVIEW)
    require_state(task, TaskState.OPEN)
    on = today()
    if expected_end is not None and expected_end < on:
        raise invalid_input("expected_end", _("预计结束日期不能早于今天"))
    suspension = Suspension.objects.create(
        case=case,
        task=task,
        kind=kind,
        reason=reason,
        started_on=on,
        expected_end=expected_end,
        started_by=acting_user,
    )
    if kind == SuspensionKind.SUPPLEMENT and case.service_point_id:
        # The window tells the applicant what to bring (一次性告知) and receives it.
        notify(
            kind="supplement_requested",
            case=case,
            department_id=case.service_point_id,
            params={"number": case.number, "department": task.department.name, "reason": reason},
        )
    set_state(case, CaseState.SUSPENDED)
    recompute_deadlines(case, on=on)
    tell_applicant(
        case,
        "suspended",
        event_key=f"suspended:{suspension.pk}",
        context={
            "reason": reason,
            "kind": SuspensionKind(kind).label,
            "supplement": kind == SuspensionKind.SUPPLEMENT,
        },
    )
    record(
        case,
        "suspend_case",
        acting_user=acting_user,
        from_state=CaseState.IN_REVIEW,
        reason=reason,
        client_address=client_address,
        kind=kind,
        expected_end=str(expected_end or ""),
    )
    return suspension


@transaction.atomic
def do_request_supplement(task, *, reason, acting_user, client_address=None):
    """A reviewer asks, through the window, for supplementary materials: the clock stops."""
    return _stop_clock(
        task,
        kind=SuspensionKind.SUPPLEMENT,
        reason=reason,
        expected_end=None,
        acting_user=acting_user,
        client_address=client_address,
    )


@transaction.atomic
def do_start_special_procedure(
    task, *, kind, reason, expected_end, acting_user, client_address=None
):
    """Hearing, expert review, inspection, testing, public notice…: not counted in the limit (Art. 45)."""
    if kind not in SuspensionKind.values or kind == SuspensionKind.SUPPLEMENT:
        raise invalid_input("kind", _("特别程序类型无效"))
    return _stop_clock(
        task,
        kind=kind,
        reason=reason,
        expected_end=expected_end,
        acting_user=acting_user,
        client_address=client_address,
    )


@transaction.atomic
def do_end_suspension(suspension, *, acting_user, client_address=None):
    """Resume the clock. The stop covers every day up to yesterday, and today if it began today."""
    case = lock_case(suspension.case)
    suspension = (
        Suspension.objects.select_for_update(of=("self",))
        .select_related("task")
        .get(pk=suspension.pk)
    )
    department_id = (
        suspension.task.department_id if suspension.task_id else case.item.lead_department_id
    )
    # Permission before state: an outsider learns nothing about the stop.
    if not (
        works_for(acting_user, department_id)
        or (suspension.kind == SuspensionKind.SUPPLEMENT and is_clerk(acting_user))
    ):
        raise forbidden()
    if suspension.ended_on is not None:
        raise CaseActionError("already_resumed", _("该暂停已结束"))
    on = today()
    suspension.ended_on = on if on == suspension.started_on else on - timedelta(days=1)
    suspension.ended_by = acting_user
    suspension.save(update_fields=["ended_on", "ended_by"])
    set_state(case, CaseState.IN_REVIEW)
    recompute_deadlines(case, on=on)
    tell_applicant(
        case,
        "resumed",
        event_key=f"resumed:{suspension.pk}",
        context={"deadline": case.promised_deadline},
    )
    record(
        case,
        "resume_case",
        acting_user=acting_user,
        from_state=CaseState.SUSPENDED,
        client_address=client_address,
        kind=suspension.kind,
        started_on=str(suspension.started_on),
        ended_on=str(suspension.ended_on),
    )
    return suspension
