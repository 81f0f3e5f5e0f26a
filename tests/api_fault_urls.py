"""The site's URLs and one API path that always fails, for the test of the 500 answer's shape."""

from django.urls import path

from onewindow.urls import urlpatterns as site


def _fails(request):
    raise RuntimeError("a fault of the server")


urlpatterns = [path("api/fault", _fails), *site]
