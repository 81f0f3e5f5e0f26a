from onewindow.delivery.views import certificates, outbox, window

app_name = "delivery"

urlpatterns = [*certificates.urlpatterns, *outbox.urlpatterns, *window.urlpatterns]
