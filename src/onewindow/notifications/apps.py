from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """Applicant and staff messages: texts, the outbox, channels, sending tasks, in-app notices.
    Other apps call notifications.notify; this app imports no other domain app at module level
    (docs/notifications.md)."""

    name = "onewindow.notifications"
    label = "notifications"
    verbose_name = _("消息通知")
