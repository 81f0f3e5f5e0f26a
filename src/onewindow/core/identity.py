"""Identity numbers: resident ID cards (GB 11643, 居民身份证) and unified social credit codes
(GB 32100, 统一社会信用代码), validated with python-stdnum; masking for display and logs."""

import re
from dataclasses import dataclass
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.cn import ric, uscc
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength

PHONE = re.compile(r"^1[3-9]\d{9}$|^0\d{2,3}-?\d{7,8}$")


def is_ascii_digits(text):
    """True for a non-empty string of 0–9 only. str.isdigit() also accepts ², ³ and other
    Unicode digits that int() then refuses (a ValueError, a 500), so ids and numbers typed by
    people are checked with this."""
    return text.isascii() and text.isdigit()


@dataclass(frozen=True)
class InvalidIdentity(Exception):
    """A number that is not valid: the field, the reason for the reader and a stable code."""

    field: str
    message: str
    code: str = "invalid"

    def __str__(self):
        return self.message


# The oldest birth date an ID number may carry: earlier ones are typing errors (GB 11643 numbers
# were first issued in 1999; no one then living was born before 1900).
EARLIEST_BIRTH_DATE = date(1900, 1, 1)

# Province-level prefixes of GB/T 2260 (81–83: residence permits of HK, Macao and Taiwan residents).
PROVINCES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 "
    "61 62 63 64 65 71 81 82 83".split()
)


def validate_resident_id(value, *, field="id_number", today=None):
    """The normalised 18-character ID number, or InvalidIdentity saying precisely what is wrong.

    The birth date must lie between 1900-01-01 and `today` (by default the local date of the
    project's clock, timezone.localdate(), so that a frozen test clock decides too).

    The county code (digits 3–6) is not looked up: people keep their numbers when counties are
    merged or renamed (440102 东山区 was abolished in 2005; python-stdnum's table does not know
    441303 惠阳区 at all), so only the province prefix, the birth date and the check digit decide.
    """
    number = ric.compact(value or "")
    if len(number) != 18:
        reason = _("居民身份证号码应为 18 位")
    elif not is_ascii_digits(number[:17]) or not (is_ascii_digits(number[17]) or number[17] == "X"):
        reason = _("居民身份证号码格式错误")
    elif number[:2] not in PROVINCES:
        reason = _("居民身份证号码前 6 位地区码无效")
    else:
        try:
            born = ric.get_birth_date(number)
        except (InvalidComponent, ValueError):
            reason = _("居民身份证号码中的出生日期无效")
        else:
            if born > (today or timezone.localdate()):
                raise InvalidIdentity(
                    field, _("居民身份证号码中的出生日期晚于今天"), "birth_date_in_future"
                )
            if born < EARLIEST_BIRTH_DATE:
                raise InvalidIdentity(
                    field, _("居民身份证号码中的出生日期早于 1900 年"), "birth_date_before_1900"
                )
            if ric.calc_check_digit(number) == number[17]:
                return number
            reason = _("居民身份证号码校验位错误")
    raise InvalidIdentity(field, reason)


def validate_credit_code(value, *, field="id_number"):
    """The normalised 18-character unified social credit code, or InvalidIdentity."""
    try:
        return uscc.validate(value or "")
    except InvalidLength:
        reason = _("统一社会信用代码应为 18 位")
    except InvalidChecksum:
        reason = _("统一社会信用代码校验位错误")
    except (InvalidFormat, InvalidComponent):
        reason = _("统一社会信用代码格式错误")
    raise InvalidIdentity(field, reason)


def validate_phone(value, *, field="phone"):
    compact = re.sub(r"[\s]", "", value or "")
    if not PHONE.match(compact):
        raise InvalidIdentity(field, _("电话号码格式错误"))
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


def mask_email(value):
    """l***@example.com: the mailbox's first character and its domain."""
    if not value:
        return ""
    local, at, domain = value.partition("@")
    if not at:
        return local[:1] + "***"
    return f"{local[:1]}***@{domain}"
