"""The JSON API: one NinjaAPI, a router per app. OpenAPI at /api/docs."""

from ninja import NinjaAPI

from onewindow.catalog.api import router as catalog_router

api = NinjaAPI(
    title="OneWindow API",
    version="1",
    description="一门通办政务服务平台接口 / OneWindow government services API",
    urls_namespace="api",
)
api.add_router("/catalog/", catalog_router)
