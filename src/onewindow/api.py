"""The JSON API: one NinjaAPI, a router per app. OpenAPI at /api/docs."""

from http import HTTPStatus

from django.utils import translation
from ninja import NinjaAPI
from ninja.renderers import JSONRenderer

from onewindow.cases.api import router as cases_router
from onewindow.cases.api.decisions import awaiting_router as decisions_router
from onewindow.catalog.api import router as catalog_router
from onewindow.core import api_errors
from onewindow.delivery.api import (
    case_delivery_router,
    certificates_router,
    delivery_router,
    kiosk_router,
)
from onewindow.workspace.api import router as workspace_router


class UTF8JSONRenderer(JSONRenderer):
    """Chinese text as UTF-8, not \\uXXXX escapes: readable in logs and a third smaller."""

    json_dumps_params = {"ensure_ascii": False}


class OneWindowAPI(NinjaAPI):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._openapi_schemas = {}

    def get_openapi_operation_id(self, operation):
        """`<app>_api_<function>`, also for an endpoint in a module of an app's api package: the
        operation ids (client code generated from the schema is named after them) stay the same
        when an app's api.py is split into modules."""
        module = operation.view_func.__module__
        app, in_package, _ = module.partition(".api.")
        if in_package:
            module = f"{app}.api"
        return f"{module}_{operation.view_func.__name__}".replace(".", "_")

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        """The schema, built once per process, root path and language: building it walks every
        route and pydantic model (0.6 s a request at /api/openapi.json), and the routes do not
        change once the process has started. Callers must not change the returned dict."""
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        key = (path_prefix, translation.get_language())
        schema = self._openapi_schemas.get(key)
        if schema is None:
            # Two threads may both build it the first time: the same schema, no harm.
            schema = self._openapi_schemas[key] = self._build_openapi_schema(path_prefix)
        return schema

    def _build_openapi_schema(self, path_prefix):
        """The schema, with what the routes enforce before an endpoint runs: ids in paths are
        positive, and every endpoint can refuse with 400 (a NUL character, core.middleware; a
        body that is not JSON) and, when it takes a body, with 413 (over the size limit)."""
        schema = super().get_openapi_schema(path_prefix=path_prefix)
        error = {
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}
        }
        for operations in schema["paths"].values():
            for operation in operations.values():
                for parameter in operation.get("parameters", []):
                    # Ids are positive 64-bit integers; others match no route (a 404).
                    if parameter["in"] == "path" and parameter["schema"].get("type") == "integer":
                        parameter["schema"].update(minimum=1, maximum=2**63 - 1)
                    _drop_generated_title(parameter["name"], parameter["schema"])
                responses = operation["responses"]
                responses.setdefault(400, {"description": "Bad Request", **error})
                if "requestBody" in operation:
                    responses.setdefault(413, {"description": "Content Too Large", **error})
                for status, response in responses.items():
                    # django-ninja names each response by its English reason phrase.
                    if response.get("description") in ENGLISH_STATUS_PHRASES:
                        response["description"] = STATUS_NAMES[int(status)]
        for component in schema.get("components", {}).get("schemas", {}).values():
            for name, field in component.get("properties", {}).items():
                _drop_generated_title(name, field)
        return schema


def _drop_generated_title(name, schema):
    """Pydantic titles each field after its name ("case_id" → "Case Id"): English words that say
    no more than the name, beside the field's Chinese description."""
    if schema.get("title") == name.replace("_", " ").title():
        del schema["title"]


# The schema is in Chinese, like the rest of the platform (docs/api.md explains why): the HTTP
# statuses too. The status code beside each name says the same in any language.
STATUS_NAMES = {
    200: "成功",
    201: "已创建",
    204: "成功，无内容",
    400: "请求有误",
    401: "未登录",
    403: "无权操作",
    404: "不存在",
    405: "不支持该方法",
    409: "与当前状态冲突",
    410: "已失效",
    413: "请求体过大",
    415: "不支持的内容类型",
    422: "无法处理",
    429: "请求过于频繁",
    503: "服务暂不可用",
}
ENGLISH_STATUS_PHRASES = {
    *(HTTPStatus(code).phrase for code in STATUS_NAMES),
    "Content Too Large",  # RFC 9110's name for 413; Python's HTTPStatus still says the older one
}


api = OneWindowAPI(
    title="OneWindow API",
    version="1",
    # In Chinese only, like every description of this schema (docs/api.md explains why).
    description="一门通办政务服务平台接口。",
    urls_namespace="api",
    renderer=UTF8JSONRenderer(),
)
api.add_router("/catalog/", catalog_router)
api.add_router("/cases/", cases_router)
# The head's drafts awaiting signature: /api/decisions/awaiting-signature.
api.add_router("/decisions/", decisions_router)
api.add_router("/certificates/", certificates_router)
api.add_router("/delivery/", delivery_router)
api.add_router("/kiosk/", kiosk_router)
api.add_router("/workspace/", workspace_router)
# The delivery of a case: /api/cases/{id}/delivery.
api.add_router("/cases/", case_delivery_router)
api_errors.install(api)
