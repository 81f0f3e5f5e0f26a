"""A NUL character anywhere in a request is refused before any view runs (core.middleware): 400
`invalid_characters` in the API's JSON shape, or the site's 400 page, and nothing is written. On
PostgreSQL each of these requests used to end in a 500 (DataError); SQLite stored the NUL."""

import json

import pytest

from onewindow.cases.models import Case, IdempotencyKey
from onewindow.core.models import AuditEntry
from onewindow.delivery.models import RefusedWebhookCall
from tests.cases.conftest import CITIZEN_ID, intake_payload
from tests.openapi import assert_matches_openapi

pytestmark = pytest.mark.django_db

MESSAGE = "输入中含有不允许的字符（NUL）"
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def assert_refused(client, response, where, *, path, method="get"):
    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid_characters",
        "message": MESSAGE,
        "detail": [{"type": "invalid_characters", "loc": [where], "msg": "NUL character"}],
    }
    assert_matches_openapi(client, response, path, method)


def nothing_written():
    return Case.objects.count() == 0 and AuditEntry.objects.count() == 0


def post_json(client, path, payload, **extra):
    return client.post(path, json.dumps(payload), content_type="application/json", **extra)


# --- the public endpoints -------------------------------------------------------------------------


def test_the_public_progress_query(client):
    response = client.get("/api/cases/progress?number=4413%00&secret=1235")

    assert_refused(client, response, "query", path="/api/cases/progress")


def test_certificate_verification(client):
    response = post_json(client, "/api/certificates/verify", {"number": "SCJGJ-2026-0\u000001"})

    assert_refused(client, response, "body", path="/api/certificates/verify", method="post")


def test_catalogue_search_and_item_by_code(client):
    response = client.get("/api/catalog/items?q=a%00")
    assert_refused(client, response, "query", path="/api/catalog/items")

    response = client.get("/api/catalog/items/441303%00")
    assert_refused(client, response, "path", path="/api/catalog/items/{code}")


def test_the_kiosk_locker_url(client):
    response = post_json(client, "/api/kiosk/lockers/hall%001/open", {"code": "123456"})

    assert_refused(client, response, "path", path="/api/kiosk/lockers/{code}/open", method="post")


def test_the_guide_search_page_answers_the_sites_400_page(client):
    response = client.get("/guide/?q=a%00")

    assert response.status_code == 400
    text = response.content.decode()
    assert MESSAGE in text and "一门通办" in text  # the site's layout, not Django's bare page


def test_the_refusal_reads_in_english_when_asked(client):
    response = client.get("/api/catalog/items?q=a%00", **EN)

    assert response.status_code == 400
    assert response.json()["message"] == "The input contains a character that is not allowed (NUL)"


# --- intake, by API and by the window page --------------------------------------------------------


@pytest.fixture
def api_clerk(client, clerk):
    client.force_login(clerk)
    return client


def test_an_intake_name_with_nul_is_refused_and_nothing_is_written(api_clerk, joint_item):
    response = post_json(
        api_clerk, "/api/cases/intakes", intake_payload(joint_item, name="李\x00明")
    )

    assert_refused(api_clerk, response, "body", path="/api/cases/intakes", method="post")
    assert nothing_written()


def test_a_defect_text_with_nul_is_refused(api_clerk, joint_item):
    payload = intake_payload(joint_item)
    payload["materials"][0].update(received=False, defect="缺少\x00盖章")

    response = post_json(api_clerk, "/api/cases/intakes", payload)

    assert_refused(api_clerk, response, "body", path="/api/cases/intakes", method="post")
    assert nothing_written()


def test_an_item_code_with_nul_is_refused(api_clerk, joint_item):
    payload = {**intake_payload(joint_item), "item_code": joint_item.code + "\x00"}

    response = post_json(api_clerk, "/api/cases/intakes", payload)

    assert_refused(api_clerk, response, "body", path="/api/cases/intakes", method="post")
    assert nothing_written()


def test_a_nul_in_a_json_key_or_a_header_is_refused(api_clerk, joint_item):
    payload = {**intake_payload(joint_item), "note\x00": "x"}
    response = post_json(api_clerk, "/api/cases/intakes", payload)
    assert_refused(api_clerk, response, "body", path="/api/cases/intakes", method="post")

    response = post_json(
        api_clerk,
        "/api/cases/intakes",
        intake_payload(joint_item),
        HTTP_IDEMPOTENCY_KEY="key\x00",
    )
    assert_refused(api_clerk, response, "headers", path="/api/cases/intakes", method="post")
    assert nothing_written() and IdempotencyKey.objects.count() == 0


def test_an_escaped_backslash_is_text_not_a_nul(api_clerk, joint_item):
    # "\\u0000" in JSON is the six characters \u0000, which are allowed.
    body = json.dumps(intake_payload(joint_item), ensure_ascii=False)
    body = body.replace("李明", "李明\\\\u0000")

    response = api_clerk.post("/api/cases/intakes", body, content_type="application/json")

    assert response.status_code == 201
    assert Case.objects.get().applicant_name == "李明\\u0000"


def test_the_window_page_refuses_a_nul_in_a_form_field(api_clerk, joint_item):
    data = {
        "item": joint_item.pk,
        "applicant_kind": "citizen",
        "applicant_name": "李\x00明",
        "applicant_id_number": CITIZEN_ID,
        "applicant_phone": "13800138000",
        "outcome": "accept",
    }

    response = api_clerk.post("/window/", data)

    assert response.status_code == 400
    assert MESSAGE in response.content.decode()
    assert nothing_written()


# --- the courier webhook checks its own body, so that the refused call is kept ---------------------


def test_the_courier_webhook_keeps_a_refused_call_with_a_nul(client, settings):
    import time

    from onewindow.delivery.webhook_signing import sign

    body = json.dumps({"event_id": "E\x00", "tracking_number": "EMS1"}).encode()
    timestamp = str(int(time.time()))
    response = client.post(
        "/api/delivery/courier/webhook",
        data=body,
        content_type="application/json",
        headers={
            "X-Courier-Timestamp": timestamp,
            "X-Courier-Signature": sign(settings.ONEWINDOW_COURIER_WEBHOOK_SECRET, timestamp, body),
        },
    )

    assert response.status_code == 400
    assert response.json() == {"code": "invalid_characters", "message": MESSAGE}
    refusal = RefusedWebhookCall.objects.get()
    assert refusal.reason == "invalid_event" and refusal.body_size == len(body)


def test_a_nul_in_a_form_body_of_a_put_is_refused(api_clerk):
    response = api_clerk.put(
        "/api/cases/1/delivery", "method=mail%00", content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 400
    assert response.json()["detail"][0]["loc"] == ["form"]
