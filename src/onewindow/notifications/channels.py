"""The channels that carry outbox messages out of the platform: an HTTP SMS gateway and SMTP.

Each sender takes an OutboundMessage and returns SENT, or HELD when the channel is not configured
(the demo has no SMS gateway); any failure raises SendFailed with a message for staff. Senders
log only masked phone numbers.
"""

import json
import logging
import smtplib
import urllib.error
import urllib.request

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils.translation import gettext as _

from onewindow.core.identity import mask_phone
from onewindow.notifications.constants import MessageChannel, MessageState

logger = logging.getLogger(__name__)

SMS_TIMEOUT_SECONDS = 5


class SendFailed(Exception):
    """The channel did not take the message; `str()` is what the staff page shows."""


def send_sms(message):
    """JSON POST {"phone", "text", "message_id"} with the bearer key and the header
    `Idempotency-Key: <message id>`; any 2xx is accepted.

    The key lets the gateway drop a repeat: a worker that died between the gateway's answer and
    the outbox update leaves the message "sending", and it is sent again with the same key
    (docs/notifications.md)."""
    url = settings.ONEWINDOW_SMS_GATEWAY_URL
    if not url:
        logger.info(
            "SMS %s to %s held: no gateway configured", message.pk, mask_phone(message.address)
        )
        return MessageState.HELD
    payload = json.dumps(
        {"phone": message.address, "text": message.body, "message_id": str(message.pk)},
        ensure_ascii=False,
    ).encode()
    request = urllib.request.Request(
        url,
        data=payload,
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "Authorization": f"Bearer {settings.ONEWINDOW_SMS_GATEWAY_KEY}",
            "Idempotency-Key": str(message.pk),
        },
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=SMS_TIMEOUT_SECONDS) as response:
            status = response.status
            response.read()
    except urllib.error.HTTPError as error:
        raise SendFailed(_("短信网关返回 HTTP %(status)s") % {"status": error.code}) from None
    except (OSError, ValueError) as error:
        raise SendFailed(_("无法连接短信网关：%(error)s") % {"error": error}) from None
    if status // 100 != 2:
        raise SendFailed(_("短信网关返回 HTTP %(status)s") % {"status": status})
    return MessageState.SENT


def send_email(message):
    """One mail over SMTP (Django's EMAIL_* settings). SMTP knows no idempotency key: a mail sent
    again after a worker died mid-send keeps its Message-ID, by which mail clients fold the
    copies into one."""
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].strip(">") or "localhost"
    mail = EmailMessage(
        subject=message.subject,
        body=message.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.address],
        headers={
            "X-OneWindow-Message": str(message.pk),
            "Message-ID": f"<onewindow-message-{message.pk}@{domain}>",
        },
    )
    try:
        mail.send(fail_silently=False)
    except (smtplib.SMTPException, OSError) as error:
        raise SendFailed(_("邮件发送失败：%(error)s") % {"error": error}) from None
    return MessageState.SENT


SENDERS = {MessageChannel.SMS: send_sms, MessageChannel.EMAIL: send_email}


def masked_address(message):
    """The address as logs and lists may show it."""
    if message.channel == MessageChannel.SMS:
        return mask_phone(message.address)
    if message.channel == MessageChannel.EMAIL:
        name, _, domain = message.address.partition("@")
        return f"{name[:1]}***@{domain}"
    return message.address
