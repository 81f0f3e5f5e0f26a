from django.conf import settings


def region(request):
    return {"region_name": settings.ONEWINDOW_REGION_NAME}
