"""The periodic supervision task: cases and tasks turn yellow, then red, as days pass; each change
is notified once, however often the task runs."""

from datetime import timedelta

import pytest

from onewindow.cases.constants import Colour
from onewindow.cases.models import Notification, ReviewTask
from onewindow.cases.tasks import refresh_supervision_colours
from onewindow.core import scheduler, workdays
from onewindow.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def run_on(day):
    return refresh_supervision_colours.call(on=day.isoformat())


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

    # Two working days before the deadline (the default warning threshold): yellow.
    yellow_day = next(
        day
        for day in (case.accepted_on + timedelta(days=n) for n in range(30))
        if workdays.add_workdays(day, 2) >= deadline
    )
    assert run_on(yellow_day)["cases"] == 1
    case.refresh_from_db()
    assert case.colour == Colour.YELLOW
    cards = Notification.objects.filter(case=case, kind="yellow_card")
    assert {(n.department_id, n.recipient_id) for n in cards} == {
        (market.pk, None),
        (None, supervisor.pk),
    }

    # Running again the same day (or twice in a row) changes and notifies nothing.
    before = Notification.objects.count()
    assert run_on(yellow_day) == {"cases": 0, "tasks": 0}
    assert Notification.objects.count() == before

    # The day after the deadline: red, notified once.
    red_day = deadline + timedelta(days=1)
    assert run_on(red_day)["cases"] == 1
    case.refresh_from_db()
    assert case.colour == Colour.RED
    assert Notification.objects.filter(case=case, kind="red_card").count() == 2
    before = Notification.objects.count()
    assert run_on(red_day + timedelta(days=3)) == {"cases": 0, "tasks": 0}
    assert Notification.objects.count() == before

    changes = AuditEntry.objects.filter(action="colour_changed", object_id=str(case.pk))
    assert [e.details["colour"] for e in changes.order_by("id")] == ["yellow", "red"]


def test_department_tasks_are_recoloured_and_their_department_told(accepted_case, fire):
    task = ReviewTask.objects.get(case=accepted_case, department=fire, stage__position=0)
    run_on(task.due_date + timedelta(days=1))
    task.refresh_from_db()
    assert task.colour == Colour.RED
    assert Notification.objects.filter(
        kind="task_red_card", department=fire, case=accepted_case
    ).exists()


def test_the_task_is_scheduled_every_15_minutes():
    registered = scheduler.registered()
    task, every = registered["onewindow.cases.tasks.refresh_supervision_colours"]
    assert task is refresh_supervision_colours and every == 15 * 60


def test_the_task_runs_for_today_by_default_and_can_be_enqueued(accepted_case):
    assert refresh_supervision_colours.call() == {"cases": 0, "tasks": 0}
    result = refresh_supervision_colours.enqueue(on="2030-01-02")
    assert result.args == [] and result.kwargs == {"on": "2030-01-02"}
