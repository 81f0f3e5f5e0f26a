import logging

from django_tasks import task

from onewindow.core.scheduler import periodic

logger = logging.getLogger(__name__)


@periodic(every_seconds=6 * 3600)
@task()
def warn_missing_calendar_years():
    """Remind operators to load next year's holiday schedule before deadlines reach it."""
    from onewindow.core.workdays import current_missing_years

    missing = current_missing_years()
    if missing:
        logger.warning(
            "working-day calendar has no official schedule for %s", ", ".join(map(str, missing))
        )
    return missing
