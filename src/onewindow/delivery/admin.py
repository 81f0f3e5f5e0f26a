from django.contrib import admin

from onewindow.cases.admin import ReadOnlyMixin
from onewindow.delivery.models import Certificate


@admin.register(Certificate)
class CertificateAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Read-only: certificates are issued, revoked and re-issued through delivery.actions."""

    list_display = [
        "number",
        "kind",
        "holder_name",
        "item_name",
        "department",
        "issued_on",
        "state",
    ]
    list_filter = ["kind", "state", "department"]
    search_fields = ["number", "holder_name", "case__number"]
    list_select_related = ["department"]
    date_hierarchy = "issued_on"
