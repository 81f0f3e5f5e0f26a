"""ow_check(problem text): the PostgreSQL half of core.batch's checks.

A batch runs as one multi-statement query; a check that finds a problem raises here, which rolls
the whole batch back on the server. SQLite needs no function: its batches run statement by
statement in Python.
"""

from django.db import migrations

from onewindow.core.batch import CHECK_FUNCTION, CHECK_FUNCTION_SQL


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CHECK_FUNCTION_SQL)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {CHECK_FUNCTION}(text)")


class Migration(migrations.Migration):
    dependencies = [("core", "0004_auditentry_append_only")]

    operations = [migrations.RunPython(forward, backward)]
