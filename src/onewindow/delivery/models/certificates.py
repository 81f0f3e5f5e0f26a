from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from onewindow.delivery.constants import CertificateKind, CertificateState


class Certificate(models.Model):
    """The result document of a decided case (证照 / 批文): a licence or approval, or the refusal
    decision, numbered per issuing department and year, signed with Ed25519 and rendered as a PDF
    that carries its signed payload. Revocation and superseding change the registry only; the
    signed payload never changes. Expiry is by date (`valid_until`), read when it is verified."""

    number = models.CharField(
        _("证照编号"),
        max_length=48,
        unique=True,
        help_text=_("发证部门编码-年份-6 位序号，例如 SCJGJ-2026-000017；验证时按此唯一索引查找。"),
    )
    kind = models.CharField(
        _("类型"),
        max_length=16,
        choices=CertificateKind.choices,
        help_text=_(
            "结果文书的种类：许可证、准予或不予行政许可决定书、验收意见书、备案回执或证明。"
        ),
    )
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.PROTECT,
        related_name="certificates",
        verbose_name=_("办件"),
        help_text=_("所属办件；换发后一个办件可有多份证照，只有一份有效。"),
    )
    holder_name = models.CharField(
        _("持证人"), max_length=120, help_text=_("申请人姓名或单位名称（发证时的快照）。")
    )
    holder_id_masked = models.CharField(
        _("持证人证件号码（脱敏）"),
        max_length=32,
        help_text=_("身份证号码或统一社会信用代码，仅保留首尾，例如 110105********002X。"),
    )
    item_code = models.CharField(_("事项编码"), max_length=64, help_text=_("事项编码（快照）。"))
    item_name = models.CharField(_("事项名称"), max_length=200, help_text=_("事项名称（快照）。"))
    department = models.ForeignKey(
        "catalog.Department",
        on_delete=models.PROTECT,
        related_name="certificates",
        verbose_name=_("发证部门"),
        help_text=_("作出决定并发证的部门（事项的牵头部门）；其负责人可撤销或换发。"),
    )
    issued_on = models.DateField(_("发证日期"), help_text=_("签发日期。"))
    valid_from = models.DateField(_("有效期起"), help_text=_("有效期开始日期。"))
    valid_until = models.DateField(
        _("有效期至"), null=True, blank=True, help_text=_("有效期最后一日；为空表示长期有效。")
    )
    state = models.CharField(
        _("状态"),
        max_length=16,
        choices=CertificateState.choices,
        default=CertificateState.VALID,
        help_text=_("有效、已撤销或已换发；是否过期按有效期日期判断。"),
    )
    revoked_at = models.DateTimeField(
        _("撤销或换发时间"), null=True, blank=True, help_text=_("证照被撤销或被换发的时间。")
    )
    reason = models.TextField(_("原因"), blank=True, help_text=_("撤销或换发的理由。"))
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("经办负责人"),
        help_text=_("撤销或换发的部门负责人。"),
    )
    superseded_by = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supersedes",
        verbose_name=_("换发后的证照"),
        help_text=_("换发时签发的新证照。"),
    )
    payload = models.TextField(
        _("签名内容"),
        help_text=_("规范化的 JSON（键排序、无空白、UTF-8），即签名所覆盖的全部内容。"),
    )
    signature = models.CharField(
        _("签名"), max_length=100, help_text=_("Ed25519 对签名内容的签名（Base64）。")
    )
    key_id = models.CharField(
        _("密钥标识"), max_length=16, help_text=_("签名公钥 SHA-256 的前 16 位十六进制。")
    )
    pdf = models.FileField(
        _("PDF 文件"),
        upload_to="certificates/%Y/",
        max_length=200,
        blank=True,
        help_text=_("签发的 PDF 原件，内嵌 certificate.json（签名内容、签名与密钥标识）。"),
    )
    pdf_sha256 = models.CharField(
        _("PDF SHA-256"),
        max_length=64,
        blank=True,
        help_text=_("PDF 原件的 SHA-256；上传验证时文件须与之一致。"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True, help_text=_("写入时间。"))

    class Meta:
        ordering = ["-issued_on", "-id"]
        verbose_name = _("证照")
        verbose_name_plural = _("证照")

    def __str__(self):
        return f"{self.number} {self.item_name}"
