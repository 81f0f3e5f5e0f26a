from django.contrib import admin

from onewindow.core.admin import ReadOnlyInline, ReadOnlyMixin
from onewindow.delivery.lockers import admin as lockers_admin  # noqa: F401  (registers the models)
from onewindow.delivery.models import Certificate, RefusedWebhookCall, Shipment, TrackingEvent


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


class TrackingEventInline(ReadOnlyInline):
    model = TrackingEvent
    fields = ["occurred_at", "code", "location", "description", "event_id", "received_at"]
    readonly_fields = fields
    show_change_link = False


@admin.register(Shipment)
class ShipmentAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["tracking_number", "courier", "state", "delivery", "created_at", "updated_at"]
    list_filter = ["state", "courier"]
    search_fields = ["tracking_number", "delivery__case__number"]
    list_select_related = ["delivery__case"]
    inlines = [TrackingEventInline]


@admin.register(RefusedWebhookCall)
class RefusedWebhookCallAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["at", "reason", "remote_address", "body_size", "body_sha256"]
    list_filter = ["reason"]
    date_hierarchy = "at"
