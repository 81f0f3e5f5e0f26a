from django.db import models
from django.utils.translation import gettext_lazy as _


class DeliveryState(models.TextChoices):
    """Where the result of a case is on its way to the applicant."""

    WAITING = "waiting", _("待出件")
    READY = "ready", _("待领取")
    IN_LOCKER = "in_locker", _("已入柜")
    SHIPPED = "shipped", _("已寄出")
    DELIVERED = "delivered", _("已送达")
    RETURNED = "returned", _("已退回窗口")


class VisitKind(models.TextChoices):
    """A physical visit the applicant made for a case (最多跑一次 statistics)."""

    INTAKE = "intake", _("窗口递交材料")
    SUPPLEMENT = "supplement", _("窗口补交材料")
    PICKUP = "pickup", _("窗口领取结果")


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
