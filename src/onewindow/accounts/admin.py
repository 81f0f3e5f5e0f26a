from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from onewindow.accounts.models import User


@admin.register(User)
class StaffAdmin(UserAdmin):
    list_display = ["username", "full_name", "role", "department", "is_active"]
    list_filter = ["role", "department", "is_active"]
    search_fields = ["username", "full_name"]
    fieldsets = (
        *UserAdmin.fieldsets,
        (_("岗位"), {"fields": ("full_name", "role", "department")}),
    )
    add_fieldsets = (
        *UserAdmin.add_fieldsets,
        (_("岗位"), {"fields": ("full_name", "role", "department")}),
    )
