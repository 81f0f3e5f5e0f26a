"""The department pages in a real browser: a reviewer's inbox with green, yellow, red and paused
tasks, filtering it, and the supervisor's board with its chart and pressing (督办)."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from stdnum.cn import ric, uscc

from onewindow.cases.actions import (
    ApplicantInput,
    MaterialInput,
    do_accept_case,
    do_receive_intake,
    do_refresh_colours,
    do_start_special_procedure,
)
from onewindow.cases.models import ReviewTask
from onewindow.core import workdays
from tests.e2e.conftest import on_day, sign_in, workdays_ago
from tests.factories import DepartmentFactory, ServiceItemFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def citizen(name, serial, phone):
    base = f"441303198{serial % 10}0{serial % 9 + 1}1{serial % 10}{serial:03d}"
    return ApplicantInput(
        kind="citizen", name=name, id_number=base + ric.calc_check_digit(base + "0"), phone=phone
    )


def enterprise(name, serial, representative):
    base = f"91441303MA4W{serial:04d}0"
    return ApplicantInput(
        kind="enterprise",
        name=name,
        id_number=base + uscc.calc_check_digit(base),
        phone=f"1380752{serial:04d}",
        legal_representative=representative,
    )


@pytest.fixture
def district(transactional_db):
    """A district's open cases, accepted over the last two weeks, across five departments."""

    def dept(code, name, short_name):
        return DepartmentFactory(code=code, name=name, short_name=short_name)

    hall = dept("ZWFWZX", "惠阳区政务服务中心", "政务服务中心")
    market = dept("SCJGJ", "惠州市惠阳区市场监督管理局", "市场监管局")
    fire = dept("XFJYDD", "惠州市惠阳区消防救援大队", "消防大队")
    housing = dept("ZJJ", "惠州市惠阳区住房和城乡建设局", "住建局")
    planning = dept("ZRZYFJ", "惠州市自然资源局惠阳分局", "自然资源分局")
    estate = dept("BDCDJ", "惠州市不动产登记中心惠阳分中心", "不动产登记")

    clerk = UserFactory(username="clerk", full_name="陈晓", role="clerk", department=hall)
    reviewer = UserFactory(
        username="reviewer_market", full_name="王敏", role="reviewer", department=market
    )
    UserFactory(username="supervisor", full_name="刘洋", role="supervisor", department=hall)

    def item(code, name, lead, promised, flow, stage_names):
        made = ServiceItemFactory(
            code=code,
            name=name,
            lead_department=lead,
            promised_limit_days=promised,
            legal_limit_days=20,
            flow=flow,
            material_names=["申请表", "营业执照", "经营场所证明"],
        )
        for stage, stage_name in zip(made.stages.order_by("position"), stage_names, strict=True):
            stage.name = stage_name
            stage.save(update_fields=["name"])
        return made

    food = item(
        "441303-SCJG-010", "食品经营许可（新办）", market, 10,
        [[(market, 7)], [(market, 3)]], ["审查与现场核查", "决定"],
    )  # fmt: skip
    joint = item(
        "441303-LB-001", "餐饮服务开业联办", market, 10,
        [[(market, 5), (fire, 5), (housing, 3)], [(market, 2)]], ["并联审查", "决定"],
    )  # fmt: skip
    company = item(
        "441303-SCJG-002", "企业设立登记（营业执照核发）", market, 3,
        [[(market, 3)]], ["审核发照"],
    )  # fmt: skip
    drug = item(
        "441303-SCJG-021", "药品零售企业经营许可", market, 15,
        [[(market, 12)], [(market, 3)]], ["审查与现场检查", "决定"],
    )  # fmt: skip
    fire_check = item(
        "441303-XF-001", "公众聚集场所投入使用、营业前消防安全检查", fire, 10,
        [[(fire, 5), (market, 3)], [(fire, 2)]], ["并联审查", "决定"],
    )  # fmt: skip
    permit = item(
        "441303-ZJ-001", "建筑工程施工许可证核发", housing, 7,
        [[(housing, 4), (fire, 3)], [(housing, 1)]], ["联合审查", "决定与发证"],
    )  # fmt: skip
    planning_permit = item(
        "441303-ZR-002", "建设工程规划许可证核发", planning, 8,
        [[(planning, 5)], [(planning, 3)]], ["审查", "决定"],
    )  # fmt: skip
    transfer = item(
        "441303-BDC-005", "不动产转移登记（二手房买卖）", estate, 5,
        [[(estate, 3)], [(estate, 2)]], ["审核", "登簿发证"],
    )  # fmt: skip

    def accept(item, applicant, ago):
        with on_day(workdays_ago(ago)):
            lines = [MaterialInput(material_id=m.pk, received=True) for m in item.materials.all()]
            case = do_receive_intake(
                item=item, applicant=applicant, materials=lines, acting_user=clerk
            )
            return do_accept_case(case, acting_user=clerk)

    accept(food, enterprise("惠州市惠阳区好味道餐饮店", 11, "黄志强"), 9)
    # Its 5-day market step is due today (or, on a weekend, on the next working day): yellow
    # whatever the weekday, as a step turns yellow with one day left (cases/deadlines.py).
    accept(joint, enterprise("惠州市禾田餐饮管理有限公司", 12, "林晓燕"), 5)
    accept(company, enterprise("惠州市惠阳区启航科技有限公司", 13, "周杰"), 0)
    accept(drug, enterprise("惠州市康和大药房有限公司", 14, "吴敏"), 2)
    accept(fire_check, enterprise("惠州市星河影城有限公司", 15, "郑伟"), 1)
    accept(food, citizen("张丽华", 16, "13902761234"), 1)
    paused = accept(joint, enterprise("惠州市惠阳区湘里人家酒楼", 17, "罗建平"), 3)
    with on_day(workdays_ago(1)):
        do_start_special_procedure(
            ReviewTask.objects.get(case=paused, department=market, stage__position=0),
            kind="inspection",
            reason="经营场所需现场核查",
            expected_end=workdays.add_workdays(timezone.localdate(), 3),
            acting_user=reviewer,
        )
    accept(permit, enterprise("惠州市惠阳区鸿达置业有限公司", 18, "陈国栋"), 8)
    accept(fire_check, enterprise("惠州市惠阳区万家福超市有限公司", 19, "李娜"), 9)
    accept(planning_permit, enterprise("惠州市惠阳区新城投资有限公司", 20, "何志明"), 7)
    accept(transfer, citizen("刘建国", 21, "13826541234"), 6)
    accept(transfer, citizen("杨秀英", 22, "13750261234"), 4)
    with on_day(workdays_ago(7)):
        lines = [MaterialInput(material_id=m.pk, received=False) for m in food.materials.all()]
        do_receive_intake(
            item=food,
            applicant=citizen("孙小明", 23, "13612345678"),
            materials=lines,
            acting_user=clerk,
        )
    do_refresh_colours()


def test_reviewer_works_the_inbox(live_server, page, district, screenshots):
    sign_in(page, live_server.url, "reviewer_market", "/inbox/")
    expect(page.get_by_role("heading", name="部门待办", exact=True)).to_be_visible()
    rows = page.locator(".dept-tasks tbody tr")
    expect(rows).to_have_count(8)
    for colour in ("red", "yellow", "green", "paused"):
        expect(page.locator(f".dept-tasks .dept-colour.is-{colour}").first).to_be_visible()
    # Soonest due first: the overdue task leads the list.
    expect(rows.first.locator(".dept-colour")).to_have_class(re.compile("is-red"))
    page.screenshot(path=str(screenshots / "inbox.png"), full_page=True)

    page.select_option("select[name=colour]", "paused")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("惠州市惠阳区湘里人家酒楼")
    expect(page).to_have_url(re.compile(r"colour=paused"))

    rows.first.get_by_role("link").click()
    expect(page.locator(".dept-action.is-paused")).to_contain_text("经营场所需现场核查")
    page.get_by_role("button", name="恢复计时").click()
    expect(page.locator(".messages")).to_contain_text("已恢复计时")
    expect(page.get_by_role("button", name="同意", exact=True)).to_be_visible()


def test_supervisor_reads_the_board_and_presses_a_case(live_server, page, district, screenshots):
    sign_in(page, live_server.url, "supervisor", "/supervision/")
    expect(page.get_by_role("heading", name="电子监察", exact=True)).to_be_visible()
    # ECharts drew the bar chart (SVG renderer).
    expect(page.locator("#board-chart svg")).to_be_visible()
    # Its tooltip too, under the Content-Security-Policy (no inline style attributes).
    page.locator("#board-chart svg").hover()
    # The legend says 超期（红牌） once; the tooltip, drawn in the SVG, says it again.
    expect(page.locator("#board-chart svg text", has_text="超期（红牌）")).to_have_count(2)
    expect(page.locator(".dept-counts tbody tr")).to_have_count(5)
    expect(page.locator("#undecided-title")).to_contain_text("1")
    page.screenshot(path=str(screenshots / "supervision.png"), full_page=True)

    row = page.locator(".dept-flagged tbody tr").first
    row.locator("summary").click()
    row.get_by_role("button", name="发出督办").click()
    expect(page.locator(".messages")).to_contain_text("已向承办部门发出督办")
    expect(page.locator(".dept-flagged tbody tr").first).to_contain_text("已督办 1 次")

    page.locator(".dept-flagged tbody tr").first.get_by_role("link", name="审计记录").click()
    expect(page.get_by_role("heading", name="审计记录", exact=True)).to_be_visible()
    expect(page.locator(".dept-audit")).to_contain_text("督办")
