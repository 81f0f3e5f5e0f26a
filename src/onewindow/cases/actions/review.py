"""Parallel department review (并联审批): a department answers its task, the last answer of a
stage closes it (the join) and the next stage opens."""

from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from onewindow.accounts.models import User
from onewindow.cases.actions import statements
from onewindow.cases.actions.common import (
    WARNING_COLOURS,
    may_review_somewhere,
    require_reviewer,
    reviewer_forbidden,
    today,
)
from onewindow.cases.constants import CaseState, Colour, ExtensionState, StageState, TaskState
from onewindow.cases.deadlines import colour_for, task_due_date, task_limit
from onewindow.cases.errors import CaseActionError, invalid_input, not_found, wrong_state
from onewindow.cases.models import CaseStage, ReviewTask
from onewindow.core.batch import Batch, CheckFailed, Sql


def do_complete_review(task, *, decision, opinion, acting_user, client_address=None):
    """A department answers its task: approve, or refuse with a reason. The last answer of a stage
    closes it (join) and opens the next; a refusal ends the flow after its stage.

    `task` is a ReviewTask (returned, updated) or its id. One batch (one round trip on
    PostgreSQL); when the answer completes a stage that opens a next one, whose due dates only
    Python can compute, the batch stops, the next stage is read and the batch runs again with it.
    """
    task_id = task.pk if isinstance(task, ReviewTask) else int(task)
    opinion = (opinion or "").strip()
    problem = None
    if decision not in (TaskState.APPROVED, TaskState.REFUSED):
        problem = invalid_input("decision", _("意见须为同意或不同意"))
    elif decision == TaskState.REFUSED and not opinion:
        problem = invalid_input("opinion", _("不同意时必须填写理由"))
    if problem is not None or not may_review_somewhere(acting_user):
        # Permission first: someone else's task gets 403 whatever they posted.
        require_reviewer(_task_department(task), acting_user)
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


def _task_department(task):
    if isinstance(task, ReviewTask):
        return task.department_id
    row = ReviewTask.objects.filter(pk=task).values_list("department_id").first()
    if row is None:
        raise not_found(_("审批任务不存在"))
    return row[0]


def _review_statements(
    batch, task_id, *, decision, opinion, acting_user, client_address, now, next_stage
):
    case_id = statements.task_case(task_id)
    statements.lock_case(batch, case_id)
    conditions = []
    if not acting_user.is_superuser:
        conditions.append(
            statements.outside_department("t.department_id", acting_user.department_id)
        )
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
    # The extension requests and the audit row read nothing the task's UPDATE writes: with it,
    # they are one statement on PostgreSQL.
    _close_pending_extensions_of_task(batch, task_id, "审查已完成，延期申请不再需要", now)
    if (
        not acting_user.is_superuser
        and acting_user.department_id is not None
        and User.department.is_cached(acting_user)
    ):
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
        alongside=True,
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
        alongside=True,
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
            # A 0-day step is yellow from its first day (cases/deadlines.py warning_days).
            statements.queue_colour_change(
                batch,
                case_id=Sql(case, (task_id,)),
                colour=opened.colour,
                deadline=opened.due_date,
                department_id=opened.department_id,
                task_id=opened.pk,
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
        task.colour = colour_for(task.due_date, on, limit_days=task_limit(task))
    return NextStage(on=on, stage_id=stage.pk, tasks=tuple(tasks))


def _task_error(code, task_id):
    """The error of a failed check of a task batch, read now for a precise message."""
    if code == "not_found":
        return not_found(_("审批任务不存在"))
    if code == "forbidden":
        return reviewer_forbidden()
    task = ReviewTask.objects.select_related("case").get(pk=task_id)
    if code == "case_state":
        return wrong_state(task.case, (CaseState.IN_REVIEW,))
    if code == "task_state":
        return wrong_state(task, (TaskState.OPEN,))
    return CaseActionError(code, code)
