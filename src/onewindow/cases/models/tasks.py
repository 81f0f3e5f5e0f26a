from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from onewindow.cases.constants import Colour, ExtensionState, StageState, SuspensionKind, TaskState


class CaseStage(models.Model):
    """A stage of a case's flow, copied from the item version's stages at acceptance."""

    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.CASCADE,
        related_name="stages",
        verbose_name=_("办件"),
        help_text=_("所属办件。"),
        # Leads the unique (case, position) index, which serves it.
        db_index=False,
    )
    position = models.PositiveSmallIntegerField(_("顺序"), help_text=_("环节顺序。"))
    name = models.CharField(_("环节名称"), max_length=80, help_text=_("环节名称。"))
    state = models.CharField(
        _("状态"),
        max_length=12,
        choices=StageState.choices,
        default=StageState.PENDING,
        help_text=_("未开始、办理中或已完成。"),
    )
    opened_on = models.DateField(
        _("开始日期"), null=True, blank=True, help_text=_("环节开始的日期。")
    )
    closed_at = models.DateTimeField(
        _("完成时间"), null=True, blank=True, help_text=_("所有部门答复、环节结束的时间。")
    )

    class Meta:
        ordering = ["case", "position"]
        constraints = [
            models.UniqueConstraint(fields=["case", "position"], name="case_stage_position_once")
        ]
        verbose_name = _("办件环节")
        verbose_name_plural = _("办件环节")

    def __str__(self):
        return self.name


class ReviewTask(models.Model):
    """One department's part of a stage (审批任务). Tasks of one stage are open at the same time."""

    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.CASCADE,
        related_name="tasks",
        verbose_name=_("办件"),
        help_text=_("所属办件。"),
    )
    stage = models.ForeignKey(
        CaseStage,
        on_delete=models.CASCADE,
        related_name="tasks",
        verbose_name=_("环节"),
        help_text=_("所属环节。"),
        # Leads the unique (stage, department) index, which serves it.
        db_index=False,
    )
    department = models.ForeignKey(
        "catalog.Department",
        on_delete=models.PROTECT,
        related_name="review_tasks",
        verbose_name=_("审批部门"),
        help_text=_("负责审查的部门。"),
        # Leads the task_inbox index (department, state, due date), which serves it.
        db_index=False,
    )
    task_name = models.CharField(
        _("审查内容"), max_length=120, blank=True, help_text=_("该部门审查的内容。")
    )
    limit_days = models.PositiveSmallIntegerField(_("时限（工作日）"), help_text=_("本步骤时限。"))
    state = models.CharField(
        _("状态"),
        max_length=12,
        choices=TaskState.choices,
        default=TaskState.PENDING,
        help_text=_("待审查、同意、不同意等。"),
    )
    opened_on = models.DateField(
        _("开始日期"), null=True, blank=True, help_text=_("任务到达部门的日期；时限自次日起算。")
    )
    due_date = models.DateField(
        _("到期日期"),
        null=True,
        blank=True,
        help_text=_("开始日期 + 时限 + 延期 + 暂停计时的工作日。"),
    )
    extension_days = models.PositiveSmallIntegerField(
        _("已批准延期（工作日）"), default=0, help_text=_("本部门获批的延期。")
    )
    colour = models.CharField(
        _("监察状态"),
        max_length=8,
        choices=Colour.choices,
        default=Colour.NONE,
        help_text=_("绿、黄、红或暂停。"),
    )
    opinion = models.TextField(
        _("审查意见"),
        blank=True,
        help_text=_("部门意见；不同意时必须填写理由。内部意见不对外公开。"),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("审查人"),
        help_text=_("给出意见的审批人员。"),
    )
    decided_at = models.DateTimeField(
        _("答复时间"), null=True, blank=True, help_text=_("给出意见的时间。")
    )

    class Meta:
        ordering = ["case", "stage__position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["stage", "department"], name="task_department_once_per_stage"
            )
        ]
        indexes = [
            # The department inbox: open tasks of one department, soonest due first.
            models.Index(fields=["department", "state", "due_date"], name="task_inbox"),
            # Supervision: open tasks by due date.
            models.Index(fields=["state", "due_date"], name="task_state_due"),
            # Worklists of answered tasks (已办), newest first: a department's, and everyone's.
            models.Index(
                fields=["department", "-decided_at"],
                condition=Q(decided_at__isnull=False),
                name="task_done",
            ),
            models.Index(
                fields=["-decided_at"], condition=Q(decided_at__isnull=False), name="task_done_at"
            ),
        ]
        verbose_name = _("审批任务")
        verbose_name_plural = _("审批任务")

    def __str__(self):
        return f"{self.case} · {self.department}"


class Suspension(models.Model):
    """A clock stop (挂起): a supplement request or a special procedure not counted in the limit (Art. 45)."""

    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.CASCADE,
        related_name="suspensions",
        verbose_name=_("办件"),
        help_text=_("所属办件。"),
    )
    task = models.ForeignKey(
        ReviewTask,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="suspensions",
        verbose_name=_("发起任务"),
        help_text=_("发起暂停的审批任务。"),
    )
    kind = models.CharField(
        _("类型"),
        max_length=16,
        choices=SuspensionKind.choices,
        help_text=_("补正材料或特别程序的种类。"),
    )
    reason = models.TextField(_("原因"), help_text=_("暂停计时的原因，告知申请人。"))
    started_on = models.DateField(_("开始日期"), help_text=_("暂停的第一天（不计入时限）。"))
    expected_end = models.DateField(
        _("预计结束日期"), null=True, blank=True, help_text=_("特别程序预计结束的日期。")
    )
    ended_on = models.DateField(
        _("结束日期"), null=True, blank=True, help_text=_("恢复计时前的最后一个暂停日。")
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("发起人"),
        help_text=_("发起暂停的人员。"),
    )
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("恢复人"),
        help_text=_("恢复计时的人员。"),
    )

    class Meta:
        ordering = ["case", "started_on", "id"]
        constraints = [
            # At most one running clock stop per case.
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(ended_on__isnull=True),
                name="one_open_suspension_per_case",
            ),
        ]
        verbose_name = _("暂停计时")
        verbose_name_plural = _("暂停计时")

    def __str__(self):
        return f"{self.case} {self.get_kind_display()}"


class Extension(models.Model):
    """Extra working days for one department's task, requested by a reviewer, decided by the head."""

    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.CASCADE,
        related_name="extensions",
        verbose_name=_("办件"),
        help_text=_("所属办件。"),
    )
    task = models.ForeignKey(
        ReviewTask,
        on_delete=models.CASCADE,
        related_name="extensions",
        verbose_name=_("审批任务"),
        help_text=_("申请延期的审批任务。"),
    )
    days = models.PositiveSmallIntegerField(_("延期（工作日）"), help_text=_("申请延长的工作日。"))
    reason = models.TextField(
        _("延期理由"), help_text=_("告知申请人的延期理由（行政许可法第42条）。")
    )
    state = models.CharField(
        _("状态"),
        max_length=12,
        choices=ExtensionState.choices,
        default=ExtensionState.REQUESTED,
        help_text=_("待审批、已批准或不批准。"),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("申请人"),
        help_text=_("申请延期的审批人员。"),
    )
    requested_at = models.DateTimeField(
        _("申请时间"), auto_now_add=True, help_text=_("提出申请的时间。")
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("审批人"),
        help_text=_("批准或不批准的部门负责人。"),
    )
    decided_at = models.DateTimeField(
        _("审批时间"), null=True, blank=True, help_text=_("负责人审批时间。")
    )
    decision_note = models.TextField(_("审批意见"), blank=True, help_text=_("负责人意见。"))

    class Meta:
        ordering = ["case", "requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["task"],
                condition=Q(state="requested"),
                name="one_pending_extension_per_task",
            ),
        ]
        verbose_name = _("延期")
        verbose_name_plural = _("延期")

    def __str__(self):
        return f"{self.case} +{self.days}"
