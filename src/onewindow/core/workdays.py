"""The official working-day calendar (工作日历): Monday–Friday, minus statutory holidays, plus make-up
working days (调休上班).

Legal time limits count working days from the day after the triggering event, so everything here
works on half-open ranges: `add_workdays(start, n)` is the n-th working day *after* `start`, and
`workdays_between(a, b)` counts the working days in (a, b].

A `WorkdayCalendar` is built from plain data (loaded years, holiday dates, make-up dates) and knows
nothing about the database, so tests and benchmarks build one directly. The module-level functions use
a default calendar loaded lazily from `CalendarYear`/`CalendarDay`; `invalidate()` drops it after any
change (core.signals calls it), and it is reloaded at least every `RELOAD_AFTER_SECONDS` so that other
processes pick up edits made in the admin.

A year with no schedule loaded is computed on weekends alone (plus any days already entered for it)
and logs one warning per year per process: a deadline is still needed, and a few days' error is
better than refusing to compute it, but someone has to load the State Council's notice.
"""

import bisect
import logging
import operator
import threading
import time
from datetime import date, timedelta

logger = logging.getLogger("onewindow.core.workdays")

# chinesecalendar's data starts here; the precomputed tables start no later.
FIRST_PRECOMPUTED_YEAR = 2004
# Years beyond the last loaded one (and beyond this year) that still get the O(1) tables.
PRECOMPUTE_YEARS_AHEAD = 5
RELOAD_AFTER_SECONDS = 300

# Process-wide: "one warning per missing year per process", whichever calendar object notices it.
_warned_years = set()


def _weekdays_upto(ordinal):
    """Number of Mondays–Fridays among ordinals 1..ordinal (ordinal 1, 0001-01-01, is a Monday)."""
    weeks, rest = divmod(ordinal, 7)
    return 5 * weeks + min(rest, 5)


class WorkdayCalendar:
    """Working days for given holidays and make-up days, with O(1) answers in the common range.

    Over [first_year, last_year] it precomputes, per day, whether it is a working day and the running
    count of working days, and the list of working dates, so that `add_workdays` is index arithmetic
    and one list lookup. Outside that range, answers come from a closed formula (weekdays up to a date,
    corrected by the exceptions found by bisection), which is exact for any date.
    """

    def __init__(
        self,
        *,
        holidays=(),
        makeup_workdays=(),
        loaded_years=(),
        first_year=None,
        last_year=None,
        warned_years=None,
    ):
        holiday_ordinals = {d.toordinal() for d in holidays}
        makeup_ordinals = {d.toordinal() for d in makeup_workdays}
        both = holiday_ordinals & makeup_ordinals
        if both:
            clash = ", ".join(str(date.fromordinal(o)) for o in sorted(both))
            raise ValueError(f"dates both holiday and make-up working day: {clash}")
        self.loaded_years = frozenset(loaded_years)
        self._holidays = frozenset(holiday_ordinals)
        self._makeups = frozenset(makeup_ordinals)
        # Only exceptions that change the Monday–Friday answer move the running count.
        self._holiday_weekdays = sorted(o for o in holiday_ordinals if (o - 1) % 7 < 5)
        self._makeup_weekends = sorted(o for o in makeup_ordinals if (o - 1) % 7 >= 5)
        self._warned_years = _warned_years if warned_years is None else warned_years

        if first_year is None:
            first_year = min([*self.loaded_years, FIRST_PRECOMPUTED_YEAR])
        if last_year is None:
            last_year = max([*self.loaded_years, date.today().year]) + PRECOMPUTE_YEARS_AHEAD
        self.first_year, self.last_year = first_year, last_year
        self._build_tables()

    def _build_tables(self):
        base = date(self.first_year, 1, 1).toordinal()
        span = date(self.last_year, 12, 31).toordinal() - base + 1
        flags = []
        cumulative = []
        # Index k holds the k-th working day of the range (1-based); index 0 is a placeholder so that
        # "count up to start + n" is directly the index of the answer.
        working_dates = [None]
        count = 0
        for ordinal in range(base, base + span):
            working = self._is_workday_ordinal(ordinal)
            flags.append(working)
            if working:
                count += 1
                working_dates.append(date.fromordinal(ordinal))
            cumulative.append(count)
        self._base = base
        self._span = span
        self._flags = flags
        self._cumulative = cumulative
        self._working_dates = working_dates

        # The fast paths skip the missing-year check, so they only serve the run of consecutive
        # loaded years that ends with the last loaded one (the years current cases live in).
        safe_low = safe_high = 0
        if self.loaded_years:
            last = max(self.loaded_years)
            first = last
            while first - 1 in self.loaded_years:
                first -= 1
            first, last = max(first, self.first_year), min(last, self.last_year)
            if first <= last:
                safe_low = date(first, 1, 1).toordinal() - base
                safe_high = date(last, 12, 31).toordinal() - base + 1
        self._safe_low = safe_low
        self._safe_high = safe_high
        # Largest working-day index whose date still lies in the safe range.
        self._safe_count = cumulative[safe_high - 1] if safe_high else 0

    # -- the rule -------------------------------------------------------------------------------

    def _is_workday_ordinal(self, ordinal):
        if ordinal in self._makeups:
            return True
        if ordinal in self._holidays:
            return False
        return (ordinal - 1) % 7 < 5

    def _count_upto(self, ordinal):
        """Working days among ordinals 1..ordinal; only differences of two counts mean anything."""
        return (
            _weekdays_upto(ordinal)
            - bisect.bisect_right(self._holiday_weekdays, ordinal)
            + bisect.bisect_right(self._makeup_weekends, ordinal)
        )

    def _search(self, start_ordinal, n):
        """Ordinal of the n-th working day after start_ordinal, for any date (n ≥ 1)."""
        target = self._count_upto(start_ordinal) + n
        # Exponential then binary search for the first ordinal whose count reaches the target; the
        # count rises by one exactly on working days, so that ordinal is the answer.
        step = 2 * n + 7
        low, high = start_ordinal, start_ordinal + step
        while self._count_upto(high) < target:
            low, step = high, step * 2
            high = low + step
        while high - low > 1:
            middle = (low + high) // 2
            if self._count_upto(middle) >= target:
                high = middle
            else:
                low = middle
        return high

    def _warn_missing(self, first_ordinal, last_ordinal):
        """Warn, once per process, about each year in [first, last] that has no schedule loaded."""
        if first_ordinal > last_ordinal:
            return
        first_year = date.fromordinal(first_ordinal).year
        last_year = date.fromordinal(last_ordinal).year
        for year in range(first_year, last_year + 1):
            if year not in self.loaded_years and year not in self._warned_years:
                self._warned_years.add(year)
                logger.warning(
                    "No holiday schedule loaded for %s: counting Monday–Friday only "
                    "(load it with `onewindow workdays import FILE` or in the admin).",
                    year,
                )

    # -- public API -----------------------------------------------------------------------------

    def is_workday(self, d):
        i = d.toordinal() - self._base
        if self._safe_low <= i < self._safe_high:
            return self._flags[i]
        ordinal = d.toordinal()
        self._warn_missing(ordinal, ordinal)
        return self._is_workday_ordinal(ordinal)

    def add_workdays(self, start, n):
        """The n-th working day after `start` (start itself not counted); n = 0 returns start."""
        i = start.toordinal() - self._base
        if self._safe_low <= i < self._safe_high and n > 0:
            k = self._cumulative[i] + n
            if k <= self._safe_count:
                return self._working_dates[k]
        return self._add_workdays_checked(start, n)

    def _add_workdays_checked(self, start, n):
        n = operator.index(n)
        if n < 0:
            raise ValueError(f"n must be ≥ 0, got {n}")
        if n == 0:
            return start
        ordinal = start.toordinal()
        i = ordinal - self._base
        if 0 <= i < self._span and self._cumulative[i] + n < len(self._working_dates):
            result = self._working_dates[self._cumulative[i] + n]
        else:
            result = date.fromordinal(self._search(ordinal, n))
        self._warn_missing(ordinal + 1, result.toordinal())
        return result

    def workdays_between(self, a, b):
        """Working days in (a, b]: 0 when a == b. Raises ValueError when a > b."""
        i = a.toordinal() - self._base
        j = b.toordinal() - self._base
        if self._safe_low <= i <= j < self._safe_high:
            return self._cumulative[j] - self._cumulative[i]
        if i > j:
            raise ValueError(f"workdays_between needs a <= b, got {a} > {b}")
        a_ordinal, b_ordinal = a.toordinal(), b.toordinal()
        self._warn_missing(a_ordinal + 1, b_ordinal)
        return self._count_upto(b_ordinal) - self._count_upto(a_ordinal)

    def deadline(self, start, limit_days, *, suspensions=(), extension_days=0):
        """The last day of a limit of `limit_days` (+ `extension_days`) working days from `start`.

        `suspensions` are (first_day, last_day) inclusive ranges whose working days do not count
        (中止/暂停计时). A suspension still open (last_day None) that begins on or before the day the
        limit would run out makes the deadline unknown: None. Overlapping ranges are merged.
        """
        if limit_days < 0 or extension_days < 0:
            raise ValueError("limit_days and extension_days must be ≥ 0")
        remaining = limit_days + extension_days
        if remaining == 0:
            # Nothing to count: a stop that begins on the start day has no working day to stop.
            return start
        cursor = start
        for first, last in _merge_suspensions(suspensions):
            candidate = self.add_workdays(cursor, remaining)
            if candidate < first:
                return candidate
            if last is None:
                return None
            if first > cursor:
                remaining -= self.workdays_between(cursor, first - timedelta(days=1))
            cursor = max(cursor, last)
        return self.add_workdays(cursor, remaining)

    def missing_years(self, years):
        """The given years that have no schedule loaded, sorted."""
        return sorted({year for year in years if year not in self.loaded_years})


def _merge_suspensions(suspensions):
    ranges = []
    for first, last in suspensions:
        if last is not None and last < first:
            raise ValueError(f"suspension ends before it starts: {first} – {last}")
        ranges.append((first, last))
    ranges.sort(key=lambda r: r[0])
    merged = []
    for first, last in ranges:
        if merged:
            previous_first, previous_last = merged[-1]
            if previous_last is None:
                break  # everything after an open suspension is inside it
            if first <= previous_last + timedelta(days=1):
                merged[-1] = (
                    previous_first,
                    None if last is None else max(previous_last, last),
                )
                continue
        merged.append((first, last))
    return merged


# -- the default calendar, from the database ------------------------------------------------------

_lock = threading.Lock()
_default = None
_expires_at = 0.0


def load_from_database():
    """Build a WorkdayCalendar from CalendarYear and CalendarDay."""
    from onewindow.core.constants import DayKind
    from onewindow.core.models import CalendarDay, CalendarYear

    years = list(CalendarYear.objects.values_list("year", flat=True))
    holidays, makeups = [], []
    for day, kind in CalendarDay.objects.values_list("date", "kind"):
        (makeups if kind == DayKind.MAKEUP_WORKDAY else holidays).append(day)
    return WorkdayCalendar(holidays=holidays, makeup_workdays=makeups, loaded_years=years)


def get_calendar():
    """The default calendar, loading it from the database when needed."""
    calendar = _default
    if calendar is not None and time.monotonic() < _expires_at:
        return calendar
    return _reload()


def _reload():
    global _default, _expires_at
    # The lock is held across the query so that concurrent first calls load once, and so that an
    # invalidate() during a load waits and then discards what was loaded.
    with _lock:
        if _default is not None and time.monotonic() < _expires_at:
            return _default
        calendar = load_from_database()
        _default = calendar
        _expires_at = time.monotonic() + RELOAD_AFTER_SECONDS
    return calendar


def set_calendar(calendar):
    """Install `calendar` as the default (benchmarks, scripts) until the next invalidate()."""
    global _default, _expires_at
    with _lock:
        _default = calendar
        _expires_at = float("inf")


def invalidate():
    """Forget the default calendar; the next call reloads it. Called after every calendar change."""
    global _default
    with _lock:
        _default = None


def is_workday(d):
    calendar = _default
    if calendar is None or time.monotonic() >= _expires_at:
        calendar = _reload()
    return calendar.is_workday(d)


def add_workdays(start, n):
    """The n-th working day after `start`, the start day not counted (the law counts from the next
    day); n = 0 returns start unchanged."""
    calendar = _default
    if calendar is None or time.monotonic() >= _expires_at:
        calendar = _reload()
    return calendar.add_workdays(start, n)


def workdays_between(a, b):
    """Number of working days in (a, b]; ValueError when a > b."""
    calendar = _default
    if calendar is None or time.monotonic() >= _expires_at:
        calendar = _reload()
    return calendar.workdays_between(a, b)


def deadline(start, limit_days, *, suspensions=(), extension_days=0):
    """See WorkdayCalendar.deadline; None while an open suspension stops the clock."""
    return get_calendar().deadline(
        start, limit_days, suspensions=suspensions, extension_days=extension_days
    )


def missing_years(years):
    """The given years that have no schedule loaded."""
    return get_calendar().missing_years(years)


def current_missing_years(today=None):
    """This year and next year, where their schedule is not loaded (for the admin banner)."""
    if today is None:
        today = _local_today()
    return missing_years([today.year, today.year + 1])


def _local_today():
    from django.core.exceptions import ImproperlyConfigured
    from django.utils import timezone

    try:
        return timezone.localdate()
    except ImproperlyConfigured:  # a plain script without Django settings
        return date.today()


def add_years(day, years):
    """The same day `years` later (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)
