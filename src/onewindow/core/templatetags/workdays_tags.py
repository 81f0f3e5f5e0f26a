"""Template tags for the working-day calendar: the admin's missing-schedule banner."""

import logging

from django import template
from django.db import DatabaseError

from onewindow.core import workdays

register = template.Library()
logger = logging.getLogger("onewindow.core.workdays")


@register.simple_tag
def missing_schedule_years():
    """This year and next year, where no holiday schedule is loaded (usually none, or next year)."""
    try:
        return workdays.current_missing_years()
    except DatabaseError:
        # A banner must never take the admin down with it (e.g. before `migrate`).
        logger.exception("Could not check the loaded holiday schedules")
        return []
