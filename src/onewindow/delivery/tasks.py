"""Background work of delivery: booking mail shipments with the courier."""

import logging
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks import task

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
