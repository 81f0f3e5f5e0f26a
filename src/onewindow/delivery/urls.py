from onewindow.delivery.views import certificates, outbox

app_name = "delivery"

urlpatterns = [*certificates.urlpatterns, *outbox.urlpatterns]
