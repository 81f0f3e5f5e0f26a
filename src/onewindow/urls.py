from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from onewindow.api import api
from onewindow.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("guide/", include("onewindow.catalog.urls")),
    path("", include("onewindow.cases.urls")),
    path("", include("onewindow.delivery.urls")),
    path("kiosk/", include("onewindow.kiosk.urls")),
    path("accounts/", include("onewindow.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("favicon.ico", RedirectView.as_view(url="/static/onewindow/favicon.svg")),
]
