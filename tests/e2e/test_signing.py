"""A head signs a drafted decision (签发) in a real browser: the reviewer of the lead department
drafts it on the task page, the head opens it from the 待签发 list, reads what will happen,
confirms and signs; the case is decided and its certificate issued."""

import pytest
from playwright.sync_api import expect

from onewindow.cases.actions import (
    ApplicantInput,
    do_accept_case,
    do_complete_review,
    do_receive_intake,
)
from onewindow.cases.constants import CaseState, DraftState
from onewindow.cases.models import Case, DecisionDraft
from tests.cases.conftest import CITIZEN_ID, all_received
from tests.e2e.conftest import new_page, sign_in
from tests.factories import DepartmentFactory, ServiceItemFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def reviewed(transactional_db, settings, tmp_path):
    """A food business licence every department approved, waiting for its decision."""
    from django.core.cache import cache

    cache.clear()
    settings.MEDIA_ROOT = tmp_path / "media"
    # The signature issues the certificate at once (the immediate task backend of the tests).
    settings.ONEWINDOW_ISSUE_AFTER_DECISION = True
    hall = DepartmentFactory(code="ZWFWZX", name="惠阳区政务服务中心", kind="hall")
    market = DepartmentFactory(
        code="SCJGJ", name="惠州市惠阳区市场监督管理局", short_name="市场监管局"
    )
    fire = DepartmentFactory(code="XFJYDD", name="惠州市惠阳区消防救援大队", short_name="消防大队")
    item = ServiceItemFactory(
        code="441303-SCJG-005",
        name="食品经营许可（新办）",
        lead_department=market,
        result_validity_years=5,
        needs_signature=True,
        flow=[[(market, 5), (fire, 3)]],
    )
    clerk = UserFactory(username="clerk", full_name="陈晓", role="clerk", department=hall)
    reviewers = {
        market.pk: UserFactory(
            username="reviewer_market", full_name="黄伟", role="reviewer", department=market
        ),
        fire.pk: UserFactory(
            username="reviewer_fire", full_name="刘强", role="reviewer", department=fire
        ),
    }
    UserFactory(username="head_market", full_name="王建国", role="head", department=market)
    applicant = ApplicantInput(
        kind="citizen", name="王小红", id_number=CITIZEN_ID, phone="13800138000"
    )
    case = do_receive_intake(
        item=item, applicant=applicant, materials=all_received(item), acting_user=clerk
    )
    case = do_accept_case(case, acting_user=clerk)
    for task in case.tasks.all():
        do_complete_review(
            task,
            decision="approved",
            opinion="经现场核查，符合条件，同意。",
            acting_user=reviewers[task.department_id],
        )
    return case


def test_the_head_signs_a_drafted_decision(live_server, browser, reviewed, screenshots):
    base = live_server.url
    task = reviewed.tasks.get(department__code="SCJGJ")

    reviewer = new_page(browser)
    sign_in(reviewer, base, "reviewer_market", f"/inbox/tasks/{task.pk}/")
    draft = reviewer.locator("#decision")
    expect(draft).to_contain_text("各部门同意 · 拟准予许可")
    # The validity is prefilled from the item's 5 years.
    expect(draft.get_by_label("有效期至")).not_to_have_value("")
    draft.get_by_label("决定正文").fill(
        "经审查，申请人王小红的申请符合《中华人民共和国食品安全法》第三十五条规定的条件，准予食品经营许可。"
    )
    draft.get_by_label("许可条件（可选）").fill(
        "经营项目：热食类食品制售。请在经营场所显著位置悬挂许可证。"
    )
    draft.get_by_role("button", name="提交负责人签发").click()
    expect(reviewer.locator(".messages")).to_contain_text("已提交负责人签发")
    expect(reviewer.locator("#decision")).to_contain_text("待负责人签发")
    reviewer.context.close()

    head = new_page(browser)
    sign_in(head, base, "head_market", "/inbox/")
    head.get_by_role("link", name="去签发").click()
    expect(head.locator(".sign-table")).to_contain_text(reviewed.number)
    head.get_by_role("link", name="审阅签发").click()
    document = head.locator(".sign-document")
    expect(document).to_contain_text("准予行政许可决定书（草稿）")
    expect(document).to_contain_text("热食类食品制售")
    expect(document).to_contain_text("决定文号于签发时生成")
    action = head.locator(".sign-action")
    expect(action).to_contain_text("生成惠州市惠阳区市场监督管理局本年度的决定文号")
    expect(action).to_contain_text("不能撤回")
    head.get_by_label("我已审阅草稿，确认签发").check()
    head.screenshot(path=str(screenshots / "signing.png"), full_page=True)

    head.get_by_role("button", name="签发", exact=True).click()
    expect(head.locator(".messages")).to_contain_text("已签发")
    case = Case.objects.get(pk=reviewed.pk)
    assert case.state in (CaseState.DECIDED, CaseState.ISSUED)
    assert DecisionDraft.objects.get().state == DraftState.SIGNED
    expect(head.locator(".sign-side")).to_contain_text(case.decision_number)
    expect(head.locator(".sign-side")).to_contain_text(
        "已决定" if case.state == "decided" else "已出件"
    )
    certificate = case.certificates.get()
    expect(head.locator(".sign-side").get_by_role("link", name=certificate.number)).to_be_visible()
    head.context.close()
