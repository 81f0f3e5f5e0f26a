"""The calendar tables: seed, file import, invalidation, the admin banner, the read-only audit log."""

import logging
from datetime import date, datetime
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest
import time_machine

from onewindow.core import audit, workdays
from onewindow.core.calendar_seed import ScheduleFileError, import_schedule_file, seed
from onewindow.core.constants import DayKind, ScheduleSource
from onewindow.core.models import AuditEntry, CalendarDay, CalendarYear

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
SCHEDULE_2027 = """\
# 国务院办公厅关于2027年部分节假日安排的通知（测试用）
year 2027
2027-01-01 holiday 元旦
2027-02-05 holiday 春节
2027-02-06 holiday 春节
2027-02-07 workday 春节调休   # a Sunday worked
"""


def test_the_migration_seeds_2004_to_2026():
    assert list(CalendarYear.objects.values_list("year", flat=True)) == list(range(2004, 2027))
    assert set(CalendarYear.objects.values_list("source", flat=True)) == {ScheduleSource.SEED}
    expected = len(chinese_calendar.holidays) + len(chinese_calendar.workdays)
    assert CalendarDay.objects.count() == expected


def test_seeded_days_have_chinese_names():
    assert CalendarDay.objects.get(date=date(2026, 2, 17)).name == "春节"
    national_day_makeup = CalendarDay.objects.get(date=date(2026, 10, 10))
    assert (national_day_makeup.kind, national_day_makeup.name) == (
        DayKind.MAKEUP_WORKDAY,
        "国庆节",
    )


def test_seed_is_idempotent():
    assert seed() == (0, 0)
    CalendarDay.objects.filter(date__year=2026).delete()
    CalendarYear.objects.filter(year=2026).delete()

    years, days = seed()

    assert years == 1
    assert days == CalendarDay.objects.filter(date__year=2026).count() > 30
    assert seed() == (0, 0)
    assert AuditEntry.objects.filter(action="seed_calendar").count() == 1


def test_seed_leaves_a_year_maintained_by_hand_alone():
    CalendarYear.objects.filter(year=2026).update(source=ScheduleSource.ADMIN)
    CalendarDay.objects.filter(date=date(2026, 10, 10)).delete()
    assert seed() == (0, 0)
    assert not CalendarDay.objects.filter(date=date(2026, 10, 10)).exists()


def test_import_loads_a_year_from_a_file(tmp_path):
    path = tmp_path / "schedule-2027.txt"
    path.write_text(SCHEDULE_2027, encoding="utf-8")
    assert workdays.missing_years([2027]) == [2027]

    schedule = import_schedule_file(path)

    assert schedule.years == [2027]
    assert (schedule.holiday_count, schedule.workday_count) == (3, 1)
    year = CalendarYear.objects.get(year=2027)
    assert (year.source, year.note) == (ScheduleSource.FILE, "schedule-2027.txt")
    assert CalendarDay.objects.get(date=date(2027, 2, 7)).name == "春节调休"
    assert workdays.missing_years([2027]) == []
    assert workdays.is_workday(date(2027, 2, 7))  # a Sunday
    assert not workdays.is_workday(date(2027, 2, 5))  # a Friday
    entry = AuditEntry.objects.get(action="import_calendar")
    assert entry.object_id == "2027"


def test_import_replaces_the_year_it_loads(tmp_path):
    path = tmp_path / "schedule-2026.txt"
    path.write_text("2026-01-01 holiday 元旦\n", encoding="utf-8")

    import_schedule_file(path)

    assert list(CalendarDay.objects.filter(date__year=2026).values_list("date", flat=True)) == [
        date(2026, 1, 1)
    ]
    assert workdays.is_workday(date(2026, 2, 17))  # 春节 is gone with the old rows
    assert CalendarDay.objects.filter(date__year=2025).exists()  # other years untouched


def test_import_is_all_or_nothing_and_lists_every_bad_line(tmp_path):
    path = tmp_path / "bad.txt"
    path.write_text(
        "year 2027\n"  # 1
        "2027-01-01 holiday 元旦\n"  # 2
        "2027-02-30 holiday 春节\n"  # 3: no such date
        "# comment\n"  # 4
        "2027-02-08 workday 春节\n"  # 5: a Monday
        "2027-01-01 holiday again\n"  # 6: duplicate of line 2
        "2027-02-09 rest\n"  # 7: unknown kind
        "2027-02-10\n",  # 8: no kind
        encoding="utf-8",
    )
    days_before = CalendarDay.objects.count()

    with pytest.raises(ScheduleFileError) as raised:
        import_schedule_file(path)

    assert [line for line, _ in raised.value.errors] == [3, 5, 6, 7, 8]
    assert "第 6 行：2027-01-01 已在第 2 行列出" in str(raised.value)
    assert "2027-02-08 是周一：调休上班日必须是周六或周日" in str(raised.value)
    assert not CalendarYear.objects.filter(year=2027).exists()
    assert CalendarDay.objects.count() == days_before


def test_an_empty_file_is_an_error(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_text("# nothing yet\n", encoding="utf-8")
    with pytest.raises(ScheduleFileError, match="没有列出任何日期"):
        import_schedule_file(path)


def test_editing_a_day_changes_the_answers_at_once():
    monday = date(2026, 3, 9)
    assert workdays.is_workday(monday)
    assert workdays.add_workdays(date(2026, 3, 6), 1) == monday

    day = CalendarDay.objects.create(date=monday, kind=DayKind.HOLIDAY, name="测试")
    assert not workdays.is_workday(monday)
    assert workdays.add_workdays(date(2026, 3, 6), 1) == date(2026, 3, 10)

    day.kind = DayKind.MAKEUP_WORKDAY
    day.save()
    assert workdays.is_workday(monday)

    day.delete()
    assert workdays.is_workday(monday)
    assert workdays.workdays_between(date(2026, 2, 13), date(2026, 3, 2)) == 7


def test_deleting_a_year_makes_it_missing_with_a_warning(caplog):
    caplog.set_level(logging.WARNING, logger="onewindow.core.workdays")
    workdays._warned_years.discard(2005)  # the warning is once per process
    CalendarYear.objects.filter(year=2005).delete()

    assert workdays.missing_years([2004, 2005, 2006]) == [2005]
    workdays.add_workdays(date(2005, 3, 1), 5)

    assert any("2005" in record.getMessage() for record in caplog.records)


@time_machine.travel(datetime(2026, 11, 25, 10, tzinfo=SHANGHAI), tick=False)
def test_the_admin_names_next_year_when_its_schedule_is_missing(client, admin_user, tmp_path):
    # Logged in inside the travel: a session from the real clock may have expired by then.
    client.force_login(admin_user)
    assert workdays.current_missing_years() == [2027]
    page = client.get("/admin/").content.decode()
    assert 'id="workdays-missing-banner"' in page
    assert "尚未载入 2027 年" in page
    assert "一门通办政务服务平台 管理后台" in page

    path = tmp_path / "schedule-2027.txt"
    path.write_text(SCHEDULE_2027, encoding="utf-8")
    import_schedule_file(path)

    page = client.get("/admin/").content.decode()
    assert 'id="workdays-missing-banner"' not in page


@time_machine.travel(datetime(2027, 3, 1, 10, tzinfo=SHANGHAI), tick=False)
def test_the_banner_names_this_year_and_next(client, admin_user):
    client.force_login(admin_user)
    page = client.get("/admin/core/calendarday/").content.decode()
    assert "尚未载入 2027、2028 年" in page


def test_the_login_page_shows_no_banner(client):
    page = client.get("/admin/login/").content.decode()
    assert "一门通办政务服务平台 管理后台" in page
    assert 'id="workdays-missing-banner"' not in page


def test_the_calendar_admin_lists_filters_and_searches(admin_client):
    page = admin_client.get("/admin/core/calendarday/?kind=holiday&year=2026&q=春节")
    assert page.status_code == 200
    assert page.context["cl"].result_count == 9  # 15–23 February 2026
    years = admin_client.get("/admin/core/calendaryear/")
    assert years.status_code == 200
    assert years.context["cl"].result_count == 23
    assert admin_client.get("/admin/core/calendarday/?date__year=2026").status_code == 200


def test_a_year_added_in_the_admin_defaults_to_source_admin(admin_client):
    page = admin_client.get("/admin/core/calendaryear/add/")
    assert page.context["adminform"].form.initial["source"] == ScheduleSource.ADMIN


def test_nobody_can_add_change_or_delete_audit_entries(admin_client):
    entry = audit.record(action="test_action", object_type="core.test", object_id="1")

    assert admin_client.get("/admin/core/auditentry/").status_code == 200
    assert admin_client.get("/admin/core/auditentry/add/").status_code == 403
    assert admin_client.get(f"/admin/core/auditentry/{entry.pk}/delete/").status_code == 403
    view = admin_client.get(f"/admin/core/auditentry/{entry.pk}/change/")
    assert view.status_code == 200  # shown read-only
    assert 'name="_save"' not in view.content.decode()
    posted = admin_client.post(
        f"/admin/core/auditentry/{entry.pk}/change/", {"action": "tampered", "reason": "x"}
    )
    assert posted.status_code == 403
    bulk_delete = admin_client.post(
        "/admin/core/auditentry/", {"action": "delete_selected", "_selected_action": [entry.pk]}
    )
    assert bulk_delete.status_code in (200, 302)
    entry.refresh_from_db()
    assert entry.action == "test_action"
