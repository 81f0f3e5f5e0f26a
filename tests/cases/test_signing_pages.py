"""The signing pages: the reviewer's draft on the task page, the head's 待签发 list and the
signing page; irreversible steps need the confirmation box, checked on the server."""

import pytest
from django.urls import reverse

from onewindow.cases.constants import CaseState, DraftState
from onewindow.cases.models import Case, DecisionDraft
from onewindow.core.models import AuditEntry
from tests.cases.test_decision_signing import answer_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewed_case(joint_item, accepted_case, reviewer_market, reviewer_fire, reviewer_housing):
    joint_item.needs_signature = True
    joint_item.result_validity_years = 5
    joint_item.save(update_fields=["needs_signature", "result_validity_years"])
    reviewers = {"SCJGJ": reviewer_market, "XFJYDD": reviewer_fire, "ZJJ": reviewer_housing}
    return answer_all(accepted_case, reviewers)


def lead_task(case):
    return case.tasks.filter(department__code="SCJGJ").order_by("-id").first()


def post_draft(client, case, **fields):
    body = {"outcome": "approved", "text": "准予开业。", "conditions": "", "valid_until": ""}
    return client.post(reverse("cases:inbox_case_draft", args=[case.pk]), {**body, **fields})


def test_the_reviewer_drafts_on_the_task_page_instead_of_deciding(
    client, reviewed_case, reviewer_market
):
    client.force_login(reviewer_market)
    page = client.get(reverse("cases:inbox_task", args=[lead_task(reviewed_case).pk]))
    html = page.content.decode()
    assert "提交负责人签发" in html and "拟准予许可" in html
    assert reverse("cases:inbox_case_decide", args=[reviewed_case.pk]) not in html
    # The validity defaults to the item's 5 years.
    assert 'name="valid_until" value="20' in html

    response = post_draft(client, reviewed_case, conditions="依法经营")
    assert response.status_code == 302
    draft = DecisionDraft.objects.get()
    assert (draft.text, draft.conditions, draft.state) == (
        "准予开业。",
        "依法经营",
        DraftState.AWAITING_SIGNATURE,
    )
    page = client.get(reverse("cases:inbox_task", args=[lead_task(reviewed_case).pk]))
    assert "待负责人签发" in page.content.decode()


def test_a_refusal_draft_needs_the_confirmation(
    client, joint_item, accepted_case, reviewer_market, reviewer_fire, reviewer_housing
):
    joint_item.needs_signature = True
    joint_item.save(update_fields=["needs_signature"])
    reviewers = {"SCJGJ": reviewer_market, "XFJYDD": reviewer_fire, "ZJJ": reviewer_housing}
    case = answer_all(accepted_case, reviewers, refuse=("ZJJ",))
    client.force_login(reviewer_market)
    fields = {"outcome": "refused", "text": "不予许可。", "reasons": "规划用途不符"}
    unconfirmed = post_draft(client, case, **fields)
    assert unconfirmed.status_code == 422
    assert "此操作不可撤回" in unconfirmed.content.decode()
    assert not DecisionDraft.objects.exists()
    assert post_draft(client, case, **fields, confirm="yes").status_code == 302
    assert DecisionDraft.objects.get().outcome == "refused"


def test_a_reviewer_of_another_department_cannot_post_a_draft(client, reviewed_case, reviewer_fire):
    client.force_login(reviewer_fire)
    assert post_draft(client, reviewed_case).status_code == 403
    assert not DecisionDraft.objects.exists()


def test_the_head_signs_from_the_list_with_the_confirmation(
    client, reviewed_case, reviewer_market, head_market
):
    client.force_login(reviewer_market)
    post_draft(client, reviewed_case)
    draft = DecisionDraft.objects.get()

    client.force_login(head_market)
    notices = client.get(reverse("cases:notifications")).content.decode()
    assert ">决定待签发</span>" in notices  # the kind's label, not its key
    inbox = client.get(reverse("cases:inbox")).content.decode()
    assert reverse("cases:awaiting_signature") in inbox
    listed = client.get(reverse("cases:awaiting_signature")).content.decode()
    assert reviewed_case.number in listed and reverse("cases:signing", args=[draft.pk]) in listed
    page = client.get(reverse("cases:signing", args=[draft.pk])).content.decode()
    assert "准予开业。" in page and "决定文号于签发时生成" in page and "不能撤回" in page

    sign_url = reverse("cases:signing_sign", args=[draft.pk])
    audit_rows = AuditEntry.objects.count()
    unconfirmed = client.post(sign_url)
    assert unconfirmed.status_code == 422
    assert "此操作不可撤回" in unconfirmed.content.decode()
    assert Case.objects.get(pk=reviewed_case.pk).state == CaseState.IN_REVIEW
    assert AuditEntry.objects.count() == audit_rows

    signed = client.post(sign_url, {"confirm": "yes"})
    assert signed.status_code == 302
    case = Case.objects.get(pk=reviewed_case.pk)
    assert case.state == CaseState.DECIDED and case.decision_text == "准予开业。"
    page = client.get(signed["Location"]).content.decode()
    assert case.decision_number in page

    twice = client.post(sign_url, {"confirm": "yes"})
    assert twice.status_code == 409 and "已签发" in twice.content.decode()


def test_the_head_returns_with_a_comment_only(client, reviewed_case, reviewer_market, head_market):
    client.force_login(reviewer_market)
    post_draft(client, reviewed_case)
    draft = DecisionDraft.objects.get()
    client.force_login(head_market)
    url = reverse("cases:signing_return", args=[draft.pk])
    empty = client.post(url, {"comment": ""})
    assert empty.status_code == 422 and "退回须写明意见" in empty.content.decode()
    assert DecisionDraft.objects.get().state == DraftState.AWAITING_SIGNATURE
    assert client.post(url, {"comment": "补充经营范围"}).status_code == 302
    client.force_login(reviewer_market)
    page = client.get(reverse("cases:inbox_task", args=[lead_task(reviewed_case).pk]))
    html = page.content.decode()
    assert "补充经营范围" in html and "提交负责人签发" in html


def test_only_the_lead_departments_head_opens_the_signing_page(
    client, reviewed_case, reviewer_market, head_fire
):
    client.force_login(reviewer_market)
    post_draft(client, reviewed_case)
    draft = DecisionDraft.objects.get()
    assert client.get(reverse("cases:signing", args=[draft.pk])).status_code == 403
    assert client.get(reverse("cases:awaiting_signature")).status_code == 403
    client.force_login(head_fire)
    assert client.get(reverse("cases:signing", args=[draft.pk])).status_code == 403
    sign = client.post(reverse("cases:signing_sign", args=[draft.pk]), {"confirm": "yes"})
    assert sign.status_code == 403
    assert DecisionDraft.objects.get().state == DraftState.AWAITING_SIGNATURE
    assert (
        reviewed_case.number not in client.get(reverse("cases:awaiting_signature")).content.decode()
    )


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"valid_until": "明年"}, "有效期截止日期格式为 年-月-日"),
        ({"outcome": "maybe"}, "请选择准予许可或不予许可"),
        ({"text": "   "}, "须填写决定正文"),
    ],
)
def test_bad_draft_fields_are_shown_on_the_task_page(
    client, reviewed_case, reviewer_market, fields, message
):
    client.force_login(reviewer_market)
    response = post_draft(client, reviewed_case, **fields)
    assert response.status_code == 422 and message in response.content.decode()
    assert not DecisionDraft.objects.exists()


def test_an_unknown_draft_or_case_is_404(client, reviewed_case, head_market):
    client.force_login(head_market)
    assert client.get(reverse("cases:signing", args=[999999])).status_code == 404
    assert post_draft(client, Case(pk=999999)).status_code == 404
