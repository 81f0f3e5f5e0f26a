"""Telling people: one call per event, written into the outbox in the caller's transaction.

    tell_applicant(case, "locker_code", event_key=f"locker_code:{deposit.pk}", context={...})

Writes one OutboundMessage per channel the applicant can be reached on (SMS to the case's phone
today), each sent after commit. The same event_key never sends twice.

THIS IS THE FIRST CUT (skeleton): texts are plain format strings and sending is a synchronous
HTTP POST after commit. The notifications work replaces it with templates, django-tasks with
retries and e-mail, keeping these two functions' signatures.
"""

import json
import logging
import urllib.request

from django.conf import settings
from django.db import IntegrityError, transaction

from onewindow.delivery.constants import MessageChannel, MessageState

logger = logging.getLogger(__name__)

TEXTS = {
    "locker_code": "【{region}政务服务】您的办件{number}的结果已放入{locker}第{compartment}号格口，"
    "取件码{code}，请于{until}前取件。",
    "ready_for_pickup": "【{region}政务服务】您的办件{number}的结果已可领取，请持身份证到{place}领取，"
    "领取码{code}。",
    "locker_reminder": "【{region}政务服务】您的办件{number}的结果仍在{locker}第{compartment}号格口，"
    "请于{until}前凭取件码取件，逾期将退回窗口。",
    "shipped": "【{region}政务服务】您的办件{number}的结果已通过EMS寄出，运单号{tracking_number}。",
    "delivered": "【{region}政务服务】您的办件{number}的结果已送达。",
    "decided": "【{region}政务服务】您的办件{number}已办结：{decision}。",
}


def tell_applicant(case, template, *, event_key, context=None):
    """Queue the message `template` about `case` to its applicant; returns the messages written
    (none when this event was already told)."""
    from onewindow.delivery.models import OutboundMessage

    values = {
        "region": settings.ONEWINDOW_REGION_NAME,
        "number": case.number or "",
        **(context or {}),
    }
    body = TEXTS[template].format(**values)
    try:
        with transaction.atomic():
            message = OutboundMessage.objects.create(
                event_key=event_key,
                template=template,
                channel=MessageChannel.SMS,
                address=case.applicant_phone,
                case=case,
                body=body,
            )
    except IntegrityError:
        return []
    transaction.on_commit(lambda: _send_sms(message.pk))
    return [message]


def tell_staff(template, *, event_key, case=None, department_id=None, recipient=None, context=None):
    """Staff messages (supervision cards): in-app today; see the module docstring."""
    raise NotImplementedError


def _send_sms(message_id):
    from django.utils import timezone

    from onewindow.delivery.models import OutboundMessage

    message = OutboundMessage.objects.get(pk=message_id)
    url = settings.ONEWINDOW_SMS_GATEWAY_URL
    if not url:
        return
    payload = json.dumps(
        {"phone": message.address, "text": message.body, "message_id": str(message.pk)}
    ).encode()
    request = urllib.request.Request(
        url,
        data=payload,
        headers={
            "Content-Type": "application/json",
            "Authorization": f"Bearer {settings.ONEWINDOW_SMS_GATEWAY_KEY}",
        },
        method="POST",
    )
    message.attempts += 1
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            response.read()
        message.state, message.sent_at = MessageState.SENT, timezone.now()
    except OSError as error:
        message.last_error = str(error)
        logger.warning("SMS %s failed: %s", message.pk, error)
    message.save(update_fields=["state", "sent_at", "attempts", "last_error"])
