from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "onewindow.core"
    label = "core"
    verbose_name = _("基础设置")

    def ready(self):
        from onewindow.core import checks, signals  # noqa: F401  (registers; connects)
