"""Lock drivers: what actually opens a compartment door.

A driver has one method, `open(compartment)`, which opens the door or raises `DriverError`. A
locker names its driver (`Locker.driver`); ONEWINDOW_LOCKER_DRIVERS maps names to classes, so a
vendor's cabinet (serial port, vendor HTTP API…) plugs in without touching the kiosk.

The default `simulator` driver has no hardware: it records the opening on the compartment
(`opened_at`) and in the process' log of openings, so that the kiosk page can show the door
opening and tests can see which doors opened.
"""

import logging

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class DriverError(Exception):
    """The door could not be opened (hardware fault, cabinet offline)."""


class SimulatorDriver:
    """A cabinet without hardware: every door opens, and the opening is recorded."""

    openings = []  # (locker code, compartment number, when), newest last; for the demo and tests

    def __init__(self, locker):
        self.locker = locker

    def open(self, compartment):
        now = timezone.now()
        compartment.opened_at = now
        compartment.save(update_fields=["opened_at"])
        self.openings.append((self.locker.code, compartment.number, now))
        del self.openings[:-100]
        logger.info(
            "locker %s: compartment %s opened (simulator)", self.locker.code, compartment.number
        )


def driver_for(locker):
    """The driver of `locker`, by its name in ONEWINDOW_LOCKER_DRIVERS."""
    path = settings.ONEWINDOW_LOCKER_DRIVERS.get(locker.driver)
    if path is None:
        raise DriverError(f"unknown locker driver {locker.driver!r}")
    return import_string(path)(locker)
