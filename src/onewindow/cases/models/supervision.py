from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """An in-app message to a staff member or to everyone in a department (SMS and e-mail come later)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("接收人"),
        help_text=_("接收的工作人员；为空时发给整个部门。"),
    )
    department = models.ForeignKey(
        "catalog.Department",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("接收部门"),
        help_text=_("接收的部门。"),
    )
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("办件"),
        help_text=_("相关办件。"),
    )
    kind = models.CharField(
        _("类型"),
        max_length=32,
        help_text=_("例如 yellow_card、red_card、press、extension_requested。"),
    )
    text = models.TextField(_("内容"), help_text=_("通知内容。"))
    created_at = models.DateTimeField(
        _("时间"), auto_now_add=True, db_index=True, help_text=_("发出时间。")
    )
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True, help_text=_("阅读时间。"))

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["department", "read_at"], name="notification_department_unread")
        ]
        verbose_name = _("站内通知")
        verbose_name_plural = _("站内通知")

    def __str__(self):
        return self.text[:40]
