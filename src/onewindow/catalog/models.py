from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from onewindow.catalog.constants import (
    MAX_LIMIT_DAYS,
    ConstructionStage,
    DepartmentKind,
    ELicenceType,
    ItemStatus,
    ItemType,
    MaterialForm,
    Requirement,
    ResultDocument,
    WindowClass,
)


class Department(models.Model):
    """An office that reviews or decides, or a service point (hall, town centre, village station).

    District departments and the town → village service points form one tree.
    """

    code = models.CharField(
        _("编码"), max_length=32, unique=True, help_text=_("部门或服务点的唯一编码，例如 SCJGJ。")
    )
    name = models.CharField(_("名称"), max_length=80, help_text=_("全称，例如 市场监督管理局。"))
    short_name = models.CharField(
        _("简称"), max_length=20, blank=True, help_text=_("简称，例如 市场监管。")
    )
    kind = models.CharField(
        _("类型"),
        max_length=16,
        choices=DepartmentKind.choices,
        default=DepartmentKind.DEPARTMENT,
        help_text=_("区直部门、政务服务中心、镇（街道）或村（社区）服务点。"),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("上级"),
        help_text=_("上级部门或服务点；村服务站的上级是所在镇。"),
    )
    address = models.CharField(
        _("地址"), max_length=200, blank=True, help_text=_("办公或服务地址。")
    )
    phone = models.CharField(
        _("咨询电话"), max_length=40, blank=True, help_text=_("对外咨询电话。")
    )
    is_active = models.BooleanField(
        _("启用"), default=True, help_text=_("停用后不再出现在新事项中。")
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("部门与服务点")
        verbose_name_plural = _("部门与服务点")

    def __str__(self):
        return self.name

    @property
    def display_name(self):
        return self.short_name or self.name


class ServiceItemQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=ItemStatus.PUBLISHED)


class ServiceItem(models.Model):
    """One version of a matter in the catalogue (事项 / 实施清单).

    A published version never changes; editing makes a new draft (catalog.actions), publishing it
    supersedes the previous version. Cases pin the version they were accepted under.
    """

    code = models.CharField(
        _("事项编码"), max_length=64, db_index=True, help_text=_("实施编码；各版本共用同一编码。")
    )
    version = models.PositiveIntegerField(
        _("版本"), default=1, help_text=_("版本号，从 1 开始递增。")
    )
    status = models.CharField(
        _("状态"),
        max_length=16,
        choices=ItemStatus.choices,
        default=ItemStatus.DRAFT,
        help_text=_("草稿可编辑；已发布的版本不可更改。"),
    )
    name = models.CharField(_("事项名称"), max_length=200, help_text=_("事项的规范名称。"))
    item_type = models.CharField(
        _("事项类型"),
        max_length=20,
        choices=ItemType.choices,
        help_text=_("行政权力或公共服务类别。"),
    )
    window_class = models.CharField(
        _("窗口类别"),
        max_length=16,
        choices=WindowClass.choices,
        help_text=_("综合窗口分类：社会服务类、企业经营类或投资审批类。"),
    )
    construction_stage = models.CharField(
        _("工程建设审批阶段"),
        max_length=32,
        choices=ConstructionStage.choices,
        blank=True,
        help_text=_("投资审批类事项所属的工程建设项目审批阶段。"),
    )
    lead_department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="lead_items",
        verbose_name=_("牵头部门"),
        help_text=_("受理并作出决定的实施部门。"),
    )
    legal_limit_days = models.PositiveSmallIntegerField(
        _("法定办结时限（工作日）"),
        validators=[MaxValueValidator(MAX_LIMIT_DAYS)],
        help_text=_("法律法规规定的办结时限，按工作日计算（行政许可法第42条默认20个工作日）。"),
    )
    promised_limit_days = models.PositiveSmallIntegerField(
        _("承诺办结时限（工作日）"),
        validators=[MaxValueValidator(MAX_LIMIT_DAYS)],
        help_text=_("向社会承诺的办结时限，不得超过法定时限；即办件为 0。"),
    )
    is_on_the_spot = models.BooleanField(
        _("即办件"), default=False, help_text=_("材料齐全即在窗口当场办结。")
    )
    max_visits = models.PositiveSmallIntegerField(
        _("到现场次数"),
        default=1,
        validators=[MaxValueValidator(2)],
        help_text=_("最多跑动次数：0 为零跑动，1 为最多跑一次。"),
    )
    result_validity_years = models.PositiveSmallIntegerField(
        _("证照有效期（年）"),
        default=0,
        validators=[MaxValueValidator(30)],
        help_text=_("准予决定所发证照的有效期，自发证日起算；0 为长期有效。"),
    )
    needs_signature = models.BooleanField(
        _("决定须负责人签发"),
        default=False,
        help_text=_(
            "开启后，审查人员拟写的决定须经牵头部门负责人签发后才作出并出件；行政许可事项默认开启。"
        ),
    )
    result_document = models.CharField(
        _("结果文书"),
        max_length=24,
        choices=ResultDocument.choices,
        blank=True,
        help_text=_("准予决定所出具的文书种类；留空时按事项类型确定（行政许可为许可证）。"),
    )
    channels = models.JSONField(
        _("办理渠道"), default=list, help_text=_("允许的办理渠道：window、online、kiosk、village。")
    )
    is_fully_online = models.BooleanField(
        _("全程网办"), default=False, help_text=_("可全程在网上办理，无需到现场。")
    )
    fee_yuan = models.DecimalField(
        _("收费金额（元）"),
        max_digits=12,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("收费金额；不收费为 0。"),
    )
    fee_basis = models.CharField(
        _("收费依据"),
        max_length=300,
        blank=True,
        help_text=_("收费标准及依据；不收费时可写“不收费”。"),
    )
    delivery_methods = models.JSONField(
        _("送达方式"),
        default=list,
        help_text=_("允许的出件方式：window、locker、mail、electronic。"),
    )
    special_procedures = models.JSONField(
        _("特别程序"),
        default=list,
        blank=True,
        help_text=_("可能中止计时的特别程序（行政许可法第45条），例如 hearing、expert_review。"),
    )
    keywords = models.CharField(
        _("关键词"), max_length=300, blank=True, help_text=_("检索关键词，以空格或逗号分隔。")
    )
    conditions = models.TextField(_("受理条件"), blank=True, help_text=_("申请人应当具备的条件。"))
    legal_basis = models.TextField(_("设定依据"), blank=True, help_text=_("法律、法规、规章依据。"))
    notes = models.TextField(_("备注"), blank=True, help_text=_("其他须知。"))
    search_pinyin = models.CharField(
        _("拼音检索"),
        max_length=600,
        blank=True,
        editable=False,
        help_text=_("名称与关键词的拼音首字母和全拼，发布时生成。"),
    )
    created_at = models.DateTimeField(
        _("创建时间"), auto_now_add=True, help_text=_("版本创建时间。")
    )
    published_at = models.DateTimeField(
        _("发布时间"), null=True, blank=True, help_text=_("发布时间。")
    )
    superseded_at = models.DateTimeField(
        _("替代时间"), null=True, blank=True, help_text=_("被新版本替代的时间。")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("创建人"),
        help_text=_("创建该版本的事项管理员。"),
    )

    objects = ServiceItemQuerySet.as_manager()

    class Meta:
        ordering = ["code", "-version"]
        verbose_name = _("服务事项")
        verbose_name_plural = _("服务事项")
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="item_code_version_unique"),
            # At most one published and one draft version of each item at any time.
            models.UniqueConstraint(
                fields=["code"], condition=Q(status="published"), name="item_one_published"
            ),
            models.UniqueConstraint(
                fields=["code"], condition=Q(status="draft"), name="item_one_draft"
            ),
            models.CheckConstraint(
                condition=Q(promised_limit_days__lte=models.F("legal_limit_days")),
                name="item_promised_within_legal",
                violation_error_message=_("承诺时限不得超过法定时限。"),
            ),
        ]
        indexes = [
            # The guide and the API list published items ordered by code (keyset pagination).
            models.Index(fields=["status", "code"], name="item_status_code"),
        ]

    def __str__(self):
        return gettext("%(name)s（%(code)s v%(version)s）") % {
            "name": self.name,
            "code": self.code,
            "version": self.version,
        }

    @property
    def is_editable(self):
        return self.status == ItemStatus.DRAFT

    @property
    def is_joint(self):
        """Joint processing: more than one department takes part in the flow (Art. 26)."""
        return (
            len({step.department_id for stage in self.stages.all() for step in stage.steps.all()})
            > 1
        )

    @property
    def keyword_list(self):
        return [k for k in self.keywords.replace("，", ",").replace(",", " ").split() if k]


class Material(models.Model):
    """A document the item requires (申请材料)."""

    item = models.ForeignKey(
        ServiceItem,
        on_delete=models.CASCADE,
        related_name="materials",
        verbose_name=_("事项"),
        help_text=_("所属事项版本。"),
    )
    position = models.PositiveSmallIntegerField(
        _("序号"), default=0, help_text=_("在材料清单中的顺序。")
    )
    name = models.CharField(_("材料名称"), max_length=200, help_text=_("材料的规范名称。"))
    requirement = models.CharField(
        _("要求"),
        max_length=16,
        choices=Requirement.choices,
        default=Requirement.REQUIRED,
        help_text=_("必要、非必要，或容缺（受理时可暂缺，出件前补齐）。"),
    )
    form = models.CharField(
        _("形式"),
        max_length=20,
        choices=MaterialForm.choices,
        default=MaterialForm.ORIGINAL,
        help_text=_("原件、复印件、原件和复印件或电子材料。"),
    )
    copies = models.PositiveSmallIntegerField(
        _("份数"), default=1, validators=[MinValueValidator(1)], help_text=_("需提交的份数。")
    )
    e_licence_type = models.CharField(
        _("可替代的电子证照"),
        max_length=40,
        choices=ELicenceType.choices,
        blank=True,
        help_text=_("可由共享的电子证照替代时，选择证照类型；申请人可免交纸质材料。"),
    )
    notes = models.CharField(
        _("说明"), max_length=300, blank=True, help_text=_("填写要求、样表等说明。")
    )

    class Meta:
        ordering = ["item", "position", "id"]
        verbose_name = _("申请材料")
        verbose_name_plural = _("申请材料")

    def __str__(self):
        return self.name


class FlowStage(models.Model):
    """A stage of the item's flow (环节). Stages run in order; their steps run in parallel."""

    item = models.ForeignKey(
        ServiceItem,
        on_delete=models.CASCADE,
        related_name="stages",
        verbose_name=_("事项"),
        help_text=_("所属事项版本。"),
    )
    position = models.PositiveSmallIntegerField(
        _("顺序"), default=0, help_text=_("环节顺序，从小到大依次办理。")
    )
    name = models.CharField(
        _("环节名称"), max_length=80, help_text=_("例如 审查、并联审批、决定。")
    )

    class Meta:
        ordering = ["item", "position", "id"]
        verbose_name = _("办理环节")
        verbose_name_plural = _("办理环节")

    def __str__(self):
        return self.name

    @property
    def limit_days(self):
        """The stage lasts as long as its slowest parallel step."""
        return max((step.limit_days for step in self.steps.all()), default=0)


class FlowStep(models.Model):
    """One department's part of a stage, with its own limit in working days."""

    stage = models.ForeignKey(
        FlowStage,
        on_delete=models.CASCADE,
        related_name="steps",
        verbose_name=_("环节"),
        help_text=_("所属环节。"),
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="flow_steps",
        verbose_name=_("审批部门"),
        help_text=_("在该环节中审查的部门。"),
    )
    limit_days = models.PositiveSmallIntegerField(
        _("时限（工作日）"),
        validators=[MaxValueValidator(MAX_LIMIT_DAYS)],
        help_text=_("该部门办理本环节的时限，按工作日计算。"),
    )
    task_name = models.CharField(
        _("审查内容"),
        max_length=120,
        blank=True,
        help_text=_("该部门审查的内容，例如 消防设计审查。"),
    )

    class Meta:
        ordering = ["stage", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["stage", "department"], name="step_department_once_per_stage"
            )
        ]
        verbose_name = _("审批步骤")
        verbose_name_plural = _("审批步骤")

    def __str__(self):
        return gettext("%(name)s（%(detail)s）") % {
            "name": self.department,
            "detail": self.limit_days,
        }
