"""Reads that need care: what each person may see, inboxes, supervision lists, the progress query."""

from django.db.models import Count, Q

from onewindow.accounts.constants import Role
from onewindow.cases.constants import OPEN_STATES, CaseState, Colour, TaskState
from onewindow.cases.models import Case, ReviewTask
from onewindow.core.models import AuditEntry


def cases_visible_to(user):
    """Clerks and supervisors see every case; reviewers and heads the cases their department
    reviews or leads; others none."""
    cases = Case.objects.all()
    if not user.is_authenticated or not user.is_active:
        return cases.none()
    if user.is_superuser or user.role in (Role.CLERK, Role.SUPERVISOR):
        return cases
    if user.role in (Role.REVIEWER, Role.HEAD) and user.department_id:
        return cases.filter(
            Q(tasks__department_id=user.department_id)
            | Q(item__lead_department_id=user.department_id)
        ).distinct()
    return cases.none()


def inbox(department, *, colour=None, item_code=None, q=None, order="due_date"):
    """A department's open tasks, soonest due first. Index: task_inbox (department, state, due_date)."""
    tasks = ReviewTask.objects.filter(department=department, state=TaskState.OPEN).select_related(
        "case__item", "stage"
    )
    if colour:
        tasks = tasks.filter(colour=colour)
    if item_code:
        tasks = tasks.filter(case__item__code=item_code)
    if q:
        tasks = tasks.filter(Q(case__number__icontains=q) | Q(case__applicant_name__icontains=q))
    orders = {
        "due_date": ["due_date", "id"],
        "-due_date": ["-due_date", "-id"],
        "opened_on": ["opened_on", "id"],
        "number": ["case__number", "id"],
    }
    return tasks.order_by(*orders.get(order, orders["due_date"]))


def supervision_board():
    """Yellow and red cases per lead department, with counts (the supervisor page).

    Index: case_state_deadline (state, promised_deadline) narrows to open cases.
    """
    flagged = (
        Case.objects.filter(state__in=OPEN_STATES, colour__in=[Colour.YELLOW, Colour.RED])
        .select_related("item__lead_department")
        .order_by("promised_deadline", "id")
    )
    counts = (
        Case.objects.filter(state__in=OPEN_STATES, colour__in=[Colour.YELLOW, Colour.RED])
        .values("item__lead_department__code", "item__lead_department__name")
        .annotate(
            yellow=Count("id", filter=Q(colour=Colour.YELLOW)),
            red=Count("id", filter=Q(colour=Colour.RED)),
        )
        .order_by("-red", "-yellow", "item__lead_department__code")
    )
    return flagged, list(counts)


def undecided_intakes(before):
    """Intakes still waiting for a decision that were received on or before `before` (Art. 32:
    after 5 working days they count as accepted). Index: case_state_received."""
    return Case.objects.filter(
        state__in=[CaseState.SUBMITTED, CaseState.NEEDS_SUPPLEMENT], received_on__lte=before
    ).order_by("received_on", "id")


def find_for_progress(number, secret):
    """The case for the public progress query, or None.

    `secret` is the last 4 characters of the applicant's ID number or of the phone number; a wrong
    secret answers exactly like an unknown number. Index: the unique index on number.
    """
    number = (number or "").strip()
    secret = (secret or "").strip().upper()
    if len(secret) != 4 or not number:
        return None
    case = (
        Case.objects.select_related("item", "item__lead_department").filter(number=number).first()
    )
    if case is None:
        return None
    if secret not in (case.applicant_id_number[-4:].upper(), case.applicant_phone[-4:]):
        return None
    return case


# What the public timeline shows for each audited action (internal opinions are never shown).
PUBLIC_STEPS = {
    "receive_intake": "收件",
    "issue_supplement_notice": "一次性告知补正材料",
    "update_intake_materials": "补交材料",
    "accept_case": "受理",
    "not_accept": "不予受理",
    "complete_review": "部门审查完成",
    "suspend_case": "暂停计时（特别程序或补正）",
    "resume_case": "恢复计时",
    "approve_extension": "延长办理期限",
    "receive_tolerated_materials": "容缺材料已补齐",
    "decide_case": "作出决定",
    "mark_collected": "已领取",
    "withdraw_case": "申请人撤回",
    "terminate_case": "终止办理",
}


def public_timeline(case):
    """(when, step label, department name or "") for the progress query; no opinions, no names."""
    entries = AuditEntry.objects.filter(
        object_type="cases.case", object_id=str(case.pk), action__in=list(PUBLIC_STEPS)
    ).order_by("created_at", "id")
    timeline = []
    for entry in entries:
        department = entry.details.get("department_name", "")
        timeline.append((entry.created_at, PUBLIC_STEPS[entry.action], department))
    return timeline


def current_step(case):
    """The stage in progress and the departments still reviewing, for the public page."""
    stage = case.stages.filter(state="open").order_by("position").first()
    if stage is None:
        return None, []
    departments = [
        t.department.name
        for t in stage.tasks.filter(state=TaskState.OPEN).select_related("department")
    ]
    return stage, departments
