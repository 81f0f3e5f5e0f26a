"""Pieces shared by the case actions: locking, auditing, recomputing deadlines, notifying, and
who may work on a department's tasks."""

from django.utils import timezone
from django.utils.translation import gettext as _

from onewindow.accounts.constants import Role
from onewindow.cases.constants import CaseState, Colour, TaskState
from onewindow.cases.deadlines import (
    case_deadlines,
    case_limit,
    colour_for,
    task_due_date,
    task_limit,
)
from onewindow.cases.errors import forbidden, wrong_state
from onewindow.cases.models import Case, ColourChange, ReviewTask
from onewindow.cases.permissions import works_for
from onewindow.core import audit
from onewindow.notifications.notify import notify  # noqa: F401  (the case actions' way to tell staff)


def today():
    return timezone.localdate()


def lock_case(case, *, related=("item",)):
    """Re-read the case (a Case or its pk) under a row lock (PostgreSQL; SQLite's IMMEDIATE
    transaction serialises). Callers holding a task pass `task.case_id`: `task.case` would load the
    case once more just to lock it."""
    pk = case.pk if isinstance(case, Case) else case
    return Case.objects.select_for_update(of=("self",)).select_related(*related).get(pk=pk)


def lock_task(task, *, case=None):
    """Re-read the task under a row lock, with its stage and department; pass the case already
    locked so that it is not read again."""
    related = ("stage", "department") if case is not None else ("case", "stage", "department")
    locked = (
        ReviewTask.objects.select_for_update(of=("self",)).select_related(*related).get(pk=task.pk)
    )
    if case is not None:
        locked.case = case
    return locked


def require_state(obj, *allowed):
    if obj.state not in allowed:
        raise wrong_state(obj, allowed)


def record(case, action, *, acting_user, from_state="", reason="", client_address=None, **details):
    audit.record(
        action=action,
        obj=case,
        acting_user=acting_user,
        from_state=from_state,
        to_state=case.state,
        reason=reason,
        client_address=client_address,
        details={"number": case.number or "", **details},
    )


def set_state(case, state, *, extra_fields=()):
    case.state = state
    case.save(update_fields=["state", "updated_at", *extra_fields])


def recompute_deadlines(case, *, on=None, suspensions=None, tasks=None, extra_fields=()):
    """Store the case's and its open tasks' deadlines and colours after anything that moves them.

    Callers that know them pass the case's `suspensions` and its open `tasks` (each saves a query),
    and `extra_fields` they changed on the case, saved in the same UPDATE.
    """
    on = on or today()
    if case.accepted_on is None:
        if extra_fields:
            case.save(update_fields=[*extra_fields, "updated_at"])
        return
    suspensions = list(case.suspensions.all()) if suspensions is None else suspensions
    promised, legal = case_deadlines(case, suspensions)
    paused = any(s.ended_on is None for s in suspensions)
    fields = list(extra_fields)
    if not paused:
        case.promised_deadline, case.legal_deadline = promised, legal
        fields += ["promised_deadline", "legal_deadline"]
    colour = (
        Colour.PAUSED
        if paused
        else colour_for(case.promised_deadline, on, limit_days=case_limit(case))
    )
    if case.state not in (CaseState.ACCEPTED, CaseState.IN_REVIEW, CaseState.SUSPENDED):
        colour = Colour.NONE
    previous = case.colour
    if colour != previous:
        case.colour, case.colour_changed_at = colour, timezone.now()
        fields += ["colour", "colour_changed_at"]
    if fields:
        case.save(update_fields=[*fields, "updated_at"])
    if colour != previous and colour in WARNING_COLOURS:
        # E.g. a short promise is yellow at once, or a long stop ends past the deadline.
        announce_case_colour(case, previous, colour)
    for task in case.tasks.filter(state=TaskState.OPEN) if tasks is None else tasks:
        due = None if paused else task_due_date(task, suspensions)
        task_colour = Colour.PAUSED if paused else colour_for(due, on, limit_days=task_limit(task))
        changed = []
        if due is not None and due != task.due_date:
            task.due_date = due
            changed.append("due_date")
        announce = task_colour != task.colour and task_colour in WARNING_COLOURS
        if task_colour != task.colour:
            task.colour = task_colour
            changed.append("colour")
        if changed:
            task.save(update_fields=changed)
        if announce:
            announce_task_colour(task, task_colour)


WARNING_COLOURS = (Colour.YELLOW, Colour.RED)


def announce_case_colour(case, previous, colour, *, supervisors=None):
    """A case turned yellow or red: audit it, and queue the change for the lead department's and
    the supervisors' next grouped notice (supervision.do_send_colour_notices)."""
    from onewindow.accounts.models import User

    record(
        case,
        "colour_changed",
        acting_user=None,
        from_state=case.state,
        previous=previous,
        colour=colour,
    )
    if supervisors is None:
        supervisors = User.objects.filter(role=Role.SUPERVISOR, is_active=True)
    changes = [ColourChange(department_id=case.item.lead_department_id)]
    changes += [ColourChange(recipient=supervisor) for supervisor in supervisors]
    for change in changes:
        change.case, change.colour, change.deadline = case, colour, case.promised_deadline
    ColourChange.objects.bulk_create(changes)


def announce_task_colour(task, colour):
    """A department's task turned yellow or red: queue it for that department's grouped notice."""
    ColourChange.objects.create(
        department_id=task.department_id,
        case_id=task.case_id,
        task=task,
        colour=colour,
        deadline=task.due_date,
    )


def require_reviewer(department_id, user):
    if not works_for(user, department_id):
        raise reviewer_forbidden()


def reviewer_forbidden():
    return forbidden(_("只能办理本部门的审批任务"))


def may_review_somewhere(user):
    return user.is_active and (user.is_superuser or user.role in (Role.REVIEWER, Role.HEAD))
