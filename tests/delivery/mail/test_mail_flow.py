"""A result by mail, end to end with the real pieces on loopback: the clerk records mail with an
address, the case is decided and issued, the task worker books the parcel with the courier
simulator, the simulator posts signed tracking events to the live site, the case is delivered,
and the applicant gets both texts through the SMS gateway."""

import re

import pytest

from onewindow.cases.constants import CaseState
from onewindow.core.models import AuditEntry
from onewindow.delivery.actions.choice import do_choose_delivery
from onewindow.delivery.actions.issuing import do_issue_result
from onewindow.delivery.constants import DeliveryState, ShipmentState
from onewindow.delivery.models import Delivery, RefusedWebhookCall, Shipment, Visit
from tests.delivery.mail.conftest import ADDRESS, run_tasks

pytestmark = pytest.mark.django_db(transaction=True)

WEBHOOK = "/api/delivery/courier/webhook"


def test_a_mailed_result_reaches_the_applicant(
    live_server, courier_simulator, sms_gateway, settings, accept, mail_item, clerk, decide
):
    settings.ONEWINDOW_COURIER_WEBHOOK_URL = live_server.url + WEBHOOK
    case = accept(mail_item)
    do_choose_delivery(case, method="mail", address=ADDRESS, acting_user=clerk)
    case = decide(case)

    do_issue_result(case, acting_user=clerk)
    assert not Shipment.objects.exists()  # booked by the worker, after commit
    run_tasks()

    shipment = Shipment.objects.select_related("delivery__case").get()
    assert re.fullmatch(r"EMS\d{10}CN", shipment.tracking_number)
    booked = courier_simulator.shipments[shipment.tracking_number]
    assert (
        booked["address"]["district"] == "惠阳区" and booked["recipient"]["phone"] == "13800138000"
    )
    assert booked["reference"] == f"onewindow-delivery-{shipment.delivery_id}"
    assert courier_simulator.wait_until_done(shipment.tracking_number, timeout=30)

    statuses = [event["webhook_statuses"] for event in booked["events"]]
    assert statuses == [[200], [200], [200], [200]]
    shipment.refresh_from_db()
    assert shipment.state == ShipmentState.DELIVERED
    assert [e.code for e in shipment.events.order_by("occurred_at", "id")] == [
        "collected",
        "in_transit",
        "out_for_delivery",
        "delivered",
    ]
    delivery = Delivery.objects.select_related("case").get()
    assert delivery.state == DeliveryState.DELIVERED
    assert delivery.case.state == CaseState.DELIVERED
    assert delivery.case.collected_by == "EMS 签收"
    assert list(
        AuditEntry.objects.filter(action__in=["ship_result", "mail_delivered"])
        .order_by("id")
        .values_list("action", flat=True)
    ) == ["ship_result", "mail_delivered"]
    assert not Visit.objects.filter(case=case, kind="pickup").exists()
    assert not RefusedWebhookCall.objects.exists()

    number = case.number
    run_tasks()  # the delivered message's send task, queued by the webhook
    texts = sms_gateway.texts()
    assert "已受理" in texts[0] and "准予许可" in texts[1]
    assert texts[2:] == [
        f"【惠阳区政务服务】您的办件{number}的结果已通过EMS寄出，运单号{shipment.tracking_number}。",
        f"【惠阳区政务服务】您的办件{number}的结果已送达。",
    ]
    assert {r.json()["phone"] for r in sms_gateway.requests} == {"13800138000"}
