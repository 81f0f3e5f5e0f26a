"""The ONEWINDOW_TEST_NOW contract: a run's clock starts at a chosen moment in every process."""

import os
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from time_machine import escape_hatch

from onewindow.core import testclock

ONEWINDOW = Path(sys.executable).parent / "onewindow"
PRINT_NOW = "from django.utils import timezone; print(timezone.now().isoformat())"


def _real_time():
    # The wall clock, whether or not this run travels (ONEWINDOW_TEST_NOW).
    return escape_hatch.time.time() if escape_hatch.is_travelling() else time.time()


def _now_in_a_child(tmp_path, **variables):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in (testclock.NOW_VARIABLE, testclock.ANCHOR_VARIABLE)
    }
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'clock.sqlite3'}",
        ONEWINDOW_VAR_DIR=str(tmp_path),
        **variables,
    )
    result = subprocess.run(
        [ONEWINDOW, "shell", "--no-imports", "-c", PRINT_NOW],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return datetime.fromisoformat(result.stdout.strip())


def test_a_child_started_later_joins_the_runs_clock_where_it_has_got_to(tmp_path):
    # The run started an hour ago (real time) at noon on 1 June 2030, Beijing time.
    anchor = _real_time() - 3600
    now = _now_in_a_child(
        tmp_path,
        ONEWINDOW_TEST_NOW="2030-06-01T12:00:00+08:00",
        ONEWINDOW_TEST_NOW_ANCHOR=repr(anchor),
    )
    start = datetime.fromisoformat("2030-06-01T13:00:00+08:00")
    assert start <= now < start + timedelta(minutes=2)


def test_a_first_process_starts_at_the_moment_itself(tmp_path):
    now = _now_in_a_child(tmp_path, ONEWINDOW_TEST_NOW="2027-02-05T10:00:00+08:00")
    start = datetime.fromisoformat("2027-02-05T10:00:00+08:00")
    assert start <= now < start + timedelta(minutes=2)


def test_without_the_variable_a_child_lives_on_the_real_clock(tmp_path):
    now = _now_in_a_child(tmp_path)
    real = datetime.fromtimestamp(_real_time(), tz=timezone.get_current_timezone())
    assert abs(now - real) < timedelta(minutes=2)


def test_production_mode_ignores_the_variable():
    env = {
        **os.environ,
        testclock.NOW_VARIABLE: "2030-06-01T12:00:00+08:00",
        "ONEWINDOW_MODE": "production",
    }
    env.pop(testclock.ANCHOR_VARIABLE, None)
    code = "from onewindow.core import testclock; print(testclock.start_from_environment())"
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    assert (result.returncode, result.stdout) == (0, "None\n")


def test_a_moment_without_a_utc_offset_is_refused(tmp_path):
    env = {**os.environ, testclock.NOW_VARIABLE: "2027-02-05T10:00:00"}
    env.pop(testclock.ANCHOR_VARIABLE, None)
    result = subprocess.run(
        [ONEWINDOW, "shell", "--no-imports", "-c", PRINT_NOW],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "needs a UTC offset" in result.stderr


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("", None),
        ("2027-02-05T10:00:00+08:00", datetime.fromisoformat("2027-02-05T02:00:00+00:00")),
        ("2026-12-31T23:30:00+08:00", datetime.fromisoformat("2026-12-31T15:30:00+00:00")),
    ],
)
def test_the_variable_names_an_aware_moment(value, expected):
    assert testclock.requested_moment({testclock.NOW_VARIABLE: value}) == expected


def test_a_value_that_is_no_date_is_refused():
    with pytest.raises(ValueError, match="not an ISO 8601 date-time"):
        testclock.requested_moment({testclock.NOW_VARIABLE: "next tuesday"})


@pytest.mark.skipif(
    not os.environ.get(testclock.NOW_VARIABLE), reason="only when the run is at a chosen moment"
)
def test_this_run_lives_at_the_chosen_moment():
    start = testclock.requested_moment()
    elapsed = _real_time() - float(os.environ[testclock.ANCHOR_VARIABLE])
    now = timezone.now()
    assert start <= now <= start + timedelta(seconds=elapsed + 60)
