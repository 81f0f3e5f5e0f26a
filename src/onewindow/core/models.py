from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from onewindow.core.constants import DayKind, ScheduleSource


class CalendarYear(models.Model):
    """A year whose official holiday schedule has been loaded.

    Years without a row are computed on weekends only, with a warning (the State Council publishes
    each year's schedule only weeks before it starts).
    """

    year = models.PositiveSmallIntegerField(
        _("年份"), unique=True, help_text=_("已载入国务院办公厅节假日安排的年份。")
    )
    source = models.CharField(
        _("来源"), max_length=16, choices=ScheduleSource.choices, help_text=_("该年安排的来源。")
    )
    loaded_at = models.DateTimeField(_("载入时间"), auto_now=True, help_text=_("最近载入时间。"))
    note = models.CharField(_("说明"), max_length=200, blank=True, help_text=_("例如文件编号。"))

    class Meta:
        ordering = ["year"]
        verbose_name = _("日历年度")
        verbose_name_plural = _("日历年度")

    def __str__(self):
        return str(self.year)


class CalendarDay(models.Model):
    """An exception to the Monday–Friday rule: a statutory holiday or a make-up working day (调休)."""

    date = models.DateField(_("日期"), unique=True, help_text=_("公历日期。"))
    kind = models.CharField(
        _("类型"),
        max_length=16,
        choices=DayKind.choices,
        help_text=_("法定节假日休息，或周末调休上班。"),
    )
    name = models.CharField(
        _("名称"), max_length=40, blank=True, help_text=_("节日名称，例如 春节、国庆节。")
    )

    class Meta:
        ordering = ["date"]
        verbose_name = _("节假日与调休")
        verbose_name_plural = _("节假日与调休")

    def __str__(self):
        return f"{self.date} {self.get_kind_display()} {self.name}".strip()


class AuditEntry(models.Model):
    """Append-only record of every action: who, in which role, when, what changed and why.

    Rows are only ever inserted (core.audit.record); the admin shows them read-only.
    """

    created_at = models.DateTimeField(
        _("时间"), auto_now_add=True, db_index=True, help_text=_("记录时间。")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("操作人"),
        help_text=_("执行操作的用户；系统任务为空。"),
    )
    actor_role = models.CharField(
        _("角色"), max_length=32, blank=True, help_text=_("操作时的角色。")
    )
    action = models.CharField(
        _("操作"), max_length=64, help_text=_("动作名称，例如 publish_item。")
    )
    object_type = models.CharField(
        _("对象类型"), max_length=64, help_text=_("例如 catalog.serviceitem。")
    )
    object_id = models.CharField(_("对象标识"), max_length=64, help_text=_("对象主键或编号。"))
    from_state = models.CharField(
        _("原状态"), max_length=32, blank=True, help_text=_("操作前状态。")
    )
    to_state = models.CharField(_("新状态"), max_length=32, blank=True, help_text=_("操作后状态。"))
    reason = models.TextField(_("原因"), blank=True, help_text=_("操作原因或说明。"))
    client_address = models.GenericIPAddressField(
        _("客户端地址"), null=True, blank=True, help_text=_("发起请求的地址。")
    )
    details = models.JSONField(_("详情"), default=dict, blank=True, help_text=_("附加数据。"))

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id", "created_at"])]
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.object_type}:{self.object_id}"


class NumberSequence(models.Model):
    """The last number handed out per scope and day (core.numbering)."""

    key = models.CharField(
        _("序列"), max_length=64, unique=True, help_text=_("范围与日期，例如 case:20261125。")
    )
    last_value = models.PositiveIntegerField(
        _("当前值"), default=0, help_text=_("最近发出的序号。")
    )

    class Meta:
        verbose_name = _("编号序列")
        verbose_name_plural = _("编号序列")

    def __str__(self):
        return f"{self.key}={self.last_value}"


class WorkerHeartbeat(models.Model):
    """A task worker's sign of life (core.workers): written every few seconds while it runs,
    deleted when it stops cleanly. A RUNNING task whose worker stopped beating is recovered."""

    worker_id = models.CharField(
        _("工作进程标识"),
        max_length=64,
        primary_key=True,
        help_text=_("db_worker 的 worker id，与任务记录的 worker_ids 对应。"),
    )
    hostname = models.CharField(
        _("主机"), max_length=255, blank=True, help_text=_("工作进程所在的主机名。")
    )
    pid = models.PositiveIntegerField(_("进程号"), null=True, help_text=_("工作进程的进程号。"))
    started_at = models.DateTimeField(_("启动时间"), help_text=_("工作进程启动的时间。"))
    last_seen_at = models.DateTimeField(
        _("最近心跳"), db_index=True, help_text=_("最近一次心跳的时间。")
    )

    class Meta:
        ordering = ["-last_seen_at"]
        verbose_name = _("任务工作进程")
        verbose_name_plural = _("任务工作进程")

    def __str__(self):
        return f"{self.worker_id} ({self.hostname}:{self.pid})"
