from onewindow.delivery.models.certificates import Certificate
from onewindow.delivery.models.deliveries import Delivery, Visit
from onewindow.delivery.models.messages import OutboundMessage

__all__ = ["Certificate", "Delivery", "OutboundMessage", "Visit"]
