"""Load the chinesecalendar holiday schedule (2004–2026) so that every database, tests included,
starts with a working calendar."""

from django.db import migrations


def seed(apps, schema_editor):
    from onewindow.core.calendar_seed import seed_calendar

    seed_calendar(
        apps.get_model("core", "CalendarYear"),
        apps.get_model("core", "CalendarDay"),
        using=schema_editor.connection.alias,
    )


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop, elidable=False)]
