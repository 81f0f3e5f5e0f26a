"""Decisions signed by a head (签发), for items whose catalogue entry says `needs_signature`.

A reviewer of the lead department drafts the decision once every department has answered; the
department's head signs it, which decides the case exactly as do_decide_case does (decision
number, state, the result issued), or returns it with a comment and the reviewer drafts again.
These actions are not on the hot path: plain ORM, the case row locked first as everywhere.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from onewindow.accounts.constants import Role
from onewindow.cases import hooks
from onewindow.cases.actions.common import lock_case, notify, record, require_state, today
from onewindow.cases.constants import CaseState, Colour, Decision, DraftState, StageState, TaskState
from onewindow.cases.errors import CaseActionError, forbidden, invalid_input, invalid_value
from onewindow.cases.models import Case, DecisionDraft
from onewindow.cases.permissions import heads, works_for
from onewindow.core import numbering
from onewindow.core.text import InvalidText, clean_text
from onewindow.core.workdays import add_years

TEXT_MAX_LENGTH = 5000


def _clean_text(value, field, *, label, required, message=""):
    """Text that goes on the decision document or to the drafter: core.text's rule (no control
    or direction-changing characters), required when asked, at most TEXT_MAX_LENGTH."""
    try:
        value = clean_text(value, field=field, label=label, multiline=True)
    except InvalidText as exc:
        raise invalid_value(exc) from None
    if required and not value:
        raise invalid_input(field, message)
    if len(value) > TEXT_MAX_LENGTH:
        raise invalid_input(field, _("不能超过 %(count)s 个字") % {"count": TEXT_MAX_LENGTH})
    return value


def review_outcome(case):
    """The decision the departments' answers call for: refused when any department refused
    (architecture: a refusal by any step ends the case with a refusal), approved otherwise."""
    refused = case.tasks.filter(state=TaskState.REFUSED).exists()
    return Decision.REFUSED if refused else Decision.APPROVED


def default_valid_until(item, on):
    """The validity an approval drafted on `on` gets unless the reviewer edits it: the item's
    years, the last day inclusive (as certificates count it); None for an item with 0 years."""
    years = item.result_validity_years
    if not years:
        return None
    return add_years(on, years) - timedelta(days=1)


def draft_awaiting(case):
    return case.decision_drafts.filter(state=DraftState.AWAITING_SIGNATURE).first()


def _require_signed_item(case):
    if not case.item.needs_signature:
        raise CaseActionError(
            "signature_not_needed",
            _("本事项的决定无须负责人签发，请直接作出决定"),
        )


def _require_review_finished(case):
    if case.stages.filter(state__in=[StageState.OPEN, StageState.PENDING]).exists():
        raise CaseActionError("review_not_finished", _("仍有部门未答复，不能拟写决定"))


def _heads_of(department_id):
    from onewindow.accounts.models import User

    return User.objects.filter(role=Role.HEAD, department_id=department_id, is_active=True)


@transaction.atomic
def do_draft_decision(
    case,
    *,
    outcome,
    text,
    reasons="",
    conditions="",
    valid_until=None,
    acting_user,
    client_address=None,
):
    """A reviewer (or the head) of the lead department drafts the decision for signature."""
    lead_id = case.item.lead_department_id
    if not works_for(acting_user, lead_id):
        raise forbidden(_("只有牵头部门的审批人员可以拟写决定"))
    if outcome not in Decision.values:
        raise invalid_input("outcome", _("请选择准予许可或不予许可"))
    text = _clean_text(
        text, "text", label=_("决定正文"), required=True, message=_("须填写决定正文")
    )
    refusal = outcome == Decision.REFUSED
    reasons = _clean_text(
        reasons,
        "reasons",
        label=_("不予许可的理由"),
        required=refusal,
        message=_("不予许可须写明理由和依据"),
    )
    conditions = _clean_text(conditions, "conditions", label=_("许可条件"), required=False)
    if refusal:
        conditions, valid_until = "", None
    elif valid_until is not None and valid_until <= today():
        raise invalid_input("valid_until", _("有效期截止日期须晚于今天"))
    case = lock_case(case)
    _require_signed_item(case)
    require_state(case, CaseState.IN_REVIEW)
    _require_review_finished(case)
    if outcome != review_outcome(case):
        if refusal:
            message = _("各部门均同意，不能拟不予许可")
        else:
            message = _("有部门不同意，不能拟准予许可")
        raise CaseActionError("outcome_disagrees_with_review", message, status=422)
    if draft_awaiting(case) is not None:
        raise CaseActionError("draft_awaiting_signature", _("已有决定草稿等待负责人签发"))
    draft = DecisionDraft.objects.create(
        case=case,
        department_id=lead_id,
        outcome=outcome,
        text=text,
        reasons=reasons if refusal else "",
        conditions=conditions,
        valid_until=valid_until,
        drafted_by=acting_user,
    )
    record(
        case,
        "draft_decision",
        acting_user=acting_user,
        from_state=case.state,
        client_address=client_address,
        draft=draft.pk,
        outcome=outcome,
    )
    label = Decision(outcome).label
    for head in _heads_of(lead_id):
        notify(
            kind="decision_awaiting_signature",
            case=case,
            recipient=head,
            params={"number": case.number, "outcome": label},
        )
    return draft


def _lock_draft(draft):
    """The draft under a row lock, its case locked first (the order every case action takes)."""
    case = lock_case(draft.case_id, related=("item__lead_department",))
    draft = DecisionDraft.objects.select_for_update(of=("self",)).get(pk=draft.pk)
    draft.case = case
    return draft


@transaction.atomic
def do_sign_decision(draft, *, acting_user, client_address=None):
    """The head signs (签发): the case is decided with the draft's text and the result issued."""
    if not heads(acting_user, draft.department_id):
        raise forbidden(_("只有牵头部门负责人可以签发决定"))
    draft = _lock_draft(draft)
    case = draft.case
    require_state(draft, DraftState.AWAITING_SIGNATURE)
    require_state(case, CaseState.IN_REVIEW)
    on = today()
    code = case.item.lead_department.code
    sequence = numbering.next_value(f"decision:{code}:{on.year}")
    # The same number and fields as statements.decide: one counter per department and year.
    case.decision_number = f"{code}〔{on.year}〕{sequence}号"
    case.state, case.colour = CaseState.DECIDED, Colour.NONE
    case.decision, case.decided_on = draft.outcome, on
    case.decision_text, case.decision_conditions = draft.text, draft.conditions
    case.decision_valid_until = draft.valid_until
    if draft.outcome == Decision.REFUSED:
        case.reason = draft.reasons
    case.save(
        update_fields=[
            "state",
            "colour",
            "decision",
            "decision_number",
            "decided_on",
            "decision_text",
            "decision_conditions",
            "decision_valid_until",
            "reason",
            "updated_at",
        ]
    )
    draft.state, draft.handled_by, draft.handled_at = (
        DraftState.SIGNED,
        acting_user,
        timezone.now(),
    )
    draft.save(update_fields=["state", "handled_by", "handled_at"])
    record(
        case,
        "decide_case",
        acting_user=acting_user,
        from_state=CaseState.IN_REVIEW,
        client_address=client_address,
        decision=case.decision,
        decision_number=case.decision_number,
        draft=draft.pk,
        signed=True,
    )
    notify(
        kind="decision_signed",
        case=case,
        recipient=draft.drafted_by,
        params={
            "number": case.number,
            "decision": Decision(case.decision).label,
            "decision_number": case.decision_number,
        },
    )
    hooks.case_decided.send(sender=Case, case_id=case.pk)  # delivery issues it
    return case


@transaction.atomic
def do_return_draft(draft, *, comment, acting_user, client_address=None):
    """The head returns the draft with a comment; the reviewer may draft again."""
    if not heads(acting_user, draft.department_id):
        raise forbidden(_("只有牵头部门负责人可以退回决定草稿"))
    comment = _clean_text(
        comment, "comment", label=_("退回意见"), required=True, message=_("退回须写明意见")
    )
    draft = _lock_draft(draft)
    case = draft.case
    require_state(draft, DraftState.AWAITING_SIGNATURE)
    require_state(case, CaseState.IN_REVIEW)
    draft.state, draft.handled_by, draft.handled_at, draft.return_comment = (
        DraftState.RETURNED,
        acting_user,
        timezone.now(),
        comment,
    )
    draft.save(update_fields=["state", "handled_by", "handled_at", "return_comment"])
    record(
        case,
        "return_decision_draft",
        acting_user=acting_user,
        from_state=case.state,
        reason=comment,
        client_address=client_address,
        draft=draft.pk,
    )
    notify(
        kind="decision_draft_returned",
        case=case,
        recipient=draft.drafted_by,
        params={"number": case.number, "comment": comment},
    )
    return draft
