from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from onewindow.cases.admin import ReadOnlyInline, ReadOnlyMixin
from onewindow.cases.errors import CaseActionError
from onewindow.delivery.actions import do_retry_message
from onewindow.delivery.lockers import admin as lockers_admin  # noqa: F401  (registers the models)
from onewindow.delivery.models import (
    Certificate,
    OutboundMessage,
    RefusedWebhookCall,
    Shipment,
    TrackingEvent,
)


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


@admin.register(OutboundMessage)
class OutboundMessageAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("created_at", "template", "channel", "state", "attempts", "case", "last_error")
    list_filter = ("state", "channel", "template")
    search_fields = ("event_key", "case__number")
    list_select_related = ("case",)
    date_hierarchy = "created_at"
    actions = ["retry"]

    @admin.action(description=_("重新发送所选的失败或未发送消息"))
    def retry(self, request, queryset):
        done = 0
        for message in queryset:
            try:
                do_retry_message(message, acting_user=request.user)
            except CaseActionError as exc:
                self.message_user(request, f"{message.pk}: {exc.message}", messages.WARNING)
            else:
                done += 1
        if done:
            self.message_user(
                request, ngettext("已重新排队 %d 条消息", "已重新排队 %d 条消息", done) % done
            )


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
