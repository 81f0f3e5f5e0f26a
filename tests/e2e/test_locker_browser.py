"""A result through a smart locker in a real browser: the clerk issues the result and deposits it
in the hall's locker on the case page; the SMS captured by the local gateway gives the code; the
applicant types it on the kiosk's keypad and the compartment opens; the case shows delivered."""

import re

import pytest
from playwright.sync_api import expect

from onewindow.cases.actions import ApplicantInput, do_accept_case, do_receive_intake
from onewindow.cases.constants import CaseState
from onewindow.catalog.constants import DeliveryMethod
from onewindow.delivery.constants import CompartmentState
from onewindow.delivery.models import Compartment, Delivery
from tests.cases.conftest import all_received
from tests.delivery.lockers.conftest import make_locker
from tests.e2e.conftest import new_page, sign_in
from tests.factories import DepartmentFactory, ServiceItemFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ID_NUMBER = "11010519491231002X"


@pytest.fixture
def decided_for_locker(transactional_db):
    hall = DepartmentFactory(code="ZWFWZX", name="惠阳区政务服务中心", kind="hall")
    market = DepartmentFactory(code="SCJGJ", name="惠州市惠阳区市场监督管理局")
    clerk = UserFactory(username="clerk", full_name="陈晓", role="clerk", department=hall)
    item = ServiceItemFactory(
        code="441303-SCJG-900",
        name="食品经营许可（延续）",
        lead_department=market,
        is_on_the_spot=True,
        promised_limit_days=0,
        flow=[[(market, 0)]],
        delivery_methods=["window", "locker", "mail"],
    )
    locker = make_locker(hall)
    case = do_receive_intake(
        item=item,
        applicant=ApplicantInput(
            kind="citizen", name="李明", id_number=ID_NUMBER, phone="13800138000"
        ),
        materials=all_received(item),
        acting_user=clerk,
    )
    case = do_accept_case(case, acting_user=clerk)
    Delivery.objects.create(case=case, method=DeliveryMethod.LOCKER)  # the applicant's choice
    return case, locker


def test_a_result_from_the_locker_deposit_to_the_kiosk(
    live_server, browser, decided_for_locker, sms_gateway, screenshots
):
    case, locker = decided_for_locker
    base = live_server.url
    case_url = f"/window/cases/{case.pk}/"

    clerk = new_page(browser)
    sign_in(clerk, base, "clerk", case_url)
    clerk.get_by_role("button", name="出件", exact=True).click()
    expect(clerk.locator("#deposit-card")).to_be_visible()
    clerk.locator("#deposit-size").select_option("M")
    clerk.screenshot(path=str(screenshots / "locker-deposit.png"), full_page=True)
    clerk.get_by_role("button", name="放入取件柜并短信通知").click()
    expect(clerk.locator("#in-locker-card")).to_contain_text("第 7 号格口")
    expect(clerk.locator(".messages")).to_contain_text("已放入政务服务中心一楼取件柜第 7 号格口")
    assert Compartment.objects.get(locker=locker, number=7).state == CompartmentState.OCCUPIED

    # The applicant's phone: the SMS the gateway received.
    text = sms_gateway.texts()[-1]
    assert "政务服务中心一楼取件柜第7号格口" in text
    code = re.search(r"取件码(\d{6})", text).group(1)

    kiosk = new_page(browser)
    kiosk.set_viewport_size({"width": 1280, "height": 800})
    kiosk.goto(f"{base}/kiosk/lockers/{locker.code}/")
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for digit in wrong:
        kiosk.locator(f'.key[data-digit="{digit}"]').click()
    kiosk.get_by_role("button", name="开柜取件").click()
    expect(kiosk.locator("#kiosk-error")).to_contain_text("取件码不正确，还可尝试 4 次")
    kiosk.get_by_role("button", name="清除").click()
    for digit in code:
        kiosk.locator(f'.key[data-digit="{digit}"]').click()
    expect(kiosk.locator("#kiosk-code")).to_have_value(code)
    kiosk.get_by_role("button", name="开柜取件").click()
    expect(kiosk.locator("#kiosk-opened")).to_contain_text("第 7 号格口已打开，请取件")
    expect(kiosk.locator("#opened-door")).to_have_class(re.compile("door-open"))
    kiosk.wait_for_timeout(1300)  # the door's swing
    kiosk.screenshot(path=str(screenshots / "kiosk-locker-open.png"))

    case.refresh_from_db()
    assert case.state == CaseState.DELIVERED
    clerk.reload()
    expect(clerk.locator(".case-badges .state")).to_have_text("已送达")
    expect(clerk.locator("#collected-card")).to_contain_text("第 7 号格口取件")
    assert "已送达" in sms_gateway.texts()[-1]
