"""Background work of notifications: sending outbox messages, and the sweeper for lost sends.

Queued rows name these tasks by path. Rows written before the move named
onewindow.notifications.tasks.send_message: they fail to import, their messages stay pending, and
the sweeper enqueues them again here (docs/notifications.md, "Moved from delivery").
"""

from django_tasks import task

from onewindow.core.scheduler import periodic


@task()
def send_message(message_id):
    """Claim and send one outbox message; on failure it re-enqueues itself with backoff (see
    notifications/actions.py). Safe to run twice: the second run finds it claimed or sent."""
    from onewindow.notifications.actions import do_send_message

    return do_send_message(message_id)


@periodic(every_seconds=60)
@task()
def sweep_outbox():
    """Enqueue again the pending messages whose task was lost, and those left sending by a
    worker that died."""
    from onewindow.notifications.actions import do_sweep_outbox

    return do_sweep_outbox()
