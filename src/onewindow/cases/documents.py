"""Printable window documents (受理通知书, 补正告知书, 不予受理通知书): what each one says.

Each notice carries the centre's name, the case number (or the intake reference before a number
exists), the date and the clerk who issued it. The date and clerk come from the audit row of the
action that produced the notice, so a reprint says the same as the first print.
"""

from urllib.parse import urlencode

import segno
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from onewindow.cases.constants import MaterialStatus
from onewindow.catalog.constants import DepartmentKind
from onewindow.core.identity import mask_id, mask_phone
from onewindow.core.models import AuditEntry

# Administrative Reconsideration Law (2023) Art. 20: 60 days; Administrative Procedure Law Art. 46:
# six months from the day the decision became known.
REVIEW_DAYS = 60
LAWSUIT_MONTHS = 6


def qr_svg(url):
    """The QR code of `url` as inline SVG (segno, pure Python, no image files).

    Sized in millimetres with a viewBox, so print CSS can scale it to any size on paper.
    """
    qr = segno.make(url, error="m")
    svg = qr.svg_inline(scale=1, border=2, unit="mm", svgclass="qr", lineclass=None, title=url)
    return mark_safe(svg)  # segno escapes the title; the rest is its own markup


def progress_url(request, case):
    """The public progress query with the case number filled in (what the QR code opens)."""
    path = reverse("cases:progress") + "?" + urlencode({"number": case.number})
    return request.build_absolute_uri(path)


def centre_name(case):
    """The hall, town centre or village station that received the case."""
    point = case.service_point
    if point is not None and point.kind != DepartmentKind.DEPARTMENT:
        return point.name
    return _("%(region)s政务服务中心") % {"region": settings.ONEWINDOW_REGION_NAME}


def intake_reference(case):
    """收件编号 for an intake that has no case number yet: SJ + receipt date + id."""
    return f"SJ{case.received_on:%Y%m%d}{case.pk:06d}"


def reference(case):
    return case.number or intake_reference(case)


def issued(case, action):
    """(date, clerk, audit entry) of the latest `action` on the case, or None when it never ran."""
    entry = (
        AuditEntry.objects.filter(object_type="cases.case", object_id=str(case.pk), action=action)
        .select_related("actor")
        .order_by("-created_at", "-id")
        .first()
    )
    if entry is None:
        return None
    return timezone.localdate(entry.created_at), entry.actor, entry


def _common(case, on, clerk):
    return {
        "case": case,
        "item": case.item,
        "centre": centre_name(case),
        "reference": reference(case),
        "issued_on": on,
        "clerk": clerk,
        "masked_id": mask_id(case.applicant_id_number),
        "masked_phone": mask_phone(case.applicant_phone),
        "masked_proxy_id": mask_id(case.proxy_id_number),
    }


def acceptance_notice(request, case):
    """受理通知书: number, item, applicant, deadlines, tolerated materials, QR to the progress query."""
    accepted = issued(case, "accept_case")
    clerk = accepted[1] if accepted else case.clerk
    url = progress_url(request, case)
    rows = list(case.materials.select_related("material").order_by("position", "id"))
    return {
        **_common(case, case.accepted_on, clerk),
        "received": [row for row in rows if row.status == MaterialStatus.RECEIVED],
        "tolerated": [row for row in rows if row.status == MaterialStatus.TOLERATED],
        "progress_url": url,
        "qr": qr_svg(url),
    }


def supplement_notice(case):
    """补正告知书 (一次性告知): every material to supplement with its reason, as told that day.

    The list comes from the audit row, so the notice reprints unchanged after the applicant has
    brought the materials back.
    """
    notice = issued(case, "issue_supplement_notice")
    if notice is None:
        return None
    on, clerk, entry = notice
    listed = entry.details.get("materials", [])
    received = case.materials.filter(status=MaterialStatus.RECEIVED).select_related("material")
    return {
        **_common(case, on, clerk),
        "listed": [
            {"name": line.get("name", ""), "reason": line.get("reason", "")} for line in listed
        ],
        "received": list(received.order_by("position", "id")),
    }


def refusal_notice(case):
    """不予受理通知书: the reason and the applicant's remedies (review within 60 days, suit within
    six months)."""
    refused = issued(case, "not_accept")
    if refused is None:
        return None
    on, clerk, _entry = refused
    return {
        **_common(case, on, clerk),
        "review_body": _("%(region)s人民政府") % {"region": settings.ONEWINDOW_REGION_NAME},
        "review_days": REVIEW_DAYS,
        "lawsuit_months": LAWSUIT_MONTHS,
    }
