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
"""Notifications: the case personas, an accepted case, and the outbox sent by a real worker.

The suite runs tasks at once (tests/conftest.py). `database_tasks` switches to the database
backend that production uses; `run_worker()` then runs django-tasks-db's own worker loop in batch
mode (it stops when no task is ready), in this process, on the committed queue: the tests that
use it are transactional.
"""

import pytest

from tests.cases.conftest import (  # noqa: F401 (fixtures)
    accepted_case,
    citizen,
    clerk,
    hall,
    head_market,
    housing,
    joint_item,
    receive,
    reviewer_fire,
    reviewer_market,
    supervisor,
)

GATEWAY_KEY = "test-gateway-key"


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def run_worker():
    """Run every ready task of the database queue, as `onewindow db_worker --batch` does."""
    from django_tasks_db.management.commands.db_worker import Worker

    Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    ).run()


def queued_sends():
    """The send_message tasks in the database queue: (message id, run_after or None, status)."""
    from django_tasks_db.models import DBTaskResult

    return [
        (
            row.args_kwargs["args"][0],
            None if row.run_after.year == 9999 else row.run_after,
            row.status,
        )
        for row in DBTaskResult.objects.filter(task_path__endswith="send_message").order_by(
            "enqueued_at"
        )
    ]
