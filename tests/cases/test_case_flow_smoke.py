import re

import pytest

from onewindow.cases.actions import do_complete_review, do_decide_case
from onewindow.cases.constants import CaseState, Decision, StageState, TaskState
from tests.pickup import collect, issue

pytestmark = pytest.mark.django_db


def test_a_joint_case_flows_from_intake_to_collection(
    accepted_case, clerk, reviewer_market, reviewer_fire, reviewer_housing
):
    case = accepted_case
    assert re.fullmatch(r"441303\d{8}\d{6}", case.number)
    assert case.state == CaseState.IN_REVIEW
    first = case.stages.get(position=0)
    assert first.state == StageState.OPEN
    assert first.tasks.filter(state=TaskState.OPEN).count() == 3
    assert case.promised_deadline is not None

    by_department = {t.department.code: t for t in first.tasks.all()}
    do_complete_review(
        by_department["SCJGJ"], decision="approved", opinion="同意", acting_user=reviewer_market
    )
    do_complete_review(
        by_department["XFJYDD"], decision="approved", opinion="同意", acting_user=reviewer_fire
    )
    first.refresh_from_db()
    assert first.state == StageState.OPEN  # housing has not answered: no join yet
    do_complete_review(
        by_department["ZJJ"], decision="approved", opinion="", acting_user=reviewer_housing
    )
    first.refresh_from_db()
    second = case.stages.get(position=1)
    assert first.state == StageState.DONE and second.state == StageState.OPEN

    do_complete_review(
        second.tasks.get(), decision="approved", opinion="准予", acting_user=reviewer_market
    )
    do_decide_case(case, acting_user=reviewer_market)
    case.refresh_from_db()
    assert case.state == CaseState.DECIDED and case.decision == Decision.APPROVED
    assert case.decision_number.startswith("SCJGJ〔")

    issue(case, clerk)
    collect(case, clerk)
    case.refresh_from_db()
    assert case.state == CaseState.DELIVERED and case.collected_by == "李明"
