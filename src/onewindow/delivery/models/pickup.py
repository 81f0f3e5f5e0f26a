from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from onewindow.delivery.constants import CollectorKind


class WindowPickup(models.Model):
    """A result waiting at a window (窗口领取): the pickup code the applicant was sent (hashed,
    never stored in clear) and, once collected, who collected it with what proof."""

    delivery = models.ForeignKey(
        "delivery.Delivery",
        on_delete=models.CASCADE,
        related_name="window_pickups",
        verbose_name=_("送达"),
        help_text=_("所属送达记录；取件柜退回窗口时会再生成一条。"),
    )
    service_point = models.ForeignKey(
        "catalog.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("领取地点"),
        help_text=_("结果所在的政务服务中心或服务点。"),
    )
    code_hash = models.CharField(
        _("领取码摘要"),
        max_length=64,
        help_text=_("领取码的 HMAC-SHA256 摘要；领取码本身只出现在发给申请人的短信里。"),
    )
    lookup_hash = models.CharField(
        _("领取码检索摘要"),
        max_length=64,
        blank=True,
        help_text=_(
            "领取码按领取地点计算的 HMAC-SHA256 摘要，供窗口人员按领取码查找办件；"
            "本字段加入前生成的领取码为空。"
        ),
    )
    issued_at = models.DateTimeField(_("生成时间"), help_text=_("领取码生成时间。"))
    expires_at = models.DateTimeField(_("有效期至"), help_text=_("领取码失效时间。"))
    collected_at = models.DateTimeField(
        _("领取时间"), null=True, blank=True, help_text=_("结果交付的时间；未领取为空。")
    )
    collector_kind = models.CharField(
        _("领取人身份"),
        max_length=16,
        choices=CollectorKind.choices,
        blank=True,
        help_text=_("申请人本人或受托代领人。"),
    )
    collector_name = models.CharField(
        _("领取人"), max_length=60, blank=True, help_text=_("领取人姓名。")
    )
    collector_id_number = models.CharField(
        _("领取人证件号码"), max_length=18, blank=True, help_text=_("窗口核验的领取人身份证号码。")
    )
    authorisation_reference = models.CharField(
        _("委托书编号"),
        max_length=100,
        blank=True,
        help_text=_("代领时的授权委托书编号或说明。"),
    )
    authorisation_scan = models.FileField(
        _("委托书扫描件"),
        upload_to="authorisations/%Y/%m/",
        blank=True,
        help_text=_("代领时的授权委托书扫描件（PDF 或图片）。"),
    )
    authorisation_sha256 = models.CharField(
        _("扫描件摘要"), max_length=64, blank=True, help_text=_("委托书扫描件的 SHA-256。")
    )
    failed_attempts = models.PositiveSmallIntegerField(
        _("输错次数"),
        default=0,
        help_text=_(
            "窗口核验时输错领取码的次数；达到 ONEWINDOW_PICKUP_MAX_ATTEMPTS 后该领取码停用，"
            "须重新发送。"
        ),
    )
    handed_over_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("经办人"),
        help_text=_("核验证件并交付结果的窗口人员。"),
    )

    class Meta:
        ordering = ["-issued_at", "-id"]
        verbose_name = _("窗口领取")
        verbose_name_plural = _("窗口领取")
        indexes = [
            # The staff search by pickup code (delivery/search.py): waiting codes only.
            models.Index(
                fields=["lookup_hash"],
                name="pickup_waiting_lookup",
                condition=Q(collected_at__isnull=True),
            ),
        ]

    def __str__(self):
        return f"{self.delivery} · {self.issued_at:%Y-%m-%d}"
