"""The worklists' queries use the indexes their docstrings name (cases/queries.py). PostgreSQL is
told not to scan sequentially, as its planner would on a test's few rows; SQLite's planner picks
the index by itself."""

import pytest
from django.db import connection

from onewindow.cases import queries

pytestmark = pytest.mark.django_db


def plan(queryset):
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("EXPLAIN " + sql, params)
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        return " ".join(str(row[-1]) for row in cursor.fetchall())


@pytest.mark.parametrize(
    ("name", "index"),
    [
        ("department", "task_done"),
        ("everyone", "task_done_at"),
        ("tolerated", "case_tolerated_due"),
        ("supplements", "case_state_received"),
    ],
)
def test_the_worklist_uses_its_index(market, name, index):
    queryset = {
        "department": lambda: queries.done_tasks(market.pk),
        "everyone": lambda: queries.done_tasks(None),
        "tolerated": queries.tolerated_materials_due,
        "supplements": queries.intakes_awaiting_supplement,
    }[name]()
    # A page of it, as the workspace and the list pages read it.
    assert index in plan(queryset[:50])
