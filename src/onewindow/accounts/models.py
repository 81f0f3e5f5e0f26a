from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from onewindow.accounts.constants import DEPARTMENT_ROLES, Role


class User(AbstractUser):
    """A staff member. Each account has one role; reviewers and heads belong to one department."""

    full_name = models.CharField(
        _("姓名"), max_length=40, blank=True, help_text=_("显示用的中文姓名。")
    )
    role = models.CharField(
        _("角色"),
        max_length=32,
        choices=Role.choices,
        blank=True,
        help_text=_("工作人员角色，决定可见的页面与可执行的操作。"),
    )
    department = models.ForeignKey(
        "catalog.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("所属部门或服务点"),
        help_text=_("审批人员和负责人必须绑定一个部门；窗口人员可绑定所在服务点。"),
    )

    class Meta:
        verbose_name = _("工作人员")
        verbose_name_plural = _("工作人员")

    def __str__(self):
        return self.full_name or self.username

    def clean(self):
        super().clean()
        if self.role in DEPARTMENT_ROLES and self.department_id is None:
            raise ValidationError({"department": _("审批人员和部门负责人必须绑定部门。")})

    def has_role(self, *roles):
        return self.is_active and (self.is_superuser or self.role in roles)
