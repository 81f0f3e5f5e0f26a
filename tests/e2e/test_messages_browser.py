"""Messages in a real browser: the applicant's SMS of acceptance is kept in the outbox when no
gateway is configured (the demo), a supervisor reads it on the 外发消息 page, and the applicant sees
the message on the public progress page."""

import pytest
from playwright.sync_api import expect

from onewindow.cases.actions import ApplicantInput, MaterialInput, do_accept_case, do_receive_intake
from onewindow.notifications.constants import MessageChannel, MessageState
from onewindow.notifications.models import OutboundMessage
from tests.e2e.conftest import sign_in
from tests.factories import DepartmentFactory, ServiceItemFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def accepted(transactional_db):
    hall = DepartmentFactory(code="ZWFWZX", name="惠阳区政务服务中心", kind="hall")
    market = DepartmentFactory(code="SCJGJ", name="惠州市惠阳区市场监督管理局")
    item = ServiceItemFactory(
        code="441303-SCJG-010",
        name="食品经营许可（新办）",
        lead_department=market,
        promised_limit_days=10,
        flow=[[(market, 7)]],
        material_names=["食品经营许可申请书", "营业执照"],
    )
    clerk = UserFactory(username="clerk", role="clerk", department=hall)
    UserFactory(username="supervisor", role="supervisor", department=hall)
    applicant = ApplicantInput(
        kind="citizen", name="李明", id_number="11010519491231002X", phone="13800138000"
    )
    intake = do_receive_intake(
        item=item,
        applicant=applicant,
        materials=[MaterialInput(material_id=m.pk, received=True) for m in item.materials.all()],
        acting_user=clerk,
    )
    return do_accept_case(intake, acting_user=clerk)


def test_a_supervisor_reads_the_held_sms_and_the_applicant_sees_the_message(
    live_server, page, accepted, screenshots
):
    sms = OutboundMessage.objects.get(case=accepted, channel=MessageChannel.SMS)
    assert sms.state == MessageState.HELD  # no gateway: kept, not sent

    sign_in(page, live_server.url, "supervisor", "/supervision/")
    page.get_by_role("link", name="外发消息").click()
    page.get_by_role("link", name="未发送（未配置短信网关）").click()
    row = page.locator(f'tr[data-message="{sms.pk}"]')
    expect(row).to_contain_text(f"办件编号{accepted.number}")
    expect(row).to_contain_text("138****8000")
    expect(row.get_by_role("button", name="重新发送")).to_be_visible()
    page.screenshot(path=str(screenshots / "outbox.png"), full_page=True)

    page.goto(f"{live_server.url}/progress/?number={accepted.number}")
    page.get_by_label("证件号码或手机号码后 4 位").fill("8000")
    page.get_by_role("button", name="查询进度").click()
    messages = page.locator(".applicant-messages li")
    expect(messages).to_have_count(1)
    expect(messages.first).to_contain_text(
        f"您申请的“食品经营许可（新办）”已受理，办件编号{accepted.number}"
    )
