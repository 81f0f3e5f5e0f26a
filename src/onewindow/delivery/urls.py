from onewindow.delivery.views import outbox

app_name = "delivery"

urlpatterns = [*outbox.urlpatterns]
