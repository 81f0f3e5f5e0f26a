"""Decisions signed by a head (签发): a reviewer of the lead department drafts, the head signs or
returns; every refusal says why and writes nothing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from onewindow.cases.actions import (
    do_complete_review,
    do_decide_case,
    do_draft_decision,
    do_return_draft,
    do_sign_decision,
    do_terminate_case,
)
from onewindow.cases.actions.signing import default_valid_until
from onewindow.cases.constants import CaseState, Decision, DraftState
from onewindow.cases.errors import CaseActionError
from onewindow.cases.models import Case, DecisionDraft
from onewindow.core.models import AuditEntry
from onewindow.notifications.models import Notification
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_item(joint_item):
    joint_item.needs_signature = True
    joint_item.result_validity_years = 5
    joint_item.save(update_fields=["needs_signature", "result_validity_years"])
    return joint_item


@pytest.fixture
def reviewers(reviewer_market, reviewer_fire, reviewer_housing):
    return {"SCJGJ": reviewer_market, "XFJYDD": reviewer_fire, "ZJJ": reviewer_housing}


def answer_all(case, reviewers, *, refuse=()):
    """Every department answers every stage (those in `refuse` refuse the first stage)."""
    while tasks := list(case.tasks.filter(state="open").select_related("department")):
        for task in tasks:
            code = task.department.code
            refused = code in refuse
            do_complete_review(
                task,
                decision="refused" if refused else "approved",
                opinion="不符合条件" if refused else "同意",
                acting_user=reviewers[code],
            )
    case.refresh_from_db()
    return case


@pytest.fixture
def reviewed_case(signed_item, accepted_case, reviewers):
    return answer_all(accepted_case, reviewers)


def draft_approval(case, user, **overrides):
    options = {"outcome": Decision.APPROVED, "text": "准予餐饮服务开业。", "conditions": ""}
    return do_draft_decision(case, **{**options, **overrides}, acting_user=user)


def snapshot(case):
    """What a refused action must leave untouched."""
    case.refresh_from_db()
    return (
        case.state,
        case.decision,
        case.decision_number,
        list(DecisionDraft.objects.filter(case=case).values_list("state", "return_comment")),
        AuditEntry.objects.count(),
        Notification.objects.count(),
    )


def refused(action, case, *, code, status, message):
    before = snapshot(case)
    with pytest.raises(CaseActionError) as info:
        action()
    assert (info.value.code, info.value.status) == (code, status)
    assert message in info.value.message
    assert snapshot(case) == before
    return info.value


def test_the_head_signs_and_the_case_is_decided_with_the_drafts_text(
    reviewed_case, reviewer_market, head_market
):
    on = timezone.localdate()
    draft = draft_approval(
        reviewed_case,
        reviewer_market,
        conditions="须在显著位置公示许可证。",
        valid_until=on + timedelta(days=365),
    )
    assert draft.state == DraftState.AWAITING_SIGNATURE
    reviewed_case.refresh_from_db()
    assert reviewed_case.state == CaseState.IN_REVIEW  # nothing decided before the signature
    # The head is told a draft awaits signature.
    assert Notification.objects.filter(
        recipient=head_market, kind="decision_awaiting_signature", case=reviewed_case
    ).exists()

    case = do_sign_decision(draft, acting_user=head_market)

    case = Case.objects.get(pk=case.pk)
    assert case.state == CaseState.DECIDED
    assert case.decision == Decision.APPROVED
    assert case.decision_number == f"SCJGJ〔{on.year}〕1号"
    assert case.decided_on == on
    assert case.decision_text == "准予餐饮服务开业。"
    assert case.decision_conditions == "须在显著位置公示许可证。"
    assert case.decision_valid_until == on + timedelta(days=365)
    draft.refresh_from_db()
    assert (draft.state, draft.handled_by) == (DraftState.SIGNED, head_market)
    entry = AuditEntry.objects.filter(action="decide_case", object_id=str(case.pk)).get()
    assert entry.actor == head_market
    assert entry.details["draft"] == draft.pk


def test_signing_enqueues_the_issue_of_the_result(
    reviewed_case, reviewer_market, head_market, settings, database_tasks
):
    from django_tasks_db.models import DBTaskResult

    from onewindow.delivery.models import Certificate
    from onewindow.delivery.tasks import issue_result

    settings.ONEWINDOW_ISSUE_AFTER_DECISION = True
    draft = draft_approval(reviewed_case, reviewer_market)
    do_sign_decision(draft, acting_user=head_market)
    queued = DBTaskResult.objects.filter(task_path="onewindow.delivery.tasks.issue_result")
    assert [row.args_kwargs["args"] for row in queued] == [[reviewed_case.pk]]
    assert issue_result.call(reviewed_case.pk) == "issued"
    assert Certificate.objects.filter(case=reviewed_case).count() == 1


def test_the_validity_defaults_to_the_items_years(signed_item):
    on = timezone.localdate()
    until = default_valid_until(signed_item, on)
    assert until.year == on.year + 5 and until < on.replace(year=on.year + 5) + timedelta(days=1)
    signed_item.result_validity_years = 0
    assert default_valid_until(signed_item, on) is None


def test_a_refusal_drafted_after_a_departments_refusal_is_signed_with_its_reasons(
    signed_item, accepted_case, reviewers, reviewer_market, head_market
):
    case = answer_all(accepted_case, reviewers, refuse=("XFJYDD",))
    draft = do_draft_decision(
        case,
        outcome=Decision.REFUSED,
        text="不予许可。",
        reasons="消防安全条件不符合要求。",
        conditions="ignored",
        acting_user=reviewer_market,
    )
    assert (draft.conditions, draft.valid_until) == ("", None)
    do_sign_decision(draft, acting_user=head_market)
    case.refresh_from_db()
    assert (case.state, case.decision) == (CaseState.DECIDED, Decision.REFUSED)
    assert case.reason == "消防安全条件不符合要求。"


def test_a_returned_draft_is_redrafted_and_the_history_kept(
    reviewed_case, reviewer_market, head_market
):
    first = draft_approval(reviewed_case, reviewer_market)
    do_return_draft(first, comment="请写明经营项目。", acting_user=head_market)
    first.refresh_from_db()
    assert (first.state, first.return_comment) == (DraftState.RETURNED, "请写明经营项目。")
    assert Notification.objects.filter(
        recipient=reviewer_market, kind="decision_draft_returned"
    ).exists()
    with pytest.raises(CaseActionError) as info:
        do_sign_decision(first, acting_user=head_market)
    assert info.value.code == "wrong_state"

    second = draft_approval(reviewed_case, reviewer_market, text="准予经营热食类食品。")
    do_sign_decision(second, acting_user=head_market)
    reviewed_case.refresh_from_db()
    assert reviewed_case.decision_text == "准予经营热食类食品。"
    assert list(reviewed_case.decision_drafts.values_list("state", flat=True)) == [
        DraftState.RETURNED,
        DraftState.SIGNED,
    ]


# --- refusals -------------------------------------------------------------------------------


def test_signing_twice_is_refused(reviewed_case, reviewer_market, head_market):
    draft = draft_approval(reviewed_case, reviewer_market)
    do_sign_decision(draft, acting_user=head_market)
    refused(
        lambda: do_sign_decision(draft, acting_user=head_market),
        reviewed_case,
        code="wrong_state",
        status=409,
        message="已签发",
    )


def test_a_head_of_another_department_cannot_sign(reviewed_case, reviewer_market, head_fire):
    draft = draft_approval(reviewed_case, reviewer_market)
    refused(
        lambda: do_sign_decision(draft, acting_user=head_fire),
        reviewed_case,
        code="forbidden",
        status=403,
        message="只有牵头部门负责人可以签发决定",
    )


def test_an_ordinary_reviewer_cannot_sign_or_return(reviewed_case, reviewer_market):
    draft = draft_approval(reviewed_case, reviewer_market)
    refused(
        lambda: do_sign_decision(draft, acting_user=reviewer_market),
        reviewed_case,
        code="forbidden",
        status=403,
        message="只有牵头部门负责人可以签发决定",
    )
    refused(
        lambda: do_return_draft(draft, comment="重写", acting_user=reviewer_market),
        reviewed_case,
        code="forbidden",
        status=403,
        message="只有牵头部门负责人可以退回决定草稿",
    )


def test_a_reviewer_of_a_department_that_does_not_lead_cannot_draft(reviewed_case, reviewer_fire):
    refused(
        lambda: draft_approval(reviewed_case, reviewer_fire),
        reviewed_case,
        code="forbidden",
        status=403,
        message="只有牵头部门的审批人员可以拟写决定",
    )


def test_no_draft_while_the_review_is_unfinished(signed_item, accepted_case, reviewer_market):
    refused(
        lambda: draft_approval(accepted_case, reviewer_market),
        accepted_case,
        code="review_not_finished",
        status=409,
        message="仍有部门未答复",
    )


def test_returning_needs_a_comment(reviewed_case, reviewer_market, head_market):
    draft = draft_approval(reviewed_case, reviewer_market)
    error = refused(
        lambda: do_return_draft(draft, comment="  ", acting_user=head_market),
        reviewed_case,
        code="invalid_input",
        status=422,
        message="退回须写明意见",
    )
    assert error.detail[0]["loc"] == ["comment"]


def test_a_refusal_needs_reasons(signed_item, accepted_case, reviewers, reviewer_market):
    case = answer_all(accepted_case, reviewers, refuse=("ZJJ",))
    error = refused(
        lambda: do_draft_decision(
            case,
            outcome=Decision.REFUSED,
            text="不予许可。",
            reasons="",
            acting_user=reviewer_market,
        ),
        case,
        code="invalid_input",
        status=422,
        message="不予许可须写明理由和依据",
    )
    assert error.detail[0]["loc"] == ["reasons"]


def test_the_draft_must_agree_with_the_departments(
    signed_item, accepted_case, reviewers, reviewer_market
):
    case = answer_all(accepted_case, reviewers)
    refused(
        lambda: do_draft_decision(
            case,
            outcome=Decision.REFUSED,
            text="不予许可。",
            reasons="理由",
            acting_user=reviewer_market,
        ),
        case,
        code="outcome_disagrees_with_review",
        status=422,
        message="各部门均同意，不能拟不予许可",
    )


def test_an_approval_after_a_departments_refusal_is_refused(
    signed_item, accepted_case, reviewers, reviewer_market
):
    case = answer_all(accepted_case, reviewers, refuse=("XFJYDD",))
    refused(
        lambda: draft_approval(case, reviewer_market),
        case,
        code="outcome_disagrees_with_review",
        status=422,
        message="有部门不同意，不能拟准予许可",
    )


def test_one_draft_at_a_time(reviewed_case, reviewer_market):
    draft_approval(reviewed_case, reviewer_market)
    refused(
        lambda: draft_approval(reviewed_case, reviewer_market),
        reviewed_case,
        code="draft_awaiting_signature",
        status=409,
        message="已有决定草稿等待负责人签发",
    )


def test_deciding_directly_is_refused_when_the_item_needs_a_signature(
    reviewed_case, reviewer_market, head_market
):
    for user in (reviewer_market, head_market):
        refused(
            lambda user=user: do_decide_case(reviewed_case, acting_user=user),
            reviewed_case,
            code="signature_required",
            status=409,
            message="须由牵头部门负责人签发",
        )


def test_items_without_a_signature_cannot_be_drafted(
    joint_item, accepted_case, reviewers, reviewer_market
):
    case = answer_all(accepted_case, reviewers)
    refused(
        lambda: draft_approval(case, reviewer_market),
        case,
        code="signature_not_needed",
        status=409,
        message="无须负责人签发",
    )


def test_a_validity_in_the_past_is_refused(reviewed_case, reviewer_market):
    refused(
        lambda: draft_approval(reviewed_case, reviewer_market, valid_until=timezone.localdate()),
        reviewed_case,
        code="invalid_input",
        status=422,
        message="有效期截止日期须晚于今天",
    )


def test_terminating_the_case_returns_the_waiting_draft(
    reviewed_case, reviewer_market, head_market
):
    draft = draft_approval(reviewed_case, reviewer_market)
    do_terminate_case(reviewed_case, reason="申请人营业场所灭失", acting_user=head_market)
    draft.refresh_from_db()
    assert draft.state == DraftState.RETURNED
    with pytest.raises(CaseActionError) as info:
        do_sign_decision(draft, acting_user=head_market)
    assert info.value.code == "wrong_state"


def test_an_inactive_head_cannot_sign(reviewed_case, reviewer_market, market):
    head = UserFactory(username="gone", role="head", department=market, is_active=False)
    draft = draft_approval(reviewed_case, reviewer_market)
    refused(
        lambda: do_sign_decision(draft, acting_user=head),
        reviewed_case,
        code="forbidden",
        status=403,
        message="只有牵头部门负责人可以签发决定",
    )


def test_control_characters_in_the_text_are_refused(reviewed_case, reviewer_market):
    error = refused(
        lambda: draft_approval(reviewed_case, reviewer_market, text="准予\x1b[2J开业"),
        reviewed_case,
        code="invalid_input",
        status=422,
        message="决定正文不能含有终端转义序列",
    )
    assert error.detail[0]["type"] == "control_character"


def test_the_heads_workspace_lists_the_drafts_awaiting_signature(
    client, reviewed_case, reviewer_market, head_market, head_fire
):
    draft = draft_approval(reviewed_case, reviewer_market)
    client.force_login(head_market)
    page = client.get("/workspace/").content.decode()
    section = page.split('id="ws-awaiting-signature"')[1].split("</section>")[0]
    assert reviewed_case.number in section
    assert f"/inbox/signing/{draft.pk}/" in section
    assert 'data-count="1"' in section
    # Another department's head has nothing to sign.
    client.force_login(head_fire)
    section = client.get("/workspace/").content.decode().split('id="ws-awaiting-signature"')[1]
    assert 'data-count="0"' in section.split("</section>")[0]
