from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from onewindow.delivery.constants import CompartmentSize, CompartmentState


class Locker(models.Model):
    """A smart locker cabinet (智慧政务自助取件柜) at a service point; applicants collect results
    from it at any hour with the code they were sent."""

    code = models.SlugField(
        _("柜号"),
        max_length=40,
        unique=True,
        help_text=_("取件柜编号，用于自助取件页面地址，例如 hall-a。"),
    )
    name = models.CharField(_("名称"), max_length=80, help_text=_("例如 政务服务中心一楼取件柜。"))
    service_point = models.ForeignKey(
        "catalog.Department",
        on_delete=models.PROTECT,
        related_name="lockers",
        verbose_name=_("所在服务点"),
        help_text=_("取件柜所在的政务服务中心、镇街或村（社区）服务点。"),
    )
    location = models.CharField(
        _("位置"),
        max_length=200,
        blank=True,
        help_text=_("柜体所在的具体位置，例如 一楼大厅东侧。"),
    )
    driver = models.CharField(
        _("驱动"),
        max_length=40,
        default="simulator",
        help_text=_("开锁驱动名称，见 ONEWINDOW_LOCKER_DRIVERS；默认 simulator 为模拟柜。"),
    )
    active = models.BooleanField(_("启用"), default=True, help_text=_("停用的柜子不能存件。"))

    class Meta:
        ordering = ["service_point", "code"]
        verbose_name = _("自助取件柜")
        verbose_name_plural = _("自助取件柜")

    def __str__(self):
        return self.name


class Compartment(models.Model):
    """One compartment (格口) of a locker."""

    locker = models.ForeignKey(
        Locker,
        on_delete=models.CASCADE,
        related_name="compartments",
        verbose_name=_("取件柜"),
        help_text=_("所属取件柜。"),
    )
    number = models.PositiveSmallIntegerField(_("格口号"), help_text=_("柜体上标的格口号。"))
    size = models.CharField(
        _("尺寸"),
        max_length=1,
        choices=CompartmentSize.choices,
        default=CompartmentSize.MEDIUM,
        help_text=_("小、中或大格口。"),
    )
    state = models.CharField(
        _("状态"),
        max_length=16,
        choices=CompartmentState.choices,
        default=CompartmentState.FREE,
        help_text=_("空闲、占用或停用。"),
    )
    opened_at = models.DateTimeField(
        _("最近开启"), null=True, blank=True, help_text=_("驱动最近一次打开该格口的时间。")
    )

    class Meta:
        ordering = ["locker", "number"]
        verbose_name = _("格口")
        verbose_name_plural = _("格口")
        constraints = [
            models.UniqueConstraint(fields=["locker", "number"], name="compartment_number_once")
        ]

    def __str__(self):
        return f"{self.locker} · {self.number}"


class LockerDeposit(models.Model):
    """A result put into a compartment for its applicant: the code (hashed), until when it may be
    collected, and what became of it (collected, reminded, returned to the window)."""

    delivery = models.ForeignKey(
        "delivery.Delivery",
        on_delete=models.CASCADE,
        related_name="locker_deposits",
        verbose_name=_("送达"),
        help_text=_("所属送达记录。"),
    )
    compartment = models.ForeignKey(
        Compartment,
        on_delete=models.PROTECT,
        related_name="deposits",
        verbose_name=_("格口"),
        help_text=_("存放的格口。"),
    )
    locker = models.ForeignKey(
        Locker,
        on_delete=models.PROTECT,
        related_name="deposits",
        verbose_name=_("取件柜"),
        help_text=_("存放的取件柜（取件码在柜内唯一）。"),
    )
    code_hash = models.CharField(
        _("取件码摘要"),
        max_length=64,
        help_text=_("取件码的 HMAC-SHA256 摘要（按柜计算）；取件码本身只出现在短信里。"),
    )
    expires_at = models.DateTimeField(
        _("有效期至"), help_text=_("取件码失效、结果退回窗口的时间。")
    )
    deposited_at = models.DateTimeField(_("存件时间"), help_text=_("窗口人员放入格口的时间。"))
    deposited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("存件人"),
        help_text=_("放入结果的窗口人员。"),
    )
    collected_at = models.DateTimeField(
        _("取件时间"), null=True, blank=True, help_text=_("申请人凭码取走的时间。")
    )
    reminded_at = models.DateTimeField(
        _("提醒时间"), null=True, blank=True, help_text=_("发送逾期未取提醒的时间。")
    )
    returned_at = models.DateTimeField(
        _("退回时间"), null=True, blank=True, help_text=_("逾期未取、退回窗口的时间。")
    )

    class Meta:
        ordering = ["-deposited_at", "-id"]
        verbose_name = _("入柜记录")
        verbose_name_plural = _("入柜记录")
        constraints = [
            # A code opens one compartment of its cabinet at a time.
            models.UniqueConstraint(
                fields=["locker", "code_hash"],
                condition=Q(collected_at__isnull=True, returned_at__isnull=True),
                name="locker_code_once_while_waiting",
            ),
            # A compartment holds one result at a time.
            models.UniqueConstraint(
                fields=["compartment"],
                condition=Q(collected_at__isnull=True, returned_at__isnull=True),
                name="compartment_holds_one_result",
            ),
        ]

    def __str__(self):
        return f"{self.delivery} · {self.compartment}"

    @property
    def waiting(self):
        return self.collected_at is None and self.returned_at is None
