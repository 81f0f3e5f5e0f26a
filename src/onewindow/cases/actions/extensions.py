"""Extensions (延期): a reviewer requests, the department head decides, within the caps of
Art. 26 and 42."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from onewindow.cases.actions.common import (
    lock_case,
    lock_task,
    notify,
    recompute_deadlines,
    record,
    require_reviewer,
    require_state,
)
from onewindow.cases.constants import (
    JOINT_EXTENSION_CAP_DAYS,
    JOINT_TOTAL_CAP_DAYS,
    OPEN_STATES,
    SINGLE_EXTENSION_CAP_DAYS,
    ExtensionState,
    TaskState,
)
from onewindow.cases.errors import CaseActionError, forbidden, invalid_input
from onewindow.cases.models import Extension
from onewindow.cases.permissions import heads
from onewindow.notifications.notify import tell_applicant


def _check_extension_caps(case, task, days):
    """Art. 42: one department extends by at most 10 working days; Art. 26/42: a joint case by at
    most 15, so that it stays within 45 + 15."""
    department_total = sum(
        case.tasks.filter(department_id=task.department_id).values_list("extension_days", flat=True)
    )
    if department_total + days > SINGLE_EXTENSION_CAP_DAYS:
        raise CaseActionError(
            "extension_over_cap",
            _("一个部门最多延期 %(days)s 个工作日（行政许可法第四十二条）")
            % {"days": SINGLE_EXTENSION_CAP_DAYS},
            status=422,
        )
    joint = case.is_joint
    cap = JOINT_EXTENSION_CAP_DAYS if joint else SINGLE_EXTENSION_CAP_DAYS
    over_total = (
        joint and case.item.legal_limit_days + case.extension_days + days > JOINT_TOTAL_CAP_DAYS
    )
    if case.extension_days + days > cap or over_total:
        raise CaseActionError(
            "extension_over_cap",
            _("本办件最多延期 %(days)s 个工作日") % {"days": cap},
            status=422,
        )


@transaction.atomic
def do_request_extension(task, *, days, reason, acting_user, client_address=None):
    require_reviewer(task.department_id, acting_user)
    reason = (reason or "").strip()
    if not reason:
        raise invalid_input("reason", _("须说明延期理由"))
    case = lock_case(task.case)
    task = lock_task(task)
    require_state(case, *OPEN_STATES)
    require_state(task, TaskState.OPEN)
    if not isinstance(days, int) or days < 1:
        raise invalid_input("days", _("延期天数须为正整数"))
    _check_extension_caps(case, task, days)
    if task.extensions.filter(state=ExtensionState.REQUESTED).exists():
        raise CaseActionError("extension_pending", _("已有待审批的延期申请"))
    extension = Extension.objects.create(
        case=case, task=task, days=days, reason=reason, requested_by=acting_user
    )
    record(
        case,
        "request_extension",
        acting_user=acting_user,
        from_state=case.state,
        reason=reason,
        client_address=client_address,
        task=task.pk,
        days=days,
    )
    notify(
        kind="extension_requested",
        case=case,
        department=task.department,
        params={"number": case.number, "days": days, "reason": reason},
    )
    return extension


@transaction.atomic
def do_decide_extension(extension, *, approve, note="", acting_user, client_address=None):
    """The department head approves or refuses; approved days move the task's and case's deadlines."""
    extension = (
        Extension.objects.select_for_update(of=("self",))
        .select_related("task")
        .get(pk=extension.pk)
    )
    if not heads(acting_user, extension.task.department_id):
        raise forbidden(_("只有本部门负责人可以审批延期"))
    case = lock_case(extension.case)
    task = lock_task(extension.task)
    require_state(case, *OPEN_STATES)
    require_state(task, TaskState.OPEN)
    if extension.state != ExtensionState.REQUESTED:
        raise CaseActionError("extension_decided", _("该延期申请已审批"))
    if approve:
        _check_extension_caps(case, task, extension.days)
    extension.state = ExtensionState.APPROVED if approve else ExtensionState.REFUSED
    extension.decided_by, extension.decided_at, extension.decision_note = (
        acting_user,
        timezone.now(),
        (note or "").strip(),
    )
    extension.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
    if approve:
        task.extension_days += extension.days
        task.save(update_fields=["extension_days"])
        case.extension_days += extension.days
        case.save(update_fields=["extension_days", "updated_at"])
        recompute_deadlines(case)
        # Art. 42: the applicant is told of the extension and why.
        tell_applicant(
            case,
            "extended",
            event_key=f"extended:{extension.pk}",
            context={
                "days": extension.days,
                "reason": extension.reason,
                "deadline": case.promised_deadline,
            },
        )
    notify(
        kind="extension_approved" if approve else "extension_refused",
        case=case,
        department=task.department,
        params={
            "number": case.number,
            "days": extension.days,
            "note": extension.decision_note,
        },
    )
    record(
        case,
        "approve_extension" if approve else "refuse_extension",
        acting_user=acting_user,
        from_state=case.state,
        reason=extension.reason,
        client_address=client_address,
        days=extension.days,
        note=extension.decision_note,
    )
    return extension
