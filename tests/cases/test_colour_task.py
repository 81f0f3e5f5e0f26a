"""The periodic supervision task: cases and tasks turn yellow, then red, as days pass; staff are
told in grouped notices, at most one per recipient per hour, however often the task runs."""

from datetime import timedelta

import pytest

from onewindow.cases.actions import do_send_colour_notices
from onewindow.cases.constants import Colour
from onewindow.cases.models import ColourChange, ColourNoticeClock, ReviewTask
from onewindow.cases.tasks import refresh_supervision_colours
from onewindow.core import scheduler, workdays
from onewindow.core.models import AuditEntry
from onewindow.notifications.models import Notification

pytestmark = pytest.mark.django_db


def run_on(day):
    return refresh_supervision_colours.call(on=day.isoformat())


def notices(**where):
    return Notification.objects.filter(kind="colour_changes", **where)


def test_a_case_turns_yellow_then_red_and_each_change_is_notified_once(
    accepted_case, supervisor, market
):
    case = accepted_case
    assert case.colour == Colour.GREEN
    deadline = case.promised_deadline

    # Three working days before the deadline it is still green: nothing to do.
    assert run_on(workdays.add_workdays(case.accepted_on, 7))["cases"] == 0
    case.refresh_from_db()
    assert case.colour == Colour.GREEN

    # Two working days before the deadline (a 10-day promise × 0.2): yellow.
    yellow_day = next(
        day
        for day in (case.accepted_on + timedelta(days=n) for n in range(30))
        if workdays.add_workdays(day, 2) >= deadline
    )
    assert run_on(yellow_day)["cases"] == 1
    case.refresh_from_db()
    assert case.colour == Colour.YELLOW
    # The supervisor is told at once. The lead department was told of its own overdue task by
    # the run before, a moment ago: the case's card waits for its next notice, within the hour.
    [to_supervisor] = notices(recipient=supervisor)
    assert f"{case.number} 办件预警（黄牌）" in to_supervisor.text
    assert notices(department=market).count() == 1
    assert ColourChange.objects.filter(
        department=market, task=None, colour=Colour.YELLOW, notification=None
    ).exists()

    # Running again the same day (or twice in a row) changes and notifies nothing.
    before = Notification.objects.count()
    assert run_on(yellow_day) == {"cases": 0, "tasks": 0, "notices": 0}
    assert Notification.objects.count() == before

    changes = AuditEntry.objects.filter(action="colour_changed", object_id=str(case.pk))
    assert [e.details["colour"] for e in changes.order_by("id")] == ["yellow"]


def test_the_red_card_is_told_in_the_next_notice_after_the_hour(
    accepted_case, supervisor, market, still_clock
):
    case = accepted_case
    assert run_on(case.promised_deadline)["cases"] == 1  # yellow, told at once
    assert notices(recipient=supervisor).count() == 1
    assert run_on(case.promised_deadline + timedelta(days=1))["cases"] == 1  # red
    case.refresh_from_db()
    assert case.colour == Colour.RED
    # Told less than an hour ago: the red card waits for the next notice.
    assert notices(recipient=supervisor).count() == 1
    assert ColourChange.objects.filter(notification__isnull=True).count() == 2

    still_clock.shift(timedelta(minutes=59))
    assert do_send_colour_notices() == 0
    still_clock.shift(timedelta(minutes=1))
    assert do_send_colour_notices() == 2  # the department and the supervisor
    latest = notices(recipient=supervisor).order_by("-id").first()
    assert case.number in latest.text and "超期（红牌）" in latest.text
    assert not ColourChange.objects.filter(notification__isnull=True).exists()
    assert do_send_colour_notices() == 0  # idempotent


def test_many_tasks_turning_at_once_make_one_notice_per_department(
    receive, clerk, fire, market, housing, still_clock
):
    from onewindow.cases.actions import do_accept_case

    cases = [do_accept_case(receive(), acting_user=clerk) for _ in range(3)]
    task = ReviewTask.objects.get(case=cases[0], department=fire, stage__position=0)
    result = run_on(task.due_date + timedelta(days=1))
    assert result["tasks"] == 9  # three departments' tasks of three cases, all red
    for department in (fire, market, housing):
        [note] = notices(department=department)
        assert note.text.startswith("监察状态变化 3 件")
        assert all(case.number in note.text for case in cases)


def test_two_workers_sending_at_once_tell_each_recipient_once(accepted_case, market, supervisor):
    run_on(accepted_case.promised_deadline + timedelta(days=1))
    # The second worker finds the recipients' turn taken (or nothing left to tell).
    assert do_send_colour_notices() == 0
    assert notices(department=market).count() == 1
    assert ColourNoticeClock.objects.filter(address=f"department:{market.pk}").count() == 1


def test_department_tasks_are_recoloured_and_their_department_told(accepted_case, fire):
    task = ReviewTask.objects.get(case=accepted_case, department=fire, stage__position=0)
    run_on(task.due_date + timedelta(days=1))
    task.refresh_from_db()
    assert task.colour == Colour.RED
    [note] = notices(department=fire)
    assert accepted_case.number in note.text and "本部门审查超期（红牌）" in note.text


def test_the_task_is_scheduled_every_15_minutes():
    registered = scheduler.registered()
    task, every = registered["onewindow.cases.tasks.refresh_supervision_colours"]
    assert task is refresh_supervision_colours and every == 15 * 60


def test_the_task_runs_for_today_by_default_and_can_be_enqueued(accepted_case):
    assert refresh_supervision_colours.call() == {"cases": 0, "tasks": 0, "notices": 0}
    result = refresh_supervision_colours.enqueue(on="2030-01-02")
    assert result.args == [] and result.kwargs == {"on": "2030-01-02"}
