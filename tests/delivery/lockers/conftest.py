"""Decided and issued cases for the delivery tests, and the hall's locker: 12 compartments, six S
(1–6), four M (7–10), two L (11–12), like the demo's. Personas come from tests/cases/conftest.py."""

import pytest

from onewindow.cases.actions import do_accept_case, do_receive_intake
from onewindow.catalog.constants import DeliveryMethod
from onewindow.delivery.actions import do_issue_result
from onewindow.delivery.constants import CompartmentSize
from onewindow.delivery.models import Compartment, Delivery, Locker
from tests.cases import conftest as cases

# The case engine's personas, shared with these tests.
hall, clerk, clerk2, citizen = cases.hall, cases.clerk, cases.clerk2, cases.citizen
reviewer_market, supervisor = cases.reviewer_market, cases.supervisor
spot_item = cases.spot_item
all_received, CITIZEN_ID = cases.all_received, cases.CITIZEN_ID

PROXY_ID = "440103199003078274"  # a valid resident ID (check digit) of someone else


@pytest.fixture
def decided(spot_item, clerk, citizen):
    """decided(item=None, **intake) → a new decided case of the item (received at the hall)."""

    def make(item=None, **kwargs):
        item = item or spot_item
        case = do_receive_intake(
            item=item, applicant=citizen, materials=all_received(item), acting_user=clerk, **kwargs
        )
        return do_accept_case(case, acting_user=clerk)

    return make


@pytest.fixture
def issued(decided, clerk):
    """issued(method="window") → a decided case whose result is issued for that delivery method."""

    def make(method=DeliveryMethod.WINDOW, **kwargs):
        case = decided(**kwargs)
        Delivery.objects.create(case=case, method=method)
        do_issue_result(case, acting_user=clerk)
        case.refresh_from_db()
        return case

    return make


def make_locker(service_point, *, code="hall-1", sizes=None):
    locker = Locker.objects.create(
        code=code,
        name="政务服务中心一楼取件柜",
        service_point=service_point,
        location="一楼大厅东侧",
    )
    sizes = sizes or ["S"] * 6 + ["M"] * 4 + ["L"] * 2
    for number, size in enumerate(sizes, start=1):
        Compartment.objects.create(locker=locker, number=number, size=CompartmentSize(size))
    return locker


@pytest.fixture
def locker(hall):
    return make_locker(hall)
