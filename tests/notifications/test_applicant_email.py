"""Applicants may give an e-mail address at intake (window form or API): it is kept on the case
and mails reach it; an invalid address is refused naming the field, and nothing is written."""

import pytest

from onewindow.cases.models import Case
from onewindow.core.models import AuditEntry
from onewindow.notifications.models import OutboundMessage
from tests.cases.conftest import intake_payload
from tests.cases.test_window_pages import WINDOW, intake_data
from tests.openapi import ApiClient

pytestmark = pytest.mark.django_db

INTAKES = "/api/cases/intakes"
INVALID = "电子邮箱格式不正确"


def test_the_api_keeps_the_applicants_email(client, clerk, joint_item):
    api = ApiClient(client).as_user(clerk)
    response = api.post(INTAKES, intake_payload(joint_item, email="liming@example.cn"))
    assert response.status_code == 201
    assert response.json()["applicant"]["email"] == "liming@example.cn"
    assert Case.objects.get().applicant_email == "liming@example.cn"


def test_the_api_refuses_an_invalid_email_and_writes_nothing(client, clerk, joint_item):
    api = ApiClient(client).as_user(clerk)
    response = api.post(INTAKES, intake_payload(joint_item, email="liming@"))
    assert response.status_code == 422
    body = response.json()
    assert (body["code"], body["message"]) == ("invalid_input", INVALID)
    assert [error["loc"] for error in body["detail"]] == [["applicant.email"]]
    assert not Case.objects.exists()
    assert not AuditEntry.objects.exists()
    assert not OutboundMessage.objects.exists()


def test_the_window_form_takes_the_email(
    client, clerk, joint_item, smtp_server, django_capture_on_commit_callbacks
):
    client.force_login(clerk)
    assert 'name="applicant_email"' in client.get(WINDOW).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(WINDOW, intake_data(joint_item, applicant_email="liming@example.cn"))
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.applicant_email == "liming@example.cn"
    [mail] = smtp_server.messages
    assert mail["To"] == "liming@example.cn" and case.number in mail.get_content()


def test_the_window_form_shows_an_invalid_email_next_to_the_field(client, clerk, joint_item):
    client.force_login(clerk)
    response = client.post(WINDOW, intake_data(joint_item, applicant_email="not-an-address"))
    assert response.status_code == 422
    page = response.content.decode()
    assert "电子邮箱格式不正确" in page
    assert page.rindex("电子邮箱格式不正确") > page.index('name="applicant_email"')
    assert 'value="not-an-address"' in page
    assert not Case.objects.exists()


def test_a_mail_server_that_does_not_answer_is_a_failed_attempt_with_its_reason(
    accepted_case, settings
):
    from onewindow.notifications.actions import do_send_message
    from onewindow.notifications.constants import MessageChannel, MessageState
    from onewindow.notifications.notify import tell_applicant

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens: refused
    Case.objects.filter(pk=accepted_case.pk).update(applicant_email="liming@example.cn")
    accepted_case.refresh_from_db()
    [mail] = [
        m
        for m in tell_applicant(accepted_case, "delivered", event_key="delivered:mail")
        if m.channel == MessageChannel.EMAIL
    ]
    assert do_send_message(mail.pk) == "retry"
    mail.refresh_from_db()
    assert (mail.state, mail.attempts) == (MessageState.PENDING, 1)
    assert mail.last_error.startswith("邮件发送失败")
