"""Periodic work of deliveries."""

from django_tasks import task

from onewindow.core.scheduler import periodic


@periodic(every_seconds=3600)
@task()
def remind_and_return_locker_items():
    """Remind applicants of results waiting in a locker, and return the overdue ones to the
    window (see do_remind_and_return). Safe to run twice or in two workers at once."""
    from onewindow.delivery.actions.lockers import do_remind_and_return

    reminded, returned = do_remind_and_return()
    return {"reminded": reminded, "returned": returned}
