from django.shortcuts import render

from onewindow.catalog.queries import guide_overview


def home(request):
    return render(request, "core/home.html", guide_overview())
