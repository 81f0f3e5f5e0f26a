"""Cases in the admin: read-only. Every change to a case goes through cases.actions (with its
state checks and audit row), so the admin can look but never add, change or delete."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from onewindow.cases.models import Case, CaseMaterial, CaseStage, Extension, ReviewTask, Suspension

# Read-only admin pieces live in core (notifications uses them too); kept importable from here.
from onewindow.core.admin import ReadOnlyInline, ReadOnlyMixin


class CaseMaterialInline(ReadOnlyInline):
    model = CaseMaterial
    fields = ["position", "material", "status", "form", "copies", "defect", "file_name", "size"]
    show_change_link = False


class CaseStageInline(ReadOnlyInline):
    model = CaseStage
    fields = ["position", "name", "state", "opened_on", "closed_at"]
    show_change_link = False


class ReviewTaskInline(ReadOnlyInline):
    model = ReviewTask
    fields = ["stage", "department", "state", "opened_on", "due_date", "colour", "decided_by"]


class SuspensionInline(ReadOnlyInline):
    model = Suspension
    fk_name = "case"
    fields = ["kind", "reason", "started_on", "expected_end", "ended_on", "started_by"]


class ExtensionInline(ReadOnlyInline):
    model = Extension
    fields = ["task", "days", "reason", "state", "requested_by", "decided_by"]


@admin.register(Case)
class CaseAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = [
        "number",
        "item",
        "applicant_name",
        "state",
        "colour",
        "accepted_on",
        "promised_deadline",
        "legal_deadline",
    ]
    list_filter = ["state", "colour", "channel", "item__lead_department"]
    search_fields = ["number", "applicant_name", "applicant_id_number"]
    list_select_related = ["item"]
    date_hierarchy = "received_on"
    readonly_fields = ["audit_trail"]
    inlines = [
        CaseMaterialInline,
        CaseStageInline,
        ReviewTaskInline,
        SuspensionInline,
        ExtensionInline,
    ]

    @admin.display(description=_("审计记录"))
    def audit_trail(self, obj):
        url = reverse("admin:core_auditentry_changelist")
        return format_html(
            '<a href="{}?object_type=cases.case&amp;object_id={}">{}</a>',
            url,
            obj.pk,
            _("查看该办件的全部审计记录"),
        )


@admin.register(ReviewTask)
class ReviewTaskAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["case", "department", "stage", "state", "opened_on", "due_date", "colour"]
    list_filter = ["state", "colour", "department"]
    search_fields = ["case__number", "department__name"]
    list_select_related = ["case", "department", "stage"]


@admin.register(Suspension)
class SuspensionAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["case", "kind", "started_on", "expected_end", "ended_on", "started_by"]
    list_filter = ["kind"]
    search_fields = ["case__number", "reason"]
    list_select_related = ["case", "started_by"]


@admin.register(Extension)
class ExtensionAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["case", "task", "days", "state", "requested_by", "requested_at", "decided_by"]
    list_filter = ["state"]
    search_fields = ["case__number", "reason"]
    list_select_related = ["case", "task__department", "requested_by", "decided_by"]
