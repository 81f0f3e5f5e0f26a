"""Run the test suite at a chosen moment: the `ONEWINDOW_TEST_NOW` contract.

`ONEWINDOW_TEST_NOW=2027-02-05T10:00:00+08:00` makes the test run's clock start at that moment and
tick on at the real pace — in the pytest process (tests/conftest.py) and in every process the tests
start (`onewindow db_worker`, `onewindow serve`, `onewindow demo`…, through `onewindow.cli`).

All processes of one run share one clock: the first process to start the clock records the real
moment it did so in `ONEWINDOW_TEST_NOW_ANCHOR` (seconds since the epoch, real time), and a process
started later with both variables in its environment starts at NOW + (real now − anchor). A worker
started ten minutes into the run therefore agrees with the test that enqueued its job, instead of
living ten minutes in the past.

time-machine patches the clock functions of Python (time.time, datetime.now, …) and leaves
time.monotonic, sleeps and thread waits alone, which is why it is used rather than a process-level
faker such as libfaketime. It is a test dependency: a process asked to travel without it installed
refuses to start rather than run silently on the real date. Production mode ignores the variable.
"""

import os
import time
from datetime import datetime, timedelta

NOW_VARIABLE = "ONEWINDOW_TEST_NOW"
ANCHOR_VARIABLE = "ONEWINDOW_TEST_NOW_ANCHOR"

_traveller = None


def requested_moment(environ=None):
    """The aware datetime that `ONEWINDOW_TEST_NOW` names, or None when it is unset or empty.

    A value without a UTC offset is refused: "10:00" on a CI machine in UTC and on a developer's in
    Beijing would be different moments, which is the very dependency this contract removes.
    """
    environ = os.environ if environ is None else environ
    value = environ.get(NOW_VARIABLE, "").strip()
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise ValueError(f"{NOW_VARIABLE}={value!r} is not an ISO 8601 date-time") from exc
    if moment.utcoffset() is None:
        raise ValueError(f"{NOW_VARIABLE}={value!r} needs a UTC offset, e.g. +08:00")
    return moment


def start_from_environment(environ=None):
    """Start the shared test clock if the environment asks for it; return the moment it started
    at, or None. Safe to call twice in one process (the second call does nothing)."""
    global _traveller
    environ = os.environ if environ is None else environ
    moment = requested_moment(environ)
    if moment is None or _traveller is not None:
        return None
    if environ.get("ONEWINDOW_MODE", "demo") == "production":
        return None
    real_now = time.time()
    anchor = environ.get(ANCHOR_VARIABLE)
    if anchor:
        moment += timedelta(seconds=max(0.0, real_now - float(anchor)))
    else:
        # Children inherit the anchor and join this clock where it has got to.
        environ[ANCHOR_VARIABLE] = repr(real_now)
    import time_machine

    _traveller = time_machine.travel(moment, tick=True)
    _traveller.start()
    return moment
