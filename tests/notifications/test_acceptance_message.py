"""Acceptance tells the applicant the case number and the promised deadline: an SMS through the
gateway, an e-mail when the case has an address, and the in-app message of the progress page. The
acceptance is a SQL batch; its messages are written by it."""

import pytest
from django.urls import reverse

from onewindow.cases.actions import ApplicantInput, do_accept_case
from onewindow.notifications.constants import MessageChannel, MessageState
from onewindow.notifications.models import OutboundMessage
from tests.cases.conftest import CITIZEN_ID

pytestmark = pytest.mark.django_db


def chinese_date(day):
    return f"{day.year}年{day.month}月{day.day}日"


def test_acceptance_sends_the_sms_with_the_case_number_and_deadline(
    receive, clerk, sms_gateway, django_capture_on_commit_callbacks
):
    intake = receive()
    with django_capture_on_commit_callbacks(execute=True):
        case = do_accept_case(intake, acting_user=clerk)

    assert len(sms_gateway.requests) == 1
    request = sms_gateway.requests[0]
    assert request.path == "/sms/send"
    assert request.headers["authorization"] == "Bearer test-gateway-key"
    payload = request.json()
    assert payload["phone"] == "13800138000"
    assert payload["text"] == (
        f"【惠阳区政务服务】您申请的“餐饮服务开业联办”已受理，办件编号{case.number}，"
        f"承诺于{chinese_date(case.promised_deadline)}前办结。可凭办件编号和证件号码后四位查询进度。"
    )
    sms = OutboundMessage.objects.get(case=case, channel=MessageChannel.SMS)
    assert payload["message_id"] == str(sms.pk)
    assert (sms.state, sms.attempts, sms.event_key) == (MessageState.SENT, 1, f"accepted:{case.pk}")
    assert sms.sent_at is not None
    inbox = OutboundMessage.objects.get(case=case, channel=MessageChannel.IN_APP)
    assert inbox.body == payload["text"] and inbox.state == MessageState.SENT


def test_acceptance_mails_an_applicant_with_an_address(
    receive, clerk, smtp_server, django_capture_on_commit_callbacks
):
    applicant = ApplicantInput(
        kind="citizen",
        name="李明",
        id_number=CITIZEN_ID,
        phone="13800138000",
        email="liming@example.cn",
    )
    intake = receive(applicant=applicant)
    with django_capture_on_commit_callbacks(execute=True):
        case = do_accept_case(intake, acting_user=clerk)

    assert len(smtp_server.messages) == 1
    mail = smtp_server.messages[0]
    assert smtp_server.envelopes == [("noreply@zwfw.example.gov.cn", ["liming@example.cn"])]
    assert mail["Subject"].strip() == f"您申请的“餐饮服务开业联办”已受理（{case.number}）"
    assert mail["To"] == "liming@example.cn"
    body = mail.get_content()
    assert body.startswith("李明：")
    assert f"办件编号{case.number}" in body and chinese_date(case.promised_deadline) in body
    email = OutboundMessage.objects.get(case=case, channel=MessageChannel.EMAIL)
    assert email.state == MessageState.SENT and mail["X-OneWindow-Message"] == str(email.pk)


def test_without_a_gateway_the_sms_is_kept_for_staff_to_read(
    accepted_case, client, supervisor, django_capture_on_commit_callbacks, settings
):
    assert settings.ONEWINDOW_SMS_GATEWAY_URL == ""
    sms = OutboundMessage.objects.get(case=accepted_case, channel=MessageChannel.SMS)
    assert sms.state == MessageState.PENDING  # the test's transaction has not committed
    from onewindow.notifications.actions import do_send_message

    assert do_send_message(sms.pk) == "held"
    sms.refresh_from_db()
    assert (sms.state, sms.sent_at, sms.attempts) == (MessageState.HELD, None, 1)

    client.force_login(supervisor)
    page = client.get(reverse("notifications:outbox") + "?show=held")
    assert page.status_code == 200
    html = page.content.decode()
    assert accepted_case.number in html and "138****8000" in html
    assert f"办件编号{accepted_case.number}" in html  # the text itself, to read in the demo
    assert "13800138000" not in html


def test_the_progress_page_lists_the_applicants_messages(accepted_case, client):
    page = client.post(
        reverse("cases:progress"), {"number": accepted_case.number, "secret": "8000"}
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert "给您的消息" in html
    assert f"您申请的“餐饮服务开业联办”已受理，办件编号{accepted_case.number}" in html


def test_a_failed_acceptance_writes_no_message(receive, clerk):
    from onewindow.cases.errors import CaseActionError

    intake = receive(except_names=("营业执照",))
    with pytest.raises(CaseActionError) as caught:
        do_accept_case(intake, acting_user=clerk)
    assert caught.value.code == "materials_missing"
    assert not OutboundMessage.objects.exists()
