"""Background work of delivery: sending outbox messages, and sweeping up those whose task was lost."""

from django_tasks import task

from onewindow.core.scheduler import periodic


@task()
def send_message(message_id):
    """Claim and send one outbox message; on failure it re-enqueues itself with backoff (see
    delivery/actions/messages.py). Safe to run twice: the second run finds it claimed or sent."""
    from onewindow.delivery.actions.messages import do_send_message

    return do_send_message(message_id)


@periodic(every_seconds=60)
@task()
def sweep_outbox():
    """Enqueue again the pending messages whose task was lost."""
    from onewindow.delivery.actions.messages import do_sweep_outbox

    return do_sweep_outbox()
