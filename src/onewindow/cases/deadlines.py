"""Deadlines and supervision colours of cases and tasks, on the official working-day calendar.

Case deadline = acceptance date + limit (counted from the next day) + approved extensions + the
working days under clock stops. While a stop is running the deadline is unknown and the colour is
"paused"; resuming recomputes it.
"""

from django.conf import settings

from onewindow.cases.constants import Colour
from onewindow.core import workdays


def stop_ranges(suspensions):
    """(first day, last day or None) of each clock stop."""
    return [(s.started_on, s.ended_on) for s in suspensions]


def case_deadlines(case, suspensions):
    """(promised, legal) deadlines, or (None, None) while a clock stop is running."""
    ranges = stop_ranges(suspensions)
    promised = workdays.deadline(
        case.accepted_on,
        case.item.promised_limit_days,
        suspensions=ranges,
        extension_days=case.extension_days,
    )
    legal = workdays.deadline(
        case.accepted_on,
        case.item.legal_limit_days,
        suspensions=ranges,
        extension_days=case.extension_days,
    )
    return promised, legal


def task_due_date(task, suspensions):
    return workdays.deadline(
        task.opened_on,
        task.limit_days,
        suspensions=[r for r in stop_ranges(suspensions) if r[1] is None or r[1] >= task.opened_on],
        extension_days=task.extension_days,
    )


def colour_for(deadline, today, *, warning_days=None):
    """Green while on time, yellow when ≤ warning_days working days remain, red when overdue."""
    if deadline is None:
        return Colour.PAUSED
    if today > deadline:
        return Colour.RED
    warning_days = settings.ONEWINDOW_WARNING_DAYS if warning_days is None else warning_days
    if deadline <= workdays.add_workdays(today, warning_days):
        return Colour.YELLOW
    return Colour.GREEN


def yellow_from(today, *, warning_days=None):
    """Deadlines on or before this date are yellow (or red): the bound for indexed queries."""
    warning_days = settings.ONEWINDOW_WARNING_DAYS if warning_days is None else warning_days
    return workdays.add_workdays(today, warning_days)
