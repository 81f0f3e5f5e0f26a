"""Pickup at the window (窗口领取): a pickup code when the result is ready, and the hand-over,
where the clerk checks the code and the collector's ID (the applicant's own, or a proxy's with the
applicant's letter of authorisation, 委托书)."""

import hashlib
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from onewindow.cases.actions.common import lock_case, record, require_state
from onewindow.cases.constants import CaseState, MaterialStatus
from onewindow.cases.errors import CaseActionError, forbidden, invalid_input, wrong_state
from onewindow.cases.permissions import is_clerk
from onewindow.catalog.constants import DepartmentKind
from onewindow.catalog.models import Department
from onewindow.core.identity import InvalidIdentity, mask_id, validate_resident_id
from onewindow.delivery import codes
from onewindow.delivery.constants import CollectorKind, DeliveryState, VisitKind
from onewindow.delivery.errors import (
    bad_code_format,
    code_expired,
    code_used,
    tolerated_outstanding,
)
from onewindow.delivery.models import Delivery, Visit, WindowPickup
from onewindow.delivery.notify import tell_applicant


@dataclass(frozen=True)
class Collector:
    """Who came for the result: the applicant (`id_number` must be the applicant's), or a proxy
    (a valid resident ID of their own and the applicant's authorisation letter: a reference and/or
    a scan, a CheckedUpload)."""

    kind: str = CollectorKind.APPLICANT
    name: str = ""
    id_number: str = ""
    authorisation_reference: str = ""
    authorisation_scan: object = None


def window_for(case):
    """Where a result waits: the service point that received the case, else the district hall."""
    if case.service_point_id:
        return case.service_point
    return Department.objects.filter(kind=DepartmentKind.HALL).order_by("id").first()


def start_window_pickup(delivery, *, place=None, event_key=None, now=None):
    """A new pickup code for the result of `delivery`, sent to the applicant (inside the caller's
    transaction). Returns the WindowPickup, with the code in clear as `.code` (never stored)."""
    case = delivery.case
    now = now or timezone.now()
    place = place or window_for(case)
    code = codes.new_code()
    pickup = WindowPickup.objects.create(
        delivery=delivery,
        service_point=place,
        code_hash=codes.code_hash(f"window:{delivery.pk}", code),
        issued_at=now,
        expires_at=now + timedelta(days=settings.ONEWINDOW_PICKUP_CODE_DAYS),
    )
    tell_applicant(
        case,
        "ready_for_pickup",
        event_key=event_key or f"ready_for_pickup:{delivery.pk}",
        context={"place": place.name if place else "政务服务中心", "code": code},
    )
    pickup.code = code
    return pickup


def _check_collector(case, collector):
    """The collector's identity, normalised, or a 422 naming the field."""
    name = (collector.name or "").strip()
    if collector.kind == CollectorKind.APPLICANT:
        typed = (collector.id_number or "").strip().upper().replace(" ", "")
        if not typed:
            raise invalid_input(
                "collector.id_number",
                "请填写领取人证件号码 / The collector's ID number is required",
            )
        if typed != case.applicant_id_number.upper():
            raise CaseActionError(
                "id_mismatch",
                "证件号码与申请人不一致；他人代领须提供本人身份证和授权委托书 / The ID number is "
                "not the applicant's: a proxy needs their own ID and a letter of authorisation",
                status=422,
                detail=[{"type": "invalid", "loc": ["collector.id_number"], "msg": "id_mismatch"}],
            )
        return name or case.applicant_name, typed
    if collector.kind != CollectorKind.PROXY:
        raise invalid_input("collector.kind", "领取人身份无效 / Unknown collector kind")
    if not name:
        raise invalid_input("collector.name", "请填写代领人姓名 / The proxy's name is required")
    try:
        id_number = validate_resident_id(collector.id_number, field="collector.id_number")
    except InvalidIdentity as error:
        raise invalid_input(error.field, error.message) from None
    if (
        not (collector.authorisation_reference or "").strip()
        and collector.authorisation_scan is None
    ):
        raise CaseActionError(
            "authorisation_missing",
            "他人代领须提供申请人的授权委托书（填写编号或上传扫描件） / A proxy needs the "
            "applicant's letter of authorisation (its reference or a scan)",
            status=422,
            detail=[{"type": "missing", "loc": ["collector.authorisation"], "msg": "required"}],
        )
    return name, id_number


def do_hand_over_at_window(case, *, pickup_code, collector, acting_user, client_address=None):
    """ISSUED → DELIVERED at the window: the code matches, the collector's ID is checked, the
    hand-over is recorded with who collected it, and the visit is counted."""
    if not is_clerk(acting_user):
        raise forbidden()
    code = codes.normalise(pickup_code)
    if code is None:
        raise bad_code_format("pickup_code")
    saved = []
    try:
        with transaction.atomic():
            return _hand_over(case, code, collector, acting_user, client_address, saved)
    except Exception:
        for name in saved:  # the scan of a hand-over that did not happen
            WindowPickup._meta.get_field("authorisation_scan").storage.delete(name)
        raise


def _hand_over(case, code, collector, acting_user, client_address, saved):
    case = lock_case(case)
    delivery = Delivery.objects.select_for_update().filter(case=case).first()
    scope = f"window:{delivery.pk}" if delivery else ""
    if case.state == CaseState.DELIVERED and delivery is not None:
        for used in delivery.window_pickups.filter(collected_at__isnull=False):
            if codes.matches(used.code_hash, scope, code):
                raise code_used(used.collected_at)
    require_state(case, CaseState.ISSUED)
    if delivery.state == DeliveryState.IN_LOCKER:
        raise CaseActionError(
            "in_locker",
            "结果已放入自助取件柜，请申请人凭取件码到柜取件 / The result is in a locker: the "
            "applicant collects it there with the locker code",
        )
    pickup = (
        delivery.window_pickups.filter(collected_at__isnull=True).order_by("-issued_at").first()
    )
    if pickup is None or delivery.state not in (DeliveryState.READY, DeliveryState.RETURNED):
        raise CaseActionError(
            "not_at_window",
            "结果不在窗口待领取 / The result is not waiting at the window",
        )
    if (
        case.supplement_due is not None
        and case.materials.filter(status=MaterialStatus.TOLERATED).exists()
    ):
        raise tolerated_outstanding()
    if not codes.matches(pickup.code_hash, scope, code):
        raise CaseActionError("wrong_code", "领取码不正确 / The pickup code is wrong", status=422)
    now = timezone.now()
    if pickup.expires_at <= now:
        raise code_expired(pickup.expires_at)
    name, id_number = _check_collector(case, collector)

    pickup.collected_at, pickup.collector_kind = now, collector.kind
    pickup.collector_name, pickup.collector_id_number = name, id_number
    pickup.authorisation_reference = (collector.authorisation_reference or "").strip()[:100]
    pickup.handed_over_by = acting_user
    scan = collector.authorisation_scan if collector.kind == CollectorKind.PROXY else None
    if scan is not None:
        from onewindow.cases.uploads import ALLOWED

        field = WindowPickup._meta.get_field("authorisation_scan")
        name_on_disk = field.generate_filename(
            pickup, f"{uuid.uuid4().hex}{ALLOWED.get(scan.content_type, '')}"
        )
        stored = field.storage.save(name_on_disk, ContentFile(scan.content))
        saved.append(stored)
        pickup.authorisation_scan = stored
        pickup.authorisation_sha256 = scan.sha256 or hashlib.sha256(scan.content).hexdigest()
    pickup.save()
    delivery.state, delivery.delivered_at = DeliveryState.DELIVERED, now
    delivery.save(update_fields=["state", "delivered_at", "updated_at"])
    case.state, case.collected_at, case.collected_by = CaseState.DELIVERED, now, name
    case.save(update_fields=["state", "collected_at", "collected_by", "updated_at"])
    Visit.objects.create(
        case=case,
        kind=VisitKind.PICKUP,
        service_point_id=pickup.service_point_id or acting_user.department_id,
        clerk=acting_user,
        at=now,
    )
    record(
        case,
        "hand_over_at_window",
        acting_user=acting_user,
        from_state=CaseState.ISSUED,
        client_address=client_address,
        collected_by=name,
        collector_kind=collector.kind,
        collector_id=mask_id(id_number),
        authorisation=pickup.authorisation_reference,
        authorisation_sha256=pickup.authorisation_sha256,
    )
    tell_applicant(case, "delivered", event_key=f"delivered:{delivery.pk}")
    return case


def require_issued_delivery(case):
    """The locked delivery of an issued case (for the locker actions)."""
    require_state(case, CaseState.ISSUED)
    delivery = Delivery.objects.select_for_update().filter(case=case).first()
    if delivery is None:
        raise wrong_state(case, (CaseState.ISSUED,))
    return delivery
