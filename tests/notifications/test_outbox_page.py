"""The outbox page (外发消息) is for supervisors: others get 403, and a retry they post changes
nothing; only failed or held messages can be resent."""

import pytest
from django.urls import reverse

from onewindow.core.models import AuditEntry
from onewindow.notifications.actions import do_retry_message
from onewindow.notifications.constants import MessageChannel, MessageState
from onewindow.notifications.errors import MessageActionError
from onewindow.notifications.models import OutboundMessage

pytestmark = pytest.mark.django_db


@pytest.fixture
def failed_sms(accepted_case):
    sms = OutboundMessage.objects.get(case=accepted_case, channel=MessageChannel.SMS)
    OutboundMessage.objects.filter(pk=sms.pk).update(
        state=MessageState.FAILED,
        attempts=5,
        last_error="短信网关返回 HTTP 500",
    )
    sms.refresh_from_db()
    return sms


def test_the_page_lists_failed_messages_with_their_error(client, supervisor, failed_sms):
    client.force_login(supervisor)
    page = client.get(reverse("notifications:outbox"))
    assert page.status_code == 200
    html = page.content.decode()
    assert f'data-message="{failed_sms.pk}"' in html
    assert "短信网关返回 HTTP 500" in html and "尝试 5 次" in html
    assert reverse("notifications:outbox_retry", args=[failed_sms.pk]) in html
    # The in-app rows are not outgoing messages: not listed.
    inbox = OutboundMessage.objects.get(case=failed_sms.case, channel=MessageChannel.IN_APP)
    assert (
        f'data-message="{inbox.pk}"'
        not in client.get(reverse("notifications:outbox") + "?show=sent").content.decode()
    )


@pytest.mark.parametrize("persona", ["clerk", "reviewer_market", "head_market"])
def test_other_staff_get_403_and_cannot_retry(client, request, persona, failed_sms):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("notifications:outbox")).status_code == 403
    response = client.post(reverse("notifications:outbox_retry", args=[failed_sms.pk]))
    assert response.status_code == 403
    failed_sms.refresh_from_db()
    assert (failed_sms.state, failed_sms.attempts) == (MessageState.FAILED, 5)
    assert not AuditEntry.objects.filter(action="retry_message").exists()


def test_anonymous_visitors_are_sent_to_sign_in(client, failed_sms):
    response = client.get(reverse("notifications:outbox"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_sent_message_cannot_be_resent(client, supervisor, failed_sms):
    OutboundMessage.objects.filter(pk=failed_sms.pk).update(state=MessageState.SENT)
    with pytest.raises(MessageActionError) as caught:
        do_retry_message(failed_sms, acting_user=supervisor)
    assert (caught.value.status, caught.value.code) == (409, "wrong_state")
    assert caught.value.message == ("当前状态“已发送”下不能重发")
    client.force_login(supervisor)
    response = client.post(reverse("notifications:outbox_retry", args=[failed_sms.pk]), follow=True)
    assert "当前状态“已发送”下不能重发" in response.content.decode()
    failed_sms.refresh_from_db()
    assert (failed_sms.state, failed_sms.attempts) == (MessageState.SENT, 5)
    assert not AuditEntry.objects.filter(action="retry_message").exists()


def test_an_unknown_message_is_404(client, supervisor):
    client.force_login(supervisor)
    assert client.post(reverse("notifications:outbox_retry", args=[999999])).status_code == 404


def test_a_retry_from_the_page_queues_the_message_again(
    client, supervisor, failed_sms, sms_gateway, django_capture_on_commit_callbacks
):
    client.force_login(supervisor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("notifications:outbox_retry", args=[failed_sms.pk]))
    assert response.status_code == 302 and response["Location"].endswith("?show=failed")
    failed_sms.refresh_from_db()
    assert (failed_sms.state, failed_sms.attempts) == (MessageState.SENT, 1)
    assert sms_gateway.texts() == [failed_sms.body]


def test_the_page_opens_on_the_first_tab_that_has_messages(client, supervisor, accepted_case):
    # Every SMS sent: the failed, held and pending tabs are empty.
    OutboundMessage.objects.filter(channel=MessageChannel.SMS).update(state=MessageState.SENT)
    client.force_login(supervisor)

    response = client.get(reverse("notifications:outbox"))

    assert response.context["view"] == "sent"
    sms = OutboundMessage.objects.get(case=accepted_case, channel=MessageChannel.SMS)
    assert f'data-message="{sms.pk}"' in response.content.decode()
    # A tab asked for stays the one shown, even when empty.
    assert client.get(reverse("notifications:outbox") + "?show=failed").context["view"] == "failed"


def test_failed_messages_come_first(client, supervisor, failed_sms):
    client.force_login(supervisor)

    assert client.get(reverse("notifications:outbox")).context["view"] == "failed"


def test_the_outbox_is_searched_by_case_number_and_phone(
    client, supervisor, accepted_case, receive, clerk
):
    from onewindow.cases.actions import do_accept_case

    other = do_accept_case(receive(), acting_user=clerk)
    OutboundMessage.objects.filter(case=other, channel=MessageChannel.SMS).update(
        address="13900139000"
    )
    mine = OutboundMessage.objects.get(case=accepted_case, channel=MessageChannel.SMS)
    theirs = OutboundMessage.objects.get(case=other, channel=MessageChannel.SMS)
    client.force_login(supervisor)

    def listed(q):
        response = client.get(reverse("notifications:outbox"), {"q": q})
        html = response.content.decode()
        return {pk for pk in (mine.pk, theirs.pk) if f'data-message="{pk}"' in html}

    assert listed(accepted_case.number) == {mine.pk}
    assert listed("139 0013 9000") == {theirs.pk}
    assert listed("１３９００１３９０００") == {theirs.pk}  # full-width, as an input method types
    assert listed(mine.address) == {mine.pk}
    assert listed("44130399999999999999") == set()
    assert listed("") == {mine.pk, theirs.pk}
    tabs = client.get(reverse("notifications:outbox"), {"q": accepted_case.number}).content.decode()
    assert f"q={accepted_case.number}" in tabs  # the tabs keep the search
