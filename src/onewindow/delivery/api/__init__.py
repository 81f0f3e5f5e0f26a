"""The delivery app's API: certificates and their verification, a case's delivery, lockers and
the kiosk."""

from onewindow.delivery.api.cases import router as case_delivery_router
from onewindow.delivery.api.certificates import router as certificates_router
from onewindow.delivery.api.lockers import kiosk_router
from onewindow.delivery.api.lockers import router as delivery_router

__all__ = ["case_delivery_router", "certificates_router", "delivery_router", "kiosk_router"]
