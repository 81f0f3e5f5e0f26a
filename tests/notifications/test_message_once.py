"""Nothing is sent twice for one event: the same event told twice writes one message per channel
and address, and a send task run twice (or by two workers) sends once."""

import pytest

from onewindow.notifications.actions import do_send_message
from onewindow.notifications.constants import MessageChannel, MessageState
from onewindow.notifications.models import Notification, OutboundMessage
from onewindow.notifications.notify import tell_applicant, tell_staff
from onewindow.notifications.tasks import send_message

pytestmark = pytest.mark.django_db

LOCKER = {"locker": "淡水街道取件柜", "compartment": "A07", "code": "650214", "until": "12月18日"}


def test_the_same_event_twice_sends_once(
    accepted_case, sms_gateway, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = tell_applicant(
            accepted_case, "locker_code", event_key="locker_code:7", context=LOCKER
        )
    with django_capture_on_commit_callbacks(execute=True):
        second = tell_applicant(
            accepted_case, "locker_code", event_key="locker_code:7", context=LOCKER
        )

    assert {m.channel for m in first} == {MessageChannel.SMS, MessageChannel.IN_APP}
    assert second == []
    assert OutboundMessage.objects.filter(event_key="locker_code:7").count() == 2
    assert len(sms_gateway.texts()) == 1
    assert "取件码650214" in sms_gateway.texts()[0]


def test_the_in_app_copy_does_not_show_the_pickup_code(accepted_case):
    tell_applicant(accepted_case, "locker_code", event_key="locker_code:8", context=LOCKER)
    inbox = OutboundMessage.objects.get(event_key="locker_code:8", channel=MessageChannel.IN_APP)
    sms = OutboundMessage.objects.get(event_key="locker_code:8", channel=MessageChannel.SMS)
    assert "650214" not in inbox.body and "取件码******" in inbox.body
    assert "取件码650214" in sms.body


def test_a_send_task_run_twice_sends_once(accepted_case, sms_gateway):
    [sms] = [
        m
        for m in tell_applicant(accepted_case, "delivered", event_key="delivered:1")
        if m.channel == MessageChannel.SMS
    ]
    assert send_message.call(sms.pk) == "sent"
    assert send_message.call(sms.pk) == "skipped"
    assert do_send_message(sms.pk) == "skipped"
    assert len(sms_gateway.requests) == 1
    sms.refresh_from_db()
    assert (sms.state, sms.attempts) == (MessageState.SENT, 1)


def test_a_message_claimed_by_another_worker_is_left_to_it(accepted_case, sms_gateway):
    [sms] = [
        m
        for m in tell_applicant(accepted_case, "delivered", event_key="delivered:2")
        if m.channel == MessageChannel.SMS
    ]
    # Another worker's claim: pending → sending.
    OutboundMessage.objects.filter(pk=sms.pk).update(state=MessageState.SENDING)
    assert do_send_message(sms.pk) == "skipped"
    assert sms_gateway.requests == []


def test_a_staff_event_twice_notifies_once(accepted_case, supervisor, market):
    context = {"deadline": "2026-12-15"}
    key = f"case_colour:{accepted_case.pk}:red:2026-12-16"
    first = tell_staff(
        "red_card", event_key=key, case=accepted_case, recipient=supervisor, context=context
    )
    again = tell_staff(
        "red_card", event_key=key, case=accepted_case, recipient=supervisor, context=context
    )
    department = tell_staff(
        "red_card", event_key=key, case=accepted_case, department_id=market.pk, context=context
    )
    assert first is not None and again is None and department is not None
    cards = Notification.objects.filter(case=accepted_case, kind="red_card")
    assert {(n.recipient_id, n.department_id) for n in cards} == {
        (supervisor.pk, None),
        (None, market.pk),
    }
    assert (
        first.text
        == f"{accepted_case.number}（餐饮服务开业联办）超期（红牌）：承诺办结日期 2026-12-15"
    )


def test_tell_staff_needs_exactly_one_addressee(accepted_case, supervisor, market):
    with pytest.raises(ValueError, match="a recipient or a department"):
        tell_staff("red_card", event_key="x", case=accepted_case, context={"deadline": "d"})
    with pytest.raises(ValueError, match="a recipient or a department"):
        tell_staff(
            "red_card",
            event_key="x",
            case=accepted_case,
            recipient=supervisor,
            department_id=market.pk,
            context={"deadline": "d"},
        )
    assert not Notification.objects.filter(kind="red_card").exists()


def test_a_landline_gets_no_sms(accepted_case, sms_gateway, django_capture_on_commit_callbacks):
    accepted_case.applicant_phone = "0752-3312345"
    with django_capture_on_commit_callbacks(execute=True):
        written = tell_applicant(accepted_case, "delivered", event_key="delivered:landline")
    assert [m.channel for m in written] == [MessageChannel.IN_APP]
    assert sms_gateway.requests == []


def test_an_event_told_on_one_channel_before_adds_only_the_others(accepted_case):
    first = tell_applicant(accepted_case, "delivered", event_key="delivered:partly")
    # As if only the SMS had been told: the in-app copy is still to write.
    OutboundMessage.objects.filter(
        event_key="delivered:partly", channel=MessageChannel.IN_APP
    ).delete()
    again = tell_applicant(accepted_case, "delivered", event_key="delivered:partly")

    assert {m.channel for m in first} == {MessageChannel.SMS, MessageChannel.IN_APP}
    assert [m.channel for m in again] == [MessageChannel.IN_APP]
    assert again[0].pk is not None
    rows = OutboundMessage.objects.filter(event_key="delivered:partly")
    assert sorted(rows.values_list("channel", flat=True)) == sorted(
        [MessageChannel.SMS, MessageChannel.IN_APP]
    )


def test_a_new_event_is_one_insert_for_all_its_channels(accepted_case):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        written = tell_applicant(accepted_case, "delivered", event_key="delivered:once")
    inserts = [
        q for q in captured.captured_queries if 'INSERT INTO "delivery_outboundmessage"' in q["sql"]
    ]
    assert len(written) == 2 and all(m.pk for m in written)
    assert len(inserts) == 1
