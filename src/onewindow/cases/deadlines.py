"""Deadlines and supervision colours of cases and tasks, on the official working-day calendar.

Case deadline = acceptance date + limit (counted from the next day) + approved extensions + the
working days under clock stops. While a stop is running the deadline is unknown and the colour is
"paused"; resuming recomputes it.
"""

import math
from decimal import Decimal

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


def warning_days(limit_days, *, ratio=None, most=None):
    """How many working days before its deadline a step (or a case) of `limit_days` turns yellow.

    The threshold scales with the limit: ceil(limit × ONEWINDOW_WARNING_RATIO), at least 1 and at
    most ONEWINDOW_WARNING_MAX_DAYS, and always below the limit itself, so that nothing is yellow
    on the day it arrives (on that day all `limit_days` remain): a 1-day step turns yellow on its
    due day only, a 2-day step on its second day. docs/cases.md has the table.
    """
    ratio = settings.ONEWINDOW_WARNING_RATIO if ratio is None else ratio
    most = settings.ONEWINDOW_WARNING_MAX_DAYS if most is None else most
    if limit_days <= 1:
        return 0
    # Decimal: 0.1 × 30 is 3.0000000000000004 in binary floating point, whose ceiling is 4.
    scaled = math.ceil(Decimal(limit_days) * Decimal(str(ratio)))
    return min(limit_days - 1, most, max(1, scaled))


def case_limit(case):
    """The working days a case's clock may run: its promise plus approved extensions."""
    return case.item.promised_limit_days + case.extension_days


def task_limit(task):
    """The working days a department's step may run: its limit plus approved extensions."""
    return task.limit_days + task.extension_days


def colour_for(deadline, today, *, limit_days):
    """Green while on time, yellow when no more than warning_days(limit_days) working days remain
    (0 on the due day itself), red when overdue; paused without a deadline."""
    if deadline is None:
        return Colour.PAUSED
    if today > deadline:
        return Colour.RED
    if deadline <= workdays.add_workdays(today, warning_days(limit_days)):
        return Colour.YELLOW
    return Colour.GREEN


def yellow_from(today):
    """Deadlines on or before this date may be yellow (or red) today, whatever their limit: the
    bound for indexed queries (no threshold exceeds ONEWINDOW_WARNING_MAX_DAYS)."""
    return workdays.add_workdays(today, settings.ONEWINDOW_WARNING_MAX_DAYS)
