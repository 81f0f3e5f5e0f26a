from onewindow.delivery.views import certificates, window

app_name = "delivery"

urlpatterns = [*certificates.urlpatterns, *window.urlpatterns]
