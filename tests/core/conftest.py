import pytest

from onewindow.core.calendar_seed import seeded_workday_calendar


@pytest.fixture(scope="session")
def seeded_calendar():
    """The chinesecalendar data (what the seed migration loads), with no database."""
    return seeded_workday_calendar(warned_years=set())
