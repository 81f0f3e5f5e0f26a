"""Each role's workspace (工作台) and the worklist pages. Views are thin: who may look
(lists.py), the filter bar, a page of rows from a query, and where each row opens."""

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
from onewindow.cases.errors import CaseActionError
from onewindow.cases.views.common import page_context, set_remaining, today
from onewindow.catalog.models import Department
from onewindow.workspace import lists

PAGE_SIZE = 50
# Rows a workspace shows of each list; the list's own page shows them all.
SHOWN = 8


def _require(user, key):
    """A list outside the user's role: the 403 page, with the reason."""
    try:
        lists.require(user, key)
    except CaseActionError as refused:
        raise PermissionDenied(refused.message) from None


def _prepare(user, key, rows):
    rows = list(rows)
    on = today()
    for row in rows:
        row.open_url = lists.open_url(user, key, row)
        if key == "extensions":
            set_remaining(row, row.task.due_date, on)
        if key == "tolerated":
            row.late = row.supplement_due is not None and row.supplement_due < on
    return rows


def _section(user, key):
    rows = lists.rows_for(user, key)
    shown = _prepare(user, key, rows[:SHOWN])
    total = rows.count() if len(shown) == SHOWN else len(shown)
    return {
        "key": key,
        "title": lists.title(user, key),
        "hint": lists.hint(user, key),
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
    if role == Role.HEAD:
        # 待签发 (cases/actions/signing.py): the drafts this head may sign, the oldest first.
        drafts = queries.drafts_awaiting_signature(user)
        context["signing_total"] = drafts.count()
        context["signing_rows"] = list(drafts[:SHOWN])
    if role == Role.SUPERVISOR:
        context["case_counts"] = _totals(queries.supervision_board()[1])
        context["task_counts"] = _totals(queries.flagged_task_counts())
    return render(request, ROLE_TEMPLATES[role], page_context(request, **context))


def _totals(counts):
    """Yellow and red in all, from per-department counts (the board's queries)."""
    return {colour: sum(row[colour] for row in counts) for colour in ("yellow", "red")}


# --- the worklist pages -----------------------------------------------------------------------


def _list_page(request, key, *, rows, form=None, query=""):
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = _prepare(request.user, key, page.object_list)
    context = page_context(
        request,
        key=key,
        title=lists.title(request.user, key),
        hint=lists.hint(request.user, key),
        page=page,
        form=form,
        query=query,
        template=f"workspace/rows/{key}.html",
        everywhere=lists.everywhere(request.user),
    )
    return render(request, "workspace/list.html", context)


def _simple_list(key):
    @login_required
    def view(request):
        _require(request.user, key)
        return _list_page(request, key, rows=lists.rows_for(request.user, key))

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
    everywhere = lists.everywhere(user)
    departments = None
    if everywhere:
        departments = list(Department.objects.order_by("code").values_list("pk", "name"))
    form = DoneFilterForm(request.GET, people=_people(user, everywhere), departments=departments)
    rows = lists.rows_for(user, "done", form.filters())
    return _list_page(request, "done", rows=rows, form=form, query=form.query_without("page"))
