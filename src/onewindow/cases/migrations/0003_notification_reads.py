"""Read state per person: NotificationRead replaces Notification.read_at.

A personal notification that was read becomes one row for its recipient. A department's
notification that was read was, until now, read for everybody in the department, so it becomes
one row for every member of that department today: nobody sees an old notice turn unread again.
Going back, a notification is read when anybody has read it (the old, shared meaning).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import Min, OuterRef, Subquery


def copy_read_at(apps, schema_editor):
    Notification = apps.get_model("cases", "Notification")
    NotificationRead = apps.get_model("cases", "NotificationRead")
    User = apps.get_model(settings.AUTH_USER_MODEL)
    members = {}
    for user_id, department_id in User.objects.exclude(department=None).values_list(
        "pk", "department_id"
    ):
        members.setdefault(department_id, []).append(user_id)
    read = Notification.objects.exclude(read_at=None).order_by("pk")
    rows = []
    for pk, recipient_id, department_id, read_at in read.values_list(
        "pk", "recipient_id", "department_id", "read_at"
    ).iterator(chunk_size=2000):
        readers = [recipient_id] if recipient_id else members.get(department_id, [])
        rows += [NotificationRead(notification_id=pk, user_id=u, read_at=read_at) for u in readers]
        if len(rows) >= 2000:
            # Years of department notices times their members: write as we go, not all at once.
            NotificationRead.objects.bulk_create(rows)
            rows = []
    NotificationRead.objects.bulk_create(rows)


def restore_read_at(apps, schema_editor):
    Notification = apps.get_model("cases", "Notification")
    NotificationRead = apps.get_model("cases", "NotificationRead")
    first_read = (
        NotificationRead.objects.filter(notification=OuterRef("pk"))
        .values("notification")
        .annotate(first=Min("read_at"))
        .values("first")
    )
    Notification.objects.update(read_at=Subquery(first_read))


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_initial"),  # User.department, read by copy_read_at
        ("cases", "0002_idempotency_per_user"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="NotificationRead",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
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
                        to="cases.notification",
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
                "constraints": [
                    models.UniqueConstraint(
                        fields=("user", "notification"), name="notification_read_once"
                    )
                ],
            },
        ),
        migrations.RunPython(copy_read_at, restore_read_at),
        migrations.RemoveIndex(
            model_name="notification",
            name="notification_department_unread",
        ),
        migrations.RemoveField(
            model_name="notification",
            name="read_at",
        ),
    ]
