from django.contrib import admin, messages
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from onewindow.catalog.actions import CatalogueError, do_create_draft, do_publish_item
from onewindow.catalog.constants import (
    Channel,
    DeliveryMethod,
    ItemStatus,
    ItemType,
    SpecialProcedure,
)
from onewindow.catalog.forms import ServiceItemForm
from onewindow.catalog.models import Department, FlowStage, FlowStep, Material, ServiceItem
from onewindow.catalog.specs import item_to_spec
from onewindow.catalog.validation import validate_item_spec
from onewindow.core.punctuation import colon, join_list, labelled


class DraftOnlyMixin:
    """Published and superseded versions are immutable: their pages are read-only."""

    def _item_of(self, obj):
        return obj

    def has_change_permission(self, request, obj=None):
        if obj is not None and not self._item_of(obj).is_editable:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and not self._item_of(obj).is_editable:
            return False
        return super().has_delete_permission(request, obj)


class DraftOnlyInline(admin.TabularInline):
    extra = 0

    def _editable(self, obj):
        return obj is None or obj.is_editable

    def has_add_permission(self, request, obj=None):
        return self._editable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._editable(obj) and super().has_delete_permission(request, obj)


class MaterialInline(DraftOnlyInline):
    model = Material
    fields = ["position", "name", "requirement", "form", "copies", "e_licence_type", "notes"]


class FlowStageInline(DraftOnlyInline):
    model = FlowStage
    fields = ["position", "name", "steps_summary"]
    readonly_fields = ["steps_summary"]
    show_change_link = True

    @admin.display(description=_("并联审批部门（点“修改”编辑）"))
    def steps_summary(self, stage):
        if not stage.pk:
            return "—"
        return (
            join_list(
                _("%(department)s（%(days)d日）")
                % {"department": s.department.display_name, "days": s.limit_days}
                for s in stage.steps.all()
            )
            or "—"
        )


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "short_name", "kind", "parent", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["code", "name", "short_name"]
    autocomplete_fields = ["parent"]


@admin.register(ServiceItem)
class ServiceItemAdmin(DraftOnlyMixin, admin.ModelAdmin):
    form = ServiceItemForm
    list_display = [
        "code",
        "name",
        "version",
        "status",
        "item_type",
        "window_class",
        "lead_department",
        "promised_limit_days",
        "legal_limit_days",
    ]
    list_filter = [
        "status",
        "item_type",
        "window_class",
        "construction_stage",
        "is_fully_online",
        "is_on_the_spot",
        "lead_department",
    ]
    search_fields = ["code", "name", "keywords", "search_pinyin"]
    autocomplete_fields = ["lead_department"]
    readonly_fields = [
        "status",
        "version",
        "published_at",
        "superseded_at",
        "created_by",
        "flow_chart",
        "publish_check",
    ]
    inlines = [MaterialInline, FlowStageInline]
    actions = ["create_draft", "publish"]

    def get_changeform_initial_data(self, request):
        """A new item starts with 决定须负责人签发 ticked, as 行政许可 items have it (the catalogue
        file's default too); an administrator adding another type of item unticks it."""
        initial = super().get_changeform_initial_data(request)
        initial.setdefault(
            "needs_signature", initial.get("item_type", ItemType.LICENSING) == ItemType.LICENSING
        )
        return initial

    fieldsets = [
        (
            None,
            {
                "fields": [
                    "code",
                    "name",
                    "version",
                    "status",
                    "item_type",
                    "window_class",
                    "construction_stage",
                    "lead_department",
                ]
            },
        ),
        (
            _("时限与办理方式"),
            {
                "fields": [
                    "legal_limit_days",
                    "promised_limit_days",
                    "is_on_the_spot",
                    "max_visits",
                    "result_validity_years",
                    "needs_signature",
                    "result_document",
                    "channels",
                    "is_fully_online",
                    "delivery_methods",
                    "special_procedures",
                ]
            },
        ),
        (_("收费"), {"fields": ["fee_yuan", "fee_basis"]}),
        (_("办事指南"), {"fields": ["keywords", "conditions", "legal_basis", "notes"]}),
        (
            _("流程与发布检查"),
            {
                "fields": [
                    "flow_chart",
                    "publish_check",
                    "published_at",
                    "superseded_at",
                    "created_by",
                ]
            },
        ),
    ]

    # Read-only pages (published versions) show the JSON list fields by their labels.
    LIST_FIELDS = {
        "channels": "channels_display",
        "delivery_methods": "delivery_methods_display",
        "special_procedures": "special_procedures_display",
    }

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or obj.is_editable:
            return fieldsets
        return [
            (name, {**options, "fields": [self.LIST_FIELDS.get(f, f) for f in options["fields"]]})
            for name, options in fieldsets
        ]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and not obj.is_editable:
            fields += self.LIST_FIELDS.values()
        return fields

    def _labels(self, choices, values):
        return join_list(str(choices(v).label) if v in choices.values else v for v in values) or "—"

    @admin.display(description=_("办理渠道"))
    def channels_display(self, item):
        return self._labels(Channel, item.channels)

    @admin.display(description=_("送达方式"))
    def delivery_methods_display(self, item):
        return self._labels(DeliveryMethod, item.delivery_methods)

    @admin.display(description=_("特别程序"))
    def special_procedures_display(self, item):
        return self._labels(SpecialProcedure, item.special_procedures)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("lead_department")

    def save_model(self, request, obj, form, change):
        # New items made in the admin start as drafts; only the publish action publishes.
        if not change:
            obj.status = ItemStatus.DRAFT
            obj.version = (
                ServiceItem.objects.filter(code=obj.code)
                .order_by("-version")
                .values_list("version", flat=True)
                .first()
                or 0
            ) + 1
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    @admin.display(description=_("流程"))
    def flow_chart(self, item):
        if not item.pk:
            return "—"
        stages = item.stages.prefetch_related("steps__department")
        return (
            format_html_join(
                " → ",
                "<strong>{}</strong>{}{}",
                (
                    (
                        s.name,
                        colon(),
                        join_list(
                            _("%(department)s %(days)d日")
                            % {"department": t.department.display_name, "days": t.limit_days}
                            for t in s.steps.all()
                        )
                        or "—",
                    )
                    for s in stages
                ),
            )
            or "—"
        )

    @admin.display(description=_("发布检查"))
    def publish_check(self, item):
        if not item.pk:
            return "—"
        from onewindow.catalog.models import Department as D

        errors = validate_item_spec(
            item_to_spec(item), department_codes=set(D.objects.values_list("code", flat=True))
        )
        if not errors:
            # The admin's own "yes" icon: a style attribute would be refused by the CSP.
            return format_html(
                '<img src="{}" alt=""> {}', static("admin/img/icon-yes.svg"), _("符合发布条件")
            )
        return format_html(
            "<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((str(e),) for e in errors))
        )

    @admin.action(description=_("创建新版本草稿（用于修改已发布事项）"))
    def create_draft(self, request, queryset):
        for code in sorted(set(queryset.values_list("code", flat=True))):
            try:
                draft = do_create_draft(code, acting_user=request.user)
            except CatalogueError as exc:
                self.message_user(request, labelled(code, exc), messages.ERROR)
            else:
                url = reverse("admin:catalog_serviceitem_change", args=[draft.pk])
                self.message_user(
                    request,
                    format_html(
                        '{}{}<a href="{}">{} v{}</a>',
                        _("已创建草稿"),
                        colon(),
                        url,
                        draft.code,
                        draft.version,
                    ),
                    messages.SUCCESS,
                )

    @admin.action(description=_("发布所选草稿"))
    def publish(self, request, queryset):
        for item in queryset.order_by("code"):
            try:
                do_publish_item(item, acting_user=request.user)
            except CatalogueError as exc:
                # One error message per reason: a list nested in the admin's message would take
                # the success style (the admin colours every `.messagelist li` green).
                for error in exc.errors:
                    messages.error(request, labelled(f"{item.code} {_('未能发布')}", error))
            else:
                self.message_user(
                    request, f"{item.code} v{item.version} {_('已发布')}", messages.SUCCESS
                )


class FlowStepInline(admin.TabularInline):
    model = FlowStep
    extra = 1
    autocomplete_fields = ["department"]
    fields = ["department", "limit_days", "task_name"]

    def _editable(self, obj):
        return obj is None or obj.item.is_editable

    def has_add_permission(self, request, obj=None):
        return self._editable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._editable(obj) and super().has_delete_permission(request, obj)


@admin.register(FlowStage)
class FlowStageAdmin(DraftOnlyMixin, admin.ModelAdmin):
    list_display = ["item", "position", "name"]
    inlines = [FlowStepInline]
    fields = ["item", "position", "name"]
    readonly_fields = ["item"]

    def _item_of(self, obj):
        return obj.item

    def has_module_permission(self, request):
        # Reached from the item page's stage links, not from the admin index.
        return False

    def has_add_permission(self, request):
        return False
