from django.http import HttpResponse
from django.urls import path


def inbox(request):
    return HttpResponse("inbox")


def supervision(request):
    return HttpResponse("supervision")


urlpatterns = [
    path("inbox/", inbox, name="inbox"),
    path("supervision/", supervision, name="supervision"),
]
