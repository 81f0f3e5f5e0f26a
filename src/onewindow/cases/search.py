"""Find any case from any window: the search box on every staff page and GET /api/cases/search.

A query is one key, and its shape says which key it is: a case number, an intake number (SJ…),
an ID number or credit code, a phone number, a name with the last 4 characters of the ID, and
what other apps register (certificate numbers, pickup codes). Each kind is a `Lookup`: `parse`
reads the cleaned query into a key (or None: not this shape), `condition` turns the key into a
Q over Case that one index serves (named next to each). The results are the cases the user may
see (queries.cases_visible_to), newest first, in keyset pages on the case id (no OFFSET).

Why a registry: certificates and pickup codes are the delivery app's tables, and delivery
already imports cases. If this module looked them up, cases would import delivery and the two
apps would import each other (the circle issue 10 asks to remove). Instead delivery registers
its lookups from its AppConfig.ready(); cases knows only "a kind of key that gives case ids".
Another app (projects, halls…) adds a kind the same way, without touching this module.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import F, Q, Value
from django.db.models.functions import Replace, Right
from django.db.models.lookups import Exact
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from onewindow.accounts.constants import Role
from onewindow.cases.constants import CaseState
from onewindow.cases.errors import CaseActionError, forbidden, invalid_value
from onewindow.cases.models import ReviewTask
from onewindow.cases.permissions import is_clerk
from onewindow.cases.queries import cases_visible_to
from onewindow.core import ratelimit
from onewindow.core.identity import (
    ASCII_UPPER,
    LANDLINE,
    MOBILE,
    compact_identity,
    compact_phone,
    to_half_width,
)
from onewindow.core.text import InvalidText, clean_text

MIN_LENGTH = 4  # "王五1234" is the shortest useful query; a pickup code has 6 digits
# A name (the applicant's, up to 120 characters), a space and the last 4 of the ID.
MAX_LENGTH = 130
PAGE_SIZE = 20
MAX_PAGE_SIZE = 50

# The phone as the expression index case_phone_key stores it: landlines are stored as typed
# (with or without the hyphen after the area code, core.identity.validate_phone), so both the
# index and the query drop the hyphen. Mobile numbers are stored as 11 digits already.
PHONE_KEY = Replace(F("applicant_phone"), Value("-"), Value(""))
# The last 4 characters of the ID number, as the expression index case_name_id_tail stores them.
ID_TAIL = Right(F("applicant_id_number"), 4)


@dataclass(frozen=True)
class Lookup:
    """One kind of key. `priority` orders the shape tests (lower first): the loose shape of a
    name with an ID tail is tried last."""

    kind: str
    label: object  # a lazy translation: the kind as the results page names it
    parse: Callable[[str], object]
    condition: Callable[[object, object], Q]
    priority: int = 50
    # Only window clerks may search by it (pickup codes, which only the hand-over uses).
    clerks_only: bool = False
    # The key is a secret that may be guessed: searches that find nothing count against the user.
    guessable: bool = False


_LOOKUPS: dict[str, Lookup] = {}


def register(lookup):
    """Add (or replace, for a reloaded app) a kind of key. Called from AppConfig.ready()."""
    _LOOKUPS[lookup.kind] = lookup


def lookups():
    return sorted(_LOOKUPS.values(), key=lambda lookup: (lookup.priority, lookup.kind))


# --- refusals ----------------------------------------------------------------------------------


class SearchRefused(CaseActionError):
    """A query that names no key: 422 with a stable code and the reason for the reader."""

    def __init__(self, code, message):
        super().__init__(
            code, message, status=422, detail=[{"type": code, "loc": ["q"], "msg": message}]
        )


class GuessesLimited(ratelimit.RateLimited):
    """Too many searches by a secret key (a pickup code) found nothing: wait `retry_after`."""


# Wrong pickup codes per clerk: as many as a clerk mistypes in a busy quarter hour, far fewer
# than guessing a six-digit code needs.
GUESS_LIMIT = 10
GUESS_WINDOW_SECONDS = 15 * 60
GUESS_SCOPE = "case-search-secret"


def clean_query(raw):
    """The query as the lookups read it: full-width digits and letters made ASCII (as a Chinese
    input method types them), runs of white space made one space; or SearchRefused."""
    text = to_half_width(raw or "")
    try:
        text = clean_text(text, field="q", label=_("检索内容"))
    except InvalidText as error:
        raise invalid_value(error, loc=["q"]) from None
    text = " ".join(text.split())
    if not text:
        raise SearchRefused("query_empty", _("请输入要查找的内容"))
    if len(text) > MAX_LENGTH:
        raise SearchRefused(
            "query_too_long", _("检索内容太长：最多 %(n)d 个字符") % {"n": MAX_LENGTH}
        )
    return text


def detect(text):
    """(lookup, key) for the first kind whose shape `text` has, or SearchRefused saying why not."""
    for lookup in lookups():
        key = lookup.parse(text)
        if key is not None:
            return lookup, key
    if any(char.isalpha() for char in text) and not any(char.isdigit() for char in text):
        raise SearchRefused(
            "name_needs_id_tail",
            _("仅凭姓名不能查找办件：请在姓名后加上证件号码后 4 位，例如“张三 1234”"),
        )
    # Checked after the shapes, so that a bare name (张三) is told what is missing instead.
    if len(text) < MIN_LENGTH:
        raise SearchRefused(
            "query_too_short", _("检索内容太短：至少 %(n)d 个字符") % {"n": MIN_LENGTH}
        )
    raise SearchRefused(
        "unrecognised_query",
        _(
            "无法识别的检索内容：请输入办件编号、收件编号、证照编号、证件号码、电话号码、"
            "姓名加证件号码后 4 位或领取码"
        ),
    )


# --- the search --------------------------------------------------------------------------------


@dataclass
class SearchResult:
    lookup: Lookup
    cases: list
    next_cursor: int | None


# What a hit shows (state, colour, deadline, the masked applicant: queries.shown_identity).
HIT_FIELDS = (
    "number",
    "state",
    "colour",
    "promised_deadline",
    "received_on",
    "service_point_id",
    "applicant_kind",
    "applicant_name",
    "applicant_id_number",
    "applicant_phone",
    "applicant_email",
    "proxy_id_number",
    "proxy_phone",
    "item__code",
    "item__name",
)


def search(user, raw, *, after=None, limit=PAGE_SIZE):
    """The cases `user` may see that the query `raw` names, newest first, `limit` at a time after
    the case id `after` (the previous page's next_cursor)."""
    lookup, key = detect(clean_query(raw))
    if lookup.clerks_only and not is_clerk(user):
        raise forbidden(_("只有综合窗口人员在交付结果时可以按领取码查找"))
    if lookup.guessable:
        _check_guesses(user)
    cases = (
        cases_visible_to(user)
        .filter(lookup.condition(key, user))
        .select_related("item")
        .only(*HIT_FIELDS)
        .order_by("-pk")
    )
    if after is not None:
        cases = cases.filter(pk__lt=after)
    rows = list(cases[: limit + 1])
    if lookup.guessable and not rows:
        ratelimit.add(GUESS_SCOPE, user.pk, window_seconds=GUESS_WINDOW_SECONDS)
    next_cursor = rows[limit - 1].pk if len(rows) > limit else None
    return SearchResult(lookup=lookup, cases=rows[:limit], next_cursor=next_cursor)


def _check_guesses(user):
    if ratelimit.count(GUESS_SCOPE, user.pk, window_seconds=GUESS_WINDOW_SECONDS) >= GUESS_LIMIT:
        raise GuessesLimited(retry_after=ratelimit.seconds_left(GUESS_WINDOW_SECONDS))


def guesses_limited_text(limited):
    return _("按领取码查找未找到的次数过多，请 %(minutes)d 分钟后再试") % {
        "minutes": max(1, (limited.retry_after + 59) // 60)
    }


def case_urls(user, cases):
    """{case id: the page the user's role opens it on, or None}: the window's case page (or the
    intake, while it waits for a decision) for clerks, the audit trail for supervisors, and for
    reviewers and heads their department's task, which a case their department leads has only
    once the department's stage has opened (one query for the whole page)."""
    if is_clerk(user):
        intake = (CaseState.SUBMITTED, CaseState.NEEDS_SUPPLEMENT)
        return {
            case.pk: reverse(
                "cases:continue_intake" if case.state in intake else "cases:case", args=[case.pk]
            )
            for case in cases
        }
    if user.role in (Role.REVIEWER, Role.HEAD):
        with_task = set(
            ReviewTask.objects.filter(
                case_id__in=[case.pk for case in cases], department_id=user.department_id
            ).values_list("case_id", flat=True)
        )
        return {
            case.pk: reverse("cases:inbox_case", args=[case.pk]) if case.pk in with_task else None
            for case in cases
        }
    return {case.pk: reverse("cases:supervision_audit", args=[case.pk]) for case in cases}


# --- the kinds cases owns ----------------------------------------------------------------------

CASE_NUMBER = re.compile(r"[0-9]{20}")  # region code + date + 6-digit sequence
INTAKE_NUMBER = re.compile(r"SJ([0-9]{8})([0-9]{6,12})")  # documents.intake_reference
# 18 characters: an ID number (17 digits and a digit or X) or a credit code (digits and letters).
ID_NUMBER = re.compile(r"[0-9A-Z]{18}")
# A name, then the ID's last 4 characters: 3 digits and a digit or X for an ID card (the space
# may be left out), or any 4 of a credit code's digits and letters after a space ("…公司 341L").
NAME_WITH_TAIL = re.compile(r"(.*[^\s0-9])(?:\s*([0-9]{3}[0-9X])|\s([0-9A-Z]{4}))")


def _parse_case_number(text):
    number = compact_identity(text)
    return number if CASE_NUMBER.fullmatch(number) else None


def _parse_intake_number(text):
    found = INTAKE_NUMBER.fullmatch(compact_identity(text))
    if found is None:
        return None
    try:
        day = datetime.strptime(found[1], "%Y%m%d").date()
    except ValueError:
        return None
    return day, int(found[2])


def _parse_id_number(text):
    number = compact_identity(text)
    return number if ID_NUMBER.fullmatch(number) else None


def _parse_phone(text):
    phone = compact_phone(text)
    if MOBILE.fullmatch(phone) or LANDLINE.fullmatch(phone):
        return phone.replace("-", "")
    return None


def _parse_name_with_tail(text):
    head, _, last = text.rpartition(" ")
    text = f"{head} {last.translate(ASCII_UPPER)}" if head else text.translate(ASCII_UPPER)
    found = NAME_WITH_TAIL.fullmatch(text)
    if found is None:
        return None
    name, tail = found[1].strip(), found[2] or found[3]
    # A credit code's tail holds a digit; a name's last word in capitals (JOHN SMITH) does not.
    if not any(char.isalpha() for char in name) or not any(c.isdigit() for c in tail):
        return None
    return name, tail


def _phone_condition(phone, user):
    # Index: case_phone_key, on the same expression (PHONE_KEY).
    return Q(Exact(PHONE_KEY, Value(phone)))


def _name_condition(key, user):
    # Index: case_name_id_tail (applicant_name, the ID's last 4 characters).
    name, tail = key
    return Q(applicant_name=name) & Q(Exact(ID_TAIL, Value(tail)))


register(
    Lookup(
        kind="case_number",
        label=gettext_lazy("办件编号"),
        parse=_parse_case_number,
        # Index: the unique index on number.
        condition=lambda number, user: Q(number=number),
        priority=10,
    )
)
register(
    Lookup(
        kind="intake_number",
        label=gettext_lazy("收件编号"),
        parse=_parse_intake_number,
        # Index: the primary key; the receipt date must agree, so that an id alone finds nothing.
        condition=lambda key, user: Q(pk=key[1], received_on=key[0]),
        priority=20,
    )
)
register(
    Lookup(
        kind="id_number",
        label=gettext_lazy("证件号码"),
        parse=_parse_id_number,
        # Index: cases_case_applicant_id_number (stored as core.identity normalises it).
        condition=lambda number, user: Q(applicant_id_number=number),
        priority=30,
    )
)
register(
    Lookup(
        kind="phone",
        label=gettext_lazy("电话号码"),
        parse=_parse_phone,
        condition=_phone_condition,
        priority=40,
    )
)
register(
    Lookup(
        kind="name_id_tail",
        label=gettext_lazy("姓名和证件号码后 4 位"),
        parse=_parse_name_with_tail,
        condition=_name_condition,
        priority=100,
    )
)
