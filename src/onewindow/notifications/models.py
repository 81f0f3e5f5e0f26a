from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from onewindow.notifications.constants import MessageChannel, MessageState


class OutboundMessage(models.Model):
    """One message to one address over one channel, written in the transaction of the event that
    causes it and sent afterwards by a background task (an outbox). The unique event key makes
    the same event never send twice.

    In-app messages need no sending and are written as sent: the applicant's (address
    `applicant`) are listed on the public progress page; a staff message (address
    `department:<id>` or `user:<id>`) records that cases.Notification was written for the event.
    """

    event_key = models.CharField(
        _("事件键"),
        max_length=120,
        help_text=_("引起该消息的事件，例如 accepted:441303…；同一事件同一地址只发一次。"),
    )
    template = models.CharField(
        _("模板"), max_length=40, help_text=_("消息模板名称，例如 acceptance、locker_code。")
    )
    channel = models.CharField(
        _("渠道"), max_length=8, choices=MessageChannel.choices, help_text=_("短信、邮件或站内。")
    )
    address = models.CharField(
        _("地址"),
        max_length=200,
        blank=True,
        help_text=_(
            "手机号码或电子邮箱；站内消息为 applicant（申请人）、department:<id> 或 user:<id>。"
        ),
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("接收人"),
        help_text=_("接收的工作人员（员工消息）。"),
    )
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="messages",
        verbose_name=_("办件"),
        help_text=_("相关办件。"),
    )
    subject = models.CharField(_("标题"), max_length=200, blank=True, help_text=_("邮件标题。"))
    body = models.TextField(_("内容"), help_text=_("发送的正文。"))
    state = models.CharField(
        _("状态"),
        max_length=8,
        choices=MessageState.choices,
        default=MessageState.PENDING,
        help_text=_("待发送、发送中、已发送、未发送（未配置短信网关）或发送失败（重试用尽）。"),
    )
    attempts = models.PositiveSmallIntegerField(
        _("尝试次数"), default=0, help_text=_("已尝试发送的次数。")
    )
    last_error = models.TextField(_("最近错误"), blank=True, help_text=_("最近一次失败的原因。"))
    next_attempt_at = models.DateTimeField(
        _("下次尝试时间"),
        null=True,
        blank=True,
        help_text=_("待发送消息下一次尝试的时间；过后仍未发送的由巡检任务重新排队。"),
    )
    claimed_at = models.DateTimeField(
        _("领取时间"),
        null=True,
        blank=True,
        help_text=_("后台任务领取该消息开始发送的时间。"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True, help_text=_("写入时间。"))
    sent_at = models.DateTimeField(
        _("发送时间"), null=True, blank=True, help_text=_("发送成功时间。")
    )

    class Meta:
        # The table keeps the name it had in delivery: the model moved, the data did not
        # (migrations notifications/0001 and delivery/0005, docs/notifications.md).
        db_table = "delivery_outboundmessage"
        ordering = ["-created_at", "-id"]
        verbose_name = _("外发消息")
        verbose_name_plural = _("外发消息")
        indexes = [
            # The sweeper (pending and due) and the staff page (failed, held) read by state.
            models.Index(fields=["state", "next_attempt_at"], name="message_state_due"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["event_key", "channel", "address"], name="message_once_per_event"
            )
        ]

    def __str__(self):
        return f"{self.template} → {self.get_channel_display()}"


class Notification(models.Model):
    """An in-app message to a staff member or to everyone in a department (notify.notify and
    notify.tell_staff write them; applicants are told through the outbox).

    Who has read it is kept per person in NotificationRead, for a personal message as for a
    department's: a department's message read by one member is still unread for the others.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("接收人"),
        help_text=_("接收的工作人员；为空时发给整个部门。"),
    )
    department = models.ForeignKey(
        "catalog.Department",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("接收部门"),
        help_text=_("接收的部门。"),
    )
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("办件"),
        help_text=_("相关办件。"),
    )
    kind = models.CharField(
        _("类型"),
        max_length=32,
        help_text=_("例如 yellow_card、red_card、press、extension_requested。"),
    )
    text = models.TextField(
        _("内容"), help_text=_("通知内容（接收人的语言；发给部门时为站点默认语言）。")
    )
    texts = models.JSONField(
        _("各语言内容"),
        default=dict,
        blank=True,
        help_text=_("按语言代码保存的通知内容：发给个人时为其语言，发给部门时为站点的每种语言。"),
    )
    created_at = models.DateTimeField(
        _("时间"), auto_now_add=True, db_index=True, help_text=_("发出时间。")
    )

    class Meta:
        db_table = "cases_notification"  # kept from cases: see OutboundMessage
        ordering = ["-created_at", "-id"]
        verbose_name = _("站内通知")
        verbose_name_plural = _("站内通知")

    def __str__(self):
        return self.text[:40]

    def text_in(self, language):
        """The text for a reader of `language`: a department's notice was written in each."""
        return self.texts.get(language) or self.text


class NotificationRead(models.Model):
    """One person has read one notification. No row: still unread for that person."""

    notification = models.ForeignKey(
        Notification,
        on_delete=models.CASCADE,
        related_name="reads",
        verbose_name=_("通知"),
        help_text=_("已读的站内通知。"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_reads",
        # notification_read_once (user, notification) already serves lookups by user.
        db_index=False,
        verbose_name=_("阅读人"),
        help_text=_("标为已读的工作人员；发给部门的通知，每位部门成员各自标记。"),
    )
    read_at = models.DateTimeField(_("已读时间"), help_text=_("该工作人员标为已读的时间。"))

    class Meta:
        db_table = "cases_notificationread"  # kept from cases: see OutboundMessage
        constraints = [
            # User first: it also answers "what has this person read" (the unread count).
            models.UniqueConstraint(fields=["user", "notification"], name="notification_read_once")
        ]
        verbose_name = _("通知已读记录")
        verbose_name_plural = _("通知已读记录")

    def __str__(self):
        return f"{self.user} · {self.notification_id}"
