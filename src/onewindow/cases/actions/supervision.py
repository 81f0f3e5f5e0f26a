"""Electronic supervision (电子监察): colour changes found by indexed queries, the grouped notices
that tell staff about them, pressing (督办), and marking the in-app notifications read, each
person for themselves.

Grouped notices: a colour change is queued as one ColourChange row per recipient (common.py). The
sender gives each recipient at most one notice per ONEWINDOW_COLOUR_NOTICE_MINUTES listing all
their queued changes. Two workers may run it at once: each recipient is claimed with a conditional
UPDATE of its ColourNoticeClock row (`last_sent_at` older than the interval), so exactly one
worker sends; the other updates nothing and moves on. The changes are then marked with the notice
that told them, in the same transaction.
"""

from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from onewindow.accounts.constants import Role
from onewindow.accounts.models import User
from onewindow.cases import queries
from onewindow.cases.actions.common import (
    announce_case_colour,
    announce_task_colour,
    lock_case,
    notify,
    record,
    today,
)
from onewindow.cases.constants import OPEN_STATES, CaseState, Colour, TaskState
from onewindow.cases.deadlines import case_limit, colour_for, task_limit, yellow_from
from onewindow.cases.errors import CaseActionError, forbidden
from onewindow.cases.models import Case, ColourChange, ColourNoticeClock, ReviewTask
from onewindow.cases.permissions import is_addressed_to, is_supervisor
from onewindow.notifications.models import NotificationRead

RUNNING = (CaseState.ACCEPTED, CaseState.IN_REVIEW)


@transaction.atomic
def do_refresh_colours(*, on=None):
    """Recolour the cases and tasks whose colour changes today; notify departments and supervisors.

    Only rows that can have changed are read: running cases (or open tasks) whose deadline is
    within the warning window and whose stored colour differs (indexes case_state_deadline and
    task_state_due). Safe to run twice: a second run finds nothing to change.
    """
    on = on or today()
    bound = yellow_from(on)
    changed_cases = 0
    candidates = (
        Case.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(state__in=RUNNING, promised_deadline__lte=bound)
        .exclude(colour=Colour.RED)
        .select_related("item__lead_department")
    )
    supervisors = list(User.objects.filter(role=Role.SUPERVISOR, is_active=True))
    for case in candidates:
        colour = colour_for(case.promised_deadline, on, limit_days=case_limit(case))
        if colour == case.colour:
            continue
        previous = case.colour
        case.colour, case.colour_changed_at = colour, timezone.now()
        case.save(update_fields=["colour", "colour_changed_at"])
        changed_cases += 1
        announce_case_colour(case, previous, colour, supervisors=supervisors)

    changed_tasks = 0
    tasks = (
        ReviewTask.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(state=TaskState.OPEN, due_date__lte=bound, case__state__in=RUNNING)
        .exclude(colour=Colour.RED)
        .select_related("case", "department")
    )
    for task in tasks:
        colour = colour_for(task.due_date, on, limit_days=task_limit(task))
        if colour == task.colour:
            continue
        task.colour = colour
        task.save(update_fields=["colour"])
        changed_tasks += 1
        announce_task_colour(task, colour)
    return {"cases": changed_cases, "tasks": changed_tasks}


# The longest list one notice spells out; the rest are counted.
NOTICE_LISTS_AT_MOST = 20
NEVER = datetime(2000, 1, 1, tzinfo=UTC)


def _address(recipient_id, department_id):
    return f"user:{recipient_id}" if recipient_id else f"department:{department_id}"


def _claim(address, now):
    """Take the recipient's turn to be told, or False when they were told less than the interval
    ago, or another worker has just taken it."""
    ColourNoticeClock.objects.bulk_create(
        [ColourNoticeClock(address=address, last_sent_at=NEVER)], ignore_conflicts=True
    )
    since = now - timedelta(minutes=settings.ONEWINDOW_COLOUR_NOTICE_MINUTES)
    # Nothing got updated: told within the interval, or another worker got there first (on
    # PostgreSQL its UPDATE holds the row until it commits, then ours no longer matches).
    return (
        ColourNoticeClock.objects.filter(address=address, last_sent_at__lte=since).update(
            last_sent_at=now
        )
        == 1
    )


def _notice_text(changes):
    """One line per case or task (the latest colour of each), at most NOTICE_LISTS_AT_MOST."""
    latest = {}
    for change in changes:
        latest[(change.case_id, change.task_id)] = change
    lines = []
    for change in list(latest.values())[:NOTICE_LISTS_AT_MOST]:
        what = _("本部门审查") if change.task_id else _("办件")
        lines.append(
            _("%(number)s %(what)s%(colour)s（到期 %(deadline)s）")
            % {
                "number": change.case.number or "",
                "what": what,
                "colour": Colour(change.colour).label,
                "deadline": change.deadline or "—",
            }
        )
    head = ngettext("监察状态变化 %(count)d 件：", "监察状态变化 %(count)d 件：", len(latest)) % {
        "count": len(latest)
    }
    more = len(latest) - len(lines)
    tail = _("；另有 %(more)d 件") % {"more": more} if more > 0 else ""
    return head + "；".join(lines) + tail


def do_send_colour_notices(*, now=None):
    """One grouped notice per recipient with queued colour changes whose last notice is at least
    ONEWINDOW_COLOUR_NOTICE_MINUTES old; returns how many were sent. Each recipient is its own
    transaction, claimed first (see the module docstring); idempotent."""
    now = now or timezone.now()
    pending = ColourChange.objects.filter(notification__isnull=True)
    recipients = pending.values_list("recipient_id", "department_id").distinct().order_by()
    sent = 0
    for recipient_id, department_id in list(recipients):
        with transaction.atomic():
            if not _claim(_address(recipient_id, department_id), now):
                continue
            changes = list(
                pending.filter(recipient_id=recipient_id, department_id=department_id)
                .select_related("case")
                .order_by("created_at", "id")
            )
            if not changes:
                continue
            # Rendered in each reader's language (notifications.notify), not the worker's.
            note = notify(
                kind="colour_changes",
                render=lambda changes=changes: _notice_text(changes),
                department_id=department_id,
                recipient_id=recipient_id,
            )
            ColourChange.objects.filter(
                pk__in=[c.pk for c in changes], notification__isnull=True
            ).update(notification=note)
            sent += 1
    return sent


@transaction.atomic
def do_press_case(case, *, message, acting_user, client_address=None):
    """督办: a supervisor presses the departments holding the case; the notice is recorded."""
    if not is_supervisor(acting_user):
        raise forbidden(_("只有电子监察人员可以督办"))
    message = (message or "").strip()
    if not message:
        raise CaseActionError("invalid_input", _("督办须填写内容"), status=422)
    case = lock_case(case)
    if case.state not in OPEN_STATES:
        raise CaseActionError("wrong_state", _("只能督办办理中的办件"))
    departments = {
        t.department for t in case.tasks.filter(state=TaskState.OPEN).select_related("department")
    }
    departments = departments or {case.item.lead_department}
    for department in departments:
        notify(
            kind="press",
            case=case,
            department=department,
            params={"number": case.number, "message": message},
        )
    record(
        case,
        "press_case",
        acting_user=acting_user,
        from_state=case.state,
        reason=message,
        client_address=client_address,
        departments=sorted(d.code for d in departments),
    )
    return case


def _mark_read(notification_ids, user):
    now = timezone.now()
    # A second tab, or a double click, may have marked one already: the first read time stays.
    NotificationRead.objects.bulk_create(
        [NotificationRead(notification_id=pk, user=user, read_at=now) for pk in notification_ids],
        ignore_conflicts=True,
    )


@transaction.atomic
def do_mark_notification_read(notification, *, acting_user):
    """The acting user has read one notification: their own, or one to their department.

    Only for that person; a department's colleagues still see it unread. No audit row: the
    NotificationRead row is itself the record of who read what, and when.
    """
    if not is_addressed_to(notification, acting_user):
        raise forbidden(_("这条通知不是发给您或您所在部门的"))
    _mark_read([notification.pk], acting_user)
    return notification


@transaction.atomic
def do_mark_all_notifications_read(*, acting_user):
    """Everything the acting user still has unread becomes read, for them only; returns how many."""
    unread = list(queries.unread_notifications(acting_user).values_list("pk", flat=True))
    _mark_read(unread, acting_user)
    return len(unread)
