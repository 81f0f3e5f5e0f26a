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


class CertificateKind(models.TextChoices):
    """The result document a decision produces (证照 / 批文)."""

    LICENCE = "licence", _("行政许可证")
    APPROVAL = "approval", _("准予行政许可决定书")
    REFUSAL = "refusal", _("不予行政许可决定书")
    ACCEPTANCE = "acceptance", _("验收意见书")
    FILING = "filing", _("备案回执")
    CERTIFICATION = "certification", _("证明")


class CertificateState(models.TextChoices):
    """The registry's word on a certificate; expiry is by date, read at verification time."""

    VALID = "valid", _("有效")
    REVOKED = "revoked", _("已撤销")
    SUPERSEDED = "superseded", _("已换发")


class VerificationResult(models.TextChoices):
    """What the public verification (证书真伪查询) answers."""

    VALID = "valid", _("真实有效")
    REVOKED = "revoked", _("已撤销")
    SUPERSEDED = "superseded", _("已换发新证")
    EXPIRED = "expired", _("已过有效期")
    NOT_FOUND = "not_found", _("未查到该证照")
    NOT_GENUINE = "not_genuine", _("不是本平台签发的原件或内容被篡改")


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


class ShipmentState(models.TextChoices):
    """A mailed result (EMS) on its way, as the courier's tracking events tell it."""

    CREATED = "created", _("已下单")
    IN_TRANSIT = "in_transit", _("运输中")
    DELIVERED = "delivered", _("已签收")
    RETURNED = "returned", _("已退回")


class TrackingCode(models.TextChoices):
    """What a courier's tracking event says happened to the shipment."""

    COLLECTED = "collected", _("已揽收")
    IN_TRANSIT = "in_transit", _("运输中")
    OUT_FOR_DELIVERY = "out_for_delivery", _("派送中")
    DELIVERED = "delivered", _("已签收")
    RETURNED = "returned", _("已退回")


# The shipment state each tracking code leads to, and the order of those states: an event that
# arrives late (in transit after delivered) never moves a shipment back.
SHIPMENT_STATE_FOR_CODE = {
    TrackingCode.COLLECTED: ShipmentState.IN_TRANSIT,
    TrackingCode.IN_TRANSIT: ShipmentState.IN_TRANSIT,
    TrackingCode.OUT_FOR_DELIVERY: ShipmentState.IN_TRANSIT,
    TrackingCode.DELIVERED: ShipmentState.DELIVERED,
    TrackingCode.RETURNED: ShipmentState.RETURNED,
}
SHIPMENT_STATE_RANK = {
    ShipmentState.CREATED: 0,
    ShipmentState.IN_TRANSIT: 1,
    ShipmentState.DELIVERED: 2,
    ShipmentState.RETURNED: 2,
}


class WebhookRefusal(models.TextChoices):
    """Why a call to the courier webhook was refused."""

    MISSING_SIGNATURE = "missing_signature", _("缺少签名")
    BAD_SIGNATURE = "bad_signature", _("签名错误")
    STALE_TIMESTAMP = "stale_timestamp", _("时间戳超出允许范围")
    INVALID_EVENT = "invalid_event", _("事件内容无效")
    UNKNOWN_SHIPMENT = "unknown_shipment", _("未知运单号")
