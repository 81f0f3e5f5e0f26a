"""Notification and NotificationRead now belong to the notifications app (notifications/0001):
removed from cases' state only; their tables stay as they are (db_table)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0010_workspace"),
        ("notifications", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="colourchange",
                    name="notification",
                    field=models.ForeignKey(
                        blank=True,
                        help_text="告知此变化的汇总通知；为空表示尚待告知。",
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="notifications.notification",
                        verbose_name="汇总通知",
                    ),
                ),
                migrations.DeleteModel(name="NotificationRead"),
                migrations.DeleteModel(name="Notification"),
            ],
            database_operations=[],
        ),
    ]
