from django.contrib import admin, messages
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from onewindow.core.admin import ReadOnlyInline, ReadOnlyMixin
from onewindow.core.api_errors import ApiError
from onewindow.notifications.actions import do_retry_message
from onewindow.notifications.models import Notification, NotificationRead, OutboundMessage


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
            except ApiError as exc:
                self.message_user(request, f"{message.pk}: {exc.message}", messages.WARNING)
            else:
                done += 1
        if done:
            self.message_user(
                request, ngettext("已重新排队 %d 条消息", "已重新排队 %d 条消息", done) % done
            )


class NotificationReadInline(ReadOnlyInline):
    model = NotificationRead
    fields = ["user", "read_at"]
    show_change_link = False


@admin.register(Notification)
class NotificationAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["created_at", "kind", "recipient", "department", "case", "read_count"]
    list_filter = ["kind", "department"]
    search_fields = ["text", "case__number"]
    list_select_related = ["recipient", "department", "case"]
    date_hierarchy = "created_at"
    inlines = [NotificationReadInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(read_count=Count("reads"))

    @admin.display(description=_("已读人数"), ordering="read_count")
    def read_count(self, obj):
        return obj.read_count
