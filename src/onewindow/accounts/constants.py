from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CLERK = "clerk", _("综合窗口受理人员")
    REVIEWER = "reviewer", _("部门审批人员")
    HEAD = "head", _("部门负责人")
    SUPERVISOR = "supervisor", _("电子监察")
    CATALOG_ADMIN = "catalog_admin", _("事项管理员")
    AGENT = "agent", _("项目代办员")


# Roles that act for one department and must be bound to it.
DEPARTMENT_ROLES = {Role.REVIEWER, Role.HEAD}
