from django.urls import path

from onewindow.workspace import views

app_name = "workspace"

urlpatterns = [
    path("", views.workspace, name="home"),
    path("supplements/", views.supplements, name="supplements"),
    path("tolerated/", views.tolerated, name="tolerated"),
    path("hand-over/", views.hand_over, name="hand_over"),
    path("done/", views.done, name="done"),
    path("extensions/", views.extensions, name="extensions"),
]
