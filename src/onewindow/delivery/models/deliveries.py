from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from onewindow.catalog.constants import DeliveryMethod
from onewindow.delivery.constants import DeliveryState, VisitKind


class Delivery(models.Model):
    """How the result of one case reaches the applicant (送达): the method they chose, within what
    the item allows, and where it is now. One per case."""

    case = models.OneToOneField(
        "cases.Case",
        on_delete=models.CASCADE,
        related_name="delivery",
        verbose_name=_("办件"),
        help_text=_("所属办件。"),
    )
    method = models.CharField(
        _("送达方式"),
        max_length=16,
        choices=DeliveryMethod.choices,
        default=DeliveryMethod.WINDOW,
        help_text=_("申请人选择的出件方式，须为事项允许的方式之一。"),
    )
    state = models.CharField(
        _("送达状态"),
        max_length=16,
        choices=DeliveryState.choices,
        default=DeliveryState.WAITING,
        help_text=_("待出件、待领取、已入柜、已寄出、已送达或已退回窗口。"),
    )
    delivered_at = models.DateTimeField(
        _("送达时间"), null=True, blank=True, help_text=_("结果到达申请人的时间。")
    )
    created_at = models.DateTimeField(
        _("创建时间"), auto_now_add=True, help_text=_("记录创建时间。")
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True, help_text=_("最近更新时间。"))

    class Meta:
        verbose_name = _("送达")
        verbose_name_plural = _("送达")

    def __str__(self):
        return f"{self.case} · {self.get_method_display()}"


class Visit(models.Model):
    """One physical visit a case cost the applicant: handing in at a window, collecting at a
    window. Locker and mail deliveries cost none. Feeds the 最多跑一次 statistics."""

    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.CASCADE,
        related_name="visits",
        verbose_name=_("办件"),
        help_text=_("所属办件。"),
    )
    kind = models.CharField(
        _("事由"), max_length=16, choices=VisitKind.choices, help_text=_("到现场做什么。")
    )
    service_point = models.ForeignKey(
        "catalog.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("地点"),
        help_text=_("到访的政务服务中心或服务点。"),
    )
    clerk = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("接待人员"),
        help_text=_("接待的窗口人员。"),
    )
    at = models.DateTimeField(_("时间"), help_text=_("到访时间。"))

    class Meta:
        ordering = ["case", "at", "id"]
        verbose_name = _("到现场记录")
        verbose_name_plural = _("到现场记录")

    def __str__(self):
        return f"{self.case} · {self.get_kind_display()}"
