"""The guard of the public progress query, shared by the page and the API.

Two counters (core.ratelimit, in the shared cache): lookups per client per minute, and wrong
secrets per case number per day from all clients together, so that guessing one case's 4-digit
secret from many addresses fails too. A number is counted whether or not it exists, and its
limit answers the same either way: the limit must not tell which numbers exist.

The per-number limit would let anyone who knows a case number lock its applicant out for the
rest of the day. A client that has given that number's right secret before (for 30 days) is not
held by it, only by its own per-minute limit: an applicant who follows a case keeps seeing it.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext as _

from onewindow.cases.queries import find_for_progress
from onewindow.core import ratelimit
from onewindow.core.identity import compact_identity

LOOKUP_WINDOW_SECONDS = 60
NUMBER_WINDOW_SECONDS = 24 * 3600
# How long a client that gave the right secret is exempt from that number's limit.
KNOWN_CLIENT_SECONDS = 30 * 24 * 3600


@dataclass(frozen=True)
class NumberLimited(ratelimit.RateLimited):
    """Too many wrong secrets for this case number today; `until` is the window's end (Unix)."""

    until: float = 0


def _number_key(number):
    # The same number however it was typed (full-width, spaced): one counter, as in the query.
    return compact_identity(number)


def _known_key(number_key, client):
    return ratelimit.cache_key("progress-known", f"{number_key}|{client}", 0)


def look_up(request, number, secret):
    """The case for `number` and `secret`, or None (a wrong secret answers like an unknown
    number). Raises RateLimited past the client's per-minute limit, NumberLimited past the
    number's daily limit of wrong secrets."""
    client = ratelimit.client_key(request)
    ratelimit.hit(
        "progress",
        client,
        limit=settings.ONEWINDOW_PROGRESS_LOOKUPS_PER_MINUTE,
        window_seconds=LOOKUP_WINDOW_SECONDS,
    )
    number_key = _number_key(number)
    if not number_key:
        return None
    known = cache.get(_known_key(number_key, client), False)
    wrong_today = ratelimit.count(
        "progress-number", number_key, window_seconds=NUMBER_WINDOW_SECONDS
    )
    if not known and wrong_today >= settings.ONEWINDOW_PROGRESS_WRONG_SECRETS_PER_NUMBER:
        # Not even tried: a right guess must look like a wrong one while the number is held.
        raise NumberLimited(
            retry_after=ratelimit.seconds_left(NUMBER_WINDOW_SECONDS),
            until=ratelimit.window_ends_at(NUMBER_WINDOW_SECONDS),
        )
    case = find_for_progress(number, secret)
    if case is None:
        ratelimit.add("progress-number", number_key, window_seconds=NUMBER_WINDOW_SECONDS)
    else:
        cache.set(_known_key(number_key, client), True, timeout=KNOWN_CLIENT_SECONDS)
    return case


def number_limited_text(limited):
    """What to tell a caller held by the number's limit: until when, and where else to ask."""
    until = timezone.localtime(datetime.fromtimestamp(limited.until, tz=UTC))
    return _(
        "该办件编号今日输错次数过多，为保护申请人信息，暂停查询至 %(until)s。"
        "请届时再试，或携带受理通知书到窗口查询。"
    ) % {"until": f"{until:%m-%d %H:%M}"}
