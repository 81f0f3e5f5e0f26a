"""Filling the holiday calendar: the chinesecalendar seed (2004–2026) and the yearly schedule file.

The State Council publishes each year's schedule only weeks before the year starts, and
chinesecalendar stops at 2026, so later years are loaded by a clerk from a small text file
(format in docs/workdays.md) or entered in the admin.

Bulk writes send no model signals, so every writer here invalidates the default calendar itself.
"""

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from onewindow.core.constants import DayKind

NAME_MAX_LENGTH = 40  # CalendarDay.name
FILE_YEAR_RANGE = (2000, 2200)  # a year outside this is a typo, not a schedule

_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_KINDS = {
    "holiday": DayKind.HOLIDAY,
    "休": DayKind.HOLIDAY,
    "workday": DayKind.MAKEUP_WORKDAY,
    "makeup_workday": DayKind.MAKEUP_WORKDAY,
    "班": DayKind.MAKEUP_WORKDAY,
}
_WEEKDAY_NAMES = [
    gettext_lazy("周一"),
    gettext_lazy("周二"),
    gettext_lazy("周三"),
    gettext_lazy("周四"),
    gettext_lazy("周五"),
    gettext_lazy("周六"),
    gettext_lazy("周日"),
]


# -- the chinesecalendar seed ---------------------------------------------------------------------


def seed_days():
    """(years, rows) from chinesecalendar: the years it covers and (date, kind, Chinese name) rows.

    Plain data, no database: the benchmark and tests build a WorkdayCalendar from it.
    """
    import chinese_calendar

    chinese_names = {holiday.value: holiday.chinese for holiday in chinese_calendar.Holiday}
    rows = [
        (day, DayKind.HOLIDAY, chinese_names.get(name, name))
        for day, name in chinese_calendar.holidays.items()
    ]
    rows += [
        (day, DayKind.MAKEUP_WORKDAY, chinese_names.get(name, name))
        for day, name in chinese_calendar.workdays.items()
    ]
    rows.sort()
    years = list(range(rows[0][0].year, rows[-1][0].year + 1))
    return years, rows


def seeded_workday_calendar(**options):
    """A WorkdayCalendar of the chinesecalendar data, built without the database.

    Options go to WorkdayCalendar (e.g. warned_years=set() to keep tests' warnings apart).
    """
    from onewindow.core.workdays import WorkdayCalendar

    years, rows = seed_days()
    return WorkdayCalendar(
        holidays=[day for day, kind, _ in rows if kind == DayKind.HOLIDAY],
        makeup_workdays=[day for day, kind, _ in rows if kind == DayKind.MAKEUP_WORKDAY],
        loaded_years=years,
        **options,
    )


def seed_calendar(year_model, day_model, *, using="default"):
    """Load every chinesecalendar year that has no CalendarYear row yet; returns (years, days) added.

    Years already present are left alone, whatever their source, so a second run adds nothing and a
    year corrected in the admin or from a file is never overwritten. Takes the model classes so that
    the data migration can pass its historical models.
    """
    import chinese_calendar

    years, rows = seed_days()
    existing = set(year_model.objects.using(using).values_list("year", flat=True))
    new_years = [year for year in years if year not in existing]
    if not new_years:
        return 0, 0
    taken = set(
        day_model.objects.using(using)
        .filter(date__year__in=new_years)
        .values_list("date", flat=True)
    )
    days = [
        day_model(date=day, kind=str(kind), name=name)
        for day, kind, name in rows
        if day.year in new_years and day not in taken
    ]
    day_model.objects.using(using).bulk_create(days)
    note = f"chinesecalendar {chinese_calendar.__version__}"
    year_model.objects.using(using).bulk_create(
        [year_model(year=year, source="seed", note=note) for year in new_years]
    )
    return len(new_years), len(days)


def seed(*, acting_user=None):
    """Seed the calendar tables (idempotent); returns (years, days) added."""
    from django.db import transaction

    from onewindow.core import audit, workdays
    from onewindow.core.models import CalendarDay, CalendarYear

    with transaction.atomic():
        years_added, days_added = seed_calendar(CalendarYear, CalendarDay)
        if years_added:
            audit.record(
                action="seed_calendar",
                object_type="core.calendaryear",
                object_id="chinesecalendar",
                acting_user=acting_user,
                details={"years": years_added, "days": days_added},
            )
        transaction.on_commit(workdays.invalidate)
    workdays.invalidate()
    return years_added, days_added


# -- the schedule file ----------------------------------------------------------------------------


class ScheduleFileError(ValueError):
    """A schedule file with errors; `errors` lists (line number, message), line 0 for the file."""

    def __init__(self, errors):
        self.errors = errors
        separator = _("；")
        super().__init__(separator.join(_format_error(line, message) for line, message in errors))


def _format_error(line, message):
    return (
        _("第 %(line)d 行：%(message)s") % {"line": line, "message": message} if line else message
    )


@dataclass
class ScheduleEntry:
    line: int
    date: date
    kind: str
    name: str


@dataclass
class Schedule:
    years: list = field(default_factory=list)
    entries: list = field(default_factory=list)

    @property
    def holiday_count(self):
        return sum(1 for entry in self.entries if entry.kind == DayKind.HOLIDAY)

    @property
    def workday_count(self):
        return sum(1 for entry in self.entries if entry.kind == DayKind.MAKEUP_WORKDAY)


def parse_schedule(text):
    """Parse a schedule file; raises ScheduleFileError listing every error with its line number."""
    errors = []
    declared_years = []
    entries = []
    seen = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        words = line.split(maxsplit=2)
        if words[0].lower() == "year":
            if len(words) != 2 or not words[1].isdigit():
                errors.append((number, _("应为“year YYYY”，实为 %(line)r") % {"line": line}))
            elif not FILE_YEAR_RANGE[0] <= int(words[1]) <= FILE_YEAR_RANGE[1]:
                errors.append((number, _("年份 %(year)s 超出范围") % {"year": words[1]}))
            else:
                declared_years.append(int(words[1]))
            continue
        if len(words) < 2:
            errors.append(
                (
                    number,
                    _("应为“YYYY-MM-DD holiday|workday [名称]”，实为 %(line)r") % {"line": line},
                )
            )
            continue
        day = _parse_date(words[0])
        if day is None:
            errors.append((number, _("不是日期：%(text)r（应为 YYYY-MM-DD）") % {"text": words[0]}))
        elif not FILE_YEAR_RANGE[0] <= day.year <= FILE_YEAR_RANGE[1]:
            errors.append((number, _("年份 %(year)s 超出范围") % {"year": day.year}))
            day = None
        kind = _KINDS.get(words[1].lower())
        if kind is None:
            errors.append(
                (number, _("未知类型 %(kind)r（应为 holiday 或 workday）") % {"kind": words[1]})
            )
        name = words[2].strip() if len(words) > 2 else ""
        if len(name) > NAME_MAX_LENGTH:
            errors.append((number, _("名称超过 %(max)d 个字符") % {"max": NAME_MAX_LENGTH}))
        if day is None or kind is None:
            continue
        if kind == DayKind.MAKEUP_WORKDAY and day.weekday() < 5:
            errors.append(
                (
                    number,
                    _("%(day)s 是%(weekday)s：调休上班日必须是周六或周日")
                    % {"day": day, "weekday": _WEEKDAY_NAMES[day.weekday()]},
                )
            )
        if day in seen:
            errors.append(
                (number, _("%(day)s 已在第 %(line)d 行列出") % {"day": day, "line": seen[day]})
            )
            continue
        seen[day] = number
        entries.append(ScheduleEntry(number, day, kind, name))
    if not entries and not errors:
        errors.append((0, _("文件中没有列出任何日期")))
    if errors:
        raise ScheduleFileError(errors)
    years = sorted(set(declared_years) or {entry.date.year for entry in entries})
    return Schedule(years=years, entries=entries)


def _parse_date(text):
    if not _DATE_RE.match(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def import_schedule_file(path, *, acting_user=None):
    """Load the year(s) of a schedule file, all or nothing; returns the parsed Schedule.

    Each year the file covers is replaced: its days are deleted and the file's inserted, and it is
    marked loaded (source=file). Days outside those years (possible only with `year` lines) are
    updated in place. Raises ScheduleFileError (with line numbers) before writing anything.
    """
    from django.db import transaction

    from onewindow.core import audit, workdays
    from onewindow.core.constants import ScheduleSource
    from onewindow.core.models import CalendarDay, CalendarYear

    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")  # Notepad saves UTF-8 with a BOM
    except FileNotFoundError:
        raise ScheduleFileError([(0, _("文件不存在"))]) from None
    except (OSError, UnicodeDecodeError) as error:
        raise ScheduleFileError(
            [(0, _("无法作为 UTF-8 文本读取（%(error)s）") % {"error": error})]
        ) from None
    schedule = parse_schedule(text)

    with transaction.atomic():
        CalendarDay.objects.filter(date__year__in=schedule.years).delete()
        inside = [entry for entry in schedule.entries if entry.date.year in schedule.years]
        outside = [entry for entry in schedule.entries if entry.date.year not in schedule.years]
        CalendarDay.objects.bulk_create(
            [CalendarDay(date=entry.date, kind=entry.kind, name=entry.name) for entry in inside]
        )
        for entry in outside:
            CalendarDay.objects.update_or_create(
                date=entry.date, defaults={"kind": entry.kind, "name": entry.name}
            )
        for year in schedule.years:
            CalendarYear.objects.update_or_create(
                year=year,
                defaults={"source": ScheduleSource.FILE, "note": path.name[:200]},
            )
        audit.record(
            action="import_calendar",
            object_type="core.calendaryear",
            object_id=",".join(str(year) for year in schedule.years),
            acting_user=acting_user,
            details={
                "file": path.name,
                "holidays": schedule.holiday_count,
                "workdays": schedule.workday_count,
            },
        )
        transaction.on_commit(workdays.invalidate)
    workdays.invalidate()
    return schedule
