from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext
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

    language = models.CharField(
        _("消息语言"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("站内通知等发给本人的消息以此语言生成。"),
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


class ApiToken(models.Model):
    """A bearer token for an integration (系统对接), e.g. a village service point's system.

    Only the SHA-256 of the token is stored: the token itself is shown once, when it is made
    (accounts.tokens). The first characters are kept in clear so that a token can be named and
    revoked without the secret.
    """

    user = models.ForeignKey(
        User,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("所属用户"),
        help_text=_("令牌代表的工作人员账户；调用接口时按该账户的角色和部门判断权限。"),
    )
    name = models.CharField(
        _("名称"), max_length=80, help_text=_("用途说明，例如“新圩镇便民服务中心对接”。")
    )
    key_prefix = models.CharField(
        _("令牌前缀"),
        max_length=8,
        db_index=True,
        help_text=_("令牌的前 8 个字符，用于识别和吊销；不足以用作凭证。"),
    )
    key_hash = models.CharField(
        _("令牌摘要"),
        max_length=64,
        unique=True,
        help_text=_("令牌的 SHA-256 摘要（十六进制）；令牌本身不保存。"),
    )
    created_at = models.DateTimeField(
        _("创建时间"), auto_now_add=True, help_text=_("令牌创建时间。")
    )
    last_used_at = models.DateTimeField(
        _("最近使用时间"),
        null=True,
        blank=True,
        help_text=_("最近一次成功认证的时间（约每分钟更新一次）。"),
    )
    revoked_at = models.DateTimeField(
        _("吊销时间"), null=True, blank=True, help_text=_("吊销后令牌立即失效；为空表示有效。")
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")

    def __str__(self):
        return gettext("%(name)s（%(detail)s）") % {
            "name": self.name,
            "detail": f"{self.key_prefix}…",
        }

    @property
    def is_active(self):
        return self.revoked_at is None
