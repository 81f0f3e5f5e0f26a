"""A mailed result waits while 容缺 materials are outstanding and goes when the last arrives; an
electronic result (电子证照) is delivered as soon as it is issued, at no visit."""

import pytest
from django_tasks_db.models import DBTaskResult

from onewindow.cases.actions import do_accept_case, do_receive_tolerated_materials
from onewindow.cases.constants import CaseState
from onewindow.core.models import AuditEntry
from onewindow.delivery.actions import do_issue_result
from onewindow.delivery.actions.choice import do_choose_delivery
from onewindow.delivery.constants import DeliveryState
from onewindow.delivery.models import Delivery, Visit
from onewindow.delivery.tasks import create_shipment
from onewindow.notifications.models import OutboundMessage
from tests.cases.conftest import (  # noqa: F401 (fixtures)
    housing,
    joint_item,
    receive,
    reviewer_fire,
    reviewer_housing,
)
from tests.cases.test_parallel_review import approve_everything
from tests.delivery.mail.conftest import ADDRESS

pytestmark = pytest.mark.django_db
BOOKING = "onewindow.delivery.tasks.create_shipment"


@pytest.fixture
def decided(joint_item, receive, clerk, reviewer_market, reviewer_fire, reviewer_housing):  # noqa: F811
    """decided(method, tolerated=False) → a decided case of the joint item delivered by `method`."""
    joint_item.delivery_methods = ["window", "mail", "electronic"]
    joint_item.save(update_fields=["delivery_methods"])

    def make(method, *, tolerated=False):
        except_names = ["消防安全承诺书"] if tolerated else []
        case = do_accept_case(receive(except_names=except_names), acting_user=clerk)
        address = ADDRESS if method == "mail" else None
        do_choose_delivery(case, method=method, address=address, acting_user=clerk)
        return approve_everything(case, reviewer_market, reviewer_fire, reviewer_housing)

    return make


def test_a_mailed_result_waits_for_the_tolerated_materials(
    decided, clerk, courier_settings, django_capture_on_commit_callbacks
):
    case = decided("mail", tolerated=True)
    with django_capture_on_commit_callbacks(execute=True):
        do_issue_result(case, acting_user=clerk)
    assert not DBTaskResult.objects.filter(task_path=BOOKING).exists()
    delivery = Delivery.objects.get(case=case)
    # Even a booking task that runs anyway (say, queued before) books nothing.
    assert create_shipment.call(delivery.pk)["shipped"] is False
    assert not delivery.shipments.exists()

    tolerated = case.materials.get(material__name="消防安全承诺书")
    with django_capture_on_commit_callbacks(execute=True):
        do_receive_tolerated_materials(
            case, material_ids=[tolerated.material_id], acting_user=clerk
        )
    assert DBTaskResult.objects.filter(task_path=BOOKING).count() == 1


def test_an_electronic_result_is_delivered_when_issued_at_no_visit(decided, clerk):
    case = decided("electronic")
    do_issue_result(case, acting_user=clerk)
    case.refresh_from_db()
    assert case.state == CaseState.DELIVERED and case.collected_by == "电子证照"
    delivery = Delivery.objects.get(case=case)
    assert delivery.state == DeliveryState.DELIVERED and delivery.delivered_at is not None
    entry = AuditEntry.objects.get(action="deliver_electronically", object_id=str(case.pk))
    assert (entry.from_state, entry.to_state) == ("issued", "delivered")
    assert OutboundMessage.objects.filter(case=case, template="delivered", channel="sms").exists()
    assert not Visit.objects.filter(case=case, kind="pickup").exists()


def test_an_electronic_result_waits_for_the_tolerated_materials(decided, clerk):
    case = decided("electronic", tolerated=True)
    do_issue_result(case, acting_user=clerk)
    case.refresh_from_db()
    assert case.state == CaseState.ISSUED
    assert Delivery.objects.get(case=case).state == DeliveryState.READY

    tolerated = case.materials.get(material__name="消防安全承诺书")
    do_receive_tolerated_materials(case, material_ids=[tolerated.material_id], acting_user=clerk)
    case.refresh_from_db()
    assert case.state == CaseState.DELIVERED
