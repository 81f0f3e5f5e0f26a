"""Delivery in the admin: read-only, like cases (every change goes through delivery.actions).
Operators look here for shipments, their tracking, and the refused courier webhook calls."""

from django.contrib import admin

from onewindow.cases.admin import ReadOnlyInline, ReadOnlyMixin
from onewindow.delivery.models import RefusedWebhookCall, Shipment, TrackingEvent


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
