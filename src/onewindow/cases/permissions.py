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
