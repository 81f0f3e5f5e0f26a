"""The JSON API: one NinjaAPI, a router per app. OpenAPI at /api/docs."""

from ninja import NinjaAPI
from ninja.renderers import JSONRenderer

from onewindow.cases.api import router as cases_router
from onewindow.catalog.api import router as catalog_router
from onewindow.core import api_errors


class UTF8JSONRenderer(JSONRenderer):
    """Chinese text as UTF-8, not \\uXXXX escapes: readable in logs and a third smaller."""

    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    title="OneWindow API",
    version="1",
    description="一门通办政务服务平台接口 / OneWindow government services API",
    urls_namespace="api",
    renderer=UTF8JSONRenderer(),
)
api.add_router("/catalog/", catalog_router)
api.add_router("/cases/", cases_router)
api_errors.install(api)
