from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliveryConfig(AppConfig):
    name = "onewindow.delivery"
    label = "delivery"
    verbose_name = _("出件与送达")

    def ready(self):
        # Certificate numbers and pickup codes in the staff search (cases/search.py explains
        # why delivery registers them rather than cases looking them up).
        from onewindow.delivery import hooks, search

        search.register()
        # What the case engine leaves to delivery (cases/hooks.py): issuing, visits, page parts.
        hooks.connect()
