"""`onewindow workdays …`: the working-day calendar from the shell.

Scripts depend on the output, so each answer is one bare line (`2026-02-24`, `7`, `yes`), and any bad
input exits with status 2 and exactly one line on stderr. That is why the arguments are parsed here
rather than by argparse, whose errors print a usage block.
"""

import re
import sys
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connections

from onewindow.core import workdays
from onewindow.core.calendar_seed import ScheduleFileError, import_schedule_file, seed

MAX_N = 10_000  # about 40 years of working days: anything larger is a typo
DATE_RANGE = (date(1900, 1, 1), date(2199, 12, 31))
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

USAGE = """\
usage: onewindow workdays add DATE N          the N-th working day after DATE
       onewindow workdays between DATE1 DATE2 working days in (DATE1, DATE2]
       onewindow workdays is-workday DATE     yes or no
       onewindow workdays import FILE         load a year's schedule (docs/workdays.md)
       onewindow workdays seed                load chinesecalendar years not yet loaded
       onewindow workdays missing [YEAR ...]  years without a schedule (default: this and next)
DATE is YYYY-MM-DD."""


class UsageError(CommandError):
    """Bad input: reported as one line on stderr, exit status 2."""

    def __init__(self, message):
        super().__init__(message, returncode=2)


def _parse_date(text):
    if not _DATE_RE.match(text):
        raise UsageError(f"not a date: {text!r} (expected YYYY-MM-DD)")
    try:
        value = date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"not a date: {text!r} (expected YYYY-MM-DD)") from None
    if not DATE_RANGE[0] <= value <= DATE_RANGE[1]:
        low, high = DATE_RANGE[0].year, DATE_RANGE[1].year
        raise UsageError(f"date out of range: {text} (supported {low}–{high})")
    return value


def _parse_count(text):
    if not re.fullmatch(r"[0-9]+", text):
        raise UsageError(f"N must be a whole number from 0 to {MAX_N}, got {text!r}")
    value = int(text)
    if value > MAX_N:
        raise UsageError(f"N must be a whole number from 0 to {MAX_N}, got {text}")
    return value


def _parse_year(text):
    if not re.fullmatch(r"[0-9]{4}", text):
        raise UsageError(f"not a year: {text!r}")
    return int(text)


def _expect(args, count, usage):
    if len(args) != count:
        raise UsageError(f"expected {usage}")


class Command(BaseCommand):
    help = "Working-day calendar: add, between, is-workday, import, seed, missing."

    def add_arguments(self, parser):
        # Only for call_command(); run_from_argv() below bypasses argparse.
        parser.add_argument("args", nargs="*")

    def run_from_argv(self, argv):
        args = [arg for arg in argv[2:] if not arg.startswith(("--settings", "--pythonpath"))]
        if args and args[0] in ("-h", "--help", "help"):
            self.stdout.write(USAGE)
            return
        try:
            self.handle(*args)
        except UsageError as error:
            sys.stderr.write(f"onewindow workdays: {error}\n")
            sys.exit(2)
        except DatabaseError as error:
            message = str(error).splitlines()[0] if str(error) else type(error).__name__
            sys.stderr.write(
                f"onewindow workdays: database error: {message} (has `onewindow migrate` run?)\n"
            )
            sys.exit(1)
        finally:
            connections.close_all()

    def handle(self, *args, **options):
        if not args:
            raise UsageError("missing subcommand (add, between, is-workday, import, seed, missing)")
        subcommand, rest = args[0], list(args[1:])
        if subcommand == "add":
            _expect(rest, 2, "DATE N: onewindow workdays add 2026-02-13 2")
            start, n = _parse_date(rest[0]), _parse_count(rest[1])
            self.stdout.write(workdays.add_workdays(start, n).isoformat())
        elif subcommand == "between":
            _expect(rest, 2, "DATE1 DATE2: onewindow workdays between 2026-02-13 2026-03-02")
            first, last = _parse_date(rest[0]), _parse_date(rest[1])
            if first > last:
                raise UsageError(f"reversed range: {first} is after {last}")
            self.stdout.write(str(workdays.workdays_between(first, last)))
        elif subcommand == "is-workday":
            _expect(rest, 1, "one DATE: onewindow workdays is-workday 2026-02-14")
            day = _parse_date(rest[0])
            self.stdout.write("yes" if workdays.is_workday(day) else "no")
        elif subcommand == "import":
            _expect(rest, 1, "one FILE: onewindow workdays import schedule-2027.txt")
            try:
                schedule = import_schedule_file(rest[0])
            except ScheduleFileError as error:
                raise UsageError(f"{rest[0]}: {error}") from None
            years = ", ".join(str(year) for year in schedule.years)
            self.stdout.write(
                f"loaded {years}: {schedule.holiday_count} holidays, "
                f"{schedule.workday_count} make-up working days"
            )
        elif subcommand == "seed":
            _expect(rest, 0, "no arguments: onewindow workdays seed")
            years_added, days_added = seed()
            self.stdout.write(f"seeded {years_added} years, {days_added} days")
        elif subcommand == "missing":
            if rest:
                years = workdays.missing_years([_parse_year(year) for year in rest])
            else:
                years = workdays.current_missing_years()
            for year in years:
                self.stdout.write(str(year))
        else:
            raise UsageError(
                f"unknown subcommand {subcommand!r} "
                "(add, between, is-workday, import, seed, missing)"
            )
