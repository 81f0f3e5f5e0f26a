"""Issuing, revoking and superseding certificates (证照 / 批文).

Issuing happens inside do_issue_result; revoking and superseding are a head's acts of the issuing
department (cases.permissions.heads), each with a reason and an audit row. The signed payload and
the PDF of a certificate never change: its state lives in the registry, which online verification
reads.
"""

import hashlib
import logging

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from onewindow.cases.errors import forbidden, invalid_input, wrong_state
from onewindow.cases.permissions import heads
from onewindow.core import audit, numbering
from onewindow.delivery import documents, signing
from onewindow.delivery.constants import CertificateState
from onewindow.delivery.models import Certificate

REASON_MAX_LENGTH = 500

logger = logging.getLogger(__name__)


def claim_certificate(case, *, supersedes=None):
    """Step 1 of issuing, inside the caller's short transaction with `case` locked: the
    certificate row with its number, payload and signature, and no file yet. The department's
    counter row is locked only until that transaction commits, not while the PDF renders. A row
    left by an attempt that died before its file was attached (or that another worker is still
    rendering) is returned as it is: the retry keeps its number, and the counter does not move."""
    if supersedes is None:
        pending = (
            Certificate.objects.select_related("department")
            .filter(case=case, pdf="")
            .order_by("pk")
            .first()
        )
        if pending is not None:
            return pending
    item = case.item
    department = item.lead_department
    issued_on = timezone.localdate()
    kind = documents.kind_for(case)
    if supersedes is not None:
        valid_from, valid_until = supersedes.valid_from, supersedes.valid_until
    else:
        valid_from, valid_until = documents.validity(case, kind, issued_on)
    certificate = Certificate(
        number=numbering.certificate_number(department.code, issued_on.year),
        kind=kind,
        case=case,
        holder_name=case.applicant_name,
        holder_id_masked=documents.masked_holder_id(case),
        item_code=item.code,
        item_name=item.name,
        department=department,
        issued_on=issued_on,
        valid_from=valid_from,
        valid_until=valid_until,
    )
    certificate.supersedes_number = supersedes.number if supersedes is not None else None
    certificate.payload = documents.payload_text(documents.payload_for(certificate, case))
    certificate.signature, certificate.key_id = signing.sign(certificate.payload.encode())
    certificate.save()
    return certificate


def render_and_store(certificate, case):
    """Step 2, outside any transaction: render the PDF and write its file. Returns (the stored
    file's name, its SHA-256). Nothing in the database changes: a crash here leaves at most a file
    no row names, and the retry renders again."""
    pdf = documents.render_pdf(certificate, case)
    name = certificate.pdf.storage.save(
        certificate.pdf.field.generate_filename(certificate, f"{certificate.number}.pdf"),
        ContentFile(pdf),
        max_length=certificate.pdf.field.max_length,
    )
    return name, hashlib.sha256(pdf).hexdigest()


def attach_file(certificate, case, name, sha256, *, acting_user=None, supersedes=None):
    """Step 3, in the caller's short transaction with `case` locked (which serialises the
    attempts to issue it): the row names its file; the audit row says the certificate is issued.
    False (and the file is the caller's to delete) when another attempt attached one first."""
    attached = Certificate.objects.filter(pk=certificate.pk, pdf="").update(
        pdf=name, pdf_sha256=sha256
    )
    if not attached:
        return certificate, False
    certificate.pdf.name = name
    certificate.pdf_sha256 = sha256
    audit.record(
        action="issue_certificate",
        obj=certificate,
        acting_user=acting_user,
        to_state=certificate.state,
        details={
            "number": certificate.number,
            "case": case.number or "",
            "kind": certificate.kind,
            "key_id": certificate.key_id,
            "pdf_sha256": certificate.pdf_sha256,
            **({"supersedes": supersedes.number} if supersedes is not None else {}),
        },
    )
    return certificate, True


def discard_file(name):
    """The file of an attempt that lost (or failed): best effort, an orphan file harms nobody."""
    try:
        Certificate._meta.get_field("pdf").storage.delete(name)
    except OSError:
        logger.warning("certificates: could not delete the unused file %s", name)


def issue_certificate(case, *, acting_user=None, supersedes=None):
    """All three steps in the caller's transaction (a re-issue by a head: rare, and the old
    certificate is locked meanwhile anyway). do_issue_result runs them in separate transactions."""
    certificate = claim_certificate(case, supersedes=supersedes)
    name, sha256 = render_and_store(certificate, case)
    try:
        certificate, _ = attach_file(
            certificate, case, name, sha256, acting_user=acting_user, supersedes=supersedes
        )
    except BaseException:
        discard_file(name)
        raise
    return certificate


def _lock(certificate):
    return (
        Certificate.objects.select_for_update(of=("self",))
        .select_related("department")
        .get(pk=certificate.pk)
    )


def _checked_reason(reason):
    reason = (reason or "").strip()
    if not reason:
        raise invalid_input("reason", _("须填写理由"))
    if len(reason) > REASON_MAX_LENGTH:
        raise invalid_input(
            "reason",
            _("理由不能超过 %(limit)s 字") % {"limit": REASON_MAX_LENGTH},
        )
    return reason


def _check_head(certificate, acting_user):
    if not heads(acting_user, certificate.department_id):
        raise forbidden(_("只有发证部门负责人可以撤销或换发证照"))


def _end(certificate, state, *, reason, acting_user, superseded_by=None):
    certificate.state = state
    certificate.revoked_at = timezone.now()
    certificate.reason = reason
    certificate.revoked_by = acting_user
    certificate.superseded_by = superseded_by
    certificate.save(update_fields=["state", "revoked_at", "reason", "revoked_by", "superseded_by"])


@transaction.atomic
def do_revoke_certificate(certificate, *, reason, acting_user, client_address=None):
    """VALID → REVOKED (撤销): verification answers 'revoked' with the date from now on."""
    _check_head(certificate, acting_user)
    reason = _checked_reason(reason)
    certificate = _lock(certificate)
    if certificate.state != CertificateState.VALID:
        raise wrong_state(certificate, [CertificateState.VALID])
    _end(certificate, CertificateState.REVOKED, reason=reason, acting_user=acting_user)
    audit.record(
        action="revoke_certificate",
        obj=certificate,
        acting_user=acting_user,
        from_state=CertificateState.VALID,
        to_state=CertificateState.REVOKED,
        reason=reason,
        client_address=client_address,
        details={"number": certificate.number},
    )
    return certificate


@transaction.atomic
def do_supersede_certificate(certificate, *, reason, acting_user, client_address=None):
    """Re-issue (换发): a new certificate with a new number from the case as it is now, the same
    validity; the old one answers 'superseded'. Returns the new certificate."""
    from onewindow.cases.actions.common import lock_case

    _check_head(certificate, acting_user)
    reason = _checked_reason(reason)
    certificate = _lock(certificate)
    if certificate.state != CertificateState.VALID:
        raise wrong_state(certificate, [CertificateState.VALID])
    case = lock_case(certificate.case_id, related=("item", "item__lead_department"))
    replacement = issue_certificate(case, acting_user=acting_user, supersedes=certificate)
    _end(
        certificate,
        CertificateState.SUPERSEDED,
        reason=reason,
        acting_user=acting_user,
        superseded_by=replacement,
    )
    audit.record(
        action="supersede_certificate",
        obj=certificate,
        acting_user=acting_user,
        from_state=CertificateState.VALID,
        to_state=CertificateState.SUPERSEDED,
        reason=reason,
        client_address=client_address,
        details={"number": certificate.number, "superseded_by": replacement.number},
    )
    return replacement
