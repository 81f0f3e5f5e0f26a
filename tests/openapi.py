"""Responses checked against the published OpenAPI document (/api/openapi.json).

`assert_matches_openapi(client, response, "/api/catalog/items")` checks one response against the
schema documented for its path, method and status. `ApiClient` calls the API and checks every
response it gets, so that a test of behaviour is also a test of the contract.
"""

import re

from django.test import Client

_spec = None


def openapi_spec(client=None):
    """The OpenAPI document, read once per test run (it does not change between tests)."""
    global _spec
    if _spec is None:
        _spec = (client or Client()).get("/api/openapi.json").json()
    return _spec


def _resolve(schema, spec):
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _matches(value, schema, spec, path="$"):
    """Assert that value has the shape schema promises: types, required keys, no stray keys."""
    schema = _resolve(schema, spec)
    options = schema.get("anyOf") or schema.get("oneOf")
    if options:
        errors = []
        for option in options:
            try:
                _matches(value, option, spec, path)
                return
            except AssertionError as exc:
                errors.append(str(exc))
        raise AssertionError(f"{path}: matches no option: {errors}")
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        assert isinstance(value, dict), f"{path}: expected object, got {value!r}"
        properties = schema.get("properties", {})
        for key in schema.get("required", []):
            assert key in value, f"{path}: missing {key}"
        for key, item in value.items():
            if key not in properties and (schema.get("additionalProperties") or not properties):
                continue  # a free-form object (dict[str, Any]) documents no keys
            assert key in properties, f"{path}: {key} is not in the schema"
            _matches(item, properties[key], spec, f"{path}.{key}")
    elif kind == "array":
        assert isinstance(value, list), f"{path}: expected array"
        for index, item in enumerate(value):
            _matches(item, schema["items"], spec, f"{path}[{index}]")
    elif kind == "string":
        assert isinstance(value, str), f"{path}: expected string, got {value!r}"
        if "enum" in schema:
            assert value in schema["enum"], f"{path}: {value!r} not in enum"
        if schema.get("format") == "date":
            assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", value), f"{path}: {value!r} is not a date"
    elif kind == "integer":
        assert isinstance(value, int) and not isinstance(value, bool), f"{path}: expected integer"
    elif kind == "boolean":
        assert isinstance(value, bool), f"{path}: expected boolean"
    elif kind == "null":
        assert value is None, f"{path}: expected null"


def _template_for(path, method, spec):
    """The documented path template ("/api/cases/{case_id}/accept") a concrete path matches."""
    if method in spec["paths"].get(path, {}):
        return path
    for template, operations in spec["paths"].items():
        pattern = re.sub(r"\\{[^}]+\\}", "[^/]+", re.escape(template))
        if method in operations and re.fullmatch(pattern, path):
            return template
    raise AssertionError(f"{method.upper()} {path} is not in the OpenAPI document")


def assert_matches_openapi(client, response, path, method="get"):
    spec = openapi_spec(client)
    if "{" not in path:
        path = _template_for(path, method, spec)
    operation = spec["paths"][path][method]
    documented = operation["responses"].get(str(response.status_code))
    assert documented, f"{method.upper()} {path}: status {response.status_code} is not documented"
    schema = documented["content"]["application/json"]["schema"]
    _matches(response.json(), schema, spec)


class ApiClient:
    """Django's test client for the JSON API; every response is checked against the OpenAPI spec.

    `as_user(user)` signs in with a session; `with_token(token)` sends a bearer token instead.
    """

    def __init__(self, client):
        self.client = client
        self.headers = {}

    def as_user(self, user):
        self.client.logout()
        self.headers = {}
        if user is not None:
            self.client.force_login(user)
        return self

    def with_token(self, token):
        self.client.logout()
        self.headers = {"Authorization": f"Bearer {token}"}
        return self

    def _check(self, response, path, method):
        assert response["Content-Type"].startswith("application/json"), response.content[:200]
        assert_matches_openapi(self.client, response, path.split("?")[0], method)
        return response

    def get(self, path, params=None, **headers):
        response = self.client.get(path, params or {}, headers={**self.headers, **headers})
        return self._check(response, path, "get")

    def post(self, path, data=None, **headers):
        response = self.client.post(
            path,
            data if data is not None else {},
            content_type="application/json",
            headers={**self.headers, **headers},
        )
        return self._check(response, path, "post")

    def upload(self, path, files, **headers):
        response = self.client.post(path, files, headers={**self.headers, **headers})
        return self._check(response, path, "post")

    def put(self, path, data=None, **headers):
        response = self.client.put(
            path,
            data if data is not None else {},
            content_type="application/json",
            headers={**self.headers, **headers},
        )
        return self._check(response, path, "put")
