"""Identity numbers: resident ID cards (GB 11643, 居民身份证) and unified social credit codes
(GB 32100, 统一社会信用代码), validated with python-stdnum; masking for display and logs."""

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _
from stdnum.cn import ric, uscc
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength

PHONE = re.compile(r"^1[3-9]\d{9}$|^0\d{2,3}-?\d{7,8}$")


@dataclass(frozen=True)
class InvalidIdentity(Exception):
    """A number that is not valid, with the reason in Chinese and English."""

    field: str
    message: str

    def __str__(self):
        return self.message


def validate_resident_id(value, *, field="id_number"):
    """The normalised 18-character ID number, or InvalidIdentity saying precisely what is wrong."""
    try:
        return ric.validate(value or "")
    except InvalidLength:
        reason = _("居民身份证号码应为 18 位 / ID card number must have 18 characters")
    except InvalidChecksum:
        reason = _("居民身份证号码校验位错误 / ID card number check digit is wrong")
    except InvalidComponent:
        reason = _("居民身份证号码中的出生日期无效 / ID card number has an invalid birth date")
    except InvalidFormat:
        reason = _("居民身份证号码格式错误 / ID card number format is invalid")
    raise InvalidIdentity(field, reason)


def validate_credit_code(value, *, field="id_number"):
    """The normalised 18-character unified social credit code, or InvalidIdentity."""
    try:
        return uscc.validate(value or "")
    except InvalidLength:
        reason = _("统一社会信用代码应为 18 位 / Credit code must have 18 characters")
    except InvalidChecksum:
        reason = _("统一社会信用代码校验位错误 / Credit code check character is wrong")
    except (InvalidFormat, InvalidComponent):
        reason = _("统一社会信用代码格式错误 / Credit code format is invalid")
    raise InvalidIdentity(field, reason)


def validate_phone(value, *, field="phone"):
    compact = re.sub(r"[\s]", "", value or "")
    if not PHONE.match(compact):
        raise InvalidIdentity(field, _("电话号码格式错误 / Phone number is invalid"))
    return compact


def mask_id(value):
    """440102********1234: enough for a person to recognise their own number, not to reuse it."""
    if not value:
        return ""
    if len(value) <= 8:
        return value[:1] + "*" * (len(value) - 1)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(value):
    if not value:
        return ""
    return value[:3] + "****" + value[-4:] if len(value) >= 11 else value[:2] + "****" + value[-2:]
