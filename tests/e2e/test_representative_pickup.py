"""An enterprise's legal representative collects its result at the window, in a real browser: the
case page names the representative recorded at intake (ID masked); another person's ID is refused
with the precise reason and nothing changes; the representative's own ID hands the result over as
the applicant, without a letter of authorisation."""

import re

import pytest
from playwright.sync_api import expect

from onewindow.cases.actions import ApplicantInput, do_accept_case, do_receive_intake
from onewindow.cases.constants import CaseState
from onewindow.catalog.constants import DeliveryMethod
from onewindow.delivery.models import Delivery, WindowPickup
from tests.cases.conftest import ENTERPRISE_CODE, all_received
from tests.e2e.conftest import new_page, sign_in
from tests.factories import DepartmentFactory, ServiceItemFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

REPRESENTATIVE_ID = "11010519491231002X"
SOMEONE_ELSE = "440103199003078274"


@pytest.fixture
def decided_enterprise_case(transactional_db):
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
    case = do_receive_intake(
        item=item,
        applicant=ApplicantInput(
            kind="enterprise",
            name="惠州市示范贸易有限公司",
            id_number=ENTERPRISE_CODE,
            phone="13800138000",
            legal_representative="黄志强",
            legal_representative_id_number=REPRESENTATIVE_ID,
        ),
        materials=all_received(item),
        acting_user=clerk,
    )
    case = do_accept_case(case, acting_user=clerk)
    Delivery.objects.create(case=case, method=DeliveryMethod.WINDOW)
    return case


def test_the_legal_representative_collects_as_the_applicant(
    live_server, browser, decided_enterprise_case, sms_gateway
):
    case = decided_enterprise_case
    base = live_server.url
    page = new_page(browser)
    sign_in(page, base, "clerk", f"/window/cases/{case.pk}/")
    expect(page.locator("main")).to_contain_text("法定代表人 黄志强 110105********002X")
    assert REPRESENTATIVE_ID not in page.content()
    page.get_by_role("button", name="出件", exact=True).click()
    card = page.locator("#hand-over-card")
    expect(card).to_contain_text("法定代表人 黄志强 凭本人身份证（110105********002X）")
    expect(card.get_by_label("领取人姓名")).to_have_value("黄志强")
    code = re.search(r"领取码(\d{6})", sms_gateway.texts()[-1]).group(1)

    card.get_by_label("领取码").fill(code)
    card.get_by_label("领取人身份证号码").fill(SOMEONE_ELSE)
    card.get_by_role("button", name="核验并登记领取").click()
    expect(page.locator("#hand-over-card")).to_contain_text(
        "证件号码与申请单位的统一社会信用代码及登记的法定代表人身份证号码均不一致"
    )
    case.refresh_from_db()
    assert case.state == CaseState.ISSUED
    assert WindowPickup.objects.get(delivery__case=case).collected_at is None

    card = page.locator("#hand-over-card")
    card.get_by_label("领取码").fill(code)
    card.get_by_label("领取人身份证号码").fill(REPRESENTATIVE_ID)
    card.get_by_role("button", name="核验并登记领取").click()
    expect(page.locator(".case-badges .state")).to_have_text("已送达")
    expect(page.locator("#hand-over-card")).to_contain_text("已由 黄志强 于")
    pickup = WindowPickup.objects.get(delivery__case=case)
    assert (pickup.collector_kind, pickup.collector_name) == ("applicant", "黄志强")
