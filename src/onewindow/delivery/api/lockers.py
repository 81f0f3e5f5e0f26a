"""Delivery endpoints: depositing a result in a locker (clerks), the lockers of a service point,
and the kiosk of a locker (public: the applicant types the code at the cabinet)."""

from datetime import datetime
from typing import Literal

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from onewindow.accounts.api_auth import API_AUTH
from onewindow.cases.api.common import SIGNED_IN, _address, _errors, _user, _visible_case
from onewindow.cases.errors import forbidden, not_found
from onewindow.cases.permissions import is_clerk
from onewindow.delivery.constants import CompartmentState
from onewindow.delivery.models import Locker
from onewindow.delivery.panels import clerk_lockers

router = Router(tags=["delivery"], auth=API_AUTH)
kiosk_router = Router(tags=["kiosk"])


class DepositIn(Schema):
    locker: str = Field(min_length=1, max_length=40, description="取件柜编号（Locker.code）。")
    size: Literal["S", "M", "L"] | None = Field(
        None, description="材料尺寸 S、M 或 L；取该尺寸或更大的空闲格口。"
    )
    compartment: int | None = Field(
        None, ge=1, le=32767, description="指定格口号；不填则自动分配。"
    )


class DepositOut(Schema):
    case_id: int = Field(description="办件 id。")
    locker: str = Field(description="取件柜编号。")
    locker_name: str = Field(description="取件柜名称。")
    compartment: int = Field(description="格口号。")
    size: str = Field(description="格口尺寸 S、M 或 L。")
    expires_at: datetime = Field(description="取件码有效期至（逾期退回窗口）。")


class CompartmentOut(Schema):
    number: int = Field(description="格口号。")
    size: str = Field(description="尺寸 S、M 或 L。")
    state: str = Field(description="free 空闲、occupied 占用、out_of_service 停用。")


class LockerOut(Schema):
    code: str = Field(description="取件柜编号。")
    name: str = Field(description="名称。")
    location: str = Field(description="位置。")
    free: int = Field(description="空闲格口数。")
    compartments: list[CompartmentOut] = Field(description="各格口及其状态。")


class KioskCodeIn(Schema):
    code: str = Field(min_length=1, max_length=12, description="短信中的 6 位取件码。")


class KioskOpenOut(Schema):
    compartment: int = Field(description="已打开的格口号。")
    message: str = Field(description="提示语。")


def _deposit_out(deposit):
    return {
        "case_id": deposit.delivery.case_id,
        "locker": deposit.locker.code,
        "locker_name": deposit.locker.name,
        "compartment": deposit.compartment.number,
        "size": deposit.compartment.size,
        "expires_at": deposit.expires_at,
    }


@router.post(
    "/cases/{int:case_id}/locker-deposit",
    response={201: DepositOut, **_errors(*SIGNED_IN, 409, 422)},
    summary="将办理结果存入智能取件柜",
    description=(
        "窗口人员把已出件的结果放入自助取件柜：申请人须选择了取件柜送达且事项允许"
        "（否则 422 method_not_allowed / 409 method_not_chosen）；自动分配该尺寸或更大的空闲格口"
        "（原子操作，两名窗口人员不会分到同一格口），或指定格口（被占用 409 compartment_taken）；"
        "柜满 409 locker_full。6 位取件码以短信发给申请人。只能存入本人所在服务点的取件柜，"
        "其他服务点的取件柜 403 locker_at_other_point。"
    ),
)
def deposit(request, case_id: int, payload: DepositIn):
    from onewindow.delivery.actions import do_deposit_in_locker

    case = _visible_case(request, case_id)
    locker = Locker.objects.filter(code=payload.locker).first()
    if locker is None:
        raise not_found(_("取件柜不存在"))
    deposit = do_deposit_in_locker(
        case,
        locker=locker,
        size=payload.size or None,
        compartment=payload.compartment,
        acting_user=_user(request),
        client_address=_address(request),
    )
    return Status(201, _deposit_out(deposit))


@router.get(
    "/lockers",
    response={200: list[LockerOut], **_errors(*SIGNED_IN)},
    summary="本服务点的取件柜",
    description="窗口人员所在服务点的自助取件柜及各格口占用情况。",
)
def lockers(request):
    user = _user(request)
    if not is_clerk(user):
        raise forbidden()
    rows = []
    for locker in clerk_lockers(user).prefetch_related("compartments"):
        compartments = list(locker.compartments.all())
        rows.append(
            {
                "code": locker.code,
                "name": locker.name,
                "location": locker.location,
                "free": sum(c.state == CompartmentState.FREE for c in compartments),
                "compartments": [
                    {"number": c.number, "size": c.size, "state": c.state} for c in compartments
                ],
            }
        )
    return rows


@kiosk_router.post(
    "/lockers/{code}/open",
    response={200: KioskOpenOut, **_errors(404, 410, 422, 429, 503)},
    summary="凭取件码打开格口（自助终端）",
    description=(
        "取件柜自助终端：申请人输入短信中的 6 位取件码，正确则打开格口，办件转为“已送达”"
        "（不计到现场次数）。全角数字按半角处理。错误 422 wrong_code（提示剩余次数）；同一客户端"
        "地址在同一柜每 15 分钟最多输错 5 次，超出后该地址暂停至本时段结束（429 locked_out），"
        "其他人不受影响；每个待取件的取件码每小时最多承受 20 次错误尝试，超出后至整点前不能开柜"
        "（回答与错误取件码相同）。已过期 410 code_expired，已取件 410 code_used。"
    ),
)
def kiosk_open(request, code: str, payload: KioskCodeIn):
    from onewindow.delivery.actions import do_collect_from_locker

    locker = Locker.objects.filter(code=code, active=True).first()
    if locker is None:
        raise not_found(_("取件柜不存在"))
    deposit = do_collect_from_locker(locker, code=payload.code, client_address=_address(request))
    number = deposit.compartment.number
    return {"compartment": number, "message": f"第 {number} 号格口已打开，请取件"}
