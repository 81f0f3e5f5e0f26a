import pytest


@pytest.fixture(autouse=True)
def _english_free_defaults(settings):
    # Pages are Chinese first; tests that check English ask for it explicitly.
    settings.LANGUAGE_CODE = "zh-hans"
