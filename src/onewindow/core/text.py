"""Text that people type (names, addresses, reasons): the characters that must be refused, not
stored. One rule for every form and every API field, so that what a window page refuses the API
refuses too.

Why each is refused: control characters (ESC starts terminal escape sequences, which rewrite a
log or a console when printed; line breaks forge lines in logs and notices), bidirectional
overrides and isolates (they make "张三‮abc" read differently from what is stored), lone surrogates
(not encodable, the database would fail), and — in names — invisible format characters such as
zero-width spaces (two names that look the same but are not, or a name that shows as nothing).
Private-use characters stay allowed: rare name characters (生僻字) are often typed that way.

Pure: no request, no ORM. Messages are translated in the reader's language when raised.
"""

import unicodedata
from dataclasses import dataclass

from django.utils.translation import gettext as _

# Embeddings and overrides (LRE, RLE, PDF, LRO, RLO) and isolates (LRI, RLI, FSI, PDI).
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Letters and symbols by category that nevertheless draw nothing (Hangul fillers, braille blank).
BLANK_LOOKING = frozenset("\u115f\u1160\u3164\uffa0\u2800")
# Categories that draw nothing on their own: controls, format characters, surrogates, separators
# and combining marks (which only decorate the character before them).
INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zs", "Zl", "Zp", "Mn", "Me"})
MULTILINE_WHITESPACE = frozenset("\t\n\r")


@dataclass(frozen=True)
class InvalidText(Exception):
    """A text that may not be stored: the field, a stable code and the reason for the reader."""

    field: str
    code: str
    message: str

    def __str__(self):
        return self.message


def code_point(char):
    return f"U+{ord(char):04X}"


def is_visible(char):
    return unicodedata.category(char) not in INVISIBLE_CATEGORIES and char not in BLANK_LOOKING


def _problem(char, *, multiline):
    """The code of what is wrong with `char` in any text field, or None."""
    category = unicodedata.category(char)
    if char in BIDI_CONTROLS:
        return "bidi_control"
    if category == "Cs":
        return "invalid_character"
    if category == "Cc" or category in ("Zl", "Zp"):
        if multiline and char in MULTILINE_WHITESPACE:
            return None
        return "control_character"
    return None


def _message(code, label, char):
    values = {"label": label, "char": code_point(char) if char else ""}
    if code == "control_character":
        if char == "\x1b":
            return _("%(label)s不能含有终端转义序列（%(char)s）") % values
        return _("%(label)s不能含有控制字符（%(char)s）") % values
    if code == "bidi_control":
        return _("%(label)s不能含有改变文字方向的控制字符（%(char)s）") % values
    if code == "invalid_character":
        return _("%(label)s含有无效字符（%(char)s）") % values
    if code == "invisible_character":
        return _("%(label)s不能含有不可见字符（%(char)s）") % values
    return _("%(label)s没有可见的文字") % values


def clean_text(value, *, field, label, multiline=False, name=False):
    """`value` without surrounding white space, or InvalidText.

    `multiline` allows tabs and line breaks (reasons, opinions); `name` (a person's or an
    organisation's name) also refuses invisible format characters. White space alone is empty
    (the caller decides whether the field is required); anything else that shows nothing, such as
    zero-width spaces, is refused rather than stored as a value that looks empty.
    """
    value = value or ""
    for char in value:
        code = _problem(char, multiline=multiline)
        if code is not None:
            raise InvalidText(field, code, _message(code, label, char))
    stripped = value.strip()
    if stripped and not any(is_visible(char) for char in stripped):
        raise InvalidText(
            field, "no_visible_character", _message("no_visible_character", label, "")
        )
    if name:
        for char in stripped:
            if unicodedata.category(char) == "Cf" or char in BLANK_LOOKING:
                code = "invisible_character"
                raise InvalidText(field, code, _message(code, label, char))
    return stripped


def clean_name(value, *, field, label):
    """A person's or an organisation's name: one line, no invisible characters."""
    return clean_text(value, field=field, label=label, name=True)
