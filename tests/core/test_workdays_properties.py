"""Properties of the working-day arithmetic, checked against a naive day-by-day reference."""

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from onewindow.core.calendar_seed import seeded_workday_calendar
from onewindow.core.workdays import WorkdayCalendar

SEEDED = seeded_workday_calendar(warned_years=set())
# Wide enough to leave the precomputed range and to cross years with no schedule (before 2004,
# after 2026) as well as the seeded ones.
dates = st.dates(min_value=date(1998, 1, 1), max_value=date(2040, 12, 31))
counts = st.integers(min_value=0, max_value=400)


class NaiveCalendar:
    """The rule itself, one day at a time."""

    def __init__(self, holidays, makeups):
        self.holidays, self.makeups = set(holidays), set(makeups)

    def is_workday(self, d):
        return d in self.makeups or (d.weekday() < 5 and d not in self.holidays)

    def add_workdays(self, start, n):
        d = start
        while n:
            d += timedelta(days=1)
            n -= self.is_workday(d)
        return d

    def workdays_between(self, a, b):
        return sum(self.is_workday(a + timedelta(days=i)) for i in range(1, (b - a).days + 1))


@st.composite
def calendars(draw):
    """Random schedules around a narrow precomputed range, so every code path gets exercised."""
    days = st.dates(min_value=date(2018, 1, 1), max_value=date(2025, 12, 31))
    holidays = draw(st.sets(days, max_size=60))
    makeups = draw(st.sets(days, max_size=20)) - holidays
    loaded = draw(st.sets(st.integers(2017, 2026), max_size=10))
    first_year = draw(st.integers(2017, 2022))
    last_year = draw(st.integers(first_year, 2024))
    calendar = WorkdayCalendar(
        holidays=holidays,
        makeup_workdays=makeups,
        loaded_years=loaded,
        first_year=first_year,
        last_year=last_year,
        warned_years=set(range(1990, 2050)),  # warnings are not what these tests are about
    )
    return calendar, NaiveCalendar(holidays, makeups)


random_dates = st.dates(min_value=date(2015, 1, 1), max_value=date(2028, 12, 31))


@given(dates, counts)
def test_between_undoes_add(start, n):
    assert SEEDED.workdays_between(start, SEEDED.add_workdays(start, n)) == n


@given(dates, st.integers(min_value=1, max_value=400))
def test_add_lands_on_a_working_day(start, n):
    assert SEEDED.is_workday(SEEDED.add_workdays(start, n))


@given(dates, counts, counts)
def test_add_is_monotonic_in_n(start, n, m):
    n, m = sorted((n, m))
    assert SEEDED.add_workdays(start, n) <= SEEDED.add_workdays(start, m)
    if n < m:
        assert SEEDED.add_workdays(start, n) < SEEDED.add_workdays(start, m)


@given(dates, dates, counts)
def test_add_is_monotonic_in_start(a, b, n):
    a, b = sorted((a, b))
    assert SEEDED.add_workdays(a, n) <= SEEDED.add_workdays(b, n)


@given(dates, dates, dates)
def test_between_is_additive(a, b, c):
    a, b, c = sorted((a, b, c))
    assert SEEDED.workdays_between(a, c) == (
        SEEDED.workdays_between(a, b) + SEEDED.workdays_between(b, c)
    )


@given(dates, st.integers(min_value=1, max_value=400))
def test_add_skips_no_working_day(start, n):
    # The n-th working day after start has exactly n - 1 working days strictly between them.
    result = SEEDED.add_workdays(start, n)
    assert SEEDED.workdays_between(start, result - timedelta(days=1)) == n - 1


@settings(max_examples=300)
@given(calendars(), random_dates, st.integers(min_value=0, max_value=120))
def test_add_agrees_with_the_naive_rule(pair, start, n):
    calendar, naive = pair
    assert calendar.add_workdays(start, n) == naive.add_workdays(start, n)


@settings(max_examples=300)
@given(calendars(), random_dates, random_dates)
def test_between_and_is_workday_agree_with_the_naive_rule(pair, a, b):
    calendar, naive = pair
    a, b = sorted((a, b))
    assert calendar.workdays_between(a, b) == naive.workdays_between(a, b)
    assert calendar.is_workday(a) == naive.is_workday(a)
    assert calendar.is_workday(b) == naive.is_workday(b)


@settings(max_examples=200)
@given(
    calendars(),
    random_dates,
    st.integers(min_value=0, max_value=60),
    st.integers(min_value=0, max_value=10),
    st.lists(st.tuples(random_dates, st.integers(0, 30)), max_size=3),
)
def test_deadline_agrees_with_the_naive_rule(pair, start, limit, extension, raw_suspensions):
    calendar, naive = pair
    suspensions = [(first, first + timedelta(days=length)) for first, length in raw_suspensions]
    suspended = {
        first + timedelta(days=i)
        for first, last in suspensions
        for i in range((last - first).days + 1)
    }
    expected, remaining = start, limit + extension
    while remaining:
        expected += timedelta(days=1)
        remaining -= naive.is_workday(expected) and expected not in suspended
    assert calendar.deadline(start, limit, suspensions=suspensions, extension_days=extension) == (
        expected
    )
