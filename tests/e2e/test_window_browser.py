"""The comprehensive window in a real browser: a clerk signs in, finds the item by pinyin, fills in
an enterprise applicant, ticks the materials leaving a 容缺 one, accepts with 容缺, prints the
acceptance notice with its QR code; the applicant then follows the QR code to the progress query.

Uses the Chromium fixtures (`browser`, `page`, `screenshots`) and the district catalogue
(`guide_catalogue`) of tests/e2e/conftest.py.
"""

import re

import pytest
from playwright.sync_api import expect

from onewindow.cases.actions import (
    ApplicantInput,
    MaterialInput,
    do_complete_review,
    do_issue_supplement_notice,
    do_receive_intake,
)
from onewindow.cases.models import Case
from onewindow.catalog.models import ServiceItem
from tests.e2e.conftest import new_page, on_day, sign_in, workdays_ago
from tests.factories import DepartmentFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CREDIT_CODE = "91110000600037341L"
PHONE = "13902751234"
# The representative's name field, not their ID number's (whose label starts the same way).
REPRESENTATIVE = re.compile(r"^法定代表人\*?$")


@pytest.fixture
def window_clerk(guide_catalogue):
    hall = DepartmentFactory(code="ZWFWZX", name="惠阳区政务服务中心", kind="hall")
    return UserFactory(username="clerk", full_name="陈晓", role="clerk", department=hall)


@pytest.fixture
def waiting_intakes(window_clerk):
    """Two intakes waiting for the applicant: one told a week ago (past Art. 32), one today."""
    item = ServiceItem.objects.published().get(code="441303-BDC-005")
    materials = list(item.materials.order_by("position"))

    def intake(name, id_number, phone):
        return do_receive_intake(
            item=item,
            applicant=ApplicantInput(kind="citizen", name=name, id_number=id_number, phone=phone),
            materials=[
                MaterialInput(material_id=m.pk, received=i != 3) for i, m in enumerate(materials)
            ],
            acting_user=window_clerk,
        )

    with on_day(workdays_ago(6)):
        old = intake("黄丽", "11010519491231002X", "13612345678")
        do_issue_supplement_notice(old, defects={}, acting_user=window_clerk)
    fresh = intake("张伟", "440102198001021230", "13798765432")
    do_issue_supplement_notice(fresh, defects={}, acting_user=window_clerk)
    return old, fresh


def test_clerk_accepts_with_a_tolerated_material_and_the_applicant_follows_the_qr_code(
    live_server, browser, page, window_clerk, waiting_intakes, screenshots
):
    sign_in(page, live_server.url, "clerk", "/window/")
    expect(page.get_by_role("heading", name="一窗受理")).to_be_visible()
    old, _fresh = waiting_intakes
    expect(page.locator(".intake-row")).to_have_count(2)
    expect(page.locator(f'.intake-row.is-art32[href="/window/intakes/{old.pk}/"]')).to_be_visible()

    # (a) the item, by the pinyin initials of 食品经营, chosen with the keyboard.
    search = page.locator("#item-q")
    expect(search).to_be_focused()
    search.press_sequentially("spjy", delay=40)
    picks = page.locator("#item-results .pick")
    expect(picks).to_have_count(1)
    expect(picks.first).to_contain_text("食品经营许可（新办）")
    search.press("ArrowDown")
    expect(picks.first).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#chosen-item")).to_contain_text("食品经营许可（新办）")
    rows = page.locator("table.checklist tbody tr")
    expect(rows).to_have_count(4)

    # (b) an enterprise applicant; the focus went to the first applicant field.
    page.get_by_label("法人或其他组织（统一社会信用代码）").check()
    expect(page.get_by_label(REPRESENTATIVE)).to_be_visible()
    page.locator("#id_applicant_id_number").fill(CREDIT_CODE)
    page.locator("#id_applicant_name").fill("惠州市惠阳区粤味轩餐饮管理有限公司")
    page.get_by_label("联系电话").fill(PHONE)
    page.get_by_label(REPRESENTATIVE).fill("王强")
    page.get_by_label("经办联系人").fill("赵敏")

    # (c) every material but the 容缺 one (食品安全管理制度).
    accept = page.locator('[data-outcome="accept"]')
    accept_tolerated = page.locator('[data-outcome="accept_tolerated"]')
    for name in (
        "食品经营许可申请书",
        "营业执照",
        "与食品经营相适应的主要设备设施布局、操作流程等文件",
    ):
        page.locator("tr", has_text=name).locator("[data-received]").check()
    expect(page.locator('[data-count="required"]')).to_have_text("0")
    expect(page.locator('[data-count="tolerated"]')).to_have_text("1")
    expect(accept).to_be_disabled()
    expect(accept_tolerated).to_be_enabled()
    supplement_due = page.locator("#id_supplement_due").input_value()
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", supplement_due)
    page.screenshot(path=str(screenshots / "window.png"), full_page=True)

    # (d) 容缺受理: the acceptance notice, with the QR code of the progress query.
    accept_tolerated.click()
    expect(page.get_by_role("heading", name="受理通知书")).to_be_visible()
    case = Case.objects.get(applicant_id_number=CREDIT_CODE)
    assert case.number and str(case.supplement_due) == supplement_due
    notice = page.locator("article.notice")
    expect(notice).to_contain_text(case.number)
    expect(notice).to_contain_text("食品安全管理制度")
    expect(notice).to_contain_text("911100********341L")
    expect(page.locator("svg.qr")).to_be_visible()
    qr_target = page.locator("svg.qr title").text_content()
    assert qr_target.endswith(f"/progress/?number={case.number}")

    # The department finishes its first stage meanwhile (its own pages are tested elsewhere).
    reviewer = UserFactory(
        username="reviewer_market",
        full_name="王敏",
        role="reviewer",
        department=case.item.lead_department,
    )
    task = case.tasks.get(stage__position=0)
    do_complete_review(
        task, decision="approved", opinion="现场核查通过（内部）", acting_user=reviewer
    )

    # The applicant scans the QR code (no sign-in): the number is filled in, the focus waits on
    # the last four characters, which are the phone's.
    page = new_page(browser)
    page.goto(qr_target)
    expect(page.get_by_label("办件编号")).to_have_value(case.number)
    expect(page.get_by_label("证件号码或手机号码后 4 位")).to_be_focused()
    page.keyboard.type(PHONE[-4:])
    page.get_by_role("button", name="查询进度").click()
    result = page.locator(".progress-result")
    expect(result).to_contain_text("食品经营许可（新办）")
    expect(result.locator(".timeline li")).to_have_count(3)
    expect(result).to_contain_text("部门审查完成")
    expect(result.locator(".result-now")).to_contain_text("决定")
    expect(result).not_to_contain_text("现场核查通过")
    expect(result).not_to_contain_text("王敏")
    expect(result).to_contain_text("尚有容缺材料未补齐")
    page.screenshot(path=str(screenshots / "progress.png"), full_page=True)
    page.context.close()
