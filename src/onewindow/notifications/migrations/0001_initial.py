"""The notifications app takes over three models that already have tables and rows: cases'
Notification and NotificationRead, delivery's OutboundMessage. Only Django's state moves
(SeparateDatabaseAndState): each model keeps its table by Meta.db_table, so no row is copied
and no table, index or constraint is renamed (raw SQL and index names stay valid). cases/0011
and delivery/0005 drop the models from their apps' state after this one."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("cases", "0010_workspace"),
        ("delivery", "0004_certificate_kinds"),
        ("catalog", "0003_item_signature_and_result_document"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Notification",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "kind",
                            models.CharField(
                                help_text="例如 yellow_card、red_card、press、extension_requested。",
                                max_length=32,
                                verbose_name="类型",
                            ),
                        ),
                        ("text", models.TextField(help_text="通知内容。", verbose_name="内容")),
                        (
                            "created_at",
                            models.DateTimeField(
                                auto_now_add=True,
                                db_index=True,
                                help_text="发出时间。",
                                verbose_name="时间",
                            ),
                        ),
                        (
                            "case",
                            models.ForeignKey(
                                blank=True,
                                help_text="相关办件。",
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="notifications",
                                to="cases.case",
                                verbose_name="办件",
                            ),
                        ),
                        (
                            "department",
                            models.ForeignKey(
                                blank=True,
                                help_text="接收的部门。",
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="notifications",
                                to="catalog.department",
                                verbose_name="接收部门",
                            ),
                        ),
                        (
                            "recipient",
                            models.ForeignKey(
                                blank=True,
                                help_text="接收的工作人员；为空时发给整个部门。",
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="notifications",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="接收人",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "站内通知",
                        "verbose_name_plural": "站内通知",
                        "db_table": "cases_notification",
                        "ordering": ["-created_at", "-id"],
                    },
                ),
                migrations.CreateModel(
                    name="NotificationRead",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "read_at",
                            models.DateTimeField(
                                help_text="该工作人员标为已读的时间。", verbose_name="已读时间"
                            ),
                        ),
                        (
                            "notification",
                            models.ForeignKey(
                                help_text="已读的站内通知。",
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="reads",
                                to="notifications.notification",
                                verbose_name="通知",
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                db_index=False,
                                help_text="标为已读的工作人员；发给部门的通知，每位部门成员各自标记。",
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="notification_reads",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="阅读人",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "通知已读记录",
                        "verbose_name_plural": "通知已读记录",
                        "db_table": "cases_notificationread",
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("user", "notification"), name="notification_read_once"
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="OutboundMessage",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "event_key",
                            models.CharField(
                                help_text="引起该消息的事件，例如 accepted:441303…；同一事件同一地址只发一次。",
                                max_length=120,
                                verbose_name="事件键",
                            ),
                        ),
                        (
                            "template",
                            models.CharField(
                                help_text="消息模板名称，例如 acceptance、locker_code。",
                                max_length=40,
                                verbose_name="模板",
                            ),
                        ),
                        (
                            "channel",
                            models.CharField(
                                choices=[
                                    ("sms", "短信"),
                                    ("email", "电子邮件"),
                                    ("in_app", "站内消息"),
                                ],
                                help_text="短信、邮件或站内。",
                                max_length=8,
                                verbose_name="渠道",
                            ),
                        ),
                        (
                            "address",
                            models.CharField(
                                blank=True,
                                help_text="手机号码或电子邮箱；站内消息为 applicant（申请人）、department:<id> 或 user:<id>。",
                                max_length=200,
                                verbose_name="地址",
                            ),
                        ),
                        (
                            "subject",
                            models.CharField(
                                blank=True,
                                help_text="邮件标题。",
                                max_length=200,
                                verbose_name="标题",
                            ),
                        ),
                        ("body", models.TextField(help_text="发送的正文。", verbose_name="内容")),
                        (
                            "state",
                            models.CharField(
                                choices=[
                                    ("pending", "待发送"),
                                    ("sending", "发送中"),
                                    ("sent", "已发送"),
                                    ("held", "未发送（未配置短信网关）"),
                                    ("failed", "发送失败"),
                                ],
                                default="pending",
                                help_text="待发送、发送中、已发送、未发送（未配置短信网关）或发送失败（重试用尽）。",
                                max_length=8,
                                verbose_name="状态",
                            ),
                        ),
                        (
                            "attempts",
                            models.PositiveSmallIntegerField(
                                default=0, help_text="已尝试发送的次数。", verbose_name="尝试次数"
                            ),
                        ),
                        (
                            "last_error",
                            models.TextField(
                                blank=True,
                                help_text="最近一次失败的原因。",
                                verbose_name="最近错误",
                            ),
                        ),
                        (
                            "next_attempt_at",
                            models.DateTimeField(
                                blank=True,
                                help_text="待发送消息下一次尝试的时间；过后仍未发送的由巡检任务重新排队。",
                                null=True,
                                verbose_name="下次尝试时间",
                            ),
                        ),
                        (
                            "claimed_at",
                            models.DateTimeField(
                                blank=True,
                                help_text="后台任务领取该消息开始发送的时间。",
                                null=True,
                                verbose_name="领取时间",
                            ),
                        ),
                        (
                            "created_at",
                            models.DateTimeField(
                                auto_now_add=True, help_text="写入时间。", verbose_name="创建时间"
                            ),
                        ),
                        (
                            "sent_at",
                            models.DateTimeField(
                                blank=True,
                                help_text="发送成功时间。",
                                null=True,
                                verbose_name="发送时间",
                            ),
                        ),
                        (
                            "case",
                            models.ForeignKey(
                                blank=True,
                                help_text="相关办件。",
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="messages",
                                to="cases.case",
                                verbose_name="办件",
                            ),
                        ),
                        (
                            "recipient",
                            models.ForeignKey(
                                blank=True,
                                help_text="接收的工作人员（员工消息）。",
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="接收人",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "外发消息",
                        "verbose_name_plural": "外发消息",
                        "db_table": "delivery_outboundmessage",
                        "ordering": ["-created_at", "-id"],
                        "indexes": [
                            models.Index(
                                fields=["state", "next_attempt_at"], name="message_state_due"
                            )
                        ],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("event_key", "channel", "address"),
                                name="message_once_per_event",
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
