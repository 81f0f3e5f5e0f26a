"""Lockers in the admin: cabinets and their compartments are set up here (a compartment can be
taken out of service); deposits and window pickups are read-only, changed only by the actions."""

from django.contrib import admin
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from onewindow.core.admin import ReadOnlyMixin
from onewindow.delivery.constants import CompartmentState
from onewindow.delivery.models import Compartment, Locker, LockerDeposit, WindowPickup


class CompartmentInline(admin.TabularInline):
    model = Compartment
    extra = 0
    fields = ["number", "size", "state", "opened_at"]
    readonly_fields = ["opened_at"]


@admin.register(Locker)
class LockerAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        "service_point",
        "driver",
        "active",
        "occupancy",
    ]
    list_filter = ["active", "service_point"]
    search_fields = ["code", "name", "location"]
    inlines = [CompartmentInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                total=Count("compartments"),
                occupied=Count(
                    "compartments", filter=Q(compartments__state=CompartmentState.OCCUPIED)
                ),
            )
        )

    @admin.display(description=_("占用 / 格口"))
    def occupancy(self, locker):
        return f"{locker.occupied} / {locker.total}"


@admin.register(Compartment)
class CompartmentAdmin(admin.ModelAdmin):
    list_display = ["locker", "number", "size", "state", "opened_at"]
    list_filter = ["locker", "size", "state"]
    readonly_fields = ["opened_at"]

    def get_readonly_fields(self, request, obj=None):
        # An occupied compartment holds a result: its state changes only through the actions.
        if obj is not None and obj.state == CompartmentState.OCCUPIED:
            return ["locker", "number", "state", "opened_at"]
        return self.readonly_fields


@admin.register(LockerDeposit)
class LockerDepositAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = [
        "delivery",
        "locker",
        "compartment",
        "deposited_at",
        "expires_at",
        "collected_at",
        "returned_at",
    ]
    list_filter = ["locker"]
    exclude = ["code_hash"]


@admin.register(WindowPickup)
class WindowPickupAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = [
        "delivery",
        "service_point",
        "issued_at",
        "expires_at",
        "collected_at",
        "collector_name",
    ]
    exclude = ["code_hash"]
