"""Each role lands on its own workspace after signing in, in a real browser: a clerk, a reviewer,
a head and a supervisor, each seeing their worklist. With ONEWINDOW_SCREENSHOTS=1 the supervisor's
workspace is the README's docs/screenshots/workspace.png."""

import re

import pytest
from playwright.sync_api import expect

from onewindow.cases.actions import (
    ApplicantInput,
    MaterialInput,
    do_accept_case,
    do_complete_review,
    do_issue_supplement_notice,
    do_receive_intake,
    do_refresh_colours,
    do_request_extension,
)
from onewindow.cases.models import ReviewTask
from onewindow.core import workdays
from onewindow.delivery.actions import do_issue_result
from tests.e2e.conftest import new_page, on_day, workdays_ago
from tests.factories import PASSWORD, DepartmentFactory, ServiceItemFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LI_MING = ApplicantInput(
    kind="citizen", name="李明", id_number="11010519491231002X", phone="13800138000"
)
ZHANG_HUA = ApplicantInput(
    kind="citizen", name="张华", id_number="440103199003078274", phone="13902220001"
)


def lines(item, *, missing=()):
    return [
        MaterialInput(material_id=m.pk, received=m.name not in missing)
        for m in item.materials.all()
    ]


@pytest.fixture
def centre(transactional_db):
    """A day at the centre: intakes waiting, a 容缺 case, a result at the window, answered tasks,
    an extension request and a yellow task."""
    hall = DepartmentFactory(code="ZWFWZX", name="惠阳区政务服务中心", kind="hall")
    market = DepartmentFactory(
        code="SCJGJ", name="惠州市惠阳区市场监督管理局", short_name="市场监管局"
    )
    fire = DepartmentFactory(code="XFJYDD", name="惠州市惠阳区消防救援大队", short_name="消防大队")
    clerk = UserFactory(username="clerk", full_name="陈晓", role="clerk", department=hall)
    reviewer = UserFactory(
        username="reviewer_market", full_name="王敏", role="reviewer", department=market
    )
    UserFactory(username="head_market", full_name="赵刚", role="head", department=market)
    UserFactory(username="supervisor", full_name="刘洋", role="supervisor", department=hall)
    fire_reviewer = UserFactory(
        username="reviewer_fire", full_name="黄磊", role="reviewer", department=fire
    )

    opening = ServiceItemFactory(
        code="441303-LB-001",
        name="餐饮服务开业联办",
        lead_department=market,
        promised_limit_days=10,
        flow=[[(market, 5), (fire, 3)], [(market, 2)]],
        material_names=["开业联办申请表", "营业执照", "消防安全承诺书"],
    )
    opening.materials.filter(name="消防安全承诺书").update(requirement="tolerated")
    renewal = ServiceItemFactory(
        code="441303-SCJG-900",
        name="食品经营许可（延续）",
        lead_department=market,
        is_on_the_spot=True,
        promised_limit_days=0,
        flow=[[(market, 0)]],
    )

    # Received two working days ago: the fire step (3 days) is yellow today, its case green.
    with on_day(workdays_ago(2)):
        waiting = do_receive_intake(
            item=opening,
            applicant=ZHANG_HUA,
            materials=lines(opening, missing=("营业执照",)),
            acting_user=clerk,
        )
        missing = waiting.materials.get(material__name="营业执照").material_id
        do_issue_supplement_notice(
            waiting, defects={missing: "未提供营业执照副本"}, acting_user=clerk
        )
        tolerated = do_accept_case(
            do_receive_intake(
                item=opening,
                applicant=LI_MING,
                materials=lines(opening, missing=("消防安全承诺书",)),
                acting_user=clerk,
            ),
            acting_user=clerk,
        )
        answered = do_accept_case(
            do_receive_intake(
                item=opening, applicant=ZHANG_HUA, materials=lines(opening), acting_user=clerk
            ),
            acting_user=clerk,
        )
    market_task = ReviewTask.objects.get(case=answered, department=market, stage__position=0)
    do_complete_review(market_task, decision="approved", opinion="符合条件", acting_user=reviewer)
    fire_task = ReviewTask.objects.get(case=tolerated, department=fire)
    do_request_extension(fire_task, days=3, reason="需现场核查消防设施", acting_user=fire_reviewer)
    market_open = ReviewTask.objects.get(case=tolerated, department=market, stage__position=0)
    do_request_extension(market_open, days=2, reason="需补充现场检查", acting_user=reviewer)
    result = do_accept_case(
        do_receive_intake(
            item=renewal, applicant=LI_MING, materials=lines(renewal), acting_user=clerk
        ),
        acting_user=clerk,
    )
    do_issue_result(result, acting_user=clerk)
    # Colours as of the fire step's second working day (today may be a weekend): yellow.
    do_refresh_colours(on=workdays.add_workdays(answered.accepted_on, 2))
    return {"waiting": waiting, "tolerated": tolerated, "answered": answered, "result": result}


def sign_in(page, base_url, username):
    """Sign in without a `next`: the account lands where its role belongs."""
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(re.compile(re.escape(base_url) + "/workspace/$"))


def section(page, key):
    return page.locator(f"#ws-{key}")


def test_each_role_lands_on_its_workspace_and_sees_its_list(
    browser, live_server, centre, screenshots
):
    base = live_server.url

    clerk = new_page(browser)
    sign_in(clerk, base, "clerk")
    expect(clerk.get_by_role("heading", level=1)).to_have_text("窗口工作台")
    expect(section(clerk, "supplements").locator(".ws-count")).to_have_text("1")
    expect(section(clerk, "tolerated")).to_contain_text(centre["tolerated"].number)
    expect(section(clerk, "hand_over")).to_contain_text(centre["result"].number)
    # Any window continues a waiting intake with a click, no URL to type.
    section(clerk, "supplements").get_by_role("link", name="张华").click()
    expect(clerk).to_have_url(re.compile(rf"/window/intakes/{centre['waiting'].pk}/$"))
    clerk.context.close()

    reviewer = new_page(browser)
    sign_in(reviewer, base, "reviewer_market")
    expect(reviewer.get_by_role("heading", level=1)).to_have_text("部门工作台")
    expect(section(reviewer, "done")).to_contain_text(centre["answered"].number)
    expect(section(reviewer, "done")).to_contain_text("王敏")
    reviewer.context.close()

    head = new_page(browser)
    sign_in(head, base, "head_market")
    expect(head.get_by_role("heading", level=1)).to_have_text("负责人工作台")
    extensions = section(head, "extensions")
    expect(extensions.locator(".ws-count")).to_have_text("1")  # market's, not fire's
    expect(extensions).to_contain_text("需补充现场检查")
    expect(head.locator("#ws-awaiting-signature")).to_be_visible()
    head.context.close()

    supervisor = new_page(browser)
    sign_in(supervisor, base, "supervisor")
    expect(supervisor.get_by_role("heading", level=1)).to_have_text("监察工作台")
    expect(section(supervisor, "extensions").locator(".ws-count")).to_have_text("2")
    expect(section(supervisor, "supplements")).to_contain_text("张华")
    expect(section(supervisor, "done")).to_contain_text(centre["answered"].number)
    yellow_tasks = supervisor.locator(".ws-tile", has_text="黄牌部门任务")
    expect(yellow_tasks.locator(".ws-tile-value")).not_to_have_text("0")
    supervisor.screenshot(path=str(screenshots / "workspace.png"), full_page=True)
    supervisor.context.close()
