"""The worklists as JSON, for a counter system or a wall display: the same lists, the same rules
of who may open which (lists.py) as the workspace pages. Read only.

    GET /api/workspace/worklists          the lists the caller may open, with their counts
    GET /api/workspace/worklists/{key}    the first `limit` rows of one, and its count
"""

from datetime import date
from typing import Literal

from django.utils import timezone
from ninja import Field, Query, Router, Schema

from onewindow.accounts.api_auth import API_AUTH
from onewindow.core.api_errors import ErrorOut
from onewindow.workspace import lists

router = Router(tags=["workspace"], auth=API_AUTH)

WorklistKey = Literal["supplements", "tolerated", "hand_over", "done", "extensions"]
MAX_ROWS = 200


class WorklistSummaryOut(Schema):
    key: str = Field(description="清单：supplements、tolerated、hand_over、done、extensions。")
    title: str = Field(description="清单名称。")
    total: int = Field(description="清单中的条数。")


class WorklistRowOut(Schema):
    case_id: int = Field(description="办件 id。")
    number: str | None = Field(description="办件编号；未受理的收件为空。")
    applicant_name: str = Field(description="申请人。")
    item_name: str = Field(description="事项名称。")
    department: str = Field(description="审批部门（已办、延期）；其他清单为空。")
    task_id: int | None = Field(description="审批任务 id（已办、延期）。")
    on: date | None = Field(
        description="该行的日期：收件日期、容缺补齐期限、待领取起始日、答复日期或延期申请日期。"
    )
    url: str = Field(description="调用者打开该行的页面。")


class WorklistOut(Schema):
    key: str = Field(description="清单。")
    title: str = Field(description="清单名称。")
    total: int = Field(description="清单中的条数。")
    rows: list[WorklistRowOut] = Field(description="按清单的顺序排列的前 limit 行。")
    truncated: bool = Field(description="条数多于 limit 时为 true。")


def _local_date(moment):
    return timezone.localdate(moment) if moment is not None else None


def _row(user, key, row):
    """One row of any list in the same shape: its case, and the task when the list is of tasks."""
    case = row if key in ("supplements", "tolerated") else row.case
    department, task_id, on = "", None, None
    if key == "supplements":
        on = row.received_on
    elif key == "tolerated":
        on = row.supplement_due
    elif key == "hand_over":
        on = _local_date(row.waiting_since)
    elif key == "done":
        department, task_id, on = row.department.name, row.pk, _local_date(row.decided_at)
    else:  # extensions
        department, task_id = row.task.department.name, row.task_id
        on = _local_date(row.requested_at)
    return {
        "case_id": case.pk,
        "number": case.number,
        "applicant_name": case.applicant_name,
        "item_name": case.item.name,
        "department": department,
        "task_id": task_id,
        "on": on,
        "url": lists.open_url(user, key, row),
    }


@router.get(
    "/worklists",
    response={200: list[WorklistSummaryOut], 401: ErrorOut},
    summary="调用者可查看的工作清单及各自数量",
    description="调用者岗位可查看的工作清单及其条数（与工作台页面相同）。",
)
def worklists(request):
    user = request.auth
    return [
        {
            "key": key,
            "title": str(lists.title(user, key)),
            "total": lists.rows_for(user, key).count(),
        }
        for key in lists.KEYS
        if lists.may_open(user, key)
    ]


@router.get(
    "/worklists/{key}",
    response={200: WorklistOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut},
    summary="一个工作清单：前几行及总数",
    description="一个工作清单的前 limit 行及条数；岗位不能查看的清单返回 403 forbidden。",
)
def worklist(
    request,
    key: WorklistKey,
    limit: int = Query(50, ge=1, le=MAX_ROWS, description="最多返回的行数，默认 50。"),
):
    user = request.auth
    lists.require(user, key)
    query = lists.rows_for(user, key)
    rows = list(query[: limit + 1])
    truncated = len(rows) > limit
    return {
        "key": key,
        "title": str(lists.title(user, key)),
        "total": query.count() if truncated else len(rows),
        "rows": [_row(user, key, row) for row in rows[:limit]],
        "truncated": truncated,
    }
