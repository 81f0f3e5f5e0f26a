from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

from onewindow.accounts.models import ApiToken, User
from onewindow.accounts.tokens import do_revoke_token

# Django stores each permission's name once, when migrating, untranslated ("Can add 办件", "Can
# view access log"): the permission pickers name them again in the reader's language.
PERMISSION_ACTIONS = {
    "add": _("可增加"),
    "change": _("可修改"),
    "delete": _("可删除"),
    "view": _("可查看"),
}


def permission_label(permission):
    model = permission.content_type.model_class()
    action, _sep, model_name = permission.codename.partition("_")
    if model is None or action not in PERMISSION_ACTIONS or model_name != model._meta.model_name:
        return str(permission)  # a custom permission: its name is ours, written in Chinese
    meta = model._meta
    return f"{meta.app_config.verbose_name} | {meta.verbose_name} | {PERMISSION_ACTIONS[action]}"


class PermissionsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return permission_label(obj)


class TranslatedPermissionsMixin:
    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name in ("permissions", "user_permissions"):
            kwargs["form_class"] = PermissionsField
        return super().formfield_for_manytomany(db_field, request, **kwargs)


admin.site.unregister(Group)


@admin.register(Group)
class RoleGroupAdmin(TranslatedPermissionsMixin, GroupAdmin):
    pass


@admin.register(User)
class StaffAdmin(TranslatedPermissionsMixin, UserAdmin):
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
