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
