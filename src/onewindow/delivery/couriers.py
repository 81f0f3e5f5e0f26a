"""Couriers: whoever carries a mailed result. The platform needs one thing from them — create a
shipment for a delivery and get its tracking number back; tracking events come back later
through the webhook (delivery.webhook).

`courier()` gives the configured one: an HTTP courier speaking the API of ONEWINDOW_COURIER_URL
(the EMS-like API the courier simulator implements, see docs/delivery.md).
"""

import json
import logging
import urllib.error
import urllib.request
from typing import Protocol

from django.conf import settings

logger = logging.getLogger(__name__)


class CourierError(Exception):
    """The courier could not take the shipment now (unreachable, refused, a bad answer)."""


class Courier(Protocol):
    code: str

    def create_shipment(self, delivery, address) -> str:
        """Book the parcel for `delivery` to the MailAddress `address`; the tracking number."""


def reference(delivery):
    """Our reference for a delivery's shipment. The courier answers a repeated reference with
    the shipment it already made, so a retry after a lost answer never books two parcels; a
    parcel sent again after one came back gets the next number."""
    earlier = delivery.shipments.count()
    return f"onewindow-delivery-{delivery.pk}" + (f"-{earlier + 1}" if earlier else "")


class HTTPCourier:
    code = "ems"

    def __init__(self, *, url, key, webhook_url, timeout=10):
        self.url, self.key, self.webhook_url, self.timeout = (
            url.rstrip("/"),
            key,
            webhook_url,
            timeout,
        )

    def create_shipment(self, delivery, address):
        case = delivery.case
        payload = {
            "reference": reference(delivery),
            "sender": {
                "name": f"{settings.ONEWINDOW_REGION_NAME}政务服务中心",
                "region_code": settings.ONEWINDOW_REGION_CODE,
            },
            "recipient": {"name": address.recipient_name, "phone": address.phone},
            "address": {
                "province": address.province,
                "city": address.city,
                "district": address.district,
                "street": address.street,
                "postcode": address.postcode,
            },
            "contents": f"办件结果 {case.number or ''}".strip(),
            "webhook_url": self.webhook_url,
        }
        request = urllib.request.Request(
            f"{self.url}/v1/shipments",
            data=json.dumps(payload, ensure_ascii=False).encode(),
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Bearer {self.key}",
                # The same value as the reference: a courier that knows idempotency keys rather
                # than references answers a repeated booking with the parcel it already made.
                "Idempotency-Key": payload["reference"],
            },
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                answer = json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            raise CourierError(f"courier answered HTTP {error.code}") from error
        except (OSError, ValueError) as error:
            raise CourierError(f"courier unreachable or unreadable: {error}") from error
        number = answer.get("tracking_number") if isinstance(answer, dict) else None
        if not isinstance(number, str) or not number.strip():
            raise CourierError("courier answered without a tracking number")
        return number.strip()


def courier():
    return HTTPCourier(
        url=settings.ONEWINDOW_COURIER_URL,
        key=settings.ONEWINDOW_COURIER_KEY,
        webhook_url=settings.ONEWINDOW_COURIER_WEBHOOK_URL,
    )
