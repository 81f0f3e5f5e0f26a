"""Parallel department review (并联审批), clock stops, extensions, the decision and collection."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from onewindow.cases.actions.common import (
    lock_case,
    lock_task,
    notify,
    recompute_deadlines,
    record,
    require_state,
    set_state,
    today,
)
from onewindow.cases.constants import (
    JOINT_EXTENSION_CAP_DAYS,
    JOINT_TOTAL_CAP_DAYS,
    OPEN_STATES,
    SINGLE_EXTENSION_CAP_DAYS,
    WITHDRAWABLE_STATES,
    CaseState,
    Colour,
    Decision,
    ExtensionState,
    MaterialStatus,
    StageState,
    SuspensionKind,
    TaskState,
)
from onewindow.cases.errors import CaseActionError, forbidden, invalid_input
from onewindow.cases.models import Extension, Suspension
from onewindow.cases.permissions import heads, is_clerk, works_for
from onewindow.core import numbering


def _require_reviewer(task, user):
    if not works_for(user, task.department_id):
        raise forbidden(
            "只能办理本部门的审批任务 / You can only work on your own department's tasks"
        )


@transaction.atomic
def do_complete_review(task, *, decision, opinion, acting_user, client_address=None):
    """A department answers its task: approve, or refuse with a reason. The last answer of a stage
    closes it (join) and opens the next; a refusal ends the flow after its stage."""
    # Permission first: someone else's task gets 403 whatever they posted.
    _require_reviewer(task, acting_user)
    if decision not in (TaskState.APPROVED, TaskState.REFUSED):
        raise invalid_input(
            "decision", "意见须为同意或不同意 / Decision must be approved or refused"
        )
    opinion = (opinion or "").strip()
    if decision == TaskState.REFUSED and not opinion:
        raise invalid_input("opinion", "不同意时必须填写理由 / A refusal needs a reason")
    # Lock the case first, always in the same order (case, then task), so that the last two
    # parallel answers of a stage are serialised and the join happens exactly once. The item is
    # only needed when the join opens a next stage (its deadlines): loaded then, not every time.
    case = lock_case(task.case_id, related=())
    task = lock_task(task, case=case)
    require_state(case, CaseState.IN_REVIEW)
    require_state(task, TaskState.OPEN)
    task.state, task.opinion = decision, opinion
    task.decided_by, task.decided_at = acting_user, timezone.now()
    task.colour = Colour.NONE
    task.save(update_fields=["state", "opinion", "decided_by", "decided_at", "colour"])
    _close_pending_extensions(task.extensions.all(), "审查已完成，延期申请不再需要")
    record(
        case,
        "complete_review",
        acting_user=acting_user,
        from_state=case.state,
        client_address=client_address,
        task=task.pk,
        department=task.department.code,
        department_name=task.department.name,
        decision=decision,
    )
    _join_stage(case, task.stage, acting_user=acting_user)
    return task


def _close_pending_extensions(extensions, note):
    """A request whose task has closed can no longer be granted: it is refused with a note."""
    extensions.filter(state=ExtensionState.REQUESTED).update(
        state=ExtensionState.REFUSED, decided_at=timezone.now(), decision_note=note
    )


def _join_stage(case, stage, *, acting_user):
    # One query answers both "is anyone still reviewing?" and "did anyone refuse?".
    states = set(stage.tasks.values_list("state", flat=True))
    if TaskState.OPEN in states:
        return
    stage.state, stage.closed_at = StageState.DONE, timezone.now()
    stage.save(update_fields=["state", "closed_at"])
    refused = TaskState.REFUSED in states
    following = list(case.stages.filter(position__gt=stage.position).order_by("position"))
    if refused:
        for later in following:
            later.state = StageState.CANCELLED
            later.save(update_fields=["state"])
            later.tasks.update(state=TaskState.CANCELLED)
        return
    if following:
        on = today()
        nxt = following[0]
        nxt.state, nxt.opened_on = StageState.OPEN, on
        nxt.save(update_fields=["state", "opened_on"])
        nxt.tasks.update(state=TaskState.OPEN, opened_on=on)
        recompute_deadlines(case, on=on)


def awaiting_decision(case):
    """All stages have answered (or one refused): the lead department may now decide."""
    return (
        case.state == CaseState.IN_REVIEW
        and not case.stages.filter(state__in=[StageState.OPEN, StageState.PENDING]).exists()
    )


@transaction.atomic
def do_decide_case(case, *, acting_user, client_address=None):
    """The decision after the flow: approved when every department agreed, refused otherwise."""
    case = lock_case(case, related=("item__lead_department",))
    if not works_for(acting_user, case.item.lead_department_id):
        raise forbidden("只有牵头部门可以作出决定 / Only the lead department decides")
    require_state(case, CaseState.IN_REVIEW)
    if not awaiting_decision(case):
        raise CaseActionError(
            "review_not_finished", "仍有部门未答复，不能作出决定 / Departments are still reviewing"
        )
    _decide(case, acting_user=acting_user, client_address=client_address)
    return case


def _decide(case, *, acting_user, client_address=None):
    refusals = list(case.tasks.filter(state=TaskState.REFUSED).select_related("department"))
    on = today()
    case.decision = Decision.REFUSED if refusals else Decision.APPROVED
    case.decision_number = numbering.decision_number(case.item.lead_department.code, on.year)
    case.decided_on = on
    if refusals:
        case.reason = "；".join(f"{t.department.name}：{t.opinion}" for t in refusals)
    case.colour = Colour.NONE
    from_state = case.state
    set_state(
        case,
        CaseState.DECIDED,
        extra_fields=["decision", "decision_number", "decided_on", "reason", "colour"],
    )
    record(
        case,
        "decide_case",
        acting_user=acting_user,
        from_state=from_state,
        client_address=client_address,
        decision=case.decision,
        decision_number=case.decision_number,
    )


def decide_on_the_spot(case, *, acting_user, client_address=None):
    """即办件: the window answers for every step at once and decides (inside do_accept_case)."""
    now = timezone.now()
    case.tasks.filter(state__in=[TaskState.OPEN, TaskState.PENDING]).update(
        state=TaskState.APPROVED,
        opinion="即办件，当场办结",
        decided_by=acting_user,
        decided_at=now,
        colour=Colour.NONE,
    )
    case.stages.update(state=StageState.DONE, closed_at=now)
    _decide(case, acting_user=acting_user, client_address=client_address)


@transaction.atomic
def do_mark_collected(case, *, collected_by, acting_user, client_address=None):
    """The applicant (or a proxy) collected the result at the window."""
    if not is_clerk(acting_user):
        raise forbidden()
    if not (collected_by or "").strip():
        raise invalid_input("collected_by", "须填写领取人 / Who collected it is required")
    case = lock_case(case, related=())
    require_state(case, CaseState.DECIDED)
    # supplement_due is set while tolerated materials are outstanding (do_accept_case) and cleared
    # when the last arrives (do_receive_tolerated_materials): without it, nothing to look up.
    if (
        case.supplement_due is not None
        and case.materials.filter(status=MaterialStatus.TOLERATED).exists()
    ):
        raise CaseActionError(
            "tolerated_materials_outstanding",
            "容缺材料尚未补齐，不能出件 / Tolerated missing materials have not arrived yet",
        )
    case.collected_at, case.collected_by = timezone.now(), collected_by.strip()
    set_state(case, CaseState.DELIVERED, extra_fields=["collected_at", "collected_by"])
    record(
        case,
        "mark_collected",
        acting_user=acting_user,
        from_state=CaseState.DECIDED,
        client_address=client_address,
        collected_by=case.collected_by,
    )
    return case


# --- clock stops ------------------------------------------------------------------------------


def _stop_clock(task, *, kind, reason, expected_end, acting_user, client_address):
    _require_reviewer(task, acting_user)
    reason = (reason or "").strip()
    if not reason:
        raise invalid_input("reason", "须说明原因 / A reason is required")
    case = lock_case(task.case)
    task = lock_task(task)
    require_state(case, CaseState.IN_REVIEW)
    require_state(task, TaskState.OPEN)
    on = today()
    if expected_end is not None and expected_end < on:
        raise invalid_input(
            "expected_end", "预计结束日期不能早于今天 / The expected end cannot be in the past"
        )
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
            text=f"{case.number} {task.department.name} 要求补正材料：{reason}",
        )
    set_state(case, CaseState.SUSPENDED)
    recompute_deadlines(case, on=on)
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
        raise invalid_input("kind", "特别程序类型无效 / Unknown special procedure")
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
        raise CaseActionError("already_resumed", "该暂停已结束 / This clock stop has already ended")
    on = today()
    suspension.ended_on = on if on == suspension.started_on else on - timedelta(days=1)
    suspension.ended_by = acting_user
    suspension.save(update_fields=["ended_on", "ended_by"])
    set_state(case, CaseState.IN_REVIEW)
    recompute_deadlines(case, on=on)
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


# --- extensions -------------------------------------------------------------------------------


def _check_extension_caps(case, task, days):
    """Art. 42: one department extends by at most 10 working days; Art. 26/42: a joint case by at
    most 15, so that it stays within 45 + 15."""
    department_total = sum(
        case.tasks.filter(department_id=task.department_id).values_list("extension_days", flat=True)
    )
    if department_total + days > SINGLE_EXTENSION_CAP_DAYS:
        raise CaseActionError(
            "extension_over_cap",
            f"一个部门最多延期 {SINGLE_EXTENSION_CAP_DAYS} 个工作日（行政许可法第四十二条） / "
            f"One department may extend by at most {SINGLE_EXTENSION_CAP_DAYS} working days",
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
            f"本办件最多延期 {cap} 个工作日 / This case may be extended by at most {cap} working days",
            status=422,
        )


@transaction.atomic
def do_request_extension(task, *, days, reason, acting_user, client_address=None):
    _require_reviewer(task, acting_user)
    reason = (reason or "").strip()
    if not reason:
        raise invalid_input("reason", "须说明延期理由 / A reason is required")
    case = lock_case(task.case)
    task = lock_task(task)
    require_state(case, *OPEN_STATES)
    require_state(task, TaskState.OPEN)
    if not isinstance(days, int) or days < 1:
        raise invalid_input("days", "延期天数须为正整数 / Days must be a positive whole number")
    _check_extension_caps(case, task, days)
    if task.extensions.filter(state=ExtensionState.REQUESTED).exists():
        raise CaseActionError(
            "extension_pending", "已有待审批的延期申请 / An extension request is already pending"
        )
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
        text=f"{case.number} 申请延期 {days} 个工作日：{reason}",
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
        raise forbidden(
            "只有本部门负责人可以审批延期 / Only the department head decides extensions"
        )
    case = lock_case(extension.case)
    task = lock_task(extension.task)
    require_state(case, *OPEN_STATES)
    require_state(task, TaskState.OPEN)
    if extension.state != ExtensionState.REQUESTED:
        raise CaseActionError(
            "extension_decided", "该延期申请已审批 / This extension has already been decided"
        )
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
    decided = "批准" if approve else "不批准"
    notify(
        kind="extension_approved" if approve else "extension_refused",
        case=case,
        department=task.department,
        text=f"{case.number} 延期 {extension.days} 个工作日：负责人{decided}。{extension.decision_note}".strip(),
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


# --- ending early -----------------------------------------------------------------------------


def _end_early(case, *, state, action, reason, acting_user, client_address):
    reason = (reason or "").strip()
    if not reason:
        raise invalid_input("reason", "须说明原因 / A reason is required")
    from_state = case.state
    case.tasks.filter(state__in=[TaskState.OPEN, TaskState.PENDING]).update(
        state=TaskState.CANCELLED, colour=Colour.NONE
    )
    case.stages.filter(state__in=[StageState.OPEN, StageState.PENDING]).update(
        state=StageState.CANCELLED
    )
    case.suspensions.filter(ended_on__isnull=True).update(ended_on=today(), ended_by=acting_user)
    _close_pending_extensions(case.extensions.all(), "办件已撤回或终止")
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
        raise forbidden(
            "只有牵头部门负责人可以终止办件 / Only the lead department's head can terminate"
        )
    require_state(case, *WITHDRAWABLE_STATES)
    return _end_early(
        case,
        state=CaseState.TERMINATED,
        action="terminate_case",
        reason=reason,
        acting_user=acting_user,
        client_address=client_address,
    )
