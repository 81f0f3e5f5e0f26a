"""Every error the API answers has its JSON shape `{"code", "message", "detail"}`, including the
ones made before an endpoint runs: a body that is not JSON, a path that matches no route (a
non-integer or negative id), a method the route does not have, a body over the size limit."""

import pytest

from onewindow.cases.models import Case
from onewindow.core.models import AuditEntry
from tests.factories import UserFactory
from tests.openapi import assert_matches_openapi

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk_client(client):
    client.force_login(UserFactory(username="clerk_shape", role="clerk"))
    return client


def test_a_body_that_is_not_json_is_refused_with_invalid_json(clerk_client):
    response = clerk_client.post("/api/cases/intakes", "{not json", content_type="application/json")

    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid_json",
        "message": "请求内容不是有效的 JSON",
    }
    assert_matches_openapi(clerk_client, response, "/api/cases/intakes", "post")
    assert Case.objects.count() == 0 and AuditEntry.objects.count() == 0


@pytest.mark.parametrize("case_id", ["abc", "-1", "1.5", "²"])
def test_a_path_id_that_is_not_a_positive_integer_is_a_json_404(clerk_client, case_id):
    response = clerk_client.get(f"/api/cases/{case_id}")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"code": "not_found", "message": "请求的资源不存在"}


def test_an_unknown_api_path_is_a_json_404_and_pages_keep_their_html_404(client):
    response = client.get("/api/no-such-thing")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"

    page = client.get("/no-such-page/")
    assert page.status_code == 404 and "页面不存在" in page.content.decode()


def test_a_method_the_route_does_not_have_is_a_json_405(client):
    response = client.delete("/api/catalog/items")

    assert response.status_code == 405
    assert response.json() == {"code": "method_not_allowed", "message": "不支持此请求方法"}
    assert response["Allow"] == "GET"


def test_the_courier_webhook_answers_other_methods_in_the_same_shape(client):
    response = client.get("/api/delivery/courier/webhook")

    assert response.status_code == 405
    assert response.json() == {"code": "method_not_allowed", "message": "不支持此请求方法"}
    assert response["Allow"] == "POST"


def test_a_body_over_the_size_limit_is_a_json_413_and_writes_nothing(clerk_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = '{"item_code": "' + "x" * 2000 + '"}'

    response = clerk_client.post("/api/cases/intakes", body, content_type="application/json")

    assert response.status_code == 413
    assert response.json() == {"code": "request_too_large", "message": "请求内容超过大小上限"}
    assert_matches_openapi(clerk_client, response, "/api/cases/intakes", "post")
    assert Case.objects.count() == 0


def test_a_page_form_over_the_size_limit_gets_the_sites_page(clerk_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000

    response = clerk_client.post("/window/", {"applicant_name": "x" * 2000})

    assert response.status_code == 413
    assert "请求内容超过大小上限" in response.content.decode()
    assert Case.objects.count() == 0


def test_the_schema_documents_the_refusals_every_endpoint_can_give(client):
    spec = client.get("/api/openapi.json").json()

    for operations in spec["paths"].values():
        for operation in operations.values():
            assert "400" in operation["responses"]
            if "requestBody" in operation:
                assert "413" in operation["responses"]


@pytest.mark.parametrize(
    ("path", "payload", "loc"),
    [
        ("/api/cases/1/tolerated-materials", {"material_ids": [2**63]}, "material_ids"),
        ("/api/cases/1/supplement-notice", {"defects": {str(2**63): "缺章"}}, "defects"),
        ("/api/cases/1/materials", {"materials": [{"material_id": 0, "received": True}]}, None),
    ],
)
def test_an_id_in_a_body_beyond_the_databases_integers_is_invalid_input(
    clerk_client, path, payload, loc
):
    # A number past 2**63 - 1 used to overflow the query (a 500 found by schemathesis).
    response = clerk_client.post(path, payload, content_type="application/json")

    assert response.status_code == 422
    assert response.json()["code"] == "invalid_input"
    assert response.json()["message"] == "请求参数有误"
    assert AuditEntry.objects.count() == 0


def test_the_schema_states_the_constraints_the_server_enforces(client):
    spec = client.get("/api/openapi.json").json()
    schemas = spec["components"]["schemas"]

    case_id = spec["paths"]["/api/cases/{case_id}"]["get"]["parameters"][0]["schema"]
    assert (case_id["minimum"], case_id["maximum"]) == (1, 2**63 - 1)
    catalogue = spec["paths"]["/api/catalog/items"]["get"]["parameters"]
    cursor = next(p for p in catalogue if p["name"] == "cursor")["schema"]["anyOf"][0]
    assert cursor["pattern"] == "^[A-Za-z0-9_-]+$"
    assert schemas["ReasonIn"]["properties"]["reason"]["minLength"] == 1
    assert schemas["CollectIn"]["properties"]["pickup_code"]["minLength"] == 1
    assert schemas["KioskCodeIn"]["properties"]["code"]["minLength"] == 1
    assert schemas["IntakeIn"]["properties"]["item_code"]["minLength"] == 1
    size = schemas["DepositIn"]["properties"]["size"]["anyOf"][0]
    assert size["enum"] == ["S", "M", "L"]


def test_a_server_fault_under_the_api_is_answered_in_the_same_shape(settings):
    from django.test import Client

    settings.ROOT_URLCONF = "tests.api_fault_urls"

    response = Client(raise_request_exception=False).get("/api/fault")

    assert response.status_code == 500
    assert response.json() == {"code": "server_error", "message": "服务器内部错误，请稍后再试"}


def test_a_form_with_too_many_fields_is_a_json_400(client, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 2

    response = client.post("/api/certificates/verify-pdf", {f"f{n}": "x" for n in range(5)})

    assert response.status_code == 400
    assert response.json() == {"code": "bad_request", "message": "请求无效"}
