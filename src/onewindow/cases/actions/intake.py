"""One-window intake (一窗受理): receive materials for any item, then accept, accept with tolerated
missing materials (容缺受理), issue a one-time notice (一次性告知), or refuse acceptance (不予受理)."""

from dataclasses import dataclass, field

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from onewindow.cases.actions.common import (
    WARNING_COLOURS,
    announce_task_colour,
    lock_case,
    recompute_deadlines,
    record,
    require_state,
    set_state,
    today,
)
from onewindow.cases.constants import (
    ApplicantKind,
    CaseState,
    IntakeChannel,
    MaterialStatus,
    StageState,
    TaskState,
)
from onewindow.cases.deadlines import colour_for, task_due_date
from onewindow.cases.errors import CaseActionError, forbidden, invalid_input
from onewindow.cases.models import Case, CaseMaterial, CaseStage, IdempotencyKey, ReviewTask
from onewindow.cases.permissions import is_clerk
from onewindow.catalog.constants import ItemStatus, Requirement
from onewindow.core import numbering, workdays
from onewindow.core.identity import (
    InvalidIdentity,
    validate_credit_code,
    validate_phone,
    validate_resident_id,
)


@dataclass(frozen=True)
class ApplicantInput:
    kind: str
    name: str
    id_number: str
    phone: str
    legal_representative: str = ""
    contact_name: str = ""


@dataclass(frozen=True)
class ProxyInput:
    name: str
    id_number: str
    phone: str = ""


@dataclass(frozen=True)
class MaterialInput:
    """One checklist line as the clerk ticks it. `upload` is a cases.uploads.CheckedUpload."""

    material_id: int
    received: bool
    form: str = ""
    copies: int = 1
    defect: str = ""
    upload: object = None
    sha256: str = field(default="")


def clean_applicant(applicant, proxy):
    """Validated copies of the applicant and proxy: checksums of ID numbers and credit codes.

    Every problem is reported at once (one 422 with a detail line per field), so that the clerk
    corrects the form in one go.
    """
    problems = []

    def check(validate, value, field_name):
        try:
            return validate(value, field=field_name)
        except InvalidIdentity as exc:
            problems.append((exc.field, exc.message))
            return ""

    if applicant.kind == ApplicantKind.CITIZEN:
        id_number = check(validate_resident_id, applicant.id_number, "applicant.id_number")
    elif applicant.kind == ApplicantKind.ENTERPRISE:
        id_number = check(validate_credit_code, applicant.id_number, "applicant.id_number")
    else:
        id_number = ""
        problems.append(("applicant.kind", "申请人类型无效 / Unknown applicant kind"))
    if not applicant.name.strip():
        problems.append(("applicant.name", "申请人姓名或名称必填 / Applicant name is required"))
    phone = check(validate_phone, applicant.phone, "applicant.phone")
    if applicant.kind == ApplicantKind.ENTERPRISE and not applicant.legal_representative.strip():
        problems.append(
            (
                "applicant.legal_representative",
                "法人申请须填写法定代表人 / Legal representative is required",
            )
        )
    proxy_id = proxy_phone = ""
    if proxy is not None:
        if not proxy.name.strip():
            problems.append(("proxy.name", "代办人姓名必填 / Proxy name is required"))
        proxy_id = check(validate_resident_id, proxy.id_number, "proxy.id_number")
        proxy_phone = check(validate_phone, proxy.phone, "proxy.phone") if proxy.phone else ""
    if problems:
        raise CaseActionError(
            "invalid_input",
            problems[0][1]
            if len(problems) == 1
            else f"{problems[0][1]}（等 {len(problems)} 处错误 / and {len(problems) - 1} more）",
            status=422,
            detail=[
                {"type": "invalid", "loc": [field], "msg": message} for field, message in problems
            ],
        )
    return id_number, phone, proxy_id, proxy_phone


def _apply_material_lines(case, lines, *, materials_by_id, now, existing=None):
    """Write the checklist lines; an unknown material id is an error.

    `existing` maps material id → the case's rows; a new intake passes {} (it has none yet). New
    rows are inserted with one bulk INSERT.
    """
    if existing is None:
        existing = {cm.material_id: cm for cm in case.materials.all()}
    new_rows = {}
    for line in lines:
        material = materials_by_id.get(line.material_id)
        if material is None:
            raise invalid_input(
                "materials",
                f"材料 {line.material_id} 不属于该事项 / Material {line.material_id} is not part of this item",
            )
        row = existing.get(line.material_id) or CaseMaterial(
            case=case, material=material, position=material.position
        )
        if line.received:
            row.status = MaterialStatus.RECEIVED
            row.form = line.form or material.form
            row.copies = line.copies or material.copies
            row.defect = ""
            row.received_at = row.received_at or now
        else:
            if line.defect:
                row.status = MaterialStatus.DEFECTIVE
            elif material.requirement == Requirement.OPTIONAL:
                row.status = MaterialStatus.NOT_REQUIRED
            else:
                row.status = MaterialStatus.MISSING
            row.defect = line.defect
        if line.upload is not None:
            row.file.save(
                f"{case.pk}-{material.pk}{_suffix(line.upload.content_type)}",
                ContentFile(line.upload.content),
                save=False,
            )
            row.file_name = line.upload.name
            row.content_type = line.upload.content_type
            row.size = line.upload.size
            row.sha256 = line.upload.sha256
        elif line.sha256:
            row.sha256 = line.sha256
        if row.pk is None:
            new_rows[line.material_id] = row
        else:
            row.save()
        existing[line.material_id] = row
    # Materials the clerk did not tick at all are missing (required) or simply not handed in.
    for material in materials_by_id.values():
        if material.pk not in existing:
            status = (
                MaterialStatus.NOT_REQUIRED
                if material.requirement == Requirement.OPTIONAL
                else MaterialStatus.MISSING
            )
            existing[material.pk] = new_rows[material.pk] = CaseMaterial(
                case=case, material=material, position=material.position, status=status
            )
    CaseMaterial.objects.bulk_create(new_rows.values())
    return existing


def _suffix(content_type):
    from onewindow.cases.uploads import ALLOWED

    return ALLOWED.get(content_type, "")


def do_receive_intake(
    *,
    item,
    applicant,
    materials,
    acting_user,
    proxy=None,
    channel=IntakeChannel.WINDOW,
    service_point=None,
    idempotency_key=None,
    client_address=None,
):
    """Register what the applicant handed in; the clerk then accepts, notifies or refuses.

    With an idempotency key, a repeated call returns the case the first call made, also when both
    calls run at the same time.
    """
    try:
        return _receive_intake(
            item=item,
            applicant=applicant,
            materials=materials,
            acting_user=acting_user,
            proxy=proxy,
            channel=channel,
            service_point=service_point,
            idempotency_key=idempotency_key,
            client_address=client_address,
        )
    except IntegrityError:
        # A concurrent call with the same key committed first: ours was rolled back (the whole
        # transaction, or the savepoint inside a caller's), so answer with theirs.
        if idempotency_key:
            existing = (
                IdempotencyKey.objects.filter(key=idempotency_key).select_related("case").first()
            )
            if existing is not None:
                return existing.case
        raise


@transaction.atomic
def _receive_intake(
    *,
    item,
    applicant,
    materials,
    acting_user,
    proxy=None,
    channel=IntakeChannel.WINDOW,
    service_point=None,
    idempotency_key=None,
    client_address=None,
):
    if not is_clerk(acting_user):
        raise forbidden("只有综合窗口人员可以收件 / Only window clerks receive applications")
    if idempotency_key:
        # Usually a new key: ask for the case id only, and load the case on a repeat.
        case_id = IdempotencyKey.objects.filter(key=idempotency_key).values_list("case_id").first()
        if case_id is not None:
            return Case.objects.get(pk=case_id[0])
    if item.status != ItemStatus.PUBLISHED:
        raise CaseActionError(
            "item_not_published",
            "该事项版本未发布，不能受理 / This item version is not published",
            status=422,
        )
    if channel not in item.channels and channel != IntakeChannel.API:
        raise CaseActionError(
            "channel_not_allowed",
            "该事项不允许通过此渠道办理 / This item cannot be applied for through this channel",
            status=422,
        )
    id_number, phone, proxy_id, proxy_phone = clean_applicant(applicant, proxy)
    case = Case.objects.create(
        item=item,
        state=CaseState.SUBMITTED,
        channel=channel,
        # By id: acting_user.department may not be loaded, and only its id is needed here.
        service_point_id=service_point.pk if service_point else acting_user.department_id,
        clerk=acting_user,
        applicant_kind=applicant.kind,
        applicant_name=applicant.name.strip(),
        applicant_id_number=id_number,
        applicant_phone=phone,
        legal_representative=applicant.legal_representative.strip(),
        contact_name=applicant.contact_name.strip(),
        proxy_name=proxy.name.strip() if proxy else "",
        proxy_id_number=proxy_id,
        proxy_phone=proxy_phone,
        received_on=today(),
    )
    materials_by_id = {m.pk: m for m in item.materials.all()}
    _apply_material_lines(
        case, materials, materials_by_id=materials_by_id, now=timezone.now(), existing={}
    )
    if idempotency_key:
        # No savepoint: a duplicate key rolls the whole intake back (see do_receive_intake).
        IdempotencyKey.objects.create(key=idempotency_key, case=case)
    record(
        case,
        "receive_intake",
        acting_user=acting_user,
        from_state=CaseState.DRAFT,
        client_address=client_address,
        item=item.code,
        version=item.version,
    )
    return case


@transaction.atomic
def do_update_intake_materials(case, *, materials, acting_user, client_address=None):
    """The applicant came back with materials: update the same intake's checklist."""
    if not is_clerk(acting_user):
        raise forbidden()
    case = lock_case(case)
    require_state(case, CaseState.SUBMITTED, CaseState.NEEDS_SUPPLEMENT)
    materials_by_id = {m.pk: m for m in case.item.materials.all()}
    _apply_material_lines(case, materials, materials_by_id=materials_by_id, now=timezone.now())
    record(
        case,
        "update_intake_materials",
        acting_user=acting_user,
        from_state=case.state,
        client_address=client_address,
    )
    return case


def _missing(case):
    """Checklist lines that block acceptance, and the tolerated ones that may wait."""
    blocking, tolerated = [], []
    for row in case.materials.select_related("material"):
        if row.status in (
            MaterialStatus.MISSING,
            MaterialStatus.DEFECTIVE,
            MaterialStatus.TOLERATED,
        ):
            if row.material.requirement == Requirement.TOLERATED:
                tolerated.append(row)
            elif row.material.requirement == Requirement.REQUIRED:
                blocking.append(row)
    return blocking, tolerated


@transaction.atomic
def do_accept_case(case, *, acting_user, supplement_due=None, client_address=None):
    """Accept (受理): number the case, copy the flow, open the first stage, start the clock.

    Only materials flagged 容缺 may still be missing; then a supplement-by date is required and the
    result cannot be issued before they arrive. An on-the-spot item is decided at once.
    """
    if not is_clerk(acting_user):
        raise forbidden("只有综合窗口人员可以受理 / Only window clerks accept applications")
    case = lock_case(case)
    require_state(case, CaseState.SUBMITTED, CaseState.NEEDS_SUPPLEMENT)
    blocking, tolerated = _missing(case)
    if blocking:
        names = "、".join(row.material.name for row in blocking)
        raise CaseActionError(
            "materials_missing",
            f"缺少必要材料，不能受理：{names} / Required materials are missing: {len(blocking)}",
            status=422,
            detail=[
                {"type": "missing", "loc": ["materials", row.material_id], "msg": row.material.name}
                for row in blocking
            ],
        )
    on = today()
    if tolerated:
        if supplement_due is None:
            supplement_due = workdays.add_workdays(on, settings.ONEWINDOW_TOLERATED_SUPPLEMENT_DAYS)
        if supplement_due <= on:
            raise invalid_input(
                "supplement_due",
                "容缺补齐期限须晚于今天 / The supplement-by date must be after today",
            )
        CaseMaterial.objects.filter(pk__in=[row.pk for row in tolerated]).update(
            status=MaterialStatus.TOLERATED
        )
    else:
        supplement_due = None
    from_state = case.state
    case.number = numbering.case_number(settings.ONEWINDOW_REGION_CODE, on)
    case.accepted_on = on
    case.supplement_due = supplement_due
    case.state = CaseState.ACCEPTED
    open_tasks = _copy_flow(case, on)
    record(
        case,
        "accept_case",
        acting_user=acting_user,
        from_state=from_state,
        client_address=client_address,
        tolerated=[row.material.name for row in tolerated],
        supplement_due=str(supplement_due or ""),
    )
    # Accepted, then at once in review: one UPDATE stores the number, the state and the deadlines.
    case.state = CaseState.IN_REVIEW
    recompute_deadlines(
        case,
        on=on,
        suspensions=(),
        tasks=open_tasks,
        extra_fields=["number", "accepted_on", "supplement_due", "state"],
    )
    if not case.item.is_on_the_spot:
        for task in open_tasks:
            if task.colour in WARNING_COLOURS:
                # A step shorter than the warning window is yellow from its first day.
                announce_task_colour(task, task.colour)
    if case.item.is_on_the_spot:
        from onewindow.cases.actions.review import decide_on_the_spot

        decide_on_the_spot(case, acting_user=acting_user, client_address=client_address)
        case.refresh_from_db()
    return case


def _copy_flow(case, on):
    """The item version's stages become the case's; the first stage opens now, its tasks with their
    due dates and colours. Two bulk INSERTs whatever the flow; returns the open tasks."""
    flow = list(case.item.stages.prefetch_related("steps"))
    stages = CaseStage.objects.bulk_create(
        CaseStage(
            case=case,
            position=position,
            name=flow_stage.name,
            state=StageState.OPEN if position == 0 else StageState.PENDING,
            opened_on=on if position == 0 else None,
        )
        for position, flow_stage in enumerate(flow)
    )
    tasks = []
    for stage, flow_stage in zip(stages, flow, strict=True):
        for step in flow_stage.steps.all():
            task = ReviewTask(
                case=case,
                stage=stage,
                department_id=step.department_id,
                task_name=step.task_name,
                limit_days=step.limit_days,
                state=TaskState.PENDING,
            )
            if stage.position == 0:
                task.state, task.opened_on = TaskState.OPEN, on
                task.due_date = task_due_date(task, ())
                task.colour = colour_for(task.due_date, on)
            tasks.append(task)
    ReviewTask.objects.bulk_create(tasks)
    return [task for task in tasks if task.state == TaskState.OPEN]


@transaction.atomic
def do_issue_supplement_notice(case, *, defects, acting_user, client_address=None):
    """One-time notice (一次性告知): every missing or defective material with its reason, at once.

    `defects` maps material id → reason; materials not received are listed too. The clock has not
    started; the case waits in needs_supplement and the clerk continues it when the applicant returns.
    """
    if not is_clerk(acting_user):
        raise forbidden()
    case = lock_case(case)
    require_state(case, CaseState.SUBMITTED, CaseState.NEEDS_SUPPLEMENT)
    rows = {row.material_id: row for row in case.materials.select_related("material")}
    for material_id, reason in (defects or {}).items():
        row = rows.get(int(material_id))
        if row is None:
            raise invalid_input(
                "defects",
                f"材料 {material_id} 不属于该办件 / Material {material_id} is not on this case",
            )
        row.status = (
            MaterialStatus.DEFECTIVE
            if row.status == MaterialStatus.RECEIVED
            else MaterialStatus.MISSING
        )
        row.defect = reason.strip() or "需补正"
        row.save(update_fields=["status", "defect"])
    listed = [
        row
        for row in rows.values()
        if row.status in (MaterialStatus.MISSING, MaterialStatus.DEFECTIVE)
    ]
    if not listed:
        raise CaseActionError(
            "nothing_to_supplement",
            "材料齐全，无需补正，请直接受理 / Nothing is missing: accept the case instead",
            status=422,
        )
    from_state = case.state
    set_state(case, CaseState.NEEDS_SUPPLEMENT)
    record(
        case,
        "issue_supplement_notice",
        acting_user=acting_user,
        from_state=from_state,
        client_address=client_address,
        materials=[{"name": row.material.name, "reason": row.defect} for row in listed],
    )
    return case


@transaction.atomic
def do_not_accept(case, *, reason, acting_user, client_address=None):
    """不予受理: in writing, with reasons and the applicant's remedies (Art. 32)."""
    if not is_clerk(acting_user):
        raise forbidden()
    if not (reason or "").strip():
        raise invalid_input("reason", "不予受理须说明理由 / A reason is required")
    case = lock_case(case)
    require_state(case, CaseState.SUBMITTED, CaseState.NEEDS_SUPPLEMENT)
    from_state = case.state
    case.reason = reason.strip()
    set_state(case, CaseState.NOT_ACCEPTED, extra_fields=["reason"])
    record(
        case,
        "not_accept",
        acting_user=acting_user,
        from_state=from_state,
        reason=case.reason,
        client_address=client_address,
    )
    return case


@transaction.atomic
def do_receive_tolerated_materials(case, *, material_ids, acting_user, client_address=None):
    """The 容缺 materials arrived after acceptance: the result may now be issued."""
    if not is_clerk(acting_user):
        raise forbidden()
    case = lock_case(case)
    require_state(
        case, CaseState.ACCEPTED, CaseState.IN_REVIEW, CaseState.SUSPENDED, CaseState.DECIDED
    )
    rows = list(
        case.materials.filter(
            material_id__in=material_ids, status=MaterialStatus.TOLERATED
        ).select_related("material")
    )
    if len(rows) != len(set(material_ids)):
        raise invalid_input(
            "material_ids",
            "只能补收容缺材料 / Only tolerated missing materials can be received here",
        )
    now = timezone.now()
    for row in rows:
        row.status, row.received_at = MaterialStatus.RECEIVED, now
        row.save(update_fields=["status", "received_at"])
    if not case.materials.filter(status=MaterialStatus.TOLERATED).exists():
        case.supplement_due = None
        case.save(update_fields=["supplement_due", "updated_at"])
    record(
        case,
        "receive_tolerated_materials",
        acting_user=acting_user,
        from_state=case.state,
        client_address=client_address,
        materials=[row.material.name for row in rows],
    )
    return case
