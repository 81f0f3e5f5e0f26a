from django.http import HttpResponse
from django.urls import path


def intake(request):
    return HttpResponse("window")


urlpatterns = [path("window/", intake, name="intake")]
