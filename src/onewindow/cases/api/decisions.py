"""Decisions signed by a head (签发): the lead department's reviewer drafts, its head signs or
returns the draft; the head's list of drafts awaiting signature."""

from datetime import date, datetime

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from onewindow.accounts.api_auth import API_AUTH
from onewindow.accounts.constants import Role
from onewindow.cases import actions, queries
from onewindow.cases.api.common import (
    SIGNED_IN,
    _address,
    _errors,
    _user,
    _visible_case,
)
from onewindow.cases.constants import Decision, DraftState
from onewindow.cases.errors import forbidden, not_found
from onewindow.cases.models import DecisionDraft
from onewindow.cases.serializers import PersonOut, choice, person
from onewindow.catalog.api import Choice

router = Router()
# Mounted at /api/decisions/ (the head's list is not one case's).
awaiting_router = Router(tags=["cases"], auth=API_AUTH)


class DraftIn(Schema):
    outcome: Decision = Field(
        description="approved 拟准予许可，refused 拟不予许可；须与各部门审查结果一致。"
    )
    text: str = Field(max_length=5000, description="决定正文（必填）。")
    reasons: str = Field(
        "", max_length=5000, description="不予许可的理由和依据；拟不予许可时必填。"
    )
    conditions: str = Field("", max_length=5000, description="准予许可附加的条件，可为空。")
    valid_until: date | None = Field(
        None,
        description="准予许可的有效期截止日期，须晚于今天；为空表示长期有效。"
        "页面上的默认值为事项的证照有效期（年）。",
    )


class ReturnIn(Schema):
    comment: str = Field(max_length=2000, description="退回意见（必填），拟稿人据此修改。")


class DraftCaseRef(Schema):
    id: int = Field(description="办件 id。")
    number: str | None = Field(description="办件编号。")
    applicant_name: str = Field(description="申请人。")
    item_name: str = Field(description="事项名称。")


class DraftOut(Schema):
    id: int = Field(description="决定草稿 id（签发、退回用）。")
    case: DraftCaseRef = Field(description="所属办件。")
    outcome: Choice = Field(description="拟准予许可或拟不予许可。")
    text: str = Field(description="决定正文。")
    reasons: str = Field(description="不予许可的理由。")
    conditions: str = Field(description="许可条件。")
    valid_until: date | None = Field(description="有效期截止日期；null 为长期有效。")
    state: Choice = Field(description="待签发、已退回或已签发。")
    drafted_by: PersonOut = Field(description="拟稿人。")
    drafted_at: datetime = Field(description="提交签发的时间。")
    handled_by: PersonOut | None = Field(description="签发或退回的负责人。")
    handled_at: datetime | None = Field(description="签发或退回的时间。")
    return_comment: str = Field(description="退回意见。")

    @staticmethod
    def resolve_case(draft):
        case = draft.case
        return {
            "id": case.pk,
            "number": case.number,
            "applicant_name": case.applicant_name,
            "item_name": case.item.name,
        }

    @staticmethod
    def resolve_outcome(draft):
        return choice(Decision, draft.outcome)

    @staticmethod
    def resolve_state(draft):
        return choice(DraftState, draft.state)

    @staticmethod
    def resolve_drafted_by(draft):
        return person(draft.drafted_by)

    @staticmethod
    def resolve_handled_by(draft):
        return person(draft.handled_by)


class AwaitingPage(Schema):
    drafts: list[DraftOut] = Field(
        description="待我签发的决定草稿，最早提交的在前（最多 200 条）。"
    )


def _draft_out(pk):
    return DecisionDraft.objects.select_related("case__item", "drafted_by", "handled_by").get(pk=pk)


def _awaiting_draft(request, case_id):
    """The case's draft awaiting signature, of a case the caller may see, else 404."""
    case = _visible_case(request, case_id)
    draft = case.decision_drafts.filter(state=DraftState.AWAITING_SIGNATURE).first()
    if draft is None:
        raise not_found(_("该办件没有待签发的决定草稿"))
    return draft


@router.post(
    "/{int:case_id}/decision/draft",
    response={201: DraftOut, **_errors(*SIGNED_IN, 409, 422)},
    summary="起草决定，提交负责人签发",
    description=(
        "须负责人签发的事项（needs_signature）：全部环节答复后，牵头部门审批人员拟写决定"
        "（准予或不予许可、正文；不予许可须写理由；准予许可可写条件和有效期），提交本部门负责人签发。"
        "拟写的决定须与各部门审查结果一致（422 outcome_disagrees_with_review）；仍有部门未答复为 "
        "409 review_not_finished；已有草稿待签发为 409 draft_awaiting_signature；"
        "无须签发的事项为 409 signature_not_needed；非牵头部门为 403。"
    ),
)
def draft_decision(request, case_id: int, payload: DraftIn):
    case = _visible_case(request, case_id)
    draft = actions.do_draft_decision(
        case,
        outcome=payload.outcome,
        text=payload.text,
        reasons=payload.reasons,
        conditions=payload.conditions,
        valid_until=payload.valid_until,
        acting_user=_user(request),
        client_address=_address(request),
    )
    return Status(201, _draft_out(draft.pk))


@router.post(
    "/{int:case_id}/decision/sign",
    response={200: DraftOut, **_errors(*SIGNED_IN, 409)},
    summary="Sign the decision (签发)",
    description=(
        "牵头部门负责人签发待签发的决定草稿：办件作出决定（生成决定文号），随即出件并通知申请人；"
        "不可撤回。只有牵头部门负责人可以签发（403）；草稿已签发或已退回为 409 wrong_state；"
        "没有待签发的草稿为 404。"
    ),
)
def sign_decision(request, case_id: int):
    draft = _awaiting_draft(request, case_id)
    actions.do_sign_decision(draft, acting_user=_user(request), client_address=_address(request))
    return _draft_out(draft.pk)


@router.post(
    "/{int:case_id}/decision/return",
    response={200: DraftOut, **_errors(*SIGNED_IN, 409, 422)},
    summary="退回草稿并附意见",
    description=(
        "牵头部门负责人退回决定草稿，须写明意见（422）；拟稿人可据此重新拟写。"
        "只有牵头部门负责人可以退回（403）；没有待签发的草稿为 404。"
    ),
)
def return_draft(request, case_id: int, payload: ReturnIn):
    draft = _awaiting_draft(request, case_id)
    actions.do_return_draft(
        draft,
        comment=payload.comment,
        acting_user=_user(request),
        client_address=_address(request),
    )
    return _draft_out(draft.pk)


@awaiting_router.get(
    "/awaiting-signature",
    response={200: AwaitingPage, **_errors(401, 403)},
    summary="Decisions awaiting my signature (待签发)",
    description="部门负责人待签发的决定草稿：本部门牵头、仍在审查中的办件，最早提交的在前。",
)
def awaiting_signature(request):
    user = _user(request)
    if not (user.is_superuser or (user.role == Role.HEAD and user.department_id)):
        raise forbidden(_("只有部门负责人签发决定"))
    drafts = queries.drafts_awaiting_signature(user)
    return {"drafts": list(drafts.select_related("drafted_by", "handled_by")[:200])}
