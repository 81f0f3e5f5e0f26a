from django.apps import apps as django_apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult

from onewindow.core.constants import DayKind, ScheduleSource
from onewindow.core.models import AuditEntry, CalendarDay, CalendarYear, WorkerHeartbeat

WEEKDAY_NAMES = [_("周一"), _("周二"), _("周三"), _("周四"), _("周五"), _("周六"), _("周日")]


def _days_in_year(kind):
    days = (
        CalendarDay.objects.filter(date__year=OuterRef("year"), kind=kind)
        .order_by()
        .values("kind")
        .annotate(total=Count("id"))
        .values("total")
    )
    return Coalesce(Subquery(days, output_field=IntegerField()), 0)


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    list_display = ["year", "source", "holiday_count", "makeup_count", "loaded_at", "note"]
    list_filter = ["source"]
    search_fields = ["year", "note"]
    readonly_fields = ["loaded_at"]

    def get_queryset(self, request):
        # Days are tied to their year by date, not by a foreign key: count them in subqueries so the
        # list costs one query, not two per year.
        return (
            super()
            .get_queryset(request)
            .annotate(
                holiday_total=_days_in_year(DayKind.HOLIDAY),
                makeup_total=_days_in_year(DayKind.MAKEUP_WORKDAY),
            )
        )

    def get_changeform_initial_data(self, request):
        # A year added here is being maintained by hand.
        return {"source": ScheduleSource.ADMIN, **super().get_changeform_initial_data(request)}

    @admin.display(description=_("节假日天数"))
    def holiday_count(self, obj):
        return obj.holiday_total

    @admin.display(description=_("调休上班天数"))
    def makeup_count(self, obj):
        return obj.makeup_total


class YearListFilter(admin.SimpleListFilter):
    title = _("年份")
    parameter_name = "year"

    def lookups(self, request, model_admin):
        years = CalendarDay.objects.dates("date", "year", order="DESC")
        return [(str(day.year), str(day.year)) for day in years]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(date__year=int(self.value()))
        return queryset


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ["date", "weekday", "kind", "name"]
    list_filter = ["kind", YearListFilter]
    date_hierarchy = "date"
    search_fields = ["name"]
    ordering = ["-date"]

    @admin.display(description=_("星期"))
    def weekday(self, obj):
        return WEEKDAY_NAMES[obj.date.weekday()]


class _AuditCodeFilter(admin.SimpleListFilter):
    """A filter on a stored code, its choices named by `label` (the admin's default lists codes)."""

    def lookups(self, request, model_admin):
        # One DISTINCT query, as the admin's own filter on all values does.
        values = (
            AuditEntry.objects.order_by().values_list(self.parameter_name, flat=True).distinct()
        )
        return sorted(((v, self.label(v)) for v in values if v), key=lambda c: str(c[1]))

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(**{self.parameter_name: self.value()})
        return queryset


class AuditObjectTypeFilter(_AuditCodeFilter):
    title = _("对象类型")
    parameter_name = "object_type"

    def label(self, value):
        model = _model(value)
        return model._meta.verbose_name if model else value


class AuditRoleFilter(_AuditCodeFilter):
    title = _("角色")
    parameter_name = "actor_role"

    def label(self, value):
        return _choice_label(get_user_model(), "role", value)


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """The audit log is append-only: nobody, superusers included, adds, edits or deletes a row here."""

    list_display = [
        "created_at",
        "action",
        "object_type_label",
        "object_id",
        "actor",
        "actor_role_label",
        "from_state_label",
        "to_state_label",
    ]
    list_filter = ["action", AuditObjectTypeFilter, AuditRoleFilter]
    search_fields = ["object_id", "action", "reason"]
    date_hierarchy = "created_at"
    list_select_related = ["actor"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    # The row stores codes ("cases.case", "clerk", "submitted"): shown by their names in the
    # reader's language, found through the models (core imports no app). The action stays a code:
    # the supervision's audit page names it.
    @admin.display(description=_("对象类型"), ordering="object_type")
    def object_type_label(self, entry):
        model = _model(entry.object_type)
        return model._meta.verbose_name if model else entry.object_type

    @admin.display(description=_("角色"), ordering="actor_role")
    def actor_role_label(self, entry):
        return _choice_label(get_user_model(), "role", entry.actor_role)

    @admin.display(description=_("原状态"), ordering="from_state")
    def from_state_label(self, entry):
        return _choice_label(_model(entry.object_type), "state", entry.from_state)

    @admin.display(description=_("新状态"), ordering="to_state")
    def to_state_label(self, entry):
        return _choice_label(_model(entry.object_type), "state", entry.to_state)


def _model(label):
    try:
        return django_apps.get_model(label)
    except (LookupError, ValueError):
        return None


def _choice_label(model, field_name, value):
    try:
        choices = dict(model._meta.get_field(field_name).flatchoices) if model else {}
    except FieldDoesNotExist:
        choices = {}
    return choices.get(value, value)


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    """Which task workers are alive (read-only: the workers write these rows themselves)."""

    list_display = ["worker_id", "hostname", "pid", "started_at", "last_seen_at"]
    ordering = ["-last_seen_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyMixin:
    """No add, change or delete, for superusers too; viewing needs the model's view permission."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(ReadOnlyMixin, admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = True


# django-tasks-db's admin labels two computed columns with plain English strings (no gettext) and
# its task-name column with the property's name: the same admin, with labels we translate.
admin.site.unregister(DBTaskResult)


@admin.register(DBTaskResult)
class TaskResultAdmin(DBTaskResultAdmin):
    list_display = ["id", "task_label", *DBTaskResultAdmin.list_display[2:]]

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        return [{"formatted_traceback": "traceback_shown"}.get(f, f) for f in fields] + [
            "task_label"
        ]

    @admin.display(description=_("任务"))
    def task_label(self, obj):
        return obj.task_name

    @admin.display(description=_("错误堆栈"))
    def traceback_shown(self, obj):
        return self.formatted_traceback(obj)

    @admin.display(description=_("最早执行时间"))
    def display_run_after(self, obj):
        return super().display_run_after(obj)
