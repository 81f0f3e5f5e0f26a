from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliveryConfig(AppConfig):
    name = "onewindow.delivery"
    label = "delivery"
    verbose_name = _("出件与送达")
