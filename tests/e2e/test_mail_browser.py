"""Mail delivery in a real browser: the clerk records mail on the case page, a district that is
not in Huizhou is refused next to its field, the corrected address is kept; once the result is
issued the courier simulator's events arrive and the case page and the public progress page show
the parcel's way."""

import pytest
from playwright.sync_api import expect

from onewindow.cases.actions import (
    ApplicantInput,
    MaterialInput,
    do_accept_case,
    do_complete_review,
    do_decide_case,
    do_receive_intake,
)
from onewindow.cases.constants import TaskState
from onewindow.delivery.actions.issuing import do_issue_result
from onewindow.delivery.models import Shipment
from onewindow.delivery.simulator import CourierSimulator
from tests.delivery.mail.conftest import run_tasks
from tests.e2e.conftest import sign_in
from tests.factories import DepartmentFactory, ServiceItemFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CITIZEN_ID = "11010519491231002X"


@pytest.fixture
def mail_case():
    hall = DepartmentFactory(code="ZWFWZX", name="惠阳区政务服务中心", kind="hall")
    market = DepartmentFactory(code="SCJGJ", name="惠州市惠阳区市场监督管理局")
    clerk = UserFactory(username="clerk", full_name="陈晓", role="clerk", department=hall)
    reviewer = UserFactory(username="reviewer_market", role="reviewer", department=market)
    item = ServiceItemFactory(
        code="441303-SP-001",
        name="食品经营许可",
        lead_department=market,
        flow=[[(market, 5)]],
        delivery_methods=["window", "locker", "mail"],
    )
    case = do_receive_intake(
        item=item,
        applicant=ApplicantInput(
            kind="citizen", name="李明", id_number=CITIZEN_ID, phone="13800138000"
        ),
        materials=[MaterialInput(material_id=m.pk, received=True) for m in item.materials.all()],
        acting_user=clerk,
    )
    return do_accept_case(case, acting_user=clerk), clerk, reviewer


@pytest.fixture
def simulator(settings, live_server, database_tasks):
    simulator = CourierSimulator(port=0, key="k", webhook_secret="s", interval=0.1).start()
    settings.ONEWINDOW_COURIER_URL = simulator.url
    settings.ONEWINDOW_COURIER_KEY = "k"
    settings.ONEWINDOW_COURIER_WEBHOOK_SECRET = "s"
    settings.ONEWINDOW_COURIER_WEBHOOK_URL = live_server.url + "/api/delivery/courier/webhook"
    yield simulator
    simulator.stop()


def test_clerk_records_mail_and_the_parcel_is_tracked_to_the_door(
    live_server, page, mail_case, simulator, screenshots
):
    case, clerk, reviewer = mail_case
    case_url = f"/window/cases/{case.pk}/"
    sign_in(page, live_server.url, "clerk", "/window/")
    page.goto(live_server.url + case_url)

    card = page.locator("#delivery")
    card.get_by_label("邮政寄递（EMS）").check()
    card.get_by_label("省（自治区、直辖市）").fill("广东")
    card.get_by_label("市", exact=True).fill("惠州市")
    card.get_by_label("区（县）").fill("罗湖区")
    card.get_by_label("详细地址").fill("淡水街道开城大道中 1 号")
    card.get_by_role("button", name="登记送达方式").click()

    expect(page.locator("#delivery .field-error")).to_have_text("惠州市没有“罗湖区”")
    expect(card.get_by_label("详细地址")).to_have_value("淡水街道开城大道中 1 号")
    card.screenshot(path=str(screenshots / "case-delivery-choice.png"))
    card.get_by_label("区（县）").fill("惠阳")
    card.get_by_role("button", name="登记送达方式").click()
    expect(page.get_by_text("已登记送达方式。")).to_be_visible()
    expect(card).to_contain_text("广东省惠州市惠阳区淡水街道开城大道中 1 号")

    task = case.tasks.get(state=TaskState.OPEN)
    do_complete_review(task, decision="approved", opinion="准予", acting_user=reviewer)
    do_decide_case(case, acting_user=reviewer)
    case.refresh_from_db()
    do_issue_result(case, acting_user=clerk)
    run_tasks()
    shipment = Shipment.objects.get()
    assert simulator.wait_until_done(shipment.tracking_number, timeout=30)

    page.goto(live_server.url + case_url)
    tracking = page.locator(".tracking")
    expect(tracking).to_contain_text(shipment.tracking_number)
    expect(tracking.locator(".tracking-events li")).to_have_count(4)
    expect(tracking).to_contain_text("已签收")
    expect(page.locator(".case-badges")).to_contain_text("已送达")
    page.screenshot(path=str(screenshots / "case-mail-tracking.png"), full_page=True)

    page.goto(live_server.url + f"/progress/?number={case.number}")
    page.get_by_label("证件号码或手机号码后 4 位").fill(CITIZEN_ID[-4:])
    page.get_by_role("button", name="查询进度").click()
    expect(page.locator(".tracking")).to_contain_text(shipment.tracking_number)
    expect(page.locator(".timeline").last).to_contain_text("邮件已签收")
    expect(page.locator("body")).not_to_contain_text("淡水街道")
    page.screenshot(path=str(screenshots / "progress-mail-tracking.png"), full_page=True)
