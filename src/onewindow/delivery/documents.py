"""What a certificate says, signed and printed: the canonical payload and the PDF.

The payload is everything the document asserts (who, what, by whom, until when); the PDF shows it
for people and carries it, with its signature, as the attachment certificate.json for machines.
"""

import hashlib
import json
from datetime import date, timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse

from onewindow.cases.constants import ApplicantKind, Decision
from onewindow.cases.documents import LAWSUIT_MONTHS, REVIEW_DAYS
from onewindow.catalog.constants import ItemType, ResultDocument
from onewindow.core.identity import mask_id
from onewindow.core.workdays import add_years
from onewindow.delivery import layouts, pdfdraw, rendering
from onewindow.delivery.constants import CertificateKind
from onewindow.delivery.signing import ALGORITHM, canonical

PAYLOAD_VERSION = 1
ATTACHMENT_NAME = "certificate.json"


# The kind of document an item's approval produces (catalog.ServiceItem.result_document); a
# refusal of any item is a 不予行政许可决定书.
KIND_BY_RESULT_DOCUMENT = {
    ResultDocument.LICENCE: CertificateKind.LICENCE,
    ResultDocument.APPROVAL_DECISION: CertificateKind.APPROVAL,
    ResultDocument.ACCEPTANCE_OPINION: CertificateKind.ACCEPTANCE,
    ResultDocument.FILING_RECEIPT: CertificateKind.FILING,
    ResultDocument.CERTIFICATION: CertificateKind.CERTIFICATION,
}


def kind_for(case):
    """The item's chosen document; an item that chose none: a licence for 行政许可, else a
    准予行政许可决定书 (as before the choice existed)."""
    if case.decision == Decision.REFUSED:
        return CertificateKind.REFUSAL
    chosen = KIND_BY_RESULT_DOCUMENT.get(getattr(case.item, "result_document", ""))
    if chosen:
        return chosen
    if case.item.item_type == ItemType.LICENSING:
        return CertificateKind.LICENCE
    return CertificateKind.APPROVAL


def decision_fields(case):
    """(text, conditions, valid_until) of the head-signed decision. The fields arrive on Case with
    the signature workflow (issue 10, part 2), developed on another branch: read here, in one
    place, with getattr so that this module works before and after that branch is merged."""
    return (
        (getattr(case, "decision_text", "") or "").strip(),
        (getattr(case, "decision_conditions", "") or "").strip(),
        getattr(case, "decision_valid_until", None),
    )


def validity(case, kind, issued_on):
    """(valid_from, valid_until): until the signed decision's date when it sets one, else from
    the issue date for the item's validity years; a refusal and an item with 0 years never expire
    (valid_until None)."""
    if kind == CertificateKind.REFUSAL:
        return issued_on, None
    decided_until = decision_fields(case)[2]
    if isinstance(decided_until, date) and decided_until >= issued_on:
        return issued_on, decided_until
    years = case.item.result_validity_years
    if not years:
        return issued_on, None
    return issued_on, add_years(issued_on, years) - timedelta(days=1)


def payload_for(certificate, case):
    """The dict that is signed. Dates as ISO strings; no floats, so the JSON is canonical."""
    return {
        "v": PAYLOAD_VERSION,
        "number": certificate.number,
        "kind": certificate.kind,
        "holder_name": certificate.holder_name,
        "holder_id": certificate.holder_id_masked,
        "holder_kind": case.applicant_kind,
        "item_code": certificate.item_code,
        "item_name": certificate.item_name,
        "department_code": certificate.department.code,
        "department_name": certificate.department.name,
        "issued_on": certificate.issued_on.isoformat(),
        "valid_from": certificate.valid_from.isoformat(),
        "valid_until": certificate.valid_until.isoformat() if certificate.valid_until else None,
        "case_number": case.number or "",
        "decision_number": case.decision_number,
        "reasons": case.reason if certificate.kind == CertificateKind.REFUSAL else "",
        "supersedes": getattr(certificate, "supersedes_number", None) or None,
    }


def payload_text(data):
    return canonical(data).decode()


def verification_code(signature):
    """16 hex digits printed on the certificate and carried by its QR code: with the number it
    finds the certificate without the holder's name."""
    return hashlib.sha256(signature.encode()).hexdigest()[:16].upper()


def verification_url(certificate):
    query = urlencode(
        {"number": certificate.number, "code": verification_code(certificate.signature)}
    )
    return f"{settings.ONEWINDOW_PUBLIC_URL}{reverse('delivery:verify')}?{query}"


def attachment(certificate):
    """certificate.json: the payload exactly as signed (a string), its signature and key id."""
    return json.dumps(
        {
            "payload": certificate.payload,
            "signature": certificate.signature,
            "key_id": certificate.key_id,
            "algorithm": ALGORITHM,
        },
        ensure_ascii=False,
        indent=1,
    )


def chinese_date(day):
    return f"{day.year}年{day.month}月{day.day}日" if isinstance(day, date) else ""


def _context(certificate, case):
    is_enterprise = case.applicant_kind == ApplicantKind.ENTERPRISE
    text, conditions, _ = decision_fields(case)
    department = certificate.department.name
    valid_from, valid_until = (
        chinese_date(certificate.valid_from),
        chinese_date(certificate.valid_until),
    )
    return {
        "certificate": certificate,
        "case": case,
        "title": CertificateKind(certificate.kind).label,
        "docno": case.decision_number or certificate.number,
        "department": department,
        "seal_purpose": SEAL_PURPOSE.get(certificate.kind, ""),
        "holder_label": "申请单位" if is_enterprise else "申请人",
        "holder_id_label": "统一社会信用代码" if is_enterprise else "身份证件号码",
        "holder_id": certificate.holder_id_masked,
        "issued_on": chinese_date(certificate.issued_on),
        "received_on": chinese_date(case.received_on),
        "accepted_on": chinese_date(case.accepted_on),
        "show_validity": certificate.kind != CertificateKind.REFUSAL,
        "validity": f"{valid_from}至{valid_until}" if valid_until else f"自{valid_from}起长期有效",
        "validity_until": valid_until,
        "decision_text": text,
        "conditions": conditions,
        "reasons": case.reason or "经审查不符合法定条件、标准。",
        "region": settings.ONEWINDOW_REGION_NAME,
        "review_days": REVIEW_DAYS,
        "lawsuit_months": LAWSUIT_MONTHS,
        "public_url": settings.ONEWINDOW_PUBLIC_URL,
        "verification_url": verification_url(certificate),
        "verification_code": verification_code(certificate.signature),
    }


# The purpose line of the seal under the star, per kind of document.
SEAL_PURPOSE = {
    CertificateKind.LICENCE: "行政许可专用章",
    CertificateKind.APPROVAL: "行政许可专用章",
    CertificateKind.REFUSAL: "行政许可专用章",
    CertificateKind.ACCEPTANCE: "验收专用章",
    CertificateKind.FILING: "备案专用章",
    CertificateKind.CERTIFICATION: "证明专用章",
}


def render_pdf(certificate, case):
    """The PDF (bytes) of the certificate's kind (delivery/layouts.py): one A4 page, the
    department's seal drawn, the Noto CJK subset embedded, the QR code of the verification page,
    certificate.json attached."""
    context = _context(certificate, case)
    page = layouts.draw(rendering.subset_font(), context)
    if page.missing:
        # A character outside GB 2312 (a rare name): the whole system font has it.
        page = layouts.draw(rendering.full_font(), context)
    return pdfdraw.build(
        page,
        title=f"{context['title']} {certificate.number}",
        attachments=[
            (
                ATTACHMENT_NAME,
                attachment(certificate).encode(),
                "Signed payload (Ed25519) / 签名内容",
            )
        ],
    )


def masked_holder_id(case):
    """An enterprise's credit code in full (public, printed on its licence); a person's ID number
    masked."""
    if case.applicant_kind == ApplicantKind.ENTERPRISE:
        return case.applicant_id_number
    return mask_id(case.applicant_id_number)
