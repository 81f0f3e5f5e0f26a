"""The public catalogue API: the service guide as JSON (published versions only)."""

from datetime import datetime

from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from onewindow.catalog.constants import (
    Channel,
    ConstructionStage,
    DeliveryMethod,
    ItemType,
    SpecialProcedure,
    WindowClass,
)
from onewindow.catalog.models import ServiceItem
from onewindow.catalog.queries import (
    DEFAULT_PAGE_SIZE,
    MAX_PAGE_SIZE,
    InvalidCursor,
    choice_labels,
    keyset_page,
    published_item,
    search_items,
)
from onewindow.core.api_errors import ApiError, ErrorOut

router = Router(tags=["catalog"])

# What encode_cursor makes (URL-safe base64 without padding); stated so that clients know it.
CURSOR_PATTERN = r"^[A-Za-z0-9_-]+$"


class Choice(Schema):
    value: str = Field(description="取值（稳定，供程序使用）。")
    label: str = Field(description="显示名称（随请求语言）。")


def _choice(value, label):
    return {"value": value, "label": str(label)}


def _choices(choices, values):
    return [_choice(value, label) for value, label in choice_labels(choices, values)]


class DepartmentRef(Schema):
    code: str = Field(description="部门编码。")
    name: str = Field(description="部门全称。")


class ItemSummary(Schema):
    code: str = Field(description="事项实施编码；各版本共用。")
    version: int = Field(description="当前发布版本号。")
    name: str = Field(description="事项名称。")
    type: Choice = Field(description="事项类型（行政许可、公共服务等）。")
    window_class: Choice = Field(description="综合窗口类别。")
    construction_stage: Choice | None = Field(
        description="投资审批类事项所属的工程建设审批阶段；其他事项为 null。"
    )
    lead_department: DepartmentRef = Field(description="牵头（实施）部门。")
    legal_limit_days: int = Field(description="法定办结时限，工作日。")
    promised_limit_days: int = Field(description="承诺办结时限，工作日；即办件为 0。")
    is_on_the_spot: bool = Field(description="即办件：材料齐全当场办结。")
    max_visits: int = Field(description="最多到现场次数：0 零跑动，1 最多跑一次。")
    is_fully_online: bool = Field(description="可全程网上办理。")
    has_tolerated_materials: bool = Field(description="有可容缺受理的材料。")
    guide_url: str = Field(description="办事指南页面的路径。")

    @staticmethod
    def resolve_type(item):
        return _choice(item.item_type, item.get_item_type_display())

    @staticmethod
    def resolve_window_class(item):
        return _choice(item.window_class, item.get_window_class_display())

    @staticmethod
    def resolve_construction_stage(item):
        if not item.construction_stage:
            return None
        return _choice(item.construction_stage, item.get_construction_stage_display())

    @staticmethod
    def resolve_guide_url(item):
        return reverse("catalog:item", args=[item.code])


class MaterialOut(Schema):
    id: int = Field(
        description="本版本中该材料的 id：收件（POST /api/cases/intakes）时作为 materials[].material_id。"
    )
    name: str = Field(description="材料名称。")
    requirement: Choice = Field(description="必要、非必要或容缺（受理时可暂缺，出件前补齐）。")
    form: Choice = Field(description="原件、复印件、原件和复印件或电子材料。")
    copies: int = Field(description="份数。")
    e_licence: Choice | None = Field(description="可替代该材料的电子证照；没有则为 null。")
    notes: str = Field(description="填写要求等说明。")

    @staticmethod
    def resolve_requirement(material):
        return _choice(material.requirement, material.get_requirement_display())

    @staticmethod
    def resolve_form(material):
        return _choice(material.form, material.get_form_display())

    @staticmethod
    def resolve_e_licence(material):
        if not material.e_licence_type:
            return None
        return _choice(material.e_licence_type, material.get_e_licence_type_display())


class StepOut(Schema):
    department: DepartmentRef = Field(description="审查部门。")
    limit_days: int = Field(description="该部门本环节的时限，工作日。")
    task_name: str = Field(description="审查内容，可为空。")


class StageOut(Schema):
    name: str = Field(description="环节名称。")
    limit_days: int = Field(description="环节时限：并联步骤中最长者，工作日。")
    is_parallel: bool = Field(description="本环节有多个部门同时审查（并联审批）。")
    steps: list[StepOut] = Field(description="同时进行的审批步骤。")

    @staticmethod
    def resolve_is_parallel(stage):
        return len(stage.steps.all()) > 1


class ItemDetail(ItemSummary):
    channels: list[Choice] = Field(description="允许的办理渠道。")
    delivery_methods: list[Choice] = Field(description="允许的出件（送达）方式。")
    special_procedures: list[Choice] = Field(
        description="可能中止计时的特别程序（行政许可法第45条）。"
    )
    fee_yuan: str = Field(description='收费金额，元，两位小数的十进制字符串；不收费为 "0.00"。')
    fee_basis: str = Field(description="收费标准及依据。")
    keywords: list[str] = Field(description="检索关键词。")
    conditions: str = Field(description="受理条件。")
    legal_basis: str = Field(description="设定依据。")
    notes: str = Field(description="其他须知。")
    published_at: datetime | None = Field(description="本版本发布时间。")
    materials: list[MaterialOut] = Field(description="申请材料清单，按顺序排列。")
    stages: list[StageOut] = Field(description="办理流程：按顺序的环节，环节内步骤并联。")

    @staticmethod
    def resolve_channels(item):
        return _choices(Channel, item.channels)

    @staticmethod
    def resolve_delivery_methods(item):
        return _choices(DeliveryMethod, item.delivery_methods)

    @staticmethod
    def resolve_special_procedures(item):
        return _choices(SpecialProcedure, item.special_procedures)

    @staticmethod
    def resolve_fee_yuan(item):
        return f"{item.fee_yuan:.2f}"

    @staticmethod
    def resolve_keywords(item):
        return item.keyword_list


class ItemPage(Schema):
    items: list[ItemSummary] = Field(description="本页事项，按事项编码排列。")
    next_cursor: str | None = Field(
        description="下一页的游标；传给 cursor 参数取下一页，最后一页为 null。"
    )


class ItemFilters(Schema):
    q: str | None = Field(
        None,
        max_length=100,
        description="检索词：事项名称、编码、关键词或拼音（首字母如 yyzz）；多个词须全部匹配。",
    )
    type: ItemType | None = Field(None, description="事项类型。")
    window_class: WindowClass | None = Field(None, description="窗口类别。")
    department: str | None = Field(None, max_length=32, description="牵头部门编码。")
    online: bool | None = Field(None, description="true 只看可全程网办的事项，false 只看不可的。")
    construction_stage: ConstructionStage | None = Field(None, description="工程建设审批阶段。")
    cursor: str | None = Field(
        None,
        max_length=400,
        pattern=CURSOR_PATTERN,
        description="上一页返回的 next_cursor（URL 安全的 base64，不含填充）。",
    )
    limit: int = Field(
        DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description="每页条数，1–100，默认 20。"
    )


@router.get(
    "/items",
    response={200: ItemPage, 400: ErrorOut, 422: ErrorOut},
    summary="列出已发布的服务事项",
    description="检索已发布的服务事项，按事项编码分页（游标分页，不返回总数）。",
)
def list_items(request, filters: Query[ItemFilters]):
    items = search_items(
        q=filters.q,
        item_type=filters.type,
        window_class=filters.window_class,
        department=filters.department,
        online=filters.online,
        construction_stage=filters.construction_stage,
    )
    try:
        page = keyset_page(items, cursor=filters.cursor, limit=filters.limit)
    except InvalidCursor:
        raise ApiError(
            400,
            "invalid_cursor",
            _("分页游标无效，请从第一页开始"),
        ) from None
    return {"items": page.items, "next_cursor": page.next_cursor}


@router.get(
    "/items/{code}",
    response={200: ItemDetail, 404: ErrorOut},
    summary="查看一项已发布的服务事项",
    description="已发布事项的完整办事指南：基本信息、申请材料和办理流程。",
)
def get_item(request, code: str):
    try:
        item = published_item(code)
    except ServiceItem.DoesNotExist:
        raise ApiError(404, "item_not_found", _("事项不存在")) from None
    return item
