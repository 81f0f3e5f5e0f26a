from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from onewindow.api import api
from onewindow.core import views as core_views
from onewindow.delivery.webhook import courier_webhook

urlpatterns = [
    path("", core_views.home, name="home"),
    path("guide/", include("onewindow.catalog.urls")),
    path("", include("onewindow.cases.urls")),
    path("", include("onewindow.delivery.urls")),
    path("", include("onewindow.notifications.urls")),
    path("kiosk/", include("onewindow.kiosk.urls")),
    path("workspace/", include("onewindow.workspace.urls")),
    path("accounts/", include("onewindow.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    # Signed by the courier, not signed in: a plain view before the API's session and tokens.
    path("api/delivery/courier/webhook", courier_webhook, name="courier_webhook"),
    path("api/", api.urls),
    path("favicon.ico", RedirectView.as_view(url="/static/onewindow/favicon.svg")),
]
