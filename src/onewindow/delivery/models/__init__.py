from onewindow.delivery.models.deliveries import Delivery, Visit
from onewindow.delivery.models.mail import MailAddress, RefusedWebhookCall, Shipment, TrackingEvent
from onewindow.delivery.models.messages import OutboundMessage

__all__ = [
    "Delivery",
    "MailAddress",
    "OutboundMessage",
    "RefusedWebhookCall",
    "Shipment",
    "TrackingEvent",
    "Visit",
]
