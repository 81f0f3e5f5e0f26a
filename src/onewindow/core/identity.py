"""Identity numbers: resident ID cards (GB 11643, 居民身份证) and unified social credit codes
(GB 32100, 统一社会信用代码), validated with python-stdnum, and phone numbers; masking for display
and logs. The one place where such numbers as people type them (full-width, in groups) are made
the ASCII form that is stored and compared: every form and API field goes through here."""

import re
from dataclasses import dataclass
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.cn import ric, uscc
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength

# [0-9], not \d: \d also takes other scripts' digits (١٣٨…), which no SMS gateway would dial.
MOBILE = re.compile(r"1[3-9][0-9]{9}")
LANDLINE = re.compile(r"0[0-9]{2,3}-?[0-9]{7,8}")

# What a Chinese input method types in full-width mode: the digits and Latin letters of the
# full-width block (U+FF10–FF19, U+FF21–FF3A, U+FF41–FF5A), the ideographic space (U+3000) and the
# full-width hyphen (U+FF0D). They are the same characters as their ASCII forms, so they are
# folded before numbers are checked and stored. Only these, not NFKC: NFKC also makes ² a 2 and
# ① a 1, and numbers typed with such characters or other scripts' digits (٣) stay refused.
HALF_WIDTH = str.maketrans(
    {
        **{chr(0xFF10 + i): chr(0x30 + i) for i in range(10)},
        **{chr(0xFF21 + i): chr(0x41 + i) for i in range(26)},
        **{chr(0xFF41 + i): chr(0x61 + i) for i in range(26)},
        "\u3000": " ",
        "\uff0d": "-",
    }
)
# Upper case for ASCII letters only: str.upper() turns "ı" into "I" and "ﬀ" into "FF", which
# would let a non-ASCII character pass as a letter of a credit code.
ASCII_UPPER = str.maketrans("abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")


def to_half_width(value):
    """`value` with full-width digits, letters, space and hyphen made ASCII; nothing else."""
    return (value or "").translate(HALF_WIDTH)


def compact_identity(value):
    """An ID number, credit code or the progress query's secret as typed, made comparable:
    half-width, without the spaces and hyphens typed between groups, ASCII letters in upper case
    (the final x of an ID number). Whether it is valid is for the validators to say."""
    return re.sub(r"[\s-]", "", to_half_width(value)).translate(ASCII_UPPER)


def compact_phone(value):
    """A phone number as typed, half-width, without the spaces and hyphens between groups."""
    return re.sub(r"[\s-]", "", to_half_width(value))


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
    number = compact_identity(value)
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
    number = compact_identity(value)
    try:
        if not number.isascii():
            # Before python-stdnum, whose own clean-up upper-cases and maps other characters.
            raise (InvalidLength if len(number) != 18 else InvalidFormat)()
        return uscc.validate(number)
    except InvalidLength:
        reason = _("统一社会信用代码应为 18 位")
    except InvalidChecksum:
        reason = _("统一社会信用代码校验位错误")
    except (InvalidFormat, InvalidComponent):
        reason = _("统一社会信用代码格式错误")
    raise InvalidIdentity(field, reason)


def validate_phone(value, *, field="phone"):
    """A mobile number as 11 ASCII digits (spaces and hyphens between groups dropped), or a
    landline with its area code (the one hyphen after it kept, as typed), or InvalidIdentity."""
    mobile = compact_phone(value)
    if MOBILE.fullmatch(mobile):
        return mobile
    landline = re.sub(r"\s", "", to_half_width(value))
    if LANDLINE.fullmatch(landline):
        return landline
    raise InvalidIdentity(field, _("电话号码格式错误"))


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
