"""The public progress query (业务进度查询): no sign-in, rate-limited per client address."""

from django.conf import settings
from django.http import HttpResponse
from ninja import Query, Router

from onewindow.cases import progress as progress_guard
from onewindow.cases import queries
from onewindow.cases.api.common import _errors
from onewindow.cases.constants import CaseState, Decision
from onewindow.cases.errors import not_found
from onewindow.cases.serializers import ProgressOut, choice
from onewindow.core import api_errors, ratelimit

router = Router()

# The public progress query: enough for a person retyping a number, too few to guess secrets.
PROGRESS_RATE_LIMIT = settings.ONEWINDOW_PROGRESS_LOOKUPS_PER_MINUTE
PROGRESS_RATE_WINDOW_SECONDS = progress_guard.LOOKUP_WINDOW_SECONDS
WRONG_SECRETS_PER_NUMBER = settings.ONEWINDOW_PROGRESS_WRONG_SECRETS_PER_NUMBER


@router.get(
    "/progress",
    auth=None,
    response={200: ProgressOut, **_errors(404, 422, 429)},
    summary="Public progress query (业务进度查询)",
    description=(
        "无需登录：办件编号 + 申请人证件号码或手机号码的后 4 位，返回办理经过（不含内部意见和工作人员"
        "姓名）、当前环节和承诺办结日期。编号与后 4 位不匹配时与编号不存在的回答完全相同（404 "
        f"not_found）。每个客户端地址每 {PROGRESS_RATE_WINDOW_SECONDS} 秒最多 "
        f"{PROGRESS_RATE_LIMIT} 次；同一办件编号每天（北京时间 8 时起算）最多输错 "
        f"{WRONG_SECRETS_PER_NUMBER} 次（所有地址合计，曾答对该编号的客户端不受此限）。"
        "超出返回 429 rate_limited 和 Retry-After。"
    ),
)
def progress(
    request,
    response: HttpResponse,
    number: str = Query("", max_length=40, description="办件编号。"),
    secret: str = Query(
        "", max_length=20, description="申请人证件号码或手机号码的后 4 位（全角按半角处理）。"
    ),
):
    try:
        case = progress_guard.look_up(request, number, secret)
    except progress_guard.NumberLimited as limited:
        return api_errors.too_many(
            response, limited.retry_after, progress_guard.number_limited_text(limited)
        )
    except ratelimit.RateLimited as limited:
        return api_errors.too_many(response, limited.retry_after)
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
