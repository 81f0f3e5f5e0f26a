"""PUT /api/cases/{id}/delivery records the delivery choice; GET shows where the result is, with
the shipment and its tracking events. Responses are checked against the OpenAPI document."""

import pytest

from onewindow.core.models import AuditEntry
from onewindow.delivery.actions.issuing import do_issue_result
from onewindow.delivery.actions.mail import (
    _record_shipment,
    do_record_tracking_event,
    tracking_input,
)
from onewindow.delivery.models import Delivery, MailAddress
from tests.delivery.mail.conftest import ADDRESS
from tests.openapi import ApiClient

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("courier_clock")]


@pytest.fixture
def api(client, clerk):
    return ApiClient(client).as_user(clerk)


def path(case):
    return f"/api/cases/{case.pk}/delivery"


def test_choosing_mail_through_the_api(api, accepted_case):
    response = api.put(path(accepted_case), {"method": "mail", "address": ADDRESS})

    assert response.status_code == 200
    body = response.json()
    assert body["method"] == {"value": "mail", "label": "邮政寄递（EMS）"}
    assert body["state"]["value"] == "waiting"
    assert body["address"]["district"] == "惠阳区" and body["shipments"] == []
    assert MailAddress.objects.get().street == ADDRESS["street"]


def test_a_missing_address_field_answers_422_naming_it(api, accepted_case):
    response = api.put(path(accepted_case), {"method": "mail", "address": {**ADDRESS, "phone": ""}})

    assert response.status_code == 422
    message = "须填写收件人手机号码"
    assert response.json() == {
        "code": "invalid_input",
        "message": message,
        "detail": [{"type": "invalid", "loc": ["phone"], "msg": message}],
    }
    assert not Delivery.objects.exists()


def test_mail_without_any_address_names_every_field(api, accepted_case):
    response = api.put(path(accepted_case), {"method": "mail"})

    assert response.status_code == 422
    assert [line["loc"][0] for line in response.json()["detail"]] == [
        "recipient_name",
        "phone",
        "province",
        "city",
        "district",
        "street",
    ]
    assert not Delivery.objects.exists()


def test_a_method_the_item_does_not_allow_answers_422(api, accept, window_only_item):
    case = accept(window_only_item)

    response = api.put(path(case), {"method": "mail", "address": ADDRESS})

    assert response.status_code == 422
    assert response.json() == {
        "code": "delivery_method_not_allowed",
        "message": "该事项不支持此送达方式",
    }
    assert not Delivery.objects.exists()
    assert not AuditEntry.objects.filter(action="choose_delivery").exists()


def test_a_reviewer_may_not_choose(client, reviewer_market, accepted_case):
    api = ApiClient(client).as_user(reviewer_market)

    response = api.put(path(accepted_case), {"method": "window"})

    assert response.status_code == 403 and response.json()["code"] == "forbidden"
    assert not Delivery.objects.exists()


def test_an_unknown_case_answers_404(api):
    response = api.put("/api/cases/999999/delivery", {"method": "window"})

    assert response.status_code == 404


def test_reading_the_delivery_shows_the_tracking_events(api, accepted_case, clerk, decide):
    api.put(path(accepted_case), {"method": "mail", "address": ADDRESS})
    case = decide(accepted_case)
    do_issue_result(case, acting_user=clerk)
    delivery = Delivery.objects.get()
    _record_shipment(delivery.pk, "EMS5550000001CN", courier_code="ems")
    do_record_tracking_event(
        tracking_input(
            {
                "event_id": "e1",
                "tracking_number": "EMS5550000001CN",
                "code": "collected",
                "description": "已揽收",
                "location": "惠州市惠阳区揽投部",
                "occurred_at": "2026-12-01T10:00:00+08:00",
            }
        )
    )

    body = api.get(path(case)).json()

    assert body["state"]["value"] == "shipped"
    [shipment] = body["shipments"]
    assert shipment["tracking_number"] == "EMS5550000001CN"
    assert shipment["state"] == {"value": "in_transit", "label": "运输中"}
    assert [e["code"]["value"] for e in shipment["events"]] == ["collected"]


def test_reading_a_delivery_not_chosen_answers_404(api, accepted_case):
    response = api.get(path(accepted_case))

    assert response.status_code == 404
    assert response.json()["message"] == "该办件尚未选择送达方式"
