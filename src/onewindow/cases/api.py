"""The case JSON API: intake at the window, department review, supervision, the progress query.

Endpoints are thin: they find what the caller may see (a case the caller may not see answers 404,
like one that does not exist), call one action, and return the result. The actions check roles
and states and raise CaseActionError, which core.api_errors turns into `{"code", "message"}`.
Sign-in: a bearer token or the staff session (accounts.api_auth); the progress query is public.
"""

import base64
import binascii
import json
from datetime import date

from django.conf import settings
from django.db.models import Q
from django.http import HttpResponse
from ninja import Field, File, Header, Query, Router, Schema, Status, UploadedFile

from onewindow.accounts.api_auth import API_AUTH
from onewindow.accounts.constants import Role
from onewindow.cases import actions, queries
from onewindow.cases.constants import CaseState, Colour, Decision
from onewindow.cases.errors import forbidden, not_found
from onewindow.cases.models import Case, Extension, IdempotencyKey, ReviewTask, Suspension
from onewindow.cases.permissions import is_clerk, is_supervisor
from onewindow.cases.serializers import (
    AcceptIn,
    AuditEntryOut,
    CaseMaterialOut,
    CaseOut,
    CollectIn,
    ExtensionDecisionIn,
    ExtensionIn,
    ExtensionOut,
    InboxPage,
    IntakeIn,
    MaterialsIn,
    PressIn,
    ProgressOut,
    ReasonIn,
    ReviewIn,
    SpecialProcedureIn,
    SupervisionOut,
    SupplementNoticeIn,
    SuspensionOut,
    TaskOut,
    ToleratedMaterialsIn,
    case_for_output,
    choice,
    task_for_output,
)
from onewindow.cases.uploads import check_upload
from onewindow.catalog.models import ServiceItem
from onewindow.core import ratelimit
from onewindow.core.api_errors import ApiError, ErrorOut
from onewindow.core.models import AuditEntry

router = Router(tags=["cases"], auth=API_AUTH)

# The public progress query: enough for a person retyping a number, too few to guess secrets.
PROGRESS_RATE_LIMIT = settings.ONEWINDOW_PROGRESS_LOOKUPS_PER_MINUTE
PROGRESS_RATE_WINDOW_SECONDS = 60

INBOX_PAGE_SIZE = 20
INBOX_MAX_PAGE_SIZE = 100
SUPERVISION_MAX_CASES = 500


def _errors(*statuses):
    return dict.fromkeys(statuses, ErrorOut)


# Every signed-in endpoint can answer these.
SIGNED_IN = (401, 403, 404)


def _address(request):
    return request.META.get("REMOTE_ADDR")


def _user(request):
    return request.auth


# --- finding what the caller may see ---------------------------------------------------------


def _visible_case(request, case_id):
    case = queries.cases_visible_to(_user(request)).filter(pk=case_id).first()
    if case is None:
        raise not_found()
    return case


def _visible(model, request, pk, what):
    """A task, clock stop or extension of a case the caller may see, else 404."""
    visible = queries.cases_visible_to(_user(request)).values("pk")
    found = model.objects.filter(pk=pk, case__in=visible).select_related("case").first()
    if found is None:
        raise not_found(what)
    return found


def _case_out(case):
    return case_for_output(case.pk)


def _lines(materials):
    return [
        actions.MaterialInput(
            material_id=line.material_id,
            received=line.received,
            form=line.form or "",
            copies=line.copies,
            defect=line.defect.strip(),
            sha256=line.sha256,
        )
        for line in materials
    ]


# --- intake at the window ----------------------------------------------------------------------


@router.post(
    "/intakes",
    response={201: CaseOut, 200: CaseOut, **_errors(401, 403, 422)},
    summary="Receive an intake at the window",
    description=(
        "综合窗口收件（一窗受理）：按事项当前发布版本登记申请人和材料清单，办件进入“已提交待预审”，"
        "随后受理、一次性告知或不予受理。带 Idempotency-Key 请求头重复提交时返回同一办件"
        "（首次 201，之后 200）。身份证号码与统一社会信用代码校验位错误时返回 422 invalid_input。"
    ),
)
def receive_intake(
    request,
    payload: IntakeIn,
    idempotency_key: str | None = Header(
        None,
        alias="Idempotency-Key",
        max_length=80,
        description="客户端生成的唯一键（如 UUID）；同一键只建一个办件。",
    ),
):
    user = _user(request)
    if not is_clerk(user):
        raise forbidden("只有综合窗口人员可以收件 / Only window clerks receive applications")
    item = ServiceItem.objects.published().filter(code=payload.item_code).first()
    if item is None:
        raise ApiError(
            422,
            "item_not_found",
            "事项不存在或没有发布版本 / No published service item with this code",
            detail=[
                {"type": "not_found", "loc": ["body", "payload", "item_code"], "msg": "not found"}
            ],
        )
    applicant = actions.ApplicantInput(**payload.applicant.model_dump())
    proxy = actions.ProxyInput(**payload.proxy.model_dump()) if payload.proxy else None
    # A repeat of this user's request answers 200 with the first case (a key reused for another
    # request gets 422 from the action).
    replay = (
        bool(idempotency_key)
        and IdempotencyKey.objects.filter(user=user, key=idempotency_key).exists()
    )
    case = actions.do_receive_intake(
        item=item,
        applicant=applicant,
        proxy=proxy,
        materials=_lines(payload.materials),
        channel=payload.channel,
        acting_user=user,
        idempotency_key=idempotency_key or None,
        client_address=_address(request),
    )
    return Status(200 if replay else 201, _case_out(case))


@router.post(
    "/{int:case_id}/materials/{int:material_id}/scan",
    response={200: CaseMaterialOut, **_errors(*SIGNED_IN, 409, 413, 415, 422)},
    summary="Attach a scan of one material",
    description=(
        "上传一份材料的扫描件（multipart/form-data，字段 file）：PDF、JPEG、PNG 或 OFD，按内容识别，"
        "与文件名无关（415）；超过大小上限返回 413。上传即视为已收取该材料。仅限受理前。"
    ),
)
def attach_scan(request, case_id: int, material_id: int, file: File[UploadedFile]):
    case = _visible_case(request, case_id)
    row = case.materials.filter(material_id=material_id).first()
    if row is None:
        raise not_found("该办件没有此材料 / This case has no such material")
    if not is_clerk(_user(request)):
        raise forbidden()
    upload = check_upload(file)
    line = actions.MaterialInput(
        material_id=material_id, received=True, form=row.form, copies=row.copies, upload=upload
    )
    actions.do_update_intake_materials(
        case, materials=[line], acting_user=_user(request), client_address=_address(request)
    )
    row.refresh_from_db()
    return row


def _case_action(path, summary, description, *, extra=(409, 422)):
    """Register POST /{case_id}/<path> returning the case after the action."""
    return router.post(
        f"/{{int:case_id}}/{path}",
        response={200: CaseOut, **_errors(*SIGNED_IN, *extra)},
        summary=summary,
        description=description,
    )


@_case_action(
    "accept",
    "Accept the case (受理)",
    "受理：生成办件编号，复制办理流程并开启第一环节，开始计时。只有容缺材料可以暂缺（容缺受理，"
    "须在 supplement_due 前补齐，补齐前不得出件）；缺少其他必要材料返回 422 materials_missing，"
    "detail 逐项列出。即办件当场作出决定。",
)
def accept(request, case_id: int, payload: AcceptIn | None = None):
    case = _visible_case(request, case_id)
    case = actions.do_accept_case(
        case,
        supplement_due=payload.supplement_due if payload else None,
        acting_user=_user(request),
        client_address=_address(request),
    )
    return _case_out(case)


@_case_action(
    "supplement-notice",
    "Issue the one-time supplement notice (一次性告知)",
    "一次性告知：列出全部缺少或需补正的材料及原因；办件进入“待补正”，不开始计时。申请人补交后"
    "在同一办件上继续（更新材料清单后受理）。",
)
def supplement_notice(request, case_id: int, payload: SupplementNoticeIn):
    case = _visible_case(request, case_id)
    actions.do_issue_supplement_notice(
        case, defects=payload.defects, acting_user=_user(request), client_address=_address(request)
    )
    return _case_out(case)


@_case_action(
    "not-accept",
    "Refuse acceptance (不予受理)",
    "不予受理：须说明理由（行政许可法第32条），告知申请人依法申请行政复议或提起行政诉讼的权利。",
)
def not_accept(request, case_id: int, payload: ReasonIn):
    case = _visible_case(request, case_id)
    actions.do_not_accept(
        case, reason=payload.reason, acting_user=_user(request), client_address=_address(request)
    )
    return _case_out(case)


@_case_action(
    "materials",
    "Update the intake checklist",
    "申请人补交材料后更新材料清单（仅限受理前）。",
)
def update_materials(request, case_id: int, payload: MaterialsIn):
    case = _visible_case(request, case_id)
    actions.do_update_intake_materials(
        case,
        materials=_lines(payload.materials),
        acting_user=_user(request),
        client_address=_address(request),
    )
    return _case_out(case)


@_case_action(
    "tolerated-materials",
    "Receive tolerated missing materials (容缺材料补齐)",
    "容缺受理的材料已补交；全部补齐后方可出件。只能补收状态为“容缺后补”的材料。",
)
def receive_tolerated(request, case_id: int, payload: ToleratedMaterialsIn):
    case = _visible_case(request, case_id)
    actions.do_receive_tolerated_materials(
        case,
        material_ids=payload.material_ids,
        acting_user=_user(request),
        client_address=_address(request),
    )
    return _case_out(case)


@_case_action(
    "decide",
    "Decide the case",
    "牵头部门在全部环节答复后作出决定：各部门均同意为准予许可，否则不予许可；生成决定文号。"
    "仍有部门未答复时返回 409 review_not_finished。",
    extra=(409,),
)
def decide(request, case_id: int):
    case = _visible_case(request, case_id)
    actions.do_decide_case(case, acting_user=_user(request), client_address=_address(request))
    return _case_out(case)


@_case_action(
    "collect",
    "Mark the result collected at the window",
    "申请人（或代办人）在窗口领取结果。容缺材料未补齐时返回 409。",
)
def collect(request, case_id: int, payload: CollectIn):
    case = _visible_case(request, case_id)
    actions.do_mark_collected(
        case,
        collected_by=payload.collected_by,
        acting_user=_user(request),
        client_address=_address(request),
    )
    return _case_out(case)


@_case_action(
    "withdraw",
    "Withdraw the application",
    "申请人撤回申请（由窗口人员登记），须说明理由。",
)
def withdraw(request, case_id: int, payload: ReasonIn):
    case = _visible_case(request, case_id)
    actions.do_withdraw_case(
        case, reason=payload.reason, acting_user=_user(request), client_address=_address(request)
    )
    return _case_out(case)


@_case_action(
    "terminate",
    "Terminate the case (终止办理)",
    "牵头部门负责人终止办理，须说明理由。",
)
def terminate(request, case_id: int, payload: ReasonIn):
    case = _visible_case(request, case_id)
    actions.do_terminate_case(
        case, reason=payload.reason, acting_user=_user(request), client_address=_address(request)
    )
    return _case_out(case)


@_case_action(
    "press",
    "Press the departments (督办)",
    "电子监察人员督办：向正在办理的部门发送有记录的督办通知。",
)
def press(request, case_id: int, payload: PressIn):
    case = _visible_case(request, case_id)
    actions.do_press_case(
        case, message=payload.message, acting_user=_user(request), client_address=_address(request)
    )
    return _case_out(case)


# --- department work ---------------------------------------------------------------------------


class InboxFilters(Schema):
    colour: Colour | None = Field(
        None, description="只看某种监察状态：green、yellow、red、paused。"
    )
    item: str | None = Field(None, max_length=64, description="事项编码。")
    q: str | None = Field(None, max_length=60, description="办件编号或申请人名称中包含的文字。")
    sort: str = Field(
        "due_date",
        pattern=r"^(due_date|-due_date|opened_on|number)$",
        description="排序：due_date 到期早者在前（默认）、-due_date、opened_on、number。",
    )
    cursor: str | None = Field(None, max_length=400, description="上一页返回的 next_cursor。")
    limit: int = Field(
        INBOX_PAGE_SIZE, ge=1, le=INBOX_MAX_PAGE_SIZE, description="每页条数，1–100，默认 20。"
    )


# The inbox sorts and the fields their keyset cursors continue from (all set on open tasks).
INBOX_KEYS = {
    "due_date": ("due_date", False),
    "-due_date": ("due_date", True),
    "opened_on": ("opened_on", False),
    "number": ("case__number", False),
}


# What TaskOut reads of an inbox task besides the page's columns (only() replaces the page's list).
INBOX_API_FIELDS = (
    *queries.INBOX_FIELDS,
    "limit_days",
    "state",
    "extension_days",
    "opinion",
    "decided_at",
    "department__code",
    "department__name",
    "decided_by__username",
    "decided_by__full_name",
    "case__state",
    "case__item__code",
)


def _encode_cursor(sort, value, pk):
    if isinstance(value, date):
        value = value.isoformat()
    payload = json.dumps({"s": sort, "v": value, "id": pk}, separators=(",", ":"))
    return base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")


def _after_cursor(tasks, sort, cursor):
    invalid = ApiError(
        400,
        "invalid_cursor",
        "分页游标无效，请从第一页开始 / Invalid cursor, start from the first page",
    )
    try:
        data = json.loads(base64.urlsafe_b64decode((cursor + "=" * (-len(cursor) % 4)).encode()))
        value, pk = data["v"], data["id"]
        if data["s"] != sort or not isinstance(pk, int) or not isinstance(value, str):
            raise invalid
        field, descending = INBOX_KEYS[sort]
        if field != "case__number":
            value = date.fromisoformat(value)
    except (UnicodeEncodeError, binascii.Error, ValueError, TypeError, KeyError):
        raise invalid from None
    if descending:
        return tasks.filter(Q(**{f"{field}__lt": value}) | Q(**{field: value, "id__lt": pk}))
    return tasks.filter(Q(**{f"{field}__gt": value}) | Q(**{field: value, "id__gt": pk}))


def _field_value(task, field):
    return task.case.number if field == "case__number" else getattr(task, field)


@router.get(
    "/inbox",
    response={200: InboxPage, **_errors(400, 401, 403, 422)},
    summary="My department's open review tasks",
    description=(
        "本部门待审查任务（审批人员和负责人），带监察颜色和到期日期，可按颜色、事项、关键词筛选，"
        "游标分页（不返回总数）。查询次数与任务数无关。"
    ),
)
def inbox(request, filters: Query[InboxFilters]):
    user = _user(request)
    if user.role not in (Role.REVIEWER, Role.HEAD) or not user.department_id:
        raise forbidden("只有部门审批人员和负责人有待办任务 / Only department staff have an inbox")
    tasks = (
        queries.inbox(
            user.department,
            colour=filters.colour,
            item_code=filters.item,
            q=filters.q,
            order=filters.sort,
        )
        .select_related("department", "decided_by")
        .only(*INBOX_API_FIELDS)
    )
    if filters.cursor:
        tasks = _after_cursor(tasks, filters.sort, filters.cursor)
    rows = list(tasks[: filters.limit + 1])
    next_cursor = None
    if len(rows) > filters.limit:
        rows = rows[: filters.limit]
        field = INBOX_KEYS[filters.sort][0]
        next_cursor = _encode_cursor(filters.sort, _field_value(rows[-1], field), rows[-1].pk)
    return {"tasks": rows, "next_cursor": next_cursor}


@router.post(
    "/tasks/{int:task_id}/review",
    response={200: TaskOut, **_errors(*SIGNED_IN, 409, 422)},
    summary="Approve or refuse a review task",
    description=(
        "部门答复审批任务：同意，或不同意并说明理由。环节内最后一个答复结束该环节（并联审批汇合）"
        "并开启下一环节。只能办理本部门的任务（403）。"
    ),
)
def review(request, task_id: int, payload: ReviewIn):
    task = _visible(ReviewTask, request, task_id, "审批任务不存在 / Task not found")
    actions.do_complete_review(
        task,
        decision=payload.decision,
        opinion=payload.opinion,
        acting_user=_user(request),
        client_address=_address(request),
    )
    return task_for_output(task.pk)


@router.post(
    "/tasks/{int:task_id}/supplement-request",
    response={201: SuspensionOut, **_errors(*SIGNED_IN, 409, 422)},
    summary="Ask for supplementary materials (clock stops)",
    description="审查中要求申请人通过窗口补正材料：办件暂停计时，补正后恢复。",
)
def request_supplement(request, task_id: int, payload: ReasonIn):
    task = _visible(ReviewTask, request, task_id, "审批任务不存在 / Task not found")
    suspension = actions.do_request_supplement(
        task, reason=payload.reason, acting_user=_user(request), client_address=_address(request)
    )
    return Status(201, suspension)


@router.post(
    "/tasks/{int:task_id}/special-procedure",
    response={201: SuspensionOut, **_errors(*SIGNED_IN, 409, 422)},
    summary="Start a special procedure (clock stops)",
    description=(
        "启动特别程序（听证、专家评审、现场勘查、检测、公示等）：所需时间不计入办理时限"
        "（行政许可法第45条），暂停计时至恢复。"
    ),
)
def start_special_procedure(request, task_id: int, payload: SpecialProcedureIn):
    task = _visible(ReviewTask, request, task_id, "审批任务不存在 / Task not found")
    suspension = actions.do_start_special_procedure(
        task,
        kind=payload.kind,
        reason=payload.reason,
        expected_end=payload.expected_end,
        acting_user=_user(request),
        client_address=_address(request),
    )
    return Status(201, suspension)


@router.post(
    "/suspensions/{int:suspension_id}/resume",
    response={200: SuspensionOut, **_errors(*SIGNED_IN, 409)},
    summary="Resume the clock",
    description="结束暂停、恢复计时，期限按暂停的工作日顺延。补正材料的暂停也可由窗口人员恢复。",
)
def resume(request, suspension_id: int):
    suspension = _visible(
        Suspension, request, suspension_id, "暂停记录不存在 / Clock stop not found"
    )
    return actions.do_end_suspension(
        suspension, acting_user=_user(request), client_address=_address(request)
    )


@router.post(
    "/tasks/{int:task_id}/extensions",
    response={201: ExtensionOut, **_errors(*SIGNED_IN, 409, 422)},
    summary="Request an extension",
    description=(
        "审批人员申请延期，说明理由，由本部门负责人审批。一个部门最多 10 个工作日（行政许可法第42条），"
        "联办件合计最多 15 个。"
    ),
)
def request_extension(request, task_id: int, payload: ExtensionIn):
    task = _visible(ReviewTask, request, task_id, "审批任务不存在 / Task not found")
    extension = actions.do_request_extension(
        task,
        days=payload.days,
        reason=payload.reason,
        acting_user=_user(request),
        client_address=_address(request),
    )
    return Status(201, Extension.objects.select_related("task__department").get(pk=extension.pk))


@router.post(
    "/extensions/{int:extension_id}/decision",
    response={200: ExtensionOut, **_errors(*SIGNED_IN, 409, 422)},
    summary="Approve or refuse an extension",
    description="本部门负责人批准或不批准延期；批准的天数顺延任务和办件的期限。",
)
def decide_extension(request, extension_id: int, payload: ExtensionDecisionIn):
    extension = _visible(Extension, request, extension_id, "延期申请不存在 / Extension not found")
    actions.do_decide_extension(
        extension,
        approve=payload.approve,
        note=payload.note,
        acting_user=_user(request),
        client_address=_address(request),
    )
    return Extension.objects.select_related("task__department").get(pk=extension.pk)


# --- reading cases -----------------------------------------------------------------------------


@router.get(
    "/{int:case_id}",
    response={200: CaseOut, **_errors(*SIGNED_IN)},
    summary="Get a case",
    description=(
        "办件详情：申请人、材料、各环节和部门任务（含内部意见）、暂停和延期。审批人员只能看到本部门参与"
        "或牵头的办件；看不到的办件与不存在的一样返回 404。"
    ),
)
def get_case(request, case_id: int):
    try:
        return case_for_output(case_id, cases=queries.cases_visible_to(_user(request)))
    except Case.DoesNotExist:
        raise not_found() from None


@router.get(
    "/{int:case_id}/audit",
    response={200: list[AuditEntryOut], **_errors(*SIGNED_IN)},
    summary="The case's audit trail (supervisors)",
    description="办件的审计记录（只增不改）：谁、以何角色、何时、从何状态到何状态、原因、客户端地址。仅电子监察人员可读。",
)
def audit_trail(request, case_id: int):
    if not is_supervisor(_user(request)):
        raise forbidden("只有电子监察人员可以查看审计记录 / Only supervisors read the audit trail")
    case = _visible_case(request, case_id)
    return (
        AuditEntry.objects.filter(object_type="cases.case", object_id=str(case.pk))
        .select_related("actor")
        .order_by("created_at", "id")
    )


@router.get(
    "/supervision",
    response={200: SupervisionOut, **_errors(401, 403, 422)},
    summary="Yellow and red cases by department (supervisors)",
    description="电子监察：办理中的黄牌（预警）和红牌（超期）办件，按牵头部门统计。",
)
def supervision(
    request,
    limit: int = Query(
        100, ge=1, le=SUPERVISION_MAX_CASES, description="最多列出的办件数，默认 100。"
    ),
):
    if not is_supervisor(_user(request)):
        raise forbidden("只有电子监察人员可以查看 / Only supervisors see this board")
    flagged, counts = queries.supervision_board()
    cases = list(flagged[: limit + 1])
    return {
        "departments": [
            {
                "code": row["item__lead_department__code"],
                "name": row["item__lead_department__name"],
                "yellow": row["yellow"],
                "red": row["red"],
            }
            for row in counts
        ],
        "cases": cases[:limit],
        "truncated": len(cases) > limit,
    }


# --- the public progress query -----------------------------------------------------------------


@router.get(
    "/progress",
    auth=None,
    response={200: ProgressOut, **_errors(404, 422, 429)},
    summary="Public progress query (业务进度查询)",
    description=(
        "无需登录：办件编号 + 申请人证件号码或手机号码的后 4 位，返回办理经过（不含内部意见和工作人员"
        "姓名）、当前环节和承诺办结日期。编号与后 4 位不匹配时与编号不存在的回答完全相同（404 "
        f"not_found）。每个客户端地址每 {PROGRESS_RATE_WINDOW_SECONDS} 秒最多 "
        f"{PROGRESS_RATE_LIMIT} 次，超出返回 429 rate_limited 和 Retry-After。"
    ),
)
def progress(
    request,
    response: HttpResponse,
    number: str = Query("", max_length=40, description="办件编号。"),
    secret: str = Query("", max_length=20, description="申请人证件号码或手机号码的后 4 位。"),
):
    try:
        ratelimit.check_request(
            request,
            "progress",
            limit=PROGRESS_RATE_LIMIT,
            window_seconds=PROGRESS_RATE_WINDOW_SECONDS,
        )
    except ratelimit.RateLimited as exc:
        response["Retry-After"] = str(exc.retry_after)
        return Status(
            429,
            {
                "code": "rate_limited",
                "message": f"查询过于频繁，请 {exc.retry_after} 秒后再试 / Too many queries: "
                f"retry in {exc.retry_after} seconds",
            },
        )
    case = queries.find_for_progress(number, secret)
    if case is None:
        raise not_found()
    stage, departments = queries.current_step(case)
    return {
        "number": case.number,
        "item_name": case.item.name,
        "department": case.item.lead_department.name,
        "state": choice(CaseState, case.state),
        "accepted_on": case.accepted_on,
        "deadline": case.promised_deadline,
        "clock_stopped": case.state == CaseState.SUSPENDED,
        "decision": choice(Decision, case.decision),
        "current_step": {"stage": stage.name, "departments": departments} if stage else None,
        "timeline": [
            {"at": at, "step": str(step), "department": department}
            for at, step, department in queries.public_timeline(case)
        ],
    }
