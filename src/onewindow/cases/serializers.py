"""Schemas of the case API (cases.api): what callers send and what they get back, read-only.

Output schemas read model instances (resolvers turn choice values into `{value, label}`);
`case_for_output` loads a case with everything CaseOut shows in a fixed number of queries.
"""

from datetime import date, datetime
from typing import Annotated, Literal

from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch
from ninja import Field, Schema

from onewindow.accounts.constants import Role
from onewindow.cases import queries
from onewindow.cases.constants import (
    ApplicantKind,
    CaseState,
    Colour,
    Decision,
    ExtensionState,
    IntakeChannel,
    MaterialStatus,
    StageState,
    SuspensionKind,
    TaskState,
)
from onewindow.cases.models import Case, CaseMaterial, CaseStage, Extension, ReviewTask
from onewindow.catalog.api import Choice, DepartmentRef
from onewindow.catalog.constants import MaterialForm, Requirement


def choice(choices, value):
    """`{"value", "label"}` for a stored choice, or None when the value is empty."""
    if not value:
        return None
    try:
        label = choices(value).label
    except ValueError:
        label = value
    return {"value": value, "label": str(label)}


def person(user):
    if user is None:
        return None
    return {"username": user.username, "full_name": user.full_name or user.username}


# --- input -------------------------------------------------------------------------------------

Reason = Annotated[str, Field(max_length=2000)]
# A reason the law requires (refusal, termination, clock stop, extension): never empty. Blank
# text (spaces only) is refused by the action, with its own message.
RequiredReason = Annotated[str, Field(min_length=1, max_length=2000)]
# A row id in a body: positive and within the database's 64-bit integers (a larger number once
# overflowed the query, a 500).
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]


class ApplicantIn(Schema):
    kind: ApplicantKind = Field(
        description="申请人类型：citizen 自然人（居民身份证）或 enterprise 法人（统一社会信用代码）。"
    )
    name: str = Field(min_length=1, max_length=120, description="姓名或单位名称。")
    id_number: str = Field(
        min_length=1,
        max_length=30,
        description="自然人为 18 位居民身份证号码，法人为 18 位统一社会信用代码；校验位必须正确。"
        "全角数字和字母按半角处理，存储为半角。",
    )
    phone: str = Field(
        min_length=1,
        max_length=20,
        description="接收通知的手机或固定电话。全角数字按半角处理，手机号码中的空格和连字符去掉。",
    )
    legal_representative: str = Field("", max_length=60, description="法定代表人；法人申请必填。")
    legal_representative_id_number: str = Field(
        "",
        max_length=30,
        description="法定代表人的 18 位居民身份证号码，可为空（全角按半角处理）。填写后，法定代表人"
        "凭此证件可作为申请人本人在窗口领取结果。",
    )
    contact_name: str = Field("", max_length=60, description="法人申请的经办联系人。")
    email: str = Field("", max_length=254, description="接收邮件通知的电子邮箱，可为空。")
    language: str = Field(
        "",
        max_length=10,
        description="短信、邮件和站内消息的语言：zh-hans（默认）或 en；其他值 422。",
    )


class ProxyIn(Schema):
    name: str = Field(min_length=1, max_length=60, description="代办人姓名。")
    id_number: str = Field(
        min_length=1,
        max_length=30,
        description="代办人的 18 位居民身份证号码（全角按半角处理）。",
    )
    phone: str = Field("", max_length=20, description="代办人电话，可为空（全角按半角处理）。")


class MaterialLineIn(Schema):
    material_id: Id = Field(description="事项材料的 id（见事项的材料清单）。")
    received: bool = Field(description="是否已收取。")
    form: MaterialForm | None = Field(None, description="实际收取的形式；为空时取事项规定的形式。")
    copies: int = Field(1, ge=0, le=99, description="实际收取的份数；0 时取事项规定的份数。")
    defect: str = Field("", max_length=300, description="未收取或需补正的原因，写入一次性告知书。")
    sha256: str = Field(
        "",
        pattern=r"^([0-9a-f]{64})?$",
        description="电子材料的 SHA-256 摘要（64 位小写十六进制），可为空。",
    )


class IntakeIn(Schema):
    item_code: str = Field(
        min_length=1, max_length=64, description="事项编码；按其当前发布版本收件。"
    )
    applicant: ApplicantIn = Field(description="申请人。")
    proxy: ProxyIn | None = Field(None, description="代办人；本人办理时为 null。")
    materials: list[MaterialLineIn] = Field(
        [], max_length=200, description="材料清单的勾选情况；未列出的必要材料视为缺少。"
    )
    channel: IntakeChannel = Field(IntakeChannel.WINDOW, description="收件渠道，默认窗口。")


class AcceptIn(Schema):
    supplement_due: date | None = Field(
        None,
        description=(
            "容缺受理时容缺材料的补齐期限：须晚于今天，且不晚于事项的法定办结期限（否则 422 "
            "invalid_input）；为空时按默认工作日数计算（不超过法定办结期限）。无容缺材料时忽略。"
        ),
    )


class SupplementNoticeIn(Schema):
    defects: dict[Id, Annotated[str, Field(max_length=300)]] = Field(
        {},
        description="材料 id → 需补正的原因；未收取的必要材料自动列入一次性告知书。",
    )


class ReasonIn(Schema):
    reason: RequiredReason = Field(description="理由，告知申请人。")


class MaterialsIn(Schema):
    materials: list[MaterialLineIn] = Field(
        min_length=1, max_length=200, description="更新后的材料勾选情况。"
    )


class ToleratedMaterialsIn(Schema):
    material_ids: list[Id] = Field(
        min_length=1, max_length=200, description="已补交的容缺材料 id。"
    )


class CollectorIn(Schema):
    kind: Literal["applicant", "proxy"] = Field(
        "applicant", description="applicant 申请人本人，proxy 受托代领人。"
    )
    name: str = Field("", max_length=60, description="领取人姓名；代领时必填。")
    id_number: str = Field(
        min_length=1,
        max_length=30,
        description="领取人身份证号码：本人须与申请人证件号码一致；代领人须为有效的居民身份证号码。"
        "全角数字和字母按半角处理。",
    )
    authorisation_reference: str = Field(
        "", max_length=100, description="代领时申请人授权委托书的编号或说明（代领必填）。"
    )


class CollectIn(Schema):
    pickup_code: str = Field(min_length=1, max_length=12, description="发给申请人的 6 位领取码。")
    collector: CollectorIn = Field(description="领取人及其证件。")


class PressIn(Schema):
    message: str = Field(
        min_length=1, max_length=500, description="督办内容，发送给正在办理的部门。"
    )


class ReviewIn(Schema):
    decision: Decision = Field(description="approved 同意或 refused 不同意。")
    opinion: Reason = Field("", description="审查意见；不同意时必填。内部意见不对外公开。")


class SpecialProcedureIn(Schema):
    kind: SuspensionKind = Field(
        description="特别程序种类（听证、专家评审、检验检测等，行政许可法第45条）；不能是 supplement。"
    )
    reason: RequiredReason = Field(description="原因，告知申请人。")
    expected_end: date | None = Field(None, description="预计结束日期，不早于今天。")


class ExtensionIn(Schema):
    days: int = Field(ge=1, le=60, description="申请延长的工作日数；一个部门合计最多 10 个。")
    reason: RequiredReason = Field(description="延期理由，告知申请人（行政许可法第42条）。")


class ExtensionDecisionIn(Schema):
    approve: bool = Field(description="true 批准，false 不批准。")
    note: Reason = Field("", description="负责人意见。")


# --- output ------------------------------------------------------------------------------------


class PersonOut(Schema):
    username: str = Field(description="登录名。")
    full_name: str = Field(description="姓名。")


class CaseItemRef(Schema):
    code: str = Field(description="事项编码。")
    version: int = Field(description="办件所依据的事项版本。")
    name: str = Field(description="事项名称。")
    lead_department: DepartmentRef = Field(description="牵头部门（作出决定）。")


class ApplicantOut(Schema):
    kind: Choice = Field(description="自然人或法人。")
    name: str = Field(description="姓名或单位名称。")
    id_number: str = Field(
        description="居民身份证号码或统一社会信用代码（其他服务点的窗口人员看到脱敏值，如 110105********002X）。"
    )
    phone: str = Field(description="联系电话（其他服务点的窗口人员看到 138****8000 形式）。")
    email: str = Field(description="电子邮箱，可为空（其他服务点的窗口人员看到脱敏值）。")
    legal_representative: str = Field(description="法定代表人。")
    legal_representative_id_number: str = Field(
        description="法定代表人身份证号码，可为空（其他服务点的窗口人员看到脱敏值）。"
    )
    contact_name: str = Field(description="联系人。")


class ProxyOut(Schema):
    name: str = Field(description="代办人姓名。")
    id_number: str = Field(description="代办人身份证号码（其他服务点的窗口人员看到脱敏值）。")
    phone: str = Field(description="代办人电话（其他服务点的窗口人员看到脱敏值）。")


class ScanOut(Schema):
    file_name: str = Field(description="上传时的文件名。")
    content_type: str = Field(description="按内容识别的类型。")
    size: int = Field(description="字节数。")
    sha256: str = Field(description="内容摘要。")


class CaseMaterialOut(Schema):
    material_id: int = Field(description="事项材料 id。")
    name: str = Field(description="材料名称。")
    requirement: Choice = Field(description="必要、非必要或容缺。")
    status: Choice = Field(description="已收取、缺少、需补正、容缺后补或未提交。")
    form: str = Field(description="实际收取的形式。")
    copies: int = Field(description="实际收取的份数。")
    defect: str = Field(description="缺少或需补正的原因。")
    sha256: str = Field(description="电子材料或扫描件的 SHA-256 摘要，可为空。")
    received_at: datetime | None = Field(description="收取时间。")
    scan: ScanOut | None = Field(description="扫描件；未上传为 null。")

    @staticmethod
    def resolve_name(row):
        return row.material.name

    @staticmethod
    def resolve_requirement(row):
        return choice(Requirement, row.material.requirement)

    @staticmethod
    def resolve_status(row):
        return choice(MaterialStatus, row.status)

    @staticmethod
    def resolve_scan(row):
        if not row.file:
            return None
        return {
            "file_name": row.file_name,
            "content_type": row.content_type,
            "size": row.size,
            "sha256": row.sha256,
        }


class CaseTaskOut(Schema):
    id: int = Field(description="审批任务 id。")
    department: DepartmentRef = Field(description="审查部门。")
    task_name: str = Field(description="审查内容。")
    limit_days: int = Field(description="本步骤时限，工作日。")
    state: Choice = Field(description="未开始、待审查、同意、不同意或已取消。")
    opened_on: date | None = Field(description="任务到达部门的日期。")
    due_date: date | None = Field(description="到期日期。")
    extension_days: int = Field(description="本部门获批的延期工作日。")
    colour: Choice = Field(description="监察状态：绿、黄、红、暂停或不计时。")
    opinion: str = Field(description="审查意见（内部，不对外公开）。")
    decided_by: PersonOut | None = Field(description="给出意见的人员。")
    decided_at: datetime | None = Field(description="答复时间。")

    @staticmethod
    def resolve_state(task):
        return choice(TaskState, task.state)

    @staticmethod
    def resolve_colour(task):
        return choice(Colour, task.colour)

    @staticmethod
    def resolve_decided_by(task):
        return person(task.decided_by)


class CaseStageOut(Schema):
    position: int = Field(description="环节顺序，从 0 开始。")
    name: str = Field(description="环节名称。")
    state: Choice = Field(description="未开始、办理中、已完成或已取消。")
    opened_on: date | None = Field(description="环节开始日期。")
    closed_at: datetime | None = Field(description="所有部门答复、环节结束的时间。")
    tasks: list[CaseTaskOut] = Field(description="本环节同时进行的审批任务。")

    @staticmethod
    def resolve_state(stage):
        return choice(StageState, stage.state)

    @staticmethod
    def resolve_tasks(stage):
        return list(stage.tasks.all())


class SuspensionOut(Schema):
    id: int = Field(description="暂停 id（恢复计时用）。")
    task_id: int | None = Field(description="发起暂停的审批任务 id。")
    kind: Choice = Field(description="补正材料或特别程序的种类。")
    reason: str = Field(description="原因。")
    started_on: date = Field(description="暂停的第一天。")
    expected_end: date | None = Field(description="预计结束日期。")
    ended_on: date | None = Field(description="最后一个暂停日；仍在暂停为 null。")

    @staticmethod
    def resolve_kind(suspension):
        return choice(SuspensionKind, suspension.kind)


class ExtensionOut(Schema):
    id: int = Field(description="延期申请 id（负责人审批用）。")
    task_id: int = Field(description="申请延期的审批任务 id。")
    department: DepartmentRef = Field(description="申请延期的部门。")
    days: int = Field(description="申请延长的工作日。")
    reason: str = Field(description="延期理由。")
    state: Choice = Field(description="待审批、已批准或不批准。")
    requested_at: datetime = Field(description="申请时间。")
    decided_at: datetime | None = Field(description="审批时间。")
    decision_note: str = Field(description="负责人意见。")

    @staticmethod
    def resolve_department(extension):
        return extension.task.department

    @staticmethod
    def resolve_state(extension):
        return choice(ExtensionState, extension.state)


class CaseOut(Schema):
    id: int = Field(description="办件 id。")
    number: str | None = Field(description="办件编号；受理前为 null。")
    state: Choice = Field(description="办件状态。")
    channel: Choice = Field(description="收件渠道。")
    item: CaseItemRef = Field(description="所依据的事项版本。")
    applicant: ApplicantOut = Field(description="申请人。")
    proxy: ProxyOut | None = Field(description="代办人；本人办理为 null。")
    received_on: date = Field(description="收件日期。")
    accepted_on: date | None = Field(description="受理日期；时限自次日起算。")
    promised_deadline: date | None = Field(description="承诺办结日期（工作日计算）。")
    legal_deadline: date | None = Field(description="法定办结日期。")
    supplement_due: date | None = Field(description="容缺材料补齐期限。")
    extension_days: int = Field(description="已批准的延期工作日合计。")
    colour: Choice = Field(description="监察状态。")
    decision: Choice | None = Field(description="准予或不予许可；未决定为 null。")
    decision_number: str = Field(description="决定文号。")
    decided_on: date | None = Field(description="决定日期。")
    decision_text: str = Field(description="负责人签发的决定正文；未经签发的决定为空。")
    decision_conditions: str = Field(description="签发的准予决定附加的条件。")
    decision_valid_until: date | None = Field(
        description="签发的准予决定所定的有效期截止日期；null 为长期有效或未经签发。"
    )
    reason: str = Field(description="不予受理、不予许可、撤回或终止的理由。")
    collected_at: datetime | None = Field(description="领取时间。")
    collected_by: str = Field(description="领取人。")
    materials: list[CaseMaterialOut] = Field(description="材料清单。")
    stages: list[CaseStageOut] = Field(description="办理环节及各部门审批任务。")
    suspensions: list[SuspensionOut] = Field(description="暂停计时记录。")
    extensions: list[ExtensionOut] = Field(description="延期申请。")

    @staticmethod
    def resolve_state(case):
        return choice(CaseState, case.state)

    @staticmethod
    def resolve_channel(case):
        return choice(IntakeChannel, case.channel)

    @staticmethod
    def resolve_applicant(case, context):
        shown = _shown_identity(case, context)
        return {
            "kind": choice(ApplicantKind, case.applicant_kind),
            "name": case.applicant_name,
            "id_number": shown["id_number"],
            "phone": shown["phone"],
            "email": shown["email"],
            "legal_representative": case.legal_representative,
            "legal_representative_id_number": shown["representative_id_number"],
            "contact_name": case.contact_name,
        }

    @staticmethod
    def resolve_proxy(case, context):
        if not case.proxy_name:
            return None
        shown = _shown_identity(case, context)
        return {
            "name": case.proxy_name,
            "id_number": shown["proxy_id_number"],
            "phone": shown["proxy_phone"],
        }

    @staticmethod
    def resolve_colour(case):
        return choice(Colour, case.colour)

    @staticmethod
    def resolve_decision(case):
        return choice(Decision, case.decision)

    @staticmethod
    def resolve_materials(case):
        return list(case.materials.all())

    @staticmethod
    def resolve_stages(case):
        return list(case.stages.all())

    @staticmethod
    def resolve_suspensions(case):
        return list(case.suspensions.all())

    @staticmethod
    def resolve_extensions(case):
        return list(case.extensions.all())


def _shown_identity(case, context):
    """The identity values the caller may read (queries.shown_identity), worked out once per
    case and response. Without a signed-in caller nothing is shown in full."""
    cached = getattr(case, "_shown_identity", None)
    if cached is not None:
        return cached
    request = (context or {}).get("request")
    user = getattr(request, "auth", None) or getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        user = AnonymousUser()
    case._shown_identity = queries.shown_identity(user, case)
    return case._shown_identity


def case_for_output(pk, cases=None):
    """The case with all that CaseOut shows, from `cases` (default: all): six queries however
    many materials, stages, tasks, clock stops and extensions it has. Case.DoesNotExist if absent."""
    tasks = ReviewTask.objects.select_related("department", "decided_by").order_by("id")
    cases = Case.objects.all() if cases is None else cases
    return (
        cases.select_related("item__lead_department")
        .prefetch_related(
            Prefetch(
                "materials",
                queryset=CaseMaterial.objects.select_related("material").order_by("position", "id"),
            ),
            Prefetch(
                "stages",
                queryset=CaseStage.objects.order_by("position").prefetch_related(
                    Prefetch("tasks", queryset=tasks)
                ),
            ),
            "suspensions",
            Prefetch(
                "extensions",
                queryset=Extension.objects.select_related("task__department").order_by(
                    "requested_at", "id"
                ),
            ),
        )
        .get(pk=pk)
    )


class CaseRef(Schema):
    id: int = Field(description="办件 id。")
    number: str | None = Field(description="办件编号。")
    state: Choice = Field(description="办件状态。")
    item_code: str = Field(description="事项编码。")
    item_name: str = Field(description="事项名称。")
    applicant_name: str = Field(description="申请人。")

    @staticmethod
    def resolve_state(case):
        return choice(CaseState, case.state)

    @staticmethod
    def resolve_item_code(case):
        return case.item.code

    @staticmethod
    def resolve_item_name(case):
        return case.item.name


class TaskOut(CaseTaskOut):
    """一项审查任务及其办件，待办列表和任务操作返回的形式。"""

    case: CaseRef = Field(description="所属办件。")
    stage_name: str = Field(description="所属环节。")

    @staticmethod
    def resolve_stage_name(task):
        return task.stage.name


def task_for_output(pk):
    return ReviewTask.objects.select_related("case__item", "stage", "department", "decided_by").get(
        pk=pk
    )


class InboxPage(Schema):
    tasks: list[TaskOut] = Field(description="本页待办任务。")
    next_cursor: str | None = Field(description="下一页游标；最后一页为 null。")


class AuditEntryOut(Schema):
    id: int = Field(description="记录 id。")
    at: datetime = Field(description="时间。")
    action: str = Field(description="动作，例如 accept_case、complete_review。")
    actor: PersonOut | None = Field(description="操作人；系统任务为 null。")
    role: Choice | None = Field(description="操作时的角色。")
    from_state: str = Field(description="操作前状态。")
    to_state: str = Field(description="操作后状态。")
    reason: str = Field(description="原因或说明。")
    client_address: str | None = Field(description="发起请求的地址。")
    details: dict = Field(description="附加数据（部门、决定、天数等）。")

    @staticmethod
    def resolve_at(entry):
        return entry.created_at

    @staticmethod
    def resolve_actor(entry):
        return person(entry.actor)

    @staticmethod
    def resolve_role(entry):
        return choice(Role, entry.actor_role)


class SupervisedDepartmentOut(Schema):
    """一个部门的数量：其牵头的办件，或其审查任务。"""

    code: str = Field(description="部门编码。")
    name: str = Field(description="部门名称。")
    yellow: int = Field(description="黄牌（预警）数。")
    red: int = Field(description="红牌（超期）数。")


class SupervisedCaseOut(Schema):
    id: int = Field(description="办件 id。")
    number: str | None = Field(description="办件编号。")
    item_name: str = Field(description="事项名称。")
    department: DepartmentRef = Field(description="牵头部门。")
    state: Choice = Field(description="办件状态。")
    colour: Choice = Field(description="黄牌或红牌。")
    promised_deadline: date | None = Field(description="承诺办结日期。")

    @staticmethod
    def resolve_item_name(case):
        return case.item.name

    @staticmethod
    def resolve_department(case):
        return case.item.lead_department

    @staticmethod
    def resolve_state(case):
        return choice(CaseState, case.state)

    @staticmethod
    def resolve_colour(case):
        return choice(Colour, case.colour)


class SupervisedTaskOut(Schema):
    """一个部门的审查任务，带其自身的颜色（按本环节时限），以及所属办件的颜色。"""

    id: int = Field(description="审批任务 id。")
    case_id: int = Field(description="办件 id。")
    number: str | None = Field(description="办件编号。")
    department: DepartmentRef = Field(description="审批部门。")
    colour: Choice = Field(description="任务的黄牌或红牌。")
    case_colour: Choice = Field(description="办件本身的监察状态（可能仍为正常）。")
    due_date: date | None = Field(description="任务到期日期。")

    @staticmethod
    def resolve_number(task):
        return task.case.number

    @staticmethod
    def resolve_colour(task):
        return choice(Colour, task.colour)

    @staticmethod
    def resolve_case_colour(task):
        return choice(Colour, task.case.colour)


class SupervisionOut(Schema):
    departments: list[SupervisedDepartmentOut] = Field(
        description="按牵头部门统计的黄牌、红牌数，红牌多者在前。"
    )
    cases: list[SupervisedCaseOut] = Field(description="黄牌、红牌办件，承诺办结日期早者在前。")
    task_departments: list[SupervisedDepartmentOut] = Field(
        description="按审批部门统计的黄牌、红牌审批任务数（与各部门待办一致），红牌多者在前。"
    )
    tasks: list[SupervisedTaskOut] = Field(
        description="黄牌、红牌审批任务，到期早者在前；任务按本步骤时限单独计色。"
    )
    truncated: bool = Field(description="办件或审批任务多于 limit 时为 true（统计数仍为全部）。")


class TimelineStepOut(Schema):
    at: datetime = Field(description="时间。")
    step: str = Field(description="步骤，例如 受理、部门审查完成、作出决定。")
    department: str = Field(description="办理部门名称，可为空。")


class CurrentStepOut(Schema):
    stage: str = Field(description="正在进行的环节。")
    departments: list[str] = Field(description="仍在审查的部门。")


class ProgressOut(Schema):
    number: str = Field(description="办件编号。")
    item_name: str = Field(description="事项名称。")
    department: str = Field(description="牵头部门。")
    state: Choice = Field(description="办件状态。")
    accepted_on: date | None = Field(description="受理日期。")
    deadline: date | None = Field(description="承诺办结日期。")
    clock_stopped: bool = Field(description="正在暂停计时（补正材料或特别程序），期限将顺延。")
    decision: Choice | None = Field(description="准予或不予许可；未决定为 null。")
    current_step: CurrentStepOut | None = Field(description="当前环节；不在审查中为 null。")
    timeline: list[TimelineStepOut] = Field(
        description="办理经过（不含内部审查意见和工作人员姓名）。"
    )
