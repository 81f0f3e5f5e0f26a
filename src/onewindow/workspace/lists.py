"""The worklists: what each is called, who may open it, its query as a given person may see it,
and where a row opens. The pages (views.py) and the JSON API (api.py) both read them.

Who sees which list (a list outside one's role answers 403):

| list | clerk | reviewer | head | supervisor |
| --- | --- | --- | --- | --- |
| intakes waiting for supplements (any window) | yes | | | yes |
| 容缺 materials due | yes | | | yes |
| results waiting at a window | their service point | | | every point |
| answered tasks (已办) | | their department | their department | every department |
| extension requests awaiting approval | | | their department | every department |
"""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from onewindow.accounts.constants import Role
from onewindow.cases import queries
from onewindow.cases.errors import forbidden
from onewindow.cases.permissions import is_clerk, is_supervisor, service_point_id_of
from onewindow.delivery import queries as delivery_queries

KEYS = ("supplements", "tolerated", "hand_over", "done", "extensions")

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


def department_staff(user):
    return user.is_active and user.role in (Role.REVIEWER, Role.HEAD) and user.department_id


def may_open(user, key):
    if key in ("supplements", "tolerated", "hand_over"):
        return is_clerk(user) or is_supervisor(user)
    if key == "done":
        return is_supervisor(user) or bool(department_staff(user))
    if key == "extensions":
        return is_supervisor(user) or (user.role == Role.HEAD and bool(user.department_id))
    return False


def require(user, key):
    """403 `forbidden` for a list outside the user's role (a CaseActionError: the pages show the
    403 page, the API its JSON error)."""
    if not may_open(user, key):
        raise forbidden(_("您的岗位不能查看这个工作清单"))


def everywhere(user):
    """Supervisors (and superusers) see every department's and every point's rows."""
    return is_supervisor(user)


def rows_for(user, key, filters=None):
    """The query of worklist `key` as `user` may see it."""
    if key == "supplements":
        return queries.intakes_awaiting_supplement()
    if key == "tolerated":
        return queries.tolerated_materials_due()
    if key == "hand_over":
        point = None if everywhere(user) else service_point_id_of(user)
        return delivery_queries.results_waiting_at(point)
    if key == "done":
        filters = dict(filters or {})
        department = filters.pop("department", None)
        if not everywhere(user):
            department = user.department_id
        return queries.done_tasks(department, **filters)
    if key == "extensions":
        return queries.pending_extensions(None if everywhere(user) else user.department_id)
    raise ValueError(key)


def open_url(user, key, row):
    """Where a row opens for this user: the window's pages for clerks, the department's task page
    for its staff, the audit trail for supervisors."""
    if key in ("supplements", "tolerated", "hand_over"):
        case_id = row.case_id if key == "hand_over" else row.pk
        if is_clerk(user):
            name = "cases:continue_intake" if key == "supplements" else "cases:case"
            return reverse(name, args=[case_id])
        return reverse("cases:supervision_audit", args=[case_id])
    task_id = row.pk if key == "done" else row.task_id
    if department_staff(user):
        return reverse("cases:inbox_task", args=[task_id])
    return reverse("cases:supervision_audit", args=[row.case_id])


HINTS_EVERYWHERE = {
    "hand_over": gettext_lazy("已出件、在各服务点窗口等待领取的结果。"),
    "done": gettext_lazy("各部门已答复（同意或不同意）的审批任务。"),
    "extensions": gettext_lazy("各部门审批人员提出、等待负责人审批的延期申请。"),
}


def title(user, key):
    if everywhere(user):
        return TITLES_EVERYWHERE.get(key, TITLES[key])
    return TITLES[key]


def hint(user, key):
    if everywhere(user):
        return HINTS_EVERYWHERE.get(key, HINTS[key])
    return HINTS[key]
