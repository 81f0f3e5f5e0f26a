from django.urls import path

from onewindow.catalog import views

app_name = "catalog"

urlpatterns = [
    path("", views.guide, name="guide"),
    path("<str:code>/", views.item_detail, name="item"),
]
