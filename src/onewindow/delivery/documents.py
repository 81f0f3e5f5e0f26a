"""What a certificate says, signed and printed: the canonical payload and the PDF.

The payload is everything the document asserts (who, what, by whom, until when); the PDF shows it
for people and carries it, with its signature, as the attachment certificate.json for machines.
"""

import hashlib
import json
from datetime import date, timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from onewindow.cases.constants import ApplicantKind, Decision
from onewindow.cases.documents import LAWSUIT_MONTHS, REVIEW_DAYS
from onewindow.catalog.constants import ItemType
from onewindow.core.identity import mask_id
from onewindow.delivery.constants import CertificateKind
from onewindow.delivery.signing import ALGORITHM, canonical

PAYLOAD_VERSION = 1
ATTACHMENT_NAME = "certificate.json"


def kind_for(case):
    if case.decision == Decision.REFUSED:
        return CertificateKind.REFUSAL
    if case.item.item_type == ItemType.LICENSING:
        return CertificateKind.LICENCE
    return CertificateKind.APPROVAL


def add_years(day, years):
    """The same day `years` later (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def validity(case, kind, issued_on):
    """(valid_from, valid_until): from the issue date for the item's validity years; a refusal
    and an item with 0 years never expire (valid_until None)."""
    years = case.item.result_validity_years
    if kind == CertificateKind.REFUSAL or not years:
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


def qr_png_data_uri(url):
    """The QR code as a PNG data URI: WeasyPrint embeds an image in a fraction of the time it
    takes to draw the SVG's path (a third of a certificate's rendering time)."""
    import segno

    return segno.make(url, error="m").png_data_uri(scale=8, border=2)


def chinese_date(day):
    return f"{day.year}年{day.month}月{day.day}日" if isinstance(day, date) else ""


def render_pdf(certificate, case):
    """The PDF (bytes): WeasyPrint from delivery/certificate_pdf.html, Noto CJK embedded (subset),
    the QR code of the verification page, certificate.json attached."""
    from weasyprint import HTML, Attachment

    url = verification_url(certificate)
    context = {
        "certificate": certificate,
        "case": case,
        "is_refusal": certificate.kind == CertificateKind.REFUSAL,
        "is_enterprise": case.applicant_kind == ApplicantKind.ENTERPRISE,
        "issued_on": chinese_date(certificate.issued_on),
        "valid_from": chinese_date(certificate.valid_from),
        "valid_until": chinese_date(certificate.valid_until),
        "region": settings.ONEWINDOW_REGION_NAME,
        "review_days": REVIEW_DAYS,
        "lawsuit_months": LAWSUIT_MONTHS,
        "verification_url": url,
        "verification_code": verification_code(certificate.signature),
        "qr": qr_png_data_uri(url),
    }
    # The document is Chinese whatever language the caller's request was in.
    with translation.override("zh-hans"):
        html = render_to_string("delivery/certificate_pdf.html", context)
    return HTML(string=html).write_pdf(
        attachments=[
            Attachment(
                string=attachment(certificate),
                name=ATTACHMENT_NAME,
                description="Signed payload (Ed25519) / 签名内容",
            )
        ]
    )


def masked_holder_id(case):
    return mask_id(case.applicant_id_number)
