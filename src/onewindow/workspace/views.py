"""Each role's workspace (工作台) and the worklists behind it. Views are thin: who may look, the
filter bar, a page of rows from a query, and where each row opens.

Who sees which list (a list nobody of that role may open answers 403):

| list | clerk | reviewer | head | supervisor |
| --- | --- | --- | --- | --- |
| intakes waiting for supplements (any window) | yes | | | yes |
| 容缺 materials due | yes | | | yes |
| results waiting at a window | their service point | | | every point |
| answered tasks (已办) | | their department | their department | every department |
| extension requests awaiting approval | | | their department | every department |
"""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from onewindow.accounts.constants import Role
from onewindow.cases import queries
from onewindow.cases.permissions import is_clerk, is_supervisor, service_point_id_of
from onewindow.cases.views.common import page_context, set_remaining, today
from onewindow.catalog.models import Department
from onewindow.delivery import queries as delivery_queries

PAGE_SIZE = 50
# Rows a workspace shows of each list; the list's own page shows them all.
SHOWN = 8

TITLES = {
    "supplements": gettext_lazy("待补正收件"),
    "tolerated": gettext_lazy("容缺材料待补齐"),
    "hand_over": gettext_lazy("窗口待领取结果"),
    "done": gettext_lazy("本部门已办"),
    "extensions": gettext_lazy("待审批延期"),
}
# What the same lists are called when they span every department and point (supervisors).
TITLES_EVERYWHERE = {
    "hand_over": gettext_lazy("各服务点窗口待领取结果"),
    "done": gettext_lazy("各部门已办"),
    "extensions": gettext_lazy("各部门待审批延期"),
}
HINTS = {
    "supplements": gettext_lazy(
        "已一次性告知补正、等待申请人补齐材料的收件；任一窗口均可继续办理。"
    ),
    "tolerated": gettext_lazy("容缺受理的办件，容缺材料补齐前不得出件。按补齐期限排序。"),
    "hand_over": gettext_lazy("已出件、在本服务点窗口等待领取的结果。"),
    "done": gettext_lazy("本部门已答复（同意或不同意）的审批任务。"),
    "extensions": gettext_lazy("本部门审批人员提出、等待负责人审批的延期申请。"),
}


def _department_staff(user):
    return user.is_active and user.role in (Role.REVIEWER, Role.HEAD) and user.department_id


def _may_open(user, key):
    if key in ("supplements", "tolerated", "hand_over"):
        return is_clerk(user) or is_supervisor(user)
    if key == "done":
        return is_supervisor(user) or bool(_department_staff(user))
    if key == "extensions":
        return is_supervisor(user) or (user.role == Role.HEAD and bool(user.department_id))
    return False


def _require(user, key):
    if not _may_open(user, key):
        raise PermissionDenied(_("您的岗位不能查看这个工作清单"))


def _everywhere(user):
    """Supervisors (and superusers) see every department's and every point's rows."""
    return is_supervisor(user)


def _rows(user, key, filters=None):
    """The query of worklist `key` as `user` may see it."""
    if key == "supplements":
        return queries.intakes_awaiting_supplement()
    if key == "tolerated":
        return queries.tolerated_materials_due()
    if key == "hand_over":
        point = None if _everywhere(user) else service_point_id_of(user)
        return delivery_queries.results_waiting_at(point)
    if key == "done":
        filters = dict(filters or {})
        department = filters.pop("department", None)
        if not _everywhere(user):
            department = user.department_id
        return queries.done_tasks(department, **filters)
    if key == "extensions":
        return queries.pending_extensions(None if _everywhere(user) else user.department_id)
    raise ValueError(key)


def _open_url(user, key, row):
    """Where a row opens for this user: the window's pages for clerks, the department's task page
    for its staff, the audit trail for supervisors."""
    if key in ("supplements", "tolerated", "hand_over"):
        case_id = row.case_id if key == "hand_over" else row.pk
        if is_clerk(user):
            name = "cases:continue_intake" if key == "supplements" else "cases:case"
            return reverse(name, args=[case_id])
        return reverse("cases:supervision_audit", args=[case_id])
    task_id = row.pk if key == "done" else row.task_id
    if _department_staff(user):
        return reverse("cases:inbox_task", args=[task_id])
    return reverse("cases:supervision_audit", args=[row.case_id])


def _prepare(user, key, rows):
    rows = list(rows)
    on = today()
    for row in rows:
        row.open_url = _open_url(user, key, row)
        if key == "extensions":
            set_remaining(row, row.task.due_date, on)
        if key == "tolerated":
            row.late = row.supplement_due is not None and row.supplement_due < on
    return rows


HINTS_EVERYWHERE = {
    "hand_over": gettext_lazy("已出件、在各服务点窗口等待领取的结果。"),
    "done": gettext_lazy("各部门已答复（同意或不同意）的审批任务。"),
    "extensions": gettext_lazy("各部门审批人员提出、等待负责人审批的延期申请。"),
}


def _title(user, key):
    if _everywhere(user):
        return TITLES_EVERYWHERE.get(key, TITLES[key])
    return TITLES[key]


def _hint(user, key):
    if _everywhere(user):
        return HINTS_EVERYWHERE.get(key, HINTS[key])
    return HINTS[key]


def _section(user, key):
    rows = _rows(user, key)
    shown = _prepare(user, key, rows[:SHOWN])
    total = rows.count() if len(shown) == SHOWN else len(shown)
    return {
        "key": key,
        "title": _title(user, key),
        "hint": _hint(user, key),
        "rows": shown,
        "total": total,
        "url": reverse(f"workspace:{key}"),
        "template": f"workspace/rows/{key}.html",
    }


# --- the workspace ----------------------------------------------------------------------------

# The worklists of each role's workspace, in the order shown.
ROLE_LISTS = {
    Role.CLERK: ("supplements", "tolerated", "hand_over"),
    Role.REVIEWER: ("done",),
    Role.HEAD: ("extensions", "done"),
    Role.SUPERVISOR: ("supplements", "tolerated", "hand_over", "extensions", "done"),
}
ROLE_TITLES = {
    Role.CLERK: gettext_lazy("窗口工作台"),
    Role.REVIEWER: gettext_lazy("部门工作台"),
    Role.HEAD: gettext_lazy("负责人工作台"),
    Role.SUPERVISOR: gettext_lazy("监察工作台"),
}
ROLE_TEMPLATES = {
    Role.CLERK: "workspace/clerk.html",
    Role.REVIEWER: "workspace/department.html",
    Role.HEAD: "workspace/head.html",
    Role.SUPERVISOR: "workspace/supervisor.html",
}


def _role_of(user):
    # A superuser's workspace is the supervisor's: it shows everything.
    return Role.SUPERVISOR if user.is_superuser else user.role


@login_required
def workspace(request):
    """Where staff land after signing in (LOGIN_REDIRECT_URL): their role's workspace. Roles
    without one go where their work is: catalogue administrators to the admin, others home."""
    user = request.user
    role = _role_of(user)
    if role not in ROLE_LISTS:
        return redirect("admin:index" if user.is_staff else "home")
    if role in (Role.REVIEWER, Role.HEAD) and not user.department_id:
        # A department role without a department has no department to show (accounts forbid it).
        return redirect("home")
    context = {
        "title": ROLE_TITLES[role],
        "role": role,
        "sections": [_section(user, key) for key in ROLE_LISTS[role]],
    }
    if role in (Role.REVIEWER, Role.HEAD):
        context["department"] = user.department
        context["open_counts"] = queries.open_task_counts(user.department_id)
    if role == Role.SUPERVISOR:
        context["case_counts"] = _flagged_case_counts()
        context["task_counts"] = _flagged_task_counts()
    return render(request, ROLE_TEMPLATES[role], page_context(request, **context))


def _flagged_case_counts():
    _flagged, counts = queries.supervision_board()
    return {
        "yellow": sum(row["yellow"] for row in counts),
        "red": sum(row["red"] for row in counts),
    }


def _flagged_task_counts():
    counts = queries.flagged_task_counts()
    return {
        "yellow": sum(row["yellow"] for row in counts),
        "red": sum(row["red"] for row in counts),
    }


# --- the worklist pages -----------------------------------------------------------------------


def _list_page(request, key, *, rows, form=None, query=""):
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = _prepare(request.user, key, page.object_list)
    context = page_context(
        request,
        key=key,
        title=_title(request.user, key),
        hint=_hint(request.user, key),
        page=page,
        form=form,
        query=query,
        template=f"workspace/rows/{key}.html",
        everywhere=_everywhere(request.user),
    )
    return render(request, "workspace/list.html", context)


def _simple_list(key):
    @login_required
    def view(request):
        _require(request.user, key)
        return _list_page(request, key, rows=_rows(request.user, key))

    view.__name__ = key
    view.__doc__ = f"The worklist {key!r} on its own page, {PAGE_SIZE} rows a page."
    return view


supplements = _simple_list("supplements")
tolerated = _simple_list("tolerated")
hand_over = _simple_list("hand_over")
extensions = _simple_list("extensions")


OUTCOMES = [("", gettext_lazy("全部结果")), *[(s.value, s.label) for s in queries.DONE_TASK_STATES]]


DATE = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


class DoneFilterForm(forms.Form):
    """The 已办 list's GET form. Invalid values are dropped, not reported: it is a filter bar (as
    the inbox's)."""

    since = forms.DateField(required=False, label=gettext_lazy("答复日期自"), widget=DATE)
    until = forms.DateField(required=False, label=gettext_lazy("至"), widget=DATE)
    item = forms.CharField(required=False, max_length=40, label=gettext_lazy("事项编码"))
    outcome = forms.ChoiceField(required=False, choices=OUTCOMES, label=gettext_lazy("结果"))
    who = forms.TypedChoiceField(
        required=False, coerce=int, empty_value=None, label=gettext_lazy("答复人")
    )
    department = forms.TypedChoiceField(
        required=False, coerce=int, empty_value=None, label=gettext_lazy("审批部门")
    )
    page = forms.IntegerField(required=False, min_value=1)

    def __init__(self, *args, people=(), departments=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["who"].choices = [("", _("全部人员")), *people]
        if departments is None:
            del self.fields["department"]
        else:
            self.fields["department"].choices = [("", _("全部部门")), *departments]
        self.is_valid()

    def filters(self):
        data = self.cleaned_data
        filters = {
            "since": data.get("since"),
            "until": data.get("until"),
            "item_code": (data.get("item") or "").strip() or None,
            "outcome": data.get("outcome") or None,
            "decided_by": data.get("who"),
        }
        if "department" in self.fields:
            filters["department"] = data.get("department")
        return filters

    def query_without(self, *names):
        query = self.data.copy()
        for name in names:
            query.pop(name, None)
        return query.urlencode()


def _people(user, everywhere):
    """(id, name) of who may answer tasks: the department's reviewers and heads."""
    from onewindow.accounts.models import User

    staff = User.objects.filter(role__in=[Role.REVIEWER, Role.HEAD], is_active=True)
    if not everywhere:
        staff = staff.filter(department_id=user.department_id)
    return [(u.pk, str(u)) for u in staff.order_by("username")]


@login_required
def done(request):
    """已办: the department's answered tasks with filters (dates, item, outcome, who)."""
    user = request.user
    _require(user, "done")
    everywhere = _everywhere(user)
    departments = None
    if everywhere:
        departments = list(Department.objects.order_by("code").values_list("pk", "name"))
    form = DoneFilterForm(request.GET, people=_people(user, everywhere), departments=departments)
    rows = _rows(user, "done", form.filters())
    return _list_page(request, "done", rows=rows, form=form, query=form.query_without("page"))
