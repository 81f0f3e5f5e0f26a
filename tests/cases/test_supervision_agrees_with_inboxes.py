"""The supervision board and the department inboxes agree: a task has its own colour (its step's
limit), the board lists yellow and red tasks as well as cases, each with its own colour.

Regression (issue 10, section 6): /supervision/ said there were no yellow or red cases while the
housing department's inbox showed two yellow tasks."""

import re
from datetime import datetime, time

import pytest
import time_machine
from django.utils import timezone

from onewindow.cases.actions import do_accept_case, do_refresh_colours
from onewindow.cases.constants import Colour
from onewindow.cases.models import ReviewTask
from onewindow.core import workdays

pytestmark = pytest.mark.django_db


def at_ten(day):
    return timezone.make_aware(datetime.combine(day, time(10, 0)))


@pytest.fixture
def two_cases_with_a_yellow_housing_task(receive, clerk, housing):
    """Two joint cases (10-day promise) on the second working day: housing's 3-day step has one
    day left (yellow), the 5-day steps and the cases are green."""
    cases = [do_accept_case(receive(), acting_user=clerk) for _ in range(2)]
    day = workdays.add_workdays(cases[0].accepted_on, 2)
    traveller = time_machine.travel(at_ten(day), tick=False)
    traveller.start()
    do_refresh_colours()
    for case in cases:
        case.refresh_from_db()
        assert case.colour == Colour.GREEN
        tasks = {t.department.code: t.colour for t in case.tasks.filter(state="open")}
        assert tasks == {"ZJJ": Colour.YELLOW, "SCJGJ": Colour.GREEN, "XFJYDD": Colour.GREEN}
    yield cases
    traveller.stop()


def yellow_rows(html):
    return re.findall(r'<tr class="dept-row is-yellow"[^>]*>.*?</tr>', html, flags=re.S)


def test_the_board_shows_the_yellow_tasks_the_inbox_shows(
    client, two_cases_with_a_yellow_housing_task, reviewer_housing, supervisor
):
    cases = two_cases_with_a_yellow_housing_task
    client.force_login(reviewer_housing)
    inbox = client.get("/inbox/")
    assert inbox.context["counts"]["yellow"] == 2
    inbox_rows = yellow_rows(inbox.content.decode())
    assert len(inbox_rows) == 2

    client.force_login(supervisor)
    board = client.get("/supervision/")
    html = board.content.decode()
    assert board.context["totals"] == {"yellow": 0, "red": 0}  # the cases are green
    assert board.context["task_totals"] == {"yellow": 2, "red": 0}
    assert board.context["task_counts"] == [
        {
            "department__code": "ZJJ",
            "department__name": "惠州市惠阳区住房和城乡建设局",
            "name": "惠州市惠阳区住房和城乡建设局",
            "yellow": 2,
            "red": 0,
        }
    ]
    board_rows = yellow_rows(html)
    assert len(board_rows) == 2
    for case in cases:
        assert any(case.number in row for row in inbox_rows)
        [row] = [row for row in board_rows if case.number in row]
        # Each with its own colour: the task yellow, its case green.
        assert "dept-colour is-yellow" in row and "dept-colour is-green" in row
    # The same tasks, counted by the same rule, on both pages.
    housing_yellow = ReviewTask.objects.filter(department__code="ZJJ", colour=Colour.YELLOW)
    assert {t.pk for t in board.context["flagged_tasks"]} == set(
        housing_yellow.values_list("pk", flat=True)
    )


def test_the_supervision_api_lists_the_tasks_with_their_own_colour(
    client, two_cases_with_a_yellow_housing_task, supervisor
):
    cases = two_cases_with_a_yellow_housing_task
    client.force_login(supervisor)
    body = client.get("/api/cases/supervision").json()
    assert body["departments"] == [] and body["cases"] == []
    assert body["task_departments"] == [
        {"code": "ZJJ", "name": "惠州市惠阳区住房和城乡建设局", "yellow": 2, "red": 0}
    ]
    assert sorted(t["number"] for t in body["tasks"]) == sorted(c.number for c in cases)
    assert {(t["colour"]["value"], t["case_colour"]["value"]) for t in body["tasks"]} == {
        ("yellow", "green")
    }
