"""Numbers typed with Unicode digits such as ² or ³ (str.isdigit() accepts them, int() does not)
are refused like any other malformed number, never a 500, and nothing is written."""

import pytest
from django.urls import reverse

from onewindow.cases.actions.common import notify
from onewindow.cases.models import Case
from onewindow.core.identity import InvalidIdentity, is_ascii_digits, validate_resident_id
from onewindow.core.models import AuditEntry
from onewindow.delivery.models import Visit
from onewindow.notifications.models import NotificationRead
from tests.cases.conftest import CITIZEN_ID
from tests.factories import ServiceItemFactory
from tests.openapi import ApiClient
from tests.pickup import issue

pytestmark = pytest.mark.django_db

# 18 characters, a superscript two among the first 17.
SUPERSCRIPT_ID = "1101051949123100²X"
FORMAT_MESSAGE = "居民身份证号码格式错误"


@pytest.mark.parametrize("text", ["²", "²³", "12³", "١٢", "１２", "", "12a"])
def test_only_ascii_digits_count_as_digits(text):
    assert not is_ascii_digits(text)


def test_ascii_digits_do():
    assert is_ascii_digits("0123456789")


@pytest.mark.parametrize("number", [SUPERSCRIPT_ID, "²²²²²²²²²²²²²²²²²X", "11010519491231002²"])
def test_an_id_number_with_unicode_digits_is_invalid(number):
    with pytest.raises(InvalidIdentity):
        validate_resident_id(number)


@pytest.fixture
def api(client, clerk):
    return ApiClient(client).as_user(clerk)


def intake(item, **changes):
    payload = {
        "item_code": item.code,
        "applicant": {
            "kind": "citizen",
            "name": "李明",
            "id_number": CITIZEN_ID,
            "phone": "13800138000",
        },
        "materials": [{"material_id": m.pk, "received": True} for m in item.materials.all()],
    }
    payload.update(changes)
    return payload


def test_intake_refuses_an_applicant_id_with_unicode_digits(api, joint_item):
    payload = intake(joint_item)
    payload["applicant"]["id_number"] = SUPERSCRIPT_ID

    response = api.post("/api/cases/intakes", payload)

    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid_input" and body["message"] == FORMAT_MESSAGE
    assert body["detail"][0]["loc"] == ["applicant.id_number"]
    assert Case.objects.count() == 0 and AuditEntry.objects.count() == 0


def test_intake_refuses_a_proxy_id_with_unicode_digits(api, joint_item):
    payload = intake(
        joint_item, proxy={"name": "王五", "id_number": SUPERSCRIPT_ID, "phone": "13900139000"}
    )

    response = api.post("/api/cases/intakes", payload)

    assert response.status_code == 422
    assert response.json()["message"] == FORMAT_MESSAGE
    assert response.json()["detail"][0]["loc"] == ["proxy.id_number"]
    assert Case.objects.count() == 0


def test_collection_refuses_a_proxy_id_with_unicode_digits(api, clerk, citizen, market):
    from onewindow.cases.actions import MaterialInput, do_accept_case, do_receive_intake

    item = ServiceItemFactory(
        code="441303-SCJG-901",
        lead_department=market,
        is_on_the_spot=True,
        promised_limit_days=0,
        flow=[[(market, 0)]],
    )
    materials = [MaterialInput(material_id=m.pk, received=True) for m in item.materials.all()]
    case = do_receive_intake(item=item, applicant=citizen, materials=materials, acting_user=clerk)
    case = do_accept_case(case, acting_user=clerk)
    code = issue(case, clerk)
    audit_rows = AuditEntry.objects.count()

    response = api.post(
        f"/api/cases/{case.pk}/collect",
        {
            "pickup_code": code,
            "collector": {
                "kind": "proxy",
                "name": "王五",
                "id_number": SUPERSCRIPT_ID,
                "authorisation_reference": "委托书 2026-01",
            },
        },
    )

    assert response.status_code == 422
    assert response.json()["code"] == "invalid_input"
    assert response.json()["message"] == FORMAT_MESSAGE
    case.refresh_from_db()
    assert case.state == "issued" and Visit.objects.filter(case=case).count() == 1
    assert AuditEntry.objects.count() == audit_rows


def test_the_window_workspace_ignores_an_item_id_with_unicode_digits(client, clerk, joint_item):
    client.force_login(clerk)

    response = client.get("/window/?item=²")

    assert response.status_code == 200
    assert response.context["item"] is None


def test_marking_a_notification_read_with_a_unicode_digit_id_is_not_found(
    client, reviewer_market, market
):
    notify(kind="press", department=market, render=lambda: "督办：请加快办理")
    client.force_login(reviewer_market)

    response = client.post(reverse("cases:notifications_read"), {"id": "²"})

    assert response.status_code == 404
    assert not NotificationRead.objects.exists()
