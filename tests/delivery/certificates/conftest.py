"""Decided cases ready to be issued: an approval of a licence valid 5 years, and a refusal."""

import pytest

from onewindow.cases.actions import (
    ApplicantInput,
    do_accept_case,
    do_complete_review,
    do_decide_case,
    do_receive_intake,
)
from onewindow.delivery.actions import do_issue_result
from tests.cases import conftest as cases_conftest
from tests.cases.conftest import CITIZEN_ID, all_received
from tests.factories import ServiceItemFactory, UserFactory

# The case engine's personas (tests/cases/conftest.py).
hall = cases_conftest.hall
clerk = cases_conftest.clerk
reviewer_market = cases_conftest.reviewer_market
head_market = cases_conftest.head_market
head_fire = cases_conftest.head_fire


@pytest.fixture
def head_market2(market):
    return UserFactory(username="head_market2", role="head", department=market)


@pytest.fixture
def licence_item(market):
    """食品经营许可（新办）: market alone reviews and decides; the licence is valid 5 years."""
    return ServiceItemFactory(
        code="441303-SCJG-010",
        name="食品经营许可（新办）",
        lead_department=market,
        result_validity_years=5,
        flow=[[(market, 5)]],
    )


@pytest.fixture
def applicant():
    return ApplicantInput(kind="citizen", name="王小红", id_number=CITIZEN_ID, phone="13800138000")


@pytest.fixture
def decide(licence_item, clerk, reviewer_market, applicant):
    """decide(approve=True) takes a new case of the licence item to DECIDED."""

    def make(*, approve=True, opinion="", item=None, person=None):
        item = item or licence_item
        case = do_receive_intake(
            item=item,
            applicant=person or applicant,
            materials=all_received(item),
            acting_user=clerk,
        )
        case = do_accept_case(case, acting_user=clerk)
        task = case.tasks.get()
        do_complete_review(
            task,
            decision="approved" if approve else "refused",
            opinion=opinion or ("同意" if approve else "经营场所不符合食品安全要求"),
            acting_user=reviewer_market,
        )
        return do_decide_case(case, acting_user=reviewer_market)

    return make


@pytest.fixture
def issue(decide):
    """issue(**decide_args) decides a case and issues its result; returns the certificate."""

    def make(**kwargs):
        case = decide(**kwargs)
        return do_issue_result(case).certificate

    return make
