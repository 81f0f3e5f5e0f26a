"""The delivery API of a case: the applicant's choice of delivery method (and mail address), and
where the result is — the shipment and its tracking events for mail. Mounted on the cases router
(`/api/cases/{id}/delivery`), with its sign-in."""

from datetime import datetime

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from onewindow.accounts.api_auth import API_AUTH
from onewindow.cases.api.common import SIGNED_IN, _address, _errors, _user, _visible_case
from onewindow.cases.permissions import sees_full_identity
from onewindow.cases.serializers import choice
from onewindow.catalog.api import Choice, DepartmentRef
from onewindow.catalog.constants import DeliveryMethod
from onewindow.core.identity import mask_phone
from onewindow.delivery.actions.choice import do_choose_delivery
from onewindow.delivery.constants import DeliveryState, ShipmentState, TrackingCode
from onewindow.delivery.queries import delivery_of

router = Router(tags=["delivery"], auth=API_AUTH)


class MailAddressIn(Schema):
    recipient_name: str = Field("", max_length=200, description="收件人姓名（不超过 60 字）。")
    phone: str = Field(
        "",
        max_length=40,
        description="收件人手机号码：11 位，1 开头，第二位 3–9；全角数字按半角处理。",
    )
    province: str = Field("", max_length=40, description="省级行政区，如 广东省（可写简称 广东）。")
    city: str = Field("", max_length=40, description="地级行政区，如 惠州市。")
    district: str = Field("", max_length=40, description="区县，如 惠阳区。")
    street: str = Field("", max_length=400, description="街道、门牌号（不超过 200 字）。")
    postcode: str = Field("", max_length=20, description="6 位邮政编码，可为空。")


class DeliveryIn(Schema):
    method: str = Field(
        max_length=16,
        description="送达方式：window、locker、mail 或 electronic，须为事项允许的方式之一。",
    )
    address: MailAddressIn | None = Field(None, description="收件地址；method 为 mail 时必填。")


class MailAddressOut(Schema):
    recipient_name: str = Field(description="收件人。")
    phone: str = Field(description="收件人手机号码（其他服务点的窗口人员看到脱敏值）。")
    province: str = Field(description="省。")
    city: str = Field(description="市。")
    district: str = Field(description="区县。")
    street: str = Field(description="详细地址。")
    postcode: str = Field(description="邮政编码。")


class TrackingEventOut(Schema):
    event_id: str = Field(description="快递公司的事件编号。")
    code: Choice = Field(description="事件类型。")
    description: str = Field(description="说明。")
    location: str = Field(description="地点。")
    occurred_at: datetime = Field(description="发生时间。")

    @staticmethod
    def resolve_code(event):
        return choice(TrackingCode, event.code)


class ShipmentOut(Schema):
    courier: str = Field(description="快递公司代码。")
    tracking_number: str = Field(description="运单号。")
    state: Choice = Field(description="运单状态。")
    created_at: datetime = Field(description="下单时间。")
    events: list[TrackingEventOut] = Field(description="物流轨迹，按发生时间。")

    @staticmethod
    def resolve_state(shipment):
        return choice(ShipmentState, shipment.state)

    @staticmethod
    def resolve_events(shipment):
        return shipment.events.all()


class DeliveryOut(Schema):
    method: Choice = Field(description="送达方式。")
    state: Choice = Field(description="送达状态。")
    delivered_at: datetime | None = Field(description="送达时间。")
    address: MailAddressOut | None = Field(description="收件地址（邮寄时）。")
    shipments: list[ShipmentOut] = Field(description="邮件运单，最新在前。")

    @staticmethod
    def resolve_method(delivery):
        return choice(DeliveryMethod, delivery.method)

    @staticmethod
    def resolve_state(delivery):
        return choice(DeliveryState, delivery.state)

    @staticmethod
    def resolve_address(delivery, context):
        address = getattr(delivery, "mail_address", None)
        if address is None:
            return None
        values = {name: getattr(address, name) for name in MailAddressOut.model_fields}
        request = (context or {}).get("request")
        user = getattr(request, "auth", None) or getattr(request, "user", None)
        if user is None or not sees_full_identity(user, delivery.case):
            # The recipient's phone is the applicant's, as a rule: masked alike.
            values["phone"] = mask_phone(values["phone"])
        return values

    @staticmethod
    def resolve_shipments(delivery):
        return delivery.shipments.all()


@router.put(
    "/{int:case_id}/delivery",
    response={200: DeliveryOut, **_errors(*SIGNED_IN, 409, 422)},
    summary="选择结果送达方式",
    description=(
        "登记申请人选择的送达方式（窗口领取、自助取件柜、邮政寄递、电子证照），须为事项允许的方式之一，"
        "否则 422 delivery_method_not_allowed。邮寄须填写收件地址：缺少或无效的字段返回 422 "
        "invalid_input，detail 逐项列出。受理后、结果寄出（入柜、送达）前可以更改，之后 409。"
        "已出件待领取时改为邮寄，立即向快递公司下单；结果在其他服务点待领取时 403 "
        "result_at_other_point（由结果所在服务点办理）。"
    ),
)
def choose_delivery(request, case_id: int, payload: DeliveryIn):
    case = _visible_case(request, case_id)
    delivery = do_choose_delivery(
        case,
        method=payload.method,
        address=payload.address.model_dump() if payload.address else None,
        acting_user=_user(request),
        client_address=_address(request),
    )
    return delivery_of(delivery.case_id)


@router.get(
    "/{int:case_id}/delivery",
    response={200: DeliveryOut, **_errors(*SIGNED_IN)},
    summary="办理结果所在位置",
    description="送达方式和状态；邮寄时含收件地址、运单和物流轨迹。尚未选择送达方式时 404。",
)
def get_delivery(request, case_id: int):
    case = _visible_case(request, case_id)
    delivery = delivery_of(case.pk)
    if delivery is None:
        from onewindow.cases.errors import not_found

        raise not_found(_("该办件尚未选择送达方式"))
    return delivery


class TransferIn(Schema):
    to_point: str = Field(
        min_length=1,
        max_length=20,
        description="转至的服务点编码（政务服务中心、镇或村服务点的 Department.code）。",
    )
    reason: str = Field(min_length=1, max_length=200, description="转移原因（记入审计）。")


class TransferOut(Schema):
    case_id: int = Field(description="办件 id。")
    service_point: DepartmentRef = Field(description="结果现在待领取的服务点。")
    expires_at: datetime = Field(description="新领取码的有效期至。")


@router.post(
    "/{int:case_id}/delivery/transfer",
    response={200: TransferOut, **_errors(*SIGNED_IN, 409, 422)},
    summary="将本窗口待领取的结果转至其他服务点",
    description=(
        "结果转移：窗口领取的结果只能在其所在服务点交付（否则 403 result_at_other_point）；"
        "申请人要在其他服务点领取时，由结果所在服务点的窗口人员办理转移，须说明原因。"
        "原领取码作废，新领取码以短信发给申请人。其他服务点的窗口人员调用 403 "
        "result_at_other_point；结果不在窗口 409 not_at_window，已入柜 409 in_locker，"
        "已在该服务点 409 same_service_point，服务点编码无效 422 invalid_input。"
    ),
)
def transfer_result(request, case_id: int, payload: TransferIn):
    from onewindow.catalog.models import Department
    from onewindow.delivery.actions import do_transfer_result

    case = _visible_case(request, case_id)
    target = Department.objects.filter(code=payload.to_point).first()
    pickup = do_transfer_result(
        case,
        to_point=target,
        reason=payload.reason,
        acting_user=_user(request),
        client_address=_address(request),
    )
    point = pickup.service_point
    return {
        "case_id": case.pk,
        "service_point": {"code": point.code, "name": point.name},
        "expires_at": pickup.expires_at,
    }
