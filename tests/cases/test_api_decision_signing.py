"""The signing API: draft, sign, return, the 待签发 list; refusals in the documented shape."""

import pytest

from onewindow.cases.constants import CaseState, DraftState
from onewindow.cases.models import Case, DecisionDraft
from tests.cases.test_decision_signing import answer_all
from tests.openapi import ApiClient

pytestmark = pytest.mark.django_db

AWAITING = "/api/decisions/awaiting-signature"


@pytest.fixture
def api(client):
    return ApiClient(client)


@pytest.fixture
def reviewed_case(joint_item, accepted_case, reviewer_market, reviewer_fire, reviewer_housing):
    joint_item.needs_signature = True
    joint_item.save(update_fields=["needs_signature"])
    reviewers = {"SCJGJ": reviewer_market, "XFJYDD": reviewer_fire, "ZJJ": reviewer_housing}
    return answer_all(accepted_case, reviewers)


def draft(api, case, **body):
    return api.post(
        f"/api/cases/{case.pk}/decision/draft",
        {"outcome": "approved", "text": "准予开业。", "conditions": "依法经营。", **body},
    )


def test_a_reviewer_drafts_and_the_head_signs_from_the_list(
    api, reviewed_case, reviewer_market, head_market
):
    created = draft(api.as_user(reviewer_market), reviewed_case)
    assert created.status_code == 201
    assert created.json()["state"]["value"] == DraftState.AWAITING_SIGNATURE
    assert created.json()["drafted_by"]["username"] == "reviewer_market"

    listed = api.as_user(head_market).get(AWAITING).json()["drafts"]
    assert [(d["case"]["number"], d["text"]) for d in listed] == [
        (reviewed_case.number, "准予开业。")
    ]

    signed = api.post(f"/api/cases/{reviewed_case.pk}/decision/sign")
    assert signed.status_code == 200
    assert signed.json()["state"]["value"] == DraftState.SIGNED
    assert api.get(AWAITING).json()["drafts"] == []
    case = api.get(f"/api/cases/{reviewed_case.pk}").json()
    assert case["state"]["value"] == CaseState.DECIDED
    assert (case["decision_text"], case["decision_conditions"]) == ("准予开业。", "依法经营。")
    assert case["decision_number"].startswith("SCJGJ〔")


def test_signing_twice_answers_404_as_nothing_awaits(
    api, reviewed_case, reviewer_market, head_market
):
    draft(api.as_user(reviewer_market), reviewed_case)
    api.as_user(head_market)
    assert api.post(f"/api/cases/{reviewed_case.pk}/decision/sign").status_code == 200
    again = api.post(f"/api/cases/{reviewed_case.pk}/decision/sign")
    assert (again.status_code, again.json()["code"]) == (404, "not_found")
    assert again.json()["message"] == "该办件没有待签发的决定草稿"


def test_a_head_of_another_department_is_refused(api, reviewed_case, reviewer_market, head_fire):
    draft(api.as_user(reviewer_market), reviewed_case)
    response = api.as_user(head_fire).post(f"/api/cases/{reviewed_case.pk}/decision/sign")
    assert (response.status_code, response.json()["code"]) == (403, "forbidden")
    assert response.json()["message"] == "只有牵头部门负责人可以签发决定"
    assert Case.objects.get(pk=reviewed_case.pk).state == CaseState.IN_REVIEW
    # Nor does the fire brigade's head see it awaiting.
    assert api.get(AWAITING).json()["drafts"] == []


def test_a_reviewer_has_no_list_and_cannot_sign(api, reviewed_case, reviewer_market):
    draft(api.as_user(reviewer_market), reviewed_case)
    listed = api.get(AWAITING)
    assert (listed.status_code, listed.json()["code"]) == (403, "forbidden")
    signed = api.post(f"/api/cases/{reviewed_case.pk}/decision/sign")
    assert (signed.status_code, signed.json()["code"]) == (403, "forbidden")
    assert DecisionDraft.objects.get().state == DraftState.AWAITING_SIGNATURE


def test_returning_without_a_comment_is_422_and_with_one_lets_the_reviewer_redraft(
    api, reviewed_case, reviewer_market, head_market
):
    draft(api.as_user(reviewer_market), reviewed_case)
    api.as_user(head_market)
    url = f"/api/cases/{reviewed_case.pk}/decision/return"
    empty = api.post(url, {"comment": " "})
    assert (empty.status_code, empty.json()["code"]) == (422, "invalid_input")
    assert empty.json()["message"] == "退回须写明意见"
    assert DecisionDraft.objects.get().state == DraftState.AWAITING_SIGNATURE

    returned = api.post(url, {"comment": "请补充许可范围"})
    assert returned.json()["state"]["value"] == DraftState.RETURNED
    assert returned.json()["return_comment"] == "请补充许可范围"
    assert draft(api.as_user(reviewer_market), reviewed_case).status_code == 201


def test_a_refusal_without_reasons_and_a_disagreeing_outcome_are_422(
    api, reviewed_case, reviewer_market
):
    api.as_user(reviewer_market)
    no_reasons = draft(api, reviewed_case, outcome="refused", reasons="")
    assert (no_reasons.status_code, no_reasons.json()["code"]) == (422, "invalid_input")
    assert no_reasons.json()["message"] == "不予许可须写明理由和依据"
    disagrees = draft(api, reviewed_case, outcome="refused", reasons="不符合条件")
    assert (disagrees.status_code, disagrees.json()["code"]) == (
        422,
        "outcome_disagrees_with_review",
    )
    assert not DecisionDraft.objects.exists()


def test_a_non_lead_reviewer_drafting_is_403(api, reviewed_case, reviewer_fire):
    response = draft(api.as_user(reviewer_fire), reviewed_case)
    assert (response.status_code, response.json()["code"]) == (403, "forbidden")
    assert not DecisionDraft.objects.exists()


def test_the_one_click_decision_is_refused_for_a_signed_item(api, reviewed_case, head_market):
    response = api.as_user(head_market).post(f"/api/cases/{reviewed_case.pk}/decide")
    assert (response.status_code, response.json()["code"]) == (409, "signature_required")
    assert "签发" in response.json()["message"]
    assert Case.objects.get(pk=reviewed_case.pk).state == CaseState.IN_REVIEW


def test_the_list_needs_a_signed_in_caller(api):
    response = api.as_user(None).get(AWAITING)
    assert response.status_code == 401
