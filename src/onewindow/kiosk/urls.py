from django.urls import path

from onewindow.kiosk import views

app_name = "kiosk"
urlpatterns = [
    path("lockers/<slug:code>/", views.locker, name="locker"),
]
