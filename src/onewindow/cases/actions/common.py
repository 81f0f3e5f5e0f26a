"""Pieces shared by the case actions: locking, auditing, recomputing deadlines, notifying."""

from django.utils import timezone

from onewindow.cases.constants import CaseState, Colour, TaskState
from onewindow.cases.deadlines import case_deadlines, colour_for, task_due_date
from onewindow.cases.errors import wrong_state
from onewindow.cases.models import Case, Notification, ReviewTask
from onewindow.core import audit


def today():
    return timezone.localdate()


def lock_case(case):
    """Re-read the case under a row lock (PostgreSQL; SQLite's IMMEDIATE transaction serialises)."""
    return Case.objects.select_for_update(of=("self",)).select_related("item").get(pk=case.pk)


def lock_task(task):
    return (
        ReviewTask.objects.select_for_update(of=("self",))
        .select_related("case", "stage")
        .get(pk=task.pk)
    )


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


def recompute_deadlines(case, *, on=None):
    """Store the case's and its open tasks' deadlines and colours after anything that moves them."""
    on = on or today()
    suspensions = list(case.suspensions.all())
    if case.accepted_on is None:
        return
    promised, legal = case_deadlines(case, suspensions)
    paused = any(s.ended_on is None for s in suspensions)
    fields = []
    if not paused:
        case.promised_deadline, case.legal_deadline = promised, legal
        fields += ["promised_deadline", "legal_deadline"]
    colour = Colour.PAUSED if paused else colour_for(case.promised_deadline, on)
    if case.state not in (CaseState.ACCEPTED, CaseState.IN_REVIEW, CaseState.SUSPENDED):
        colour = Colour.NONE
    if colour != case.colour:
        case.colour, case.colour_changed_at = colour, timezone.now()
        fields += ["colour", "colour_changed_at"]
    if fields:
        case.save(update_fields=[*fields, "updated_at"])
    for task in case.tasks.filter(state=TaskState.OPEN):
        due = None if paused else task_due_date(task, suspensions)
        task_colour = Colour.PAUSED if paused else colour_for(due, on)
        changed = []
        if due is not None and due != task.due_date:
            task.due_date = due
            changed.append("due_date")
        if task_colour != task.colour:
            task.colour = task_colour
            changed.append("colour")
        if changed:
            task.save(update_fields=changed)


def notify(*, kind, text, case=None, department=None, recipient=None):
    return Notification.objects.create(
        kind=kind, text=text, case=case, department=department, recipient=recipient
    )
