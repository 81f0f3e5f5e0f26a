"""One-window intake (一窗受理): receive materials for any item, update the checklist, issue a
one-time notice (一次性告知) or refuse acceptance (不予受理), and receive the tolerated materials
(容缺) that arrive after acceptance. Acceptance itself is in acceptance.py."""

import hashlib
import uuid
from dataclasses import asdict

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from onewindow.cases import hooks
from onewindow.cases.actions import statements
from onewindow.cases.actions.acceptance import published
from onewindow.cases.actions.common import lock_case, record, require_state, set_state
from onewindow.cases.actions.inputs import clean_applicant, clean_defect, clean_lines
from onewindow.cases.constants import CaseState, IntakeChannel, MaterialStatus
from onewindow.cases.errors import CaseActionError, forbidden, invalid_input, invalid_value
from onewindow.cases.models import Case, CaseMaterial, IdempotencyKey
from onewindow.cases.permissions import is_clerk
from onewindow.catalog.constants import ItemStatus, Requirement
from onewindow.core.batch import Batch
from onewindow.core.text import InvalidText, clean_text
from onewindow.notifications.notify import tell_applicant

# Intakes that cost the applicant a visit; online, kiosk and system intakes cost none.
VISIT_CHANNELS = (IntakeChannel.WINDOW, IntakeChannel.VILLAGE)


def _count_visit(case, kind, acting_user, now=None):
    """A window visit for `case` (handing in materials later): where the clerk works."""
    hooks.visit_made.send(
        sender=Case,
        case_id=case.pk,
        kind=kind,
        service_point_id=acting_user.department_id,
        clerk_id=acting_user.pk,
        at=now or timezone.now(),
        batch=None,
    )


def _line_values(line, material, now, *, received_at=None):
    """The checklist row's fields for what the clerk ticked (the file, when any, is saved later)."""
    if line.received:
        values = {
            "status": MaterialStatus.RECEIVED,
            "form": line.form or material.form,
            "copies": line.copies or material.copies,
            "defect": "",
            "received_at": received_at or now,
        }
    else:
        status = MaterialStatus.DEFECTIVE if line.defect else _unticked_status(material)
        values = {"status": status, "defect": line.defect}
    if line.upload is None and line.sha256:
        values["sha256"] = line.sha256
    return values


def _unticked_status(material):
    """A material not handed in (not ticked, or ticked without a defect) is missing when required,
    else simply not handed in."""
    if material.requirement == Requirement.OPTIONAL:
        return MaterialStatus.NOT_REQUIRED
    return MaterialStatus.MISSING


def _material(materials_by_id, line):
    material = materials_by_id.get(line.material_id)
    if material is None:
        raise invalid_input(
            "materials",
            _("材料 %(id)s 不属于该事项") % {"id": line.material_id},
        )
    return material


class SavedScans:
    """Scans written to storage for one action; deleted again when the action fails, so that a
    rolled-back intake leaves no file behind."""

    def __init__(self):
        self.names = []

    def save(self, material, upload):
        from onewindow.cases.uploads import ALLOWED

        # The case may not have an id yet (a new intake): a random name, under the field's folder.
        field_file = CaseMaterial._meta.get_field("file")
        name = field_file.generate_filename(
            None, f"{uuid.uuid4().hex}-{material.pk}{ALLOWED.get(upload.content_type, '')}"
        )
        saved = field_file.storage.save(name, ContentFile(upload.content))
        self.names.append(saved)
        return {
            "file": saved,
            "file_name": upload.name,
            "content_type": upload.content_type,
            "size": upload.size,
            "sha256": upload.sha256,
        }

    def discard(self):
        storage = CaseMaterial._meta.get_field("file").storage
        for name in self.names:
            storage.delete(name)
        self.names = []

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, traceback):
        if exc_type is not None:
            self.discard()
        return False


def _apply_material_lines(case, lines, *, materials_by_id, now, scans):
    """Update an intake's checklist rows (do_update_intake_materials); an unknown material id is
    an error."""
    existing = {cm.material_id: cm for cm in case.materials.all()}
    for line in lines:
        material = _material(materials_by_id, line)
        row = existing.get(line.material_id) or CaseMaterial(
            case=case, material=material, position=material.position
        )
        values = _line_values(line, material, now, received_at=row.received_at)
        if line.upload is not None:
            values.update(scans.save(material, line.upload))
        for name, value in values.items():
            setattr(row, name, value)
        row.save()
        existing[line.material_id] = row
    for material in materials_by_id.values():
        if material.pk not in existing:
            CaseMaterial.objects.create(
                case=case,
                material=material,
                position=material.position,
                status=_unticked_status(material),
            )


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

    One batch: the case, its checklist, the idempotency key and the audit row. With an
    idempotency key, a repeated call with the same request returns the case the first call made,
    also when both run at the same time; the same key with a different request is refused.
    """
    if not is_clerk(acting_user):
        raise forbidden(_("只有综合窗口人员可以收件"))
    if item.status != ItemStatus.PUBLISHED:
        raise CaseActionError(
            "item_not_published",
            _("该事项版本未发布，不能受理"),
            status=422,
        )
    if channel not in item.channels and channel != IntakeChannel.API:
        raise CaseActionError(
            "channel_not_allowed",
            _("该事项不允许通过此渠道办理"),
            status=422,
        )
    clean = clean_applicant(applicant, proxy)
    materials = clean_lines(materials)
    materials_by_id = {m.pk: m for m in published(item).materials}
    lines = {}
    for line in materials:
        _material(materials_by_id, line)
        lines[line.material_id] = line
    now = timezone.now()
    # By id: acting_user.department may not be loaded, and only its id is needed here.
    service_point_id = service_point.pk if service_point else acting_user.department_id
    values = {
        "item_id": item.pk,
        "state": CaseState.SUBMITTED,
        "channel": channel,
        "service_point_id": service_point_id,
        "clerk_id": acting_user.pk,
        "applicant_kind": applicant.kind,
        "applicant_name": clean.name,
        "applicant_id_number": clean.id_number,
        "applicant_phone": clean.phone,
        "applicant_email": clean.email,
        "applicant_language": clean.language,
        "legal_representative": clean.legal_representative,
        "legal_representative_id_number": clean.legal_representative_id_number,
        "contact_name": clean.contact_name,
        "proxy_name": clean.proxy_name,
        "proxy_id_number": clean.proxy_id_number,
        "proxy_phone": clean.proxy_phone,
        "received_on": timezone.localdate(now),
        "created_at": now,
        "updated_at": now,
    }
    fingerprint = _fingerprint(item, channel, service_point_id, applicant, proxy, materials)
    with SavedScans() as scans:
        batch = Batch()
        case_id = batch.insert_row(Case, values, returning_id=True)
        rows = []
        for material in materials_by_id.values():
            line = lines.get(material.pk)
            row = {"case_id": case_id, "material_id": material.pk, "position": material.position}
            if line is None:
                row["status"] = _unticked_status(material)
            else:
                row.update(_line_values(line, material, now))
                if line.upload is not None:
                    row.update(scans.save(material, line.upload))
            rows.append(row)
        batch.insert_rows(CaseMaterial, rows)
        if channel in VISIT_CHANNELS:
            # The applicant came to a window or a village point: one visit (最多跑一次).
            # Delivery owns the visits: it adds its row to this batch (cases/hooks.py).
            hooks.visit_made.send(
                sender=Case,
                case_id=case_id,
                kind="intake",
                service_point_id=service_point_id,
                clerk_id=acting_user.pk,
                at=now,
                batch=batch,
            )
        if idempotency_key:
            batch.insert_row(
                IdempotencyKey,
                {
                    "key": idempotency_key,
                    "user_id": acting_user.pk,
                    "fingerprint": fingerprint,
                    "case_id": case_id,
                    "created_at": now,
                },
            )
        statements.audit(
            batch,
            "receive_intake",
            case_id=case_id,
            acting_user=acting_user,
            from_state=CaseState.DRAFT,
            to_state=CaseState.SUBMITTED,
            client_address=client_address,
            details=[("item", item.code), ("version", item.version)],
        )
        try:
            results = batch.run()
        except IntegrityError:
            replayed = idempotency_key and _replayed(acting_user, idempotency_key, fingerprint)
            if not replayed:
                raise
            scans.discard()  # the first call's files are the case's
            return replayed
    case = Case(pk=results[case_id.index], **values)
    case._state.adding, case._state.db = False, batch.using
    case.item = item
    return case


def _fingerprint(item, channel, service_point_id, applicant, proxy, materials):
    """SHA-256 of what the request asked for: the same key must come with the same request."""
    request = {
        "item": item.pk,
        "channel": channel,
        "service_point": service_point_id,
        "applicant": _without_empty_representative_id(asdict(applicant)),
        "proxy": asdict(proxy) if proxy else None,
        "materials": [
            [
                line.material_id,
                line.received,
                line.form,
                line.copies,
                line.defect,
                line.upload.sha256 if line.upload is not None else line.sha256,
            ]
            for line in materials
        ],
    }
    return hashlib.sha256(statements.dumps(request).encode()).hexdigest()


def _without_empty_representative_id(applicant):
    """The applicant as fingerprinted: without the representative's ID when none was typed, so
    that keys stored before the field existed still match their replays."""
    if not applicant.get("legal_representative_id_number"):
        applicant.pop("legal_representative_id_number", None)
    return applicant


def _replayed(user, key, fingerprint):
    """The case an earlier call with this key made (the key's INSERT failed on it), or None."""
    earlier = IdempotencyKey.objects.filter(user=user, key=key).select_related("case__item").first()
    if earlier is None:
        return None
    if earlier.fingerprint and earlier.fingerprint != fingerprint:
        raise CaseActionError(
            "idempotency_key_reused",
            _("该幂等键已用于另一份不同的申请"),
            status=422,
        )
    return earlier.case


def do_update_intake_materials(case, *, materials, acting_user, client_address=None):
    """The applicant came back with materials: update the same intake's checklist."""
    materials = clean_lines(materials)
    with SavedScans() as scans:
        return _update_intake_materials(
            case,
            materials=materials,
            acting_user=acting_user,
            client_address=client_address,
            scans=scans,
        )


@transaction.atomic
def _update_intake_materials(case, *, materials, acting_user, client_address, scans):
    if not is_clerk(acting_user):
        raise forbidden()
    case = lock_case(case)
    require_state(case, CaseState.SUBMITTED, CaseState.NEEDS_SUPPLEMENT)
    materials_by_id = {m.pk: m for m in case.item.materials.all()}
    now = timezone.now()
    _apply_material_lines(case, materials, materials_by_id=materials_by_id, now=now, scans=scans)
    _count_visit(case, "supplement", acting_user, now)
    record(
        case,
        "update_intake_materials",
        acting_user=acting_user,
        from_state=case.state,
        client_address=client_address,
    )
    return case


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
                _("材料 %(id)s 不属于该办件") % {"id": material_id},
            )
        row.status = (
            MaterialStatus.DEFECTIVE
            if row.status == MaterialStatus.RECEIVED
            else MaterialStatus.MISSING
        )
        row.defect = clean_defect(reason, ["defects", row.material_id]) or "需补正"
        row.save(update_fields=["status", "defect"])
    listed = [
        row
        for row in rows.values()
        if row.status in (MaterialStatus.MISSING, MaterialStatus.DEFECTIVE)
    ]
    if not listed:
        raise CaseActionError(
            "nothing_to_supplement",
            _("材料齐全，无需补正，请直接受理"),
            status=422,
        )
    from_state = case.state
    set_state(case, CaseState.NEEDS_SUPPLEMENT)
    materials = "；".join(
        f"{row.material.name}（{row.defect}）" if row.defect else row.material.name
        for row in listed
    )
    # The same notice issued twice is told once; a changed notice is a new event.
    digest = hashlib.sha256(materials.encode()).hexdigest()[:16]
    tell_applicant(
        case,
        "supplement_notice",
        event_key=f"supplement_notice:{case.pk}:{digest}",
        context={"materials": materials},
    )
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
    try:
        reason = clean_text(reason, field="reason", label=_("不予受理理由"), multiline=True)
    except InvalidText as exc:
        raise invalid_value(exc) from None
    if not reason:
        raise invalid_input("reason", _("不予受理须说明理由"))
    case = lock_case(case)
    require_state(case, CaseState.SUBMITTED, CaseState.NEEDS_SUPPLEMENT)
    from_state = case.state
    case.reason = reason
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
        case,
        CaseState.ACCEPTED,
        CaseState.IN_REVIEW,
        CaseState.SUSPENDED,
        CaseState.DECIDED,
        CaseState.ISSUED,  # issued, but not handed over before they arrive
    )
    rows = list(
        case.materials.filter(
            material_id__in=material_ids, status=MaterialStatus.TOLERATED
        ).select_related("material")
    )
    if len(rows) != len(set(material_ids)):
        raise invalid_input(
            "material_ids",
            _("只能补收容缺材料"),
        )
    now = timezone.now()
    for row in rows:
        row.status, row.received_at = MaterialStatus.RECEIVED, now
        row.save(update_fields=["status", "received_at"])
    _count_visit(case, "supplement", acting_user, now)
    all_arrived = not case.materials.filter(status=MaterialStatus.TOLERATED).exists()
    if all_arrived:
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
    if all_arrived:
        # A result held for the 容缺 materials may go now: delivery routes it (cases/hooks.py).
        hooks.tolerated_materials_arrived.send(sender=Case, case=case, acting_user=acting_user)
    return case
