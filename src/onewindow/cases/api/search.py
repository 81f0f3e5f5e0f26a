"""Find any case (cases/search.py): one key, its kind read from its shape, the cases the caller
may see in keyset pages."""

from datetime import date

from django.http import HttpResponse
from ninja import Field, Query, Router, Schema

from onewindow.cases import search
from onewindow.cases.api.common import _errors, _user
from onewindow.cases.constants import ApplicantKind, CaseState, Colour
from onewindow.cases.documents import reference
from onewindow.cases.queries import shown_identity
from onewindow.cases.serializers import choice
from onewindow.catalog.api import Choice
from onewindow.core.api_errors import too_many

router = Router()


class SearchApplicantOut(Schema):
    kind: Choice = Field(description="自然人或法人。")
    name: str = Field(description="姓名或单位名称。")
    id_number: str = Field(description="证件号码，按办件页面的规则脱敏（如 110105********002X）。")
    phone: str = Field(description="联系电话，按办件页面的规则脱敏（如 138****8000）。")
    masked: bool = Field(description="证件号码和电话是否已脱敏。")


class SearchHitOut(Schema):
    id: int = Field(description="办件 id。")
    number: str | None = Field(description="办件编号；未受理的收件为 null。")
    reference: str = Field(description="办件编号，未受理时为收件编号（SJ…）。")
    state: Choice = Field(description="办件状态。")
    colour: Choice | None = Field(description="监察状态（绿、黄、红、暂停）；未开始计时为 null。")
    deadline: date | None = Field(description="承诺办结日期；未受理为 null。")
    item_code: str = Field(description="事项编码。")
    item_name: str = Field(description="事项名称。")
    applicant: SearchApplicantOut = Field(description="申请人。")
    url: str | None = Field(
        description=(
            "调用者打开该办件的页面（按角色：窗口办件页或收件页、本部门的审查任务、审计记录）；"
            "牵头部门尚无审查任务的办件（如未受理的收件）为 null。"
        )
    )


class SearchPage(Schema):
    kind: Choice = Field(
        description=(
            "按检索内容的格式识别出的类型：case_number、intake_number、certificate_number、"
            "id_number、phone、name_id_tail、pickup_code。"
        )
    )
    cases: list[SearchHitOut] = Field(
        description="本页办件，新办件在前；只含调用者可以查看的办件。"
    )
    next_cursor: int | None = Field(description="下一页游标（传给 cursor）；最后一页为 null。")


def hits(user, cases):
    """The rows of a page of results, as the API returns them and the page shows them."""
    urls = search.case_urls(user, cases)
    return [_hit(user, case, urls[case.pk]) for case in cases]


def _hit(user, case, url):
    shown = shown_identity(user, case)
    return {
        "id": case.pk,
        "number": case.number,
        "reference": reference(case),
        "state": choice(CaseState, case.state),
        "colour": choice(Colour, case.colour),
        "deadline": case.promised_deadline,
        "item_code": case.item.code,
        "item_name": case.item.name,
        "applicant": {
            "kind": choice(ApplicantKind, case.applicant_kind),
            "name": case.applicant_name,
            "id_number": shown["id_number"],
            "phone": shown["phone"],
            "masked": shown["masked"],
        },
        "url": url,
    }


@router.get(
    "/search",
    response={200: SearchPage, **_errors(401, 403, 422, 429)},
    summary="按任一检索键查找办件",
    description=(
        "按一个检索内容查找办件，类型由格式识别：办件编号（20 位数字）、收件编号（SJ…）、证照编号"
        "（如 SCJGJ-2026-000017）、申请人证件号码或统一社会信用代码（18 位，可含小写 x、全角字符和空格）、"
        "电话号码、姓名加证件号码后 4 位（如“张三 1234”），以及窗口人员交付结果时的领取码（6 位数字）。"
        "只返回调用者可以查看的办件（审批人员只看本部门的办件）。内容为空、少于 4 个字符或多于 130 个"
        "字符返回 422 query_empty、query_too_short、query_too_long；只有姓名返回 422 "
        "name_needs_id_tail；无法识别返回 422 unrecognised_query；非窗口人员按领取码查找返回 403；"
        "按领取码查找 15 分钟内未找到 10 次后返回 429 rate_limited 和 Retry-After。"
        "游标分页（cursor 为上一页的 next_cursor），不返回总数。"
    ),
)
def find_cases(
    request,
    response: HttpResponse,
    q: str = Query(..., description="检索内容。"),
    cursor: int | None = Query(None, ge=1, le=2**63 - 1, description="上一页的 next_cursor。"),
    limit: int = Query(
        search.PAGE_SIZE, ge=1, le=search.MAX_PAGE_SIZE, description="每页条数，1–50，默认 20。"
    ),
):
    user = _user(request)
    try:
        result = search.search(user, q, after=cursor, limit=limit)
    except search.GuessesLimited as limited:
        return too_many(response, limited.retry_after, search.guesses_limited_text(limited))
    return {
        "kind": {"value": result.lookup.kind, "label": str(result.lookup.label)},
        "cases": hits(user, result.cases),
        "next_cursor": result.next_cursor,
    }
