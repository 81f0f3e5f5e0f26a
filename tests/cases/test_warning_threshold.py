"""When a step or a case turns yellow: the warning threshold scales with its limit and is never
reached on the day it arrives (cases/deadlines.py warning_days; docs/cases.md)."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from onewindow.cases.constants import Colour
from onewindow.cases.deadlines import colour_for, warning_days
from onewindow.core import workdays
from onewindow.core.workdays import WorkdayCalendar

# limit → working days left when it turns yellow, with the defaults (ratio 0.2, at most 5).
DEFAULT_TABLE = [
    (0, 0),
    (1, 0),  # yellow on its due day only
    (2, 1),
    (3, 1),
    (5, 1),
    (6, 2),
    (10, 2),
    (11, 3),
    (20, 4),
    (25, 5),
    (60, 5),  # capped by ONEWINDOW_WARNING_MAX_DAYS
]


@pytest.mark.parametrize(("limit", "days"), DEFAULT_TABLE)
def test_the_default_threshold_table(settings, limit, days):
    settings.ONEWINDOW_WARNING_RATIO, settings.ONEWINDOW_WARNING_MAX_DAYS = 0.2, 5
    assert warning_days(limit) == days


def test_the_ratio_and_the_cap_come_from_the_settings(settings):
    settings.ONEWINDOW_WARNING_RATIO, settings.ONEWINDOW_WARNING_MAX_DAYS = 0.5, 8
    assert [warning_days(n) for n in (1, 2, 4, 10, 20)] == [0, 1, 2, 5, 8]


def test_a_ratio_that_is_not_exact_in_binary_is_not_rounded_up_twice(settings):
    # 0.1 × 30 is 3.0000000000000004 in floating point; the threshold is 3, not 4.
    assert warning_days(30, ratio=0.1, most=10) == 3


def test_a_one_day_step_is_green_on_arrival_yellow_on_its_due_day_red_after(settings):
    settings.ONEWINDOW_WARNING_RATIO = 0.2
    # Monday–Friday, no holidays: built here, as the colour reads the process's calendar.
    calendar = WorkdayCalendar(loaded_years=[2027])
    workdays.set_calendar(calendar)
    monday = date(2027, 3, 1)
    due = calendar.add_workdays(monday, 1)
    assert colour_for(due, monday, limit_days=1) == Colour.GREEN
    assert colour_for(due, due, limit_days=1) == Colour.YELLOW
    assert colour_for(due, due + timedelta(days=1), limit_days=1) == Colour.RED


limits = st.integers(min_value=1, max_value=120)
ratios = st.decimals(min_value=0, max_value=1, places=2).map(float)
caps = st.integers(min_value=1, max_value=30)


@given(limit=limits, ratio=ratios, most=caps)
def test_nothing_is_yellow_on_the_day_it_arrives(limit, ratio, most):
    # On arrival the whole limit remains; the threshold is always below it.
    assert warning_days(limit, ratio=ratio, most=most) < limit


@given(limit=limits, ratio=ratios, most=caps)
def test_the_threshold_is_at_least_one_day_past_one_day_steps_and_at_most_the_cap(
    limit, ratio, most
):
    days = warning_days(limit, ratio=ratio, most=most)
    assert days <= most
    assert days >= (1 if limit >= 2 else 0)


@given(limit=limits, ratio=ratios, most=caps)
def test_a_longer_limit_never_warns_later(limit, ratio, most):
    assert warning_days(limit + 1, ratio=ratio, most=most) >= warning_days(
        limit, ratio=ratio, most=most
    )
