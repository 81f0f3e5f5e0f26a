"""Scans a clerk attached to an intake form that was sent back for a correction (another field
failed validation): kept server-side, keyed to the form's token, so that the corrected form does
not need them attached again. Used and deleted by the intake that succeeds; expired ones are
deleted by a periodic task (cases.tasks.purge_pending_uploads)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PendingUpload(models.Model):
    """One scan waiting for the intake form it was attached to (cases.actions.pending)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("收件人员"),
        help_text=_("上传扫描件的窗口人员；只有本人的表单能使用它。"),
        # Leads the unique (user, form_token, material) index, which serves it.
        db_index=False,
    )
    form_token = models.CharField(
        _("表单令牌"),
        max_length=80,
        help_text=_("收件表单的一次性令牌（表单中的幂等键），扫描件属于该表单。"),
    )
    material = models.ForeignKey(
        "catalog.Material",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("材料"),
        help_text=_("扫描件所属的事项材料。"),
    )
    file = models.FileField(
        _("扫描件"),
        upload_to="pending-uploads/%Y/%m/",
        help_text=_("已通过类型和结构检查的扫描件。"),
    )
    file_name = models.CharField(_("文件名"), max_length=200, help_text=_("上传时的原文件名。"))
    content_type = models.CharField(_("文件类型"), max_length=40, help_text=_("按内容识别的类型。"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, help_text=_("文件内容的摘要。"))
    created_at = models.DateTimeField(
        _("上传时间"),
        db_index=True,  # the purge of expired uploads
        help_text=_("上传时间；超过保留期限仍未使用的将被删除。"),
    )

    class Meta:
        verbose_name = _("待用扫描件")
        verbose_name_plural = _("待用扫描件")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "form_token", "material"], name="pending_upload_per_form_material"
            )
        ]

    def __str__(self):
        return self.file_name
