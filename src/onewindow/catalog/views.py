from django.http import HttpResponse


def guide(request):
    return HttpResponse("guide")


def item_detail(request, code):
    return HttpResponse(code)
