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


def test_the_schema_is_built_once_not_per_request(client, monkeypatch):
    import ninja.main

    from onewindow.api import api

    built = []
    build = ninja.main.get_schema

    def counting(**kwargs):
        built.append(kwargs["path_prefix"])
        return build(**kwargs)

    monkeypatch.setattr(ninja.main, "get_schema", counting)
    monkeypatch.setattr(api, "_openapi_schemas", {}, raising=False)  # as a new process starts

    first = client.get("/api/openapi.json")
    second = client.get("/api/openapi.json")

    assert first.status_code == second.status_code == 200
    assert first.content == second.content
    assert built == ["/api/"]  # the second request did not rebuild it
    # What the override adds is in the cached schema too.
    responses = second.json()["paths"]["/api/cases/intakes"]["post"]["responses"]
    assert {"400", "413"} <= set(responses)


def _prose(node, path=""):
    """(where, text) of every summary and description in the schema."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("summary", "description") and isinstance(value, str):
                yield f"{path}/{key}", value
            else:
                yield from _prose(value, f"{path}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _prose(value, f"{path}/{index}")


def test_the_schema_is_written_in_one_language_chinese(client):
    """docs/api.md: the document is Chinese only; no English summary, docstring or status name."""
    import re

    schema = client.get("/api/openapi.json", HTTP_ACCEPT_LANGUAGE="en").json()
    prose = list(_prose(schema))

    assert len(prose) > 400
    english = [(where, text) for where, text in prose if not re.search(r"[\u4e00-\u9fff]", text)]
    assert english == []
    ok = schema["paths"]["/api/catalog/items"]["get"]["responses"]["200"]["description"]
    assert ok == "成功"
    titles = re.findall(r'"title": ?"([A-Z][a-z]+ [A-Z][a-z]+)"', str(schema).replace("'", '"'))
    assert titles == [], "generated field titles such as 'Case Id' are dropped"
