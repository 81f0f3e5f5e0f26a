"""A whole case in a real browser, each person in their own browser session: the clerk accepts with
one 容缺 material; three departments review in parallel; one asks for an extension and its head
approves it; the lead department decides; the clerk registers the 容缺 material, issues the result and hands it over with the pickup code;
the applicant follows the case in the public progress query."""

import pytest
from playwright.sync_api import expect

from onewindow.cases.constants import CaseState, Decision
from onewindow.cases.models import Case
from onewindow.catalog.constants import Requirement
from tests.e2e.conftest import new_page, sign_in
from tests.factories import DepartmentFactory, ServiceItemFactory, UserFactory
from tests.pickup import sent_code

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ID_NUMBER = "11010519491231002X"
PHONE = "13800138000"


@pytest.fixture
def district(transactional_db):
    hall = DepartmentFactory(code="ZWFWZX", name="惠阳区政务服务中心", kind="hall")
    market = DepartmentFactory(
        code="SCJGJ", name="惠州市惠阳区市场监督管理局", short_name="市场监管局"
    )
    fire = DepartmentFactory(code="XFJYDD", name="惠州市惠阳区消防救援大队", short_name="消防大队")
    housing = DepartmentFactory(
        code="ZJJ", name="惠州市惠阳区住房和城乡建设局", short_name="住建局"
    )
    item = ServiceItemFactory(
        code="441303-LB-001",
        name="餐饮服务开业联办",
        keywords="开餐馆 联办",
        lead_department=market,
        legal_limit_days=20,
        promised_limit_days=10,
        flow=[[(market, 5), (fire, 5), (housing, 3)], [(market, 2)]],
        material_names=["开业联办申请表", "营业执照", "经营场所证明", "消防安全承诺书"],
    )
    item.materials.filter(name="消防安全承诺书").update(requirement=Requirement.TOLERATED)
    users = {
        "clerk": UserFactory(username="clerk", full_name="陈晓", role="clerk", department=hall),
        "reviewer_market": UserFactory(
            username="reviewer_market", role="reviewer", department=market
        ),
        "reviewer_fire": UserFactory(username="reviewer_fire", role="reviewer", department=fire),
        "reviewer_housing": UserFactory(
            username="reviewer_housing", role="reviewer", department=housing
        ),
        "head_fire": UserFactory(username="head_fire", role="head", department=fire),
    }
    return item, users


def session(browser, base_url, username, landing):
    """A signed-in browser page of its own, as each person works at their own desk."""
    page = new_page(browser)
    sign_in(page, base_url, username, landing)
    return page


def open_task(page, base_url, number):
    page.goto(f"{base_url}/inbox/")
    page.get_by_role("link", name=number).click()
    expect(page.locator("textarea[name=opinion]")).to_be_visible()


def approve(page, opinion):
    page.locator("textarea[name=opinion]").fill(opinion)
    page.get_by_role("button", name="同意", exact=True).click()


def test_a_joint_case_from_the_window_to_collection(live_server, browser, district, screenshots):
    base = live_server.url

    # The clerk: applicant, checklist without the 容缺 material, 容缺受理.
    clerk = session(browser, base, "clerk", "/window/")
    clerk.locator("#item-q").press_sequentially("cyfw", delay=40)
    clerk.locator("#item-results .pick").first.click()
    expect(clerk.locator("#chosen-item")).to_contain_text("餐饮服务开业联办")
    clerk.locator("#id_applicant_id_number").fill(ID_NUMBER)
    clerk.locator("#id_applicant_name").fill("李明")
    clerk.get_by_label("联系电话").fill(PHONE)
    for name in ("开业联办申请表", "营业执照", "经营场所证明"):
        clerk.locator("tr", has_text=name).locator("[data-received]").check()
    clerk.locator('[data-outcome="accept_tolerated"]').click()
    expect(clerk.get_by_role("heading", name="受理通知书")).to_be_visible()
    case = Case.objects.get(applicant_id_number=ID_NUMBER)
    assert case.state == CaseState.IN_REVIEW and case.supplement_due is not None
    first_deadline = case.promised_deadline

    # Three departments review at the same time; the fire brigade first asks for 3 more days.
    housing = session(browser, base, "reviewer_housing", "/inbox/")
    open_task(housing, base, case.number)
    approve(housing, "符合要求")
    fire = session(browser, base, "reviewer_fire", "/inbox/")
    open_task(fire, base, case.number)
    fire.get_by_text("申请延期", exact=True).click()  # opens the <details> of the extension form
    fire.locator("input[name=days]").fill("3")
    fire.locator("form", has=fire.locator("input[name=days]")).locator(
        "textarea[name=reason]"
    ).fill("需现场复核疏散通道")
    fire.get_by_role("button", name="提交负责人审批").click()
    head = session(browser, base, "head_fire", "/inbox/")
    head.get_by_role("button", name="批准", exact=True).click()
    case.refresh_from_db()
    assert case.extension_days == 3 and case.promised_deadline > first_deadline
    open_task(fire, base, case.number)
    approve(fire, "消防条件符合")
    market = session(browser, base, "reviewer_market", "/inbox/")
    open_task(market, base, case.number)
    approve(market, "主体资格符合")

    # The join opened the second stage at the market regulator, which then decides.
    open_task(market, base, case.number)
    approve(market, "准予许可")
    market.goto(f"{base}/inbox/")
    market.get_by_role("button", name="作出决定").click()
    case.refresh_from_db()
    assert case.state == CaseState.DECIDED and case.decision == Decision.APPROVED

    # The clerk registers the 容缺 material, then the collection.
    clerk.goto(f"{base}/window/cases/{case.pk}/")
    clerk.get_by_label("消防安全承诺书").check()
    clerk.get_by_role("button", name="登记已补收").click()
    clerk.get_by_role("button", name="出件", exact=True).click()
    expect(clerk.locator("#hand-over-card")).to_be_visible()
    clerk.locator("#pickup-code").fill(sent_code(case))
    clerk.locator("#collector-id").fill(ID_NUMBER)
    clerk.get_by_role("button", name="核验并登记领取").click()
    expect(clerk.locator("#hand-over-card")).to_contain_text("已由 李明 于")
    case.refresh_from_db()
    assert case.state == CaseState.DELIVERED and case.collected_by == "李明"
    clerk.context.close()

    # The applicant, with no account, follows the case.
    applicant = new_page(browser)
    applicant.goto(f"{base}/progress/?number={case.number}")
    applicant.get_by_label("证件号码或手机号码后 4 位").fill(ID_NUMBER[-4:])
    applicant.get_by_role("button", name="查询进度").click()
    result = applicant.locator(".progress-result")
    for step in ("受理", "部门审查完成", "批准延期", "作出决定", "出件", "窗口领取"):
        expect(result).to_contain_text(step)
    expect(result).not_to_contain_text("消防条件符合")  # internal opinions stay inside
    applicant.screenshot(path=str(screenshots / "progress-delivered.png"), full_page=True)
