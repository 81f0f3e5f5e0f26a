"""Department pages (审批后台) and electronic supervision (电子监察).

The inbox of a department's open review tasks, the task page with its actions (approve, refuse,
supplement, special procedure, resume, extension), the head's extension approvals and decisions,
scanned materials, the supervisor's board with pressing (督办) and the audit trail, and the staff
notifications. Views are thin: they check who may look, parse the form and call an action; a failed
action is shown on the page and answers with the action's status.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from onewindow.cases import queries
from onewindow.cases.actions import (
    do_complete_review,
    do_decide_case,
    do_decide_extension,
    do_end_suspension,
    do_request_extension,
    do_request_supplement,
    do_start_special_procedure,
    do_terminate_case,
)
from onewindow.cases.actions.decision import awaiting_decision
from onewindow.cases.constants import (
    WITHDRAWABLE_STATES,
    CaseState,
    Colour,
    ExtensionState,
    SuspensionKind,
    TaskState,
)
from onewindow.cases.errors import CaseActionError, require_confirmation
from onewindow.cases.models import (
    Case,
    CaseMaterial,
    Extension,
    ReviewTask,
    Suspension,
)
from onewindow.cases.permissions import heads, sees_full_identity, works_for
from onewindow.cases.uploads import ALLOWED, safe_file_name
from onewindow.cases.views.common import (
    client_ip,
    failed,
    is_htmx,
    page_context,
    require_department_staff,
    set_remaining,
    today,
)
from onewindow.cases.views.signing import draft_context
from onewindow.catalog.constants import MaterialForm

PAGE_SIZE = 50
SPECIAL_PROCEDURES = [(k, label) for k, label in SuspensionKind.choices if k != "supplement"]


# --- the inbox --------------------------------------------------------------------------------


ORDER_CHOICES = [
    ("due_date", gettext_lazy("到期日期（最早在前）")),
    ("-due_date", gettext_lazy("到期日期（最晚在前）")),
    ("opened_on", gettext_lazy("收到日期")),
    ("number", gettext_lazy("办件编号")),
]
COLOUR_FILTERS = [Colour.RED, Colour.YELLOW, Colour.GREEN, Colour.PAUSED]


class InboxFilterForm(forms.Form):
    """The inbox's GET form. Invalid values are dropped, not reported: it is a filter bar."""

    q = forms.CharField(required=False, max_length=60, label=gettext_lazy("办件编号或申请人"))
    colour = forms.ChoiceField(
        required=False,
        label=gettext_lazy("监察状态"),
        choices=[("", gettext_lazy("全部")), *[(c.value, c.label) for c in COLOUR_FILTERS]],
    )
    item = forms.ChoiceField(required=False, label=gettext_lazy("事项"))
    order = forms.ChoiceField(required=False, label=gettext_lazy("排序"), choices=ORDER_CHOICES)
    page = forms.IntegerField(required=False, min_value=1)

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = [("", _("全部事项")), *items]
        self.is_valid()

    def filters(self):
        data = self.cleaned_data
        return {
            "colour": data.get("colour") or None,
            "item_code": data.get("item") or None,
            "q": (data.get("q") or "").strip() or None,
            "order": data.get("order") or "due_date",
        }

    def query_without(self, *names):
        query = self.data.copy()
        for name in names:
            query.pop(name, None)
        return query.urlencode()


def _inbox_items(department):
    """(code, name) of the items the department has open tasks for: one query, index task_inbox."""
    rows = (
        ReviewTask.objects.filter(department=department, state=TaskState.OPEN)
        .values_list("case__item__code", "case__item__name")
        .order_by("case__item__code")
        .distinct()
    )
    return list(dict(rows).items())


def _sort_links(query, order):
    """Column headers that sort; the due date header toggles between soonest and latest first."""
    links = {}
    for key in ("number", "opened_on", "due_date"):
        target = "-due_date" if key == "due_date" and order == "due_date" else key
        links[key] = {
            "query": f"{query}&order={target}" if query else f"order={target}",
            "active": order.lstrip("-") == key,
            "descending": key == "due_date" and order == "-due_date",
        }
    return links


def _render_inbox(request, *, error=None, status=200):
    user = request.user
    department = user.department
    items = _inbox_items(department) if department else []
    form = InboxFilterForm(request.GET, items=items)
    filters = form.filters()
    tasks = queries.inbox(department, **filters) if department else ReviewTask.objects.none()
    page = Paginator(tasks, PAGE_SIZE).get_page(form.cleaned_data.get("page"))
    on = today()
    for task in page.object_list:
        set_remaining(task, task.due_date, on)
    context = {
        "form": form,
        "page": page,
        "order": filters["order"],
        "filtered": any(filters[k] for k in ("colour", "item_code", "q")),
        "query": form.query_without("page"),
        "sort": _sort_links(form.query_without("page", "order"), filters["order"]),
    }
    if is_htmx(request) and error is None:
        context["htmx"] = True
        response = render(request, "cases/review/_inbox_results.html", context)
        patch_vary_headers(response, ["HX-Request"])
        return response
    is_head = department is not None and heads(user, department.pk)
    context = page_context(
        request,
        **context,
        department=department,
        counts=queries.open_task_counts(department.pk) if department else {},
        awaiting=list(queries.awaiting_decision_for(department)) if department else [],
        is_head=is_head,
        pending_extensions=list(queries.pending_extensions(department.pk)) if is_head else [],
        awaiting_signature=queries.drafts_awaiting_signature(user).count() if is_head else 0,
        error=error,
    )
    response = render(request, "cases/review/inbox.html", context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
def inbox(request):
    require_department_staff(request.user)
    return _render_inbox(request)


# --- the task page and its actions ------------------------------------------------------------


class SpecialProcedureForm(forms.Form):
    kind = forms.ChoiceField(choices=SPECIAL_PROCEDURES)
    reason = forms.CharField(required=False)
    expected_end = forms.DateField(required=False)


def _task_for(user, pk):
    """The task, if the user works for its department; 404 for none, 403 for another department."""
    require_department_staff(user)
    task = get_object_or_404(
        ReviewTask.objects.select_related("case__item__lead_department", "department", "stage"),
        pk=pk,
    )
    if not works_for(user, task.department_id):
        raise PermissionDenied(_("只能办理本部门的审批任务"))
    return task


def render_task(request, pk, *, failed=None, error=None, status=200):
    task = _task_for(request.user, pk)
    case = task.case
    on = today()
    set_remaining(task, task.due_date, on)
    stages = case.stages.prefetch_related(
        Prefetch(
            "tasks",
            queryset=ReviewTask.objects.select_related("department", "decided_by").order_by("id"),
        )
    )
    suspensions = list(case.suspensions.select_related("task__department", "started_by"))
    running = next((s for s in suspensions if s.ended_on is None), None)
    extensions = list(
        case.extensions.select_related("task__department", "requested_by", "decided_by")
    )
    materials = list(case.materials.select_related("material"))
    for row in materials:
        row.form_label = (
            MaterialForm(row.form).label if row.form in MaterialForm.values else row.form
        )
    is_open = task.state == TaskState.OPEN
    user = request.user
    context = page_context(
        request,
        task=task,
        case=case,
        stages=stages,
        materials=materials,
        suspensions=suspensions,
        running=running,
        can_resume=running is not None
        and works_for(
            user, running.task.department_id if running.task_id else case.item.lead_department_id
        ),
        extensions=extensions,
        can_review=is_open and case.state == CaseState.IN_REVIEW,
        can_extend=is_open
        and not any(
            e.task_id == task.pk and e.state == ExtensionState.REQUESTED for e in extensions
        ),
        can_decide=not case.item.needs_signature
        and works_for(user, case.item.lead_department_id)
        and awaiting_decision(case),
        **draft_context(user, case),
        can_terminate=heads(user, case.item.lead_department_id)
        and case.state in WITHDRAWABLE_STATES,
        special_procedures=SPECIAL_PROCEDURES,
        certificates=list(case.certificates.order_by("-id")) if case.decided_on else [],
        failed=failed,
        error=error,
        posted=request.POST if failed else {},
        today=on,
    )
    return render(request, "cases/review/task.html", context, status=status)


@login_required
def task_detail(request, pk):
    return render_task(request, pk)


def _run(request, pk, form_name, action, done_message, *, done_url=None):
    """Call an action for the task page: redirect on success, the page with the error otherwise."""
    try:
        action()
    except CaseActionError as exc:
        message, status = failed(exc)
        return render_task(request, pk, failed=form_name, error=message, status=status)
    messages.success(request, done_message)
    return redirect(done_url or reverse("cases:inbox_task", args=[pk]))


@login_required
@require_POST
def task_review(request, pk):
    task = _task_for(request.user, pk)
    decision = request.POST.get("decision", "")
    return _run(
        request,
        pk,
        "review",
        lambda: do_complete_review(
            task,
            decision=decision,
            opinion=request.POST.get("opinion", ""),
            acting_user=request.user,
            client_address=client_ip(request),
        ),
        _("已提交审查意见：%(number)s") % {"number": task.case.number},
        done_url=reverse("cases:inbox"),
    )


@login_required
@require_POST
def task_supplement(request, pk):
    task = _task_for(request.user, pk)
    return _run(
        request,
        pk,
        "supplement",
        lambda: do_request_supplement(
            task,
            reason=request.POST.get("reason", ""),
            acting_user=request.user,
            client_address=client_ip(request),
        ),
        _("已通过综合窗口通知申请人补正材料，办件暂停计时。"),
    )


@login_required
@require_POST
def task_procedure(request, pk):
    task = _task_for(request.user, pk)
    form = SpecialProcedureForm(request.POST)
    if not form.is_valid():
        return render_task(
            request,
            pk,
            failed="procedure",
            error=_("请选择特别程序类型，预计结束日期格式为 年-月-日。"),
            status=422,
        )
    data = form.cleaned_data
    return _run(
        request,
        pk,
        "procedure",
        lambda: do_start_special_procedure(
            task,
            kind=data["kind"],
            reason=data["reason"],
            expected_end=data["expected_end"],
            acting_user=request.user,
            client_address=client_ip(request),
        ),
        _("特别程序已启动，办件暂停计时。"),
    )


@login_required
@require_POST
def task_extension(request, pk):
    task = _task_for(request.user, pk)
    try:
        days = int(request.POST.get("days", ""))
    except ValueError:
        # Not a number: the action answers with its own "positive whole number" message.
        days = None
    return _run(
        request,
        pk,
        "extension",
        lambda: do_request_extension(
            task,
            days=days,
            reason=request.POST.get("reason", ""),
            acting_user=request.user,
            client_address=client_ip(request),
        ),
        _("延期申请已提交，等待部门负责人审批。"),
    )


@login_required
@require_POST
def suspension_resume(request, pk):
    require_department_staff(request.user)
    suspension = get_object_or_404(Suspension.objects.select_related("case"), pk=pk)
    if suspension.task_id is None:
        raise Http404
    return _run(
        request,
        suspension.task_id,
        "resume",
        lambda: do_end_suspension(
            suspension, acting_user=request.user, client_address=client_ip(request)
        ),
        _("已恢复计时，期限已重新计算。"),
    )


@login_required
def case_for_department(request, pk):
    """A case link for department staff: their department's task of the case (open first)."""
    require_department_staff(request.user)
    case = get_object_or_404(Case, pk=pk)
    tasks = ReviewTask.objects.filter(case=case, department_id=request.user.department_id)
    task = tasks.filter(state=TaskState.OPEN).first() or tasks.order_by("-id").first()
    if task is None:
        raise PermissionDenied(_("本部门没有该办件的审批任务"))
    return redirect("cases:inbox_task", pk=task.pk)


@login_required
@require_POST
def extension_decide(request, pk):
    require_department_staff(request.user)
    extension = get_object_or_404(Extension.objects.select_related("case"), pk=pk)
    approve = request.POST.get("approve") == "1"
    try:
        do_decide_extension(
            extension,
            approve=approve,
            note=request.POST.get("note", ""),
            acting_user=request.user,
            client_address=client_ip(request),
        )
    except CaseActionError as exc:
        return _render_inbox(request, error=failed(exc)[0], status=exc.status)
    if approve:
        text = _("已批准 %(number)s 延期 %(days)s 个工作日，期限已顺延。")
    else:
        text = _("已不批准 %(number)s 的延期申请。")
    messages.success(request, text % {"number": extension.case.number, "days": extension.days})
    return redirect("cases:inbox")


@login_required
@require_POST
def case_decide(request, pk):
    require_department_staff(request.user)
    case = get_object_or_404(Case, pk=pk)
    try:
        case = do_decide_case(case, acting_user=request.user, client_address=client_ip(request))
    except CaseActionError as exc:
        return _render_inbox(request, error=failed(exc)[0], status=exc.status)
    messages.success(
        request,
        _("%(number)s 已作出决定：%(decision)s，决定文号 %(decision_number)s。")
        % {
            "number": case.number,
            "decision": case.get_decision_display(),
            "decision_number": case.decision_number,
        },
    )
    return redirect("cases:inbox")


@login_required
@require_POST
def case_terminate(request, pk):
    """A head of the lead department ends the case (终止办理), with a reason and the box that
    confirms it: the case cannot be resumed."""
    task = _task_for(request.user, pk)

    def terminate():
        # Who may terminate is the action's first answer (403); the confirmation comes next.
        if heads(request.user, task.case.item.lead_department_id):
            require_confirmation(request.POST)
        do_terminate_case(
            task.case,
            reason=request.POST.get("reason", ""),
            acting_user=request.user,
            client_address=client_ip(request),
        )

    return _run(
        request,
        pk,
        "terminate",
        terminate,
        _("办件已终止。"),
        done_url=reverse("cases:inbox"),
    )


@login_required
def material_download(request, pk):
    """A scanned material, for anyone who may see the case.

    Always an attachment, with the type stored at upload (checked by content then) and a file
    name rebuilt from the stored one with that type's extension: whatever a file turns out to
    hold, the browser saves it rather than rendering it in the platform's origin."""
    material = get_object_or_404(CaseMaterial.objects.select_related("material", "case"), pk=pk)
    if not queries.cases_visible_to(request.user).filter(pk=material.case_id).exists():
        raise PermissionDenied(_("无权查看该办件的材料"))
    if not sees_full_identity(request.user, material.case):
        # A scan (an ID card, a licence) shows in full what the pages mask: clerks of the
        # receiving point only (docs/security.md, "Who may see what").
        raise PermissionDenied(_("扫描件只向收件服务点的窗口人员和审查、监察人员提供"))
    if not material.file:
        raise Http404(_("该材料没有扫描件"))
    content_type = material.content_type if material.content_type in ALLOWED else None
    response = FileResponse(
        material.file.open("rb"),
        content_type=content_type or "application/octet-stream",
        as_attachment=True,
        filename=safe_file_name(
            material.file_name, content_type, fallback=material.material.name[:100]
        ),
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


urlpatterns = [
    path("inbox/", inbox, name="inbox"),
    path("inbox/tasks/<int:pk>/", task_detail, name="inbox_task"),
    path("inbox/tasks/<int:pk>/review/", task_review, name="inbox_task_review"),
    path("inbox/tasks/<int:pk>/supplement/", task_supplement, name="inbox_task_supplement"),
    path("inbox/tasks/<int:pk>/procedure/", task_procedure, name="inbox_task_procedure"),
    path("inbox/tasks/<int:pk>/extension/", task_extension, name="inbox_task_extension"),
    path("inbox/suspensions/<int:pk>/resume/", suspension_resume, name="inbox_resume"),
    path("inbox/extensions/<int:pk>/decide/", extension_decide, name="inbox_extension_decide"),
    path("inbox/cases/<int:pk>/", case_for_department, name="inbox_case"),
    path("inbox/cases/<int:pk>/decide/", case_decide, name="inbox_case_decide"),
    path("inbox/tasks/<int:pk>/terminate/", case_terminate, name="inbox_task_terminate"),
    path("inbox/materials/<int:pk>/", material_download, name="inbox_material"),
]
