"""Department work: the inbox, answering a task, clock stops, extensions, and the lead
department's decision or termination."""

import base64
import binascii
import json
from datetime import date

from django.db.models import Q
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from onewindow.accounts.constants import Role
from onewindow.cases import actions, queries
from onewindow.cases.api.common import (
    SIGNED_IN,
    _address,
    _case_action,
    _case_out,
    _errors,
    _user,
    _visible,
    _visible_case,
)
from onewindow.cases.constants import Colour
from onewindow.cases.errors import forbidden
from onewindow.cases.models import Extension, ReviewTask, Suspension
from onewindow.cases.serializers import (
    ExtensionDecisionIn,
    ExtensionIn,
    ExtensionOut,
    InboxPage,
    ReasonIn,
    ReviewIn,
    SpecialProcedureIn,
    SuspensionOut,
    TaskOut,
    task_for_output,
)
from onewindow.core.api_errors import ApiError

router = Router()

INBOX_PAGE_SIZE = 20
INBOX_MAX_PAGE_SIZE = 100


@_case_action(
    router,
    "decide",
    "作出办件决定",
    "牵头部门在全部环节答复后作出决定：各部门均同意为准予许可，否则不予许可；生成决定文号。"
    "仍有部门未答复时返回 409 review_not_finished。",
    extra=(409,),
)
def decide(request, case_id: int):
    case = _visible_case(request, case_id)
    actions.do_decide_case(case, acting_user=_user(request), client_address=_address(request))
    return _case_out(case)


@_case_action(
    router,
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
    cursor: str | None = Field(
        None,
        max_length=400,
        pattern=r"^[A-Za-z0-9_-]+$",
        description="上一页返回的 next_cursor（URL 安全的 base64，不含填充）。",
    )
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
        _("分页游标无效，请从第一页开始"),
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
    summary="本部门待办的审查任务",
    description=(
        "本部门待审查任务（审批人员和负责人），带监察颜色和到期日期，可按颜色、事项、关键词筛选，"
        "游标分页（不返回总数）。查询次数与任务数无关。"
    ),
)
def inbox(request, filters: Query[InboxFilters]):
    user = _user(request)
    if user.role not in (Role.REVIEWER, Role.HEAD) or not user.department_id:
        raise forbidden(_("只有部门审批人员和负责人有待办任务"))
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
    summary="同意或不同意一项审查任务",
    description=(
        "部门答复审批任务：同意，或不同意并说明理由。环节内最后一个答复结束该环节（并联审批汇合）"
        "并开启下一环节。只能办理本部门的任务（403）。"
    ),
)
def review(request, task_id: int, payload: ReviewIn):
    task = _visible(ReviewTask, request, task_id, _("审批任务不存在"))
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
    summary="要求补正材料（暂停计时）",
    description="审查中要求申请人通过窗口补正材料：办件暂停计时，补正后恢复。",
)
def request_supplement(request, task_id: int, payload: ReasonIn):
    task = _visible(ReviewTask, request, task_id, _("审批任务不存在"))
    suspension = actions.do_request_supplement(
        task, reason=payload.reason, acting_user=_user(request), client_address=_address(request)
    )
    return Status(201, suspension)


@router.post(
    "/tasks/{int:task_id}/special-procedure",
    response={201: SuspensionOut, **_errors(*SIGNED_IN, 409, 422)},
    summary="启动特别程序（暂停计时）",
    description=(
        "启动特别程序（听证、专家评审、现场勘查、检测、公示等）：所需时间不计入办理时限"
        "（行政许可法第45条），暂停计时至恢复。"
    ),
)
def start_special_procedure(request, task_id: int, payload: SpecialProcedureIn):
    task = _visible(ReviewTask, request, task_id, _("审批任务不存在"))
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
    summary="恢复计时",
    description="结束暂停、恢复计时，期限按暂停的工作日顺延。补正材料的暂停也可由窗口人员恢复。",
)
def resume(request, suspension_id: int):
    suspension = _visible(Suspension, request, suspension_id, _("暂停记录不存在"))
    return actions.do_end_suspension(
        suspension, acting_user=_user(request), client_address=_address(request)
    )


@router.post(
    "/tasks/{int:task_id}/extensions",
    response={201: ExtensionOut, **_errors(*SIGNED_IN, 409, 422)},
    summary="申请延期",
    description=(
        "审批人员申请延期，说明理由，由本部门负责人审批。一个部门最多 10 个工作日（行政许可法第42条），"
        "联办件合计最多 15 个。"
    ),
)
def request_extension(request, task_id: int, payload: ExtensionIn):
    task = _visible(ReviewTask, request, task_id, _("审批任务不存在"))
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
    summary="批准或不批准延期",
    description="本部门负责人批准或不批准延期；批准的天数顺延任务和办件的期限。",
)
def decide_extension(request, extension_id: int, payload: ExtensionDecisionIn):
    extension = _visible(Extension, request, extension_id, _("延期申请不存在"))
    actions.do_decide_extension(
        extension,
        approve=payload.approve,
        note=payload.note,
        acting_user=_user(request),
        client_address=_address(request),
    )
    return Extension.objects.select_related("task__department").get(pk=extension.pk)
