"""Public verification of certificates (证书真伪查询): by number and holder name, by number and the
verification code of the QR code, or by the PDF itself.

An unknown number, a wrong name or a wrong code all answer `not_found` and nothing else, so the
answers cannot be used to learn which numbers exist or who holds them. The lookup is one query by
the unique index on Certificate.number (the bench checks the plan).
"""

import hashlib
import hmac
import io
import json
import logging
from dataclasses import dataclass
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from onewindow.delivery import documents, signing
from onewindow.delivery.constants import CertificateState, VerificationResult
from onewindow.delivery.models import Certificate

logger = logging.getLogger(__name__)

NUMBER_MAX_LENGTH = 48
NAME_MAX_LENGTH = 120


@dataclass(frozen=True)
class Answer:
    result: str
    certificate: Certificate | None = None
    # Revoked / superseded: the day it happened; expired: the last valid day.
    on: date | None = None

    @property
    def label(self):
        return VerificationResult(self.result).label

    @property
    def is_genuine(self):
        return self.certificate is not None


NOT_FOUND = Answer(VerificationResult.NOT_FOUND)
NOT_GENUINE = Answer(VerificationResult.NOT_GENUINE)


def answer_for(certificate, *, today=None):
    """The registry's answer for a certificate known to be the one asked about."""
    today = today or timezone.localdate()
    if certificate.state == CertificateState.REVOKED:
        return Answer(
            VerificationResult.REVOKED, certificate, timezone.localdate(certificate.revoked_at)
        )
    if certificate.state == CertificateState.SUPERSEDED:
        return Answer(
            VerificationResult.SUPERSEDED, certificate, timezone.localdate(certificate.revoked_at)
        )
    if certificate.valid_until is not None and today > certificate.valid_until:
        return Answer(VerificationResult.EXPIRED, certificate, certificate.valid_until)
    return Answer(VerificationResult.VALID, certificate)


def public_holder_name(certificate):
    """The holder as verification shows it: an enterprise's name in full (it is public, printed
    on its licence and in the credit registry); a person's masked (李*)."""
    from onewindow.cases.constants import ApplicantKind
    from onewindow.cases.views.public import mask_name

    kind = json.loads(certificate.payload).get("holder_kind", "")
    if kind == ApplicantKind.ENTERPRISE:
        return certificate.holder_name
    return mask_name(certificate.holder_name, kind)


def _normalise(text):
    # Full-width spaces and surrounding blanks are what people type by accident.
    return "".join((text or "").replace("\u3000", " ").split())


def _same(a, b):
    return hmac.compare_digest(a.encode(), b.encode())


def _lookup(number):
    number = (number or "").strip().upper()
    if not number or len(number) > NUMBER_MAX_LENGTH:
        return None
    return (
        Certificate.objects.select_related("department", "superseded_by")
        # A row whose file is not attached yet is being issued (delivery/actions/issuing.py):
        # not a certificate anyone holds.
        .filter(number=number)
        .exclude(pdf="")
        .first()
    )


def verify_number(number, *, holder_name="", code=""):
    """By number and holder name (typed) or number and verification code (the QR code)."""
    certificate = _lookup(number)
    if certificate is None:
        return NOT_FOUND
    if code:
        expected = documents.verification_code(certificate.signature)
        if not _same(code.strip().upper(), expected):
            return NOT_FOUND
    elif not holder_name or not _same(_normalise(holder_name), _normalise(certificate.holder_name)):
        return NOT_FOUND
    return answer_for(certificate)


def embedded(content):
    """certificate.json of a PDF (dict) or None when it has none or it cannot be read."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(content))
        files = reader.attachments.get(documents.ATTACHMENT_NAME)
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError) as error:
        logger.info("verification: unreadable PDF (%s)", error)
        raise UnreadablePdf from error
    if not files:
        return None
    try:
        data = json.loads(files[0])
    except (ValueError, UnicodeDecodeError):
        return None
    return data if isinstance(data, dict) else None


class UnreadablePdf(Exception):
    """Starts like a PDF but is not one pypdf can read."""


def verify_pdf(content):
    """Genuine only when the embedded payload's signature is valid with one of our keys, the
    payload equals the registry's, and the file is the one issued (SHA-256). Anything else is
    'not genuine' (a copy re-rendered with another name, an edited attachment, a stranger's
    file). Raises UnreadablePdf for a file that is not a readable PDF."""
    data = embedded(content)
    if data is None:
        return NOT_GENUINE
    payload, signature, key_id = (data.get(k) for k in ("payload", "signature", "key_id"))
    if not all(isinstance(v, str) for v in (payload, signature, key_id)):
        return NOT_GENUINE
    key = signing.public_keys().get(key_id)
    if key is None or not signing.verify_with(key, payload, signature):
        return NOT_GENUINE
    try:
        number = json.loads(payload).get("number", "")
    except (ValueError, AttributeError):
        return NOT_GENUINE
    certificate = _lookup(number) if isinstance(number, str) else None
    if certificate is None or not _same(certificate.payload, payload):
        return NOT_GENUINE
    if not _same(certificate.pdf_sha256, hashlib.sha256(content).hexdigest()):
        return NOT_GENUINE
    return answer_for(certificate)


def read_pdf_upload(uploaded_file, *, field="file"):
    """The bytes of an uploaded PDF, or CaseActionError: 422 none, 413 too large, 415 not a PDF
    (told by the content, not the name)."""
    from django.conf import settings

    from onewindow.cases.errors import CaseActionError, invalid_input
    from onewindow.cases.uploads import _size

    if uploaded_file is None:
        raise invalid_input(field, _("请选择要核验的 PDF 文件"))
    limit = settings.ONEWINDOW_VERIFY_MAX_PDF_BYTES
    if uploaded_file.size > limit:
        raise CaseActionError(
            "upload_too_large",
            _("文件超过 %(limit)s 上限") % {"limit": _size(limit)},
            status=413,
            detail=[{"type": "too_large", "loc": [field], "msg": uploaded_file.name[:200]}],
        )
    content = uploaded_file.read()
    if not content.startswith(b"%PDF-"):
        raise not_a_pdf(field, uploaded_file.name)
    return content


def not_a_pdf(field, name):
    from onewindow.cases.errors import CaseActionError

    return CaseActionError(
        "not_a_pdf",
        _("文件内容不是可读取的 PDF（按内容识别，与扩展名无关）"),
        status=415,
        detail=[{"type": "bad_content", "loc": [field], "msg": (name or "")[:200]}],
    )


def check_pdf(content, *, field="file", name=""):
    """verify_pdf, with an unreadable PDF turned into the 415 error."""
    try:
        return verify_pdf(content)
    except UnreadablePdf:
        raise not_a_pdf(field, name) from None
