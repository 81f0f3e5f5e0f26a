from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ColourChange(models.Model):
    """A case or task that turned yellow or red, waiting for one staff recipient's next grouped
    notice (actions/supervision.py do_send_colour_notices). One row per recipient: the lead
    department and each supervisor for a case, the reviewing department for a task."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("接收人"),
        help_text=_("接收汇总通知的工作人员；为空时发给整个部门。"),
    )
    department = models.ForeignKey(
        "catalog.Department",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("接收部门"),
        help_text=_("接收汇总通知的部门。"),
    )
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("办件"),
        help_text=_("变色的办件，或变色任务所属的办件。"),
    )
    task = models.ForeignKey(
        "cases.ReviewTask",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("审批任务"),
        help_text=_("变色的部门审批任务；办件本身变色时为空。"),
    )
    colour = models.CharField(
        _("监察状态"), max_length=8, help_text=_("变成的颜色：yellow 或 red。")
    )
    deadline = models.DateField(
        _("到期日期"), null=True, blank=True, help_text=_("变色时的承诺办结日期或任务到期日期。")
    )
    created_at = models.DateTimeField(
        _("变色时间"), auto_now_add=True, help_text=_("发现变色的时间。")
    )
    notification = models.ForeignKey(
        "notifications.Notification",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("汇总通知"),
        help_text=_("告知此变化的汇总通知；为空表示尚待告知。"),
    )

    class Meta:
        indexes = [
            # The sender reads only the changes still to tell: a small partial index.
            models.Index(
                fields=["department", "recipient"],
                condition=models.Q(notification__isnull=True),
                name="colour_change_pending",
            ),
        ]
        verbose_name = _("监察状态变化")
        verbose_name_plural = _("监察状态变化")

    def __str__(self):
        return f"{self.case_id} → {self.colour}"


class ColourNoticeClock(models.Model):
    """When one recipient was last sent a grouped colour notice: the claim row that keeps it to
    one per ONEWINDOW_COLOUR_NOTICE_MINUTES. A worker sends only after moving `last_sent_at`
    forward with a conditional UPDATE; a second worker's UPDATE then matches nothing."""

    address = models.CharField(
        _("接收地址"),
        max_length=40,
        unique=True,
        help_text=_("user:<编号> 或 department:<编号>。"),
    )
    last_sent_at = models.DateTimeField(
        _("上次通知时间"), help_text=_("最近一次发出汇总通知的时间。")
    )

    class Meta:
        verbose_name = _("监察汇总通知时钟")
        verbose_name_plural = _("监察汇总通知时钟")

    def __str__(self):
        return f"{self.address} · {self.last_sent_at:%Y-%m-%d %H:%M}"
