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
"""Delivery in the admin. Outbox messages are read-only; failed or held ones can be resent with
the admin action, which goes through do_retry_message as the staff page does."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from onewindow.cases.admin import ReadOnlyMixin
from onewindow.cases.errors import CaseActionError
from onewindow.delivery.actions import do_retry_message
from onewindow.delivery.models import OutboundMessage


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
from onewindow.delivery.lockers import admin as lockers_admin  # noqa: F401  (registers the models)
