"""Who may do what with cases. Actions check these; queries filter with the same rules."""

from onewindow.accounts.constants import Role


def is_clerk(user):
    return user.has_role(Role.CLERK)


def is_supervisor(user):
    return user.has_role(Role.SUPERVISOR)


def works_for(user, department_id):
    """A reviewer or head of that department (superusers count as everyone)."""
    if not user.is_active:
        return False
    return user.is_superuser or (
        user.role in (Role.REVIEWER, Role.HEAD) and user.department_id == department_id
    )


def heads(user, department_id):
    return user.is_active and (
        user.is_superuser or (user.role == Role.HEAD and user.department_id == department_id)
    )


def is_addressed_to(notification, user):
    """A personal notification is its recipient's; a department's is every member's.

    The same rule as queries.visible_notifications, for one notification.
    """
    if not user.is_active:
        return False
    if notification.recipient_id is not None:
        return notification.recipient_id == user.pk
    return (
        notification.department_id is not None and notification.department_id == user.department_id
    )


# --- service points ---------------------------------------------------------------------------
# A window clerk works at one service point (政务服务中心, 镇 or 村): their department. They act on
# the results and lockers of that point only, and read full identity data of the cases received
# there only (docs/security.md, "Who may see what").


def district_hall_id():
    """The district's government service centre: where a case with no receiving point and a clerk
    with no point of their own belong (as delivery's window_for does for a result)."""
    from onewindow.catalog.constants import DepartmentKind
    from onewindow.catalog.models import Department

    halls = Department.objects.filter(kind=DepartmentKind.HALL).order_by("id")
    return halls.values_list("pk", flat=True).first()


def service_point_id_of(user):
    """The service point a clerk works at. A clerk account with no department predates service
    points (or was made in a hurry): it works at the district hall, never everywhere."""
    return user.department_id or district_hall_id()


def case_point_id(case):
    """The service point that received the case (the district hall when none was recorded)."""
    return case.service_point_id or district_hall_id()


def at_own_point(user, point_id):
    """A clerk may act at `point_id` (a result waiting there, a locker standing there); superusers
    act everywhere."""
    return user.is_active and (user.is_superuser or point_id == service_point_id_of(user))


def sees_full_identity(user, case):
    """Full ID numbers, phones and e-mail of the case's applicant and proxy.

    Reviewers and heads (who see only their departments' cases), supervisors and superusers read
    the whole file, as they must to review or supervise it. A clerk reads them for cases received
    at their own service point; elsewhere masked values, enough to recognise a person at the
    counter (a hand-over compares the typed ID number in full on the server)."""
    if not user.is_active:
        return False
    if user.is_superuser or user.role in (Role.REVIEWER, Role.HEAD, Role.SUPERVISOR):
        return True
    return user.role == Role.CLERK and case_point_id(case) == service_point_id_of(user)
