from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KioskConfig(AppConfig):
    """Self-service touch screens: the smart locker's code entry (views and templates only)."""

    name = "onewindow.kiosk"
    label = "kiosk"
    verbose_name = _("自助终端")
