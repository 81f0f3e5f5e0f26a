import pytest

pytestmark = pytest.mark.django_db


def test_openapi_docs_are_served_without_any_cdn(client):
    page = client.get("/api/docs")

    assert page.status_code == 200
    html = page.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()


def test_openapi_schema_lists_the_catalogue_endpoints(client):
    schema = client.get("/api/openapi.json").json()

    assert schema["info"]["title"] == "OneWindow API"
    assert "/api/catalog/items" in schema["paths"]
    assert "/api/catalog/items/{code}" in schema["paths"]


def test_api_answers_chinese_as_utf8_not_escapes(client):
    from tests.factories import ServiceItemFactory

    ServiceItemFactory(name="个体工商户营业执照核发")

    response = client.get("/api/catalog/items")

    assert "个体工商户营业执照核发" in response.content.decode("utf-8")
