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
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from onewindow.cases.actions import statements
from onewindow.cases.actions.common import require_state
from onewindow.cases.constants import ApplicantKind, CaseState, MaterialStatus
from onewindow.cases.errors import (
    CaseActionError,
    forbidden,
    invalid_input,
    invalid_value,
    not_found,
    wrong_state,
)
from onewindow.cases.models import Case
from onewindow.cases.permissions import at_own_point, is_clerk, service_point_id_of
from onewindow.catalog.constants import DepartmentKind
from onewindow.catalog.models import Department
from onewindow.core import audit
from onewindow.core.batch import Batch, CheckFailed, Sql
from onewindow.core.identity import (
    InvalidIdentity,
    compact_identity,
    mask_id,
    validate_resident_id,
)
from onewindow.core.text import InvalidText, clean_name, clean_text
from onewindow.delivery import codes
from onewindow.delivery.constants import CollectorKind, DeliveryState, VisitKind
from onewindow.delivery.errors import (
    bad_code_format,
    code_expired,
    code_used,
    result_at_other_point,
    tolerated_outstanding,
)
from onewindow.delivery.models import Delivery, Visit, WindowPickup
from onewindow.notifications.notify import tell_applicant, tell_applicant_in_batch


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
        code_hash=codes.code_hash(f"window:{delivery.case_id}", code),
        lookup_hash=codes.lookup_hash(place.pk if place else None, code),
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


def _check_collector(collector):
    """The collector's (name, ID number), normalised, or a 422 naming the field. The applicant's
    own number is compared with the case's in the hand-over batch; an empty name means theirs."""
    try:
        name = clean_name(collector.name, field="collector.name", label=_("领取人姓名"))
    except InvalidText as error:
        raise invalid_value(error) from None
    if collector.kind == CollectorKind.APPLICANT:
        typed = compact_identity(collector.id_number)
        if not typed:
            raise invalid_input(
                "collector.id_number",
                _("请填写领取人证件号码"),
            )
        return name, typed
    if collector.kind != CollectorKind.PROXY:
        raise invalid_input("collector.kind", _("领取人身份无效"))
    if not name:
        raise invalid_input("collector.name", _("请填写代领人姓名"))
    try:
        id_number = validate_resident_id(collector.id_number, field="collector.id_number")
    except InvalidIdentity as error:
        raise invalid_value(error) from None
    try:
        reference = clean_text(
            collector.authorisation_reference,
            field="collector.authorisation_reference",
            label=_("授权委托书编号"),
        )
    except InvalidText as error:
        raise invalid_value(error) from None
    if not reference and collector.authorisation_scan is None:
        raise CaseActionError(
            "authorisation_missing",
            _("他人代领须提供申请人的授权委托书（填写编号或上传扫描件）"),
            status=422,
            detail=[{"type": "missing", "loc": ["collector.authorisation"], "msg": "required"}],
        )
    return name, id_number


def _save_scan(scan):
    """The authorisation scan written to storage: (name, sha256)."""
    from onewindow.cases.uploads import ALLOWED

    field = WindowPickup._meta.get_field("authorisation_scan")
    name = field.generate_filename(None, f"{uuid.uuid4().hex}{ALLOWED.get(scan.content_type, '')}")
    stored = field.storage.save(name, ContentFile(scan.content))
    return stored, scan.sha256 or hashlib.sha256(scan.content).hexdigest()


# The case's pickup still waiting at the window (over the case `c`), with more conditions.
WAITING_PICKUP = (
    "EXISTS (SELECT 1 FROM delivery_windowpickup p JOIN delivery_delivery d ON d.id = p.delivery_id "
    "WHERE d.case_id = c.id AND p.collected_at IS NULL AND d.state IN (%s, %s){more})"
)
AT_WINDOW = [DeliveryState.READY, DeliveryState.RETURNED]

# The collector's ID (the second parameter) is that of the enterprise applicant's legal
# representative recorded at intake (over the case `c`; the first parameter: the enterprise
# kind): they collect as the applicant.
AS_REPRESENTATIVE = (
    "(c.applicant_kind = %s AND c.legal_representative_id_number <> '' "
    "AND UPPER(c.legal_representative_id_number) = %s)"
)


def do_hand_over_at_window(case, *, pickup_code, collector, acting_user, client_address=None):
    """ISSUED → DELIVERED at the window: the code matches, the collector's ID is checked, the
    hand-over is recorded with who collected it, and the visit is counted.

    One core.batch (one round trip on PostgreSQL) with the checks in SQL, then the `delivered`
    message in the same transaction. The error path reads more for a precise message."""
    if not is_clerk(acting_user):
        raise forbidden()
    code = codes.normalise(pickup_code)
    if code is None:
        raise bad_code_format("pickup_code")
    name, id_number = _check_collector(collector)
    proxy = collector.kind == CollectorKind.PROXY
    digest = codes.code_hash(f"window:{case.pk}", code)
    now = timezone.now()
    scan_name, scan_sha256 = "", ""
    if proxy and collector.authorisation_scan is not None:
        scan_name, scan_sha256 = _save_scan(collector.authorisation_scan)
    reference = (collector.authorisation_reference or "").strip()[:100] if proxy else ""
    try:
        with transaction.atomic():
            collected_by = _hand_over_batch(
                case,
                digest=digest,
                now=now,
                kind=collector.kind,
                name=name,
                id_number=id_number,
                reference=reference,
                scan=(scan_name, scan_sha256),
                acting_user=acting_user,
                client_address=client_address,
            )
    except Exception as error:
        if scan_name:  # the scan of a hand-over that did not happen
            WindowPickup._meta.get_field("authorisation_scan").storage.delete(scan_name)
        if isinstance(error, _WrongCode):
            raise _count_wrong_code(case, now, acting_user, client_address) from None
        raise
    case.state, case.collected_at, case.collected_by = CaseState.DELIVERED, now, collected_by
    return case


# Where the result waits: the service point of its latest pickup code (a transfer issues a new
# code at the new point; the codes before it stop working).
RESULT_POINT = (
    "COALESCE((SELECT p.service_point_id FROM delivery_windowpickup p JOIN delivery_delivery d "
    "ON d.id = p.delivery_id WHERE d.case_id = c.id AND p.collected_at IS NULL "
    "ORDER BY p.issued_at DESC, p.id DESC LIMIT 1), 0)"
)


def _own_point_condition(acting_user):
    """The hand-over's check that the result waits at the clerk's own point (before the code is
    checked: a clerk elsewhere learns nothing about the code). Superusers hand over anywhere."""
    if acting_user.is_superuser:
        return []
    return [(f"{RESULT_POINT} <> %s", [service_point_id_of(acting_user) or 0], "other_point")]


def waiting_point(delivery):
    """The service point where the issued result of `delivery` waits at a window (the point of
    its latest uncollected pickup code), or None when it waits at none."""
    latest = (
        delivery.window_pickups.filter(collected_at__isnull=True)
        .select_related("service_point")
        .order_by("-issued_at", "-id")
        .first()
    )
    return latest.service_point if latest is not None else None


def _hand_over_batch(
    case, *, digest, now, kind, name, id_number, reference, scan, acting_user, client_address
):
    # The `delivered` message is written by the batch too; its key names the delivery.
    delivery_id = Delivery.objects.filter(case_id=case.pk).values_list("pk", flat=True).first()
    batch = Batch()
    statements.lock_case(batch, case.pk)
    conditions = [
        ("c.state <> %s", [CaseState.ISSUED], "case_state"),
        (
            "EXISTS (SELECT 1 FROM delivery_delivery d WHERE d.case_id = c.id AND d.state = %s)",
            [DeliveryState.IN_LOCKER],
            "in_locker",
        ),
        ("NOT " + WAITING_PICKUP.format(more=""), AT_WINDOW, "not_at_window"),
        *_own_point_condition(acting_user),
        (
            "c.supplement_due IS NOT NULL AND EXISTS (SELECT 1 FROM cases_casematerial m "
            "WHERE m.case_id = c.id AND m.status = %s)",
            [MaterialStatus.TOLERATED],
            "tolerated_materials_outstanding",
        ),
        (
            # Too many wrong codes: the current code is void until the clerk resends one.
            WAITING_PICKUP.format(more=" AND p.expires_at > %s AND p.failed_attempts >= %s"),
            [*AT_WINDOW, now, settings.ONEWINDOW_PICKUP_MAX_ATTEMPTS],
            "code_locked",
        ),
        (
            "NOT " + WAITING_PICKUP.format(more=" AND p.code_hash = %s"),
            [*AT_WINDOW, digest],
            "wrong_code",
        ),
        (
            "NOT " + WAITING_PICKUP.format(more=" AND p.code_hash = %s AND p.expires_at > %s"),
            [*AT_WINDOW, digest, now],
            "code_expired",
        ),
    ]
    if kind == CollectorKind.APPLICANT:
        conditions.append(
            (
                f"UPPER(c.applicant_id_number) <> %s AND NOT {AS_REPRESENTATIVE}",
                [id_number, ApplicantKind.ENTERPRISE, id_number],
                "id_mismatch",
            )
        )
    statements.check_case(batch, case.pk, conditions)
    # An applicant who gave no name collects under the name on the case: the legal
    # representative's when it is their ID.
    who = Sql(
        f"CASE WHEN %s = '' THEN (SELECT CASE WHEN {AS_REPRESENTATIVE} THEN c.legal_representative "
        "ELSE c.applicant_name END FROM cases_case c WHERE c.id = %s) ELSE %s END",
        (name, ApplicantKind.ENTERPRISE, id_number, case.pk, name),
    )
    pickup_row = (
        "delivery_id = (SELECT id FROM delivery_delivery WHERE case_id = %s) AND code_hash = %s"
    )
    batch.execute(
        f"UPDATE delivery_windowpickup SET collected_at = %s, collector_kind = %s, "
        f"collector_name = {who.text}, collector_id_number = %s, authorisation_reference = %s, "
        f"authorisation_scan = %s, authorisation_sha256 = %s, handed_over_by_id = %s "
        f"WHERE {pickup_row} AND collected_at IS NULL AND expires_at > %s",
        [now, kind, *who.params, id_number, reference, *scan, acting_user.pk, case.pk, digest, now],
    )
    batch.execute(
        "UPDATE delivery_delivery SET state = %s, delivered_at = %s, updated_at = %s "
        "WHERE case_id = %s",
        [DeliveryState.DELIVERED, now, now, case.pk],
    )
    updated = batch.fetch(
        f"UPDATE cases_case SET state = %s, collected_at = %s, collected_by = {who.text}, "
        "updated_at = %s WHERE id = %s RETURNING collected_by",
        [CaseState.DELIVERED, now, *who.params, now, case.pk],
    )
    batch.insert_row(
        Visit,
        {
            "case_id": case.pk,
            "kind": VisitKind.PICKUP,
            "service_point_id": Sql(
                f"COALESCE((SELECT service_point_id FROM delivery_windowpickup WHERE {pickup_row} "
                "ORDER BY id DESC LIMIT 1), %s)",
                (case.pk, digest, acting_user.department_id),
            ),
            "clerk_id": acting_user.pk,
            "at": now,
        },
    )
    statements.audit(
        batch,
        "hand_over_at_window",
        case_id=case.pk,
        acting_user=acting_user,
        from_state=CaseState.ISSUED,
        to_state=CaseState.DELIVERED,
        client_address=client_address,
        details=[
            ("collected_by", Sql("c.collected_by")),
            ("collector_kind", kind),
            (
                "collector_role",
                Sql(
                    f"CASE WHEN %s <> %s THEN %s WHEN {AS_REPRESENTATIVE} THEN %s ELSE %s END",
                    (
                        kind,
                        CollectorKind.APPLICANT,
                        "",
                        ApplicantKind.ENTERPRISE,
                        id_number,
                        "legal_representative",
                        "applicant",
                    ),
                ),
            ),
            ("collector_id", mask_id(id_number)),
            ("authorisation", reference),
            ("authorisation_sha256", scan[1]),
        ],
        alongside=True,  # reads the case's number, which the UPDATEs leave alone
    )
    after_messages = tell_applicant_in_batch(
        batch, case, "delivered", event_key=f"delivered:{delivery_id}"
    )
    try:
        results = batch.run()
    except CheckFailed as failed:
        if failed.code == "wrong_code":
            raise _WrongCode from None  # counted once this transaction is rolled back
        raise _hand_over_error(failed.code, case, digest) from None
    after_messages(results)
    return results[updated][0][0]


class _WrongCode(Exception):
    pass


def _pickup_locked():
    return CaseActionError(
        "locked_out",
        _("领取码已输错 %(attempts)d 次，已停用。请核实领取人身份，并为申请人重新发送领取码。")
        % {"attempts": settings.ONEWINDOW_PICKUP_MAX_ATTEMPTS},
        status=429,
        detail=[{"type": "locked", "loc": ["pickup_code"], "msg": "resend"}],
    )


def _count_wrong_code(case, now, acting_user, client_address):
    """One more wrong code against the case's current pickup code (committed on its own: the
    hand-over's transaction is gone); the error to show. The attempt that reaches the limit voids
    the code (`code_locked` in the batch) and is logged."""
    current = WindowPickup.objects.filter(
        delivery__case_id=case.pk, collected_at__isnull=True, expires_at__gt=now
    )
    current.update(failed_attempts=F("failed_attempts") + 1)
    attempts = max(current.values_list("failed_attempts", flat=True), default=0)
    limit = settings.ONEWINDOW_PICKUP_MAX_ATTEMPTS
    if attempts >= limit:
        if attempts == limit:
            audit.record(
                action="pickup_code_locked",
                object_type="cases.case",
                object_id=case.pk,
                acting_user=acting_user,
                client_address=client_address,
                details={"attempts": attempts},
            )
        return _pickup_locked()
    left = limit - attempts
    return CaseActionError(
        "wrong_code",
        ngettext(
            "领取码不正确，还可尝试 %(left)d 次。",
            "领取码不正确，还可尝试 %(left)d 次。",
            left,
        )
        % {"left": left},
        status=422,
        detail=[{"type": "wrong", "loc": ["pickup_code"], "msg": str(left)}],
    )


def _hand_over_error(code, case, digest):
    if code == "not_found":
        return not_found()
    pickups = WindowPickup.objects.filter(delivery__case_id=case.pk, code_hash=digest)
    if code == "case_state":
        current = Case.objects.get(pk=case.pk)
        used = pickups.filter(collected_at__isnull=False).first()
        if current.state == CaseState.DELIVERED and used is not None:
            return code_used(used.collected_at)
        return wrong_state(current, (CaseState.ISSUED,))
    if code == "in_locker":
        return CaseActionError(
            "in_locker",
            _("结果已放入自助取件柜，请申请人凭取件码到柜取件"),
        )
    if code == "not_at_window":
        return CaseActionError("not_at_window", _("结果不在窗口待领取"))
    if code == "other_point":
        delivery = Delivery.objects.get(case_id=case.pk)
        return result_at_other_point(waiting_point(delivery))
    if code == "tolerated_materials_outstanding":
        return tolerated_outstanding()
    if code == "code_locked":
        return _pickup_locked()
    if code == "code_expired":
        return code_expired(
            pickups.filter(collected_at__isnull=True).latest("expires_at").expires_at
        )
    if code == "id_mismatch":
        enterprise = Case.objects.filter(pk=case.pk, applicant_kind=ApplicantKind.ENTERPRISE)
        return CaseActionError(
            "id_mismatch",
            _(
                "证件号码与申请单位的统一社会信用代码及登记的法定代表人身份证号码均不一致；"
                "他人代领须提供本人身份证和授权委托书"
            )
            if enterprise.exists()
            else _("证件号码与申请人不一致；他人代领须提供本人身份证和授权委托书"),
            status=422,
            detail=[{"type": "invalid", "loc": ["collector.id_number"], "msg": "id_mismatch"}],
        )
    return CaseActionError(code, code)


def require_issued_delivery(case):
    """The locked delivery of an issued case (for the locker actions)."""
    require_state(case, CaseState.ISSUED)
    delivery = Delivery.objects.select_for_update().filter(case=case).first()
    if delivery is None:
        raise wrong_state(case, (CaseState.ISSUED,))
    return delivery


@transaction.atomic
def do_resend_pickup_code(case, *, acting_user, client_address=None):
    """A new window pickup code for an issued result waiting at the window (the code expired or
    the SMS was lost): the old codes stop working, the new one is sent. Returns the WindowPickup
    (code in clear as `.code`)."""
    from onewindow.cases.actions.common import lock_case, record

    if not is_clerk(acting_user):
        raise forbidden()
    case = lock_case(case)
    delivery = require_issued_delivery(case)
    if delivery.state not in AT_WINDOW:
        raise CaseActionError("not_at_window", _("结果不在窗口待领取"))
    point = waiting_point(delivery)
    if point is not None and not at_own_point(acting_user, point.pk):
        raise result_at_other_point(point)
    now = timezone.now()
    waiting = delivery.window_pickups.filter(collected_at__isnull=True)
    previous = waiting.order_by("-issued_at").first()
    waiting.filter(expires_at__gt=now).update(expires_at=now)
    delivery.case = case
    count = delivery.window_pickups.count()
    pickup = start_window_pickup(
        delivery,
        place=previous.service_point if previous else None,
        event_key=f"ready_for_pickup:{delivery.pk}:resent:{count}",
        now=now,
    )
    record(
        case,
        "resend_pickup_code",
        acting_user=acting_user,
        from_state=case.state,
        client_address=client_address,
    )
    return pickup
