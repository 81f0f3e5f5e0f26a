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
    PENDING = "pending", _("待发送")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败")


class CollectorKind(models.TextChoices):
    """Who collected a result at the window."""

    APPLICANT = "applicant", _("申请人本人")
    PROXY = "proxy", _("受托代领人")


class CompartmentSize(models.TextChoices):
    """Compartment sizes of a smart locker, smallest first (a result fits its size or larger)."""

    SMALL = "S", _("小格口")
    MEDIUM = "M", _("中格口")
    LARGE = "L", _("大格口")


# Smallest first: a deposit of size S may take an S, M or L compartment.
SIZE_ORDER = [CompartmentSize.SMALL, CompartmentSize.MEDIUM, CompartmentSize.LARGE]


class CompartmentState(models.TextChoices):
    FREE = "free", _("空闲")
    OCCUPIED = "occupied", _("占用")
    OUT_OF_SERVICE = "out_of_service", _("停用")
