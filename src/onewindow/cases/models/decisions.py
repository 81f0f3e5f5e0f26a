from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from onewindow.cases.constants import Decision, DraftState


class DecisionDraft(models.Model):
    """A decision drafted by a reviewer of the lead department and signed (签发) by its head.

    Each version of the draft is a row: a returned draft keeps the head's comment and the redraft
    is a new row, so the rows of a case are the history of its returns. At most one draft of a
    case awaits signature. Signing copies the text onto the case and decides it.
    """

    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.CASCADE,
        related_name="decision_drafts",
        verbose_name=_("办件"),
        help_text=_("所属办件。"),
    )
    department = models.ForeignKey(
        "catalog.Department",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("签发部门"),
        help_text=_("牵头部门：其负责人签发。"),
        # Leads the drafts_awaiting index (department, state), which serves it.
        db_index=False,
    )
    outcome = models.CharField(
        _("拟作决定"),
        max_length=16,
        choices=Decision.choices,
        help_text=_("拟准予许可或拟不予许可；须与各部门审查结果一致。"),
    )
    text = models.TextField(_("决定正文"), help_text=_("决定书的正文。"))
    reasons = models.TextField(
        _("不予许可的理由"),
        blank=True,
        help_text=_("不予许可时必填：理由及依据（行政许可法第三十八条）。"),
    )
    conditions = models.TextField(
        _("许可条件"), blank=True, help_text=_("准予许可时附加的条件或要求，可为空。")
    )
    valid_until = models.DateField(
        _("有效期至"),
        null=True,
        blank=True,
        help_text=_("准予许可的有效期截止日期；为空表示长期有效。"),
    )
    state = models.CharField(
        _("状态"),
        max_length=20,
        choices=DraftState.choices,
        default=DraftState.AWAITING_SIGNATURE,
        help_text=_("待签发、已退回或已签发。"),
    )
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("拟稿人"),
        help_text=_("拟写决定的审批人员。"),
    )
    drafted_at = models.DateTimeField(
        _("拟稿时间"), auto_now_add=True, help_text=_("提交签发的时间。")
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("签发人"),
        help_text=_("签发或退回的部门负责人。"),
    )
    handled_at = models.DateTimeField(
        _("签发或退回时间"), null=True, blank=True, help_text=_("负责人签发或退回的时间。")
    )
    return_comment = models.TextField(
        _("退回意见"), blank=True, help_text=_("负责人退回时的意见，拟稿人据此修改。")
    )

    class Meta:
        ordering = ["case", "drafted_at", "id"]
        indexes = [
            # The head's 待签发 list: a department's drafts awaiting signature.
            models.Index(fields=["department", "state"], name="drafts_awaiting"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(state="awaiting_signature"),
                name="one_draft_awaiting_per_case",
            ),
        ]
        verbose_name = _("决定草稿")
        verbose_name_plural = _("决定草稿")

    def __str__(self):
        return f"{self.case} {self.get_outcome_display()}"
