"""Choices of the notifications app: channels and states of outbox messages, kinds of staff notices."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class MessageChannel(models.TextChoices):
    SMS = "sms", _("短信")
    EMAIL = "email", _("电子邮件")
    IN_APP = "in_app", _("站内消息")


class MessageState(models.TextChoices):
    """Where an outbox message is: pending (waiting for its task, or for a retry), sending (a
    worker claimed it), sent, held (no SMS gateway configured: kept in the outbox, readable by
    staff), failed (attempts used up)."""

    PENDING = "pending", _("待发送")
    SENDING = "sending", _("发送中")
    SENT = "sent", _("已发送")
    HELD = "held", _("未发送（未配置短信网关）")
    FAILED = "failed", _("发送失败")


# What a staff member can retry from the message page.
RETRYABLE_STATES = (MessageState.FAILED, MessageState.HELD)
