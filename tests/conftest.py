import pytest

from onewindow.core import workdays


@pytest.fixture(autouse=True)
def _chinese_first(settings):
    # Pages are Chinese first; tests that check English ask for it explicitly.
    settings.LANGUAGE_CODE = "zh-hans"


@pytest.fixture(autouse=True)
def _fresh_default_calendar():
    # A test's rollback sends no signals, so a calendar cached from a test's rows would outlive them.
    workdays.invalidate()
    yield
    workdays.invalidate()
