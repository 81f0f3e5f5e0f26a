"""What a clerk types at intake, as the actions receive it, and its checks: ID numbers and credit
codes (core.identity), names and defect texts (core.text). Every problem of the applicant and
proxy is reported at once, so that the clerk corrects the form in one go."""

from dataclasses import dataclass, field, replace

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from onewindow.cases.constants import ApplicantKind
from onewindow.cases.errors import CaseActionError, invalid_value
from onewindow.core.identity import (
    InvalidIdentity,
    validate_credit_code,
    validate_phone,
    validate_resident_id,
)
from onewindow.core.text import InvalidText, clean_name, clean_text


@dataclass(frozen=True)
class ApplicantInput:
    kind: str
    name: str
    id_number: str
    phone: str
    legal_representative: str = ""
    contact_name: str = ""
    email: str = ""
    # The representative's resident ID: with it they collect an enterprise's result as the
    # applicant (delivery.actions.pickup).
    legal_representative_id_number: str = ""
    # The language the applicant's messages are written in (settings.LANGUAGES); "" is the
    # site's (zh-hans).
    language: str = ""


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
    """Validated copies of the applicant and proxy: checksums of ID numbers and credit codes,
    and names that hold only characters fit to store (core.text).

    Every problem is reported at once (one 422 with a detail line per field, whose `type` says
    what is wrong), so that the clerk corrects the form in one go.
    """
    problems = []

    def check(validate, value, field_name):
        try:
            return validate(value, field=field_name)
        except InvalidIdentity as exc:
            problems.append((exc.field, exc.message, exc.code))
            return ""

    def name(value, field_name, label):
        try:
            return clean_name(value, field=field_name, label=label)
        except InvalidText as exc:
            problems.append((exc.field, exc.message, exc.code))
            return None

    if applicant.kind == ApplicantKind.CITIZEN:
        id_number = check(validate_resident_id, applicant.id_number, "applicant.id_number")
    elif applicant.kind == ApplicantKind.ENTERPRISE:
        id_number = check(validate_credit_code, applicant.id_number, "applicant.id_number")
    else:
        id_number = ""
        problems.append(("applicant.kind", _("申请人类型无效"), "invalid"))
    applicant_name = name(applicant.name, "applicant.name", _("申请人姓名或名称"))
    if applicant_name == "":
        problems.append(("applicant.name", _("申请人姓名或名称必填"), "invalid"))
    phone = check(validate_phone, applicant.phone, "applicant.phone")
    email = (applicant.email or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            problems.append(
                (
                    "applicant.email",
                    _("电子邮箱格式不正确"),
                    "invalid",
                )
            )
    language = applicant.language or settings.LANGUAGE_CODE
    if language not in dict(settings.LANGUAGES):
        problems.append(("applicant.language", _("不支持的语言"), "invalid"))
    representative = name(
        applicant.legal_representative, "applicant.legal_representative", _("法定代表人")
    )
    if applicant.kind == ApplicantKind.ENTERPRISE and representative == "":
        problems.append(
            (
                "applicant.legal_representative",
                _("法人申请须填写法定代表人"),
                "invalid",
            )
        )
    representative_id = ""
    if applicant.legal_representative_id_number:
        representative_id = check(
            validate_resident_id,
            applicant.legal_representative_id_number,
            "applicant.legal_representative_id_number",
        )
    contact = name(applicant.contact_name, "applicant.contact_name", _("联系人"))
    proxy_name = proxy_id = proxy_phone = ""
    if proxy is not None:
        proxy_name = name(proxy.name, "proxy.name", _("代办人姓名"))
        if proxy_name == "":
            problems.append(("proxy.name", _("代办人姓名必填"), "invalid"))
        proxy_id = check(validate_resident_id, proxy.id_number, "proxy.id_number")
        proxy_phone = check(validate_phone, proxy.phone, "proxy.phone") if proxy.phone else ""
    if problems:
        raise CaseActionError(
            "invalid_input",
            problems[0][1]
            if len(problems) == 1
            else _("%(first)s（等 %(count)s 处错误）")
            % {"first": problems[0][1], "count": len(problems)},
            status=422,
            detail=[
                {"type": code, "loc": [field], "msg": message} for field, message, code in problems
            ],
        )
    return CleanApplicant(
        name=applicant_name,
        id_number=id_number,
        phone=phone,
        email=email,
        language=language,
        legal_representative=representative,
        legal_representative_id_number=representative_id,
        contact_name=contact,
        proxy_name=proxy_name,
        proxy_id_number=proxy_id,
        proxy_phone=proxy_phone,
    )


@dataclass(frozen=True)
class CleanApplicant:
    """The applicant and proxy fields as they are stored."""

    name: str
    id_number: str
    phone: str
    email: str
    language: str
    legal_representative: str
    legal_representative_id_number: str
    contact_name: str
    proxy_name: str
    proxy_id_number: str
    proxy_phone: str


def clean_defect(text, loc):
    """A defect or missing reason as written into the one-time notice (core.text), or a 422."""
    try:
        return clean_text(text, field="defect", label=_("补正原因"), multiline=True)
    except InvalidText as exc:
        raise invalid_value(exc, loc) from None


def clean_lines(lines):
    """The checklist lines with their defect texts checked (core.text) and stripped."""
    return [
        replace(line, defect=clean_defect(line.defect, ["materials", line.material_id, "defect"]))
        for line in lines
    ]
