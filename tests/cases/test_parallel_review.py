"""Parallel review: all departments of a stage at once, the join, refusals, decision, permissions."""

import pytest

from onewindow.cases.actions import (
    do_complete_review,
    do_decide_case,
    do_terminate_case,
    do_withdraw_case,
)
from onewindow.cases.constants import CaseState, Decision, StageState, TaskState
from onewindow.cases.errors import CaseActionError
from onewindow.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def tasks_by_department(case, position=0):
    stage = case.stages.get(position=position)
    return {t.department.code: t for t in stage.tasks.select_related("department")}


def approve_everything(case, reviewer_market, reviewer_fire, reviewer_housing):
    """Every department approves every stage; the market regulator decides."""
    reviewers = {"SCJGJ": reviewer_market, "XFJYDD": reviewer_fire, "ZJJ": reviewer_housing}
    for position in range(case.stages.count()):
        for code, task in tasks_by_department(case, position).items():
            do_complete_review(
                task, decision="approved", opinion="同意", acting_user=reviewers[code]
            )
    do_decide_case(case, acting_user=reviewer_market)
    case.refresh_from_db()
    return case


def test_the_last_approval_of_a_stage_opens_the_next_with_its_due_dates(
    accepted_case, reviewer_market, reviewer_fire, reviewer_housing
):
    reviewers = {"SCJGJ": reviewer_market, "XFJYDD": reviewer_fire, "ZJJ": reviewer_housing}
    for code, task in tasks_by_department(accepted_case).items():
        do_complete_review(
            task.pk, decision="approved", opinion="同意", acting_user=reviewers[code]
        )

    first, second = accepted_case.stages.order_by("position")
    assert first.state == StageState.DONE and first.closed_at is not None
    assert second.state == StageState.OPEN and second.opened_on is not None
    [task] = second.tasks.all()
    assert task.state == TaskState.OPEN and task.opened_on == second.opened_on
    assert task.due_date is not None and task.due_date > task.opened_on
    assert task.colour in ("green", "yellow")


def test_all_departments_of_a_stage_review_at_the_same_time(accepted_case):
    tasks = tasks_by_department(accepted_case)

    assert set(tasks) == {"SCJGJ", "XFJYDD", "ZJJ"}
    assert {t.state for t in tasks.values()} == {TaskState.OPEN}
    assert accepted_case.stages.get(position=1).tasks.get().state == TaskState.PENDING


def test_a_refusal_ends_the_flow_after_its_stage(
    accepted_case, reviewer_market, reviewer_fire, reviewer_housing
):
    tasks = tasks_by_department(accepted_case)
    do_complete_review(
        tasks["XFJYDD"], decision="refused", opinion="疏散通道不符合要求", acting_user=reviewer_fire
    )
    do_complete_review(
        tasks["SCJGJ"], decision="approved", opinion="同意", acting_user=reviewer_market
    )
    # Still waiting for housing, but the later stage will never open: cancelled at once.
    assert accepted_case.stages.get(position=0).state == StageState.OPEN
    later = accepted_case.stages.get(position=1)
    assert later.state == StageState.CANCELLED
    assert later.tasks.get().state == TaskState.CANCELLED
    do_complete_review(
        tasks["ZJJ"], decision="approved", opinion="同意", acting_user=reviewer_housing
    )

    assert accepted_case.stages.get(position=1).state == StageState.CANCELLED
    do_decide_case(accepted_case, acting_user=reviewer_market)
    accepted_case.refresh_from_db()
    assert accepted_case.decision == Decision.REFUSED
    assert "疏散通道不符合要求" in accepted_case.reason


def test_a_refusal_needs_an_opinion(accepted_case, reviewer_fire):
    task = tasks_by_department(accepted_case)["XFJYDD"]

    with pytest.raises(CaseActionError) as caught:
        do_complete_review(task, decision="refused", opinion=" ", acting_user=reviewer_fire)

    assert caught.value.status == 422
    task.refresh_from_db()
    assert task.state == TaskState.OPEN


def test_a_reviewer_cannot_answer_another_departments_task(accepted_case, reviewer_market):
    task = tasks_by_department(accepted_case)["XFJYDD"]
    audit_rows = AuditEntry.objects.count()

    with pytest.raises(CaseActionError) as caught:
        do_complete_review(task, decision="approved", opinion="同意", acting_user=reviewer_market)

    assert caught.value.status == 403
    task.refresh_from_db()
    assert task.state == TaskState.OPEN and AuditEntry.objects.count() == audit_rows


def test_a_reviewer_without_a_department_answers_no_task_and_decides_nothing(accepted_case):
    from tests.factories import UserFactory

    nobody = UserFactory(username="reviewer_nowhere", role="reviewer", department=None)
    task = tasks_by_department(accepted_case)["SCJGJ"]
    audit_rows = AuditEntry.objects.count()

    with pytest.raises(CaseActionError) as answering:
        do_complete_review(task.pk, decision="approved", opinion="同意", acting_user=nobody)
    with pytest.raises(CaseActionError) as deciding:
        do_decide_case(accepted_case, acting_user=nobody)

    assert (answering.value.status, deciding.value.status) == (403, 403)
    task.refresh_from_db()
    assert task.state == TaskState.OPEN and AuditEntry.objects.count() == audit_rows


def test_a_task_cannot_be_answered_twice(accepted_case, reviewer_fire):
    task = tasks_by_department(accepted_case)["XFJYDD"]
    do_complete_review(task, decision="approved", opinion="同意", acting_user=reviewer_fire)

    with pytest.raises(CaseActionError) as caught:
        do_complete_review(task, decision="refused", opinion="改主意", acting_user=reviewer_fire)

    assert caught.value.code == "wrong_state"
    task.refresh_from_db()
    assert task.state == TaskState.APPROVED


def test_the_decision_waits_for_every_department(accepted_case, reviewer_market):
    with pytest.raises(CaseActionError) as caught:
        do_decide_case(accepted_case, acting_user=reviewer_market)
    assert caught.value.code == "review_not_finished"


def test_only_the_lead_department_decides(
    accepted_case, reviewer_market, reviewer_fire, reviewer_housing
):
    reviewers = {"SCJGJ": reviewer_market, "XFJYDD": reviewer_fire, "ZJJ": reviewer_housing}
    for position in (0, 1):
        for code, task in tasks_by_department(accepted_case, position).items():
            do_complete_review(
                task, decision="approved", opinion="同意", acting_user=reviewers[code]
            )

    with pytest.raises(CaseActionError) as caught:
        do_decide_case(accepted_case, acting_user=reviewer_fire)

    assert caught.value.status == 403
    accepted_case.refresh_from_db()
    assert accepted_case.state == CaseState.IN_REVIEW


def test_withdrawal_and_termination_cancel_open_tasks(
    accepted_case, receive, clerk, head_market, head_fire
):
    do_withdraw_case(accepted_case, reason="申请人不再经营", acting_user=clerk)
    accepted_case.refresh_from_db()
    assert accepted_case.state == CaseState.WITHDRAWN
    assert not accepted_case.tasks.filter(state=TaskState.OPEN).exists()

    from onewindow.cases.actions import do_accept_case

    other = do_accept_case(receive(), acting_user=clerk)
    with pytest.raises(CaseActionError) as caught:
        do_terminate_case(other, reason="x", acting_user=head_fire)  # not the lead department
    assert caught.value.status == 403
    do_terminate_case(other, reason="申请人提供虚假材料", acting_user=head_market)
    other.refresh_from_db()
    assert other.state == CaseState.TERMINATED and other.reason == "申请人提供虚假材料"


def test_every_action_writes_an_audit_row_with_who_and_states(accepted_case, clerk, reviewer_fire):
    task = tasks_by_department(accepted_case)["XFJYDD"]
    do_complete_review(
        task,
        decision="approved",
        opinion="同意",
        acting_user=reviewer_fire,
        client_address="10.0.0.8",
    )

    rows = AuditEntry.objects.filter(
        object_type="cases.case", object_id=str(accepted_case.pk)
    ).order_by("id")
    assert [r.action for r in rows] == [
        "receive_intake",
        "accept_case",
        "start_review",
        "complete_review",
    ]
    accept, start, review = rows[1], rows[2], rows[3]
    assert (accept.actor, accept.actor_role, accept.from_state, accept.to_state) == (
        clerk,
        "clerk",
        CaseState.SUBMITTED,
        CaseState.ACCEPTED,
    )
    assert accept.details["number"] == accepted_case.number
    # Accepted, then in review: the second transition has its own row.
    assert (start.from_state, start.to_state) == (CaseState.ACCEPTED, CaseState.IN_REVIEW)
    assert review.client_address == "10.0.0.8" and review.actor == reviewer_fire
    assert review.details["department"] == "XFJYDD" and review.details["decision"] == "approved"
