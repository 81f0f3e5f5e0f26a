"""Delivery personas and helpers: an item that may be mailed, a case accepted for it, deciding
it through the real review, a valid Huizhou address, and the courier simulator on loopback."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from onewindow.cases.actions import (
    do_accept_case,
    do_complete_review,
    do_decide_case,
    do_receive_intake,
)
from onewindow.cases.constants import TaskState
from onewindow.delivery.simulator import CourierSimulator
from tests.cases.conftest import all_received, citizen, clerk, hall, reviewer_market  # noqa: F401
from tests.factories import ServiceItemFactory

ADDRESS = {
    "recipient_name": "李明",
    "phone": "13800138000",
    "province": "广东省",
    "city": "惠州市",
    "district": "惠阳区",
    "street": "淡水街道开城大道中 1 号",
    "postcode": "516211",
}
WEBHOOK_SECRET = "test-webhook-secret"
COURIER_KEY = "test-courier-key"


# Tracking events in these tests happen in early December 2026; the webhook refuses events more
# than a year old or a day ahead (delivery.actions.mail), so the tests run a little after them.
COURIER_NOW = datetime(2026, 12, 3, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def courier_clock():
    """The clock at COURIER_NOW, ticking, for tests whose tracking events have fixed dates."""
    with time_machine.travel(COURIER_NOW, tick=True):
        yield


@pytest.fixture
def mail_item(market):
    """食品经营许可: market reviews alone (5 days); the result may be collected, put in a locker
    or mailed."""
    return ServiceItemFactory(
        code="441303-SP-001",
        name="食品经营许可",
        lead_department=market,
        flow=[[(market, 5)]],
        delivery_methods=["window", "locker", "mail"],
    )


@pytest.fixture
def window_only_item(market):
    return ServiceItemFactory(
        code="441303-SP-002",
        name="食品小作坊登记",
        lead_department=market,
        flow=[[(market, 5)]],
        delivery_methods=["window"],
    )


@pytest.fixture
def accept(clerk, citizen):  # noqa: F811
    """accept(item) → a case of `item` accepted at the window, in review."""

    def make(item):
        case = do_receive_intake(
            item=item, applicant=citizen, materials=all_received(item), acting_user=clerk
        )
        return do_accept_case(case, acting_user=clerk)

    return make


@pytest.fixture
def accepted_case(accept, mail_item):
    return accept(mail_item)


@pytest.fixture
def decide(reviewer_market):  # noqa: F811
    """decide(case) → market approves its task and decides: the case is DECIDED."""

    def run(case):
        task = case.tasks.get(state=TaskState.OPEN)
        do_complete_review(task, decision="approved", opinion="准予", acting_user=reviewer_market)
        do_decide_case(case, acting_user=reviewer_market)
        case.refresh_from_db()
        return case

    return run


@pytest.fixture
def courier_settings(settings):
    settings.ONEWINDOW_COURIER_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.ONEWINDOW_COURIER_KEY = COURIER_KEY
    settings.ONEWINDOW_COURIER_WEBHOOK_TOLERANCE = 300
    # Nothing listens on the discard port: tests that want the events point this at a server.
    settings.ONEWINDOW_COURIER_WEBHOOK_URL = "http://127.0.0.1:9/api/delivery/courier/webhook"
    return settings


@pytest.fixture
def courier_simulator(courier_settings):
    """The courier simulator on a free loopback port, events 50 ms apart, configured as the
    platform's courier."""
    simulator = CourierSimulator(
        port=0, key=COURIER_KEY, webhook_secret=WEBHOOK_SECRET, interval=0.05
    ).start()
    courier_settings.ONEWINDOW_COURIER_URL = simulator.url
    yield simulator
    simulator.stop()


def run_tasks():
    """Run every queued background task, as the db_worker does, then return. The worker closes
    the database connection at the end: call it from transactional tests only."""
    call_command(
        "db_worker",
        "--batch",
        "--queue-name",
        "*",
        "--no-startup-delay",
        "--no-reload",
        verbosity=0,
    )


@pytest.fixture(autouse=True)
def _queued_tasks(database_tasks):
    """Bookings and messages wait in the database queue until `run_tasks()`, as in production."""
