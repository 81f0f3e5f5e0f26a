"""Fixed cases on the official 2026 schedule (chinesecalendar data), deadlines, missing years."""

import logging
from datetime import date

import chinese_calendar
import pytest

from onewindow.core.workdays import WorkdayCalendar

D = date


def test_it_knows_the_2026_spring_festival_schedule(seeded_calendar):
    # Checked against chinesecalendar itself rather than trusted from the issue text.
    assert chinese_calendar.get_holiday_detail(D(2026, 2, 14)) == (False, "Spring Festival")
    assert chinese_calendar.get_holiday_detail(D(2026, 2, 28)) == (False, "Spring Festival")
    assert D(2026, 2, 14).weekday() == D(2026, 2, 28).weekday() == 5  # make-up Saturdays
    assert seeded_calendar.is_workday(D(2026, 2, 14))
    assert seeded_calendar.is_workday(D(2026, 2, 28))
    for day in range(15, 24):
        assert not seeded_calendar.is_workday(D(2026, 2, day)), day
    assert seeded_calendar.is_workday(D(2026, 2, 24))
    assert not seeded_calendar.is_workday(D(2026, 2, 21))  # a Saturday inside the holiday


def test_it_counts_from_the_day_after_start(seeded_calendar):
    # Friday 13 Feb: the 1st working day after it is the make-up Saturday, the 2nd is after 春节.
    assert seeded_calendar.add_workdays(D(2026, 2, 13), 1) == D(2026, 2, 14)
    assert seeded_calendar.add_workdays(D(2026, 2, 13), 2) == D(2026, 2, 24)
    assert seeded_calendar.add_workdays(D(2026, 2, 14), 1) == D(2026, 2, 24)
    assert seeded_calendar.add_workdays(D(2026, 2, 23), 5) == D(2026, 2, 28)


def test_it_returns_start_unchanged_for_zero_days(seeded_calendar):
    assert seeded_calendar.add_workdays(D(2026, 2, 17), 0) == D(2026, 2, 17)  # even on a holiday


def test_it_counts_working_days_in_a_half_open_range(seeded_calendar):
    # (13 Feb, 2 Mar]: Sat 14, Tue 24 – Fri 27, Sat 28, Mon 2 Mar.
    assert seeded_calendar.workdays_between(D(2026, 2, 13), D(2026, 3, 2)) == 7
    assert seeded_calendar.workdays_between(D(2026, 2, 14), D(2026, 2, 23)) == 0
    assert seeded_calendar.workdays_between(D(2026, 3, 2), D(2026, 3, 2)) == 0


def test_it_refuses_a_reversed_range(seeded_calendar):
    with pytest.raises(ValueError, match="a <= b"):
        seeded_calendar.workdays_between(D(2026, 3, 2), D(2026, 2, 13))


def test_it_refuses_a_negative_count(seeded_calendar):
    with pytest.raises(ValueError):
        seeded_calendar.add_workdays(D(2026, 3, 2), -1)


def test_it_knows_the_2026_national_day_schedule(seeded_calendar):
    assert chinese_calendar.is_workday(D(2026, 10, 10))
    assert D(2026, 10, 10).weekday() == 5  # make-up Saturday
    assert seeded_calendar.is_workday(D(2026, 9, 20))  # make-up Sunday before 中秋
    assert seeded_calendar.is_workday(D(2026, 10, 10))
    for day in range(1, 8):
        assert not seeded_calendar.is_workday(D(2026, 10, day)), day
    assert seeded_calendar.add_workdays(D(2026, 9, 30), 1) == D(2026, 10, 8)
    assert seeded_calendar.add_workdays(D(2026, 10, 9), 1) == D(2026, 10, 10)
    # Thu 8, Fri 9, Sat 10, Mon 12.
    assert seeded_calendar.workdays_between(D(2026, 9, 30), D(2026, 10, 12)) == 4


def test_a_deadline_without_suspension_is_add_workdays(seeded_calendar):
    assert seeded_calendar.deadline(D(2026, 2, 13), 2) == D(2026, 2, 24)
    assert seeded_calendar.deadline(D(2026, 3, 2), 20) == seeded_calendar.add_workdays(
        D(2026, 3, 2), 20
    )


def test_an_extension_adds_working_days(seeded_calendar):
    assert seeded_calendar.deadline(D(2026, 2, 13), 2, extension_days=3) == D(2026, 2, 27)


def test_working_days_inside_a_suspension_do_not_count(seeded_calendar):
    # Limit 5 from Mon 2 Mar: Tue 3 counts; Wed 4 – Fri 6 suspended; then Mon 9 … Thu 12.
    suspensions = [(D(2026, 3, 4), D(2026, 3, 6))]
    assert seeded_calendar.deadline(D(2026, 3, 2), 5, suspensions=suspensions) == D(2026, 3, 12)
    assert seeded_calendar.deadline(D(2026, 3, 2), 5) == D(2026, 3, 9)


def test_a_suspension_after_the_deadline_changes_nothing(seeded_calendar):
    suspensions = [(D(2026, 3, 10), D(2026, 3, 20))]
    assert seeded_calendar.deadline(D(2026, 3, 2), 5, suspensions=suspensions) == D(2026, 3, 9)


def test_a_suspension_from_the_start_day_shifts_the_count(seeded_calendar):
    suspensions = [(D(2026, 3, 2), D(2026, 3, 3))]
    assert seeded_calendar.deadline(D(2026, 3, 2), 1, suspensions=suspensions) == D(2026, 3, 4)


def test_overlapping_suspensions_are_merged(seeded_calendar):
    apart = [(D(2026, 3, 4), D(2026, 3, 5)), (D(2026, 3, 5), D(2026, 3, 6))]
    together = [(D(2026, 3, 4), D(2026, 3, 6))]
    assert seeded_calendar.deadline(D(2026, 3, 2), 5, suspensions=apart) == (
        seeded_calendar.deadline(D(2026, 3, 2), 5, suspensions=together)
    )


def test_a_suspension_over_a_holiday_only_stops_working_days(seeded_calendar):
    # 13 Feb + 3: Sat 14, Tue 24, Wed 25. Suspending 15–23 Feb (all holiday) changes nothing;
    # suspending 14–24 Feb removes two working days.
    start = D(2026, 2, 13)
    assert seeded_calendar.deadline(start, 3) == D(2026, 2, 25)
    assert seeded_calendar.deadline(start, 3, suspensions=[(D(2026, 2, 15), D(2026, 2, 23))]) == (
        D(2026, 2, 25)
    )
    assert seeded_calendar.deadline(start, 3, suspensions=[(D(2026, 2, 14), D(2026, 2, 24))]) == (
        D(2026, 2, 27)
    )


def test_an_open_suspension_makes_the_deadline_unknown(seeded_calendar):
    assert seeded_calendar.deadline(D(2026, 3, 2), 5, suspensions=[(D(2026, 3, 4), None)]) is None


def test_an_open_suspension_after_the_deadline_does_not_hide_it(seeded_calendar):
    suspensions = [(D(2026, 3, 10), None)]
    assert seeded_calendar.deadline(D(2026, 3, 2), 5, suspensions=suspensions) == D(2026, 3, 9)


def test_a_suspension_ending_before_it_starts_is_refused(seeded_calendar):
    with pytest.raises(ValueError):
        seeded_calendar.deadline(D(2026, 3, 2), 5, suspensions=[(D(2026, 3, 6), D(2026, 3, 4))])


def test_a_missing_year_counts_weekdays_only_and_warns_once(caplog):
    calendar = WorkdayCalendar(holidays=[D(2030, 1, 1)], loaded_years=[2030], warned_years=set())
    caplog.set_level(logging.WARNING, logger="onewindow.core.workdays")

    # With no 2031 schedule, New Year's Day 2031 counts as an ordinary Wednesday.
    assert calendar.add_workdays(D(2030, 12, 30), 2) == D(2031, 1, 1)
    assert calendar.is_workday(D(2031, 1, 1))
    assert calendar.workdays_between(D(2030, 12, 31), D(2031, 1, 7)) == 5

    warnings = [r for r in caplog.records if r.name == "onewindow.core.workdays"]
    assert len(warnings) == 1
    assert "2031" in warnings[0].getMessage()
    assert warnings[0].levelno == logging.WARNING


def test_a_loaded_year_does_not_warn(caplog, seeded_calendar):
    caplog.set_level(logging.WARNING, logger="onewindow.core.workdays")
    seeded_calendar.add_workdays(D(2026, 2, 13), 2)
    seeded_calendar.workdays_between(D(2004, 1, 1), D(2026, 12, 31))
    assert not caplog.records


def test_a_missing_year_still_uses_the_days_already_entered():
    calendar = WorkdayCalendar(holidays=[D(2031, 1, 1)], loaded_years=[2030], warned_years=set())
    assert not calendar.is_workday(D(2031, 1, 1))
    assert calendar.missing_years([2030, 2031]) == [2031]


def test_it_works_outside_the_precomputed_range():
    calendar = WorkdayCalendar(
        holidays=[D(2040, 10, 1)],
        loaded_years=[2040],
        first_year=2030,
        last_year=2031,
        warned_years=set(),
    )
    assert calendar.add_workdays(D(2040, 9, 28), 1) == D(2040, 10, 2)  # Fri → (Mon holiday) Tue
    assert calendar.workdays_between(D(2040, 9, 28), D(2040, 10, 2)) == 1
    assert not calendar.is_workday(D(2040, 10, 1))


def test_a_date_cannot_be_both_holiday_and_working_day():
    with pytest.raises(ValueError, match="both"):
        WorkdayCalendar(holidays=[D(2030, 1, 5)], makeup_workdays=[D(2030, 1, 5)])


def test_a_zero_limit_ends_on_the_start_day_even_if_a_stop_begins_that_day(seeded_calendar):
    # Found by hypothesis: a suspension starting on the start day used to move a zero-day deadline.
    start = date(2015, 1, 1)

    assert seeded_calendar.deadline(start, 0, suspensions=[(start, date(2015, 1, 2))]) == start
