"""Parallel department review (并联审批), clock stops, extensions, the decision and collection."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from onewindow.accounts.constants import Role
from onewindow.accounts.models import User
from onewindow.cases.actions import statements
from onewindow.cases.actions.common import (
    WARNING_COLOURS,
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
    ExtensionState,
    MaterialStatus,
    StageState,
    SuspensionKind,
    TaskState,
)
from onewindow.cases.deadlines import colour_for, task_due_date
from onewindow.cases.errors import CaseActionError, forbidden, invalid_input, not_found, wrong_state
from onewindow.cases.models import Case, CaseStage, Extension, ReviewTask, Suspension
from onewindow.cases.permissions import heads, is_clerk, works_for
from onewindow.core.batch import Batch, CheckFailed, Sql


def _require_reviewer(department_id, user):
    if not works_for(user, department_id):
        raise _reviewer_forbidden()


def do_complete_review(task, *, decision, opinion, acting_user, client_address=None):
    """A department answers its task: approve, or refuse with a reason. The last answer of a stage
    closes it (join) and opens the next; a refusal ends the flow after its stage.

    `task` is a ReviewTask (returned, updated) or its id. One batch (one round trip on PostgreSQL); when the answer
    completes a stage that opens a next one, whose due dates only Python can compute, the batch
    stops, the next stage is read and the batch runs again with it.
    """
    task_id = task.pk if isinstance(task, ReviewTask) else int(task)
    opinion = (opinion or "").strip()
    problem = None
    if decision not in (TaskState.APPROVED, TaskState.REFUSED):
        problem = invalid_input(
            "decision", "意见须为同意或不同意 / Decision must be approved or refused"
        )
    elif decision == TaskState.REFUSED and not opinion:
        problem = invalid_input("opinion", "不同意时必须填写理由 / A refusal needs a reason")
    if problem is not None or not _may_review_somewhere(acting_user):
        # Permission first: someone else's task gets 403 whatever they posted.
        _require_reviewer(_task_department(task), acting_user)
        raise problem
    now = timezone.now()
    next_stage = None
    while True:
        batch = Batch()
        _review_statements(
            batch,
            task_id,
            decision=decision,
            opinion=opinion,
            acting_user=acting_user,
            client_address=client_address,
            now=now,
            next_stage=next_stage,
        )
        try:
            batch.run()
            break
        except CheckFailed as failed:
            if failed.code == "next_stage" and next_stage is None:
                next_stage = _next_stage_plan(task_id)
                continue
            raise _task_error(failed.code, task_id) from None
    if isinstance(task, ReviewTask):
        task.state, task.opinion, task.colour = decision, opinion, Colour.NONE
        task.decided_by, task.decided_at = acting_user, now
        return task
    return None


def _may_review_somewhere(user):
    return user.is_active and (user.is_superuser or user.role in (Role.REVIEWER, Role.HEAD))


def _task_department(task):
    if isinstance(task, ReviewTask):
        return task.department_id
    row = ReviewTask.objects.filter(pk=task).values_list("department_id").first()
    if row is None:
        raise not_found("审批任务不存在 / Task not found")
    return row[0]


def _review_statements(
    batch, task_id, *, decision, opinion, acting_user, client_address, now, next_stage
):
    case_id = statements.task_case(task_id)
    statements.lock_case(batch, case_id)
    conditions = []
    if not acting_user.is_superuser:
        conditions.append(("t.department_id <> %s", [acting_user.department_id], "forbidden"))
    conditions += [
        ("c.state <> %s", [CaseState.IN_REVIEW], "case_state"),
        ("t.state <> %s", [TaskState.OPEN], "task_state"),
    ]
    statements.check_task(batch, task_id, conditions)
    batch.execute(
        "UPDATE cases_reviewtask SET state = %s, opinion = %s, decided_by_id = %s, "
        "decided_at = %s, colour = %s WHERE id = %s",
        [decision, opinion, acting_user.pk, now, Colour.NONE, task_id],
    )
    _close_pending_extensions_of_task(batch, task_id, "审查已完成，延期申请不再需要", now)
    if not acting_user.is_superuser and User.department.is_cached(acting_user):
        # The check above makes the task the reviewer's own department's.
        code, name = acting_user.department.code, acting_user.department.name
    else:
        department = (
            "(SELECT {} FROM catalog_department d WHERE d.id = "
            "(SELECT department_id FROM cases_reviewtask WHERE id = %s))"
        )
        code = Sql(department.format("d.code"), (task_id,))
        name = Sql(department.format("d.name"), (task_id,))
    statements.audit(
        batch,
        "complete_review",
        case_id=case_id,
        acting_user=acting_user,
        from_state=CaseState.IN_REVIEW,
        to_state=CaseState.IN_REVIEW,
        client_address=client_address,
        details=[
            ("task", task_id),
            ("department", code),
            ("department_name", name),
            ("decision", decision),
        ],
    )
    _join_statements(batch, task_id, decision=decision, now=now, next_stage=next_stage)


def _close_pending_extensions_of_task(batch, task_id, note, now):
    """A request whose task has closed can no longer be granted: it is refused with a note."""
    batch.execute(
        "UPDATE cases_extension SET state = %s, decided_at = %s, decision_note = %s "
        "WHERE task_id = %s AND state = %s",
        [ExtensionState.REFUSED, now, note, task_id, ExtensionState.REQUESTED],
    )


def _close_pending_extensions(extensions, note):
    """A request whose task has closed can no longer be granted: it is refused with a note."""
    extensions.filter(state=ExtensionState.REQUESTED).update(
        state=ExtensionState.REFUSED, decided_at=timezone.now(), decision_note=note
    )


def _join_statements(batch, task_id, *, decision, now, next_stage):
    """The stage closes when no task of it is open (the case lock makes this happen once).

    A refusal cancels the later stages at once, whoever answers last: the case ends with a refusal
    after this stage. When the stage closes with later stages still pending, the next one opens
    (`next_stage`, read by _next_stage_plan) — or, when it was not read, a check stops the batch
    to read it.
    """
    stage = "(SELECT stage_id FROM cases_reviewtask WHERE id = %s)"
    case = "(SELECT case_id FROM cases_reviewtask WHERE id = %s)"
    # The open tasks are counted among the stage's few tasks (its index): with `state = 'open'`
    # as a condition the planner may also scan the state index, whose entries for tasks long
    # answered stay until the next VACUUM (seen: 37,000 of them for one stage's 4 tasks).
    join = (
        f"UPDATE cases_casestage SET state = %s, closed_at = %s WHERE id = {stage} AND state = %s "
        "AND (SELECT COALESCE(MAX(CASE WHEN o.state = %s THEN 1 ELSE 0 END), 0) "
        "FROM cases_reviewtask o WHERE o.stage_id = cases_casestage.id) = 0"
    )
    join_params = [StageState.DONE, now, task_id, StageState.OPEN, TaskState.OPEN]
    if decision == TaskState.REFUSED:
        batch.execute(join, join_params)
        for table, cancelled in (
            ("cases_reviewtask", TaskState.CANCELLED),
            ("cases_casestage", StageState.CANCELLED),
        ):
            batch.execute(
                f"UPDATE {table} SET state = %s WHERE case_id = {case} AND state = %s",
                [cancelled, task_id, StageState.PENDING],
            )
        return
    if next_stage is None:
        # Checked only when this answer closed the stage.
        batch.execute(
            join,
            join_params,
            then_check=Sql(
                "CASE WHEN EXISTS (SELECT 1 FROM cases_casestage p "
                f"WHERE p.case_id = {case} AND p.state = %s) THEN 'next_stage' ELSE '' END",
                (task_id, StageState.PENDING),
            ),
        )
        return
    batch.execute(join, join_params)
    closed = Sql(
        f"EXISTS (SELECT 1 FROM cases_casestage s WHERE s.id = {stage} AND s.state = %s)",
        (task_id, StageState.DONE),
    )
    if next_stage.stage_id is None:
        return
    batch.execute(
        f"UPDATE cases_casestage SET state = %s, opened_on = %s WHERE id = %s AND state = %s "
        f"AND {closed.text}",
        [StageState.OPEN, next_stage.on, next_stage.stage_id, StageState.PENDING, *closed.params],
    )
    for opened in next_stage.tasks:
        batch.execute(
            "UPDATE cases_reviewtask SET state = %s, opened_on = %s, due_date = %s, colour = %s "
            f"WHERE id = %s AND state = %s AND {closed.text}",
            [
                TaskState.OPEN,
                next_stage.on,
                opened.due_date,
                opened.colour,
                opened.pk,
                TaskState.PENDING,
                *closed.params,
            ],
        )
        if opened.colour in WARNING_COLOURS:
            # A step shorter than the warning window is yellow from its first day.
            statements.notify(
                batch,
                kind=f"task_{opened.colour}_card",
                case_id=Sql(case, (task_id,)),
                department_id=opened.department_id,
                text=f" 本部门审查{Colour(opened.colour).label}：到期日期 {opened.due_date}",
                condition=closed,
            )


@dataclass(frozen=True)
class NextStage:
    on: object
    stage_id: int | None
    tasks: tuple = ()


def _next_stage_plan(task_id):
    """The case's next pending stage with its tasks' due dates and colours if it opened today."""
    on = today()
    case_id = ReviewTask.objects.filter(pk=task_id).values_list("case_id", flat=True).first()
    stage = (
        CaseStage.objects.filter(case_id=case_id, state=StageState.PENDING)
        .order_by("position")
        .first()
    )
    if stage is None:
        return NextStage(on=on, stage_id=None)
    tasks = list(stage.tasks.filter(state=TaskState.PENDING))
    for task in tasks:
        task.opened_on = on
        task.due_date = task_due_date(task, ())
        task.colour = colour_for(task.due_date, on)
    return NextStage(on=on, stage_id=stage.pk, tasks=tuple(tasks))


def _task_error(code, task_id):
    """The error of a failed check of a task batch, read now for a precise message."""
    if code == "not_found":
        return not_found("审批任务不存在 / Task not found")
    if code == "forbidden":
        return _reviewer_forbidden()
    task = ReviewTask.objects.select_related("case").get(pk=task_id)
    if code == "case_state":
        return wrong_state(task.case, (CaseState.IN_REVIEW,))
    if code == "task_state":
        return wrong_state(task, (TaskState.OPEN,))
    return CaseActionError(code, code)


def awaiting_decision(case):
    """All stages have answered (or one refused): the lead department may now decide."""
    return (
        case.state == CaseState.IN_REVIEW
        and not case.stages.filter(state__in=[StageState.OPEN, StageState.PENDING]).exists()
    )


def do_decide_case(case, *, acting_user, client_address=None):
    """The decision after the flow: approved when every department agreed, refused otherwise."""
    if not _may_review_somewhere(acting_user):
        raise _lead_forbidden()
    batch = Batch()
    statements.lock_case(batch, case.pk)
    conditions = []
    if not acting_user.is_superuser:
        conditions.append(
            (
                "(SELECT lead_department_id FROM catalog_serviceitem WHERE id = c.item_id) <> %s",
                [acting_user.department_id],
                "forbidden",
            )
        )
    conditions += [
        ("c.state <> %s", [CaseState.IN_REVIEW], "case_state"),
        (
            "EXISTS (SELECT 1 FROM cases_casestage s WHERE s.case_id = c.id AND s.state IN (%s, %s))",
            [StageState.OPEN, StageState.PENDING],
            "review_not_finished",
        ),
    ]
    statements.check_case(batch, case.pk, conditions)
    decided = statements.decide(
        batch, case_id=case.pk, acting_user=acting_user, client_address=client_address, on=today()
    )
    try:
        results = batch.run()
    except CheckFailed as failed:
        raise _case_error(failed.code, case.pk) from None
    case.state, case.colour = CaseState.DECIDED, Colour.NONE
    case.decision, case.decision_number, case.decided_on, case.reason = results[decided][0]
    case.decided_on = _as_date(case.decided_on)
    return case


def _as_date(value):
    """SQLite's RETURNING gives dates as text."""
    return date.fromisoformat(value) if isinstance(value, str) else value


def _lead_forbidden():
    return forbidden("只有牵头部门可以作出决定 / Only the lead department decides")


def _reviewer_forbidden():
    return forbidden("只能办理本部门的审批任务 / You can only work on your own department's tasks")


def _case_error(code, case_id, *, allowed=(CaseState.IN_REVIEW,)):
    if code == "not_found":
        return not_found()
    if code == "forbidden":
        return _lead_forbidden()
    if code == "case_state":
        return wrong_state(Case.objects.get(pk=case_id), allowed)
    if code == "review_not_finished":
        return CaseActionError(
            "review_not_finished", "仍有部门未答复，不能作出决定 / Departments are still reviewing"
        )
    if code == "tolerated_materials_outstanding":
        return CaseActionError(
            "tolerated_materials_outstanding",
            "容缺材料尚未补齐，不能出件 / Tolerated missing materials have not arrived yet",
        )
    return CaseActionError(code, code)


def decide_on_the_spot(batch, case_id, *, acting_user, client_address=None, on):
    """即办件: the window answers for every step at once and decides (inside do_accept_case)."""
    now = timezone.now()
    text, params = statements.value_sql(case_id)
    batch.execute(
        "UPDATE cases_reviewtask SET state = %s, opinion = %s, decided_by_id = %s, "
        f"decided_at = %s, colour = %s WHERE case_id = {text} AND state IN (%s, %s)",
        [
            TaskState.APPROVED,
            "即办件，当场办结",
            acting_user.pk,
            now,
            Colour.NONE,
            *params,
            TaskState.OPEN,
            TaskState.PENDING,
        ],
    )
    batch.execute(
        f"UPDATE cases_casestage SET state = %s, closed_at = %s WHERE case_id = {text}",
        [StageState.DONE, now, *params],
    )
    return statements.decide(
        batch, case_id=case_id, acting_user=acting_user, client_address=client_address, on=on
    )


def do_mark_collected(case, *, collected_by, acting_user, client_address=None):
    """The applicant (or a proxy) collected the result at the window."""
    if not is_clerk(acting_user):
        raise forbidden()
    collected_by = (collected_by or "").strip()
    if not collected_by:
        raise invalid_input("collected_by", "须填写领取人 / Who collected it is required")
    now = timezone.now()
    batch = Batch()
    statements.lock_case(batch, case.pk)
    # supplement_due is set while tolerated materials are outstanding (do_accept_case) and cleared
    # when the last arrives (do_receive_tolerated_materials).
    statements.check_case(
        batch,
        case.pk,
        [
            ("c.state <> %s", [CaseState.DECIDED], "case_state"),
            (
                "c.supplement_due IS NOT NULL AND EXISTS (SELECT 1 FROM cases_casematerial m "
                "WHERE m.case_id = c.id AND m.status = %s)",
                [MaterialStatus.TOLERATED],
                "tolerated_materials_outstanding",
            ),
        ],
    )
    batch.execute(
        "UPDATE cases_case SET state = %s, collected_at = %s, collected_by = %s, updated_at = %s "
        "WHERE id = %s",
        [CaseState.DELIVERED, now, collected_by, now, case.pk],
    )
    statements.audit(
        batch,
        "mark_collected",
        case_id=case.pk,
        acting_user=acting_user,
        from_state=CaseState.DECIDED,
        to_state=CaseState.DELIVERED,
        client_address=client_address,
        details=[("collected_by", collected_by)],
    )
    try:
        batch.run()
    except CheckFailed as failed:
        raise _case_error(failed.code, case.pk, allowed=(CaseState.DECIDED,)) from None
    case.state, case.collected_at, case.collected_by = CaseState.DELIVERED, now, collected_by
    return case


# --- clock stops ------------------------------------------------------------------------------


def _stop_clock(task, *, kind, reason, expected_end, acting_user, client_address):
    _require_reviewer(task.department_id, acting_user)
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
    _require_reviewer(task.department_id, acting_user)
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
