"""`onewindow workdays …`: the working-day calendar from the shell.

Messages are in the terminal's language (core/i18n.py); the answers (dates, counts, yes/no) are
the same in every language.

Scripts depend on the output, so each answer is one bare line (`2026-02-24`, `7`, `yes`), and any bad
input exits with status 2 and exactly one line on stderr. That is why the arguments are parsed here
rather than by argparse, whose errors print a usage block.
"""

import re
import sys
from datetime import date

from django.core.management.base import CommandError
from django.db import DatabaseError, connections
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from onewindow.core import workdays
from onewindow.core.calendar_seed import ScheduleFileError, import_schedule_file, seed
from onewindow.core.i18n import OperatorCommand, terminal_language
from onewindow.core.punctuation import join_list

MAX_N = 10_000  # about 40 years of working days: anything larger is a typo
DATE_RANGE = (date(1900, 1, 1), date(2199, 12, 31))
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def usage():
    return _(
        "用法：onewindow workdays add DATE N          DATE 之后的第 N 个工作日\n"
        "      onewindow workdays between DATE1 DATE2 (DATE1, DATE2] 中的工作日数\n"
        "      onewindow workdays is-workday DATE     是否工作日：yes 或 no\n"
        "      onewindow workdays import FILE         载入一年的节假日安排（docs/workdays.md）\n"
        "      onewindow workdays seed                载入 chinesecalendar 中尚未载入的年份\n"
        "      onewindow workdays missing [YEAR ...]  尚无安排的年份（默认：今年和明年）\n"
        "DATE 的格式为 YYYY-MM-DD。"
    )


class UsageError(CommandError):
    """Bad input: reported as one line on stderr, exit status 2."""

    def __init__(self, message):
        super().__init__(message, returncode=2)


def _parse_date(text):
    if not _DATE_RE.match(text):
        raise UsageError(_("不是日期：%(text)r（应为 YYYY-MM-DD）") % {"text": text})
    try:
        value = date.fromisoformat(text)
    except ValueError:
        raise UsageError(_("不是日期：%(text)r（应为 YYYY-MM-DD）") % {"text": text}) from None
    if not DATE_RANGE[0] <= value <= DATE_RANGE[1]:
        low, high = DATE_RANGE[0].year, DATE_RANGE[1].year
        raise UsageError(
            _("日期超出范围：%(text)s（支持 %(low)d–%(high)d 年）")
            % {"text": text, "low": low, "high": high}
        )
    return value


def _parse_count(text):
    if not re.fullmatch(r"[0-9]+", text):
        raise UsageError(
            _("N 应为 0 到 %(max)d 的整数，实为 %(text)s") % {"max": MAX_N, "text": repr(text)}
        )
    value = int(text)
    if value > MAX_N:
        raise UsageError(
            _("N 应为 0 到 %(max)d 的整数，实为 %(text)s") % {"max": MAX_N, "text": text}
        )
    return value


def _parse_year(text):
    if not re.fullmatch(r"[0-9]{4}", text):
        raise UsageError(_("不是年份：%(text)r") % {"text": text})
    return int(text)


def _expect(args, count, arguments, example):
    if len(args) != count:
        raise UsageError(
            _("参数应为 %(arguments)s，例如 %(example)s")
            % {"arguments": arguments or _("空（不带参数）"), "example": example}
        )


class Command(OperatorCommand):
    help = gettext_lazy("工作日日历：add、between、is-workday、import、seed、missing。")

    def add_arguments(self, parser):
        # Only for call_command(); run_from_argv() below bypasses argparse.
        parser.add_argument("args", nargs="*")

    def run_from_argv(self, argv):
        with translation.override(terminal_language()):
            self._run(argv)

    def _run(self, argv):
        args = [arg for arg in argv[2:] if not arg.startswith(("--settings", "--pythonpath"))]
        if args and args[0] in ("-h", "--help", "help"):
            self.stdout.write(usage())
            return
        try:
            self.handle(*args)
        except UsageError as error:
            sys.stderr.write(f"onewindow workdays: {error}\n")
            sys.exit(2)
        except DatabaseError as error:
            message = str(error).splitlines()[0] if str(error) else type(error).__name__
            sys.stderr.write(
                "onewindow workdays: "
                + _("数据库错误：%(message)s（是否已运行 `onewindow migrate`？）")
                % {"message": message}
                + "\n"
            )
            sys.exit(1)
        finally:
            connections.close_all()

    def handle(self, *args, **options):
        if not args:
            raise UsageError(_("缺少子命令（add、between、is-workday、import、seed、missing）"))
        subcommand, rest = args[0], list(args[1:])
        if subcommand == "add":
            _expect(rest, 2, "DATE N", "onewindow workdays add 2026-02-13 2")
            start, n = _parse_date(rest[0]), _parse_count(rest[1])
            self.stdout.write(workdays.add_workdays(start, n).isoformat())
        elif subcommand == "between":
            _expect(rest, 2, "DATE1 DATE2", "onewindow workdays between 2026-02-13 2026-03-02")
            first, last = _parse_date(rest[0]), _parse_date(rest[1])
            if first > last:
                raise UsageError(
                    _("范围颠倒：%(first)s 在 %(last)s 之后") % {"first": first, "last": last}
                )
            self.stdout.write(str(workdays.workdays_between(first, last)))
        elif subcommand == "is-workday":
            _expect(rest, 1, "DATE", "onewindow workdays is-workday 2026-02-14")
            day = _parse_date(rest[0])
            self.stdout.write("yes" if workdays.is_workday(day) else "no")
        elif subcommand == "import":
            _expect(rest, 1, "FILE", "onewindow workdays import schedule-2027.txt")
            try:
                schedule = import_schedule_file(rest[0])
            except ScheduleFileError as error:
                raise UsageError(f"{rest[0]}: {error}") from None
            years = join_list(schedule.years)
            self.stdout.write(
                _("已载入 %(years)s 年：节假日 %(holidays)d 天，调休上班 %(workdays)d 天")
                % {
                    "years": years,
                    "holidays": schedule.holiday_count,
                    "workdays": schedule.workday_count,
                }
            )
        elif subcommand == "seed":
            _expect(rest, 0, "", "onewindow workdays seed")
            years_added, days_added = seed()
            self.stdout.write(
                _("已载入 %(years)d 个年度，%(days)d 天")
                % {"years": years_added, "days": days_added}
            )
        elif subcommand == "missing":
            if rest:
                years = workdays.missing_years([_parse_year(year) for year in rest])
            else:
                years = workdays.current_missing_years()
            for year in years:
                self.stdout.write(str(year))
        else:
            raise UsageError(
                _("未知子命令 %(name)r（add、between、is-workday、import、seed、missing）")
                % {"name": subcommand}
            )
