"""Background work of the delivery app."""

from django_tasks import task


@task()
def issue_result(case_id):
    """Issue the result of a decided case (enqueued when the decision commits). Idempotent: a case
    that is no longer DECIDED (already issued, or collected) is skipped, so running it twice or
    in two workers issues one certificate."""
    from onewindow.cases.constants import CaseState
    from onewindow.cases.errors import CaseActionError
    from onewindow.cases.models import Case
    from onewindow.delivery.actions import do_issue_result

    if not Case.objects.filter(pk=case_id, state=CaseState.DECIDED).exists():
        return "skipped"
    try:
        do_issue_result(case_id)
    except CaseActionError as error:
        if error.code != "wrong_state":
            raise
        return "skipped"  # another worker issued it between the check and the lock
    return "issued"


def enqueue_issue_result(case_id):
    """After the decision commits: one task row (on the decision's hot path, nothing else)."""
    from django.db import transaction

    transaction.on_commit(lambda: issue_result.enqueue(case_id))
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




@periodic(every_seconds=3600)
@task()
def remind_and_return_locker_items():
    """Remind applicants of results waiting in a locker, and return the overdue ones to the
    window (see do_remind_and_return). Safe to run twice or in two workers at once."""
    from onewindow.delivery.actions.lockers import do_remind_and_return

    reminded, returned = do_remind_and_return()
    return {"reminded": reminded, "returned": returned}
