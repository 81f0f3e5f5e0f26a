"""The comprehensive window (综合窗口): receiving an intake, scans, accepting, the one-time
notice, not accepting, the checklist, tolerated materials, collection and withdrawal."""

from django.utils.translation import gettext as _
from ninja import File, Header, Router, Status, UploadedFile

from onewindow.cases import actions
from onewindow.cases.api.common import (
    SIGNED_IN,
    _address,
    _case_action,
    _case_out,
    _errors,
    _user,
    _visible_case,
)
from onewindow.cases.errors import forbidden, not_found
from onewindow.cases.models import IdempotencyKey
from onewindow.cases.permissions import is_clerk
from onewindow.cases.serializers import (
    AcceptIn,
    CaseMaterialOut,
    CaseOut,
    CollectIn,
    IntakeIn,
    MaterialsIn,
    ReasonIn,
    SupplementNoticeIn,
    ToleratedMaterialsIn,
)
from onewindow.cases.uploads import check_upload
from onewindow.catalog.models import ServiceItem
from onewindow.core.api_errors import ApiError

router = Router()


def _lines(materials):
    return [
        actions.MaterialInput(
            material_id=line.material_id,
            received=line.received,
            form=line.form or "",
            copies=line.copies,
            defect=line.defect.strip(),
            sha256=line.sha256,
        )
        for line in materials
    ]


@router.post(
    "/intakes",
    response={201: CaseOut, 200: CaseOut, **_errors(401, 403, 422)},
    summary="窗口收件",
    description=(
        "综合窗口收件（一窗受理）：按事项当前发布版本登记申请人和材料清单，办件进入“已提交待预审”，"
        "随后受理、一次性告知或不予受理。带 Idempotency-Key 请求头重复提交时返回同一办件"
        "（首次 201，之后 200）。身份证号码与统一社会信用代码校验位错误、出生日期晚于今天或早于 1900 年，"
        "姓名或文字含控制字符、改变文字方向的字符或不可见字符时返回 422 invalid_input，"
        "detail[].type 说明原因（如 birth_date_in_future、control_character、bidi_control、"
        "no_visible_character）。"
    ),
)
def receive_intake(
    request,
    payload: IntakeIn,
    idempotency_key: str | None = Header(
        None,
        alias="Idempotency-Key",
        max_length=80,
        description="客户端生成的唯一键（如 UUID）；同一键只建一个办件。",
    ),
):
    user = _user(request)
    if not is_clerk(user):
        raise forbidden(_("只有综合窗口人员可以收件"))
    item = ServiceItem.objects.published().filter(code=payload.item_code).first()
    if item is None:
        raise ApiError(
            422,
            "item_not_found",
            _("事项不存在或没有发布版本"),
            detail=[
                {"type": "not_found", "loc": ["body", "payload", "item_code"], "msg": "not found"}
            ],
        )
    applicant = actions.ApplicantInput(**payload.applicant.model_dump())
    proxy = actions.ProxyInput(**payload.proxy.model_dump()) if payload.proxy else None
    # A repeat of this user's request answers 200 with the first case (a key reused for another
    # request gets 422 from the action).
    replay = (
        bool(idempotency_key)
        and IdempotencyKey.objects.filter(user=user, key=idempotency_key).exists()
    )
    case = actions.do_receive_intake(
        item=item,
        applicant=applicant,
        proxy=proxy,
        materials=_lines(payload.materials),
        channel=payload.channel,
        acting_user=user,
        idempotency_key=idempotency_key or None,
        client_address=_address(request),
    )
    return Status(200 if replay else 201, _case_out(case))


@router.post(
    "/{int:case_id}/materials/{int:material_id}/scan",
    response={200: CaseMaterialOut, **_errors(*SIGNED_IN, 409, 413, 415, 422)},
    summary="上传一份材料的扫描件",
    description=(
        "上传一份材料的扫描件（multipart/form-data，字段 file）：PDF、JPEG、PNG 或 OFD，按内容识别，"
        "与文件名无关（415 upload_type_not_allowed），并检查整个文件的结构（415 upload_malformed）；"
        "超过大小上限返回 413 upload_too_large，OFD 解压后过大或条目过多、图像像素过多返回 413 "
        "upload_expands_too_much。上传即视为已收取该材料。仅限受理前。"
    ),
)
def attach_scan(request, case_id: int, material_id: int, file: File[UploadedFile]):
    case = _visible_case(request, case_id)
    row = case.materials.filter(material_id=material_id).first()
    if row is None:
        raise not_found(_("该办件没有此材料"))
    if not is_clerk(_user(request)):
        raise forbidden()
    upload = check_upload(file)
    line = actions.MaterialInput(
        material_id=material_id, received=True, form=row.form, copies=row.copies, upload=upload
    )
    actions.do_update_intake_materials(
        case, materials=[line], acting_user=_user(request), client_address=_address(request)
    )
    row.refresh_from_db()
    return row


@_case_action(
    router,
    "accept",
    "Accept the case (受理)",
    "受理：生成办件编号，复制办理流程并开启第一环节，开始计时。只有容缺材料可以暂缺（容缺受理，"
    "须在 supplement_due 前补齐，补齐前不得出件）；缺少其他必要材料返回 422 materials_missing，"
    "detail 逐项列出。即办件当场作出决定。",
)
def accept(request, case_id: int, payload: AcceptIn | None = None):
    case = _visible_case(request, case_id)
    case = actions.do_accept_case(
        case,
        supplement_due=payload.supplement_due if payload else None,
        acting_user=_user(request),
        client_address=_address(request),
    )
    return _case_out(case)


@_case_action(
    router,
    "supplement-notice",
    "Issue the one-time supplement notice (一次性告知)",
    "一次性告知：列出全部缺少或需补正的材料及原因；办件进入“待补正”，不开始计时。申请人补交后"
    "在同一办件上继续（更新材料清单后受理）。",
)
def supplement_notice(request, case_id: int, payload: SupplementNoticeIn):
    case = _visible_case(request, case_id)
    actions.do_issue_supplement_notice(
        case, defects=payload.defects, acting_user=_user(request), client_address=_address(request)
    )
    return _case_out(case)


@_case_action(
    router,
    "not-accept",
    "Refuse acceptance (不予受理)",
    "不予受理：须说明理由（行政许可法第32条），告知申请人依法申请行政复议或提起行政诉讼的权利。",
)
def not_accept(request, case_id: int, payload: ReasonIn):
    case = _visible_case(request, case_id)
    actions.do_not_accept(
        case, reason=payload.reason, acting_user=_user(request), client_address=_address(request)
    )
    return _case_out(case)


@_case_action(
    router,
    "materials",
    "更新收件材料清单",
    "申请人补交材料后更新材料清单（仅限受理前）。",
)
def update_materials(request, case_id: int, payload: MaterialsIn):
    case = _visible_case(request, case_id)
    actions.do_update_intake_materials(
        case,
        materials=_lines(payload.materials),
        acting_user=_user(request),
        client_address=_address(request),
    )
    return _case_out(case)


@_case_action(
    router,
    "tolerated-materials",
    "Receive tolerated missing materials (容缺材料补齐)",
    "容缺受理的材料已补交；全部补齐后方可出件。只能补收状态为“容缺后补”的材料。",
)
def receive_tolerated(request, case_id: int, payload: ToleratedMaterialsIn):
    case = _visible_case(request, case_id)
    actions.do_receive_tolerated_materials(
        case,
        material_ids=payload.material_ids,
        acting_user=_user(request),
        client_address=_address(request),
    )
    return _case_out(case)


@_case_action(
    router,
    "collect",
    "在窗口交付办理结果",
    "窗口领取：出件后凭短信中的 6 位领取码，核验领取人证件（本人证件号码须与申请人一致；"
    "他人代领须提供本人有效身份证和授权委托书），办件转为“已送达”并计一次到现场。"
    "领取码错误 422 wrong_code（提示剩余次数），同一领取码输错 5 次（ONEWINDOW_PICKUP_MAX_ATTEMPTS）"
    "后停用 429 locked_out，须重新发送领取码；已过期 410 code_expired，已使用 410 code_used，"
    "证件不符 422 id_mismatch，缺委托书 422 authorisation_missing，容缺材料未补齐 409。"
    "只能交付在本人所在服务点待领取的结果，其他服务点的结果 403 result_at_other_point"
    "（由该服务点办理结果转移：POST /api/cases/{id}/delivery/transfer）。",
    extra=(409, 410, 422, 429),
)
def collect(request, case_id: int, payload: CollectIn):
    from onewindow.delivery.actions import Collector, do_hand_over_at_window

    case = _visible_case(request, case_id)
    do_hand_over_at_window(
        case,
        pickup_code=payload.pickup_code,
        collector=Collector(**payload.collector.dict()),
        acting_user=_user(request),
        client_address=_address(request),
    )
    return _case_out(case)


@_case_action(
    router,
    "withdraw",
    "撤回申请",
    "申请人撤回申请（由窗口人员登记），须说明理由。",
)
def withdraw(request, case_id: int, payload: ReasonIn):
    case = _visible_case(request, case_id)
    actions.do_withdraw_case(
        case, reason=payload.reason, acting_user=_user(request), client_address=_address(request)
    )
    return _case_out(case)
