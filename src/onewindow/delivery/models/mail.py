"""Mail delivery (邮政寄递, EMS): where the result goes, the courier's shipment, its tracking
events, and the webhook calls refused for a bad signature or content."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from onewindow.delivery.constants import ShipmentState, TrackingCode, WebhookRefusal


class MailAddress(models.Model):
    """The address the applicant gave for mailing the result (checked by delivery.addresses)."""

    delivery = models.OneToOneField(
        "delivery.Delivery",
        on_delete=models.CASCADE,
        related_name="mail_address",
        verbose_name=_("送达"),
        help_text=_("寄递的送达记录。"),
    )
    recipient_name = models.CharField(_("收件人"), max_length=60, help_text=_("收件人姓名。"))
    phone = models.CharField(
        _("收件人手机"), max_length=11, help_text=_("收件人手机号码，11 位，快递员联系用。")
    )
    province = models.CharField(
        _("省份"), max_length=20, help_text=_("省、自治区、直辖市或特别行政区全称。")
    )
    city = models.CharField(_("城市"), max_length=30, help_text=_("地级市、地区、自治州或盟。"))
    district = models.CharField(_("区县"), max_length=30, help_text=_("市辖区、县、县级市或旗。"))
    street = models.CharField(
        _("详细地址"), max_length=200, help_text=_("街道（乡镇）、道路、门牌号、楼栋房号。")
    )
    postcode = models.CharField(
        _("邮政编码"), max_length=6, blank=True, help_text=_("6 位邮政编码，可不填。")
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True, help_text=_("最近更新时间。"))

    class Meta:
        verbose_name = _("收件地址")
        verbose_name_plural = _("收件地址")

    def __str__(self):
        return f"{self.recipient_name} {self.one_line()}"

    def one_line(self):
        return f"{self.province}{self.city}{self.district}{self.street}"


class Shipment(models.Model):
    """One parcel handed to a courier for a delivery: its tracking number and where it is."""

    delivery = models.ForeignKey(
        "delivery.Delivery",
        on_delete=models.CASCADE,
        related_name="shipments",
        verbose_name=_("送达"),
        help_text=_("寄出的送达记录。"),
    )
    courier = models.CharField(
        _("快递公司"), max_length=20, default="ems", help_text=_("承运的快递公司代码，如 ems。")
    )
    tracking_number = models.CharField(
        _("运单号"), max_length=40, unique=True, help_text=_("快递公司给出的运单号。")
    )
    state = models.CharField(
        _("运单状态"),
        max_length=16,
        choices=ShipmentState.choices,
        default=ShipmentState.CREATED,
        help_text=_("已下单、运输中、已签收或已退回，随快递公司的轨迹推送变化。"),
    )
    created_at = models.DateTimeField(_("下单时间"), auto_now_add=True, help_text=_("下单时间。"))
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True, help_text=_("最近更新时间。"))

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("邮件运单")
        verbose_name_plural = _("邮件运单")

    def __str__(self):
        return f"{self.courier.upper()} {self.tracking_number}"


class TrackingEvent(models.Model):
    """One tracking event the courier posted to the webhook. Stored once per event id: the
    courier retrying a delivery of the same event changes nothing."""

    shipment = models.ForeignKey(
        Shipment,
        on_delete=models.CASCADE,
        related_name="events",
        verbose_name=_("运单"),
        help_text=_("所属运单。"),
    )
    event_id = models.CharField(
        _("事件编号"), max_length=64, help_text=_("快递公司给出的事件编号，同一运单内唯一。")
    )
    code = models.CharField(
        _("事件类型"),
        max_length=20,
        choices=TrackingCode.choices,
        help_text=_("揽收、运输中、派送中、签收或退回。"),
    )
    description = models.CharField(
        _("说明"), max_length=200, blank=True, help_text=_("快递公司的事件说明。")
    )
    location = models.CharField(
        _("地点"), max_length=100, blank=True, help_text=_("事件发生地，如处理中心。")
    )
    occurred_at = models.DateTimeField(_("发生时间"), help_text=_("快递公司记录的发生时间。"))
    received_at = models.DateTimeField(
        _("接收时间"), auto_now_add=True, help_text=_("平台收到推送的时间。")
    )

    class Meta:
        ordering = ["occurred_at", "id"]
        verbose_name = _("物流轨迹")
        verbose_name_plural = _("物流轨迹")
        constraints = [
            models.UniqueConstraint(
                fields=["shipment", "event_id"], name="tracking_event_once_per_shipment"
            )
        ]

    def __str__(self):
        return f"{self.shipment} · {self.get_code_display()}"


class RefusedWebhookCall(models.Model):
    """A call to the courier webhook that was refused: bad or missing signature, a stale
    timestamp, an unknown tracking number. Kept for the operators (and logged)."""

    at = models.DateTimeField(_("时间"), auto_now_add=True, help_text=_("收到调用的时间。"))
    remote_address = models.GenericIPAddressField(
        _("来源地址"), null=True, blank=True, help_text=_("调用方的 IP 地址。")
    )
    reason = models.CharField(
        _("拒绝原因"),
        max_length=20,
        choices=WebhookRefusal.choices,
        help_text=_("签名缺失或错误、时间戳过期、内容无效或运单号未知。"),
    )
    body_sha256 = models.CharField(
        _("内容摘要"), max_length=64, help_text=_("请求体的 SHA-256，用于核对，不保存内容本身。")
    )
    body_size = models.PositiveIntegerField(_("内容长度"), default=0, help_text=_("请求体字节数。"))

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("被拒绝的快递回调")
        verbose_name_plural = _("被拒绝的快递回调")

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.reason}"
