"""Electronic supervision (电子监察): pressing the departments (督办), a case's audit trail and
the board of yellow and red cases."""

from django.utils.translation import gettext as _
from ninja import Query, Router

from onewindow.cases import actions, queries
from onewindow.cases.api.common import (
    SIGNED_IN,
    _address,
    _case_action,
    _case_out,
    _errors,
    _user,
    _visible_case,
)
from onewindow.cases.errors import forbidden
from onewindow.cases.permissions import is_supervisor
from onewindow.cases.serializers import AuditEntryOut, PressIn, SupervisionOut
from onewindow.core.models import AuditEntry

router = Router()

SUPERVISION_MAX_CASES = 500


@_case_action(
    router,
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


@router.get(
    "/{int:case_id}/audit",
    response={200: list[AuditEntryOut], **_errors(*SIGNED_IN)},
    summary="办件的操作记录（监察人员）",
    description="办件的审计记录（只增不改）：谁、以何角色、何时、从何状态到何状态、原因、客户端地址。仅电子监察人员可读。",
)
def audit_trail(request, case_id: int):
    if not is_supervisor(_user(request)):
        raise forbidden(_("只有电子监察人员可以查看审计记录"))
    case = _visible_case(request, case_id)
    return (
        AuditEntry.objects.filter(object_type="cases.case", object_id=str(case.pk))
        .select_related("actor")
        .order_by("created_at", "id")
    )


@router.get(
    "/supervision",
    response={200: SupervisionOut, **_errors(401, 403, 422)},
    summary="各部门的黄牌、红牌办件和任务（监察人员）",
    description="电子监察：办理中的黄牌（预警）和红牌（超期）办件，按牵头部门统计；以及黄牌、红牌的部门审批任务，按审批部门统计（任务按本步骤时限单独计色）。",
)
def supervision(
    request,
    limit: int = Query(
        100, ge=1, le=SUPERVISION_MAX_CASES, description="最多列出的办件数，默认 100。"
    ),
):
    if not is_supervisor(_user(request)):
        raise forbidden(_("只有电子监察人员可以查看"))
    flagged, counts = queries.supervision_board()
    cases = list(flagged[: limit + 1])
    tasks = list(queries.flagged_tasks()[: limit + 1])
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
        "task_departments": [
            {
                "code": row["department__code"],
                "name": row["department__name"],
                "yellow": row["yellow"],
                "red": row["red"],
            }
            for row in queries.flagged_task_counts()
        ],
        "tasks": tasks[:limit],
        "truncated": len(cases) > limit or len(tasks) > limit,
    }
