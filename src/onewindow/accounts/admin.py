from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from onewindow.accounts.models import ApiToken, User
from onewindow.accounts.tokens import do_revoke_token


@admin.register(User)
class StaffAdmin(UserAdmin):
    list_display = ["username", "full_name", "role", "department", "is_active"]
    list_filter = ["role", "department", "is_active"]
    search_fields = ["username", "full_name"]
    fieldsets = (
        *UserAdmin.fieldsets,
        (_("岗位"), {"fields": ("full_name", "role", "department", "language")}),
    )
    add_fieldsets = (
        *UserAdmin.add_fieldsets,
        (_("岗位"), {"fields": ("full_name", "role", "department", "language")}),
    )


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """List and revoke tokens. They are made with `onewindow token create` (the token is shown
    once, on the command line); the digest is never displayed."""

    list_display = ["name", "user", "key_prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "key_prefix", "user__username", "user__full_name"]
    list_select_related = ["user"]
    fields = ["name", "user", "key_prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = fields
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # Revoke instead: the row keeps who could call the API, and until when.
        return False

    @admin.action(description=_("吊销所选令牌"), permissions=["revoke"])
    def revoke(self, request, queryset):
        revoked = 0
        for api_token in queryset.filter(revoked_at__isnull=True):
            do_revoke_token(api_token, acting_user=request.user)
            revoked += 1
        self.message_user(
            request, _("已吊销 %(count)d 个令牌。") % {"count": revoked}, messages.SUCCESS
        )

    def has_revoke_permission(self, request):
        return request.user.has_perm("accounts.change_apitoken")
