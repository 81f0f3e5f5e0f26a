"""OutboundMessage now belongs to the notifications app (notifications/0001): removed from
delivery's state only; its table delivery_outboundmessage stays as it is (db_table)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("delivery", "0004_certificate_kinds"),
        ("notifications", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="OutboundMessage")],
            database_operations=[],
        ),
    ]
