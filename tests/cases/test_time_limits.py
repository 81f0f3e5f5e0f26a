"""Deadlines in working days (Art. 82): acceptance + limit, clock stops (Art. 45), extensions (Art. 42)."""

from datetime import date

import pytest
import time_machine

from onewindow.cases.actions import (
    do_accept_case,
    do_decide_extension,
    do_end_suspension,
    do_request_extension,
    do_request_supplement,
    do_start_special_procedure,
)
from onewindow.cases.constants import CaseState, Colour
from onewindow.cases.errors import CaseActionError
from onewindow.core.workdays import add_workdays

pytestmark = pytest.mark.django_db


def at(day):
    return time_machine.travel(f"{day} 10:00 +0800", tick=False)


def task_of(case, code):
    return case.tasks.select_related("department").get(department__code=code, stage__position=0)


@pytest.fixture
def case_before_national_day(receive, clerk):
    """Accepted on Fri 25 Sep 2026, just before 国庆 (1–7 Oct, make-up working days around it)."""
    with at("2026-09-25"):
        return do_accept_case(receive(), acting_user=clerk)


def test_deadlines_count_working_days_from_the_next_day(case_before_national_day, joint_item):
    case = case_before_national_day

    assert case.promised_deadline == add_workdays(date(2026, 9, 25), joint_item.promised_limit_days)
    assert case.legal_deadline == add_workdays(date(2026, 9, 25), joint_item.legal_limit_days)
    assert case.promised_deadline > date(2026, 10, 9)  # the holiday week does not count
    assert task_of(case, "ZJJ").due_date == add_workdays(date(2026, 9, 25), 3)
    assert case.colour == Colour.GREEN


def test_a_special_procedure_stops_the_clock_until_it_ends(case_before_national_day, reviewer_fire):
    case = case_before_national_day
    before = case.promised_deadline
    with at("2026-09-28"):
        suspension = do_start_special_procedure(
            task_of(case, "XFJYDD"),
            kind="inspection",
            reason="现场消防检查",
            expected_end=date(2026, 9, 30),
            acting_user=reviewer_fire,
        )
    case.refresh_from_db()
    assert case.state == CaseState.SUSPENDED and case.colour == Colour.PAUSED

    with at("2026-09-30"):
        do_end_suspension(suspension, acting_user=reviewer_fire)

    case.refresh_from_db()
    suspension.refresh_from_db()
    # Stopped on Mon 28 and Tue 29 Sep: two working days are added back.
    assert (suspension.started_on, suspension.ended_on) == (date(2026, 9, 28), date(2026, 9, 29))
    assert case.state == CaseState.IN_REVIEW
    assert case.promised_deadline == add_workdays(before, 2)


def test_a_supplement_request_is_a_clock_stop_too(case_before_national_day, reviewer_market, clerk):
    case = case_before_national_day
    with at("2026-09-28"):
        suspension = do_request_supplement(
            task_of(case, "SCJGJ"), reason="请补充租赁合同", acting_user=reviewer_market
        )
    assert suspension.kind == "supplement"
    with pytest.raises(CaseActionError) as caught, at("2026-09-28"):
        do_request_supplement(task_of(case, "ZJJ"), reason="again", acting_user=reviewer_market)
    assert caught.value.status == 403  # another department's task
    with at("2026-09-29"):
        do_end_suspension(suspension, acting_user=clerk)  # the window received the materials
    case.refresh_from_db()
    assert case.state == CaseState.IN_REVIEW


def test_an_approved_extension_moves_the_task_and_case_deadlines(
    case_before_national_day, reviewer_fire, head_fire
):
    case = case_before_national_day
    task = task_of(case, "XFJYDD")
    before_case, before_task = case.promised_deadline, task.due_date

    extension = do_request_extension(
        task, days=5, reason="需组织专家论证", acting_user=reviewer_fire
    )
    do_decide_extension(extension, approve=True, note="同意", acting_user=head_fire)

    case.refresh_from_db()
    task.refresh_from_db()
    assert case.extension_days == 5 and task.extension_days == 5
    assert case.promised_deadline == add_workdays(before_case, 5)
    assert task.due_date == add_workdays(before_task, 5)


def test_only_the_departments_head_decides_an_extension(
    case_before_national_day, reviewer_fire, head_market
):
    extension = do_request_extension(
        task_of(case_before_national_day, "XFJYDD"),
        days=3,
        reason="现场复查",
        acting_user=reviewer_fire,
    )

    with pytest.raises(CaseActionError) as caught:
        do_decide_extension(extension, approve=True, acting_user=head_market)

    assert caught.value.status == 403
    extension.refresh_from_db()
    assert extension.state == "requested"


def test_one_department_may_extend_by_at_most_ten_working_days(
    case_before_national_day, reviewer_fire, head_fire
):
    task = task_of(case_before_national_day, "XFJYDD")
    first = do_request_extension(task, days=8, reason="检测", acting_user=reviewer_fire)
    do_decide_extension(first, approve=True, acting_user=head_fire)

    with pytest.raises(CaseActionError) as caught:
        do_request_extension(task, days=3, reason="再延", acting_user=reviewer_fire)

    assert caught.value.code == "extension_over_cap" and "10" in caught.value.message


def test_a_joint_case_is_capped_at_fifteen_extra_days(
    case_before_national_day, reviewer_fire, reviewer_market, head_fire, head_market
):
    case = case_before_national_day
    do_decide_extension(
        do_request_extension(
            task_of(case, "XFJYDD"), days=10, reason="检测", acting_user=reviewer_fire
        ),
        approve=True,
        acting_user=head_fire,
    )
    with pytest.raises(CaseActionError) as caught:
        do_request_extension(
            task_of(case, "SCJGJ"), days=6, reason="核查", acting_user=reviewer_market
        )
    assert caught.value.code == "extension_over_cap" and "15" in caught.value.message

    do_decide_extension(
        do_request_extension(
            task_of(case, "SCJGJ"), days=5, reason="核查", acting_user=reviewer_market
        ),
        approve=True,
        acting_user=head_market,
    )
    case.refresh_from_db()
    assert case.extension_days == 15


def test_an_extension_cannot_be_granted_once_the_task_is_answered(
    case_before_national_day, reviewer_fire, head_fire
):
    from onewindow.cases.actions import do_complete_review

    task = task_of(case_before_national_day, "XFJYDD")
    extension = do_request_extension(task, days=3, reason="复查", acting_user=reviewer_fire)
    do_complete_review(task, decision="approved", opinion="同意", acting_user=reviewer_fire)

    extension.refresh_from_db()
    assert extension.state == "refused"  # closed with the task
    with pytest.raises(CaseActionError):
        do_decide_extension(extension, approve=True, acting_user=head_fire)
    case_before_national_day.refresh_from_db()
    assert case_before_national_day.extension_days == 0


def test_the_department_hears_the_heads_decision(
    case_before_national_day, reviewer_fire, head_fire
):
    from onewindow.notifications.models import Notification

    extension = do_request_extension(
        task_of(case_before_national_day, "XFJYDD"),
        days=2,
        reason="检测",
        acting_user=reviewer_fire,
    )
    do_decide_extension(extension, approve=False, note="理由不充分", acting_user=head_fire)

    note = Notification.objects.get(kind="extension_refused")
    assert note.department.code == "XFJYDD" and "理由不充分" in note.text


def test_a_one_day_item_is_green_on_arrival_and_yellow_on_its_due_day(
    market, clerk, citizen, supervisor
):
    """The warning threshold scales with the limit (cases/deadlines.py warning_days): a 1-day
    promise and a 1-day step are not yellow on the day they arrive, only on their due day."""
    from onewindow.cases.actions import do_receive_intake, do_refresh_colours
    from onewindow.cases.models import ColourChange
    from tests.cases.conftest import all_received
    from tests.factories import ServiceItemFactory

    item = ServiceItemFactory(lead_department=market, promised_limit_days=1, flow=[[(market, 1)]])
    case = do_accept_case(
        do_receive_intake(
            item=item, applicant=citizen, materials=all_received(item), acting_user=clerk
        ),
        acting_user=clerk,
    )

    assert case.colour == Colour.GREEN
    assert case.tasks.get().colour == Colour.GREEN
    assert not ColourChange.objects.filter(case=case).exists()

    do_refresh_colours(on=case.promised_deadline)
    case.refresh_from_db()
    assert case.colour == Colour.YELLOW
    assert case.tasks.get().colour == Colour.YELLOW
    queued = ColourChange.objects.filter(case=case, colour=Colour.YELLOW)
    assert set(queued.values_list("department_id", "recipient_id", "task_id")) == {
        (market.pk, None, None),
        (None, supervisor.pk, None),
        (market.pk, None, case.tasks.get().pk),
    }
