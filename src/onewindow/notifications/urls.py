from django.urls import path

from onewindow.notifications.views import outbox, retry

app_name = "notifications"

urlpatterns = [
    path("messages/", outbox, name="outbox"),
    path("messages/<int:pk>/retry/", retry, name="outbox_retry"),
]
