from django.http import HttpResponse
from django.urls import path


def progress(request):
    return HttpResponse("progress")


urlpatterns = [path("progress/", progress, name="progress")]
