"""Background work of delivery: issuing results, lockers, shipments (messages: notifications/tasks.py)."""

import logging
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from onewindow.core.scheduler import periodic


@task()
def issue_result(case_id):
    """Issue the result of a decided case (enqueued with the decision). Idempotent: a case that
    is no longer DECIDED (already issued, or collected) is skipped, so running it twice, in two
    workers, or again after its worker died (core/workers.py) issues one certificate."""
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
    """With the decision: one task row, committed with it (on the decision's hot path, nothing
    else). With ONEWINDOW_ISSUE_AFTER_DECISION off, a clerk issues with the case page's 出件
    button."""
    from onewindow.core.workers import enqueue_with_transaction

    if settings.ONEWINDOW_ISSUE_AFTER_DECISION:
        enqueue_with_transaction(issue_result, case_id)


@periodic(every_seconds=3600)
@task()
def remind_and_return_locker_items():
    """Remind applicants of results waiting in a locker, and return the overdue ones to the
    window (see do_remind_and_return). Safe to run twice or in two workers at once."""
    from onewindow.delivery.actions.lockers import do_remind_and_return

    reminded, returned = do_remind_and_return()
    return {"reminded": reminded, "returned": returned}


logger = logging.getLogger(__name__)


def retry_delay(attempt):
    """Seconds before attempt `attempt + 1`: the configured delay, doubling each time."""
    return settings.ONEWINDOW_COURIER_RETRY_SECONDS * 2 ** (attempt - 1)


@task()
def create_shipment(delivery_id, attempt=1):
    """Book the shipment of a ready mail delivery with the courier (idempotent). When the
    courier fails, try again later, with a doubling delay, up to ONEWINDOW_COURIER_ATTEMPTS."""
    from onewindow.delivery.actions.mail import do_create_shipment
    from onewindow.delivery.couriers import CourierError, courier

    try:
        shipment = do_create_shipment(delivery_id, courier=courier())
    except CourierError as error:
        if attempt >= settings.ONEWINDOW_COURIER_ATTEMPTS:
            logger.error(
                "shipment for delivery %s failed after %s attempts: %s", delivery_id, attempt, error
            )
            return {"shipped": False, "attempt": attempt, "error": str(error)}
        delay = retry_delay(attempt)
        logger.warning(
            "shipment for delivery %s failed (attempt %s), retrying in %ss: %s",
            delivery_id,
            attempt,
            delay,
            error,
        )
        later = create_shipment
        if later.get_backend().supports_defer:
            later = later.using(run_after=timezone.now() + timedelta(seconds=delay))
        later.enqueue(delivery_id, attempt=attempt + 1)
        return {"shipped": False, "attempt": attempt, "error": str(error), "retry_in": delay}
    if shipment is None:
        return {"shipped": False, "attempt": attempt}
    return {"shipped": True, "attempt": attempt, "tracking_number": shipment.tracking_number}
