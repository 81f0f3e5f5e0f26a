"""What the department and supervision pages share: access checks, dates, the header badge."""

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from onewindow.accounts.constants import Role
from onewindow.cases import queries
from onewindow.cases.permissions import is_supervisor
from onewindow.core import workdays
from onewindow.core.ratelimit import client_address


def client_ip(request):
    address = client_address(request)
    return None if address == "unknown" else address


def today():
    return timezone.localdate()


def remaining_workdays(due, on):
    """Working days left until `due` (0 on the day itself), negative when overdue; None if unknown."""
    if due is None:
        return None
    if due >= on:
        return workdays.workdays_between(on, due)
    return -workdays.workdays_between(due, on)


def set_remaining(obj, due, on):
    """obj.remaining (working days left, negative when overdue) and obj.overdue, for the pages."""
    obj.remaining = remaining_workdays(due, on)
    obj.overdue = -obj.remaining if obj.remaining is not None and obj.remaining < 0 else 0
    return obj


def page_context(request, **context):
    """What every department page needs: the unread notification count for the header badge."""
    context["unread_count"] = queries.unread_notifications(request.user).count()
    return context


def require_department_staff(user):
    if not user.has_role(Role.REVIEWER, Role.HEAD):
        raise PermissionDenied(_("只有审批人员和部门负责人可以使用部门待办"))


def require_supervisor(user):
    if not is_supervisor(user):
        raise PermissionDenied(_("只有电子监察人员可以查看"))


def is_htmx(request):
    headers = request.headers
    return headers.get("HX-Request") and not headers.get("HX-History-Restore-Request")


def failed(exc):
    """A refused action: a 403 is a permission error page, anything else is shown in place."""
    if exc.status == 403:
        raise PermissionDenied(exc.message)
    return exc.message, exc.status
