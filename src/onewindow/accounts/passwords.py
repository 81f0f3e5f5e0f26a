"""Password rules for staff accounts, beyond Django's own validators (settings.py lists them all).

A password "made of" the user name or a date is one that has little left once the user name
(also reversed), dates (19900101, 1990-01-01, 01/01/1990, 2024.1.1) and separators are taken out: such passwords are
the first an attacker who knows the person tries, whatever their length.
"""

import re

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

# Years 1900-2099; month and day with or without a leading zero; -, /, ., _ or a space between
# them, or nothing. Day-first orders (01011990) are common on forms too.
_YEAR = r"(?:19|20)\d\d"
_MONTH = r"(?:0?[1-9]|1[0-2])"
_DAY = r"(?:0?[1-9]|[12]\d|3[01])"
_SEP = r"[-/._ ]?"
DATE = re.compile(
    rf"{_YEAR}{_SEP}{_MONTH}{_SEP}{_DAY}|{_DAY}{_SEP}{_MONTH}{_SEP}{_YEAR}|{_YEAR}{_SEP}{_MONTH}"
)
SEPARATORS = re.compile(r"[\W_]+")


def rest_of(password, *, names=()):
    """What is left of `password` once the `names`, dates and separators are taken out."""
    rest = password.casefold()
    # Names of one or two characters (a Chinese given name) would take too much out of anything.
    names = [n.casefold() for n in names if n and len(n) >= 3]
    for name in sorted(names + [n[::-1] for n in names], key=len, reverse=True):
        rest = rest.replace(name, " ")
    rest = DATE.sub(" ", rest)
    return SEPARATORS.sub("", rest)


class NotNameOrDateValidator:
    """Refuse a password that is mostly the user name, the user's full name, or dates.

    At least `min_rest` characters must remain once they are taken out: "clerk2024-01-01" (nothing
    but "clerk" and a date) is refused, "clerk-blue-river-7" is not.
    """

    def __init__(self, min_rest=6):
        self.min_rest = min_rest

    def validate(self, password, user=None):
        names = [getattr(user, field, "") for field in ("username", "full_name")] if user else []
        if len(rest_of(password, names=names)) < self.min_rest:
            raise ValidationError(
                _("密码不能主要由用户名、姓名或日期组成，请使用更难猜测的密码。"),
                code="password_name_or_date",
            )

    def get_help_text(self):
        return _("密码不能主要由用户名、姓名或日期组成。")


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's, with its refusal in our catalogue: Django 5.2's Chinese catalogue lacks the
    message, so a Chinese page would show it in English."""

    def get_error_message(self):
        return ngettext(
            "密码太短：至少需要 %(min_length)d 个字符。",
            "密码太短：至少需要 %(min_length)d 个字符。",
            self.min_length,
        ) % {"min_length": self.min_length}
