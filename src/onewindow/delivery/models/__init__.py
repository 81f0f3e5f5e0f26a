from onewindow.delivery.models.deliveries import Delivery, Visit
from onewindow.delivery.models.messages import OutboundMessage

__all__ = ["Delivery", "OutboundMessage", "Visit"]
