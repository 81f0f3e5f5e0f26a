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
