"""Certificate verification in a real browser: the public page says genuine (by number and name,
and by uploading the PDF); the issuing department's head revokes it on the certificate page; the
QR code link then says revoked."""

import pytest
from playwright.sync_api import expect

from onewindow.cases.actions import (
    ApplicantInput,
    do_accept_case,
    do_complete_review,
    do_decide_case,
    do_receive_intake,
)
from onewindow.delivery import documents
from onewindow.delivery.actions import do_issue_result
from tests.cases.conftest import CITIZEN_ID, all_received
from tests.e2e.conftest import new_page, sign_in
from tests.factories import DepartmentFactory, ServiceItemFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def certificate(transactional_db, settings, tmp_path):
    from django.core.cache import cache

    cache.clear()  # the rate limiter's counters of earlier tests (the same client address)
    settings.MEDIA_ROOT = tmp_path / "media"
    hall = DepartmentFactory(code="ZWFWZX", name="惠阳区政务服务中心", kind="hall")
    market = DepartmentFactory(
        code="SCJGJ", name="惠州市惠阳区市场监督管理局", short_name="市场监管局"
    )
    item = ServiceItemFactory(
        code="441303-SCJG-010",
        name="食品经营许可（新办）",
        lead_department=market,
        result_validity_years=5,
        flow=[[(market, 5)]],
    )
    clerk = UserFactory(username="clerk", full_name="陈晓", role="clerk", department=hall)
    reviewer = UserFactory(username="reviewer_market", role="reviewer", department=market)
    UserFactory(username="head_market", full_name="王建国", role="head", department=market)
    applicant = ApplicantInput(
        kind="citizen", name="王小红", id_number=CITIZEN_ID, phone="13800138000"
    )
    case = do_receive_intake(
        item=item, applicant=applicant, materials=all_received(item), acting_user=clerk
    )
    case = do_accept_case(case, acting_user=clerk)
    do_complete_review(case.tasks.get(), decision="approved", opinion="同意", acting_user=reviewer)
    case = do_decide_case(case, acting_user=reviewer)
    return do_issue_result(case).certificate


def test_verification_says_genuine_then_revoked(live_server, browser, certificate, screenshots):
    base = live_server.url
    public = new_page(browser)
    public.set_viewport_size({"width": 1080, "height": 1200})  # a kiosk's portrait screen

    public.goto(f"{base}/verify/")
    public.get_by_label("证照编号").fill(certificate.number)
    public.get_by_label("持证人姓名或单位名称").fill("王小红")
    public.get_by_role("button", name="查询", exact=True).click()
    answer = public.locator(".verify-answer")
    expect(answer).to_have_attribute("data-result", "valid")
    expect(answer).to_contain_text("真实有效")
    expect(answer).to_contain_text(certificate.number)
    expect(answer).to_contain_text("食品经营许可（新办）")
    public.screenshot(path=str(screenshots / "verification-genuine.png"), full_page=True)

    # The PDF as issued, uploaded.
    public.goto(f"{base}/verify/")
    public.locator("input[type=file]").set_input_files(certificate.pdf.path)
    public.get_by_role("button", name="核验文件").click()
    expect(public.locator(".verify-answer")).to_have_attribute("data-result", "valid")
    expect(public.locator(".verify-answer")).to_contain_text("文件与签发原件完全一致")

    head = new_page(browser)
    sign_in(head, base, "head_market", f"/certificates/{certificate.pk}/")
    head.get_by_label("理由").fill("以欺骗手段取得许可，依法撤销")
    # Without the confirmation the server refuses and says what revoking does.
    head.get_by_role("button", name="撤销证照").click()
    expect(head.get_by_role("alert")).to_contain_text("此操作不可撤回")
    head.get_by_label("理由").fill("以欺骗手段取得许可，依法撤销")
    head.get_by_label("确认撤销").check()
    head.get_by_role("button", name="撤销证照").click()
    expect(head.locator(".messages")).to_contain_text("证照已撤销")
    expect(head.locator(".cert-state")).to_contain_text("已撤销")
    head.context.close()

    # What the QR code on the paper opens.
    qr_url = documents.verification_url(certificate)
    assert qr_url.startswith(base + "/verify/")  # the address of the server that issued it
    public.goto(qr_url)
    answer = public.locator(".verify-answer")
    expect(answer).to_have_attribute("data-result", "revoked")
    expect(answer).to_contain_text("已撤销")
    public.screenshot(path=str(screenshots / "verification-revoked.png"), full_page=True)
    public.context.close()
