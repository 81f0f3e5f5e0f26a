"""Reads that need care: what each person may see, inboxes, supervision lists, the progress query."""

from datetime import timedelta

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy, pgettext_lazy

from onewindow.accounts.constants import Role
from onewindow.cases.constants import (
    OPEN_STATES,
    UNDECIDED_INTAKE_DAYS,
    CaseState,
    Colour,
    DraftState,
    ExtensionState,
    StageState,
    TaskState,
)
from onewindow.cases.models import Case, DecisionDraft, Extension, ReviewTask
from onewindow.cases.permissions import sees_full_identity
from onewindow.core import workdays
from onewindow.core.identity import compact_identity, mask_email, mask_id, mask_phone
from onewindow.core.models import AuditEntry
from onewindow.notifications.queries import (  # noqa: F401  (the staff inbox reads them from here)
    notifications_for,
    unread_notifications,
    visible_notifications,
)


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


def shown_identity(user, case):
    """The applicant's and proxy's ID numbers, phones and e-mail as `user` may read them: in full
    or masked (permissions.sees_full_identity). The case page and the API both show these."""
    full = sees_full_identity(user, case)
    values = {
        "id_number": case.applicant_id_number,
        "phone": case.applicant_phone,
        "email": case.applicant_email,
        "proxy_id_number": case.proxy_id_number,
        "proxy_phone": case.proxy_phone,
        "representative_id_number": case.legal_representative_id_number,
    }
    if not full:
        values = {
            "id_number": mask_id(values["id_number"]),
            "phone": mask_phone(values["phone"]),
            "email": mask_email(values["email"]),
            "proxy_id_number": mask_id(values["proxy_id_number"]),
            "proxy_phone": mask_phone(values["proxy_phone"]),
            "representative_id_number": mask_id(values["representative_id_number"]),
        }
    return {**values, "masked": not full}


# What the inbox page (views/review.py and cases/review/_inbox_results.html) shows of a task, its
# case, item and stage. Building the whole rows (81 columns, the item's long texts among them) took
# longer than running the query. A field the page reads that is not listed here is loaded with one
# query per row: the query-count tests of the inbox page and API catch that.
INBOX_FIELDS = (
    "task_name",
    "colour",
    "opened_on",
    "due_date",
    "case__number",
    "case__applicant_name",
    "case__item__name",
    "stage__name",
)


def inbox(department, *, colour=None, item_code=None, q=None, order="due_date"):
    """A department's open tasks, soonest due first, with the INBOX_FIELDS only.

    Index: task_inbox (department, state, due_date).
    """
    tasks = (
        ReviewTask.objects.filter(department=department, state=TaskState.OPEN)
        .select_related("case__item", "stage")
        .only(*INBOX_FIELDS)
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


def open_task_counts(department_id):
    """A department's open tasks in all and per colour (the inbox's and the workspace's counts).
    Index: task_inbox (department, state, due_date)."""
    colours = (Colour.RED, Colour.YELLOW, Colour.GREEN, Colour.PAUSED)
    open_tasks = ReviewTask.objects.filter(department_id=department_id, state=TaskState.OPEN)
    return open_tasks.aggregate(
        total=Count("id"), **{c.value: Count("id", filter=Q(colour=c)) for c in colours}
    )


def flagged_tasks(department_id=None):
    """Open review tasks that are yellow or red, soonest due first: the board's second list. A
    task has its own colour (its step's limit), which may differ from its case's: the inbox shows
    exactly these tasks with that colour, and so does the board.

    Index: task_state_due (state, due_date); task_inbox (department, state, due_date) for one
    department.
    """
    tasks = ReviewTask.objects.filter(state=TaskState.OPEN, colour__in=[Colour.YELLOW, Colour.RED])
    if department_id is not None:
        tasks = tasks.filter(department_id=department_id)
    return tasks.select_related("case__item", "department", "stage").order_by("due_date", "id")


def flagged_task_counts():
    """Yellow and red open tasks per reviewing department, most red first. Index: task_state_due."""
    return list(
        ReviewTask.objects.filter(state=TaskState.OPEN, colour__in=[Colour.YELLOW, Colour.RED])
        .values("department__code", "department__name")
        .annotate(
            yellow=Count("id", filter=Q(colour=Colour.YELLOW)),
            red=Count("id", filter=Q(colour=Colour.RED)),
        )
        .order_by("-red", "-yellow", "department__code")
    )


# --- worklists (the workspace app shows them; docs/cases.md "Workspaces") -----------------------


def intakes_awaiting_supplement():
    """Intakes waiting for the applicant's supplement (一次性告知 issued), from any window: any
    clerk may continue one. Oldest received first. Index: case_state_received (state, received_on).
    """
    return (
        Case.objects.filter(state=CaseState.NEEDS_SUPPLEMENT)
        .select_related("item", "clerk", "service_point")
        .order_by("received_on", "id")
    )


def tolerated_materials_due():
    """Cases accepted under 容缺 that still owe materials, the soonest due first: their result
    may not leave before the materials arrive. Withdrawn and terminated cases owe nothing more.

    A case has a supplement-by date exactly while it owes tolerated materials: acceptance sets it
    only when some are missing, and do_receive_tolerated_materials clears it when the last one
    arrives. So the date alone says it, without looking at the materials.

    Index: case_tolerated_due, a partial index of the cases with a supplement-by date, read in its
    order.
    """
    return (
        Case.objects.filter(supplement_due__isnull=False)
        .exclude(state__in=[CaseState.WITHDRAWN, CaseState.TERMINATED])
        .select_related("item", "service_point")
        .order_by("supplement_due", "id")
    )


DONE_TASK_STATES = (TaskState.APPROVED, TaskState.REFUSED)


def done_tasks(
    department_id=None, *, since=None, until=None, item_code=None, outcome=None, decided_by=None
):
    """A department's answered review tasks (已办), newest answer first; every department's when
    `department_id` is None (supervisors). Filters: answered on or after `since` and on or before
    `until` (dates, local), the item's code, the outcome (approved or refused), who answered.

    A task's `decided_at` is set when, and only when, it is answered (approved or refused).

    Index: task_done (department, decided_at DESC) for one department; task_done_at (decided_at
    DESC) across departments. Both are partial: answered tasks only.
    """
    tasks = ReviewTask.objects.filter(decided_at__isnull=False)
    if department_id is not None:
        tasks = tasks.filter(department_id=department_id)
    if since is not None:
        tasks = tasks.filter(decided_at__gte=_start_of(since))
    if until is not None:
        tasks = tasks.filter(decided_at__lt=_start_of(until + timedelta(days=1)))
    if item_code:
        tasks = tasks.filter(case__item__code=item_code)
    if outcome in DONE_TASK_STATES:
        tasks = tasks.filter(state=outcome)
    if decided_by is not None:
        tasks = tasks.filter(decided_by_id=decided_by)
    return tasks.select_related("case__item", "stage", "department", "decided_by").order_by(
        "-decided_at", "-id"
    )


def _start_of(day):
    """The first moment of a local date, aware: date filters on a datetime column by index."""
    from datetime import datetime, time

    return timezone.make_aware(datetime.combine(day, time.min))


def pending_extensions(department_id=None):
    """Extension requests awaiting a head's approval, oldest first: one department's, or every
    department's when `department_id` is None (supervisors). Requests of tasks closed meanwhile
    cannot be approved any more and are left out.

    Index: one_pending_extension_per_task, the partial unique index of the requested ones, joined
    to their tasks by primary key.
    """
    extensions = Extension.objects.filter(
        state=ExtensionState.REQUESTED, task__state=TaskState.OPEN
    )
    if department_id is not None:
        extensions = extensions.filter(task__department_id=department_id)
    return extensions.select_related("task__department", "case__item", "requested_by").order_by(
        "requested_at", "id"
    )


def art32_cutoff(on=None):
    """The latest receipt date whose intake has waited UNDECIDED_INTAKE_DAYS working days by `on`.

    Art. 32: an intake not answered within 5 working days counts as accepted on receipt. The
    calendar counts forward, so step back until (day, on] holds enough working days.
    """
    on = on or timezone.localdate()
    day = on
    while workdays.workdays_between(day, on) < UNDECIDED_INTAKE_DAYS:
        day -= timedelta(days=1)
    return day


def awaiting_decision_for(department):
    """Cases the department leads whose every stage has answered: the lead decides.

    The same rule as actions.decision.awaiting_decision, as one query for a list.
    """
    return (
        Case.objects.filter(state=CaseState.IN_REVIEW, item__lead_department=department)
        .exclude(stages__state__in=[StageState.OPEN, StageState.PENDING])
        .select_related("item")
        .annotate(
            refusals=Count("tasks", filter=Q(tasks__state=TaskState.REFUSED)),
            # Items a head signs: a draft already waits for the signature.
            draft_waiting=Exists(
                DecisionDraft.objects.filter(
                    case=OuterRef("pk"), state=DraftState.AWAITING_SIGNATURE
                )
            ),
        )
        .order_by("promised_deadline", "id")
    )


def decided_not_issued(before):
    """Cases decided and not issued since before `before` (a datetime): their issue task failed,
    or was lost before the worker recovery (core/workers.py) could run it. A decided case
    changes (updated_at) when it is issued. Index: case_state_deadline narrows to the state."""
    return (
        Case.objects.filter(state=CaseState.DECIDED, updated_at__lt=before)
        .select_related("item")
        .order_by("updated_at", "id")
    )


def owing_tolerated_materials():
    """The cases that still owe 容缺 materials (their result may not leave yet), as a queryset
    to filter by (`case__in=`)."""
    from onewindow.cases.constants import MaterialStatus

    return Case.objects.filter(
        supplement_due__isnull=False, materials__status=MaterialStatus.TOLERATED
    ).values("pk")


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
    # Typed with a Chinese input method, both may come full-width (１２３Ｘ): core.identity.
    number = compact_identity(number)
    secret = compact_identity(secret)
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


# What each audited action means, for the public timeline and the audit trail page.
ACTION_LABELS = {
    "receive_intake": gettext_lazy("收件"),
    "issue_supplement_notice": gettext_lazy("一次性告知补正材料"),
    "update_intake_materials": gettext_lazy("补交材料"),
    "accept_case": pgettext_lazy("case step", "受理"),  # the step; the button says 受理 too
    "start_review": gettext_lazy("转入部门审查"),
    "not_accept": gettext_lazy("不予受理"),
    "complete_review": gettext_lazy("部门审查完成"),
    "suspend_case": gettext_lazy("暂停计时（特别程序或补正）"),
    "resume_case": gettext_lazy("恢复计时"),
    "request_extension": gettext_lazy("申请延期"),
    "approve_extension": gettext_lazy("批准延期"),
    "refuse_extension": gettext_lazy("不批准延期"),
    "receive_tolerated_materials": gettext_lazy("容缺材料已补齐"),
    "decide_case": gettext_lazy("作出决定"),
    "draft_decision": gettext_lazy("拟写决定，提交签发"),
    "return_decision_draft": gettext_lazy("退回决定草稿"),
    "mark_collected": gettext_lazy("已领取"),
    "issue_result": gettext_lazy("已出件"),
    "hand_over_at_window": gettext_lazy("窗口领取"),
    "deposit_in_locker": gettext_lazy("结果已放入自助取件柜"),
    "collect_from_locker": gettext_lazy("自助取件柜取件"),
    "return_from_locker": gettext_lazy("逾期未取，退回窗口"),
    "resend_pickup_code": gettext_lazy("重新发送领取码"),
    "transfer_result": gettext_lazy("结果转至其他服务点领取"),
    "withdraw_case": gettext_lazy("申请人撤回"),
    "terminate_case": gettext_lazy("终止办理"),
    "colour_changed": gettext_lazy("监察状态变化"),
    "press_case": gettext_lazy("督办"),
    "choose_delivery": gettext_lazy("登记送达方式"),
    "ship_result": gettext_lazy("结果已寄出"),
    "mail_delivered": gettext_lazy("邮件已签收"),
    "mail_returned": gettext_lazy("邮件退回窗口"),
    "deliver_electronically": gettext_lazy("电子证照已送达"),
}
# The steps the public progress query shows: no internal requests, colours or pressing.
PUBLIC_ACTIONS = (
    "receive_intake",
    "issue_supplement_notice",
    "update_intake_materials",
    "accept_case",
    "not_accept",
    "complete_review",
    "suspend_case",
    "resume_case",
    "approve_extension",
    "receive_tolerated_materials",
    "decide_case",
    "mark_collected",
    "issue_result",
    "hand_over_at_window",
    "transfer_result",
    "deposit_in_locker",
    "collect_from_locker",
    "return_from_locker",
    "withdraw_case",
    "terminate_case",
    "ship_result",
    "mail_delivered",
    "mail_returned",
    "deliver_electronically",
)


def public_timeline(case):
    """(when, step label, department name or "") for the progress query; no opinions, no names."""
    entries = AuditEntry.objects.filter(
        object_type="cases.case", object_id=str(case.pk), action__in=PUBLIC_ACTIONS
    ).order_by("created_at", "id")
    timeline = []
    for entry in entries:
        department = entry.details.get("department_name", "")
        timeline.append((entry.created_at, ACTION_LABELS[entry.action], department))
    return timeline


def current_step(case):
    """The stage in progress and the departments still reviewing, for the public page."""
    stage = case.stages.filter(state=StageState.OPEN).order_by("position").first()
    if stage is None:
        return None, []
    departments = [
        t.department.name
        for t in stage.tasks.filter(state=TaskState.OPEN).select_related("department")
    ]
    return stage, departments


def drafts_awaiting_signature(user):
    """The 待签发 list: drafts a head of the user's department may sign, oldest first; every
    department's for a superuser, none for anyone else. Cases that left review (terminated,
    withdrawn) are not listed.

    Index: drafts_awaiting (department, state)."""
    drafts = DecisionDraft.objects.filter(
        state=DraftState.AWAITING_SIGNATURE, case__state=CaseState.IN_REVIEW
    )
    if not user.is_active:
        return drafts.none()
    if not user.is_superuser:
        if user.role != Role.HEAD or not user.department_id:
            return drafts.none()
        drafts = drafts.filter(department_id=user.department_id)
    return drafts.select_related("case__item", "drafted_by").order_by("drafted_at", "id")
