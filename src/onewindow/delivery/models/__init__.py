from onewindow.delivery.models.certificates import Certificate
from onewindow.delivery.models.deliveries import Delivery, Visit
from onewindow.delivery.models.lockers import Compartment, Locker, LockerDeposit
from onewindow.delivery.models.mail import MailAddress, RefusedWebhookCall, Shipment, TrackingEvent
from onewindow.delivery.models.pickup import WindowPickup

__all__ = [
    "Certificate",
    "Compartment",
    "Delivery",
    "Locker",
    "LockerDeposit",
    "MailAddress",
    "RefusedWebhookCall",
    "Shipment",
    "TrackingEvent",
    "Visit",
    "WindowPickup",
]
