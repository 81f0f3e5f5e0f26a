"""Cases for the search tests: an intake, cases in review, and an issued case with its
certificate and the pickup code the applicant was sent."""

import pytest

from onewindow.cases.actions import (
    ApplicantInput,
    do_accept_case,
    do_complete_review,
    do_decide_case,
)
from onewindow.cases.constants import TaskState
from onewindow.delivery.models import Certificate
from tests.factories import DepartmentFactory, ServiceItemFactory, UserFactory
from tests.pickup import issue

# As in tests/cases/conftest.py (which imports this module, so it cannot be imported here).
CITIZEN_ID = "11010519491231002X"
ENTERPRISE_CODE = "91110000600037341L"


def approve_everything(case, reviewers):
    """Every department answers (stage after stage), then the lead decides."""
    by_department = {r.department_id: r for r in reviewers}
    while True:
        open_tasks = list(case.tasks.filter(state=TaskState.OPEN))
        if not open_tasks:
            break
        for task in open_tasks:
            do_complete_review(
                task,
                decision="approved",
                opinion="同意",
                acting_user=by_department[task.department_id],
            )
    do_decide_case(case, acting_user=by_department[case.item.lead_department_id])
    case.refresh_from_db()
    return case


@pytest.fixture
def world(receive, clerk, reviewer_market, reviewer_fire, reviewer_housing, market):
    """`intake` (not accepted), `in_review` (the joint item), `enterprise` (a company's case
    with a landline stored with its hyphen), `issued` (decided, certificate issued, pickup code
    sent: `code`), and `market_only` (an item only the market department reviews)."""
    intake = receive()
    in_review = do_accept_case(receive(), acting_user=clerk)
    company = ApplicantInput(
        kind="enterprise",
        name="惠阳示例餐饮有限公司",
        id_number=ENTERPRISE_CODE,
        phone="0752-3388123",
        legal_representative="王强",
    )
    enterprise = do_accept_case(receive(applicant=company), acting_user=clerk)
    issued = do_accept_case(receive(), acting_user=clerk)
    approve_everything(issued, [reviewer_market, reviewer_fire, reviewer_housing])
    code = issue(issued, clerk)
    issued.refresh_from_db()
    market_item = ServiceItemFactory(
        code="441303-SC-009",
        name="食品经营许可",
        lead_department=market,
        flow=[[(market, 5)]],
        material_names=["申请表"],
    )
    market_only = do_accept_case(receive(item=market_item), acting_user=clerk)
    return {
        "intake": intake,
        "in_review": in_review,
        "enterprise": enterprise,
        "issued": issued,
        "code": code,
        "certificate": Certificate.objects.get(case=issued),
        "market_only": market_only,
        "citizen_id": CITIZEN_ID,
    }


@pytest.fixture
def village_clerk(db):
    """A clerk at a village service point: other points' cases are masked, not theirs."""
    village = DepartmentFactory(code="CUN01", name="淡水街道某村服务站", kind="village")
    return UserFactory(username="village_clerk", role="clerk", department=village)
