from django.conf import settings
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Replace, Right
from django.utils.translation import gettext_lazy as _

from onewindow.cases.constants import (
    ApplicantKind,
    CaseState,
    Colour,
    Decision,
    IntakeChannel,
    MaterialStatus,
)


class Case(models.Model):
    """One application (办件), from intake at any window to collection of the result.

    The case pins the published item version it was accepted under and keeps a snapshot of the
    applicant. Every change goes through cases.actions; deadlines are dates on the working-day
    calendar, recomputed by the actions that change them and stored for indexed supervision queries.
    """

    number = models.CharField(
        _("办件编号"),
        max_length=32,
        unique=True,
        null=True,
        blank=True,
        help_text=_("受理时生成：区划代码 + 日期 + 6 位当日序号；未受理的收件为空。"),
    )
    item = models.ForeignKey(
        "catalog.ServiceItem",
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("事项（版本）"),
        help_text=_("受理时所依据的事项发布版本。"),
    )
    state = models.CharField(
        _("状态"),
        max_length=20,
        choices=CaseState.choices,
        default=CaseState.DRAFT,
        help_text=_("办件当前状态。"),
    )
    channel = models.CharField(
        _("申请渠道"),
        max_length=16,
        choices=IntakeChannel.choices,
        default=IntakeChannel.WINDOW,
        help_text=_("收件渠道。"),
    )
    service_point = models.ForeignKey(
        "catalog.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="intake_cases",
        verbose_name=_("收件地点"),
        help_text=_("收件的政务服务中心、镇或村服务点。"),
    )
    clerk = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="intake_cases",
        verbose_name=_("收件人员"),
        help_text=_("收件的综合窗口人员。"),
    )

    applicant_kind = models.CharField(
        _("申请人类型"),
        max_length=16,
        choices=ApplicantKind.choices,
        help_text=_("自然人或法人（其他组织）。"),
    )
    applicant_name = models.CharField(_("申请人"), max_length=120, help_text=_("姓名或单位名称。"))
    applicant_id_number = models.CharField(
        _("证件号码"),
        max_length=18,
        db_index=True,
        help_text=_("居民身份证号码或统一社会信用代码（已校验）。"),
    )
    applicant_phone = models.CharField(
        _("联系电话"), max_length=20, help_text=_("接收通知的电话。")
    )
    applicant_email = models.EmailField(
        _("电子邮箱"),
        max_length=254,
        blank=True,
        help_text=_("接收邮件通知的电子邮箱，可为空。"),
    )
    applicant_language = models.CharField(
        _("通知语言"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        # Also the database's default: rows written by SQL (bench/search.py) get the site's.
        db_default=settings.LANGUAGE_CODE,
        help_text=_("发给申请人的短信、邮件和站内消息所用的语言。"),
    )
    legal_representative = models.CharField(
        _("法定代表人"), max_length=60, blank=True, help_text=_("法人申请人的法定代表人。")
    )
    legal_representative_id_number = models.CharField(
        _("法定代表人身份证号码"),
        max_length=18,
        blank=True,
        help_text=_(
            "法人申请人的法定代表人的居民身份证号码（已校验）；凭此证件可作为申请人本人领取结果。"
        ),
    )
    contact_name = models.CharField(
        _("联系人"), max_length=60, blank=True, help_text=_("法人申请人的经办联系人。")
    )
    proxy_name = models.CharField(
        _("代办人"), max_length=60, blank=True, help_text=_("代为办理的人员姓名。")
    )
    proxy_id_number = models.CharField(
        _("代办人身份证号码"),
        max_length=18,
        blank=True,
        help_text=_("代办人的居民身份证号码（已校验）。"),
    )
    proxy_phone = models.CharField(
        _("代办人电话"), max_length=20, blank=True, help_text=_("代办人联系电话。")
    )

    received_on = models.DateField(
        _("收件日期"),
        help_text=_("收到申请材料的日期；5 个工作日未作决定视为受理（行政许可法第32条）。"),
    )
    accepted_on = models.DateField(
        _("受理日期"), null=True, blank=True, help_text=_("受理日期；时限自次日起算。")
    )
    promised_deadline = models.DateField(
        _("承诺办结日期"),
        null=True,
        blank=True,
        help_text=_("受理日期 + 承诺时限 + 延期 + 暂停计时的工作日。"),
    )
    legal_deadline = models.DateField(
        _("法定办结日期"),
        null=True,
        blank=True,
        help_text=_("受理日期 + 法定时限 + 延期 + 暂停计时的工作日。"),
    )
    extension_days = models.PositiveSmallIntegerField(
        _("已批准延期（工作日）"), default=0, help_text=_("经负责人批准的延期工作日合计。")
    )
    supplement_due = models.DateField(
        _("容缺补齐期限"),
        null=True,
        blank=True,
        help_text=_("容缺受理时，容缺材料须在此日期前补齐；补齐前不得出件。"),
    )
    colour = models.CharField(
        _("监察状态"),
        max_length=8,
        choices=Colour.choices,
        default=Colour.NONE,
        help_text=_("绿、黄（预警）、红（超期）或暂停。"),
    )
    colour_changed_at = models.DateTimeField(
        _("监察状态变化时间"), null=True, blank=True, help_text=_("最近一次变色时间。")
    )

    decision = models.CharField(
        _("决定"),
        max_length=16,
        choices=Decision.choices,
        blank=True,
        help_text=_("准予或不予许可。"),
    )
    decision_number = models.CharField(
        _("决定文号"), max_length=40, blank=True, help_text=_("决定书编号。")
    )
    decided_on = models.DateField(
        _("决定日期"), null=True, blank=True, help_text=_("作出决定的日期。")
    )
    decision_text = models.TextField(
        _("决定正文"), blank=True, help_text=_("负责人签发的决定书正文；未经签发的决定为空。")
    )
    decision_conditions = models.TextField(
        _("许可条件"), blank=True, help_text=_("准予许可时附加的条件或要求。")
    )
    decision_valid_until = models.DateField(
        _("许可有效期至"),
        null=True,
        blank=True,
        help_text=_("签发的准予决定所定的有效期截止日期；为空表示长期有效或未经签发。"),
    )
    reason = models.TextField(
        _("原因或说明"), blank=True, help_text=_("不予受理、不予许可、撤回或终止的理由。")
    )
    collected_at = models.DateTimeField(
        _("领取时间"), null=True, blank=True, help_text=_("结果领取时间。")
    )
    collected_by = models.CharField(
        _("领取人"), max_length=60, blank=True, help_text=_("领取结果的人员姓名。")
    )

    created_at = models.DateTimeField(
        _("创建时间"), auto_now_add=True, help_text=_("记录创建时间。")
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True, help_text=_("最近更新时间。"))

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("办件")
        verbose_name_plural = _("办件")
        indexes = [
            # Supervision: open cases by deadline (the colour task and the supervisor page).
            models.Index(fields=["state", "promised_deadline"], name="case_state_deadline"),
            # Art. 32 flag: intakes waiting for supplement, oldest first.
            models.Index(fields=["state", "received_on"], name="case_state_received"),
            # Staff search (cases/search.py): the phone without the hyphen a landline may be
            # stored with, and the applicant's name with the last 4 characters of the ID. The
            # search filters on the very same expressions (search.PHONE_KEY, search.ID_TAIL).
            models.Index(
                Replace(F("applicant_phone"), Value("-"), Value("")), name="case_phone_key"
            ),
            models.Index(
                F("applicant_name"), Right(F("applicant_id_number"), 4), name="case_name_id_tail"
            ),
            # Worklist of 容缺 materials due: the date is set only while materials are owed.
            models.Index(
                fields=["supplement_due"],
                condition=Q(supplement_due__isnull=False),
                name="case_tolerated_due",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(number__isnull=True) | Q(accepted_on__isnull=False),
                name="case_number_only_when_accepted",
            ),
        ]

    def __str__(self):
        return self.number or f"#{self.pk}"

    @property
    def is_joint(self):
        return self.tasks.values("department").distinct().count() > 1

    @property
    def tolerated_missing(self):
        return [m for m in self.materials.all() if m.status == MaterialStatus.TOLERATED]


class CaseMaterial(models.Model):
    """One line of the intake checklist, built from the pinned item version's materials."""

    case = models.ForeignKey(
        Case,
        on_delete=models.CASCADE,
        related_name="materials",
        verbose_name=_("办件"),
        help_text=_("所属办件。"),
        # Leads the unique (case, material) index, which serves it.
        db_index=False,
    )
    material = models.ForeignKey(
        "catalog.Material",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("材料"),
        help_text=_("事项版本中的材料。"),
    )
    position = models.PositiveSmallIntegerField(_("序号"), default=0, help_text=_("清单顺序。"))
    status = models.CharField(
        _("收取情况"),
        max_length=16,
        choices=MaterialStatus.choices,
        help_text=_("已收取、缺少、需补正或容缺后补。"),
    )
    form = models.CharField(
        _("形式"), max_length=20, blank=True, help_text=_("实际收取的形式：原件、复印件等。")
    )
    copies = models.PositiveSmallIntegerField(_("份数"), default=0, help_text=_("实际收取的份数。"))
    defect = models.CharField(
        _("问题说明"),
        max_length=300,
        blank=True,
        help_text=_("缺少或需补正的原因，写入一次性告知书。"),
    )
    file = models.FileField(
        _("扫描件"),
        upload_to="case-materials/%Y/%m/",
        blank=True,
        help_text=_("材料扫描件（PDF、JPEG、PNG 或 OFD）。"),
    )
    file_name = models.CharField(
        _("文件名"), max_length=200, blank=True, help_text=_("上传时的原文件名。")
    )
    content_type = models.CharField(
        _("文件类型"), max_length=40, blank=True, help_text=_("按内容识别的文件类型。")
    )
    size = models.PositiveIntegerField(_("大小（字节）"), default=0, help_text=_("文件大小。"))
    sha256 = models.CharField(
        _("SHA-256"), max_length=64, blank=True, help_text=_("文件内容摘要，用于防篡改。")
    )
    received_at = models.DateTimeField(
        _("收取时间"), null=True, blank=True, help_text=_("收到该材料的时间。")
    )

    class Meta:
        ordering = ["case", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "material"], name="case_material_once")
        ]
        verbose_name = _("办件材料")
        verbose_name_plural = _("办件材料")

    def __str__(self):
        return self.material.name


class IdempotencyKey(models.Model):
    """A client's Idempotency-Key for an intake: the same key and request from the same user
    return the same case; the same key with a different request is refused."""

    key = models.CharField(
        _("幂等键"), max_length=80, help_text=_("客户端提供的 Idempotency-Key。")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        related_name="+",
        verbose_name=_("用户"),
        help_text=_("使用该键的用户；键在每个用户内唯一。"),
        # Leads the unique (user, key) index, which serves it.
        db_index=False,
    )
    fingerprint = models.CharField(
        _("请求摘要"),
        max_length=64,
        blank=True,
        help_text=_("首次请求内容的 SHA-256，用于识别同一键的不同请求。"),
    )
    case = models.ForeignKey(
        Case,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("办件"),
        help_text=_("该键创建的办件。"),
    )
    created_at = models.DateTimeField(
        _("创建时间"), auto_now_add=True, help_text=_("首次使用时间。")
    )

    class Meta:
        verbose_name = _("幂等键")
        verbose_name_plural = _("幂等键")
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_per_user")
        ]

    def __str__(self):
        return self.key
