"""Electronic supervision (电子监察): the supervisor's board with pressing (督办), a case's audit
trail, and the staff notifications."""

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Max, Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from onewindow.accounts.constants import Role
from onewindow.cases import queries
from onewindow.cases.actions import (
    do_mark_all_notifications_read,
    do_mark_notification_read,
    do_press_case,
)
from onewindow.cases.constants import (
    UNDECIDED_INTAKE_DAYS,
    CaseState,
    Colour,
    Decision,
    SuspensionKind,
    TaskState,
)
from onewindow.cases.errors import CaseActionError
from onewindow.cases.hooks import page_parts
from onewindow.cases.models import Case, ReviewTask
from onewindow.cases.permissions import is_supervisor
from onewindow.cases.views.common import (
    client_ip,
    failed,
    page_context,
    require_supervisor,
    set_remaining,
    today,
)
from onewindow.catalog.models import Department
from onewindow.core import workdays
from onewindow.core.identity import is_ascii_digits
from onewindow.core.models import AuditEntry
from onewindow.core.punctuation import labelled
from onewindow.notifications.kinds import kind_label
from onewindow.notifications.models import Notification
from onewindow.notifications.queries import unsent_messages

PAGE_SIZE = 50
SPECIAL_PROCEDURES = [(k, label) for k, label in SuspensionKind.choices if k != "supplement"]
# Scans a browser shows itself; anything else (OFD) is downloaded.
INLINE_TYPES = {"application/pdf", "image/jpeg", "image/png"}


# --- supervision ------------------------------------------------------------------------------


def _press_counts(case_ids):
    rows = (
        AuditEntry.objects.filter(
            object_type="cases.case",
            object_id__in=[str(pk) for pk in case_ids],
            action="press_case",
        )
        .values("object_id")
        .annotate(times=Count("id"), last=Max("created_at"))
        .order_by()
    )
    return {int(row["object_id"]): row for row in rows}


def _first(rows):
    """The first PAGE_SIZE rows and how many there are (counted only when the page is full)."""
    shown = list(rows[:PAGE_SIZE])
    return shown, (rows.count() if len(shown) == PAGE_SIZE else len(shown))


def _stuck_work():
    """What background work left undone ONEWINDOW_STUCK_AFTER_MINUTES ago: decided cases not
    issued, and issued results whose messages or parcel did not go out (docs/security.md,
    "Background jobs after a crash")."""
    minutes = settings.ONEWINDOW_STUCK_AFTER_MINUTES
    before = timezone.now() - timedelta(minutes=minutes)
    decided = queries.decided_not_issued(before)
    if not settings.ONEWINDOW_ISSUE_AFTER_DECISION:
        # Clerks issue by hand (出件): a decided case waits for them, not for a job.
        decided = decided.none()
    decided, decided_total = _first(decided)
    unsent, unsent_total = _first(unsent_messages(before))
    # Parcels not booked with the courier: delivery's rows, through its page part (cases/hooks.py).
    parcels = page_parts("supervision_stuck", before).get("stuck_parcels")
    parcels, parcels_total = _first(parcels) if parcels is not None else ([], 0)
    return {
        "stuck_minutes": minutes,
        "stuck_decided": decided,
        "stuck_decided_total": decided_total,
        "stuck_messages": unsent,
        "stuck_messages_total": unsent_total,
        "stuck_parcels": parcels,
        "stuck_parcels_total": parcels_total,
        "stuck_total": decided_total + unsent_total + parcels_total,
    }


def _over_visit_promise():
    """The cases that cost more visits than their item promises (最多跑一次 / 零跑动)."""
    # Delivery owns the visits: its page part gives the rows (cases/hooks.py).
    rows = page_parts("supervision_visits").get("visits_over_promise")
    rows, total = _first(rows) if rows is not None else ([], 0)
    cases = Case.objects.select_related("item", "service_point").in_bulk(
        [row["case"] for row in rows]
    )
    over = []
    for row in rows:
        case = cases[row["case"]]
        case.visit_total, case.visits_promised = row["visits"], row["promised"]
        over.append(case)
    return {"over_promise": over, "over_promise_total": total}


def _render_supervision(request, *, error=None, status=200):
    on = today()
    flagged, counts = queries.supervision_board()
    flagged = flagged.prefetch_related(
        Prefetch(
            "tasks",
            queryset=ReviewTask.objects.filter(state=TaskState.OPEN).select_related("department"),
            to_attr="open_tasks",
        )
    )
    page = Paginator(flagged, PAGE_SIZE).get_page(request.GET.get("page"))
    pressed = _press_counts([case.pk for case in page.object_list])
    for case in page.object_list:
        set_remaining(case, case.promised_deadline, on)
        case.pressed = pressed.get(case.pk)
    short_names = dict(
        Department.objects.filter(
            code__in=[row["item__lead_department__code"] for row in counts]
        ).values_list("code", "short_name")
    )
    for row in counts:
        code = row["item__lead_department__code"]
        row["name"] = row["item__lead_department__name"]
        row["label"] = short_names.get(code) or row["name"]
    # Tasks carry their own colour (their step's limit): a case may be green while one of its
    # departments' tasks is yellow, and the board shows both, as the inboxes do.
    task_counts = queries.flagged_task_counts()
    for row in task_counts:
        row["name"] = row["department__name"]
    flagged_tasks = list(queries.flagged_tasks()[:PAGE_SIZE])
    for task in flagged_tasks:
        set_remaining(task, task.due_date, on)
    cutoff = queries.art32_cutoff(on)
    undecided = queries.undecided_intakes(cutoff).select_related("item", "service_point")
    undecided_page = list(undecided[:PAGE_SIZE])
    for intake in undecided_page:
        intake.notice_due = workdays.add_workdays(intake.received_on, UNDECIDED_INTAKE_DAYS)
        intake.waiting = workdays.workdays_between(intake.received_on, on)
    context = page_context(
        request,
        page=page,
        counts=counts,
        chart={
            "departments": [row["label"] for row in counts],
            "yellow": [row["yellow"] for row in counts],
            "red": [row["red"] for row in counts],
            "labels": {"yellow": str(Colour.YELLOW.label), "red": str(Colour.RED.label)},
        },
        totals={
            "yellow": sum(row["yellow"] for row in counts),
            "red": sum(row["red"] for row in counts),
        },
        task_counts=task_counts,
        flagged_tasks=flagged_tasks,
        task_totals={
            "yellow": sum(row["yellow"] for row in task_counts),
            "red": sum(row["red"] for row in task_counts),
        },
        undecided=undecided_page,
        undecided_total=undecided.count()
        if len(undecided_page) == PAGE_SIZE
        else len(undecided_page),
        error=error,
        today=on,
        **_stuck_work(),
        **_over_visit_promise(),
    )
    return render(request, "cases/review/supervision.html", context, status=status)


@login_required
def supervision(request):
    require_supervisor(request.user)
    return _render_supervision(request)


@login_required
@require_POST
def press(request, pk):
    require_supervisor(request.user)
    case = get_object_or_404(Case, pk=pk)
    try:
        do_press_case(
            case,
            message=request.POST.get("message", ""),
            acting_user=request.user,
            client_address=client_ip(request),
        )
    except CaseActionError as exc:
        return _render_supervision(request, error=failed(exc)[0], status=exc.status)
    messages.success(request, _("已向承办部门发出督办：%(number)s") % {"number": case.number})
    return redirect("cases:supervision")


def _state_label(value):
    return CaseState(value).label if value in CaseState.values else value


def _label(choices, value):
    return choices(value).label if value in choices.values else value


def _audit_detail(entry):
    """A line of what the details say, for the actions where the states alone say little."""
    details = entry.details or {}
    if entry.action == "colour_changed":
        previous, colour = details.get("previous", ""), details.get("colour", "")
        return f"{_label(Colour, previous)} → {_label(Colour, colour)}"
    if entry.action == "complete_review":
        decision = _label(TaskState, details.get("decision", ""))
        return labelled(details.get("department_name", ""), decision)
    if entry.action == "suspend_case":
        return _label(SuspensionKind, details.get("kind", ""))
    if entry.action == "resume_case":
        return _("%(kind)s：%(start)s 至 %(end)s") % {
            "kind": _label(SuspensionKind, details.get("kind", "")),
            "start": details.get("started_on", ""),
            "end": details.get("ended_on", ""),
        }
    if entry.action in ("request_extension", "approve_extension", "refuse_extension"):
        days = int(details.get("days") or 0)
        return ngettext("%(days)s 个工作日", "%(days)s 个工作日", days) % {"days": days}
    if entry.action == "decide_case":
        decision = _label(Decision, details.get("decision", ""))
        return f"{decision} {details.get('decision_number', '')}".strip()
    return ""


@login_required
def audit_trail(request, pk):
    """Every recorded action on one case: who, role, when, from, to, why, from where. Read only."""
    require_supervisor(request.user)
    case = get_object_or_404(Case.objects.select_related("item__lead_department"), pk=pk)
    entries = list(
        AuditEntry.objects.filter(object_type="cases.case", object_id=str(case.pk))
        .select_related("actor")
        .order_by("created_at", "id")
    )
    for entry in entries:
        entry.action_label = queries.ACTION_LABELS.get(entry.action, entry.action)
        entry.role_label = Role(entry.actor_role).label if entry.actor_role in Role.values else ""
        entry.from_label = _state_label(entry.from_state)
        entry.to_label = _state_label(entry.to_state)
        entry.detail = _audit_detail(entry)
    context = page_context(request, case=case, entries=entries)
    return render(request, "cases/review/audit.html", context)


# --- notifications ----------------------------------------------------------------------------


@login_required
def notifications(request):
    user = request.user
    rows = queries.notifications_for(user).select_related("case").order_by("-created_at", "-id")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    language = translation.get_language()
    for note in page.object_list:
        # The reader's language: the label here, the text as written for it (notifications).
        note.kind_label = kind_label(note.kind)
        note.shown_text = note.text_in(language)
    context = page_context(
        request,
        page=page,
        is_supervisor=is_supervisor(user),
        is_department_staff=user.has_role(Role.REVIEWER, Role.HEAD),
    )
    return render(request, "cases/review/notifications.html", context)


@login_required
@require_POST
def notifications_read(request):
    """Mark one notification (`id`) or all of the user's unread ones as read, for this user only."""
    note_id = request.POST.get("id", "")
    if note_id and not is_ascii_digits(note_id):
        raise Http404
    try:
        if note_id:
            note = get_object_or_404(Notification, pk=int(note_id))
            do_mark_notification_read(note, acting_user=request.user)
        else:
            do_mark_all_notifications_read(acting_user=request.user)
    except CaseActionError as exc:
        failed(exc)
    return redirect("cases:notifications")


urlpatterns = [
    path("supervision/", supervision, name="supervision"),
    path("supervision/cases/<int:pk>/press/", press, name="supervision_press"),
    path("supervision/cases/<int:pk>/audit/", audit_trail, name="supervision_audit"),
    path("notifications/", notifications, name="notifications"),
    path("notifications/read/", notifications_read, name="notifications_read"),
]
